package kubectl

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"
)

// outputFlags are the flags of kubectl's printers, which get shares with
// the verbs that print objects (-o, --template).
var outputFlags = []flagDef{
	{name: "output", short: 'o', typ: stringFlag},
	{name: "template", typ: stringFlag},
	{name: "allow-missing-template-keys", typ: boolFlag, def: "true"},
	{name: "show-managed-fields", typ: boolFlag},
}

// allowedFormats is kubectl get's list of output formats, sorted, as its
// "unable to match a printer" error lists them.
var allowedFormats = []string{
	"custom-columns", "custom-columns-file", "go-template", "go-template-file", "json", "jsonpath",
	"jsonpath-as-json", "jsonpath-file", "kyaml", "name", "template", "templatefile", "wide", "yaml",
}

// Template output formats, by the family that reads them.
var (
	jsonPathFormats   = []string{"jsonpath", "jsonpath-as-json", "jsonpath-file"}
	goTemplateFormats = []string{"go-template", "go-template-file", "template", "templatefile"}
)

// printer is how a command line asked for objects to be printed.
type printer struct {
	format string // "" or "wide" for tables, "name", "yaml", "json", "jsonpath", "go-template"
	jp     *jsonPath
	gt     *goTemplate
	text   string // the template, as the user gave it
	// allowMissing is --allow-missing-template-keys.
	allowMissing bool
}

// errNoPrinter is kubectl's NoCompatiblePrinterError.
type errNoPrinter struct{ format string }

func (e *errNoPrinter) Error() string {
	return fmt.Sprintf("unable to match a printer suitable for the output format %q, allowed formats are: %s",
		e.format, strings.Join(allowedFormats, ","))
}

// humanReadable reports whether the flags ask for kubectl's tables, which
// is decided before any printer is built.
func humanReadable(fv *flagValues) bool {
	o := fv.String("output")
	return (o == "" && fv.String("template") == "") || o == "wide"
}

// newPrinter builds the printer -o and --template ask for, trying the
// printer families in kubectl's order: templates, JSON and YAML, tables,
// custom columns, names.
func newPrinter(fv *flagValues) (*printer, error) {
	format, tmpl := fv.String("output"), fv.String("template")
	if tmpl != "" && format == "" {
		format = "go-template"
	}
	p := &printer{allowMissing: fv.Bool("allow-missing-template-keys")}
	if family, value, ok := templateFormat(format, tmpl); ok {
		if value == "" {
			return nil, errors.New("template format specified but no template given")
		}
		return p, p.parseTemplate(family, value)
	}
	switch f := strings.ToLower(format); f {
	case "json", "yaml":
		p.format = f
		return p, nil
	case "kyaml":
		return nil, fmt.Errorf("%w: -o kyaml", ErrUnsupportedOutput)
	}
	switch {
	case format == "" || format == "wide":
		p.format = format
		return p, nil
	case format == "custom-columns" || format == "custom-columns-file" ||
		strings.HasPrefix(format, "custom-columns=") || strings.HasPrefix(format, "custom-columns-file="):
		return nil, fmt.Errorf("%w: -o custom-columns", ErrUnsupportedOutput)
	case format == "name":
		p.format = format
		return p, nil
	}
	return nil, &errNoPrinter{format}
}

// ErrUnsupportedOutput is wrapped by the error for an output format that
// kubectl has and svcsim does not print (custom-columns, kyaml,
// jsonpath-as-json, and the -file forms, which read the host's files).
var ErrUnsupportedOutput = errors.New("svcsim does not support this output format")

// templateFormat splits a template format ("jsonpath={.x}", or "jsonpath"
// with the template in --template) into its family and template, as
// kubectl's template printer flags do; ok is false for other formats.
func templateFormat(format, tmpl string) (family, value string, ok bool) {
	name := format
	if tmpl != "" {
		value = tmpl
	} else if format != "" {
		for _, f := range slices.Concat(jsonPathFormats, goTemplateFormats) {
			if v, found := strings.CutPrefix(format, f+"="); found {
				name, value = f, v
				break
			}
		}
	}
	if !slices.Contains(jsonPathFormats, name) && !slices.Contains(goTemplateFormats, name) {
		return "", "", false
	}
	return name, value, true
}

func (p *printer) parseTemplate(family, text string) error {
	p.text = text
	switch family {
	case "jsonpath":
		jp, err := parseJSONPath(text)
		if err != nil {
			return fmt.Errorf("error parsing jsonpath %s, %v", text, err)
		}
		p.format, p.jp = "jsonpath", jp
		return nil
	case "go-template", "template":
		gt, err := parseGoTemplate(text, p.allowMissing)
		if err != nil {
			return fmt.Errorf("error parsing template %s, %v", text, err)
		}
		p.format, p.gt = "go-template", gt
		return nil
	}
	return fmt.Errorf("%w: -o %s", ErrUnsupportedOutput, family)
}

// printObject prints one object, or a v1 List (as kubectl builds for
// several objects or for a listing), in the printer's format. Templates
// that fail print kubectl's diagnosis and return an error that has
// already been reported.
func (p *printer) printObject(stdio IO, m map[string]any) error {
	switch p.format {
	case "name":
		return printNames(stdio.Out, m)
	case "yaml":
		return write(stdio.Out, FormatYAML, m)
	case "json":
		return write(stdio.Out, FormatJSON, m)
	case "jsonpath":
		var b bytes.Buffer
		if err := p.jp.execute(&b, m, p.allowMissing); err != nil {
			// kubectl's message ends in a blank line, and it adds no
			// newline of its own to a message that ends in one.
			fmt.Fprintf(stdio.Err, "error: error executing jsonpath %q: Error executing template: %v. Printing more information for debugging the template:\n\ttemplate was:\n\t\t%v\n\tobject given to jsonpath engine was:\n\t\t%#v\n\n\n",
				p.text, err, p.text, m)
			return &exitError{1}
		}
		_, err := stdio.Out.Write(b.Bytes())
		return err
	case "go-template":
		return p.gt.execute(stdio.Out, m, p.text)
	}
	return fmt.Errorf("%w: -o %s", ErrUnsupportedOutput, p.format)
}

// printNames prints kind/name for an object, or for each item of a list:
// pod/web, deployment.apps/web.
func printNames(w io.Writer, m map[string]any) error {
	if m["kind"] == "List" {
		items, _ := m["items"].([]any)
		for _, it := range items {
			if im, ok := it.(map[string]any); ok {
				if err := printNames(w, im); err != nil {
					return err
				}
			}
		}
		return nil
	}
	kind, _ := m["kind"].(string)
	apiVersion, _ := m["apiVersion"].(string)
	name := "<unknown>"
	if meta, ok := m["metadata"].(map[string]any); ok {
		if n, ok := meta["name"].(string); ok && n != "" {
			name = n
		}
	}
	ref := strings.ToLower(kind)
	if group, _, ok := strings.Cut(apiVersion, "/"); ok {
		ref += "." + group
	}
	_, err := fmt.Fprintf(w, "%s/%s\n", ref, name)
	return err
}

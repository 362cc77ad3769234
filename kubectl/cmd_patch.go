package kubectl

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"reflect"
	"strings"

	"sigs.k8s.io/yaml"

	"github.com/svcsim/svcsim/cluster"
)

func patchCommand() *command {
	return &command{
		name:  "patch",
		short: "Update fields of a resource",
		usage: "kubectl patch (-f FILENAME | TYPE NAME) [-p PATCH|--patch-file FILE] [options]",
		flags: []flagDef{
			{name: "patch", short: 'p', typ: stringFlag},
			{name: "patch-file", typ: stringFlag},
			{name: "type", typ: stringFlag, def: "strategic"},
			writeDryRunFlag,
		},
		run: runPatch,
	}
}

// requestInvalid is the apiserver's 422 for a patch that cannot be
// applied or whose result cannot be decoded. kubectl words it "The
// request is invalid: FIELD: MESSAGE" when it is the only error.
type requestInvalid struct{ field, msg string }

// Error is the apiserver's message, as kubectl prints it among several.
func (e *requestInvalid) Error() string {
	return "Error from server (Invalid): the server rejected our request due to an error in our request"
}

// runPatch is `kubectl patch`. The patch (-p, or --patch-file read as -f
// files are) may be YAML or JSON; --type is strategic (the default),
// merge or json. It is applied to each named object's unstructured form
// as the apiserver applies it, and the result is decoded as the apiserver
// decodes it: an unknown field is dropped with a warning (the apiserver's
// default field validation for a patch is Warn), a value of the wrong
// type makes the request invalid, and the object must then pass the
// store's validation. Each object is patched on its own; failures are
// reported after the others are done.
func runPatch(k *Client, x *call) error {
	p, file := x.flags.String("patch"), x.flags.String("patch-file")
	typ := strings.ToLower(x.flags.String("type"))
	switch {
	case p != "" && file != "":
		return errors.New("cannot specify --patch and --patch-file together")
	case p == "" && file == "":
		return errors.New("must specify --patch or --patch-file containing the contents of the patch")
	}
	switch typ {
	case "json", "merge", "strategic":
	default:
		return fmt.Errorf("--type must be one of [json merge strategic], not %q", x.flags.String("type"))
	}
	dry, err := writeDryRun(x)
	if err != nil {
		return err
	}
	body := []byte(p)
	if file != "" {
		b, err := readPatchFile(x, file)
		if err != nil {
			return err
		}
		body = b
	}
	j, err := yaml.YAMLToJSON(body)
	if err != nil {
		return fmt.Errorf("unable to parse %q: %v", p, err)
	}
	targets, err := k.resolveTargets(x, targetQuery{args: x.args})
	if err != nil {
		return err
	}
	var errs []error
	for _, t := range targets {
		if err := k.patchOne(x, t, typ, j, dry); err != nil {
			errs = append(errs, err)
		}
	}
	if len(errs) == 1 {
		var ri *requestInvalid
		if errors.As(errs[0], &ri) {
			return failPrinted(x, "The request is invalid: "+ri.field+": "+ri.msg+"\n")
		}
	}
	if errs != nil {
		return errors.Join(errs...)
	}
	if len(targets) == 0 {
		return errors.New("no objects passed to patch")
	}
	return nil
}

// readPatchFile reads --patch-file through IO.ReadFile, as kubectl reads
// it from disk.
func readPatchFile(x *call, name string) ([]byte, error) {
	if x.io.ReadFile == nil {
		return nil, fmt.Errorf("unable to read patch file: open %s: no such file or directory", name)
	}
	b, err := x.io.ReadFile(name)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, fmt.Errorf("unable to read patch file: open %s: no such file or directory", name)
	}
	if err != nil {
		return nil, fmt.Errorf("unable to read patch file: %v", err)
	}
	return b, nil
}

// patchOne patches one object and says so.
func (k *Client) patchOne(x *call, t target, typ string, patch []byte, dry writeDry) error {
	cur, err := k.fetch(t)
	if err != nil {
		return err
	}
	next, warnings, err := k.patched(cur, typ, patch)
	for _, w := range warnings {
		warn(x, w)
	}
	if err != nil {
		return err
	}
	changed := false
	if dry == writeDryNone {
		out, err := k.s.Update(next)
		if err != nil {
			return err
		}
		changed = out.Meta().ResourceVersion != cur.Meta().ResourceVersion
	} else {
		a, _ := Unstructured(cur)
		b, _ := Unstructured(next)
		changed = !reflect.DeepEqual(a, b)
	}
	word := "patched"
	if !changed {
		word = "patched (no change)"
	}
	fmt.Fprintf(x.io.Out, "%s/%s %s%s\n", t.rt.qualified(), t.name, word, dry.suffix())
	return nil
}

// patched applies a patch to obj as the apiserver would and decodes the
// result, returning the warnings the apiserver would send with it.
func (k *Client) patched(obj cluster.Object, typ string, patch []byte) (cluster.Object, []string, error) {
	doc, err := Unstructured(obj)
	if err != nil {
		return nil, nil, err
	}
	apiVersion, kind := doc["apiVersion"], doc["kind"]
	var out any
	switch typ {
	case "json":
		ops, err := decodeJSONPatch(patch)
		if err != nil {
			return nil, nil, badRequest(err.Error())
		}
		if out, err = applyJSONPatch(doc, ops); err != nil {
			return nil, nil, &requestInvalid{msg: err.Error()}
		}
	case "merge":
		var p any
		if err := decodePatchJSON(patch, &p); err != nil {
			return nil, nil, badRequest(err.Error())
		}
		if _, ok := p.(map[string]any); !ok {
			return nil, nil, badRequest("Invalid JSON Patch")
		}
		out = applyMergePatch(doc, p)
	default:
		var p map[string]any
		if err := decodePatchJSON(patch, &p); err != nil {
			return nil, nil, badRequest(err.Error())
		}
		m, err := strategicMerge(doc, p, "")
		if err != nil {
			return nil, nil, err
		}
		out = m
	}
	m, ok := out.(map[string]any)
	if !ok {
		return nil, nil, &requestInvalid{field: "patch", msg: "Invalid value: " + quote(patchJSON(out)) + ": the patched object is not a JSON object"}
	}
	for _, f := range []struct {
		key string
		was any
	}{{"apiVersion", apiVersion}, {"kind", kind}} {
		v, ok := m[f.key]
		if !ok || v == nil {
			m[f.key] = f.was
		} else if v != f.was {
			return nil, nil, &requestInvalid{field: "patch", msg: "Invalid value: " + quote(patchJSON(m)) +
				fmt.Sprintf(": %s may not be changed from %v to %v", f.key, f.was, v)}
		}
	}
	next, warnings, err := decodePatched(obj.Kind(), m)
	if err != nil {
		return nil, warnings, err
	}
	om, nm := obj.Meta(), next.Meta()
	if nm.Name != om.Name {
		return nil, warnings, badRequest(fmt.Sprintf("the name of the object (%s) does not match the name on the URL (%s)", nm.Name, om.Name))
	}
	if !cluster.ClusterScoped(obj.Kind()) {
		if nm.Namespace == "" {
			nm.Namespace = om.Namespace
		} else if nm.Namespace != om.Namespace {
			return nil, warnings, badRequest("the namespace of the provided object does not match the namespace sent on the request")
		}
	}
	return next, warnings, nil
}

// decodePatched decodes a patched object as the apiserver does with
// field validation Warn: unknown fields are dropped and become warnings,
// a wrong type makes the request invalid, and a field Kubernetes has but
// svcsim does not model is refused.
func decodePatched(kind cluster.Kind, m map[string]any) (cluster.Object, []string, error) {
	apiVersion, _ := APIVersion(kind)
	info, ok := lookupKind(apiVersion, string(kind))
	if !ok {
		return nil, nil, fmt.Errorf("%w: kubectl cannot patch a %s", ErrUnsupported, kind)
	}
	obj := info.new()
	body := make(map[string]any, len(m))
	for key, v := range m {
		if key != "apiVersion" && key != "kind" {
			body[key] = v
		}
	}
	var f fieldCheck
	converted := f.walk(body, reflect.TypeOf(obj).Elem(), "")
	var warnings []string
	for _, p := range f.unknown {
		warnings = append(warnings, "unknown field "+quote(p))
	}
	invalid := func(detail string) error {
		return &requestInvalid{field: "patch", msg: "Invalid value: " + quote(patchJSON(m)) + ": " + detail}
	}
	if f.wrong != nil {
		return nil, warnings, invalid(f.wrong.msg)
	}
	if len(f.unsupported) > 0 {
		return nil, warnings, &ManifestError{Item: -1, Err: ErrUnsupported, Path: f.unsupported[0],
			msg: string(kind) + " " + quote(nameOf(m)) + ": " + unsupportedList(f.unsupported) + " not supported by svcsim"}
	}
	j, err := json.Marshal(converted)
	if err != nil {
		return nil, warnings, invalid(err.Error())
	}
	if err := json.Unmarshal(j, obj); err != nil {
		return nil, warnings, invalid(err.Error())
	}
	return obj, warnings, nil
}

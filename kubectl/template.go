package kubectl

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"reflect"
	"text/template"
)

// goTemplate is `-o go-template=...` and `--template`: Go's text/template
// over the object's unstructured map, with kubectl's two extra functions,
// exists and base64decode. A missing key prints <no value>, as it does in
// kubectl unless --allow-missing-template-keys=false.
type goTemplate struct {
	t *template.Template
}

func parseGoTemplate(text string, allowMissing bool) (*goTemplate, error) {
	t, err := template.New("output").Funcs(template.FuncMap{
		"exists":       templateExists,
		"base64decode": templateBase64Decode,
	}).Parse(text)
	if err != nil {
		return nil, err
	}
	if allowMissing {
		t.Option("missingkey=default")
	} else {
		t.Option("missingkey=error")
	}
	return &goTemplate{t: t}, nil
}

// execute runs the template on m. On failure it writes, as kubectl does,
// what it ran and on what to w (stdout, where a user debugging a template
// looks), and returns the error kubectl reports.
func (g *goTemplate) execute(w io.Writer, m map[string]any, text string) error {
	var b bytes.Buffer
	err := safeExecute(g.t, &b, m)
	if _, werr := w.Write(b.Bytes()); werr != nil && err == nil {
		return werr
	}
	if err == nil {
		return nil
	}
	// kubectl marshals the object with a json.Encoder, which ends the
	// data with a newline.
	var raw bytes.Buffer
	_ = json.NewEncoder(&raw).Encode(m)
	fmt.Fprintf(w, "Error executing template: %v. Printing more information for debugging the template:\n", err)
	fmt.Fprintf(w, "\ttemplate was:\n\t\t%v\n", text)
	fmt.Fprintf(w, "\traw data was:\n\t\t%v\n", raw.String())
	fmt.Fprintf(w, "\tobject given to template engine was:\n\t\t%+v\n\n", m)
	return fmt.Errorf("error executing template %q: %v", text, err)
}

// safeExecute turns a panic inside the template engine into an error, as
// kubectl's printer does.
func safeExecute(t *template.Template, w io.Writer, data any) (err error) {
	defer func() {
		if x := recover(); x != nil {
			err = fmt.Errorf("caught panic: %+v", x)
		}
	}()
	return t.Execute(w, data)
}

// templateExists reports whether indexing item by indices would reach a
// value that is there and not nil: `exists .metadata "labels"`.
func templateExists(item any, indices ...any) bool {
	v := reflect.ValueOf(item)
	for _, i := range indices {
		idx := reflect.ValueOf(i)
		var isNil bool
		if v, isNil = templateIndirect(v); isNil {
			return false
		}
		switch v.Kind() {
		case reflect.Array, reflect.Slice, reflect.String:
			var x int64
			switch idx.Kind() {
			case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
				x = idx.Int()
			case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr:
				x = int64(idx.Uint())
			default:
				return false
			}
			if x < 0 || x >= int64(v.Len()) {
				return false
			}
			v = v.Index(int(x))
		case reflect.Map:
			if !idx.IsValid() {
				idx = reflect.Zero(v.Type().Key())
			}
			if !idx.Type().AssignableTo(v.Type().Key()) {
				return false
			}
			if x := v.MapIndex(idx); x.IsValid() {
				v = x
			} else {
				v = reflect.Zero(v.Type().Elem())
			}
		default:
			return false
		}
	}
	_, isNil := templateIndirect(v)
	return !isNil
}

// templateIndirect follows pointers and empty interfaces to a value,
// reporting a nil on the way.
func templateIndirect(v reflect.Value) (reflect.Value, bool) {
	for ; v.Kind() == reflect.Pointer || v.Kind() == reflect.Interface; v = v.Elem() {
		if v.IsNil() {
			return v, true
		}
		if v.Kind() == reflect.Interface && v.NumMethod() > 0 {
			break
		}
	}
	return v, false
}

func templateBase64Decode(v string) (string, error) {
	data, err := base64.StdEncoding.DecodeString(v)
	if err != nil {
		return "", fmt.Errorf("base64 decode failed: %v", err)
	}
	return string(data), nil
}

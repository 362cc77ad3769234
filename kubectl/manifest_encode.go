package kubectl

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"maps"
	"reflect"
	"slices"
	"strconv"
	"time"

	"sigs.k8s.io/yaml"

	"github.com/svcsim/svcsim/cluster"
)

// Format is an output format of `kubectl get -o`.
type Format string

// The formats [Encode] writes.
const (
	// FormatYAML is `-o yaml`: keys in alphabetical order, as kubectl
	// prints its unstructured objects.
	FormatYAML Format = "yaml"
	// FormatJSON is `-o json`: the same keys, indented by four spaces.
	FormatJSON Format = "json"
)

// ErrFormat is wrapped by the error for an output format [Encode] does not
// write.
var ErrFormat = errors.New("kubectl: unknown output format")

// outputKinds are kinds kubectl prints but manifests do not create.
var outputKinds = map[cluster.Kind]string{cluster.KindNode: "v1"}

// Unstructured returns obj as kubectl holds it when it prints: a map of
// the object's JSON with apiVersion and kind set, timestamps in RFC 3339
// to the second, resourceVersion as a string, and numbers as int64 (or
// float64), which is what `-o jsonpath` and `--template` walk. A stored
// object (one with a UID) always has a creationTimestamp; one never
// stored, as a dry run's, has `creationTimestamp: null`, as kubectl shows
// it. A nil obj, typed or not, or one of a kind kubectl cannot print, is
// an error wrapping [ErrUnknownKind].
func Unstructured(obj cluster.Object) (map[string]any, error) {
	if obj == nil || reflect.ValueOf(obj).IsNil() {
		return nil, fmt.Errorf("%w: nil object", ErrUnknownKind)
	}
	kind := obj.Kind()
	apiVersion, ok := APIVersion(kind)
	if !ok {
		if apiVersion, ok = outputKinds[kind]; !ok {
			return nil, fmt.Errorf("%w: kubectl cannot print a %s", ErrUnknownKind, kind)
		}
	}
	j, err := json.Marshal(obj)
	if err != nil {
		return nil, err
	}
	var v any
	dec := json.NewDecoder(bytes.NewReader(j))
	dec.UseNumber()
	if err := dec.Decode(&v); err != nil {
		return nil, err
	}
	m := kubectlForm(v, reflect.TypeOf(obj).Elem()).(map[string]any)
	m["apiVersion"], m["kind"] = apiVersion, string(kind)
	meta, _ := m["metadata"].(map[string]any)
	if meta == nil {
		meta = map[string]any{}
		m["metadata"] = meta
	}
	if _, ok := meta["creationTimestamp"]; !ok {
		meta["creationTimestamp"] = nil
		if obj.Meta().UID != "" {
			meta["creationTimestamp"] = timestamp(0)
		}
	}
	return m, nil
}

// timestamp prints a virtual time as Kubernetes prints a metav1.Time.
func timestamp(t cluster.Time) string { return t.Wall().Truncate(time.Second).Format(time.RFC3339) }

// kubectlForm converts a value of type t from its Go JSON form to kubectl's:
// times to timestamps, the resourceVersion to a string, numbers to int64
// or float64.
func kubectlForm(v any, t reflect.Type) any {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	switch x := v.(type) {
	case json.Number:
		if t == timeType {
			n, _ := x.Int64()
			return timestamp(cluster.Time(n))
		}
		if n, err := x.Int64(); err == nil {
			return n
		}
		f, _ := x.Float64()
		return f
	case []any:
		var et reflect.Type = reflect.TypeFor[any]()
		if t.Kind() == reflect.Slice || t.Kind() == reflect.Array {
			et = t.Elem()
		}
		for i := range x {
			x[i] = kubectlForm(x[i], et)
		}
	case map[string]any:
		var fields map[string]reflect.Type
		var et reflect.Type = reflect.TypeFor[any]()
		switch t.Kind() {
		case reflect.Struct:
			fields = jsonFields(t)
		case reflect.Map:
			et = t.Elem()
		}
		for _, k := range slices.Sorted(maps.Keys(x)) {
			ft := et
			if fields != nil {
				if ft = fields[k]; ft == nil {
					ft = reflect.TypeFor[any]()
				}
			}
			if t == objectMetaType && k == "resourceVersion" {
				if n, ok := x[k].(json.Number); ok {
					x[k] = n.String()
					continue
				}
			}
			x[k] = kubectlForm(x[k], ft)
		}
		// svcsim's own SIGTERM field prints only when it is not the
		// default, so a pod reads as kubectl shows it and, applied back,
		// defaults to the same.
		if t == podSpecType && x["x-svcsim-onSIGTERM"] == string(cluster.SigtermExit) {
			delete(x, "x-svcsim-onSIGTERM")
		}
	}
	return v
}

var podSpecType = reflect.TypeFor[cluster.PodSpec]()

// Encode writes obj as `kubectl get KIND NAME -o yaml|json` prints it.
// What it writes decodes ([Decode]) back to the same object, apart from
// timestamps, which it cuts to the second as Kubernetes does.
func Encode(w io.Writer, f Format, obj cluster.Object) error {
	m, err := Unstructured(obj)
	if err != nil {
		return err
	}
	return write(w, f, m)
}

// EncodeList writes objs as kubectl prints a list (`kubectl get pods -o
// yaml`, or several names): a v1 List with the objects as items and an
// empty resourceVersion, even for one object or none.
func EncodeList(w io.Writer, f Format, objs []cluster.Object) error {
	items := make([]any, 0, len(objs))
	for _, o := range objs {
		m, err := Unstructured(o)
		if err != nil {
			return err
		}
		items = append(items, m)
	}
	return write(w, f, map[string]any{
		"apiVersion": "v1", "kind": "List", "items": items,
		"metadata": map[string]any{"resourceVersion": ""},
	})
}

func write(w io.Writer, f Format, m map[string]any) error {
	var out []byte
	var err error
	switch f {
	case FormatYAML:
		out, err = yaml.Marshal(m)
	case FormatJSON:
		out, err = json.MarshalIndent(m, "", "    ")
		out = append(out, '\n')
	default:
		return fmt.Errorf("%w %s", ErrFormat, strconv.Quote(string(f)))
	}
	if err != nil {
		return err
	}
	_, err = w.Write(out)
	return err
}

package kubectl

import (
	"encoding/json"
	"fmt"
	"reflect"
	"strconv"
	"strings"
)

// The three patch types of `kubectl patch`, applied to an object in its
// unstructured form ([Unstructured]) as the apiserver applies them to its
// JSON: JSON merge patch (RFC 7386), JSON patch (RFC 6902), and strategic
// merge patch, Kubernetes' own.

// errPatchApply is a JSON patch operation that does not apply; the
// apiserver answers 422 with the library's words.
type errPatchApply struct{ msg string }

func (e *errPatchApply) Error() string { return e.msg }

// applyMergePatch applies an RFC 7386 merge patch: objects merge key by key, a
// null removes the key, anything else replaces.
func applyMergePatch(doc, patch any) any {
	p, ok := patch.(map[string]any)
	if !ok {
		return patch
	}
	d, ok := doc.(map[string]any)
	if !ok {
		d = map[string]any{}
	}
	for k, v := range p {
		if v == nil {
			delete(d, k)
			continue
		}
		d[k] = applyMergePatch(d[k], v)
	}
	return d
}

// jsonPatchOp is one operation of an RFC 6902 patch.
type jsonPatchOp struct {
	raw map[string]json.RawMessage
}

func (o jsonPatchOp) str(field string) (string, bool) {
	r, ok := o.raw[field]
	if !ok {
		return "", false
	}
	var s string
	if json.Unmarshal(r, &s) != nil {
		return "", false
	}
	return s, true
}

func (o jsonPatchOp) value() (any, bool) {
	r, ok := o.raw["value"]
	if !ok {
		return nil, false
	}
	var v any
	if err := decodePatchJSON(r, &v); err != nil {
		return nil, false
	}
	return v, true
}

// decodePatchJSON decodes keeping integers as json.Number, so that
// ports and replica counts stay exact.
func decodePatchJSON(b []byte, v any) error {
	d := json.NewDecoder(strings.NewReader(string(b)))
	d.UseNumber()
	return d.Decode(v)
}

// decodeJSONPatch reads an RFC 6902 patch: a JSON array of operations.
func decodeJSONPatch(b []byte) ([]jsonPatchOp, error) {
	var raw []map[string]json.RawMessage
	if err := json.Unmarshal(b, &raw); err != nil {
		return nil, err
	}
	ops := make([]jsonPatchOp, len(raw))
	for i, r := range raw {
		ops[i] = jsonPatchOp{raw: r}
	}
	return ops, nil
}

// applyJSONPatch applies the operations in order to doc; the first that
// does not apply is the error, worded as the json-patch library the
// apiserver uses words it.
func applyJSONPatch(doc any, ops []jsonPatchOp) (any, error) {
	for _, op := range ops {
		kind, _ := op.str("op")
		if kind == "" {
			kind = "unknown"
		}
		var err error
		switch kind {
		case "add":
			doc, err = patchAdd(doc, op)
		case "remove":
			doc, err = patchRemove(doc, op)
		case "replace":
			doc, err = patchReplace(doc, op)
		case "move", "copy":
			doc, err = patchMoveCopy(doc, op, kind)
		case "test":
			err = patchTest(doc, op)
		default:
			err = &errPatchApply{"Unexpected kind: " + kind}
		}
		if err != nil {
			return nil, err
		}
	}
	return doc, nil
}

// jpPointer splits an RFC 6901 JSON pointer into its unescaped tokens; ok
// is false for a pointer that does not start with "/" (the whole
// document, "", has no tokens).
func jpPointer(p string) ([]string, bool) {
	if p == "" {
		return nil, true
	}
	if p[0] != '/' {
		return nil, false
	}
	parts := strings.Split(p[1:], "/")
	for i, s := range parts {
		parts[i] = strings.ReplaceAll(strings.ReplaceAll(s, "~1", "/"), "~0", "~")
	}
	return parts, true
}

// jpParent walks doc to the container of the pointer's last token.
func jpParent(doc any, toks []string) (any, bool) {
	cur := doc
	for _, t := range toks[:len(toks)-1] {
		switch c := cur.(type) {
		case map[string]any:
			v, ok := c[t]
			if !ok {
				return nil, false
			}
			cur = v
		case []any:
			i, err := strconv.Atoi(t)
			if err != nil || i < 0 || i >= len(c) {
				return nil, false
			}
			cur = c[i]
		default:
			return nil, false
		}
	}
	switch cur.(type) {
	case map[string]any, []any:
		return cur, true
	}
	return nil, false
}

// jpSetAt replaces the container at toks[:len-1] in doc with c (slices
// change identity when they grow or shrink).
func jpSetAt(doc any, toks []string, c any) any {
	if len(toks) == 1 {
		return c
	}
	parent, _ := jpParent(doc, toks[:len(toks)-1])
	last := toks[len(toks)-2]
	switch p := parent.(type) {
	case map[string]any:
		p[last] = c
	case []any:
		i, _ := strconv.Atoi(last)
		p[i] = c
	}
	return doc
}

// jpIndex reads an array index token; "-" is one past the end when end.
func jpIndex(tok string, n int, end bool) (int, bool) {
	if tok == "-" && end {
		return n, true
	}
	i, err := strconv.Atoi(tok)
	if err != nil || i < 0 || i > n || (!end && i == n) {
		return 0, false
	}
	if tok != strconv.Itoa(i) { // leading zeros or a sign
		return 0, false
	}
	return i, true
}

func patchAdd(doc any, op jsonPatchOp) (any, error) {
	path, ok := op.str("path")
	if !ok {
		return nil, &errPatchApply{"add operation failed to decode path: missing value"}
	}
	val, ok := op.value()
	if !ok {
		return nil, &errPatchApply{"add operation failed to decode value: missing value"}
	}
	return jpInsert(doc, path, val, "add")
}

// jpInsert is RFC 6902's add of val at path.
func jpInsert(doc any, path string, val any, verb string) (any, error) {
	toks, ok := jpPointer(path)
	if !ok {
		return nil, &errPatchApply{fmt.Sprintf("%s operation does not apply: doc is missing path: %q: missing value", verb, path)}
	}
	if len(toks) == 0 {
		return val, nil
	}
	parent, ok := jpParent(doc, toks)
	if !ok {
		return nil, &errPatchApply{fmt.Sprintf("%s operation does not apply: doc is missing path: %q: missing value", verb, path)}
	}
	last := toks[len(toks)-1]
	switch p := parent.(type) {
	case map[string]any:
		p[last] = val
		return doc, nil
	case []any:
		i, ok := jpIndex(last, len(p), true)
		if !ok {
			return nil, &errPatchApply{fmt.Sprintf("error in %s for path: '%s': Unable to access invalid index: %s: invalid index referenced", verb, path, last)}
		}
		grown := append(p[:i:i], append([]any{val}, p[i:]...)...)
		return jpSetAt(doc, toks, grown), nil
	}
	return nil, &errPatchApply{fmt.Sprintf("%s operation does not apply: doc is missing path: %q: missing value", verb, path)}
}

// jpTake removes and returns the value at path.
func jpTake(doc any, path, verb string) (any, any, error) {
	toks, ok := jpPointer(path)
	if !ok || len(toks) == 0 {
		return nil, nil, &errPatchApply{fmt.Sprintf("%s operation does not apply: doc is missing path: %q: missing value", verb, path)}
	}
	parent, ok := jpParent(doc, toks)
	if !ok {
		return nil, nil, &errPatchApply{fmt.Sprintf("%s operation does not apply: doc is missing path: %q: missing value", verb, path)}
	}
	last := toks[len(toks)-1]
	switch p := parent.(type) {
	case map[string]any:
		v, ok := p[last]
		if !ok {
			return nil, nil, &errPatchApply{fmt.Sprintf("error in %s for path: '%s': Unable to remove nonexistent key: %s: missing value", verb, path, last)}
		}
		delete(p, last)
		return doc, v, nil
	case []any:
		i, ok := jpIndex(last, len(p), false)
		if !ok {
			return nil, nil, &errPatchApply{fmt.Sprintf("error in %s for path: '%s': Unable to access invalid index: %s: invalid index referenced", verb, path, last)}
		}
		v := p[i]
		shrunk := append(p[:i:i], p[i+1:]...)
		return jpSetAt(doc, toks, shrunk), v, nil
	}
	return nil, nil, &errPatchApply{fmt.Sprintf("%s operation does not apply: doc is missing path: %q: missing value", verb, path)}
}

// jpLookup returns the value at path.
func jpLookup(doc any, path string) (any, bool) {
	toks, ok := jpPointer(path)
	if !ok {
		return nil, false
	}
	if len(toks) == 0 {
		return doc, true
	}
	parent, ok := jpParent(doc, toks)
	if !ok {
		return nil, false
	}
	last := toks[len(toks)-1]
	switch p := parent.(type) {
	case map[string]any:
		v, ok := p[last]
		return v, ok
	case []any:
		i, ok := jpIndex(last, len(p), false)
		if !ok {
			return nil, false
		}
		return p[i], true
	}
	return nil, false
}

func patchRemove(doc any, op jsonPatchOp) (any, error) {
	path, ok := op.str("path")
	if !ok {
		return nil, &errPatchApply{"remove operation failed to decode path: missing value"}
	}
	doc, _, err := jpTake(doc, path, "remove")
	return doc, err
}

func patchReplace(doc any, op jsonPatchOp) (any, error) {
	path, ok := op.str("path")
	if !ok {
		return nil, &errPatchApply{"replace operation failed to decode path: missing value"}
	}
	val, ok := op.value()
	if !ok {
		return nil, &errPatchApply{"replace operation failed to decode value: missing value"}
	}
	if _, ok := jpLookup(doc, path); !ok {
		return nil, &errPatchApply{fmt.Sprintf("replace operation does not apply: doc is missing key: %s: missing value", path)}
	}
	doc, _, err := jpTake(doc, path, "replace")
	if err != nil {
		return nil, err
	}
	return jpInsert(doc, path, val, "replace")
}

func patchMoveCopy(doc any, op jsonPatchOp, verb string) (any, error) {
	from, ok := op.str("from")
	if !ok {
		return nil, &errPatchApply{verb + " operation failed to decode from: missing value"}
	}
	path, ok := op.str("path")
	if !ok {
		return nil, &errPatchApply{verb + " operation failed to decode path: missing value"}
	}
	v, ok := jpLookup(doc, from)
	if !ok {
		return nil, &errPatchApply{fmt.Sprintf("%s operation does not apply: doc is missing from path: %s: missing value", verb, from)}
	}
	if verb == "move" {
		if from != path && strings.HasPrefix(path, from+"/") {
			return nil, &errPatchApply{fmt.Sprintf("move operation does not apply: cannot move %s into its own child %s", from, path)}
		}
		var err error
		if doc, _, err = jpTake(doc, from, verb); err != nil {
			return nil, err
		}
	} else {
		v = deepCopyJSON(v)
	}
	return jpInsert(doc, path, v, verb)
}

func patchTest(doc any, op jsonPatchOp) error {
	path, ok := op.str("path")
	if !ok {
		return &errPatchApply{"test operation failed to decode path: missing value"}
	}
	want, _ := op.value()
	got, ok := jpLookup(doc, path)
	if !ok {
		return &errPatchApply{fmt.Sprintf("test operation does not apply: is missing path: %s: missing value", path)}
	}
	if !patchEqual(got, want) {
		return &errPatchApply{fmt.Sprintf("testing value %s failed: test failed", path)}
	}
	return nil
}

// patchEqual compares two JSON values, numbers by their value.
func patchEqual(a, b any) bool {
	ja, err1 := json.Marshal(a)
	jb, err2 := json.Marshal(b)
	if err1 != nil || err2 != nil {
		return false
	}
	var x, y any
	if decodePatchJSON(ja, &x) != nil || decodePatchJSON(jb, &y) != nil {
		return false
	}
	return reflect.DeepEqual(patchNumbers(x), patchNumbers(y))
}

// patchNumbers turns json.Numbers into float64 so 1 and 1.0 compare equal.
func patchNumbers(v any) any {
	switch x := v.(type) {
	case json.Number:
		f, _ := x.Float64()
		return f
	case []any:
		for i := range x {
			x[i] = patchNumbers(x[i])
		}
	case map[string]any:
		for k := range x {
			x[k] = patchNumbers(x[k])
		}
	}
	return v
}

// deepCopyJSON copies a JSON value.
func deepCopyJSON(v any) any {
	switch x := v.(type) {
	case []any:
		out := make([]any, len(x))
		for i := range x {
			out[i] = deepCopyJSON(x[i])
		}
		return out
	case map[string]any:
		out := make(map[string]any, len(x))
		for k, e := range x {
			out[k] = deepCopyJSON(e)
		}
		return out
	}
	return v
}

// mergeKeys are the lists a strategic merge patch merges element by
// element, by the field Kubernetes' types declare as their
// patchMergeKey, keyed by the list's path with indices left out. Every
// other list is replaced whole, as atomic lists are.
var mergeKeys = map[string]string{
	"metadata.ownerReferences":               "uid",
	"spec.template.metadata.ownerReferences": "uid",
	"spec.containers":                        "name",
	"spec.containers.ports":                  "containerPort",
	"spec.containers.env":                    "name",
	"spec.template.spec.containers":          "name",
	"spec.template.spec.containers.ports":    "containerPort",
	"spec.template.spec.containers.env":      "name",
	"spec.ports":                             "port", // a Service's
	"status.conditions":                      "type",
}

// mergeFinalizers is the one list of primitives Kubernetes merges rather
// than replaces.
const mergeFinalizers = "metadata.finalizers"

// strategicMerge applies a strategic merge patch to doc, the kind's
// unstructured form: maps merge as in a merge patch; the lists in
// mergeKeys merge element by element on their key, every other list is
// replaced; and the directives "$patch" (replace, delete, merge),
// "$retainKeys", "$deleteFromPrimitiveList/<list>" and
// "$setElementOrder/<list>" (which only orders, and is followed here by
// keeping the document's order) are honoured. The kind decides nothing
// beyond the paths: spec.ports is keyed by port, as a Service's is.
func strategicMerge(doc, patch map[string]any, path string) (map[string]any, error) {
	if doc == nil {
		doc = map[string]any{}
	}
	if d, ok := patch["$patch"]; ok {
		switch d {
		case "replace":
			out := map[string]any{}
			for k, v := range patch {
				if k != "$patch" {
					out[k] = stripDirectives(v)
				}
			}
			return out, nil
		case "delete":
			return nil, nil
		case "merge":
		default:
			return nil, badRequest(fmt.Sprintf("Unknown patch type: %v", d))
		}
	}
	var retain []string
	hasRetain := false
	for k, v := range patch {
		switch {
		case k == "$patch":
		case k == "$retainKeys":
			hasRetain = true
			list, ok := v.([]any)
			if !ok {
				return nil, badRequest("invalid patch: $retainKeys must be a list of strings")
			}
			for _, e := range list {
				s, _ := e.(string)
				retain = append(retain, s)
			}
		case strings.HasPrefix(k, "$setElementOrder/"):
		case strings.HasPrefix(k, "$deleteFromPrimitiveList/"):
			field := strings.TrimPrefix(k, "$deleteFromPrimitiveList/")
			drop, _ := v.([]any)
			cur, _ := doc[field].([]any)
			var kept []any
			for _, e := range cur {
				gone := false
				for _, d := range drop {
					if patchEqual(e, d) {
						gone = true
					}
				}
				if !gone {
					kept = append(kept, e)
				}
			}
			if cur != nil {
				doc[field] = kept
			}
		case v == nil:
			delete(doc, k)
		default:
			sub := join(path, k)
			switch pv := v.(type) {
			case map[string]any:
				dv, _ := doc[k].(map[string]any)
				merged, err := strategicMerge(dv, pv, sub)
				if err != nil {
					return nil, err
				}
				if merged == nil {
					delete(doc, k)
				} else {
					doc[k] = merged
				}
			case []any:
				dv, _ := doc[k].([]any)
				merged, err := strategicList(dv, pv, sub)
				if err != nil {
					return nil, err
				}
				doc[k] = merged
			default:
				doc[k] = v
			}
		}
	}
	if hasRetain {
		keep := map[string]bool{}
		for _, k := range retain {
			keep[k] = true
		}
		for k := range doc {
			if !keep[k] {
				delete(doc, k)
			}
		}
	}
	return doc, nil
}

// strategicList merges a patch list into a document list at path.
func strategicList(doc, patch []any, path string) ([]any, error) {
	key, keyed := mergeKeys[path]
	if path == mergeFinalizers {
		out := append([]any(nil), doc...)
		for _, p := range patch {
			dup := false
			for _, d := range out {
				dup = dup || patchEqual(d, p)
			}
			if !dup {
				out = append(out, p)
			}
		}
		return out, nil
	}
	if !keyed || key == "" {
		for _, p := range patch {
			if m, ok := p.(map[string]any); ok && m["$patch"] == "replace" {
				return []any{}, nil
			}
		}
		return stripDirectives(patch).([]any), nil
	}
	out := deepCopyJSON(doc).([]any)
	for _, p := range patch {
		pm, ok := p.(map[string]any)
		if !ok {
			return nil, badRequest(fmt.Sprintf("the list %s is merged by %s, so its items must be objects", path, key))
		}
		if pm["$patch"] == "replace" {
			// The patch's list, without the directive, is the list.
			var rest []any
			for _, q := range patch {
				if qm, ok := q.(map[string]any); ok && qm["$patch"] == "replace" {
					continue
				}
				rest = append(rest, stripDirectives(q))
			}
			if rest == nil {
				rest = []any{}
			}
			return rest, nil
		}
		kv, ok := pm[key]
		if !ok {
			return nil, badRequest(fmt.Sprintf("map: %v does not contain declared merge key: %s", patchJSON(pm), key))
		}
		at := -1
		for i, d := range out {
			if dm, ok := d.(map[string]any); ok && patchEqual(dm[key], kv) {
				at = i
				break
			}
		}
		if pm["$patch"] == "delete" {
			if at >= 0 {
				out = append(out[:at], out[at+1:]...)
			}
			continue
		}
		if at < 0 {
			out = append(out, stripDirectives(pm))
			continue
		}
		dm, _ := out[at].(map[string]any)
		merged, err := strategicMerge(dm, pm, path)
		if err != nil {
			return nil, err
		}
		out[at] = merged
	}
	return out, nil
}

// stripDirectives removes "$..." keys from a value a patch puts in place
// whole.
func stripDirectives(v any) any {
	switch x := v.(type) {
	case map[string]any:
		out := map[string]any{}
		for k, e := range x {
			if !strings.HasPrefix(k, "$") {
				out[k] = stripDirectives(e)
			}
		}
		return out
	case []any:
		out := make([]any, 0, len(x))
		for _, e := range x {
			out = append(out, stripDirectives(e))
		}
		return out
	}
	return v
}

func patchJSON(v any) string {
	b, err := json.Marshal(v)
	if err != nil {
		return fmt.Sprint(v)
	}
	return string(b)
}

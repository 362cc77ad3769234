package kubectl

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"maps"
	"reflect"
	"slices"
)

// Executing a template walks plain JSON values: map[string]any, []any,
// string, int64, float64, bool and nil, as kubectl's unstructured objects
// hold them. Two kinds of value only templates make: int from a number
// literal, and uint8 for the bytes of a string a wildcard walks into.
//
// Where kubectl walks a map in Go's random order (.*, ..), svcsim walks it
// by sorted keys, so that output is the same from run to run.

// jpRun is one execution's state. The range bookkeeping is kubectl's: a
// range pushes the current values, begin/in/end count the ranges being
// opened, run and closed, and an {end} in the last element's pass pops
// the values the range started from, so that what follows the range runs
// once on them.
type jpRun struct {
	allowMissing        bool
	stack               [][]any
	cur                 []any
	begin, inside, ends int
}

// execute writes what the template makes of data: each action's results
// separated by spaces, maps and lists as compact JSON. With allowMissing
// a key that is not there gives nothing; without, an error ("x is not
// found"). On an error nothing is written.
func (jp *jsonPath) execute(w io.Writer, data any, allowMissing bool) error {
	r := &jpRun{allowMissing: allowMissing}
	results, err := r.find(data, jp.root.nodes)
	if err != nil {
		return err
	}
	var out []byte
	for _, vs := range results {
		for i, v := range vs {
			text, err := jpRender(v)
			if err != nil {
				return err
			}
			out = append(out, text...)
			if i != len(vs)-1 {
				out = append(out, ' ')
			}
		}
	}
	_, err = w.Write(out)
	return err
}

// find runs nodes on data and returns each node's results.
func (r *jpRun) find(data any, nodes []*jpNode) ([][]any, error) {
	r.cur = []any{data}
	var all [][]any
	for i, node := range nodes {
		results, err := r.walk(r.cur, node)
		if err != nil {
			return nil, err
		}
		if r.ends > 0 && r.ends <= r.inside {
			// An {end} closed the pass of one element of a range.
			r.ends--
			break
		}
		if r.begin > 0 {
			// A range opened: run what follows once per element. With no
			// elements nothing after the range runs at all, as in kubectl.
			r.begin--
			r.inside++
			for k, v := range results {
				if k == len(results)-1 {
					r.inside--
				}
				more, err := r.find(v, nodes[i+1:])
				if err != nil {
					return nil, err
				}
				all = append(all, more...)
			}
			break
		}
		all = append(all, results)
	}
	return all, nil
}

func (r *jpRun) walk(in []any, node *jpNode) ([]any, error) {
	switch node.kind {
	case jpList:
		return r.list(in, node)
	case jpText:
		return []any{node.text}, nil
	case jpField:
		return r.field(in, node)
	case jpArray:
		return jpArrayEval(in, node)
	case jpFilter:
		return r.filter(in, node)
	case jpInt:
		return jpRepeat(in, node.num), nil
	case jpFloat:
		return jpRepeat(in, node.float), nil
	case jpBool:
		return jpRepeat(in, node.truth), nil
	case jpWildcard:
		return jpWildcardEval(in), nil
	case jpRecursive:
		return jpRecursiveEval(in), nil
	case jpUnion:
		var out []any
		for _, alt := range node.alts {
			got, err := r.list(in, alt)
			if err != nil {
				return in, err
			}
			out = append(out, got...)
		}
		return out, nil
	case jpIdent:
		return r.identifier(in, node)
	}
	return in, fmt.Errorf("unexpected Node %v", node.kind)
}

func jpRepeat(in []any, v any) []any {
	out := make([]any, len(in))
	for i := range out {
		out[i] = v
	}
	return out
}

func (r *jpRun) list(in []any, node *jpNode) ([]any, error) {
	cur := in
	for _, n := range node.nodes {
		var err error
		if cur, err = r.walk(cur, n); err != nil {
			return cur, err
		}
	}
	return cur, nil
}

func (r *jpRun) identifier(in []any, node *jpNode) ([]any, error) {
	switch node.text {
	case "range":
		r.stack = append(r.stack, r.cur)
		r.begin++
		return in, nil
	case "end":
		if r.ends < r.inside {
			r.ends++
			return nil, nil
		}
		if len(r.stack) == 0 {
			return nil, errors.New("not in range, nothing to end")
		}
		r.cur, r.stack = r.stack[len(r.stack)-1], r.stack[:len(r.stack)-1]
		return nil, nil
	}
	return in, fmt.Errorf("unrecognized identifier %v", node.text)
}

func (r *jpRun) field(in []any, node *jpNode) ([]any, error) {
	var out []any
	for _, v := range in {
		if m, ok := v.(map[string]any); ok {
			if x, ok := m[node.text]; ok {
				out = append(out, x)
			}
		}
	}
	if len(out) == 0 && len(in) > 0 && !r.allowMissing {
		return out, fmt.Errorf("%s is not found", node.text)
	}
	return out, nil
}

// jpArrayEval indexes or slices each list in turn. As kubectl does, a
// slice that asks for no element ends the evaluation with what it has.
func jpArrayEval(in []any, node *jpNode) ([]any, error) {
	var out []any
	for _, v := range in {
		if v == nil {
			continue
		}
		list, ok := v.([]any)
		if !ok {
			return in, fmt.Errorf("%s is not array or slice", jpTypeName(v))
		}
		n := len(list)
		p := node.params
		if !p[0].known {
			p[0].value = 0
		}
		if p[0].value < 0 {
			p[0].value += n
		}
		if !p[1].known {
			p[1].value = n
		}
		if p[1].value < 0 || (p[1].value == 0 && p[1].derived) {
			p[1].value += n
		}
		start, end := p[0].value, p[1].value
		if start == end {
			return out, nil
		}
		switch {
		case start >= n || start < 0:
			return in, fmt.Errorf("array index out of bounds: index %d, length %d", start, n)
		case end > n || end < 0:
			return in, fmt.Errorf("array index out of bounds: index %d, length %d", end-1, n)
		case start > end:
			return in, fmt.Errorf("starting index %d is greater than ending index %d", start, end)
		}
		step := 1
		if p[2].known {
			if p[2].value <= 0 {
				return in, errors.New("step must be > 0")
			}
			step = p[2].value
		}
		for i := start; i < end; i += step {
			out = append(out, list[i])
		}
	}
	return out, nil
}

// jpChildren lists what a wildcard yields for v: a map's values by sorted
// key, a list's elements, a string's bytes.
func jpChildren(v any) []any {
	switch x := v.(type) {
	case map[string]any:
		out := make([]any, 0, len(x))
		for _, k := range slices.Sorted(maps.Keys(x)) {
			out = append(out, x[k])
		}
		return out
	case []any:
		return x
	case string:
		out := make([]any, len(x))
		for i := range len(x) {
			out[i] = x[i]
		}
		return out
	}
	return nil
}

func jpWildcardEval(in []any) []any {
	var out []any
	for _, v := range in {
		out = append(out, jpChildren(v)...)
	}
	return out
}

// jpRecursiveEval yields every value that has children, itself first,
// depth first.
func jpRecursiveEval(in []any) []any {
	var out []any
	for _, v := range in {
		if kids := jpChildren(v); len(kids) > 0 {
			out = append(out, v)
			out = append(out, jpRecursiveEval(kids)...)
		}
	}
	return out
}

func (r *jpRun) filter(in []any, node *jpNode) ([]any, error) {
	var out []any
	for _, v := range in {
		list, ok := v.([]any)
		if !ok {
			return in, fmt.Errorf("%s is not array or slice and cannot be filtered", jpFormat(v))
		}
		for _, elem := range list {
			lefts, err := r.list([]any{elem}, node.left)
			if node.op == "exists" {
				if len(lefts) > 0 {
					out = append(out, elem)
				}
				continue
			}
			if err != nil {
				return in, err
			}
			switch {
			case len(lefts) == 0:
				continue
			case len(lefts) > 1:
				return in, errors.New("can only compare one element at a time")
			}
			rights, err := r.list([]any{elem}, node.right)
			if err != nil {
				return in, err
			}
			switch {
			case len(rights) == 0:
				continue
			case len(rights) > 1:
				return in, errors.New("can only compare one element at a time")
			}
			pass, err := jpCompare(node.op, lefts[0], rights[0])
			if err != nil {
				return out, err
			}
			if pass {
				out = append(out, elem)
			}
		}
	}
	return out, nil
}

// jpRender renders one result: maps and lists as compact JSON, the rest as
// fmt prints them (nil as <nil>).
func jpRender(v any) ([]byte, error) {
	switch v.(type) {
	case map[string]any, []any:
		return json.Marshal(v)
	}
	return []byte(fmt.Sprint(v)), nil
}

// jpTypeName is the Go type kubectl names in "... is not array or slice".
func jpTypeName(v any) string { return reflect.TypeOf(v).String() }

// jpFormat prints a value as kubectl's %v of it does.
func jpFormat(v any) string { return fmt.Sprintf("%v", v) }

// Comparison errors, in text/template's words, which kubectl's filters use.
var (
	errJPBadType      = errors.New("invalid type for comparison")
	errJPIncomparable = errors.New("incompatible types for comparison")
)

// jpScalar classifies a value for comparison as text/template does.
type jpScalar int

const (
	jpBadScalar jpScalar = iota
	jpBoolScalar
	jpIntScalar
	jpUintScalar
	jpFloatScalar
	jpStringScalar
)

func jpClassify(v any) jpScalar {
	switch v.(type) {
	case bool:
		return jpBoolScalar
	case int, int64:
		return jpIntScalar
	case uint8:
		return jpUintScalar
	case float64:
		return jpFloatScalar
	case string:
		return jpStringScalar
	}
	return jpBadScalar
}

func jpInt64(v any) int64 {
	switch x := v.(type) {
	case int:
		return int64(x)
	case int64:
		return x
	}
	return 0
}

// jpCompare applies a filter's operator as text/template's eq, lt and
// friends do: same kinds only, except signed against unsigned integers.
func jpCompare(op string, a, b any) (bool, error) {
	switch op {
	case "==":
		return jpEqual(a, b)
	case "!=":
		eq, err := jpEqual(a, b)
		return !eq, err
	case "<":
		return jpLess(a, b)
	case "<=", ">":
		lt, err := jpLess(a, b)
		if err == nil && !lt {
			lt, err = jpEqual(a, b)
		}
		if op == ">" {
			return !lt && err == nil, err
		}
		return lt, err
	case ">=":
		lt, err := jpLess(a, b)
		return !lt && err == nil, err
	}
	return false, fmt.Errorf("unrecognized filter operator %s", op)
}

func jpEqual(a, b any) (bool, error) {
	ka, kb := jpClassify(a), jpClassify(b)
	if ka == jpBadScalar || kb == jpBadScalar {
		return false, errJPBadType
	}
	if ka != kb {
		switch {
		case ka == jpIntScalar && kb == jpUintScalar:
			return jpInt64(a) >= 0 && uint64(jpInt64(a)) == uint64(b.(uint8)), nil
		case ka == jpUintScalar && kb == jpIntScalar:
			return jpInt64(b) >= 0 && uint64(a.(uint8)) == uint64(jpInt64(b)), nil
		}
		return false, errJPIncomparable
	}
	switch ka {
	case jpIntScalar:
		return jpInt64(a) == jpInt64(b), nil
	case jpFloatScalar:
		return a.(float64) == b.(float64), nil
	}
	return a == b, nil
}

func jpLess(a, b any) (bool, error) {
	ka, kb := jpClassify(a), jpClassify(b)
	if ka == jpBadScalar || kb == jpBadScalar {
		return false, errJPBadType
	}
	if ka != kb {
		switch {
		case ka == jpIntScalar && kb == jpUintScalar:
			return jpInt64(a) < 0 || uint64(jpInt64(a)) < uint64(b.(uint8)), nil
		case ka == jpUintScalar && kb == jpIntScalar:
			return jpInt64(b) >= 0 && uint64(a.(uint8)) < uint64(jpInt64(b)), nil
		}
		return false, errJPIncomparable
	}
	switch ka {
	case jpBoolScalar:
		return false, errJPBadType
	case jpIntScalar:
		return jpInt64(a) < jpInt64(b), nil
	case jpUintScalar:
		return a.(uint8) < b.(uint8), nil
	case jpFloatScalar:
		return a.(float64) < b.(float64), nil
	}
	return a.(string) < b.(string), nil
}

package selector

import (
	"slices"
	"strings"
)

// Labels is read access to a set of labels, so that matching needs no
// concrete object type. Lookup returns the value for key and whether the key
// is present; a present key may have the empty value.
type Labels interface {
	Lookup(key string) (value string, ok bool)
}

// Set is a plain label set, key to value. It implements [Labels].
type Set map[string]string

var _ Labels = Set(nil)

// Lookup returns the value of key and whether it is present.
func (s Set) Lookup(key string) (string, bool) {
	v, ok := s[key]
	return v, ok
}

// String renders the set as Kubernetes does: the "key=value" strings sorted
// and joined with ",". Sorting whole strings rather than keys is deliberate
// and observable: "a.b=1" sorts before "a=1" because '.' < '='. The empty
// set renders as "".
func (s Set) String() string {
	pairs := make([]string, 0, len(s))
	for k, v := range s {
		pairs = append(pairs, k+"="+v)
	}
	slices.Sort(pairs)
	return strings.Join(pairs, ",")
}

// Format renders the set as kubectl's LABELS and SELECTOR columns do: like
// [Set.String], or "<none>" for an empty set.
func (s Set) Format() string {
	if len(s) == 0 {
		return "<none>"
	}
	return s.String()
}

// Validate checks every key and value in the set against Kubernetes' label
// rules and returns an [ErrorList] naming each problem, ordered by key, or
// nil if the set is valid. Key problems have Field "labels"; value problems
// have Field "labels[<key>]".
func (s Set) Validate() error {
	var errs ErrorList
	for _, k := range s.keys() {
		if p := KeyProblems(k); p != nil {
			errs = append(errs, &FieldError{Field: "labels", Value: k, Problems: p, Err: ErrInvalidKey})
		}
		if p := ValueProblems(s[k]); p != nil {
			errs = append(errs, &FieldError{Field: "labels[" + k + "]", Value: s[k], Problems: p, Err: ErrInvalidValue})
		}
	}
	return errs.orNil()
}

// Clone returns a copy of the set; nil for a nil set.
func (s Set) Clone() Set {
	if s == nil {
		return nil
	}
	c := make(Set, len(s))
	for k, v := range s {
		c[k] = v
	}
	return c
}

// Equal reports whether s and o hold the same keys with the same values; a
// nil set equals an empty one.
func (s Set) Equal(o Set) bool {
	if len(s) != len(o) {
		return false
	}
	for k, v := range s {
		if w, ok := o[k]; !ok || w != v {
			return false
		}
	}
	return true
}

// keys returns the set's keys in ascending order.
func (s Set) keys() []string {
	keys := make([]string, 0, len(s))
	for k := range s {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

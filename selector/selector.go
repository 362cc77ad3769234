package selector

import (
	"slices"
	"strings"
)

// Selector is a set of requirements on labels, all of which must hold (a
// Boolean AND). The zero Selector has no requirements and matches every
// label set, like [Everything]; [Nothing] matches none. A Selector is an
// immutable value, safe to copy, compare with [Selector.Equal] and share
// between goroutines.
type Selector struct {
	reqs    []Requirement // sorted by key, stably; never mutated
	nothing bool
}

// Everything returns the selector that matches every label set. Its String
// is "".
func Everything() Selector { return Selector{} }

// Nothing returns the selector that matches no label set. Kubernetes uses it
// for a nil structured selector; it cannot be written as a string and its
// String is "".
func Nothing() Selector { return Selector{nothing: true} }

// FromSet returns the selector that requires every label in set with its
// value: "k1=v1,k2=v2", keys sorted. An empty or nil set gives [Everything].
// Every key and value is validated first; on failure FromSet returns the
// [ErrorList] from [Set.Validate] and a zero Selector.
func FromSet(set Set) (Selector, error) {
	if err := set.Validate(); err != nil {
		return Selector{}, err
	}
	return FromValidatedSet(set), nil
}

// FromValidatedSet is [FromSet] without the validation, for sets the caller
// has already checked (an object's labels accepted by the store, say). An
// invalid set gives a selector that will not round-trip through [Parse].
func FromValidatedSet(set Set) Selector {
	if len(set) == 0 {
		return Selector{}
	}
	reqs := make([]Requirement, 0, len(set))
	values := make([]string, 0, len(set))
	for _, k := range set.keys() {
		values = append(values, set[k])
		reqs = append(reqs, Requirement{key: k, op: Equals, values: values[len(values)-1 : len(values) : len(values)], kw: pack(k), vw: pack(set[k]), code: opEqual})
	}
	return Selector{reqs: reqs}
}

// Matches reports whether the label set satisfies every requirement. It
// does not allocate, and is fastest on a [*Frozen] set. A nil ls is an
// empty set.
func (s Selector) Matches(ls Labels) bool {
	if s.nothing {
		return false
	}
	switch ls := ls.(type) {
	case *Frozen:
		if ls == nil {
			return s.matchSet(nil)
		}
		return s.matchFrozen(ls)
	case Set:
		return s.matchSet(ls)
	case nil:
		return s.matchSet(nil)
	}
	for i := range s.reqs {
		r := &s.reqs[i]
		v, ok := ls.Lookup(r.key)
		if !r.match(v, ok) {
			return false
		}
	}
	return true
}

// matchFrozen and matchSet are Matches specialised to the two concrete
// label types, so that the lookup is inlined rather than called through an
// interface and the common operators are decided without a call.
func (s Selector) matchFrozen(f *Frozen) bool {
	from := 0
	for i := range s.reqs {
		r := &s.reqs[i]
		j := f.indexFrom(from, r.key, r.kw)
		if j >= 0 {
			from = j
		}
		// The same decisions as Requirement.matchFrozenAt, written out so
		// that no operator costs a call.
		var ok bool
		switch r.code {
		case opEqual:
			ok = j >= 0 && f.valueIs(j, r.values[0], r.vw)
		case opNotEqual:
			ok = j < 0 || !f.valueIs(j, r.values[0], r.vw)
		case opIn:
			ok = j >= 0 && r.hasAt(f, j)
		case opNotIn:
			ok = j < 0 || !r.hasAt(f, j)
		case opExists:
			ok = j >= 0
		case opDoesNotExist:
			ok = j < 0
		default:
			ok = r.matchFrozenAt(f, j)
		}
		if !ok {
			return false
		}
	}
	return true
}

func (s Selector) matchSet(set Set) bool {
	for i := range s.reqs {
		r := &s.reqs[i]
		v, ok := set[r.key]
		if r.code == opEqual {
			if !ok || v != r.values[0] {
				return false
			}
			continue
		}
		if !r.match(v, ok) {
			return false
		}
	}
	return true
}

// Empty reports whether the selector has no requirements and so matches
// everything. Nothing is not empty.
func (s Selector) Empty() bool { return !s.nothing && len(s.reqs) == 0 }

// MatchesNothing reports whether s is [Nothing].
func (s Selector) MatchesNothing() bool { return s.nothing }

// Requirements returns a copy of the selector's requirements in canonical
// order: sorted by key, and in their original order among equal keys.
func (s Selector) Requirements() []Requirement { return slices.Clone(s.reqs) }

// Len returns the number of requirements.
func (s Selector) Len() int { return len(s.reqs) }

// Add returns a new selector with reqs added to those of s, in canonical
// order; s is unchanged. Adding to [Nothing] gives Nothing, and so does
// adding a zero Requirement, which matches nothing.
func (s Selector) Add(reqs ...Requirement) Selector {
	if s.nothing {
		return s
	}
	for i := range reqs {
		if reqs[i].code == opInvalid {
			return Nothing()
		}
	}
	all := make([]Requirement, 0, len(s.reqs)+len(reqs))
	all = append(all, s.reqs...)
	all = append(all, reqs...)
	sortByKey(all)
	return Selector{reqs: all}
}

// sortByKey orders requirements by key, keeping the input order among equal
// keys so that "a=c,a=b" prints back as written, as it does in Kubernetes.
func sortByKey(reqs []Requirement) {
	slices.SortStableFunc(reqs, func(a, b Requirement) int { return strings.Compare(a.key, b.key) })
}

// Equal reports whether s and o have the same requirements in the same
// order, and are both Nothing or both not.
func (s Selector) Equal(o Selector) bool {
	return s.nothing == o.nothing && slices.EqualFunc(s.reqs, o.reqs, Requirement.Equal)
}

// RequiresExactMatch reports whether the selector pins key to exactly one
// value (through =, == or an in with one value), and which. It looks only at
// the first requirement on key, as Kubernetes does.
func (s Selector) RequiresExactMatch(key string) (value string, ok bool) {
	for i := range s.reqs {
		if s.reqs[i].key == key {
			if s.reqs[i].code == opEqual {
				return s.reqs[i].values[0], true
			}
			return "", false
		}
	}
	return "", false
}

// String renders the selector in its canonical form, byte for byte as
// Kubernetes does: requirements sorted by key and joined with "," without
// spaces, set values sorted. Parsing the result gives an equal selector.
// Everything and Nothing both render as "".
func (s Selector) String() string {
	if len(s.reqs) == 0 {
		return ""
	}
	n := 0
	for i := range s.reqs {
		n += s.reqs[i].size()
	}
	var b strings.Builder
	b.Grow(n)
	for i := range s.reqs {
		if i > 0 {
			b.WriteByte(',')
		}
		s.reqs[i].appendTo(&b)
	}
	return b.String()
}

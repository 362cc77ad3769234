package selector_test

import (
	"errors"
	"maps"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
	"pgregory.net/rapid"

	"github.com/svcsim/svcsim/selector"
	"github.com/svcsim/svcsim/selector/selectortest"
)

// The check* helpers take rapid.TB so that the rapid properties below and
// the deterministic tables share them.

// checkRoundTrip asserts that s prints to a string that parses back to a
// selector equal to s, printing the same.
func checkRoundTrip(t rapid.TB, s selector.Selector) {
	t.Helper()
	str := s.String()
	p, err := selector.Parse(str)
	require.NoError(t, err, "Parse(%q)", str)
	require.True(t, p.Equal(s), "Parse(%q) = %q, not Equal to the selector that printed it", str, p.String())
	if !hasRepeatedValues(s) {
		require.Equal(t, str, p.String())
		return
	}
	// A set written with a repeated value ("a in (x,x)", which NewRequirement
	// and structured selectors accept, as in Kubernetes) prints as written;
	// parsing collapses the repeat, and from there the string is a fixed point.
	q, err := selector.Parse(p.String())
	require.NoError(t, err)
	require.Equal(t, p.String(), q.String())
}

// hasRepeatedValues reports whether some requirement of s lists a value twice.
func hasRepeatedValues(s selector.Selector) bool {
	for _, r := range s.Requirements() {
		v := r.Values()
		if len(slices.Compact(v)) != len(r.Values()) {
			return true
		}
	}
	return false
}

// checkParsedString asserts that a valid selector string parses, and that
// its canonical form is a fixed point of Parse and String.
func checkParsedString(t rapid.TB, in string) {
	t.Helper()
	p, err := selector.Parse(in)
	require.NoError(t, err, "Parse(%q)", in)
	checkRoundTrip(t, p)
}

// checkParseOutcome asserts what holds for any input at all: Parse does not
// panic; on failure it returns a *ParseError locating a token of the input
// and wrapping one kind of sentinel, and a zero Selector; on success the
// result round-trips.
func checkParseOutcome(t rapid.TB, in string) {
	t.Helper()
	var (
		p   selector.Selector
		err error
	)
	require.NotPanics(t, func() { p, err = selector.Parse(in) }, "Parse(%q)", in)
	if err == nil {
		checkRoundTrip(t, p)
		return
	}
	var pe *selector.ParseError
	require.True(t, errors.As(err, &pe), "Parse(%q) error %T is not a *ParseError: %v", in, err, err)
	require.Equal(t, in, pe.Input)
	require.GreaterOrEqual(t, pe.Offset, 0)
	require.LessOrEqual(t, pe.Offset+len(pe.Found), len(in), "Parse(%q): offset %d found %q", in, pe.Offset, pe.Found)
	require.Equal(t, pe.Found, in[pe.Offset:pe.Offset+len(pe.Found)], "Found is the input's text at Offset")
	if errors.Is(err, selector.ErrSyntax) {
		require.NotEmpty(t, pe.Expected, "Parse(%q)", in)
		for _, s := range []error{selector.ErrInvalidKey, selector.ErrInvalidValue, selector.ErrInvalidValues, selector.ErrInvalidOperator} {
			require.NotErrorIs(t, err, s)
		}
	} else {
		require.Empty(t, pe.Expected, "Parse(%q)", in)
		var fe *selector.FieldError
		require.True(t, errors.As(err, &fe), "Parse(%q): %v", in, err)
		require.True(t, errors.Is(err, selector.ErrInvalidKey) || errors.Is(err, selector.ErrInvalidValue) || errors.Is(err, selector.ErrInvalidValues),
			"Parse(%q): %v wraps no sentinel", in, err)
	}
	require.True(t, p.Equal(selector.Selector{}), "Parse(%q) failed but returned %q", in, p.String())
}

// naiveMatches evaluates s against ls from the requirements' accessors
// alone, by the rules of Kubernetes' Requirement.Matches, without calling
// any Matches method.
func naiveMatches(s selector.Selector, ls selector.Set) bool {
	if s.MatchesNothing() {
		return false
	}
	for _, r := range s.Requirements() {
		if !naiveRequirement(r.Key(), r.Operator(), r.Values(), ls) {
			return false
		}
	}
	return true
}

func naiveRequirement(key string, op selector.Operator, values []string, ls selector.Set) bool {
	v, present := ls[key]
	switch op {
	case selector.Equals, selector.DoubleEquals, selector.In:
		return present && slices.Contains(values, v)
	case selector.NotEquals, selector.NotIn:
		return !present || !slices.Contains(values, v)
	case selector.Exists:
		return present
	case selector.DoesNotExist:
		return !present
	case selector.GreaterThan, selector.LessThan:
		if !present || len(values) != 1 {
			return false
		}
		bound, err := strconv.ParseInt(values[0], 10, 64)
		if err != nil {
			return false
		}
		n, err := strconv.ParseInt(v, 10, 64)
		if err != nil {
			return false
		}
		if op == selector.GreaterThan {
			return n > bound
		}
		return n < bound
	}
	panic("naiveRequirement: unknown operator " + string(op))
}

// labelValue draws label values for matching, including ones that are not
// valid label values but are still meaningful to > and <.
func labelValue() *rapid.Generator[string] {
	return rapid.OneOf(
		selectortest.Value(),
		rapid.SampledFrom([]string{"+5", "-3", "01", "0", "-0", "2.5", "x", "", " 1",
			"9223372036854775807", "-9223372036854775808", "99999999999999999999"}),
	)
}

// labelsFor draws a label set likely to decide s narrowly: a random base,
// then for each key s names, the key removed, set to one of the
// requirement's own values, set to another value, or left alone.
func labelsFor(t *rapid.T, s selector.Selector) selector.Set {
	set := selectortest.Set().Draw(t, "base").Clone()
	if set == nil {
		set = selector.Set{}
	}
	for _, r := range s.Requirements() {
		switch rapid.IntRange(0, 3).Draw(t, "how") {
		case 0:
			delete(set, r.Key())
		case 1:
			if vals := r.Values(); len(vals) > 0 {
				set[r.Key()] = rapid.SampledFrom(vals).Draw(t, "own value")
			}
		case 2:
			set[r.Key()] = labelValue().Draw(t, "value")
		}
	}
	return set
}

// anySelector draws a selector built from requirements, parsed from a
// string, or occasionally Nothing.
func anySelector(t *rapid.T) selector.Selector {
	switch rapid.IntRange(0, 9).Draw(t, "source") {
	case 0:
		return selector.Nothing()
	case 1, 2, 3, 4:
		in := selectortest.SelectorString().Draw(t, "string")
		s, err := selector.Parse(in)
		require.NoError(t, err, "Parse(%q)", in)
		return s
	default:
		return selectortest.Selector().Draw(t, "selector")
	}
}

// Property 1: a generated selector prints to a string that parses back to
// an equal selector.
func TestPropertySelectorRoundTrip(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		checkRoundTrip(t, selectortest.Selector().Draw(t, "selector"))
	})
}

// Property 2: a generated selector string parses, and its canonical form
// is a fixed point.
func TestPropertySelectorStringRoundTrip(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		checkParsedString(t, selectortest.SelectorString().Draw(t, "string"))
	})
}

// Property 3: Matches agrees with the naive model, requirement by
// requirement and as a whole, for Sets and for other Labels.
func TestPropertyMatchesNaiveModel(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		s := anySelector(t)
		for range 4 {
			ls := labelsFor(t, s)
			want := naiveMatches(s, ls)
			require.Equal(t, want, s.Matches(ls), "%q.Matches(%v)", s.String(), ls)
			require.Equal(t, want, s.Matches(pairsOf(ls)), "%q.Matches(pairs %v)", s.String(), ls)
			for _, r := range s.Requirements() {
				require.Equal(t, naiveRequirement(r.Key(), r.Operator(), r.Values(), ls), r.Matches(ls), "%q.Matches(%v)", r.String(), ls)
			}
		}
		if len(s.Requirements()) == 0 || s.MatchesNothing() {
			require.Equal(t, !s.MatchesNothing(), s.Matches(nil))
		}
	})
}

// isSuperset reports whether ls holds every label of set with its value.
func isSuperset(ls, set selector.Set) bool {
	for k, v := range set {
		if w, ok := ls[k]; !ok || w != v {
			return false
		}
	}
	return true
}

// Property 4: the selector of a set matches exactly its supersets.
func TestPropertyFromSetMatchesSupersets(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		set := selectortest.Set().Draw(t, "set")
		sel, err := selector.FromSet(set)
		require.NoError(t, err)
		require.True(t, sel.Equal(selector.FromValidatedSet(set)))

		extra := selectortest.Set().Draw(t, "extra")
		var ls selector.Set
		switch shape := rapid.IntRange(0, 3).Draw(t, "shape"); shape {
		case 0: // set plus labels on other keys: always a superset
			ls = maps.Clone(extra)
			if ls == nil {
				ls = selector.Set{}
			}
			maps.Copy(ls, set)
			require.True(t, sel.Matches(ls), "%q.Matches(%v) for a superset", sel.String(), ls)
		case 1: // set overlaid with extra labels, which may change its values
			ls = maps.Clone(set)
			if ls == nil {
				ls = selector.Set{}
			}
			maps.Copy(ls, extra)
		case 2: // set with one label removed
			ls = maps.Clone(set)
			if keys := slices.Sorted(maps.Keys(set)); len(keys) > 0 {
				delete(ls, rapid.SampledFrom(keys).Draw(t, "drop"))
				require.False(t, sel.Matches(ls), "%q.Matches(%v) with a label missing", sel.String(), ls)
			}
		default: // unrelated
			ls = extra
		}
		require.Equal(t, isSuperset(ls, set), sel.Matches(ls), "%q.Matches(%v)", sel.String(), ls)
		require.Equal(t, isSuperset(ls, set), sel.Matches(pairsOf(ls)), "%q.Matches(pairs %v)", sel.String(), ls)
	})
}

// Property 5: parsing an almost-valid string never panics, and a failure
// is always a well-formed *ParseError.
func TestPropertyParseMutatedStrings(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		checkParseOutcome(t, selectortest.MutatedSelectorString().Draw(t, "string"))
	})
}

// Property 6: Set.String is the sorted "k=v" strings joined with ",".
func TestPropertySetString(t *testing.T) {
	// Keys that are prefixes of each other, so that sorting whole "k=v"
	// strings and sorting keys differ.
	awkward := rapid.Custom(func(t *rapid.T) selector.Set {
		m := rapid.MapOfN(rapid.SampledFrom([]string{"a", "a.b", "a-b", "a/b", "ab", "b", "A", "a="}), labelValue(), 0, 6).Draw(t, "m")
		return selector.Set(m)
	})
	rapid.Check(t, func(t *rapid.T) {
		set := rapid.OneOf(selectortest.Set(), awkward).Draw(t, "set")
		var kv []string
		for k, v := range set {
			kv = append(kv, k+"="+v)
		}
		slices.Sort(kv)
		want := strings.Join(kv, ",")
		require.Equal(t, want, set.String())
		if len(set) == 0 {
			require.Equal(t, "<none>", set.Format())
		} else {
			require.Equal(t, want, set.Format())
		}
	})
}

// TestRoundTrip runs the round-trip check on hand-built selectors, the
// cases a generator might take long to find.
func TestRoundTrip(t *testing.T) {
	tests := []struct {
		name string
		reqs [][]string // key, operator, values...
	}{
		{name: "keywords", reqs: [][]string{{"in", "in", "in", "notin"}, {"notin", "exists"}, {"in", "!"}}},
		{name: "empty values", reqs: [][]string{{"a", "=", ""}, {"b", "==", ""}, {"c", "!=", ""}, {"d", "in", ""}, {"e", "notin", "", "x"}}},
		{name: "duplicate keys", reqs: [][]string{{"a", "=", "c"}, {"a", "=", "b"}, {"a", "exists"}}},
		{name: "comparisons", reqs: [][]string{{"a", "gt", "01"}, {"a", "lt", "9223372036854775807"}}},
		{name: "unsorted set values", reqs: [][]string{{"a", "in", "z", "y", "x"}}},
		// A set value given twice prints twice, as in Kubernetes, but Parse
		// removes the repeat: the documented round trip does not hold.
		{name: "repeated set value", reqs: [][]string{{"a", "in", "x", "x"}}},
		{name: "repeated notin value", reqs: [][]string{{"a", "notin", "", ""}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var reqs []selector.Requirement
			for _, r := range tt.reqs {
				reqs = append(reqs, mustRequirement(t, r[0], selector.Operator(r[1]), r[2:]...))
			}
			checkRoundTrip(t, selector.Everything().Add(reqs...))
		})
	}
}

// TestParseOutcome runs the any-input check on strings known to be awkward.
func TestParseOutcome(t *testing.T) {
	for _, in := range []string{
		"", ",", "!", "(", ")", "a in (", "a in (,", "a>", "a=\x00", "\x00,", "a\x00b",
		"a in (x,,", "=", "==", "!=", "a b c", "a/b/c", "\xff", "a=\xff", strings.Repeat("a", 300),
	} {
		t.Run(strconv.Quote(in), func(t *testing.T) {
			checkParseOutcome(t, in)
		})
	}
}

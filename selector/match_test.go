package selector_test

import (
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/svcsim/svcsim/selector"
)

// pairs is a Labels that is not a Set: a list of key/value pairs searched
// in order, the first match winning. Matching must treat it exactly as the
// equivalent Set.
type pairs [][2]string

func (p pairs) Lookup(key string) (string, bool) {
	for _, kv := range p {
		if kv[0] == key {
			return kv[1], true
		}
	}
	return "", false
}

var _ selector.Labels = pairs(nil)

// pairsOf converts a set to pairs, in no particular order.
func pairsOf(s selector.Set) pairs {
	var p pairs
	for k, v := range s {
		p = append(p, [2]string{k, v})
	}
	return p
}

func mustParse(t require.TestingT, s string) selector.Selector {
	if h, ok := t.(interface{ Helper() }); ok {
		h.Helper()
	}
	sel, err := selector.Parse(s)
	require.NoError(t, err, "Parse(%q)", s)
	return sel
}

func TestMatches(t *testing.T) {
	tests := []struct {
		name   string
		sel    string
		labels selector.Set // nil means no labels at all
		want   bool
	}{
		// = and ==: key present with the value.
		{name: "= equal", sel: "a=b", labels: selector.Set{"a": "b"}, want: true},
		{name: "= other value", sel: "a=b", labels: selector.Set{"a": "c"}, want: false},
		{name: "= empty value present", sel: "a=b", labels: selector.Set{"a": ""}, want: false},
		{name: "= absent", sel: "a=b", labels: selector.Set{"b": "a"}, want: false},
		{name: "= nil labels", sel: "a=b", labels: nil, want: false},
		{name: "== equal", sel: "a==b", labels: selector.Set{"a": "b"}, want: true},
		{name: "== other value", sel: "a==b", labels: selector.Set{"a": "B"}, want: false},
		{name: "== absent", sel: "a==b", labels: selector.Set{}, want: false},
		{name: "a= present empty", sel: "a=", labels: selector.Set{"a": ""}, want: true},
		{name: "a= present non-empty", sel: "a=", labels: selector.Set{"a": "x"}, want: false},
		{name: "a= absent", sel: "a=", labels: selector.Set{}, want: false},
		{name: "a== present empty", sel: "a==", labels: selector.Set{"a": ""}, want: true},

		// !=: absent satisfies it.
		{name: "!= equal", sel: "a!=b", labels: selector.Set{"a": "b"}, want: false},
		{name: "!= other value", sel: "a!=b", labels: selector.Set{"a": "c"}, want: true},
		{name: "!= absent", sel: "a!=b", labels: selector.Set{}, want: true},
		{name: "!= nil labels", sel: "a!=b", labels: nil, want: true},
		{name: "a!= present empty", sel: "a!=", labels: selector.Set{"a": ""}, want: false},
		{name: "a!= present non-empty", sel: "a!=", labels: selector.Set{"a": "x"}, want: true},
		{name: "a!= absent", sel: "a!=", labels: selector.Set{}, want: true},

		// in.
		{name: "in first", sel: "a in (b,c)", labels: selector.Set{"a": "b"}, want: true},
		{name: "in second", sel: "a in (b,c)", labels: selector.Set{"a": "c"}, want: true},
		{name: "in other", sel: "a in (b,c)", labels: selector.Set{"a": "d"}, want: false},
		{name: "in absent", sel: "a in (b,c)", labels: selector.Set{}, want: false},
		{name: "in single", sel: "a in (b)", labels: selector.Set{"a": "b"}, want: true},
		{name: "in () present empty", sel: "a in ()", labels: selector.Set{"a": ""}, want: true},
		{name: "in () present non-empty", sel: "a in ()", labels: selector.Set{"a": "x"}, want: false},
		{name: "in () absent", sel: "a in ()", labels: selector.Set{}, want: false},
		{name: "in (,x) empty", sel: "a in (,x)", labels: selector.Set{"a": ""}, want: true},
		{name: "in (,x) x", sel: "a in (,x)", labels: selector.Set{"a": "x"}, want: true},
		{name: "in (,x) y", sel: "a in (,x)", labels: selector.Set{"a": "y"}, want: false},

		// notin: absent satisfies it.
		{name: "notin listed", sel: "a notin (b,c)", labels: selector.Set{"a": "c"}, want: false},
		{name: "notin other", sel: "a notin (b,c)", labels: selector.Set{"a": "d"}, want: true},
		{name: "notin absent", sel: "a notin (b,c)", labels: selector.Set{}, want: true},
		{name: "notin single listed", sel: "a notin (b)", labels: selector.Set{"a": "b"}, want: false},
		{name: "notin () present empty", sel: "a notin ()", labels: selector.Set{"a": ""}, want: false},
		{name: "notin () present non-empty", sel: "a notin ()", labels: selector.Set{"a": "x"}, want: true},
		{name: "notin () absent", sel: "a notin ()", labels: selector.Set{}, want: true},
		{name: "notin () nil labels", sel: "a notin ()", labels: nil, want: true},

		// Existence.
		{name: "exists present", sel: "a", labels: selector.Set{"a": "x"}, want: true},
		{name: "exists present empty", sel: "a", labels: selector.Set{"a": ""}, want: true},
		{name: "exists absent", sel: "a", labels: selector.Set{"b": "a"}, want: false},
		{name: "does not exist absent", sel: "!a", labels: selector.Set{"b": "a"}, want: true},
		{name: "does not exist present", sel: "!a", labels: selector.Set{"a": "x"}, want: false},
		{name: "does not exist present empty", sel: "!a", labels: selector.Set{"a": ""}, want: false},
		{name: "does not exist nil labels", sel: "!a", labels: nil, want: true},

		// > and <: integers only, parsed as strconv.ParseInt does.
		{name: "> bigger", sel: "a>1", labels: selector.Set{"a": "2"}, want: true},
		{name: "> equal", sel: "a>1", labels: selector.Set{"a": "1"}, want: false},
		{name: "> smaller", sel: "a>1", labels: selector.Set{"a": "0"}, want: false},
		{name: "> absent", sel: "a>1", labels: selector.Set{}, want: false},
		{name: "> non-integer", sel: "a>1", labels: selector.Set{"a": "x"}, want: false},
		{name: "> empty value", sel: "a>1", labels: selector.Set{"a": ""}, want: false},
		{name: "> decimal", sel: "a>1", labels: selector.Set{"a": "2.5"}, want: false},
		{name: "> hex", sel: "a>1", labels: selector.Set{"a": "0x10"}, want: false},
		{name: "> plus sign", sel: "a>1", labels: selector.Set{"a": "+5"}, want: true},
		{name: "> minus sign", sel: "a>1", labels: selector.Set{"a": "-3"}, want: false},
		{name: "> leading zeros", sel: "a>1", labels: selector.Set{"a": "007"}, want: true},
		{name: "> overflow", sel: "a>1", labels: selector.Set{"a": "99999999999999999999"}, want: false},
		{name: "> leading zero operand", sel: "a>01", labels: selector.Set{"a": "2"}, want: true},
		{name: "> max int64", sel: "a>9223372036854775806", labels: selector.Set{"a": "9223372036854775807"}, want: true},
		{name: "< smaller", sel: "a<1", labels: selector.Set{"a": "0"}, want: true},
		{name: "< equal", sel: "a<1", labels: selector.Set{"a": "1"}, want: false},
		{name: "< bigger", sel: "a<1", labels: selector.Set{"a": "2"}, want: false},
		{name: "< absent", sel: "a<1", labels: selector.Set{}, want: false},
		{name: "< nil labels", sel: "a<1", labels: nil, want: false},
		{name: "< non-integer", sel: "a<1", labels: selector.Set{"a": "x"}, want: false},
		{name: "< minus sign", sel: "a<1", labels: selector.Set{"a": "-3"}, want: true},
		{name: "< plus sign", sel: "a<1", labels: selector.Set{"a": "+5"}, want: false},
		{name: "< overflow", sel: "a<1", labels: selector.Set{"a": "-99999999999999999999"}, want: false},

		// The AND of requirements.
		{name: "and both", sel: "app=web,tier=fe", labels: selector.Set{"app": "web", "tier": "fe"}, want: true},
		{name: "and one missing", sel: "app=web,tier=fe", labels: selector.Set{"app": "web"}, want: false},
		{name: "and one wrong", sel: "app=web,tier=fe", labels: selector.Set{"app": "web", "tier": "be"}, want: false},
		{name: "and extra labels", sel: "app=web,tier=fe", labels: selector.Set{"app": "web", "tier": "fe", "v": "2"}, want: true},
		{name: "and mixed ops", sel: "app=web,env in (prod,qa),!canary", labels: selector.Set{"app": "web", "env": "qa"}, want: true},
		{name: "and mixed ops fail", sel: "app=web,env in (prod,qa),!canary", labels: selector.Set{"app": "web", "env": "qa", "canary": ""}, want: false},
		{name: "duplicate key contradiction b", sel: "a=c,a=b", labels: selector.Set{"a": "b"}, want: false},
		{name: "duplicate key contradiction c", sel: "a=c,a=b", labels: selector.Set{"a": "c"}, want: false},
		{name: "duplicate key range", sel: "a>1,a<10", labels: selector.Set{"a": "5"}, want: true},
		{name: "duplicate key range out", sel: "a>1,a<10", labels: selector.Set{"a": "10"}, want: false},
		{name: "duplicate key not equals", sel: "a!=b,a!=c", labels: selector.Set{"a": "c"}, want: false},

		// Everything.
		{name: "empty selector nil labels", sel: "", labels: nil, want: true},
		{name: "empty selector some labels", sel: "", labels: selector.Set{"a": "b"}, want: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			sel := mustParse(t, tt.sel)

			assert.Equal(t, tt.want, sel.Matches(tt.labels), "Set")
			assert.Equal(t, tt.want, sel.Matches(pairsOf(tt.labels)), "custom Labels")
			if len(tt.labels) == 0 {
				assert.Equal(t, tt.want, sel.Matches(nil), "nil Labels")
				assert.Equal(t, tt.want, sel.Matches(selector.Set{}), "empty Set")
			}

			// The selector is the AND of its requirements.
			all := true
			for _, r := range sel.Requirements() {
				ok := r.Matches(tt.labels)
				assert.Equal(t, ok, r.Matches(pairsOf(tt.labels)), "Requirement %q custom Labels", r.String())
				all = all && ok
			}
			assert.Equal(t, tt.want, all, "AND of Requirement.Matches")
		})
	}
}

func TestMatchesSpecialSelectors(t *testing.T) {
	sets := []selector.Labels{nil, selector.Set(nil), selector.Set{}, selector.Set{"a": "b"}, pairs{{"a", ""}}}
	var zero selector.Selector
	for _, ls := range sets {
		assert.False(t, selector.Nothing().Matches(ls), "Nothing matches %v", ls)
		assert.True(t, selector.Everything().Matches(ls), "Everything matches %v", ls)
		assert.True(t, zero.Matches(ls), "zero Selector matches %v", ls)
	}

	assert.True(t, zero.Equal(selector.Everything()))
	assert.True(t, zero.Empty())
	assert.False(t, zero.MatchesNothing())

	assert.True(t, selector.Everything().Empty())
	assert.False(t, selector.Everything().MatchesNothing())
	assert.Equal(t, "", selector.Everything().String())

	assert.False(t, selector.Nothing().Empty(), "Nothing is not empty")
	assert.True(t, selector.Nothing().MatchesNothing())
	assert.Equal(t, "", selector.Nothing().String())
	assert.Equal(t, 0, selector.Nothing().Len())
	assert.False(t, selector.Nothing().Equal(selector.Everything()))
	assert.True(t, selector.Nothing().Equal(selector.Nothing()))
}

func TestFromSet(t *testing.T) {
	t.Run("valid", func(t *testing.T) {
		set := selector.Set{"tier": "fe", "app": "web", "example.com/x": ""}
		sel, err := selector.FromSet(set)
		require.NoError(t, err)
		assert.Equal(t, "app=web,example.com/x=,tier=fe", sel.String())
		assert.True(t, sel.Equal(mustParse(t, "app=web,example.com/x=,tier=fe")))
		for _, r := range sel.Requirements() {
			assert.Equal(t, selector.Equals, r.Operator())
		}
		assert.True(t, sel.Matches(selector.Set{"app": "web", "tier": "fe", "example.com/x": "", "more": "x"}))
		assert.False(t, sel.Matches(selector.Set{"app": "web", "tier": "fe"}), "the empty value must be present")
		assert.False(t, sel.Matches(selector.Set{"app": "web", "tier": "be", "example.com/x": ""}))
		assert.Equal(t, selector.Set{"tier": "fe", "app": "web", "example.com/x": ""}, set, "the input is not modified")
	})
	t.Run("nil and empty", func(t *testing.T) {
		for _, set := range []selector.Set{nil, {}} {
			sel, err := selector.FromSet(set)
			require.NoError(t, err)
			assert.True(t, sel.Equal(selector.Everything()))
			assert.True(t, sel.Empty())
			assert.True(t, selector.FromValidatedSet(set).Equal(selector.Everything()))
		}
	})
	t.Run("invalid", func(t *testing.T) {
		sel, err := selector.FromSet(selector.Set{"app": "web", "a b": "c", "tier": "-x"})
		require.Error(t, err)
		var list selector.ErrorList
		require.ErrorAs(t, err, &list)
		require.Len(t, list, 2)
		assert.Equal(t, "labels", list[0].Field)
		assert.Equal(t, "a b", list[0].Value)
		assert.Equal(t, "labels[tier]", list[1].Field)
		assert.ErrorIs(t, err, selector.ErrInvalidKey)
		assert.ErrorIs(t, err, selector.ErrInvalidValue)
		assert.True(t, sel.Equal(selector.Selector{}), "a zero Selector on failure")
		assert.Equal(t, 0, sel.Len())
	})
	t.Run("validated set is trusted", func(t *testing.T) {
		set := selector.Set{"a b": "c", "x": "y"}
		sel := selector.FromValidatedSet(set)
		assert.Equal(t, "a b=c,x=y", sel.String())
		assert.True(t, sel.Matches(selector.Set{"a b": "c", "x": "y"}))
		assert.False(t, sel.Matches(selector.Set{"x": "y"}))
		_, err := selector.Parse(sel.String())
		assert.Error(t, err, "an invalid set does not round-trip")
	})
	t.Run("validated equals checked", func(t *testing.T) {
		set := selector.Set{"b": "2", "a": "1"}
		checked, err := selector.FromSet(set)
		require.NoError(t, err)
		assert.True(t, checked.Equal(selector.FromValidatedSet(set)))
	})
}

func TestRequirementMatches(t *testing.T) {
	tests := []struct {
		name   string
		key    string
		op     selector.Operator
		values []string
		labels selector.Labels
		want   bool
	}{
		{name: "equals", key: "a", op: selector.Equals, values: []string{"b"}, labels: selector.Set{"a": "b"}, want: true},
		{name: "double equals absent", key: "a", op: selector.DoubleEquals, values: []string{"b"}, labels: selector.Set{}, want: false},
		{name: "not equals nil", key: "a", op: selector.NotEquals, values: []string{"b"}, labels: nil, want: true},
		{name: "in unsorted values", key: "a", op: selector.In, values: []string{"z", "b"}, labels: pairs{{"a", "z"}}, want: true},
		{name: "in with repeats", key: "a", op: selector.In, values: []string{"b", "b"}, labels: selector.Set{"a": "b"}, want: true},
		{name: "notin absent", key: "a", op: selector.NotIn, values: []string{"b"}, labels: nil, want: true},
		{name: "notin listed", key: "a", op: selector.NotIn, values: []string{"c", "b"}, labels: selector.Set{"a": "b"}, want: false},
		{name: "exists", key: "a", op: selector.Exists, labels: selector.Set{"a": ""}, want: true},
		{name: "does not exist", key: "a", op: selector.DoesNotExist, labels: selector.Set{"a": ""}, want: false},
		{name: "greater than", key: "a", op: selector.GreaterThan, values: []string{"5"}, labels: selector.Set{"a": "+6"}, want: true},
		{name: "less than", key: "a", op: selector.LessThan, values: []string{"5"}, labels: selector.Set{"a": "-6"}, want: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r, err := selector.NewRequirement(tt.key, tt.op, tt.values...)
			require.NoError(t, err)
			assert.Equal(t, tt.want, r.Matches(tt.labels))
			assert.Equal(t, tt.want, selector.Everything().Add(r).Matches(tt.labels), "as a selector")
		})
	}

	t.Run("zero requirement matches nothing", func(t *testing.T) {
		var r selector.Requirement
		for _, ls := range []selector.Labels{nil, selector.Set{}, selector.Set{"": ""}, selector.Set{"a": "b"}} {
			assert.False(t, r.Matches(ls), "%v", ls)
		}
	})
}

func TestRequiresExactMatch(t *testing.T) {
	tests := []struct {
		name      string
		sel       string
		key       string
		wantValue string
		wantOK    bool
	}{
		{name: "equals", sel: "a=b", key: "a", wantValue: "b", wantOK: true},
		{name: "double equals", sel: "a==b", key: "a", wantValue: "b", wantOK: true},
		{name: "in with one value", sel: "a in (b)", key: "a", wantValue: "b", wantOK: true},
		{name: "in empty parens", sel: "a in ()", key: "a", wantValue: "", wantOK: true},
		{name: "equals empty", sel: "a=", key: "a", wantValue: "", wantOK: true},
		{name: "in with two values", sel: "a in (b,c)", key: "a"},
		{name: "not equals", sel: "a!=b", key: "a"},
		{name: "notin single", sel: "a notin (b)", key: "a"},
		{name: "exists", sel: "a", key: "a"},
		{name: "does not exist", sel: "!a", key: "a"},
		{name: "greater than", sel: "a>1", key: "a"},
		{name: "other key", sel: "a=b", key: "c"},
		{name: "among others", sel: "x=1,a=b,z", key: "a", wantValue: "b", wantOK: true},
		{name: "first of duplicates wins", sel: "a=c,a=b", key: "a", wantValue: "c", wantOK: true},
		{name: "first is not exact", sel: "a!=x,a=b", key: "a"},
		{name: "empty selector", sel: "", key: "a"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			v, ok := mustParse(t, tt.sel).RequiresExactMatch(tt.key)
			assert.Equal(t, tt.wantOK, ok)
			assert.Equal(t, tt.wantValue, v)
		})
	}
	t.Run("nothing", func(t *testing.T) {
		v, ok := selector.Nothing().RequiresExactMatch("a")
		assert.False(t, ok)
		assert.Equal(t, "", v)
	})
}

func mustRequirement(t require.TestingT, key string, op selector.Operator, values ...string) selector.Requirement {
	if h, ok := t.(interface{ Helper() }); ok {
		h.Helper()
	}
	r, err := selector.NewRequirement(key, op, values...)
	require.NoError(t, err)
	return r
}

func TestAdd(t *testing.T) {
	t.Run("returns a new selector", func(t *testing.T) {
		s := mustParse(t, "b=1")
		s2 := s.Add(mustRequirement(t, "a", selector.Exists))
		assert.Equal(t, "b=1", s.String(), "original unchanged")
		assert.Equal(t, 1, s.Len())
		assert.Equal(t, "a,b=1", s2.String())
		assert.True(t, s2.Equal(mustParse(t, "b=1,a")))
	})
	t.Run("siblings do not share", func(t *testing.T) {
		s := mustParse(t, "a=1,b=2")
		x := s.Add(mustRequirement(t, "c", selector.Equals, "x"))
		y := s.Add(mustRequirement(t, "c", selector.Equals, "y"))
		assert.Equal(t, "a=1,b=2,c=x", x.String())
		assert.Equal(t, "a=1,b=2,c=y", y.String())
		assert.Equal(t, "a=1,b=2", s.String())
	})
	t.Run("same key goes after existing", func(t *testing.T) {
		s := mustParse(t, "a=1,z").Add(mustRequirement(t, "a", selector.NotEquals, "2"), mustRequirement(t, "a", selector.In, "3"))
		assert.Equal(t, "a=1,a!=2,a in (3),z", s.String())
	})
	t.Run("to everything", func(t *testing.T) {
		s := selector.Everything().Add(mustRequirement(t, "a", selector.Equals, "b"))
		assert.True(t, s.Equal(mustParse(t, "a=b")))
		assert.True(t, selector.Everything().Add().Equal(selector.Everything()))
		assert.True(t, selector.Everything().Empty(), "Everything unchanged")
	})
	t.Run("nothing stays nothing", func(t *testing.T) {
		s := selector.Nothing().Add(mustRequirement(t, "a", selector.Exists))
		assert.True(t, s.MatchesNothing())
		assert.True(t, s.Equal(selector.Nothing()))
		assert.Equal(t, 0, s.Len())
		assert.False(t, s.Matches(selector.Set{"a": "x"}))
	})
}

func TestRequirementsIsACopy(t *testing.T) {
	s := mustParse(t, "a in (x,y),b=1")
	reqs := s.Requirements()
	require.Len(t, reqs, 2)
	reqs[0] = mustRequirement(t, "z", selector.Exists)
	reqs = append(reqs[:1], mustRequirement(t, "q", selector.Exists))
	require.Len(t, reqs, 2)
	assert.Equal(t, "a in (x,y),b=1", s.String())

	vals := s.Requirements()[0].Values()
	require.Equal(t, []string{"x", "y"}, vals)
	vals[0] = "changed"
	assert.Equal(t, []string{"x", "y"}, s.Requirements()[0].Values())
	assert.True(t, s.Matches(selector.Set{"a": "x", "b": "1"}))
	assert.False(t, s.Matches(selector.Set{"a": "changed", "b": "1"}))
	assert.Equal(t, "a in (x,y),b=1", s.String())
}

func TestSelectorSharedBetweenGoroutines(t *testing.T) {
	// A Selector is an immutable value: concurrent readers need no lock.
	// Run with -race.
	sel := mustParse(t, "app=web,env in (prod,qa),!canary,n>2")
	ls := selector.Set{"app": "web", "env": "qa", "n": "3"}
	extra := mustRequirement(t, "x", selector.Exists)
	var wg sync.WaitGroup
	results := make([]bool, 8)
	for i := range results {
		wg.Add(1)
		go func() {
			defer wg.Done()
			ok := sel.Matches(ls) && sel.String() == "app=web,!canary,env in (prod,qa),n>2"
			for _, r := range sel.Requirements() {
				ok = ok && r.Matches(ls)
			}
			ok = ok && sel.Add(extra).Len() == 5
			results[i] = ok
		}()
	}
	wg.Wait()
	for i, ok := range results {
		assert.True(t, ok, "goroutine %d", i)
	}
}

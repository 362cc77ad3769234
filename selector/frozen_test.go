package selector_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"pgregory.net/rapid"

	"github.com/svcsim/svcsim/selector"
	"github.com/svcsim/svcsim/selector/selectortest"
)

// mapLabels is a Labels that is neither a Set nor a Frozen, so matching
// takes the generic path.
type mapLabels map[string]string

func (m mapLabels) Lookup(k string) (string, bool) { v, ok := m[k]; return v, ok }

// TestFrozenMatchesLikeSet checks that every way of presenting one label set
// — a Set, a Frozen copy, a foreign Labels type — gets the same answer from
// every selector and every requirement.
func TestFrozenMatchesLikeSet(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		sel := selectortest.Selector().Draw(t, "selector")
		set := selectortest.Set().Draw(t, "set")
		frozen := selector.Freeze(set)
		want := sel.Matches(set)
		require.Equal(t, want, sel.Matches(frozen), "Frozen")
		require.Equal(t, want, sel.Matches(mapLabels(set)), "generic Labels")
		for _, r := range sel.Requirements() {
			rs := r.Matches(set)
			require.Equal(t, rs, r.Matches(frozen), "requirement %s on Frozen", r)
			require.Equal(t, rs, r.Matches(mapLabels(set)), "requirement %s on generic Labels", r)
		}
	})
}

func TestFrozenRoundTrip(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		set := selectortest.Set().Draw(t, "set")
		f := selector.Freeze(set)
		require.Equal(t, len(set), f.Len())
		require.True(t, set.Equal(f.Set()), "Set() gives back the labels")
		require.Equal(t, set.String(), f.String())
		require.True(t, f.Equal(selector.Freeze(f.Set())))
		for k, v := range set {
			got, ok := f.Lookup(k)
			require.True(t, ok, k)
			require.Equal(t, v, got)
		}
		_, ok := f.Lookup("no-such-key-anywhere")
		require.False(t, ok)
		var prev string
		n := 0
		for k := range f.All() {
			if n > 0 {
				require.Less(t, prev, k, "All yields keys in ascending order")
			}
			prev = k
			n++
		}
		require.Equal(t, len(set), n)
	})
}

func TestFrozenIsACopy(t *testing.T) {
	set := selector.Set{"app": "web"}
	f := selector.Freeze(set)
	set["app"] = "db"
	set["tier"] = "x"
	v, _ := f.Lookup("app")
	assert.Equal(t, "web", v, "changing the source set does not change the frozen one")
	assert.Equal(t, 1, f.Len())

	thawed := f.Set()
	thawed["app"] = "db"
	v, _ = f.Lookup("app")
	assert.Equal(t, "web", v, "changing a thawed copy does not change the frozen one")
}

func TestNilFrozenIsEmpty(t *testing.T) {
	var f *selector.Frozen
	assert.Equal(t, 0, f.Len())
	_, ok := f.Lookup("a")
	assert.False(t, ok)
	assert.Equal(t, "", f.String())
	assert.Empty(t, f.Set())
	assert.True(t, f.Equal(selector.Freeze(nil)))
	for range f.All() {
		t.Fatal("nil Frozen yields nothing")
	}
	sel, err := selector.Parse("!a,b notin (x)")
	require.NoError(t, err)
	assert.True(t, sel.Matches(f))
	sel, err = selector.Parse("a")
	require.NoError(t, err)
	assert.False(t, sel.Matches(f))
}

func TestFrozenMatchingAllocatesNothing(t *testing.T) {
	sel, err := selector.Parse("app=web,env in (prod,qa),!canary,tier notin (cache),n>2")
	require.NoError(t, err)
	f := selector.Freeze(selector.Set{"app": "web", "env": "qa", "tier": "frontend", "n": "3"})
	set := f.Set()
	require.True(t, sel.Matches(f))
	allocs := testing.AllocsPerRun(100, func() {
		sel.Matches(f)
		sel.Matches(set)
	})
	assert.Zero(t, allocs)
}

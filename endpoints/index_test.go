package endpoints_test

import (
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/svcsim/svcsim/cluster"
	"github.com/svcsim/svcsim/endpoints"
	"github.com/svcsim/svcsim/selector"
)

func TestSliceIndex(t *testing.T) {
	slice := func(name, svc string) *cluster.EndpointSlice {
		sl := &cluster.EndpointSlice{ObjectMeta: cluster.ObjectMeta{Namespace: "ns", Name: name}}
		if svc != "" {
			sl.Labels = selector.Set{endpoints.ServiceNameLabel: svc}
		}
		return sl
	}
	names := func(sls []*cluster.EndpointSlice) []string {
		out := []string{}
		for _, sl := range sls {
			out = append(out, sl.Name)
		}
		return out
	}
	var x endpoints.SliceIndex
	steps := []struct {
		name     string
		ev       cluster.WatchEvent
		old, cur string
		a, b     []string
	}{
		{"add to a", cluster.WatchEvent{Type: cluster.Added, Object: slice("s2", "a")}, "", "ns/a", []string{"s2"}, []string{}},
		{"add another to a", cluster.WatchEvent{Type: cluster.Added, Object: slice("s1", "a")}, "", "ns/a", []string{"s1", "s2"}, []string{}},
		{"relabel to b", cluster.WatchEvent{Type: cluster.Modified, Object: slice("s2", "b"), Old: slice("s2", "a")}, "ns/a", "ns/b", []string{"s1"}, []string{"s2"}},
		{"unlabel", cluster.WatchEvent{Type: cluster.Modified, Object: slice("s1", ""), Old: slice("s1", "a")}, "ns/a", "", []string{}, []string{"s2"}},
		{"delete an unknown slice", cluster.WatchEvent{Type: cluster.Deleted, Object: slice("s9", "b")}, "", "", []string{}, []string{"s2"}},
		{"delete from b", cluster.WatchEvent{Type: cluster.Deleted, Object: slice("s2", "b")}, "ns/b", "", []string{}, []string{}},
	}
	for _, st := range steps {
		old, cur := x.Apply(st.ev)
		assert.Equal(t, st.old, old, st.name)
		assert.Equal(t, st.cur, cur, st.name)
		assert.Equal(t, st.a, names(x.Of("ns/a")), st.name)
		assert.Equal(t, st.b, names(x.Of("ns/b")), st.name)
	}
}

// An event that carries no EndpointSlice changes nothing and does not
// panic: the zero event, another kind, a typed nil.
func TestSliceIndexIgnoresOtherEvents(t *testing.T) {
	var x endpoints.SliceIndex
	for _, ev := range []cluster.WatchEvent{
		{},
		{Type: cluster.Added, Object: &cluster.Pod{}},
		{Type: cluster.Added, Object: (*cluster.EndpointSlice)(nil)},
		{Type: cluster.Modified, Object: &cluster.EndpointSlice{}, Old: &cluster.Pod{}},
	} {
		old, cur := x.Apply(ev)
		assert.Empty(t, old)
		assert.Empty(t, cur)
	}
	assert.Empty(t, x.Of("default/web"))
}

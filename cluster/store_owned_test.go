package cluster

import (
	"errors"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestUserWritesDoNotAliasTheStore changes, after each of a user's
// writes, both the object written and the one returned, down to the
// status an update keeps and the lists of an Endpoints object: the store
// must not see it. Built-in controllers hand the store their objects; a
// user's are always copied.
func TestUserWritesDoNotAliasTheStore(t *testing.T) {
	s := newSim(t, Config{Seed: 1, Nodes: 1})
	_, err := s.Create(webPod("web-1"))
	require.NoError(t, err)
	require.NoError(t, s.Settle())
	require.NotEmpty(t, mustPod(t, s, "web-1").Status.Conditions)

	scribble := func(o Object) {
		m := o.Meta()
		if m.Labels != nil {
			m.Labels["app"] = "scribbled"
		}
		switch o := o.(type) {
		case *Pod:
			o.Status.Conditions[0].Status = "scribbled"
			o.Spec.Containers[0].Image = "scribbled"
		case *Endpoints:
			o.Subsets[0].Addresses[0].IP = "10.9.9.9"
			*o.Subsets[0].Addresses[0].NodeName = "scribbled"
		case *EndpointSlice:
			o.Endpoints[0].Addresses[0] = "10.9.9.9"
			*o.Endpoints[0].Conditions.Ready = false
		}
	}
	ep := &Endpoints{ObjectMeta: ObjectMeta{Name: "manual", Labels: map[string]string{"app": "x"}},
		Subsets: []EndpointSubset{{Addresses: []EndpointAddress{{IP: "10.1.1.1", NodeName: Ptr("node-1")}}, Ports: []EndpointPort{{Port: 80}}}}}
	sl := &EndpointSlice{ObjectMeta: ObjectMeta{Name: "manual-1", Labels: map[string]string{"app": "x"}}, AddressType: "IPv4",
		Endpoints: []Endpoint{{Addresses: []string{"10.1.1.1"}, Conditions: EndpointConditions{Ready: Ptr(true)}}}}
	for _, c := range []struct {
		name  string
		write func() (in, out Object, err error)
	}{
		{"create endpoints", func() (Object, Object, error) { out, err := s.Create(ep); return ep, out, err }},
		{"create slice", func() (Object, Object, error) { out, err := s.Create(sl); return sl, out, err }},
		{"update pod", func() (Object, Object, error) {
			p := mustPod(t, s, "web-1")
			p.Labels["tier"] = "front"
			out, err := s.Update(p)
			return p, out, err
		}},
		{"update endpoints", func() (Object, Object, error) {
			e, _ := GetAs[*Endpoints](s, "default", "manual")
			e.Subsets[0].Addresses = append(e.Subsets[0].Addresses, EndpointAddress{IP: "10.1.1.2", NodeName: Ptr("node-1")})
			out, err := s.Update(e)
			return e, out, err
		}},
		{"update slice", func() (Object, Object, error) {
			e, _ := GetAs[*EndpointSlice](s, "default", "manual-1")
			e.Endpoints = append(e.Endpoints, Endpoint{Addresses: []string{"10.1.1.2"}, Conditions: EndpointConditions{Ready: Ptr(true)}})
			out, err := s.Update(e)
			return e, out, err
		}},
		{"update pod status", func() (Object, Object, error) {
			p := mustPod(t, s, "web-1")
			p.Status.Message = "noted"
			out, err := s.UpdateStatus(p)
			return p, out, err
		}},
	} {
		t.Run(c.name, func(t *testing.T) {
			in, out, err := c.write()
			require.NoError(t, err)
			before := s.dump()
			scribble(in)
			scribble(out)
			assert.Equal(t, before, s.dump())
		})
	}
}

// TestOwnedWrites checks the path built-in controllers write through: the
// store keeps the object handed over, stores nothing for an update that
// changes nothing, and still refuses an invalid object, changing nothing.
func TestOwnedWrites(t *testing.T) {
	s := newSim(t, Config{Seed: 1})
	sl := &EndpointSlice{ObjectMeta: ObjectMeta{Namespace: "default", GenerateName: "web-"}, AddressType: "IPv4",
		Endpoints: []Endpoint{{Addresses: []string{"10.1.1.1"}}}}
	out, err := s.createOwned(sl)
	require.NoError(t, err)
	assert.Same(t, sl, out, "the object handed over is the one stored")
	stored, _ := s.store.get(KindEndpointSlice, "default", sl.Name)
	assert.Same(t, sl, stored)

	next := *sl
	next.Endpoints = append(next.Endpoints[:1:1], Endpoint{Addresses: []string{"10.1.1.2"}})
	out2, err := s.updateOwned(&next)
	rv := out2.Meta().ResourceVersion
	require.NoError(t, err)
	stored, _ = s.store.get(KindEndpointSlice, "default", sl.Name)
	assert.Same(t, &next, stored)
	assert.Equal(t, rv, stored.Meta().ResourceVersion)
	assert.Equal(t, int64(2), stored.Meta().Generation, "a change of endpoints counts as a generation")

	same := next
	digest, dump := s.Digest(), s.dump()
	out3, err := s.updateOwned(&same)
	rv2 := out3.Meta().ResourceVersion
	require.NoError(t, err)
	assert.Equal(t, rv, rv2, "nothing changed, nothing stored")
	assert.Equal(t, digest, s.Digest())

	bad := next
	bad.Endpoints = []Endpoint{{Addresses: []string{"10.1.1.300"}}}
	_, err = s.updateOwned(&bad)
	require.True(t, errors.Is(err, ErrInvalid), "%v", err)
	assert.Equal(t, digest, s.Digest())
	assert.Equal(t, dump, s.dump())
}

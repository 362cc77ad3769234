package cluster

import (
	"errors"
	"fmt"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestTypedNilObjects passes nil, and a typed nil of every kind, to every
// call that takes an Object: each returns the ErrInvalid StatusError Create
// gives (Record, which returns nothing, records nothing), never panics, and
// changes nothing.
func TestTypedNilObjects(t *testing.T) {
	nils := []Object{nil, (*Namespace)(nil), (*Node)(nil), (*Pod)(nil), (*ReplicaSet)(nil),
		(*ReplicationController)(nil), (*Deployment)(nil), (*Service)(nil), (*Endpoints)(nil), (*EndpointSlice)(nil)}
	verbs := []struct {
		name string
		op   string
		call func(s *Sim, o Object) error
	}{
		{"Create", "create", func(s *Sim, o Object) error { _, err := s.Create(o); return err }},
		{"Update", "update", func(s *Sim, o Object) error { _, err := s.Update(o); return err }},
		{"UpdateStatus", "update", func(s *Sim, o Object) error { _, err := s.UpdateStatus(o); return err }},
		{"Kubectl.Apply", "apply", func(s *Sim, o Object) error { _, err := s.Kubectl("").Apply(o); return err }},
		{"Record", "", func(s *Sim, o Object) error { s.Record(o, EventNormal, "Test", "nil"); return nil }},
	}
	s := newSim(t, Config{Seed: 1})
	_, err := s.Kubectl("").Run("web", RunOptions{Image: "nginx"})
	require.NoError(t, err)
	require.NoError(t, s.Settle())
	for _, v := range verbs {
		for _, o := range nils {
			t.Run(fmt.Sprintf("%s %T", v.name, o), func(t *testing.T) {
				before := takeSnapshot(s)
				events := len(s.Events(""))
				var err error
				require.NotPanics(t, func() { err = v.call(s, o) })
				assertUnchanged(t, s, before)
				assert.Len(t, s.Events(""), events, "no event recorded")
				if v.op == "" {
					return
				}
				var se *StatusError
				require.True(t, errors.As(err, &se), "a *StatusError, got %T: %v", err, err)
				assert.ErrorIs(t, err, ErrInvalid)
				assert.Equal(t, v.op, se.Op)
				assert.Equal(t, []FieldError{{Field: "object", Type: "Required value"}}, se.Causes)
				assert.Equal(t, "invalid object: object: Required value", err.Error())
			})
		}
	}
}

package cluster_test

import (
	"errors"
	"fmt"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/svcsim/svcsim/cluster"
	"github.com/svcsim/svcsim/kubectl"
)

// The tests of nil_object_test.go that drive the cluster through kubectl, which
// tests inside package cluster cannot import; see export_test.go.

// TestTypedNilObjects passes nil, and a typed nil of every kind, to every
// call that takes an Object: each returns the ErrInvalid StatusError Create
// gives (Record, which returns nothing, records nothing), never panics, and
// changes nothing.
func TestTypedNilObjects(t *testing.T) {
	nils := []cluster.Object{nil, (*cluster.Namespace)(nil), (*cluster.Node)(nil), (*cluster.Pod)(nil), (*cluster.ReplicaSet)(nil), (*cluster.ReplicationController)(nil),
		(*cluster.Deployment)(nil), (*cluster.Service)(nil), (*cluster.Endpoints)(nil), (*cluster.EndpointSlice)(nil)}
	verbs := []struct {
		name string
		op   string
		call func(s *cluster.Sim, o cluster.Object) error
	}{
		{"Create", "create", func(s *cluster.Sim, o cluster.Object) error { _, err := s.Create(o); return err }},
		{"Update", "update", func(s *cluster.Sim, o cluster.Object) error { _, err := s.Update(o); return err }},
		{"UpdateStatus", "update", func(s *cluster.Sim, o cluster.Object) error { _, err := s.UpdateStatus(o); return err }},
		{"Kubectl.Apply", "apply", func(s *cluster.Sim, o cluster.Object) error { _, err := kubectl.New(s, "").Apply(o); return err }},
		{"Record", "", func(s *cluster.Sim, o cluster.Object) error {
			s.Record(o, cluster.EventNormal, "Test", "nil")
			return nil
		}},
	}
	s := cluster.NewSim(t, cluster.Config{Seed: 1})
	_, err := kubectl.New(s, "").Run("web", kubectl.RunOptions{Image: "nginx"})
	require.NoError(t, err)
	require.NoError(t, s.Settle())
	for _, v := range verbs {
		for _, o := range nils {
			t.Run(fmt.Sprintf("%s %T", v.name, o), func(t *testing.T) {
				before := cluster.TakeSnapshot(s)
				events := len(s.Events(""))
				var err error
				require.NotPanics(t, func() { err = v.call(s, o) })
				cluster.AssertUnchanged(t, s, before)
				assert.Len(t, s.Events(""), events, "no event recorded")
				if v.op == "" {
					return
				}
				var se *cluster.StatusError
				require.True(t, errors.As(err, &se), "a *StatusError, got %T: %v", err, err)
				assert.ErrorIs(t, err, cluster.ErrInvalid)
				assert.Equal(t, v.op, se.Op)
				assert.Equal(t, []cluster.FieldError{{Field: "object", Type: "Required value"}}, se.Causes)
				assert.Equal(t, "invalid object: object: Required value", err.Error())
			})
		}
	}
}

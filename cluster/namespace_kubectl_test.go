package cluster_test

import (
	"bytes"
	"errors"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/svcsim/svcsim/cluster"
	"github.com/svcsim/svcsim/kubectl"
)

// The tests of namespace_test.go that drive the cluster through kubectl, which
// tests inside package cluster cannot import; see export_test.go.

// TestImmortalNamespaces: the NamespaceLifecycle admission plugin forbids
// deleting default, kube-system and kube-public, through any client; other
// namespaces, kube-node-lease among them, may be deleted.
func TestImmortalNamespaces(t *testing.T) {
	for _, tt := range []struct {
		name      string
		immortal  bool
		byKubectl bool
	}{
		{"default", true, false},
		{"kube-system", true, false},
		{"kube-public", true, true},
		{"default", true, true},
		{"kube-node-lease", false, false},
		{"shop", false, true},
	} {
		via := "Sim.Delete"
		if tt.byKubectl {
			via = "Kubectl.Delete"
		}
		t.Run(tt.name+" via "+via, func(t *testing.T) {
			s := cluster.NewSim(t, cluster.Config{Seed: 1})
			_, err := s.Create(&cluster.Namespace{ObjectMeta: cluster.ObjectMeta{Name: "shop"}})
			require.NoError(t, err)
			_, err = s.Create(cluster.WebPod("web", func(p *cluster.Pod) { p.Namespace = tt.name }))
			require.NoError(t, err)
			require.NoError(t, s.Settle())
			before := cluster.TakeSnapshot(s)
			var out bytes.Buffer
			k := kubectl.New(s, "")
			k.Out = &out
			if tt.byKubectl {
				err = k.Delete(cluster.KindNamespace, tt.name, cluster.DeleteOptions{})
			} else {
				err = s.Delete(cluster.KindNamespace, "", tt.name, cluster.DeleteOptions{})
			}
			if !tt.immortal {
				require.NoError(t, err)
				require.NoError(t, s.Settle())
				_, ok := s.Get(cluster.KindNamespace, "", tt.name)
				assert.False(t, ok, "deleted")
				return
			}
			var se *cluster.StatusError
			require.True(t, errors.As(err, &se), "a *StatusError, got %T: %v", err, err)
			assert.ErrorIs(t, err, cluster.ErrForbidden)
			assert.Equal(t, `namespaces "`+tt.name+`" is forbidden: this namespace may not be deleted`, err.Error())
			assert.Empty(t, out.String(), "kubectl says nothing was deleted")
			cluster.AssertUnchanged(t, s, before)
		})
	}
}

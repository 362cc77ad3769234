package cluster

import (
	"bytes"
	"errors"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

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
			s := newSim(t, Config{Seed: 1})
			_, err := s.Create(&Namespace{ObjectMeta: ObjectMeta{Name: "shop"}})
			require.NoError(t, err)
			_, err = s.Create(webPod("web", func(p *Pod) { p.Namespace = tt.name }))
			require.NoError(t, err)
			require.NoError(t, s.Settle())
			before := takeSnapshot(s)
			var out bytes.Buffer
			k := s.Kubectl("")
			k.Out = &out
			if tt.byKubectl {
				err = k.Delete(KindNamespace, tt.name, DeleteOptions{})
			} else {
				err = s.Delete(KindNamespace, "", tt.name, DeleteOptions{})
			}
			if !tt.immortal {
				require.NoError(t, err)
				require.NoError(t, s.Settle())
				_, ok := s.Get(KindNamespace, "", tt.name)
				assert.False(t, ok, "deleted")
				return
			}
			var se *StatusError
			require.True(t, errors.As(err, &se), "a *StatusError, got %T: %v", err, err)
			assert.ErrorIs(t, err, ErrForbidden)
			assert.Equal(t, `namespaces "`+tt.name+`" is forbidden: this namespace may not be deleted`, err.Error())
			assert.Empty(t, out.String(), "kubectl says nothing was deleted")
			assertUnchanged(t, s, before)
		})
	}
}

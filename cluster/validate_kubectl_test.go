package cluster_test

import (
	"bytes"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/svcsim/svcsim/cluster"
	"github.com/svcsim/svcsim/kubectl"
)

// The tests of validate_test.go that drive the cluster through kubectl, which
// tests inside package cluster cannot import; see export_test.go.

func TestLabelErrorsChangeNothing(t *testing.T) {
	setup := func(t *testing.T) (*cluster.Sim, *kubectl.Client, *bytes.Buffer) {
		s := cluster.NewSim(t, cluster.Config{Seed: 1})
		for _, name := range []string{"web-1", "web-2", "web-3"} {
			_, err := s.Create(cluster.WebPod(name))
			require.NoError(t, err)
		}
		require.NoError(t, s.Settle())
		k := kubectl.New(s, "default")
		var out bytes.Buffer
		k.Out = &out
		return s, k, &out
	}

	t.Run("changing a value without --overwrite", func(t *testing.T) {
		s, k, out := setup(t)
		require.NoError(t, k.Label(cluster.KindPod, "web-3", "tier=backend"))
		out.Reset()
		before := cluster.TakeSnapshot(s)
		// web-1 and web-2 could take tier=frontend; web-3 cannot.
		err := k.LabelSelected(cluster.KindPod, "app=web", "tier=frontend", "track=stable")
		require.Error(t, err)
		assert.ErrorIs(t, err, kubectl.ErrUsage)
		assert.Equal(t, "kubectl: invalid arguments: 'tier' already has a value (backend), and --overwrite is false", err.Error())
		cluster.AssertUnchanged(t, s, before)
		assert.Empty(t, out.String(), "no pod reported as labeled")
		for _, name := range []string{"web-1", "web-2"} {
			_, has := cluster.MustPod(t, s, name).Labels["tier"]
			assert.False(t, has, "%s not labeled", name)
		}

		// With --overwrite all three change.
		require.NoError(t, k.LabelSelected(cluster.KindPod, "app=web", "tier=frontend", "--overwrite"))
		assert.Equal(t, "pod/web-1 labeled\npod/web-2 labeled\npod/web-3 labeled\n", out.String())
	})

	t.Run("invalid key", func(t *testing.T) {
		s, k, out := setup(t)
		before := cluster.TakeSnapshot(s)
		err := k.Label(cluster.KindPod, "web-1", "Bad Key=x")
		assert.ErrorIs(t, err, kubectl.ErrUsage)
		assert.Contains(t, err.Error(), "invalid label spec: Bad Key=x")
		cluster.AssertUnchanged(t, s, before)
		assert.Empty(t, out.String())
	})

	t.Run("invalid value", func(t *testing.T) {
		s, k, _ := setup(t)
		before := cluster.TakeSnapshot(s)
		assert.ErrorIs(t, k.Label(cluster.KindPod, "web-1", "tier=-x"), kubectl.ErrUsage)
		cluster.AssertUnchanged(t, s, before)
	})

	t.Run("removing a missing label", func(t *testing.T) {
		s, k, out := setup(t)
		before := cluster.TakeSnapshot(s)
		require.NoError(t, k.Label(cluster.KindPod, "web-1", "tier-"))
		assert.Equal(t, "pod/web-1 not labeled\n", out.String())
		cluster.AssertUnchanged(t, s, before)
	})

	t.Run("missing pod", func(t *testing.T) {
		s, k, _ := setup(t)
		before := cluster.TakeSnapshot(s)
		err := k.Label(cluster.KindPod, "nope", "tier=x")
		assert.ErrorIs(t, err, cluster.ErrNotFound)
		assert.EqualError(t, err, `pods "nope" not found`)
		cluster.AssertUnchanged(t, s, before)
	})
}

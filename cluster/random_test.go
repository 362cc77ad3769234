package cluster_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/svcsim/svcsim/cluster"
	"github.com/svcsim/svcsim/kubectl"
	"github.com/svcsim/svcsim/selector"
)

func TestStreams(t *testing.T) {
	a, err := cluster.New(cluster.Config{Seed: 3})
	require.NoError(t, err)
	b, err := cluster.New(cluster.Config{Seed: 3})
	require.NoError(t, err)
	c, err := cluster.New(cluster.Config{Seed: 4})
	require.NoError(t, err)

	assert.Same(t, a.Stream("x"), a.Stream("x"), "a name always gets the same stream")
	assert.Equal(t, a.Stream("x").Uint64(), b.Stream("x").Uint64(), "same seed, same name: same draws")
	assert.NotEqual(t, a.Stream("y").Uint64(), b.Stream("z").Uint64(), "different names: different draws")
	assert.NotEqual(t, a.Stream("w").Uint64(), c.Stream("w").Uint64(), "different seeds: different draws")
	assert.Same(t, a.Stream("user"), a.Rand())
}

// Drawing from a stream of one's own changes no generated name: the
// apiserver's stream is not shared.
func TestUserDrawsChangeNoGeneratedName(t *testing.T) {
	names := func(draw bool) []string {
		s, err := cluster.New(cluster.Config{Seed: 9})
		require.NoError(t, err)
		k := kubectl.New(s, "default")
		var out []string
		for range 3 {
			if draw {
				s.Rand().Uint64()
				s.Stream("my-controller").IntN(10)
			}
			_, err := k.CreateDeployment("web", kubectl.DeploymentOptions{Image: "nginx", Replicas: 2})
			require.NoError(t, err)
			require.NoError(t, s.Settle())
			for _, p := range cluster.ListAs[*cluster.Pod](s, "default", selector.Everything()) {
				out = append(out, p.Name, p.UID)
			}
			require.NoError(t, k.Delete(cluster.KindDeployment, "web", cluster.DeleteOptions{}))
			require.NoError(t, s.Settle())
		}
		return out
	}
	assert.Equal(t, names(false), names(true))
}

// WatchShared hands every shared watcher the store's one snapshot, while
// Watch gives each its own copy; both see the same content.
func TestWatchSharedDeliversSnapshots(t *testing.T) {
	s, err := cluster.New(cluster.Config{})
	require.NoError(t, err)
	var shared, copied []cluster.Object
	s.WatchShared("a", nil, func(ev cluster.WatchEvent) { shared = append(shared, ev.Object) }, cluster.KindPod)
	s.WatchShared("b", nil, func(ev cluster.WatchEvent) { shared = append(shared, ev.Object) }, cluster.KindPod)
	s.Watch("c", nil, func(ev cluster.WatchEvent) { copied = append(copied, ev.Object) }, cluster.KindPod)
	s.Watch("d", nil, func(ev cluster.WatchEvent) { copied = append(copied, ev.Object) }, cluster.KindPod)
	_, err = kubectl.New(s, "default").Run("web", kubectl.RunOptions{Image: "nginx"})
	require.NoError(t, err)
	require.NoError(t, s.Settle())
	require.NotEmpty(t, shared)
	require.Len(t, copied, len(shared))
	for i := 0; i < len(shared); i += 2 {
		assert.Same(t, shared[i], shared[i+1], "one snapshot for every shared watcher")
		assert.NotSame(t, copied[i], copied[i+1], "a copy for each copying watcher")
		assert.Equal(t, shared[i], copied[i])
	}
	assert.PanicsWithValue(t, "cluster: Watch with a nil handler", func() { s.WatchShared("x", nil, nil, cluster.KindPod) })
}

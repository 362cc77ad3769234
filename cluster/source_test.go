package cluster_test

import (
	"math/rand/v2"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/svcsim/svcsim/cluster"
)

// weyl is a rand.Source that steps by an odd constant: predictable, and
// varied enough that generated names do not collide.
type weyl struct{ n uint64 }

func (w *weyl) Uint64() uint64 { w.n += 0x9e3779b97f4a7c15; return w.n }

// runPods makes three pods with generated names, settles, and returns
// the names with the digest.
func runPods(t *testing.T, cfg cluster.Config) ([]string, string) {
	s, err := cluster.New(cfg)
	require.NoError(t, err)
	var names []string
	for range 3 {
		p, err := s.Create(&cluster.Pod{ObjectMeta: cluster.ObjectMeta{GenerateName: "web-"},
			Spec: cluster.PodSpec{Containers: []cluster.Container{{Name: "c", Image: "nginx"}}}})
		require.NoError(t, err)
		names = append(names, p.Meta().Name)
	}
	require.NoError(t, s.Settle())
	return names, s.Digest()
}

func TestConfigSource(t *testing.T) {
	plainNames, plainDigest := runPods(t, cluster.Config{Seed: 5})

	t.Run("every stream draws from it", func(t *testing.T) {
		var asked []string
		cfg := cluster.Config{Seed: 5, Source: func(name string) rand.Source {
			asked = append(asked, name)
			return &weyl{}
		}}
		names, _ := runPods(t, cfg)
		assert.NotEqual(t, plainNames, names)
		assert.Contains(t, asked, "apiserver")
		s, err := cluster.New(cfg)
		require.NoError(t, err)
		assert.Equal(t, uint64(0x9e3779b97f4a7c15), s.Stream("mine").Uint64(), "a named stream draws from the source")
		assert.Equal(t, "mine", asked[len(asked)-1])
	})
	t.Run("the same source gives the same run", func(t *testing.T) {
		cfg := cluster.Config{Seed: 5, Source: func(string) rand.Source { return &weyl{n: 7} }}
		n1, d1 := runPods(t, cfg)
		n2, d2 := runPods(t, cfg)
		assert.Equal(t, n1, n2)
		assert.Equal(t, d1, d2)
	})
	t.Run("a nil answer keeps the seeded stream", func(t *testing.T) {
		for _, src := range []func(string) rand.Source{
			func(string) rand.Source { return nil },
			func(string) rand.Source { return (*rand.PCG)(nil) },
		} {
			names, digest := runPods(t, cluster.Config{Seed: 5, Source: src})
			assert.Equal(t, plainNames, names)
			assert.Equal(t, plainDigest, digest)
		}
	})
}

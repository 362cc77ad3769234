package clustertest_test

import (
	"math/rand/v2"
	"runtime"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"pgregory.net/rapid"

	svcsim "github.com/svcsim/svcsim"
	"github.com/svcsim/svcsim/cluster"
	"github.com/svcsim/svcsim/cluster/clustertest"
	"github.com/svcsim/svcsim/proxy"
)

// rollout runs a rolling update of world's Deployment under load with
// realistic lag, one event at a time, calling observe after each, and
// returns the digest.
func rollout(t *testing.T, seed uint64, observe func(*svcsim.Cluster)) string {
	c := clustertest.Build(t, svcsim.Config{Seed: seed, Nodes: 3, Timing: cluster.Realistic()})
	require.NoError(t, clustertest.Scale{Kind: cluster.KindDeployment, Name: "web", Replicas: 3}.Apply(withWeb(t, c)))
	clustertest.Settle(t, c.Sim)
	load := &clustertest.SendLoad{Service: "web", Requests: 200, Over: 4 * time.Second}
	require.NoError(t, load.Apply(c))
	require.NoError(t, clustertest.SetImage{Deployment: "web", Container: "app", Image: "rxmllc/hostinfo:v2"}.Apply(c))
	end := c.Now().Add(6 * time.Second)
	for c.Now() < end && c.Step() {
		observe(c)
	}
	return c.Digest()
}

// withWeb gives c world's objects.
func withWeb(t *testing.T, c *svcsim.Cluster) *svcsim.Cluster {
	for _, o := range webObjects() {
		_, err := c.Create(o)
		require.NoError(t, err)
	}
	clustertest.Settle(t, c.Sim)
	return c
}

// Every invariant and checker reads only: calling all of them after every
// event leaves the run, and so its digest, exactly as without them.
func TestObservingChangesNothing(t *testing.T) {
	plain := rollout(t, 11, func(*svcsim.Cluster) {})
	checkers := []clustertest.Checker{
		clustertest.CheckFunc(clustertest.UniqueIPs), clustertest.CheckFunc(clustertest.EndpointsMatch),
		clustertest.CheckFunc(clustertest.ReplicaSetsConverge), clustertest.CheckFunc(clustertest.ProxiesMatch),
		clustertest.RollingBounds("default", "web"), clustertest.ServiceNeverEmpty("default", "web"),
	}
	calls := 0
	observed := rollout(t, 11, func(c *svcsim.Cluster) {
		for _, ch := range checkers {
			_ = ch.Check(c) // mid-run, the settled-state invariants may fail: only reading matters here
			calls++
		}
		_ = clustertest.NoAnswerFromGonePods(c, proxy.Response{Outcome: proxy.Answered, Pod: "default/web"})
	})
	require.Greater(t, calls, 100)
	require.Equal(t, plain, observed)
}

// The same seed gives the same run, whatever GOMAXPROCS is.
func TestSameSeedSameDigest(t *testing.T) {
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(0))
	var digests []string
	for _, procs := range []int{1, 2, 1, 2} {
		runtime.GOMAXPROCS(procs)
		digests = append(digests, rollout(t, 5, func(*svcsim.Cluster) {}))
	}
	for _, d := range digests[1:] {
		require.Equal(t, digests[0], d)
	}
}

// replay is a Source that gives back, in order, what another run drew.
type replay struct{ vals *[]uint64 }

func (r replay) Uint64() uint64 {
	v := (*r.vals)[0]
	*r.vals = (*r.vals)[1:]
	return v
}

// The same rapid data gives the same run: a run whose streams draw from
// rapid, replayed with exactly the values it drew and the same actions,
// at GOMAXPROCS 1 and 2, ends with the same digest.
func TestSameRapidDataSameRun(t *testing.T) {
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(0))
	rapid.Check(t, func(t *rapid.T) {
		cfg := clustertest.Config().Draw(t, "config")
		var drawn []uint64
		fromRapid := clustertest.RapidSource(t)
		cfg.Source = func(name string) rand.Source {
			src := fromRapid(name)
			if src == nil {
				return nil
			}
			return recording{src, &drawn}
		}
		runtime.GOMAXPROCS(1)
		c := clustertest.Build(t, cfg)
		actions := clustertest.RunActions(t, c, 10)
		clustertest.Settle(t, c.Sim)

		runtime.GOMAXPROCS(2)
		cfg.Source = func(name string) rand.Source {
			if name == clustertest.ApiserverStream {
				return nil
			}
			return replay{&drawn}
		}
		again := clustertest.Build(t, cfg)
		for _, a := range actions {
			_ = a.Apply(again)
		}
		clustertest.Settle(t, again.Sim)
		require.Equal(t, c.Digest(), again.Digest(), "actions:\n%s", clustertest.Script(actions))
		require.Empty(t, drawn, "the replay drew less than the run")
	})
}

// recording passes draws through and logs them.
type recording struct {
	src rand.Source
	log *[]uint64
}

func (r recording) Uint64() uint64 {
	v := r.src.Uint64()
	*r.log = append(*r.log, v)
	return v
}

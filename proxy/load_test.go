package proxy_test

import (
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/svcsim/svcsim/cluster"
	"github.com/svcsim/svcsim/cluster/clustertest"
	"github.com/svcsim/svcsim/kubectl"
	"github.com/svcsim/svcsim/proxy"
	"github.com/svcsim/svcsim/selector"
)

func webWorld(t *testing.T, seed uint64, replicas int32) (*cluster.Sim, *proxy.Proxies) {
	s, k, p := world(t, cluster.Config{Seed: seed})
	_, err := k.CreateDeployment("web", kubectl.DeploymentOptions{Image: "rxmllc/hostinfo", Replicas: replicas, Port: 9898})
	require.NoError(t, err)
	service(t, k, "web", selector.Set{"app": "web"}, 80, 9898)
	_, err = k.Run("c", kubectl.RunOptions{Image: "busybox"})
	require.NoError(t, err)
	clustertest.Settle(t, s)
	return s, p
}

func TestLoadSteadySeries(t *testing.T) {
	s, p := webWorld(t, 1, 3)
	ty, err := p.Generate(proxy.Load{Request: proxy.Request{From: proxy.FromPod("", "c"), URL: "web"},
		Rate: 10, Duration: 10 * time.Second, Interval: 2 * time.Second})
	require.NoError(t, err)
	require.NoError(t, s.Settle(), "a load is background work: Settle does not wait for it")
	s.RunFor(5 * time.Second)
	assert.False(t, ty.Done())
	s.RunFor(6 * time.Second)
	require.True(t, ty.Done())
	assert.Equal(t, proxy.Counts{Answered: 100}, ty.Total(), "10 a second for 10 s, exactly")
	series := ty.Series()
	require.Len(t, series, 5)
	sum := 0
	for i, in := range series {
		assert.Equal(t, 20, in.Total(), "interval %d", i)
		assert.Equal(t, time.Duration(i)*2*time.Second, in.Start.Sub(series[0].Start))
		for _, g := range in.Groups {
			sum += g.Total()
		}
	}
	assert.Equal(t, 100, sum, "every answer is in one group of one interval")
	pods := 0
	for _, c := range ty.Pods() {
		assert.True(t, strings.HasPrefix(c.Name, "default/web-"), c.Name)
		pods += c.Answered
	}
	assert.Equal(t, 100, pods)
	assert.Equal(t, []string{"rxmllc/hostinfo"}, names(ty.Groups()), "grouped by image by default")
}

// A steady load sends exactly Rate x Duration requests, even when the
// gaps are not whole nanoseconds.
func TestSteadyLoadCount(t *testing.T) {
	for _, c := range []struct {
		rate float64
		d    time.Duration
		want int
	}{{1.1, 60 * time.Second, 66}, {3, time.Second, 3}, {7, 10 * time.Second, 70}, {0.1, time.Second, 1}, {1000, 3 * time.Millisecond, 3}} {
		s, p := webWorld(t, 1, 1)
		ty, err := p.Generate(proxy.Load{Request: proxy.Request{From: proxy.FromPod("", "c"), URL: "web"}, Rate: c.rate, Duration: c.d})
		require.NoError(t, err)
		s.RunFor(c.d + time.Second)
		require.True(t, ty.Done())
		assert.Equal(t, c.want, ty.Total().Total(), "%v/s for %s", c.rate, c.d)
	}
}

func TestLoadStopAndClientGone(t *testing.T) {
	s, p := webWorld(t, 1, 1)
	ty, err := p.Generate(proxy.Load{Request: proxy.Request{From: proxy.FromPod("", "c"), URL: "web"}, Rate: 100})
	require.NoError(t, err)
	s.RunFor(time.Second)
	require.NoError(t, kubectl.New(s, "").Delete(cluster.KindPod, "c", cluster.DeleteOptions{GracePeriodSeconds: cluster.Ptr(int64(0)), Force: true}))
	s.RunFor(time.Second)
	ty.Stop()
	s.RunFor(time.Second)
	assert.True(t, ty.Done())
	assert.Equal(t, 101, ty.Total().Answered, "sent at 0 s, 10 ms, ..., 1 s")
	assert.Positive(t, ty.NotSent())
	assert.ErrorIs(t, ty.Err(), proxy.ErrNoClient)
}

func TestLoadIsDeterministic(t *testing.T) {
	run := func(seed uint64) []proxy.Count {
		s, p := webWorld(t, seed, 4)
		ty, err := p.Generate(proxy.Load{Request: proxy.Request{From: proxy.FromPod("", "c"), URL: "web"}, Rate: 50, Arrivals: proxy.Poisson, Duration: 10 * time.Second})
		require.NoError(t, err)
		s.RunFor(11 * time.Second)
		out := ty.Pods()
		for i := range out {
			out[i].Name = out[i].Name[len("default/web-"):] // names differ by seed too; keep the counts
		}
		return append(out, proxy.Count{Name: "total", Counts: ty.Total()})
	}
	a, b := run(7), run(7)
	assert.Equal(t, a, b)
	assert.NotEqual(t, a, run(8))
}

// TestLabSection4Series is the lab's blue-green switch under a steady
// load, read from the series: only blue, then both, then only green, and
// not one request lost with instant propagation.
func TestLabSection4Series(t *testing.T) {
	s, k, p := blueGreen(t, cluster.Config{Seed: 1}, 0)
	_, err := k.Run("bgtest", kubectl.RunOptions{Image: "busybox:1.27"})
	require.NoError(t, err)
	clustertest.Settle(t, s)
	ty, err := p.Generate(proxy.Load{Request: proxy.Request{From: proxy.FromPod("", "bgtest"), URL: "blue-green-svc"},
		Rate: 100, Duration: 30 * time.Second, Interval: 10 * time.Second, GroupBy: "demo"})
	require.NoError(t, err)
	// Each flip comes just before an interval starts, between two requests.
	s.RunFor(10*time.Second - time.Millisecond)
	require.NoError(t, k.LabelSelected(cluster.KindPod, "demo=green-rs", "method=blue-green"))
	s.RunFor(10 * time.Second)
	require.NoError(t, k.LabelSelected(cluster.KindPod, "demo=blue-rs", "method-"))
	s.RunFor(11 * time.Second)
	require.True(t, ty.Done())
	series := ty.Series()
	require.Len(t, series, 3)
	share := func(in proxy.Interval) map[string]int {
		out := map[string]int{}
		for _, g := range in.Groups {
			out[g.Name] = g.Answered
		}
		return out
	}
	assert.Equal(t, map[string]int{"blue-rs": 1000}, share(series[0]))
	both := share(series[1])
	assert.InDelta(t, 500, both["blue-rs"], 60, "%v", both)
	assert.Equal(t, 1000, both["blue-rs"]+both["green-rs"])
	assert.Equal(t, map[string]int{"green-rs": 1000}, share(series[2]))
	assert.Zero(t, ty.Total().Failed())

	var out strings.Builder
	require.NoError(t, ty.WriteTable(&out))
	lines := strings.Split(strings.TrimSpace(out.String()), "\n")
	require.Len(t, lines, 4)
	assert.Equal(t, []string{"TIME", "SENT", "OK", "REFUSED", "TIMEOUT", "RESET", "NOHOST", "5XX", "blue-rs", "green-rs"}, strings.Fields(lines[0]))
	assert.Equal(t, []string{"0s", "1000", "1000", "0", "0", "0", "0", "0", "100%", "0%"}, strings.Fields(lines[1]))
	assert.Equal(t, []string{"20s", "1000", "1000", "0", "0", "0", "0", "0", "0%", "100%"}, strings.Fields(lines[3]))
}

// TestLagHazardUnderLoad is the lag hazard measured the way an operator
// would: a steady load across a hasty switch loses requests; the careful
// switches lose none.
func TestLagHazardUnderLoad(t *testing.T) {
	run := func(t *testing.T, preStop int64, careful bool) proxy.Counts {
		s, k, p := blueGreen(t, cluster.Config{Seed: 5, Timing: cluster.Realistic()}, preStop)
		_, err := k.Run("bgtest", kubectl.RunOptions{Image: "busybox:1.27"})
		require.NoError(t, err)
		clustertest.Settle(t, s)
		ty, err := p.Generate(proxy.Load{Request: proxy.Request{From: proxy.FromPod("", "bgtest"), URL: "blue-green-svc"},
			Rate: 200, Duration: 20 * time.Second, GroupBy: "demo"})
		require.NoError(t, err)
		s.RunFor(2 * time.Second)
		require.NoError(t, k.LabelSelected(cluster.KindPod, "demo=green-rs", "method=blue-green"))
		if careful {
			s.RunFor(3 * time.Second)
			require.NoError(t, k.LabelSelected(cluster.KindPod, "demo=blue-rs", "method-"))
			s.RunFor(3 * time.Second)
		}
		require.NoError(t, k.Delete(cluster.KindReplicaSet, "blue-rs", cluster.DeleteOptions{}))
		s.RunFor(30 * time.Second)
		require.True(t, ty.Done())
		assert.Equal(t, 4000, ty.Total().Total())
		return ty.Total()
	}
	t.Run("hasty", func(t *testing.T) {
		c := run(t, 0, false)
		assert.Positive(t, c.Failed(), "%+v", c)
	})
	t.Run("careful", func(t *testing.T) {
		c := run(t, 0, true)
		assert.Zero(t, c.Failed(), "%+v", c)
	})
	t.Run("preStop sleep", func(t *testing.T) {
		c := run(t, 5, false)
		assert.Zero(t, c.Failed(), "%+v", c)
	})
}

func TestAffinitySurvivesSyncs(t *testing.T) {
	s, k, p := world(t, cluster.Config{Seed: 4})
	_, err := k.CreateDeployment("web", kubectl.DeploymentOptions{Image: "rxmllc/hostinfo", Replicas: 5, Port: 9898})
	require.NoError(t, err)
	_, err = k.Apply(&cluster.Service{ObjectMeta: cluster.ObjectMeta{Name: "web"},
		Spec: cluster.ServiceSpec{Selector: selector.Set{"app": "web"}, SessionAffinity: "ClientIP", Ports: []cluster.ServicePort{{Port: 80, TargetPort: cluster.FromInt(9898)}}}})
	require.NoError(t, err)
	_, err = k.Run("c", kubectl.RunOptions{Image: "busybox"})
	require.NoError(t, err)
	clustertest.Settle(t, s)
	c := proxy.FromPod("", "c")
	first := get(t, p, c, "web").Pod
	for i := range 10 {
		// Each scale changes the Service's endpoints and makes every proxy
		// reprogram its rules; the client stays with its pod.
		require.NoError(t, k.Scale(cluster.KindDeployment, "web", int32(6+i)))
		clustertest.Settle(t, s)
		s.RunFor(time.Second)
		assert.Equal(t, first, get(t, p, c, "web").Pod, "after scale %d", i)
	}
}

func TestPeriodicResync(t *testing.T) {
	s, _, p := world(t, cluster.Config{Seed: 1})
	clustertest.Settle(t, s)
	n := p.Node("node-1")
	before := n.Syncs()
	s.RunFor(95 * time.Second)
	assert.Equal(t, before+3, n.Syncs(), "every 30 s, changes or not")
	require.NoError(t, s.Settle())
}

func TestHeadlessServiceByName(t *testing.T) {
	s, k, p := world(t, cluster.Config{Seed: 1})
	_, err := k.CreateDeployment("db", kubectl.DeploymentOptions{Image: "rxmllc/hostinfo", Replicas: 3, Port: 9898})
	require.NoError(t, err)
	_, err = k.Apply(&cluster.Service{ObjectMeta: cluster.ObjectMeta{Name: "db"},
		Spec: cluster.ServiceSpec{ClusterIP: cluster.ClusterIPNone, Selector: selector.Set{"app": "db"}, Ports: []cluster.ServicePort{{Port: 9898}}}})
	require.NoError(t, err)
	_, err = k.Run("c", kubectl.RunOptions{Image: "busybox"})
	require.NoError(t, err)
	clustertest.Settle(t, s)
	seen := map[string]bool{}
	for range 30 {
		r := get(t, p, proxy.FromPod("", "c"), "db:9898")
		require.Equal(t, proxy.Answered, r.Outcome)
		assert.Empty(t, r.Service, "no virtual IP: the name is the pods' own addresses")
		assert.Equal(t, r.Addr, r.IP)
		seen[r.Pod] = true
	}
	assert.Len(t, seen, 3, "the DNS shuffles the addresses, so clients spread")
}

func names(cs []proxy.Count) []string {
	var out []string
	for _, c := range cs {
		out = append(out, c.Name)
	}
	return out
}

// TestLoadRequestsDoNotAllocate: in a steady state, a load's requests
// allocate nothing (the few allocations per second are the series' new
// step and the trace).
func TestLoadRequestsDoNotAllocate(t *testing.T) {
	s, p := webWorld(t, 1, 3)
	_, err := p.Generate(proxy.Load{Request: proxy.Request{From: proxy.FromPod("", "c"), URL: "web"}, Rate: 1000})
	require.NoError(t, err)
	s.RunFor(10 * time.Second) // warm up: pools and tables reach their size
	allocs := testing.AllocsPerRun(5, func() { s.RunFor(time.Second) })
	assert.Less(t, allocs, 20.0, "per second of 1,000 requests")
}

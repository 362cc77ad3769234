package proxy_test

import (
	"fmt"
	"math"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/svcsim/svcsim"
	"github.com/svcsim/svcsim/cluster"
	"github.com/svcsim/svcsim/kubectl"
	"github.com/svcsim/svcsim/proxy"
	"github.com/svcsim/svcsim/selector"
)

// shareAt is the declared shares on one node from a moment on.
type shareAt struct {
	at     cluster.Time
	shares proxy.Shares
}

// timeline is the declared shares on one node, one entry per sync.
type timeline []shareAt

// at returns the shares that could have been in effect at t: those of
// the last sync before t and, when a sync happened at t itself, its too.
func (tl timeline) at(t cluster.Time) []proxy.Shares {
	var out []proxy.Shares
	for i, x := range tl {
		if x.at < t && (i+1 == len(tl) || tl[i+1].at >= t) || x.at == t {
			out = append(out, x.shares)
		}
	}
	return out
}

// watchShares records, after every event, the declared shares of the
// Service on the node whenever they change, and checks that they sum to
// 1 and change only when its proxy syncs — or when a pod its rules still
// hold is gone, which moves that endpoint to the version "".
func watchShares(t *testing.T, c *svcsim.Cluster, node, svc string, version proxy.VersionOf) *timeline {
	n := c.Proxies.Node(node)
	tl := &timeline{{at: c.Now(), shares: n.Shares("default", svc, version)}}
	syncs := n.Syncs()
	c.Observe(cluster.Observer{AfterEvent: func(e cluster.TraceEntry) error {
		sh := n.Shares("default", svc, version)
		last := (*tl)[len(*tl)-1].shares
		if slices.Equal(last, sh) {
			syncs = n.Syncs()
			return nil
		}
		if n.Syncs() == syncs && !goneOnly(last, sh) {
			return fmt.Errorf("shares changed from %v to %v without a sync", last, sh)
		}
		syncs = n.Syncs()
		sum := 0.0
		for _, x := range sh {
			sum += x.Fraction
			if x.Endpoints <= 0 || x.Fraction <= 0 {
				return fmt.Errorf("empty share %+v", x)
			}
		}
		if len(sh) > 0 && math.Abs(sum-1) > 1e-9 {
			return fmt.Errorf("shares %v sum to %v", sh, sum)
		}
		*tl = append(*tl, shareAt{at: e.At, shares: sh})
		return nil
	}})
	return tl
}

// goneOnly reports whether b differs from a only by endpoints moved from
// their versions to "", as when their pods are gone.
func goneOnly(a, b proxy.Shares) bool {
	count := func(s proxy.Shares) (map[string]int, int) {
		m, n := map[string]int{}, 0
		for _, x := range s {
			m[x.Version] += x.Endpoints
			n += x.Endpoints
		}
		return m, n
	}
	ma, na := count(a)
	mb, nb := count(b)
	if na != nb || mb[""] <= ma[""] {
		return false
	}
	for v, n := range mb {
		if v != "" && n > ma[v] {
			return false
		}
	}
	return true
}

// rolloutUnderLoad rolls a 4-pod Deployment from one image to another
// under 100 requests a second, on Realistic timing, optionally measuring.
func rolloutUnderLoad(t *testing.T, seed uint64, measure bool) (*svcsim.Cluster, []proxy.Response, *timeline, string) {
	t.Helper()
	c, err := svcsim.New(svcsim.Config{Seed: seed, Timing: cluster.Realistic()})
	require.NoError(t, err)
	k := c.Kubectl("default")
	_, err = k.CreateDeployment("web", kubectl.DeploymentOptions{Image: "rxmllc/hostinfo", Replicas: 4, Port: 9898})
	require.NoError(t, err)
	_, err = k.Run("client", kubectl.RunOptions{Image: "busybox"})
	require.NoError(t, err)
	_, err = k.Apply(&cluster.Service{ObjectMeta: cluster.ObjectMeta{Name: "web"}, Spec: cluster.ServiceSpec{
		Selector: selector.Set{"app": "web"}, Ports: []cluster.ServicePort{{Port: 80, TargetPort: cluster.FromInt(9898)}}}})
	require.NoError(t, err)
	require.NoError(t, c.Settle())
	client, ok := cluster.GetAs[*cluster.Pod](c.Sim, "default", "client")
	require.True(t, ok)
	var tl *timeline
	if measure {
		c.Proxies.MeasureProgramming()
		tl = watchShares(t, c, client.Spec.NodeName, "web", proxy.ByImage)
	}
	var responses []proxy.Response
	_, err = c.Proxies.Generate(proxy.Load{Request: proxy.Request{From: proxy.FromPod("default", "client"), URL: "web"},
		Rate: 100, Duration: 25 * time.Second, OnResponse: func(r proxy.Response) { responses = append(responses, r) }})
	require.NoError(t, err)
	require.NoError(t, c.RunFor(time.Second))
	require.NoError(t, k.SetImage("web", "hostinfo", "rxmlhc/hostinfo"))
	require.NoError(t, c.RunFor(25*time.Second))
	return c, responses, tl, client.Spec.NodeName
}

// latencyBound is the longest a change can take to reach a proxy under
// Realistic timing: the endpoints controller's watch lag and batch, the
// proxy's watch lag, and its wait for the next sync.
func latencyBound() time.Duration {
	timing := cluster.Realistic()
	watch := timing.Watch.(cluster.Uniform).Max
	return watch + timing.ControllerBatch + watch + time.Second
}

// TestProgrammingLatencyRollingUpdate measures a rolling update: every
// node programs each new pod's arrival and each old pod's departure once,
// from the instant the pod turned ready or began terminating, within the
// lags and sync period configured.
func TestProgrammingLatencyRollingUpdate(t *testing.T) {
	c, _, _, _ := rolloutUnderLoad(t, 1, true)
	all := c.Proxies.ProgrammingLatency()
	require.NotZero(t, all.Count)
	require.Len(t, all.Samples, all.Count)
	bound := latencyBound()
	maxSeen := time.Duration(0)
	for _, x := range all.Samples {
		assert.Greater(t, x.Latency(), time.Duration(0), "%+v", x)
		assert.LessOrEqual(t, x.Latency(), bound, "%+v", x)
		assert.Equal(t, "default/web", x.Service)
		maxSeen = max(maxSeen, x.Latency())
	}
	assert.Equal(t, maxSeen, all.Max)
	t.Logf("network programming latency: %d changes programmed, p50 %s, p99 %s, max %s (bound %s)", all.Count, all.P50, all.P99, all.Max, bound)
	assert.LessOrEqual(t, all.P50, all.P99)
	assert.LessOrEqual(t, all.P99, all.Max)

	pods := cluster.ListAs[*cluster.Pod](c.Sim, "default", selector.FromValidatedSet(selector.Set{"app": "web"}))
	require.Len(t, pods, 4)
	var added []string
	for _, p := range pods {
		added = append(added, "default/"+p.Name)
	}
	slices.Sort(added)
	total := 0
	for _, node := range []string{"node-1", "node-2", "node-3"} {
		l := c.Proxies.Node(node).ProgrammingLatency()
		total += l.Count
		var in, out []string
		for _, x := range l.Samples {
			require.Equal(t, node, x.Node)
			if x.Added {
				in = append(in, x.Pod)
				// The trigger is the pod's turning ready.
				p, ok := cluster.GetAs[*cluster.Pod](c.Sim, "default", strings.TrimPrefix(x.Pod, "default/"))
				require.True(t, ok)
				ready, _ := p.Condition(cluster.PodReady)
				assert.Equal(t, ready.LastTransitionTime, x.Changed, x.Pod)
			} else {
				out = append(out, x.Pod)
			}
		}
		slices.Sort(in)
		assert.Equal(t, added, in, "each new pod programmed once on %s", node)
		assert.Len(t, out, 4, "each old pod's departure programmed once on %s", node)
		assert.NotContains(t, out, added[0])
	}
	assert.Equal(t, all.Count, total)
}

// TestSharesFollowSyncs holds that the declared shares on the client's
// node change only when its proxy syncs and sum to 1, that the answers
// come only from versions with a declared share, and that each version
// gets the share of answers the declared shares predict.
func TestSharesFollowSyncs(t *testing.T) {
	_, responses, tl, _ := rolloutUnderLoad(t, 2, true)
	require.Greater(t, len(*tl), 3, "the shares changed over the rollout")
	first, last := (*tl)[0].shares, (*tl)[len(*tl)-1].shares
	assert.Equal(t, proxy.Shares{{Version: "rxmllc/hostinfo", Endpoints: 4, Fraction: 1}}, first)
	assert.Equal(t, proxy.Shares{{Version: "rxmlhc/hostinfo", Endpoints: 4, Fraction: 1}}, last)
	mixed := false
	for _, x := range *tl {
		mixed = mixed || len(x.shares) == 2
	}
	assert.True(t, mixed, "both versions were declared at once during the rollout")

	// Expected answers per version from the declared shares, against the
	// actual ones.
	expect, variance := map[string]float64{}, 0.0
	actual := map[string]int{}
	for _, r := range responses {
		if r.Outcome != proxy.Answered {
			continue
		}
		actual[r.Image]++
		candidates := tl.at(r.Sent)
		require.NotEmpty(t, candidates)
		ok := false
		for _, sh := range candidates {
			ok = ok || sh.Of(r.Image) > 0
		}
		require.True(t, ok, "answer from %s at %s, declared %v", r.Image, r.Sent, candidates)
		p := candidates[0].Of("rxmlhc/hostinfo")
		expect["rxmlhc/hostinfo"] += p
		variance += p * (1 - p)
	}
	got, want := float64(actual["rxmlhc/hostinfo"]), expect["rxmlhc/hostinfo"]
	assert.InDelta(t, want, got, 4*math.Sqrt(variance)+2, "answers from the new version: %v, declared %v", got, want)
	assert.Greater(t, got, 1000.0)
}

// TestMeasuringChangesNothing holds that measuring latency and reading
// shares after every event leave the run as it is without them.
func TestMeasuringChangesNothing(t *testing.T) {
	plain, plainResponses, _, _ := rolloutUnderLoad(t, 3, false)
	measured, measuredResponses, _, _ := rolloutUnderLoad(t, 3, true)
	require.NotZero(t, measured.Proxies.ProgrammingLatency().Count)
	require.Equal(t, plain.Digest(), measured.Digest())
	require.Equal(t, plainResponses, measuredResponses)
}

// TestSharesBlueGreenFlip switches a Service's selector from blue to
// green: the declared share on each node flips when its proxy syncs, and
// the selector change is measured from the Service's write.
func TestSharesBlueGreenFlip(t *testing.T) {
	c, err := svcsim.New(svcsim.Config{Seed: 4, Timing: cluster.Realistic()})
	require.NoError(t, err)
	k := c.Kubectl("default")
	for _, color := range []string{"blue", "green"} {
		_, err = k.CreateDeployment(color, kubectl.DeploymentOptions{Image: "rxmllc/hostinfo", Replicas: 2, Port: 9898})
		require.NoError(t, err)
	}
	_, err = k.Apply(&cluster.Service{ObjectMeta: cluster.ObjectMeta{Name: "web"}, Spec: cluster.ServiceSpec{
		Selector: selector.Set{"app": "blue"}, Ports: []cluster.ServicePort{{Port: 80, TargetPort: cluster.FromInt(9898)}}}})
	require.NoError(t, err)
	require.NoError(t, c.Settle())
	c.Proxies.MeasureProgramming()
	byApp := proxy.ByLabel("app")
	timelines := map[string]*timeline{}
	for _, node := range []string{"node-1", "node-2", "node-3"} {
		timelines[node] = watchShares(t, c, node, "web", byApp)
		require.Equal(t, proxy.Shares{{Version: "blue", Endpoints: 2, Fraction: 1}}, c.Proxies.Node(node).Shares("default", "web", byApp))
	}
	svc, ok := cluster.GetAs[*cluster.Service](c.Sim, "default", "web")
	require.True(t, ok)
	svc.Spec.Selector = selector.Set{"app": "green"}
	_, err = c.Update(svc)
	require.NoError(t, err)
	flipped := c.Now()
	require.NoError(t, c.RunFor(5*time.Second))
	for node, tl := range timelines {
		require.Equal(t, proxy.Shares{{Version: "green", Endpoints: 2, Fraction: 1}}, c.Proxies.Node(node).Shares("default", "web", byApp))
		// The change reached the node's rules at its first sync with green.
		var when cluster.Time
		for _, x := range *tl {
			if x.shares.Of("green") > 0 && when == 0 {
				when = x.at
			}
		}
		require.NotZero(t, when, node)
		l := c.Proxies.Node(node).ProgrammingLatency()
		require.Equal(t, 4, l.Count, "two pods in, two out, on %s", node)
		for _, x := range l.Samples {
			assert.Equal(t, flipped, x.Changed, "measured from the selector's change")
			assert.Equal(t, when, x.Programmed, node)
			assert.LessOrEqual(t, x.Latency(), latencyBound())
		}
	}
	// A Service with no endpoints, or none at all, has no shares.
	assert.Empty(t, c.Proxies.Node("node-1").Shares("default", "nothing", nil))
}

// TestDoStopsAtAFailedCheck holds that Do, which runs the simulation
// until its answer, stops where a check fails and returns the failure.
func TestDoStopsAtAFailedCheck(t *testing.T) {
	c, err := svcsim.New(svcsim.Config{Seed: 1, Timing: cluster.Realistic()})
	require.NoError(t, err)
	_, err = c.Kubectl("default").Run("web", kubectl.RunOptions{Image: "nginx", Port: 80})
	require.NoError(t, err)
	require.NoError(t, c.Settle())
	pod, ok := cluster.GetAs[*cluster.Pod](c.Sim, "default", "web")
	require.True(t, ok)
	broken := fmt.Errorf("broken")
	stop := c.Observe(cluster.Observer{AfterEvent: func(cluster.TraceEntry) error { return broken }})
	_, err = c.Proxies.Do(proxy.Request{From: proxy.FromNode("node-1"), URL: pod.Status.PodIP + ":80"})
	var oe *cluster.ObservedError
	require.ErrorAs(t, err, &oe)
	require.ErrorIs(t, err, broken)
	stop()
	r, err := c.Proxies.Do(proxy.Request{From: proxy.FromNode("node-1"), URL: pod.Status.PodIP + ":80"})
	require.NoError(t, err)
	require.Equal(t, proxy.Answered, r.Outcome)
}

package svcsim_test

import (
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/svcsim/svcsim"
	"github.com/svcsim/svcsim/cluster"
	"github.com/svcsim/svcsim/kubectl"
	"github.com/svcsim/svcsim/proxy"
	"github.com/svcsim/svcsim/selector"
)

// observer is what a test may do to look at a running flow: it must
// change nothing the flow does.
type observer func(t *testing.T, c *svcsim.Cluster)

// flowRecord is what a flow did, as far as anyone could tell.
type flowRecord struct {
	pods   []string // names and UIDs of every pod that ever ran
	series string   // the load's tally, interval by interval
	trace  []string // every trace entry, except the observer's own
}

// runFlow rolls out a Deployment under a Poisson load, with Realistic
// timing, and calls look every half second of virtual time.
func runFlow(t *testing.T, seed uint64, look observer) flowRecord {
	t.Helper()
	c, err := svcsim.New(svcsim.Config{Seed: seed, Timing: cluster.Realistic(), TraceCapacity: 1 << 20})
	require.NoError(t, err)
	k := c.Kubectl("default")
	_, err = k.CreateDeployment("web", kubectl.DeploymentOptions{Image: "rxmllc/hostinfo", Replicas: 4, Port: 9898})
	require.NoError(t, err)
	_, err = k.Run("client", kubectl.RunOptions{Image: "busybox"})
	require.NoError(t, err)
	app := selector.Set{"app": "web"}
	for _, svc := range []*cluster.Service{
		{ObjectMeta: cluster.ObjectMeta{Name: "web"}, Spec: cluster.ServiceSpec{Selector: app,
			Ports: []cluster.ServicePort{{Port: 80, TargetPort: cluster.FromInt(9898)}}}},
		{ObjectMeta: cluster.ObjectMeta{Name: "web-pods"}, Spec: cluster.ServiceSpec{Selector: app, ClusterIP: cluster.ClusterIPNone,
			Ports: []cluster.ServicePort{{Port: 9898}}}},
	} {
		_, err = k.Apply(svc)
		require.NoError(t, err)
	}
	require.NoError(t, c.Settle())
	tally, err := c.Proxies.Generate(proxy.Load{Request: proxy.Request{From: proxy.FromPod("default", "client"), URL: "web-pods:9898"},
		Rate: 200, Arrivals: proxy.Poisson, Interval: time.Second, Duration: 20 * time.Second})
	require.NoError(t, err)
	pods := map[string]bool{}
	for step := range 40 {
		if step == 4 {
			require.NoError(t, k.SetImage("web", "hostinfo", "rxmlhc/hostinfo"))
		}
		c.RunFor(500 * time.Millisecond)
		for _, p := range cluster.ListAs[*cluster.Pod](c.Sim, "default", selector.Everything()) {
			pods[p.Name+" "+p.UID] = true
		}
		if look != nil {
			look(t, c)
		}
	}
	var rec flowRecord
	for p := range pods {
		rec.pods = append(rec.pods, p)
	}
	slices.Sort(rec.pods)
	var b strings.Builder
	for _, iv := range tally.Series() {
		fmt.Fprintf(&b, "%v %+v\n", iv.Start, iv.Counts)
	}
	rec.series = b.String()
	for _, e := range c.Trace() {
		if e.Component != "observer" {
			rec.trace = append(rec.trace, e.String())
		}
	}
	return rec
}

// TestObservationChangesNothing holds the rule that a check or a log line
// never changes the run it observes: connections and DNS lookups made to
// look, kubectl reads, and a watcher of one's own leave every generated
// name, every lag, every pick and every trace entry as they were.
func TestObservationChangesNothing(t *testing.T) {
	lookers := []struct {
		name string
		look observer
	}{
		{"connect", func(t *testing.T, c *svcsim.Cluster) {
			svc, ok := cluster.GetAs[*cluster.Service](c.Sim, "default", "web")
			require.True(t, ok)
			for range 5 {
				c.Proxies.Connect("node-1", "172.18.0.2", svc.Spec.ClusterIP, 80)
			}
		}},
		{"dns lookup", func(t *testing.T, c *svcsim.Cluster) {
			for range 5 {
				_, _ = c.DNS.Lookup("default", "web-pods")
			}
		}},
		{"kubectl get", func(t *testing.T, c *svcsim.Cluster) {
			k := c.Kubectl("default")
			for _, kind := range []cluster.Kind{cluster.KindPod, cluster.KindEndpoints, cluster.KindEndpointSlice, cluster.KindDeployment} {
				_, err := k.Get(kind, kubectl.GetOptions{Wide: true})
				require.NoError(t, err)
			}
		}},
		{"watcher", func() observer {
			watching := false
			return func(t *testing.T, c *svcsim.Cluster) {
				if !watching {
					watching = true
					c.Watch("observer", cluster.Uniform{Min: 0, Max: 80 * time.Millisecond}, func(cluster.WatchEvent) {},
						cluster.KindPod, cluster.KindEndpointSlice, cluster.KindService)
				}
			}
		}()},
	}
	for _, seed := range []uint64{1, 7} {
		plain := runFlow(t, seed, nil)
		require.NotEmpty(t, plain.series)
		require.Greater(t, len(plain.pods), 8, "the rollout made new pods")
		for _, l := range lookers {
			t.Run(fmt.Sprintf("%s seed %d", l.name, seed), func(t *testing.T) {
				looked := runFlow(t, seed, l.look)
				require.Equal(t, plain.pods, looked.pods)
				require.Equal(t, plain.series, looked.series)
				require.Equal(t, plain.trace, looked.trace)
			})
		}
	}
}

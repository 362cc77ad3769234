package clustertest_test

import (
	"errors"
	"fmt"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	svcsim "github.com/svcsim/svcsim"
	"github.com/svcsim/svcsim/cluster"
	"github.com/svcsim/svcsim/cluster/clustertest"
	"github.com/svcsim/svcsim/flow"
	"github.com/svcsim/svcsim/kubectl"
	"github.com/svcsim/svcsim/proxy"
	"github.com/svcsim/svcsim/selector"
)

// exhaustDepth is how many deliveries the blue-green exploration chooses a
// lag for: SVCSIM_EXHAUST_CHOICES=12 go test ./cluster/clustertest -run
// Exhaust explores 2^12 worlds instead of the default's 2^7.
func exhaustDepth(t *testing.T) int {
	if v := os.Getenv("SVCSIM_EXHAUST_CHOICES"); v != "" {
		n, err := strconv.Atoi(v)
		require.NoError(t, err, "SVCSIM_EXHAUST_CHOICES")
		return n
	}
	return 7
}

// bgApp is a Deployment of the hostinfo app labelled app=name.
func bgApp(name, image string, n int32) *cluster.Deployment {
	labels := selector.Set{"app": name}
	return &cluster.Deployment{
		ObjectMeta: cluster.ObjectMeta{Name: name, Labels: labels.Clone()},
		Spec: cluster.DeploymentSpec{Replicas: cluster.Ptr(n),
			Selector: &selector.LabelSelector{MatchLabels: labels.Clone()},
			Template: cluster.PodTemplateSpec{ObjectMeta: cluster.ObjectMeta{Labels: labels.Clone()},
				Spec: cluster.PodSpec{Containers: []cluster.Container{{Name: "hostinfo", Image: image,
					Ports: []cluster.ContainerPort{{ContainerPort: 9898}}}}}}},
	}
}

// blueGreenWorld is the lab's start on two nodes: blue and green running
// n pods each, a client pod, and a Service web selecting
// method=blue-green, which blue's pods carry.
func blueGreenWorld(n int32) func(c *svcsim.Cluster) error {
	return func(c *svcsim.Cluster) error {
		k := c.Kubectl("default")
		for _, o := range []cluster.Object{
			bgApp("blue", "rxmllc/hostinfo", n), bgApp("green", "rxmlhc/hostinfo", n),
			&cluster.Service{ObjectMeta: cluster.ObjectMeta{Name: "web"}, Spec: cluster.ServiceSpec{
				Selector: selector.Set{"method": "blue-green"},
				Ports:    []cluster.ServicePort{{Port: 80, TargetPort: cluster.FromInt(9898)}}}},
		} {
			if _, err := k.Apply(o); err != nil {
				return err
			}
		}
		if _, err := k.Run("client", kubectl.RunOptions{Image: "busybox"}); err != nil {
			return err
		}
		if err := c.Settle(); err != nil {
			return err
		}
		if err := k.LabelSelected(cluster.KindPod, "app=blue", "method=blue-green"); err != nil {
			return err
		}
		// Past the proxies' MinSyncPeriod, so that the flow's first change
		// is synced at once.
		return c.RunFor(5 * time.Second)
	}
}

// blueGreenRun switches web from blue to green with bg while a client
// sends 200 requests a second, and fails if any request fails.
func blueGreenRun(bg flow.BlueGreen) func(c *svcsim.Cluster) error {
	return func(c *svcsim.Cluster) error {
		bg.Service, bg.Blue, bg.Green = "web", "blue", "green"
		bg.Load = &proxy.Load{Request: proxy.Request{From: proxy.FromPod("default", "client"), URL: "web"},
			Rate: 200, Duration: 2 * time.Second}
		rep, err := bg.Run(c)
		if err != nil {
			return err
		}
		if err := clustertest.ZeroFailures(rep.Tally); err != nil {
			return err
		}
		return nil
	}
}

// endpointsAndProxies chooses the lags of the endpoints controller's and
// the proxies' watches: the deliveries that decide what a client is sent
// to. The others (scheduler, kubelets, controllers) stay prompt.
func endpointsAndProxies(stream string) bool {
	return strings.HasPrefix(stream, "watch kube-proxy/") || strings.HasPrefix(stream, "watch endpoint")
}

// blueGreenConfig is two nodes whose controllers batch their events for
// 10 ms, as Realistic's do; the proxies keep kube-proxy's 1 s
// MinSyncPeriod, so a change that reaches a proxy just after a sync waits
// up to a second.
func blueGreenConfig() svcsim.Config {
	return svcsim.Config{Seed: 1, Nodes: 2, Timing: cluster.Timing{ControllerBatch: 10 * time.Millisecond}}
}

// TestExhaustBlueGreen explores every order in which the endpoints
// controller's and the proxies' first deliveries of the switch can land,
// 0 or 50 ms after each change: green is labelled, blue unlabelled at the
// same instant and scaled down 200 ms later. Waiting for the proxies loses
// no request in any order; not waiting loses some in an order the error
// names: the endpoints controller hears of blue's unlabelling 50 ms after
// green's labelling, so the proxies sync green first and must wait out
// MinSyncPeriod for blue's removal, by which time blue is gone.
func TestExhaustBlueGreen(t *testing.T) {
	for _, tc := range []struct {
		name string
		pods int32
		wait bool
	}{
		{"1 pod each, unprotected", 1, false},
		{"2 pods each, unprotected", 2, false},
		{"1 pod each, WaitForProxies", 1, true},
		{"2 pods each, WaitForProxies", 2, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			res, err := clustertest.Exhaust(blueGreenConfig(), clustertest.ExhaustOptions{
				Setup:      blueGreenWorld(tc.pods),
				Scenario:   blueGreenRun(flow.BlueGreen{ScaleDownDelay: 200 * time.Millisecond, WaitForProxies: tc.wait}),
				Window:     50 * time.Millisecond,
				Choose:     endpointsAndProxies,
				MaxChoices: exhaustDepth(t),
			})
			t.Logf("explored %d worlds, %d distinct orders (%d with deliveries beyond the first %d left prompt)",
				res.Explored, res.Distinct, res.Truncated, exhaustDepth(t))
			if tc.wait {
				require.NoError(t, err)
				assert.Equal(t, 1<<exhaustDepth(t), res.Explored, "every combination explored")
				return
			}
			var we *clustertest.WorldError
			require.ErrorAs(t, err, &we)
			t.Log(we)
			assert.Greater(t, we.World, 1, "the all-prompt world loses nothing")
			assert.ErrorContains(t, we, "late: watch endpoint-controller 0 at")
			assert.ErrorContains(t, we, "requests failed")
			assert.Equal(t, res.Explored, we.World)
		})
	}
}

// TestExhaustEnumeratesOrders checks the enumeration against a count made
// by hand: a watcher of namespaces hears of three namespaces created 5 ms
// apart, each delivery 0 or 10 ms after its change and never before the
// one ahead of it. Exhaust must run all 8 combinations and so see every
// reachable sequence of delivery times.
func TestExhaustEnumeratesOrders(t *testing.T) {
	const w, step = 10 * time.Millisecond, 5 * time.Millisecond
	want := map[string]bool{}
	for mask := range 8 {
		var prev time.Duration
		var got []string
		for i := range 3 {
			at := time.Duration(i) * step
			if mask&(1<<i) != 0 {
				at += w
			}
			prev = max(prev, at)
			got = append(got, prev.String())
		}
		want[strings.Join(got, " ")] = true
	}
	seen := map[string]bool{}
	var heard []string
	var start cluster.Time
	res, err := clustertest.Exhaust(svcsim.Config{Seed: 3}, clustertest.ExhaustOptions{
		Setup: func(c *svcsim.Cluster) error {
			heard, start = nil, c.Now()
			c.Sim.Watch("probe", nil, func(e cluster.WatchEvent) {
				if strings.HasPrefix(e.Object.Meta().Name, "ns-") { // not the namespaces listed at the start
					heard = append(heard, c.Now().Sub(start).String())
				}
			}, cluster.KindNamespace)
			return nil
		},
		Scenario: func(c *svcsim.Cluster) error {
			for i := range 3 {
				if _, err := c.Create(&cluster.Namespace{ObjectMeta: cluster.ObjectMeta{Name: fmt.Sprint("ns-", i)}}); err != nil {
					return err
				}
				if err := c.RunFor(step); err != nil {
					return err
				}
			}
			if err := c.Settle(); err != nil {
				return err
			}
			seen[strings.Join(heard, " ")] = true
			return nil
		},
		Window: w,
		Choose: func(stream string) bool { return strings.HasPrefix(stream, "watch probe ") },
	})
	require.NoError(t, err)
	assert.Equal(t, clustertest.ExhaustResult{Explored: 8, Distinct: 8, MostChoices: 3}, res)
	assert.Equal(t, want, seen)
}

// TestExhaustFailureNamesItsWorld checks that a failing world stops the
// search and is named by its late deliveries, and that the same search
// gives the same answer twice.
func TestExhaustFailureNamesItsWorld(t *testing.T) {
	run := func() (clustertest.ExhaustResult, error) {
		var heard []cluster.Time
		return clustertest.Exhaust(svcsim.Config{Seed: 3}, clustertest.ExhaustOptions{
			Setup: func(c *svcsim.Cluster) error {
				heard = nil
				c.Sim.Watch("probe", nil, func(e cluster.WatchEvent) {
					if n := e.Object.Meta().Name; n == "a" || n == "b" {
						heard = append(heard, c.Now())
					}
				}, cluster.KindNamespace)
				return nil
			},
			Scenario: func(c *svcsim.Cluster) error {
				for _, n := range []string{"a", "b"} {
					if _, err := c.Create(&cluster.Namespace{ObjectMeta: cluster.ObjectMeta{Name: n}}); err != nil {
						return err
					}
				}
				if err := c.RunFor(time.Millisecond); err != nil {
					return err
				}
				if len(heard) < 2 {
					return fmt.Errorf("heard of %d namespaces within 1ms", len(heard))
				}
				return c.Settle()
			},
			Window: 10 * time.Millisecond,
			Choose: func(stream string) bool { return stream == "watch probe 0" },
		})
	}
	res, err := run()
	var we *clustertest.WorldError
	require.ErrorAs(t, err, &we)
	// Depth first, prompt before late: (prompt, prompt) passes, and
	// (prompt, late) is the first to fail.
	assert.Equal(t, 2, we.World)
	assert.Equal(t, 2, res.Explored)
	require.Len(t, we.Choices, 2)
	assert.False(t, we.Choices[0].Late)
	assert.True(t, we.Choices[1].Late)
	assert.Equal(t, "watch probe 0", we.Choices[1].Stream)
	assert.Regexp(t, `^clustertest: world 2 \(late: watch probe 0 at \S+; the other 1 chosen deliveries prompt\): heard of 1 namespaces within 1ms$`, we.Error())
	assert.NotNil(t, we.Cluster)
	res2, err2 := run()
	assert.Equal(t, res, res2)
	assert.Equal(t, err.Error(), err2.Error())
}

// TestExhaustBadOptions checks that options Exhaust cannot use are
// refused with ErrBadArgument before anything runs, and that an error
// from building the cluster or from Setup is returned as it is.
func TestExhaustBadOptions(t *testing.T) {
	ran := 0
	scenario := func(*svcsim.Cluster) error { ran++; return nil }
	for _, tc := range []struct {
		name string
		opts clustertest.ExhaustOptions
	}{
		{"no scenario", clustertest.ExhaustOptions{}},
		{"negative window", clustertest.ExhaustOptions{Scenario: scenario, Window: -time.Nanosecond}},
		{"negative choices", clustertest.ExhaustOptions{Scenario: scenario, MaxChoices: -1}},
		{"too many choices", clustertest.ExhaustOptions{Scenario: scenario, MaxChoices: clustertest.MaxExhaustChoices + 1}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			res, err := clustertest.Exhaust(svcsim.Config{}, tc.opts)
			require.ErrorIs(t, err, clustertest.ErrBadArgument)
			assert.Zero(t, res)
			assert.Zero(t, ran)
		})
	}
	t.Run("bad config", func(t *testing.T) {
		_, err := clustertest.Exhaust(svcsim.Config{Nodes: -1}, clustertest.ExhaustOptions{Scenario: scenario})
		require.ErrorIs(t, err, cluster.ErrConfig)
		assert.Zero(t, ran)
	})
	t.Run("setup fails", func(t *testing.T) {
		boom := errors.New("boom")
		_, err := clustertest.Exhaust(svcsim.Config{}, clustertest.ExhaustOptions{Scenario: scenario,
			Setup: func(*svcsim.Cluster) error { return boom }})
		require.ErrorIs(t, err, boom)
		assert.Zero(t, ran)
	})
}

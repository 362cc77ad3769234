package flow_test

import (
	"errors"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/svcsim/svcsim"
	"github.com/svcsim/svcsim/cluster"
	"github.com/svcsim/svcsim/flow"
	"github.com/svcsim/svcsim/proxy"
	"github.com/svcsim/svcsim/selector"
)

func TestCanaryReplicas(t *testing.T) {
	for _, tc := range []struct {
		total, weight, surge int32
		canary, stable       int32
	}{
		{10, 10, 1, 1, 9},
		{10, 30, 3, 3, 7},
		{10, 5, 1, 1, 10}, // never 0 for 1..99; 1 of 11 is nearer 5% than 1 of 10
		{1, 5, 1, 1, 1},   // surges to keep both
		{1, 95, 1, 1, 1},  // likewise
		{1, 50, 0, 1, 0},  // one pod, no surge: ceil wins
		{3, 50, 0, 2, 1},  // a tie rounds up
		{4, 50, 1, 2, 2},  // exact
		{5, 20, 2, 1, 4},  // exact
		{3, 10, 0, 1, 2},  // 0.3 of a pod: still one
		{10, 0, 3, 0, 10}, // weight 0
		{10, 100, 3, 10, 0},
		{0, 50, 1, 0, 0},
		{4, 150, 1, 4, 0}, // clamped
		{4, -3, 1, 0, 4},  // clamped
		{3, 40, 1, 1, 2},  // 1 of 3 (33%) is nearer 40% than 2 of 4 (50%)
		{3, 50, 1, 2, 2},  // 2 of 4 is exact, 1 or 2 of 3 are not
	} {
		c, s := flow.CanaryReplicas(tc.total, tc.weight, tc.surge)
		assert.Equal(t, [2]int32{tc.canary, tc.stable}, [2]int32{c, s}, "total %d weight %d surge %d", tc.total, tc.weight, tc.surge)
	}
}

func ptr[T any](v T) *T { return &v }

// A flow given what it cannot run returns an error and changes nothing:
// no write, no event, no draw, the same digest.
func TestFlowsRefuseBadConfigurations(t *testing.T) {
	okBG := flow.BlueGreen{Service: "web", Blue: "blue", Green: "green"}
	okCanary := flow.Canary{Service: "web", Stable: "blue", Canary: "green", Steps: []flow.CanaryStep{{Weight: 50}}}
	okRolling := flow.RollingUpdate{Deployment: "blue", Image: "nginx"}
	badLoad := load(10, time.Second)
	badLoad.URL = "http://[::1"
	bg := func(f func(*flow.BlueGreen)) func(*svcsim.Cluster) error {
		x := okBG
		f(&x)
		return func(c *svcsim.Cluster) error { _, err := x.Run(c); return err }
	}
	cn := func(f func(*flow.Canary)) func(*svcsim.Cluster) error {
		x := okCanary
		x.Steps = append([]flow.CanaryStep(nil), okCanary.Steps...)
		f(&x)
		return func(c *svcsim.Cluster) error { _, err := x.Run(c); return err }
	}
	ru := func(f func(*flow.RollingUpdate)) func(*svcsim.Cluster) error {
		x := okRolling
		f(&x)
		return func(c *svcsim.Cluster) error { _, err := x.Run(c); return err }
	}
	tier := selector.Set{"tier": "web"}
	for _, tc := range []struct {
		name string
		sel  selector.Set // the Service's selector; nil is method=blue-green
		run  func(*svcsim.Cluster) error
		is   error
	}{
		{"nil cluster", nil, func(*svcsim.Cluster) error { _, err := okBG.Run(nil); return err }, flow.ErrInvalid},
		{"no service", nil, bg(func(b *flow.BlueGreen) { b.Service = "nope" }), flow.ErrInvalid},
		{"no blue", nil, bg(func(b *flow.BlueGreen) { b.Blue = "nope" }), flow.ErrInvalid},
		{"same", nil, bg(func(b *flow.BlueGreen) { b.Green = "blue" }), flow.ErrInvalid},
		{"empty green", nil, bg(func(b *flow.BlueGreen) { b.Green = "" }), flow.ErrInvalid},
		{"bad switch", nil, bg(func(b *flow.BlueGreen) { b.Switch = 9 }), flow.ErrInvalid},
		{"negative timeout", nil, bg(func(b *flow.BlueGreen) { b.Timeout = -1 }), flow.ErrInvalid},
		{"negative gap", nil, bg(func(b *flow.BlueGreen) { b.LabelGap = -1 }), flow.ErrInvalid},
		{"bad load", nil, bg(func(b *flow.BlueGreen) { b.Load = badLoad }), proxy.ErrInvalidURL},
		{"label in deployment selector", selector.Set{"app": "blue"}, bg(func(b *flow.BlueGreen) {}), flow.ErrInvalid},
		{"canary weight", tier, cn(func(c *flow.Canary) { c.Steps[0].Weight = 101 }), flow.ErrInvalid},
		{"canary pause", tier, cn(func(c *flow.Canary) { c.Steps[0].Pause = -1 }), flow.ErrInvalid},
		{"canary rate without load", tier, cn(func(c *flow.Canary) { c.MaxErrorRate = 0.5 }), flow.ErrInvalid},
		{"canary rate above 1", tier, cn(func(c *flow.Canary) { c.MaxErrorRate = 2 }), flow.ErrInvalid},
		{"canary replicas", tier, cn(func(c *flow.Canary) { c.Replicas = -1 }), flow.ErrInvalid},
		{"canary surge", tier, cn(func(c *flow.Canary) { c.MaxSurge = ptr(int32(-1)) }), flow.ErrInvalid},
		{"canary unselected", nil, cn(func(c *flow.Canary) {}), flow.ErrInvalid},
		{"canary bad load", tier, cn(func(c *flow.Canary) { c.Load = badLoad }), proxy.ErrInvalidURL},
		{"rolling no image", nil, ru(func(r *flow.RollingUpdate) { r.Image = "" }), flow.ErrInvalid},
		{"rolling no container", nil, ru(func(r *flow.RollingUpdate) { r.Container = "nope" }), flow.ErrInvalid},
		{"rolling bad surge", nil, ru(func(r *flow.RollingUpdate) { r.MaxSurge = ptr(cluster.FromString("x%")) }), cluster.ErrInvalid},
		{"rolling bad probe", nil, ru(func(r *flow.RollingUpdate) { r.ReadinessProbe = &cluster.Probe{PeriodSeconds: -1} }), cluster.ErrInvalid},
		{"rolling bad load", nil, ru(func(r *flow.RollingUpdate) { r.Load = badLoad }), proxy.ErrInvalidURL},
		{"rolling negative preStop", nil, ru(func(r *flow.RollingUpdate) { r.PreStopSleep = -time.Second }), flow.ErrInvalid},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := newWorld(t, world{Seed: 7, Blue: 2, Green: 2, Selector: tc.sel})
			digest, pending := c.Digest(), c.Pending()
			err := tc.run(c)
			require.Error(t, err)
			assert.ErrorIs(t, err, tc.is)
			assert.Equal(t, digest, c.Digest())
			assert.Equal(t, pending, c.Pending(), "no event scheduled")
		})
	}
}

// Reading what the proxies programmed changes nothing: a flow run with
// Rule read on every node every 10 ms has the digest of one without.
func TestRuleReadChangesNothing(t *testing.T) {
	digest := func(look bool) string {
		c := newWorld(t, world{Seed: 3, Nodes: 3, Blue: 3, Green: 3})
		tally, err := c.Proxies.Generate(*load(100, 5*time.Second))
		require.NoError(t, err)
		require.NoError(t, c.Kubectl("default").LabelSelected(cluster.KindPod, "app=green", "method=blue-green"))
		require.NoError(t, c.Kubectl("default").Scale(cluster.KindDeployment, "blue", 0))
		seen := 0
		for range 600 {
			require.NoError(t, c.RunFor(10*time.Millisecond))
			if look {
				for _, n := range []string{"node-1", "node-2", "node-3"} {
					if rule, ok := c.Proxies.Node(n).Rule("default", "web", 80); ok {
						seen += len(rule.Endpoints)
					}
				}
			}
		}
		if look {
			require.Positive(t, seen)
		}
		require.Positive(t, tally.Total().Total())
		return c.Digest()
	}
	assert.Equal(t, digest(false), digest(true))
}

// Rollback after a full switch scales blue back up and moves the traffic
// back, losing nothing when the proxies are waited for.
func TestBlueGreenRollback(t *testing.T) {
	for _, sw := range []flow.Switch{flow.ByLabel, flow.BySelector} {
		t.Run(sw.String(), func(t *testing.T) {
			w := world{Seed: 5, Blue: 3, Green: 2}
			if sw == flow.BySelector {
				w.Selector = selector.Set{"app": "blue"}
			}
			c := newWorld(t, w)
			bg := flow.BlueGreen{Service: "web", Blue: "blue", Green: "green", Switch: sw, WaitForProxies: true, ScaleDownDelay: time.Second}
			_, err := bg.Run(c)
			require.NoError(t, err)
			blue, _ := cluster.GetAs[*cluster.Deployment](c.Sim, "default", "blue")
			require.Equal(t, int32(0), *blue.Spec.Replicas)
			bg.Load = load(100, 20*time.Second)
			rep, err := bg.Rollback(c)
			require.NoError(t, err)
			assert.Zero(t, rep.Tally.Total().Failed())
			blue, _ = cluster.GetAs[*cluster.Deployment](c.Sim, "default", "blue")
			green, _ := cluster.GetAs[*cluster.Deployment](c.Sim, "default", "green")
			assert.Equal(t, int32(2), *blue.Spec.Replicas, "blue comes back at green's count")
			assert.Equal(t, int32(0), *green.Spec.Replicas)
			groups := rep.Tally.Series()
			lastGroups := groups[len(groups)-1].Groups
			require.Len(t, lastGroups, 1)
			assert.Equal(t, "blue", lastGroups[0].Name)
		})
	}
}

// KeepBlue leaves blue running, so a rollback is only a switch back.
func TestBlueGreenKeepBlue(t *testing.T) {
	c := newWorld(t, world{Seed: 6, Blue: 2, Green: 2})
	bg := flow.BlueGreen{Service: "web", Blue: "blue", Green: "green", KeepBlue: true}
	rep, err := bg.Run(c)
	require.NoError(t, err)
	assert.Zero(t, rep.Removed)
	blue, _ := cluster.GetAs[*cluster.Deployment](c.Sim, "default", "blue")
	assert.Equal(t, int32(2), *blue.Spec.Replicas)
}

// A rolling update under load: without a preStop sleep pods are deleted
// while proxies still route to them and requests fail; with one longer
// than the proxies' lag, none does.
func TestRollingUpdateUnderLoad(t *testing.T) {
	for _, tc := range []struct {
		name    string
		preStop time.Duration
		lossy   bool
	}{
		{"no preStop", 0, true},
		{"preStop", 5 * time.Second, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := newWorld(t, world{Seed: 2, Blue: 4, Green: 0, Selector: selector.Set{"app": "blue"}})
			if tc.preStop > 0 {
				// The preStop sleep must be there before the old pods
				// terminate: roll it out first.
				_, err := flow.RollingUpdate{Deployment: "blue", Image: "rxmllc/hostinfo", PreStopSleep: tc.preStop}.Run(c)
				require.NoError(t, err)
				require.NoError(t, c.RunFor(10*time.Second)) // the old pods' proxies catch up
			}
			rep, err := flow.RollingUpdate{Deployment: "blue", Image: "rxmlhc/hostinfo",
				MaxSurge: ptr(cluster.FromInt(1)), MaxUnavailable: ptr(cluster.FromInt(0)),
				ReadinessProbe: &cluster.Probe{PeriodSeconds: 1}, Load: load(100, 60*time.Second)}.Run(c)
			require.NoError(t, err)
			assert.Greater(t, rep.Done, rep.Started)
			t.Logf("%+v", rep.Tally.Total())
			assert.Equal(t, tc.lossy, rep.Tally.Total().Failed() > 0)
		})
	}
}

// A check the test registers with Sim.Observe stops a flow where it
// fails, and the flow returns the check's error rather than a timeout.
func TestFlowStopsAtAFailedCheck(t *testing.T) {
	c := newWorld(t, world{Seed: 1, Nodes: 2, Blue: 2, Green: 2})
	stopAt := c.Now().Add(2 * time.Second)
	boom := errors.New("invariant broken")
	stop := c.Observe(cluster.Observer{AfterEvent: func(e cluster.TraceEntry) error {
		if c.Now() >= stopAt {
			return boom
		}
		return nil
	}})
	defer stop()
	_, err := flow.BlueGreen{Service: "web", Blue: "blue", Green: "green", WaitForProxies: true, Load: load(40, 10*time.Second)}.Run(c)
	var oe *cluster.ObservedError
	require.ErrorAs(t, err, &oe)
	require.ErrorIs(t, err, boom)
	assert.False(t, errors.Is(err, flow.ErrTimeout))
}

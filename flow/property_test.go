package flow_test

import (
	"flag"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"pgregory.net/rapid"

	"github.com/svcsim/svcsim/cluster"
	"github.com/svcsim/svcsim/flow"
	"github.com/svcsim/svcsim/selector"
)

// The properties below run rapid's default 100 cases each; for a longer
// search pass -rapid.checks=N (and -rapid.seed=S to replay one run).

// lagProfile draws the watch lag of every component: Realistic's, or a
// uniform lag with drawn bounds up to 200 ms.
func lagProfile(t *rapid.T) cluster.Lag {
	if rapid.Bool().Draw(t, "realistic") {
		return nil
	}
	lo := time.Duration(rapid.IntRange(0, 100).Draw(t, "lagMinMs")) * time.Millisecond
	hi := lo + time.Duration(rapid.IntRange(0, 100).Draw(t, "lagSpreadMs"))*time.Millisecond
	return cluster.Uniform{Min: lo, Max: hi}
}

// blueGreenCase is one generated blue-green flow.
type blueGreenCase struct {
	w  world
	bg flow.BlueGreen
}

func (bc blueGreenCase) String() string {
	return fmt.Sprintf("nodes=%d blue=%d green=%d lag=%v preStop=%ds switch=%s wait=%v gap=%s delay=%s",
		bc.w.Nodes, bc.w.Blue, bc.w.Green, bc.w.Watch, bc.w.PreStop, bc.bg.Switch, bc.bg.WaitForProxies, bc.bg.LabelGap, bc.bg.ScaleDownDelay)
}

// drawBlueGreen draws a small world and a blue-green flow on it; protect
// chooses how it is made lossless (WaitForProxies or a preStop sleep
// longer than the proxies' lag), or not at all.
func drawBlueGreen(t *rapid.T, protect bool) blueGreenCase {
	bc := blueGreenCase{
		w: world{Seed: rapid.Uint64().Draw(t, "seed"), Nodes: rapid.IntRange(1, 3).Draw(t, "nodes"),
			Blue: int32(rapid.IntRange(1, 5).Draw(t, "blue")), Green: int32(rapid.IntRange(1, 5).Draw(t, "green")),
			Watch: lagProfile(t)},
		bg: flow.BlueGreen{Service: "web", Blue: "blue", Green: "green", ScaleDownDelay: -1,
			LabelGap: time.Duration(rapid.IntRange(0, 2000).Draw(t, "gapMs")) * time.Millisecond},
	}
	if protect {
		bc.bg.Switch = flow.Switch(rapid.IntRange(0, 1).Draw(t, "switch"))
		if rapid.Bool().Draw(t, "wait") {
			bc.bg.WaitForProxies = true
		} else {
			// The proxies learn within a watch lag or two (≤ 400 ms here)
			// plus their one-second sync batching: 2 s outlasts that.
			bc.w.PreStop = int64(rapid.IntRange(2, 5).Draw(t, "preStopSeconds"))
		}
		if rapid.Bool().Draw(t, "delayed") {
			bc.bg.ScaleDownDelay = time.Duration(rapid.IntRange(1, 3000).Draw(t, "delayMs")) * time.Millisecond
		}
	}
	if bc.bg.Switch == flow.BySelector {
		bc.w.Selector = selector.Set{"app": "blue"}
	}
	return bc
}

// runBlueGreen builds the world and runs the flow under a load of about
// 400 requests.
func runBlueGreen(t rapid.TB, bc blueGreenCase) flow.Report {
	c := newWorld(t, bc.w)
	bg := bc.bg
	bg.Load = load(40, 10*time.Second)
	rep, err := bg.Run(c)
	require.NoError(t, err)
	return rep
}

// Blue-green with WaitForProxies, or with a preStop sleep longer than the
// proxies' lag, loses no request, whatever the sizes, lags and timing.
func TestBlueGreenProtectedLosesNothing(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		bc := drawBlueGreen(t, true)
		rep := runBlueGreen(t, bc)
		total := rep.Tally.Total()
		if total.Failed() != 0 {
			t.Fatalf("%s: %d of %d requests failed: %+v\n%s", bc, total.Failed(), total.Total(), total, timeline(rep.Events))
		}
		if bc.bg.WaitForProxies && len(rep.StaleAtRemoval) > 0 {
			t.Fatalf("%s: blue removed while %v still routed to it", bc, rep.StaleAtRemoval)
		}
	})
}

func timeline(evs []flow.Event) string {
	var b strings.Builder
	for _, e := range evs {
		b.WriteString(e.String() + "\n")
	}
	return b.String()
}

// recorder is a rapid.TB that records a failure instead of failing the
// test, so that a test can run a property it expects to fail and then
// look at what rapid found.
type recorder struct {
	*testing.T
	failed bool
	msgs   []string
}

func (r *recorder) Errorf(format string, args ...any) {
	r.failed = true
	r.msgs = append(r.msgs, fmt.Sprintf(format, args...))
}
func (r *recorder) Error(args ...any)                 { r.Errorf("%s", fmt.Sprint(args...)) }
func (r *recorder) Fatalf(format string, args ...any) { r.Errorf(format, args...) }
func (r *recorder) Fatal(args ...any)                 { r.Error(args...) }
func (r *recorder) Fail()                             { r.failed = true }
func (r *recorder) FailNow()                          { r.failed = true }
func (r *recorder) Failed() bool                      { return r.failed }

// withoutFailFiles keeps rapid from writing the failure the test expects
// into testdata for as long as the test runs.
func withoutFailFiles(t *testing.T) {
	f := flag.Lookup("rapid.nofailfile")
	require.NotNil(t, f)
	old := f.Value.String()
	require.NoError(t, f.Value.Set("true"))
	t.Cleanup(func() { _ = f.Value.Set(old) })
}

// Removing blue right after labelling green loses requests under
// realistic lag: rapid finds such a flow, and the case it shrinks to
// removes blue while some node's proxy still routes to it.
func TestBlueGreenRemovingBlueAtOnceLosesRequests(t *testing.T) {
	withoutFailFiles(t)
	var last struct {
		bc  blueGreenCase
		rep flow.Report
	}
	rec := &recorder{T: t}
	rapid.Check(rec, func(t *rapid.T) {
		bc := drawBlueGreen(t, false)
		bc.w.Watch = nil // Realistic
		rep := runBlueGreen(t, bc)
		// rapid runs the shrunk case last: what it leaves here is it.
		last.bc, last.rep = bc, rep
		if n := rep.Tally.Total().Failed(); n > 0 {
			t.Fatalf("%d requests lost", n)
		}
	})
	require.True(t, rec.failed, "rapid found no flow that loses a request")
	t.Logf("shrunk to: %s\n%s", last.bc, timeline(last.rep.Events))
	assert.Positive(t, last.rep.Tally.Total().Failed())
	assert.NotEmpty(t, last.rep.StaleAtRemoval, "the loss comes from removing blue before some proxy synced")
	assert.Less(t, last.rep.Removed.Sub(last.rep.Switched), 2*time.Second+time.Nanosecond)
}

// A canary's answer share at each step is within tolerance of its share
// of the replicas, and an abort returns all traffic to stable.
func TestCanarySharesFollowReplicas(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		total := int32(rapid.IntRange(2, 6).Draw(t, "replicas"))
		nodes := rapid.IntRange(1, 3).Draw(t, "nodes")
		weights := rapid.SliceOfN(rapid.Int32Range(1, 99), 1, 3).Draw(t, "weights")
		abort := rapid.Bool().Draw(t, "abort")
		// A preStop sleep keeps scaling down lossless, so that only the
		// canary's own failures count towards an abort.
		c := newWorld(t, world{Seed: rapid.Uint64().Draw(t, "seed"), Nodes: nodes, Blue: total, Green: 0, Watch: lagProfile(t),
			Selector: selector.Set{"tier": "web"}, PreStop: 2})
		if abort {
			// The canary's app fails one request in two.
			require.NoError(t, c.Proxies.Apps().Register("rxmlhc/hostinfo", failingApp()))
		}
		cn := flow.Canary{Service: "web", Stable: "blue", Canary: "green", Replicas: total, MaxErrorRate: 0.02,
			Load: load(200, 0)}
		for _, w := range weights {
			cn.Steps = append(cn.Steps, flow.CanaryStep{Weight: w, Pause: 3 * time.Second})
		}
		rep, err := cn.Run(c)
		require.NoError(t, err)
		require.Equal(t, abort, rep.Aborted)
		for i, s := range rep.Steps {
			if s.Abort {
				assert.Zero(t, s.CanaryAnswers, "step %d: after the abort", i)
				assert.Positive(t, s.StableAnswers, "step %d: after the abort", i)
				continue
			}
			if abort || s.Weight == 100 {
				continue // the canary's failures skew its share; promotion holds for no time
			}
			// 600 requests a step: four standard deviations of a
			// binomial share is at most 0.082.
			assert.InDelta(t, s.ReplicaShare(), s.CanaryShare(), 0.09, "step %d (%d%%: %d canary, %d stable)", i, s.Weight, s.Canary, s.Stable)
		}
		if !abort {
			last := rep.Steps[len(rep.Steps)-1]
			assert.Equal(t, int32(100), last.Weight)
			assert.Equal(t, total, last.Canary)
			assert.Zero(t, last.Stable)
		}
	})
}

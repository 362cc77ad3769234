package cluster_test

import (
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"pgregory.net/rapid"

	"github.com/svcsim/svcsim"
	"github.com/svcsim/svcsim/cluster"
	"github.com/svcsim/svcsim/kubectl"
	"github.com/svcsim/svcsim/proxy"
	"github.com/svcsim/svcsim/selector"
)

// observeFlow is a scenario run on a fresh cluster: install is called
// right after the cluster is built (to install observers, or not).
type observeFlow struct {
	name string
	run  func(t *testing.T, seed uint64, install func(*cluster.Sim)) *cluster.Sim
}

// observeFlows are scenarios of different kinds: a rolling update,
// faults and deletions, and a blue-green switch with traffic.
func observeFlows() []observeFlow {
	return []observeFlow{
		{"rolling update", func(t *testing.T, seed uint64, install func(*cluster.Sim)) *cluster.Sim {
			s, err := cluster.New(cluster.Config{Seed: seed, Timing: cluster.Realistic(), TraceCapacity: 1 << 20})
			require.NoError(t, err)
			install(s)
			k := kubectl.New(s, "default")
			_, err = k.CreateDeployment("web", kubectl.DeploymentOptions{Image: "rxmllc/hostinfo", Replicas: 4, Port: 9898})
			require.NoError(t, err)
			require.NoError(t, s.Settle())
			require.NoError(t, k.SetImage("web", "hostinfo", "rxmlhc/hostinfo"))
			require.NoError(t, s.RunFor(3*time.Second))
			require.NoError(t, k.Scale(cluster.KindDeployment, "web", 6))
			require.NoError(t, s.Settle())
			require.NoError(t, s.RunFor(2*time.Second))
			return s
		}},
		{"faults", func(t *testing.T, seed uint64, install func(*cluster.Sim)) *cluster.Sim {
			s, err := cluster.New(cluster.Config{Seed: seed, Timing: cluster.Realistic(), TraceCapacity: 1 << 20})
			require.NoError(t, err)
			install(s)
			k := kubectl.New(s, "default")
			_, err = k.CreateDeployment("db", kubectl.DeploymentOptions{Image: "nginx", Replicas: 3, Port: 80})
			require.NoError(t, err)
			_, err = k.Run("solo", kubectl.RunOptions{Image: "nginx", Port: 80})
			require.NoError(t, err)
			require.NoError(t, s.Settle())
			require.NoError(t, s.CrashContainer("default", "solo", ""))
			require.NoError(t, s.NodeDown("node-2"))
			require.NoError(t, s.RunFor(12*time.Second))
			require.NoError(t, s.NodeUp("node-2"))
			require.NoError(t, k.Delete(cluster.KindPod, "solo", cluster.DeleteOptions{}))
			require.NoError(t, s.RunFor(40*time.Second))
			return s
		}},
		{"blue-green with traffic", func(t *testing.T, seed uint64, install func(*cluster.Sim)) *cluster.Sim {
			c, err := svcsim.New(svcsim.Config{Seed: seed, Timing: cluster.Realistic(), TraceCapacity: 1 << 20})
			require.NoError(t, err)
			install(c.Sim)
			k := c.Kubectl("default")
			for _, color := range []string{"blue", "green"} {
				_, err = k.CreateDeployment(color, kubectl.DeploymentOptions{Image: "rxmllc/hostinfo", Replicas: 2, Port: 9898})
				require.NoError(t, err)
			}
			_, err = k.Run("client", kubectl.RunOptions{Image: "busybox"})
			require.NoError(t, err)
			_, err = k.Apply(&cluster.Service{ObjectMeta: cluster.ObjectMeta{Name: "web"}, Spec: cluster.ServiceSpec{
				Selector: selector.Set{"app": "blue"}, Ports: []cluster.ServicePort{{Port: 80, TargetPort: cluster.FromInt(9898)}}}})
			require.NoError(t, err)
			require.NoError(t, c.Settle())
			_, err = c.Proxies.Generate(proxy.Load{Request: proxy.Request{From: proxy.FromPod("default", "client"), URL: "web"},
				Rate: 50, Arrivals: proxy.Poisson, Duration: 6 * time.Second, GroupBy: "app"})
			require.NoError(t, err)
			require.NoError(t, c.RunFor(2*time.Second))
			svc, ok := cluster.GetAs[*cluster.Service](c.Sim, "default", "web")
			require.True(t, ok)
			svc.Spec.Selector = selector.Set{"app": "green"}
			_, err = c.Update(svc)
			require.NoError(t, err)
			require.NoError(t, c.RunFor(5*time.Second))
			return c.Sim
		}},
	}
}

// noInstall installs nothing.
func noInstall(*cluster.Sim) {}

// nosyObservers installs observers of every kind that read a lot and
// never fail.
func nosyObservers(s *cluster.Sim) {
	s.Observe(cluster.Observer{
		AfterEvent: func(e cluster.TraceEntry) error {
			_ = cluster.ListAs[*cluster.Pod](s, "", selector.Everything())
			_ = s.Digest()
			return nil
		},
		AfterWrite: func(w cluster.Write) error {
			_, _ = s.Get(w.Kind, w.Namespace, w.Name)
			return nil
		},
		Every: 100 * time.Millisecond,
		AtTime: func(cluster.Time) error {
			_ = s.List(cluster.KindEndpointSlice, "", selector.Everything())
			_ = s.Trace()
			return nil
		},
	})
	s.Observe(cluster.Observer{Every: 7 * time.Millisecond, AtTime: func(cluster.Time) error { return nil }})
}

func traceLines(s *cluster.Sim) []string {
	var out []string
	for _, e := range s.Trace() {
		out = append(out, e.String())
	}
	return out
}

// TestObserveChangesNothing holds that observers, however busy, leave the
// trace and the digest exactly as they are without them.
func TestObserveChangesNothing(t *testing.T) {
	for _, f := range observeFlows() {
		for _, seed := range []uint64{1, 2} {
			t.Run(fmt.Sprintf("%s seed %d", f.name, seed), func(t *testing.T) {
				plain := f.run(t, seed, noInstall)
				observed := f.run(t, seed, nosyObservers)
				require.Equal(t, plain.Digest(), observed.Digest())
				require.Equal(t, traceLines(plain), traceLines(observed))
				require.Equal(t, plain.Now(), observed.Now())
			})
		}
	}
}

// TestObserveSeesEveryEventAndWriteInOrder holds that AfterEvent sees
// every event the loop runs and AfterWrite every store write, each just
// as the trace records it: a write is observed as soon as it is made, an
// event once its handler, and so its writes, are done.
func TestObserveSeesEveryEventAndWriteInOrder(t *testing.T) {
	writeVerbs := map[string]bool{"Create": true, "Update": true, "UpdateStatus": true, "Bind": true, "Delete": true, "Remove": true}
	key := func(at cluster.Time, component, action, object string) string {
		return fmt.Sprintf("%s|%s|%s|%s", at, component, action, object)
	}
	for _, f := range observeFlows() {
		t.Run(f.name, func(t *testing.T) {
			var events []string
			writes := map[uint64]string{} // by the write's place in the trace
			var start, lastEvent uint64
			s := f.run(t, 3, func(s *cluster.Sim) {
				start = s.TraceLen()
				s.Observe(cluster.Observer{
					AfterEvent: func(e cluster.TraceEntry) error {
						assert.Equal(t, s.Now(), e.At, "observed at the event's time")
						assert.Greater(t, s.TraceLen(), lastEvent)
						lastEvent = s.TraceLen()
						events = append(events, key(e.At, e.Component, e.Action, e.Object))
						return nil
					},
					AfterWrite: func(w cluster.Write) error {
						assert.Equal(t, s.Now(), w.At)
						o, ok := s.Get(w.Kind, w.Namespace, w.Name)
						if w.Verb == "Remove" {
							assert.False(t, ok, "%s is gone", w)
						} else if assert.True(t, ok, "%s is stored", w) {
							assert.Equal(t, w.ResourceVersion, o.Meta().ResourceVersion, "the observer sees the write itself")
						}
						object := strings.ToLower(string(w.Kind)) + "/" + strings.TrimPrefix(w.Namespace+"/"+w.Name, "/")
						writes[s.TraceLen()-1] = key(w.At, w.Component, w.Verb, object)
						return nil
					},
				})
			})
			var wantEvents []string
			wantWrites := 0
			for i, e := range s.Trace()[start:] {
				k := key(e.At, e.Component, e.Action, e.Object)
				switch {
				case writeVerbs[e.Action]:
					wantWrites++
					assert.Equal(t, k, writes[start+uint64(i)], "write %d", i)
				case e.Action != "Fault": // a fault is recorded, but is no write
					wantEvents = append(wantEvents, k)
				}
			}
			require.Equal(t, wantEvents, events)
			require.Len(t, writes, wantWrites)
			require.Greater(t, len(events), 100)
		})
	}
}

// errBroken is what the failing observers return.
var errBroken = errors.New("invariant broken")

// TestObserveErrorStopsTheRun holds that the first error stops the run
// right after what was observed, as stepping there by hand would, and
// that the next run goes on to the same end as a run never stopped.
func TestObserveErrorStopsTheRun(t *testing.T) {
	// The n-th event, the n-th write, and the second timed check, each
	// failing once.
	const nth = 40
	tests := []struct {
		name     string
		observer func() cluster.Observer
	}{
		{"after event", func() cluster.Observer {
			n := 0
			return cluster.Observer{AfterEvent: func(e cluster.TraceEntry) error {
				if n++; n == nth {
					return fmt.Errorf("event %d: %w", n, errBroken)
				}
				return nil
			}}
		}},
		{"after write", func() cluster.Observer {
			n := 0
			return cluster.Observer{AfterWrite: func(w cluster.Write) error {
				if n++; n == nth {
					return errBroken
				}
				return nil
			}}
		}},
		{"at time", func() cluster.Observer {
			n := 0
			return cluster.Observer{Every: 1500 * time.Millisecond, AtTime: func(now cluster.Time) error {
				if n++; n == 2 {
					return errBroken
				}
				return nil
			}}
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			plain, start := rollout(t, 5)
			end := start.Add(20 * time.Second)
			require.NoError(t, plain.RunUntil(end))

			s, _ := rollout(t, 5)
			// What was last seen, by an observer installed first.
			var lastEvent cluster.TraceEntry
			var lastWrite cluster.Write
			s.Observe(cluster.Observer{
				AfterEvent: func(e cluster.TraceEntry) error { lastEvent = e; return nil },
				AfterWrite: func(w cluster.Write) error { lastWrite = w; return nil },
			})
			s.Observe(tt.observer())
			err := s.RunUntil(end)
			var oe *cluster.ObservedError
			require.ErrorAs(t, err, &oe)
			require.ErrorIs(t, err, errBroken)
			assert.Equal(t, s.Now(), oe.Time, "left at the point of failure")
			assert.Less(t, s.Now(), end)
			want := map[string]string{
				"after event": lastEvent.String(),
				"after write": lastWrite.String(),
				"at time":     "time " + oe.Time.String(),
			}[tt.name]
			assert.Equal(t, want, oe.After)
			assert.Contains(t, err.Error(), oe.After)

			// Stepping by hand to the same point gives the same state: a
			// write's failure stops the run once its event is over.
			byHand, _ := rollout(t, 5)
			for byHand.TraceLen() < s.TraceLen() && byHand.Step() {
			}
			require.NoError(t, byHand.RunUntil(oe.Time))
			assert.Equal(t, byHand.Digest(), s.Digest())
			assert.Equal(t, byHand.Pending(), s.Pending())

			// The run goes on from there, to the same end.
			require.NoError(t, s.RunUntil(end))
			assert.Equal(t, plain.Digest(), s.Digest())
			assert.Equal(t, plain.Now(), s.Now())
		})
	}
}

// rollout starts a rolling update on a Realistic cluster, and returns it
// with the time the update began.
func rollout(t *testing.T, seed uint64) (*cluster.Sim, cluster.Time) {
	t.Helper()
	s, err := cluster.New(cluster.Config{Seed: seed, Timing: cluster.Realistic()})
	require.NoError(t, err)
	k := kubectl.New(s, "default")
	_, err = k.CreateDeployment("web", kubectl.DeploymentOptions{Image: "nginx", Replicas: 3, Port: 80})
	require.NoError(t, err)
	require.NoError(t, s.Settle())
	require.NoError(t, k.SetImage("web", "nginx", "nginx:2"))
	return s, s.Now()
}

// TestObserveStep holds that Step stops at a failure, runs nothing more
// until the failure is handed over, and goes on after.
func TestObserveStep(t *testing.T) {
	s, _ := rollout(t, 6)
	n := 0
	s.Observe(cluster.Observer{AfterEvent: func(cluster.TraceEntry) error {
		if n++; n == 3 {
			return errBroken
		}
		return nil
	}})
	require.True(t, s.Step())
	require.True(t, s.Step())
	require.False(t, s.Step(), "the third event's check failed")
	ran := s.TraceLen()
	require.False(t, s.Step(), "nothing runs while the failure is held")
	require.Equal(t, ran, s.TraceLen())
	require.ErrorIs(t, s.ObservedErr(), errBroken)
	require.NoError(t, s.ObservedErr(), "handed over once")
	require.True(t, s.Step())
}

// TestObserveWriteBetweenRuns holds that a check failing on a caller's
// write leaves the write made, and stops the next run before it runs
// anything.
func TestObserveWriteBetweenRuns(t *testing.T) {
	s, err := cluster.New(cluster.Config{Seed: 1})
	require.NoError(t, err)
	stop := s.Observe(cluster.Observer{AfterWrite: func(w cluster.Write) error {
		if w.Kind == cluster.KindPod && w.Verb == "Create" {
			return fmt.Errorf("no pods: %w", errBroken)
		}
		return nil
	}})
	_, err = kubectl.New(s, "default").Run("web", kubectl.RunOptions{Image: "nginx"})
	require.NoError(t, err, "the write itself succeeds")
	ran, pending := s.TraceLen(), s.Pending()
	err = s.Settle()
	var oe *cluster.ObservedError
	require.ErrorAs(t, err, &oe)
	assert.True(t, strings.HasPrefix(oe.After, "+0s user Create pod/default/web rv="), oe.After)
	assert.Equal(t, ran, s.TraceLen(), "the run ran nothing")
	assert.Equal(t, pending, s.Pending())
	stop()
	require.NoError(t, s.Settle())
	pod, ok := cluster.GetAs[*cluster.Pod](s, "default", "web")
	require.True(t, ok)
	assert.True(t, pod.IsReady())
}

// TestObserveStop holds that a stopped observer is called no more, that
// stop may be called twice and from inside the observer itself.
func TestObserveStop(t *testing.T) {
	s, _ := rollout(t, 7)
	var a, b, c int
	stopA := s.Observe(cluster.Observer{AfterEvent: func(cluster.TraceEntry) error { a++; return nil }})
	var stopB func()
	stopB = s.Observe(cluster.Observer{AfterEvent: func(cluster.TraceEntry) error {
		if b++; b == 5 {
			stopB()
		}
		return nil
	}})
	stopC := s.Observe(cluster.Observer{Every: time.Millisecond, AtTime: func(cluster.Time) error { c++; return nil }})
	for range 10 {
		require.True(t, s.Step())
	}
	require.Equal(t, 10, a)
	require.Equal(t, 5, b, "stopped itself")
	stopA()
	stopA()
	stopC()
	cBefore := c
	require.Greater(t, cBefore, 0)
	require.NoError(t, s.RunFor(5*time.Second))
	require.Equal(t, 10, a)
	require.Equal(t, 5, b)
	require.Equal(t, cBefore, c)
}

// TestObserveAtTime holds that timed checks come at each multiple of
// Every from the time Observe is called, each seeing every event due by
// then and none after.
func TestObserveAtTime(t *testing.T) {
	s, _ := rollout(t, 8)
	require.NoError(t, s.RunUntil(cluster.Time(2500*time.Millisecond)))
	var at []cluster.Time
	s.Observe(cluster.Observer{Every: time.Second, AtTime: func(now cluster.Time) error {
		assert.Equal(t, now, s.Now())
		tr := s.Trace()
		assert.LessOrEqual(t, tr[len(tr)-1].At, now, "no event after the check has run")
		at = append(at, now)
		return nil
	}})
	var next []cluster.Time // the time of the event after each check
	s.Observe(cluster.Observer{AfterEvent: func(e cluster.TraceEntry) error {
		if len(next) < len(at) {
			next = append(next, e.At)
		}
		return nil
	}})
	require.NoError(t, s.RunUntil(cluster.Time(6*time.Second)))
	sec := func(n int) cluster.Time { return cluster.Time(time.Duration(n) * time.Second) }
	require.Equal(t, []cluster.Time{sec(3), sec(4), sec(5), sec(6)}, at)
	for i, e := range next {
		assert.Greater(t, e, at[i], "the event after a check is later than it")
	}
	// Settle checks the instants it passes, and the one it ends at.
	require.NoError(t, s.Settle())
	for i, x := range at {
		require.Equal(t, sec(3+i), x)
	}
	require.LessOrEqual(t, at[len(at)-1], s.Now())
}

// TestObserveRefusesWrites holds that an observer cannot change the
// simulation: writes and faults fail with ErrObserving, calls with no
// error to return panic, and the run is the same as without the attempt.
func TestObserveRefusesWrites(t *testing.T) {
	pod := func() cluster.Object {
		return &cluster.Pod{ObjectMeta: cluster.ObjectMeta{Name: "intruder"}, Spec: cluster.PodSpec{Containers: []cluster.Container{{Name: "c", Image: "nginx"}}}}
	}
	errs := []struct {
		name  string
		write func(s *cluster.Sim) error
	}{
		{"create", func(s *cluster.Sim) error { _, err := s.Create(pod()); return err }},
		{"update", func(s *cluster.Sim) error {
			d, _ := cluster.GetAs[*cluster.Deployment](s, "default", "web")
			d.Labels = map[string]string{"x": "y"}
			_, err := s.Update(d)
			return err
		}},
		{"update status", func(s *cluster.Sim) error {
			d, _ := cluster.GetAs[*cluster.Deployment](s, "default", "web")
			d.Status.ObservedGeneration = 99
			_, err := s.UpdateStatus(d)
			return err
		}},
		{"delete", func(s *cluster.Sim) error {
			return s.Delete(cluster.KindDeployment, "default", "web", cluster.DeleteOptions{})
		}},
		{"kubectl scale", func(s *cluster.Sim) error { return kubectl.New(s, "default").Scale(cluster.KindDeployment, "web", 9) }},
		{"fail readiness", func(s *cluster.Sim) error {
			return s.FailReadiness("default", cluster.ListAs[*cluster.Pod](s, "default", selector.Everything())[0].Name)
		}},
		{"recover readiness", func(s *cluster.Sim) error { return s.RecoverReadiness("default", "any") }},
		{"crash", func(s *cluster.Sim) error {
			return s.CrashContainer("default", cluster.ListAs[*cluster.Pod](s, "default", selector.Everything())[0].Name, "")
		}},
		{"node down", func(s *cluster.Sim) error { return s.NodeDown("node-1") }},
		{"node up", func(s *cluster.Sim) error { return s.NodeUp("node-1") }},
	}
	panics := []struct {
		name string
		call func(s *cluster.Sim)
	}{
		{"After", func(s *cluster.Sim) { s.After(time.Second, "x", func() {}) }},
		{"Background", func(s *cluster.Sim) { s.Background(time.Second, "x", func() {}) }},
		{"Watch", func(s *cluster.Sim) { s.Watch("x", nil, func(cluster.WatchEvent) {}, cluster.KindPod) }},
		{"WatchShared", func(s *cluster.Sim) { s.WatchShared("x", nil, func(cluster.WatchEvent) {}, cluster.KindPod) }},
		{"Record", func(s *cluster.Sim) { s.Record(pod(), cluster.EventNormal, "Hi", "hello") }},
		{"Observe", func(s *cluster.Sim) { s.Observe(cluster.Observer{}) }},
		{"Step", func(s *cluster.Sim) { s.Step() }},
		{"RunFor", func(s *cluster.Sim) { _ = s.RunFor(time.Second) }},
		{"RunUntil", func(s *cluster.Sim) { _ = s.RunUntil(s.Now()) }},
		{"Settle", func(s *cluster.Sim) { _ = s.Settle() }},
	}
	plain, start := rollout(t, 9)
	require.NoError(t, plain.RunFor(10*time.Second))
	// Each way of trying is tried from each kind of check.
	hooks := []struct {
		name    string
		install func(s *cluster.Sim, try func())
	}{
		{"after event", func(s *cluster.Sim, try func()) {
			s.Observe(cluster.Observer{AfterEvent: func(cluster.TraceEntry) error { try(); return nil }})
		}},
		{"after write", func(s *cluster.Sim, try func()) {
			s.Observe(cluster.Observer{AfterWrite: func(cluster.Write) error { try(); return nil }})
		}},
		{"at time", func(s *cluster.Sim, try func()) {
			s.Observe(cluster.Observer{Every: 300 * time.Millisecond, AtTime: func(cluster.Time) error { try(); return nil }})
		}},
	}
	for _, h := range hooks {
		for _, tt := range errs {
			t.Run(h.name+" "+tt.name, func(t *testing.T) {
				s, _ := rollout(t, 9)
				tries := 0
				h.install(s, func() {
					tries++
					require.ErrorIs(t, tt.write(s), cluster.ErrObserving)
				})
				require.NoError(t, s.RunUntil(start.Add(10*time.Second)))
				require.Greater(t, tries, 0)
				require.Equal(t, plain.Digest(), s.Digest())
			})
		}
		for _, tt := range panics {
			t.Run(h.name+" "+tt.name, func(t *testing.T) {
				s, _ := rollout(t, 9)
				var got any
				h.install(s, func() {
					defer func() { got = recover() }()
					tt.call(s)
				})
				require.NoError(t, s.RunUntil(start.Add(10*time.Second)))
				require.Contains(t, fmt.Sprint(got), "inside an observer")
				require.Equal(t, plain.Digest(), s.Digest())
			})
		}
	}
}

// TestObserveMisuse holds that Observe panics, at the call, on an
// Observer that cannot work.
func TestObserveMisuse(t *testing.T) {
	s, err := cluster.New(cluster.Config{})
	require.NoError(t, err)
	ok := func(cluster.Time) error { return nil }
	for _, tt := range []struct {
		name string
		o    cluster.Observer
		msg  string
	}{
		{"negative every", cluster.Observer{Every: -time.Second, AtTime: ok}, "cluster: Observe with a negative Every -1s"},
		{"every without AtTime", cluster.Observer{Every: time.Second}, "cluster: Observe with Every but no AtTime"},
		{"AtTime without every", cluster.Observer{AtTime: ok}, "cluster: Observe with AtTime but no Every"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			digest := s.Digest()
			require.PanicsWithValue(t, tt.msg, func() { s.Observe(tt.o) })
			require.Equal(t, digest, s.Digest())
			require.NoError(t, s.RunFor(time.Second), "nothing was installed")
		})
	}
	// An Every so long its second multiple is past the end of time.
	var at []cluster.Time
	s.Observe(cluster.Observer{Every: time.Duration(cluster.EndOfTime/2 + 1), AtTime: func(now cluster.Time) error {
		at = append(at, now)
		return nil
	}})
	require.NoError(t, s.RunUntil(cluster.EndOfTime))
	require.Equal(t, []cluster.Time{cluster.Time(cluster.EndOfTime/2 + 1)}, at)
}

// TestObserveChangesNothingProperty holds, for drawn seeds and check
// periods, that timed and per-event checks change nothing, and come at
// exactly the multiples of the period.
// Run with -rapid.checks=10000 for a longer search.
func TestObserveChangesNothingProperty(t *testing.T) {
	rapid.Check(t, func(rt *rapid.T) {
		seed := rapid.Uint64().Draw(rt, "seed")
		every := time.Duration(rapid.Int64Range(int64(time.Millisecond), int64(3*time.Second)).Draw(rt, "every"))
		run := rapid.Int64Range(0, int64(8*time.Second)).Draw(rt, "run")
		flow := func(observe bool) (*cluster.Sim, []cluster.Time) {
			s, err := cluster.New(cluster.Config{Seed: seed, Timing: cluster.Realistic()})
			require.NoError(rt, err)
			var at []cluster.Time
			if observe {
				s.Observe(cluster.Observer{
					AfterEvent: func(cluster.TraceEntry) error { _ = s.List(cluster.KindPod, "", selector.Everything()); return nil },
					Every:      every,
					AtTime:     func(now cluster.Time) error { at = append(at, now); return nil },
				})
			}
			k := kubectl.New(s, "default")
			_, err = k.CreateDeployment("web", kubectl.DeploymentOptions{Image: "nginx", Replicas: 2, Port: 80})
			require.NoError(rt, err)
			require.NoError(rt, s.RunFor(time.Duration(run)))
			require.NoError(rt, k.SetImage("web", "nginx", "nginx:2"))
			require.NoError(rt, s.Settle())
			return s, at
		}
		plain, _ := flow(false)
		observed, at := flow(true)
		require.Equal(rt, plain.Digest(), observed.Digest())
		// The first check is at the first multiple of every after New.
		base, err := cluster.New(cluster.Config{Seed: seed, Timing: cluster.Realistic()})
		require.NoError(rt, err)
		first := (int64(base.Now()) + int64(every) - 1) / int64(every)
		for i, x := range at {
			require.Equal(rt, cluster.Time((first+int64(i))*int64(every)), x)
		}
		// Settle ends at its last event: the check at that instant is
		// made unless background work is due then too.
		due := int(int64(observed.Now())/int64(every)-first) + 1
		require.Contains(rt, []int{due - 1, due}, len(at))
	})
}

package cluster

import (
	"bytes"
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// loopLog records which timers ran, and at what virtual time.
type loopLog struct {
	s       *Sim
	entries []string
}

// timer schedules a timer that logs its name after d; then, if given, runs
// more (which may schedule further timers).
func (l *loopLog) timer(d time.Duration, name string, more ...func()) {
	l.s.After(d, name, func() {
		l.entries = append(l.entries, l.s.Now().String()+" "+name)
		for _, f := range more {
			f()
		}
	})
}

func TestLoopOrder(t *testing.T) {
	tests := []struct {
		name   string
		script func(l *loopLog)
		run    func(s *Sim) // default: Settle
		want   []string
	}{
		{
			name: "equal times run in scheduling order",
			script: func(l *loopLog) {
				l.timer(time.Second, "a")
				l.timer(time.Second, "b")
				l.timer(500*time.Millisecond, "c")
				l.timer(time.Second, "d")
				l.timer(2*time.Second, "e")
				l.timer(time.Second, "f")
			},
			want: []string{"+500ms c", "+1s a", "+1s b", "+1s d", "+1s f", "+2s e"},
		},
		{
			name: "negative After runs now",
			script: func(l *loopLog) {
				l.s.RunFor(10 * time.Second)
				l.timer(-5*time.Second, "negative")
				l.timer(0, "zero")
			},
			want: []string{"+10s negative", "+10s zero"},
		},
		{
			name: "scheduling into the past from an event runs at now, after what is already due",
			script: func(l *loopLog) {
				l.timer(10*time.Second, "outer", func() { l.timer(-3*time.Second, "inner") })
				l.timer(10*time.Second, "sibling")
				l.timer(11*time.Second, "later")
			},
			want: []string{"+10s outer", "+10s sibling", "+10s inner", "+11s later"},
		},
		{
			name: "a timer set by a timer runs before later ones",
			script: func(l *loopLog) {
				l.timer(time.Second, "a", func() { l.timer(500*time.Millisecond, "a2") })
				l.timer(2*time.Second, "b")
			},
			want: []string{"+1s a", "+1.5s a2", "+2s b"},
		},
		{
			name: "RunUntil runs events at exactly t and stops there",
			script: func(l *loopLog) {
				l.timer(5*time.Second, "at")
				l.timer(5*time.Second+time.Nanosecond, "after")
			},
			run:  func(s *Sim) { s.RunUntil(Time(5 * time.Second)) },
			want: []string{"+5s at"},
		},
		{
			name: "RunFor runs what is due within d",
			script: func(l *loopLog) {
				l.timer(time.Second, "1s")
				l.timer(3*time.Second, "3s")
				l.timer(4*time.Second, "4s")
			},
			run:  func(s *Sim) { s.RunFor(3 * time.Second) },
			want: []string{"+1s 1s", "+3s 3s"},
		},
		{
			name: "Step runs one event",
			script: func(l *loopLog) {
				l.timer(2*time.Second, "second")
				l.timer(time.Second, "first")
			},
			run:  func(s *Sim) { s.Step() },
			want: []string{"+1s first"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := newSim(t, Config{Seed: 1})
			l := &loopLog{s: s}
			tt.script(l)
			if tt.run != nil {
				tt.run(s)
			} else {
				require.NoError(t, s.Settle())
			}
			assert.Equal(t, tt.want, l.entries)
		})
	}
}

func TestRunUntilAndRunForMoveTime(t *testing.T) {
	s := newSim(t, Config{Seed: 1})
	l := &loopLog{s: s}
	l.timer(5*time.Second, "at")
	l.timer(5*time.Second+time.Nanosecond, "after")

	s.RunUntil(Time(5 * time.Second))
	assert.Equal(t, Time(5*time.Second), s.Now())
	assert.Equal(t, 1, s.Pending())

	s.RunUntil(Time(time.Second))
	assert.Equal(t, Time(5*time.Second), s.Now(), "time never goes back")
	assert.Equal(t, []string{"+5s at"}, l.entries)

	s.RunFor(-time.Second)
	assert.Equal(t, Time(5*time.Second), s.Now())
	s.RunFor(0)
	assert.Equal(t, Time(5*time.Second), s.Now())
	assert.Equal(t, 1, s.Pending())

	s.RunFor(time.Minute)
	assert.Equal(t, Time(65*time.Second), s.Now(), "RunFor leaves time at now+d, past the last event")
	assert.Equal(t, []string{"+5s at", "+5.000000001s after"}, l.entries)
	assert.Zero(t, s.Pending())
}

func TestStep(t *testing.T) {
	s := newSim(t, Config{Seed: 1})
	require.Zero(t, s.Pending(), "New returns a settled cluster")
	n, digest := s.TraceLen(), s.Digest()
	assert.False(t, s.Step(), "nothing to run")
	assert.Equal(t, Time(0), s.Now())
	assert.Equal(t, n, s.TraceLen())
	assert.Equal(t, digest, s.Digest())

	ran := false
	s.After(2*time.Second, "t", func() { ran = true })
	assert.Equal(t, 1, s.Pending())
	assert.True(t, s.Step())
	assert.True(t, ran)
	assert.Equal(t, Time(2*time.Second), s.Now(), "time jumps to the event")
	assert.Equal(t, n+1, s.TraceLen())
	assert.False(t, s.Step())
}

// decreasingLag draws 100 ms, 90 ms, ... 0 ms, 0 ms: every delivery would
// overtake the one before it if the watch did not keep them in order.
func decreasingLag() LagFunc {
	next := 100 * time.Millisecond
	return func(*rand.Rand) time.Duration {
		d := next
		next = max(next-10*time.Millisecond, 0)
		return d
	}
}

func TestWatchKeepsOrderWhateverTheLag(t *testing.T) {
	s := newSim(t, Config{Seed: 1})
	type delivery struct {
		at   Time
		typ  WatchEventType
		name string
		rv   uint64
		old  uint64
	}
	var got []delivery
	s.Watch("ordered", decreasingLag(), func(ev WatchEvent) {
		d := delivery{at: s.Now(), typ: ev.Type, name: ev.Object.Meta().Name, rv: ev.Object.Meta().ResourceVersion}
		if ev.Old != nil {
			d.old = ev.Old.Meta().ResourceVersion
		}
		got = append(got, d)
	}, KindPod)
	var created []string
	for i := range 5 {
		name := fmt.Sprintf("web-%d", i)
		_, err := s.Create(webPod(name))
		require.NoError(t, err)
		created = append(created, name)
	}
	require.NoError(t, s.Delete(KindPod, "default", "web-0", DeleteOptions{Force: true}))
	require.NoError(t, s.Settle())

	require.NotEmpty(t, got)
	var added []string
	lastRV := map[string]uint64{}
	for i, d := range got {
		assert.Equal(t, Time(100*time.Millisecond), d.at, "every delivery waits for the first, at 100 ms")
		if i > 0 {
			assert.Greater(t, d.rv, got[i-1].rv, "deliveries in the order the changes happened: %+v after %+v", d, got[i-1])
		}
		if d.typ == Added {
			added = append(added, d.name)
		}
		if d.typ == Modified {
			assert.Equal(t, lastRV[d.name], d.old, "Old is the version delivered before")
		}
		lastRV[d.name] = d.rv
	}
	assert.Equal(t, created, added)
	assert.Equal(t, Deleted, got[5].typ, "web-0's deletion comes right after the creates")
	assert.Equal(t, "web-0", got[5].name)
}

func TestWatchDeliversExistingObjectsFirst(t *testing.T) {
	s := newSim(t, Config{Seed: 1})
	var got []string
	s.Watch("nodes", nil, func(ev WatchEvent) { got = append(got, string(ev.Type)+" "+ev.Object.Meta().Name) }, KindNode)
	assert.Empty(t, got, "deliveries are events: nothing runs until the loop does")
	require.NoError(t, s.Settle())
	assert.Equal(t, []string{"ADDED node-1", "ADDED node-2", "ADDED node-3"}, got)
}

func TestWatchGetsItsOwnCopies(t *testing.T) {
	s := newSim(t, Config{Seed: 1})
	s.Watch("vandal", nil, func(ev WatchEvent) {
		ev.Object.Meta().Labels["app"] = "vandalised"
	}, KindPod)
	_, err := s.Create(webPod("web"))
	require.NoError(t, err)
	require.NoError(t, s.Settle())
	assert.Equal(t, "web", mustPod(t, s, "web").Labels["app"], "a watcher cannot change the store by editing its event")
	assert.True(t, mustPod(t, s, "web").IsReady(), "nor disturb the other watchers")
}

func TestWatchStopDropsPendingDeliveries(t *testing.T) {
	s := newSim(t, Config{Seed: 1})
	var got []string
	w := s.Watch("stopped", Fixed(time.Second), func(ev WatchEvent) {
		got = append(got, string(ev.Type)+" "+ev.Object.Meta().Name)
	}, KindPod)
	_, err := s.Create(webPod("before-stop"))
	require.NoError(t, err)
	s.RunFor(500 * time.Millisecond)
	w.Stop()
	_, err = s.Create(webPod("after-stop"))
	require.NoError(t, err)
	require.NoError(t, s.Settle())
	assert.Empty(t, got, "the delivery due at 1 s was dropped, and nothing after Stop was sent")
	for _, e := range s.Trace() {
		if e.Component == "stopped" {
			assert.NotEqual(t, "pod/default/after-stop", e.Object, "no delivery scheduled after Stop: %v", e)
		}
	}
	assert.True(t, mustPod(t, s, "after-stop").IsReady(), "the cluster goes on without the watcher")
}

func TestUniformAndFixedLags(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	u := Uniform{Min: 5 * time.Millisecond, Max: 50 * time.Millisecond}
	lo, hi := time.Hour, time.Duration(0)
	for range 10_000 {
		d := u.Draw(r)
		lo, hi = min(lo, d), max(hi, d)
	}
	assert.GreaterOrEqual(t, lo, u.Min)
	assert.LessOrEqual(t, hi, u.Max)
	assert.Less(t, lo, 6*time.Millisecond, "the whole range is used")
	assert.Greater(t, hi, 49*time.Millisecond, "the whole range is used")
	assert.Equal(t, 7*time.Millisecond, Uniform{Min: 7 * time.Millisecond, Max: 3 * time.Millisecond}.Draw(r), "Max <= Min gives Min")
	assert.Equal(t, 3*time.Second, Fixed(3*time.Second).Draw(r))
}

func TestRealisticLagsWithinBounds(t *testing.T) {
	within := func(t *testing.T, what string, d, lo, hi time.Duration) {
		t.Helper()
		assert.True(t, lo <= d && d <= hi, "%s took %s, want %s..%s", what, d, lo, hi)
	}
	for seed := uint64(1); seed <= 5; seed++ {
		t.Run(fmt.Sprint("seed ", seed), func(t *testing.T) {
			s := newSim(t, Config{Seed: seed, Timing: Realistic()})
			added := 0
			s.Watch("lag-meter", nil, func(ev WatchEvent) {
				if ev.Type == Added {
					added++
					within(t, "watch delivery", s.Now().Sub(ev.Object.Meta().CreationTimestamp), 5*time.Millisecond, 50*time.Millisecond)
				}
			}, KindPod)
			for i := range 12 {
				_, err := s.Create(webPod(fmt.Sprintf("web-%d", i)))
				require.NoError(t, err)
				if i%3 == 2 {
					s.RunFor(time.Second)
				}
			}
			require.NoError(t, s.Settle())
			assert.Equal(t, 12, added)
			for _, p := range ListAs[*Pod](s, "default", everything) {
				scheduled, ok := p.Condition(PodScheduled)
				require.True(t, ok)
				require.NotNil(t, p.Status.StartTime)
				require.NotNil(t, p.Status.ContainerStatuses[0].State.Running, p.Name)
				within(t, p.Name+" scheduling", scheduled.LastTransitionTime.Sub(p.CreationTimestamp), 10*time.Millisecond, 100*time.Millisecond)
				within(t, p.Name+" kubelet watch", p.Status.StartTime.Sub(scheduled.LastTransitionTime), 10*time.Millisecond, 100*time.Millisecond)
				within(t, p.Name+" container start", p.Status.ContainerStatuses[0].State.Running.StartedAt.Sub(*p.Status.StartTime), 500*time.Millisecond, 2*time.Second)
			}
		})
	}
}

func TestTraceRingKeepsTheLatestEntries(t *testing.T) {
	const capacity = 5
	s := newSim(t, Config{Seed: 1, TraceCapacity: capacity})
	none := newSim(t, Config{Seed: 1, TraceCapacity: -1})
	require.Len(t, s.Trace(), capacity, "bootstrap alone fills the ring")
	assert.Empty(t, none.Trace())
	assert.Equal(t, s.Digest(), none.Digest(), "the digest covers every entry, kept or not")

	digests := map[string]bool{s.Digest(): true}
	for i := range 12 {
		name := fmt.Sprintf("timer-%02d", i)
		for _, sim := range []*Sim{s, none} {
			sim.After(time.Second, name, func() {})
			n := sim.TraceLen()
			require.True(t, sim.Step())
			assert.Equal(t, n+1, sim.TraceLen())
		}
		assert.False(t, digests[s.Digest()], "the digest changes with every entry")
		digests[s.Digest()] = true
		assert.Equal(t, s.Digest(), none.Digest())
		kept := s.Trace()
		require.Len(t, kept, capacity)
		assert.Equal(t, name, kept[capacity-1].Component, "the newest entry is last")
		assert.Equal(t, Time(time.Duration(i+1)*time.Second), kept[capacity-1].At)
	}
	var components []string
	for _, e := range s.Trace() {
		components = append(components, e.Component)
	}
	assert.Equal(t, []string{"timer-07", "timer-08", "timer-09", "timer-10", "timer-11"}, components, "oldest first")
	assert.Empty(t, none.Trace())
}

func TestWriteTrace(t *testing.T) {
	s := newSim(t, Config{Seed: 1, TraceCapacity: 3})
	s.After(1500*time.Millisecond, "my-controller", func() {})
	s.RunFor(2 * time.Second)
	_, err := s.Create(webPod("web"))
	require.NoError(t, err)
	require.NoError(t, s.NodeDown("node-1"))

	var b bytes.Buffer
	require.NoError(t, s.WriteTrace(&b))
	assert.Equal(t,
		"+1.5s  my-controller  Timer   \n"+
			"+2s    user           Create  pod/default/web\n"+
			"+2s    user           Fault   node/node-1: node down\n",
		b.String())

	entries := s.Trace()
	require.Len(t, entries, 3)
	assert.Equal(t, "+2s          user Fault node/node-1: node down", entries[2].String())
	assert.Equal(t, "+1.5s        my-controller Timer", entries[0].String())

	var empty bytes.Buffer
	require.NoError(t, newSim(t, Config{Seed: 1, TraceCapacity: -1}).WriteTrace(&empty))
	assert.Empty(t, empty.String())
}

func TestDigestDependsOnWhatHappened(t *testing.T) {
	run := func(component string, d time.Duration) string {
		s := newSim(t, Config{Seed: 1})
		s.After(d, component, func() {})
		require.NoError(t, s.Settle())
		return s.Digest()
	}
	base := run("a", time.Second)
	assert.Equal(t, base, run("a", time.Second))
	assert.NotEqual(t, base, run("b", time.Second), "who")
	assert.NotEqual(t, base, run("a", 2*time.Second), "when")
	assert.True(t, strings.HasSuffix(base, fmt.Sprintf("-%d", newSim(t, Config{Seed: 1}).TraceLen()+1)), "the digest ends with the entry count")
}

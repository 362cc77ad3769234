package cluster

import (
	"errors"
	"math"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// Virtual time at its end, grace periods that do not fit, runaway runs
// and nil functions (issue 10, items 9 and 10, and part of 18).

const year = 365 * 24 * time.Hour

func TestHugeAndNegativeLags(t *testing.T) {
	t.Run("a Watch lag up to MaxInt64 builds a cluster", func(t *testing.T) {
		var s *Sim
		var err error
		require.NotPanics(t, func() { s, err = New(Config{Seed: 1, Nodes: 1, Timing: Timing{Watch: Uniform{Max: math.MaxInt64}}}) })
		require.NoError(t, err)
		assert.Len(t, ListAs[*Node](s, "", everything), 1)
	})
	t.Run("a negative lag delivers at the instant of the change", func(t *testing.T) {
		s := newSim(t, Config{Seed: 1})
		require.NoError(t, s.RunFor(10*time.Second))
		var at []Time
		s.Watch("early", Uniform{Min: -time.Hour, Max: -time.Minute}, func(WatchEvent) { at = append(at, s.Now()) }, KindNode)
		require.NoError(t, s.Settle())
		assert.Equal(t, []Time{Time(10 * time.Second), Time(10 * time.Second), Time(10 * time.Second)}, at)
	})
}

func TestTimeArithmeticSaturates(t *testing.T) {
	const minTime = Time(math.MinInt64)
	add := []struct {
		t    Time
		d    time.Duration
		want Time
	}{
		{0, math.MaxInt64, EndOfTime},
		{1, math.MaxInt64, EndOfTime},
		{EndOfTime, time.Nanosecond, EndOfTime},
		{Time(100 * year), 250 * year, EndOfTime},
		{EndOfTime - 1, 1, EndOfTime},
		{EndOfTime, -1, EndOfTime - 1},
		{-1, math.MinInt64, minTime},
		{minTime, -1, minTime},
		{0, math.MinInt64, minTime},
		{5, -3, 2},
		{Time(time.Second), time.Second, Time(2 * time.Second)},
	}
	for _, tt := range add {
		assert.Equal(t, tt.want, tt.t.Add(tt.d), "%d.Add(%d)", int64(tt.t), int64(tt.d))
	}
	sub := []struct {
		t, u Time
		want time.Duration
	}{
		{EndOfTime, -1, math.MaxInt64},
		{EndOfTime, minTime, math.MaxInt64},
		{minTime, 1, math.MinInt64},
		{-2, EndOfTime, math.MinInt64},
		{EndOfTime, 0, math.MaxInt64},
		{Time(3 * time.Second), Time(time.Second), 2 * time.Second},
	}
	for _, tt := range sub {
		assert.Equal(t, tt.want, tt.t.Sub(tt.u), "%d.Sub(%d)", int64(tt.t), int64(tt.u))
	}
}

func TestTimersAtTheEndOfTime(t *testing.T) {
	s := newSim(t, Config{Seed: 1})
	var ran []string
	timer := func(d time.Duration, name string) {
		s.After(d, name, func() { ran = append(ran, name+"@"+s.Now().String()) })
	}
	timer(math.MaxInt64, "never")
	timer(time.Second, "soon")
	timer(100*year, "century")
	assert.Equal(t, 2, s.Pending(), "a timer due at the end of time is never queued")
	require.NoError(t, s.Settle())
	assert.Equal(t, []string{"soon@+1s", "century@" + Time(100*year).String()}, ran, "nothing fires early")

	// From a century on, 250 years is past the end: never, not at once.
	timer(250*year, "past the end")
	timer(time.Minute, "a minute on")
	require.NoError(t, s.RunFor(math.MaxInt64))
	assert.Equal(t, []string{"soon@+1s", "century@" + Time(100*year).String(), "a minute on@" + Time(100*year+time.Minute).String()}, ran)
	assert.Equal(t, EndOfTime-1, s.Now(), "RunFor(MaxInt64) runs to the last instant")
	assert.Zero(t, s.Pending())

	// At the last instant, what takes no time still happens.
	timer(0, "last")
	require.NoError(t, s.Settle())
	assert.Equal(t, "last@"+(EndOfTime-1).String(), ran[len(ran)-1])
	require.NoError(t, s.RunUntil(EndOfTime))
	assert.Equal(t, EndOfTime-1, s.Now())
}

func TestRunForMaxInt64RunsWhatIsDue(t *testing.T) {
	s := newSim(t, Config{Seed: 1})
	ran := 0
	s.After(time.Hour, "t", func() { ran++ })
	require.NoError(t, s.RunFor(math.MaxInt64))
	assert.Equal(t, 1, ran)
}

func TestRunForAndRunUntilGiveUpOnARunaway(t *testing.T) {
	for _, tt := range []struct {
		name  string
		start func(s *Sim, fn func())
		run   func(s *Sim) error
	}{
		{"RunFor, a busy timer", func(s *Sim, fn func()) { s.After(0, "spinner", fn) }, func(s *Sim) error { return s.RunFor(time.Second) }},
		{"RunUntil, a busy timer", func(s *Sim, fn func()) { s.After(0, "spinner", fn) }, func(s *Sim) error { return s.RunUntil(Time(time.Second)) }},
		{"RunFor, a background timer", func(s *Sim, fn func()) { s.Background(0, "spinner", fn) }, func(s *Sim) error { return s.RunFor(time.Second) }},
	} {
		t.Run(tt.name, func(t *testing.T) {
			s := newSim(t, Config{Seed: 1, SettleLimit: 1000})
			var spin func()
			idle := tt.name == "RunFor, a background timer"
			spin = func() {
				if idle {
					s.Background(0, "spinner", spin)
				} else {
					s.After(0, "spinner", spin)
				}
			}
			tt.start(s, spin)
			err := tt.run(s)
			var busy *BusyError
			require.ErrorAs(t, err, &busy)
			assert.Equal(t, 1000, busy.Ran)
			assert.Equal(t, Time(0), busy.At, "time stays where the runaway is")
			assert.Equal(t, []string{"spinner Timer: 1"}, busy.Pending)
			assert.Equal(t, Time(0), s.Now())
		})
	}
}

func TestAHugeProbePeriodNeitherWrapsNorHangs(t *testing.T) {
	// Period and success threshold at MaxInt32: a probe every 68 years,
	// passing, never often enough. Time used to wrap past the fifth probe,
	// and the loop then ran probes at one instant for ever.
	s := newSim(t, Config{Seed: 1})
	_, err := s.Create(webPod("web", func(p *Pod) {
		p.Spec.Containers[0].ReadinessProbe = &Probe{PeriodSeconds: math.MaxInt32, SuccessThreshold: math.MaxInt32}
	}))
	require.NoError(t, err)
	require.NoError(t, s.Settle())
	period := time.Duration(math.MaxInt32) * time.Second
	assert.Equal(t, Time(4*period), s.Now(), "the last probe before the end of time")
	assert.False(t, mustPod(t, s, "web").IsReady())
	require.NoError(t, s.RunFor(time.Second))
	assert.Equal(t, Time(4*period+time.Second), s.Now())
}

func TestHugeGracePeriodsNeverKillEarly(t *testing.T) {
	// The apps ignore SIGTERM (or drain for ever), so only SIGKILL at the
	// end of the grace period removes them; it used to come after about 2 s.
	ignore := func(p *Pod) { p.Spec.OnSIGTERM = SigtermIgnore }
	graceSpec := func(n int64) func(*Pod) {
		return func(p *Pod) { p.Spec.TerminationGracePeriodSeconds = Ptr(n) }
	}
	tests := []struct {
		name  string
		pod   []func(*Pod)
		opts  DeleteOptions
		dies  time.Duration // 0: never
		grace int64
	}{
		{"delete with MaxInt64", []func(*Pod){ignore}, DeleteOptions{GracePeriodSeconds: Ptr(int64(math.MaxInt64))}, 0, math.MaxInt64},
		{"terminationGracePeriodSeconds 1e10", []func(*Pod){ignore, graceSpec(1e10)}, DeleteOptions{}, 0, 1e10},
		{"terminationGracePeriodSeconds MaxInt64", []func(*Pod){ignore, graceSpec(math.MaxInt64)}, DeleteOptions{}, 0, math.MaxInt64},
		{"draining for ever", []func(*Pod){graceSpec(math.MaxInt64), func(p *Pod) {
			p.Spec.OnSIGTERM, p.Spec.DrainSeconds = SigtermDrain, math.MaxInt64
		}}, DeleteOptions{}, 0, math.MaxInt64},
		{"a preStop sleep past the end of time", []func(*Pod){graceSpec(math.MaxInt64), func(p *Pod) {
			p.Spec.Containers[0].Lifecycle = &Lifecycle{PreStop: &LifecycleHandler{Sleep: &SleepAction{Seconds: 1e10}}}
		}}, DeleteOptions{}, 0, math.MaxInt64},
		{"a long grace that fits", []func(*Pod){ignore, graceSpec(1e9)}, DeleteOptions{}, 1e9 * time.Second, 1e9},
		{"a long delete that fits", []func(*Pod){ignore}, DeleteOptions{GracePeriodSeconds: Ptr(int64(9e9))}, 9e9 * time.Second, 9e9},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := newSim(t, Config{Seed: 1})
			_, err := s.Create(webPod("web", tt.pod...))
			require.NoError(t, err)
			require.NoError(t, s.Settle())
			require.NoError(t, s.Delete(KindPod, "default", "web", tt.opts))
			p := mustPod(t, s, "web")
			require.True(t, p.Terminating())
			assert.Equal(t, tt.grace, *p.DeletionGracePeriodSeconds)
			if tt.dies == 0 {
				assert.Equal(t, EndOfTime, *p.DeletionTimestamp, "the deadline saturates")
				require.NoError(t, s.Settle())
				require.NoError(t, s.RunFor(math.MaxInt64))
				assert.True(t, mustPod(t, s, "web").Terminating(), "still terminating at the end of time")
				return
			}
			assert.Equal(t, Time(tt.dies), *p.DeletionTimestamp)
			require.NoError(t, s.RunUntil(Time(tt.dies-time.Second)))
			assert.True(t, mustPod(t, s, "web").Terminating(), "not killed early")
			require.NoError(t, s.RunUntil(Time(tt.dies)))
			_, ok := GetAs[*Pod](s, "default", "web")
			assert.False(t, ok, "killed at the end of its grace period")
		})
	}
}

func TestAShortDeleteCutsAHugeGracePeriod(t *testing.T) {
	s := newSim(t, Config{Seed: 1})
	_, err := s.Create(webPod("web", func(p *Pod) { p.Spec.OnSIGTERM = SigtermIgnore }))
	require.NoError(t, err)
	require.NoError(t, s.Settle())
	require.NoError(t, s.Delete(KindPod, "default", "web", DeleteOptions{GracePeriodSeconds: Ptr(int64(math.MaxInt64))}))
	require.NoError(t, s.RunFor(time.Hour))
	require.NoError(t, s.Delete(KindPod, "default", "web", DeleteOptions{GracePeriodSeconds: Ptr(int64(5))}))
	require.NoError(t, s.RunFor(4*time.Second))
	assert.True(t, mustPod(t, s, "web").Terminating())
	require.NoError(t, s.RunFor(time.Second))
	_, ok := GetAs[*Pod](s, "default", "web")
	assert.False(t, ok)
}

func TestSecondsDurationSaturates(t *testing.T) {
	const most = math.MaxInt64 / int64(time.Second) // 9223372036 s, 292 years
	for _, tt := range []struct {
		n    int64
		want time.Duration
	}{
		{0, 0},
		{30, 30 * time.Second},
		{most, time.Duration(most) * time.Second},
		{most + 1, math.MaxInt64},
		{1e10, math.MaxInt64},
		{math.MaxInt64, math.MaxInt64},
		{-most, -time.Duration(most) * time.Second},
		{-most - 1, math.MinInt64},
		{math.MinInt64, math.MinInt64},
	} {
		assert.Equal(t, tt.want, secondsDuration(tt.n), "%d s", tt.n)
	}
}

func TestNilFunctionsFailAtTheCall(t *testing.T) {
	tests := []struct {
		name string
		call func(s *Sim)
		want string
	}{
		{"After", func(s *Sim) { s.After(time.Second, "t", nil) }, "cluster: After with a nil func"},
		{"Background", func(s *Sim) { s.Background(time.Second, "t", nil) }, "cluster: Background with a nil func"},
		{"Watch nil handler", func(s *Sim) { s.Watch("w", nil, nil, KindPod) }, "cluster: Watch with a nil handler"},
		{"Watch nil lag func", func(s *Sim) { s.Watch("w", LagFunc(nil), func(WatchEvent) {}, KindPod) }, "cluster: Watch with a nil cluster.LagFunc lag"},
		{"Watch nil lag pointer", func(s *Sim) { s.Watch("w", (*Uniform)(nil), func(WatchEvent) {}, KindPod) }, "cluster: Watch with a nil *cluster.Uniform lag"},
		{"Watch no kinds", func(s *Sim) { s.Watch("w", nil, func(WatchEvent) {}) }, "cluster: Watch with no kinds"},
		{"Watch unknown kind", func(s *Sim) { s.Watch("w", nil, func(WatchEvent) {}, KindPod, Kind("Pods")) }, `cluster: Watch of unknown kind "Pods"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := newSim(t, Config{Seed: 1})
			_, err := s.Create(webPod("web"))
			require.NoError(t, err)
			pending, digest := s.Pending(), s.Digest()
			require.PanicsWithValue(t, tt.want, func() { tt.call(s) })
			assert.Equal(t, pending, s.Pending(), "nothing scheduled")
			assert.Equal(t, digest, s.Digest())
			require.NoError(t, s.Settle(), "and the loop runs on")
			assert.True(t, mustPod(t, s, "web").IsReady())
			assert.NotEqual(t, digest, s.Digest(), "the digest moves on with the loop, not with the refused call")
		})
	}
}

func TestBusyErrorStillFromSettle(t *testing.T) {
	s := newSim(t, Config{Seed: 1, SettleLimit: 100})
	var spin func()
	spin = func() { s.After(time.Millisecond, "spinner", spin) }
	s.After(0, "spinner", spin)
	err := s.Settle()
	var busy *BusyError
	require.True(t, errors.As(err, &busy))
	assert.Equal(t, []string{"spinner Timer: 1"}, busy.Pending)
}

func TestADeliveryPastTheEndHoldsBackTheRest(t *testing.T) {
	// A change delayed past the end of time never arrives, and the later
	// ones, which may not overtake it, never do either.
	s := newSim(t, Config{Seed: 1})
	lags := []time.Duration{time.Second, math.MaxInt64, 0}
	var got []string
	s.Watch("slow", LagFunc(func(*rand.Rand) time.Duration {
		d := lags[0]
		if len(lags) > 1 {
			lags = lags[1:]
		}
		return d
	}), func(ev WatchEvent) { got = append(got, ev.Object.Meta().Name) }, KindPod)
	for _, name := range []string{"first", "second", "third"} {
		_, err := s.Create(webPod(name))
		require.NoError(t, err)
	}
	require.NoError(t, s.Settle())
	require.NoError(t, s.RunFor(math.MaxInt64))
	assert.Equal(t, []string{"first"}, got)
	assert.True(t, mustPod(t, s, "third").IsReady(), "the other watchers go on")
}

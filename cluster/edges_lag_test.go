package cluster

import (
	"math"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/svcsim/svcsim/selector"
	"pgregory.net/rapid"
)

// Lags at the edges of time.Duration, and partial Timings (issue 10,
// items 8 and 16).

func TestUniformDrawsWithinAnyBounds(t *testing.T) {
	tests := []struct {
		name     string
		min, max time.Duration
	}{
		{"up to MaxInt64", 0, math.MaxInt64},
		{"the whole range", math.MinInt64, math.MaxInt64},
		{"negative to positive", -time.Hour, time.Hour},
		{"from MinInt64", math.MinInt64, 0},
		{"width one at the top", math.MaxInt64 - 1, math.MaxInt64},
		{"width one at the bottom", math.MinInt64, math.MinInt64 + 1},
		{"just wider than MaxInt64", -1, math.MaxInt64},
	}
	r := rand.New(rand.NewPCG(1, 2))
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			u := Uniform{Min: tt.min, Max: tt.max}
			for range 1000 {
				var d time.Duration
				require.NotPanics(t, func() { d = u.Draw(r) })
				require.True(t, tt.min <= d && d <= tt.max, "%v not in [%v, %v]", d, tt.min, tt.max)
			}
		})
	}
}

func TestUniformDrawsAsBefore(t *testing.T) {
	// The unsigned arithmetic must not change a single draw of a range that
	// always fitted, or every recorded trace would change.
	a, b := rand.New(rand.NewPCG(7, 8)), rand.New(rand.NewPCG(7, 8))
	u := Uniform{Min: 5 * time.Millisecond, Max: 50 * time.Millisecond}
	for range 1000 {
		require.Equal(t, u.Min+time.Duration(b.Int64N(int64(u.Max-u.Min)+1)), u.Draw(a))
	}
}

func TestUniformDrawProperty(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		u := Uniform{Min: time.Duration(rapid.Int64().Draw(t, "min")), Max: time.Duration(rapid.Int64().Draw(t, "max"))}
		r := rand.New(rand.NewPCG(rapid.Uint64().Draw(t, "seed"), 0))
		d := u.Draw(r)
		if u.Max <= u.Min {
			if d != u.Min {
				t.Fatalf("Max <= Min: got %v, want Min %v", d, u.Min)
			}
			return
		}
		if d < u.Min || d > u.Max {
			t.Fatalf("%v not in [%v, %v]", d, u.Min, u.Max)
		}
	})
}

func TestNilLagsAreRefused(t *testing.T) {
	for _, timing := range []Timing{
		{Watch: LagFunc(nil)},
		{Scheduler: (*Uniform)(nil)},
		{Kubelet: LagFunc(nil)},
		{Controllers: LagFunc(nil)},
		{ContainerStart: (*Uniform)(nil)},
	} {
		var err error
		require.NotPanics(t, func() { _, err = New(Config{Timing: timing}) })
		require.ErrorIs(t, err, ErrConfig, "%+v", timing)
		assert.Contains(t, err.Error(), "Timing.")
	}
}

func TestPartialTimingKeepsWhatIsSet(t *testing.T) {
	t.Run("only Scheduler", func(t *testing.T) {
		s := newSim(t, Config{Seed: 1, Timing: Timing{Scheduler: Fixed(3 * time.Second)}})
		_, err := s.Create(webPod("web"))
		require.NoError(t, err)
		require.NoError(t, s.Settle())
		p := mustPod(t, s, "web")
		scheduled, ok := p.Condition(PodScheduled)
		require.True(t, ok)
		assert.Equal(t, 3*time.Second, scheduled.LastTransitionTime.Sub(p.CreationTimestamp), "the scheduler's lag is kept")
		assert.Equal(t, scheduled.LastTransitionTime, *p.Status.StartTime, "the rest is instant")
		assert.True(t, p.IsReady())

		got := s.Config().Timing
		assert.Equal(t, Fixed(3*time.Second), got.Scheduler)
		assert.Equal(t, Fixed(0), got.Watch)
		assert.Equal(t, Fixed(0), got.ContainerStart)
		assert.Equal(t, 50*time.Second, got.NodeMonitorGracePeriod)
	})
	t.Run("Scheduler and ControllerBatch", func(t *testing.T) {
		s := newSim(t, Config{Seed: 1, Timing: Timing{Scheduler: Fixed(time.Second), ControllerBatch: 2 * time.Second}})
		start := s.Now()
		_, err := s.Create(&ReplicaSet{ObjectMeta: ObjectMeta{Name: "web"}, Spec: ReplicaSetSpec{
			Replicas: Ptr(int32(1)),
			Selector: &selector.LabelSelector{MatchLabels: map[string]string{"app": "web"}},
			Template: nginxTemplate(map[string]string{"app": "web"}, "nginx"),
		}})
		require.NoError(t, err)
		require.NoError(t, s.Settle())
		pods := ListAs[*Pod](s, "default", everything)
		require.Len(t, pods, 1)
		assert.Equal(t, 2*time.Second, pods[0].CreationTimestamp.Sub(start), "the controller's batch is kept")
		scheduled, _ := pods[0].Condition(PodScheduled)
		assert.Equal(t, time.Second, scheduled.LastTransitionTime.Sub(pods[0].CreationTimestamp), "and so is the scheduler's lag")
	})
	t.Run("only ContainerStart", func(t *testing.T) {
		s := newSim(t, Config{Seed: 1, Timing: Timing{ContainerStart: Fixed(time.Second)}})
		start := s.Now()
		_, err := s.Create(webPod("web"))
		require.NoError(t, err)
		require.NoError(t, s.Settle())
		p := mustPod(t, s, "web")
		assert.Equal(t, start, *p.Status.StartTime, "the watches are instant")
		assert.Equal(t, time.Second, p.Status.ContainerStatuses[0].State.Running.StartedAt.Sub(start))
	})
}

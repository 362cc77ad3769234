package cluster

import (
	"math/rand/v2"
	"time"
)

// Lag is a distribution of delays. Every watch subscriber has one, drawn
// from a seeded stream of that subscriber's own: each change reaches it
// that long after it happened, and never before an earlier change did.
type Lag interface {
	Draw(r *rand.Rand) time.Duration
}

// Fixed is a constant delay.
type Fixed time.Duration

// Draw returns the delay; it draws nothing from r.
func (f Fixed) Draw(*rand.Rand) time.Duration { return time.Duration(f) }

// Uniform draws a delay uniformly from [Min, Max].
type Uniform struct{ Min, Max time.Duration }

// Draw returns a delay in [Min, Max]; Min when Max <= Min.
func (u Uniform) Draw(r *rand.Rand) time.Duration {
	if u.Max <= u.Min {
		return u.Min
	}
	return u.Min + time.Duration(r.Int64N(int64(u.Max-u.Min)+1))
}

// LagFunc adapts a function to [Lag], for any distribution of your own.
// It must draw only from the r it is given, or runs stop being repeatable.
type LagFunc func(r *rand.Rand) time.Duration

// Draw calls f.
func (f LagFunc) Draw(r *rand.Rand) time.Duration { return f(r) }

// Timing is how long things take in the simulated cluster: the lag of each
// component's watch and the kubelet's own delays.
type Timing struct {
	// Watch is the default lag of every watch subscriber, built-in or not.
	Watch Lag
	// Scheduler, Kubelet and Controllers override Watch for those components
	// when not nil.
	Scheduler   Lag
	Kubelet     Lag
	Controllers Lag
	// ContainerStart is how long after a pod gets its IP its containers run.
	ContainerStart Lag
	// ControllerBatch is how long a controller's work queue holds an object
	// before syncing it; the events that arrive meanwhile cost no extra
	// sync, as they would not while a real controller is busy.
	ControllerBatch time.Duration
	// NodeMonitorGracePeriod is how long a node may be silent before the
	// control plane marks it and its pods not ready (kube-controller-manager
	// --node-monitor-grace-period).
	NodeMonitorGracePeriod time.Duration
}

// Instant is the timing in which nothing takes time: every watch delivery
// happens at the instant of the change, in the order subscribers were
// registered, and containers start at once. A whole chain of reactions
// (create a pod, schedule it, start it, mark it ready) completes at one
// virtual instant, which keeps lessons and simple tests easy to follow.
// Readiness probes and grace periods still take their configured time. It
// is the default.
func Instant() Timing {
	return Timing{Watch: Fixed(0), ContainerStart: Fixed(0), NodeMonitorGracePeriod: 50 * time.Second}
}

// Realistic is a timing close to a healthy real cluster: watches deliver
// 5 to 50 ms after a change, the scheduler's a little later, containers take
// 0.5 to 2 s to start once the pod has an IP, and a silent node is marked
// not ready after 50 s; controllers batch the events of 10 ms into one
// sync. Use it in property tests to find the windows in
// which components disagree.
func Realistic() Timing {
	return Timing{
		Watch:                  Uniform{5 * time.Millisecond, 50 * time.Millisecond},
		Scheduler:              Uniform{10 * time.Millisecond, 100 * time.Millisecond},
		Kubelet:                Uniform{10 * time.Millisecond, 100 * time.Millisecond},
		ContainerStart:         Uniform{500 * time.Millisecond, 2 * time.Second},
		ControllerBatch:        10 * time.Millisecond,
		NodeMonitorGracePeriod: 50 * time.Second,
	}
}

func (t Timing) lagFor(l Lag) Lag {
	if l != nil {
		return l
	}
	if t.Watch != nil {
		return t.Watch
	}
	return Fixed(0)
}

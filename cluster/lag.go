package cluster

import (
	"fmt"
	"math"
	"math/rand/v2"
	"reflect"
	"time"
)

// Lag is a distribution of delays. Every watch subscriber has one, drawn
// from a seeded stream of that subscriber's own: each change reaches it
// that long after it happened, and never before an earlier change did. A
// negative delay counts as zero, since nothing can happen before its
// cause, and a delay that reaches [EndOfTime] means never: neither that
// change nor any later one (which may not overtake it) reaches the
// subscriber. A nil pointer or func is not a Lag: [New] and [Sim.Watch]
// refuse one.
type Lag interface {
	Draw(r *rand.Rand) time.Duration
}

// Fixed is a constant delay.
type Fixed time.Duration

// Draw returns the delay; it draws nothing from r.
func (f Fixed) Draw(*rand.Rand) time.Duration { return time.Duration(f) }

// Uniform draws a delay uniformly from [Min, Max]. Any Min and Max will
// do, the extremes of time.Duration included.
type Uniform struct{ Min, Max time.Duration }

// Draw returns a delay in [Min, Max]; Min when Max <= Min, without drawing.
func (u Uniform) Draw(r *rand.Rand) time.Duration {
	if u.Max <= u.Min {
		return u.Min
	}
	// The width Max-Min can exceed MaxInt64 (Min negative, Max positive),
	// but never MaxUint64: count in unsigned arithmetic, where the
	// wrap-around of two's complement gives the right answers.
	span := uint64(u.Max) - uint64(u.Min)
	var n uint64
	if span == math.MaxUint64 {
		n = r.Uint64() // the whole of time.Duration
	} else {
		n = r.Uint64N(span + 1) // draws as Int64N did for spans that fit
	}
	return time.Duration(uint64(u.Min) + n)
}

// LagFunc adapts a function to [Lag], for any distribution of your own.
// It must draw only from the r it is given, or runs stop being repeatable.
type LagFunc func(r *rand.Rand) time.Duration

// Draw calls f.
func (f LagFunc) Draw(r *rand.Rand) time.Duration { return f(r) }

// Timing is how long things take in the simulated cluster: the lag of each
// component's watch and the kubelet's own delays. A field left unset (nil,
// or zero) takes its value from [Instant], field by field, so a Timing that
// sets only Scheduler keeps that lag and is instant everywhere else.
type Timing struct {
	// Watch is the default lag of every watch subscriber, built-in or not;
	// nil means Fixed(0).
	Watch Lag
	// Scheduler, Kubelet and Controllers override Watch for those components
	// when not nil.
	Scheduler   Lag
	Kubelet     Lag
	Controllers Lag
	// ContainerStart is how long after a pod gets its IP its containers
	// run; nil means Fixed(0).
	ContainerStart Lag
	// ControllerBatch is how long a controller's work queue holds an object
	// before syncing it; the events that arrive meanwhile cost no extra
	// sync, as they would not while a real controller is busy. Zero or
	// negative means no batching.
	ControllerBatch time.Duration
	// NodeMonitorGracePeriod is how long a node may be silent before the
	// control plane marks it and its pods not ready (kube-controller-manager
	// --node-monitor-grace-period); zero or negative means Instant's 50 s.
	NodeMonitorGracePeriod time.Duration
}

// withDefaults fills t's unset fields from [Instant]. It refuses a Lag that
// is a nil pointer or func, which would otherwise fail only later, inside
// the loop, when something draws from it.
func (t Timing) withDefaults() (Timing, error) {
	for _, f := range []struct {
		name string
		lag  Lag
	}{{"Watch", t.Watch}, {"Scheduler", t.Scheduler}, {"Kubelet", t.Kubelet}, {"Controllers", t.Controllers}, {"ContainerStart", t.ContainerStart}} {
		if f.lag != nil && nilLag(f.lag) {
			return t, fmt.Errorf("%w: Timing.%s is a nil %T", ErrConfig, f.name, f.lag)
		}
	}
	d := Instant()
	if t.Watch == nil {
		t.Watch = d.Watch
	}
	if t.ContainerStart == nil {
		t.ContainerStart = d.ContainerStart
	}
	if t.ControllerBatch < 0 {
		t.ControllerBatch = 0
	}
	if t.NodeMonitorGracePeriod <= 0 {
		t.NodeMonitorGracePeriod = d.NodeMonitorGracePeriod
	}
	return t, nil
}

// nilLag reports whether l holds a nil pointer or func: a value that
// satisfies Lag but panics when drawn from.
func nilLag(l Lag) bool {
	switch v := reflect.ValueOf(l); v.Kind() {
	case reflect.Func, reflect.Pointer, reflect.Map, reflect.Slice, reflect.Chan, reflect.Interface:
		return v.IsNil()
	}
	return false
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

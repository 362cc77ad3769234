package cluster

import (
	"fmt"
	"slices"
	"strings"
	"time"
)

// event is one scheduled change. Events run in (at, seq) order: by virtual
// time, and among equal times in the order they were scheduled.
type event struct {
	at   Time
	seq  uint64
	fn   func()
	tr   TraceEntry // what the trace records when the event runs
	idle bool       // background work that keeps nothing busy; see Settle
}

// queue is a binary min-heap of the pending events' places, ordered by
// (at, seq). The events themselves wait in a slab (events), found by
// slot: the heap's entries hold no pointers, so sifting them costs no
// write barriers while the garbage collector runs, and they are a quarter
// the size of an event.
type queue []slot

// slot is a pending event's place in the heap: its order and where in the
// slab it waits.
type slot struct {
	at  Time
	seq uint64
	i   int32
}

func (q queue) less(i, j int) bool {
	return q[i].at < q[j].at || q[i].at == q[j].at && q[i].seq < q[j].seq
}

func (q *queue) push(e slot) {
	*q = append(*q, e)
	h := *q
	for i := len(h) - 1; i > 0; {
		p := (i - 1) / 2
		if !h.less(i, p) {
			break
		}
		h[i], h[p] = h[p], h[i]
		i = p
	}
}

func (q *queue) pop() slot {
	h := *q
	top := h[0]
	last := len(h) - 1
	h[0] = h[last]
	h = h[:last]
	for i := 0; ; {
		l, r, m := 2*i+1, 2*i+2, i
		if l < len(h) && h.less(l, m) {
			m = l
		}
		if r < len(h) && h.less(r, m) {
			m = r
		}
		if m == i {
			break
		}
		h[i], h[m] = h[m], h[i]
		i = m
	}
	*q = h
	return top
}

// slab holds the pending events by slot, reusing the slots of those that
// ran.
type slab struct {
	events []event
	free   []int32
}

func (sb *slab) put(e event) int32 {
	if n := len(sb.free); n > 0 {
		i := sb.free[n-1]
		sb.free = sb.free[:n-1]
		sb.events[i] = e
		return i
	}
	sb.events = append(sb.events, e)
	return int32(len(sb.events) - 1)
}

func (sb *slab) take(i int32) event {
	e := sb.events[i]
	sb.events[i] = event{}
	sb.free = append(sb.free, i)
	return e
}

// popEvent takes the next event out of the queue. Once a burst of events
// has passed, it gives back the room they took, so that a big quiet
// cluster does not hold its busiest moment's queue for ever: the heap's
// backing array, and the slab, whose events are renumbered (the heap's
// order is by time and sequence alone, so it stands).
func (s *Sim) popEvent() event {
	e := s.slab.take(s.queue.pop().i)
	h := s.queue
	if cap(h) > 1024 && len(h) < cap(h)/2 {
		s.queue = append(make(queue, 0, len(h)+len(h)/4), h...)
	}
	if sb := &s.slab; cap(sb.events) > 1024 && len(s.queue) < cap(sb.events)/4 {
		events := make([]event, len(s.queue), len(s.queue)+len(s.queue)/4)
		for k := range s.queue {
			events[k] = sb.events[s.queue[k].i]
			s.queue[k].i = int32(k)
		}
		sb.events, sb.free = events, nil
	}
	return e
}

// schedule queues fn to run at t, never earlier than now. An event due at
// or after EndOfTime would never run, so it is not queued at all: it keeps
// nothing busy, and no later event can be overtaken by it.
func (s *Sim) schedule(t Time, tr TraceEntry, idle bool, fn func()) {
	if t < s.now {
		t = s.now
	}
	if t >= EndOfTime {
		return
	}
	s.seq++
	if !idle {
		s.busy++
	}
	s.queue.push(slot{at: t, seq: s.seq, i: s.slab.put(event{at: t, seq: s.seq, fn: fn, tr: tr, idle: idle})})
}

// After schedules fn to run d after the current virtual time, on behalf of
// component (a name for the trace, like "my-controller"). It is how a
// controller of your own sets a timer; use it from inside watch handlers and
// other events as freely as from outside. A negative d means now; a d that
// reaches [EndOfTime] means never. After panics if fn is nil, a programming
// error better caught at the call than when the timer fires.
func (s *Sim) After(d time.Duration, component string, fn func()) {
	s.check()
	s.notObserving("After")
	if fn == nil {
		panic("cluster: After with a nil func")
	}
	s.schedule(s.now.Add(d), TraceEntry{Component: component, Action: "Timer"}, false, fn)
}

// Background schedules fn like [Sim.After], except that [Sim.Settle] does
// not wait for it: for work that never ends, such as a load generator's
// requests or a periodic resync, which would otherwise keep the loop busy
// for ever. Like After, it panics if fn is nil.
func (s *Sim) Background(d time.Duration, component string, fn func()) {
	s.check()
	s.notObserving("Background")
	if fn == nil {
		panic("cluster: Background with a nil func")
	}
	s.schedule(s.now.Add(d), TraceEntry{Component: component, Action: "Timer"}, true, fn)
}

// Now returns the current virtual time.
func (s *Sim) Now() Time {
	s.check()
	return s.now
}

// Pending returns the number of scheduled events that have not run.
func (s *Sim) Pending() int {
	s.check()
	return len(s.queue)
}

// Step runs the next scheduled event, advancing virtual time to it, and
// reports whether there was one.
//
// When an [Observer] fails, Step returns false, having run the event the
// failure followed (or, for a timed check, none), and so does every Step
// after it until [Sim.ObservedErr] or a run call hands the failure over.
func (s *Sim) Step() bool {
	s.check()
	s.notObserving("Step")
	if len(s.queue) == 0 || s.obs.failed != nil {
		return false
	}
	s.runNext()
	return s.obs.failed == nil
}

// runNext runs the next event, and the observers' checks before it (the
// timed ones due earlier) and after it. A failed check stops it where it
// is, recorded in s.obs.failed.
func (s *Sim) runNext() {
	if at := s.queue[0].at; s.obs.due < at {
		s.observeTimes(at - 1)
		if s.obs.failed != nil {
			return
		}
	}
	e := s.popEvent()
	if !e.idle {
		s.busy--
	}
	s.now = e.at
	s.events++
	e.tr.At = s.now
	s.trace.add(e.tr)
	prev := s.current
	s.current = e.tr.Component
	e.fn()
	s.current = prev
	if s.obs.hasEvent && s.obs.failed == nil {
		s.observeEvent(e.tr)
	}
}

// RunFor runs every event scheduled within the next d and leaves virtual
// time at exactly now+d. It fails as [Sim.RunUntil] does.
func (s *Sim) RunFor(d time.Duration) error {
	s.check()
	s.notObserving("RunFor")
	return s.RunUntil(s.now.Add(d))
}

// RunUntil runs every event scheduled up to and including t, and leaves
// virtual time at t (or where it was, if t is in the past). Time stops
// one nanosecond short of [EndOfTime], the last instant at which anything
// can happen. Like [Sim.Settle], it gives up after the configured
// SettleLimit events and returns a [*BusyError] naming what is due by t,
// leaving virtual time at the last event it ran: without that bound, a
// handler that reschedules itself at the current instant would keep it
// from ever returning.
//
// An [Observer]'s failure stops it with an [*ObservedError], at the point
// of failure.
func (s *Sim) RunUntil(t Time) error {
	s.check()
	s.notObserving("RunUntil")
	if err := s.takeObserved(); err != nil {
		return err
	}
	t = min(t, EndOfTime-1)
	limit := s.cfg.SettleLimit
	for n := 0; len(s.queue) > 0 && s.queue[0].at <= t; n++ {
		if n >= limit {
			return s.busyError(n, func(e event) bool { return e.at <= t })
		}
		s.runNext()
		if err := s.takeObserved(); err != nil {
			return err
		}
	}
	if s.obs.due <= t {
		if s.observeTimes(t); s.obs.failed != nil {
			return s.takeObserved()
		}
	}
	if t > s.now {
		s.now = t
	}
	return nil
}

// DefaultSettleLimit is how many events [Sim.Settle], [Sim.RunFor] and
// [Sim.RunUntil] run before they give up.
const DefaultSettleLimit = 10_000_000

// Settle runs events until nothing is left to happen: no event is pending
// except periodic background work that changes nothing (a readiness probe
// that keeps passing, say). It returns a [*BusyError] naming what kept the
// loop busy if that takes more than the configured SettleLimit events, as it
// would with a controller that reschedules itself forever.
//
// An [Observer]'s failure stops it with an [*ObservedError], at the point
// of failure. Timed checks run up to the instant it stops at, once nothing
// else is due then.
func (s *Sim) Settle() error {
	s.check()
	s.notObserving("Settle")
	if err := s.takeObserved(); err != nil {
		return err
	}
	limit := s.cfg.SettleLimit
	for n := 0; s.busy > 0; n++ {
		if n >= limit {
			return s.busyError(n, func(e event) bool { return !e.idle })
		}
		s.runNext()
		if err := s.takeObserved(); err != nil {
			return err
		}
	}
	upTo := s.now
	if len(s.queue) > 0 && s.queue[0].at <= upTo {
		upTo = s.queue[0].at - 1
	}
	if s.obs.due <= upTo {
		s.observeTimes(upTo)
		return s.takeObserved()
	}
	return nil
}

// BusyError is returned by [Sim.Settle], [Sim.RunFor] and [Sim.RunUntil]
// when the loop does not go quiet, or reach the time asked for, within its
// event limit. It counts the pending events that held it up (for Settle,
// those it waits for; for a run, those due by its end) by the component and
// action that scheduled them, busiest first.
type BusyError struct {
	Ran     int      // events run before giving up
	At      Time     // virtual time reached
	Pending []string // "component action: count", busiest first
}

// Error summarises what kept the loop busy.
func (e *BusyError) Error() string {
	return fmt.Sprintf("cluster: not settled after %d events (virtual time %s); pending: %s",
		e.Ran, e.At, strings.Join(e.Pending, ", "))
}

// busyError reports the pending events for which holding is true.
func (s *Sim) busyError(ran int, holding func(event) bool) error {
	counts := map[string]int{}
	for _, sl := range s.queue {
		if e := s.slab.events[sl.i]; holding(e) {
			counts[e.tr.Component+" "+e.tr.Action]++
		}
	}
	keys := make([]string, 0, len(counts))
	for k := range counts {
		keys = append(keys, k)
	}
	slices.SortFunc(keys, func(a, b string) int {
		if counts[a] != counts[b] {
			return counts[b] - counts[a]
		}
		return strings.Compare(a, b)
	})
	pending := make([]string, len(keys))
	for i, k := range keys {
		pending[i] = fmt.Sprintf("%s: %d", k, counts[k])
	}
	return &BusyError{Ran: ran, At: s.now, Pending: pending}
}

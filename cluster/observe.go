package cluster

import (
	"errors"
	"fmt"
	"time"
)

// Observer is a set of checks run while the simulation runs, installed
// with [Sim.Observe]: after every event the loop runs, after every
// committed store write, and at regular instants of virtual time. Any of
// the funcs may be nil. Each returns nil to let the run go on, or an error
// to stop it (see [ObservedError]).
//
// An observer only looks. It may read anything: [Sim.Get], [Sim.List],
// [Sim.Trace], kube-proxy's tables, a DNS lookup. It must not change
// anything: the store's write calls and fault injections return an error
// wrapping [ErrObserving] when called from an observer, and the calls
// that return no error — [Sim.After], [Sim.Background], [Sim.Watch],
// [Sim.WatchShared], [Sim.Record], [Sim.Observe] and the run calls
// ([Sim.Step], [Sim.RunFor], [Sim.RunUntil], [Sim.Settle]) — panic, saying
// so. It should not draw from the Sim's random streams either. Observing
// then leaves the run exactly as it would be without it: the same trace
// and the same [Sim.Digest].
type Observer struct {
	// AfterEvent is called after each event the loop runs, with the
	// event's trace entry, once the event's handler has returned.
	AfterEvent func(e TraceEntry) error
	// AfterWrite is called after each committed store write — a create,
	// an update, a binding, the start of a graceful deletion, a removal —
	// whether it was made by a component inside an event or by a caller
	// between runs. A write that fails or changes nothing is not one.
	AfterWrite func(w Write) error
	// Every and AtTime go together: AtTime is called at each multiple of
	// Every (0, Every, 2·Every, ...) from the time Observe is called on,
	// once every event due at or before that instant has run and before
	// any later one does. With Every set, AtTime is required, and the
	// other way round.
	Every  time.Duration
	AtTime func(now Time) error
}

// Write is one committed store write, as [Observer.AfterWrite] sees it.
type Write struct {
	At Time
	// Component is who wrote: the component whose event was running, as
	// the trace names it, or "user" for a call made between runs.
	Component string
	// Verb is what the write did: "Create", "Update", "UpdateStatus",
	// "Bind", "Delete" (the start of a graceful deletion, or of a
	// namespace's termination) or "Remove" (the object is gone).
	Verb            string
	Kind            Kind
	Namespace, Name string
	// ResourceVersion is the store's version after the write.
	ResourceVersion uint64
}

// String renders the write as one trace-like line.
func (w Write) String() string {
	return fmt.Sprintf("%s %s %s %s rv=%d", w.At, w.Component, w.Verb, objectRef(w.Kind, w.Namespace, w.Name), w.ResourceVersion)
}

// ObservedError is what a run returns when an observer reported an error:
// when, after what, and the observer's error, which errors.Is and
// errors.As reach through Unwrap. The simulation stops right there — after
// the event or write that was observed, or at the instant checked — and
// the next run call goes on from that point.
type ObservedError struct {
	// Time is the virtual time of the failed check.
	Time Time
	// After is what the check followed: the event's trace line, the
	// write's line ([Write.String]), or "time +2s" for a timed check.
	After string
	// Err is the observer's error.
	Err error
}

// Error says when and after what the observer failed, and why.
func (e *ObservedError) Error() string {
	return fmt.Sprintf("cluster: observer failed at %s after %s: %v", e.Time, e.After, e.Err)
}

// Unwrap returns the observer's error.
func (e *ObservedError) Unwrap() error { return e.Err }

// ErrObserving is wrapped by the error of every write called from inside
// an observer: observers may read, never write.
var ErrObserving = errors.New("cluster: write from inside an observer")

// observer is one installed Observer.
type observer struct {
	Observer
	next   Time // the next timed check; EndOfTime for none
	active bool
}

// observers is the Sim's set of installed observers and their state.
type observers struct {
	list []*observer // active ones, in the order installed
	// hasEvent and hasWrite say whether any has AfterEvent or AfterWrite;
	// due is the earliest next timed check (EndOfTime for none). They keep
	// the loop's cost of having no observers to a comparison.
	hasEvent, hasWrite bool
	due                Time
	// running is set while an observer runs: writes are refused.
	running bool
	// failed is the failure not yet returned by a run.
	failed *ObservedError
}

// Observe installs o's checks from now on and returns a func that removes
// them (calling it again does nothing; it may be called from inside an
// observer). Observers run in the order installed. The first error any of
// them returns stops the run: [Sim.RunFor], [Sim.RunUntil] and
// [Sim.Settle] return it as an [*ObservedError], leaving the simulation at
// that point; [Sim.Step] returns false, and [Sim.ObservedErr] hands the
// error over. A failure in a write made between runs is returned by the
// next run call, which then runs nothing.
//
// Observe panics if o.Every is negative, or if only one of Every and
// AtTime is set, or if called from inside an observer: each is a
// programming error.
func (s *Sim) Observe(o Observer) (stop func()) {
	s.check()
	s.notObserving("Observe")
	switch {
	case o.Every < 0:
		panic(fmt.Sprintf("cluster: Observe with a negative Every %s", o.Every))
	case o.Every > 0 && o.AtTime == nil:
		panic("cluster: Observe with Every but no AtTime")
	case o.Every == 0 && o.AtTime != nil:
		panic("cluster: Observe with AtTime but no Every")
	}
	x := &observer{Observer: o, next: EndOfTime, active: true}
	if o.Every > 0 {
		// The first multiple of Every at or after now.
		k := int64(s.now) / int64(o.Every)
		if Time(k)*Time(o.Every) < s.now {
			k++
		}
		x.next = multiple(k, o.Every)
	}
	s.obs.list = append(s.obs.list, x)
	s.obs.refresh()
	return func() {
		if !x.active {
			return
		}
		x.active = false
		// A new slice, so that a loop over the old one, running the
		// observer that stops itself, is not disturbed.
		list := make([]*observer, 0, len(s.obs.list))
		for _, y := range s.obs.list {
			if y.active {
				list = append(list, y)
			}
		}
		s.obs.list = list
		s.obs.refresh()
	}
}

// multiple returns k·every as a Time, or EndOfTime when it would reach it.
func multiple(k int64, every time.Duration) Time {
	if k > 0 && int64(every) > int64(EndOfTime)/k {
		return EndOfTime
	}
	return Time(k * int64(every))
}

// refresh recomputes the summary the loop consults.
func (o *observers) refresh() {
	o.hasEvent, o.hasWrite, o.due = false, false, EndOfTime
	for _, x := range o.list {
		o.hasEvent = o.hasEvent || x.AfterEvent != nil
		o.hasWrite = o.hasWrite || x.AfterWrite != nil
		o.due = min(o.due, x.next)
	}
}

// ObservedErr returns the failure an observer reported that no run call
// has returned yet, and forgets it, so that the simulation can go on; nil
// if there is none. RunFor, RunUntil and Settle return such a failure
// themselves: call ObservedErr after [Sim.Step] returns false.
func (s *Sim) ObservedErr() error {
	s.check()
	return s.takeObserved()
}

func (s *Sim) takeObserved() error {
	if f := s.obs.failed; f != nil {
		s.obs.failed = nil
		return f
	}
	return nil
}

// notObserving panics if an observer is running: what calls it would
// change the simulation, and has no error to return.
func (s *Sim) notObserving(call string) {
	if s.obs.running {
		panic("cluster: " + call + " called from inside an observer, which may only read")
	}
}

// refuseObserving returns the error a write called from inside an observer
// gets, or nil outside one.
func (s *Sim) refuseObserving(op string) error {
	if s.obs.running {
		return fmt.Errorf("%w: %s", ErrObserving, op)
	}
	return nil
}

// call runs one observer's check, and records its failure as the run's.
func (s *Sim) callObserver(check func() error, at Time, after func() string) {
	s.obs.running = true
	err := func() error {
		defer func() { s.obs.running = false }()
		return check()
	}()
	if err != nil && s.obs.failed == nil {
		s.obs.failed = &ObservedError{Time: at, After: after(), Err: err}
	}
}

// observeEvent runs the AfterEvent checks for the event just run.
func (s *Sim) observeEvent(tr TraceEntry) {
	for _, x := range s.obs.list {
		if s.obs.failed != nil {
			return
		}
		if f := x.AfterEvent; f != nil && x.active {
			s.callObserver(func() error { return f(tr) }, tr.At, tr.String)
		}
	}
}

// wrote runs the AfterWrite checks for a write of o just committed.
func (s *Sim) wrote(verb string, o Object) {
	if !s.obs.hasWrite || s.obs.failed != nil {
		return
	}
	m := o.Meta()
	who := s.current
	if who == "" {
		who = "user"
	}
	w := Write{At: s.now, Component: who, Verb: verb, Kind: o.Kind(), Namespace: m.Namespace, Name: m.Name, ResourceVersion: m.ResourceVersion}
	for _, x := range s.obs.list {
		if s.obs.failed != nil {
			return
		}
		if f := x.AfterWrite; f != nil && x.active {
			s.callObserver(func() error { return f(w) }, w.At, w.String)
		}
	}
}

// observeTimes runs the timed checks due at or before limit, earliest
// first and, at one instant, in the order installed, moving the clock to
// each. It stops at the first failure.
func (s *Sim) observeTimes(limit Time) {
	for s.obs.failed == nil && s.obs.due <= limit {
		var x *observer
		for _, y := range s.obs.list {
			if x == nil || y.next < x.next {
				x = y
			}
		}
		at := x.next
		if at > s.now {
			s.now = at
		}
		x.next = multiple(int64(at)/int64(x.Every)+1, x.Every)
		f := x.AtTime
		s.callObserver(func() error { return f(at) }, at, func() string { return "time " + at.String() })
		s.obs.refresh()
	}
}

package cluster

import (
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"time"

	"github.com/svcsim/svcsim/selector"
)

// WatchEvent is one change delivered to a watcher: an object was added,
// modified or deleted. Object is the object after the change (for Deleted,
// its last state) and Old the object before it (Modified only). Both are
// the watcher's own copies, or with [Sim.WatchShared] the store's read-only
// snapshots.
type WatchEvent struct {
	Type   WatchEventType
	Object Object
	Old    Object
}

// watcher is one subscriber to store changes.
type watcher struct {
	name   string
	kinds  []Kind
	lag    Lag
	rand   *rand.Rand // the lag's own stream
	fn     func(WatchEvent)
	filter func(Object) bool // nil or true: deliver; a field selector, in effect
	shared bool              // deliver the stored snapshots themselves; for built-in, read-only watchers
	last   Time              // time of the latest scheduled delivery; keeps the stream ordered
	active bool
}

// Watch is a subscription made with [Sim.Watch].
type Watch struct {
	w *watcher
}

// Stop ends the subscription; deliveries already scheduled are dropped.
// Stopping a nil or zero Watch does nothing.
func (w *Watch) Stop() {
	if w != nil && w.w != nil {
		w.w.active = false
	}
}

// Watch subscribes fn, under the component name name, to every change to
// objects of the given kinds, as an informer does. Each change reaches fn
// after a delay drawn from lag (nil means the cluster's Timing.Watch), and
// never before a change that happened earlier. The objects that exist when
// Watch is called are delivered first, as Added events in key order. fn
// runs inside the loop, as an event of its own: it may read and write the
// store and schedule timers, and the writes are attributed to name.
//
// This is the whole interface between svcsim's components: the scheduler,
// the kubelets and every controller use it, and so can yours.
//
// Watch panics if fn is nil, if lag is a nil pointer or func, or if kinds
// is empty or names a kind the store does not hold: each is a programming
// error, caught here rather than when the first change is delivered.
func (s *Sim) Watch(name string, lag Lag, fn func(WatchEvent), kinds ...Kind) *Watch {
	s.check()
	s.notObserving("Watch")
	checkWatch(lag, fn, kinds)
	return s.watch(name, lag, nil, fn, kinds...)
}

// WatchShared is [Sim.Watch] for a handler that only reads: it receives
// the store's own snapshots of each object rather than copies of its own.
// A snapshot never changes once stored (every write stores a new one), so
// the handler may keep it as long as it likes, but it must never modify
// it, or the store itself changes behind the simulation's back. The
// built-in controllers, the DNS server and kube-proxy watch this way,
// which saves two copies per watcher for every write.
func (s *Sim) WatchShared(name string, lag Lag, fn func(WatchEvent), kinds ...Kind) *Watch {
	s.check()
	s.notObserving("WatchShared")
	checkWatch(lag, fn, kinds)
	return s.watchShared(name, lag, nil, fn, kinds...)
}

// checkWatch panics on the programming errors Watch documents.
func checkWatch(lag Lag, fn func(WatchEvent), kinds []Kind) {
	if fn == nil {
		panic("cluster: Watch with a nil handler")
	}
	if lag != nil && nilLag(lag) {
		panic(fmt.Sprintf("cluster: Watch with a nil %T lag", lag))
	}
	if len(kinds) == 0 {
		panic("cluster: Watch with no kinds")
	}
	for _, k := range kinds {
		if !storedKind(k) {
			panic(fmt.Sprintf("cluster: Watch of unknown kind %q", k))
		}
	}
}

// storedKind reports whether the store holds objects of kind k.
func storedKind(k Kind) bool {
	switch k {
	case KindNamespace, KindNode, KindPod, KindReplicaSet, KindReplicationController, KindDeployment, KindService, KindEndpoints, KindEndpointSlice:
		return true
	}
	return false
}

// watch is Watch with a filter: changes whose new (or, for a modification,
// old) object fails it are not delivered, as a watch with a field selector
// behaves. The kubelets use it to see only their own node's pods.
func (s *Sim) watch(name string, lag Lag, filter func(Object) bool, fn func(WatchEvent), kinds ...Kind) *Watch {
	return s.addWatcher(&watcher{name: name, kinds: slices.Clone(kinds), lag: lag, fn: fn, filter: filter, active: true})
}

// watchShared is watch for built-in components that never modify what they
// are given: they receive the store's own immutable snapshots, uncopied,
// which is most of what makes a 100,000-pod cluster cheap to run.
func (s *Sim) watchShared(name string, lag Lag, filter func(Object) bool, fn func(WatchEvent), kinds ...Kind) *Watch {
	return s.addWatcher(&watcher{name: name, kinds: slices.Clone(kinds), lag: lag, fn: fn, filter: filter, active: true, shared: true})
}

func (s *Sim) addWatcher(w *watcher) *Watch {
	if w.lag == nil {
		w.lag = s.cfg.Timing.lagFor(nil)
	}
	if s.named == nil {
		s.named = map[string]int{}
	}
	w.rand = s.Stream(watcherStream(w.name, s.named[w.name]))
	s.named[w.name]++
	filter := w.filter
	s.watchers = append(s.watchers, w)
	for _, kind := range w.kinds {
		s.store.each(kind, "", func(o Object) bool {
			if filter == nil || filter(o) {
				m := o.Meta()
				s.deliver(w, Added, o, nil, objectRef(kind, m.Namespace, m.Name))
			}
			return true
		})
	}
	return &Watch{w: w}
}

func (w *watcher) wants(kind Kind) bool { return slices.Contains(w.kinds, kind) }

// notify schedules delivery of a change to every watcher of its kind, in
// the order they subscribed.
func (s *Sim) notify(t WatchEventType, obj, old Object) {
	kind := obj.Kind()
	ref := "" // the object as the trace names it, made once for all watchers
	for _, w := range s.watchers {
		if w.active && w.wants(kind) && (w.filter == nil || w.filter(obj) || old != nil && w.filter(old)) {
			if ref == "" {
				m := obj.Meta()
				ref = objectRef(kind, m.Namespace, m.Name)
			}
			s.deliver(w, t, obj, old, ref)
		}
	}
}

// watchAction is the trace's action for a delivery, without building it
// each time.
func watchAction(t WatchEventType) string {
	switch t {
	case Added:
		return "Watch ADDED"
	case Modified:
		return "Watch MODIFIED"
	case Deleted:
		return "Watch DELETED"
	}
	return "Watch " + string(t)
}

// deliver schedules the delivery of a change to one watcher; ref is the
// object as the trace names it.
func (s *Sim) deliver(w *watcher, t WatchEventType, obj, old Object, ref string) {
	at := s.now.Add(w.lag.Draw(w.rand))
	if at < w.last {
		at = w.last
	}
	w.last = at
	tr := TraceEntry{Component: w.name, Object: ref, Action: watchAction(t)}
	s.schedule(at, tr, false, func() {
		if !w.active {
			return
		}
		ev := WatchEvent{Type: t, Object: obj, Old: old}
		if !w.shared {
			ev.Object = obj.DeepCopyObject()
			if old != nil {
				ev.Old = old.DeepCopyObject()
			}
		}
		w.fn(ev)
	})
}

// secondsDuration converts a count of seconds to a Duration, saturating
// at the extremes of time.Duration: the API takes any int64 of seconds
// for a grace period, and a count that does not fit must not wrap round to
// a short or negative one.
func secondsDuration(n int64) time.Duration {
	const limit = int64(math.MaxInt64 / time.Second)
	switch {
	case n > limit:
		return math.MaxInt64
	case n < -limit:
		return math.MinInt64
	}
	return time.Duration(n) * time.Second
}

// everything is the selector that matches all labels.
var everything = selector.Everything()

package endpoints

import (
	"time"

	"github.com/svcsim/svcsim/cluster"
)

// TriggerTimeAnnotation is the annotation on Endpoints and EndpointSlices
// that records when the change a write reflects happened, as RFC 3339 in
// UTC. Kubernetes exports it so that the latency from, say, a pod turning
// ready to kube-proxy programming it can be measured.
const TriggerTimeAnnotation = "endpoints.kubernetes.io/last-change-trigger-time"

// triggers computes the trigger time of each sync as Kubernetes'
// TriggerTimeTracker does. It remembers, per Service, the creation time it
// last saw and the Ready-condition transition time of each of its pods; a
// sync's trigger time is the earliest of those that are new or later than
// remembered, or the Service's creation time the first time the Service is
// synced. A sync with nothing new has none, and a write it makes clears
// the annotation.
//
// Like Kubernetes', it sees only the latest state: a pod that changed
// twice between two syncs counts once, at its later time.
type triggers map[string]*triggerState // by Service key

type triggerState struct {
	created time.Time
	pods    map[string]podTrigger // by pod name
	gen     uint64                // counts syncs, to find pods no longer seen
}

type podTrigger struct {
	at  time.Time
	gen uint64
}

// next records a sync of the Service k, created at created, over its
// matching pods, and returns the sync's trigger time; the zero time means
// there is none.
func (tt triggers) next(k string, created time.Time, members map[string]*pod) time.Time {
	st, known := tt[k]
	if !known {
		st = &triggerState{pods: map[string]podTrigger{}}
		tt[k] = st
	}
	st.gen++
	var earliest time.Time
	consider := func(t time.Time) {
		if earliest.IsZero() || t.Before(earliest) {
			earliest = t
		}
	}
	seen := 0
	// The minimum and the records do not depend on the order of the map.
	for _, p := range members {
		if p.readyAt.IsZero() {
			continue // no Ready condition: nothing to report
		}
		if last, ok := st.pods[p.name]; !ok || p.readyAt.After(last.at) {
			consider(p.readyAt)
		}
		st.pods[p.name] = podTrigger{at: p.readyAt, gen: st.gen}
		seen++
	}
	if seen < len(st.pods) {
		for name, pt := range st.pods {
			if pt.gen != st.gen {
				delete(st.pods, name)
			}
		}
	}
	if created.After(st.created) {
		consider(created)
	}
	st.created = created
	if !known {
		return created
	}
	return earliest
}

// apiTime is a virtual instant as the API stores it: the wall-clock time
// it stands for, cut to whole seconds, since object timestamps travel
// without their fraction.
func apiTime(t cluster.Time) time.Time {
	return t.Wall().Truncate(time.Second)
}

// withTrigger returns annotations with the trigger-time annotation set to
// t, or removed when t is zero, as the controllers do on every object they
// write. It may modify and return m; an empty result is nil.
func withTrigger(m map[string]string, t time.Time) map[string]string {
	if t.IsZero() {
		delete(m, TriggerTimeAnnotation)
		if len(m) == 0 {
			return nil
		}
		return m
	}
	if m == nil {
		m = map[string]string{}
	}
	m[TriggerTimeAnnotation] = t.UTC().Format(time.RFC3339Nano)
	return m
}

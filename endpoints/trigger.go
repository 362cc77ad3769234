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

// triggerTime records a sync of the Service over its changed members and
// returns the sync's trigger time, as Kubernetes' TriggerTimeTracker
// computes it. The tracker remembers, per member, the Ready-condition
// transition time it last saw; a sync's trigger time is the earliest of
// those that are new or later than remembered, or the Service's creation
// time the first time the Service is synced. A sync with nothing new has
// none (the zero time), and a write it makes clears the annotation.
// Members left out of changed have not changed since the last sync, so
// they could add nothing; a pod that left, or lost its condition, is
// forgotten.
//
// Like Kubernetes', it sees only the latest state: a pod that changed
// twice between two syncs counts once, at its later time.
func (svc *service) triggerTime(changed []*member) time.Time {
	var earliest time.Time
	for _, m := range changed {
		var at time.Time
		if m.cur != nil {
			at = m.cur.readyAt
		}
		if !at.IsZero() && (m.readyAt.IsZero() || at.After(m.readyAt)) && (earliest.IsZero() || at.Before(earliest)) {
			earliest = at
		}
		m.readyAt = at
	}
	if !svc.synced {
		svc.synced = true
		return svc.created
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

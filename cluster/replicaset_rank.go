package cluster

import (
	"cmp"
	"math"
	"slices"
	"strconv"
)

// podsToDelete returns the n pods a ReplicaSet with too many deletes
// first, by Kubernetes' ranking (ActivePodsWithRanks in
// pkg/controller/controller_utils.go): unscheduled before scheduled;
// Pending before Unknown before Running; not ready before ready; lower
// deletion cost first; more pods of the same owner on the node ("doubled
// up") first; more recently ready first; more restarts first; newer
// first. Ages are compared in powers of two, ties broken by UID.
//
// The ranking is a stable sort of the pods, in name order, by
// compareForDeletion. Like Kubernetes' comparison, that is not always a
// consistent order: two pods ready at the same instant compare by
// restarts and age, two ready at different instants of the same power of
// two by UID, and the two can disagree. Where they can, which pods come
// first depends on the steps the sort takes, so the whole list is sorted
// as it always was. Where no two pods that compare alike up to those
// times share a time, the comparison is a strict weak order, and the
// sort's first n are the n least pods by it, ties in name order: those
// are picked in one pass with a heap of n. A large scale-down deletes
// BurstReplicas per sync, so that pass is what most syncs of it cost.
func (rc *replicaSetController) podsToDelete(rs *ReplicaSet, pods *replicaSetPods, n int) []*Pod {
	key := rc.rankKeyer(rs)
	var first []rankKey
	if pods.ready == pods.active && pods.readyTies == 0 {
		// All ready, at distinct instants: consistent, as known without
		// looking at the pods.
		least := leastKeys{n: n}
		pods.members.Ascend(func(m member) bool {
			least.offer(key(m, least.seen))
			return true
		})
		first = least.sorted()
	} else {
		keys := make([]rankKey, 0, pods.active)
		pods.members.Ascend(func(m member) bool {
			keys = append(keys, key(m, len(keys)))
			return true
		})
		first = firstForDeletion(keys, n)
	}
	out := make([]*Pod, len(first))
	for i, k := range first {
		out[i] = k.pod
	}
	return out
}

// firstForDeletion returns the first n of keys (all if fewer) once
// stably sorted by compareForDeletion.
func firstForDeletion(keys []rankKey, n int) []rankKey {
	if consistentForDeletion(keys) {
		least := leastKeys{n: n}
		for _, k := range keys {
			least.offer(k)
		}
		return least.sorted()
	}
	ranked := make([]*rankKey, len(keys))
	for i := range keys {
		ranked[i] = &keys[i]
	}
	slices.SortStableFunc(ranked, compareForDeletion)
	first := make([]rankKey, min(n, len(keys)))
	for i := range first {
		first[i] = *ranked[i]
	}
	return first
}

// rankKeyer returns what works out the ranking's keys for one of the
// ReplicaSet's pods, given its place in name order.
func (rc *replicaSetController) rankKeyer(rs *ReplicaSet) func(m member, index int) rankKey {
	now := rc.s.now
	// Related pods: those of every ReplicaSet with the same controller
	// (a Deployment's ReplicaSets), or just this one's.
	onNode := map[string]int{}
	owners := map[string]bool{rs.UID: true}
	if ref, ok := rs.ControllerRef(); ok {
		rc.s.store.each(rc.kind.kind, rs.Namespace, func(o Object) bool {
			if r, ok := o.Meta().ControllerRef(); ok && r.UID == ref.UID {
				owners[o.Meta().UID] = true
			}
			return true
		})
	}
	for _, owner := range sortedKeys(owners) {
		if c := rc.s.store.replicaSetPods[owner]; c != nil {
			for node, n := range c.onNode {
				onNode[node] += n
			}
			continue
		}
		rc.s.store.eachOwned(KindPod, owner, func(o Object) bool {
			if p := o.(*Pod); p.Namespace == rs.Namespace && isActive(p) && p.Spec.NodeName != "" {
				onNode[p.Spec.NodeName]++
			}
			return true
		})
	}
	return func(m member, index int) rankKey {
		k := rankKey{member: m, index: index, doubled: onNode[m.node], createdAge: log2Age(now, m.created)}
		if m.ready {
			k.readyAge = log2Age(now, m.readyAt)
		}
		return k
	}
}

// rankKey is what the ranking compares of one pod: what the pod alone
// decides, and what depends on the moment and on the other pods.
type rankKey struct {
	member
	index      int // in name order
	doubled    int // active pods of the related ReplicaSets on its node
	readyAge   int64
	createdAge int64
}

// phaseRank orders Pending before Unknown before Running.
func phaseRank(p PodPhase) int {
	switch p {
	case PodUnknown:
		return 1
	case PodRunning:
		return 2
	}
	return 0
}

// compareForDeletion is the ranking's comparison: negative if a is to be
// deleted before b.
func compareForDeletion(a, b *rankKey) int {
	if a.unscheduled != b.unscheduled {
		return boolFirst(a.unscheduled)
	}
	if c := cmp.Compare(a.phase, b.phase); c != 0 {
		return c
	}
	if a.ready != b.ready {
		return boolFirst(!a.ready)
	}
	if c := cmp.Compare(a.cost, b.cost); c != 0 {
		return c
	}
	if c := cmp.Compare(b.doubled, a.doubled); c != 0 {
		return c
	}
	if a.ready && b.ready && a.readyAt != b.readyAt {
		if d := a.readyAge - b.readyAge; d != 0 {
			return int(d) // younger (smaller) first
		}
		return cmp.Compare(a.uid, b.uid)
	}
	if c := cmp.Compare(b.restarts, a.restarts); c != 0 {
		return c
	}
	if a.created != b.created {
		if d := a.createdAge - b.createdAge; d != 0 {
			return int(d)
		}
		return cmp.Compare(a.uid, b.uid)
	}
	return 0
}

// consistentForDeletion reports whether compareForDeletion is a strict
// weak order on keys. Pods that differ before the times compare by
// those differences, consistently. Among pods alike up to the ready
// times, ready ones with distinct ready times compare by age and UID
// alone; among pods alike up to the creation times (not ready, same
// restarts), ones with distinct creation times do too. Only a shared
// time brings in the comparison that can disagree with the UIDs.
func consistentForDeletion(keys []rankKey) bool {
	type alike struct {
		unscheduled, ready bool
		phase              int
		cost, restarts     int32
		doubled            int
		at                 Time
	}
	seen := make(map[alike]bool, len(keys))
	for i := range keys {
		k := &keys[i]
		a := alike{unscheduled: k.unscheduled, ready: k.ready, phase: k.phase, cost: k.cost, doubled: k.doubled}
		if k.ready {
			a.at = k.readyAt
		} else {
			a.restarts, a.at = k.restarts, k.created
		}
		if seen[a] {
			return false
		}
		seen[a] = true
	}
	return true
}

// leastKeys keeps the n least of the keys offered to it, by
// compareForDeletion (which must be a strict weak order on them) with
// ties broken by index: what a stable sort of them all would put first.
type leastKeys struct {
	n    int
	seen int
	// h is a max-heap: h[0] is the greatest of the least so far.
	h []rankKey
}

// lessForDeletion orders keys by compareForDeletion, ties by index.
func lessForDeletion(a, b *rankKey) bool {
	if c := compareForDeletion(a, b); c != 0 {
		return c < 0
	}
	return a.index < b.index
}

// offer keeps k if it is among the n least so far.
func (l *leastKeys) offer(k rankKey) {
	l.seen++
	h := l.h
	switch {
	case len(h) < l.n:
		h = append(h, k)
		for j := len(h) - 1; j > 0 && lessForDeletion(&h[(j-1)/2], &h[j]); j = (j - 1) / 2 {
			h[j], h[(j-1)/2] = h[(j-1)/2], h[j]
		}
		l.h = h
	case l.n > 0 && lessForDeletion(&k, &h[0]):
		h[0] = k
		for i := 0; ; {
			big := i
			if c := 2*i + 1; c < len(h) && lessForDeletion(&h[big], &h[c]) {
				big = c
			}
			if c := 2*i + 2; c < len(h) && lessForDeletion(&h[big], &h[c]) {
				big = c
			}
			if big == i {
				break
			}
			h[i], h[big] = h[big], h[i]
			i = big
		}
	}
}

// sorted returns the keys kept, least first.
func (l *leastKeys) sorted() []rankKey {
	slices.SortFunc(l.h, func(a, b rankKey) int {
		switch {
		case lessForDeletion(&a, &b):
			return -1
		case lessForDeletion(&b, &a):
			return 1
		}
		return 0
	})
	return l.h
}

func boolFirst(aFirst bool) int {
	if aFirst {
		return -1
	}
	return 1
}

// log2Age buckets how long ago t was in powers of two of nanoseconds, so
// that pods of about the same age count as equally old.
func log2Age(now, t Time) int64 {
	d := now.Sub(t)
	if d <= 0 {
		return -1
	}
	return int64(math.Log2(float64(d)))
}

func deletionCost(p *Pod) int32 {
	v, ok := p.Annotations["controller.kubernetes.io/pod-deletion-cost"]
	if !ok {
		return 0
	}
	n, err := strconv.ParseInt(v, 10, 32)
	if err != nil {
		return 0
	}
	return int32(n)
}

func maxRestarts(p *Pod) int32 {
	var m int32
	for _, c := range p.Status.ContainerStatuses {
		m = max(m, c.RestartCount)
	}
	return m
}

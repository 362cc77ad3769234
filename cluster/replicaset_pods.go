package cluster

import (
	"maps"
	"time"

	"github.com/google/btree"

	"github.com/svcsim/svcsim/selector"
)

// replicaSetPods is what the ReplicaSet controller counts of one
// ReplicaSet's pods: those in its namespace that it owns and that are
// active (not finished, not being deleted), split by whether they match
// its selector, with the numbers its status reports. A pod elsewhere that
// names it as controller is not its pod, as Kubernetes' controller, which
// lists the pods of its own namespace, never sees one. The store's owner index keeps it current on
// every write of a pod the ReplicaSet controls, so a sync reads its counts
// instead of walking every pod, and costs what changed since the last
// one. It describes the store as it is, not as the controller's watch has
// delivered it, as the pod walks it replaces did.
type replicaSetPods struct {
	namespace string
	// sel is the ReplicaSet's selector, which never changes for one UID.
	sel selector.Selector
	// labels are the template labels fully counts against: those of the
	// ReplicaSet as last synced, recounted when a sync sees others.
	labels selector.Set
	// active, ready and fully count the active pods that match the
	// selector: all of them (what claim keeps), the ready ones and those
	// with all the template's labels.
	active, ready, fully int32
	// members are the active pods that match, by name, with what
	// podsToDelete compares of each that depends on the pod alone, so
	// that ranking them reads no pod objects.
	members *btree.BTreeG[member]
	// readySince orders the ready ones among them by when they became
	// ready, so that the ones not yet available for minReadySeconds are
	// found from the newest without looking at the rest.
	readySince *btree.BTreeG[readyEntry]
	// readyTies counts the neighbours in readySince that became ready at
	// the same instant. With none, and every pod ready, podsToDelete
	// knows its ranking to be a consistent order.
	readyTies int
	// strays are the active owned pods the selector no longer matches,
	// by name: claim releases them.
	strays map[string]bool
	// onNode counts every active owned pod, matching or not, by the node
	// it is bound to, for podsToDelete.
	onNode map[string]int
}

// member is one pod in replicaSetPods.members.
type member struct {
	name, uid, node    string
	pod                *Pod
	unscheduled, ready bool
	phase              int
	cost, restarts     int32
	readyAt, created   Time
}

// newMembers returns an empty replicaSetPods.members, in name order.
func newMembers() *btree.BTreeG[member] {
	return btree.NewG(16, func(a, b member) bool { return a.name < b.name })
}

// readyEntry is one ready pod in replicaSetPods.readySince.
type readyEntry struct {
	at   Time
	name string
}

// newReadySince returns an empty replicaSetPods.readySince, in order of
// ready time and then name.
func newReadySince() *btree.BTreeG[readyEntry] {
	return btree.NewG(16, func(a, b readyEntry) bool {
		if a.at != b.at {
			return a.at < b.at
		}
		return a.name < b.name
	})
}

// countReplicaSet starts counting the pods that the ReplicaSet uid
// controls, from those it controls now, and returns the counts, which
// the store then keeps current until the ReplicaSet controller drops
// them.
func (st *store) countReplicaSet(uid, namespace string, sel selector.Selector, labels selector.Set) *replicaSetPods {
	c := &replicaSetPods{namespace: namespace, sel: sel, labels: labels, members: newMembers(), readySince: newReadySince(), strays: map[string]bool{}, onNode: map[string]int{}}
	st.eachOwned(KindPod, uid, func(o Object) bool {
		c.count(o.(*Pod), 1)
		return true
	})
	st.replicaSetPods[uid] = c
	return c
}

// countReplicaSetPods keeps the counts of the ReplicaSets that control a
// pod before and after a write to it (the UIDs of before and after, ""
// for none) in step with the store: the write replaces old (nil if none)
// by cur (nil if removed).
func (st *store) countReplicaSetPods(before, after string, old, cur Object) {
	if before == after && old != nil && cur != nil && old.Meta().Name == cur.Meta().Name {
		// A new version of a pod the same ReplicaSet controls, the most
		// common write: its member entry is replaced, not deleted first.
		if c := st.replicaSetPods[after]; c != nil {
			c.countVersion(old.(*Pod), -1, true)
			if !c.countVersion(cur.(*Pod), 1, false) {
				c.members.Delete(member{name: cur.Meta().Name})
			}
		}
		return
	}
	if c := st.replicaSetPods[before]; c != nil && old != nil {
		c.count(old.(*Pod), -1)
	}
	if c := st.replicaSetPods[after]; c != nil && cur != nil {
		c.count(cur.(*Pod), 1)
	}
}

// count adds (d = 1) or takes away (d = -1) one version of a pod the
// ReplicaSet controls.
func (c *replicaSetPods) count(p *Pod, d int32) { c.countVersion(p, d, false) }

// countVersion is count, reporting whether it made the pod a member.
// Taking a version away leaves its member entry in place when replacing
// says the next version's count will replace or delete it.
func (c *replicaSetPods) countVersion(p *Pod, d int32, replacing bool) bool {
	if p.Namespace != c.namespace || !isActive(p) {
		return false
	}
	if p.Spec.NodeName != "" {
		c.onNode[p.Spec.NodeName] += int(d)
		if c.onNode[p.Spec.NodeName] == 0 {
			delete(c.onNode, p.Spec.NodeName)
		}
	}
	if !c.sel.Matches(p.Labels) {
		if d > 0 {
			c.strays[p.Name] = true
		} else {
			delete(c.strays, p.Name)
		}
		return false
	}
	c.active += d
	if fullyLabeled(c.labels, p) {
		c.fully += d
	}
	r, ok := p.Condition(PodReady)
	ready := ok && r.Status == ConditionTrue
	if ready {
		c.ready += d
		e := readyEntry{r.LastTransitionTime, p.Name}
		if d > 0 {
			c.readyTies += c.tiesAround(e)
			c.readySince.ReplaceOrInsert(e)
		} else {
			c.readySince.Delete(e)
			c.readyTies -= c.tiesAround(e)
		}
	}
	if d < 0 {
		if !replacing {
			c.members.Delete(member{name: p.Name})
		}
		return false
	}
	m := member{name: p.Name, uid: p.UID, node: p.Spec.NodeName, pod: p, unscheduled: p.Spec.NodeName == "", ready: ready,
		phase: phaseRank(p.Status.Phase), cost: deletionCost(p), restarts: maxRestarts(p), created: p.CreationTimestamp}
	if ready {
		m.readyAt = r.LastTransitionTime
	}
	c.members.ReplaceOrInsert(m)
	return true
}

// tiesAround returns how many more neighbours in readySince share an
// instant with e in it than without it; e must not be in it.
func (c *replicaSetPods) tiesAround(e readyEntry) int {
	var before, after readyEntry
	var hasBefore, hasAfter bool
	c.readySince.DescendLessOrEqual(e, func(x readyEntry) bool { before, hasBefore = x, true; return false })
	c.readySince.AscendGreaterOrEqual(e, func(x readyEntry) bool { after, hasAfter = x, true; return false })
	n := 0
	if hasBefore && before.at == e.at {
		n++
	}
	if hasAfter && after.at == e.at {
		n++
	}
	if hasBefore && hasAfter && before.at == after.at {
		n--
	}
	return n
}

// fullyLabeled reports whether a pod has every one of the labels.
func fullyLabeled(labels selector.Set, p *Pod) bool {
	for k, v := range labels {
		if w, ok := p.Labels[k]; !ok || w != v {
			return false
		}
	}
	return true
}

// relabel makes fully count the pods that have all of labels, the
// template labels of the ReplicaSet being synced, if it counted against
// others: a change of template is rare, and costs one walk.
func (c *replicaSetPods) relabel(labels selector.Set) {
	if maps.Equal(c.labels, labels) {
		return
	}
	c.labels, c.fully = labels, 0
	c.members.Ascend(func(m member) bool {
		if fullyLabeled(labels, m.pod) {
			c.fully++
		}
		return true
	})
}

// available counts the ready pods that have been ready for minReady
// seconds by now (with minReady 0, all of them), and returns the earliest
// time one that has not will have been (0 if none).
func (c *replicaSetPods) available(minReady int32, now Time) (n int32, next Time) {
	if minReady == 0 {
		return c.ready, 0
	}
	wait := time.Duration(minReady) * time.Second
	var pending int32
	// From the most recently ready: once one is available, so is every
	// pod that became ready before it.
	c.readySince.Descend(func(r readyEntry) bool {
		at := r.at.Add(wait)
		if at <= now {
			return false
		}
		pending++
		if at != 0 {
			next = at
		}
		return true
	})
	return c.ready - pending, next
}

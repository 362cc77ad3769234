package cluster

import "time"

// podGCName is the pod garbage collector's component name.
const podGCName = "pod-garbage-collector"

// The pod garbage collector's timing, as kube-controller-manager's PodGC
// has it: a pass every 20 s, and a node that pods name but that does not
// exist is quarantined for 40 s, in case it is only late to appear, before
// its pods are deleted.
const (
	// PodGCPeriod is how often the pod garbage collector looks for pods
	// bound to nodes that do not exist.
	PodGCPeriod = 20 * time.Second
	// PodGCQuarantine is how long such a node must have been missing, as
	// the collector first saw it, before its pods are deleted.
	PodGCQuarantine = 40 * time.Second
)

// podGC deletes pods bound to nodes that do not exist, as Kubernetes' pod
// garbage collector (gcOrphaned) does: such a pod has no kubelet the
// control plane knows of to run or remove it. It marks each one Failed
// with a DisruptionTarget condition and deletes it at once (grace 0). Its
// watch sees only orphans (a node's deletion, a pod naming a missing
// node), and it runs its passes on the 20 s beat only while there are
// some, so a cluster without orphans pays nothing and traces nothing.
type podGC struct {
	s *Sim
	// quarantine holds, for each missing node its pods name, when its
	// quarantine ends.
	quarantine map[string]Time
	scheduled  bool // a pass is queued
}

func (s *Sim) startPodGC() {
	gc := &podGC{s: s, quarantine: map[string]Time{}}
	missing := func(node string) bool {
		_, ok := s.store.get(KindNode, "", node)
		return !ok
	}
	// The filter runs when a change is made: a node that is gone from the
	// store was deleted, and a pod is an orphan if the node it names is
	// missing.
	orphan := func(o Object) bool {
		switch o := o.(type) {
		case *Node:
			return missing(o.Name)
		case *Pod:
			return o.Spec.NodeName != "" && missing(o.Spec.NodeName)
		}
		return false
	}
	// A delivery acts on the store as it is now: a pod deleted since, or a
	// node back since, needs no pass.
	onChange := func(ev WatchEvent) {
		m := ev.Object.Meta()
		cur, ok := s.store.get(ev.Object.Kind(), m.Namespace, m.Name)
		switch {
		case ev.Object.Kind() == KindNode && ok:
		case ev.Object.Kind() == KindPod && (!ok || cur.Meta().UID != m.UID || !orphan(cur)):
		default:
			gc.schedulePass()
		}
	}
	lag := s.cfg.Timing.lagFor(s.cfg.Timing.Controllers)
	s.watchShared(podGCName, lag, orphan, onChange, KindNode, KindPod)
}

// schedulePass queues the next pass on the collector's beat: the first
// multiple of the period after now.
func (gc *podGC) schedulePass() {
	if gc.scheduled {
		return
	}
	gc.scheduled = true
	next := (gc.s.now/Time(PodGCPeriod) + 1) * Time(PodGCPeriod)
	gc.s.schedule(next, TraceEntry{Component: podGCName, Action: "GCOrphaned"}, false, gc.pass)
}

// pass is one run of gcOrphaned: quarantine the missing nodes newly named
// by pods, forget those that have appeared, and delete the pods of those
// whose quarantine is over and that are still missing.
func (gc *podGC) pass() {
	s := gc.s
	gc.scheduled = false
	orphans := map[string][]*Pod{} // missing node -> its pods, in key order
	s.store.each(KindPod, "", func(o Object) bool {
		p := o.(*Pod)
		if n := p.Spec.NodeName; n != "" {
			if _, ok := s.store.get(KindNode, "", n); !ok {
				orphans[n] = append(orphans[n], p)
			}
		}
		return true
	})
	for n := range orphans {
		if _, ok := gc.quarantine[n]; !ok {
			gc.quarantine[n] = s.now.Add(PodGCQuarantine)
		}
	}
	for _, n := range sortedKeys(gc.quarantine) {
		if _, exists := s.store.get(KindNode, "", n); exists {
			delete(gc.quarantine, n)
			continue
		}
		if gc.quarantine[n] > s.now {
			continue
		}
		delete(gc.quarantine, n)
		for _, p := range orphans[n] {
			gc.deleteOrphan(p)
		}
	}
	if len(gc.quarantine) > 0 {
		gc.schedulePass()
	}
}

// deleteOrphan marks a pod Failed, so that it is no longer active even to
// a controller that misses its deletion, and force-deletes it. Its
// kubelet, if it is still running, stops its containers when it sees the
// pod go.
func (gc *podGC) deleteOrphan(p *Pod) {
	s := gc.s
	if !isTerminal(p) {
		np := p.withOwnStatus()
		np.Status.Phase = PodFailed
		setCondition(&np.Status, PodCondition{Type: DisruptionTarget, Status: ConditionTrue,
			Reason: "DeletionByPodGC", Message: "PodGC: node no longer exists", LastTransitionTime: s.now})
		s.updateStatusOwned(np, p)
	}
	_ = s.Delete(KindPod, p.Namespace, p.Name, DeleteOptions{GracePeriodSeconds: Ptr(int64(0))})
}

// DisruptionTarget is the pod condition a control-plane component sets on a
// pod it is about to delete, saying why (its Reason): DeletionByPodGC for
// the pod garbage collector.
const DisruptionTarget = "DisruptionTarget"

// setCondition sets a condition as the apiserver's helpers do for
// controllers: in place, keeping its transition time when its status is
// unchanged, or appended at the end.
func setCondition(st *PodStatus, c PodCondition) {
	for i := range st.Conditions {
		if st.Conditions[i].Type == c.Type {
			if st.Conditions[i].Status == c.Status {
				c.LastTransitionTime = st.Conditions[i].LastTransitionTime
			}
			st.Conditions[i] = c
			return
		}
	}
	st.Conditions = append(st.Conditions, c)
}

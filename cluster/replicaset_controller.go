package cluster

import (
	"slices"
	"time"
)

// BurstReplicas is how many pods a ReplicaSet creates or deletes in one
// sync at most, as kube-controller-manager's constant.
const BurstReplicas = 500

const replicaSetControllerName = "replicaset-controller"

// replicaSetController keeps each ReplicaSet's pods at its replica count:
// it adopts matching orphans, releases pods whose labels no longer match,
// creates pods from the template and deletes the surplus, choosing victims
// as Kubernetes does. It reacts to ReplicaSet and pod events through its
// watch.
//
// Like Kubernetes' controller (pkg/controller/replicaset/replica_set.go,
// syncReplicaSet reads the ReplicaSet from its lister), it acts on each
// ReplicaSet as its informer last delivered it, never on a newer version
// it has not been told of, and its watch delivers changes in the order
// they were written. Pods it reads from the store afresh: that is what
// the real controller's expectations (ControllerExpectations in
// pkg/controller/controller_utils.go) achieve for its own creates and
// deletes, and KEP-5647's read-your-own-writes check for its own writes
// (feature gate StaleControllerConsistencyReplicaSet, on by default since
// 1.36).
//
// Neither orders one ReplicaSet's sync after another's: expectations and
// KEP-5647's consistency store are kept per ReplicaSet, a work queue
// leaves a key that is already queued in its earlier place, and the real
// controller syncs different ReplicaSets on several workers at once
// (--concurrent-replicaset-syncs, 5). The Deployment controller bounds
// only what the ReplicaSets ask for (NewRSNewReplicas in
// pkg/controller/deployment/util/deployment_util.go: the sum of their
// spec.replicas is at most replicas+maxSurge). So when, during a rolling
// update, the new ReplicaSet's sync is already queued ahead of the old
// one's (in svcsim: for its creation or a pod event, within
// Timing.ControllerBatch) as the scale-up that followed the old one's
// scale-down arrives, the new pods are created before the old ones are
// deleted: the pods that are not terminating briefly exceed
// replicas+maxSurge by the scale-down the controller has been told of and
// not yet carried out, which for one step of a rollout is at most
// maxSurge+maxUnavailable. A real cluster can show this too, more rarely
// when lightly loaded, because its Deployment controller scales the new
// ReplicaSet up only once its own informer has the scale-down, where
// svcsim's reads the store. The documentation's "at most 125% of the
// desired number of Pods are up" holds for what the ReplicaSets ask for.
type replicaSetController struct {
	s *Sim
	// kind is what it manages: ReplicaSets, or ReplicationControllers
	// seen as ReplicaSets.
	kind   *replicaKind
	queued map[queueKey]bool
	// informed is the controller's informer cache of ReplicaSets: each as
	// its watch last delivered it, by key.
	informed map[string]*ReplicaSet
	// hints are orphan pods seen matching a ReplicaSet since its last sync;
	// scan marks ReplicaSets that must look at every pod in their
	// namespace (new ones), because pods that matched before they existed
	// left no hint.
	hints map[string][]string
	scan  map[string]bool
	// failures counts each ReplicaSet's syncs that failed in a row, for
	// the work queue's back-off.
	failures map[string]int
}

// The work queue's per-item back-off after a failed sync, as client-go's
// default controller rate limiter: 5 ms, doubling, at most 1000 s.
const (
	syncRetryBase = 5 * time.Millisecond
	syncRetryMax  = 1000 * time.Second
)

// startReplicaSetController starts the ReplicaSet controller and the
// ReplicationController manager, which is the same controller over
// ReplicationControllers. Both read pods through one watch, as
// kube-controller-manager's controllers share one pod informer; the
// manager's own watch sees nothing, and so costs nothing, until a
// ReplicationController is created.
func (s *Sim) startReplicaSetController() {
	rc := newReplicaSetController(s, replicaSetKind)
	rm := newReplicaSetController(s, replicationControllerKind)
	lag := s.cfg.Timing.lagFor(s.cfg.Timing.Controllers)
	s.watchShared(replicaSetControllerName, lag, nil, rc.onOwner, KindReplicaSet)
	s.watchShared(replicaSetControllerName, lag, nil, func(ev WatchEvent) {
		rc.onPod(ev)
		rm.onPod(ev)
	}, KindPod)
	s.watchShared(rm.kind.component, lag, nil, rm.onOwner, rm.kind.kind)
}

func newReplicaSetController(s *Sim, kind *replicaKind) *replicaSetController {
	return &replicaSetController{s: s, kind: kind, queued: map[queueKey]bool{}, informed: map[string]*ReplicaSet{}, hints: map[string][]string{}, scan: map[string]bool{}, failures: map[string]int{}}
}

// onOwner keeps the informer cache of the objects the controller manages
// and queues the one that changed.
func (rc *replicaSetController) onOwner(ev WatchEvent) {
	m := ev.Object.Meta()
	k := key(m.Namespace, m.Name)
	switch ev.Type {
	case Added:
		rc.scan[k] = true
		rc.informed[k] = rc.kind.asReplicaSet(ev.Object)
	case Modified:
		rs := rc.kind.asReplicaSet(ev.Object)
		if prev := rc.informed[k]; rc.kind.mutableSelector && prev != nil && !prev.Spec.Selector.MatchLabels.Equal(rs.Spec.Selector.MatchLabels) {
			// A new selector: the pods are counted afresh, and every
			// orphan in the namespace may now match.
			delete(rc.s.store.replicaSetPods, m.UID)
			rc.scan[k] = true
		}
		rc.informed[k] = rs
	case Deleted:
		delete(rc.informed, k)
		delete(rc.failures, k)
		// Its pods are no longer counted once it is gone.
		delete(rc.s.store.replicaSetPods, m.UID)
	}
	rc.enqueue(m.Namespace, m.Name)
}

// onPod queues the ReplicaSets a pod change can matter to: its owner, and
// for an orphan every ReplicaSet whose selector matches it before or after.
func (rc *replicaSetController) onPod(ev WatchEvent) {
	for _, o := range []Object{ev.Object, ev.Old} {
		if o == nil {
			continue
		}
		p := o.(*Pod)
		if ref, ok := p.ControllerRef(); ok {
			if ref.Kind == rc.kind.kind {
				rc.enqueue(p.Namespace, ref.Name)
			}
			continue
		}
		rc.s.store.each(rc.kind.kind, p.Namespace, func(x Object) bool {
			rs := rc.kind.asReplicaSet(x)
			if sel, err := rs.Spec.Selector.Selector(); err == nil && !sel.Empty() && sel.Matches(p.Labels) {
				k := key(rs.Namespace, rs.Name)
				rc.hints[k] = append(rc.hints[k], p.Name)
				rc.enqueue(rs.Namespace, rs.Name)
			}
			return true
		})
	}
}

// queueKey names an object in a controller's work queue; unlike the
// "namespace/name" key, it costs nothing to build for an object already
// queued, which most pod events find their ReplicaSet is.
type queueKey struct{ namespace, name string }

// enqueue schedules one sync of the ReplicaSet at the current instant,
// after whatever else is already due then, so that a burst of events
// costs one sync.
func (rc *replicaSetController) enqueue(namespace, name string) {
	k := queueKey{namespace, name}
	if rc.queued[k] {
		return
	}
	rc.queued[k] = true
	rc.s.schedule(rc.s.now.Add(rc.s.cfg.Timing.ControllerBatch), TraceEntry{Component: rc.kind.component, Object: objectRef(rc.kind.kind, namespace, name), Action: "Sync"}, false, func() {
		delete(rc.queued, k)
		rc.sync(namespace, name)
	})
}

func (rc *replicaSetController) sync(namespace, name string) {
	s := rc.s
	rs, ok := rc.informed[key(namespace, name)]
	if !ok {
		return
	}
	// A ReplicaSet already deleted, whose deletion is still on its way, is
	// left alone: the real controller may still create pods for it, which
	// the garbage collector then removes as dangling, but svcsim's
	// collector only follows deletions it hears of.
	if cur, ok := s.store.get(rc.kind.kind, namespace, name); !ok || cur.Meta().UID != rs.UID {
		return
	}
	pods := s.store.replicaSetPods[rs.UID]
	if pods == nil {
		sel, err := rs.Spec.Selector.Selector()
		if err != nil || sel.Empty() {
			return
		}
		pods = s.store.countReplicaSet(rs.UID, rs.Namespace, sel, rs.Spec.Template.Labels)
	}
	rc.claim(rs, pods)
	var manageErr error
	if rs.DeletionTimestamp == nil && pods.active != *rs.Spec.Replicas {
		manageErr = rc.manage(rs, pods)
		// Claim again: manage created and deleted pods.
		rc.claim(rs, pods)
	}
	rc.writeStatus(rs, pods, manageErr)
	rc.retryLater(namespace, name, manageErr)
}

// retryLater requeues a ReplicaSet whose sync failed after the work
// queue's back-off, as the real controller's queue does. The retry is
// background work: a ReplicaSet that can never create its pods (an
// invalid template, an exhausted quota) does not keep Settle from
// returning, while a longer run goes on trying, less and less often.
func (rc *replicaSetController) retryLater(namespace, name string, err error) {
	k := key(namespace, name)
	if err == nil {
		delete(rc.failures, k)
		return
	}
	n := rc.failures[k]
	rc.failures[k] = n + 1
	delay := syncRetryMax
	if n < 30 {
		delay = min(syncRetryBase<<n, syncRetryMax)
	}
	rc.s.Background(delay, rc.kind.component, func() { rc.enqueue(namespace, name) })
}

// isActive reports whether a pod counts toward a ReplicaSet: not finished
// and not being deleted.
func isActive(p *Pod) bool { return !isTerminal(p) && p.DeletionTimestamp == nil }

// claim adopts the active orphans that match the ReplicaSet and releases
// the active pods it owns that no longer match; the pods it then owns are
// what pods counts. It writes releases before adoptions, each in key
// order.
func (rc *replicaSetController) claim(rs *ReplicaSet, pods *replicaSetPods) {
	s := rc.s
	// The orphans that may match it: every one in its namespace for a new
	// ReplicaSet, else those its pod events hinted at.
	var orphans []Object
	rsKey := key(rs.Namespace, rs.Name)
	if rc.scan[rsKey] {
		delete(rc.scan, rsKey)
		s.store.each(KindPod, rs.Namespace, func(o Object) bool {
			if _, ok := o.Meta().ControllerRef(); !ok {
				orphans = append(orphans, o)
			}
			return true
		})
	} else {
		names := rc.hints[rsKey]
		slices.Sort(names)
		for _, n := range slices.Compact(names) {
			if o, ok := s.store.get(KindPod, rs.Namespace, n); ok {
				if _, owned := o.Meta().ControllerRef(); !owned {
					orphans = append(orphans, o)
				}
			}
		}
	}
	delete(rc.hints, rsKey)
	var adopt []*Pod
	for _, o := range orphans {
		if p := o.(*Pod); isActive(p) && pods.sel.Matches(p.Labels) && rs.DeletionTimestamp == nil {
			adopt = append(adopt, p)
		}
	}
	if rs.DeletionTimestamp == nil && len(pods.strays) > 0 {
		for _, name := range sortedKeys(pods.strays) {
			o, ok := s.store.get(KindPod, rs.Namespace, name)
			if !ok {
				continue
			}
			np := o.(*Pod).DeepCopy()
			np.OwnerReferences = slices.DeleteFunc(np.OwnerReferences, func(r OwnerReference) bool { return r.UID == rs.UID })
			if len(np.OwnerReferences) == 0 {
				np.OwnerReferences = nil
			}
			_, _ = s.updateOwned(np)
		}
	}
	for _, p := range adopt {
		np := p.DeepCopy()
		np.OwnerReferences = append(np.OwnerReferences, controllerRef(rc.kind.apiVersion, rc.kind.kind, rs.Name, rs.UID))
		_, _ = s.updateOwned(np)
	}
}

func controllerRef(apiVersion string, kind Kind, name, uid string) OwnerReference {
	return OwnerReference{APIVersion: apiVersion, Kind: kind, Name: name, UID: uid, Controller: Ptr(true), BlockOwnerDeletion: Ptr(true)}
}

// manage creates or deletes pods to bring the count to spec.replicas, at
// most BurstReplicas at a time.
func (rc *replicaSetController) manage(rs *ReplicaSet, pods *replicaSetPods) error {
	s := rc.s
	diff := int(pods.active) - int(*rs.Spec.Replicas)
	switch {
	case diff < 0:
		n := min(-diff, BurstReplicas)
		// Slow start: batches of 1, 2, 4, ...; a failed create skips the
		// rest, so a broken template costs one failure, not hundreds.
		for batch, done := 1, 0; done < n; batch *= 2 {
			size := min(batch, n-done)
			for range size {
				if err := rc.createPod(rs); err != nil {
					return err
				}
			}
			done += size
		}
	case diff > 0:
		victims := rc.podsToDelete(rs, pods, min(diff, BurstReplicas))
		for _, p := range victims {
			if err := s.Delete(KindPod, p.Namespace, p.Name, DeleteOptions{}); err == nil {
				s.emit(rc.kind.kind, rs.Namespace, rs.Name, EventNormal, "SuccessfulDelete", rc.kind.component, "Deleted pod: "+p.Name)
			}
		}
	}
	return nil
}

func (rc *replicaSetController) createPod(rs *ReplicaSet) error {
	// The pod shares the template's labels, annotations and spec with
	// the stored ReplicaSet: stored objects are never modified in place.
	t := &rs.Spec.Template
	p := &Pod{
		ObjectMeta: ObjectMeta{
			GenerateName:    rs.Name + "-",
			Namespace:       rs.Namespace,
			Labels:          t.Labels,
			Annotations:     t.Annotations,
			OwnerReferences: []OwnerReference{controllerRef(rc.kind.apiVersion, rc.kind.kind, rs.Name, rs.UID)},
		},
		Spec: t.Spec,
	}
	out, err := rc.s.createFromTemplate(p)
	if err != nil {
		rc.s.emit(rc.kind.kind, rs.Namespace, rs.Name, EventWarning, "FailedCreate", rc.kind.component, "Error creating: "+err.Error())
		return err
	}
	rc.s.emit(rc.kind.kind, rs.Namespace, rs.Name, EventNormal, "SuccessfulCreate", rc.kind.component, "Created pod: "+out.Meta().Name)
	return nil
}

// writeStatus records the ReplicaSet's counts and, when some pod will
// become available later, schedules a sync for then.
func (rc *replicaSetController) writeStatus(rs *ReplicaSet, pods *replicaSetPods, manageErr error) {
	s := rc.s
	cur, ok := s.store.get(rc.kind.kind, rs.Namespace, rs.Name)
	if !ok || cur.Meta().UID != rs.UID {
		return
	}
	pods.relabel(rs.Spec.Template.Labels)
	st := ReplicaSetStatus{Replicas: pods.active, FullyLabeledReplicas: pods.fully, ReadyReplicas: pods.ready, ObservedGeneration: rs.Generation}
	var next Time
	st.AvailableReplicas, next = pods.available(rs.Spec.MinReadySeconds, s.now)
	old := rc.kind.asReplicaSet(cur)
	st.Conditions = append([]ReplicaSetCondition(nil), old.Status.Conditions...)
	// As Kubernetes' calculateStatus: the failure condition is added when
	// a sync fails and none is set, kept as it was while failures go on,
	// and removed by a sync that succeeds. Rewriting it on every failed
	// sync would make each sync a status change that triggers the next.
	failing := slices.ContainsFunc(st.Conditions, func(c ReplicaSetCondition) bool { return c.Type == "ReplicaFailure" })
	switch {
	case manageErr != nil && !failing:
		st.Conditions = append(st.Conditions, ReplicaSetCondition{Type: "ReplicaFailure", Status: ConditionTrue, Reason: "FailedCreate", Message: manageErr.Error(), LastTransitionTime: s.now})
	case manageErr == nil && failing:
		st.Conditions = slices.DeleteFunc(st.Conditions, func(c ReplicaSetCondition) bool { return c.Type == "ReplicaFailure" })
	}
	if len(st.Conditions) == 0 {
		st.Conditions = nil
	}
	s.updateStatusOwned(rc.kind.withStatus(cur, st), cur)
	if next != 0 {
		ns, name := rs.Namespace, rs.Name
		s.schedule(next, TraceEntry{Component: rc.kind.component, Object: objectRef(rc.kind.kind, ns, name), Action: "MinReadySeconds"}, false, func() {
			rc.enqueue(ns, name)
		})
	}
}

package cluster

import (
	"cmp"
	"encoding/json"
	"fmt"
	"hash/fnv"
	"maps"
	"math"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"time"
)

const (
	deploymentControllerName = "deployment-controller"

	// PodTemplateHashLabel is added to a Deployment's ReplicaSets and pods
	// so that each ReplicaSet selects only the pods of its own template.
	PodTemplateHashLabel = "pod-template-hash"

	annRevision        = "deployment.kubernetes.io/revision"
	annRevisionHistory = "deployment.kubernetes.io/revision-history"
	annDesiredReplicas = "deployment.kubernetes.io/desired-replicas"
	annMaxReplicas     = "deployment.kubernetes.io/max-replicas"
)

// deploymentController rolls Deployments out through ReplicaSets, step by
// step as Kubernetes' controller does: it finds or creates the ReplicaSet of
// the current template, scales it up and the old ones down within the
// surge and unavailability bounds (or all old ones to zero first, for
// Recreate), keeps revisions, cleans up history and reports progress.
type deploymentController struct {
	s      *Sim
	queued map[queueKey]bool
}

func (s *Sim) startDeploymentController() {
	dc := &deploymentController{s: s, queued: map[queueKey]bool{}}
	lag := s.cfg.Timing.lagFor(s.cfg.Timing.Controllers)
	s.watchShared(deploymentControllerName, lag, nil, func(ev WatchEvent) {
		m := ev.Object.Meta()
		dc.enqueue(m.Namespace, m.Name)
	}, KindDeployment)
	s.watchShared(deploymentControllerName, lag, nil, func(ev WatchEvent) {
		for _, o := range []Object{ev.Object, ev.Old} {
			if o != nil {
				dc.enqueueOwnerOrMatching(o.(*ReplicaSet))
			}
		}
	}, KindReplicaSet)
	// Recreate waits for the old pods to be gone, so their removal matters.
	s.watchShared(deploymentControllerName, lag, nil, func(ev WatchEvent) {
		if ev.Type != Deleted {
			return
		}
		p := ev.Object.(*Pod)
		ref, ok := p.ControllerRef()
		if !ok || ref.Kind != KindReplicaSet {
			return
		}
		if rs, ok := s.store.get(KindReplicaSet, p.Namespace, ref.Name); ok {
			if dref, ok := rs.Meta().ControllerRef(); ok && dref.Kind == KindDeployment {
				dc.enqueue(p.Namespace, dref.Name)
			}
		}
	}, KindPod)
}

func (dc *deploymentController) enqueueOwnerOrMatching(rs *ReplicaSet) {
	if ref, ok := rs.ControllerRef(); ok {
		if ref.Kind == KindDeployment {
			dc.enqueue(rs.Namespace, ref.Name)
		}
		return
	}
	dc.s.store.each(KindDeployment, rs.Namespace, func(o Object) bool {
		d := o.(*Deployment)
		if sel, err := d.Spec.Selector.Selector(); err == nil && !sel.Empty() && sel.Matches(rs.Labels) {
			dc.enqueue(d.Namespace, d.Name)
		}
		return true
	})
}

func (dc *deploymentController) enqueue(namespace, name string) {
	k := queueKey{namespace, name}
	if dc.queued[k] {
		return
	}
	dc.queued[k] = true
	dc.s.schedule(dc.s.now.Add(dc.s.cfg.Timing.ControllerBatch), TraceEntry{Component: deploymentControllerName, Object: objectRef(KindDeployment, namespace, name), Action: "Sync"}, false, func() {
		delete(dc.queued, k)
		dc.sync(namespace, name)
	})
}

// replicas returns *p, or 0 for nil.
func replicas(p *int32) int32 {
	if p == nil {
		return 0
	}
	return *p
}

// Fenceposts resolves a rolling update's maxSurge and maxUnavailable
// against a replica count as the Deployment controller does: integers as
// given, percentages of replicas with the surge rounded up and the
// unavailability rounded down, and if both come to zero, one pod may be
// unavailable. It fails only on a malformed percentage.
func Fenceposts(replicas int32, maxSurge, maxUnavailable IntOrString) (surge, unavailable int32, err error) {
	if surge, err = maxSurge.scaled(replicas, true); err != nil {
		return 0, 0, err
	}
	if unavailable, err = maxUnavailable.scaled(replicas, false); err != nil {
		return 0, 0, err
	}
	if surge == 0 && unavailable == 0 {
		unavailable = 1
	}
	return surge, unavailable, nil
}

// fenceposts is Fenceposts for a Deployment; zero for Recreate.
func fenceposts(d *Deployment) (surge, unavailable int32) {
	ru := d.Spec.Strategy.RollingUpdate
	if d.Spec.Strategy.Type != RollingUpdateStrategy || ru == nil {
		return 0, 0
	}
	var ms, mu IntOrString
	if ru.MaxSurge != nil {
		ms = *ru.MaxSurge
	}
	if ru.MaxUnavailable != nil {
		mu = *ru.MaxUnavailable
	}
	surge, unavailable, _ = Fenceposts(replicas(d.Spec.Replicas), ms, mu)
	return surge, unavailable
}

// maxUnavailable is the unavailability bound, capped at the replica count.
func maxUnavailable(d *Deployment) int32 {
	if d.Spec.Strategy.Type != RollingUpdateStrategy || replicas(d.Spec.Replicas) == 0 {
		return 0
	}
	_, u := fenceposts(d)
	return min(u, replicas(d.Spec.Replicas))
}

func maxSurge(d *Deployment) int32 {
	if d.Spec.Strategy.Type != RollingUpdateStrategy {
		return 0
	}
	s, _ := fenceposts(d)
	return s
}

// templateHash computes the pod-template-hash of a template: FNV-32a over
// its canonical JSON and the collision count, written in decimal and each
// digit mapped into Kubernetes' safe alphabet.
func templateHash(t *PodTemplateSpec, collisions *int32) string {
	h := fnv.New32a()
	b, _ := json.Marshal(t)
	h.Write(b)
	if collisions != nil {
		h.Write([]byte(strconv.Itoa(int(*collisions))))
	}
	const alphabet = "bcdfghjklmnpqrstvwxz2456789"
	dec := []byte(strconv.FormatUint(uint64(h.Sum32()), 10))
	for i, c := range dec {
		dec[i] = alphabet[int(c)%len(alphabet)]
	}
	return string(dec)
}

// sameTemplate compares templates ignoring the pod-template-hash label.
func sameTemplate(a, b *PodTemplateSpec) bool {
	// Both are stored templates, which a write's copy has already put in
	// the form a copy would give them (no empty lists), so they compare
	// as they are, without copying: but for the labels, which are
	// compared without the hash label, as if an empty set were none.
	if !sameLabelsBut(a.Labels, b.Labels, PodTemplateHashLabel) {
		return false
	}
	x, y := *a, *b
	x.Labels, y.Labels = nil, nil
	return reflect.DeepEqual(&x, &y)
}

// sameLabelsBut reports whether two label sets are the same once the key
// skip is left out of both.
func sameLabelsBut(a, b map[string]string, skip string) bool {
	n := 0
	for k, v := range a {
		if k == skip {
			continue
		}
		if w, ok := b[k]; !ok || w != v {
			return false
		}
		n++
	}
	for k := range b {
		if k != skip {
			n--
		}
	}
	return n == 0
}

func revision(o Object) int64 {
	n, _ := strconv.ParseInt(o.Meta().Annotations[annRevision], 10, 64)
	return n
}

func (dc *deploymentController) sync(namespace, name string) {
	s := dc.s
	cur, ok := s.store.get(KindDeployment, namespace, name)
	if !ok {
		return
	}
	d := cur.(*Deployment)
	sel, err := d.Spec.Selector.Selector()
	if err != nil || sel.Empty() {
		s.emit(KindDeployment, namespace, name, EventWarning, "SelectingAll", deploymentControllerName, "This deployment is selecting all pods. A non-empty selector is required.")
		return
	}
	rsList := dc.claimReplicaSets(d)
	if d.DeletionTimestamp != nil {
		dc.writeStatus(d, rsList, nil)
		return
	}
	if d.Spec.Paused || dc.isScalingEvent(d, rsList) {
		dc.syncScale(d, rsList)
		return
	}
	if d.Spec.Strategy.Type == RecreateStrategy {
		dc.rolloutRecreate(d, rsList)
		return
	}
	dc.rolloutRolling(d, rsList)
}

// claimReplicaSets adopts orphan ReplicaSets the selector matches and
// releases owned ones it no longer matches, and returns those owned.
func (dc *deploymentController) claimReplicaSets(d *Deployment) []*ReplicaSet {
	s := dc.s
	sel, _ := d.Spec.Selector.Selector()
	var owned []*ReplicaSet
	var writes []Object
	s.store.each(KindReplicaSet, d.Namespace, func(o Object) bool {
		rs := o.(*ReplicaSet)
		ref, hasRef := rs.ControllerRef()
		matches := sel.Matches(rs.Labels)
		switch {
		case hasRef && ref.UID != d.UID:
		case hasRef && matches:
			owned = append(owned, rs)
		case hasRef:
			if d.DeletionTimestamp == nil {
				n := rs.DeepCopy()
				n.OwnerReferences = slices.DeleteFunc(n.OwnerReferences, func(r OwnerReference) bool { return r.UID == d.UID })
				writes = append(writes, n)
			}
		case matches && d.DeletionTimestamp == nil && rs.DeletionTimestamp == nil:
			n := rs.DeepCopy()
			n.OwnerReferences = append(n.OwnerReferences, controllerRef("apps/v1", KindDeployment, d.Name, d.UID))
			writes = append(writes, n)
			owned = append(owned, n)
		}
		return true
	})
	for _, w := range writes {
		_, _ = s.updateOwned(w)
	}
	return dc.refresh(owned)
}

// refresh re-reads ReplicaSets from the store.
func (dc *deploymentController) refresh(list []*ReplicaSet) []*ReplicaSet {
	out := make([]*ReplicaSet, 0, len(list))
	for _, rs := range list {
		if cur, ok := dc.s.store.get(KindReplicaSet, rs.Namespace, rs.Name); ok && cur.Meta().UID == rs.UID {
			out = append(out, cur.(*ReplicaSet))
		}
	}
	return out
}

// split returns the new ReplicaSet (the oldest whose template matches the
// Deployment's) and the old ones, oldest first.
func split(d *Deployment, rsList []*ReplicaSet) (*ReplicaSet, []*ReplicaSet) {
	sorted := slices.Clone(rsList)
	slices.SortFunc(sorted, byCreation)
	var newRS *ReplicaSet
	var old []*ReplicaSet
	for _, rs := range sorted {
		if newRS == nil && sameTemplate(&rs.Spec.Template, &d.Spec.Template) {
			newRS = rs
			continue
		}
		old = append(old, rs)
	}
	return newRS, old
}

func byCreation(a, b *ReplicaSet) int {
	if a.CreationTimestamp != b.CreationTimestamp {
		return cmp.Compare(a.CreationTimestamp, b.CreationTimestamp)
	}
	return cmp.Compare(a.Name, b.Name)
}

// newAndOld finds the new and old ReplicaSets, syncs revision annotations,
// and creates the new ReplicaSet if asked and missing.
func (dc *deploymentController) newAndOld(d *Deployment, rsList []*ReplicaSet, create bool) (*ReplicaSet, []*ReplicaSet, *Deployment) {
	s := dc.s
	newRS, old := split(d, rsList)
	var maxOld int64
	for _, rs := range old {
		maxOld = max(maxOld, revision(rs))
	}
	newRevision := strconv.FormatInt(maxOld+1, 10)
	surge := maxSurge(d)
	desired := strconv.Itoa(int(replicas(d.Spec.Replicas)))
	maxReplicas := strconv.Itoa(int(replicas(d.Spec.Replicas) + surge))
	switch {
	case newRS != nil:
		// Only the annotations and minReadySeconds may change: the copy
		// shares the rest with the stored version, which nobody modifies.
		c := *newRS
		n := &c
		n.Annotations = maps.Clone(newRS.Annotations)
		if n.Annotations == nil {
			n.Annotations = map[string]string{}
		}
		if prev := n.Annotations[annRevision]; revision(n) < maxOld+1 {
			if prev != "" {
				hist := n.Annotations[annRevisionHistory]
				if hist != "" {
					hist += ","
				}
				n.Annotations[annRevisionHistory] = hist + prev
			}
			n.Annotations[annRevision] = newRevision
		}
		// The replica annotations change only when the ReplicaSet is
		// scaled: proportional scaling reads them as the size each
		// ReplicaSet was last scaled for.
		copyDeploymentAnnotations(d, n)
		n.Spec.MinReadySeconds = d.Spec.MinReadySeconds
		if !reflect.DeepEqual(n.Annotations, newRS.Annotations) || n.Spec.MinReadySeconds != newRS.Spec.MinReadySeconds {
			if out, err := s.updateOwned(n); err == nil {
				newRS = out.(*ReplicaSet)
			}
		}
	case create:
		newRS = dc.createNewRS(d, append(old, newRS), newRevision, desired, maxReplicas)
	}
	if newRS != nil {
		d = dc.setDeploymentRevision(d, newRS.Annotations[annRevision])
	}
	return newRS, old, d
}

// skippedAnnotations are the annotations a Deployment and its ReplicaSets
// do not share: revision bookkeeping, replica counts, and kubectl's record
// of the last applied manifest.
var skippedAnnotations = map[string]bool{
	annRevision: true, annRevisionHistory: true, annDesiredReplicas: true, annMaxReplicas: true,
	"kubectl.kubernetes.io/last-applied-configuration": true, "deprecated.deployment.rollback.to": true,
}

// copyDeploymentAnnotations copies the Deployment's own annotations (such
// as kubernetes.io/change-cause) onto its ReplicaSet, as the controller
// does, so that rollout history can show them.
func copyDeploymentAnnotations(d *Deployment, rs *ReplicaSet) {
	for k, v := range d.Annotations {
		if skippedAnnotations[k] {
			continue
		}
		if rs.Annotations == nil {
			rs.Annotations = map[string]string{}
		}
		rs.Annotations[k] = v
	}
}

func (dc *deploymentController) setDeploymentRevision(d *Deployment, rev string) *Deployment {
	if rev == "" || d.Annotations[annRevision] == rev {
		return d
	}
	n := d.DeepCopy()
	if n.Annotations == nil {
		n.Annotations = map[string]string{}
	}
	n.Annotations[annRevision] = rev
	n.ResourceVersion = 0
	if out, err := dc.s.updateOwned(n); err == nil {
		return out.(*Deployment)
	}
	return d
}

func (dc *deploymentController) createNewRS(d *Deployment, all []*ReplicaSet, rev, desired, maxReplicas string) *ReplicaSet {
	s := dc.s
	all = slices.DeleteFunc(all, func(r *ReplicaSet) bool { return r == nil })
	hash := templateHash(&d.Spec.Template, d.Status.CollisionCount)
	t := d.Spec.Template.deepCopy()
	if t.Labels == nil {
		t.Labels = map[string]string{}
	}
	t.Labels[PodTemplateHashLabel] = hash
	sel := cloneLabelSelector(d.Spec.Selector)
	if sel.MatchLabels == nil {
		sel.MatchLabels = map[string]string{}
	}
	sel.MatchLabels[PodTemplateHashLabel] = hash
	name := d.Name
	if len(name)+1+len(hash) > 253 {
		name = name[:253-1-len(hash)]
	}
	rs := &ReplicaSet{
		ObjectMeta: ObjectMeta{
			Name: name + "-" + hash, Namespace: d.Namespace, Labels: t.Labels.Clone(),
			Annotations:     map[string]string{annRevision: rev, annDesiredReplicas: desired, annMaxReplicas: maxReplicas},
			OwnerReferences: []OwnerReference{controllerRef("apps/v1", KindDeployment, d.Name, d.UID)},
		},
		Spec: ReplicaSetSpec{Replicas: Ptr(int32(0)), MinReadySeconds: d.Spec.MinReadySeconds, Selector: sel, Template: t},
	}
	copyDeploymentAnnotations(d, rs)
	newReplicas := dc.newRSReplicas(d, all, nil)
	rs.Spec.Replicas = Ptr(newReplicas)
	out, err := s.createOwned(rs)
	if err != nil {
		if existing, ok := s.store.get(KindReplicaSet, d.Namespace, rs.Name); ok {
			ers := existing.(*ReplicaSet)
			if ref, ok := ers.ControllerRef(); ok && ref.UID == d.UID && sameTemplate(&ers.Spec.Template, &d.Spec.Template) {
				return ers
			}
			// A different template under the same hash: count the
			// collision and try again with a new hash.
			n := d.DeepCopy()
			n.Status.CollisionCount = Ptr(replicas(d.Status.CollisionCount) + 1)
			s.updateStatusOwned(n, d)
			dc.enqueue(d.Namespace, d.Name)
		}
		return nil
	}
	created := out.(*ReplicaSet)
	s.emit(KindDeployment, d.Namespace, d.Name, EventNormal, "ScalingReplicaSet", deploymentControllerName,
		fmt.Sprintf("Scaled up replica set %s from 0 to %d", created.Name, newReplicas))
	return created
}

// newRSReplicas is how big a new ReplicaSet may be made now: all of it for
// Recreate; for a rolling update, as much as the surge allows.
func (dc *deploymentController) newRSReplicas(d *Deployment, all []*ReplicaSet, newRS *ReplicaSet) int32 {
	want := replicas(d.Spec.Replicas)
	if d.Spec.Strategy.Type != RollingUpdateStrategy {
		return want
	}
	var current int32
	for _, rs := range all {
		if rs != nil {
			current += replicas(rs.Spec.Replicas)
		}
	}
	var have int32
	if newRS != nil {
		have = replicas(newRS.Spec.Replicas)
	}
	maxTotal := want + maxSurge(d)
	if current >= maxTotal {
		return have
	}
	return have + min(maxTotal-current, want-have)
}

// scaleRSAndRecordEvent resizes a ReplicaSet, as the rollout does: nothing
// at all, annotations included, when it already has n replicas
// (scaleReplicaSetAndRecordEvent in pkg/controller/deployment/sync.go).
func (dc *deploymentController) scaleRSAndRecordEvent(rs *ReplicaSet, n int32, d *Deployment) bool {
	if replicas(rs.Spec.Replicas) == n {
		return false
	}
	return dc.scaleRS(rs, n, d)
}

// scaleRS sets a ReplicaSet's replicas and its desired-replicas and
// max-replicas annotations, writing if either is out of date, and records
// the scaling event if the size changed (scaleReplicaSet).
func (dc *deploymentController) scaleRS(rs *ReplicaSet, n int32, d *Deployment) bool {
	cur := replicas(rs.Spec.Replicas)
	desired := strconv.Itoa(int(replicas(d.Spec.Replicas)))
	maxReplicas := strconv.Itoa(int(replicas(d.Spec.Replicas) + maxSurge(d)))
	if cur == n && rs.Annotations[annDesiredReplicas] == desired && rs.Annotations[annMaxReplicas] == maxReplicas {
		return false
	}
	c := rs.DeepCopy()
	c.Spec.Replicas = Ptr(n)
	if c.Annotations == nil {
		c.Annotations = map[string]string{}
	}
	c.Annotations[annDesiredReplicas] = desired
	c.Annotations[annMaxReplicas] = maxReplicas
	c.ResourceVersion = 0
	if _, err := dc.s.updateOwned(c); err != nil {
		return false
	}
	if cur != n {
		dir := "up"
		if n < cur {
			dir = "down"
		}
		dc.s.emit(KindDeployment, d.Namespace, d.Name, EventNormal, "ScalingReplicaSet", deploymentControllerName,
			fmt.Sprintf("Scaled %s replica set %s from %d to %d", dir, rs.Name, cur, n))
	}
	return cur != n
}

func active(list []*ReplicaSet) []*ReplicaSet {
	var out []*ReplicaSet
	for _, rs := range list {
		if rs != nil && replicas(rs.Spec.Replicas) > 0 {
			out = append(out, rs)
		}
	}
	return out
}

// isScalingEvent reports whether an active ReplicaSet was last scaled for a
// different size of the Deployment than it has now; a desired-replicas
// annotation that is missing or not a valid count is ignored.
func (dc *deploymentController) isScalingEvent(d *Deployment, rsList []*ReplicaSet) bool {
	for _, rs := range active(rsList) {
		if n, ok := annotatedCount(rs, annDesiredReplicas); ok && n != replicas(d.Spec.Replicas) {
			return true
		}
	}
	return false
}

// annotatedCount reads a replica-count annotation as the Deployment
// controller does (getNonNegativeInt32FromAnnotation): decimal digits only,
// no sign, at most MaxInt32; anything else counts as missing.
func annotatedCount(rs *ReplicaSet, key string) (int32, bool) {
	v, ok := rs.Annotations[key]
	if !ok {
		return 0, false
	}
	n, err := strconv.ParseUint(v, 10, 32)
	if err != nil || n > math.MaxInt32 {
		return 0, false
	}
	return int32(n), true
}

// isSaturated reports whether the new ReplicaSet holds all of the
// Deployment's replicas, was scaled for exactly that size and has them all
// available (IsSaturated). It parses the desired-replicas annotation with
// Atoi, as Kubernetes does here, so a sign or leading zeros are accepted.
func isSaturated(d *Deployment, rs *ReplicaSet) bool {
	if rs == nil {
		return false
	}
	desired, err := strconv.Atoi(rs.Annotations[annDesiredReplicas])
	if err != nil {
		return false
	}
	want := replicas(d.Spec.Replicas)
	return replicas(rs.Spec.Replicas) == want && int32(desired) == want && rs.Status.AvailableReplicas == want
}

func (dc *deploymentController) rolloutRolling(d *Deployment, rsList []*ReplicaSet) {
	newRS, old, d := dc.newAndOld(d, rsList, true)
	all := append(slices.Clone(old), newRS)
	if newRS != nil && dc.reconcileNew(all, newRS, d) {
		dc.writeStatus(d, dc.refresh(nonNil(all)), newRS)
		return
	}
	if newRS != nil {
		scaled, ok := dc.reconcileOld(dc.refresh(nonNil(all)), newRS, d)
		if !ok {
			return
		}
		if scaled {
			dc.writeStatus(d, dc.refresh(nonNil(all)), newRS)
			return
		}
	}
	all = dc.refresh(nonNil(all))
	dc.cleanupIfComplete(d, all, newRS)
	dc.writeStatus(d, dc.refresh(all), newRS)
}

func nonNil(list []*ReplicaSet) []*ReplicaSet {
	return slices.DeleteFunc(slices.Clone(list), func(r *ReplicaSet) bool { return r == nil })
}

func (dc *deploymentController) reconcileNew(all []*ReplicaSet, newRS *ReplicaSet, d *Deployment) bool {
	want := replicas(d.Spec.Replicas)
	have := replicas(newRS.Spec.Replicas)
	switch {
	case have == want:
		return false
	case have > want:
		return dc.scaleRSAndRecordEvent(newRS, want, d)
	}
	return dc.scaleRSAndRecordEvent(newRS, dc.newRSReplicas(d, nonNil(all), newRS), d)
}

// reconcileOld scales old ReplicaSets down as far as availability allows
// (reconcileOldReplicaSets in pkg/controller/deployment/rolling.go) and
// reports whether it scaled any. It fails (ok false) where Kubernetes'
// cleanupUnhealthyReplicas fails with "got invalid request to scale down":
// an old ReplicaSet reports more available pods than it now asks for,
// because its status predates its latest scale-down, and cleaning up its
// "unhealthy" pods would scale it up. Kubernetes then drops the sync and
// retries it; svcsim drops it and is synced again when the ReplicaSet's
// status, written once its controller has acted, arrives.
func (dc *deploymentController) reconcileOld(all []*ReplicaSet, newRS *ReplicaSet, d *Deployment) (scaledAny, ok bool) {
	newRS = findByUID(all, newRS.UID)
	var old []*ReplicaSet
	for _, rs := range all {
		if rs.UID != newRS.UID && replicas(rs.Spec.Replicas) > 0 {
			old = append(old, rs)
		}
	}
	if len(old) == 0 {
		return false, true
	}
	var total int32
	for _, rs := range all {
		total += replicas(rs.Spec.Replicas)
	}
	minAvailable := replicas(d.Spec.Replicas) - maxUnavailable(d)
	newUnavailable := replicas(newRS.Spec.Replicas) - newRS.Status.AvailableReplicas
	maxScaledDown := total - minAvailable - newUnavailable
	if maxScaledDown <= 0 {
		return false, true
	}
	slices.SortFunc(old, byCreation)
	// First, old ReplicaSets' unhealthy pods: removing them costs no
	// availability.
	var cleaned int32
	for _, rs := range old {
		if cleaned >= maxScaledDown {
			break
		}
		r := replicas(rs.Spec.Replicas)
		if r == 0 || r == rs.Status.AvailableReplicas {
			continue
		}
		n := min(maxScaledDown-cleaned, r-rs.Status.AvailableReplicas)
		if n < 0 {
			return cleaned > 0, false
		}
		if dc.scaleRSAndRecordEvent(rs, r-n, d) {
			cleaned += n
		}
	}
	all = dc.refresh(all)
	// Then scale old ReplicaSets down as far as availability allows.
	var available int32
	for _, rs := range all {
		available += rs.Status.AvailableReplicas
	}
	var scaled int32
	if available > minAvailable {
		budget := available - minAvailable
		for _, rs := range dc.refresh(old) {
			if scaled >= budget {
				break
			}
			r := replicas(rs.Spec.Replicas)
			if r == 0 {
				continue
			}
			n := min(r, budget-scaled)
			if dc.scaleRSAndRecordEvent(rs, r-n, d) {
				scaled += n
			}
		}
	}
	return cleaned+scaled > 0, true
}

func findByUID(list []*ReplicaSet, uid string) *ReplicaSet {
	for _, rs := range list {
		if rs.UID == uid {
			return rs
		}
	}
	return nil
}

func (dc *deploymentController) rolloutRecreate(d *Deployment, rsList []*ReplicaSet) {
	newRS, old, d := dc.newAndOld(d, rsList, false)
	scaled := false
	for _, rs := range active(old) {
		if dc.scaleRSAndRecordEvent(rs, 0, d) {
			scaled = true
		}
	}
	if scaled {
		dc.writeStatus(d, dc.refresh(rsList), newRS)
		return
	}
	if dc.oldPodsRunning(dc.refresh(old)) {
		dc.writeStatus(d, dc.refresh(rsList), newRS)
		return
	}
	if newRS == nil {
		newRS, old, d = dc.newAndOld(d, rsList, true)
	}
	if newRS != nil {
		dc.scaleRSAndRecordEvent(newRS, replicas(d.Spec.Replicas), d)
	}
	all := dc.refresh(nonNil(append(old, newRS)))
	dc.cleanupIfComplete(d, all, newRS)
	dc.writeStatus(d, dc.refresh(all), newRS)
}

// oldPodsRunning reports whether any pod of the old ReplicaSets is not
// yet gone or finished; Recreate waits for that.
func (dc *deploymentController) oldPodsRunning(old []*ReplicaSet) bool {
	for _, rs := range old {
		if rs.Status.Replicas > 0 {
			return true
		}
	}
	// Through the owner index: the old ReplicaSets' pods, not the
	// namespace's.
	running := false
	for _, rs := range old {
		dc.s.store.eachOwned(KindPod, rs.UID, func(o Object) bool {
			if p := o.(*Pod); p.Namespace == old[0].Namespace && !isTerminal(p) {
				running = true
			}
			return !running
		})
		if running {
			return true
		}
	}
	return false
}

// syncScale handles a paused Deployment or a change of replicas mid-rollout:
// it resizes the ReplicaSets proportionally and rolls nothing.
func (dc *deploymentController) syncScale(d *Deployment, rsList []*ReplicaSet) {
	newRS, old, d := dc.newAndOld(d, rsList, false)
	dc.scale(d, newRS, old)
	all := dc.refresh(nonNil(append(slices.Clone(old), newRS)))
	if d.Spec.Paused {
		dc.cleanup(d, all, newRS)
	}
	dc.writeStatus(d, dc.refresh(all), newRS)
}

// scale resizes the Deployment's ReplicaSets to its replica count without
// rolling anything out (scale in pkg/controller/deployment/sync.go).
func (dc *deploymentController) scale(d *Deployment, newRS *ReplicaSet, old []*ReplicaSet) {
	steps, proportional := planScale(d, newRS, old)
	for _, st := range steps {
		if proportional {
			dc.scaleRS(st.rs, st.size, d)
		} else {
			dc.scaleRSAndRecordEvent(st.rs, st.size, d)
		}
	}
}

// scaleStep is one ReplicaSet's new size in a scaling plan.
type scaleStep struct {
	rs   *ReplicaSet
	size int32
}

// planScale computes what scale writes, in order. With at most one active
// ReplicaSet, that one (or, with none, the new or else the newest) takes
// every replica. With a saturated new ReplicaSet, the old ones go to zero.
// Otherwise a rolling Deployment spreads the difference between its
// replicas plus surge and what its active ReplicaSets ask for over them,
// biggest first, each by its share (replicaSetProportion), the rounding
// leftover going to the first; then every one of them is written, so that
// all record the size they were scaled for (proportional is true). A
// Recreate Deployment scales nothing here.
func planScale(d *Deployment, newRS *ReplicaSet, old []*ReplicaSet) (steps []scaleStep, proportional bool) {
	want := replicas(d.Spec.Replicas)
	act := active(nonNil(append(slices.Clone(old), newRS)))
	if len(act) <= 1 {
		target := newRS
		switch {
		case len(act) == 1:
			target = act[0]
		case target == nil && len(old) > 0:
			target = slices.MaxFunc(old, byCreation)
		}
		if target == nil || replicas(target.Spec.Replicas) == want {
			return nil, false
		}
		return []scaleStep{{target, want}}, false
	}
	if isSaturated(d, newRS) {
		for _, rs := range active(old) {
			steps = append(steps, scaleStep{rs, 0})
		}
		return steps, false
	}
	if d.Spec.Strategy.Type != RollingUpdateStrategy {
		return nil, false
	}
	var sum int32
	for _, rs := range act {
		sum += replicas(rs.Spec.Replicas)
	}
	var allowed int32
	if want > 0 {
		allowed = want + maxSurge(d)
	}
	toAdd := allowed - sum
	// Biggest first; among equals the newer first when growing and the
	// older first when shrinking (ReplicaSetsBySizeNewer and
	// ReplicaSetsBySizeOlder). With nothing to add, the order stays: old
	// ones oldest first, then the new one.
	switch {
	case toAdd > 0:
		slices.SortFunc(act, func(a, b *ReplicaSet) int {
			if c := cmp.Compare(replicas(b.Spec.Replicas), replicas(a.Spec.Replicas)); c != 0 {
				return c
			}
			return byCreation(b, a)
		})
	case toAdd < 0:
		slices.SortFunc(act, func(a, b *ReplicaSet) int {
			if c := cmp.Compare(replicas(b.Spec.Replicas), replicas(a.Spec.Replicas)); c != 0 {
				return c
			}
			return byCreation(a, b)
		})
	}
	steps = make([]scaleStep, len(act))
	var added int32
	for i, rs := range act {
		p := replicaSetProportion(rs, d, toAdd, added)
		steps[i] = scaleStep{rs, replicas(rs.Spec.Replicas) + p}
		added += p
	}
	if toAdd != 0 {
		steps[0].size = max(0, steps[0].size+toAdd-added)
	}
	return steps, true
}

// replicaSetProportion is a ReplicaSet's share of toAdd replicas of which
// added are already given out (GetReplicaSetProportion): its fraction,
// never more than is left to give when growing nor to take when shrinking.
func replicaSetProportion(rs *ReplicaSet, d *Deployment, toAdd, added int32) int32 {
	if rs == nil || replicas(rs.Spec.Replicas) == 0 || toAdd == 0 || toAdd == added {
		return 0
	}
	fraction := replicaSetFraction(rs, d)
	left := toAdd - added
	if toAdd > 0 {
		return min(fraction, left)
	}
	return max(fraction, left)
}

// replicaSetFraction is how many replicas a ReplicaSet gains (or, negative,
// loses) when the Deployment's replicas plus surge change from the value
// the ReplicaSet was last scaled for (its max-replicas annotation) to the
// current one, rounded half away from zero (getReplicaSetFraction). A
// Deployment scaled to zero takes all of it. When the annotation is
// missing, not a valid count, or 0, the Deployment's status.replicas
// stands in for it, and when that is 0 too the fraction is 0: the leftover
// rule then decides alone. Kubernetes multiplies in int32, which would
// wrap past 2^31; svcsim computes exactly.
func replicaSetFraction(rs *ReplicaSet, d *Deployment) int32 {
	r := replicas(rs.Spec.Replicas)
	if replicas(d.Spec.Replicas) == 0 {
		return -r
	}
	target := replicas(d.Spec.Replicas) + maxSurge(d)
	before, ok := annotatedCount(rs, annMaxReplicas)
	if !ok || before == 0 {
		before = d.Status.Replicas
		if before == 0 {
			return 0
		}
	}
	fraction := math.Round(float64(int64(r)*int64(target))/float64(before)) - float64(r)
	return int32(min(max(fraction, math.MinInt32), math.MaxInt32))
}

func (dc *deploymentController) cleanupIfComplete(d *Deployment, all []*ReplicaSet, newRS *ReplicaSet) {
	st := dc.calculateStatus(d, all, newRS)
	want := replicas(d.Spec.Replicas)
	if st.UpdatedReplicas == want && st.Replicas == want && st.AvailableReplicas == want {
		dc.cleanup(d, all, newRS)
	}
}

// cleanup deletes the oldest scaled-down ReplicaSets beyond the revision
// history limit.
func (dc *deploymentController) cleanup(d *Deployment, all []*ReplicaSet, newRS *ReplicaSet) {
	if d.Spec.RevisionHistoryLimit == nil {
		return
	}
	var cleanable []*ReplicaSet
	for _, rs := range all {
		if (newRS == nil || rs.UID != newRS.UID) && rs.DeletionTimestamp == nil {
			cleanable = append(cleanable, rs)
		}
	}
	diff := len(cleanable) - int(*d.Spec.RevisionHistoryLimit)
	if diff <= 0 {
		return
	}
	slices.SortStableFunc(cleanable, func(a, b *ReplicaSet) int {
		if c := cmp.Compare(revision(a), revision(b)); c != 0 {
			return c
		}
		return byCreation(a, b)
	})
	for _, rs := range cleanable[:diff] {
		if rs.Status.Replicas != 0 || replicas(rs.Spec.Replicas) != 0 || rs.Generation > rs.Status.ObservedGeneration {
			continue
		}
		_ = dc.s.Delete(KindReplicaSet, rs.Namespace, rs.Name, DeleteOptions{})
	}
}

func (dc *deploymentController) calculateStatus(d *Deployment, all []*ReplicaSet, newRS *ReplicaSet) DeploymentStatus {
	st := DeploymentStatus{ObservedGeneration: d.Generation, CollisionCount: clonePtr(d.Status.CollisionCount)}
	var specTotal int32
	for _, rs := range all {
		st.Replicas += rs.Status.Replicas
		st.ReadyReplicas += rs.Status.ReadyReplicas
		st.AvailableReplicas += rs.Status.AvailableReplicas
		specTotal += replicas(rs.Spec.Replicas)
		if newRS != nil && rs.UID == newRS.UID {
			st.UpdatedReplicas = rs.Status.Replicas
		}
	}
	st.UnavailableReplicas = max(0, specTotal-st.AvailableReplicas)
	return st
}

// writeStatus computes the Deployment's status and its Available and
// Progressing conditions, and schedules a check of the progress deadline.
func (dc *deploymentController) writeStatus(d *Deployment, all []*ReplicaSet, newRS *ReplicaSet) {
	s := dc.s
	cur, ok := s.store.get(KindDeployment, d.Namespace, d.Name)
	if !ok || cur.Meta().UID != d.UID {
		return
	}
	d = cur.(*Deployment)
	if newRS != nil {
		newRS = findByUID(all, newRS.UID)
	}
	st := dc.calculateStatus(d, all, newRS)
	st.Conditions = append([]DeploymentCondition(nil), d.Status.Conditions...)
	want := replicas(d.Spec.Replicas)
	if st.AvailableReplicas >= want-maxUnavailable(d) {
		setDeploymentCondition(&st, DeploymentCondition{Type: "Available", Status: ConditionTrue, Reason: "MinimumReplicasAvailable", Message: "Deployment has minimum availability."}, s.now)
	} else {
		setDeploymentCondition(&st, DeploymentCondition{Type: "Available", Status: ConditionFalse, Reason: "MinimumReplicasUnavailable", Message: "Deployment does not have minimum availability."}, s.now)
	}
	rsName := ""
	if newRS != nil {
		rsName = newRS.Name
	}
	deadline := time.Duration(replicas(d.Spec.ProgressDeadlineSeconds)) * time.Second
	prog, hasProg := deploymentCondition(d.Status, "Progressing")
	complete := st.Replicas == want && st.UpdatedReplicas == want && st.AvailableReplicas == want && st.ObservedGeneration >= d.Generation && newRS != nil
	switch {
	case d.Spec.Paused:
		if !hasProg || prog.Reason != "DeploymentPaused" {
			setDeploymentCondition(&st, DeploymentCondition{Type: "Progressing", Status: ConditionUnknown, Reason: "DeploymentPaused", Message: "Deployment is paused"}, s.now)
		}
	case complete:
		setDeploymentCondition(&st, DeploymentCondition{Type: "Progressing", Status: ConditionTrue, Reason: "NewReplicaSetAvailable", Message: fmt.Sprintf("ReplicaSet %q has successfully progressed.", rsName)}, s.now)
	case progressed(d.Status, st) || !hasProg || prog.Reason == "DeploymentPaused":
		reason := "ReplicaSetUpdated"
		if hasProg && prog.Reason == "DeploymentPaused" {
			reason = "DeploymentResumed"
		}
		msg := fmt.Sprintf("ReplicaSet %q is progressing.", rsName)
		if reason == "DeploymentResumed" {
			msg = "Deployment is resumed"
		}
		status := ConditionTrue
		if reason == "DeploymentResumed" {
			status = ConditionUnknown
		}
		setDeploymentCondition(&st, DeploymentCondition{Type: "Progressing", Status: status, Reason: reason, Message: msg}, s.now)
		if deadline > 0 {
			ns, name := d.Namespace, d.Name
			s.schedule(s.now.Add(deadline+time.Nanosecond), TraceEntry{Component: deploymentControllerName, Object: objectRef(KindDeployment, ns, name), Action: "ProgressDeadline"}, true, func() {
				dc.enqueue(ns, name)
			})
		}
	case hasProg && prog.Reason != "NewReplicaSetAvailable" && deadline > 0 && s.now.Sub(prog.LastUpdateTime) > deadline:
		setDeploymentCondition(&st, DeploymentCondition{Type: "Progressing", Status: ConditionFalse, Reason: "ProgressDeadlineExceeded", Message: fmt.Sprintf("ReplicaSet %q has timed out progressing.", rsName)}, s.now)
	}
	n := *d
	n.Status = st
	s.updateStatusOwned(&n, d)
}

// progressed reports whether the rollout moved since the last status.
func progressed(old, cur DeploymentStatus) bool {
	return cur.UpdatedReplicas > old.UpdatedReplicas ||
		cur.Replicas-cur.UpdatedReplicas < old.Replicas-old.UpdatedReplicas ||
		cur.ReadyReplicas > old.ReadyReplicas || cur.AvailableReplicas > old.AvailableReplicas
}

func deploymentCondition(st DeploymentStatus, t string) (DeploymentCondition, bool) {
	for _, c := range st.Conditions {
		if c.Type == t {
			return c, true
		}
	}
	return DeploymentCondition{}, false
}

// setDeploymentCondition sets a condition, stamping its update time and
// keeping its transition time while its status stays the same.
func setDeploymentCondition(st *DeploymentStatus, c DeploymentCondition, now Time) {
	c.LastUpdateTime, c.LastTransitionTime = now, now
	for i := range st.Conditions {
		if st.Conditions[i].Type != c.Type {
			continue
		}
		old := st.Conditions[i]
		if old.Status == c.Status {
			c.LastTransitionTime = old.LastTransitionTime
			if old.Reason == c.Reason && old.Message == c.Message {
				c.LastUpdateTime = old.LastUpdateTime
				if c.Type == "Progressing" && c.Reason == "ReplicaSetUpdated" {
					c.LastUpdateTime = now
				}
			}
		}
		st.Conditions[i] = c
		return
	}
	st.Conditions = append(st.Conditions, c)
	slices.SortStableFunc(st.Conditions, func(a, b DeploymentCondition) int { return strings.Compare(a.Type, b.Type) })
}

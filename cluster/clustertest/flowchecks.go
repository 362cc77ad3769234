package clustertest

import (
	"fmt"
	"math"
	"strings"

	svcsim "github.com/svcsim/svcsim"
	"github.com/svcsim/svcsim/cluster"
	"github.com/svcsim/svcsim/proxy"
)

// NeverEmpty is the Checker [ServiceNeverEmpty] returns.
type NeverEmpty struct {
	namespace, name string
	armed           bool
	err             error
}

// ServiceNeverEmpty returns a Checker that fails once the Service
// namespace/name, having had at least one ready endpoint in its
// EndpointSlices, has none: the moment a client of it would be refused.
// It arms itself at the first check that sees a ready endpoint, so a flow
// may start before its pods are ready. Call Check after every event (or
// every store write) of the flow.
func ServiceNeverEmpty(namespace, name string) *NeverEmpty {
	if namespace == "" {
		namespace = "default"
	}
	return &NeverEmpty{namespace: namespace, name: name}
}

// Check counts the Service's ready endpoints now.
func (n *NeverEmpty) Check(c *svcsim.Cluster) error {
	if n == nil {
		return fmt.Errorf("%w: nil checker", ErrBadArgument)
	}
	if n.err != nil {
		return n.err
	}
	if err := usable(c); err != nil {
		return err
	}
	ready := 0
	for _, sl := range serviceSlices(c.Sim, n.namespace, n.name) {
		for _, e := range sl.Endpoints {
			if cond(e.Conditions.Ready, true) {
				ready++
			}
		}
	}
	switch {
	case ready > 0:
		n.armed = true
	case n.armed:
		n.err = violation(c, "ServiceNeverEmpty", "service %s/%s has no ready endpoint left", n.namespace, n.name)
	}
	return n.err
}

// Rolling is the Checker [RollingBounds] returns.
type Rolling struct {
	namespace, name string
	armedAt         int32 // the replica count it armed at, -1 before
	err             error
}

// RollingBounds returns a Checker of what Kubernetes promises for a
// rolling update of the Deployment namespace/name, with surge and
// unavailability resolved as [cluster.Fenceposts] does:
//
//   - the ReplicaSets it owns ask for at most replicas+maxSurge pods;
//   - the pods they own that are not terminating number at most
//     replicas+maxSurge, plus the scale-downs written but not yet carried
//     out (pods a ReplicaSet has beyond what it now asks for: see the
//     cluster package's note on ReplicaSet syncs);
//   - once the Deployment has had replicas ready pods, at least
//     replicas−maxUnavailable of its pods stay ready.
//
// The last holds only while nothing else takes pods away: a readiness
// failure, a crash or a node outage breaks it legitimately. A change of
// spec.replicas disarms it until the new count is ready. Call Check after
// every event of the rollout.
func RollingBounds(namespace, name string) *Rolling {
	if namespace == "" {
		namespace = "default"
	}
	return &Rolling{namespace: namespace, name: name, armedAt: -1}
}

// Check looks at the Deployment, its ReplicaSets and their pods now.
func (r *Rolling) Check(c *svcsim.Cluster) error {
	if r == nil {
		return fmt.Errorf("%w: nil checker", ErrBadArgument)
	}
	if r.err != nil {
		return r.err
	}
	if err := usable(c); err != nil {
		return err
	}
	d, ok := cluster.GetAs[*cluster.Deployment](c.Sim, r.namespace, r.name)
	if !ok || d.Spec.Strategy.Type == "Recreate" {
		return nil
	}
	n := int32(1)
	if d.Spec.Replicas != nil {
		n = *d.Spec.Replicas
	}
	var ms, mu cluster.IntOrString
	if ru := d.Spec.Strategy.RollingUpdate; ru != nil {
		if ru.MaxSurge != nil {
			ms = *ru.MaxSurge
		}
		if ru.MaxUnavailable != nil {
			mu = *ru.MaxUnavailable
		}
	}
	surge, unavailable, err := cluster.Fenceposts(n, ms, mu)
	if err != nil {
		return nil // the store refuses such a Deployment; nothing to judge
	}
	var asked, pending, up, ready int32
	mine := map[string]int32{} // spec.replicas of the Deployment's ReplicaSets, by uid
	for _, rs := range cluster.ListAs[*cluster.ReplicaSet](c.Sim, r.namespace, everything) {
		if ref, ok := rs.ControllerRef(); ok && ref.UID == d.UID {
			mine[rs.UID] = 1
			if rs.Spec.Replicas != nil {
				mine[rs.UID] = *rs.Spec.Replicas
			}
			asked += mine[rs.UID]
		}
	}
	active := map[string]int32{} // active pods by ReplicaSet uid
	for _, p := range cluster.ListAs[*cluster.Pod](c.Sim, r.namespace, everything) {
		ref, ok := p.ControllerRef()
		if _, of := mine[ref.UID]; !ok || !of || !activePod(p) {
			continue
		}
		active[ref.UID]++
		up++
		if p.IsReady() {
			ready++
		}
	}
	for uid, want := range mine {
		pending += max(0, active[uid]-want)
	}
	ref := r.namespace + "/" + r.name
	if r.armedAt != n {
		r.armedAt = -1
		if ready >= n {
			r.armedAt = n
		}
	}
	switch {
	case asked > n+surge:
		r.err = violation(c, "RollingBounds", "deployment %s: its ReplicaSets ask for %d pods > %d replicas + %d maxSurge", ref, asked, n, surge)
	case up > n+surge+pending:
		r.err = violation(c, "RollingBounds", "deployment %s has %d pods up > %d replicas + %d maxSurge + %d being scaled down", ref, up, n, surge, pending)
	case r.armedAt == n && ready < n-unavailable:
		r.err = violation(c, "RollingBounds", "deployment %s has %d ready pods < %d replicas - %d maxUnavailable", ref, ready, n, unavailable)
	}
	return r.err
}

// activePod reports whether a pod counts for its ReplicaSet: it has not
// finished and is not being deleted.
func activePod(p *cluster.Pod) bool {
	return !p.Terminating() && p.Status.Phase != cluster.PodSucceeded && p.Status.Phase != cluster.PodFailed
}

// NoAnswerFromGonePods checks one response: if it was answered, the pod
// that answered must still run, by its kubelet's ground truth, when the
// answer arrives. Call it from a load's OnResponse (proxy.Load), which
// the loop calls at that moment; called later, a pod that has since gone
// legitimately fails it. A pod deleted from the store whose node has not
// stopped it yet counts as gone.
func NoAnswerFromGonePods(c *svcsim.Cluster, r proxy.Response) error {
	if err := usable(c); err != nil {
		return err
	}
	if r.Outcome != proxy.Answered {
		return nil
	}
	ns, name, ok := strings.Cut(r.Pod, "/")
	if !ok {
		return violation(c, "NoAnswerFromGonePods", "answer at %s names no pod (%q)", r.Done, r.Pod)
	}
	rt, ok := c.Runtime(ns, name)
	switch {
	case !ok:
		return violation(c, "NoAnswerFromGonePods", "pod %s answered at %s but no longer exists", r.Pod, r.Done)
	case !rt.Running:
		return violation(c, "NoAnswerFromGonePods", "pod %s answered at %s but its containers are not running", r.Pod, r.Done)
	case !rt.NodeUp:
		return violation(c, "NoAnswerFromGonePods", "pod %s answered at %s but its node %s is down", r.Pod, r.Done, rt.Node)
	}
	return nil
}

// ZeroFailures checks that every request a load counted got a successful
// answer: none refused, timed out, reset or unresolved, and no 5xx.
func ZeroFailures(t *proxy.Tally) error {
	if t == nil {
		return fmt.Errorf("%w: nil tally", ErrBadArgument)
	}
	tot := t.Total()
	if tot.Failed() == 0 {
		return nil
	}
	// The violation is dated by the interval in which the first failed
	// request was sent.
	var at cluster.Time
	for _, iv := range t.Series() {
		if iv.Failed() > 0 {
			at = iv.Start
			break
		}
	}
	return &Violation{Invariant: "ZeroFailures", At: at, Detail: fmt.Sprintf("%d of %d requests failed: %d refused, %d timed out, %d reset, %d unresolved, %d server errors",
		tot.Failed(), tot.Total(), tot.Refused, tot.TimedOut, tot.Reset, tot.Unresolved, tot.ServerErrors)}
}

// ShareWithin checks that each group's share of a load's answers (groups
// as the load's GroupBy names them: a version label, or the image) is
// within tol of want's, a group missing from want being wanted at 0. want
// holds fractions of 1 and tol is a fraction too (0.05 is five points).
// A load with no answers at all fails, as nothing can be judged.
func ShareWithin(t *proxy.Tally, want map[string]float64, tol float64) error {
	if t == nil {
		return fmt.Errorf("%w: nil tally", ErrBadArgument)
	}
	if math.IsNaN(tol) || tol < 0 || tol > 1 {
		return fmt.Errorf("%w: tolerance %v is not between 0 and 1", ErrBadArgument, tol)
	}
	for _, g := range sortedKeys(want) {
		if w := want[g]; math.IsNaN(w) || w < 0 || w > 1 {
			return fmt.Errorf("%w: wanted share %v of %q is not between 0 and 1", ErrBadArgument, w, g)
		}
	}
	got := map[string]float64{}
	total := 0
	for _, g := range t.Groups() {
		total += g.Answered
	}
	if total == 0 {
		return &Violation{Invariant: "ShareWithin", Detail: "no request was answered"}
	}
	for _, g := range t.Groups() {
		got[g.Name] = float64(g.Answered) / float64(total)
	}
	names := sortedKeys(want)
	for _, g := range sortedKeys(got) {
		if _, ok := want[g]; !ok {
			names = append(names, g)
		}
	}
	for _, g := range names {
		if d := math.Abs(got[g] - want[g]); d > tol {
			return &Violation{Invariant: "ShareWithin", Detail: fmt.Sprintf("%q answered %.1f%% of %d requests, want %.1f%% ± %.1f", g, 100*got[g], total, 100*want[g], 100*tol)}
		}
	}
	return nil
}

package cluster

import (
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/stretchr/testify/require"
	"pgregory.net/rapid"

	"github.com/svcsim/svcsim/selector"
)

// Property tests of the ReplicaSet and Deployment controllers. Each draws a
// small workload and a short run of things users and faults do to it, and
// checks what the reference (§8 and §9 of kubernetes-semantics.md) says
// must hold. Reproduce a failure with
//
//	go test ./cluster -run TestReplicaSetConverges -rapid.seed=N
//
// (rapid prints N) or with the fail file it names.

// wlMaxActions bounds a run, so that the properties stay fast under -race.
const wlMaxActions = 20

// wlReplicaSet is the ReplicaSet "web" the properties use: selector app=web,
// one nginx container with the given readiness probe (nil for none).
func wlReplicaSet(n int32, probe *Probe) *ReplicaSet {
	t := nginxTemplate(map[string]string{"app": "web"}, "nginx")
	t.Spec.Containers[0].ReadinessProbe = clonePtr(probe)
	return &ReplicaSet{
		ObjectMeta: ObjectMeta{Name: "web"},
		Spec: ReplicaSetSpec{Replicas: Ptr(n), Selector: &selector.LabelSelector{MatchLabels: selector.Set{"app": "web"}},
			Template: t},
	}
}

func probeGen() *rapid.Generator[*Probe] {
	return rapid.Custom(func(t *rapid.T) *Probe {
		if !rapid.Bool().Draw(t, "probe?") {
			return nil
		}
		return &Probe{
			InitialDelaySeconds: int32(rapid.IntRange(0, 5).Draw(t, "initialDelay")),
			PeriodSeconds:       int32(rapid.IntRange(1, 10).Draw(t, "period")),
			SuccessThreshold:    int32(rapid.IntRange(1, 3).Draw(t, "success")),
			FailureThreshold:    int32(rapid.IntRange(1, 3).Draw(t, "failure")),
		}
	})
}

// ownedActive returns the active pods (not finished, not being deleted)
// whose controller is uid, in name order.
func ownedActive(s *Sim, uid string) []*Pod {
	var out []*Pod
	for _, p := range ListAs[*Pod](s, "default", everything) {
		if ref, ok := p.ControllerRef(); ok && ref.UID == uid && isActive(p) {
			out = append(out, p)
		}
	}
	return out
}

// faultErr accepts what a fault injection may answer for a pod that no
// kubelet runs yet.
func faultErr(t *rapid.T, err error, op string) {
	if err != nil {
		require.ErrorIs(t, err, ErrNoRuntime, op)
	}
}

// intOrPercentGen draws a maxSurge or maxUnavailable: 0..3, or one of a
// few percentages.
func intOrPercentGen() *rapid.Generator[IntOrString] {
	return rapid.OneOf(
		rapid.Map(rapid.IntRange(0, 3), func(n int) IntOrString { return FromInt(int32(n)) }),
		rapid.Map(rapid.SampledFrom([]string{"0%", "10%", "25%", "50%", "100%"}), FromString),
	)
}

// stepInstants runs the loop one event at a time and calls check whenever
// virtual time is about to move on, that is between instants, never in the
// middle of one; it returns once nothing but idle background work is left.
func stepInstants(s *Sim, check func()) {
	for s.Step() {
		if s.Pending() > 0 && s.queue[0].at == s.now {
			continue
		}
		check()
		if s.busy == 0 {
			return
		}
	}
}

// rsOracle follows a rolling update from outside. An unlagged watch sees
// every write to a ReplicaSet, in order, and checks each against the
// bounds of a rollout with no scaling event (the ReplicaSets ask for at
// most replicas+maxSurge, the new one only grows and the old ones only
// shrink), write by write, where a check between events would miss a
// write undone within the same event. The ReplicaSet controller's watch
// delivers the same writes in the same order, one delivery per write, and
// the trace records each delivery and each sync: so the k-th
// "replicaset-controller Watch" entry for a ReplicaSet brings it the k-th
// version, and the oracle knows what the controller has been told and
// what it last acted on.
type rsOracle struct {
	s        *Sim
	versions map[string][]int32 // spec.replicas of every write, by name
	told     map[string]int     // how many of those the controller has had
	acted    map[string]int32   // spec.replicas as told at its latest sync
	cursor   uint64             // trace entries already read

	// Set once the rollout starts: the bound on what the ReplicaSets ask
	// for, the image of the old template, and the first violation.
	maxAsked  int32
	oldImage  string
	spec      map[string]int32
	violation string
}

func newRSOracle(s *Sim) *rsOracle {
	o := &rsOracle{s: s, versions: map[string][]int32{}, told: map[string]int{}, acted: map[string]int32{},
		spec: map[string]int32{}, cursor: s.TraceLen()}
	s.Watch("test-rs-oracle", Fixed(0), func(ev WatchEvent) {
		rs := ev.Object.(*ReplicaSet)
		n := replicas(rs.Spec.Replicas)
		o.versions[rs.Name] = append(o.versions[rs.Name], n)
		prev, seen := o.spec[rs.Name]
		o.spec[rs.Name] = n
		if ev.Type == Deleted {
			delete(o.spec, rs.Name)
		}
		if o.maxAsked == 0 || o.violation != "" {
			return
		}
		old := rs.Spec.Template.Spec.Containers[0].Image == o.oldImage
		var asked int32
		for _, n := range o.spec {
			asked += n
		}
		switch {
		case seen && old && n > prev:
			o.violation = fmt.Sprintf("at %s: old %s grew from %d to %d", s.Now(), rs.Name, prev, n)
		case seen && !old && n < prev:
			o.violation = fmt.Sprintf("at %s: new %s shrank from %d to %d", s.Now(), rs.Name, prev, n)
		case asked > o.maxAsked:
			o.violation = fmt.Sprintf("at %s: ReplicaSets ask for %d > %d after %s was scaled to %d", s.Now(), asked, o.maxAsked, rs.Name, n)
		}
	}, KindReplicaSet)
	return o
}

// rollingFrom starts checking the writes of a rollout away from oldImage
// with at most maxAsked replicas asked for.
func (o *rsOracle) rollingFrom(oldImage string, maxAsked int32) {
	o.oldImage, o.maxAsked = oldImage, maxAsked
}

// toldOf is spec.replicas as the ReplicaSet controller last heard it.
func (o *rsOracle) toldOf(name string) int32 {
	if n := o.told[name]; n > 0 {
		return o.versions[name][n-1]
	}
	return 0
}

// advance reads the trace written since the last call.
func (o *rsOracle) advance(t require.TestingT) {
	total := o.s.TraceLen()
	require.LessOrEqual(t, total, uint64(DefaultTraceCapacity), "the trace wrapped")
	for _, e := range o.s.trace.buf[o.cursor:total] {
		name, ok := strings.CutPrefix(e.Object, "replicaset/default/")
		if !ok || e.Component != replicaSetControllerName {
			continue
		}
		switch {
		case strings.HasPrefix(e.Action, "Watch "):
			o.told[name]++
			require.LessOrEqual(t, o.told[name], len(o.versions[name]), "%s: delivered before it was written", name)
		case e.Action == "Sync":
			o.acted[name] = o.toldOf(name)
		}
	}
	o.cursor = total
}

// checkRollingStep checks, after one event of a rolling update of the
// Deployment "web" (app=web) with n replicas and the given fenceposts,
// what must hold between any two events: see TestRollingUpdateStaysWithinBounds.
func checkRollingStep(t require.TestingT, s *Sim, o *rsOracle, n, surge, unavailable int32) {
	o.advance(t)
	require.Empty(t, o.violation)
	var pending int32
	for _, rs := range ListAs[*ReplicaSet](s, "default", everything) {
		told, acted := o.toldOf(rs.Name), o.acted[rs.Name]
		pods := int32(len(ownedActive(s, rs.UID)))
		require.LessOrEqual(t, pods, max(told, acted),
			"at %s: %s has %d pods; its controller was told %d and last acted on %d", s.Now(), rs.Name, pods, told, acted)
		pending += max(0, acted-told)
	}
	require.LessOrEqual(t, pending, surge+unavailable, "at %s: %d told to go, more than one step's maxSurge+maxUnavailable", s.Now(), pending)
	var ready, up int32
	for _, p := range podsWith(s, "app=web") {
		if !p.Terminating() {
			up++
			if p.IsReady() {
				ready++
			}
		}
	}
	require.GreaterOrEqual(t, ready, n-unavailable, "at %s: %d ready < %d-%d", s.Now(), ready, n, unavailable)
	require.LessOrEqual(t, up, n+surge+pending, "at %s: %d pods up > %d+%d and %d told to go", s.Now(), up, n, surge, pending)
}

// runningImages returns the images whose containers run, by the kubelets'
// ground truth, among the pods selected by sel.
func runningImages(s *Sim, sel string) []string {
	seen := map[string]bool{}
	for _, p := range podsWith(s, sel) {
		if rt, ok := s.Runtime("default", p.Name); ok && rt.Running {
			seen[p.Spec.Containers[0].Image] = true
		}
	}
	return slices.Sorted(maps.Keys(seen))
}

// podImages returns the images of every pod object selected by sel,
// terminating ones included.
func podImages(s *Sim, sel string) []string {
	seen := map[string]bool{}
	for _, p := range podsWith(s, sel) {
		seen[p.Spec.Containers[0].Image] = true
	}
	return slices.Sorted(maps.Keys(seen))
}

func mustDeploymentR(t *rapid.T, s *Sim) *Deployment {
	d, ok := GetAs[*Deployment](s, "default", "web")
	require.True(t, ok)
	return d
}

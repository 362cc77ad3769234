package cluster

import (
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

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

// rsRun is one ReplicaSet under a random run of actions, with what the
// test asked of it.
type rsRun struct {
	s     *Sim
	k     *Kubectl
	uid   string
	want  int32
	probe *Probe
	bare  int
	ops   []string
}

// pickOwned draws one of the ReplicaSet's active pods, or "" if it has none.
func (r *rsRun) pickOwned(t *rapid.T) string {
	pods := ownedActive(r.s, r.uid)
	if len(pods) == 0 {
		return ""
	}
	return rapid.SampledFrom(pods).Draw(t, "pod").Name
}

// faultErr accepts what a fault injection may answer for a pod that no
// kubelet runs yet.
func faultErr(t *rapid.T, err error, op string) {
	if err != nil {
		require.ErrorIs(t, err, ErrNoRuntime, op)
	}
}

func (r *rsRun) actions() map[string]func(*rapid.T) {
	return map[string]func(*rapid.T){
		"delete": func(t *rapid.T) {
			name := r.pickOwned(t)
			if name == "" {
				return
			}
			force := rapid.Bool().Draw(t, "force")
			var grace *int64
			if rapid.Bool().Draw(t, "grace?") {
				grace = Ptr(int64(rapid.IntRange(0, 40).Draw(t, "grace")))
			}
			r.ops = append(r.ops, fmt.Sprintf("delete %s force=%v grace=%v", name, force, grace))
			require.NoError(t, r.s.Delete(KindPod, "default", name, DeleteOptions{Force: force, GracePeriodSeconds: grace}))
		},
		"release": func(t *rapid.T) {
			name := r.pickOwned(t)
			if name == "" {
				return
			}
			args := rapid.SampledFrom([][]string{{"app-"}, {"app=other", "--overwrite"}}).Draw(t, "relabel")
			r.ops = append(r.ops, fmt.Sprintf("label %s %v", name, args))
			require.NoError(t, r.k.Label(KindPod, name, args...))
		},
		"bare-pod": func(t *rapid.T) {
			r.bare++
			name := "bare-" + strconv.Itoa(r.bare)
			tmpl := wlReplicaSet(1, r.probe).Spec.Template
			r.ops = append(r.ops, "create "+name)
			_, err := r.s.Create(&Pod{ObjectMeta: ObjectMeta{Name: name, Labels: map[string]string{"app": "web"}}, Spec: tmpl.Spec})
			require.NoError(t, err)
		},
		"scale": func(t *rapid.T) {
			n := int32(rapid.IntRange(0, 8).Draw(t, "replicas"))
			r.ops = append(r.ops, fmt.Sprintf("scale %d", n))
			require.NoError(t, r.k.Scale(KindReplicaSet, "web", n))
			r.want = n
		},
		"crash": func(t *rapid.T) {
			if name := r.pickOwned(t); name != "" {
				r.ops = append(r.ops, "crash "+name)
				faultErr(t, r.s.CrashContainer("default", name, ""), "crash")
			}
		},
		"fail-readiness": func(t *rapid.T) {
			if name := r.pickOwned(t); name != "" {
				r.ops = append(r.ops, "fail-readiness "+name)
				faultErr(t, r.s.FailReadiness("default", name), "fail")
			}
		},
		"recover-readiness": func(t *rapid.T) {
			if name := r.pickOwned(t); name != "" {
				r.ops = append(r.ops, "recover-readiness "+name)
				faultErr(t, r.s.RecoverReadiness("default", name), "recover")
			}
		},
		"node-down": func(t *rapid.T) {
			n := rapid.SampledFrom(propNodes).Draw(t, "node")
			r.ops = append(r.ops, "node-down "+n)
			require.NoError(t, r.s.NodeDown(n))
		},
		"node-up": func(t *rapid.T) {
			n := rapid.SampledFrom(propNodes).Draw(t, "node")
			r.ops = append(r.ops, "node-up "+n)
			require.NoError(t, r.s.NodeUp(n))
		},
		"run-for": func(t *rapid.T) {
			d := time.Duration(rapid.IntRange(0, 60_000).Draw(t, "ms")) * time.Millisecond
			r.ops = append(r.ops, "run-for "+d.String())
			r.s.RunFor(d)
		},
	}
}

// TestReplicaSetConverges: whatever is done to a ReplicaSet's pods, once
// the faults are healed and the cluster settles, it owns exactly
// spec.replicas active pods, all Running and Ready, no matching orphan is
// left unadopted, and its status says so.
func TestReplicaSetConverges(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		timing := timingGen().Draw(t, "timing")
		r := &rsRun{
			s:     newPropSim(t, rapid.Uint64().Draw(t, "seed"), timing),
			want:  int32(rapid.IntRange(0, 8).Draw(t, "replicas")),
			probe: probeGen().Draw(t, "probe"),
		}
		r.k = r.s.Kubectl("")
		created, err := r.s.Create(wlReplicaSet(r.want, r.probe))
		require.NoError(t, err)
		r.uid = created.Meta().UID

		actions := r.actions()
		for name, act := range actions {
			actions[name] = func(t *rapid.T) {
				if len(r.ops) < wlMaxActions {
					act(t)
				}
			}
		}
		t.Repeat(actions)

		// Heal every fault, then let the cluster settle.
		for _, n := range propNodes {
			require.NoError(t, r.s.NodeUp(n))
		}
		require.NoError(t, r.s.Settle())
		for _, p := range ListAs[*Pod](r.s, "default", everything) {
			faultErr(t, r.s.RecoverReadiness("default", p.Name), "recover")
		}
		require.NoError(t, r.s.Settle())

		ctx := fmt.Sprintf("after %s", strings.Join(r.ops, "; "))
		owned := ownedActive(r.s, r.uid)
		require.Len(t, owned, int(r.want), "%s: active pods owned", ctx)
		for _, p := range owned {
			require.Equal(t, PodRunning, p.Status.Phase, "%s: %s", ctx, p.Name)
			require.True(t, p.IsReady(), "%s: %s is not ready", ctx, p.Name)
			require.Equal(t, "web", p.Labels["app"], "%s: owned %s does not match", ctx, p.Name)
		}
		for _, p := range ListAs[*Pod](r.s, "default", everything) {
			require.Nil(t, p.DeletionTimestamp, "%s: %s is still terminating after Settle", ctx, p.Name)
			if _, ok := p.ControllerRef(); !ok {
				require.NotEqual(t, "web", p.Labels["app"], "%s: matching orphan %s was not adopted", ctx, p.Name)
			}
		}
		rs, ok := GetAs[*ReplicaSet](r.s, "default", "web")
		require.True(t, ok)
		require.Equal(t, rs.Generation, rs.Status.ObservedGeneration, ctx)
		require.Equal(t, r.want, rs.Status.Replicas, "%s: status.replicas", ctx)
		require.Equal(t, r.want, rs.Status.ReadyReplicas, "%s: status.readyReplicas", ctx)
		require.Equal(t, r.want, rs.Status.AvailableReplicas, "%s: status.availableReplicas", ctx)
		require.Equal(t, r.want, rs.Status.FullyLabeledReplicas, "%s: status.fullyLabeledReplicas", ctx)
	})
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

// TestRollingUpdateStaysWithinBounds: during a rolling update what
// Kubernetes promises holds, at every write to a ReplicaSet
// (deployment_util.go NewRSNewReplicas, rolling.go
// reconcileOldReplicaSets): the ReplicaSets ask for at most
// replicas+maxSurge pods, and without a scaling event the new ReplicaSet
// only grows and the old ones only shrink; and after every event, at least
// replicas-maxUnavailable pods are Ready and not terminating. So does what
// the ReplicaSet controller promises (replica_set.go syncReplicaSet): it
// acts on each ReplicaSet only as its informer delivered it, so none has
// more pods than the larger of the size the controller was last told and
// the size it last acted on. The pods that are not terminating can
// therefore exceed replicas+maxSurge, in svcsim as in a real cluster, by
// the scale-downs the controller has been told of and not yet carried out,
// and the check allows that and no more; those never add up to more than
// maxSurge+maxUnavailable, one step of the rollout. The update ends on v2.
func TestRollingUpdateStaysWithinBounds(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		n := int32(rapid.IntRange(1, 12).Draw(t, "replicas"))
		surge := intOrPercentGen().Draw(t, "maxSurge")
		unavl := intOrPercentGen().Filter(func(u IntOrString) bool { return !isZero(&surge) || !isZero(&u) }).Draw(t, "maxUnavailable")
		s := newPropSim(t, rapid.Uint64().Draw(t, "seed"), Realistic())
		oracle := newRSOracle(s)
		k := s.Kubectl("")
		_, err := k.Apply(newDeployment("web", n, "nginx:1", func(d *Deployment) {
			d.Spec.Strategy.RollingUpdate = &RollingUpdateDeployment{MaxSurge: Ptr(surge), MaxUnavailable: Ptr(unavl)}
		}))
		require.NoError(t, err)
		require.NoError(t, s.Settle())
		_, done, err := k.RolloutStatus("web")
		require.NoError(t, err)
		require.True(t, done, "initial rollout")

		surgeN, unavailable := fenceposts(mustDeploymentR(t, s))
		oracle.rollingFrom("nginx:1", n+surgeN)
		require.NoError(t, k.SetImage("web", "nginx", "nginx:2"))
		for s.Step() {
			checkRollingStep(t, s, oracle, n, surgeN, unavailable)
			if s.busy == 0 {
				break
			}
		}
		require.NoError(t, s.Settle())
		require.Equal(t, map[string]int{"nginx:2": int(n)}, images(s, "app=web"))
		msg, done, err := k.RolloutStatus("web")
		require.NoError(t, err)
		require.True(t, done, msg)
	})
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

// TestRecreateNeverRunsTwoVersions: with the Recreate strategy no two
// images ever run at once, however slowly the old pods stop and even if
// the template changes again mid-rollout, and the last image ends up on
// every replica.
func TestRecreateNeverRunsTwoVersions(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		n := int32(rapid.IntRange(1, 6).Draw(t, "replicas"))
		probe := probeGen().Draw(t, "probe")
		sigterm := rapid.SampledFrom([]SigtermBehavior{SigtermExit, SigtermDrain, SigtermIgnore}).Draw(t, "sigterm")
		drain := int64(rapid.IntRange(0, 20).Draw(t, "drain"))
		grace := int64(rapid.IntRange(1, 20).Draw(t, "grace"))
		s := newPropSim(t, rapid.Uint64().Draw(t, "seed"), Realistic())
		k := s.Kubectl("")
		_, err := k.Apply(newDeployment("web", n, "nginx:1", func(d *Deployment) {
			d.Spec.Strategy = DeploymentStrategy{Type: RecreateStrategy}
			spec := &d.Spec.Template.Spec
			spec.Containers[0].ReadinessProbe = probe
			spec.OnSIGTERM, spec.DrainSeconds, spec.TerminationGracePeriodSeconds = sigterm, drain, Ptr(grace)
		}))
		require.NoError(t, err)
		require.NoError(t, s.Settle())

		last := "nginx:2"
		require.NoError(t, k.SetImage("web", "nginx", last))
		again := rapid.Bool().Draw(t, "again")
		againAt := s.Now().Add(time.Duration(rapid.IntRange(0, 30_000).Draw(t, "againAfterMs")) * time.Millisecond)
		for s.Step() {
			running := runningImages(s, "app=web")
			require.LessOrEqual(t, len(running), 1, "at %s: %v run together", s.Now(), running)
			// Stronger, from the reference: the new pods are created only
			// once every old pod is gone, terminating ones included.
			objects := podImages(s, "app=web")
			require.LessOrEqual(t, len(objects), 1, "at %s: pods of %v exist together", s.Now(), objects)
			if again && (s.Now() >= againAt || s.busy == 0) {
				again = false
				last = "nginx:3"
				require.NoError(t, k.SetImage("web", "nginx", last))
			}
			if s.busy == 0 && !again {
				break
			}
		}
		require.NoError(t, s.Settle())
		require.Equal(t, map[string]int{last: int(n)}, images(s, "app=web"))
		require.Equal(t, []string{last}, runningImages(s, "app=web"))
		_, done, err := k.RolloutStatus("web")
		require.NoError(t, err)
		require.True(t, done)
	})
}

// revisionModel is what the history of a Deployment whose templates differ
// only by image must be: each image's ReplicaSet and the revisions it has
// had, the last being its current one.
type revisionModel struct {
	revs  map[string][]int64 // image -> revisions, oldest first
	limit int
}

func (m *revisionModel) current(img string) int64 { r := m.revs[img]; return r[len(r)-1] }

// byRevision returns the images in revision order.
func (m *revisionModel) byRevision() []string {
	imgs := slices.Collect(maps.Keys(m.revs))
	slices.SortFunc(imgs, func(a, b string) int { return int(m.current(a) - m.current(b)) })
	return imgs
}

// rollTo records that the Deployment now runs img, which takes the next
// revision, and trims history to the limit as the controller's cleanup does.
func (m *revisionModel) rollTo(img string) {
	imgs := m.byRevision()
	if len(imgs) > 0 && imgs[len(imgs)-1] == img {
		return
	}
	next := int64(1)
	if len(imgs) > 0 {
		next = m.current(imgs[len(imgs)-1]) + 1
	}
	m.revs[img] = append(m.revs[img], next)
	imgs = m.byRevision()
	for _, old := range imgs[:max(0, len(imgs)-1-m.limit)] {
		delete(m.revs, old)
	}
}

// imageAt returns the image whose current revision is rev.
func (m *revisionModel) imageAt(rev int64) (string, bool) {
	for img := range m.revs {
		if m.current(img) == rev {
			return img, true
		}
	}
	return "", false
}

// check compares the model with the Deployment's ReplicaSets and their
// revision annotations.
func (m *revisionModel) check(t *rapid.T, s *Sim, ctx string) {
	seen := map[int64]string{}
	got := map[string][]int64{}
	rss := ListAs[*ReplicaSet](s, "default", everything)
	require.Len(t, rss, len(m.revs), "%s: ReplicaSets kept", ctx)
	for _, rs := range rss {
		rev := revision(rs)
		if other, dup := seen[rev]; dup {
			t.Fatalf("%s: %s and %s both have revision %d", ctx, other, rs.Name, rev)
		}
		seen[rev] = rs.Name
		var hist []int64
		if h := rs.Annotations[annRevisionHistory]; h != "" {
			for _, f := range strings.Split(h, ",") {
				n, err := strconv.ParseInt(f, 10, 64)
				require.NoError(t, err, "%s: %s revision-history %q", ctx, rs.Name, h)
				hist = append(hist, n)
			}
		}
		got[rs.Spec.Template.Spec.Containers[0].Image] = append(hist, rev)
	}
	require.Equal(t, m.revs, got, "%s: revisions by image", ctx)
	imgs := m.byRevision()
	d := mustDeploymentR(t, s)
	require.Equal(t, strconv.FormatInt(m.current(imgs[len(imgs)-1]), 10), d.Annotations[annRevision], "%s: the Deployment's revision", ctx)
}

func mustDeploymentR(t *rapid.T, s *Sim) *Deployment {
	d, ok := GetAs[*Deployment](s, "default", "web")
	require.True(t, ok)
	return d
}

// TestRollbackRestoresRevisions: after random rollouts through a few
// images, `rollout undo` goes back to the previous revision's image, and
// `rollout undo --to-revision=N` to revision N's; revisions move as the
// reference says, and no two ReplicaSets ever share one.
func TestRollbackRestoresRevisions(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		imgs := []string{"nginx:1", "nginx:2", "nginx:3", "nginx:4"}
		limit := rapid.IntRange(0, 4).Draw(t, "revisionHistoryLimit")
		s := newPropSim(t, rapid.Uint64().Draw(t, "seed"), Instant())
		k := s.Kubectl("")
		_, err := k.Apply(newDeployment("web", 2, "nginx:1", func(d *Deployment) { d.Spec.RevisionHistoryLimit = Ptr(int32(limit)) }))
		require.NoError(t, err)
		require.NoError(t, s.Settle())
		m := &revisionModel{revs: map[string][]int64{}, limit: limit}
		m.rollTo("nginx:1")
		var ops []string
		ctx := func() string { return strings.Join(ops, "; ") }
		m.check(t, s, ctx())

		image := func() string { return mustDeploymentR(t, s).Spec.Template.Spec.Containers[0].Image }
		undo := func(rev int64) {
			before := image()
			ops = append(ops, fmt.Sprintf("undo %d", rev))
			err := k.RolloutUndo("web", rev)
			target := rev
			if rev == 0 {
				byRev := m.byRevision()
				if len(byRev) < 2 {
					require.ErrorIs(t, err, ErrUsage, ctx())
					require.ErrorContains(t, err, "no rollout history found", ctx())
					require.Equal(t, before, image(), ctx())
					return
				}
				target = m.current(byRev[len(byRev)-2])
			}
			want, ok := m.imageAt(target)
			if !ok {
				require.ErrorIs(t, err, ErrUsage, ctx())
				require.ErrorContains(t, err, fmt.Sprintf("unable to find specified revision %d", target), ctx())
				require.Equal(t, before, image(), ctx())
				return
			}
			require.NoError(t, err, ctx())
			require.Equal(t, want, image(), "%s: the template after undo", ctx())
			require.NoError(t, s.Settle())
			m.rollTo(want)
			m.check(t, s, ctx())
			require.Equal(t, map[string]int{want: 2}, images(s, "app=web"), ctx())
		}

		for range rapid.IntRange(1, 6).Draw(t, "rollouts") {
			img := rapid.SampledFrom(imgs).Draw(t, "image")
			ops = append(ops, "set image "+img)
			require.NoError(t, k.SetImage("web", "nginx", img))
			require.NoError(t, s.Settle())
			m.rollTo(img)
			m.check(t, s, ctx())
		}
		undo(0)
		maxRev := m.current(m.byRevision()[len(m.revs)-1])
		undo(int64(rapid.IntRange(1, int(maxRev)+1).Draw(t, "toRevision")))
	})
}

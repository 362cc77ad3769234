package cluster_test

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

	"github.com/svcsim/svcsim/cluster"
	"github.com/svcsim/svcsim/kubectl"
	"github.com/svcsim/svcsim/selector"
)

// The tests of workloads_property_test.go that drive the cluster through kubectl, which
// tests inside package cluster cannot import; see export_test.go.

// rsRun is one ReplicaSet under a random run of actions, with what the
// test asked of it.
type rsRun struct {
	s     *cluster.Sim
	k     *kubectl.Client
	uid   string
	want  int32
	probe *cluster.Probe
	bare  int
	ops   []string
}

// pickOwned draws one of the ReplicaSet's active pods, or "" if it has none.
func (r *rsRun) pickOwned(t *rapid.T) string {
	pods := cluster.OwnedActive(r.s, r.uid)
	if len(pods) == 0 {
		return ""
	}
	return rapid.SampledFrom(pods).Draw(t, "pod").Name
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
				grace = cluster.Ptr(int64(rapid.IntRange(0, 40).Draw(t, "grace")))
			}
			r.ops = append(r.ops, fmt.Sprintf("delete %s force=%v grace=%v", name, force, grace))
			require.NoError(t, r.s.Delete(cluster.KindPod, "default", name, cluster.DeleteOptions{Force: force, GracePeriodSeconds: grace}))
		},
		"release": func(t *rapid.T) {
			name := r.pickOwned(t)
			if name == "" {
				return
			}
			args := rapid.SampledFrom([][]string{{"app-"}, {"app=other", "--overwrite"}}).Draw(t, "relabel")
			r.ops = append(r.ops, fmt.Sprintf("label %s %v", name, args))
			require.NoError(t, r.k.Label(cluster.KindPod, name, args...))
		},
		"bare-pod": func(t *rapid.T) {
			r.bare++
			name := "bare-" + strconv.Itoa(r.bare)
			tmpl := cluster.WlReplicaSet(1, r.probe).Spec.Template
			r.ops = append(r.ops, "create "+name)
			_, err := r.s.Create(&cluster.Pod{ObjectMeta: cluster.ObjectMeta{Name: name, Labels: map[string]string{"app": "web"}}, Spec: tmpl.Spec})
			require.NoError(t, err)
		},
		"scale": func(t *rapid.T) {
			n := int32(rapid.IntRange(0, 8).Draw(t, "replicas"))
			r.ops = append(r.ops, fmt.Sprintf("scale %d", n))
			require.NoError(t, r.k.Scale(cluster.KindReplicaSet, "web", n))
			r.want = n
		},
		"crash": func(t *rapid.T) {
			if name := r.pickOwned(t); name != "" {
				r.ops = append(r.ops, "crash "+name)
				cluster.FaultErr(t, r.s.CrashContainer("default", name, ""), "crash")
			}
		},
		"fail-readiness": func(t *rapid.T) {
			if name := r.pickOwned(t); name != "" {
				r.ops = append(r.ops, "fail-readiness "+name)
				cluster.FaultErr(t, r.s.FailReadiness("default", name), "fail")
			}
		},
		"recover-readiness": func(t *rapid.T) {
			if name := r.pickOwned(t); name != "" {
				r.ops = append(r.ops, "recover-readiness "+name)
				cluster.FaultErr(t, r.s.RecoverReadiness("default", name), "recover")
			}
		},
		"node-down": func(t *rapid.T) {
			n := rapid.SampledFrom(cluster.PropNodes).Draw(t, "node")
			r.ops = append(r.ops, "node-down "+n)
			require.NoError(t, r.s.NodeDown(n))
		},
		"node-up": func(t *rapid.T) {
			n := rapid.SampledFrom(cluster.PropNodes).Draw(t, "node")
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
		timing := cluster.TimingGen().Draw(t, "timing")
		r := &rsRun{
			s:     cluster.NewPropSim(t, rapid.Uint64().Draw(t, "seed"), timing),
			want:  int32(rapid.IntRange(0, 8).Draw(t, "replicas")),
			probe: cluster.ProbeGen().Draw(t, "probe"),
		}
		r.k = kubectl.New(r.s, "")
		created, err := r.s.Create(cluster.WlReplicaSet(r.want, r.probe))
		require.NoError(t, err)
		r.uid = created.Meta().UID

		actions := r.actions()
		for name, act := range actions {
			actions[name] = func(t *rapid.T) {
				if len(r.ops) < cluster.WlMaxActions {
					act(t)
				}
			}
		}
		t.Repeat(actions)

		// Heal every fault, then let the cluster settle.
		for _, n := range cluster.PropNodes {
			require.NoError(t, r.s.NodeUp(n))
		}
		require.NoError(t, r.s.Settle())
		for _, p := range cluster.ListAs[*cluster.Pod](r.s, "default", selector.Everything()) {
			cluster.FaultErr(t, r.s.RecoverReadiness("default", p.Name), "recover")
		}
		require.NoError(t, r.s.Settle())

		ctx := fmt.Sprintf("after %s", strings.Join(r.ops, "; "))
		owned := cluster.OwnedActive(r.s, r.uid)
		require.Len(t, owned, int(r.want), "%s: active pods owned", ctx)
		for _, p := range owned {
			require.Equal(t, cluster.PodRunning, p.Status.Phase, "%s: %s", ctx, p.Name)
			require.True(t, p.IsReady(), "%s: %s is not ready", ctx, p.Name)
			require.Equal(t, "web", p.Labels["app"], "%s: owned %s does not match", ctx, p.Name)
		}
		for _, p := range cluster.ListAs[*cluster.Pod](r.s, "default", selector.Everything()) {
			require.Nil(t, p.DeletionTimestamp, "%s: %s is still terminating after Settle", ctx, p.Name)
			if _, ok := p.ControllerRef(); !ok {
				require.NotEqual(t, "web", p.Labels["app"], "%s: matching orphan %s was not adopted", ctx, p.Name)
			}
		}
		rs, ok := cluster.GetAs[*cluster.ReplicaSet](r.s, "default", "web")
		require.True(t, ok)
		require.Equal(t, rs.Generation, rs.Status.ObservedGeneration, ctx)
		require.Equal(t, r.want, rs.Status.Replicas, "%s: status.replicas", ctx)
		require.Equal(t, r.want, rs.Status.ReadyReplicas, "%s: status.readyReplicas", ctx)
		require.Equal(t, r.want, rs.Status.AvailableReplicas, "%s: status.availableReplicas", ctx)
		require.Equal(t, r.want, rs.Status.FullyLabeledReplicas, "%s: status.fullyLabeledReplicas", ctx)
	})
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
		surge := cluster.IntOrPercentGen().Draw(t, "maxSurge")
		unavl := cluster.IntOrPercentGen().Filter(func(u cluster.IntOrString) bool { return !cluster.IsZero(&surge) || !cluster.IsZero(&u) }).Draw(t, "maxUnavailable")
		s := cluster.NewPropSim(t, rapid.Uint64().Draw(t, "seed"), cluster.Realistic())
		oracle := cluster.NewRSOracle(s)
		k := kubectl.New(s, "")
		_, err := k.Apply(cluster.NewDeployment("web", n, "nginx:1", func(d *cluster.Deployment) {
			d.Spec.Strategy.RollingUpdate = &cluster.RollingUpdateDeployment{MaxSurge: cluster.Ptr(surge), MaxUnavailable: cluster.Ptr(unavl)}
		}))
		require.NoError(t, err)
		require.NoError(t, s.Settle())
		_, done, err := k.RolloutStatus("web")
		require.NoError(t, err)
		require.True(t, done, "initial rollout")

		surgeN, unavailable := cluster.DeploymentFenceposts(cluster.MustDeploymentR(t, s))
		oracle.RollingFrom("nginx:1", n+surgeN)
		require.NoError(t, k.SetImage("web", "nginx", "nginx:2"))
		for s.Step() {
			cluster.CheckRollingStep(t, s, oracle, n, surgeN, unavailable)
			if cluster.Busy(s) == 0 {
				break
			}
		}
		require.NoError(t, s.Settle())
		require.Equal(t, map[string]int{"nginx:2": int(n)}, cluster.Images(s, "app=web"))
		msg, done, err := k.RolloutStatus("web")
		require.NoError(t, err)
		require.True(t, done, msg)
	})
}

// TestRecreateNeverRunsTwoVersions: with the Recreate strategy no two
// images ever run at once, however slowly the old pods stop and even if
// the template changes again mid-rollout, and the last image ends up on
// every replica.
func TestRecreateNeverRunsTwoVersions(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		n := int32(rapid.IntRange(1, 6).Draw(t, "replicas"))
		probe := cluster.ProbeGen().Draw(t, "probe")
		sigterm := rapid.SampledFrom([]cluster.SigtermBehavior{cluster.SigtermExit, cluster.SigtermDrain, cluster.SigtermIgnore}).Draw(t, "sigterm")
		drain := int64(rapid.IntRange(0, 20).Draw(t, "drain"))
		grace := int64(rapid.IntRange(1, 20).Draw(t, "grace"))
		s := cluster.NewPropSim(t, rapid.Uint64().Draw(t, "seed"), cluster.Realistic())
		k := kubectl.New(s, "")
		_, err := k.Apply(cluster.NewDeployment("web", n, "nginx:1", func(d *cluster.Deployment) {
			d.Spec.Strategy = cluster.DeploymentStrategy{Type: cluster.RecreateStrategy}
			spec := &d.Spec.Template.Spec
			spec.Containers[0].ReadinessProbe = probe
			spec.OnSIGTERM, spec.DrainSeconds, spec.TerminationGracePeriodSeconds = sigterm, drain, cluster.Ptr(grace)
		}))
		require.NoError(t, err)
		require.NoError(t, s.Settle())

		last := "nginx:2"
		require.NoError(t, k.SetImage("web", "nginx", last))
		again := rapid.Bool().Draw(t, "again")
		againAt := s.Now().Add(time.Duration(rapid.IntRange(0, 30_000).Draw(t, "againAfterMs")) * time.Millisecond)
		for s.Step() {
			running := cluster.RunningImages(s, "app=web")
			require.LessOrEqual(t, len(running), 1, "at %s: %v run together", s.Now(), running)
			// Stronger, from the reference: the new pods are created only
			// once every old pod is gone, terminating ones included.
			objects := cluster.PodImages(s, "app=web")
			require.LessOrEqual(t, len(objects), 1, "at %s: pods of %v exist together", s.Now(), objects)
			if again && (s.Now() >= againAt || cluster.Busy(s) == 0) {
				again = false
				last = "nginx:3"
				require.NoError(t, k.SetImage("web", "nginx", last))
			}
			if cluster.Busy(s) == 0 && !again {
				break
			}
		}
		require.NoError(t, s.Settle())
		require.Equal(t, map[string]int{last: int(n)}, cluster.Images(s, "app=web"))
		require.Equal(t, []string{last}, cluster.RunningImages(s, "app=web"))
		_, done, err := k.RolloutStatus("web")
		require.NoError(t, err)
		require.True(t, done)
	})
}

// TestRollbackRestoresRevisions: after random rollouts through a few
// images, `rollout undo` goes back to the previous revision's image, and
// `rollout undo --to-revision=N` to revision N's; revisions move as the
// reference says, and no two ReplicaSets ever share one.
func TestRollbackRestoresRevisions(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		imgs := []string{"nginx:1", "nginx:2", "nginx:3", "nginx:4"}
		limit := rapid.IntRange(0, 4).Draw(t, "revisionHistoryLimit")
		s := cluster.NewPropSim(t, rapid.Uint64().Draw(t, "seed"), cluster.Instant())
		k := kubectl.New(s, "")
		_, err := k.Apply(cluster.NewDeployment("web", 2, "nginx:1", func(d *cluster.Deployment) { d.Spec.RevisionHistoryLimit = cluster.Ptr(int32(limit)) }))
		require.NoError(t, err)
		require.NoError(t, s.Settle())
		m := &revisionModel{revs: map[string][]int64{}, limit: limit}
		m.rollTo("nginx:1")
		var ops []string
		ctx := func() string { return strings.Join(ops, "; ") }
		m.check(t, s, ctx())

		image := func() string { return cluster.MustDeploymentR(t, s).Spec.Template.Spec.Containers[0].Image }
		undo := func(rev int64) {
			before := image()
			ops = append(ops, fmt.Sprintf("undo %d", rev))
			err := k.RolloutUndo("web", rev)
			target := rev
			if rev == 0 {
				byRev := m.byRevision()
				if len(byRev) < 2 {
					require.ErrorIs(t, err, kubectl.ErrUsage, ctx())
					require.ErrorContains(t, err, "no rollout history found", ctx())
					require.Equal(t, before, image(), ctx())
					return
				}
				target = m.current(byRev[len(byRev)-2])
			}
			want, ok := m.imageAt(target)
			if !ok {
				require.ErrorIs(t, err, kubectl.ErrUsage, ctx())
				require.ErrorContains(t, err, fmt.Sprintf("unable to find specified revision %d", target), ctx())
				require.Equal(t, before, image(), ctx())
				return
			}
			require.NoError(t, err, ctx())
			require.Equal(t, want, image(), "%s: the template after undo", ctx())
			require.NoError(t, s.Settle())
			m.rollTo(want)
			m.check(t, s, ctx())
			require.Equal(t, map[string]int{want: 2}, cluster.Images(s, "app=web"), ctx())
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
func (m *revisionModel) check(t *rapid.T, s *cluster.Sim, ctx string) {
	seen := map[int64]string{}
	got := map[string][]int64{}
	rss := cluster.ListAs[*cluster.ReplicaSet](s, "default", selector.Everything())
	require.Len(t, rss, len(m.revs), "%s: ReplicaSets kept", ctx)
	for _, rs := range rss {
		rev := cluster.Revision(rs)
		if other, dup := seen[rev]; dup {
			t.Fatalf("%s: %s and %s both have revision %d", ctx, other, rs.Name, rev)
		}
		seen[rev] = rs.Name
		var hist []int64
		if h := rs.Annotations[cluster.AnnRevisionHistory]; h != "" {
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
	d := cluster.MustDeploymentR(t, s)
	require.Equal(t, strconv.FormatInt(m.current(imgs[len(imgs)-1]), 10), d.Annotations[cluster.AnnRevision], "%s: the Deployment's revision", ctx)
}

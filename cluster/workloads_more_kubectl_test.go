package cluster_test

import (
	"bytes"
	"errors"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/svcsim/svcsim/cluster"
	"github.com/svcsim/svcsim/kubectl"
	"github.com/svcsim/svcsim/selector"
)

// The tests of workloads_more_test.go that drive the cluster through kubectl, which
// tests inside package cluster cannot import; see export_test.go.

// Proportional scaling (§9): a Deployment scaled mid-rollout spreads the
// change over its ReplicaSets by their size relative to the max-replicas
// annotation they were last scaled for.
func TestProportionalScalingMidRollout(t *testing.T) {
	for _, tt := range []struct {
		name             string
		to               int32
		wantEvents       []string // changes of spec.replicas after the scale
		wantOld, wantNew int32    // once the rollout has moved on as far as it can
	}{
		{
			// toAdd = 23-13 = 10; old: round(8*23/13)-8 = 6; new:
			// round(5*23/13)-5 = 4. Then the rollout is stuck: 23 asked,
			// 9 of them unavailable.
			name:       "scale up 10 to 20",
			to:         20,
			wantEvents: []string{"OLD from 8 to 14", "NEW from 5 to 9"},
			wantOld:    14, wantNew: 9,
		},
		{
			// toAdd = 8-13 = -5; old: round(8*8/13)-8 = -3; new:
			// round(5*8/13)-5 = -2. Then the rollout goes on: maxScaledDown
			// = 8-3-3 = 2, so old drops to 3 and new takes the 2.
			name:       "scale down 10 to 5",
			to:         5,
			wantEvents: []string{"OLD from 8 to 5", "NEW from 5 to 3", "OLD from 5 to 3", "NEW from 3 to 5"},
			wantOld:    3, wantNew: 5,
		},
	} {
		t.Run(tt.name, func(t *testing.T) {
			s := cluster.NewSim(t, cluster.Config{Seed: 1})
			k := kubectl.New(s, "")
			_, err := k.Apply(cluster.NewDeployment("web", 10, "nginx:1", func(d *cluster.Deployment) {
				d.Spec.Strategy.RollingUpdate = &cluster.RollingUpdateDeployment{MaxSurge: cluster.Ptr(cluster.FromInt(3)), MaxUnavailable: cluster.Ptr(cluster.FromInt(2))}
			}))
			require.NoError(t, err)
			require.NoError(t, s.Settle())

			// v2 takes an hour to become ready, so the rollout stalls at
			// old 8 (10 less maxUnavailable) and new 5 (13 less old).
			d := cluster.MustDeployment(t, s, "web")
			d.Spec.Template.Spec.Containers[0].Image = "nginx:2"
			d.Spec.Template.Spec.Containers[0].ReadinessProbe.InitialDelaySeconds = 3600
			_, err = s.Update(d)
			require.NoError(t, err)
			s.RunFor(10 * time.Second)
			byImg := cluster.RsByImage(t, s)
			oldRS, newRS := byImg["nginx:1"], byImg["nginx:2"]
			require.NotNil(t, newRS)
			require.Equal(t, int32(8), cluster.Replicas(oldRS.Spec.Replicas))
			require.Equal(t, int32(5), cluster.Replicas(newRS.Spec.Replicas))
			for _, rs := range []*cluster.ReplicaSet{oldRS, newRS} {
				require.Equal(t, "10", rs.Annotations[cluster.AnnDesiredReplicas], rs.Name)
				require.Equal(t, "13", rs.Annotations[cluster.AnnMaxReplicas], rs.Name)
			}

			scaled := cluster.RecordScaling(s, map[string]string{oldRS.Name: "OLD", newRS.Name: "NEW"})
			require.NoError(t, k.Scale(cluster.KindDeployment, "web", tt.to))
			s.RunFor(10 * time.Second)
			assert.Equal(t, tt.wantEvents, *scaled, "changes of spec.replicas, in order")
			byImg = cluster.RsByImage(t, s)
			assert.Equal(t, tt.wantOld, cluster.Replicas(byImg["nginx:1"].Spec.Replicas), "old")
			assert.Equal(t, tt.wantNew, cluster.Replicas(byImg["nginx:2"].Spec.Replicas), "new")
			for _, rs := range byImg {
				assert.Equal(t, strconv.Itoa(int(tt.to)), rs.Annotations[cluster.AnnDesiredReplicas], rs.Name)
				assert.Equal(t, strconv.Itoa(int(tt.to+3)), rs.Annotations[cluster.AnnMaxReplicas], rs.Name)
			}
		})
	}
}

func TestPauseAndResume(t *testing.T) {
	s := cluster.NewSim(t, cluster.Config{Seed: 1})
	k := kubectl.New(s, "")
	reasons := cluster.ProgressingReasons(s)
	_, err := k.Apply(cluster.NewDeployment("web", 3, "nginx:1"))
	require.NoError(t, err)
	require.NoError(t, s.Settle())

	require.NoError(t, k.RolloutPause("web"))
	err = k.RolloutPause("web")
	require.ErrorIs(t, err, kubectl.ErrUsage)
	assert.ErrorContains(t, err, `deployments.apps "web" is already paused`)
	require.NoError(t, s.Settle())
	c, _ := cluster.FindDeploymentCondition(cluster.MustDeployment(t, s, "web").Status, "Progressing")
	assert.Equal(t, "DeploymentPaused", c.Reason)
	assert.Equal(t, cluster.ConditionUnknown, c.Status)

	// A paused Deployment rolls nothing out, but still scales.
	require.NoError(t, k.SetImage("web", "nginx", "nginx:2"))
	require.NoError(t, s.Settle())
	assert.Len(t, cluster.ListAs[*cluster.ReplicaSet](s, "default", selector.Everything()), 1, "no new ReplicaSet while paused")
	assert.Equal(t, map[string]int{"nginx:1": 3}, cluster.Images(s, "app=web"))
	assert.Equal(t, "1", cluster.MustDeployment(t, s, "web").Annotations[cluster.AnnRevision])
	require.NoError(t, k.Scale(cluster.KindDeployment, "web", 4))
	require.NoError(t, s.Settle())
	assert.Equal(t, map[string]int{"nginx:1": 4}, cluster.Images(s, "app=web"), "scaling still happens")
	err = k.RolloutUndo("web", 0)
	require.ErrorIs(t, err, kubectl.ErrUsage)
	assert.ErrorContains(t, err, "you cannot rollback a paused deployment")

	require.NoError(t, k.RolloutResume("web"))
	err = k.RolloutResume("web")
	require.ErrorIs(t, err, kubectl.ErrUsage)
	assert.ErrorContains(t, err, `deployments.apps "web" is not paused`)
	require.NoError(t, s.Settle())
	assert.Len(t, cluster.ListAs[*cluster.ReplicaSet](s, "default", selector.Everything()), 2, "resuming creates the new ReplicaSet")
	assert.Equal(t, map[string]int{"nginx:2": 4}, cluster.Images(s, "app=web"))
	assert.Equal(t, "2", cluster.MustDeployment(t, s, "web").Annotations[cluster.AnnRevision])

	got := *reasons
	paused, resumed := slices.Index(got, "DeploymentPaused"), slices.Index(got, "DeploymentResumed")
	require.GreaterOrEqual(t, paused, 0, "%v", got)
	require.Greater(t, resumed, paused, "%v", got)
	assert.Equal(t, "NewReplicaSetAvailable", got[len(got)-1], "%v", got)
}

func TestMinReadySeconds(t *testing.T) {
	s := cluster.NewSim(t, cluster.Config{Seed: 1})
	k := kubectl.New(s, "")
	// Ready at 2 s (the probe's initial delay), available 10 s later.
	_, err := k.Apply(cluster.NewDeployment("web", 3, "nginx:1", func(d *cluster.Deployment) { d.Spec.MinReadySeconds = 10 }))
	require.NoError(t, err)

	check := func(at time.Duration, ready, available int32, cond cluster.ConditionStatus) {
		t.Helper()
		s.RunUntil(cluster.Time(at))
		d := cluster.MustDeployment(t, s, "web")
		rss := cluster.ListAs[*cluster.ReplicaSet](s, "default", selector.Everything())
		require.Len(t, rss, 1)
		assert.Equal(t, int32(10), rss[0].Spec.MinReadySeconds, "copied into the ReplicaSet")
		assert.Equal(t, ready, rss[0].Status.ReadyReplicas, "ReplicaSet ready at %s", at)
		assert.Equal(t, available, rss[0].Status.AvailableReplicas, "ReplicaSet available at %s", at)
		assert.Equal(t, ready, d.Status.ReadyReplicas, "Deployment ready at %s", at)
		assert.Equal(t, available, d.Status.AvailableReplicas, "Deployment available at %s", at)
		c, _ := cluster.FindDeploymentCondition(d.Status, "Available")
		assert.Equal(t, cond, c.Status, "Available condition at %s", at)
	}
	check(2*time.Second-time.Nanosecond, 0, 0, cluster.ConditionFalse)
	check(2*time.Second, 3, 0, cluster.ConditionFalse)
	check(12*time.Second-time.Nanosecond, 3, 0, cluster.ConditionFalse)
	check(12*time.Second, 3, 3, cluster.ConditionTrue)
	_, done, err := k.RolloutStatus("web")
	require.NoError(t, err)
	assert.True(t, done)
}

func TestRevisionHistoryLimit(t *testing.T) {
	s := cluster.NewSim(t, cluster.Config{Seed: 1})
	k := kubectl.New(s, "")
	_, err := k.Apply(cluster.NewDeployment("web", 2, "nginx:1", func(d *cluster.Deployment) { d.Spec.RevisionHistoryLimit = cluster.Ptr(int32(2)) }))
	require.NoError(t, err)
	require.NoError(t, s.Settle())
	for _, img := range []string{"nginx:2", "nginx:3", "nginx:4", "nginx:5", "nginx:6"} {
		require.NoError(t, k.SetImage("web", "nginx", img))
		require.NoError(t, s.Settle())
	}
	got := map[string]string{}
	for img, rs := range cluster.RsByImage(t, s) {
		got[img] = rs.Annotations[cluster.AnnRevision]
	}
	assert.Equal(t, map[string]string{"nginx:4": "4", "nginx:5": "5", "nginx:6": "6"}, got,
		"the current ReplicaSet and the two newest old ones; revisions 1-3 deleted")
	assert.Equal(t, map[string]int{"nginx:6": 2}, cluster.Images(s, "app=web"))
}

func TestRollbackRevisionAnnotations(t *testing.T) {
	s := cluster.NewSim(t, cluster.Config{Seed: 1})
	k := kubectl.New(s, "")
	var out bytes.Buffer
	k.Out = &out
	_, err := k.Apply(cluster.NewDeployment("web", 2, "nginx:1"))
	require.NoError(t, err)
	require.NoError(t, s.Settle())
	for _, img := range []string{"nginx:2", "nginx:3"} {
		require.NoError(t, k.SetImage("web", "nginx", img))
		require.NoError(t, s.Settle())
	}
	annotations := func() map[string]string {
		got := map[string]string{}
		for img, rs := range cluster.RsByImage(t, s) {
			got[img] = rs.Annotations[cluster.AnnRevision] + " (" + rs.Annotations[cluster.AnnRevisionHistory] + ")"
		}
		return got
	}
	require.Equal(t, map[string]string{"nginx:1": "1 ()", "nginx:2": "2 ()", "nginx:3": "3 ()"}, annotations())

	steps := []struct {
		to      int64
		image   string
		want    map[string]string
		history string
	}{
		{1, "nginx:1", map[string]string{"nginx:1": "4 (1)", "nginx:2": "2 ()", "nginx:3": "3 ()"}, "2 3 4"},
		{2, "nginx:2", map[string]string{"nginx:1": "4 (1)", "nginx:2": "5 (2)", "nginx:3": "3 ()"}, "3 4 5"},
		{0, "nginx:1", map[string]string{"nginx:1": "6 (1,4)", "nginx:2": "5 (2)", "nginx:3": "3 ()"}, "3 5 6"},
	}
	for _, st := range steps {
		out.Reset()
		require.NoError(t, k.RolloutUndo("web", st.to))
		assert.Equal(t, "deployment.apps/web rolled back\n", out.String())
		require.NoError(t, s.Settle())
		assert.Equal(t, st.want, annotations(), "after undo to %d", st.to)
		assert.Equal(t, map[string]int{st.image: 2}, cluster.Images(s, "app=web"))
		d := cluster.MustDeployment(t, s, "web")
		assert.Equal(t, st.want[st.image][:1], d.Annotations[cluster.AnnRevision], "the Deployment's revision")
		hist, err := k.RolloutHistory("web")
		require.NoError(t, err)
		var revs []string
		for _, line := range strings.Split(hist, "\n")[2:] {
			if f := strings.Fields(line); len(f) > 0 {
				revs = append(revs, f[0])
			}
		}
		assert.Equal(t, st.history, strings.Join(revs, " "), "rollout history")
	}

	// Undoing to the revision already running changes nothing.
	out.Reset()
	gen := cluster.MustDeployment(t, s, "web").Generation
	require.NoError(t, k.RolloutUndo("web", 6))
	assert.Equal(t, "deployment.apps/web skipped rollback (current template already matches revision 6)\n", out.String())
	assert.Equal(t, gen, cluster.MustDeployment(t, s, "web").Generation)
}

func TestRolloutUndoErrors(t *testing.T) {
	s := cluster.NewSim(t, cluster.Config{Seed: 1})
	k := kubectl.New(s, "")
	_, err := k.Apply(cluster.NewDeployment("web", 1, "nginx:1"))
	require.NoError(t, err)
	require.NoError(t, s.Settle())
	before := cluster.Dump(s)

	err = k.RolloutUndo("web", 0)
	require.ErrorIs(t, err, kubectl.ErrUsage)
	assert.ErrorContains(t, err, `no rollout history found for deployment "web"`)
	assert.Equal(t, before, cluster.Dump(s), "a failed undo changes nothing")

	require.NoError(t, k.SetImage("web", "nginx", "nginx:2"))
	require.NoError(t, s.Settle())
	before = cluster.Dump(s)
	err = k.RolloutUndo("web", 7)
	require.ErrorIs(t, err, kubectl.ErrUsage)
	assert.ErrorContains(t, err, "unable to find specified revision 7 in history")

	err = k.RolloutUndo("nope", 0)
	require.ErrorIs(t, err, cluster.ErrNotFound)
	var se *cluster.StatusError
	require.True(t, errors.As(err, &se))
	assert.Equal(t, cluster.KindDeployment, se.Kind)
	assert.Equal(t, before, cluster.Dump(s), "failed undos change nothing")
}

func TestWorkloadVerbErrors(t *testing.T) {
	s := cluster.NewSim(t, cluster.Config{Seed: 1})
	k := kubectl.New(s, "")
	_, err := k.Apply(cluster.NewDeployment("web", 2, "nginx:1"))
	require.NoError(t, err)
	_, err = k.Run("solo", kubectl.RunOptions{Image: "nginx"})
	require.NoError(t, err)
	require.NoError(t, s.Settle())
	before := cluster.Dump(s)

	for _, tt := range []struct {
		name string
		err  error
		want error
		msg  string
	}{
		{"scale missing deployment", k.Scale(cluster.KindDeployment, "nope", 3), cluster.ErrNotFound, ""},
		{"scale missing replicaset", k.Scale(cluster.KindReplicaSet, "nope", 3), cluster.ErrNotFound, ""},
		{"scale a pod", k.Scale(cluster.KindPod, "solo", 3), kubectl.ErrUsage, "cannot scale"},
		{"scale negative", k.Scale(cluster.KindDeployment, "web", -1), cluster.ErrInvalid, "spec.replicas"},
		{"set image on missing deployment", k.SetImage("nope", "nginx", "nginx:2"), cluster.ErrNotFound, ""},
		{"set image of missing container", k.SetImage("web", "nope", "nginx:2"), kubectl.ErrUsage, `unable to find container named "nope"`},
		{"status of missing deployment", func() error { _, _, err := k.RolloutStatus("nope"); return err }(), cluster.ErrNotFound, ""},
		{"history of missing deployment", func() error { _, err := k.RolloutHistory("nope"); return err }(), cluster.ErrNotFound, ""},
		{"pause missing deployment", k.RolloutPause("nope"), cluster.ErrNotFound, ""},
		{"resume a running deployment", k.RolloutResume("web"), kubectl.ErrUsage, "is not paused"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			require.ErrorIs(t, tt.err, tt.want)
			if tt.msg != "" {
				assert.ErrorContains(t, tt.err, tt.msg)
			}
		})
	}
	assert.Equal(t, before, cluster.Dump(s), "failed verbs change nothing")

	require.NoError(t, k.RolloutPause("web"))
	err = k.RolloutPause("web")
	require.ErrorIs(t, err, kubectl.ErrUsage, "pausing twice")
}

func TestReplicaAnnotations(t *testing.T) {
	for _, tt := range []struct {
		name             string
		mutate           func(*cluster.Deployment)
		desired, maxRepl string
	}{
		{"default 25% surge", func(*cluster.Deployment) {}, "10", "13"},
		{"surge 0", func(d *cluster.Deployment) {
			d.Spec.Strategy.RollingUpdate = &cluster.RollingUpdateDeployment{MaxSurge: cluster.Ptr(cluster.FromInt(0)), MaxUnavailable: cluster.Ptr(cluster.FromInt(1))}
		}, "10", "10"},
		{"surge 50%", func(d *cluster.Deployment) {
			d.Spec.Strategy.RollingUpdate = &cluster.RollingUpdateDeployment{MaxSurge: cluster.Ptr(cluster.FromString("50%"))}
		}, "10", "15"},
		{"surge 2", func(d *cluster.Deployment) {
			d.Spec.Strategy.RollingUpdate = &cluster.RollingUpdateDeployment{MaxSurge: cluster.Ptr(cluster.FromInt(2))}
		}, "10", "12"},
		{"recreate", func(d *cluster.Deployment) {
			d.Spec.Strategy = cluster.DeploymentStrategy{Type: cluster.RecreateStrategy}
		}, "10", "10"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			s := cluster.NewSim(t, cluster.Config{Seed: 1})
			_, err := s.Create(cluster.NewDeployment("web", 10, "nginx:1", tt.mutate))
			require.NoError(t, err)
			require.NoError(t, s.Settle())
			rss := cluster.ListAs[*cluster.ReplicaSet](s, "default", selector.Everything())
			require.Len(t, rss, 1)
			assert.Equal(t, tt.desired, rss[0].Annotations[cluster.AnnDesiredReplicas])
			assert.Equal(t, tt.maxRepl, rss[0].Annotations[cluster.AnnMaxReplicas])
		})
	}

	// Scaling rewrites them.
	s := cluster.NewSim(t, cluster.Config{Seed: 1})
	k := kubectl.New(s, "")
	_, err := k.Apply(cluster.NewDeployment("web", 10, "nginx:1"))
	require.NoError(t, err)
	require.NoError(t, s.Settle())
	require.NoError(t, k.Scale(cluster.KindDeployment, "web", 4))
	require.NoError(t, s.Settle())
	rss := cluster.ListAs[*cluster.ReplicaSet](s, "default", selector.Everything())
	require.Len(t, rss, 1)
	assert.Equal(t, "4", rss[0].Annotations[cluster.AnnDesiredReplicas])
	assert.Equal(t, "5", rss[0].Annotations[cluster.AnnMaxReplicas], "4 + ceil(25% of 4)")
	assert.Equal(t, int32(4), cluster.Replicas(rss[0].Spec.Replicas))
}

func TestPodTemplateHash(t *testing.T) {
	s := cluster.NewSim(t, cluster.Config{Seed: 1})
	k := kubectl.New(s, "")
	_, err := k.Apply(cluster.NewDeployment("web", 3, "nginx:1"))
	require.NoError(t, err)
	require.NoError(t, s.Settle())
	require.NoError(t, k.SetImage("web", "nginx", "nginx:2"))
	require.NoError(t, s.Settle())

	d := cluster.MustDeployment(t, s, "web")
	assert.NotContains(t, d.Spec.Template.Labels, cluster.PodTemplateHashLabel, "the Deployment's own template has no hash")
	assert.NotContains(t, d.Spec.Selector.MatchLabels, cluster.PodTemplateHashLabel)
	hashes := map[string]bool{}
	for img, rs := range cluster.RsByImage(t, s) {
		h := rs.Labels[cluster.PodTemplateHashLabel]
		require.NotEmpty(t, h, img)
		assert.LessOrEqual(t, len(h), 10, "a decimal uint32 re-encoded: at most 10 characters")
		// Each decimal digit d is re-encoded as alphanums[d%27], which
		// lands in "456789bcdf".
		assert.Empty(t, strings.Trim(h, "456789bcdf"), "hash %q uses characters outside the encoded digits", h)
		assert.Empty(t, strings.Trim(h, "bcdfghjklmnpqrstvwxz2456789"), "hash %q", h)
		assert.Equal(t, "web-"+h, rs.Name)
		assert.Equal(t, h, rs.Spec.Selector.MatchLabels[cluster.PodTemplateHashLabel], "selector")
		assert.Equal(t, "web", rs.Spec.Selector.MatchLabels["app"], "selector keeps the Deployment's labels")
		assert.Equal(t, h, rs.Spec.Template.Labels[cluster.PodTemplateHashLabel], "template")
		assert.Equal(t, "web", rs.Labels["app"], "labels are the template's plus the hash")
		tmpl := cluster.CopyTemplate(d.Spec.Template)
		tmpl.Spec.Containers[0].Image = img
		assert.Equal(t, cluster.TemplateHash(&tmpl, nil), h, "the hash is the template's")
		hashes[h] = true
		for _, p := range cluster.OwnedActive(s, rs.UID) {
			assert.Equal(t, h, p.Labels[cluster.PodTemplateHashLabel], p.Name)
			assert.True(t, strings.HasPrefix(p.Name, rs.Name+"-"), p.Name)
		}
	}
	assert.Len(t, hashes, 2, "different templates, different hashes")
	assert.Len(t, cluster.PodsWith(s, cluster.PodTemplateHashLabel), 3)
}

// scaleDownVictims scales the ReplicaSet web to n and returns the pods its
// controller deleted for it.
func scaleDownVictims(t *testing.T, s *cluster.Sim, n int32) []string {
	t.Helper()
	uid := cluster.RsUID(t, s)
	before := cluster.PodNames(cluster.OwnedActive(s, uid))
	require.NoError(t, kubectl.New(s, "").Scale(cluster.KindReplicaSet, "web", n))
	s.RunFor(0)
	after := cluster.PodNames(cluster.OwnedActive(s, uid))
	return slices.DeleteFunc(before, func(name string) bool { return slices.Contains(after, name) })
}

// newPodsOf creates pods by scaling the ReplicaSet web to n and returns the
// ones that appeared.
func newPodsOf(t *testing.T, s *cluster.Sim, n int32) []string {
	t.Helper()
	uid := cluster.RsUID(t, s)
	before := cluster.PodNames(cluster.OwnedActive(s, uid))
	require.NoError(t, kubectl.New(s, "").Scale(cluster.KindReplicaSet, "web", n))
	require.NoError(t, s.Settle())
	return slices.DeleteFunc(cluster.PodNames(cluster.OwnedActive(s, uid)), func(name string) bool { return slices.Contains(before, name) })
}

func TestScaleDownRanking(t *testing.T) {
	probe := &cluster.Probe{} // every 10 s, three failures to flip
	for _, tt := range []struct {
		name string
		cfg  cluster.Config
		// build returns the sim, ready to scale web down to n, and the
		// pod the ranking must pick.
		build func(t *testing.T, s *cluster.Sim) (n int32, victim string)
	}{
		{
			// C is unscheduled, B scheduled but Pending (its node has no
			// address left). Both Pending and unready; C's higher deletion
			// cost and B's doubled-up node would both pick B.
			"unscheduled before scheduled", cluster.Config{Seed: 1, Nodes: 1, NodeCIDRMaskSize: 30},
			func(t *testing.T, s *cluster.Sim) (int32, string) {
				_, err := s.Create(cluster.WlReplicaSet(1, nil))
				require.NoError(t, err)
				require.NoError(t, s.Settle())
				b := newPodsOf(t, s, 2)[0]
				cluster.SetUnschedulable(t, s, "node-1", true)
				require.NoError(t, s.Settle())
				c := newPodsOf(t, s, 3)[0]
				require.Equal(t, "node-1", cluster.MustPod(t, s, b).Spec.NodeName)
				require.Equal(t, cluster.PodPending, cluster.MustPod(t, s, b).Status.Phase)
				require.Empty(t, cluster.MustPod(t, s, c).Spec.NodeName)
				cluster.SetDeletionCost(t, s, c, "100")
				return 2, c
			},
		},
		{
			// A runs but is not ready; B is Pending (no address) with a
			// higher deletion cost, which alone would pick A.
			"pending before running", cluster.Config{Seed: 1, Nodes: 1, NodeCIDRMaskSize: 30},
			func(t *testing.T, s *cluster.Sim) (int32, string) {
				_, err := s.Create(cluster.WlReplicaSet(1, probe))
				require.NoError(t, err)
				require.NoError(t, s.Settle())
				a := cluster.PodsWith(s, "app=web")[0].Name
				b := newPodsOf(t, s, 2)[0]
				require.NoError(t, s.FailReadiness("default", a))
				require.NoError(t, s.Settle())
				require.Equal(t, cluster.PodRunning, cluster.MustPod(t, s, a).Status.Phase)
				require.False(t, cluster.MustPod(t, s, a).IsReady())
				require.Equal(t, cluster.PodPending, cluster.MustPod(t, s, b).Status.Phase)
				cluster.SetDeletionCost(t, s, b, "100")
				return 1, b
			},
		},
		{
			// Both run; A is not ready but costs more to delete.
			"not ready before ready", cluster.Config{Seed: 1},
			func(t *testing.T, s *cluster.Sim) (int32, string) {
				_, err := s.Create(cluster.WlReplicaSet(2, probe))
				require.NoError(t, err)
				require.NoError(t, s.Settle())
				a := cluster.PodsWith(s, "app=web")[0].Name
				require.NoError(t, s.FailReadiness("default", a))
				require.NoError(t, s.Settle())
				require.False(t, cluster.MustPod(t, s, a).IsReady())
				cluster.SetDeletionCost(t, s, a, "100")
				return 1, a
			},
		},
		{
			// Both ready, on nodes of their own; B became ready later,
			// which alone would pick B, but A costs less to delete.
			"lower deletion cost first", cluster.Config{Seed: 1},
			func(t *testing.T, s *cluster.Sim) (int32, string) {
				_, err := s.Create(cluster.WlReplicaSet(1, nil))
				require.NoError(t, err)
				require.NoError(t, s.Settle())
				a := cluster.PodsWith(s, "app=web")[0].Name
				s.RunFor(1000 * time.Second)
				newPodsOf(t, s, 2)
				s.RunFor(1000 * time.Second)
				cluster.SetDeletionCost(t, s, a, "-1")
				return 1, a
			},
		},
		{
			// A and B share node-1, C has node-2 to itself but became
			// ready more recently, which alone would pick C.
			"doubled-up node first", cluster.Config{Seed: 1},
			func(t *testing.T, s *cluster.Sim) (int32, string) {
				cluster.SetUnschedulable(t, s, "node-2", true)
				cluster.SetUnschedulable(t, s, "node-3", true)
				require.NoError(t, s.Settle())
				_, err := s.Create(cluster.WlReplicaSet(2, nil))
				require.NoError(t, err)
				require.NoError(t, s.Settle())
				for _, p := range cluster.PodsWith(s, "app=web") {
					require.Equal(t, "node-1", p.Spec.NodeName)
				}
				s.RunFor(1000 * time.Second)
				cluster.SetUnschedulable(t, s, "node-2", false)
				require.NoError(t, s.Settle())
				c := newPodsOf(t, s, 3)[0]
				require.Equal(t, "node-2", cluster.MustPod(t, s, c).Spec.NodeName)
				s.RunFor(1000 * time.Second)
				return 2, "not " + c
			},
		},
		{
			// A was created first but became ready again after a readiness
			// failure, later than B; creation time alone would pick B.
			"more recently ready first", cluster.Config{Seed: 1},
			func(t *testing.T, s *cluster.Sim) (int32, string) {
				_, err := s.Create(cluster.WlReplicaSet(1, probe))
				require.NoError(t, err)
				require.NoError(t, s.Settle())
				a := cluster.PodsWith(s, "app=web")[0].Name
				s.RunFor(1000 * time.Second)
				b := newPodsOf(t, s, 2)[0]
				require.NoError(t, s.FailReadiness("default", a))
				require.NoError(t, s.Settle())
				s.RunUntil(cluster.Time(1480 * time.Second))
				require.NoError(t, s.RecoverReadiness("default", a))
				require.NoError(t, s.Settle())
				s.RunUntil(cluster.Time(1600 * time.Second))
				// Ready for ~2 min against 10 min: different powers of two.
				require.Equal(t, cluster.Time(1480*time.Second), cluster.ReadySince(t, s, a))
				require.Equal(t, cluster.Time(1000*time.Second), cluster.ReadySince(t, s, b))
				return 1, a
			},
		},
		{
			// Both not ready (so no ready times to compare); A restarted
			// once but is older, which alone would pick B.
			"more restarts first", cluster.Config{Seed: 1},
			func(t *testing.T, s *cluster.Sim) (int32, string) {
				_, err := s.Create(cluster.WlReplicaSet(1, probe))
				require.NoError(t, err)
				require.NoError(t, s.Settle())
				a := cluster.PodsWith(s, "app=web")[0].Name
				require.NoError(t, s.CrashContainer("default", a, ""))
				require.NoError(t, s.Settle())
				s.RunFor(1000 * time.Second)
				b := newPodsOf(t, s, 2)[0]
				require.NoError(t, s.FailReadiness("default", a))
				require.NoError(t, s.FailReadiness("default", b))
				require.NoError(t, s.Settle())
				s.RunFor(100 * time.Second)
				for _, p := range []string{a, b} {
					require.Equal(t, cluster.PodRunning, cluster.MustPod(t, s, p).Status.Phase)
					require.False(t, cluster.MustPod(t, s, p).IsReady())
				}
				require.Equal(t, int32(1), cluster.MaxRestarts(cluster.MustPod(t, s, a)))
				return 1, a
			},
		},
		{
			// Everything else equal (both not ready, no restarts, on nodes
			// of their own): the newer pod goes. They are bare pods the
			// ReplicaSet adopts, named so that the newer sorts last.
			"newer first", cluster.Config{Seed: 1},
			func(t *testing.T, s *cluster.Sim) (int32, string) {
				spec := cluster.WlReplicaSet(1, probe).Spec.Template.Spec
				for _, name := range []string{"web-a", "web-b"} {
					_, err := s.Create(&cluster.Pod{ObjectMeta: cluster.ObjectMeta{Name: name, Labels: map[string]string{"app": "web"}}, Spec: spec})
					require.NoError(t, err)
					require.NoError(t, s.Settle())
					require.NoError(t, s.FailReadiness("default", name))
					s.RunFor(1000 * time.Second)
				}
				_, err := s.Create(cluster.WlReplicaSet(2, probe))
				require.NoError(t, err)
				require.NoError(t, s.Settle())
				require.Equal(t, []string{"web-a", "web-b"}, cluster.PodNames(cluster.OwnedActive(s, cluster.RsUID(t, s))), "adopted")
				return 1, "web-b"
			},
		},
	} {
		t.Run(tt.name, func(t *testing.T) {
			s := cluster.NewSim(t, tt.cfg)
			n, victim := tt.build(t, s)
			got := scaleDownVictims(t, s, n)
			require.Len(t, got, 1)
			if spared, ok := strings.CutPrefix(victim, "not "); ok {
				assert.NotEqual(t, spared, got[0])
				return
			}
			assert.Equal(t, victim, got[0])
		})
	}
}

func TestRolloutStatusStages(t *testing.T) {
	s := cluster.NewSim(t, cluster.Config{Seed: 1})
	k := kubectl.New(s, "")
	var msgs []string
	record := func() {
		msg, done, err := k.RolloutStatus("web")
		require.NoError(t, err)
		require.Equal(t, strings.HasPrefix(msg, "deployment "), done, msg)
		if len(msgs) == 0 || msgs[len(msgs)-1] != msg {
			msgs = append(msgs, msg)
		}
	}
	_, err := k.Apply(cluster.NewDeployment("web", 3, "nginx:1", func(d *cluster.Deployment) {
		d.Spec.Strategy.RollingUpdate = &cluster.RollingUpdateDeployment{MaxSurge: cluster.Ptr(cluster.FromInt(1)), MaxUnavailable: cluster.Ptr(cluster.FromInt(0))}
	}))
	require.NoError(t, err)
	record()
	cluster.StepInstants(s, record)
	assert.Equal(t, []string{
		"Waiting for deployment spec update to be observed...",
		`Waiting for deployment "web" rollout to finish: 0 of 3 updated replicas are available...`,
		`deployment "web" successfully rolled out`,
	}, msgs)

	msgs = nil
	require.NoError(t, k.SetImage("web", "nginx", "nginx:2"))
	record()
	cluster.StepInstants(s, record)
	// One pod at a time: surge one new, wait 2 s for it to be ready, drop
	// one old.
	assert.Equal(t, []string{
		"Waiting for deployment spec update to be observed...",
		`Waiting for deployment "web" rollout to finish: 1 out of 3 new replicas have been updated...`,
		`Waiting for deployment "web" rollout to finish: 2 out of 3 new replicas have been updated...`,
		`Waiting for deployment "web" rollout to finish: 1 old replicas are pending termination...`,
		`deployment "web" successfully rolled out`,
	}, msgs)
}

func TestRolloutStatusProgressDeadline(t *testing.T) {
	// One pod address per node: the second pod never starts.
	s := cluster.NewSim(t, cluster.Config{Seed: 1, Nodes: 1, NodeCIDRMaskSize: 30})
	k := kubectl.New(s, "")
	_, err := k.Apply(cluster.NewDeployment("web", 2, "nginx", func(d *cluster.Deployment) { d.Spec.ProgressDeadlineSeconds = cluster.Ptr(int32(60)) }))
	require.NoError(t, err)
	require.NoError(t, s.Settle())
	msg, done, err := k.RolloutStatus("web")
	require.NoError(t, err)
	assert.False(t, done)
	assert.Equal(t, `Waiting for deployment "web" rollout to finish: 1 of 2 updated replicas are available...`, msg)
	s.RunFor(70 * time.Second)
	_, done, err = k.RolloutStatus("web")
	assert.False(t, done)
	assert.EqualError(t, err, `deployment "web" exceeded its progress deadline`)
}

func TestDeletingAReplicaSetDeletesItsPods(t *testing.T) {
	s := cluster.NewSim(t, cluster.Config{Seed: 1, Timing: cluster.Realistic()})
	k := kubectl.New(s, "")
	_, err := s.Create(cluster.WlReplicaSet(3, nil))
	require.NoError(t, err)
	require.NoError(t, s.Settle())
	released := cluster.PodsWith(s, "app=web")[0].Name
	require.NoError(t, k.Label(cluster.KindPod, released, "app=gone", "--overwrite"))
	require.NoError(t, s.Settle())
	require.Len(t, cluster.PodsWith(s, "app=web"), 3, "replaced")
	owned := cluster.PodNames(cluster.PodsWith(s, "app=web"))

	require.NoError(t, k.Delete(cluster.KindReplicaSet, "web", cluster.DeleteOptions{}))
	require.NoError(t, s.Settle())
	assert.Empty(t, cluster.PodsWith(s, "app=web"), "the garbage collector deleted its pods")
	for _, name := range owned {
		_, ok := s.Runtime("default", name)
		assert.False(t, ok, "%s stopped", name)
	}
	p := cluster.MustPod(t, s, released)
	assert.Empty(t, p.OwnerReferences)
	assert.True(t, p.IsReady(), "a released pod is not the ReplicaSet's to delete")
}

func TestDeletingADeploymentMidRolloutLeavesNothing(t *testing.T) {
	s := cluster.NewSim(t, cluster.Config{Seed: 1, Timing: cluster.Realistic()})
	k := kubectl.New(s, "")
	_, err := k.Apply(cluster.NewDeployment("web", 4, "nginx:1"))
	require.NoError(t, err)
	_, err = k.Run("bare", kubectl.RunOptions{Image: "nginx", Labels: map[string]string{"app": "web"}})
	require.NoError(t, err)
	require.NoError(t, s.Settle())
	require.NoError(t, k.SetImage("web", "nginx", "nginx:2"))
	s.RunFor(3 * time.Second)
	require.Len(t, cluster.ListAs[*cluster.ReplicaSet](s, "default", selector.Everything()), 2, "mid-rollout")

	require.NoError(t, k.Delete(cluster.KindDeployment, "web", cluster.DeleteOptions{}))
	require.NoError(t, s.Settle())
	assert.Empty(t, cluster.ListAs[*cluster.ReplicaSet](s, "default", selector.Everything()))
	assert.Equal(t, []string{"bare"}, cluster.PodNames(cluster.PodsWith(s, "app=web")), "only the bare pod, which it never owned")
	_, ok := cluster.GetAs[*cluster.Deployment](s, "default", "web")
	assert.False(t, ok)
}

// A kubelet that sees a stale watch event of a pod it has already stopped
// and removed removes "it" again, by name: here the newer pod of the same
// name, which it then never runs. (Found by TestRecreateNeverRunsTwoVersions.)
func TestStalePodEventDoesNotRemoveANewerPodOfTheSameName(t *testing.T) {
	// The kubelet sees changes 10 ms late, everyone else at once.
	s := cluster.NewSim(t, cluster.Config{Seed: 1, Nodes: 1, Timing: cluster.Timing{Watch: cluster.Fixed(0), Kubelet: cluster.Fixed(10 * time.Millisecond)}})
	k := kubectl.New(s, "")
	_, err := s.Create(cluster.WebPod("web"))
	require.NoError(t, err)
	require.NoError(t, s.Settle())
	require.NoError(t, s.Delete(cluster.KindPod, "default", "web", cluster.DeleteOptions{}))
	s.RunFor(time.Millisecond)
	// A write after the deletion: the kubelet sees it after it has
	// stopped the pod (SIGTERM exits at once) and removed it.
	require.NoError(t, k.Label(cluster.KindPod, "web", "x=y"))
	for {
		if _, ok := cluster.GetAs[*cluster.Pod](s, "default", "web"); !ok {
			break
		}
		require.True(t, s.Step())
	}
	_, err = s.Create(cluster.WebPod("web"))
	require.NoError(t, err)
	require.NoError(t, s.Settle())
	p, ok := cluster.GetAs[*cluster.Pod](s, "default", "web")
	require.True(t, ok, "the new web must survive the old one's stale event")
	assert.True(t, p.IsReady())
}

// The same stale event for a ReplicaSet's last pod makes the store's
// dependents index dereference a nil tree.
func TestStalePodEventOfAReplicaSetScaledToZero(t *testing.T) {
	s := cluster.NewSim(t, cluster.Config{Seed: 1, Nodes: 1, Timing: cluster.Timing{Watch: cluster.Fixed(0), Kubelet: cluster.Fixed(10 * time.Millisecond)}})
	k := kubectl.New(s, "")
	_, err := s.Create(cluster.WlReplicaSet(1, nil))
	require.NoError(t, err)
	require.NoError(t, s.Settle())
	name := cluster.PodsWith(s, "app=web")[0].Name
	require.NoError(t, k.Scale(cluster.KindReplicaSet, "web", 0))
	s.RunFor(time.Millisecond)
	require.NoError(t, k.Label(cluster.KindPod, name, "x=y"))
	require.NotPanics(t, func() { require.NoError(t, s.Settle()) })
	assert.Empty(t, cluster.PodsWith(s, "app=web"))
}

// §9, rollback: kubectl copies the target ReplicaSet's annotations, except
// the revision-related ones, onto the Deployment along with its template.
func TestRollbackCopiesReplicaSetAnnotations(t *testing.T) {
	s := cluster.NewSim(t, cluster.Config{Seed: 1})
	k := kubectl.New(s, "")
	_, err := k.Apply(cluster.NewDeployment("web", 1, "nginx:1"))
	require.NoError(t, err)
	require.NoError(t, s.Settle())
	rs := cluster.RsByImage(t, s)["nginx:1"]
	rs.Annotations["kubernetes.io/change-cause"] = "first"
	_, err = s.Update(rs)
	require.NoError(t, err)
	require.NoError(t, k.SetImage("web", "nginx", "nginx:2"))
	require.NoError(t, s.Settle())

	require.NoError(t, k.RolloutUndo("web", 1))
	d := cluster.MustDeployment(t, s, "web")
	assert.Equal(t, "first", d.Annotations["kubernetes.io/change-cause"], "copied from the ReplicaSet")
	assert.Equal(t, "2", d.Annotations[cluster.AnnRevision], "revision annotations are not copied")
	assert.NotContains(t, d.Annotations, cluster.AnnDesiredReplicas)
	assert.NotContains(t, d.Annotations, cluster.AnnMaxReplicas)
}

// §9: a Deployment adopts an orphan ReplicaSet its selector matches, and
// one whose template is its own becomes its new ReplicaSet; one that stops
// matching is released.
func TestDeploymentAdoptsAndReleasesReplicaSets(t *testing.T) {
	s := cluster.NewSim(t, cluster.Config{Seed: 1})
	k := kubectl.New(s, "")
	d := cluster.NewDeployment("web", 3, "nginx:1")
	legacy := &cluster.ReplicaSet{
		ObjectMeta: cluster.ObjectMeta{Name: "legacy", Labels: map[string]string{"app": "web"}},
		Spec:       cluster.ReplicaSetSpec{Replicas: cluster.Ptr(int32(2)), Selector: cluster.CloneLabelSelector(d.Spec.Selector), Template: cluster.CopyTemplate(d.Spec.Template)},
	}
	_, err := s.Create(legacy)
	require.NoError(t, err)
	require.NoError(t, s.Settle())
	_, err = k.Apply(d)
	require.NoError(t, err)
	require.NoError(t, s.Settle())

	rss := cluster.ListAs[*cluster.ReplicaSet](s, "default", selector.Everything())
	require.Len(t, rss, 1, "the orphan with the same template is the new ReplicaSet")
	ref, ok := rss[0].ControllerRef()
	require.True(t, ok)
	assert.Equal(t, cluster.MustDeployment(t, s, "web").UID, ref.UID)
	assert.Equal(t, int32(3), cluster.Replicas(rss[0].Spec.Replicas))
	assert.Equal(t, "1", rss[0].Annotations[cluster.AnnRevision])
	assert.Len(t, cluster.PodsWith(s, "app=web"), 3)

	require.NoError(t, k.Label(cluster.KindReplicaSet, "legacy", "app=old", "--overwrite"))
	require.NoError(t, s.Settle())
	got, _ := cluster.GetAs[*cluster.ReplicaSet](s, "default", "legacy")
	_, owned := got.ControllerRef()
	assert.False(t, owned, "no longer matching: released")
	assert.Len(t, cluster.ListAs[*cluster.ReplicaSet](s, "default", selector.Everything()), 2, "and replaced")
}

// §9: paused Deployments do not time out.
func TestPausedDeploymentDoesNotTimeOut(t *testing.T) {
	// One pod address per node: the second pod never starts.
	s := cluster.NewSim(t, cluster.Config{Seed: 1, Nodes: 1, NodeCIDRMaskSize: 30})
	k := kubectl.New(s, "")
	_, err := k.Apply(cluster.NewDeployment("web", 2, "nginx", func(d *cluster.Deployment) { d.Spec.ProgressDeadlineSeconds = cluster.Ptr(int32(60)) }))
	require.NoError(t, err)
	s.RunFor(10 * time.Second)
	require.NoError(t, k.RolloutPause("web"))
	s.RunFor(100 * time.Second)
	c, _ := cluster.FindDeploymentCondition(cluster.MustDeployment(t, s, "web").Status, "Progressing")
	assert.Equal(t, "DeploymentPaused", c.Reason)

	require.NoError(t, k.RolloutResume("web"))
	s.RunFor(60 * time.Second)
	c, _ = cluster.FindDeploymentCondition(cluster.MustDeployment(t, s, "web").Status, "Progressing")
	assert.Equal(t, "DeploymentResumed", c.Reason, "the deadline counts from the resume")
	s.RunFor(time.Second)
	c, _ = cluster.FindDeploymentCondition(cluster.MustDeployment(t, s, "web").Status, "Progressing")
	assert.Equal(t, "ProgressDeadlineExceeded", c.Reason)
}

package cluster

import (
	"bytes"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// Table tests of the ReplicaSet and Deployment controllers and of the
// kubectl verbs that drive them, against §8 and §9 of the reference.

// rsByImage returns the ReplicaSets by the image of their template.
func rsByImage(t *testing.T, s *Sim) map[string]*ReplicaSet {
	t.Helper()
	out := map[string]*ReplicaSet{}
	for _, rs := range ListAs[*ReplicaSet](s, "default", everything) {
		img := rs.Spec.Template.Spec.Containers[0].Image
		require.NotContains(t, out, img, "two ReplicaSets run %s", img)
		out[img] = rs
	}
	return out
}

// recordScaling records every change of a ReplicaSet's spec.replicas, in
// the order the store saw them, as "NAME from A to B" with the names
// replaced by their stand-ins in names.
func recordScaling(s *Sim, names map[string]string) *[]string {
	var out []string
	s.Watch("test-scaling", Fixed(0), func(ev WatchEvent) {
		if ev.Type != Modified {
			return
		}
		cur, old := ev.Object.(*ReplicaSet), ev.Old.(*ReplicaSet)
		if a, b := replicas(old.Spec.Replicas), replicas(cur.Spec.Replicas); a != b {
			name := cur.Name
			if n, ok := names[name]; ok {
				name = n
			}
			out = append(out, fmt.Sprintf("%s from %d to %d", name, a, b))
		}
	}, KindReplicaSet)
	return &out
}

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
			s := newSim(t, Config{Seed: 1})
			k := s.Kubectl("")
			_, err := k.Apply(newDeployment("web", 10, "nginx:1", func(d *Deployment) {
				d.Spec.Strategy.RollingUpdate = &RollingUpdateDeployment{MaxSurge: Ptr(FromInt(3)), MaxUnavailable: Ptr(FromInt(2))}
			}))
			require.NoError(t, err)
			require.NoError(t, s.Settle())

			// v2 takes an hour to become ready, so the rollout stalls at
			// old 8 (10 less maxUnavailable) and new 5 (13 less old).
			d := mustDeployment(t, s, "web")
			d.Spec.Template.Spec.Containers[0].Image = "nginx:2"
			d.Spec.Template.Spec.Containers[0].ReadinessProbe.InitialDelaySeconds = 3600
			_, err = s.Update(d)
			require.NoError(t, err)
			s.RunFor(10 * time.Second)
			byImg := rsByImage(t, s)
			oldRS, newRS := byImg["nginx:1"], byImg["nginx:2"]
			require.NotNil(t, newRS)
			require.Equal(t, int32(8), replicas(oldRS.Spec.Replicas))
			require.Equal(t, int32(5), replicas(newRS.Spec.Replicas))
			for _, rs := range []*ReplicaSet{oldRS, newRS} {
				require.Equal(t, "10", rs.Annotations[annDesiredReplicas], rs.Name)
				require.Equal(t, "13", rs.Annotations[annMaxReplicas], rs.Name)
			}

			scaled := recordScaling(s, map[string]string{oldRS.Name: "OLD", newRS.Name: "NEW"})
			require.NoError(t, k.Scale(KindDeployment, "web", tt.to))
			s.RunFor(10 * time.Second)
			assert.Equal(t, tt.wantEvents, *scaled, "changes of spec.replicas, in order")
			byImg = rsByImage(t, s)
			assert.Equal(t, tt.wantOld, replicas(byImg["nginx:1"].Spec.Replicas), "old")
			assert.Equal(t, tt.wantNew, replicas(byImg["nginx:2"].Spec.Replicas), "new")
			for _, rs := range byImg {
				assert.Equal(t, strconv.Itoa(int(tt.to)), rs.Annotations[annDesiredReplicas], rs.Name)
				assert.Equal(t, strconv.Itoa(int(tt.to+3)), rs.Annotations[annMaxReplicas], rs.Name)
			}
		})
	}
}

// progressingReasons records the successive reasons of a Deployment's
// Progressing condition, as a watch with no lag sees them.
func progressingReasons(s *Sim) *[]string {
	var reasons []string
	s.Watch("test-progress", Fixed(0), func(ev WatchEvent) {
		d := ev.Object.(*Deployment)
		if c, ok := deploymentCondition(d.Status, "Progressing"); ok && (len(reasons) == 0 || reasons[len(reasons)-1] != c.Reason) {
			reasons = append(reasons, c.Reason)
		}
	}, KindDeployment)
	return &reasons
}

func TestPauseAndResume(t *testing.T) {
	s := newSim(t, Config{Seed: 1})
	k := s.Kubectl("")
	reasons := progressingReasons(s)
	_, err := k.Apply(newDeployment("web", 3, "nginx:1"))
	require.NoError(t, err)
	require.NoError(t, s.Settle())

	require.NoError(t, k.RolloutPause("web"))
	err = k.RolloutPause("web")
	require.ErrorIs(t, err, ErrUsage)
	assert.ErrorContains(t, err, `deployments.apps "web" is already paused`)
	require.NoError(t, s.Settle())
	c, _ := deploymentCondition(mustDeployment(t, s, "web").Status, "Progressing")
	assert.Equal(t, "DeploymentPaused", c.Reason)
	assert.Equal(t, ConditionUnknown, c.Status)

	// A paused Deployment rolls nothing out, but still scales.
	require.NoError(t, k.SetImage("web", "nginx", "nginx:2"))
	require.NoError(t, s.Settle())
	assert.Len(t, ListAs[*ReplicaSet](s, "default", everything), 1, "no new ReplicaSet while paused")
	assert.Equal(t, map[string]int{"nginx:1": 3}, images(s, "app=web"))
	assert.Equal(t, "1", mustDeployment(t, s, "web").Annotations[annRevision])
	require.NoError(t, k.Scale(KindDeployment, "web", 4))
	require.NoError(t, s.Settle())
	assert.Equal(t, map[string]int{"nginx:1": 4}, images(s, "app=web"), "scaling still happens")
	err = k.RolloutUndo("web", 0)
	require.ErrorIs(t, err, ErrUsage)
	assert.ErrorContains(t, err, "you cannot rollback a paused deployment")

	require.NoError(t, k.RolloutResume("web"))
	err = k.RolloutResume("web")
	require.ErrorIs(t, err, ErrUsage)
	assert.ErrorContains(t, err, `deployments.apps "web" is not paused`)
	require.NoError(t, s.Settle())
	assert.Len(t, ListAs[*ReplicaSet](s, "default", everything), 2, "resuming creates the new ReplicaSet")
	assert.Equal(t, map[string]int{"nginx:2": 4}, images(s, "app=web"))
	assert.Equal(t, "2", mustDeployment(t, s, "web").Annotations[annRevision])

	got := *reasons
	paused, resumed := slices.Index(got, "DeploymentPaused"), slices.Index(got, "DeploymentResumed")
	require.GreaterOrEqual(t, paused, 0, "%v", got)
	require.Greater(t, resumed, paused, "%v", got)
	assert.Equal(t, "NewReplicaSetAvailable", got[len(got)-1], "%v", got)
}

func TestMinReadySeconds(t *testing.T) {
	s := newSim(t, Config{Seed: 1})
	k := s.Kubectl("")
	// Ready at 2 s (the probe's initial delay), available 10 s later.
	_, err := k.Apply(newDeployment("web", 3, "nginx:1", func(d *Deployment) { d.Spec.MinReadySeconds = 10 }))
	require.NoError(t, err)

	check := func(at time.Duration, ready, available int32, cond ConditionStatus) {
		t.Helper()
		s.RunUntil(Time(at))
		d := mustDeployment(t, s, "web")
		rss := ListAs[*ReplicaSet](s, "default", everything)
		require.Len(t, rss, 1)
		assert.Equal(t, int32(10), rss[0].Spec.MinReadySeconds, "copied into the ReplicaSet")
		assert.Equal(t, ready, rss[0].Status.ReadyReplicas, "ReplicaSet ready at %s", at)
		assert.Equal(t, available, rss[0].Status.AvailableReplicas, "ReplicaSet available at %s", at)
		assert.Equal(t, ready, d.Status.ReadyReplicas, "Deployment ready at %s", at)
		assert.Equal(t, available, d.Status.AvailableReplicas, "Deployment available at %s", at)
		c, _ := deploymentCondition(d.Status, "Available")
		assert.Equal(t, cond, c.Status, "Available condition at %s", at)
	}
	check(2*time.Second-time.Nanosecond, 0, 0, ConditionFalse)
	check(2*time.Second, 3, 0, ConditionFalse)
	check(12*time.Second-time.Nanosecond, 3, 0, ConditionFalse)
	check(12*time.Second, 3, 3, ConditionTrue)
	_, done, err := k.RolloutStatus("web")
	require.NoError(t, err)
	assert.True(t, done)
}

func TestRevisionHistoryLimit(t *testing.T) {
	s := newSim(t, Config{Seed: 1})
	k := s.Kubectl("")
	_, err := k.Apply(newDeployment("web", 2, "nginx:1", func(d *Deployment) { d.Spec.RevisionHistoryLimit = Ptr(int32(2)) }))
	require.NoError(t, err)
	require.NoError(t, s.Settle())
	for _, img := range []string{"nginx:2", "nginx:3", "nginx:4", "nginx:5", "nginx:6"} {
		require.NoError(t, k.SetImage("web", "nginx", img))
		require.NoError(t, s.Settle())
	}
	got := map[string]string{}
	for img, rs := range rsByImage(t, s) {
		got[img] = rs.Annotations[annRevision]
	}
	assert.Equal(t, map[string]string{"nginx:4": "4", "nginx:5": "5", "nginx:6": "6"}, got,
		"the current ReplicaSet and the two newest old ones; revisions 1-3 deleted")
	assert.Equal(t, map[string]int{"nginx:6": 2}, images(s, "app=web"))
}

func TestRollbackRevisionAnnotations(t *testing.T) {
	s := newSim(t, Config{Seed: 1})
	k := s.Kubectl("")
	var out bytes.Buffer
	k.Out = &out
	_, err := k.Apply(newDeployment("web", 2, "nginx:1"))
	require.NoError(t, err)
	require.NoError(t, s.Settle())
	for _, img := range []string{"nginx:2", "nginx:3"} {
		require.NoError(t, k.SetImage("web", "nginx", img))
		require.NoError(t, s.Settle())
	}
	annotations := func() map[string]string {
		got := map[string]string{}
		for img, rs := range rsByImage(t, s) {
			got[img] = rs.Annotations[annRevision] + " (" + rs.Annotations[annRevisionHistory] + ")"
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
		assert.Equal(t, map[string]int{st.image: 2}, images(s, "app=web"))
		d := mustDeployment(t, s, "web")
		assert.Equal(t, st.want[st.image][:1], d.Annotations[annRevision], "the Deployment's revision")
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
	gen := mustDeployment(t, s, "web").Generation
	require.NoError(t, k.RolloutUndo("web", 6))
	assert.Equal(t, "deployment.apps/web skipped rollback (current template already matches revision 6)\n", out.String())
	assert.Equal(t, gen, mustDeployment(t, s, "web").Generation)
}

func TestRolloutUndoErrors(t *testing.T) {
	s := newSim(t, Config{Seed: 1})
	k := s.Kubectl("")
	_, err := k.Apply(newDeployment("web", 1, "nginx:1"))
	require.NoError(t, err)
	require.NoError(t, s.Settle())
	before := s.dump()

	err = k.RolloutUndo("web", 0)
	require.ErrorIs(t, err, ErrUsage)
	assert.ErrorContains(t, err, `no rollout history found for deployment "web"`)
	assert.Equal(t, before, s.dump(), "a failed undo changes nothing")

	require.NoError(t, k.SetImage("web", "nginx", "nginx:2"))
	require.NoError(t, s.Settle())
	before = s.dump()
	err = k.RolloutUndo("web", 7)
	require.ErrorIs(t, err, ErrUsage)
	assert.ErrorContains(t, err, "unable to find specified revision 7 in history")

	err = k.RolloutUndo("nope", 0)
	require.ErrorIs(t, err, ErrNotFound)
	var se *StatusError
	require.True(t, errors.As(err, &se))
	assert.Equal(t, KindDeployment, se.Kind)
	assert.Equal(t, before, s.dump(), "failed undos change nothing")
}

func TestWorkloadVerbErrors(t *testing.T) {
	s := newSim(t, Config{Seed: 1})
	k := s.Kubectl("")
	_, err := k.Apply(newDeployment("web", 2, "nginx:1"))
	require.NoError(t, err)
	_, err = k.Run("solo", RunOptions{Image: "nginx"})
	require.NoError(t, err)
	require.NoError(t, s.Settle())
	before := s.dump()

	for _, tt := range []struct {
		name string
		err  error
		want error
		msg  string
	}{
		{"scale missing deployment", k.Scale(KindDeployment, "nope", 3), ErrNotFound, ""},
		{"scale missing replicaset", k.Scale(KindReplicaSet, "nope", 3), ErrNotFound, ""},
		{"scale a pod", k.Scale(KindPod, "solo", 3), ErrUsage, "cannot scale"},
		{"scale negative", k.Scale(KindDeployment, "web", -1), ErrInvalid, "spec.replicas"},
		{"set image on missing deployment", k.SetImage("nope", "nginx", "nginx:2"), ErrNotFound, ""},
		{"set image of missing container", k.SetImage("web", "nope", "nginx:2"), ErrUsage, `unable to find container named "nope"`},
		{"status of missing deployment", func() error { _, _, err := k.RolloutStatus("nope"); return err }(), ErrNotFound, ""},
		{"history of missing deployment", func() error { _, err := k.RolloutHistory("nope"); return err }(), ErrNotFound, ""},
		{"pause missing deployment", k.RolloutPause("nope"), ErrNotFound, ""},
		{"resume a running deployment", k.RolloutResume("web"), ErrUsage, "is not paused"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			require.ErrorIs(t, tt.err, tt.want)
			if tt.msg != "" {
				assert.ErrorContains(t, tt.err, tt.msg)
			}
		})
	}
	assert.Equal(t, before, s.dump(), "failed verbs change nothing")

	require.NoError(t, k.RolloutPause("web"))
	err = k.RolloutPause("web")
	require.ErrorIs(t, err, ErrUsage, "pausing twice")
}

func TestReplicaAnnotations(t *testing.T) {
	for _, tt := range []struct {
		name             string
		mutate           func(*Deployment)
		desired, maxRepl string
	}{
		{"default 25% surge", func(*Deployment) {}, "10", "13"},
		{"surge 0", func(d *Deployment) {
			d.Spec.Strategy.RollingUpdate = &RollingUpdateDeployment{MaxSurge: Ptr(FromInt(0)), MaxUnavailable: Ptr(FromInt(1))}
		}, "10", "10"},
		{"surge 50%", func(d *Deployment) {
			d.Spec.Strategy.RollingUpdate = &RollingUpdateDeployment{MaxSurge: Ptr(FromString("50%"))}
		}, "10", "15"},
		{"surge 2", func(d *Deployment) {
			d.Spec.Strategy.RollingUpdate = &RollingUpdateDeployment{MaxSurge: Ptr(FromInt(2))}
		}, "10", "12"},
		{"recreate", func(d *Deployment) { d.Spec.Strategy = DeploymentStrategy{Type: RecreateStrategy} }, "10", "10"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			s := newSim(t, Config{Seed: 1})
			_, err := s.Create(newDeployment("web", 10, "nginx:1", tt.mutate))
			require.NoError(t, err)
			require.NoError(t, s.Settle())
			rss := ListAs[*ReplicaSet](s, "default", everything)
			require.Len(t, rss, 1)
			assert.Equal(t, tt.desired, rss[0].Annotations[annDesiredReplicas])
			assert.Equal(t, tt.maxRepl, rss[0].Annotations[annMaxReplicas])
		})
	}

	// Scaling rewrites them.
	s := newSim(t, Config{Seed: 1})
	k := s.Kubectl("")
	_, err := k.Apply(newDeployment("web", 10, "nginx:1"))
	require.NoError(t, err)
	require.NoError(t, s.Settle())
	require.NoError(t, k.Scale(KindDeployment, "web", 4))
	require.NoError(t, s.Settle())
	rss := ListAs[*ReplicaSet](s, "default", everything)
	require.Len(t, rss, 1)
	assert.Equal(t, "4", rss[0].Annotations[annDesiredReplicas])
	assert.Equal(t, "5", rss[0].Annotations[annMaxReplicas], "4 + ceil(25% of 4)")
	assert.Equal(t, int32(4), replicas(rss[0].Spec.Replicas))
}

func TestPodTemplateHash(t *testing.T) {
	s := newSim(t, Config{Seed: 1})
	k := s.Kubectl("")
	_, err := k.Apply(newDeployment("web", 3, "nginx:1"))
	require.NoError(t, err)
	require.NoError(t, s.Settle())
	require.NoError(t, k.SetImage("web", "nginx", "nginx:2"))
	require.NoError(t, s.Settle())

	d := mustDeployment(t, s, "web")
	assert.NotContains(t, d.Spec.Template.Labels, PodTemplateHashLabel, "the Deployment's own template has no hash")
	assert.NotContains(t, d.Spec.Selector.MatchLabels, PodTemplateHashLabel)
	hashes := map[string]bool{}
	for img, rs := range rsByImage(t, s) {
		h := rs.Labels[PodTemplateHashLabel]
		require.NotEmpty(t, h, img)
		assert.LessOrEqual(t, len(h), 10, "a decimal uint32 re-encoded: at most 10 characters")
		// Each decimal digit d is re-encoded as alphanums[d%27], which
		// lands in "456789bcdf".
		assert.Empty(t, strings.Trim(h, "456789bcdf"), "hash %q uses characters outside the encoded digits", h)
		assert.Empty(t, strings.Trim(h, "bcdfghjklmnpqrstvwxz2456789"), "hash %q", h)
		assert.Equal(t, "web-"+h, rs.Name)
		assert.Equal(t, h, rs.Spec.Selector.MatchLabels[PodTemplateHashLabel], "selector")
		assert.Equal(t, "web", rs.Spec.Selector.MatchLabels["app"], "selector keeps the Deployment's labels")
		assert.Equal(t, h, rs.Spec.Template.Labels[PodTemplateHashLabel], "template")
		assert.Equal(t, "web", rs.Labels["app"], "labels are the template's plus the hash")
		tmpl := d.Spec.Template.deepCopy()
		tmpl.Spec.Containers[0].Image = img
		assert.Equal(t, templateHash(&tmpl, nil), h, "the hash is the template's")
		hashes[h] = true
		for _, p := range ownedActive(s, rs.UID) {
			assert.Equal(t, h, p.Labels[PodTemplateHashLabel], p.Name)
			assert.True(t, strings.HasPrefix(p.Name, rs.Name+"-"), p.Name)
		}
	}
	assert.Len(t, hashes, 2, "different templates, different hashes")
	assert.Len(t, podsWith(s, PodTemplateHashLabel), 3)
}

// The scale-down ranking (§8): each case builds pods that differ in the
// rule under test and, in the other direction, in a later rule, so that
// the victim shows which rule the controller applied.

// rsUID returns the UID of the ReplicaSet web.
func rsUID(t *testing.T, s *Sim) string {
	t.Helper()
	rs, ok := GetAs[*ReplicaSet](s, "default", "web")
	require.True(t, ok)
	return rs.UID
}

func podNames(pods []*Pod) []string {
	var out []string
	for _, p := range pods {
		out = append(out, p.Name)
	}
	return out
}

// scaleDownVictims scales the ReplicaSet web to n and returns the pods its
// controller deleted for it.
func scaleDownVictims(t *testing.T, s *Sim, n int32) []string {
	t.Helper()
	uid := rsUID(t, s)
	before := podNames(ownedActive(s, uid))
	require.NoError(t, s.Kubectl("").Scale(KindReplicaSet, "web", n))
	s.RunFor(0)
	after := podNames(ownedActive(s, uid))
	return slices.DeleteFunc(before, func(name string) bool { return slices.Contains(after, name) })
}

// newPodsOf creates pods by scaling the ReplicaSet web to n and returns the
// ones that appeared.
func newPodsOf(t *testing.T, s *Sim, n int32) []string {
	t.Helper()
	uid := rsUID(t, s)
	before := podNames(ownedActive(s, uid))
	require.NoError(t, s.Kubectl("").Scale(KindReplicaSet, "web", n))
	require.NoError(t, s.Settle())
	return slices.DeleteFunc(podNames(ownedActive(s, uid)), func(name string) bool { return slices.Contains(before, name) })
}

func setDeletionCost(t *testing.T, s *Sim, pod, cost string) {
	t.Helper()
	p := mustPod(t, s, pod).DeepCopy()
	if p.Annotations == nil {
		p.Annotations = map[string]string{}
	}
	p.Annotations["controller.kubernetes.io/pod-deletion-cost"] = cost
	_, err := s.Update(p)
	require.NoError(t, err)
}

func setUnschedulable(t *testing.T, s *Sim, node string, v bool) {
	t.Helper()
	n, ok := GetAs[*Node](s, "", node)
	require.True(t, ok)
	n.Spec.Unschedulable = v
	_, err := s.Update(n)
	require.NoError(t, err)
}

func readySince(t *testing.T, s *Sim, pod string) Time {
	t.Helper()
	c, ok := mustPod(t, s, pod).Condition(PodReady)
	require.True(t, ok && c.Status == ConditionTrue, "%s is ready", pod)
	return c.LastTransitionTime
}

func TestScaleDownRanking(t *testing.T) {
	probe := &Probe{} // every 10 s, three failures to flip
	for _, tt := range []struct {
		name string
		cfg  Config
		// build returns the sim, ready to scale web down to n, and the
		// pod the ranking must pick.
		build func(t *testing.T, s *Sim) (n int32, victim string)
	}{
		{
			// C is unscheduled, B scheduled but Pending (its node has no
			// address left). Both Pending and unready; C's higher deletion
			// cost and B's doubled-up node would both pick B.
			"unscheduled before scheduled", Config{Seed: 1, Nodes: 1, NodeCIDRMaskSize: 30},
			func(t *testing.T, s *Sim) (int32, string) {
				_, err := s.Create(wlReplicaSet(1, nil))
				require.NoError(t, err)
				require.NoError(t, s.Settle())
				b := newPodsOf(t, s, 2)[0]
				setUnschedulable(t, s, "node-1", true)
				require.NoError(t, s.Settle())
				c := newPodsOf(t, s, 3)[0]
				require.Equal(t, "node-1", mustPod(t, s, b).Spec.NodeName)
				require.Equal(t, PodPending, mustPod(t, s, b).Status.Phase)
				require.Empty(t, mustPod(t, s, c).Spec.NodeName)
				setDeletionCost(t, s, c, "100")
				return 2, c
			},
		},
		{
			// A runs but is not ready; B is Pending (no address) with a
			// higher deletion cost, which alone would pick A.
			"pending before running", Config{Seed: 1, Nodes: 1, NodeCIDRMaskSize: 30},
			func(t *testing.T, s *Sim) (int32, string) {
				_, err := s.Create(wlReplicaSet(1, probe))
				require.NoError(t, err)
				require.NoError(t, s.Settle())
				a := podsWith(s, "app=web")[0].Name
				b := newPodsOf(t, s, 2)[0]
				require.NoError(t, s.FailReadiness("default", a))
				require.NoError(t, s.Settle())
				require.Equal(t, PodRunning, mustPod(t, s, a).Status.Phase)
				require.False(t, mustPod(t, s, a).IsReady())
				require.Equal(t, PodPending, mustPod(t, s, b).Status.Phase)
				setDeletionCost(t, s, b, "100")
				return 1, b
			},
		},
		{
			// Both run; A is not ready but costs more to delete.
			"not ready before ready", Config{Seed: 1},
			func(t *testing.T, s *Sim) (int32, string) {
				_, err := s.Create(wlReplicaSet(2, probe))
				require.NoError(t, err)
				require.NoError(t, s.Settle())
				a := podsWith(s, "app=web")[0].Name
				require.NoError(t, s.FailReadiness("default", a))
				require.NoError(t, s.Settle())
				require.False(t, mustPod(t, s, a).IsReady())
				setDeletionCost(t, s, a, "100")
				return 1, a
			},
		},
		{
			// Both ready, on nodes of their own; B became ready later,
			// which alone would pick B, but A costs less to delete.
			"lower deletion cost first", Config{Seed: 1},
			func(t *testing.T, s *Sim) (int32, string) {
				_, err := s.Create(wlReplicaSet(1, nil))
				require.NoError(t, err)
				require.NoError(t, s.Settle())
				a := podsWith(s, "app=web")[0].Name
				s.RunFor(1000 * time.Second)
				newPodsOf(t, s, 2)
				s.RunFor(1000 * time.Second)
				setDeletionCost(t, s, a, "-1")
				return 1, a
			},
		},
		{
			// A and B share node-1, C has node-2 to itself but became
			// ready more recently, which alone would pick C.
			"doubled-up node first", Config{Seed: 1},
			func(t *testing.T, s *Sim) (int32, string) {
				setUnschedulable(t, s, "node-2", true)
				setUnschedulable(t, s, "node-3", true)
				require.NoError(t, s.Settle())
				_, err := s.Create(wlReplicaSet(2, nil))
				require.NoError(t, err)
				require.NoError(t, s.Settle())
				for _, p := range podsWith(s, "app=web") {
					require.Equal(t, "node-1", p.Spec.NodeName)
				}
				s.RunFor(1000 * time.Second)
				setUnschedulable(t, s, "node-2", false)
				require.NoError(t, s.Settle())
				c := newPodsOf(t, s, 3)[0]
				require.Equal(t, "node-2", mustPod(t, s, c).Spec.NodeName)
				s.RunFor(1000 * time.Second)
				return 2, "not " + c
			},
		},
		{
			// A was created first but became ready again after a readiness
			// failure, later than B; creation time alone would pick B.
			"more recently ready first", Config{Seed: 1},
			func(t *testing.T, s *Sim) (int32, string) {
				_, err := s.Create(wlReplicaSet(1, probe))
				require.NoError(t, err)
				require.NoError(t, s.Settle())
				a := podsWith(s, "app=web")[0].Name
				s.RunFor(1000 * time.Second)
				b := newPodsOf(t, s, 2)[0]
				require.NoError(t, s.FailReadiness("default", a))
				require.NoError(t, s.Settle())
				s.RunUntil(Time(1480 * time.Second))
				require.NoError(t, s.RecoverReadiness("default", a))
				require.NoError(t, s.Settle())
				s.RunUntil(Time(1600 * time.Second))
				// Ready for ~2 min against 10 min: different powers of two.
				require.Equal(t, Time(1480*time.Second), readySince(t, s, a))
				require.Equal(t, Time(1000*time.Second), readySince(t, s, b))
				return 1, a
			},
		},
		{
			// Both not ready (so no ready times to compare); A restarted
			// once but is older, which alone would pick B.
			"more restarts first", Config{Seed: 1},
			func(t *testing.T, s *Sim) (int32, string) {
				_, err := s.Create(wlReplicaSet(1, probe))
				require.NoError(t, err)
				require.NoError(t, s.Settle())
				a := podsWith(s, "app=web")[0].Name
				require.NoError(t, s.CrashContainer("default", a, ""))
				require.NoError(t, s.Settle())
				s.RunFor(1000 * time.Second)
				b := newPodsOf(t, s, 2)[0]
				require.NoError(t, s.FailReadiness("default", a))
				require.NoError(t, s.FailReadiness("default", b))
				require.NoError(t, s.Settle())
				s.RunFor(100 * time.Second)
				for _, p := range []string{a, b} {
					require.Equal(t, PodRunning, mustPod(t, s, p).Status.Phase)
					require.False(t, mustPod(t, s, p).IsReady())
				}
				require.Equal(t, int32(1), maxRestarts(mustPod(t, s, a)))
				return 1, a
			},
		},
		{
			// Everything else equal (both not ready, no restarts, on nodes
			// of their own): the newer pod goes. They are bare pods the
			// ReplicaSet adopts, named so that the newer sorts last.
			"newer first", Config{Seed: 1},
			func(t *testing.T, s *Sim) (int32, string) {
				spec := wlReplicaSet(1, probe).Spec.Template.Spec
				for _, name := range []string{"web-a", "web-b"} {
					_, err := s.Create(&Pod{ObjectMeta: ObjectMeta{Name: name, Labels: map[string]string{"app": "web"}}, Spec: spec})
					require.NoError(t, err)
					require.NoError(t, s.Settle())
					require.NoError(t, s.FailReadiness("default", name))
					s.RunFor(1000 * time.Second)
				}
				_, err := s.Create(wlReplicaSet(2, probe))
				require.NoError(t, err)
				require.NoError(t, s.Settle())
				require.Equal(t, []string{"web-a", "web-b"}, podNames(ownedActive(s, rsUID(t, s))), "adopted")
				return 1, "web-b"
			},
		},
	} {
		t.Run(tt.name, func(t *testing.T) {
			s := newSim(t, tt.cfg)
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
	s := newSim(t, Config{Seed: 1})
	k := s.Kubectl("")
	var msgs []string
	record := func() {
		msg, done, err := k.RolloutStatus("web")
		require.NoError(t, err)
		require.Equal(t, strings.HasPrefix(msg, "deployment "), done, msg)
		if len(msgs) == 0 || msgs[len(msgs)-1] != msg {
			msgs = append(msgs, msg)
		}
	}
	_, err := k.Apply(newDeployment("web", 3, "nginx:1", func(d *Deployment) {
		d.Spec.Strategy.RollingUpdate = &RollingUpdateDeployment{MaxSurge: Ptr(FromInt(1)), MaxUnavailable: Ptr(FromInt(0))}
	}))
	require.NoError(t, err)
	record()
	stepInstants(s, record)
	assert.Equal(t, []string{
		"Waiting for deployment spec update to be observed...",
		`Waiting for deployment "web" rollout to finish: 0 of 3 updated replicas are available...`,
		`deployment "web" successfully rolled out`,
	}, msgs)

	msgs = nil
	require.NoError(t, k.SetImage("web", "nginx", "nginx:2"))
	record()
	stepInstants(s, record)
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
	s := newSim(t, Config{Seed: 1, Nodes: 1, NodeCIDRMaskSize: 30})
	k := s.Kubectl("")
	_, err := k.Apply(newDeployment("web", 2, "nginx", func(d *Deployment) { d.Spec.ProgressDeadlineSeconds = Ptr(int32(60)) }))
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
	s := newSim(t, Config{Seed: 1, Timing: Realistic()})
	k := s.Kubectl("")
	_, err := s.Create(wlReplicaSet(3, nil))
	require.NoError(t, err)
	require.NoError(t, s.Settle())
	released := podsWith(s, "app=web")[0].Name
	require.NoError(t, k.Label(KindPod, released, "app=gone", "--overwrite"))
	require.NoError(t, s.Settle())
	require.Len(t, podsWith(s, "app=web"), 3, "replaced")
	owned := podNames(podsWith(s, "app=web"))

	require.NoError(t, k.Delete(KindReplicaSet, "web", DeleteOptions{}))
	require.NoError(t, s.Settle())
	assert.Empty(t, podsWith(s, "app=web"), "the garbage collector deleted its pods")
	for _, name := range owned {
		_, ok := s.Runtime("default", name)
		assert.False(t, ok, "%s stopped", name)
	}
	p := mustPod(t, s, released)
	assert.Empty(t, p.OwnerReferences)
	assert.True(t, p.IsReady(), "a released pod is not the ReplicaSet's to delete")
}

func TestDeletingADeploymentMidRolloutLeavesNothing(t *testing.T) {
	s := newSim(t, Config{Seed: 1, Timing: Realistic()})
	k := s.Kubectl("")
	_, err := k.Apply(newDeployment("web", 4, "nginx:1"))
	require.NoError(t, err)
	_, err = k.Run("bare", RunOptions{Image: "nginx", Labels: map[string]string{"app": "web"}})
	require.NoError(t, err)
	require.NoError(t, s.Settle())
	require.NoError(t, k.SetImage("web", "nginx", "nginx:2"))
	s.RunFor(3 * time.Second)
	require.Len(t, ListAs[*ReplicaSet](s, "default", everything), 2, "mid-rollout")

	require.NoError(t, k.Delete(KindDeployment, "web", DeleteOptions{}))
	require.NoError(t, s.Settle())
	assert.Empty(t, ListAs[*ReplicaSet](s, "default", everything))
	assert.Equal(t, []string{"bare"}, podNames(podsWith(s, "app=web")), "only the bare pod, which it never owned")
	_, ok := GetAs[*Deployment](s, "default", "web")
	assert.False(t, ok)
}

// Bug reproductions.

// A kubelet that sees a stale watch event of a pod it has already stopped
// and removed removes "it" again, by name: here the newer pod of the same
// name, which it then never runs. (Found by TestRecreateNeverRunsTwoVersions.)
func TestStalePodEventDoesNotRemoveANewerPodOfTheSameName(t *testing.T) {
	// The kubelet sees changes 10 ms late, everyone else at once.
	s := newSim(t, Config{Seed: 1, Nodes: 1, Timing: Timing{Watch: Fixed(0), Kubelet: Fixed(10 * time.Millisecond)}})
	k := s.Kubectl("")
	_, err := s.Create(webPod("web"))
	require.NoError(t, err)
	require.NoError(t, s.Settle())
	require.NoError(t, s.Delete(KindPod, "default", "web", DeleteOptions{}))
	s.RunFor(time.Millisecond)
	// A write after the deletion: the kubelet sees it after it has
	// stopped the pod (SIGTERM exits at once) and removed it.
	require.NoError(t, k.Label(KindPod, "web", "x=y"))
	for {
		if _, ok := GetAs[*Pod](s, "default", "web"); !ok {
			break
		}
		require.True(t, s.Step())
	}
	_, err = s.Create(webPod("web"))
	require.NoError(t, err)
	require.NoError(t, s.Settle())
	p, ok := GetAs[*Pod](s, "default", "web")
	require.True(t, ok, "the new web must survive the old one's stale event")
	assert.True(t, p.IsReady())
}

// The same stale event for a ReplicaSet's last pod makes the store's
// dependents index dereference a nil tree.
func TestStalePodEventOfAReplicaSetScaledToZero(t *testing.T) {
	s := newSim(t, Config{Seed: 1, Nodes: 1, Timing: Timing{Watch: Fixed(0), Kubelet: Fixed(10 * time.Millisecond)}})
	k := s.Kubectl("")
	_, err := s.Create(wlReplicaSet(1, nil))
	require.NoError(t, err)
	require.NoError(t, s.Settle())
	name := podsWith(s, "app=web")[0].Name
	require.NoError(t, k.Scale(KindReplicaSet, "web", 0))
	s.RunFor(time.Millisecond)
	require.NoError(t, k.Label(KindPod, name, "x=y"))
	require.NotPanics(t, func() { require.NoError(t, s.Settle()) })
	assert.Empty(t, podsWith(s, "app=web"))
}

// §9, rollback: kubectl copies the target ReplicaSet's annotations, except
// the revision-related ones, onto the Deployment along with its template.
func TestRollbackCopiesReplicaSetAnnotations(t *testing.T) {
	s := newSim(t, Config{Seed: 1})
	k := s.Kubectl("")
	_, err := k.Apply(newDeployment("web", 1, "nginx:1"))
	require.NoError(t, err)
	require.NoError(t, s.Settle())
	rs := rsByImage(t, s)["nginx:1"]
	rs.Annotations["kubernetes.io/change-cause"] = "first"
	_, err = s.Update(rs)
	require.NoError(t, err)
	require.NoError(t, k.SetImage("web", "nginx", "nginx:2"))
	require.NoError(t, s.Settle())

	require.NoError(t, k.RolloutUndo("web", 1))
	d := mustDeployment(t, s, "web")
	assert.Equal(t, "first", d.Annotations["kubernetes.io/change-cause"], "copied from the ReplicaSet")
	assert.Equal(t, "2", d.Annotations[annRevision], "revision annotations are not copied")
	assert.NotContains(t, d.Annotations, annDesiredReplicas)
	assert.NotContains(t, d.Annotations, annMaxReplicas)
}

// §9: a Deployment adopts an orphan ReplicaSet its selector matches, and
// one whose template is its own becomes its new ReplicaSet; one that stops
// matching is released.
func TestDeploymentAdoptsAndReleasesReplicaSets(t *testing.T) {
	s := newSim(t, Config{Seed: 1})
	k := s.Kubectl("")
	d := newDeployment("web", 3, "nginx:1")
	legacy := &ReplicaSet{
		ObjectMeta: ObjectMeta{Name: "legacy", Labels: map[string]string{"app": "web"}},
		Spec:       ReplicaSetSpec{Replicas: Ptr(int32(2)), Selector: cloneLabelSelector(d.Spec.Selector), Template: d.Spec.Template.deepCopy()},
	}
	_, err := s.Create(legacy)
	require.NoError(t, err)
	require.NoError(t, s.Settle())
	_, err = k.Apply(d)
	require.NoError(t, err)
	require.NoError(t, s.Settle())

	rss := ListAs[*ReplicaSet](s, "default", everything)
	require.Len(t, rss, 1, "the orphan with the same template is the new ReplicaSet")
	ref, ok := rss[0].ControllerRef()
	require.True(t, ok)
	assert.Equal(t, mustDeployment(t, s, "web").UID, ref.UID)
	assert.Equal(t, int32(3), replicas(rss[0].Spec.Replicas))
	assert.Equal(t, "1", rss[0].Annotations[annRevision])
	assert.Len(t, podsWith(s, "app=web"), 3)

	require.NoError(t, k.Label(KindReplicaSet, "legacy", "app=old", "--overwrite"))
	require.NoError(t, s.Settle())
	got, _ := GetAs[*ReplicaSet](s, "default", "legacy")
	_, owned := got.ControllerRef()
	assert.False(t, owned, "no longer matching: released")
	assert.Len(t, ListAs[*ReplicaSet](s, "default", everything), 2, "and replaced")
}

// §9: paused Deployments do not time out.
func TestPausedDeploymentDoesNotTimeOut(t *testing.T) {
	// One pod address per node: the second pod never starts.
	s := newSim(t, Config{Seed: 1, Nodes: 1, NodeCIDRMaskSize: 30})
	k := s.Kubectl("")
	_, err := k.Apply(newDeployment("web", 2, "nginx", func(d *Deployment) { d.Spec.ProgressDeadlineSeconds = Ptr(int32(60)) }))
	require.NoError(t, err)
	s.RunFor(10 * time.Second)
	require.NoError(t, k.RolloutPause("web"))
	s.RunFor(100 * time.Second)
	c, _ := deploymentCondition(mustDeployment(t, s, "web").Status, "Progressing")
	assert.Equal(t, "DeploymentPaused", c.Reason)

	require.NoError(t, k.RolloutResume("web"))
	s.RunFor(60 * time.Second)
	c, _ = deploymentCondition(mustDeployment(t, s, "web").Status, "Progressing")
	assert.Equal(t, "DeploymentResumed", c.Reason, "the deadline counts from the resume")
	s.RunFor(time.Second)
	c, _ = deploymentCondition(mustDeployment(t, s, "web").Status, "Progressing")
	assert.Equal(t, "ProgressDeadlineExceeded", c.Reason)
}

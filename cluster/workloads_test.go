package cluster

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/svcsim/svcsim/selector"
)

func podsWith(s *Sim, sel string) []*Pod {
	parsed, err := selector.Parse(sel)
	if err != nil {
		panic(err)
	}
	return ListAs[*Pod](s, "default", parsed)
}

func ownedBy(pods []*Pod, uid string) (n int) {
	for _, p := range pods {
		if r, ok := p.ControllerRef(); ok && r.UID == uid {
			n++
		}
	}
	return n
}

func nginxTemplate(labels map[string]string, image string) PodTemplateSpec {
	return PodTemplateSpec{ObjectMeta: ObjectMeta{Labels: labels}, Spec: PodSpec{Containers: []Container{{Name: "nginx", Image: image, Ports: []ContainerPort{{ContainerPort: 80}}}}}}
}

func TestLabPuzzleDeploymentDoesNotAdoptBarePod(t *testing.T) {
	s := newSim(t, Config{Seed: 1})
	k := s.Kubectl("")
	_, err := k.Run("bigwebstuff", RunOptions{Image: "nginx", Labels: map[string]string{"app": "testweb"}, Port: 80})
	require.NoError(t, err)
	_, err = k.Apply(&Deployment{
		ObjectMeta: ObjectMeta{Name: "bigwebstuff"},
		Spec: DeploymentSpec{Replicas: Ptr(int32(3)), Selector: &selector.LabelSelector{MatchLabels: selector.Set{"app": "testweb"}},
			Template: nginxTemplate(map[string]string{"app": "testweb"}, "nginx")},
	})
	require.NoError(t, err)
	require.NoError(t, s.Settle())

	pods := podsWith(s, "app=testweb")
	assert.Len(t, pods, 4, "the bare pod plus three from the Deployment")
	rss := ListAs[*ReplicaSet](s, "default", everything)
	require.Len(t, rss, 1)
	assert.Equal(t, 3, ownedBy(pods, rss[0].UID))
	bare := mustPod(t, s, "bigwebstuff")
	assert.Empty(t, bare.OwnerReferences, "the pod-template-hash keeps the bare pod out of the ReplicaSet")
	assert.Contains(t, rss[0].Spec.Selector.MatchLabels, PodTemplateHashLabel)
}

func TestLabPuzzleBareReplicaSetAdoptsBarePod(t *testing.T) {
	s := newSim(t, Config{Seed: 1})
	k := s.Kubectl("")
	_, err := k.Run("bigwebstuff", RunOptions{Image: "nginx", Labels: map[string]string{"app": "testweb"}, Port: 80})
	require.NoError(t, err)
	require.NoError(t, s.Settle())
	_, err = k.Apply(&ReplicaSet{
		ObjectMeta: ObjectMeta{Name: "bigwebstuff"},
		Spec: ReplicaSetSpec{Replicas: Ptr(int32(3)), Selector: &selector.LabelSelector{MatchLabels: selector.Set{"app": "testweb"}},
			Template: nginxTemplate(map[string]string{"app": "testweb"}, "nginx")},
	})
	require.NoError(t, err)
	require.NoError(t, s.Settle())
	pods := podsWith(s, "app=testweb")
	assert.Len(t, pods, 3, "it adopts the bare pod and creates only two")
	rs, _ := GetAs[*ReplicaSet](s, "default", "bigwebstuff")
	assert.Equal(t, 3, ownedBy(pods, rs.UID))
	assert.Equal(t, int32(3), rs.Status.Replicas)
	assert.Equal(t, int32(3), rs.Status.ReadyReplicas)
}

func TestBlueGreenLabelsKeepOrReleasePods(t *testing.T) {
	s := newSim(t, Config{Seed: 1})
	k := s.Kubectl("")
	_, err := k.Apply(&ReplicaSet{
		ObjectMeta: ObjectMeta{Name: "blue-rs"},
		Spec: ReplicaSetSpec{Replicas: Ptr(int32(3)), Selector: &selector.LabelSelector{MatchLabels: selector.Set{"demo": "blue-rs"}},
			Template: nginxTemplate(map[string]string{"demo": "blue-rs"}, "rxmllc/hostinfo")},
	})
	require.NoError(t, err)
	require.NoError(t, s.Settle())
	require.NoError(t, k.LabelSelected(KindPod, "demo=blue-rs", "method=blue-green"))
	require.NoError(t, s.Settle())
	rs, _ := GetAs[*ReplicaSet](s, "default", "blue-rs")
	assert.Len(t, podsWith(s, "demo=blue-rs,method=blue-green"), 3, "still selected, still owned, no new pods")
	assert.Equal(t, 3, ownedBy(podsWith(s, ""), rs.UID))

	victim := podsWith(s, "demo=blue-rs")[0].Name
	require.NoError(t, k.Label(KindPod, victim, "demo-"))
	require.NoError(t, s.Settle())
	released := mustPod(t, s, victim)
	assert.Empty(t, released.OwnerReferences, "no longer matching: released")
	assert.Len(t, podsWith(s, "demo=blue-rs"), 3, "and replaced")
	assert.Len(t, podsWith(s, ""), 4)
}

func TestFenceposts(t *testing.T) {
	for _, tt := range []struct {
		replicas             int32
		surge, unavailable   IntOrString
		wantSurge, wantUnavl int32
	}{
		{10, FromString("25%"), FromString("25%"), 3, 2},
		{4, FromString("25%"), FromString("25%"), 1, 1},
		{3, FromString("25%"), FromString("25%"), 1, 0},
		{1, FromString("25%"), FromString("25%"), 1, 0},
		{10, FromInt(0), FromString("0%"), 0, 1},
		{10, FromString("0%"), FromString("5%"), 0, 1},
		{7, FromInt(2), FromInt(1), 2, 1},
	} {
		d := &Deployment{Spec: DeploymentSpec{Replicas: Ptr(tt.replicas), Strategy: DeploymentStrategy{Type: RollingUpdateStrategy,
			RollingUpdate: &RollingUpdateDeployment{MaxSurge: &tt.surge, MaxUnavailable: &tt.unavailable}}}}
		s, u := fenceposts(d)
		assert.Equal(t, tt.wantSurge, s, "surge for %d, %s", tt.replicas, tt.surge)
		assert.Equal(t, tt.wantUnavl, u, "unavailable for %d, %s", tt.replicas, tt.unavailable)
	}
}

func newDeployment(name string, n int32, image string, mutate ...func(*Deployment)) *Deployment {
	d := &Deployment{
		ObjectMeta: ObjectMeta{Name: name},
		Spec: DeploymentSpec{Replicas: Ptr(n), Selector: &selector.LabelSelector{MatchLabels: selector.Set{"app": name}},
			Template: nginxTemplate(map[string]string{"app": name}, image)},
	}
	d.Spec.Template.Spec.Containers[0].ReadinessProbe = &Probe{InitialDelaySeconds: 2, PeriodSeconds: 1}
	for _, m := range mutate {
		m(d)
	}
	return d
}

func images(s *Sim, sel string) map[string]int {
	out := map[string]int{}
	for _, p := range podsWith(s, sel) {
		if !p.Terminating() {
			out[p.Spec.Containers[0].Image]++
		}
	}
	return out
}

// checkRolling asserts the rolling update bounds at one instant.
func checkRolling(t *testing.T, s *Sim, d *Deployment) {
	t.Helper()
	cur, _ := GetAs[*Deployment](s, "default", d.Name)
	surge, unavl := fenceposts(cur)
	want := replicas(cur.Spec.Replicas)
	var specTotal int32
	for _, rs := range ListAs[*ReplicaSet](s, "default", everything) {
		specTotal += replicas(rs.Spec.Replicas)
	}
	require.LessOrEqual(t, specTotal, want+surge, "at %s: ReplicaSets ask for more than desired+surge", s.Now())
	ready := 0
	for _, p := range podsWith(s, "app="+d.Name) {
		if p.IsReady() && !p.Terminating() {
			ready++
		}
	}
	require.GreaterOrEqual(t, int32(ready), want-unavl, "at %s: too few available", s.Now())
}

func TestRollingUpdate(t *testing.T) {
	s := newSim(t, Config{Seed: 1, Timing: Realistic()})
	k := s.Kubectl("")
	d := newDeployment("web", 10, "nginx:1")
	_, err := k.Apply(d)
	require.NoError(t, err)
	require.NoError(t, s.Settle())
	require.Equal(t, map[string]int{"nginx:1": 10}, images(s, "app=web"))
	require.NoError(t, k.SetImage("web", "nginx", "nginx:2"))
	for s.Step() {
		if s.Pending() > 0 && s.queue[0].at == s.now {
			continue // check only between instants
		}
		checkRolling(t, s, d)
		if s.busy == 0 {
			break
		}
	}
	require.NoError(t, s.Settle())
	assert.Equal(t, map[string]int{"nginx:2": 10}, images(s, "app=web"))
	msg, done, err := k.RolloutStatus("web")
	require.NoError(t, err)
	assert.True(t, done, msg)
	hist, err := k.RolloutHistory("web")
	require.NoError(t, err)
	assert.Equal(t, "deployment.apps/web \nREVISION   CHANGE-CAUSE\n1          <none>\n2          <none>\n\n", hist)
	cur, _ := GetAs[*Deployment](s, "default", "web")
	assert.Equal(t, "2", cur.Annotations[annRevision])
	c, _ := deploymentCondition(cur.Status, "Progressing")
	assert.Equal(t, "NewReplicaSetAvailable", c.Reason)
}

func TestRecreateNeverOverlaps(t *testing.T) {
	s := newSim(t, Config{Seed: 1, Timing: Realistic()})
	k := s.Kubectl("")
	_, err := k.Apply(newDeployment("web", 4, "nginx:1", func(d *Deployment) { d.Spec.Strategy.Type = RecreateStrategy }))
	require.NoError(t, err)
	require.NoError(t, s.Settle())
	require.NoError(t, k.SetImage("web", "nginx", "nginx:2"))
	sawEmpty := false
	for s.Step() {
		running := map[string]bool{}
		for _, p := range podsWith(s, "app=web") {
			if rt, ok := s.Runtime("default", p.Name); ok && rt.Running {
				running[p.Spec.Containers[0].Image] = true
			}
		}
		require.False(t, running["nginx:1"] && running["nginx:2"], "at %s old and new run together", s.Now())
		if len(running) == 0 {
			sawEmpty = true
		}
		if s.busy == 0 {
			break
		}
	}
	assert.True(t, sawEmpty, "Recreate goes through zero pods")
	assert.Equal(t, map[string]int{"nginx:2": 4}, images(s, "app=web"))
}

func TestRollbackRestoresTemplate(t *testing.T) {
	s := newSim(t, Config{Seed: 1})
	k := s.Kubectl("")
	_, err := k.Apply(newDeployment("web", 3, "nginx:1"))
	require.NoError(t, err)
	require.NoError(t, s.Settle())
	require.NoError(t, k.SetImage("web", "nginx", "nginx:2"))
	require.NoError(t, s.Settle())
	require.NoError(t, k.RolloutUndo("web", 0))
	require.NoError(t, s.Settle())
	assert.Equal(t, map[string]int{"nginx:1": 3}, images(s, "app=web"))
	hist, err := k.RolloutHistory("web")
	require.NoError(t, err)
	assert.Contains(t, hist, "\n2 ")
	assert.Contains(t, hist, "\n3 ")
	assert.NotContains(t, hist, "\n1 ", "revision 1 became revision 3")
	rss := ListAs[*ReplicaSet](s, "default", everything)
	assert.Len(t, rss, 2, "the old ReplicaSet was reused, not recreated")
}

func TestScaleDownRemovesUnreadyFirst(t *testing.T) {
	s := newSim(t, Config{Seed: 1})
	k := s.Kubectl("")
	_, err := k.Apply(&ReplicaSet{
		ObjectMeta: ObjectMeta{Name: "web"},
		Spec: ReplicaSetSpec{Replicas: Ptr(int32(3)), Selector: &selector.LabelSelector{MatchLabels: selector.Set{"app": "web"}},
			Template: func() PodTemplateSpec {
				t := nginxTemplate(map[string]string{"app": "web"}, "nginx")
				t.Spec.Containers[0].ReadinessProbe = &Probe{}
				return t
			}()},
	})
	require.NoError(t, err)
	require.NoError(t, s.Settle())
	sick := podsWith(s, "app=web")[1].Name
	require.NoError(t, s.FailReadiness("default", sick))
	require.NoError(t, s.Settle())
	require.NoError(t, k.Scale(KindReplicaSet, "web", 2))
	require.NoError(t, s.Settle())
	for _, p := range podsWith(s, "app=web") {
		assert.NotEqual(t, sick, p.Name, "the unready pod goes first")
	}
	assert.Len(t, podsWith(s, "app=web"), 2)
}

func TestDeletingADeploymentDeletesEverything(t *testing.T) {
	s := newSim(t, Config{Seed: 1})
	k := s.Kubectl("")
	_, err := k.Apply(newDeployment("web", 3, "nginx:1"))
	require.NoError(t, err)
	require.NoError(t, s.Settle())
	require.NoError(t, k.Delete(KindDeployment, "web", DeleteOptions{}))
	require.NoError(t, s.Settle())
	assert.Empty(t, ListAs[*ReplicaSet](s, "default", everything))
	assert.Empty(t, podsWith(s, "app=web"))
}

func TestWorkloadValidation(t *testing.T) {
	s := newSim(t, Config{Seed: 1})
	before := s.dump()
	for name, o := range map[string]Object{
		"no selector":    &Deployment{ObjectMeta: ObjectMeta{Name: "a"}, Spec: DeploymentSpec{Template: nginxTemplate(map[string]string{"app": "a"}, "nginx")}},
		"empty selector": &Deployment{ObjectMeta: ObjectMeta{Name: "a"}, Spec: DeploymentSpec{Selector: &selector.LabelSelector{}, Template: nginxTemplate(map[string]string{"app": "a"}, "nginx")}},
		"mismatch":       &Deployment{ObjectMeta: ObjectMeta{Name: "a"}, Spec: DeploymentSpec{Selector: &selector.LabelSelector{MatchLabels: selector.Set{"app": "b"}}, Template: nginxTemplate(map[string]string{"app": "a"}, "nginx")}},
		"both zero": newDeployment("a", 1, "nginx", func(d *Deployment) {
			d.Spec.Strategy.RollingUpdate = &RollingUpdateDeployment{MaxSurge: Ptr(FromInt(0)), MaxUnavailable: Ptr(FromString("0%"))}
		}),
		"recreate+rolling": newDeployment("a", 1, "nginx", func(d *Deployment) {
			d.Spec.Strategy = DeploymentStrategy{Type: RecreateStrategy, RollingUpdate: &RollingUpdateDeployment{}}
		}),
		"negative":       newDeployment("a", -1, "nginx"),
		"restart never":  newDeployment("a", 1, "nginx", func(d *Deployment) { d.Spec.Template.Spec.RestartPolicy = "Never" }),
		"rs no selector": &ReplicaSet{ObjectMeta: ObjectMeta{Name: "a"}, Spec: ReplicaSetSpec{Template: nginxTemplate(map[string]string{"app": "a"}, "nginx")}},
	} {
		_, err := s.Create(o)
		assert.ErrorIs(t, err, ErrInvalid, name)
	}
	assert.Equal(t, before, s.dump(), "failed creates change nothing")

	_, err := s.Create(newDeployment("web", 1, "nginx"))
	require.NoError(t, err)
	d, _ := GetAs[*Deployment](s, "default", "web")
	d.Spec.Selector = &selector.LabelSelector{MatchLabels: selector.Set{"app": "web", "x": "y"}}
	d.Spec.Template.Labels["x"] = "y"
	_, err = s.Update(d)
	assert.ErrorIs(t, err, ErrInvalid, "the selector is immutable")
	assert.Equal(t, int64(1), mustDeployment(t, s, "web").Generation)
}

func mustDeployment(t *testing.T, s *Sim, name string) *Deployment {
	t.Helper()
	d, ok := GetAs[*Deployment](s, "default", name)
	require.True(t, ok)
	return d
}

func TestProgressDeadline(t *testing.T) {
	s := newSim(t, Config{Seed: 1, Nodes: 1, NodeCIDRMaskSize: 30})
	k := s.Kubectl("")
	// One address per node: the second pod can never start, so the
	// rollout stalls and times out.
	_, err := k.Apply(newDeployment("web", 2, "nginx", func(d *Deployment) { d.Spec.ProgressDeadlineSeconds = Ptr(int32(60)) }))
	require.NoError(t, err)
	require.NoError(t, s.Settle())
	s.RunFor(70 * time.Second)
	c, _ := deploymentCondition(mustDeployment(t, s, "web").Status, "Progressing")
	assert.Equal(t, ConditionFalse, c.Status)
	assert.Equal(t, "ProgressDeadlineExceeded", c.Reason)
}

// TestScaledPercentNarrowsAsKubernetes: a percentage far above 100 (valid
// for maxSurge) scales to more than an int32 holds; Kubernetes computes an
// int and narrows it to int32, wrapping, and so does svcsim, on every
// platform.
func TestScaledPercentNarrowsAsKubernetes(t *testing.T) {
	for _, tt := range []struct {
		pct     string
		total   int32
		roundUp bool
		want    int64 // before narrowing, as Kubernetes computes it
	}{
		{"25%", 10, true, 3},
		{"25%", 10, false, 2},
		{"1000000000000%", 10, true, 100_000_000_000},
		{"1000000000001%", 7, false, 70_000_000_000},
		{"21474836%", 1000, true, 214_748_360},
		{"214748365%", 1000, true, 2_147_483_650},
	} {
		got, err := FromString(tt.pct).scaled(tt.total, tt.roundUp)
		require.NoError(t, err)
		assert.Equal(t, int32(tt.want), got, "%s of %d", tt.pct, tt.total)
	}
}

// TestPercentSyntax holds the apiserver's rule for a percentage in
// maxSurge or maxUnavailable: [0-9]+%, nothing else, and at most 100% for
// maxUnavailable.
func TestPercentSyntax(t *testing.T) {
	for _, tt := range []struct {
		surge, unavailable string
		ok                 bool
	}{
		{"5%", "25%", true},
		{"007%", "0%", true},
		{"99999999999999999999%", "25%", true}, // passes validation; fails when scaled
		{"+5%", "25%", false},
		{"-5%", "25%", false},
		{"%", "25%", false},
		{" 5%", "25%", false},
		{"5 %", "25%", false},
		{"5", "25%", false},
		{"5%", "101%", false},
		{"5%", "99999999999999999999%", false},
	} {
		t.Run(tt.surge+"/"+tt.unavailable, func(t *testing.T) {
			s := newSim(t, Config{Seed: 1})
			_, err := s.Create(newDeployment("a", 1, "nginx", func(d *Deployment) {
				d.Spec.Strategy.RollingUpdate = &RollingUpdateDeployment{MaxSurge: Ptr(FromString(tt.surge)), MaxUnavailable: Ptr(FromString(tt.unavailable))}
			}))
			if tt.ok {
				require.NoError(t, err)
				require.NoError(t, s.Settle())
			} else {
				assert.ErrorIs(t, err, ErrInvalid)
			}
		})
	}
}

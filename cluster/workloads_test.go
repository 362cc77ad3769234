package cluster

import (
	"testing"

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

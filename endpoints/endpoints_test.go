package endpoints_test

import (
	"slices"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/svcsim/svcsim/cluster"
	"github.com/svcsim/svcsim/cluster/clustertest"
	"github.com/svcsim/svcsim/endpoints"
	"github.com/svcsim/svcsim/kubectl"
	"github.com/svcsim/svcsim/selector"
)

func start(t *testing.T, cfg cluster.Config) (*cluster.Sim, *kubectl.Client) {
	t.Helper()
	s := clustertest.New(t, cfg)
	endpoints.Start(s, endpoints.Options{})
	return s, kubectl.New(s, "")
}

func service(name string, sel selector.Set, port int32, target cluster.IntOrString) *cluster.Service {
	return &cluster.Service{
		ObjectMeta: cluster.ObjectMeta{Name: name},
		Spec:       cluster.ServiceSpec{Selector: sel, Ports: []cluster.ServicePort{{Port: port, TargetPort: target}}},
	}
}

// ready returns the ready ip:port entries of a Service's Endpoints, sorted.
func ready(t *testing.T, s *cluster.Sim, name string) []string {
	t.Helper()
	ep, ok := cluster.GetAs[*cluster.Endpoints](s, "default", name)
	require.True(t, ok, "Endpoints %s exists", name)
	var out []string
	for _, ss := range ep.Subsets {
		for _, p := range ss.Ports {
			for _, a := range ss.Addresses {
				out = append(out, a.IP+":"+itoa(p.Port))
			}
		}
	}
	slices.Sort(out)
	return out
}

func itoa(n int32) string {
	if n == 0 {
		return "0"
	}
	var b []byte
	for ; n > 0; n /= 10 {
		b = append([]byte{byte('0' + n%10)}, b...)
	}
	return string(b)
}

func podIP(t *testing.T, s *cluster.Sim, name string) string {
	t.Helper()
	p, ok := cluster.GetAs[*cluster.Pod](s, "default", name)
	require.True(t, ok)
	return p.Status.PodIP
}

func TestLabTestwebFromNothingToOnePod(t *testing.T) {
	s, k := start(t, cluster.Config{Seed: 1})
	_, err := k.Apply(service("testweb", selector.Set{"app": "testweb"}, 80, cluster.IntOrString{}))
	require.NoError(t, err)
	clustertest.Settle(t, s)
	assert.Empty(t, ready(t, s, "testweb"), "no pods: Endpoints <none>")

	_, err = k.Run("bigwebstuff", kubectl.RunOptions{Image: "nginx", Labels: map[string]string{"app": "testweb"}, Port: 80})
	require.NoError(t, err)
	clustertest.Settle(t, s)
	assert.Equal(t, []string{podIP(t, s, "bigwebstuff") + ":80"}, ready(t, s, "testweb"))

	_, err = k.CreateDeployment("bigwebstuff", kubectl.DeploymentOptions{Image: "nginx", Replicas: 3, Port: 80})
	require.NoError(t, err)
	// kubectl create deployment labels app=bigwebstuff; the lab's manifest
	// uses app=testweb, so build that one instead.
	require.NoError(t, k.Delete(cluster.KindDeployment, "bigwebstuff", cluster.DeleteOptions{}))
	_, err = k.Apply(&cluster.Deployment{
		ObjectMeta: cluster.ObjectMeta{Name: "bigwebstuff"},
		Spec: cluster.DeploymentSpec{Replicas: cluster.Ptr(int32(3)), Selector: &selector.LabelSelector{MatchLabels: selector.Set{"app": "testweb"}},
			Template: cluster.PodTemplateSpec{ObjectMeta: cluster.ObjectMeta{Labels: selector.Set{"app": "testweb"}},
				Spec: cluster.PodSpec{Containers: []cluster.Container{{Name: "nginx", Image: "nginx", Ports: []cluster.ContainerPort{{ContainerPort: 80}}}}}}},
	})
	require.NoError(t, err)
	clustertest.Settle(t, s)
	assert.Len(t, ready(t, s, "testweb"), 4, "three from the Deployment and the bare pod")
}

func TestLabBlueGreen(t *testing.T) {
	s, k := start(t, cluster.Config{Seed: 1})
	for _, color := range []string{"blue", "green"} {
		_, err := k.Apply(&cluster.ReplicaSet{
			ObjectMeta: cluster.ObjectMeta{Name: color + "-rs"},
			Spec: cluster.ReplicaSetSpec{Replicas: cluster.Ptr(int32(3)), Selector: &selector.LabelSelector{MatchLabels: selector.Set{"demo": color + "-rs"}},
				Template: cluster.PodTemplateSpec{ObjectMeta: cluster.ObjectMeta{Labels: selector.Set{"demo": color + "-rs"}},
					Spec: cluster.PodSpec{Containers: []cluster.Container{{Name: "hostinfo", Image: "rxmllc/hostinfo", Ports: []cluster.ContainerPort{{ContainerPort: 9898}}}}}}},
		})
		require.NoError(t, err)
	}
	_, err := k.Apply(service("blue-green-svc", selector.Set{"method": "blue-green"}, 80, cluster.FromInt(9898)))
	require.NoError(t, err)
	clustertest.Settle(t, s)
	assert.Empty(t, ready(t, s, "blue-green-svc"))

	require.NoError(t, k.LabelSelected(cluster.KindPod, "demo=blue-rs", "method=blue-green"))
	clustertest.Settle(t, s)
	assert.Len(t, ready(t, s, "blue-green-svc"), 3)

	require.NoError(t, k.LabelSelected(cluster.KindPod, "demo=green-rs", "method=blue-green"))
	clustertest.Settle(t, s)
	six := ready(t, s, "blue-green-svc")
	assert.Len(t, six, 6)
	for _, e := range six {
		assert.Regexp(t, `:9898$`, e, "the target port, not the Service's")
	}

	require.NoError(t, k.LabelSelected(cluster.KindPod, "demo=blue-rs", "method-"))
	clustertest.Settle(t, s)
	var green []string
	for _, p := range cluster.ListAs[*cluster.Pod](s, "default", mustParse(t, "demo=green-rs")) {
		green = append(green, p.Status.PodIP+":9898")
	}
	slices.Sort(green)
	assert.Equal(t, green, ready(t, s, "blue-green-svc"), "only green remains")
}

func mustParse(t *testing.T, s string) selector.Selector {
	t.Helper()
	sel, err := selector.Parse(s)
	require.NoError(t, err)
	return sel
}

func TestBookSelectorNarrowsByVersion(t *testing.T) {
	s, k := start(t, cluster.Config{Seed: 1})
	for i, v := range []string{"4.1", "4.1", "4.2", "4.2"} {
		_, err := k.Run("biz1-"+itoa(int32(i)), kubectl.RunOptions{Image: "biz1:" + v, Port: 8080,
			Labels: map[string]string{"app": "biz1", "zone": "prod", "version": v}})
		require.NoError(t, err)
	}
	_, err := k.Apply(service("biz1", selector.Set{"app": "biz1", "zone": "prod"}, 8080, cluster.IntOrString{}))
	require.NoError(t, err)
	clustertest.Settle(t, s)
	assert.Len(t, ready(t, s, "biz1"), 4, "both versions")

	setSelector := func(sel selector.Set) {
		svc, ok := cluster.GetAs[*cluster.Service](s, "default", "biz1")
		require.True(t, ok)
		svc.Spec.Selector = sel
		_, err := s.Update(svc)
		require.NoError(t, err)
		clustertest.Settle(t, s)
	}
	setSelector(selector.Set{"app": "biz1", "zone": "prod", "version": "4.2"})
	assert.Equal(t, sortedPair(podIP(t, s, "biz1-2")+":8080", podIP(t, s, "biz1-3")+":8080"), ready(t, s, "biz1"))
	setSelector(selector.Set{"app": "biz1", "zone": "prod", "version": "4.1"})
	assert.Equal(t, sortedPair(podIP(t, s, "biz1-0")+":8080", podIP(t, s, "biz1-1")+":8080"), ready(t, s, "biz1"))
}

func TestNotReadyAndTerminatingPods(t *testing.T) {
	s, k := start(t, cluster.Config{Seed: 1})
	for _, n := range []string{"a", "b"} {
		_, err := k.Apply(&cluster.Pod{ObjectMeta: cluster.ObjectMeta{Name: n, Labels: selector.Set{"app": "web"}},
			Spec: cluster.PodSpec{OnSIGTERM: cluster.SigtermIgnore, Containers: []cluster.Container{{Name: "web", Image: "nginx",
				Ports: []cluster.ContainerPort{{ContainerPort: 80}}, ReadinessProbe: &cluster.Probe{}}}}})
		require.NoError(t, err)
	}
	_, err := k.Apply(service("web", selector.Set{"app": "web"}, 80, cluster.IntOrString{}))
	require.NoError(t, err)
	clustertest.Settle(t, s)
	require.NoError(t, s.FailReadiness("default", "a"))
	clustertest.Settle(t, s)
	ep, _ := cluster.GetAs[*cluster.Endpoints](s, "default", "web")
	require.Len(t, ep.Subsets, 1)
	assert.Len(t, ep.Subsets[0].Addresses, 1)
	assert.Len(t, ep.Subsets[0].NotReadyAddresses, 1, "the unready pod is listed as not ready")
	assert.Equal(t, "a", ep.Subsets[0].NotReadyAddresses[0].TargetRef.Name)

	require.NoError(t, k.Delete(cluster.KindPod, "b", cluster.DeleteOptions{}))
	// Not Settle: that would run on through the 30 s grace period.
	s.RunFor(time.Second)
	assert.Empty(t, ready(t, s, "web"), "a terminating pod leaves the Endpoints")
	slicesOf := cluster.ListAs[*cluster.EndpointSlice](s, "default", mustParse(t, endpoints.ServiceNameLabel+"=web"))
	require.Len(t, slicesOf, 1)
	var term *cluster.Endpoint
	for i, e := range slicesOf[0].Endpoints {
		if e.TargetRef.Name == "b" {
			term = &slicesOf[0].Endpoints[i]
		}
	}
	require.NotNil(t, term, "but stays in its slice")
	assert.True(t, *term.Conditions.Terminating)
	assert.False(t, *term.Conditions.Ready)
	assert.True(t, *term.Conditions.Serving, "still passing its probe while it drains")
}

func TestNamedTargetPortResolvedPerPod(t *testing.T) {
	s, k := start(t, cluster.Config{Seed: 1})
	for name, port := range map[string]int32{"old": 8080, "new": 9090} {
		_, err := k.Apply(&cluster.Pod{ObjectMeta: cluster.ObjectMeta{Name: name, Labels: selector.Set{"app": "web"}},
			Spec: cluster.PodSpec{Containers: []cluster.Container{{Name: "web", Image: "nginx",
				Ports: []cluster.ContainerPort{{Name: "http", ContainerPort: port}}}}}})
		require.NoError(t, err)
	}
	_, err := k.Run("noport", kubectl.RunOptions{Image: "nginx", Labels: map[string]string{"app": "web"}})
	require.NoError(t, err)
	_, err = k.Apply(service("web", selector.Set{"app": "web"}, 80, cluster.FromString("http")))
	require.NoError(t, err)
	clustertest.Settle(t, s)
	ep, _ := cluster.GetAs[*cluster.Endpoints](s, "default", "web")
	assert.Len(t, ep.Subsets, 2, "different port numbers make different subsets")
	assert.ElementsMatch(t, []string{podIP(t, s, "new") + ":9090", podIP(t, s, "old") + ":8080"}, ready(t, s, "web"),
		"the pod without the named port is left out")
}

func sortedPair(a, b string) []string {
	x := []string{a, b}
	slices.Sort(x)
	return x
}

func TestUnmanagedServicesAreLeftAlone(t *testing.T) {
	s, k := start(t, cluster.Config{Seed: 1})
	_, err := k.Apply(&cluster.Service{ObjectMeta: cluster.ObjectMeta{Name: "manual"}, Spec: cluster.ServiceSpec{Ports: []cluster.ServicePort{{Port: 80}}}})
	require.NoError(t, err)
	clustertest.Settle(t, s)
	_, ok := cluster.GetAs[*cluster.Endpoints](s, "default", "manual")
	assert.False(t, ok, "no selector: the user owns the Endpoints")
}

func TestDeletingTheServiceDeletesItsObjects(t *testing.T) {
	s, k := start(t, cluster.Config{Seed: 1})
	_, err := k.Apply(service("web", selector.Set{"app": "web"}, 80, cluster.IntOrString{}))
	require.NoError(t, err)
	clustertest.Settle(t, s)
	require.NoError(t, k.Delete(cluster.KindService, "web", cluster.DeleteOptions{}))
	clustertest.Settle(t, s)
	_, ok := cluster.GetAs[*cluster.Endpoints](s, "default", "web")
	assert.False(t, ok)
	assert.Empty(t, cluster.ListAs[*cluster.EndpointSlice](s, "default", mustParse(t, endpoints.ServiceNameLabel+"=web")))
}

func TestPlaceholderSliceAndLabels(t *testing.T) {
	s, k := start(t, cluster.Config{Seed: 1})
	svc := service("web", selector.Set{"app": "web"}, 80, cluster.IntOrString{})
	svc.Labels = selector.Set{"team": "a"}
	_, err := k.Apply(svc)
	require.NoError(t, err)
	clustertest.Settle(t, s)
	sl := cluster.ListAs[*cluster.EndpointSlice](s, "default", mustParse(t, endpoints.ServiceNameLabel+"=web"))
	require.Len(t, sl, 1, "one empty placeholder slice")
	assert.Empty(t, sl[0].Endpoints)
	assert.Equal(t, "web", sl[0].Labels[endpoints.ServiceNameLabel])
	assert.Equal(t, endpoints.SliceManagedBy, sl[0].Labels[endpoints.SliceManagedByLabel])
	assert.Equal(t, "a", sl[0].Labels["team"])
	assert.Regexp(t, `^web-[bcdfghjklmnpqrstvwxz2456789]{5}$`, sl[0].Name)
	ep, _ := cluster.GetAs[*cluster.Endpoints](s, "default", "web")
	assert.Equal(t, endpoints.Name, ep.Labels[endpoints.EndpointsManagedByLabel])
}

func TestSlicesHoldAtMostTheMaximum(t *testing.T) {
	s := clustertest.New(t, cluster.Config{Seed: 1})
	endpoints.Start(s, endpoints.Options{MaxEndpointsPerSlice: 2})
	k := kubectl.New(s, "")
	for i := range 5 {
		_, err := k.Run("p"+itoa(int32(i)), kubectl.RunOptions{Image: "nginx", Labels: map[string]string{"app": "web"}, Port: 80})
		require.NoError(t, err)
	}
	_, err := k.Apply(service("web", selector.Set{"app": "web"}, 80, cluster.IntOrString{}))
	require.NoError(t, err)
	clustertest.Settle(t, s)
	sl := cluster.ListAs[*cluster.EndpointSlice](s, "default", mustParse(t, endpoints.ServiceNameLabel+"=web"))
	total := 0
	for _, x := range sl {
		assert.LessOrEqual(t, len(x.Endpoints), 2)
		total += len(x.Endpoints)
	}
	assert.Equal(t, 5, total)
	assert.Len(t, sl, 3)
}

func TestEndpointsCapAtAThousand(t *testing.T) {
	s := clustertest.New(t, cluster.Config{Seed: 1, Nodes: 5})
	endpoints.Start(s, endpoints.Options{})
	k := kubectl.New(s, "")
	_, err := k.Apply(&cluster.ReplicaSet{
		ObjectMeta: cluster.ObjectMeta{Name: "big"},
		Spec: cluster.ReplicaSetSpec{Replicas: cluster.Ptr(int32(1010)), Selector: &selector.LabelSelector{MatchLabels: selector.Set{"app": "big"}},
			Template: cluster.PodTemplateSpec{ObjectMeta: cluster.ObjectMeta{Labels: selector.Set{"app": "big"}},
				Spec: cluster.PodSpec{Containers: []cluster.Container{{Name: "c", Image: "nginx", Ports: []cluster.ContainerPort{{ContainerPort: 80}}}}}}},
	})
	require.NoError(t, err)
	_, err = k.Apply(service("big", selector.Set{"app": "big"}, 80, cluster.IntOrString{}))
	require.NoError(t, err)
	clustertest.Settle(t, s)
	ep, _ := cluster.GetAs[*cluster.Endpoints](s, "default", "big")
	n := 0
	for _, ss := range ep.Subsets {
		n += len(ss.Addresses) + len(ss.NotReadyAddresses)
	}
	assert.Equal(t, endpoints.MaxEndpoints, n, "1010 pods, 1000 addresses")
	assert.Equal(t, "truncated", ep.Annotations[endpoints.OverCapacityAnnotation])
	total := 0
	for _, sl := range cluster.ListAs[*cluster.EndpointSlice](s, "default", mustParse(t, endpoints.ServiceNameLabel+"=big")) {
		assert.LessOrEqual(t, len(sl.Endpoints), 100)
		total += len(sl.Endpoints)
	}
	assert.Equal(t, 1010, total, "slices are not capped")

	require.NoError(t, k.Scale(cluster.KindReplicaSet, "big", 10))
	clustertest.Settle(t, s)
	ep, _ = cluster.GetAs[*cluster.Endpoints](s, "default", "big")
	assert.NotContains(t, ep.Annotations, endpoints.OverCapacityAnnotation, "the annotation goes when the cap no longer bites")
}

// TestStartRejectsWhatTheControllerManagerRejects: --max-endpoints-per-slice
// must be between 1 and 1000; a refused start changes nothing.
func TestStartRejectsWhatTheControllerManagerRejects(t *testing.T) {
	for _, n := range []int{-1, 1001, 1 << 40} {
		s, err := cluster.New(cluster.Config{Seed: 1})
		require.NoError(t, err)
		digest, pending := s.Digest(), s.Pending()
		c, err := endpoints.Start(s, endpoints.Options{MaxEndpointsPerSlice: n})
		assert.ErrorIs(t, err, endpoints.ErrInvalidOptions, "%d", n)
		assert.Nil(t, c)
		assert.Equal(t, digest, s.Digest())
		assert.Equal(t, pending, s.Pending())
	}
	for _, n := range []int{0, 1, 1000} {
		s, err := cluster.New(cluster.Config{Seed: 1})
		require.NoError(t, err)
		_, err = endpoints.Start(s, endpoints.Options{MaxEndpointsPerSlice: n})
		assert.NoError(t, err, "%d", n)
	}
	assert.PanicsWithValue(t, "endpoints: Start with a nil *cluster.Sim", func() { _, _ = endpoints.Start(nil, endpoints.Options{}) })
}

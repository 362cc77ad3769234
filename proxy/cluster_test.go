package proxy_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/svcsim/svcsim/cluster"
	"github.com/svcsim/svcsim/cluster/clustertest"
	"github.com/svcsim/svcsim/dns"
	"github.com/svcsim/svcsim/endpoints"
	"github.com/svcsim/svcsim/kubectl"
	"github.com/svcsim/svcsim/proxy"
	"github.com/svcsim/svcsim/selector"
)

// world is a cluster with the endpoints controller and kube-proxies.
func world(t *testing.T, cfg cluster.Config) (*cluster.Sim, *kubectl.Client, *proxy.Proxies) {
	t.Helper()
	s := clustertest.New(t, cfg)
	endpoints.Start(s, endpoints.Options{})
	d, err := dns.Start(s, dns.Options{})
	require.NoError(t, err)
	p, err := proxy.Start(s, proxy.Options{DNS: d})
	require.NoError(t, err)
	return s, kubectl.New(s, ""), p
}

func svcIP(t *testing.T, s *cluster.Sim, name string) string {
	t.Helper()
	svc, ok := cluster.GetAs[*cluster.Service](s, "default", name)
	require.True(t, ok)
	return svc.Spec.ClusterIP
}

func podsOf(t *testing.T, s *cluster.Sim, sel string) []*cluster.Pod {
	t.Helper()
	parsed, err := selector.Parse(sel)
	require.NoError(t, err)
	return cluster.ListAs[*cluster.Pod](s, "default", parsed)
}

func TestLabTestwebRefusedThenAnswered(t *testing.T) {
	s, k, p := world(t, cluster.Config{Seed: 1})
	_, err := k.Apply(&cluster.Service{ObjectMeta: cluster.ObjectMeta{Name: "testweb"},
		Spec: cluster.ServiceSpec{Selector: selector.Set{"app": "testweb"}, Ports: []cluster.ServicePort{{Port: 80}}}})
	require.NoError(t, err)
	clustertest.Settle(t, s)
	ip := svcIP(t, s, "testweb")
	r := p.Connect("node-1", "10.244.0.100", ip, 80)
	assert.Equal(t, proxy.Refused, r.Outcome, "no endpoints: kube-proxy REJECTs (the lab's transcript shows an older timeout)")

	_, err = k.Run("bigwebstuff", kubectl.RunOptions{Image: "nginx", Labels: map[string]string{"app": "testweb"}, Port: 80})
	require.NoError(t, err)
	clustertest.Settle(t, s)
	r = p.Connect("node-2", "10.244.1.100", ip, 80)
	assert.Equal(t, proxy.Answered, r.Outcome)
	assert.Equal(t, "default/bigwebstuff", r.Pod)
	assert.Equal(t, "default/testweb", r.Service)

	podIP := podsOf(t, s, "app=testweb")[0].Status.PodIP
	r = p.Connect("node-3", "10.244.2.100", podIP, 80)
	assert.Equal(t, proxy.Answered, r.Outcome, "straight to the pod, no Service needed")
	assert.Equal(t, proxy.TimedOut, p.Connect("node-1", "x", "10.99.99.99", 80).Outcome, "an address nobody has")
}

func blueGreen(t *testing.T, cfg cluster.Config, preStop int64) (*cluster.Sim, *kubectl.Client, *proxy.Proxies) {
	s, k, p := world(t, cfg)
	for _, color := range []string{"blue", "green"} {
		tmpl := cluster.PodTemplateSpec{ObjectMeta: cluster.ObjectMeta{Labels: selector.Set{"demo": color + "-rs"}},
			Spec: cluster.PodSpec{Containers: []cluster.Container{{Name: "hostinfo", Image: "rxmllc/hostinfo", Ports: []cluster.ContainerPort{{ContainerPort: 9898}}}}}}
		if preStop > 0 {
			tmpl.Spec.Containers[0].Lifecycle = &cluster.Lifecycle{PreStop: &cluster.LifecycleHandler{Sleep: &cluster.SleepAction{Seconds: preStop}}}
		}
		_, err := k.Apply(&cluster.ReplicaSet{ObjectMeta: cluster.ObjectMeta{Name: color + "-rs"},
			Spec: cluster.ReplicaSetSpec{Replicas: cluster.Ptr(int32(3)), Selector: &selector.LabelSelector{MatchLabels: selector.Set{"demo": color + "-rs"}}, Template: tmpl}})
		require.NoError(t, err)
	}
	_, err := k.Apply(&cluster.Service{ObjectMeta: cluster.ObjectMeta{Name: "blue-green-svc"},
		Spec: cluster.ServiceSpec{Selector: selector.Set{"method": "blue-green"}, Ports: []cluster.ServicePort{{Port: 80, TargetPort: cluster.FromInt(9898)}}}})
	require.NoError(t, err)
	clustertest.Settle(t, s)
	require.NoError(t, k.LabelSelected(cluster.KindPod, "demo=blue-rs", "method=blue-green"))
	clustertest.Settle(t, s)
	return s, k, p
}

// answers counts which ReplicaSet's pods answer n requests from node-1.
func answers(t *testing.T, s *cluster.Sim, p *proxy.Proxies, n int) map[string]int {
	t.Helper()
	ip := svcIP(t, s, "blue-green-svc")
	out := map[string]int{}
	for range n {
		r := p.Connect("node-1", "10.244.0.200", ip, 80)
		if r.Outcome != proxy.Answered {
			out[r.Outcome.String()]++
			continue
		}
		ns, name := "default", r.Pod[len("default/"):]
		pod, _ := cluster.GetAs[*cluster.Pod](s, ns, name)
		out[pod.Labels["demo"]]++
	}
	return out
}

func TestLabBlueGreenTraffic(t *testing.T) {
	s, k, p := blueGreen(t, cluster.Config{Seed: 1}, 0)
	assert.Equal(t, map[string]int{"blue-rs": 600}, answers(t, s, p, 600), "only blue")

	require.NoError(t, k.LabelSelected(cluster.KindPod, "demo=green-rs", "method=blue-green"))
	clustertest.Settle(t, s)
	both := answers(t, s, p, 6000)
	assert.InDelta(t, 3000, both["blue-rs"], 200, "about 50/50: %v", both)
	assert.InDelta(t, 3000, both["green-rs"], 200, "about 50/50: %v", both)

	require.NoError(t, k.LabelSelected(cluster.KindPod, "demo=blue-rs", "method-"))
	clustertest.Settle(t, s)
	assert.Equal(t, map[string]int{"green-rs": 600}, answers(t, s, p, 600), "only green")
}

// TestLagHazard is the blue-green switch done hastily under realistic lag:
// label green, then delete blue at once. Until every proxy has synced,
// some connections still go to blue pods that are already gone. Taking
// blue out of the Service and waiting for the proxies before deleting it,
// or a preStop sleep longer than their lag, makes the switch lossless.
func TestLagHazard(t *testing.T) {
	run := func(t *testing.T, preStop int64, unlabelAndWait time.Duration) map[string]int {
		s, k, p := blueGreen(t, cluster.Config{Seed: 5, Timing: cluster.Realistic()}, preStop)
		require.NoError(t, k.LabelSelected(cluster.KindPod, "demo=green-rs", "method=blue-green"))
		if unlabelAndWait > 0 {
			s.RunFor(unlabelAndWait)
			require.NoError(t, k.LabelSelected(cluster.KindPod, "demo=blue-rs", "method-"))
			s.RunFor(unlabelAndWait)
		}
		require.NoError(t, k.Delete(cluster.KindReplicaSet, "blue-rs", cluster.DeleteOptions{}))
		ip := svcIP(t, s, "blue-green-svc")
		out := map[string]int{}
		for range 500 { // a request every 10 ms for 5 s
			r := p.Connect("node-1", "10.244.0.200", ip, 80)
			out[r.Outcome.String()]++
			s.RunFor(10 * time.Millisecond)
		}
		return out
	}
	t.Run("hasty", func(t *testing.T) {
		out := run(t, 0, 0)
		failed := out["connection refused"] + out["timed out"]
		assert.Positive(t, failed, "some requests fail: %v", out)
	})
	t.Run("take blue out, wait for the proxies, then delete", func(t *testing.T) {
		out := run(t, 0, 3*time.Second)
		assert.Equal(t, map[string]int{"answered": 500}, out)
	})
	t.Run("preStop sleep longer than the lag", func(t *testing.T) {
		out := run(t, 5, 0)
		assert.Equal(t, map[string]int{"answered": 500}, out)
	})
}

func TestNodePortTrafficPolicy(t *testing.T) {
	s, k, p := world(t, cluster.Config{Seed: 1})
	_, err := k.Run("web", kubectl.RunOptions{Image: "nginx", Labels: map[string]string{"app": "web"}, Port: 80})
	require.NoError(t, err)
	for _, policy := range []string{"Cluster", "Local"} {
		_, err = k.Apply(&cluster.Service{ObjectMeta: cluster.ObjectMeta{Name: "web-" + map[string]string{"Cluster": "c", "Local": "l"}[policy]},
			Spec: cluster.ServiceSpec{Type: cluster.ServiceTypeNodePort, ExternalTrafficPolicy: policy, Selector: selector.Set{"app": "web"}, Ports: []cluster.ServicePort{{Port: 80}}}})
		require.NoError(t, err)
	}
	clustertest.Settle(t, s)
	pod := podsOf(t, s, "app=web")[0]
	var other *cluster.Node
	for _, n := range cluster.ListAs[*cluster.Node](s, "", selector.Everything()) {
		if n.Name != pod.Spec.NodeName {
			other = n
			break
		}
	}
	require.NotNil(t, other)
	for name, want := range map[string]proxy.Outcome{"web-c": proxy.Answered, "web-l": proxy.TimedOut} {
		svc, _ := cluster.GetAs[*cluster.Service](s, "default", name)
		r := p.Connect("", "203.0.113.7", other.InternalIP(), svc.Spec.Ports[0].NodePort)
		assert.Equal(t, want, r.Outcome, "%s via %s, which runs no pod of it", name, other.Name)
	}
}

func TestMinSyncPeriodBatches(t *testing.T) {
	s, k, p := world(t, cluster.Config{Seed: 1})
	_, err := k.Apply(&cluster.Service{ObjectMeta: cluster.ObjectMeta{Name: "web"},
		Spec: cluster.ServiceSpec{Selector: selector.Set{"app": "web"}, Ports: []cluster.ServicePort{{Port: 80}}}})
	require.NoError(t, err)
	clustertest.Settle(t, s)
	ip := svcIP(t, s, "web")
	_, err = k.Run("a", kubectl.RunOptions{Image: "nginx", Labels: map[string]string{"app": "web"}, Port: 80})
	require.NoError(t, err)
	s.RunFor(0)
	assert.Equal(t, proxy.Refused, p.Connect("node-1", "c", ip, 80).Outcome, "the proxy synced less than a second ago: not yet")
	s.RunFor(time.Second)
	assert.Equal(t, proxy.Answered, p.Connect("node-1", "c", ip, 80).Outcome, "synced at the next allowed moment")
}

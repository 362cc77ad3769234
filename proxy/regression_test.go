package proxy_test

import (
	"fmt"
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

// slowWeb is a pod whose app answers after latency, behind the Service web.
func slowWeb(t *testing.T, latency time.Duration) (*cluster.Sim, *kubectl.Client, *proxy.Proxies) {
	s, k, p := world(t, cluster.Config{Seed: 2})
	require.NoError(t, p.Apps().Register("slow", proxy.App{Ports: []int32{80}, Serve: func(*proxy.Incoming) proxy.Reply {
		return proxy.Reply{Body: "done\n", Latency: latency}
	}}))
	_, err := k.Apply(&cluster.Pod{ObjectMeta: cluster.ObjectMeta{Name: "web", Labels: selector.Set{"app": "web"}},
		Spec: cluster.PodSpec{Containers: []cluster.Container{{Name: "web", Image: "slow"}}}})
	require.NoError(t, err)
	_, err = k.Run("c", kubectl.RunOptions{Image: "busybox"})
	require.NoError(t, err)
	service(t, k, "web", selector.Set{"app": "web"}, 80, 0)
	clustertest.Settle(t, s)
	return s, k, p
}

// A node that goes down mid-request times the client out at Sent+timeout,
// and the callback runs then, not later.
func TestNodeDownAnswerTimesOutOnTime(t *testing.T) {
	s, _, p := slowWeb(t, 2*time.Second)
	pod := podsOf(t, s, "app=web")[0]
	var got proxy.Response
	var firedAt cluster.Time
	require.NoError(t, p.Send(proxy.Request{From: proxy.FromPod("", "c"), URL: "web"}, func(r proxy.Response) { got, firedAt = r, s.Now() }))
	s.RunFor(time.Second)
	require.NoError(t, s.NodeDown(pod.Spec.NodeName))
	s.RunFor(20 * time.Second)
	assert.Equal(t, proxy.TimedOut, got.Outcome)
	assert.Equal(t, got.Done, firedAt, "callback time %v vs Response.Done %v (sent %v)", firedAt, got.Done, got.Sent)
}

// An app reporting a negative latency answers at once.
func TestNegativeAppLatencyCountsAsZero(t *testing.T) {
	s, _, p := slowWeb(t, -time.Second)
	s.RunFor(5 * time.Second)
	r, err := p.Do(proxy.Request{From: proxy.FromPod("", "c"), URL: "web"})
	require.NoError(t, err)
	assert.GreaterOrEqual(t, r.Latency(), time.Duration(0), "%v sent %v done %v", r.Outcome, r.Sent, r.Done)
}

// Under externalTrafficPolicy Local, kube-proxy sends pod and host traffic
// for the node port or the load balancer to every endpoint: only traffic
// from elsewhere is held to local ones.
func TestLocalPolicyShortCircuitsPodAndHostTraffic(t *testing.T) {
	s, k, p, svc := localLB(t)
	webNode := podsOf(t, s, "app=web")[0].Spec.NodeName
	var other *cluster.Node
	for _, n := range cluster.ListAs[*cluster.Node](s, "", selector.Everything()) {
		if n.Name != webNode {
			other = n
			break
		}
	}
	// a client pod on a node without the web pod
	_, err := k.Apply(&cluster.Pod{ObjectMeta: cluster.ObjectMeta{Name: "c"}, Spec: cluster.PodSpec{NodeName: other.Name, Containers: []cluster.Container{{Name: "c", Image: "busybox"}}}})
	require.NoError(t, err)
	clustertest.Settle(t, s)
	np := itoa(svc.Spec.Ports[0].NodePort)
	for _, c := range []struct {
		from proxy.Client
		url  string
	}{
		{proxy.FromPod("", "c"), "198.51.100.10"},
		{proxy.FromPod("", "c"), other.InternalIP() + ":" + np},
		{proxy.FromNode(other.Name), other.InternalIP() + ":" + np},
		{proxy.FromNode(other.Name), "198.51.100.10"},
	} {
		r := get(t, p, c.from, c.url)
		assert.Equal(t, proxy.Answered, r.Outcome, "%v -> %s: %v", c.from, c.url, r)
	}
}

// Outside traffic under the Cluster policy is masqueraded: the pod sees a
// node's address; under Local it sees the client's.
func TestClusterPolicyMasquerades(t *testing.T) {
	s, k, p := world(t, cluster.Config{Seed: 1, LoadBalancerIPs: []string{"198.51.100.10"}})
	require.NoError(t, p.Apps().Register("echo", proxy.App{Ports: []int32{80}, Serve: func(in *proxy.Incoming) proxy.Reply {
		return proxy.Reply{Body: in.Client}
	}}))
	_, err := k.Run("web", kubectl.RunOptions{Image: "echo", Labels: map[string]string{"app": "web"}, Port: 80})
	require.NoError(t, err)
	_, err = k.Apply(&cluster.Service{ObjectMeta: cluster.ObjectMeta{Name: "web"},
		Spec: cluster.ServiceSpec{Type: cluster.ServiceTypeLoadBalancer, Selector: selector.Set{"app": "web"}, Ports: []cluster.ServicePort{{Port: 80}}}})
	require.NoError(t, err)
	clustertest.Settle(t, s)
	r := get(t, p, proxy.FromOutside("203.0.113.7"), "198.51.100.10")
	require.Equal(t, proxy.Answered, r.Outcome)
	assert.NotEqual(t, "203.0.113.7", r.Body, "Cluster policy masquerades: the pod sees a node IP")
	assert.Contains(t, r.Body, "172.18.0.", "a node's address")
	r = get(t, p, proxy.FromPod("", "web"), svcIP(t, s, "web"))
	assert.Equal(t, podsOf(t, s, "app=web")[0].Status.PodIP, r.Body, "a pod's own connection to a cluster IP keeps its address")
}

// A response keeps the labels the pod had when it answered.
func TestResponseLabelsAreASnapshot(t *testing.T) {
	s, k, p := world(t, cluster.Config{Seed: 1})
	_, err := k.Run("web", kubectl.RunOptions{Image: "nginx", Labels: map[string]string{"app": "web", "v": "1"}, Port: 80})
	require.NoError(t, err)
	service(t, k, "web", selector.Set{"app": "web"}, 80, 0)
	_, err = k.Run("c", kubectl.RunOptions{Image: "busybox"})
	require.NoError(t, err)
	clustertest.Settle(t, s)
	r := get(t, p, proxy.FromPod("", "c"), "web")
	require.NoError(t, k.Label(cluster.KindPod, "web", "v=2", "--overwrite"))
	clustertest.Settle(t, s)
	assert.Equal(t, "1", r.Labels["v"])
}

// A load is done once its last request within Duration has ended, not at
// the first tick after Duration.
func TestSlowLoadIsDoneWhenItsLastRequestEnds(t *testing.T) {
	s, p := webWorld(t, 1, 1)
	ty, err := p.Generate(proxy.Load{Request: proxy.Request{From: proxy.FromPod("", "c"), URL: "web"}, Rate: 0.1, Duration: time.Second})
	require.NoError(t, err)
	s.RunFor(5 * time.Second)
	assert.Equal(t, 1, ty.Total().Total())
	assert.True(t, ty.Done(), "Duration 1 s is over and nothing is in flight")
}

// A process on a node that is down sends nothing.
func TestNodeClientOnDownNodeCannotSend(t *testing.T) {
	s, p := webWorld(t, 1, 1)
	require.NoError(t, s.NodeDown("node-1"))
	_, err := p.Do(proxy.Request{From: proxy.FromNode("node-1"), URL: svcIP(t, s, "web")})
	assert.ErrorIs(t, err, proxy.ErrNoClient)
}

// A stale rule pointing at an address a new pod now has reaches the new
// pod, and the response names it.
func TestStaleRuleToReusedAddressNamesWhoAnswered(t *testing.T) {
	s := clustertest.New(t, cluster.Config{Seed: 1, Nodes: 1, NodeCIDRMaskSize: 29})
	endpoints.Start(s, endpoints.Options{})
	d, err := dns.Start(s, dns.Options{})
	require.NoError(t, err)
	p, err := proxy.Start(s, proxy.Options{DNS: d, Lag: cluster.Fixed(time.Minute)})
	require.NoError(t, err)
	k := kubectl.New(s, "")
	_, err = k.Run("old", kubectl.RunOptions{Image: "nginx", Labels: map[string]string{"app": "web", "v": "old"}, Port: 80})
	require.NoError(t, err)
	_, err = k.Run("c", kubectl.RunOptions{Image: "busybox"})
	require.NoError(t, err)
	service(t, k, "web", selector.Set{"app": "web"}, 80, 0)
	clustertest.Settle(t, s)
	oldIP := podsOf(t, s, "v=old")[0].Status.PodIP
	require.NoError(t, k.Delete(cluster.KindPod, "old", cluster.DeleteOptions{Force: true}))
	s.RunFor(time.Millisecond)
	for i := 0; i < 10; i++ {
		name := fmt.Sprintf("f%d", i)
		_, err = k.Run(name, kubectl.RunOptions{Image: "httpd", Labels: map[string]string{"app": "other"}, Port: 80})
		require.NoError(t, err)
		s.RunFor(time.Millisecond)
		if ps := podsOf(t, s, "app=other"); len(ps) > 0 {
			for _, x := range ps {
				if x.Status.PodIP == oldIP {
					r := get(t, p, proxy.FromPod("", "c"), "web")
					t.Logf("%s got %s: %v labels=%v image=%s body=%q", x.Name, oldIP, r, r.Labels, r.Image, r.Body)
					assert.Equal(t, "default/"+x.Name, r.Pod, "the pod that answered")
					return
				}
			}
		}
		require.NoError(t, k.Delete(cluster.KindPod, name, cluster.DeleteOptions{Force: true}))
		s.RunFor(time.Millisecond)
	}
	t.Fatal("no reuse")
}

// Moving an external IP from one Service to another does not hand the
// first Service's affinity records to the second.
func TestAffinityIsPerService(t *testing.T) {
	for seed := uint64(1); seed < 20; seed++ {
		s, k, p := world(t, cluster.Config{Seed: seed})
		_, err := k.CreateDeployment("web", kubectl.DeploymentOptions{Image: "nginx", Replicas: 3, Port: 80})
		require.NoError(t, err)
		mk := func(name string, ext []string) {
			_, err := k.Apply(&cluster.Service{ObjectMeta: cluster.ObjectMeta{Name: name},
				Spec: cluster.ServiceSpec{Type: cluster.ServiceTypeNodePort, Selector: selector.Set{"app": "web"}, SessionAffinity: "ClientIP", ExternalIPs: ext,
					Ports: []cluster.ServicePort{{Port: 80}}}})
			require.NoError(t, err)
		}
		mk("a", []string{"192.0.2.50"})
		mk("b", nil)
		clustertest.Settle(t, s)
		svcA, _ := cluster.GetAs[*cluster.Service](s, "default", "a")
		svcB, _ := cluster.GetAs[*cluster.Service](s, "default", "b")
		n1 := p.Node("node-1")
		_ = n1
		nodeIP := "172.18.0.2"
		c := proxy.FromNode("node-1")
		pa := get(t, p, c, nodeIP+":"+itoa(svcA.Spec.Ports[0].NodePort)).Pod
		pb := get(t, p, c, nodeIP+":"+itoa(svcB.Spec.Ports[0].NodePort)).Pod
		if pa == pb {
			continue
		}
		// move the external IP from a to b
		mk("a", nil)
		mk("b", []string{"192.0.2.50"})
		clustertest.Settle(t, s)
		s.RunFor(2 * time.Second)
		got := get(t, p, c, nodeIP+":"+itoa(svcB.Spec.Ports[0].NodePort)).Pod
		t.Logf("seed %d: a pinned %s, b pinned %s; b via its NodePort after the move: %s", seed, pa, pb, got)
		assert.Equal(t, pb, got, "b's client keeps b's pin")
		return
	}
}

// A load from a pod picks the pod up again when it is recreated under the
// same name, pauses while its node is down, and leaves nothing in flight.
func TestLoadFollowsItsClientPod(t *testing.T) {
	s, p := webWorld(t, 1, 1)
	k := kubectl.New(s, "")
	ty, err := p.Generate(proxy.Load{Request: proxy.Request{From: proxy.FromPod("", "c"), URL: "web"}, Rate: 10})
	require.NoError(t, err)
	s.RunFor(time.Second)
	c0 := podsOf(t, s, "run=c")[0]
	require.NoError(t, k.Delete(cluster.KindPod, "c", cluster.DeleteOptions{Force: true}))
	_, err = k.Run("c", kubectl.RunOptions{Image: "busybox"})
	require.NoError(t, err)
	s.RunFor(2 * time.Second)
	c1 := podsOf(t, s, "run=c")[0]
	assert.NotEqual(t, c0.UID, c1.UID)
	sent := ty.Total().Total()
	require.NoError(t, s.NodeDown(c1.Spec.NodeName))
	s.RunFor(time.Second)
	before := ty.NotSent()
	require.NoError(t, s.NodeUp(c1.Spec.NodeName))
	s.RunFor(time.Second)
	ty.Stop()
	s.RunFor(10 * time.Second)
	assert.Positive(t, before, "requests while the client's node is down are not sent")
	assert.Greater(t, ty.Total().Total(), sent+5, "sending resumed after the node came back")
	assert.Equal(t, 0, ty.InFlight())
}

// A load whose server's node goes down still accounts for every request.
func TestLoadThroughANodeOutage(t *testing.T) {
	s, _, p := slowWeb(t, 2*time.Second)
	pod := podsOf(t, s, "app=web")[0]
	ty, err := p.Generate(proxy.Load{Request: proxy.Request{From: proxy.FromPod("", "c"), URL: "web"}, Rate: 10, Duration: 3 * time.Second})
	require.NoError(t, err)
	s.RunFor(time.Second)
	require.NoError(t, s.NodeDown(pod.Spec.NodeName))
	s.RunFor(30 * time.Second)
	t.Logf("%+v inflight %d done %v series %d", ty.Total(), ty.InFlight(), ty.Done(), len(ty.Series()))
	assert.True(t, ty.Done())
	assert.Equal(t, 30, ty.Total().Total())
}

// A node that is down forwards nothing, and a load balancer's health
// checks stop sending to it.
func TestDownNodeCarriesNoTraffic(t *testing.T) {
	s, k, p := world(t, cluster.Config{Seed: 1, LoadBalancerIPs: []string{"198.51.100.10"}})
	_, err := k.CreateDeployment("web", kubectl.DeploymentOptions{Image: "nginx", Replicas: 3, Port: 80})
	require.NoError(t, err)
	_, err = k.Apply(&cluster.Service{ObjectMeta: cluster.ObjectMeta{Name: "web"},
		Spec: cluster.ServiceSpec{Type: cluster.ServiceTypeLoadBalancer, Selector: selector.Set{"app": "web"}, Ports: []cluster.ServicePort{{Port: 80}}}})
	require.NoError(t, err)
	clustertest.Settle(t, s)
	svc, _ := cluster.GetAs[*cluster.Service](s, "default", "web")
	require.NoError(t, s.NodeDown("node-1"))
	s.RunFor(time.Second)
	r := get(t, p, proxy.FromOutside("203.0.113.7"), "172.18.0.2:"+itoa(svc.Spec.Ports[0].NodePort))
	assert.Equal(t, proxy.TimedOut, r.Outcome, "node-1 is off the network: %v", r)
	onNode1 := map[string]bool{}
	for _, pod := range podsOf(t, s, "app=web") {
		onNode1["default/"+pod.Name] = pod.Spec.NodeName == "node-1"
	}
	// Until the node is declared lost (50 s), its pods stay endpoints: the
	// load balancer enters through the other nodes, but connections they
	// forward to node-1's pod are lost; nothing else is.
	lost := 0
	for range 60 {
		r := get(t, p, proxy.FromOutside("203.0.113.7"), "198.51.100.10")
		if r.Outcome != proxy.Answered {
			lost++
			assert.True(t, onNode1[r.Pod], "%v", r)
		}
	}
	assert.Positive(t, lost)
	s.RunFor(time.Minute)
	for range 60 {
		assert.Equal(t, proxy.Answered, get(t, p, proxy.FromOutside("203.0.113.7"), "198.51.100.10").Outcome, "node-1's pod is no longer an endpoint")
	}
}

// Each simulation has its own apps: changing one registry's default app
// changes no other simulation.
func TestAppRegistriesAreIndependent(t *testing.T) {
	_, _, p1 := world(t, cluster.Config{Seed: 1})
	app := p1.Apps().For("myimage:v1")
	orig := *app
	app.Serve = func(*proxy.Incoming) proxy.Reply { return proxy.Reply{Body: "hijacked\n"} }
	defer func() { *app = orig }()

	s2, k2, p2 := world(t, cluster.Config{Seed: 1})
	_, err := k2.Run("web", kubectl.RunOptions{Image: "other:v9", Port: 80})
	require.NoError(t, err)
	clustertest.Settle(t, s2)
	ip := podsOf(t, s2, "")[0].Status.PodIP
	r := get(t, p2, proxy.FromNode("node-1"), ip)
	assert.Equal(t, "web\n", r.Body, "a second, independent simulation")
}

// Many overlapping requests, some sent from inside other requests'
// callbacks, each get exactly one response of their own, at its Done time.
func TestOverlappingRequestsKeepTheirOwnResponses(t *testing.T) {
	s, k, p := world(t, cluster.Config{Seed: 5})
	require.NoError(t, p.Apps().Register("echo", proxy.App{Ports: []int32{80}, Serve: func(in *proxy.Incoming) proxy.Reply {
		return proxy.Reply{Body: in.Path, Latency: time.Duration(in.Rand.IntN(7000)) * time.Millisecond}
	}}))
	_, err := k.CreateDeployment("web", kubectl.DeploymentOptions{Image: "echo", Replicas: 3, Port: 80})
	require.NoError(t, err)
	service(t, k, "web", selector.Set{"app": "web"}, 80, 0)
	_, err = k.Run("c", kubectl.RunOptions{Image: "busybox"})
	require.NoError(t, err)
	clustertest.Settle(t, s)
	calls := map[string]int{}
	bad := 0
	var send func(i int)
	send = func(i int) {
		path := fmt.Sprintf("/r%d", i)
		require.NoError(t, p.Send(proxy.Request{From: proxy.FromPod("", "c"), URL: "web" + path}, func(r proxy.Response) {
			calls[path]++
			if r.Done != s.Now() || (r.Outcome == proxy.Answered && r.Body != path) {
				bad++
			}
			if i < 2000 && i%3 == 0 {
				send(i + 10000) // re-entrant send from the callback
			}
		}))
	}
	for i := 0; i < 2000; i++ {
		send(i)
		s.RunFor(time.Duration(i%5) * time.Millisecond)
	}
	s.RunFor(time.Minute)
	for k, v := range calls {
		if v != 1 {
			t.Errorf("%s called %d times", k, v)
		}
	}
	assert.Zero(t, bad)
	assert.Len(t, calls, 2000+667)
}

package proxy_test

import (
	"math"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/svcsim/svcsim/cluster"
	"github.com/svcsim/svcsim/cluster/clustertest"
	"github.com/svcsim/svcsim/kubectl"
	"github.com/svcsim/svcsim/proxy"
	"github.com/svcsim/svcsim/selector"
)

func service(t *testing.T, k *kubectl.Client, name string, sel selector.Set, port, target int32) {
	t.Helper()
	sp := cluster.ServicePort{Port: port}
	if target != 0 {
		sp.TargetPort = cluster.FromInt(target)
	}
	_, err := k.Apply(&cluster.Service{ObjectMeta: cluster.ObjectMeta{Name: name},
		Spec: cluster.ServiceSpec{Selector: sel, Ports: []cluster.ServicePort{sp}}})
	require.NoError(t, err)
}

func get(t *testing.T, p *proxy.Proxies, from proxy.Client, url string) proxy.Response {
	t.Helper()
	r, err := p.Do(proxy.Request{From: from, URL: url})
	require.NoError(t, err)
	return r
}

// TestLabSection1 replays the lab's first steps with requests: a client
// pod asks for testweb by name.
func TestLabSection1(t *testing.T) {
	s, k, p := world(t, cluster.Config{Seed: 1})
	service(t, k, "testweb", selector.Set{"app": "testweb"}, 80, 0)
	_, err := k.Run("testclient", kubectl.RunOptions{Image: "busybox:1.27"})
	require.NoError(t, err)
	clustertest.Settle(t, s)
	client := proxy.FromPod("default", "testclient")

	r := get(t, p, client, "testweb")
	assert.Equal(t, proxy.Refused, r.Outcome, "no pods: refused at once (the lab's transcript shows an older kube-proxy's timeout)")
	assert.Equal(t, svcIP(t, s, "testweb"), r.Addr, "the name resolves even with no endpoints")
	assert.Zero(t, r.Latency())

	_, err = k.Run("bigwebstuff", kubectl.RunOptions{Image: "nginx", Labels: map[string]string{"app": "testweb"}, Port: 80})
	require.NoError(t, err)
	clustertest.Settle(t, s)
	r = get(t, p, client, "testweb")
	require.Equal(t, proxy.Answered, r.Outcome, "%v", r)
	assert.Equal(t, 200, r.Status)
	assert.Equal(t, proxy.NginxWelcome, r.Body)
	assert.Len(t, r.Body, 615, "the lab's wget counts 615 bytes")
	assert.Equal(t, "default/bigwebstuff", r.Pod)
	assert.Equal(t, "default/testweb", r.Service)
	assert.Equal(t, "nginx", r.Image)
	assert.Equal(t, "testweb", r.Labels["app"])
	assert.Equal(t, time.Millisecond, r.Latency())

	podIP := podsOf(t, s, "app=testweb")[0].Status.PodIP
	r = get(t, p, client, "http://"+podIP)
	assert.Equal(t, proxy.Answered, r.Outcome, "straight to the pod IP, no Service involved")
	assert.Equal(t, "", r.Service)
	assert.Equal(t, proxy.NginxWelcome, r.Body)

	for _, url := range []string{"testweb.default", "testweb.default.svc.cluster.local", "http://testweb:80/index.html", "TESTWEB"} {
		assert.Equal(t, proxy.Answered, get(t, p, client, url).Outcome, url)
	}
	r = get(t, p, client, "testweb.other")
	assert.Equal(t, proxy.Unresolved, r.Outcome)
	assert.Contains(t, r.Err, "testweb.other")
}

// TestLabSection3 is the lab's challenge: an httpd Deployment labelled
// app=testweb joins the nginx pods behind the Service.
func TestLabSection3(t *testing.T) {
	s, k, p := world(t, cluster.Config{Seed: 3})
	service(t, k, "testweb", selector.Set{"app": "testweb"}, 80, 0)
	_, err := k.Run("testclient", kubectl.RunOptions{Image: "busybox:1.27"})
	require.NoError(t, err)
	_, err = k.Run("bigwebstuff", kubectl.RunOptions{Image: "nginx", Labels: map[string]string{"app": "testweb"}, Port: 80})
	require.NoError(t, err)
	for _, d := range []struct {
		name, image string
		n           int32
	}{{"bigwebstuff", "nginx:latest", 3}, {"httpd", "httpd", 2}} {
		tmpl := cluster.PodTemplateSpec{ObjectMeta: cluster.ObjectMeta{Labels: selector.Set{"app": "testweb"}},
			Spec: cluster.PodSpec{Containers: []cluster.Container{{Name: d.name, Image: d.image, Ports: []cluster.ContainerPort{{ContainerPort: 80}}}}}}
		_, err := k.Apply(&cluster.Deployment{ObjectMeta: cluster.ObjectMeta{Name: d.name},
			Spec: cluster.DeploymentSpec{Replicas: cluster.Ptr(d.n), Selector: &selector.LabelSelector{MatchLabels: selector.Set{"app": "testweb"}}, Template: tmpl}})
		require.NoError(t, err)
	}
	clustertest.Settle(t, s)
	ty, err := p.Generate(proxy.Load{Request: proxy.Request{From: proxy.FromPod("", "testclient"), URL: "testweb"}, Rate: 100, Duration: 60 * time.Second})
	require.NoError(t, err)
	s.RunFor(61 * time.Second)
	require.True(t, ty.Done())
	assert.Equal(t, proxy.Counts{Answered: 6000}, ty.Total())
	groups := ty.Groups()
	require.Len(t, groups, 3, "%v", groups)
	share := map[string]int{}
	for _, g := range groups {
		share[strings.SplitN(g.Name, ":", 2)[0]] += g.Answered
	}
	// Six pods: the bare nginx pod, three nginx replicas, two httpd.
	assert.InDelta(t, 4000, share["nginx"], 150, "%v", share)
	assert.InDelta(t, 2000, share["httpd"], 150, "%v", share)
	assert.Len(t, ty.Pods(), 6)
}

func TestTargetPortNobodyListensOn(t *testing.T) {
	s, k, p := world(t, cluster.Config{Seed: 1})
	_, err := k.Run("web", kubectl.RunOptions{Image: "nginx", Labels: map[string]string{"app": "web"}, Port: 8080})
	require.NoError(t, err)
	service(t, k, "web", selector.Set{"app": "web"}, 80, 8080)
	_, err = k.Run("c", kubectl.RunOptions{Image: "busybox"})
	require.NoError(t, err)
	clustertest.Settle(t, s)
	r := get(t, p, proxy.FromPod("", "c"), "web")
	assert.Equal(t, proxy.Refused, r.Outcome, "nginx listens on 80 whatever the pod declares")
	assert.Equal(t, "default/web", r.Pod, "the endpoint was chosen; the pod's kernel refused")
	assert.Equal(t, "web", r.Labels["app"])
	assert.Equal(t, "nginx", r.Image)
}

func TestClientsFromNodesAndOutside(t *testing.T) {
	s, k, p := world(t, cluster.Config{Seed: 1, LoadBalancerIPs: []string{"198.51.100.10"}})
	_, err := k.Run("web", kubectl.RunOptions{Image: "nginx", Labels: map[string]string{"app": "web"}, Port: 80})
	require.NoError(t, err)
	_, err = k.Apply(&cluster.Service{ObjectMeta: cluster.ObjectMeta{Name: "web"},
		Spec: cluster.ServiceSpec{Type: cluster.ServiceTypeLoadBalancer, Selector: selector.Set{"app": "web"}, Ports: []cluster.ServicePort{{Port: 80}}}})
	require.NoError(t, err)
	clustertest.Settle(t, s)
	svc, _ := cluster.GetAs[*cluster.Service](s, "default", "web")
	require.NotEmpty(t, svc.Status.LoadBalancer.Ingress, "the simulated cloud gives it an address")
	lb := svc.Status.LoadBalancer.Ingress[0].IP
	podIP := podsOf(t, s, "app=web")[0].Status.PodIP
	node := proxy.FromNode("node-2")
	outside := proxy.FromOutside("203.0.113.7")
	nodePort := svc.Spec.Ports[0].NodePort

	cases := []struct {
		from proxy.Client
		url  string
		want proxy.Outcome
	}{
		{node, svc.Spec.ClusterIP, proxy.Answered},
		{node, podIP, proxy.Answered},
		{node, "web", proxy.Unresolved},
		{node, "172.18.0.3:" + itoa(nodePort), proxy.Answered},
		{node, "172.18.0.3:1", proxy.Refused},
		{outside, svc.Spec.ClusterIP, proxy.TimedOut},
		{outside, podIP, proxy.TimedOut},
		{outside, "web", proxy.Unresolved},
		{outside, "172.18.0.4:" + itoa(nodePort), proxy.Answered},
		{outside, lb, proxy.Answered},
		{outside, lb + ":81", proxy.TimedOut},
	}
	for _, c := range cases {
		r := get(t, p, c.from, c.url)
		assert.Equal(t, c.want, r.Outcome, "%v -> %s: %v", c.from, c.url, r)
	}
}

func TestUserApps(t *testing.T) {
	s, k, p := world(t, cluster.Config{Seed: 9})
	require.NoError(t, p.Apps().Register("shop:v2", proxy.App{Ports: []int32{8080}, Serve: func(in *proxy.Incoming) proxy.Reply {
		if in.Rand.Float64() < 0.05 {
			return proxy.Reply{Status: 503, Body: "overloaded\n", Latency: 3 * time.Millisecond}
		}
		return proxy.Reply{Body: "v2 " + in.Path + "\n", Latency: 3 * time.Millisecond}
	}}))
	require.NoError(t, p.Apps().Register("shop:slow", proxy.App{Ports: []int32{8080}, Serve: func(*proxy.Incoming) proxy.Reply {
		return proxy.Reply{Body: "slow\n", Latency: 6 * time.Second}
	}}))
	_, err := k.Run("canary", kubectl.RunOptions{Image: "docker.io/library/shop:v2", Labels: map[string]string{"app": "shop"}})
	require.NoError(t, err)
	_, err = k.Run("slow", kubectl.RunOptions{Image: "shop:slow", Labels: map[string]string{"app": "slow"}})
	require.NoError(t, err)
	_, err = k.Run("plain", kubectl.RunOptions{Image: "shop:v1", Labels: map[string]string{"app": "plain"}, Port: 7000})
	require.NoError(t, err)
	_, err = k.Run("c", kubectl.RunOptions{Image: "busybox"})
	require.NoError(t, err)
	service(t, k, "shop", selector.Set{"app": "shop"}, 80, 8080)
	service(t, k, "slow", selector.Set{"app": "slow"}, 80, 8080)
	service(t, k, "plain", selector.Set{"app": "plain"}, 80, 7000)
	clustertest.Settle(t, s)
	c := proxy.FromPod("", "c")

	r := get(t, p, c, "shop/cart")
	assert.Equal(t, "v2 /cart\n", r.Body)
	assert.Equal(t, 3*time.Millisecond, r.Latency())

	r = get(t, p, c, "slow")
	assert.Equal(t, proxy.TimedOut, r.Outcome, "6 s is longer than the client waits")
	assert.Equal(t, proxy.DefaultTimeout, r.Latency())
	r, err = p.Do(proxy.Request{From: c, URL: "slow", Timeout: 10 * time.Second})
	require.NoError(t, err)
	assert.Equal(t, "slow\n", r.Body)

	r = get(t, p, c, "plain")
	assert.Equal(t, "plain\n", r.Body, "an unknown image answers with the pod's name on its declared port")

	ty, err := p.Generate(proxy.Load{Request: proxy.Request{From: c, URL: "shop"}, Rate: 1000, Arrivals: proxy.Poisson, Duration: 20 * time.Second})
	require.NoError(t, err)
	s.RunFor(21 * time.Second)
	total := ty.Total()
	assert.InDelta(t, 20000, total.Total(), 600, "Poisson arrivals at 1000/s for 20 s")
	assert.InDelta(t, 0.05, float64(total.ServerErrors)/float64(total.Total()), 0.006, "%+v", total)
	assert.Equal(t, total.ServerErrors, total.Failed())

	assert.ErrorIs(t, p.Apps().Register("", proxy.App{}), proxy.ErrInvalidImage)
	assert.ErrorIs(t, p.Apps().Register("x", proxy.App{Ports: []int32{0}}), proxy.ErrInvalidImage)
}

// TestInFlightRequests: what a request already accepted meets when its
// pod goes away before the answer.
func TestInFlightRequests(t *testing.T) {
	setup := func(t *testing.T, sigterm cluster.SigtermBehavior) (*cluster.Sim, *proxy.Proxies, proxy.Client) {
		s, k, p := world(t, cluster.Config{Seed: 2})
		require.NoError(t, p.Apps().Register("slow", proxy.App{Ports: []int32{80}, Serve: func(*proxy.Incoming) proxy.Reply {
			return proxy.Reply{Body: "done\n", Latency: 2 * time.Second}
		}}))
		_, err := k.Apply(&cluster.Pod{ObjectMeta: cluster.ObjectMeta{Name: "web", Labels: selector.Set{"app": "web"}},
			Spec: cluster.PodSpec{OnSIGTERM: sigterm, DrainSeconds: 10, Containers: []cluster.Container{{Name: "web", Image: "slow"}}}})
		require.NoError(t, err)
		_, err = k.Run("c", kubectl.RunOptions{Image: "busybox"})
		require.NoError(t, err)
		service(t, k, "web", selector.Set{"app": "web"}, 80, 0)
		clustertest.Settle(t, s)
		return s, p, proxy.FromPod("", "c")
	}
	send := func(t *testing.T, p *proxy.Proxies, c proxy.Client) *proxy.Response {
		var got proxy.Response
		require.NoError(t, p.Send(proxy.Request{From: c, URL: "web"}, func(r proxy.Response) { got = r }))
		return &got
	}
	t.Run("deleted, exits on SIGTERM", func(t *testing.T) {
		s, p, c := setup(t, cluster.SigtermExit)
		r := send(t, p, c)
		s.RunFor(time.Second)
		require.NoError(t, kubectl.New(s, "").Delete(cluster.KindPod, "web", cluster.DeleteOptions{}))
		s.RunFor(2 * time.Second)
		assert.Equal(t, proxy.Reset, r.Outcome)
	})
	t.Run("deleted, drains", func(t *testing.T) {
		s, p, c := setup(t, cluster.SigtermDrain)
		r := send(t, p, c)
		s.RunFor(time.Second)
		require.NoError(t, kubectl.New(s, "").Delete(cluster.KindPod, "web", cluster.DeleteOptions{}))
		s.RunFor(2 * time.Second)
		assert.Equal(t, proxy.Answered, r.Outcome, "a draining app finishes what it accepted")
		assert.Equal(t, "done\n", r.Body)
	})
	t.Run("crashed", func(t *testing.T) {
		s, p, c := setup(t, cluster.SigtermExit)
		r := send(t, p, c)
		s.RunFor(time.Second)
		require.NoError(t, s.CrashContainer("default", "web", "web"))
		s.RunFor(20 * time.Second) // long enough for the restart too
		assert.Equal(t, proxy.Reset, r.Outcome)
	})
	t.Run("node down", func(t *testing.T) {
		s, p, c := setup(t, cluster.SigtermExit)
		pod := podsOf(t, s, "app=web")[0]
		r := send(t, p, c)
		s.RunFor(time.Second)
		require.NoError(t, s.NodeDown(pod.Spec.NodeName))
		s.RunFor(10 * time.Second)
		assert.Equal(t, proxy.TimedOut, r.Outcome)
		assert.Equal(t, proxy.DefaultTimeout, r.Latency())
	})
}

func TestBadRequestsChangeNothing(t *testing.T) {
	s, k, p := world(t, cluster.Config{Seed: 1})
	_, err := k.Run("c", kubectl.RunOptions{Image: "busybox"})
	require.NoError(t, err)
	clustertest.Settle(t, s)
	c := proxy.FromPod("", "c")
	cases := []struct {
		name string
		req  proxy.Request
		load *proxy.Load
		want error
	}{
		{"empty URL", proxy.Request{From: c}, nil, proxy.ErrInvalidURL},
		{"ftp", proxy.Request{From: c, URL: "ftp://web"}, nil, proxy.ErrInvalidURL},
		{"port 0", proxy.Request{From: c, URL: "web:0"}, nil, proxy.ErrInvalidURL},
		{"port too big", proxy.Request{From: c, URL: "web:65536"}, nil, proxy.ErrInvalidURL},
		{"port not a number", proxy.Request{From: c, URL: "web:http"}, nil, proxy.ErrInvalidURL},
		{"no host", proxy.Request{From: c, URL: "http://:80/"}, nil, proxy.ErrInvalidURL},
		{"IPv6", proxy.Request{From: c, URL: "[::1]:80"}, nil, proxy.ErrInvalidURL},
		{"space", proxy.Request{From: c, URL: "we b"}, nil, proxy.ErrInvalidURL},
		{"signed port", proxy.Request{From: c, URL: "web:+80"}, nil, proxy.ErrInvalidURL},
		{"two ports", proxy.Request{From: c, URL: "web:80:90"}, nil, proxy.ErrInvalidURL},
		{"bare IPv6", proxy.Request{From: c, URL: "::1"}, nil, proxy.ErrInvalidURL},
		{"timeout past a day", proxy.Request{From: c, URL: "web", Timeout: proxy.MaxTimeout + 1}, nil, proxy.ErrInvalidTimeout},
		{"negative timeout", proxy.Request{From: c, URL: "web", Timeout: -1}, nil, proxy.ErrInvalidTimeout},
		{"zero client", proxy.Request{URL: "web"}, nil, proxy.ErrNoClient},
		{"no such pod", proxy.Request{From: proxy.FromPod("", "nope"), URL: "web"}, nil, cluster.ErrNotFound},
		{"no pod has the IP", proxy.Request{From: proxy.FromPodIP("10.1.1.1"), URL: "web"}, nil, proxy.ErrNoClient},
		{"no such node", proxy.Request{From: proxy.FromNode("node-9"), URL: "web"}, nil, proxy.ErrNoClient},
		{"outside address", proxy.Request{From: proxy.FromOutside("far away"), URL: "web"}, nil, proxy.ErrNoClient},
		{"zero rate", proxy.Request{}, &proxy.Load{Request: proxy.Request{From: c, URL: "web"}}, proxy.ErrInvalidLoad},
		{"NaN rate", proxy.Request{}, &proxy.Load{Request: proxy.Request{From: c, URL: "web"}, Rate: math.NaN()}, proxy.ErrInvalidLoad},
		{"rate too small to schedule", proxy.Request{}, &proxy.Load{Request: proxy.Request{From: c, URL: "web"}, Rate: 1e-11}, proxy.ErrInvalidLoad},
		{"rate too big", proxy.Request{}, &proxy.Load{Request: proxy.Request{From: c, URL: "web"}, Rate: 2e9}, proxy.ErrInvalidLoad},
		{"interval under a millisecond", proxy.Request{}, &proxy.Load{Request: proxy.Request{From: c, URL: "web"}, Rate: 1, Interval: time.Nanosecond}, proxy.ErrInvalidLoad},
		{"negative duration", proxy.Request{}, &proxy.Load{Request: proxy.Request{From: c, URL: "web"}, Rate: 1, Duration: -1}, proxy.ErrInvalidLoad},
		{"negative interval", proxy.Request{}, &proxy.Load{Request: proxy.Request{From: c, URL: "web"}, Rate: 1, Interval: -1}, proxy.ErrInvalidLoad},
		{"bad group label", proxy.Request{}, &proxy.Load{Request: proxy.Request{From: c, URL: "web"}, Rate: 1, GroupBy: "-x"}, proxy.ErrInvalidLoad},
		{"unknown arrivals", proxy.Request{}, &proxy.Load{Request: proxy.Request{From: c, URL: "web"}, Rate: 1, Arrivals: 7}, proxy.ErrInvalidLoad},
		{"load with bad URL", proxy.Request{}, &proxy.Load{Request: proxy.Request{From: c, URL: ""}, Rate: 1}, proxy.ErrInvalidURL},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			digest, pending, now := s.Digest(), s.Pending(), s.Now()
			if tc.load != nil {
				ty, err := p.Generate(*tc.load)
				assert.Nil(t, ty)
				assert.ErrorIs(t, err, tc.want)
			} else {
				err := p.Send(tc.req, func(proxy.Response) { t.Fatal("a bad request was answered") })
				assert.ErrorIs(t, err, tc.want)
				_, err = p.Do(tc.req)
				assert.ErrorIs(t, err, tc.want)
			}
			assert.Equal(t, digest, s.Digest())
			assert.Equal(t, pending, s.Pending())
			assert.Equal(t, now, s.Now())
		})
	}
	s.RunFor(time.Minute)
}

func TestNotRunningClient(t *testing.T) {
	s, k, p := world(t, cluster.Config{Seed: 1, Timing: cluster.Realistic()})
	_, err := k.Run("c", kubectl.RunOptions{Image: "busybox"})
	require.NoError(t, err)
	_, err = p.Do(proxy.Request{From: proxy.FromPod("", "c"), URL: "web"})
	assert.ErrorIs(t, err, proxy.ErrNoClient, "not yet scheduled")
	clustertest.Settle(t, s)
	_, err = p.Do(proxy.Request{From: proxy.FromPod("", "c"), URL: "web"})
	assert.NoError(t, err)
}

func itoa(n int32) string { return strconv.Itoa(int(n)) }

// TestLoadBalancerHealthChecks: under externalTrafficPolicy Local the
// cloud's health checks send outside traffic only to nodes that run a pod
// of the Service, so every connection through the load balancer lands,
// while the same NodePort on another node drops it.
func TestLoadBalancerHealthChecks(t *testing.T) {
	s, _, p, svc := localLB(t)
	outside := proxy.FromOutside("203.0.113.7")
	for range 30 {
		assert.Equal(t, proxy.Answered, get(t, p, outside, "198.51.100.10").Outcome)
	}
	pod := podsOf(t, s, "app=web")[0]
	for _, n := range cluster.ListAs[*cluster.Node](s, "", selector.Everything()) {
		want := proxy.TimedOut
		if n.Name == pod.Spec.NodeName {
			want = proxy.Answered
		}
		r := get(t, p, outside, n.InternalIP()+":"+itoa(svc.Spec.Ports[0].NodePort))
		assert.Equal(t, want, r.Outcome, "NodePort on %s", n.Name)
	}
}

func TestExternalNameAndPodIPClients(t *testing.T) {
	s, k, p := world(t, cluster.Config{Seed: 1})
	_, err := k.Run("web", kubectl.RunOptions{Image: "nginx", Labels: map[string]string{"app": "web"}, Port: 80})
	require.NoError(t, err)
	service(t, k, "web", selector.Set{"app": "web"}, 80, 0)
	for name, target := range map[string]string{"alias": "web.default.svc.cluster.local", "far": "example.com"} {
		_, err = k.Apply(&cluster.Service{ObjectMeta: cluster.ObjectMeta{Name: name},
			Spec: cluster.ServiceSpec{Type: cluster.ServiceTypeExternalName, ExternalName: target}})
		require.NoError(t, err)
	}
	_, err = k.Run("c", kubectl.RunOptions{Image: "busybox"})
	require.NoError(t, err)
	clustertest.Settle(t, s)
	client := proxy.FromPodIP(podsOf(t, s, "run=c")[0].Status.PodIP)

	r := get(t, p, client, "alias")
	assert.Equal(t, proxy.Answered, r.Outcome, "a CNAME to an in-cluster name is followed")
	assert.Equal(t, "default/web", r.Service)
	r = get(t, p, client, "far")
	assert.Equal(t, proxy.Unresolved, r.Outcome, "no upstream DNS in the simulation")
	assert.Contains(t, r.Err, "example.com")
}

// TestNewConnectionsDuringTermination: once SIGTERM has arrived, an app
// that drains finishes old requests but refuses new connections, and one
// that ignores SIGTERM keeps answering until it is killed.
func TestNewConnectionsDuringTermination(t *testing.T) {
	for _, tc := range []struct {
		on   cluster.SigtermBehavior
		want proxy.Outcome
	}{{cluster.SigtermDrain, proxy.Refused}, {cluster.SigtermIgnore, proxy.Answered}} {
		t.Run(string(tc.on), func(t *testing.T) {
			s, k, p := world(t, cluster.Config{Seed: 1})
			_, err := k.Apply(&cluster.Pod{ObjectMeta: cluster.ObjectMeta{Name: "web"},
				Spec: cluster.PodSpec{OnSIGTERM: tc.on, DrainSeconds: 20, Containers: []cluster.Container{{Name: "web", Image: "nginx"}}}})
			require.NoError(t, err)
			clustertest.Settle(t, s)
			ip := podsOf(t, s, "")[0].Status.PodIP
			require.NoError(t, k.Delete(cluster.KindPod, "web", cluster.DeleteOptions{}))
			s.RunFor(time.Second)
			r := get(t, p, proxy.FromNode("node-2"), ip)
			assert.Equal(t, tc.want, r.Outcome)
			s.RunFor(40 * time.Second)
			assert.Equal(t, proxy.TimedOut, get(t, p, proxy.FromNode("node-2"), ip).Outcome, "gone after the grace period")
		})
	}
}

// localLB is one nginx pod behind the LoadBalancer Service web, with
// externalTrafficPolicy Local, at 198.51.100.10.
func localLB(t *testing.T) (*cluster.Sim, *kubectl.Client, *proxy.Proxies, *cluster.Service) {
	s, k, p := world(t, cluster.Config{Seed: 1, LoadBalancerIPs: []string{"198.51.100.10"}})
	_, err := k.Run("web", kubectl.RunOptions{Image: "nginx", Labels: map[string]string{"app": "web"}, Port: 80})
	require.NoError(t, err)
	_, err = k.Apply(&cluster.Service{ObjectMeta: cluster.ObjectMeta{Name: "web"},
		Spec: cluster.ServiceSpec{Type: cluster.ServiceTypeLoadBalancer, ExternalTrafficPolicy: "Local", Selector: selector.Set{"app": "web"}, Ports: []cluster.ServicePort{{Port: 80}}}})
	require.NoError(t, err)
	clustertest.Settle(t, s)
	svc, _ := cluster.GetAs[*cluster.Service](s, "default", "web")
	return s, k, p, svc
}

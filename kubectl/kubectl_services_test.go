package kubectl_test

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/svcsim/svcsim/cluster"
	"github.com/svcsim/svcsim/kubectl"
	"github.com/svcsim/svcsim/selector"
)

func (f kubectlFixture) svc(t *testing.T, name string) *cluster.Service {
	t.Helper()
	svc, ok := cluster.GetAs[*cluster.Service](f.s, "default", name)
	require.True(t, ok, "service %s exists", name)
	return svc
}

func (f kubectlFixture) getSvc(t *testing.T, opts kubectl.GetOptions) string {
	t.Helper()
	out, err := f.k.Get(cluster.KindService, opts)
	require.NoError(t, err)
	return out
}

// testweb is the lab's Service, as `kubectl create svc clusterip testweb
// --tcp 80` writes it.
func testweb() *cluster.Service {
	return &cluster.Service{
		ObjectMeta: cluster.ObjectMeta{Name: "testweb", Labels: selector.Set{"app": "testweb"}},
		Spec: cluster.ServiceSpec{Type: cluster.ServiceTypeClusterIP, Selector: selector.Set{"app": "testweb"},
			Ports: []cluster.ServicePort{{Name: "80", Port: 80, Protocol: cluster.ProtocolTCP, TargetPort: cluster.FromInt(80)}}},
	}
}

// pad renders cells as kubectl's table printer does: each column as wide
// as its widest cell plus three spaces, the last one unpadded.
func pad(rows ...[]string) string {
	widths := make([]int, len(rows[0]))
	for _, r := range rows {
		for i, c := range r {
			widths[i] = max(widths[i], len(c))
		}
	}
	var b strings.Builder
	for _, r := range rows {
		for i, c := range r {
			if i == len(r)-1 {
				b.WriteString(c)
			} else {
				fmt.Fprintf(&b, "%-*s", widths[i]+3, c)
			}
		}
		b.WriteByte('\n')
	}
	return b.String()
}

// The lab's `kubectl get svc`: the kubernetes Service of the cluster's
// first minutes and a new testweb.
func TestKubectlGetServicesLabShape(t *testing.T) {
	f := newKubectl(t)
	f.s.RunFor(85*time.Minute - 5*time.Second)
	_, err := f.k.Apply(testweb())
	require.NoError(t, err)
	assert.Equal(t, "service/testweb created\n", f.said())
	f.s.RunFor(5 * time.Second)
	ip := f.svc(t, "testweb").Spec.ClusterIP
	assert.Regexp(t, `^10\.(9[6-9]|10[0-9]|11[01])\.\d+\.\d+$`, ip)
	assert.Equal(t, pad(
		[]string{"NAME", "TYPE", "CLUSTER-IP", "EXTERNAL-IP", "PORT(S)", "AGE"},
		[]string{"kubernetes", "ClusterIP", "10.96.0.1", "<none>", "443/TCP", "85m"},
		[]string{"testweb", "ClusterIP", ip, "<none>", "80/TCP", "5s"},
	), f.getSvc(t, kubectl.GetOptions{}))
	assert.Equal(t, pad(
		[]string{"NAME", "TYPE", "CLUSTER-IP", "EXTERNAL-IP", "PORT(S)", "AGE", "SELECTOR"},
		[]string{"testweb", "ClusterIP", ip, "<none>", "80/TCP", "5s", "app=testweb"},
	), f.getSvc(t, kubectl.GetOptions{Selector: "app=testweb", Wide: true}))
	assert.Equal(t, "No resources found in default namespace.\n", f.getSvc(t, kubectl.GetOptions{Selector: "app=nope"}))
}

func TestKubectlGetServicesOfEveryType(t *testing.T) {
	mk := func(name string, typ cluster.ServiceType, mutate func(*cluster.ServiceSpec)) *cluster.Service {
		s := &cluster.Service{ObjectMeta: cluster.ObjectMeta{Name: name},
			Spec: cluster.ServiceSpec{Type: typ, Selector: selector.Set{"app": name}, Ports: []cluster.ServicePort{{Port: 80}}}}
		if mutate != nil {
			mutate(&s.Spec)
		}
		return s
	}
	for _, pool := range [][]string{nil, {"203.0.113.10"}} {
		s, err := cluster.New(cluster.Config{Seed: 1, LoadBalancerIPs: pool})
		require.NoError(t, err)
		k := kubectl.New(s, "")
		for _, svc := range []*cluster.Service{
			mk("db", cluster.ServiceTypeExternalName, func(sp *cluster.ServiceSpec) { sp.ExternalName, sp.Ports = "db.example.com", nil }),
			mk("lb", cluster.ServiceTypeLoadBalancer, func(sp *cluster.ServiceSpec) { sp.Ports[0].NodePort = 30443 }),
			mk("np", cluster.ServiceTypeNodePort, func(sp *cluster.ServiceSpec) {
				sp.Ports = []cluster.ServicePort{{Name: "http", Port: 80, NodePort: 30080}, {Name: "https", Port: 443, NodePort: 31443}}
			}),
			mk("peers", cluster.ServiceTypeClusterIP, func(sp *cluster.ServiceSpec) { sp.ClusterIP, sp.Selector = "None", nil }),
		} {
			_, err := k.Apply(svc)
			require.NoError(t, err)
		}
		require.NoError(t, s.Settle())
		out, err := k.Get(cluster.KindService, kubectl.GetOptions{Wide: true})
		require.NoError(t, err)
		ip := func(n string) string {
			svc, _ := cluster.GetAs[*cluster.Service](s, "default", n)
			return svc.Spec.ClusterIP
		}
		external := "<pending>"
		if pool != nil {
			external = "203.0.113.10"
		}
		assert.Equal(t, pad(
			[]string{"NAME", "TYPE", "CLUSTER-IP", "EXTERNAL-IP", "PORT(S)", "AGE", "SELECTOR"},
			[]string{"db", "ExternalName", "<none>", "db.example.com", "<none>", "0s", "app=db"},
			[]string{"kubernetes", "ClusterIP", "10.96.0.1", "<none>", "443/TCP", "0s", "<none>"},
			[]string{"lb", "LoadBalancer", ip("lb"), external, "80:30443/TCP", "0s", "app=lb"},
			[]string{"np", "NodePort", ip("np"), "<none>", "80:30080/TCP,443:31443/TCP", "0s", "app=np"},
			[]string{"peers", "ClusterIP", "None", "<none>", "80/TCP", "0s", "<none>"},
		), out, "pool %v", pool)
	}
}

func TestPrintServicesCutsLongIngress(t *testing.T) {
	svc := &cluster.Service{ObjectMeta: cluster.ObjectMeta{Name: "lb"}, Spec: cluster.ServiceSpec{Type: cluster.ServiceTypeLoadBalancer, ClusterIPs: []string{"10.96.5.5"}},
		Status: cluster.ServiceStatus{LoadBalancer: cluster.LoadBalancerStatus{Ingress: []cluster.LoadBalancerIngress{{IP: "203.0.113.20"}, {IP: "203.0.113.10"}, {IP: "203.0.113.10"}}}}}
	var b strings.Builder
	require.NoError(t, kubectl.PrintServices(&b, 0, []*cluster.Service{svc}, false))
	assert.Contains(t, b.String(), " 203.0.113.10,... ")
	b.Reset()
	require.NoError(t, kubectl.PrintServices(&b, 0, []*cluster.Service{svc}, true))
	assert.Contains(t, b.String(), " 203.0.113.10,203.0.113.20 ", "sorted, without repeats, whole when wide")
}

// slice is an EndpointSlice of a Service with the given port and
// endpoints, each "ip" (ready) or "ip!" (not ready).
func slice(svc, name, port string, n int32, eps ...string) *cluster.EndpointSlice {
	sl := &cluster.EndpointSlice{ObjectMeta: cluster.ObjectMeta{Name: name, Labels: selector.Set{"kubernetes.io/service-name": svc}},
		AddressType: "IPv4", Endpoints: []cluster.Endpoint{}, Ports: []cluster.EndpointSlicePort{{Name: cluster.Ptr(port), Port: cluster.Ptr(n)}}}
	for _, e := range eps {
		ip, unready := strings.CutSuffix(e, "!")
		sl.Endpoints = append(sl.Endpoints, cluster.Endpoint{Addresses: []string{ip}, Conditions: cluster.EndpointConditions{Ready: cluster.Ptr(!unready)}})
	}
	return sl
}

func TestKubectlDescribeServiceLabShape(t *testing.T) {
	f := newKubectl(t)
	_, err := f.k.Apply(testweb())
	require.NoError(t, err)
	ip := f.svc(t, "testweb").Spec.ClusterIP
	describe := func() string {
		out, err := f.k.Describe(cluster.KindService, "testweb")
		require.NoError(t, err)
		return out
	}
	want := func(endpoints string) string {
		return strings.Join([]string{
			"Name:                     testweb",
			"Namespace:                default",
			"Labels:                   app=testweb",
			"Annotations:              <none>",
			"Selector:                 app=testweb",
			"Type:                     ClusterIP",
			"IP Family Policy:         SingleStack",
			"IP Families:              IPv4",
			"IP:                       " + ip,
			"IPs:                      " + ip,
			"Port:                     80  80/TCP",
			"TargetPort:               80/TCP",
			"Endpoints:                " + endpoints,
			"Session Affinity:         None",
			"Internal Traffic Policy:  Cluster",
			"Events:                   <none>",
		}, "\n") + "\n"
	}
	assert.Equal(t, want("<none>"), describe(), "no slices yet")

	_, err = f.s.Create(slice("testweb", "testweb-abcde", "80", 80))
	require.NoError(t, err)
	assert.Equal(t, want(""), describe(), "only the placeholder")

	cur, _ := cluster.GetAs[*cluster.EndpointSlice](f.s, "default", "testweb-abcde")
	cur.Endpoints = slice("", "", "", 0, "10.244.0.5").Endpoints
	_, err = f.s.Update(cur)
	require.NoError(t, err)
	assert.Equal(t, want("10.244.0.5:80"), describe(), "lab §1")

	_, err = f.s.Create(slice("testweb", "testweb-fghjk", "80", 80, "10.244.1.2", "10.244.2.2", "10.244.0.6!", "10.244.1.3"))
	require.NoError(t, err)
	assert.Equal(t, want("10.244.0.5:80,10.244.1.2:80,10.244.2.2:80 + 1 more..."), describe(), "lab §2: four endpoints")

	_, err = f.k.Describe(cluster.KindService, "nope")
	assert.ErrorIs(t, err, cluster.ErrNotFound)
}

func TestKubectlDescribeNodePortAndLoadBalancer(t *testing.T) {
	s, err := cluster.New(cluster.Config{Seed: 1, LoadBalancerIPs: []string{"203.0.113.10"}})
	require.NoError(t, err)
	k := kubectl.New(s, "")
	_, err = k.Apply(&cluster.Service{ObjectMeta: cluster.ObjectMeta{Name: "web"}, Spec: cluster.ServiceSpec{
		Type: cluster.ServiceTypeLoadBalancer, Selector: selector.Set{"app": "web"},
		Ports: []cluster.ServicePort{{Name: "http", Port: 80, TargetPort: cluster.FromString("http"), NodePort: 30080}},
	}})
	require.NoError(t, err)
	require.NoError(t, s.Settle())
	svc, _ := cluster.GetAs[*cluster.Service](s, "default", "web")
	out, err := k.Describe(cluster.KindService, "web")
	require.NoError(t, err)
	assert.Equal(t, strings.Join([]string{
		"Name:                     web",
		"Namespace:                default",
		"Labels:                   <none>",
		"Annotations:              <none>",
		"Selector:                 app=web",
		"Type:                     LoadBalancer",
		"IP Family Policy:         SingleStack",
		"IP Families:              IPv4",
		"IP:                       " + svc.Spec.ClusterIP,
		"IPs:                      " + svc.Spec.ClusterIP,
		"LoadBalancer Ingress:     203.0.113.10 (VIP)",
		"Port:                     http  80/TCP",
		"TargetPort:               http/TCP",
		"NodePort:                 http  30080/TCP",
		"Endpoints:                <none>",
		"Session Affinity:         None",
		"External Traffic Policy:  Cluster",
		"Internal Traffic Policy:  Cluster",
		"Events:",
		"  Type    Reason                Age   From                Message",
		"  ----    ------                ----  ----                -------",
		"  Normal  EnsuringLoadBalancer  0s    service-controller  Ensuring load balancer",
		"  Normal  EnsuredLoadBalancer   0s    service-controller  Ensured load balancer",
	}, "\n")+"\n", out)
}

func TestKubectlExpose(t *testing.T) {
	f := newKubectl(t)
	_, err := f.k.CreateDeployment("web", kubectl.DeploymentOptions{Image: "nginx", Replicas: 3, Port: 8080})
	require.NoError(t, err)
	f.said()

	svc, err := f.k.Expose(cluster.KindDeployment, "web", kubectl.ExposeOptions{Port: 80, TargetPort: "8080"})
	require.NoError(t, err)
	assert.Equal(t, "service/web exposed\n", f.said())
	assert.Equal(t, selector.Set{"app": "web"}, svc.Spec.Selector)
	assert.Equal(t, selector.Set{"app": "web"}, svc.Labels, "the exposed object's labels")
	assert.Equal(t, []cluster.ServicePort{{Protocol: cluster.ProtocolTCP, Port: 80, TargetPort: cluster.FromInt(8080)}}, svc.Spec.Ports)
	assert.Equal(t, cluster.ServiceTypeClusterIP, svc.Spec.Type)
	assert.NotEmpty(t, svc.Spec.ClusterIP)

	// Ports from the containers, a type, a name, a named target port.
	np, err := f.k.Expose(cluster.KindDeployment, "web", kubectl.ExposeOptions{Name: "web-np", Type: cluster.ServiceTypeNodePort, TargetPort: "http"})
	require.NoError(t, err)
	assert.Equal(t, "service/web-np exposed\n", f.said())
	assert.Equal(t, int32(8080), np.Spec.Ports[0].Port)
	assert.Equal(t, cluster.FromString("http"), np.Spec.Ports[0].TargetPort)
	assert.NotZero(t, np.Spec.Ports[0].NodePort)

	// A pod: its labels select; several container ports make named ports.
	_, err = f.s.Create(&cluster.Pod{ObjectMeta: cluster.ObjectMeta{Name: "multi", Labels: selector.Set{"app": "multi"}}, Spec: cluster.PodSpec{Containers: []cluster.Container{
		{Name: "a", Image: "nginx", Ports: []cluster.ContainerPort{{ContainerPort: 80}, {ContainerPort: 53, Protocol: cluster.ProtocolUDP}}},
	}}})
	require.NoError(t, err)
	multi, err := f.k.Expose(cluster.KindPod, "multi", kubectl.ExposeOptions{})
	require.NoError(t, err)
	assert.Equal(t, []cluster.ServicePort{
		{Name: "port-1", Protocol: cluster.ProtocolTCP, Port: 80, TargetPort: cluster.FromInt(80)},
		{Name: "port-2", Protocol: cluster.ProtocolUDP, Port: 53, TargetPort: cluster.FromInt(53)},
	}, multi.Spec.Ports)
	assert.Equal(t, selector.Set{"app": "multi"}, multi.Spec.Selector)

	// A ReplicaSet, headless.
	rs := &cluster.ReplicaSet{ObjectMeta: cluster.ObjectMeta{Name: "blue-rs"}, Spec: cluster.ReplicaSetSpec{
		Replicas: cluster.Ptr(int32(1)), Selector: &selector.LabelSelector{MatchLabels: map[string]string{"demo": "blue-rs"}},
		Template: cluster.PodTemplateSpec{ObjectMeta: cluster.ObjectMeta{Labels: selector.Set{"demo": "blue-rs"}},
			Spec: cluster.PodSpec{Containers: []cluster.Container{{Name: "c", Image: "hostinfo", Ports: []cluster.ContainerPort{{ContainerPort: 9898}}}}}},
	}}
	_, err = f.s.Create(rs)
	require.NoError(t, err)
	blue, err := f.k.Expose(cluster.KindReplicaSet, "blue-rs", kubectl.ExposeOptions{ClusterIP: "None"})
	require.NoError(t, err)
	assert.Equal(t, "None", blue.Spec.ClusterIP)
	assert.Equal(t, selector.Set{"demo": "blue-rs"}, blue.Spec.Selector)
	f.said()

	// Errors change nothing.
	_, err = f.s.Create(&cluster.Pod{ObjectMeta: cluster.ObjectMeta{Name: "bare"}, Spec: cluster.PodSpec{Containers: []cluster.Container{{Name: "a", Image: "nginx"}}}})
	require.NoError(t, err)
	_, err = f.s.Create(&cluster.Pod{ObjectMeta: cluster.ObjectMeta{Name: "portless", Labels: selector.Set{"a": "b"}}, Spec: cluster.PodSpec{Containers: []cluster.Container{{Name: "a", Image: "nginx"}}}})
	require.NoError(t, err)
	before := f.s.Digest()
	_, err = f.k.Expose(cluster.KindDeployment, "nope", kubectl.ExposeOptions{Port: 80})
	assert.ErrorIs(t, err, cluster.ErrNotFound)
	_, err = f.k.Expose(cluster.KindNode, "node-1", kubectl.ExposeOptions{Port: 80})
	assert.ErrorIs(t, err, kubectl.ErrUsage)
	_, err = f.k.Expose(cluster.KindPod, "bare", kubectl.ExposeOptions{Port: 80})
	assert.EqualError(t, err, "kubectl: invalid arguments: couldn't retrieve selectors via --selector flag or introspection: the pod has no labels and cannot be exposed")
	_, err = f.k.Expose(cluster.KindPod, "portless", kubectl.ExposeOptions{})
	assert.EqualError(t, err, "kubectl: invalid arguments: couldn't find port via --port flag or introspection")
	_, err = f.k.Expose(cluster.KindPod, "multi", kubectl.ExposeOptions{})
	assert.ErrorIs(t, err, cluster.ErrAlreadyExists, "service multi exists")
	_, err = f.k.Expose(cluster.KindPod, "multi", kubectl.ExposeOptions{Name: "web-x", Type: "Ingress"})
	assert.ErrorIs(t, err, cluster.ErrInvalid)
	assert.Equal(t, before, f.s.Digest())
	assert.Empty(t, f.said(), "a failed expose prints nothing")
}

// TestKubectlExposeTargetPort: --target-port is read as kubectl reads it (a
// number that fits in an int32, else a name) and never truncated; what the
// apiserver refuses fails with its error and changes nothing.
func TestKubectlExposeTargetPort(t *testing.T) {
	for _, tt := range []struct {
		target string
		want   cluster.IntOrString // when accepted
		err    string              // the apiserver's complaint, when refused
	}{
		{target: "8080", want: cluster.FromInt(8080)},
		{target: "+8080", want: cluster.FromInt(8080)},
		{target: "http", want: cluster.FromString("http")},
		{target: "0", want: cluster.FromInt(80)}, // defaulted to the port, as an unset one is
		{target: "65536", err: `spec.ports[0].targetPort: Invalid value: 65536: must be between 1 and 65535, inclusive`},
		{target: "-1", err: `spec.ports[0].targetPort: Invalid value: -1: must be between 1 and 65535, inclusive`},
		{target: "2147483647", err: `spec.ports[0].targetPort: Invalid value: 2147483647: must be between 1 and 65535, inclusive`},
		// Beyond int32 it is a name: 4294967376 is 80 modulo 2^32, which a
		// truncating parse would have made of it.
		{target: "4294967376", err: `spec.ports[0].targetPort: Invalid value: "4294967376": must contain at least one letter (a-z)`},
		{target: "2147483648", err: `spec.ports[0].targetPort: Invalid value: "2147483648": must contain at least one letter (a-z)`},
		{target: "99999999999999999999", err: `[spec.ports[0].targetPort: Invalid value: "99999999999999999999": must be no more than 15 characters, spec.ports[0].targetPort: Invalid value: "99999999999999999999": must contain at least one letter (a-z)]`},
		{target: " 80", err: `[spec.ports[0].targetPort: Invalid value: " 80": must contain only alpha-numeric characters (a-z, 0-9), and hyphens (-), spec.ports[0].targetPort: Invalid value: " 80": must contain at least one letter (a-z)]`},
	} {
		t.Run(tt.target, func(t *testing.T) {
			f := newKubectl(t)
			_, err := f.k.CreateDeployment("web", kubectl.DeploymentOptions{Image: "nginx", Replicas: 1, Port: 8080})
			require.NoError(t, err)
			require.NoError(t, f.s.Settle())
			f.said()
			before := f.s.Digest()
			svc, err := f.k.Expose(cluster.KindDeployment, "web", kubectl.ExposeOptions{Port: 80, TargetPort: tt.target})
			if tt.err == "" {
				require.NoError(t, err)
				assert.Equal(t, tt.want, svc.Spec.Ports[0].TargetPort)
				return
			}
			assert.ErrorIs(t, err, cluster.ErrInvalid)
			assert.EqualError(t, err, `Service "web" is invalid: `+tt.err)
			assert.Equal(t, before, f.s.Digest(), "nothing changed")
			assert.Empty(t, f.said())
			_, exists := cluster.GetAs[*cluster.Service](f.s, "default", "web")
			assert.False(t, exists)
		})
	}
}

package cluster

import (
	"fmt"
	"net/netip"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestKubernetesServiceAtTheFirstAddress(t *testing.T) {
	s := newSim(t, Config{Seed: 1})
	svc := mustSvc(t, s, "kubernetes")
	assert.Equal(t, "10.96.0.1", svc.Spec.ClusterIP)
	assert.Equal(t, []string{"10.96.0.1"}, svc.Spec.ClusterIPs)
	assert.Equal(t, ServiceTypeClusterIP, svc.Spec.Type)
	assert.Empty(t, svc.Spec.Selector)
	assert.Equal(t, []ServicePort{{Name: "https", Protocol: ProtocolTCP, Port: 443, TargetPort: FromInt(6443)}}, svc.Spec.Ports)
	assert.Equal(t, map[string]string{"component": "apiserver", "provider": "kubernetes"}, map[string]string(svc.Labels))
	ep, ok := GetAs[*Endpoints](s, "default", "kubernetes")
	require.True(t, ok)
	assert.Equal(t, []EndpointSubset{{Addresses: []EndpointAddress{{IP: "172.18.0.1"}}, Ports: []EndpointPort{{Name: "https", Port: 6443, Protocol: ProtocolTCP}}}}, ep.Subsets)

	other := newSim(t, Config{Seed: 1, ServiceCIDR: "10.0.0.0/24", NodeIPBase: "192.168.1.10"})
	assert.Equal(t, "10.0.0.1", mustSvc(t, other, "kubernetes").Spec.ClusterIP)
	ep, _ = GetAs[*Endpoints](other, "default", "kubernetes")
	assert.Equal(t, "192.168.1.9", ep.Subsets[0].Addresses[0].IP)
}

func TestServiceDefaults(t *testing.T) {
	s := newSim(t, Config{Seed: 1})
	svc := mustCreateSvc(t, s, svcWeb("web", withPorts(ServicePort{Name: "http", Port: 80}, ServicePort{Name: "metrics", Port: 9090, TargetPort: FromString("metrics")})))
	sp := svc.Spec
	assert.Equal(t, ServiceTypeClusterIP, sp.Type)
	assert.Equal(t, "None", sp.SessionAffinity)
	assert.Nil(t, sp.SessionAffinityConfig)
	assert.Equal(t, ProtocolTCP, sp.Ports[0].Protocol)
	assert.Equal(t, FromInt(80), sp.Ports[0].TargetPort, "targetPort defaults to port")
	assert.Equal(t, FromString("metrics"), sp.Ports[1].TargetPort)
	assert.Equal(t, Ptr("Cluster"), sp.InternalTrafficPolicy)
	assert.Empty(t, sp.ExternalTrafficPolicy, "not externally accessible")
	assert.Equal(t, []string{"IPv4"}, sp.IPFamilies)
	assert.Equal(t, Ptr("SingleStack"), sp.IPFamilyPolicy)
	assert.Nil(t, sp.AllocateLoadBalancerNodePorts)
	assert.Equal(t, []string{sp.ClusterIP}, sp.ClusterIPs)

	lb := mustCreateSvc(t, s, svcWeb("lb", withType(ServiceTypeLoadBalancer), clientIP(0), func(s *Service) { s.Spec.SessionAffinityConfig = nil }))
	assert.Equal(t, "Cluster", lb.Spec.ExternalTrafficPolicy)
	assert.Equal(t, Ptr(true), lb.Spec.AllocateLoadBalancerNodePorts)
	assert.Equal(t, Ptr(int32(10800)), lb.Spec.SessionAffinityConfig.ClientIP.TimeoutSeconds)

	ext := mustCreateSvc(t, s, svcWeb("db", withType(ServiceTypeExternalName), func(s *Service) { s.Spec.ExternalName = "db.example.com." }))
	assert.Empty(t, ext.Spec.ClusterIP, "ExternalName gets no IP")
	assert.Nil(t, ext.Spec.IPFamilies)
	assert.Nil(t, ext.Spec.InternalTrafficPolicy)

	headless := mustCreateSvc(t, s, svcWeb("peers", func(s *Service) { s.Spec.ClusterIP = ClusterIPNone }))
	assert.Equal(t, []string{"None"}, headless.Spec.ClusterIPs)
	assert.Equal(t, []string{"IPv4"}, headless.Spec.IPFamilies)
	bare := mustCreateSvc(t, s, svcWeb("bare", withPorts(), func(s *Service) { s.Spec.ClusterIP, s.Spec.Selector = ClusterIPNone, nil }))
	assert.Equal(t, Ptr("RequireDualStack"), bare.Spec.IPFamilyPolicy, "headless without a selector, as Kubernetes has it")
	assert.Equal(t, []string{"IPv4", "IPv6"}, bare.Spec.IPFamilies)

	// Accepted edge values.
	mustCreateSvc(t, s, svcWeb("1st-web"))
	mustCreateSvc(t, s, svcWeb("day", clientIP(86400)))
	none := mustCreateSvc(t, s, svcWeb("none", func(s *Service) { s.Spec.SessionAffinityConfig = &SessionAffinityConfig{} }))
	assert.Nil(t, none.Spec.SessionAffinityConfig, "defaulting drops a config that affinity None does not use")
	assertAllocations(t, s)
}

func TestClusterIPsComeFromTheUpperBand(t *testing.T) {
	s := newSim(t, Config{Seed: 1})
	prefix := netip.MustParsePrefix("10.96.0.0/12")
	static := netip.MustParseAddr("10.96.1.0") // the 256th address, last of the static band
	seen := map[string]bool{}
	for i := range 50 {
		svc := mustCreateSvc(t, s, svcWeb(fmt.Sprintf("web-%d", i)))
		a := mustAddr(t, svc.Spec.ClusterIP)
		assert.True(t, prefix.Contains(a), "%s in the CIDR", a)
		assert.Equal(t, 1, a.Compare(static), "%s above the static band", a)
		assert.False(t, seen[a.String()], "%s handed out once", a)
		seen[a.String()] = true
		assert.Equal(t, []string{svc.Spec.ClusterIP}, svc.Spec.ClusterIPs)
	}
	// A request in the static band is honoured.
	assert.Equal(t, "10.96.0.10", mustCreateSvc(t, s, svcWeb("dns", func(s *Service) { s.Spec.ClusterIP = "10.96.0.10" })).Spec.ClusterIP)
	assertAllocations(t, s)
}

// A /27 has a static band of 16 and 14 addresses above it: the first 14
// dynamic picks come from above, the rest from the band.
func TestClusterIPsFallBackToTheStaticBand(t *testing.T) {
	s := newSim(t, Config{Seed: 3, ServiceCIDR: "10.0.0.0/27"})
	var got []int
	for i := range 29 { // 30 usable addresses, one is the kubernetes Service's
		svc := mustCreateSvc(t, s, svcWeb(fmt.Sprintf("web-%d", i)))
		got = append(got, int(mustAddr(t, svc.Spec.ClusterIP).As4()[3]))
	}
	for i, last := range got {
		if i < 14 {
			assert.Greater(t, last, 16, "pick %d from the upper band", i)
		} else {
			assert.LessOrEqual(t, last, 16, "pick %d from the static band", i)
		}
	}
	_, err := s.Create(svcWeb("one-too-many"))
	require.ErrorIs(t, err, ErrInternal)
	assertAllocations(t, s)
}

func TestClusterIPPicksAreSeeded(t *testing.T) {
	ips := func(seed uint64) []string {
		s := newSim(t, Config{Seed: seed})
		var out []string
		for i := range 3 {
			out = append(out, mustCreateSvc(t, s, svcWeb(fmt.Sprintf("web-%d", i))).Spec.ClusterIP)
		}
		return out
	}
	assert.Equal(t, ips(7), ips(7), "same seed, same addresses")
	assert.NotEqual(t, ips(7), ips(8))
}

func TestDeleteReleasesWhatTheServiceHeld(t *testing.T) {
	s := newSim(t, Config{Seed: 1})
	np := func(s *Service) {
		s.Spec.Type, s.Spec.ClusterIP = ServiceTypeNodePort, "10.96.0.10"
		s.Spec.Ports[0].NodePort = 30080
	}
	mustCreateSvc(t, s, svcWeb("web", np))
	_, err := s.Create(svcWeb("again", np))
	require.Error(t, err)
	require.NoError(t, s.Delete(KindService, "default", "web", DeleteOptions{}))
	assertAllocations(t, s)
	again := mustCreateSvc(t, s, svcWeb("again", np))
	assert.Equal(t, "10.96.0.10", again.Spec.ClusterIP, "a freed IP can be requested again")
	assert.Equal(t, int32(30080), again.Spec.Ports[0].NodePort)

	// Deleting the namespace deletes its Services and frees theirs too.
	_, err = s.Create(&Namespace{ObjectMeta: ObjectMeta{Name: "shop"}})
	require.NoError(t, err)
	mustCreateSvc(t, s, svcWeb("cart", func(s *Service) { s.Namespace, s.Spec.ClusterIP = "shop", "10.96.0.11" }))
	require.NoError(t, s.Delete(KindNamespace, "", "shop", DeleteOptions{}))
	require.NoError(t, s.Settle())
	mustCreateSvc(t, s, svcWeb("cart", func(s *Service) { s.Spec.ClusterIP = "10.96.0.11" }))
	assertAllocations(t, s)
}

func TestTypeChangesAllocateAndRelease(t *testing.T) {
	s := newSim(t, Config{Seed: 1})
	mustCreateSvc(t, s, svcWeb("web"))
	ip := mustSvc(t, s, "web").Spec.ClusterIP

	// ClusterIP -> NodePort: node ports are allocated.
	cur := mustSvc(t, s, "web")
	cur.Spec.Type = ServiceTypeNodePort
	cur.Spec.Ports[0].NodePort = 30080
	_, err := s.Update(cur)
	require.NoError(t, err)
	assertAllocations(t, s)

	// NodePort -> ClusterIP with the node ports left as they were: they
	// are dropped and freed, as is the policy only NodePorts have.
	cur = mustSvc(t, s, "web")
	require.Equal(t, "Cluster", cur.Spec.ExternalTrafficPolicy)
	cur.Spec.Type = ServiceTypeClusterIP
	upd, err := s.Update(cur)
	require.NoError(t, err)
	assert.Zero(t, upd.(*Service).Spec.Ports[0].NodePort)
	assert.Empty(t, upd.(*Service).Spec.ExternalTrafficPolicy)
	assert.Equal(t, ip, upd.(*Service).Spec.ClusterIP)
	mustCreateSvc(t, s, svcWeb("other", withType(ServiceTypeNodePort), func(s *Service) { s.Spec.Ports[0].NodePort = 30080 }))
	assertAllocations(t, s)

	// ClusterIP -> ExternalName: the cluster IP goes.
	cur = mustSvc(t, s, "web")
	cur.Spec.Type, cur.Spec.ExternalName = ServiceTypeExternalName, "web.example.com"
	upd, err = s.Update(cur)
	require.NoError(t, err)
	assert.Empty(t, upd.(*Service).Spec.ClusterIP)
	assert.Nil(t, upd.(*Service).Spec.IPFamilies)
	mustCreateSvc(t, s, svcWeb("takes-it", func(s *Service) { s.Spec.ClusterIP = ip }))
	assertAllocations(t, s)

	// ExternalName -> ClusterIP: a new one is allocated.
	cur = mustSvc(t, s, "web")
	cur.Spec.Type, cur.Spec.ExternalName = ServiceTypeClusterIP, ""
	upd, err = s.Update(cur)
	require.NoError(t, err)
	assert.NotEmpty(t, upd.(*Service).Spec.ClusterIP)
	assert.NotEqual(t, ip, upd.(*Service).Spec.ClusterIP)
	assertAllocations(t, s)

	// LoadBalancer Local -> Cluster frees the health check port.
	cur = mustSvc(t, s, "web")
	cur.Spec.Type, cur.Spec.ExternalTrafficPolicy = ServiceTypeLoadBalancer, "Local"
	upd, err = s.Update(cur)
	require.NoError(t, err)
	hc := upd.(*Service).Spec.HealthCheckNodePort
	assert.NotZero(t, hc)
	cur = mustSvc(t, s, "web")
	cur.Spec.HealthCheckNodePort = hc + 1
	_, err = s.Update(cur)
	assert.EqualError(t, err, `Service "web" is invalid: spec.healthCheckNodePort: Forbidden: field is immutable`)
	cur.Spec.HealthCheckNodePort, cur.Spec.ExternalTrafficPolicy = hc, "Cluster"
	upd, err = s.Update(cur)
	require.NoError(t, err)
	assert.Zero(t, upd.(*Service).Spec.HealthCheckNodePort)
	assertAllocations(t, s)
}

func TestServiceStatusIsTheLoadBalancers(t *testing.T) {
	s := newSim(t, Config{Seed: 1})
	svc := svcWeb("web", withType(ServiceTypeLoadBalancer))
	svc.Status.LoadBalancer.Ingress = []LoadBalancerIngress{{IP: "1.2.3.4"}}
	created := mustCreateSvc(t, s, svc)
	assert.Empty(t, created.Status.LoadBalancer.Ingress, "a create's status is discarded")

	created.Status.LoadBalancer.Ingress = []LoadBalancerIngress{{IP: "203.0.113.7"}}
	_, err := s.UpdateStatus(created)
	require.NoError(t, err)
	cur := mustSvc(t, s, "web")
	cur.Status = ServiceStatus{}
	cur.Labels = map[string]string{"x": "y"}
	upd, err := s.Update(cur)
	require.NoError(t, err)
	assert.Equal(t, "203.0.113.7", upd.(*Service).Status.LoadBalancer.Ingress[0].IP, "a spec update keeps the status")

	cur = mustSvc(t, s, "web")
	cur.Spec.Type = ServiceTypeClusterIP
	upd, err = s.Update(cur)
	require.NoError(t, err)
	assert.Empty(t, upd.(*Service).Status.LoadBalancer.Ingress, "no longer a LoadBalancer")
}

func TestLoadBalancerController(t *testing.T) {
	t.Run("no pool", func(t *testing.T) {
		s := newSim(t, Config{Seed: 1})
		mustCreateSvc(t, s, svcWeb("web", withType(ServiceTypeLoadBalancer)))
		require.NoError(t, s.Settle())
		assert.Empty(t, mustSvc(t, s, "web").Status.LoadBalancer.Ingress)
	})
	s := newSim(t, Config{Seed: 1, LoadBalancerIPs: []string{"203.0.113.10", "203.0.113.11"}})
	for _, n := range []string{"a", "b", "c"} {
		mustCreateSvc(t, s, svcWeb(n, withType(ServiceTypeLoadBalancer)))
	}
	require.NoError(t, s.Settle())
	ingress := func(name string) []LoadBalancerIngress { return mustSvc(t, s, name).Status.LoadBalancer.Ingress }
	assert.Equal(t, []LoadBalancerIngress{{IP: "203.0.113.10"}}, ingress("a"))
	assert.Equal(t, []LoadBalancerIngress{{IP: "203.0.113.11"}}, ingress("b"))
	assert.Empty(t, ingress("c"), "the pool is used up")
	var reasons []string
	for _, e := range s.Events("default") {
		if e.Name == "c" {
			reasons = append(reasons, e.Reason)
		}
	}
	assert.Equal(t, []string{"SyncLoadBalancerFailed"}, reasons)

	// Deleting a frees its address for c.
	require.NoError(t, s.Delete(KindService, "default", "a", DeleteOptions{}))
	require.NoError(t, s.Settle())
	assert.Equal(t, []LoadBalancerIngress{{IP: "203.0.113.10"}}, ingress("c"))

	// b stops being a LoadBalancer: its address goes back to the pool.
	b := mustSvc(t, s, "b")
	b.Spec.Type = ServiceTypeNodePort
	_, err := s.Update(b)
	require.NoError(t, err)
	require.NoError(t, s.Settle())
	assert.Empty(t, ingress("b"))
	mustCreateSvc(t, s, svcWeb("d", withType(ServiceTypeLoadBalancer)))
	require.NoError(t, s.Settle())
	assert.Equal(t, []LoadBalancerIngress{{IP: "203.0.113.11"}}, ingress("d"))
}

func TestServiceConfig(t *testing.T) {
	for _, cfg := range []Config{
		{ServiceCIDR: "10.96.0.0"},
		{ServiceCIDR: "fd00::/108"},
		{ServiceCIDR: "10.0.0.0/8"},
		{ServiceCIDR: "10.0.0.0/31"},
		{NodePortRange: "32767-30000"},
		{NodePortRange: "30000"},
		{LoadBalancerIPs: []string{"203.0.113.1", "203.0.113.1"}},
		{LoadBalancerIPs: []string{"lb.example.com"}},
	} {
		_, err := New(cfg)
		assert.ErrorIs(t, err, ErrConfig, "%+v", cfg)
	}
	s := newSim(t, Config{NodePortRange: "31000-31010"})
	svc := mustCreateSvc(t, s, svcWeb("web", withType(ServiceTypeNodePort)))
	assert.GreaterOrEqual(t, svc.Spec.Ports[0].NodePort, int32(31000))
	assert.LessOrEqual(t, svc.Spec.Ports[0].NodePort, int32(31010))
	assert.Equal(t, "10.96.0.0/12", s.Config().ServiceCIDR)
	assert.Equal(t, "31000-31010", s.Config().NodePortRange)
}

func TestEndpointsValidation(t *testing.T) {
	s := newSim(t, Config{Seed: 1})
	_, err := s.Create(&Endpoints{ObjectMeta: ObjectMeta{Name: "manual"}, Subsets: []EndpointSubset{{
		Addresses: []EndpointAddress{{IP: "10.0.0.1"}, {IP: "127.0.0.1"}, {IP: "nope"}},
		Ports:     []EndpointPort{{Port: 80}, {Name: "b", Port: 0}},
	}, {}}})
	var se *StatusError
	require.ErrorAs(t, err, &se)
	assertCauses(t, []cause{
		{Field: "subsets[0].addresses[1].ip", Type: "Invalid value", Value: "127.0.0.1", Detail: "loopback"},
		{Field: "subsets[0].addresses[2].ip", Type: "Invalid value", Value: "nope"},
		{Field: "subsets[0].ports[0].name", Type: "Required value"},
		{Field: "subsets[0].ports[1].port", Type: "Invalid value", Value: "0"},
		{Field: "subsets[1]", Type: "Required value"},
	}, se.Causes)

	ep, err := s.Create(&Endpoints{ObjectMeta: ObjectMeta{Name: "manual"}, Subsets: []EndpointSubset{{
		Addresses: []EndpointAddress{{IP: "10.0.0.1"}}, Ports: []EndpointPort{{Port: 80}},
	}}})
	require.NoError(t, err)
	assert.Equal(t, ProtocolTCP, ep.(*Endpoints).Subsets[0].Ports[0].Protocol, "defaulted")

	_, err = s.Create(&EndpointSlice{ObjectMeta: ObjectMeta{Name: "bad"}, AddressType: "IPv4",
		Endpoints: []Endpoint{{Addresses: []string{"fd00::1"}}, {}},
		Ports:     []EndpointSlicePort{{Name: Ptr("http")}, {Name: Ptr("http")}}})
	require.ErrorAs(t, err, &se)
	assertCauses(t, []cause{
		{Field: "endpoints[0].addresses[0]", Type: "Invalid value", Detail: "must be an IPv4 address"},
		{Field: "endpoints[1].addresses", Type: "Required value"},
		{Field: "ports[1].name", Type: "Duplicate value", Value: "http"},
	}, se.Causes)

	sl, err := s.Create(&EndpointSlice{ObjectMeta: ObjectMeta{Name: "ok"}, AddressType: "IPv4",
		Endpoints: []Endpoint{{Addresses: []string{"10.0.0.1"}}}, Ports: []EndpointSlicePort{{Port: Ptr(int32(80))}}})
	require.NoError(t, err)
	assert.Equal(t, Ptr(""), sl.(*EndpointSlice).Ports[0].Name)
	assert.Equal(t, Ptr(ProtocolTCP), sl.(*EndpointSlice).Ports[0].Protocol)
	cur := sl.(*EndpointSlice)
	cur.AddressType = "IPv6"
	_, err = s.Update(cur)
	assert.EqualError(t, err, `EndpointSlice "ok" is invalid: [endpoints[0].addresses[0]: Invalid value: "10.0.0.1": must be an IPv6 address, addressType: Invalid value: "IPv6": field is immutable]`)
}

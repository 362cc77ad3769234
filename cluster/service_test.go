package cluster

import (
	"errors"
	"net/netip"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/svcsim/svcsim/selector"
)

// svcWeb is a valid ClusterIP Service: port 80 to pods labelled app=web.
func svcWeb(name string, mutate ...func(*Service)) *Service {
	s := &Service{
		ObjectMeta: ObjectMeta{Name: name},
		Spec:       ServiceSpec{Selector: selector.Set{"app": "web"}, Ports: []ServicePort{{Port: 80}}},
	}
	for _, m := range mutate {
		m(s)
	}
	return s
}

func createSvc(mutate ...func(*Service)) func(*Sim) error {
	return func(s *Sim) error {
		_, err := s.Create(svcWeb("web", mutate...))
		return err
	}
}

func mustCreateSvc(t *testing.T, s *Sim, svc *Service) *Service {
	t.Helper()
	o, err := s.Create(svc)
	require.NoError(t, err)
	return o.(*Service)
}

func mustSvc(t *testing.T, s *Sim, name string) *Service {
	t.Helper()
	svc, ok := GetAs[*Service](s, "default", name)
	require.True(t, ok, "service %s exists", name)
	return svc
}

func withType(typ ServiceType) func(*Service) { return func(s *Service) { s.Spec.Type = typ } }

func withPorts(ports ...ServicePort) func(*Service) { return func(s *Service) { s.Spec.Ports = ports } }

// tinyCIDR leaves room for the kubernetes Service and five more.
var tinyCIDR = Config{Seed: 1, ServiceCIDR: "10.0.0.0/29"}

// Every Service rule, and every allocation failure, returns the
// apiserver's typed error and leaves the cluster as it was, the random
// source included.
func TestServiceErrorsChangeNothing(t *testing.T) {
	const dns1123 = "a lowercase RFC 1123 label must consist of"
	const portRange = "must be between 1 and 65535, inclusive"
	taken := func(t *testing.T, s *Sim) {
		mustCreateSvc(t, s, svcWeb("first", func(s *Service) {
			s.Spec.Type, s.Spec.ClusterIP = ServiceTypeNodePort, "10.96.0.10"
			s.Spec.Ports[0].NodePort = 30080
		}))
	}
	tests := []struct {
		name     string
		cfg      *Config
		setup    func(t *testing.T, s *Sim)
		call     func(s *Sim) error
		sentinel error
		causes   []cause
		msg      string
	}{
		{name: "name not a DNS label", call: createSvc(func(s *Service) { s.Name = "Web" }), sentinel: ErrInvalid,
			causes: []cause{{Field: "metadata.name", Type: "Invalid value", Value: "Web", Detail: dns1123}}},
		{name: "name of 64 bytes", call: createSvc(func(s *Service) { s.Name = strings.Repeat("a", 64) }), sentinel: ErrInvalid,
			causes: []cause{{Field: "metadata.name", Type: "Invalid value", Detail: "must be no more than 63 characters"}}},
		{name: "generated name", call: createSvc(func(s *Service) { s.Name, s.GenerateName = "", "Web-" }), sentinel: ErrInvalid,
			causes: []cause{{Field: "metadata.generateName", Type: "Invalid value", Value: "Web-"}}},
		{name: "no ports", call: createSvc(withPorts()), sentinel: ErrInvalid,
			causes: []cause{{Field: "spec.ports", Type: "Required value"}},
			msg:    `Service "web" is invalid: spec.ports: Required value`},
		{name: "two ports need names", call: createSvc(withPorts(ServicePort{Port: 80}, ServicePort{Port: 443})), sentinel: ErrInvalid,
			causes: []cause{{Field: "spec.ports[0].name", Type: "Required value"}, {Field: "spec.ports[1].name", Type: "Required value"}}},
		{name: "port name not a DNS label", call: createSvc(withPorts(ServicePort{Name: "HTTP", Port: 80})), sentinel: ErrInvalid,
			causes: []cause{{Field: "spec.ports[0].name", Type: "Invalid value", Value: "HTTP", Detail: dns1123}}},
		{name: "duplicate port name", call: createSvc(withPorts(ServicePort{Name: "http", Port: 80}, ServicePort{Name: "http", Port: 8080})), sentinel: ErrInvalid,
			causes: []cause{{Field: "spec.ports[1].name", Type: "Duplicate value", Value: "http"}},
			msg:    `Service "web" is invalid: spec.ports[1].name: Duplicate value: "http"`},
		{name: "port 0 (and so targetPort 0)", call: createSvc(withPorts(ServicePort{Port: 0})), sentinel: ErrInvalid,
			causes: []cause{{Field: "spec.ports[0].port", Type: "Invalid value", Value: "0"}, {Field: "spec.ports[0].targetPort", Type: "Invalid value", Value: "0"}},
			msg:    `Service "web" is invalid: [spec.ports[0].port: Invalid value: 0: ` + portRange + `, spec.ports[0].targetPort: Invalid value: 0: ` + portRange + `]`},
		{name: "port 70000", call: createSvc(withPorts(ServicePort{Port: 70000, TargetPort: FromInt(8080)})), sentinel: ErrInvalid,
			causes: []cause{{Field: "spec.ports[0].port", Type: "Invalid value", Value: "70000", Detail: portRange}}},
		{name: "unsupported protocol", call: createSvc(withPorts(ServicePort{Port: 80, Protocol: "HTTP"})), sentinel: ErrInvalid,
			causes: []cause{{Field: "spec.ports[0].protocol", Type: "Unsupported value", Value: "HTTP"}},
			msg:    `Service "web" is invalid: spec.ports[0].protocol: Unsupported value: "HTTP": supported values: "SCTP", "TCP", "UDP"`},
		{name: "same protocol and port twice", call: createSvc(withPorts(ServicePort{Name: "a", Port: 80}, ServicePort{Name: "b", Port: 80, TargetPort: FromInt(8080)})), sentinel: ErrInvalid,
			causes: []cause{{Field: "spec.ports[1]", Type: "Duplicate value"}},
			msg:    `Service "web" is invalid: spec.ports[1]: Duplicate value: {"Name":"","Protocol":"TCP","AppProtocol":null,"Port":80,"TargetPort":0,"NodePort":0}`},
		{name: "named targetPort not an IANA name", call: createSvc(withPorts(ServicePort{Port: 80, TargetPort: FromString("web--port")})), sentinel: ErrInvalid,
			causes: []cause{{Field: "spec.ports[0].targetPort", Type: "Invalid value", Value: "web--port", Detail: "must not contain consecutive hyphens"}}},
		{name: "targetPort out of range", call: createSvc(withPorts(ServicePort{Port: 80, TargetPort: FromInt(-1)})), sentinel: ErrInvalid,
			causes: []cause{{Field: "spec.ports[0].targetPort", Type: "Invalid value", Value: "-1", Detail: portRange}}},
		{name: "nodePort on a ClusterIP Service", call: createSvc(withPorts(ServicePort{Port: 80, NodePort: 30080})), sentinel: ErrInvalid,
			causes: []cause{{Field: "spec.ports[0].nodePort", Type: "Forbidden"}},
			msg:    "Service \"web\" is invalid: spec.ports[0].nodePort: Forbidden: may not be used when `type` is 'ClusterIP'"},
		{name: "duplicate nodePort", call: createSvc(withType(ServiceTypeNodePort), withPorts(ServicePort{Name: "a", Port: 80, NodePort: 30080}, ServicePort{Name: "b", Port: 81, NodePort: 30080})), sentinel: ErrInvalid,
			causes: []cause{{Field: "spec.ports[1].nodePort", Type: "Duplicate value", Value: "30080"}}},
		{name: "headless NodePort", call: createSvc(withType(ServiceTypeNodePort), func(s *Service) { s.Spec.ClusterIP = ClusterIPNone }), sentinel: ErrInvalid,
			causes: []cause{{Field: "spec.clusterIPs[0]", Type: "Invalid value", Value: "None"}},
			msg:    `Service "web" is invalid: spec.clusterIPs[0]: Invalid value: "None": may not be set to 'None' for NodePort services`},
		{name: "headless LoadBalancer", call: createSvc(withType(ServiceTypeLoadBalancer), func(s *Service) { s.Spec.ClusterIP = ClusterIPNone }), sentinel: ErrInvalid,
			causes: []cause{{Field: "spec.clusterIPs[0]", Type: "Invalid value", Detail: "may not be set to 'None' for LoadBalancer services"}}},
		{name: "ExternalName without a name", call: createSvc(withType(ServiceTypeExternalName)), sentinel: ErrInvalid,
			causes: []cause{{Field: "spec.externalName", Type: "Required value"}}},
		{name: "ExternalName not a DNS name", call: createSvc(withType(ServiceTypeExternalName), func(s *Service) { s.Spec.ExternalName = "db_host.example.com" }), sentinel: ErrInvalid,
			causes: []cause{{Field: "spec.externalName", Type: "Invalid value", Value: "db_host.example.com"}}},
		{name: "ExternalName with a cluster IP", call: createSvc(withType(ServiceTypeExternalName), func(s *Service) { s.Spec.ExternalName, s.Spec.ClusterIP = "db.example.com", "10.96.0.10" }), sentinel: ErrInvalid,
			causes: []cause{{Field: "spec.clusterIPs", Type: "Forbidden"}},
			msg:    `Service "web" is invalid: spec.clusterIPs: Forbidden: may not be set for ExternalName services`},
		{name: "ExternalName with IP families", call: createSvc(withType(ServiceTypeExternalName), func(s *Service) { s.Spec.ExternalName, s.Spec.IPFamilies = "db.example.com", []string{"IPv4"} }), sentinel: ErrInvalid,
			causes: []cause{{Field: "spec.ipFamilies", Type: "Forbidden"}}},
		{name: "bad selector key", call: createSvc(func(s *Service) { s.Spec.Selector = selector.Set{"bad key!": "x"} }), sentinel: ErrInvalid,
			causes: []cause{{Field: "spec.selector", Type: "Invalid value", Value: "bad key!"}}},
		{name: "bad selector value", call: createSvc(func(s *Service) { s.Spec.Selector = selector.Set{"app": "-web"} }), sentinel: ErrInvalid,
			causes: []cause{{Field: "spec.selector", Type: "Invalid value", Value: "-web"}}},
		{name: "unsupported session affinity", call: createSvc(func(s *Service) { s.Spec.SessionAffinity = "Sticky" }), sentinel: ErrInvalid,
			causes: []cause{{Field: "spec.sessionAffinity", Type: "Unsupported value", Value: "Sticky"}},
			msg:    `Service "web" is invalid: spec.sessionAffinity: Unsupported value: "Sticky": supported values: "ClientIP", "None"`},
		{name: "affinity timeout 0", call: createSvc(clientIP(0)), sentinel: ErrInvalid,
			causes: []cause{{Field: "spec.sessionAffinityConfig.clientIP.timeoutSeconds", Type: "Invalid value", Value: "0"}},
			msg:    `Service "web" is invalid: spec.sessionAffinityConfig.clientIP.timeoutSeconds: Invalid value: 0: must be greater than 0 and less than 86400`},
		{name: "affinity timeout over a day", call: createSvc(clientIP(86401)), sentinel: ErrInvalid,
			causes: []cause{{Field: "spec.sessionAffinityConfig.clientIP.timeoutSeconds", Type: "Invalid value", Value: "86401"}}},
		{name: "externalTrafficPolicy on a ClusterIP Service", call: createSvc(func(s *Service) { s.Spec.ExternalTrafficPolicy = "Local" }), sentinel: ErrInvalid,
			causes: []cause{{Field: "spec.externalTrafficPolicy", Type: "Invalid value", Value: "Local", Detail: "may only be set for externally-accessible services"}}},
		{name: "unsupported externalTrafficPolicy", call: createSvc(withType(ServiceTypeNodePort), func(s *Service) { s.Spec.ExternalTrafficPolicy = "Nearest" }), sentinel: ErrInvalid,
			causes: []cause{{Field: "spec.externalTrafficPolicy", Type: "Unsupported value", Value: "Nearest"}}},
		{name: "unsupported internalTrafficPolicy", call: createSvc(func(s *Service) { s.Spec.InternalTrafficPolicy = Ptr("Nearest") }), sentinel: ErrInvalid,
			causes: []cause{{Field: "spec.internalTrafficPolicy", Type: "Unsupported value", Value: "Nearest"}}},
		{name: "unsupported type", call: createSvc(withType("Ingress")), sentinel: ErrInvalid,
			causes: []cause{{Field: "spec.type", Type: "Unsupported value", Value: "Ingress"}},
			msg:    `Service "web" is invalid: spec.type: Unsupported value: "Ingress": supported values: "ClusterIP", "ExternalName", "LoadBalancer", "NodePort"`},
		{name: "allocateLoadBalancerNodePorts on a NodePort Service", call: createSvc(withType(ServiceTypeNodePort), func(s *Service) { s.Spec.AllocateLoadBalancerNodePorts = Ptr(false) }), sentinel: ErrInvalid,
			causes: []cause{{Field: "spec.allocateLoadBalancerNodePorts", Type: "Forbidden"}}},
		{name: "healthCheckNodePort without Local", call: createSvc(withType(ServiceTypeLoadBalancer), func(s *Service) { s.Spec.HealthCheckNodePort = 30500 }), sentinel: ErrInvalid,
			causes: []cause{{Field: "spec.healthCheckNodePort", Type: "Invalid value", Value: "30500"}}},
		{name: "not an IP", call: createSvc(func(s *Service) { s.Spec.ClusterIP = "10.96.0.300" }), sentinel: ErrInvalid,
			causes: []cause{{Field: "spec.clusterIPs[0]", Type: "Invalid value", Value: "10.96.0.300", Detail: "must be a valid IP address"}}},
		{name: "leading zeros", call: createSvc(func(s *Service) { s.Spec.ClusterIP = "10.96.0.010" }), sentinel: ErrInvalid,
			causes: []cause{{Field: "spec.clusterIPs[0]", Type: "Invalid value", Detail: "must not have leading 0s"}}},
		{name: "clusterIPs disagree with clusterIP", call: createSvc(func(s *Service) { s.Spec.ClusterIP, s.Spec.ClusterIPs = "10.96.0.10", []string{"10.96.0.11"} }), sentinel: ErrInvalid,
			causes: []cause{{Field: "spec.clusterIPs", Type: "Invalid value", Value: "[10.96.0.11]"}},
			msg:    "Service \"web\" is invalid: spec.clusterIPs: Invalid value: [\"10.96.0.11\"]: first value must match `clusterIP`"},
		{name: "IPv6 cluster IP", call: createSvc(func(s *Service) { s.Spec.ClusterIP = "fd00::10" }), sentinel: ErrInvalid,
			causes: []cause{{Field: "spec.clusterIPs[0]", Type: "Invalid value"}},
			msg:    `Service "web" is invalid: spec.clusterIPs[0]: Invalid value: ["fd00::10"]: IPv6 is not configured on this cluster`},
		{name: "dual-stack required", call: createSvc(func(s *Service) { s.Spec.IPFamilyPolicy = Ptr("RequireDualStack") }), sentinel: ErrInvalid,
			causes: []cause{{Field: "spec.ipFamilyPolicy", Type: "Invalid value", Value: "RequireDualStack", Detail: "this cluster is not configured for dual-stack services"}}},
		{name: "loopback external IP", call: createSvc(func(s *Service) { s.Spec.ExternalIPs = []string{"127.0.0.1"} }), sentinel: ErrInvalid,
			causes: []cause{{Field: "spec.externalIPs[0]", Type: "Invalid value", Value: "127.0.0.1", Detail: "may not be in the loopback range"}}},

		// Allocation failures.
		{name: "cluster IP taken", setup: taken, call: createSvc(func(s *Service) { s.Spec.ClusterIP = "10.96.0.10" }), sentinel: ErrInvalid,
			causes: []cause{{Field: "spec.clusterIPs", Type: "Invalid value"}},
			msg:    `Service "web" is invalid: spec.clusterIPs: Invalid value: ["10.96.0.10"]: failed to allocate IP 10.96.0.10: provided IP is already allocated`},
		{name: "generated name, taken cluster IP", call: createSvc(func(s *Service) { s.Name, s.GenerateName, s.Spec.ClusterIP = "", "web-", "10.96.0.1" }), sentinel: ErrInvalid,
			msg: `Service "web-" is invalid: spec.clusterIPs: Invalid value: ["10.96.0.1"]: failed to allocate IP 10.96.0.1: provided IP is already allocated`},
		{name: "name taken", setup: func(t *testing.T, s *Sim) { mustCreateSvc(t, s, svcWeb("web", withType(ServiceTypeNodePort))) },
			call: createSvc(withType(ServiceTypeNodePort), func(s *Service) { s.Spec.Ports[0].NodePort = 30123 }), sentinel: ErrAlreadyExists,
			msg: `services "web" already exists`},
		{name: "cluster IP of the kubernetes Service", call: createSvc(func(s *Service) { s.Spec.ClusterIP = "10.96.0.1" }), sentinel: ErrInvalid,
			causes: []cause{{Field: "spec.clusterIPs", Type: "Invalid value", Detail: "provided IP is already allocated"}}},
		{name: "cluster IP out of range", call: createSvc(func(s *Service) { s.Spec.ClusterIP = "1.2.3.4" }), sentinel: ErrInvalid,
			causes: []cause{{Field: "spec.clusterIPs", Type: "Invalid value"}},
			msg:    `Service "web" is invalid: spec.clusterIPs: Invalid value: ["1.2.3.4"]: failed to allocate IP 1.2.3.4: the provided IP (1.2.3.4) is not in the valid range. The range of valid IPs is 10.96.0.0/12`},
		{name: "the network address", call: createSvc(func(s *Service) { s.Spec.ClusterIP = "10.96.0.0" }), sentinel: ErrInvalid,
			causes: []cause{{Field: "spec.clusterIPs", Type: "Invalid value", Detail: "is not in the valid range"}}},
		{name: "the broadcast address", call: createSvc(func(s *Service) { s.Spec.ClusterIP = "10.111.255.255" }), sentinel: ErrInvalid,
			causes: []cause{{Field: "spec.clusterIPs", Type: "Invalid value", Detail: "is not in the valid range"}}},
		{name: "cluster IPs exhausted", cfg: &tinyCIDR, setup: fillServiceIPs, call: createSvc(), sentinel: ErrInternal,
			msg: `Internal error occurred: failed to allocate a serviceIP: range is full`},
		{name: "node port taken", setup: taken, call: createSvc(withType(ServiceTypeNodePort), func(s *Service) { s.Spec.Ports[0].NodePort = 30080 }), sentinel: ErrInvalid,
			causes: []cause{{Field: "spec.ports[0].nodePort", Type: "Invalid value", Value: "30080"}},
			msg:    `Service "web" is invalid: spec.ports[0].nodePort: Invalid value: 30080: provided port is already allocated`},
		{name: "node port out of range", call: createSvc(withType(ServiceTypeNodePort), func(s *Service) { s.Spec.Ports[0].NodePort = 8080 }), sentinel: ErrInvalid,
			causes: []cause{{Field: "spec.ports[0].nodePort", Type: "Invalid value", Value: "8080"}},
			msg:    `Service "web" is invalid: spec.ports[0].nodePort: Invalid value: 8080: provided port is not in the valid range. The range of valid ports is 30000-32767`},
		{name: "node ports exhausted", cfg: &Config{Seed: 1, NodePortRange: "30000-30001"}, setup: func(t *testing.T, s *Sim) {
			mustCreateSvc(t, s, svcWeb("full", withType(ServiceTypeNodePort), withPorts(ServicePort{Name: "a", Port: 80}, ServicePort{Name: "b", Port: 81})))
		}, call: createSvc(withType(ServiceTypeNodePort)), sentinel: ErrInternal,
			msg: `Internal error occurred: failed to allocate a nodePort: range is full`},
		{name: "a later request for the last free port", cfg: &Config{Seed: 1, NodePortRange: "30000-30001"}, setup: func(t *testing.T, s *Sim) {
			mustCreateSvc(t, s, svcWeb("full", withType(ServiceTypeNodePort), func(s *Service) { s.Spec.Ports[0].NodePort = 30000 }))
		}, call: createSvc(withType(ServiceTypeNodePort), withPorts(ServicePort{Name: "a", Port: 80}, ServicePort{Name: "b", Port: 81, NodePort: 30001})), sentinel: ErrInvalid,
			causes: []cause{{Field: "spec.ports[1].nodePort", Type: "Invalid value", Value: "30001", Detail: "provided port is already allocated"}}},
		{name: "immutable cluster IP", setup: taken, call: func(s *Sim) error {
			svc, _ := GetAs[*Service](s, "default", "first")
			svc.Spec.ClusterIP = "10.96.3.4"
			_, err := s.Update(svc)
			return err
		}, sentinel: ErrInvalid,
			causes: []cause{{Field: "spec.clusterIPs[0]", Type: "Invalid value", Value: "[10.96.3.4]"}},
			msg:    `Service "first" is invalid: spec.clusterIPs[0]: Invalid value: ["10.96.3.4"]: may not change once set`},
		{name: "update to a taken node port", setup: func(t *testing.T, s *Sim) {
			taken(t, s)
			mustCreateSvc(t, s, svcWeb("second", withType(ServiceTypeNodePort)))
		}, call: func(s *Sim) error {
			svc, _ := GetAs[*Service](s, "default", "second")
			svc.Spec.Ports[0].NodePort = 30080
			_, err := s.Update(svc)
			return err
		}, sentinel: ErrInvalid,
			msg: `Service "second" is invalid: spec.ports[0].nodePort: Invalid value: 30080: provided port is already allocated`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg := Config{Seed: 1}
			if tt.cfg != nil {
				cfg = *tt.cfg
			}
			s, twin := newSim(t, cfg), newSim(t, cfg)
			if tt.setup != nil {
				tt.setup(t, s)
				tt.setup(t, twin)
			}
			before := takeSnapshot(s)
			err := tt.call(s)
			require.Error(t, err)
			var se *StatusError
			require.True(t, errors.As(err, &se), "a *StatusError, got %T: %v", err, err)
			for _, sentinel := range []error{ErrInvalid, ErrInternal, ErrAlreadyExists, ErrNotFound, ErrConflict} {
				assert.Equal(t, sentinel == tt.sentinel, errors.Is(err, sentinel), "errors.Is(err, %v): %v", sentinel, err)
			}
			if tt.causes != nil {
				assertCauses(t, tt.causes, se.Causes)
			}
			if tt.msg != "" {
				assert.Equal(t, tt.msg, err.Error())
			}
			assertUnchanged(t, s, before)
			assert.Equal(t, twin.rand.Uint64(), s.rand.Uint64(), "nothing was drawn from the random source")
			assertAllocations(t, s)
		})
	}
}

func clientIP(timeout int32) func(*Service) {
	return func(s *Service) {
		s.Spec.SessionAffinity = "ClientIP"
		s.Spec.SessionAffinityConfig = &SessionAffinityConfig{ClientIP: &ClientIPConfig{TimeoutSeconds: Ptr(timeout)}}
	}
}

// fillServiceIPs takes every address of tinyCIDR left after the
// kubernetes Service.
func fillServiceIPs(t *testing.T, s *Sim) {
	for _, n := range []string{"a", "b", "c", "d", "e"} {
		mustCreateSvc(t, s, svcWeb(n))
	}
}

// helperT is what both *testing.T and *rapid.T offer.
type helperT interface {
	require.TestingT
	Helper()
}

// assertAllocations checks the allocators against the store: exactly the
// cluster IPs and node ports the stored Services hold are marked, each by
// one Service.
func assertAllocations(t helperT, s *Sim) {
	t.Helper()
	ips, ports := map[string]string{}, map[int32]string{}
	for _, svc := range ListAs[*Service](s, "", everything) {
		key := svc.Namespace + "/" + svc.Name
		if needsClusterIP(svc) {
			assert.NotEmpty(t, svc.Spec.ClusterIP, "%s has a cluster IP", key)
		}
		if ip := allocatedIP(svc); ip != "" {
			assert.Empty(t, ips[ip], "%s holds %s, which %s holds", key, ip, ips[ip])
			ips[ip] = key
			i, ok := s.serviceIPs.index(mustAddr(t, ip))
			if assert.True(t, ok, "%s: %s in range", key, ip) {
				assert.True(t, s.serviceIPs.bits.has(i), "%s: %s marked", key, ip)
			}
		}
		held := map[int32]bool{}
		for _, p := range append(allocatedNodePorts(svc), allocatedHealthCheck(svc)) {
			if p == 0 || held[p] {
				continue
			}
			held[p] = true
			assert.Empty(t, ports[p], "%s holds node port %d, which %s holds", key, p, ports[p])
			ports[p] = key
			assert.True(t, s.nodePorts.bits.has(int(p)-s.nodePorts.base), "%s: node port %d marked", key, p)
		}
	}
	assert.Equal(t, len(ips), s.serviceIPs.bits.count, "no other cluster IP is marked")
	assert.Equal(t, len(ports), s.nodePorts.bits.count, "no other node port is marked")
}

func mustAddr(t helperT, s string) netip.Addr {
	t.Helper()
	a, err := netip.ParseAddr(s)
	require.NoError(t, err)
	return a
}

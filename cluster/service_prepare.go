package cluster

import (
	"net/netip"
	"slices"
)

// What the apiserver's Service registry does to a written Service between
// defaulting and validation.

// prepareService does what the Service registry does to a written object
// before validating it. On create (old nil) it fills clusterIPs from
// clusterIP. On update it first patches in the values the apiserver
// allocated and the client left out, so that re-applying a manifest without
// them succeeds; then it syncs clusterIPs with a changed clusterIP, and
// drops the allocated fields a type change no longer needs, when the client
// left them as they were. Last it infers the IP family fields.
func prepareService(s, old *Service) {
	if old != nil {
		patchAllocatedValues(s, old)
	}
	normalizeClusterIPs(s, old)
	if old != nil {
		dropTypeDependentFields(s, old)
	}
	initIPFamilies(s, old)
}

func patchAllocatedValues(s, old *Service) {
	if needsClusterIP(old) && needsClusterIP(s) {
		if s.Spec.ClusterIP == "" {
			s.Spec.ClusterIP = old.Spec.ClusterIP
		}
		if len(s.Spec.ClusterIPs) == 0 && len(old.Spec.ClusterIPs) > 0 {
			s.Spec.ClusterIPs = slices.Clone(old.Spec.ClusterIPs)
		}
	}
	if needsNodePort(old) && needsNodePort(s) {
		// A value both objects hold is taken; an old value is patched in,
		// matched by port name, only where it is not.
		inNew := map[int32]bool{}
		for _, p := range s.Spec.Ports {
			inNew[p.NodePort] = true
		}
		byName := map[string]int32{}
		for _, p := range old.Spec.Ports {
			byName[p.Name] = p.NodePort
		}
		for i := range s.Spec.Ports {
			p := &s.Spec.Ports[i]
			if v := byName[p.Name]; p.NodePort == 0 && !(v != 0 && inNew[v]) {
				p.NodePort = v
			}
		}
	}
	if needsHealthCheck(old) && needsHealthCheck(s) && s.Spec.HealthCheckNodePort == 0 {
		s.Spec.HealthCheckNodePort = old.Spec.HealthCheckNodePort
	}
}

// normalizeClusterIPs keeps clusterIPs in step with clusterIP for clients
// that set only the singular field.
func normalizeClusterIPs(s, old *Service) {
	sp := &s.Spec
	if old == nil {
		if sp.ClusterIP != "" && len(sp.ClusterIPs) == 0 {
			sp.ClusterIPs = []string{sp.ClusterIP}
		}
		return
	}
	if len(old.Spec.ClusterIPs) > 0 && len(sp.ClusterIPs) == 0 && old.Spec.ClusterIP == sp.ClusterIP {
		sp.ClusterIPs = slices.Clone(old.Spec.ClusterIPs)
	}
	if old.Spec.ClusterIP == sp.ClusterIP || !slices.Equal(old.Spec.ClusterIPs, sp.ClusterIPs) {
		return
	}
	if old.Spec.ClusterIP != "" && sp.ClusterIP == "" {
		sp.ClusterIPs = nil
	} else {
		sp.ClusterIPs = []string{sp.ClusterIP}
	}
}

func dropTypeDependentFields(s, old *Service) {
	sp, op := &s.Spec, &old.Spec
	if needsClusterIP(old) && !needsClusterIP(s) {
		if sp.ClusterIP == op.ClusterIP && slices.Equal(sp.ClusterIPs, op.ClusterIPs) {
			sp.ClusterIP, sp.ClusterIPs = "", nil
		}
		if slices.Equal(sp.IPFamilies, op.IPFamilies) {
			sp.IPFamilies = nil
		}
		if equalPtr(sp.IPFamilyPolicy, op.IPFamilyPolicy) {
			sp.IPFamilyPolicy = nil
		}
	}
	if needsNodePort(old) && !needsNodePort(s) && subsetNodePorts(s, old) {
		for i := range sp.Ports {
			sp.Ports[i].NodePort = 0
		}
	}
	if needsHealthCheck(old) && !needsHealthCheck(s) && sp.HealthCheckNodePort == op.HealthCheckNodePort {
		sp.HealthCheckNodePort = 0
	}
	if op.Type == ServiceTypeLoadBalancer && sp.Type != ServiceTypeLoadBalancer && equalPtr(sp.AllocateLoadBalancerNodePorts, op.AllocateLoadBalancerNodePorts) {
		sp.AllocateLoadBalancerNodePorts = nil
	}
	if externallyAccessible(old) && !externallyAccessible(s) && sp.ExternalTrafficPolicy == op.ExternalTrafficPolicy {
		sp.ExternalTrafficPolicy = ""
	}
	// Load balancer teardown is asynchronous in a real cluster, but the
	// apiserver does not make clients wait to see it.
	if sp.Type != ServiceTypeLoadBalancer {
		s.Status.LoadBalancer = LoadBalancerStatus{}
	}
}

// subsetNodePorts reports whether s adds no node port old did not have.
func subsetNodePorts(s, old *Service) bool {
	for _, p := range s.Spec.Ports {
		if p.NodePort != 0 && !slices.ContainsFunc(old.Spec.Ports, func(q ServicePort) bool { return q.NodePort == p.NodePort }) {
			return false
		}
	}
	return true
}

func equalPtr[T comparable](a, b *T) bool {
	return a == nil && b == nil || a != nil && b != nil && *a == *b
}

// initIPFamilies sets ipFamilyPolicy and ipFamilies as the allocator does
// on an IPv4 cluster: an omitted policy is the stored one or SingleStack;
// families follow the cluster IPs. A headless Service without a selector is
// the exception Kubernetes makes: RequireDualStack with both families, on
// any cluster, because nothing says what its hand-written endpoints hold.
// An IPv6 cluster IP is left for validation to reject.
func initIPFamilies(s, old *Service) {
	sp := &s.Spec
	if !needsClusterIP(s) {
		return
	}
	headlessNoSelector := sp.ClusterIP == ClusterIPNone && len(sp.Selector) == 0
	if sp.IPFamilyPolicy == nil {
		switch {
		case old != nil && old.Spec.IPFamilyPolicy != nil:
			sp.IPFamilyPolicy = Ptr(*old.Spec.IPFamilyPolicy)
		case headlessNoSelector:
			sp.IPFamilyPolicy = Ptr(requireDualStack)
		default:
			sp.IPFamilyPolicy = Ptr(singleStack)
		}
	}
	if len(sp.IPFamilies) > 0 {
		return
	}
	for _, ip := range sp.ClusterIPs {
		a, err := netip.ParseAddr(ip)
		if err != nil || !a.Is4() {
			if ip != ClusterIPNone {
				return
			}
			break
		}
		sp.IPFamilies = append(sp.IPFamilies, ipv4)
	}
	if len(sp.IPFamilies) == 0 {
		sp.IPFamilies = []string{ipv4}
	}
	if headlessNoSelector && *sp.IPFamilyPolicy != singleStack {
		sp.IPFamilies = []string{ipv4, ipv6}
	}
}

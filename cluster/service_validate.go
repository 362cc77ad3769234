package cluster

import (
	"fmt"
	"net/netip"
	"slices"
	"strconv"
	"strings"

	"github.com/svcsim/svcsim/selector"
)

// Service field values the API defines.
const (
	affinityNone     = "None"
	affinityClientIP = "ClientIP"
	policyCluster    = "Cluster"
	policyLocal      = "Local"
	ipv4             = "IPv4"
	ipv6             = "IPv6"
	singleStack      = "SingleStack"
	preferDualStack  = "PreferDualStack"
	requireDualStack = "RequireDualStack"
	// defaultAffinityTimeout and maxAffinityTimeout bound ClientIP affinity.
	defaultAffinityTimeout = 10800
	maxAffinityTimeout     = 86400
)

func needsClusterIP(s *Service) bool { return s.Spec.Type != ServiceTypeExternalName }

func needsNodePort(s *Service) bool {
	return s.Spec.Type == ServiceTypeNodePort || s.Spec.Type == ServiceTypeLoadBalancer
}

// shouldAllocateNodePorts says whether ports without a nodePort get one: a
// LoadBalancer may opt out, though explicit requests are still honoured.
func shouldAllocateNodePorts(s *Service) bool {
	switch s.Spec.Type {
	case ServiceTypeNodePort:
		return true
	case ServiceTypeLoadBalancer:
		return s.Spec.AllocateLoadBalancerNodePorts == nil || *s.Spec.AllocateLoadBalancerNodePorts
	}
	return false
}

func needsHealthCheck(s *Service) bool {
	return s.Spec.Type == ServiceTypeLoadBalancer && s.Spec.ExternalTrafficPolicy == policyLocal
}

// externallyAccessible is Kubernetes' test for Services that
// externalTrafficPolicy applies to.
func externallyAccessible(s *Service) bool {
	return needsNodePort(s) || s.Spec.Type == ServiceTypeClusterIP && len(s.Spec.ExternalIPs) > 0
}

func isHeadless(s *Service) bool {
	return len(s.Spec.ClusterIPs) == 1 && s.Spec.ClusterIPs[0] == ClusterIPNone
}

// defaultService fills in what SetDefaults_Service does. The IP family
// fields are not defaults but the allocator's, and are set in
// prepareService, which knows the stored object.
func defaultService(s *Service) {
	sp := &s.Spec
	if sp.SessionAffinity == "" {
		sp.SessionAffinity = affinityNone
	}
	switch sp.SessionAffinity {
	case affinityNone:
		// Defaulting drops the config, so v1 clients never see the
		// Forbidden error the internal validation has for it.
		sp.SessionAffinityConfig = nil
	case affinityClientIP:
		if c := sp.SessionAffinityConfig; c == nil || c.ClientIP == nil || c.ClientIP.TimeoutSeconds == nil {
			sp.SessionAffinityConfig = &SessionAffinityConfig{ClientIP: &ClientIPConfig{TimeoutSeconds: Ptr(int32(defaultAffinityTimeout))}}
		}
	}
	if sp.Type == "" {
		sp.Type = ServiceTypeClusterIP
	}
	for i := range sp.Ports {
		p := &sp.Ports[i]
		if p.Protocol == "" {
			p.Protocol = ProtocolTCP
		}
		if p.TargetPort == (IntOrString{}) || p.TargetPort == FromString("") {
			p.TargetPort = FromInt(p.Port)
		}
	}
	if externallyAccessible(s) && sp.ExternalTrafficPolicy == "" {
		sp.ExternalTrafficPolicy = policyCluster
	}
	if sp.InternalTrafficPolicy == nil && (sp.Type == ServiceTypeClusterIP || needsNodePort(s)) {
		sp.InternalTrafficPolicy = Ptr(policyCluster)
	}
	if sp.Type == ServiceTypeLoadBalancer && sp.AllocateLoadBalancerNodePorts == nil {
		sp.AllocateLoadBalancerNodePorts = Ptr(true)
	}
}

// servicePortKey has the shape of the apiserver's internal ServicePort,
// whose JSON form its duplicate-port error shows.
type servicePortKey struct {
	Name        string
	Protocol    Protocol
	AppProtocol *string
	Port        int32
	TargetPort  IntOrString
	NodePort    int32
}

// validateService checks a Service as ValidateService does. Errors that
// depend on what is allocated come later, from the allocators.
func validateService(errs *fieldErrors, s *Service) {
	validateMeta(errs, &s.ObjectMeta, true)
	sp := &s.Spec
	headless := isHeadless(s)
	if len(sp.Ports) == 0 && !headless && sp.Type != ServiceTypeExternalName {
		errs.required("spec.ports", "")
	}
	switch sp.Type {
	case ServiceTypeLoadBalancer, ServiceTypeNodePort:
		if headless {
			errs.invalid("spec.clusterIPs[0]", sp.ClusterIPs[0], fmt.Sprintf("may not be set to 'None' for %s services", sp.Type))
		}
	case ServiceTypeExternalName:
		if len(sp.ClusterIPs) > 0 {
			errs.forbidden("spec.clusterIPs", "may not be set for ExternalName services")
		}
		if len(sp.IPFamilies) > 0 {
			errs.forbidden("spec.ipFamilies", "may not be set for ExternalName services")
		}
		if sp.IPFamilyPolicy != nil {
			errs.forbidden("spec.ipFamilyPolicy", "may not be set for ExternalName services")
		}
		// A CNAME may end in a dot to say it is fully qualified.
		if cname := strings.TrimSuffix(sp.ExternalName, "."); cname != "" {
			validateDNSSubdomain(errs, "spec.externalName", cname)
		} else {
			errs.required("spec.externalName", "")
		}
	}
	validateServicePorts(errs, s)
	for _, k := range sortedKeys(sp.Selector) {
		for _, p := range selector.KeyProblems(k) {
			errs.invalid("spec.selector", k, p)
		}
		for _, p := range selector.ValueProblems(sp.Selector[k]) {
			errs.invalid("spec.selector", sp.Selector[k], p)
		}
	}
	validateSessionAffinity(errs, s)
	validateClusterIPs(errs, s)
	for i, ip := range sp.ExternalIPs {
		f := fmt.Sprintf("spec.externalIPs[%d]", i)
		if p := ipProblems(ip); p != nil {
			for _, msg := range p {
				errs.invalid(f, ip, msg)
			}
			continue
		}
		for _, msg := range specialIPProblems(ip) {
			errs.invalid(f, ip, msg)
		}
	}
	switch sp.Type {
	case ServiceTypeClusterIP, ServiceTypeNodePort, ServiceTypeLoadBalancer, ServiceTypeExternalName:
	default:
		errs.unsupported("spec.type", string(sp.Type), "ClusterIP", "ExternalName", "LoadBalancer", "NodePort")
	}
	validateNodePorts(errs, s)
	if sp.AllocateLoadBalancerNodePorts != nil && sp.Type != ServiceTypeLoadBalancer {
		errs.forbidden("spec.allocateLoadBalancerNodePorts", "may only be used when `type` is 'LoadBalancer'")
	}
	validateTrafficPolicies(errs, s)
}

func validateServicePorts(errs *fieldErrors, s *Service) {
	ports := s.Spec.Ports
	names := map[string]bool{}
	for i, p := range ports {
		f := fmt.Sprintf("spec.ports[%d]", i)
		switch {
		case p.Name == "" && len(ports) > 1:
			errs.required(f+".name", "")
		case p.Name != "":
			validateDNSLabel(errs, f+".name", p.Name)
			if names[p.Name] {
				errs.duplicate(f+".name", p.Name)
			}
			names[p.Name] = true
		}
		if p.Port < 1 || p.Port > 65535 {
			errs.invalidNum(f+".port", int64(p.Port), "must be between 1 and 65535, inclusive")
		}
		switch p.Protocol {
		case ProtocolTCP, ProtocolUDP, ProtocolSCTP:
		default:
			errs.unsupported(f+".protocol", string(p.Protocol), "SCTP", "TCP", "UDP")
		}
		switch t := p.TargetPort; {
		case !t.IsString && (t.IntVal < 1 || t.IntVal > 65535):
			errs.invalidNum(f+".targetPort", int64(t.IntVal), "must be between 1 and 65535, inclusive")
		case t.IsString && t.StrVal != "":
			for _, msg := range portNameProblems(t.StrVal) {
				errs.invalid(f+".targetPort", t.StrVal, msg)
			}
		}
		if p.AppProtocol != nil {
			for _, msg := range selector.KeyProblems(*p.AppProtocol) {
				errs.invalid(f+".appProtocol", *p.AppProtocol, msg)
			}
		}
	}
	seen := map[servicePortKey]bool{}
	for i, p := range ports {
		k := servicePortKey{Protocol: p.Protocol, Port: p.Port}
		if seen[k] {
			*errs = append(*errs, FieldError{Field: fmt.Sprintf("spec.ports[%d]", i), Type: "Duplicate value", Value: k})
		}
		seen[k] = true
	}
}

func validateNodePorts(errs *fieldErrors, s *Service) {
	type key struct {
		proto Protocol
		port  int32
	}
	seen := map[key]bool{}
	for i, p := range s.Spec.Ports {
		f := fmt.Sprintf("spec.ports[%d].nodePort", i)
		if p.NodePort != 0 && s.Spec.Type == ServiceTypeClusterIP {
			errs.forbidden(f, "may not be used when `type` is 'ClusterIP'")
		}
	}
	for i, p := range s.Spec.Ports {
		if p.NodePort == 0 {
			continue
		}
		k := key{p.Protocol, p.NodePort}
		if seen[k] {
			*errs = append(*errs, FieldError{Field: fmt.Sprintf("spec.ports[%d].nodePort", i), Type: "Duplicate value", Value: int64(p.NodePort)})
		}
		seen[k] = true
	}
}

func validateSessionAffinity(errs *fieldErrors, s *Service) {
	sp := &s.Spec
	switch sp.SessionAffinity {
	case affinityClientIP:
		const when = "when session affinity type is ClientIP"
		c := sp.SessionAffinityConfig
		switch {
		case c == nil:
			errs.required("spec.sessionAffinityConfig", when)
		case c.ClientIP == nil:
			errs.required("spec.sessionAffinityConfig.clientIP", when)
		case c.ClientIP.TimeoutSeconds == nil:
			errs.required("spec.sessionAffinityConfig.clientIP.timeoutSeconds", when)
		case *c.ClientIP.TimeoutSeconds <= 0 || *c.ClientIP.TimeoutSeconds > maxAffinityTimeout:
			// The message says "less than", but 86400 itself is accepted.
			errs.invalidNum("spec.sessionAffinityConfig.clientIP.timeoutSeconds", int64(*c.ClientIP.TimeoutSeconds),
				fmt.Sprintf("must be greater than 0 and less than %d", maxAffinityTimeout))
		}
	case affinityNone:
		// The internal API forbids a config here, but defaulting has
		// dropped it, so a v1 client never meets that error.
	default:
		errs.unsupported("spec.sessionAffinity", sp.SessionAffinity, "ClientIP", "None")
	}
}

// validateClusterIPs checks clusterIP, clusterIPs and the IP family fields
// as ValidateServiceClusterIPsRelatedFields does, then what the allocator
// checks against the cluster's configuration: svcsim clusters are
// single-stack IPv4.
func validateClusterIPs(errs *fieldErrors, s *Service) {
	sp := &s.Spec
	if sp.Type == ServiceTypeExternalName {
		return
	}
	if sp.ClusterIP != "" {
		if len(sp.ClusterIPs) == 0 {
			errs.required("spec.clusterIPs", "")
		} else if sp.ClusterIPs[0] != sp.ClusterIP {
			errs.invalidList("spec.clusterIPs", sp.ClusterIPs, "first value must match `clusterIP`")
		}
	} else if len(sp.ClusterIPs) != 0 {
		errs.invalidList("spec.clusterIPs", sp.ClusterIPs, "must be empty when `clusterIP` is not specified")
	}
	seen := map[string]bool{}
	for i, fam := range sp.IPFamilies {
		f := fmt.Sprintf("spec.ipFamilies[%d]", i)
		if fam != ipv4 && fam != ipv6 {
			errs.unsupported(f, fam, ipv4, ipv6)
		}
		if seen[fam] {
			errs.duplicate(f, fam)
		}
		seen[fam] = true
	}
	if p := sp.IPFamilyPolicy; p != nil && *p != singleStack && *p != preferDualStack && *p != requireDualStack {
		errs.unsupported("spec.ipFamilyPolicy", *p, preferDualStack, requireDualStack, singleStack)
	}
	bad := false
	for i, ip := range sp.ClusterIPs {
		if i == 0 && ip == ClusterIPNone {
			if len(sp.ClusterIPs) > 1 {
				bad = true
				errs.invalidList("spec.clusterIPs", sp.ClusterIPs, "'None' must be the first and only value")
			}
			continue
		}
		for _, msg := range ipProblems(ip) {
			bad = true
			errs.invalid(fmt.Sprintf("spec.clusterIPs[%d]", i), ip, msg)
		}
	}
	if len(sp.ClusterIPs) > 2 {
		errs.invalidList("spec.clusterIPs", sp.ClusterIPs, "may only hold up to 2 values")
	}
	if bad {
		return
	}
	if len(sp.ClusterIPs) == 2 && isIPv6(sp.ClusterIPs[0]) == isIPv6(sp.ClusterIPs[1]) {
		errs.invalidList("spec.clusterIPs", sp.ClusterIPs, "may specify no more than one IP for each IP family")
	}
	if !isHeadless(s) {
		for i, ip := range sp.ClusterIPs {
			if i >= len(sp.IPFamilies) {
				break
			}
			if want := sp.IPFamilies[i]; want == ipv4 && isIPv6(ip) || want == ipv6 && !isIPv6(ip) {
				errs.invalid(fmt.Sprintf("spec.clusterIPs[%d]", i), ip, fmt.Sprintf("expected an %s value as indicated by `ipFamilies[%d]`", want, i))
			}
		}
	}
	validateClusterFamilies(errs, s)
}

// validateClusterFamilies rejects what an IPv4-only cluster cannot serve,
// in the allocator's words.
func validateClusterFamilies(errs *fieldErrors, s *Service) {
	sp := &s.Spec
	if p := sp.IPFamilyPolicy; p != nil && *p == singleStack {
		if len(sp.ClusterIPs) == 2 {
			errs.invalid("spec.ipFamilyPolicy", *p, "must be 'RequireDualStack' or 'PreferDualStack' when multiple cluster IPs are specified")
		}
		if len(sp.IPFamilies) == 2 {
			errs.invalid("spec.ipFamilyPolicy", *p, "must be 'RequireDualStack' or 'PreferDualStack' when multiple IP families are specified")
		}
	}
	for i, ip := range sp.ClusterIPs {
		if ip != ClusterIPNone && isIPv6(ip) && i >= len(sp.IPFamilies) {
			errs.invalidList(fmt.Sprintf("spec.clusterIPs[%d]", i), sp.ClusterIPs, "IPv6 is not configured on this cluster")
		}
	}
	if sp.ClusterIP == ClusterIPNone && len(sp.Selector) == 0 {
		return // headless without a selector may name both families anywhere
	}
	if p := sp.IPFamilyPolicy; p != nil && *p == requireDualStack {
		errs.invalid("spec.ipFamilyPolicy", *p, "this cluster is not configured for dual-stack services")
	}
	for i, fam := range sp.IPFamilies {
		if fam == ipv6 {
			errs.invalid(fmt.Sprintf("spec.ipFamilies[%d]", i), fam, "not configured on this cluster")
		}
	}
}

func validateTrafficPolicies(errs *fieldErrors, s *Service) {
	sp := &s.Spec
	if !externallyAccessible(s) {
		if sp.ExternalTrafficPolicy != "" {
			errs.invalid("spec.externalTrafficPolicy", sp.ExternalTrafficPolicy, "may only be set for externally-accessible services")
		}
	} else if sp.ExternalTrafficPolicy != policyCluster && sp.ExternalTrafficPolicy != policyLocal {
		errs.unsupported("spec.externalTrafficPolicy", sp.ExternalTrafficPolicy, policyCluster, policyLocal)
	}
	// A health check port is allocated after validation, so only a
	// requested one is checked here.
	hc := sp.HealthCheckNodePort
	switch {
	case !needsHealthCheck(s) && hc != 0:
		errs.invalidNum("spec.healthCheckNodePort", int64(hc), "may only be set when `type` is 'LoadBalancer' and `externalTrafficPolicy` is 'Local'")
	case needsHealthCheck(s) && (hc < 0 || hc > 65535):
		errs.invalidNum("spec.healthCheckNodePort", int64(hc), "must be between 1 and 65535, inclusive")
	}
	if p := sp.InternalTrafficPolicy; p != nil && *p != policyCluster && *p != policyLocal {
		errs.unsupported("spec.internalTrafficPolicy", *p, policyCluster, policyLocal)
	}
}

// validateServiceUpdate enforces what may not change: the cluster IPs
// (except to or from ExternalName) and a needed health check port.
func validateServiceUpdate(s, old *Service) []FieldError {
	var errs fieldErrors
	sp, op := &s.Spec, &old.Spec
	if needsClusterIP(s) && needsClusterIP(old) && !(isHeadless(s) && isHeadless(old)) {
		const msg = "may not change once set"
		switch {
		case len(op.ClusterIPs) == len(sp.ClusterIPs):
			for i, ip := range op.ClusterIPs {
				if ip != sp.ClusterIPs[i] {
					errs.invalidList(fmt.Sprintf("spec.clusterIPs[%d]", i), sp.ClusterIPs, msg)
				}
			}
		case len(op.ClusterIPs) > len(sp.ClusterIPs):
			if len(sp.ClusterIPs) == 0 {
				errs.invalidList("spec.clusterIPs[0]", sp.ClusterIPs, "primary clusterIP can not be unset")
			} else if sp.ClusterIPs[0] != op.ClusterIPs[0] {
				errs.invalidList("spec.clusterIPs[0]", sp.ClusterIPs, msg)
			}
		case len(op.ClusterIPs) > 0 && sp.ClusterIPs[0] != op.ClusterIPs[0]:
			errs.invalidList("spec.clusterIPs[0]", sp.ClusterIPs, msg)
		}
	}
	if needsHealthCheck(s) && needsHealthCheck(old) && sp.HealthCheckNodePort != op.HealthCheckNodePort {
		errs.forbidden("spec.healthCheckNodePort", "field is immutable")
	}
	return errs
}

// ipProblems checks an IP address as the apiserver's IsValidIP does: it
// must parse, have no leading zeros, not be IPv4-mapped IPv6, and be in
// canonical form.
func ipProblems(v string) []string {
	a, err := netip.ParseAddr(v)
	switch {
	case err != nil && sloppyIPv4(v):
		return []string{"must not have leading 0s"}
	case err != nil || a.Zone() != "":
		return []string{"must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff)"}
	case a.Is4In6():
		return []string{"must not be an IPv4-mapped IPv6 address"}
	case a.String() != v:
		return []string{fmt.Sprintf("must be in canonical form (%q)", a.String())}
	}
	return nil
}

// sloppyIPv4 reports whether v is dotted-quad IPv4 with leading zeros,
// which the apiserver parses but refuses.
func sloppyIPv4(v string) bool {
	parts := strings.Split(v, ".")
	if len(parts) != 4 {
		return false
	}
	for _, p := range parts {
		n, err := strconv.Atoi(p)
		if err != nil || len(p) > 3 || n > 255 || p[0] == '+' || p[0] == '-' {
			return false
		}
	}
	return true
}

// specialIPProblems rejects the addresses an external IP may not be.
func specialIPProblems(v string) []string {
	a := netip.MustParseAddr(v)
	var p []string
	if a.IsUnspecified() {
		p = append(p, fmt.Sprintf("may not be unspecified (%s)", v))
	}
	if a.IsLoopback() {
		p = append(p, "may not be in the loopback range (127.0.0.0/8, ::1/128)")
	}
	if a.IsLinkLocalUnicast() {
		p = append(p, "may not be in the link-local range (169.254.0.0/16, fe80::/10)")
	}
	if a.IsLinkLocalMulticast() {
		p = append(p, "may not be in the link-local multicast range (224.0.0.0/24, ff02::/10)")
	}
	return p
}

func isIPv6(ip string) bool {
	a, err := netip.ParseAddr(ip)
	return err == nil && a.Is6() && !a.Is4In6()
}

// invalidList records a bad list value, which the apiserver prints as JSON.
func (l *fieldErrors) invalidList(field string, value []string, detail string) {
	*l = append(*l, FieldError{Field: field, Type: "Invalid value", Value: slices.Clone(value), Detail: detail})
}

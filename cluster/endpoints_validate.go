package cluster

import (
	"fmt"
	"net/netip"
	"strings"
)

// Defaults and validation of Endpoints and EndpointSlices, as the
// apiserver applies them to whatever writes them: the endpoints
// controllers, or a user managing a selectorless Service's endpoints.

// The API's limits on an EndpointSlice.
const (
	maxSliceEndpoints = 1000
	maxSliceAddresses = 100
)

func defaultEndpoints(e *Endpoints) {
	for i := range e.Subsets {
		for j := range e.Subsets[i].Ports {
			if p := &e.Subsets[i].Ports[j]; p.Protocol == "" {
				p.Protocol = ProtocolTCP
			}
		}
	}
}

func defaultEndpointSlice(e *EndpointSlice) {
	for i := range e.Ports {
		p := &e.Ports[i]
		if p.Name == nil {
			p.Name = Ptr("")
		}
		if p.Protocol == nil {
			p.Protocol = Ptr(ProtocolTCP)
		}
	}
}

func validateEndpoints(errs *fieldErrors, e *Endpoints) {
	validateMeta(errs, &e.ObjectMeta, false)
	for i, ss := range e.Subsets {
		f := fmt.Sprintf("subsets[%d]", i)
		if len(ss.Addresses) == 0 && len(ss.NotReadyAddresses) == 0 {
			errs.required(f, "must specify `addresses` or `notReadyAddresses`")
		}
		for j, a := range ss.Addresses {
			if !endpointAddressValid(a) {
				validateEndpointAddress(errs, fmt.Sprintf("%s.addresses[%d]", f, j), a)
			}
		}
		for j, a := range ss.NotReadyAddresses {
			if !endpointAddressValid(a) {
				validateEndpointAddress(errs, fmt.Sprintf("%s.notReadyAddresses[%d]", f, j), a)
			}
		}
		for j, p := range ss.Ports {
			pf := fmt.Sprintf("%s.ports[%d]", f, j)
			if p.Name == "" && len(ss.Ports) > 1 {
				errs.required(pf+".name", "")
			} else if p.Name != "" {
				validateDNSLabel(errs, pf+".name", p.Name)
			}
			if p.Port < 1 || p.Port > 65535 {
				errs.invalidNum(pf+".port", int64(p.Port), "must be between 1 and 65535, inclusive")
			}
			validateProtocol(errs, pf+".protocol", p.Protocol)
		}
	}
}

func validateEndpointAddress(errs *fieldErrors, f string, a EndpointAddress) {
	legacy := legacyIPProblems(a.IP)
	for _, msg := range legacy {
		errs.invalid(f+".ip", a.IP, msg)
	}
	if a.Hostname != "" {
		validateDNSLabel(errs, f+".hostname", a.Hostname)
	}
	if a.NodeName != nil {
		validateSubdomain(errs, f+".nodeName", *a.NodeName)
	}
	if legacy == nil {
		for _, msg := range specialIPProblems(a.IP) {
			errs.invalid(f+".ip", a.IP, msg)
		}
	}
}

// An Endpoints object or slice lists up to a thousand addresses, nearly
// always valid ones, and is validated whole on every write. The checks
// below therefore first run each address (or endpoint) against an empty
// field path, which costs no allocation when nothing is wrong, and build
// the real paths for their messages only when something is.

// endpointAddressValid reports whether validateEndpointAddress finds
// nothing wrong with a.
func endpointAddressValid(a EndpointAddress) bool {
	var probe fieldErrors
	validateEndpointAddress(&probe, "", a)
	return len(probe) == 0
}

// validateSubdomain is validateDNSSubdomain, without its allocation for a
// valid name.
func validateSubdomain(errs *fieldErrors, field, v string) {
	if len(v) <= 253 && labelsValid(v) {
		return
	}
	validateDNSSubdomain(errs, field, v)
}

// labelsValid is isDNSSubdomain without splitting s: every part between
// dots is a DNS label.
func labelsValid(s string) bool {
	for {
		i := strings.IndexByte(s, '.')
		if i < 0 {
			return isDNSLabel(s)
		}
		if !isDNSLabel(s[:i]) {
			return false
		}
		s = s[i+1:]
	}
}

// legacyIPProblems checks an IP of a field that predates strict
// validation: it must parse, without leading zeros or an IPv4-mapped
// form, but need not be canonical.
func legacyIPProblems(v string) []string {
	if a, err := netip.ParseAddr(v); err == nil && a.Zone() == "" && !a.Is4In6() {
		return nil // at worst not canonical, which is allowed here
	}
	p := ipProblems(v)
	if len(p) == 1 && strings.HasPrefix(p[0], "must be in canonical form") {
		return nil
	}
	return p
}

func validateProtocol(errs *fieldErrors, f string, p Protocol) {
	switch p {
	case ProtocolTCP, ProtocolUDP, ProtocolSCTP:
	default:
		errs.unsupported(f, string(p), "SCTP", "TCP", "UDP")
	}
}

func validateEndpointSlice(errs *fieldErrors, e *EndpointSlice) {
	validateMeta(errs, &e.ObjectMeta, false)
	switch e.AddressType {
	case ipv4, ipv6, "FQDN":
	case "":
		errs.required("addressType", "")
	default:
		errs.unsupported("addressType", e.AddressType, "FQDN", ipv4, ipv6)
	}
	if len(e.Endpoints) > maxSliceEndpoints {
		*errs = append(*errs, FieldError{Field: "endpoints", Type: "Too many", Value: int64(len(e.Endpoints)), Detail: fmt.Sprintf("must have at most %d items", maxSliceEndpoints)})
	}
	for i := range e.Endpoints {
		if ep := &e.Endpoints[i]; !endpointValid(e.AddressType, ep) {
			validateEndpoint(errs, fmt.Sprintf("endpoints[%d]", i), e.AddressType, ep)
		}
	}
	names := map[string]bool{}
	for i, p := range e.Ports {
		f := fmt.Sprintf("ports[%d]", i)
		name := ""
		if p.Name != nil {
			name = *p.Name
		}
		if name != "" {
			validateDNSLabel(errs, f+".name", name)
		}
		if names[name] {
			errs.duplicate(f+".name", name)
		}
		names[name] = true
		if p.Protocol == nil {
			errs.required(f+".protocol", "")
		} else {
			validateProtocol(errs, f+".protocol", *p.Protocol)
		}
		if p.Port != nil && (*p.Port < 0 || *p.Port > 65535) {
			errs.invalidNum(f+".port", int64(*p.Port), "must be between 0 and 65535, inclusive")
		}
	}
}

// endpointValid reports whether validateEndpoint finds nothing wrong with
// ep.
func endpointValid(addressType string, ep *Endpoint) bool {
	var probe fieldErrors
	validateEndpoint(&probe, "", addressType, ep)
	return len(probe) == 0
}

// validateEndpoint checks one endpoint of a slice; f is its field path.
func validateEndpoint(errs *fieldErrors, f, addressType string, ep *Endpoint) {
	switch n := len(ep.Addresses); {
	case n == 0:
		errs.required(f+".addresses", "must contain at least 1 address")
	case n > maxSliceAddresses:
		*errs = append(*errs, FieldError{Field: f + ".addresses", Type: "Too many", Value: int64(n), Detail: fmt.Sprintf("must have at most %d items", maxSliceAddresses)})
	}
	for j, a := range ep.Addresses {
		if !sliceAddressValid(addressType, a) {
			validateSliceAddress(errs, fmt.Sprintf("%s.addresses[%d]", f, j), addressType, a)
		}
	}
	if ep.NodeName != nil {
		validateSubdomain(errs, f+".nodeName", *ep.NodeName)
	}
	if ep.Hostname != nil {
		validateDNSLabel(errs, f+".hostname", *ep.Hostname)
	}
}

// sliceAddressValid reports whether validateSliceAddress finds nothing
// wrong with a.
func sliceAddressValid(addressType, a string) bool {
	var probe fieldErrors
	validateSliceAddress(&probe, "", addressType, a)
	return len(probe) == 0
}

func validateSliceAddress(errs *fieldErrors, f, addressType, a string) {
	switch addressType {
	case ipv4, ipv6:
		if p := legacyIPProblems(a); p != nil {
			for _, msg := range p {
				errs.invalid(f, a, msg)
			}
			return
		}
		if ip := netip.MustParseAddr(a); addressType == ipv4 && !ip.Is4() {
			errs.invalid(f, a, "must be an IPv4 address")
		} else if addressType == ipv6 && !ip.Is6() {
			errs.invalid(f, a, "must be an IPv6 address")
		}
	case "FQDN":
		name := strings.TrimSuffix(a, ".")
		if !strings.Contains(name, ".") {
			errs.invalid(f, a, "should be a domain with at least two segments separated by dots")
		}
		validateSubdomain(errs, f, name)
	}
}

// validateEndpointSliceUpdate enforces the one immutable field.
func validateEndpointSliceUpdate(e, old *EndpointSlice) []FieldError {
	if e.AddressType == old.AddressType {
		return nil
	}
	var errs fieldErrors
	errs.invalid("addressType", e.AddressType, "field is immutable")
	return errs
}

package dns

import (
	"strconv"
	"strings"
)

// DefaultZone is the cluster domain kubeadm sets up.
const DefaultZone = "cluster.local"

// Limits on names in presentation form, from RFC 1035.
const (
	maxName  = 253 // characters, without the final dot
	maxLabel = 63
)

// reverseZone is where PTR records live.
const reverseZone = "in-addr.arpa."

// canonical checks name and returns it in the form the index is keyed by:
// ASCII lower case (DNS compares names case-insensitively, and only in
// ASCII) with a trailing dot. It also reports whether name was given
// absolute, and, when name is invalid, which rule it broke.
func canonical(name string) (abs string, rooted bool, reason string) {
	if name == "" {
		return "", false, "empty name"
	}
	if name == "." {
		return ".", true, ""
	}
	body := name
	if rooted = name[len(name)-1] == '.'; rooted {
		body = name[:len(name)-1]
	}
	if len(body) > maxName {
		return "", false, "name longer than 253 characters"
	}
	label, upper := 0, false
	for i := 0; i < len(body); i++ {
		c := body[i]
		if c == '.' {
			if label == 0 {
				return "", false, "empty label"
			}
			label = 0
			continue
		}
		if label++; label > maxLabel {
			return "", false, "label longer than 63 characters"
		}
		upper = upper || 'A' <= c && c <= 'Z'
	}
	if label == 0 {
		return "", false, "empty label"
	}
	if rooted && !upper {
		return name, true, ""
	}
	b := make([]byte, len(body)+1)
	for i := 0; i < len(body); i++ {
		b[i] = lower(body[i])
	}
	b[len(body)] = '.'
	return string(b), rooted, ""
}

func lower(c byte) byte {
	if 'A' <= c && c <= 'Z' {
		return c + 'a' - 'A'
	}
	return c
}

// lowerASCII lower-cases the ASCII letters of s, leaving other bytes alone.
func lowerASCII(s string) string {
	for i := 0; i < len(s); i++ {
		if 'A' <= s[i] && s[i] <= 'Z' {
			b := []byte(s)
			for j := i; j < len(b); j++ {
				b[j] = lower(b[j])
			}
			return string(b)
		}
	}
	return s
}

// zoneName is a zone as the index keys it: lower case with a trailing dot.
// The empty zone is [DefaultZone].
func zoneName(zone string) string {
	if zone == "" || zone == "." {
		zone = DefaultZone
	}
	return strings.TrimSuffix(lowerASCII(zone), ".") + "."
}

// SearchPath is the search list a pod in namespace gets with dnsPolicy
// ClusterFirst, as /etc/resolv.conf writes it (no trailing dots): its own
// namespace's Services, every namespace's, then the zone. An empty
// namespace means "default" and an empty zone [DefaultZone].
func SearchPath(namespace, zone string) []string {
	if namespace == "" {
		namespace = "default"
	}
	z := strings.TrimSuffix(zoneName(zone), ".")
	return []string{namespace + ".svc." + z, "svc." + z, z}
}

// checkNamespace reports why namespace cannot stand in a search list, or ""
// when it can: it must be a single label.
func checkNamespace(ns string) string {
	switch {
	case strings.Contains(ns, "."):
		return "namespace " + ns + " is not a single label"
	case len(ns) > maxLabel:
		return "namespace longer than 63 characters"
	}
	return ""
}

// within reports whether name is zone or below it; both are absolute.
func within(name, zone string) bool {
	return name == zone || len(name) > len(zone) && name[len(name)-len(zone)-1] == '.' && name[len(name)-len(zone):] == zone
}

// served reports whether the server is authoritative for name: it is in
// the cluster zone or the reverse zone.
func (sv *Server) served(name string) bool {
	return within(name, sv.zone) || within(name, reverseZone)
}

// ancestors calls fn for each name between name (excluded) and the apex of
// the zone that serves it (included): the names that exist because name
// does.
func (sv *Server) ancestors(name string, fn func(string)) {
	for {
		i := strings.IndexByte(name, '.')
		if i < 0 || i == len(name)-1 {
			return
		}
		name = name[i+1:]
		if !sv.served(name) {
			return
		}
		fn(name)
	}
}

// dashed is the hostname an endpoint without one gets: its address with
// dashes for dots, 10-244-1-5.
func dashed(ip string) string { return strings.ReplaceAll(ip, ".", "-") }

// reverse is the PTR name of an IPv4 address, 5.1.244.10.in-addr.arpa.
func reverse(ip [4]byte) string {
	var b strings.Builder
	for i := 3; i >= 0; i-- {
		b.WriteString(strconv.Itoa(int(ip[i])))
		b.WriteByte('.')
	}
	b.WriteString(reverseZone)
	return b.String()
}

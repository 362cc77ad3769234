package dns

import (
	"net/netip"
	"slices"
	"strings"

	"github.com/svcsim/svcsim/cluster"
)

// entry is the records a Service has at one name; none for a name that
// exists only because names below it do.
type entry struct {
	name string
	recs []Record
}

// zoneSet gathers a Service's records by name, without duplicates: an
// address listed in two slices is still one record.
type zoneSet map[string]map[Record]bool

func (z zoneSet) add(r Record) {
	if z[r.Name] == nil {
		z[r.Name] = map[Record]bool{}
	}
	z[r.Name][r] = true
}

// build computes every record a Service contributes, and the names above
// them, from the server's view.
func (sv *Server) build(k string) []entry {
	svc := sv.services[k]
	if svc == nil {
		return nil
	}
	base := lowerASCII(svc.Name+"."+svc.Namespace+".svc.") + sv.zone
	z := zoneSet{}
	switch {
	case svc.Spec.Type == cluster.ServiceTypeExternalName:
		if target, _, reason := canonical(svc.Spec.ExternalName); reason == "" && target != "." {
			z.add(Record{Name: base, Type: CNAME, TTL: sv.ttl, Target: target})
		}
	case headless(svc):
		sv.buildHeadless(z, k, base)
	default:
		sv.buildClusterIP(z, svc, base)
	}
	return sv.entries(z)
}

func (sv *Server) buildClusterIP(z zoneSet, svc *cluster.Service, base string) {
	ip, err := netip.ParseAddr(svc.Spec.ClusterIP)
	if err != nil || !ip.Is4() {
		return
	}
	z.add(Record{Name: base, Type: A, TTL: sv.ttl, IP: ip.String()})
	z.add(Record{Name: reverse(ip.As4()), Type: PTR, TTL: sv.ttl, Target: base})
	for _, p := range svc.Spec.Ports {
		if p.Name == "" {
			continue
		}
		z.add(Record{Name: srvName(p.Name, p.Protocol, base), Type: SRV, TTL: sv.ttl, Target: base, Port: uint16(p.Port)})
	}
}

// buildHeadless gives each ready endpoint address an A record at the
// Service's name and at its own hostname, a PTR back to that hostname, and
// an SRV record for each named port of its slice.
func (sv *Server) buildHeadless(z zoneSet, k, base string) {
	for _, sl := range sv.slices.Of(k) {
		for _, ep := range sl.Endpoints {
			if r := ep.Conditions.Ready; r != nil && !*r {
				continue
			}
			for _, addr := range ep.Addresses {
				ip, err := netip.ParseAddr(addr)
				if err != nil || !ip.Is4() {
					continue
				}
				host := dashed(ip.String())
				if ep.Hostname != nil && *ep.Hostname != "" {
					host = lowerASCII(*ep.Hostname)
				}
				target := host + "." + base
				z.add(Record{Name: base, Type: A, TTL: sv.ttl, IP: ip.String()})
				z.add(Record{Name: target, Type: A, TTL: sv.ttl, IP: ip.String()})
				z.add(Record{Name: reverse(ip.As4()), Type: PTR, TTL: sv.ttl, Target: target})
				for _, p := range sl.Ports {
					if p.Name == nil || *p.Name == "" || p.Port == nil {
						continue
					}
					proto := cluster.ProtocolTCP
					if p.Protocol != nil && *p.Protocol != "" {
						proto = *p.Protocol
					}
					z.add(Record{Name: srvName(*p.Name, proto, base), Type: SRV, TTL: sv.ttl, Target: target, Port: uint16(*p.Port)})
				}
			}
		}
	}
}

// srvName is _<port>._<proto>.<base>, the protocol in lower case.
func srvName(port string, proto cluster.Protocol, base string) string {
	if proto == "" {
		proto = cluster.ProtocolTCP
	}
	return "_" + lowerASCII(port) + "._" + strings.ToLower(string(proto)) + "." + base
}

// entries turns the gathered records into sorted entries, weighs the SRV
// records of each name, and adds the names above them that exist because
// they do. Names that are not valid (a label made too long by a hand-written
// hostname, say) are left out, since no question could reach them.
func (sv *Server) entries(z zoneSet) []entry {
	all := map[string][]Record{}
	for name, set := range z {
		if _, _, reason := canonical(name); reason != "" {
			continue
		}
		recs := make([]Record, 0, len(set))
		srv := 0
		for r := range set {
			recs = append(recs, r)
			if r.Type == SRV {
				srv++
			}
		}
		for i := range recs {
			if recs[i].Type == SRV {
				recs[i].Weight = uint16(max(1, 100/srv))
			}
		}
		slices.SortFunc(recs, compareRecords)
		all[name] = recs
		sv.ancestors(name, func(up string) {
			if _, ok := all[up]; !ok {
				all[up] = nil
			}
		})
	}
	out := make([]entry, 0, len(all))
	for name, recs := range all {
		out = append(out, entry{name, recs})
	}
	slices.SortFunc(out, func(a, b entry) int { return strings.Compare(a.name, b.name) })
	return out
}

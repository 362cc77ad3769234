package cluster

import (
	"fmt"
	"io"
	"net"
	"strconv"
	"strings"
)

// listWithMore joins at most three items and counts the rest as kubectl
// does: "a,b,c + 2 more...".
func listWithMore(items []string, total int) string {
	s := strings.Join(items, ",")
	if total > len(items) {
		return fmt.Sprintf("%s + %d more...", s, total-len(items))
	}
	return s
}

// FormatEndpoints renders an Endpoints object's ENDPOINTS cell as kubectl
// does: the ready addresses as ip:port, subset by subset and port by port,
// at most three and then "+ N more..."; "<none>" with no subsets, and an
// empty cell when only not-ready addresses exist.
func FormatEndpoints(ep *Endpoints) string {
	if len(ep.Subsets) == 0 {
		return "<none>"
	}
	const max = 3
	var list []string
	count := 0
	add := func(s string) {
		if len(list) < max {
			list = append(list, s)
		}
		count++
	}
	for _, ss := range ep.Subsets {
		if len(ss.Ports) == 0 {
			for _, a := range ss.Addresses {
				add(a.IP)
			}
			continue
		}
		for _, p := range ss.Ports {
			for _, a := range ss.Addresses {
				add(net.JoinHostPort(a.IP, strconv.Itoa(int(p.Port))))
			}
		}
	}
	return listWithMore(list, count)
}

// PrintEndpoints writes `kubectl get endpoints`: NAME ENDPOINTS AGE.
func PrintEndpoints(w io.Writer, now Time, eps []*Endpoints) error {
	rows := make([][]string, 0, len(eps))
	for _, ep := range eps {
		rows = append(rows, []string{ep.Name, FormatEndpoints(ep), since(now, ep.CreationTimestamp)})
	}
	return writeTable(w, []string{"NAME", "ENDPOINTS", "AGE"}, rows)
}

// PrintEndpointSlices writes `kubectl get endpointslices`: NAME ADDRESSTYPE
// PORTS ENDPOINTS AGE, with every endpoint's address whatever its
// readiness, at most three of each, "<unset>" when there are none.
func PrintEndpointSlices(w io.Writer, now Time, sls []*EndpointSlice) error {
	rows := make([][]string, 0, len(sls))
	for _, sl := range sls {
		var ports, addrs []string
		for i, p := range sl.Ports {
			if i < 3 && p.Port != nil {
				ports = append(ports, strconv.Itoa(int(*p.Port)))
			}
		}
		n := 0
		for _, e := range sl.Endpoints {
			for _, a := range e.Addresses {
				if len(addrs) < 3 {
					addrs = append(addrs, a)
				}
				n++
			}
		}
		pc, ac := listWithMore(ports, len(sl.Ports)), listWithMore(addrs, n)
		if pc == "" {
			pc = "<unset>"
		}
		if ac == "" {
			ac = "<unset>"
		}
		rows = append(rows, []string{sl.Name, sl.AddressType, pc, ac, since(now, sl.CreationTimestamp)})
	}
	return writeTable(w, []string{"NAME", "ADDRESSTYPE", "PORTS", "ENDPOINTS", "AGE"}, rows)
}

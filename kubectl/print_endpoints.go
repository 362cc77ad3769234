package kubectl

import (
	"fmt"
	"github.com/svcsim/svcsim/cluster"
	"io"
	"net"
	"strconv"
	"strings"
	"text/tabwriter"
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
// empty cell when only not-ready addresses exist. A nil ep has no subsets.
func FormatEndpoints(ep *cluster.Endpoints) string {
	if ep == nil || len(ep.Subsets) == 0 {
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
func PrintEndpoints(w io.Writer, now cluster.Time, eps []*cluster.Endpoints) error {
	if err := printable(w, "PrintEndpoints", eps...); err != nil {
		return err
	}
	header, rows := endpointsRows(now, eps)
	return writeTable(w, header, rows)
}

// endpointsRows computes the header and rows PrintEndpoints writes.
func endpointsRows(now cluster.Time, eps []*cluster.Endpoints) ([]string, [][]string) {
	rows := make([][]string, 0, len(eps))
	for _, ep := range eps {
		rows = append(rows, []string{ep.Name, FormatEndpoints(ep), since(now, ep.CreationTimestamp)})
	}
	return []string{"NAME", "ENDPOINTS", "AGE"}, rows
}

// PrintEndpointSlices writes `kubectl get endpointslices`: NAME ADDRESSTYPE
// PORTS ENDPOINTS AGE, with every endpoint's address whatever its
// readiness, at most three of each, "<unset>" when there are none.
func PrintEndpointSlices(w io.Writer, now cluster.Time, sls []*cluster.EndpointSlice) error {
	if err := printable(w, "PrintEndpointSlices", sls...); err != nil {
		return err
	}
	header, rows := endpointSliceRows(now, sls)
	return writeTable(w, header, rows)
}

// endpointSliceRows computes the header and rows PrintEndpointSlices writes.
func endpointSliceRows(now cluster.Time, sls []*cluster.EndpointSlice) ([]string, [][]string) {
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
	return []string{"NAME", "ADDRESSTYPE", "PORTS", "ENDPOINTS", "AGE"}, rows
}

// DescribeEndpoints writes `kubectl describe endpoints`: the metadata, then
// each subset's ready and not-ready addresses and its ports, then events.
func DescribeEndpoints(w io.Writer, now cluster.Time, ep *cluster.Endpoints, events []cluster.Event) error {
	if err := printable(w, "DescribeEndpoints", ep); err != nil {
		return err
	}
	sw := &stickyWriter{w: w}
	tw := tabwriter.NewWriter(sw, 0, 8, 2, ' ', 0)
	d := &describer{w: tw}
	d.line(0, "Name:\t%s\n", ep.Name)
	d.line(0, "Namespace:\t%s\n", ep.Namespace)
	d.labels("Labels", ep.Labels)
	d.annotations(ep.Annotations)
	d.line(0, "Subsets:\n")
	for _, ss := range ep.Subsets {
		d.line(1, "Addresses:\t%s\n", joinIPs(ss.Addresses))
		d.line(1, "NotReadyAddresses:\t%s\n", joinIPs(ss.NotReadyAddresses))
		// A subset without ports (a headless Service's) prints no Ports
		// section at all.
		if len(ss.Ports) > 0 {
			d.line(1, "Ports:\n")
			d.line(2, "Name\tPort\tProtocol\n")
			d.line(2, "----\t----\t--------\n")
			for _, p := range ss.Ports {
				name := p.Name
				if name == "" {
					name = "<unset>"
				}
				d.line(2, "%s\t%d\t%s\n", name, p.Port, p.Protocol)
			}
		}
		d.line(0, "\n")
	}
	var own []cluster.Event
	for _, e := range events {
		if e.Kind == cluster.KindEndpoints && e.Namespace == ep.Namespace && e.Name == ep.Name {
			own = append(own, e)
		}
	}
	d.eventTable(now, own)
	if err := tw.Flush(); err != nil {
		return err
	}
	return sw.err
}

// DescribeEndpointSlice writes `kubectl describe endpointslice`: the
// metadata, the address type and ports, then each endpoint with its
// readiness, hostname, pod, node and zone, then events. A nil slice is an
// error.
func DescribeEndpointSlice(w io.Writer, now cluster.Time, sl *cluster.EndpointSlice, events []cluster.Event) error {
	if err := printable(w, "DescribeEndpointSlice", sl); err != nil {
		return err
	}
	sw := &stickyWriter{w: w}
	tw := tabwriter.NewWriter(sw, 0, 8, 2, ' ', 0)
	d := &describer{w: tw}
	d.line(0, "Name:\t%s\n", sl.Name)
	d.line(0, "Namespace:\t%s\n", sl.Namespace)
	d.labels("Labels", sl.Labels)
	d.annotations(sl.Annotations)
	d.line(0, "AddressType:\t%s\n", sl.AddressType)
	if len(sl.Ports) == 0 {
		d.line(0, "Ports: <unset>\n")
	} else {
		d.line(0, "Ports:\n")
		d.line(1, "Name\tPort\tProtocol\n")
		d.line(1, "----\t----\t--------\n")
		for _, p := range sl.Ports {
			name, port, proto := "<unset>", "<unset>", ""
			if p.Name != nil && *p.Name != "" {
				name = *p.Name
			}
			if p.Port != nil {
				port = strconv.Itoa(int(*p.Port))
			}
			if p.Protocol != nil {
				proto = string(*p.Protocol)
			}
			d.line(1, "%s\t%s\t%s\n", name, port, proto)
		}
	}
	if len(sl.Endpoints) == 0 {
		d.line(0, "Endpoints: <none>\n")
	} else {
		d.line(0, "Endpoints:\n")
		for _, e := range sl.Endpoints {
			addrs := strings.Join(e.Addresses, ", ")
			if addrs == "" {
				addrs = "<none>"
			}
			d.line(1, "- Addresses:\t%s\n", addrs)
			d.line(2, "Conditions:\n")
			d.line(3, "Ready:\t%s\n", unsetOr(e.Conditions.Ready, strconv.FormatBool))
			d.line(2, "Hostname:\t%s\n", unsetOr(e.Hostname, identity))
			if e.TargetRef != nil {
				d.line(2, "TargetRef:\t%s/%s\n", e.TargetRef.Kind, e.TargetRef.Name)
			}
			d.line(2, "NodeName:\t%s\n", unsetOr(e.NodeName, identity))
			d.line(2, "Zone:\t%s\n", unsetOr(e.Zone, identity))
		}
	}
	var own []cluster.Event
	for _, e := range events {
		if e.Kind == cluster.KindEndpointSlice && e.Namespace == sl.Namespace && e.Name == sl.Name {
			own = append(own, e)
		}
	}
	d.eventTable(now, own)
	if err := tw.Flush(); err != nil {
		return err
	}
	return sw.err
}

// unsetOr formats an optional field as kubectl describe does: "<unset>"
// when it is nil.
func unsetOr[T any](v *T, format func(T) string) string {
	if v == nil {
		return "<unset>"
	}
	return format(*v)
}

func identity(s string) string { return s }

func joinIPs(as []cluster.EndpointAddress) string {
	if len(as) == 0 {
		return "<none>"
	}
	ips := make([]string, len(as))
	for i, a := range as {
		ips[i] = a.IP
	}
	return strings.Join(ips, ",")
}

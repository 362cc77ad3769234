package kubectl

import (
	"fmt"
	"github.com/svcsim/svcsim/cluster"
	"io"
	"net"
	"slices"
	"strconv"
	"strings"
	"text/tabwriter"
)

// loadBalancerWidth is how much of the EXTERNAL-IP cell kubectl shows for
// a LoadBalancer outside -o wide.
const loadBalancerWidth = 16

// PrintServices writes Services as `kubectl get svc` (or `-o wide`, which
// adds the selector) shows them at virtual time now, in the order given;
// an empty list writes nothing. CLUSTER-IP is the first cluster IP ("None"
// for a headless Service, <none> for ExternalName); EXTERNAL-IP is the
// load balancer's ingress, <pending> until it has one; PORT(S) lists
// port[:nodePort]/PROTOCOL.
func PrintServices(w io.Writer, now cluster.Time, svcs []*cluster.Service, wide bool) error {
	if err := printable(w, "PrintServices", svcs...); err != nil {
		return err
	}
	header, rows := serviceRows(now, svcs, wide)
	return writeTable(w, header, rows)
}

// serviceRows computes the header and rows PrintServices writes.
func serviceRows(now cluster.Time, svcs []*cluster.Service, wide bool) ([]string, [][]string) {
	header := []string{"NAME", "TYPE", "CLUSTER-IP", "EXTERNAL-IP", "PORT(S)", "AGE"}
	if wide {
		header = append(header, "SELECTOR")
	}
	rows := make([][]string, 0, len(svcs))
	for _, s := range svcs {
		clusterIP := "<none>"
		if len(s.Spec.ClusterIPs) > 0 {
			clusterIP = s.Spec.ClusterIPs[0]
		}
		row := []string{s.Name, string(s.Spec.Type), clusterIP, serviceExternalIP(s, wide), orNone(servicePorts(s.Spec.Ports)), since(now, s.CreationTimestamp)}
		if wide {
			row = append(row, s.Spec.Selector.Format())
		}
		rows = append(rows, row)
	}
	return header, rows
}

// serviceExternalIP renders the EXTERNAL-IP cell.
func serviceExternalIP(s *cluster.Service, wide bool) string {
	switch s.Spec.Type {
	case cluster.ServiceTypeClusterIP, cluster.ServiceTypeNodePort:
		return orNone(strings.Join(s.Spec.ExternalIPs, ","))
	case cluster.ServiceTypeLoadBalancer:
		lb := loadBalancerIngress(s.Status.LoadBalancer, wide)
		if len(s.Spec.ExternalIPs) > 0 {
			var all []string
			if lb != "" {
				all = strings.Split(lb, ",")
			}
			return strings.Join(append(all, s.Spec.ExternalIPs...), ",")
		}
		if lb != "" {
			return lb
		}
		return "<pending>"
	case cluster.ServiceTypeExternalName:
		return s.Spec.ExternalName
	}
	return "<unknown>"
}

// loadBalancerIngress lists a load balancer's addresses, sorted and
// without repeats, cut to loadBalancerWidth unless wide.
func loadBalancerIngress(st cluster.LoadBalancerStatus, wide bool) string {
	var addrs []string
	for _, in := range st.Ingress {
		switch {
		case in.IP != "":
			addrs = append(addrs, in.IP)
		case in.Hostname != "":
			addrs = append(addrs, in.Hostname)
		}
	}
	slices.Sort(addrs)
	r := strings.Join(slices.Compact(addrs), ",")
	if !wide && len(r) > loadBalancerWidth {
		r = r[:loadBalancerWidth-3] + "..."
	}
	return r
}

// servicePorts renders the PORT(S) cell: "80/TCP", "80:30080/TCP", joined
// with ",".
func servicePorts(ports []cluster.ServicePort) string {
	pieces := make([]string, len(ports))
	for i, p := range ports {
		if p.NodePort > 0 {
			pieces[i] = fmt.Sprintf("%d:%d/%s", p.Port, p.NodePort, p.Protocol)
		} else {
			pieces[i] = fmt.Sprintf("%d/%s", p.Port, p.Protocol)
		}
	}
	return strings.Join(pieces, ",")
}

// DescribeService writes svc as `kubectl describe svc` shows it at virtual
// time now. slices are the EndpointSlices labelled with the Service's name,
// from which each port's Endpoints line is made; of events, those about
// svc are listed.
func DescribeService(w io.Writer, now cluster.Time, svc *cluster.Service, slices []*cluster.EndpointSlice, events []cluster.Event) error {
	if err := printable(w, "DescribeService", svc); err != nil {
		return err
	}
	if err := printable(w, "DescribeService", slices...); err != nil {
		return err
	}
	sw := &stickyWriter{w: w}
	tw := tabwriter.NewWriter(sw, 0, 8, 2, ' ', 0)
	d := &describer{w: tw}
	sp := &svc.Spec
	d.line(0, "Name:\t%s\n", svc.Name)
	d.line(0, "Namespace:\t%s\n", svc.Namespace)
	d.labels("Labels", svc.Labels)
	d.annotations(svc.Annotations)
	d.line(0, "Selector:\t%s\n", sp.Selector.Format())
	d.line(0, "Type:\t%s\n", sp.Type)
	if sp.IPFamilyPolicy != nil {
		d.line(0, "IP Family Policy:\t%s\n", *sp.IPFamilyPolicy)
	}
	d.line(0, "IP Families:\t%s\n", orNone(strings.Join(sp.IPFamilies, ",")))
	d.line(0, "IP:\t%s\n", sp.ClusterIP)
	d.line(0, "IPs:\t%s\n", orNone(strings.Join(sp.ClusterIPs, ",")))
	if len(sp.ExternalIPs) > 0 {
		d.line(0, "External IPs:\t%s\n", strings.Join(sp.ExternalIPs, ","))
	}
	if sp.ExternalName != "" {
		d.line(0, "External Name:\t%s\n", sp.ExternalName)
	}
	if in := svc.Status.LoadBalancer.Ingress; len(in) > 0 {
		list := make([]string, len(in))
		for i, x := range in {
			// The apiserver defaults an address's ipMode to VIP, which
			// svcsim's ingress does not model, and kubectl shows it.
			list[i] = x.IP + " (VIP)"
			if x.IP == "" {
				list[i] = x.Hostname
			}
		}
		d.line(0, "LoadBalancer Ingress:\t%s\n", strings.Join(list, ", "))
	}
	for _, p := range sp.Ports {
		name := p.Name
		if name == "" {
			name = "<unset>"
		}
		d.line(0, "Port:\t%s\t%d/%s\n", name, p.Port, p.Protocol)
		d.line(0, "TargetPort:\t%s/%s\n", p.TargetPort, p.Protocol)
		if p.AppProtocol != nil {
			d.line(0, "AppProtocol:\t%s\n", *p.AppProtocol)
		}
		if p.NodePort != 0 {
			d.line(0, "NodePort:\t%s\t%d/%s\n", name, p.NodePort, p.Protocol)
		}
		d.line(0, "Endpoints:\t%s\n", sliceEndpoints(slices, p.Name))
	}
	d.line(0, "Session Affinity:\t%s\n", sp.SessionAffinity)
	if sp.ExternalTrafficPolicy != "" {
		d.line(0, "External Traffic Policy:\t%s\n", sp.ExternalTrafficPolicy)
	}
	if sp.InternalTrafficPolicy != nil {
		d.line(0, "Internal Traffic Policy:\t%s\n", *sp.InternalTrafficPolicy)
	}
	if sp.HealthCheckNodePort != 0 {
		d.line(0, "HealthCheck NodePort:\t%d\n", sp.HealthCheckNodePort)
	}
	var evs []cluster.Event
	for _, e := range events {
		if e.Kind == cluster.KindService && e.Namespace == svc.Namespace && e.Name == svc.Name {
			evs = append(evs, e)
		}
	}
	d.eventTable(now, evs)
	if err := tw.Flush(); err != nil {
		return err
	}
	return sw.err
}

// sliceEndpoints renders describe's Endpoints line for the port named port
// as kubectl's formatEndpointSlices does: the first address of each ready
// (or unknown-readiness) endpoint as ip:port, at most three, then "+ N
// more..."; <none> without slices, empty when none is ready. kubectl's
// quirk is kept: once three are listed, the next endpoint switches to the
// "more" form even if it is not ready, which can print "+ 0 more...".
func sliceEndpoints(sls []*cluster.EndpointSlice, port string) string {
	if len(sls) == 0 {
		return "<none>"
	}
	const max = 3
	var list []string
	more, count := false, 0
	add := func(ep cluster.Endpoint, addr string) {
		if len(list) == max {
			more = true
		}
		if ep.Conditions.Ready != nil && !*ep.Conditions.Ready {
			return
		}
		if !more {
			list = append(list, addr)
		}
		count++
	}
	for _, sl := range sls {
		if len(sl.Ports) == 0 {
			// A headless Service may have no ports: bare addresses.
			for _, ep := range sl.Endpoints {
				if len(ep.Addresses) > 0 {
					add(ep, ep.Addresses[0])
				}
			}
			continue
		}
		for _, p := range sl.Ports {
			if (p.Name == nil && port != "") || (p.Name != nil && *p.Name != port) || p.Port == nil {
				continue
			}
			for _, ep := range sl.Endpoints {
				if len(ep.Addresses) > 0 {
					add(ep, net.JoinHostPort(ep.Addresses[0], strconv.Itoa(int(*p.Port))))
				}
			}
		}
	}
	s := strings.Join(list, ",")
	if more {
		return fmt.Sprintf("%s + %d more...", s, count-max)
	}
	return s
}

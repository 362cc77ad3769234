package kubectl

import (
	"errors"
	"fmt"
	"net/netip"
	"strings"

	"github.com/svcsim/svcsim/dns"
)

// nslookup is busybox's nslookup NAME [SERVER] against the cluster DNS,
// in the format of the image's busybox: 1.27 and older ask the libc
// resolver and print "Address 1: IP NAME" lines, later ones query the
// server themselves and print Name/Address pairs. The lookup draws only
// from the DNS server's own stream, so it changes nothing in the run.
func (sh *podShell) nslookup(args []string) (int, error) {
	var names []string
	for _, a := range args {
		if strings.HasPrefix(a, "-") {
			return 0, fmt.Errorf("svcsim simulates nslookup NAME [SERVER] only, not the option %s", a)
		}
		names = append(names, a)
	}
	if len(names) == 0 || len(names) > 2 {
		fmt.Fprint(sh.err, "BusyBox v1.27.2 (2017-12-12 10:41:50 UTC) multi-call binary.\n\nUsage: nslookup [HOST] [SERVER]\n\nQuery the nameserver for the IP address of the given HOST\noptionally using a specified DNS server\n")
		return 1, nil
	}
	if sh.c.dns == nil {
		return 0, errNoNetwork
	}
	name, server := names[0], sh.dnsServer()
	ans, err := sh.c.dns.Lookup(sh.pod.Namespace, name)
	if sh.oldBusybox() {
		return sh.nslookupOld(name, server, ans, err)
	}
	fmt.Fprintf(sh.out, "Server:\t\t%s\nAddress:\t%s:53\n\n", server, server)
	if err != nil || len(ans.IPs) == 0 {
		why := "NXDOMAIN"
		if !errors.Is(err, dns.ErrNXDomain) && err != nil {
			why = "SERVFAIL"
		}
		fmt.Fprintf(sh.out, "** server can't find %s: %s\n\n", name, why)
		return 1, nil
	}
	cur := strings.TrimSuffix(ans.Name, ".")
	for _, target := range ans.CNAMEs {
		t := strings.TrimSuffix(target, ".")
		fmt.Fprintf(sh.out, "%s\tcanonical name = %s\n", cur, t)
		cur = t
	}
	for _, ip := range ans.IPs {
		fmt.Fprintf(sh.out, "Name:\t%s\nAddress: %s\n", cur, ip)
	}
	fmt.Fprintln(sh.out)
	return 0, nil
}

// nslookupOld is busybox 1.27's nslookup: the server and then the name,
// each address with the name its reverse lookup gives.
func (sh *podShell) nslookupOld(name, server string, ans dns.Answer, err error) (int, error) {
	fmt.Fprintf(sh.out, "%-10s %s\nAddress 1: %s kube-dns.kube-system.svc.%s\n\n", "Server:", server, server, sh.zone())
	if err != nil || len(ans.IPs) == 0 {
		fmt.Fprintf(sh.err, "nslookup: can't resolve '%s'\n", name)
		return 1, nil
	}
	fmt.Fprintf(sh.out, "%-10s %s\n", "Name:", name)
	for i, ip := range ans.IPs {
		fmt.Fprintf(sh.out, "Address %d: %s", i+1, ip)
		if host := sh.reverse(ip); host != "" {
			fmt.Fprintf(sh.out, " %s", host)
		}
		fmt.Fprintln(sh.out)
	}
	return 0, nil
}

// reverse is the name the cluster DNS gives an address, or "".
func (sh *podShell) reverse(ip string) string {
	a, err := netip.ParseAddr(ip)
	if err != nil || !a.Is4() {
		return ""
	}
	b := a.As4()
	recs, err := sh.c.dns.Query(fmt.Sprintf("%d.%d.%d.%d.in-addr.arpa.", b[3], b[2], b[1], b[0]), dns.PTR)
	if err != nil || len(recs) == 0 {
		return ""
	}
	return strings.TrimSuffix(recs[0].Target, ".")
}

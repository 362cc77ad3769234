package cluster

import (
	"fmt"
	"net/netip"
)

// netPlan is where a new cluster's nodes sit on the network: each node's
// InternalIP and pod range, and the control plane's address (the one the
// kubernetes Service's endpoints point at).
type netPlan struct {
	nodeIPs      []netip.Addr   // node-1's first
	podRanges    []netip.Prefix // node i's pod range is podRanges[i]
	controlPlane netip.Addr     // the address just before node-1's
}

// planNetwork lays out the nodes of cfg and checks every address the
// cluster will hand out before anything is built, so that New fails with
// an error instead of bootstrap writing an object the apiserver would
// refuse. The rules, beyond what the API itself checks:
//   - Node and control-plane addresses must be unicast host addresses, so
//     not unspecified, loopback, link-local, multicast or broadcast, nor in
//     0.0.0.0/8; the Endpoints of the kubernetes Service must pass the
//     apiserver's validation, which refuses the first four.
//   - They must not run past 255.255.255.255.
//   - They must lie outside the PodCIDR and the ServiceCIDR, or a node would
//     share its address with a pod or a Service.
//   - Load-balancer addresses follow the same rules and must not be a node's
//     or the control plane's: kube-proxy would capture traffic meant for them.
//   - The PodCIDR must not overlap any of those special ranges either, as
//     every pod address becomes an endpoint address.
//
// Node pod ranges skip any that overlap the ServiceCIDR, as the
// controller-manager's range allocator does, so that no pod is given a
// Service's address.
func planNetwork(cfg *Config, pods, svc netip.Prefix, base netip.Addr) (netPlan, error) {
	var plan netPlan
	for _, r := range specialRanges {
		if pods.Overlaps(r.prefix) {
			return plan, fmt.Errorf("%w: PodCIDR %s overlaps %s (%s), whose addresses the apiserver refuses as endpoints", ErrConfig, pods, r.name, r.prefix)
		}
	}
	first := ipv4Uint(base)
	if last := uint64(first) + uint64(cfg.Nodes) - 1; last > 0xffffffff {
		return plan, fmt.Errorf("%w: NodeIPBase %q: node-%d's address would be past 255.255.255.255", ErrConfig, cfg.NodeIPBase, 0xffffffff-uint64(first)+2)
	}
	if first == 0 {
		return plan, fmt.Errorf("%w: NodeIPBase %q: node-1's address may not be unspecified (0.0.0.0)", ErrConfig, cfg.NodeIPBase)
	}
	plan.controlPlane = base.Prev()
	if msg := addrProblem(plan.controlPlane, pods, svc); msg != "" {
		return plan, fmt.Errorf("%w: NodeIPBase %q: the control plane's address %s, the one before node-1's, %s", ErrConfig, cfg.NodeIPBase, plan.controlPlane, msg)
	}
	plan.nodeIPs = make([]netip.Addr, cfg.Nodes)
	for i := range plan.nodeIPs {
		a := uint32ToIPv4(first + uint32(i))
		if msg := addrProblem(a, pods, svc); msg != "" {
			return plan, fmt.Errorf("%w: NodeIPBase %q: node-%d's address %s %s", ErrConfig, cfg.NodeIPBase, i+1, a, msg)
		}
		plan.nodeIPs[i] = a
	}
	if err := planPodRanges(cfg, &plan, pods, svc); err != nil {
		return plan, err
	}
	lo, hi := plan.controlPlane, plan.nodeIPs[len(plan.nodeIPs)-1]
	for _, ip := range cfg.LoadBalancerIPs {
		a := netip.MustParseAddr(ip) // serviceConfig checked it parses
		msg := addrProblem(a, pods, svc)
		switch {
		case msg != "":
		case a == lo:
			msg = "is the control plane's address"
		case lo.Less(a) && !hi.Less(a):
			msg = fmt.Sprintf("is node-%d's address", ipv4Uint(a)-first+1)
		}
		if msg != "" {
			return plan, fmt.Errorf("%w: LoadBalancerIPs: %q %s", ErrConfig, ip, msg)
		}
	}
	return plan, nil
}

// planPodRanges gives each node the next range of the PodCIDR that does not
// overlap the ServiceCIDR.
func planPodRanges(cfg *Config, plan *netPlan, pods, svc netip.Prefix) error {
	hostBits := 32 - cfg.NodeCIDRMaskSize
	ranges := uint64(1) << (cfg.NodeCIDRMaskSize - pods.Bits())
	start := ipv4Uint(pods.Addr())
	plan.podRanges = make([]netip.Prefix, 0, cfg.Nodes)
	for j := uint64(0); j < ranges && len(plan.podRanges) < cfg.Nodes; j++ {
		sub := netip.PrefixFrom(uint32ToIPv4(start+uint32(j<<hostBits)), cfg.NodeCIDRMaskSize)
		if !sub.Overlaps(svc) {
			plan.podRanges = append(plan.podRanges, sub)
		}
	}
	if len(plan.podRanges) < cfg.Nodes {
		return fmt.Errorf("%w: PodCIDR %s has room for %d node ranges of /%d outside the ServiceCIDR %s, not %d nodes",
			ErrConfig, pods, len(plan.podRanges), cfg.NodeCIDRMaskSize, svc, cfg.Nodes)
	}
	return nil
}

// specialRanges are the IPv4 ranges that hold no unicast host addresses.
var specialRanges = []struct {
	prefix netip.Prefix
	name   string
}{
	{netip.MustParsePrefix("0.0.0.0/8"), `the "this network" range`},
	{netip.MustParsePrefix("127.0.0.0/8"), "the loopback range"},
	{netip.MustParsePrefix("169.254.0.0/16"), "the link-local range"},
	{netip.MustParsePrefix("224.0.0.0/4"), "the multicast range"},
	{netip.MustParsePrefix("255.255.255.255/32"), "the broadcast address"},
}

// addrProblem says why a must not be a node's or a load balancer's
// address, or returns "".
func addrProblem(a netip.Addr, pods, svc netip.Prefix) string {
	switch {
	case a.IsUnspecified():
		return "may not be unspecified (0.0.0.0)"
	case a.As4()[0] == 0:
		return `may not be in the "this network" range (0.0.0.0/8)`
	case a.IsLoopback():
		return "may not be in the loopback range (127.0.0.0/8, ::1/128)"
	case a.IsLinkLocalUnicast():
		return "may not be in the link-local range (169.254.0.0/16, fe80::/10)"
	case a.IsLinkLocalMulticast():
		return "may not be in the link-local multicast range (224.0.0.0/24, ff02::/10)"
	case a.IsMulticast():
		return "may not be a multicast address (224.0.0.0/4)"
	case a == netip.AddrFrom4([4]byte{255, 255, 255, 255}):
		return "may not be the broadcast address"
	case pods.Contains(a):
		return fmt.Sprintf("is inside the PodCIDR %s, where pods get their addresses", pods)
	case svc.Contains(a):
		return fmt.Sprintf("is inside the ServiceCIDR %s, where Services get their addresses", svc)
	}
	return ""
}

func ipv4Uint(a netip.Addr) uint32 {
	b := a.As4()
	return uint32(b[0])<<24 | uint32(b[1])<<16 | uint32(b[2])<<8 | uint32(b[3])
}

func uint32ToIPv4(v uint32) netip.Addr {
	return netip.AddrFrom4([4]byte{byte(v >> 24), byte(v >> 16), byte(v >> 8), byte(v)})
}

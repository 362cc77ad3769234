package proxy

import (
	"cmp"
	"slices"

	"github.com/svcsim/svcsim/cluster"
)

// Rule is one destination a node's kube-proxy has programmed, as its last
// sync left it: what iptables-save would list for that address.
type Rule struct {
	// IP, Port and Protocol are the destination the rule matches: a
	// cluster IP, a node's IP with a NodePort, a load-balancer or an
	// external IP.
	IP       string
	Port     int32
	Protocol cluster.Protocol
	// Service is the Service the rule belongs to, "namespace/name".
	Service string
	// Reject is true when the Service has no usable endpoint at all, so
	// connections are refused at once.
	Reject bool
	// External marks NodePort, load-balancer and external-IP rules; Local
	// marks a Local traffic policy.
	External, Local bool
	// Endpoints are the endpoints a new connection is sent to, in
	// kube-proxy's order.
	Endpoints []Endpoint
}

// Rule returns the rule this node's proxy programmed at its last sync for
// a Service's cluster IP and port: what traffic from this node meets now,
// however the store has moved on since. ok is false when the proxy has no
// such rule (it has not heard of the Service, the Service has no cluster
// IP, or no such port); a rule with Reject refuses connections. It reads
// only, as Rules does, and costs one lookup.
func (n *Node) Rule(namespace, service string, port int32) (r Rule, ok bool) {
	svc := n.services[key(namespace, service)]
	if svc == nil {
		return Rule{}, false
	}
	for _, sp := range svc.Spec.Ports {
		if sp.Port != port {
			continue
		}
		proto := cmp.Or(sp.Protocol, cluster.ProtocolTCP)
		d := dest{svc.Spec.ClusterIP, port, proto}
		if x := n.rules[d]; x != nil {
			return ruleOf(d, x), true
		}
	}
	return Rule{}, false
}

// Rules returns the rules the proxy programmed at its last sync, sorted by
// IP, port and protocol. It reads only: it draws nothing and changes no
// pick state, so a check may call it at any time.
func (n *Node) Rules() []Rule {
	out := make([]Rule, 0, len(n.rules))
	for d, r := range n.rules {
		out = append(out, ruleOf(d, r))
	}
	slices.SortFunc(out, func(a, b Rule) int {
		return cmp.Or(cmp.Compare(a.IP, b.IP), cmp.Compare(a.Port, b.Port), cmp.Compare(a.Protocol, b.Protocol))
	})
	return out
}

func ruleOf(d dest, r *rule) Rule {
	return Rule{IP: d.ip, Port: d.port, Protocol: d.proto, Service: r.service,
		Reject: r.reject, External: r.external, Local: r.local, Endpoints: r.backends.Endpoints()}
}

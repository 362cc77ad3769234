package proxy

import "github.com/svcsim/svcsim/cluster"

// Programmed returns the endpoints this node's proxy sends new connections
// for a Service's cluster IP and port to, as its rules stood after its last
// sync: what traffic from this node meets now, however the store has moved
// on since. ok is false when the proxy has no rule for that address (it
// has not heard of the Service, the Service has no cluster IP, or no such
// port). An empty result with ok true is a rule that refuses connections.
// It reads only: it draws nothing and schedules nothing.
func (n *Node) Programmed(namespace, service string, port int32) (eps []Endpoint, ok bool) {
	svc := n.services[key(namespace, service)]
	if svc == nil {
		return nil, false
	}
	for _, sp := range svc.Spec.Ports {
		if sp.Port != port {
			continue
		}
		proto := sp.Protocol
		if proto == "" {
			proto = cluster.ProtocolTCP
		}
		r := n.rules[dest{svc.Spec.ClusterIP, port, proto}]
		if r == nil {
			return nil, false
		}
		if r.reject {
			return nil, true
		}
		return r.backends.Endpoints(), true
	}
	return nil, false
}

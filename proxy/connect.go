package proxy

import (
	"github.com/svcsim/svcsim/cluster"
	"github.com/svcsim/svcsim/selector"
)

var everything = selector.Everything()

// Outcome is how a connection attempt ends.
type Outcome uint8

const (
	// Answered means a pod accepted the connection.
	Answered Outcome = iota
	// Refused means the client was told at once that nothing listens: the
	// Service has no usable endpoints (kube-proxy REJECTs), or the chosen
	// pod's app no longer accepts connections.
	Refused
	// TimedOut means the packets went nowhere: a Local policy with no local
	// endpoint (kube-proxy DROPs), a stale rule pointing at a pod that is
	// gone, a pod on a node that is down, or an address nobody has.
	TimedOut
)

// String names the outcome as a client would report it.
func (o Outcome) String() string {
	switch o {
	case Answered:
		return "answered"
	case Refused:
		return "connection refused"
	}
	return "timed out"
}

// Result is what happened to one connection.
type Result struct {
	Outcome Outcome
	// Pod is the pod that answered or was chosen, "namespace/name"; empty
	// when no backend was chosen.
	Pod string
	// IP and Port are where the connection was sent.
	IP   string
	Port int32
	// Service is the Service whose rule matched, "namespace/name"; empty
	// for a connection straight to a pod.
	Service string
}

// Connect opens a connection from a client on node fromNode (with address
// clientIP) to dstIP:dstPort over TCP, as that node's kube-proxy rules say,
// at the current virtual time: a Service's cluster IP, a node's IP and a
// NodePort, a load balancer's IP, or a pod's own IP.
func (p *Proxies) Connect(fromNode, clientIP, dstIP string, dstPort int32) Result {
	// The rules that apply are those of the node the packet is on: the
	// client's own node, or, for a node's address, that node.
	n := p.Node(fromNode)
	for _, x := range p.nodes {
		if x.ip == dstIP {
			n = x
		}
	}
	if n == nil && len(p.nodes) > 0 {
		n = p.nodes[0] // from outside to a load balancer: any node
	}
	if n != nil {
		if r := n.rules[dest{dstIP, dstPort, cluster.ProtocolTCP}]; r != nil {
			res := Result{Service: r.service}
			e, ok := r.backends.PickFor(clientIP, p.s.Now().Duration(), p.s.Rand())
			switch {
			case ok:
				res.IP, res.Port, res.Pod = e.IP, e.Port, e.Pod
				res.Outcome = p.reach(e.IP)
			case r.reject:
				res.Outcome = Refused
			default:
				res.Outcome = TimedOut
			}
			return res
		}
	}
	// No Service rule: straight to a pod, or nowhere.
	return Result{Outcome: p.reach(dstIP), IP: dstIP, Port: dstPort, Pod: p.pods[dstIP]}
}

// reach decides what a connection delivered to a pod address meets: the
// pod's app answers if it accepts connections and refuses once it stopped
// listening; nothing answers if the pod or its node is gone.
func (p *Proxies) reach(ip string) Outcome {
	podKey, ok := p.pods[ip]
	if !ok {
		return TimedOut
	}
	ns, name := splitKey(podKey)
	rt, ok := p.s.Runtime(ns, name)
	switch {
	case !ok || rt.IP != ip || !rt.NodeUp:
		return TimedOut
	case rt.Accepting:
		return Answered
	}
	return Refused
}

func splitKey(k string) (string, string) {
	for i := 0; i < len(k); i++ {
		if k[i] == '/' {
			return k[:i], k[i+1:]
		}
	}
	return "", k
}

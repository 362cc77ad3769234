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
	// Reset means the connection was accepted but broke before the answer:
	// the pod's process exited, crashed or was killed mid-request. Only
	// requests end this way; Connect never does.
	Reset
	// Unresolved means the client could not turn the name into an
	// address: no such Service (yet, in this DNS server's view), a
	// headless Service with no ready pod, or a name only the cluster DNS
	// knows asked from a node or from outside. Only requests end this way.
	Unresolved
	numOutcomes
)

// String names the outcome as a client would report it.
func (o Outcome) String() string {
	switch o {
	case Answered:
		return "answered"
	case Refused:
		return "connection refused"
	case TimedOut:
		return "timed out"
	case Reset:
		return "connection reset"
	case Unresolved:
		return "no such host"
	}
	return "unknown outcome"
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

// Connect opens a TCP connection from a client on node fromNode (with
// address clientIP), or from outside the cluster if fromNode is "", to
// dstIP:dstPort at the current virtual time, as the kube-proxy rules of the
// node the packets reach say: a Service's cluster IP, a node's IP and a
// NodePort, a load balancer's or external IP, or a pod's own IP. It ends
// Answered, Refused or TimedOut, and changes nothing but the picks' state
// (round robin, affinity).
func (p *Proxies) Connect(fromNode, clientIP, dstIP string, dstPort int32) Result {
	r, _, _, _ := p.connect(fromNode, clientIP, dstIP, dstPort)
	return r
}

// connect is Connect that also returns, for an answered connection, the
// pod it reached, which of its containers listens, and the pod's runtime.
func (p *Proxies) connect(fromNode, clientIP, dstIP string, dstPort int32) (Result, *podRec, int, cluster.PodRuntime) {
	outside := fromNode == ""
	d := dest{dstIP, dstPort, cluster.ProtocolTCP}
	// The rules that apply are those of the node the packet is on: the
	// client's own; for a node's address, that node; for a load balancer's
	// address reached from outside, the node the cloud sends it to.
	var n *Node
	toNode := p.byIP[dstIP]
	switch {
	case toNode != nil:
		n = toNode
	case outside:
		n = p.entryNode(d)
	default:
		n = p.byName[fromNode]
	}
	if n != nil {
		if r := n.rules[d]; r != nil && (!outside || r.external) {
			res := Result{Service: r.service}
			e, ok := r.backends.PickFor(clientIP, p.s.Now().Duration(), p.s.Rand())
			switch {
			case ok:
				res.IP, res.Port, res.Pod = e.IP, e.Port, e.Pod
				o, rec, c, rt := p.reach(e.IP, e.Port)
				res.Outcome = o
				return res, rec, c, rt
			case r.reject:
				res.Outcome = Refused
			default:
				res.Outcome = TimedOut
			}
			return res, nil, -1, cluster.PodRuntime{}
		}
	}
	res := Result{IP: dstIP, Port: dstPort}
	switch {
	case toNode != nil:
		// A node's address on a port no rule claims: nothing listens.
		res.Outcome = Refused
	case outside:
		// Cluster and pod addresses are not routed outside the cluster.
		res.Outcome = TimedOut
	default:
		o, rec, c, rt := p.reach(dstIP, dstPort)
		res.Outcome = o
		if rec != nil {
			res.Pod = rec.key
		}
		return res, rec, c, rt
	}
	return res, nil, -1, cluster.PodRuntime{}
}

// entryNode is the node a cloud load balancer sends an outside connection
// for d to: any node with a rule for it, except that under a Local policy
// its health checks pass only on nodes with a local endpoint (and, if none
// pass, it tries them all). It draws from the seeded source only when
// there is a choice.
func (p *Proxies) entryNode(d dest) *Node {
	count := func(healthyOnly bool) int {
		c := 0
		for _, n := range p.nodes {
			if r := n.rules[d]; r != nil && r.external && (!healthyOnly || !r.local || r.backends.Len() > 0) {
				c++
			}
		}
		return c
	}
	healthyOnly := true
	c := count(true)
	if c == 0 {
		healthyOnly = false
		if c = count(false); c == 0 {
			return nil
		}
	}
	k := 0
	if c > 1 {
		k = p.s.Rand().IntN(c)
	}
	for _, n := range p.nodes {
		if r := n.rules[d]; r != nil && r.external && (!healthyOnly || !r.local || r.backends.Len() > 0) {
			if k == 0 {
				return n
			}
			k--
		}
	}
	return nil
}

// reach decides what a connection delivered to a pod address meets: the
// pod's app answers if it accepts connections on that port; the pod's
// kernel refuses it if the app stopped listening or never listened there;
// nothing answers if the pod or its node is gone.
func (p *Proxies) reach(ip string, port int32) (Outcome, *podRec, int, cluster.PodRuntime) {
	rec := p.pods[ip]
	if rec == nil {
		return TimedOut, nil, -1, cluster.PodRuntime{}
	}
	rt, ok := p.s.RuntimeByUID(rec.uid)
	switch {
	case !ok || rt.IP != ip || !rt.NodeUp:
		return TimedOut, nil, -1, cluster.PodRuntime{}
	case !rt.Accepting:
		return Refused, rec, -1, rt
	}
	c := rec.listener(p.apps, port)
	if c < 0 {
		return Refused, rec, -1, rt
	}
	return Answered, rec, c, rt
}

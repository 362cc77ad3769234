package proxy

import (
	"github.com/svcsim/svcsim/cluster"
	"github.com/svcsim/svcsim/selector"
	"math/rand/v2"
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
// address clientIP: the node's own address for a process on the node, a
// pod's for a pod), or from outside the cluster if fromNode is "", to
// dstIP:dstPort at the current virtual time, as the kube-proxy rules of the
// node the packets reach say: a Service's cluster IP, a node's IP and a
// NodePort, a load balancer's or external IP, or a pod's own IP. It ends
// Answered, Refused or TimedOut, and changes nothing but the picks' state
// (round robin, affinity). Its random picks come from a stream of its own,
// so a connection made to look does not change what requests and loads
// pick.
func (p *Proxies) Connect(fromNode, clientIP, dstIP string, dstPort int32) Result {
	p.check()
	return p.connect(p.connectRand, fromNode, clientIP, dstIP, dstPort).Result
}

// conn is a connection as the data plane resolved it: the Result, and for
// one that reached a pod, the pod, which of its containers listens (-1 if
// none), the pod's runtime, and the source address the pod sees.
type conn struct {
	Result
	rec *podRec
	ctr int
	rt  cluster.PodRuntime
	src string
}

// connect draws its random picks (backend, load balancer's node) from rng,
// the stream of whoever opens the connection.
func (p *Proxies) connect(rng *rand.Rand, fromNode, clientIP, dstIP string, dstPort int32) conn {
	c := conn{Result: Result{IP: dstIP, Port: dstPort}, ctr: -1, src: clientIP}
	outside := fromNode == ""
	var client *Node
	if !outside {
		if client = p.byName[fromNode]; client == nil || !p.s.NodeReachable(client.name) {
			c.Outcome = TimedOut // no such node, or one that sends nothing
			return c
		}
	}
	host := client != nil && clientIP == client.ip
	d := dest{dstIP, dstPort, cluster.ProtocolTCP}
	// The rules that apply are those of the node the packets are on: the
	// client's own, unless they are addressed to another node (from that
	// node's point of view, traffic from elsewhere), or come from outside
	// through a load balancer, which picks a node.
	toNode := p.byIP[dstIP]
	n, arrived := client, outside
	switch {
	case toNode != nil && (outside || host && toNode != client):
		n, arrived = toNode, true
	case outside:
		n = p.entryNode(d, rng)
	}
	if n != nil && !p.s.NodeReachable(n.name) {
		c.Outcome = TimedOut // the packets go to a node that is down
		return c
	}
	if n != nil {
		if r := n.rules[d]; r != nil && (!outside || r.external) {
			c.Service = r.service
			b := r.backends
			// kube-proxy sends pod and host traffic for a Local Service's
			// node port or load balancer to every endpoint, not only local
			// ones; only traffic from elsewhere is held to the node.
			short := r.external && r.local && !arrived
			if short {
				b = r.cluster
			}
			if r.external && (!r.local || short) {
				c.src = n.ip // masqueraded: the pod sees the node's address
			}
			e, ok := b.PickFor(clientIP, p.s.Now().Duration(), rng)
			switch {
			case ok:
				c.IP, c.Port, c.Pod = e.IP, e.Port, e.Pod
				p.reach(&c)
			case r.reject:
				c.Outcome = Refused
			default:
				c.Outcome = TimedOut
			}
			return c
		}
	}
	switch {
	case toNode != nil:
		c.Outcome = Refused // a node's address on a port no rule claims
	case outside:
		c.Outcome = TimedOut // cluster and pod addresses are not routed outside
	default:
		p.reach(&c)
	}
	return c
}

// entryNode is the node a cloud load balancer sends an outside connection
// for d to: any node that is up and has a rule for it, except that under a
// Local policy its health checks pass only on nodes with a local endpoint
// (and, if none pass, it tries them all). It draws from rng only when
// there is a choice.
func (p *Proxies) entryNode(d dest, rng *rand.Rand) *Node {
	eligible := func(n *Node, healthyOnly bool) bool {
		r := n.rules[d]
		return r != nil && r.external && p.s.NodeReachable(n.name) && (!healthyOnly || !r.local || r.backends.Len() > 0)
	}
	count := func(healthyOnly bool) int {
		c := 0
		for _, n := range p.nodes {
			if eligible(n, healthyOnly) {
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
		k = rng.IntN(c)
	}
	for _, n := range p.nodes {
		if eligible(n, healthyOnly) {
			if k == 0 {
				return n
			}
			k--
		}
	}
	return nil
}

// reach decides what a connection delivered to c.IP:c.Port meets: the
// pod's app answers if it accepts connections on that port; the pod's
// kernel refuses it if the app stopped listening or never listened there;
// nothing answers if the pod or its node is gone. A pod found there is
// named in c, even if a stale rule meant another.
func (p *Proxies) reach(c *conn) {
	rec := p.pods[c.IP]
	if rec == nil {
		c.Outcome = TimedOut
		return
	}
	rt, ok := rec.runtime(p.s)
	if !ok || rt.IP != c.IP || !rt.NodeUp {
		c.Outcome = TimedOut
		return
	}
	c.rec, c.rt, c.Pod = rec, rt, rec.key
	if !rt.Accepting {
		c.Outcome = Refused
		return
	}
	if c.ctr = rec.listener(p.apps, c.Port); c.ctr < 0 {
		c.Outcome = Refused
		return
	}
	c.Outcome = Answered
}

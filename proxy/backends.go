package proxy

import (
	"math/rand/v2"
	"time"
)

// Mode is how a proxy spreads connections over a Service's endpoints.
type Mode uint8

const (
	// IPTables picks uniformly at random, as the iptables proxier's chain of
	// statistic rules with probabilities 1/n, 1/(n-1), ..., 1 does. It is
	// kube-proxy's default on Linux.
	IPTables Mode = iota
	// IPVS cycles through the endpoints in order, as IPVS's default
	// round-robin scheduler does.
	IPVS
)

// String names the mode as kube-proxy's --proxy-mode flag does.
func (m Mode) String() string {
	if m == IPVS {
		return "ipvs"
	}
	return "iptables"
}

// Backends is the programmed rule of one Service port on one node: the
// usable endpoints, how to pick among them, and the ClientIP affinity
// record. It is not safe for concurrent use, like everything driven by the
// simulation's loop.
type Backends struct {
	eps  []Endpoint
	mode Mode
	next int // round-robin position
	// affinity maps a client IP to the endpoint it was last sent to and
	// when; a zero timeout disables affinity.
	timeout  time.Duration
	affinity map[string]pinned
}

type pinned struct {
	ep   Endpoint
	last time.Duration
}

// NewBackends programs a rule over eps (already filtered by [Usable]) with
// the given mode and ClientIP affinity timeout (0 for none).
func NewBackends(eps []Endpoint, mode Mode, affinity time.Duration) *Backends {
	b := &Backends{eps: append([]Endpoint(nil), eps...), mode: mode, timeout: affinity}
	if affinity > 0 {
		b.affinity = map[string]pinned{}
	}
	return b
}

// Len returns the number of endpoints.
func (b *Backends) Len() int { return len(b.eps) }

// Endpoints returns a copy of the endpoints, in the order they were given.
func (b *Backends) Endpoints() []Endpoint { return append([]Endpoint(nil), b.eps...) }

// Pick chooses the endpoint for a new connection and reports false if
// there is none. The random choice draws from rng, which must be a seeded
// stream of the simulation's ([cluster.Sim.Stream]) so that runs repeat. It does not allocate.
func (b *Backends) Pick(rng *rand.Rand) (Endpoint, bool) {
	switch n := len(b.eps); {
	case n == 0:
		return Endpoint{}, false
	case b.mode == IPVS:
		e := b.eps[b.next%n]
		b.next = (b.next + 1) % n
		return e, true
	case n == 1:
		return b.eps[0], true
	default:
		return b.eps[rng.IntN(n)], true
	}
}

// PickFor is [Backends.Pick] for a connection from client at virtual time
// now, honouring ClientIP affinity: a client that connected within the
// timeout goes to the same endpoint, if it is still there, and each new
// connection restarts its timer, as iptables' "recent" match does.
func (b *Backends) PickFor(client string, now time.Duration, rng *rand.Rand) (Endpoint, bool) {
	if b.affinity == nil {
		return b.Pick(rng)
	}
	if p, ok := b.affinity[client]; ok && now-p.last <= b.timeout && b.has(p.ep) {
		b.affinity[client] = pinned{ep: p.ep, last: now}
		return p.ep, true
	}
	e, ok := b.Pick(rng)
	if ok {
		b.affinity[client] = pinned{ep: e, last: now}
	}
	return e, ok
}

func (b *Backends) has(e Endpoint) bool {
	for _, x := range b.eps {
		if x.IP == e.IP && x.Port == e.Port {
			return true
		}
	}
	return false
}

// inherit carries over what a resync leaves in the kernel: the round-robin
// position and the ClientIP affinity records (pins to endpoints that went
// away are ignored when next consulted).
func (b *Backends) inherit(old *Backends) {
	if len(b.eps) > 0 {
		b.next = old.next % len(b.eps)
	}
	if b.affinity != nil && old.affinity != nil && b.timeout == old.timeout {
		b.affinity = old.affinity
	}
}

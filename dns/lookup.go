package dns

import (
	"math/rand/v2"
	"net/netip"
	"slices"
)

// Query answers one question for an absolute name (the trailing dot is
// optional, and case does not matter), as CoreDNS's kubernetes plugin
// would. The records come sorted: A by numeric address, others by target.
// A name with a CNAME answers any other type with the CNAME, followed by
// the target's records when the target is in the cluster zone; a target
// outside it is left unresolved, as it would be with no upstream server.
//
// A name that exists but has no record of type t gives no records and a
// nil error (NODATA). Otherwise the error is an [*Error] wrapping
// [ErrNXDomain] (the name, or the in-zone target of its CNAME, does not
// exist; names outside the cluster never do), [ErrInvalidName] or
// [ErrCNAMELoop]. The records are the caller's to keep.
func (sv *Server) Query(name string, t Type) ([]Record, error) {
	sv.check()
	abs, _, reason := canonical(name)
	if reason != "" {
		return nil, &Error{Name: name, Err: ErrInvalidName, Reason: reason}
	}
	sv.flush()
	var out []Record
	var chain []string
	cur := abs
	for range maxChain + 1 {
		n := sv.names[cur]
		if n == nil {
			return nil, &Error{Name: name, Err: ErrNXDomain, CNAMEs: chain}
		}
		if n.cname == "" || t == CNAME {
			for _, r := range n.recs {
				if r.Type == t {
					out = append(out, r)
				}
			}
			return out, nil
		}
		if len(chain) == 0 {
			chain = append(chain, cur)
		}
		looped := slices.Contains(chain, n.cname)
		chain = append(chain, n.cname)
		if looped {
			break
		}
		for _, r := range n.recs {
			if r.Type == CNAME {
				out = append(out, r)
			}
		}
		if !sv.served(n.cname) {
			return out, nil
		}
		cur = n.cname
	}
	return nil, &Error{Name: name, Err: ErrCNAMELoop, CNAMEs: chain}
}

// Answer is the result of resolving a name the way a pod's resolver does.
// Its slices are shared with the server: read them, do not modify them.
type Answer struct {
	// Name is the absolute name the search found, such as
	// "web.default.svc.cluster.local.", or the address itself when the
	// name was one.
	Name string
	// CNAMEs is the chain of CNAME targets followed from Name, in order;
	// the last holds the addresses. Empty when Name holds them itself.
	CNAMEs []string
	// IPs are the addresses. Several (a headless Service's) come rotated
	// by a random offset, as the loadbalance plugin shuffles them.
	IPs []string
}

// Lookup resolves name as a pod in namespace with dnsPolicy ClusterFirst
// would. A name with a trailing dot is absolute. Otherwise one with fewer
// than 5 dots (ndots:5) tries the search list first ([SearchPath]) and
// then itself; one with 5 or more, itself first. A name that exists but has
// no address does not stop the search, as with real resolvers. CNAMEs are
// followed inside the cluster zone, so an ExternalName pointing at another
// Service's name resolves through it. An IP address resolves to itself.
// An empty namespace means "default".
//
// When an answer has several addresses, they come rotated by an offset
// drawn from the server's own random stream (see [Answer]), which nothing
// else draws from: a lookup made to look changes nothing in the run. A repeated
// lookup is answered from a cache that is emptied whenever the server's
// view changes, and allocates nothing.
//
// The error is an [*Error] wrapping [ErrNXDomain] (nothing on the search
// path exists; names outside the cluster never do), [ErrNoUpstream] (a
// CNAME left the cluster zone, with the chain in the error),
// [ErrInvalidName] (for the name or the namespace) or [ErrCNAMELoop].
func (sv *Server) Lookup(namespace, name string) (Answer, error) {
	sv.check()
	return sv.LookupWith(namespace, name, sv.rand)
}

// LookupWith is [Server.Lookup] with the rotation of a many-address answer
// drawn from r: a client of the simulation (a pod's requests, a load) passes
// its own stream, so that its answers do not depend on who else asked. A
// nil r means the server's own stream, as Lookup uses.
func (sv *Server) LookupWith(namespace, name string, r *rand.Rand) (Answer, error) {
	sv.check()
	if r == nil {
		r = sv.rand
	}
	k := cacheKey{namespace, name}
	c, ok := sv.cache[k]
	if !ok {
		c = sv.lookup(namespace, name)
		if len(sv.cache) >= maxCached {
			clear(sv.cache)
		}
		sv.cache[k] = c
	}
	if c.err != nil {
		return Answer{}, c.err
	}
	a := c.ans
	if n := len(a.IPs); n > 1 {
		off := r.IntN(n)
		a.IPs = c.ring[off : off+n : off+n]
	}
	return a, nil
}

// maxCached bounds the answer cache: a caller asking for ever new names
// empties it now and then rather than growing it without end.
const maxCached = 1 << 14

type cacheKey struct{ namespace, name string }

// cached is a finished lookup: its answer, with the addresses twice in a
// row (ring) so that any rotation of them is a subslice, or its error.
type cached struct {
	ans  Answer
	ring []string
	err  error
}

// lookup resolves a name the cache does not hold.
func (sv *Server) lookup(namespace, name string) *cached {
	if ip, err := netip.ParseAddr(name); err == nil {
		return &cached{ans: Answer{Name: name, IPs: []string{ip.String()}}}
	}
	ns := lowerASCII(namespace)
	if ns == "" {
		ns = "default"
	}
	if reason := checkNamespace(ns); reason != "" {
		return &cached{err: &Error{Name: name, Err: ErrInvalidName, Reason: reason}}
	}
	abs, rooted, reason := canonical(name)
	if reason != "" {
		return &cached{err: &Error{Name: name, Err: ErrInvalidName, Reason: reason}}
	}
	sv.flush()
	var chain []string // of the last candidate that failed through a CNAME
	for _, cand := range sv.candidates(ns, abs, rooted) {
		cnames, ips, err := sv.resolve(cand)
		switch {
		case err == nil:
			ips = ips[:len(ips):len(ips)]
			c := &cached{ans: Answer{Name: cand, CNAMEs: cnames, IPs: ips}}
			if len(ips) > 1 {
				c.ring = append(append(make([]string, 0, 2*len(ips)), ips...), ips...)
			}
			return c
		case err != ErrNXDomain:
			return &cached{err: &Error{Name: name, Err: err, CNAMEs: append([]string{cand}, cnames...)}}
		case len(cnames) > 0:
			chain = append([]string{cand}, cnames...)
		}
	}
	return &cached{err: &Error{Name: name, Err: ErrNXDomain, CNAMEs: chain}}
}

// candidates lists the absolute names a pod's resolver tries for abs, in
// order. Names made too long by a search suffix are not tried.
func (sv *Server) candidates(ns, abs string, rooted bool) []string {
	if rooted {
		return []string{abs}
	}
	body := abs[:len(abs)-1]
	dots := 0
	for i := 0; i < len(body); i++ {
		if body[i] == '.' {
			dots++
		}
	}
	out := make([]string, 0, 4)
	if dots >= ndots {
		out = append(out, abs)
	}
	for _, suffix := range [...]string{ns + ".svc." + sv.zone, "svc." + sv.zone, sv.zone} {
		if c := body + "." + suffix; len(c)-1 <= maxName {
			out = append(out, c)
		}
	}
	if dots < ndots {
		out = append(out, abs)
	}
	return out
}

// ndots is the option kubelet writes into a ClusterFirst pod's resolv.conf.
const ndots = 5

// resolve follows name's CNAMEs inside the served zones and returns the
// chain and the addresses at its end, or why there are none: ErrNXDomain
// (also for a name that exists without addresses), ErrNoUpstream or
// ErrCNAMELoop.
func (sv *Server) resolve(name string) (cnames, ips []string, err error) {
	cur := name
	for range maxChain + 1 {
		n := sv.names[cur]
		switch {
		case n == nil:
			return cnames, nil, ErrNXDomain
		case n.cname != "":
			looped := n.cname == name || slices.Contains(cnames, n.cname)
			cnames = append(cnames, n.cname)
			if looped {
				return cnames, nil, ErrCNAMELoop
			}
			if !sv.served(n.cname) {
				return cnames, nil, ErrNoUpstream
			}
			cur = n.cname
		case len(n.ips) == 0:
			return cnames, nil, ErrNXDomain
		default:
			return cnames, n.ips, nil
		}
	}
	return cnames, nil, ErrCNAMELoop
}

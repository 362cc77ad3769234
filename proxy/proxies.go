package proxy

import (
	"errors"
	"fmt"
	"math/rand/v2"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/svcsim/svcsim/cluster"
	"github.com/svcsim/svcsim/dns"
	"github.com/svcsim/svcsim/endpoints"
)

// Options configure the kube-proxies. The zero Options are kube-proxy's
// defaults: iptables mode, a sync at most once a second, a full resync
// every 30 seconds.
type Options struct {
	// Mode is how connections are spread: IPTables (the default) or IPVS.
	Mode Mode
	// MinSyncPeriod is the least time between two syncs of a proxy's rules;
	// changes that arrive meanwhile wait for the next one. Default 1 s;
	// it may not be negative.
	MinSyncPeriod time.Duration
	// SyncPeriod is how often each proxy reprograms its rules even when
	// nothing changed, as kube-proxy's periodic full resync does. It is
	// background work: [cluster.Sim.Settle] does not wait for it. Default
	// 30 s; negative turns it off (a svcsim extension); otherwise it may
	// not be shorter than MinSyncPeriod, as kube-proxy requires.
	SyncPeriod time.Duration
	// Lag is the delay of each proxy's watches; nil means the cluster's
	// Timing.Watch.
	Lag cluster.Lag
	// DNS is the cluster DNS that pod clients resolve names with; nil means
	// clients can use addresses only.
	DNS *dns.Server
}

// Proxies is kube-proxy on every node of a cluster. Each node's proxy has
// its own watches, its own lag and its own rules, so two nodes may route
// the same Service differently for a while, as in a real cluster.
type Proxies struct {
	s      *cluster.Sim
	opts   Options
	nodes  []*Node
	byName map[string]*Node
	byIP   map[string]*Node
	// pods maps pod addresses to pods: where a connection that leaves the
	// rules lands.
	pods map[string]*podRec
	apps *Apps
	free []*call // requests that ended, for reuse
	// The random streams of lone requests and of Connect; each load has
	// its own, and loads counts them.
	requestRand, connectRand *rand.Rand
	loads                    int
	// ports is what the last proxy to sync made of each Service port's
	// slices: the next proxy that sees the same slices (the store's own
	// snapshots, so the same pointers) reads the same endpoints from them.
	ports map[portOf]portEndpoints
	// measure follows network programming latency, once asked to; see
	// MeasureProgramming.
	measure *measure
}

// portOf names a Service port: the Service's key and the port's name.
type portOf struct{ svc, port string }

// portEndpoints is a Service port's endpoints and the slices they were
// read from. Neither is modified once made.
type portEndpoints struct {
	slices []*cluster.EndpointSlice
	eps    []Endpoint
}

// ErrInvalidOptions is wrapped by the error [Start] returns for options
// kube-proxy would refuse to start with.
var ErrInvalidOptions = errors.New("proxy: invalid options")

// Start runs a kube-proxy on every node of s from now on. Options that
// kube-proxy's own validation rejects (an unknown mode, a negative
// MinSyncPeriod, a SyncPeriod shorter than it) give an error wrapping
// [ErrInvalidOptions], and nothing starts. It panics if s is nil, or if
// opts.DNS is a Server not made by [dns.Start].
func Start(s *cluster.Sim, opts Options) (*Proxies, error) {
	if s == nil {
		panic("proxy: Start with a nil *cluster.Sim")
	}
	if opts.DNS != nil {
		opts.DNS.Zone() // panics here, at the call, for a zero Server
	}
	if opts.MinSyncPeriod == 0 {
		opts.MinSyncPeriod = time.Second
	}
	if opts.SyncPeriod == 0 {
		opts.SyncPeriod = 30 * time.Second
	}
	switch {
	case opts.Mode > IPVS:
		return nil, fmt.Errorf("%w: unknown proxy mode %d", ErrInvalidOptions, opts.Mode)
	case opts.MinSyncPeriod < 0:
		return nil, fmt.Errorf("%w: MinSyncPeriod %s must be greater than or equal to 0", ErrInvalidOptions, opts.MinSyncPeriod)
	case opts.SyncPeriod > 0 && opts.SyncPeriod < opts.MinSyncPeriod:
		return nil, fmt.Errorf("%w: SyncPeriod %s must be greater than or equal to MinSyncPeriod %s", ErrInvalidOptions, opts.SyncPeriod, opts.MinSyncPeriod)
	}
	if opts.Lag == nil {
		opts.Lag = s.Config().Timing.Watch
	}
	p := &Proxies{s: s, opts: opts, byName: map[string]*Node{}, byIP: map[string]*Node{}, ports: map[portOf]portEndpoints{},
		pods: map[string]*podRec{}, apps: newApps(),
		requestRand: s.Stream("proxy requests"), connectRand: s.Stream("proxy connect")}
	for _, n := range cluster.ListAs[*cluster.Node](s, "", everything) {
		x := p.startNode(n)
		p.nodes = append(p.nodes, x)
		p.byName[x.name], p.byIP[x.ip] = x, x
	}
	s.WatchShared("network", cluster.Fixed(0), p.onPod, cluster.KindPod)
	return p, nil
}

// check panics, at the call, if p was not made by Start.
func (p *Proxies) check() {
	if p == nil || p.s == nil {
		panic("proxy: use of Proxies not made by proxy.Start")
	}
}

// Node returns the proxy on the named node, or nil.
func (p *Proxies) Node(name string) *Node {
	p.check()
	return p.byName[name]
}

// Apps returns the registry that decides what each container image
// answers.
func (p *Proxies) Apps() *Apps {
	p.check()
	return p.apps
}

func key(ns, name string) string { return ns + "/" + name }

// dest is an address and port a rule matches.
type dest struct {
	ip    string
	port  int32
	proto cluster.Protocol
}

// rule is what a proxy programmed for one destination.
type rule struct {
	service  string // namespace/name
	backends *Backends
	// reject is true when the Service has no usable endpoint anywhere:
	// connections are refused at once. Otherwise an empty rule (a Local
	// policy with endpoints only elsewhere) drops them.
	reject bool
	// external marks NodePort, load-balancer and external-IP rules, the
	// only ones outside clients reach; local marks a Local policy.
	external, local bool
	// cluster is the chain of all endpoints, which a Local external rule
	// still uses for traffic from pods and from the node itself.
	cluster *Backends
}

// Node is kube-proxy on one node: its view of Services and EndpointSlices,
// and the rules it programmed from that view at its last sync.
type Node struct {
	p        *Proxies
	name, ip string
	services map[string]*cluster.Service
	slices   endpoints.SliceIndex
	rules    map[dest]*rule
	chains   map[chainKey]*Backends

	lastSync  time.Duration
	synced    bool
	scheduled bool
	syncs     int
}

func (p *Proxies) startNode(n *cluster.Node) *Node {
	x := &Node{p: p, name: n.Name, ip: n.InternalIP(), services: map[string]*cluster.Service{},
		rules: map[dest]*rule{}}
	name := "kube-proxy/" + n.Name
	p.s.WatchShared(name, p.opts.Lag, x.onService, cluster.KindService)
	p.s.WatchShared(name, p.opts.Lag, x.onSlice, cluster.KindEndpointSlice)
	if p.opts.SyncPeriod > 0 {
		x.resync()
	}
	return x
}

// resync reprograms the rules every SyncPeriod, changes or not. It runs
// in the background so that a quiet cluster still settles.
func (n *Node) resync() {
	n.p.s.Background(n.p.opts.SyncPeriod, "kube-proxy/"+n.name, func() {
		if !n.scheduled {
			n.sync()
		}
		n.resync()
	})
}

// Syncs returns how many times the proxy has programmed its rules.
func (n *Node) Syncs() int { return n.syncs }

func (n *Node) onService(ev cluster.WatchEvent) {
	svc := ev.Object.(*cluster.Service)
	k := key(svc.Namespace, svc.Name)
	if ev.Type == cluster.Deleted {
		delete(n.services, k)
	} else {
		n.services[k] = svc
	}
	n.changed()
}

func (n *Node) onSlice(ev cluster.WatchEvent) {
	if old, cur := n.slices.Apply(ev); old != "" || cur != "" {
		n.changed()
	}
}

// changed asks for a sync: at once if the last one is at least
// MinSyncPeriod ago, else as soon as it is, as kube-proxy's bounded
// frequency runner does.
func (n *Node) changed() {
	if n.scheduled {
		return
	}
	now := n.p.s.Now().Duration()
	at := now
	if n.synced && now-n.lastSync < n.p.opts.MinSyncPeriod {
		at = n.lastSync + n.p.opts.MinSyncPeriod
	}
	n.scheduled = true
	n.p.s.After(at-now, "kube-proxy/"+n.name, n.sync)
}

// sync reprograms every rule from the proxy's current view.
func (n *Node) sync() {
	n.scheduled = false
	n.synced = true
	n.lastSync = n.p.s.Now().Duration()
	n.syncs++
	rules := map[dest]*rule{}
	chains := map[chainKey]*Backends{}
	keys := make([]string, 0, len(n.services))
	for k := range n.services {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	for _, k := range keys {
		svc := n.services[k]
		if svc.Spec.Type == cluster.ServiceTypeExternalName || svc.Spec.ClusterIP == "" || svc.Spec.ClusterIP == cluster.ClusterIPNone {
			continue // no virtual IP, no rules
		}
		for _, sp := range svc.Spec.Ports {
			eps := n.endpoints(k, sp)
			reject := !HasAny(eps)
			proto := sp.Protocol
			if proto == "" {
				proto = cluster.ProtocolTCP
			}
			internalLocal := svc.Spec.InternalTrafficPolicy != nil && *svc.Spec.InternalTrafficPolicy == "Local"
			externalLocal := svc.Spec.ExternalTrafficPolicy == "Local"
			affinity := time.Duration(0)
			if svc.Spec.SessionAffinity == "ClientIP" {
				affinity = 10800 * time.Second
				if c := svc.Spec.SessionAffinityConfig; c != nil && c.ClientIP != nil && c.ClientIP.TimeoutSeconds != nil {
					affinity = time.Duration(*c.ClientIP.TimeoutSeconds) * time.Second
				}
			}
			// One chain per endpoint set, as iptables has a KUBE-SVC chain
			// (all endpoints) and a KUBE-SVL chain (local ones) per port,
			// shared by every address that leads to it.
			chain := func(local bool) *Backends {
				ck := chainKey{k, sp.Port, proto, local}
				if b := chains[ck]; b != nil {
					return b
				}
				b := NewBackends(Usable(eps, local, n.name), n.p.opts.Mode, affinity)
				if o := n.chains[ck]; o != nil {
					b.inherit(o)
				}
				chains[ck] = b
				return b
			}
			internal := &rule{service: k, reject: reject, local: internalLocal, backends: chain(internalLocal)}
			external := &rule{service: k, reject: reject, external: true, local: externalLocal,
				backends: chain(externalLocal), cluster: chain(false)}
			rules[dest{svc.Spec.ClusterIP, sp.Port, proto}] = internal
			if sp.NodePort != 0 {
				for _, node := range n.p.nodes {
					rules[dest{node.ip, sp.NodePort, proto}] = external
				}
			}
			for _, ing := range svc.Status.LoadBalancer.Ingress {
				if ing.IP != "" {
					rules[dest{ing.IP, sp.Port, proto}] = external
				}
			}
			for _, ip := range svc.Spec.ExternalIPs {
				rules[dest{ip, sp.Port, proto}] = external
			}
		}
	}
	n.rules, n.chains = rules, chains
	if n.p.measure != nil {
		n.p.measure.synced(n)
	}
}

// chainKey names a chain of endpoints: a Service port, all its endpoints
// or only this node's. A sync carries each chain's state (round-robin
// position, affinity records) over to its successor, as the kernel keeps
// them across a rewrite of the rules.
type chainKey struct {
	service string
	port    int32
	proto   cluster.Protocol
	local   bool
}

// endpoints returns a Service port's endpoints from the proxy's slices,
// sorted by "IP:port" as kube-proxy sorts them.
//
// Every proxy reads the same slices alike, so what one made is kept for
// the next that sees the same ones. The result is shared: callers only
// read it.
func (n *Node) endpoints(svcKey string, sp cluster.ServicePort) []Endpoint {
	sls := n.slices.Of(svcKey)
	at := portOf{svcKey, sp.Name}
	if len(sls) == 0 {
		delete(n.p.ports, at)
		return nil
	}
	if c, ok := n.p.ports[at]; ok && slices.Equal(c.slices, sls) {
		return c.eps
	}
	out := readEndpoints(sls, sp)
	n.p.ports[at] = portEndpoints{slices: sls, eps: out}
	return out
}

// readEndpoints reads a Service port's endpoints from its slices, in
// kube-proxy's order.
func readEndpoints(sls []*cluster.EndpointSlice, sp cluster.ServicePort) []Endpoint {
	var out []Endpoint
	for _, sl := range sls {
		var port *int32
		for _, p := range sl.Ports {
			if p.Name != nil && *p.Name == sp.Name && p.Port != nil {
				port = p.Port
			}
		}
		if port == nil {
			continue
		}
		for _, e := range sl.Endpoints {
			x := Endpoint{Port: *port, Ready: true, Serving: true}
			if len(e.Addresses) > 0 {
				x.IP = e.Addresses[0]
			}
			if e.NodeName != nil {
				x.Node = *e.NodeName
			}
			if e.TargetRef != nil {
				x.Pod = key(e.TargetRef.Namespace, e.TargetRef.Name)
			}
			if c := e.Conditions; c.Ready != nil {
				x.Ready = *c.Ready
			}
			if c := e.Conditions; c.Serving != nil {
				x.Serving = *c.Serving
			}
			if c := e.Conditions; c.Terminating != nil {
				x.Terminating = *c.Terminating
			}
			out = append(out, x)
		}
	}
	slices.SortFunc(out, compareEndpoints)
	return out
}

// compareEndpoints orders endpoints as kube-proxy does, by the string
// "IP:port", without building the strings.
func compareEndpoints(a, b Endpoint) int {
	// Where the addresses first differ, within the shorter, decides, as
	// it would in the joined strings; only when one address is the other
	// or begins it do the ports and the colon come into it.
	if n := min(len(a.IP), len(b.IP)); a.IP[:n] != b.IP[:n] {
		return strings.Compare(a.IP[:n], b.IP[:n])
	}
	var ab, bb [16]byte
	return joinedCompare(a.IP, strconv.AppendInt(ab[:0], int64(a.Port), 10), b.IP, strconv.AppendInt(bb[:0], int64(b.Port), 10))
}

// joinedCompare compares x+":"+xp with y+":"+yp.
func joinedCompare(x string, xp []byte, y string, yp []byte) int {
	at := func(s string, p []byte, i int) (byte, bool) {
		switch {
		case i < len(s):
			return s[i], true
		case i == len(s):
			return ':', true
		case i-len(s)-1 < len(p):
			return p[i-len(s)-1], true
		}
		return 0, false
	}
	for i := 0; ; i++ {
		cx, okx := at(x, xp, i)
		cy, oky := at(y, yp, i)
		switch {
		case !okx && !oky:
			return 0
		case !okx:
			return -1
		case !oky:
			return 1
		case cx != cy:
			return int(cx) - int(cy)
		}
	}
}

package cluster

import (
	"errors"
	"fmt"
	"math/rand/v2"
	"net/netip"
)

// Config describes a simulated cluster. The zero Config is a three-node
// cluster with instant timing and seed 0.
type Config struct {
	// Seed seeds every random choice: generated names, UIDs, lags, picks,
	// each consumer from a stream of its own ([Sim.Stream]). The same seed
	// and the same calls give the same run, byte for byte.
	Seed uint64
	// Nodes is the number of nodes, named node-1, node-2, ...; 0 means 3.
	Nodes int
	// Zones spreads the nodes over failure zones round-robin, node-1 in
	// Zones[0], node-2 in Zones[1], and so on, by labelling each with
	// [LabelTopologyZone] as a cloud provider does; the EndpointSlice
	// controller copies a node's zone onto its pods' endpoints. Empty
	// means no zone labels. Each entry must be a valid label value.
	Zones []string
	// Region, if not empty, labels every node with [LabelTopologyRegion].
	// It must be a valid label value.
	Region string
	// Timing is how long things take. Its unset fields take [Instant]'s
	// values, so the zero Timing is Instant.
	Timing Timing
	// PodCIDR is the cluster's pod range, default 10.244.0.0/16. Node i
	// gets the i-th subrange of size NodeCIDRMaskSize (default /24),
	// skipping any that overlap the ServiceCIDR, as kube-controller-manager
	// does.
	PodCIDR          string
	NodeCIDRMaskSize int
	// NodeIPBase is the first node's InternalIP, default 172.18.0.2; the
	// others follow it, and the control plane has the address before it.
	// All of them must be unicast host addresses outside the PodCIDR and
	// the ServiceCIDR (see [New]).
	NodeIPBase string
	// TraceCapacity is how many trace entries to keep in memory (the digest
	// always covers all of them); 0 means [DefaultTraceCapacity] and a
	// negative value keeps none.
	TraceCapacity int
	// SettleLimit bounds the events one call of [Sim.Settle], [Sim.RunFor]
	// or [Sim.RunUntil] may run; 0 means [DefaultSettleLimit]. Raise it for
	// a run that is long and busy on purpose.
	SettleLimit int
	// EventCapacity is how many events (kubectl get events) to keep; 0
	// means [DefaultEventCapacity] and a negative value keeps none.
	EventCapacity int
	// ServiceCIDR is the IPv4 range cluster IPs are allocated from
	// (kube-apiserver --service-cluster-ip-range), default 10.96.0.0/12,
	// kubeadm's; between /12 and /30. Its first address is the kubernetes
	// Service's.
	ServiceCIDR string
	// NodePortRange is the range node ports are allocated from
	// (--service-node-port-range), default "30000-32767".
	NodePortRange string
	// LoadBalancerIPs is the pool a simulated load balancer gives
	// LoadBalancer Services their external address from, in order. Empty
	// means no load balancer: such Services stay <pending>, as on a bare
	// cluster. The addresses must be distinct unicast host addresses outside
	// the PodCIDR and ServiceCIDR, and not a node's.
	LoadBalancerIPs []string
	// Source, when set, is where every stream draws from instead of the
	// PCG that Seed would give it: Source(name) is asked once for each
	// stream ([Sim.Stream]'s names, and "apiserver" for the apiserver's),
	// and a nil answer keeps the seeded PCG for that name. It is for test
	// kits that feed the simulation from a property tester's data so that
	// failures shrink in their timings and picks (cluster/clustertest's
	// RapidSource). Streams stay independent only if the sources are: one
	// shared source makes every draw shift what every later one gets.
	Source func(name string) rand.Source
}

// ErrConfig is wrapped by every error [New] returns.
var ErrConfig = errors.New("cluster: invalid config")

// Sim is a simulated Kubernetes cluster: an object store with watches, the
// scheduler, a kubelet per node, and the event loop that drives them in
// virtual time. It is a single-goroutine state machine: nothing in it runs
// unless you call one of its methods, and it must not be used from several
// goroutines at once. Build it with [New]: the zero Sim is not usable, and
// its methods panic, saying so.
type Sim struct {
	cfg Config
	// rand is the apiserver's stream: generated names, UIDs, cluster IPs
	// and node ports. Other consumers have streams of their own.
	rand    *rand.Rand
	streams map[string]*rand.Rand // by name; see Stream
	named   map[string]int        // how many watchers of each name subscribed
	now     Time
	seq     uint64
	queue   queue
	slab    slab   // the queue's events
	busy    int    // pending events that are not idle
	events  uint64 // events run
	trace   trace
	// current is the component whose event is running, "" outside events;
	// store writes are attributed to it.
	current string

	store    store
	watchers []*watcher
	obs      observers // checks run as the loop runs; see Observe
	eventLog eventLog

	nodes    []*nodeState // in name order
	kubelets map[string]*kubelet
	pods     map[string]*podRuntime // kubelet-side state, by pod UID: two pods of one name may be on two nodes

	serviceIPs *ipRange               // cluster IP allocator
	nodePorts  *portRange             // node port allocator
	svcGen     map[string]uint64      // per namespace, counts changes to its Services
	svcEnv     map[string]*serviceEnv // per namespace, the Service environment last built
}

// New builds a cluster from cfg: the built-in namespaces, the nodes, the
// scheduler and a kubelet on each node, all settled at virtual time zero.
// It returns an error wrapping [ErrConfig], naming the field and value, if
// cfg is out of range or would give a node, the control plane, a pod, a
// Service or a load balancer an address that is not a unicast host
// address, or one that another of them has.
func New(cfg Config) (*Sim, error) {
	if cfg.Nodes == 0 {
		cfg.Nodes = 3
	}
	if cfg.Nodes < 0 || cfg.Nodes > 5000 {
		return nil, fmt.Errorf("%w: Nodes must be between 1 and 5000, got %d", ErrConfig, cfg.Nodes)
	}
	if err := topologyConfig(&cfg); err != nil {
		return nil, err
	}
	timing, err := cfg.Timing.withDefaults()
	if err != nil {
		return nil, err
	}
	cfg.Timing = timing
	if cfg.PodCIDR == "" {
		cfg.PodCIDR = "10.244.0.0/16"
	}
	if cfg.NodeCIDRMaskSize == 0 {
		cfg.NodeCIDRMaskSize = 24
	}
	if cfg.NodeIPBase == "" {
		cfg.NodeIPBase = "172.18.0.2"
	}
	if cfg.TraceCapacity == 0 {
		cfg.TraceCapacity = DefaultTraceCapacity
	}
	if cfg.TraceCapacity < 0 {
		cfg.TraceCapacity = 0
	}
	if cfg.EventCapacity == 0 {
		cfg.EventCapacity = DefaultEventCapacity
	}
	if cfg.EventCapacity < 0 {
		cfg.EventCapacity = 0
	}
	if cfg.SettleLimit <= 0 {
		cfg.SettleLimit = DefaultSettleLimit
	}
	prefix, err := netip.ParsePrefix(cfg.PodCIDR)
	if err != nil || !prefix.Addr().Is4() {
		return nil, fmt.Errorf("%w: PodCIDR %q is not an IPv4 CIDR", ErrConfig, cfg.PodCIDR)
	}
	prefix = prefix.Masked()
	if cfg.NodeCIDRMaskSize < prefix.Bits() || cfg.NodeCIDRMaskSize > 30 {
		return nil, fmt.Errorf("%w: NodeCIDRMaskSize %d must be between the PodCIDR's /%d and /30", ErrConfig, cfg.NodeCIDRMaskSize, prefix.Bits())
	}
	if subnets := 1 << (cfg.NodeCIDRMaskSize - prefix.Bits()); cfg.Nodes > subnets {
		return nil, fmt.Errorf("%w: PodCIDR %s has room for %d node ranges of /%d, not %d nodes", ErrConfig, prefix, subnets, cfg.NodeCIDRMaskSize, cfg.Nodes)
	}
	base, err := netip.ParseAddr(cfg.NodeIPBase)
	if err != nil || !base.Is4() {
		return nil, fmt.Errorf("%w: NodeIPBase %q is not an IPv4 address", ErrConfig, cfg.NodeIPBase)
	}
	svcCIDR, ports, err := serviceConfig(&cfg)
	if err != nil {
		return nil, err
	}
	plan, err := planNetwork(&cfg, prefix, svcCIDR, base)
	if err != nil {
		return nil, err
	}
	s := &Sim{
		cfg:      cfg,
		rand:     newStream(&cfg, "apiserver", func() rand.Source { return rand.NewPCG(cfg.Seed, 0x5ec5eed) }),
		trace:    newTrace(cfg.TraceCapacity),
		store:    newStore(),
		kubelets: map[string]*kubelet{},
		pods:     map[string]*podRuntime{},
		eventLog: eventLog{limit: cfg.EventCapacity, index: map[string]int{}},

		serviceIPs: newIPRange(svcCIDR),
		nodePorts:  ports,
		obs:        observers{due: EndOfTime},
	}
	s.bootstrap(plan)
	if err := s.Settle(); err != nil {
		return nil, err
	}
	return s, nil
}

// check panics, at the call, if s was not made by New: a zero Sim has no
// store, no nodes and no loop, and would fail deep inside whatever it was
// asked to do.
func (s *Sim) check() {
	if s == nil || s.store.objs == nil {
		panic("cluster: use of a Sim not made by cluster.New")
	}
}

// Config returns the configuration the cluster was built with, defaults
// filled in.
func (s *Sim) Config() Config {
	s.check()
	return s.cfg
}

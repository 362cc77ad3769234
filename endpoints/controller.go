package endpoints

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/google/btree"

	"github.com/svcsim/svcsim/cluster"
	"github.com/svcsim/svcsim/selector"
)

// Name is the controller's component name in the trace and the value of
// the endpoints.kubernetes.io/managed-by label on the Endpoints it writes.
const Name = "endpoint-controller"

// Labels the controller puts on what it writes, as Kubernetes' do.
const (
	ServiceNameLabel        = "kubernetes.io/service-name"
	SliceManagedByLabel     = "endpointslice.kubernetes.io/managed-by"
	SliceManagedBy          = "endpointslice-controller.k8s.io"
	EndpointsManagedByLabel = "endpoints.kubernetes.io/managed-by"
	HeadlessLabel           = "service.kubernetes.io/headless"
	OverCapacityAnnotation  = "endpoints.kubernetes.io/over-capacity"
)

// MaxEndpoints is how many addresses an Endpoints object holds at most.
const MaxEndpoints = 1000

// Options configure the controller. The zero Options are Kubernetes'
// defaults.
type Options struct {
	// Lag is the delay of the controller's watches; nil means the
	// cluster's Timing.Controllers, or its Timing.Watch.
	Lag cluster.Lag
	// MaxEndpointsPerSlice caps each EndpointSlice; 0 means 100, and
	// otherwise it must be between 1 and 1000, as kube-controller-manager's
	// --max-endpoints-per-slice.
	MaxEndpointsPerSlice int
}

// Controller keeps Endpoints and EndpointSlices in step with Services and
// pods. Build it with [Start].
type Controller struct {
	s    *cluster.Sim
	opts Options

	pods     map[objKey]*pod     // the latest version of each pod
	services map[objKey]*service // every Service, managed or not
	// svcIndex finds the Services whose selector requires a label pair;
	// each managed Service is filed under one pair it requires (its
	// anchor), by name.
	svcIndex map[pair]map[string]*service
	// podIndex finds the pods carrying a label pair, by name, so that a
	// new or changed Service finds its pods without a scan.
	podIndex map[pair]map[string]struct{}
	// slices are the EndpointSlices the controller wrote and keeps, so
	// that a watch event on one can be told from the controller's own.
	slices map[objKey]*slice
	// zones holds the topology.kubernetes.io/zone label of each node that
	// has one. A zone that changes gets a new string, never an edit, since
	// the endpoints written share it.
	zones map[string]*string

	dirty     map[*service]struct{} // Services to sync
	scheduled bool
	free      *btree.FreeListG[*pod] // nodes for every Service's address trees
}

// objKey names a namespaced object.
type objKey struct{ ns, name string }

// pair is a namespaced label key=value, the unit of both indexes.
type pair struct{ ns, k, v string }

// pod is one version of a pod: what decides its endpoints. A version is
// not modified once built (services apart, which is kept on the latest
// version only), so that the endpoints written from it can share its
// strings; the pointers they share (ref, addrs, nodeName) are carried
// over from version to version while their values stay the same. Its
// labels are not kept: they are in the pod index, and each watch event
// brings the labels before and after a change.
type pod struct {
	ns, name, uid       string
	ip, node            string
	ready, terminating  bool
	terminal            bool
	readyAt             time.Time // the Ready condition's last transition; zero without one
	hostname, subdomain string
	ports               []cluster.ContainerPort // the named ones: only a name can be a target port

	ref      *cluster.ObjectReference // the endpoints' targetRef; nil without an IP
	addrs    []string                 // {ip}; nil without an IP
	nodeName *string                  // node; nil without an IP

	services []*service // the Services that select it, by key
}

// service is what the controller keeps of a Service, and of what it wrote
// for it.
type service struct {
	key, ns, name, uid string
	created            time.Time
	labels             selector.Set
	set                selector.Set
	sel                selector.Selector
	anchor             pair
	spec               cluster.ServiceSpec
	managed            bool
	owners             []cluster.OwnerReference // of its slices

	// members are the pods it selects, and those that left but are still
	// written, by name.
	members map[string]*member
	pending []*member // members changed since the last sync
	// full makes the next sync recompute every member, as after a change
	// to the Service; stale makes it first read back what is stored,
	// after someone else wrote it or a write failed.
	full, stale bool
	synced      bool // it has synced once: its creation was reported

	groups   map[string]*group // by port-map key
	fixedKey string            // the one port-map key when no target port is named, else ""
	ep       *cluster.Endpoints
	epRV     uint64   // the resourceVersion of ep as written or read
	slices   []*slice // by name
}

// member is one pod as one Service sees it: the pod now, and what the
// Service's objects show of it.
type member struct {
	name    string
	cur     *pod   // the latest version, while the Service selects it; else nil
	written *pod   // the version its Endpoints address was filed from; nil for none
	group   *group // where written is filed
	ready   bool   // written is in group.ready, not group.notReady
	slice   *slice // the slice holding its endpoint; nil for none
	readyAt time.Time
	pending bool
}

// ErrInvalidOptions is wrapped by the error [Start] returns for options
// out of range.
var ErrInvalidOptions = errors.New("endpoints: invalid options")

// Start runs the controller on s from now on, as kube-controller-manager
// runs its Endpoints and EndpointSlice controllers.
//
// Options kube-controller-manager would refuse to start with give an error
// wrapping [ErrInvalidOptions], and nothing starts. It panics if s is nil.
func Start(s *cluster.Sim, opts Options) (*Controller, error) {
	if s == nil {
		panic("endpoints: Start with a nil *cluster.Sim")
	}
	if opts.MaxEndpointsPerSlice == 0 {
		opts.MaxEndpointsPerSlice = 100
	}
	if opts.MaxEndpointsPerSlice < 1 || opts.MaxEndpointsPerSlice > 1000 {
		return nil, fmt.Errorf("%w: MaxEndpointsPerSlice %d must be between 1 and 1000", ErrInvalidOptions, opts.MaxEndpointsPerSlice)
	}
	if opts.Lag == nil {
		t := s.Config().Timing
		opts.Lag = t.Controllers
		if opts.Lag == nil {
			opts.Lag = t.Watch
		}
	}
	c := &Controller{
		s: s, opts: opts,
		pods: map[objKey]*pod{}, services: map[objKey]*service{},
		svcIndex: map[pair]map[string]*service{}, podIndex: map[pair]map[string]struct{}{},
		slices: map[objKey]*slice{}, zones: map[string]*string{},
		dirty: map[*service]struct{}{}, free: btree.NewFreeListG[*pod](btree.DefaultFreeListSize),
	}
	s.WatchShared(Name, opts.Lag, c.onPod, cluster.KindPod)
	s.WatchShared(Name, opts.Lag, c.onNode, cluster.KindNode)
	s.WatchShared(Name, opts.Lag, c.onService, cluster.KindService)
	s.WatchShared(Name, opts.Lag, c.onEndpoints, cluster.KindEndpoints)
	s.WatchShared(Name, opts.Lag, c.onSlice, cluster.KindEndpointSlice)
	return c, nil
}

func key(ns, name string) string { return ns + "/" + name }

// markDirty queues a Service for the next sync.
func (c *Controller) markDirty(svc *service) {
	c.dirty[svc] = struct{}{}
	if c.scheduled {
		return
	}
	c.scheduled = true
	c.s.After(c.s.Config().Timing.ControllerBatch, Name, c.sync)
}

// touch records that a member changed since the last sync; schedule
// queues the Service too, which changes that only the trigger-time
// tracker or a slice's zone would see do not, as in Kubernetes.
func (c *Controller) touch(svc *service, m *member, schedule bool) {
	if !m.pending {
		m.pending = true
		svc.pending = append(svc.pending, m)
	}
	if schedule {
		c.markDirty(svc)
	}
}

// onEndpoints notices a write by someone else to a Service's Endpoints:
// the next sync reads it back, and a deletion makes one at once, as
// Kubernetes' controller rewrites Endpoints someone deleted. The
// controller's own writes (and writes it has since overwritten) carry a
// resourceVersion no later than its last.
func (c *Controller) onEndpoints(ev cluster.WatchEvent) {
	m := ev.Object.Meta()
	svc := c.services[objKey{m.Namespace, m.Name}]
	if svc == nil || m.ResourceVersion <= svc.epRV {
		return
	}
	svc.stale = true
	if ev.Type == cluster.Deleted && svc.managed {
		c.markDirty(svc)
	}
}

// onSlice notices a write by someone else to one of the controller's
// EndpointSlices: as Kubernetes' EndpointSlice controller does, it syncs
// the Service a second later (or after its batch period, if longer), which
// reads the slices back and repairs them.
func (c *Controller) onSlice(ev cluster.WatchEvent) {
	m := ev.Object.Meta()
	sl := c.slices[objKey{m.Namespace, m.Name}]
	if sl == nil || m.ResourceVersion <= sl.rv {
		return
	}
	svc := sl.svc
	svc.stale = true
	c.s.After(max(time.Second, c.s.Config().Timing.ControllerBatch), Name, func() {
		if c.services[objKey{svc.ns, svc.name}] == svc && svc.managed {
			c.markDirty(svc)
		}
	})
}

// sync writes the objects of every Service marked dirty, in key order.
func (c *Controller) sync() {
	c.scheduled = false
	svcs := make([]*service, 0, len(c.dirty))
	for svc := range c.dirty {
		svcs = append(svcs, svc)
	}
	slices.SortFunc(svcs, byKey)
	clear(c.dirty)
	for _, svc := range svcs {
		if svc.managed {
			c.syncService(svc)
		}
	}
}

// syncService writes a Service's Endpoints and EndpointSlices for what
// changed since its last sync: the members touched since, or all of them
// after a change to the Service itself.
func (c *Controller) syncService(svc *service) {
	if svc.stale {
		c.readBack(svc)
		svc.stale, svc.full = false, true
	}
	if svc.full {
		svc.resetAddresses()
		for _, m := range svc.members {
			c.touch(svc, m, false)
		}
	}
	changed := svc.pending
	svc.pending = nil
	slices.SortFunc(changed, func(a, b *member) int { return strings.Compare(a.name, b.name) })
	for _, m := range changed {
		m.pending = false
	}
	// Computed before knowing whether anything will be written, so that a
	// sync with nothing to write still consumes the changes.
	trigger := svc.triggerTime(changed)
	moved := svc.fileAddresses(changed, c.free)
	c.writeEndpoints(svc, trigger, moved)
	c.writeSlices(svc, changed, trigger)
	for _, m := range changed {
		if m.cur == nil && m.slice == nil {
			delete(svc.members, m.name)
		}
	}
	svc.full = false
}

// readBack replaces what the controller knows of a Service's objects with
// what is stored: after someone else wrote them, or a write failed.
func (c *Controller) readBack(svc *service) {
	svc.ep, svc.epRV = nil, 0
	if ep, ok := cluster.GetAs[*cluster.Endpoints](c.s, svc.ns, svc.name); ok {
		svc.ep, svc.epRV = ep, ep.ResourceVersion
	}
	kept := svc.slices[:0]
	for _, sl := range svc.slices {
		if sl.obj.Name == "" {
			continue // a create that failed
		}
		id := objKey{svc.ns, sl.obj.Name}
		obj, ok := cluster.GetAs[*cluster.EndpointSlice](c.s, svc.ns, sl.obj.Name)
		if !ok {
			delete(c.slices, id)
			continue
		}
		sl.obj, sl.rv, sl.group = obj, obj.ResourceVersion, slicePortsKey(obj.Ports)
		kept = append(kept, sl)
	}
	clear(svc.slices[len(kept):])
	svc.slices = kept
}

// headless reports whether the Service has no cluster IP.
func (svc *service) headless() bool {
	return svc.spec.ClusterIP == cluster.ClusterIPNone || svc.spec.ClusterIP == ""
}

// resolve finds the pod port a Service port leads to: a number as given, a
// name through the pod's containers' ports of the same protocol.
func resolve(p *pod, sp cluster.ServicePort) (int32, bool) {
	proto := sp.Protocol
	if proto == "" {
		proto = cluster.ProtocolTCP
	}
	t := sp.TargetPort
	if !t.IsString {
		if t.IntVal == 0 {
			return sp.Port, true
		}
		return t.IntVal, true
	}
	for _, cp := range p.ports {
		cpProto := cp.Protocol
		if cpProto == "" {
			cpProto = cluster.ProtocolTCP
		}
		if cp.Name == t.StrVal && cpProto == proto {
			return cp.ContainerPort, true
		}
	}
	return 0, false
}

// hostname is the endpoint hostname: the pod's, if it is in the Service's
// subdomain.
func (svc *service) hostname(p *pod) string {
	if p.hostname != "" && p.subdomain == svc.name {
		return p.hostname
	}
	return ""
}

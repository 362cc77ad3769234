package endpoints

import (
	"slices"
	"time"

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
	// MaxEndpointsPerSlice caps each EndpointSlice; 0 means 100.
	MaxEndpointsPerSlice int
}

// Controller keeps Endpoints and EndpointSlices in step with Services and
// pods. Build it with [Start].
type Controller struct {
	s    *cluster.Sim
	opts Options

	pods     map[string]*pod     // by namespace/name
	services map[string]*service // by namespace/name
	// svcIndex finds the Services whose selector requires a label pair;
	// each Service is filed under one pair it requires (its anchor).
	svcIndex map[pair]map[string]*service
	// podIndex finds the pods carrying a label pair, so that a new or
	// changed Service finds its pods without a scan.
	podIndex map[pair]map[string]*pod

	dirty     map[string]bool // Services whose objects need writing
	scheduled bool
	// sliceNames are the EndpointSlices written for each Service, in order.
	sliceNames map[string][]string
	// zones is the topology.kubernetes.io/zone label of each node the
	// controller has seen, "" for none.
	zones    map[string]string
	triggers triggers
}

// pair is a namespaced label key=value, the unit of both indexes.
type pair struct{ ns, k, v string }

// pod is what the controller keeps of a pod: what decides its endpoints.
type pod struct {
	ns, name, uid       string
	labels              selector.Set
	frozen              *selector.Frozen
	ip, node            string
	ready, terminating  bool
	readyAt             time.Time // the Ready condition's last transition; zero without one
	terminal            bool
	hostname, subdomain string
	ports               []cluster.ContainerPort
	services            map[string]bool
}

// service is what the controller keeps of a Service.
type service struct {
	ns, name, uid string
	created       time.Time
	labels        selector.Set
	sel           selector.Selector
	set           selector.Set
	anchor        pair
	spec          cluster.ServiceSpec
	managed       bool
	members       map[string]*pod
}

// Start runs the controller on s from now on, as kube-controller-manager
// runs its Endpoints and EndpointSlice controllers.
func Start(s *cluster.Sim, opts Options) *Controller {
	if opts.MaxEndpointsPerSlice <= 0 {
		opts.MaxEndpointsPerSlice = 100
	}
	opts.MaxEndpointsPerSlice = min(opts.MaxEndpointsPerSlice, 1000)
	if opts.Lag == nil {
		t := s.Config().Timing
		opts.Lag = t.Controllers
		if opts.Lag == nil {
			opts.Lag = t.Watch
		}
	}
	c := &Controller{
		s: s, opts: opts,
		pods: map[string]*pod{}, services: map[string]*service{},
		svcIndex: map[pair]map[string]*service{}, podIndex: map[pair]map[string]*pod{},
		dirty: map[string]bool{}, sliceNames: map[string][]string{},
		zones: map[string]string{}, triggers: triggers{},
	}
	s.Watch(Name, opts.Lag, c.onPod, cluster.KindPod)
	s.Watch(Name, opts.Lag, c.onNode, cluster.KindNode)
	s.Watch(Name, opts.Lag, c.onService, cluster.KindService)
	s.Watch(Name, opts.Lag, c.onEndpoints, cluster.KindEndpoints)
	return c
}

func key(ns, name string) string { return ns + "/" + name }

func (c *Controller) markDirty(k string) {
	c.dirty[k] = true
	if c.scheduled {
		return
	}
	c.scheduled = true
	c.s.After(c.s.Config().Timing.ControllerBatch, Name, c.sync)
}

// newPod extracts what matters from a pod object.
func newPod(p *cluster.Pod) *pod {
	x := &pod{
		ns: p.Namespace, name: p.Name, uid: p.UID,
		labels: p.Labels.Clone(), frozen: selector.Freeze(p.Labels),
		ip: p.Status.PodIP, node: p.Spec.NodeName,
		ready: p.IsReady(), terminating: p.DeletionTimestamp != nil,
		terminal:  p.Status.Phase == cluster.PodSucceeded || p.Status.Phase == cluster.PodFailed,
		hostname:  p.Spec.Hostname,
		subdomain: p.Spec.Subdomain,
		services:  map[string]bool{},
	}
	for _, ct := range p.Spec.Containers {
		x.ports = append(x.ports, ct.Ports...)
	}
	if c, ok := p.Condition(cluster.PodReady); ok {
		x.readyAt = apiTime(c.LastTransitionTime)
	}
	return x
}

// sameEndpoint reports whether two versions of a pod give the same
// endpoints, so that, say, a status change that is neither readiness nor
// address costs no write.
func sameEndpoint(a, b *pod) bool {
	return a.uid == b.uid && a.ip == b.ip && a.node == b.node && a.ready == b.ready &&
		a.terminating == b.terminating && a.terminal == b.terminal &&
		a.hostname == b.hostname && a.subdomain == b.subdomain && slices.Equal(a.ports, b.ports)
}

func (c *Controller) indexPod(p *pod, add bool) {
	for k, v := range p.labels {
		pr := pair{p.ns, k, v}
		set := c.podIndex[pr]
		if add {
			if set == nil {
				set = map[string]*pod{}
				c.podIndex[pr] = set
			}
			set[key(p.ns, p.name)] = p
			continue
		}
		delete(set, key(p.ns, p.name))
		if len(set) == 0 {
			delete(c.podIndex, pr)
		}
	}
}

func (c *Controller) onPod(ev cluster.WatchEvent) {
	p := ev.Object.(*cluster.Pod)
	k := key(p.Namespace, p.Name)
	old := c.pods[k]
	if old != nil {
		c.indexPod(old, false)
	}
	if ev.Type == cluster.Deleted {
		delete(c.pods, k)
		if old != nil {
			for sk := range old.services {
				if svc := c.services[sk]; svc != nil {
					delete(svc.members, k)
					c.markDirty(sk)
				}
			}
		}
		return
	}
	cur := newPod(p)
	c.pods[k] = cur
	c.indexPod(cur, true)
	// Candidates: the Services it belonged to, and those filed under one of
	// its label pairs.
	cands := map[string]*service{}
	if old != nil {
		for sk := range old.services {
			if svc := c.services[sk]; svc != nil {
				cands[sk] = svc
			}
		}
	}
	for lk, lv := range cur.labels {
		for sk, svc := range c.svcIndex[pair{cur.ns, lk, lv}] {
			cands[sk] = svc
		}
	}
	for sk, svc := range cands {
		was := old != nil && old.services[sk]
		if svc.managed && svc.sel.Matches(cur.frozen) {
			svc.members[k] = cur
			cur.services[sk] = true
			if !was || !sameEndpoint(old, cur) {
				c.markDirty(sk)
			}
		} else if was {
			delete(svc.members, k)
			c.markDirty(sk)
		}
	}
}

// managed reports whether the controllers maintain a Service's endpoints:
// it has a selector and is not an ExternalName.
func managed(spec *cluster.ServiceSpec) bool {
	return len(spec.Selector) > 0 && spec.Type != cluster.ServiceTypeExternalName
}

func (c *Controller) unindexService(svc *service) {
	if set := c.svcIndex[svc.anchor]; set != nil {
		delete(set, key(svc.ns, svc.name))
		if len(set) == 0 {
			delete(c.svcIndex, svc.anchor)
		}
	}
	for pk, p := range svc.members {
		delete(p.services, key(svc.ns, svc.name))
		delete(svc.members, pk)
	}
}

func (c *Controller) onService(ev cluster.WatchEvent) {
	o := ev.Object.(*cluster.Service)
	k := key(o.Namespace, o.Name)
	if old := c.services[k]; old != nil {
		c.unindexService(old)
		delete(c.services, k)
	}
	if ev.Type == cluster.Deleted {
		c.deleteObjects(o.Namespace, o.Name)
		delete(c.dirty, k)
		delete(c.triggers, k)
		return
	}
	svc := &service{ns: o.Namespace, name: o.Name, uid: o.UID, created: apiTime(o.CreationTimestamp), labels: o.Labels.Clone(),
		spec: o.DeepCopy().Spec, managed: managed(&o.Spec), members: map[string]*pod{}}
	c.services[k] = svc
	if !svc.managed {
		return
	}
	svc.set = o.Spec.Selector.Clone()
	svc.sel = selector.FromValidatedSet(svc.set)
	keys := make([]string, 0, len(svc.set))
	for lk := range svc.set {
		keys = append(keys, lk)
	}
	slices.Sort(keys)
	// File the Service under the pair with the fewest pods, so that pod
	// events for common labels (app=web on a thousand pods) do not all
	// have to test it.
	best := -1
	for _, lk := range keys {
		pr := pair{svc.ns, lk, svc.set[lk]}
		if n := len(c.podIndex[pr]); best < 0 || n < best {
			best, svc.anchor = n, pr
		}
	}
	set := c.svcIndex[svc.anchor]
	if set == nil {
		set = map[string]*service{}
		c.svcIndex[svc.anchor] = set
	}
	set[k] = svc
	for pk, p := range c.podIndex[svc.anchor] {
		if svc.sel.Matches(p.frozen) {
			svc.members[pk] = p
			p.services[k] = true
		}
	}
	c.markDirty(k)
}

// onNode records a node's zone. It schedules no sync: as in Kubernetes,
// where a node's labels matter to the EndpointSlice controller only for
// topology hints, a new zone reaches the slices the next time something
// else makes the Service sync.
func (c *Controller) onNode(ev cluster.WatchEvent) {
	n := ev.Object.(*cluster.Node)
	if ev.Type == cluster.Deleted {
		delete(c.zones, n.Name)
		return
	}
	c.zones[n.Name] = n.Labels[cluster.LabelTopologyZone]
}

// onEndpoints rewrites a managed Service's Endpoints when someone deletes
// them, as Kubernetes' controller does.
func (c *Controller) onEndpoints(ev cluster.WatchEvent) {
	if ev.Type != cluster.Deleted {
		return
	}
	m := ev.Object.Meta()
	if svc := c.services[key(m.Namespace, m.Name)]; svc != nil && svc.managed {
		c.markDirty(key(m.Namespace, m.Name))
	}
}

// sync writes the objects of every Service marked dirty, in key order.
func (c *Controller) sync() {
	c.scheduled = false
	keys := make([]string, 0, len(c.dirty))
	for k := range c.dirty {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	clear(c.dirty)
	for _, k := range keys {
		svc := c.services[k]
		if svc == nil || !svc.managed {
			continue
		}
		// Computed before knowing whether anything will be written, so
		// that a sync with nothing to write still consumes the changes.
		trigger := c.triggers.next(k, svc.created, svc.members)
		c.writeEndpoints(svc, trigger)
		c.writeSlices(svc, trigger)
	}
}

// deleteObjects removes a deleted Service's Endpoints and EndpointSlices.
func (c *Controller) deleteObjects(ns, name string) {
	if _, ok := c.s.Get(cluster.KindEndpoints, ns, name); ok {
		_ = c.s.Delete(cluster.KindEndpoints, ns, name, cluster.DeleteOptions{})
	}
	for _, sl := range c.ownSlices(ns, name) {
		_ = c.s.Delete(cluster.KindEndpointSlice, ns, sl.Name, cluster.DeleteOptions{})
	}
	delete(c.sliceNames, key(ns, name))
}

// members returns a Service's pods in key order.
func (svc *service) sortedMembers() []*pod {
	keys := make([]string, 0, len(svc.members))
	for k := range svc.members {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	out := make([]*pod, len(keys))
	for i, k := range keys {
		out[i] = svc.members[k]
	}
	return out
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

// endpointsLabels are the labels of a Service's Endpoints, as the
// Endpoints controller sets them: the Service's own, its managed-by label,
// and the headless label exactly when the Service has no cluster IP, even
// against a headless label set on the Service.
func (svc *service) endpointsLabels() selector.Set {
	l := selector.Set{}
	for k, v := range svc.labels {
		l[k] = v
	}
	l[EndpointsManagedByLabel] = Name
	setHeadless(l, svc.headless())
	return l
}

// sliceLabels are the labels of a Service's EndpointSlices, as the
// EndpointSlice reconciler sets them: the Service's own but for the
// reserved keys, which it sets itself.
func (svc *service) sliceLabels() selector.Set {
	l := selector.Set{}
	for k, v := range svc.labels {
		if !reservedSliceLabel(k) {
			l[k] = v
		}
	}
	setHeadless(l, svc.headless())
	l[ServiceNameLabel] = svc.name
	l[SliceManagedByLabel] = SliceManagedBy
	return l
}

// reservedSliceLabel reports whether the EndpointSlice controller owns a
// label key on its slices, so that a Service's label of that key is not
// copied.
func reservedSliceLabel(k string) bool {
	return k == ServiceNameLabel || k == SliceManagedByLabel || k == HeadlessLabel
}

func setHeadless(l selector.Set, headless bool) {
	if headless {
		l[HeadlessLabel] = ""
	} else {
		delete(l, HeadlessLabel)
	}
}

// sliceLabelsChanged reports whether a slice's labels need rewriting: the
// reconciler compares only the keys it does not own, so a slice whose
// reserved labels alone differ is left as it is.
func sliceLabelsChanged(slice, svc selector.Set) bool {
	n := 0
	for k, v := range slice {
		if reservedSliceLabel(k) {
			continue
		}
		if sv, ok := svc[k]; !ok || sv != v {
			return true
		}
		n++
	}
	for k := range svc {
		if !reservedSliceLabel(k) {
			n--
		}
	}
	return n != 0
}

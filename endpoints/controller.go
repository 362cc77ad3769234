package endpoints

import (
	"maps"
	"reflect"
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
	// MaxEndpointsPerSlice caps each EndpointSlice; 0 means 100.
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
// over from version to version while their values stay the same.
type pod struct {
	ns, name, uid       string
	labels              selector.Set // the watched object's own map, never modified
	ip, node            string
	ready, terminating  bool
	terminal            bool
	readyAt             time.Time // the Ready condition's last transition; zero without one
	hostname, subdomain string
	ports               []cluster.ContainerPort

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
		pods: map[objKey]*pod{}, services: map[objKey]*service{},
		svcIndex: map[pair]map[string]*service{}, podIndex: map[pair]map[string]struct{}{},
		slices: map[objKey]*slice{}, zones: map[string]*string{},
		dirty: map[*service]struct{}{}, free: btree.NewFreeListG[*pod](btree.DefaultFreeListSize),
	}
	s.Watch(Name, opts.Lag, c.onPod, cluster.KindPod)
	s.Watch(Name, opts.Lag, c.onNode, cluster.KindNode)
	s.Watch(Name, opts.Lag, c.onService, cluster.KindService)
	s.Watch(Name, opts.Lag, c.onEndpoints, cluster.KindEndpoints)
	s.Watch(Name, opts.Lag, c.onSlice, cluster.KindEndpointSlice)
	return c
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

// newPod extracts what matters from a pod object, sharing with old, the
// version before it, what has not changed.
func newPod(p *cluster.Pod, old *pod) *pod {
	x := &pod{
		ns: p.Namespace, name: p.Name, uid: p.UID, labels: p.Labels,
		ip: p.Status.PodIP, node: p.Spec.NodeName,
		ready: p.IsReady(), terminating: p.DeletionTimestamp != nil,
		terminal:  p.Status.Phase == cluster.PodSucceeded || p.Status.Phase == cluster.PodFailed,
		hostname:  p.Spec.Hostname,
		subdomain: p.Spec.Subdomain,
	}
	if len(p.Spec.Containers) == 1 {
		x.ports = p.Spec.Containers[0].Ports
	} else {
		for _, ct := range p.Spec.Containers {
			x.ports = append(x.ports, ct.Ports...)
		}
	}
	if c, ok := p.Condition(cluster.PodReady); ok {
		x.readyAt = apiTime(c.LastTransitionTime)
	}
	if x.ip == "" {
		return x
	}
	if old != nil && old.ref != nil && old.uid == x.uid {
		x.ref = old.ref
	} else {
		x.ref = &cluster.ObjectReference{Kind: cluster.KindPod, Namespace: x.ns, Name: x.name, UID: x.uid}
	}
	if old != nil && old.addrs != nil && old.ip == x.ip {
		x.addrs = old.addrs
	} else {
		x.addrs = []string{x.ip}
	}
	if old != nil && old.nodeName != nil && old.node == x.node {
		x.nodeName = old.nodeName
	} else {
		node := x.node
		x.nodeName = &node
	}
	return x
}

// sameEndpoint reports whether two versions of a pod give the same
// endpoints, so that, say, a status change that is neither readiness nor
// address costs no sync.
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
				set = map[string]struct{}{}
				c.podIndex[pr] = set
			}
			set[p.name] = struct{}{}
			continue
		}
		delete(set, p.name)
		if len(set) == 0 {
			delete(c.podIndex, pr)
		}
	}
}

func (c *Controller) onPod(ev cluster.WatchEvent) {
	o := ev.Object.(*cluster.Pod)
	id := objKey{o.Namespace, o.Name}
	old := c.pods[id]
	if ev.Type == cluster.Deleted {
		if old == nil {
			return
		}
		delete(c.pods, id)
		c.indexPod(old, false)
		for _, svc := range old.services {
			m := svc.members[old.name]
			m.cur = nil
			c.touch(svc, m, true)
		}
		return
	}
	cur := newPod(o, old)
	c.pods[id] = cur
	if old != nil && maps.Equal(old.labels, cur.labels) {
		// The common case, a status change: the same Services select it.
		cur.services = old.services
		for _, svc := range cur.services {
			m := svc.members[cur.name]
			m.cur = cur
			c.noteChange(svc, m, old, cur, true)
		}
		return
	}
	if old != nil {
		c.indexPod(old, false)
	}
	c.indexPod(cur, true)
	c.matchPod(cur, old)
}

// noteChange touches a member whose pod changed from old to cur: with a
// sync when its endpoints may differ (or it is new to the Service), and
// without one when only its Ready transition time did.
func (c *Controller) noteChange(svc *service, m *member, old, cur *pod, was bool) {
	switch {
	case !was || old == nil || !sameEndpoint(old, cur):
		c.touch(svc, m, true)
	case !old.readyAt.Equal(cur.readyAt):
		c.touch(svc, m, false)
	}
}

// matchPod finds the Services a new or relabelled pod belongs to: those it
// belonged to and those filed under one of its label pairs.
func (c *Controller) matchPod(cur, old *pod) {
	var cands []*service
	if old != nil {
		cands = append(cands, old.services...)
	}
	for lk, lv := range cur.labels {
		for _, svc := range c.svcIndex[pair{cur.ns, lk, lv}] {
			if !slices.Contains(cands, svc) {
				cands = append(cands, svc)
			}
		}
	}
	slices.SortFunc(cands, byKey)
	cur.services = nil
	for _, svc := range cands {
		m := svc.members[cur.name]
		was := m != nil && m.cur != nil
		if svc.managed && svc.sel.Matches(cur.labels) {
			if m == nil {
				m = &member{name: cur.name}
				svc.members[cur.name] = m
			}
			m.cur = cur
			cur.services = append(cur.services, svc)
			c.noteChange(svc, m, old, cur, was)
		} else if was {
			m.cur = nil
			c.touch(svc, m, true)
		}
	}
}

func byKey(a, b *service) int { return strings.Compare(a.key, b.key) }

// managed reports whether the controllers maintain a Service's endpoints:
// it has a selector and is not an ExternalName.
func managed(spec *cluster.ServiceSpec) bool {
	return len(spec.Selector) > 0 && spec.Type != cluster.ServiceTypeExternalName
}

func (c *Controller) onService(ev cluster.WatchEvent) {
	o := ev.Object.(*cluster.Service)
	id := objKey{o.Namespace, o.Name}
	svc := c.services[id]
	if ev.Type == cluster.Deleted {
		if svc != nil {
			c.dropService(svc)
			delete(c.services, id)
		}
		return
	}
	if svc == nil {
		// Read back whatever is stored under its name on the first sync.
		svc = &service{key: key(o.Namespace, o.Name), ns: o.Namespace, name: o.Name,
			members: map[string]*member{}, groups: map[string]*group{}, full: true, stale: true}
		c.services[id] = svc
	}
	c.setService(svc, o)
	if svc.managed {
		c.markDirty(svc)
	}
}

// setService brings svc up to date with the Service object o: a change to
// what it writes makes the next sync a full one, and a new selector
// changes its members.
func (c *Controller) setService(svc *service, o *cluster.Service) {
	if svc.uid != o.UID {
		svc.uid = o.UID
		svc.owners = []cluster.OwnerReference{{APIVersion: "v1", Kind: cluster.KindService, Name: svc.name, UID: svc.uid,
			Controller: cluster.Ptr(true), BlockOwnerDeletion: cluster.Ptr(true)}}
	}
	svc.created = apiTime(o.CreationTimestamp)
	if !maps.Equal(svc.labels, o.Labels) || !reflect.DeepEqual(svc.spec, o.Spec) {
		svc.full = true
	}
	svc.labels, svc.spec = o.Labels, o.Spec
	now := managed(&o.Spec)
	if now == svc.managed && (!now || maps.Equal(svc.set, o.Spec.Selector)) {
		return
	}
	svc.full = true
	c.unindexService(svc)
	svc.managed = now
	if !now {
		// Kubernetes leaves the objects of a Service without a selector to
		// whoever manages them; what the controller knew of them will be
		// read back should the selector return.
		svc.stale = true
		return
	}
	svc.set = o.Spec.Selector
	svc.sel = selector.FromValidatedSet(svc.set)
	c.indexService(svc)
	for name := range c.podIndex[svc.anchor] {
		p := c.pods[objKey{svc.ns, name}]
		if m := svc.members[name]; (m == nil || m.cur == nil) && svc.sel.Matches(p.labels) {
			if m == nil {
				m = &member{name: name}
				svc.members[name] = m
			}
			m.cur = p
			p.services = withService(p.services, svc)
			c.touch(svc, m, false)
		}
	}
}

// indexService files a managed Service under the pair of its selector
// with the fewest pods, so that pod events for common labels (app=web on a
// thousand pods) do not all have to test it.
func (c *Controller) indexService(svc *service) {
	keys := make([]string, 0, len(svc.set))
	for lk := range svc.set {
		keys = append(keys, lk)
	}
	slices.Sort(keys)
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
	set[svc.name] = svc
}

// unindexService removes a Service from the index and lets go of the pods
// it selected; they stay its members, without a current version, until a
// sync writes them out.
func (c *Controller) unindexService(svc *service) {
	if !svc.managed {
		return
	}
	if set := c.svcIndex[svc.anchor]; set != nil {
		delete(set, svc.name)
		if len(set) == 0 {
			delete(c.svcIndex, svc.anchor)
		}
	}
	for _, m := range svc.members {
		if m.cur != nil {
			m.cur.services = withoutService(m.cur.services, svc)
			m.cur = nil
			c.touch(svc, m, false)
		}
	}
}

// withService returns list with svc added in key order, as a new slice:
// the list may be shared with an earlier version of the pod.
func withService(list []*service, svc *service) []*service {
	i, found := slices.BinarySearchFunc(list, svc, byKey)
	if found {
		return list
	}
	return slices.Insert(slices.Clip(list), i, svc)
}

// withoutService returns list without svc, as a new slice.
func withoutService(list []*service, svc *service) []*service {
	i := slices.Index(list, svc)
	if i < 0 {
		return list
	}
	return slices.Delete(slices.Clone(list), i, i+1)
}

// dropService forgets a deleted Service and deletes its Endpoints and
// EndpointSlices.
func (c *Controller) dropService(svc *service) {
	c.unindexService(svc)
	delete(c.dirty, svc)
	_ = c.s.Delete(cluster.KindEndpoints, svc.ns, svc.name, cluster.DeleteOptions{})
	for _, sl := range svc.slices {
		if sl.obj.Name != "" {
			delete(c.slices, objKey{svc.ns, sl.obj.Name})
			_ = c.s.Delete(cluster.KindEndpointSlice, svc.ns, sl.obj.Name, cluster.DeleteOptions{})
		}
	}
}

// onNode records a node's zone. It schedules no sync: as in Kubernetes,
// where a node's labels matter to the EndpointSlice controller only for
// topology hints, a new zone reaches the slices the next time something
// else makes the Service sync. The pods on the node are marked changed for
// that sync.
func (c *Controller) onNode(ev cluster.WatchEvent) {
	n := ev.Object.(*cluster.Node)
	zone := ""
	if ev.Type != cluster.Deleted {
		zone = n.Labels[cluster.LabelTopologyZone]
	}
	old := c.zones[n.Name]
	if old == nil && zone == "" || old != nil && *old == zone {
		return
	}
	if zone == "" {
		delete(c.zones, n.Name)
	} else {
		c.zones[n.Name] = &zone
	}
	for _, p := range c.pods {
		if p.node != n.Name {
			continue
		}
		for _, svc := range p.services {
			c.touch(svc, svc.members[p.name], false)
		}
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

package endpoints

import (
	"maps"
	"reflect"
	"slices"
	"strings"

	"github.com/svcsim/svcsim/cluster"
	"github.com/svcsim/svcsim/selector"
)

// newPod extracts what matters from a pod object, sharing with old, the
// version before it, what has not changed.
func newPod(p *cluster.Pod, old *pod) *pod {
	x := &pod{
		ns: p.Namespace, name: p.Name, uid: p.UID,
		ip: p.Status.PodIP, node: p.Spec.NodeName,
		ready: p.IsReady(), terminating: p.DeletionTimestamp != nil,
		terminal:  p.Status.Phase == cluster.PodSucceeded || p.Status.Phase == cluster.PodFailed,
		hostname:  p.Spec.Hostname,
		subdomain: p.Spec.Subdomain,
	}
	for _, ct := range p.Spec.Containers {
		for _, cp := range ct.Ports {
			if cp.Name != "" {
				x.ports = append(x.ports, cp)
			}
		}
	}
	if old != nil && slices.Equal(old.ports, x.ports) {
		x.ports = old.ports // a pod's ports never change: keep one copy
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

// indexPod files the pod of the given namespace and name under each of
// its label pairs, or removes it.
func (c *Controller) indexPod(ns, name string, labels selector.Set, add bool) {
	for k, v := range labels {
		pr := pair{ns, k, v}
		set := c.podIndex[pr]
		if add {
			if set == nil {
				set = map[string]struct{}{}
				c.podIndex[pr] = set
			}
			set[name] = struct{}{}
			continue
		}
		delete(set, name)
		if len(set) == 0 {
			delete(c.podIndex, pr)
		}
	}
}

// selects reports whether a managed Service's selector matches the labels
// the pod index holds for a pod.
func (c *Controller) selects(svc *service, name string) bool {
	for k, v := range svc.set {
		if _, ok := c.podIndex[pair{svc.ns, k, v}][name]; !ok {
			return false
		}
	}
	return true
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
		c.indexPod(o.Namespace, o.Name, o.Labels, false)
		for _, svc := range old.services {
			m := svc.members[old.name]
			m.cur = nil
			c.touch(svc, m, true)
		}
		return
	}
	cur := newPod(o, old)
	c.pods[id] = cur
	var oldLabels selector.Set
	if old != nil && ev.Old != nil {
		oldLabels = ev.Old.Meta().Labels
	}
	if old != nil && maps.Equal(oldLabels, o.Labels) {
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
		c.indexPod(o.Namespace, o.Name, oldLabels, false)
	}
	c.indexPod(o.Namespace, o.Name, o.Labels, true)
	c.matchPod(cur, old, o.Labels)
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

// matchPod finds the Services a new or relabelled pod, now labelled
// labels, belongs to: those it belonged to and those filed under one of
// its label pairs.
func (c *Controller) matchPod(cur, old *pod, labels selector.Set) {
	var cands []*service
	if old != nil {
		cands = append(cands, old.services...)
	}
	for lk, lv := range labels {
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
		if svc.managed && svc.sel.Matches(labels) {
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
		if m := svc.members[name]; (m == nil || m.cur == nil) && c.selects(svc, name) {
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

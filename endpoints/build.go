package endpoints

import (
	"cmp"
	"maps"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/google/btree"

	"github.com/svcsim/svcsim/cluster"
	"github.com/svcsim/svcsim/selector"
)

// group is the pods of a Service that resolve its ports alike: one port
// map, in the EndpointSlice reconciler's terms. Its EndpointSlices are
// those whose ports have its key; its addresses in the Endpoints are kept
// here, sorted, so that a sync changes only what moved.
type group struct {
	key        string
	ports      []cluster.EndpointPort      // sorted, as a subset lists them
	slicePorts []cluster.EndpointSlicePort // in the Service's order, as a new slice lists them
	// ready and notReady are the pods the Endpoints list, by IP and then
	// UID, as Kubernetes orders addresses.
	ready, notReady *btree.BTreeG[*pod]
}

func lessAddress(a, b *pod) bool {
	if a.ip != b.ip {
		return a.ip < b.ip
	}
	return a.uid < b.uid
}

func (g *group) tree(ready bool) *btree.BTreeG[*pod] {
	if ready {
		return g.ready
	}
	return g.notReady
}

func (g *group) listed() int { return g.ready.Len() + g.notReady.Len() }

// groupFor returns the group of the pod p, making it if it is the first.
// When no target port is named every pod resolves the ports alike, and the
// Service's one group is found without resolving anything.
func (svc *service) groupFor(p *pod, free *btree.FreeListG[*pod]) *group {
	if svc.fixedKey != "" {
		return svc.groups[svc.fixedKey]
	}
	ps := svc.slicePorts(p)
	k := slicePortsKey(ps)
	g := svc.groups[k]
	if g == nil {
		g = &group{key: k, slicePorts: ps,
			ready: btree.NewWithFreeListG(16, lessAddress, free), notReady: btree.NewWithFreeListG(16, lessAddress, free)}
		for _, sp := range ps {
			g.ports = append(g.ports, cluster.EndpointPort{Name: *sp.Name, Port: *sp.Port, Protocol: *sp.Protocol, AppProtocol: sp.AppProtocol})
		}
		slices.SortFunc(g.ports, comparePorts)
		svc.groups[k] = g
	}
	if !slices.ContainsFunc(svc.spec.Ports, func(sp cluster.ServicePort) bool { return sp.TargetPort.IsString }) {
		svc.fixedKey = k
	}
	return g
}

// resetAddresses forgets every group and filed address, for a sync that
// recomputes them all.
func (svc *service) resetAddresses() {
	clear(svc.groups)
	svc.fixedKey = ""
	for _, m := range svc.members {
		m.written, m.group, m.ready = nil, nil, false
	}
}

// fileAddresses brings the sorted addresses of the changed members up to
// date, as the Endpoints controller would list them: pods with an IP that
// are neither finished nor, unless the Service publishes not-ready
// addresses, terminating. It reports whether any address moved.
func (svc *service) fileAddresses(changed []*member, free *btree.FreeListG[*pod]) bool {
	publish := svc.spec.PublishNotReadyAddresses
	moved := false
	for _, m := range changed {
		p := m.cur
		if p != nil && (p.ip == "" || p.terminal || p.terminating && !publish) {
			p = nil
		}
		var g *group
		ready := false
		if p != nil {
			g, ready = svc.groupFor(p, free), publish || p.ready
		}
		if w := m.written; w != nil {
			if p != nil && g == m.group && ready == m.ready && sameAddress(w, p) {
				if w != p {
					g.tree(ready).ReplaceOrInsert(p) // the same place: let the old version go
					m.written = p
				}
				continue
			}
			m.group.tree(m.ready).Delete(w)
			moved = true
		}
		m.written, m.group, m.ready = p, g, ready
		if p != nil {
			g.tree(ready).ReplaceOrInsert(p)
			moved = true
		}
	}
	return moved
}

// sameAddress reports whether two versions of a pod give the same address.
func sameAddress(a, b *pod) bool {
	return a.ip == b.ip && a.uid == b.uid && a.node == b.node && a.hostname == b.hostname && a.subdomain == b.subdomain
}

// address is a pod's address in the Endpoints.
func (svc *service) address(p *pod) cluster.EndpointAddress {
	return cluster.EndpointAddress{IP: p.ip, Hostname: svc.hostname(p), NodeName: p.nodeName, TargetRef: p.ref}
}

func portKey(p cluster.EndpointPort) string {
	return p.Name + "\x00" + strconv.Itoa(int(p.Port)) + "\x00" + string(p.Protocol)
}

func comparePorts(a, b cluster.EndpointPort) int {
	if c := cmp.Compare(a.Name, b.Name); c != 0 {
		return c
	}
	if c := cmp.Compare(a.Port, b.Port); c != 0 {
		return c
	}
	return cmp.Compare(a.Protocol, b.Protocol)
}

// part is one subset of the Endpoints before its addresses are listed:
// its ports and the groups whose pods serve them all.
type part struct {
	ports           []cluster.EndpointPort
	groups          []*group
	ready, notReady int // how many addresses it lists
}

// parts groups the Service's ports into subsets as the Endpoints
// controller's RepackSubsets does: each port maps to the addresses that
// serve it, and ports with the same addresses share a subset. Since every
// pod is in one group, ports served by the same groups have the same
// addresses. Subsets are ordered by their first port.
func (svc *service) parts() []part {
	var gs []*group
	for _, g := range svc.groups {
		if g.listed() > 0 && (len(g.ports) > 0 || len(svc.spec.Ports) == 0) {
			gs = append(gs, g)
		}
	}
	slices.SortFunc(gs, func(a, b *group) int { return strings.Compare(a.key, b.key) })
	var out []part
	switch {
	case len(gs) == 0:
	case len(svc.spec.Ports) == 0:
		if svc.headless() { // a headless Service may have no ports: one subset without any
			out = []part{{groups: gs}}
		}
	case len(gs) == 1:
		out = []part{{ports: gs[0].ports, groups: gs}}
	default:
		served := map[string][]*group{} // port -> the groups that serve it
		ports := map[string]cluster.EndpointPort{}
		for _, g := range gs {
			for _, p := range g.ports {
				pk := portKey(p)
				served[pk] = append(served[pk], g)
				ports[pk] = p
			}
		}
		bySig := map[string]int{}
		for _, pk := range slices.Sorted(maps.Keys(served)) {
			var sig strings.Builder
			for _, g := range served[pk] {
				sig.WriteString(g.key)
				sig.WriteByte(0)
			}
			i, ok := bySig[sig.String()]
			if !ok {
				i = len(out)
				bySig[sig.String()] = i
				out = append(out, part{groups: served[pk]})
			}
			out[i].ports = append(out[i].ports, ports[pk])
		}
		for i := range out {
			slices.SortFunc(out[i].ports, comparePorts)
		}
		slices.SortFunc(out, func(a, b part) int { return comparePorts(a.ports[0], b.ports[0]) })
	}
	for i := range out {
		for _, g := range out[i].groups {
			out[i].ready += g.ready.Len()
			out[i].notReady += g.notReady.Len()
		}
	}
	return out
}

// subsets returns the Service's Endpoints subsets, cut to MaxEndpoints as
// Kubernetes cuts them, and whether they had to be: ready addresses first,
// each subset keeping its share, the rest dropped. Only the addresses kept
// are listed, so a Service of any size costs at most MaxEndpoints here.
func (svc *service) subsets() ([]cluster.EndpointSubset, bool) {
	ps := svc.parts()
	if len(ps) == 0 {
		return nil, false
	}
	keepReady := make([]int, len(ps))
	keepNotReady := make([]int, len(ps))
	total, ready := 0, 0
	for i, p := range ps {
		keepReady[i], keepNotReady[i] = p.ready, p.notReady
		total += p.ready + p.notReady
		ready += p.ready
	}
	cut := total > MaxEndpoints
	if cut && ready > MaxEndpoints {
		share(keepReady, ready, MaxEndpoints)
		clear(keepNotReady)
	} else if cut {
		share(keepNotReady, total-ready, MaxEndpoints-ready)
	}
	out := make([]cluster.EndpointSubset, len(ps))
	for i, p := range ps {
		out[i] = cluster.EndpointSubset{Ports: p.ports,
			Addresses:         svc.list(p.groups, true, keepReady[i]),
			NotReadyAddresses: svc.list(p.groups, false, keepNotReady[i])}
	}
	return out, cut
}

// share cuts each count to its proportional part of room, rounded up,
// while room lasts; all is the sum of the counts.
func share(counts []int, all, room int) {
	left := room
	for i, n := range counts {
		keep := min((n*room+all-1)/all, left, n)
		counts[i] = keep
		left -= keep
	}
}

// list returns the first n ready (or not-ready) addresses of the groups,
// in order.
func (svc *service) list(gs []*group, ready bool, n int) []cluster.EndpointAddress {
	if n == 0 {
		return nil
	}
	out := make([]cluster.EndpointAddress, 0, n)
	if len(gs) == 1 {
		gs[0].tree(ready).Ascend(func(p *pod) bool {
			out = append(out, svc.address(p))
			return len(out) < n
		})
		return out
	}
	var pods []*pod
	for _, g := range gs {
		g.tree(ready).Ascend(func(p *pod) bool {
			pods = append(pods, p)
			return true
		})
	}
	slices.SortFunc(pods, func(a, b *pod) int {
		if c := strings.Compare(a.ip, b.ip); c != 0 {
			return c
		}
		return strings.Compare(a.uid, b.uid)
	})
	for _, p := range pods[:n] {
		out = append(out, svc.address(p))
	}
	return out
}

// writeEndpoints brings the Service's Endpoints object up to date, as the
// Endpoints controller's syncService does: nothing is written when the
// subsets, the labels and the capacity annotation are already right;
// otherwise the object is written with trigger as its trigger time (or
// without one, when trigger is zero), and the subsets cut to MaxEndpoints.
// moved says whether any address changed since the last write.
func (c *Controller) writeEndpoints(svc *service, trigger time.Time, moved bool) {
	cur := svc.ep
	if cur != nil && !moved && !svc.full && capacityAnnotationRight(cur) {
		return
	}
	subsets, cut := svc.subsets()
	labels := svc.endpointsLabels()
	if cur != nil && !svc.full {
		labels = cur.Labels // unchanged since the Service last changed
	}
	if cur != nil && !cut && capacityAnnotationRight(cur) && equalSubsets(cur.Subsets, subsets) && maps.Equal(cur.Labels, labels) {
		return
	}
	// What is written is handed to the store, which keeps it: it is a
	// new object, sharing with the last version only what it replaces
	// whole rather than modifies.
	want := &cluster.Endpoints{ObjectMeta: cluster.ObjectMeta{Name: svc.name, Namespace: svc.ns}}
	if cur != nil {
		w := *cur
		w.Annotations = maps.Clone(cur.Annotations)
		want = &w
	}
	want.Subsets, want.Labels = subsets, labels
	want.ResourceVersion = 0 // what is stored is replaced whole
	want.Annotations = withTrigger(want.Annotations, trigger)
	if cut {
		if want.Annotations == nil {
			want.Annotations = map[string]string{}
		}
		want.Annotations[OverCapacityAnnotation] = "truncated"
	} else if delete(want.Annotations, OverCapacityAnnotation); len(want.Annotations) == 0 {
		want.Annotations = nil
	}
	var rv uint64
	var err error
	reason := "FailedToUpdateEndpoint"
	if cur == nil {
		reason = "FailedToCreateEndpoint"
		var out cluster.Object
		if out, err = c.create(want); err == nil {
			rv = out.Meta().ResourceVersion
		}
	} else {
		rv, err = c.update(want)
	}
	if err != nil {
		c.failed(svc, reason, err)
		svc.stale = true
		return
	}
	svc.ep, svc.epRV = want, rv
}

// capacityAnnotationRight reports whether an Endpoints object's
// over-capacity annotation needs no change: it is absent and the object is
// within the cap. An object that is over capacity, annotated or not, is
// always rewritten, as Kubernetes' capacityAnnotationSetCorrectly has it.
func capacityAnnotationRight(ep *cluster.Endpoints) bool {
	n := 0
	for _, ss := range ep.Subsets {
		n += len(ss.Addresses) + len(ss.NotReadyAddresses)
	}
	_, annotated := ep.Annotations[OverCapacityAnnotation]
	return n <= MaxEndpoints && !annotated
}

// equalSubsets compares subsets by value, as Kubernetes'
// EndpointSubsetsEqualIgnoreResourceVersion does (a nil list equals an
// empty one).
func equalSubsets(a, b []cluster.EndpointSubset) bool {
	return slices.EqualFunc(a, b, func(x, y cluster.EndpointSubset) bool {
		return slices.EqualFunc(x.Addresses, y.Addresses, equalAddress) &&
			slices.EqualFunc(x.NotReadyAddresses, y.NotReadyAddresses, equalAddress) &&
			slices.EqualFunc(x.Ports, y.Ports, func(p, q cluster.EndpointPort) bool {
				return p.Name == q.Name && p.Port == q.Port && p.Protocol == q.Protocol && equalPtr(p.AppProtocol, q.AppProtocol)
			})
	})
}

func equalAddress(a, b cluster.EndpointAddress) bool {
	return a.IP == b.IP && a.Hostname == b.Hostname && equalPtr(a.NodeName, b.NodeName) && equalPtr(a.TargetRef, b.TargetRef)
}

// equalPtr reports whether two pointers are both nil or point to equal
// values.
func equalPtr[T comparable](a, b *T) bool {
	return a == b || a != nil && b != nil && *a == *b
}

// failed records a write the apiserver refused as a warning event on the
// Service, as Kubernetes' controllers do, so that it is not lost silently.
func (c *Controller) failed(svc *service, reason string, err error) {
	c.s.Record(&cluster.Service{ObjectMeta: cluster.ObjectMeta{Name: svc.name, Namespace: svc.ns}},
		cluster.EventWarning, reason, "Failed to write the endpoints of "+svc.ns+"/"+svc.name+": "+err.Error())
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

package endpoints

import (
	"cmp"
	"maps"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/svcsim/svcsim/cluster"
	"github.com/svcsim/svcsim/selector"
)

// slice is one of a Service's EndpointSlices as the controller last wrote
// it, or read it back. obj is the controller's own: the store copies what
// it is given, so obj is changed in place for the next write, and its
// endpoints share their pointers with the pods'.
type slice struct {
	svc   *service
	obj   *cluster.EndpointSlice
	rv    uint64 // obj's resourceVersion as written or read
	group string // the port-map key of obj.Ports

	// What a sync does to it.
	state   sliceState
	changed bool // endpoints were removed or updated
	relabel bool // the Service's labels differ from its own
}

// sliceState is what a sync does to a slice.
type sliceState uint8

const (
	keep    sliceState = iota // leave it as it is
	rewrite                   // update it
	drop                      // delete it
	create                    // create it
)

// placement is a new endpoint waiting for a slice.
type placement struct {
	m  *member
	ep cluster.Endpoint
	g  *group
}

// Conditions are pointers; every endpoint shares these two, which nothing
// modifies.
var yes, no = true, false

func flag(b bool) *bool {
	if b {
		return &yes
	}
	return &no
}

// sliceEndpoint builds a pod's endpoint with the EndpointSlice
// controller's conditions: serving is readiness, terminating is a pending
// deletion, and ready is serving and not terminating (or everything, with
// publishNotReadyAddresses). nodeName is the pod's node, if it has one,
// and zone that node's zone label, if it has one.
func (svc *service) sliceEndpoint(p *pod, zone *string) cluster.Endpoint {
	serving, terminating := p.ready, p.terminating
	ready := svc.spec.PublishNotReadyAddresses || (serving && !terminating)
	ep := cluster.Endpoint{
		Addresses:  p.addrs,
		Conditions: cluster.EndpointConditions{Ready: flag(ready), Serving: flag(serving), Terminating: flag(terminating)},
		TargetRef:  p.ref,
		Zone:       zone,
	}
	if p.node != "" {
		ep.NodeName = p.nodeName
	}
	if svc.hostname(p) != "" {
		ep.Hostname = &p.hostname
	}
	return ep
}

// slicePorts resolves a pod's ports for the Service, in the Service's port
// order.
func (svc *service) slicePorts(p *pod) []cluster.EndpointSlicePort {
	var out []cluster.EndpointSlicePort
	for _, sp := range svc.spec.Ports {
		port, ok := resolve(p, sp)
		if !ok {
			continue
		}
		name, proto := sp.Name, sp.Protocol
		if proto == "" {
			proto = cluster.ProtocolTCP
		}
		out = append(out, cluster.EndpointSlicePort{Name: &name, Protocol: &proto, Port: &port, AppProtocol: sp.AppProtocol})
	}
	return out
}

// slicePortsKey identifies a set of slice ports whatever their order, as
// the reconciler's port-map key does.
func slicePortsKey(ps []cluster.EndpointSlicePort) string {
	if len(ps) == 0 {
		return ""
	}
	str := func(s *string) string {
		if s == nil {
			return "\x01"
		}
		return *s
	}
	keys := make([]string, len(ps))
	for i, p := range ps {
		port := "\x01"
		if p.Port != nil {
			port = strconv.Itoa(int(*p.Port))
		}
		proto := "\x01"
		if p.Protocol != nil {
			proto = string(*p.Protocol)
		}
		keys[i] = str(p.Name) + "/" + proto + "/" + port + "/" + str(p.AppProtocol)
	}
	slices.Sort(keys)
	return strings.Join(keys, ",")
}

// identical reports whether two endpoints are the same endpoint to the
// reconciler: the same addresses, hostname and pod. One that differs
// beyond that is updated in place; one that does not is replaced.
func identical(a, b *cluster.Endpoint) bool {
	return slices.Equal(a.Addresses, b.Addresses) && equalPtr(a.Hostname, b.Hostname) &&
		a.TargetRef != nil && b.TargetRef != nil && a.TargetRef.Namespace == b.TargetRef.Namespace && a.TargetRef.Name == b.TargetRef.Name
}

// equalBeyondIdentity compares what identical does not, as the
// reconciler's EndpointsEqualBeyondHash does.
func equalBeyondIdentity(a, b *cluster.Endpoint) bool {
	return equalPtr(a.NodeName, b.NodeName) && equalPtr(a.Zone, b.Zone) &&
		equalPtr(a.Conditions.Ready, b.Conditions.Ready) && equalPtr(a.Conditions.Serving, b.Conditions.Serving) &&
		equalPtr(a.Conditions.Terminating, b.Conditions.Terminating) && equalPtr(a.TargetRef, b.TargetRef)
}

// endpointOf is the endpoint a Service's slices should hold for the pod p
// (nil when it has left), and its group; ok is false when it should have
// none: without an IP or finished. Terminating pods stay, flagged.
func (c *Controller) endpointOf(svc *service, p *pod) (cluster.Endpoint, *group, bool) {
	if p == nil || p.ip == "" || p.terminal {
		return cluster.Endpoint{}, nil, false
	}
	return svc.sliceEndpoint(p, c.zones[p.node]), svc.groupFor(p, c.free), true
}

// find returns the index of the pod's endpoint in the slice, or -1.
func (sl *slice) find(name string) int {
	return slices.IndexFunc(sl.obj.Endpoints, func(e cluster.Endpoint) bool { return e.TargetRef != nil && e.TargetRef.Name == name })
}

// owns reports whether a slice is the Service's by its owner reference,
// as the reconciler's ownedBy does.
func (svc *service) owns(sl *cluster.EndpointSlice) bool {
	return slices.ContainsFunc(sl.OwnerReferences, func(o cluster.OwnerReference) bool {
		return o.UID == svc.uid && o.Kind == cluster.KindService && o.APIVersion == "v1"
	})
}

// writeSlices brings the Service's EndpointSlices up to date for its
// changed members, as Kubernetes' EndpointSlice reconciler does for all of
// them: an endpoint that is still wanted is updated in place, one that is
// not is removed (and a slice left empty deleted), and new endpoints fill
// the slices being updated, fullest first, then the one slice they fit
// best, before new slices are made; a Service with no endpoints keeps one
// empty placeholder slice. Where the reconciler takes map order, this
// takes slice names and addresses. Slices created or updated carry trigger
// as their trigger time, or lose it when trigger is zero; the others are
// not written.
func (c *Controller) writeSlices(svc *service, changed []*member, trigger time.Time) {
	if svc.full {
		svc.claimEndpoints()
	}
	var adds []placement
	for _, m := range changed {
		want, g, ok := c.endpointOf(svc, m.cur)
		if sl := m.slice; sl != nil {
			if i := sl.find(m.name); i >= 0 {
				have := &sl.obj.Endpoints[i]
				if ok && sl.group == g.key && identical(have, &want) {
					if !equalBeyondIdentity(have, &want) {
						*have = want
						sl.changed = true
					}
					continue
				}
				sl.obj.Endpoints = slices.Delete(sl.obj.Endpoints, i, i+1)
				sl.changed = true
			}
			m.slice = nil
		}
		if ok {
			adds = append(adds, placement{m, want, g})
		}
	}
	for _, sl := range svc.slices {
		switch {
		case sl.state == drop:
		case sl.changed && len(sl.obj.Endpoints) == 0:
			sl.state = drop
		case sl.changed || sl.relabel:
			sl.state = rewrite
		}
	}
	for _, sl := range svc.slices {
		// An empty slice of ports no pod has any more goes too: the
		// reconciler deletes every slice of a port map it no longer wants.
		if sl.state != drop && len(sl.obj.Endpoints) == 0 && !svc.wanted(sl.group, adds) {
			sl.state = drop
		}
	}
	creates := c.placeAll(svc, adds)
	creates = c.placeholder(svc, creates)
	creates = c.recycle(svc, creates)
	c.finish(svc, creates, trigger)
}

// claimEndpoints rebuilds, for a full sync, which slice holds each
// member's endpoint: the first in name order that lists it. Endpoints of
// no member, and later copies, are removed, slices the Service does not
// own are deleted, and those whose labels differ from the Service's are
// marked for an update.
func (svc *service) claimEndpoints() {
	for _, m := range svc.members {
		m.slice = nil
	}
	for _, sl := range svc.slices {
		if !svc.owns(sl.obj) {
			sl.state = drop
			continue
		}
		kept := sl.obj.Endpoints[:0]
		for _, ep := range sl.obj.Endpoints {
			var m *member
			if r := ep.TargetRef; r != nil && r.Kind == cluster.KindPod && r.Namespace == svc.ns {
				m = svc.members[r.Name]
			}
			if m == nil || m.slice != nil {
				sl.changed = true
				continue
			}
			m.slice = sl
			kept = append(kept, ep)
		}
		clear(sl.obj.Endpoints[len(kept):])
		sl.obj.Endpoints = kept
		sl.relabel = sliceLabelsChanged(sl.obj.Labels, svc.labels)
	}
}

// wanted reports whether any endpoint will be in a slice of the port map
// k after this sync.
func (svc *service) wanted(k string, adds []placement) bool {
	for _, sl := range svc.slices {
		if sl.group == k && sl.state != drop && len(sl.obj.Endpoints) > 0 {
			return true
		}
	}
	return slices.ContainsFunc(adds, func(a placement) bool { return a.g.key == k })
}

// placeAll places the new endpoints, port map by port map in key order,
// each in address order, and returns the slices it had to make.
func (c *Controller) placeAll(svc *service, adds []placement) []*slice {
	slices.SortFunc(adds, func(a, b placement) int {
		if c := strings.Compare(a.g.key, b.g.key); c != 0 {
			return c
		}
		if c := strings.Compare(a.m.cur.ip, b.m.cur.ip); c != 0 {
			return c
		}
		return strings.Compare(a.m.cur.uid, b.m.cur.uid)
	})
	var creates []*slice
	for len(adds) > 0 {
		n := 1
		for n < len(adds) && adds[n].g == adds[0].g {
			n++
		}
		creates = c.place(svc, adds[:n], creates)
		adds = adds[n:]
	}
	return creates
}

// place puts the new endpoints of one port map into slices, as the
// reconciler's reconcileByPortMapping does: first into the slices already
// being updated, fullest first; then, while fewer than a slice's worth
// remain, into the unchanged slice they leave closest to full; else into
// new slices, which it adds to creates.
func (c *Controller) place(svc *service, adds []placement, creates []*slice) []*slice {
	g, max := adds[0].g, c.opts.MaxEndpointsPerSlice
	var updating []*slice
	for _, sl := range svc.slices {
		if sl.group == g.key && sl.state == rewrite {
			updating = append(updating, sl)
		}
	}
	slices.SortStableFunc(updating, func(a, b *slice) int { return cmp.Compare(len(b.obj.Endpoints), len(a.obj.Endpoints)) })
	for _, sl := range updating {
		adds = fill(sl, adds, max)
	}
	for len(adds) > 0 {
		var sl *slice
		if len(adds) < max {
			best := max
			for _, cand := range svc.slices {
				if cand.group != g.key || cand.state != keep {
					continue
				}
				if d := max - len(adds) - len(cand.obj.Endpoints); d >= 0 && d < best {
					best, sl = d, cand
				}
			}
		}
		if sl == nil {
			sl = svc.newSlice(g.key, g.slicePorts, min(len(adds), max))
			creates = append(creates, sl)
		} else {
			sl.state = rewrite
		}
		adds = fill(sl, adds, max)
	}
	return creates
}

// fill appends new endpoints to a slice while it has room and returns
// those left.
func fill(sl *slice, adds []placement, max int) []placement {
	for len(adds) > 0 && len(sl.obj.Endpoints) < max {
		sl.obj.Endpoints = append(sl.obj.Endpoints, adds[0].ep)
		adds[0].m.slice = sl
		adds = adds[1:]
	}
	return adds
}

// newSlice makes an empty slice of the Service with the given ports, to
// be created, with room for n endpoints.
func (svc *service) newSlice(group string, ports []cluster.EndpointSlicePort, n int) *slice {
	prefix := svc.name + "-"
	if len(prefix) > 58 {
		prefix = svc.name
	}
	return &slice{svc: svc, group: group, state: create, obj: &cluster.EndpointSlice{
		ObjectMeta:  cluster.ObjectMeta{Namespace: svc.ns, GenerateName: prefix, Labels: svc.sliceLabels(), OwnerReferences: svc.owners},
		AddressType: "IPv4", Endpoints: make([]cluster.Endpoint, 0, n), Ports: ports}}
}

// placeholder adds the empty placeholder slice when the sync would leave
// the Service no slice at all, unless the one slice it would delete is
// such a placeholder already, which it keeps.
func (c *Controller) placeholder(svc *service, creates []*slice) []*slice {
	if len(creates) > 0 || slices.ContainsFunc(svc.slices, func(sl *slice) bool { return sl.state != drop }) {
		return creates
	}
	ph := svc.newSlice("", []cluster.EndpointSlicePort{}, 0)
	// A slice emptied by this sync is no placeholder yet: what is stored
	// still lists its endpoints.
	if len(svc.slices) == 1 && !svc.slices[0].changed && samePlaceholder(svc.slices[0].obj, ph.obj) {
		svc.slices[0].state = keep
		return creates
	}
	return append(creates, ph)
}

// samePlaceholder compares an existing slice with a new placeholder as the
// reconciler does: namespace, labels and owners, and the contents.
func samePlaceholder(a, b *cluster.EndpointSlice) bool {
	return a.Namespace == b.Namespace && maps.Equal(a.Labels, b.Labels) &&
		slices.EqualFunc(a.OwnerReferences, b.OwnerReferences, func(x, y cluster.OwnerReference) bool {
			return x.APIVersion == y.APIVersion && x.Kind == y.Kind && x.Name == y.Name && x.UID == y.UID &&
				equalPtr(x.Controller, y.Controller) && equalPtr(x.BlockOwnerDeletion, y.BlockOwnerDeletion)
		}) &&
		a.AddressType == b.AddressType && len(a.Endpoints) == 0 && len(b.Endpoints) == 0 && len(a.Ports) == 0 && len(b.Ports) == 0
}

// recycle turns creates into updates of slices the sync would delete, as
// the reconciler's finalize does: each slice to delete, in name order,
// that the Service owns takes the contents of the last slice to create.
// It returns the creates left.
func (c *Controller) recycle(svc *service, creates []*slice) []*slice {
	for i, old := range svc.slices {
		if len(creates) == 0 {
			break
		}
		if old.state != drop || !svc.owns(old.obj) {
			continue
		}
		sl := creates[len(creates)-1]
		creates = creates[:len(creates)-1]
		sl.obj.Name, sl.rv, sl.state = old.obj.Name, old.rv, rewrite
		svc.slices[i] = sl
		c.slices[objKey{svc.ns, sl.obj.Name}] = sl
	}
	return creates
}

// finish writes what the sync decided, as the reconciler's finalize does:
// creates, then updates and deletes in name order. It stops at the first
// write the store refuses, records it, and has the next sync read the
// slices back.
func (c *Controller) finish(svc *service, creates []*slice, trigger time.Time) {
	defer svc.settleSlices()
	for _, sl := range creates {
		svc.slices = append(svc.slices, sl)
		sl.obj.Annotations = withTrigger(sl.obj.Annotations, trigger)
		out, err := c.create(published(sl.obj))
		if err != nil {
			c.sliceFailed(svc, err)
			return
		}
		sl.obj.Name, sl.rv = out.Meta().Name, out.Meta().ResourceVersion
		c.slices[objKey{svc.ns, sl.obj.Name}] = sl
	}
	var labels selector.Set
	for _, sl := range svc.slices {
		if sl.state != rewrite {
			continue
		}
		if sl.changed || sl.relabel {
			// Relabelled as the reconciler relabels the slices it
			// changes; one it only fills keeps its labels.
			if labels == nil {
				labels = svc.sliceLabels()
			}
			sl.obj.Labels = labels
		}
		sl.obj.Annotations = withTrigger(sl.obj.Annotations, trigger)
		sl.obj.ResourceVersion = 0 // what is stored is replaced whole
		rv, err := c.update(published(sl.obj))
		if err != nil {
			c.sliceFailed(svc, err)
			return
		}
		sl.rv = rv
	}
	for _, sl := range svc.slices {
		if sl.state != drop {
			continue
		}
		if err := c.s.Delete(cluster.KindEndpointSlice, svc.ns, sl.obj.Name, cluster.DeleteOptions{}); err != nil {
			c.sliceFailed(svc, err)
			return
		}
		delete(c.slices, objKey{svc.ns, sl.obj.Name})
		sl.obj.Name = "" // gone
	}
}

func (c *Controller) sliceFailed(svc *service, err error) {
	c.failed(svc, "FailedToUpdateEndpointSlices", err)
	svc.stale = true
}

// settleSlices ends a sync's work on the slices: those deleted, or not
// created, leave the list, which is sorted by name again, and every mark
// is cleared. A member whose endpoint went into a slice not created finds
// its place again when the next sync reads the slices back.
func (svc *service) settleSlices() {
	kept := svc.slices[:0]
	created := false
	for _, sl := range svc.slices {
		if sl.obj.Name == "" {
			continue
		}
		created = created || sl.state == create
		sl.state, sl.changed, sl.relabel = keep, false, false
		kept = append(kept, sl)
	}
	clear(svc.slices[len(kept):])
	svc.slices = kept
	if created {
		slices.SortFunc(svc.slices, func(a, b *slice) int { return strings.Compare(a.obj.Name, b.obj.Name) })
	}
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

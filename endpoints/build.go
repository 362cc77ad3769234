package endpoints

import (
	"cmp"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/svcsim/svcsim/cluster"
)

// entry is one address of one pod for one port set, with its readiness.
type entry struct {
	addr  cluster.EndpointAddress
	ready bool
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

// compareAddresses orders addresses as Kubernetes does: by IP as a string,
// then by the pod's UID.
func compareAddresses(a, b cluster.EndpointAddress) int {
	if c := cmp.Compare(a.IP, b.IP); c != 0 {
		return c
	}
	var ua, ub string
	if a.TargetRef != nil {
		ua = a.TargetRef.UID
	}
	if b.TargetRef != nil {
		ub = b.TargetRef.UID
	}
	return cmp.Compare(ua, ub)
}

// buildSubsets computes a Service's Endpoints subsets from its pods, as the
// Endpoints controller's syncService and RepackSubsets do: each port maps
// to the addresses that serve it, and ports with identical address sets
// share a subset.
func (svc *service) buildSubsets() []cluster.EndpointSubset {
	publish := svc.spec.PublishNotReadyAddresses
	byPort := map[string][]entry{}
	ports := map[string]cluster.EndpointPort{}
	var noPorts []entry
	for _, p := range svc.sortedMembers() {
		if p.ip == "" || p.terminal || (p.terminating && !publish) {
			continue
		}
		node := p.node
		addr := cluster.EndpointAddress{IP: p.ip, Hostname: svc.hostname(p), NodeName: &node,
			TargetRef: &cluster.ObjectReference{Kind: cluster.KindPod, Namespace: p.ns, Name: p.name, UID: p.uid}}
		e := entry{addr: addr, ready: publish || p.ready}
		if len(svc.spec.Ports) == 0 {
			if svc.headless() {
				noPorts = append(noPorts, e)
			}
			continue
		}
		for _, sp := range svc.spec.Ports {
			port, ok := resolve(p, sp)
			if !ok {
				continue
			}
			proto := sp.Protocol
			if proto == "" {
				proto = cluster.ProtocolTCP
			}
			ep := cluster.EndpointPort{Name: sp.Name, Port: port, Protocol: proto, AppProtocol: sp.AppProtocol}
			pk := portKey(ep)
			ports[pk] = ep
			byPort[pk] = append(byPort[pk], e)
		}
	}
	if len(noPorts) > 0 {
		return []cluster.EndpointSubset{subsetOf(noPorts, nil)}
	}
	// Group ports by their address sets, readiness included.
	groups := map[string][]cluster.EndpointPort{}
	members := map[string][]entry{}
	for pk, entries := range byPort {
		slices.SortFunc(entries, func(a, b entry) int { return compareAddresses(a.addr, b.addr) })
		sig := signature(entries)
		groups[sig] = append(groups[sig], ports[pk])
		members[sig] = entries
	}
	var subsets []cluster.EndpointSubset
	for sig, ps := range groups {
		slices.SortFunc(ps, comparePorts)
		subsets = append(subsets, subsetOf(members[sig], ps))
	}
	slices.SortFunc(subsets, func(a, b cluster.EndpointSubset) int { return comparePorts(a.Ports[0], b.Ports[0]) })
	return subsets
}

func signature(entries []entry) string {
	var b strings.Builder
	for _, e := range entries {
		b.WriteString(e.addr.IP)
		b.WriteByte('/')
		b.WriteString(e.addr.TargetRef.UID)
		if e.ready {
			b.WriteString("+")
		} else {
			b.WriteString("-")
		}
		b.WriteByte(',')
	}
	return b.String()
}

// subsetOf builds one subset, sorted as Kubernetes sorts addresses.
func subsetOf(entries []entry, ports []cluster.EndpointPort) cluster.EndpointSubset {
	var s cluster.EndpointSubset
	for _, e := range entries {
		if e.ready {
			s.Addresses = append(s.Addresses, e.addr)
		} else {
			s.NotReadyAddresses = append(s.NotReadyAddresses, e.addr)
		}
	}
	slices.SortFunc(s.Addresses, compareAddresses)
	slices.SortFunc(s.NotReadyAddresses, compareAddresses)
	s.Ports = ports
	return s
}

// truncate caps the subsets at MaxEndpoints addresses as Kubernetes does:
// ready addresses first, each subset keeping its share, the rest dropped.
// It reports whether anything was cut.
func truncate(subsets []cluster.EndpointSubset) bool {
	total, ready := 0, 0
	for _, s := range subsets {
		total += len(s.Addresses) + len(s.NotReadyAddresses)
		ready += len(s.Addresses)
	}
	if total <= MaxEndpoints {
		return false
	}
	if ready > MaxEndpoints {
		share(subsets, ready, MaxEndpoints, func(s *cluster.EndpointSubset) *[]cluster.EndpointAddress { return &s.Addresses })
		for i := range subsets {
			subsets[i].NotReadyAddresses = nil
		}
		return true
	}
	share(subsets, total-ready, MaxEndpoints-ready, func(s *cluster.EndpointSubset) *[]cluster.EndpointAddress { return &s.NotReadyAddresses })
	return true
}

// share keeps, of the addresses field picks in each subset, its
// proportional part of room, rounded up, while room lasts.
func share(subsets []cluster.EndpointSubset, all, room int, field func(*cluster.EndpointSubset) *[]cluster.EndpointAddress) {
	left := room
	for i := range subsets {
		list := field(&subsets[i])
		n := len(*list)
		keep := min((n*room+all-1)/all, left, n)
		*list = (*list)[:keep]
		left -= keep
	}
}

// writeEndpoints brings the Service's Endpoints object up to date, as the
// Endpoints controller's syncService does: nothing is written when the
// subsets, the labels and the capacity annotation are already right;
// otherwise the object is written with trigger as its trigger time (or
// without one, when trigger is zero), and the subsets cut to MaxEndpoints.
func (c *Controller) writeEndpoints(svc *service, trigger time.Time) {
	subsets := svc.buildSubsets()
	labels := svc.endpointsLabels()
	cur, ok := cluster.GetAs[*cluster.Endpoints](c.s, svc.ns, svc.name)
	if ok && reflect.DeepEqual(cur.Subsets, subsets) && reflect.DeepEqual(cur.Labels, labels) &&
		capacityAnnotationRight(cur) {
		return
	}
	want := cur
	if !ok {
		want = &cluster.Endpoints{ObjectMeta: cluster.ObjectMeta{Name: svc.name, Namespace: svc.ns}}
	}
	want.Subsets, want.Labels = subsets, labels
	want.Annotations = withTrigger(want.Annotations, trigger)
	if truncate(want.Subsets) {
		if want.Annotations == nil {
			want.Annotations = map[string]string{}
		}
		want.Annotations[OverCapacityAnnotation] = "truncated"
	} else if delete(want.Annotations, OverCapacityAnnotation); len(want.Annotations) == 0 {
		want.Annotations = nil
	}
	if !ok {
		if _, err := c.s.Create(want); err != nil {
			c.failed(svc, "FailedToCreateEndpoint", err)
		}
		return
	}
	if _, err := c.s.Update(want); err != nil {
		c.failed(svc, "FailedToUpdateEndpoint", err)
	}
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

// failed records a write the apiserver refused as a warning event on the
// Service, as Kubernetes' controllers do, so that it is not lost silently.
func (c *Controller) failed(svc *service, reason string, err error) {
	c.s.Record(&cluster.Service{ObjectMeta: cluster.ObjectMeta{Name: svc.name, Namespace: svc.ns}},
		cluster.EventWarning, reason, "Failed to write the endpoints of "+svc.ns+"/"+svc.name+": "+err.Error())
}

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

// sliceEndpoint builds a pod's endpoint with the EndpointSlice
// controller's conditions: serving is readiness, terminating is a pending
// deletion, and ready is serving and not terminating (or everything, with
// publishNotReadyAddresses). nodeName is the pod's node, if it has one, and
// zone that node's zone label, if not empty.
func (svc *service) sliceEndpoint(p *pod, zones map[string]string) cluster.Endpoint {
	serving, terminating := p.ready, p.terminating
	ready := svc.spec.PublishNotReadyAddresses || (serving && !terminating)
	ep := cluster.Endpoint{
		Addresses:  []string{p.ip},
		Conditions: cluster.EndpointConditions{Ready: &ready, Serving: &serving, Terminating: &terminating},
		TargetRef:  &cluster.ObjectReference{Kind: cluster.KindPod, Namespace: p.ns, Name: p.name, UID: p.uid},
	}
	if p.node != "" {
		node := p.node
		ep.NodeName = &node
	}
	if z := zones[p.node]; z != "" {
		ep.Zone = &z
	}
	if h := svc.hostname(p); h != "" {
		ep.Hostname = &h
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

func slicePortsKey(ps []cluster.EndpointSlicePort) string {
	var b strings.Builder
	for _, p := range ps {
		b.WriteString(*p.Name + "/" + string(*p.Protocol) + "/" + strconv.Itoa(int(*p.Port)) + ",")
	}
	return b.String()
}

// desiredSlices is the contents of every slice the Service should have:
// pods grouped by their resolved ports, each group sorted by address and
// cut into slices of at most max endpoints; one empty placeholder when
// there are none.
func (svc *service) desiredSlices(max int, zones map[string]string) []cluster.EndpointSlice {
	groups := map[string][]cluster.Endpoint{}
	groupPorts := map[string][]cluster.EndpointSlicePort{}
	for _, p := range svc.sortedMembers() {
		// Terminating pods stay, flagged; finished and address-less ones go.
		if p.ip == "" || p.terminal {
			continue
		}
		ps := svc.slicePorts(p)
		k := slicePortsKey(ps)
		groups[k] = append(groups[k], svc.sliceEndpoint(p, zones))
		groupPorts[k] = ps
	}
	keys := make([]string, 0, len(groups))
	for k := range groups {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	var out []cluster.EndpointSlice
	for _, k := range keys {
		eps := groups[k]
		slices.SortFunc(eps, func(a, b cluster.Endpoint) int {
			if c := cmp.Compare(a.Addresses[0], b.Addresses[0]); c != 0 {
				return c
			}
			return cmp.Compare(a.TargetRef.UID, b.TargetRef.UID)
		})
		for len(eps) > 0 {
			n := min(max, len(eps))
			out = append(out, cluster.EndpointSlice{AddressType: "IPv4", Endpoints: eps[:n:n], Ports: groupPorts[k]})
			eps = eps[n:]
		}
	}
	if len(out) == 0 {
		out = append(out, cluster.EndpointSlice{AddressType: "IPv4", Endpoints: []cluster.Endpoint{}, Ports: []cluster.EndpointSlicePort{}})
	}
	return out
}

// ownSlices returns the EndpointSlices the controller wrote for a Service,
// from its own record of their names: listing every slice in the namespace
// would make each sync cost as much as the cluster is big.
func (c *Controller) ownSlices(ns, name string) []*cluster.EndpointSlice {
	var out []*cluster.EndpointSlice
	for _, n := range c.sliceNames[key(ns, name)] {
		if sl, ok := cluster.GetAs[*cluster.EndpointSlice](c.s, ns, n); ok && sl.DeletionTimestamp == nil {
			out = append(out, sl)
		}
	}
	return out
}

// writeSlices brings the Service's EndpointSlices up to date: the desired
// slices take the existing slices' names in order, new ones are created
// with generateName "<service>-", and leftovers are deleted. Unchanged
// slices are not written; those created or updated carry trigger as their
// trigger time, or lose it when trigger is zero.
func (c *Controller) writeSlices(svc *service, trigger time.Time) {
	want := svc.desiredSlices(c.opts.MaxEndpointsPerSlice, c.zones)
	have := c.ownSlices(svc.ns, svc.name)
	labels := svc.sliceLabels()
	owner := cluster.OwnerReference{APIVersion: "v1", Kind: cluster.KindService, Name: svc.name, UID: svc.uid,
		Controller: cluster.Ptr(true), BlockOwnerDeletion: cluster.Ptr(true)}
	var names []string
	for i, w := range want {
		w.Namespace = svc.ns
		w.Labels = labels.Clone()
		w.OwnerReferences = []cluster.OwnerReference{owner}
		if i < len(have) {
			cur := have[i]
			names = append(names, cur.Name)
			if reflect.DeepEqual(cur.Endpoints, w.Endpoints) && reflect.DeepEqual(cur.Ports, w.Ports) &&
				!sliceLabelsChanged(cur.Labels, svc.labels) && cur.AddressType == w.AddressType {
				continue
			}
			cur.Endpoints, cur.Ports, cur.Labels, cur.AddressType = w.Endpoints, w.Ports, w.Labels, w.AddressType
			cur.OwnerReferences = w.OwnerReferences
			cur.Annotations = withTrigger(cur.Annotations, trigger)
			if _, err := c.s.Update(cur); err != nil {
				c.failed(svc, "FailedToUpdateEndpointSlices", err)
			}
			continue
		}
		w.Annotations = withTrigger(nil, trigger)
		w.GenerateName = svc.name + "-"
		if len(w.GenerateName) > 58 {
			w.GenerateName = svc.name
		}
		out, err := c.s.Create(&w)
		if err != nil {
			c.failed(svc, "FailedToUpdateEndpointSlices", err)
			continue
		}
		names = append(names, out.Meta().Name)
	}
	for _, extra := range have[min(len(want), len(have)):] {
		_ = c.s.Delete(cluster.KindEndpointSlice, svc.ns, extra.Name, cluster.DeleteOptions{})
	}
	c.sliceNames[key(svc.ns, svc.name)] = names
}

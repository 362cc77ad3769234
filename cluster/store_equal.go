package cluster

import "reflect"

// An update compares the new version with the old twice: its spec, to
// bump the generation, and the whole object, to store nothing when nothing
// changed. Both are reflect.DeepEqual in meaning. For Endpoints and
// EndpointSlices, which list up to a thousand addresses and are rewritten
// on every pod change, the comparisons below say the same without
// reflection, and cut short where the two versions share memory (a
// built-in controller's write shares what it did not change).

// sameSpec reports whether o's generation-counting part (specOf) is
// deeply equal to old's.
func sameSpec(o, old Object) bool {
	if e, ok := o.(*EndpointSlice); ok {
		p := old.(*EndpointSlice)
		return e.AddressType == p.AddressType && sameEndpoints(e.Endpoints, p.Endpoints) && reflect.DeepEqual(e.Ports, p.Ports)
	}
	return reflect.DeepEqual(specOf(o), specOf(old))
}

// sameObject reports whether o and old, of the same kind, are deeply
// equal.
func sameObject(o, old Object) bool {
	switch o := o.(type) {
	case *EndpointSlice:
		p := old.(*EndpointSlice)
		return o.AddressType == p.AddressType && sameEndpoints(o.Endpoints, p.Endpoints) &&
			reflect.DeepEqual(o.Ports, p.Ports) && reflect.DeepEqual(&o.ObjectMeta, &p.ObjectMeta)
	case *Endpoints:
		p := old.(*Endpoints)
		return sameSubsets(o.Subsets, p.Subsets) && reflect.DeepEqual(&o.ObjectMeta, &p.ObjectMeta)
	case *Pod:
		// Status writes, the most frequent of all, share the metadata's
		// and spec's maps and lists, which reflection then cuts short.
		p := old.(*Pod)
		return samePodStatus(&o.Status, &p.Status) && reflect.DeepEqual(&o.Spec, &p.Spec) && reflect.DeepEqual(&o.ObjectMeta, &p.ObjectMeta)
	}
	return reflect.DeepEqual(o, old)
}

// sameList is slices.EqualFunc that, as reflect.DeepEqual, tells a nil
// list from an empty one.
func sameList[T any](a, b []T, eq func(x, y *T) bool) bool {
	if (a == nil) != (b == nil) || len(a) != len(b) {
		return false
	}
	if len(a) > 0 && &a[0] == &b[0] {
		return true
	}
	for i := range a {
		if !eq(&a[i], &b[i]) {
			return false
		}
	}
	return true
}

// samePtr compares optional fields as reflect.DeepEqual does.
func samePtr[T comparable](a, b *T) bool {
	if a == nil || b == nil {
		return a == b
	}
	return a == b || *a == *b
}

func sameString(a, b *string) bool { return *a == *b }

func sameEndpoints(a, b []Endpoint) bool {
	return sameList(a, b, func(x, y *Endpoint) bool {
		return sameList(x.Addresses, y.Addresses, sameString) &&
			samePtr(x.Conditions.Ready, y.Conditions.Ready) && samePtr(x.Conditions.Serving, y.Conditions.Serving) &&
			samePtr(x.Conditions.Terminating, y.Conditions.Terminating) &&
			samePtr(x.Hostname, y.Hostname) && samePtr(x.TargetRef, y.TargetRef) &&
			samePtr(x.NodeName, y.NodeName) && samePtr(x.Zone, y.Zone)
	})
}

func sameSubsets(a, b []EndpointSubset) bool {
	return sameList(a, b, func(x, y *EndpointSubset) bool {
		return sameList(x.Addresses, y.Addresses, sameAddress) && sameList(x.NotReadyAddresses, y.NotReadyAddresses, sameAddress) &&
			sameList(x.Ports, y.Ports, func(p, q *EndpointPort) bool {
				return p.Name == q.Name && p.Port == q.Port && p.Protocol == q.Protocol && samePtr(p.AppProtocol, q.AppProtocol)
			})
	})
}

func sameAddress(x, y *EndpointAddress) bool {
	return x.IP == y.IP && x.Hostname == y.Hostname && samePtr(x.NodeName, y.NodeName) && samePtr(x.TargetRef, y.TargetRef)
}

func samePodStatus(a, b *PodStatus) bool {
	return a.Phase == b.Phase && a.Reason == b.Reason && a.Message == b.Message && a.HostIP == b.HostIP && a.PodIP == b.PodIP &&
		samePtr(a.StartTime, b.StartTime) &&
		sameList(a.Conditions, b.Conditions, func(x, y *PodCondition) bool { return *x == *y }) &&
		sameList(a.ContainerStatuses, b.ContainerStatuses, func(x, y *ContainerStatus) bool {
			return x.Name == y.Name && x.Image == y.Image && x.Ready == y.Ready && x.Started == y.Started && x.RestartCount == y.RestartCount &&
				sameState(&x.State, &y.State) && sameState(&x.LastTerminationState, &y.LastTerminationState)
		})
}

func sameState(a, b *ContainerState) bool {
	return samePtr(a.Waiting, b.Waiting) && samePtr(a.Running, b.Running) && samePtr(a.Terminated, b.Terminated)
}

package endpoints

import (
	"slices"
	"strings"

	"github.com/svcsim/svcsim/cluster"
)

// SliceIndex holds the EndpointSlices a watcher has seen, grouped by the
// Service their ServiceNameLabel names, for components that read slices
// per Service as kube-proxy and CoreDNS do. Its zero value is empty and
// ready to use.
type SliceIndex struct {
	m map[string]map[string]*cluster.EndpointSlice // service key -> slice name -> slice
}

// Apply records a watch event on an EndpointSlice and returns the keys
// ("namespace/name") of the Services whose slices it changed: old when a
// relabelled or deleted slice left one, cur when it joined or changed one.
// Either is "" if no Service was touched that way. An event that is not
// about an EndpointSlice (a zero event, another kind) touches nothing.
func (x *SliceIndex) Apply(ev cluster.WatchEvent) (old, cur string) {
	sl, ok := ev.Object.(*cluster.EndpointSlice)
	if !ok || sl == nil {
		return "", ""
	}
	k := sliceService(sl)
	if prev, ok := ev.Old.(*cluster.EndpointSlice); ok && prev != nil {
		if ok := sliceService(prev); ok != "" && ok != k && x.drop(ok, sl.Name) {
			old = ok
		}
	}
	switch {
	case k == "":
	case ev.Type == cluster.Deleted:
		if x.drop(k, sl.Name) {
			old = k
		}
	default:
		if x.m == nil {
			x.m = map[string]map[string]*cluster.EndpointSlice{}
		}
		if x.m[k] == nil {
			x.m[k] = map[string]*cluster.EndpointSlice{}
		}
		x.m[k][sl.Name] = sl
		cur = k
	}
	return old, cur
}

// Of returns the slices of the Service with key svcKey, sorted by name.
func (x *SliceIndex) Of(svcKey string) []*cluster.EndpointSlice {
	byName := x.m[svcKey]
	out := make([]*cluster.EndpointSlice, 0, len(byName))
	for _, sl := range byName {
		out = append(out, sl)
	}
	slices.SortFunc(out, func(a, b *cluster.EndpointSlice) int { return strings.Compare(a.Name, b.Name) })
	return out
}

func (x *SliceIndex) drop(k, name string) bool {
	if _, ok := x.m[k][name]; !ok {
		return false
	}
	delete(x.m[k], name)
	if len(x.m[k]) == 0 {
		delete(x.m, k)
	}
	return true
}

// sliceService is the key of the Service a slice belongs to, or "".
func sliceService(sl *cluster.EndpointSlice) string {
	svc := sl.Labels[ServiceNameLabel]
	if svc == "" {
		return ""
	}
	return key(sl.Namespace, svc)
}

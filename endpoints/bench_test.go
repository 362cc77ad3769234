package endpoints_test

import (
	"fmt"
	"runtime"
	"testing"

	"github.com/svcsim/svcsim/cluster"
	"github.com/svcsim/svcsim/endpoints"
	"github.com/svcsim/svcsim/selector"
)

// benchCluster builds pods pods and services Services, Service j
// selecting app=app-j and pod i labelled app=app-(i mod services), so each
// Service has pods/services pods (at least one, while there are enough
// pods).
func benchCluster(b *testing.B, pods, services int) *cluster.Sim {
	b.Helper()
	s, err := cluster.New(cluster.Config{Seed: 1, Nodes: 10, PodCIDR: "10.0.0.0/8", NodeCIDRMaskSize: 16, TraceCapacity: -1, EventCapacity: -1})
	if err != nil {
		b.Fatal(err)
	}
	endpoints.Start(s, endpoints.Options{})
	for i := range pods {
		_, err := s.Create(&cluster.Pod{
			ObjectMeta: cluster.ObjectMeta{Name: fmt.Sprintf("pod-%06d", i), Labels: selector.Set{"app": fmt.Sprintf("app-%d", i%services), "tier": "web"}},
			Spec:       cluster.PodSpec{Containers: []cluster.Container{{Name: "c", Image: "nginx", Ports: []cluster.ContainerPort{{ContainerPort: 80}}}}},
		})
		if err != nil {
			b.Fatal(err)
		}
	}
	for j := range services {
		_, err := s.Create(&cluster.Service{ObjectMeta: cluster.ObjectMeta{Name: fmt.Sprintf("svc-%d", j)},
			Spec: cluster.ServiceSpec{ClusterIP: "None", Selector: selector.Set{"app": fmt.Sprintf("app-%d", j)}, Ports: []cluster.ServicePort{{Port: 80}}}})
		if err != nil {
			b.Fatal(err)
		}
	}
	if err := s.Settle(); err != nil {
		b.Fatal(err)
	}
	return s
}

// BenchmarkLabelChange moves one pod between two Services (app-1 and
// app-2, alternately, so that every iteration is a real change) by
// changing its app label, and runs the cluster until both Services'
// Endpoints and EndpointSlices are written: the whole path, store write,
// watch deliveries and the controller's sync. "listfilter" does only what
// Kubernetes' EndpointSlice controller does to find the pods of the same
// change, on ready-made caches of the pods and Services: match every
// Service's selector against the pod's old and new labels, as
// GetServicesToUpdate does, then list the namespace's pods and filter them
// by each affected Service's selector; it writes nothing. Run with
// -benchtime 2000x; building the clusters dominates otherwise.
func BenchmarkLabelChange(b *testing.B) {
	for _, pods := range []int{1_000, 10_000, 100_000} {
		for _, services := range []int{100, 1_000, 10_000} {
			b.Run(fmt.Sprintf("pods=%d/services=%d", pods, services), func(b *testing.B) { labelChange(b, pods, services) })
		}
	}
}

func labelChange(b *testing.B, pods, services int) {
	s := benchCluster(b, pods, services)
	const victim = "pod-000000"
	move := func(labels selector.Set) {
		if labels["app"] == "app-1" {
			labels["app"] = "app-2"
		} else {
			labels["app"] = "app-1"
		}
	}
	b.Run("incremental", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			p, _ := cluster.GetAs[*cluster.Pod](s, "default", victim)
			move(p.Labels)
			if _, err := s.Update(p); err != nil {
				b.Fatal(err)
			}
			if err := s.Settle(); err != nil {
				b.Fatal(err)
			}
		}
	})
	cache := cluster.ListAs[*cluster.Pod](s, "default", selector.Everything())
	var sels []selector.Selector
	for _, svc := range cluster.ListAs[*cluster.Service](s, "default", selector.Everything()) {
		if len(svc.Spec.Selector) > 0 {
			sels = append(sels, selector.FromValidatedSet(svc.Spec.Selector))
		}
	}
	labels := selector.Set{"app": "app-1", "tier": "web"}
	old := selector.Set{"app": "app-2", "tier": "web"}
	b.Run("listfilter", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			labels, old = old, labels
			n := 0
			for _, sel := range sels {
				// A Service is affected when it matches exactly one of the
				// two label sets.
				if sel.Matches(labels) == sel.Matches(old) {
					continue
				}
				for _, p := range cache {
					if sel.Matches(p.Labels) && p.Status.PodIP != "" {
						n++
					}
				}
			}
			sink = n
		}
	})
}

var sink int

// BenchmarkMemory100kPods10kServices reports the live heap of a cluster of
// 100,000 pods and 10,000 Services with their Endpoints and EndpointSlices,
// per pod. Run once: -bench Memory -benchtime 1x.
func BenchmarkMemory100kPods10kServices(b *testing.B) {
	for range b.N {
		var before, after runtime.MemStats
		runtime.GC()
		runtime.ReadMemStats(&before)
		s := benchCluster(b, 100_000, 10_000)
		runtime.GC()
		runtime.ReadMemStats(&after)
		b.ReportMetric(float64(after.HeapAlloc-before.HeapAlloc)/(1<<20), "MiB")
		b.ReportMetric(float64(after.HeapAlloc-before.HeapAlloc)/100_000, "B/pod")
		runtime.KeepAlive(s)
	}
}

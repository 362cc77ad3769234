package endpoints_test

import (
	"fmt"
	"runtime"
	"testing"

	"github.com/svcsim/svcsim/cluster"
	"github.com/svcsim/svcsim/endpoints"
	"github.com/svcsim/svcsim/selector"
)

const benchServices = 10_000

// benchCluster builds pods pods and 10,000 Services, Service j selecting
// app=app-j, so each Service has pods/10,000 pods (at least one).
func benchCluster(b *testing.B, pods int) *cluster.Sim {
	b.Helper()
	s, err := cluster.New(cluster.Config{Seed: 1, Nodes: 10, PodCIDR: "10.0.0.0/8", NodeCIDRMaskSize: 16, TraceCapacity: -1, EventCapacity: -1})
	if err != nil {
		b.Fatal(err)
	}
	endpoints.Start(s, endpoints.Options{})
	for i := range pods {
		_, err := s.Create(&cluster.Pod{
			ObjectMeta: cluster.ObjectMeta{Name: fmt.Sprintf("pod-%06d", i), Labels: selector.Set{"app": fmt.Sprintf("app-%d", i%benchServices), "tier": "web"}},
			Spec:       cluster.PodSpec{Containers: []cluster.Container{{Name: "c", Image: "nginx", Ports: []cluster.ContainerPort{{ContainerPort: 80}}}}},
		})
		if err != nil {
			b.Fatal(err)
		}
	}
	for j := range benchServices {
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

// BenchmarkLabelChange moves one pod from one Service to another by
// changing its app label, and runs the cluster until both Services'
// Endpoints and EndpointSlices are written: the whole path, store write,
// watch deliveries and the controller's sync. "listfilter" does only what
// Kubernetes' controller does for the same change, on a ready-made cache of
// the pods: list the namespace's pods and filter them by each affected
// Service's selector. Run with -benchtime 2000x; building the clusters
// dominates otherwise.
func BenchmarkLabelChange(b *testing.B) {
	for _, pods := range []int{1_000, 10_000, 100_000} {
		s := benchCluster(b, pods)
		victim, _ := cluster.GetAs[*cluster.Pod](s, "default", "pod-000000")
		b.Run(fmt.Sprintf("pods=%d/incremental", pods), func(b *testing.B) {
			b.ReportAllocs()
			for i := 0; b.Loop(); i++ {
				p, _ := cluster.GetAs[*cluster.Pod](s, "default", victim.Name)
				p.Labels["app"] = fmt.Sprintf("app-%d", 1+i%2) // between two Services
				if _, err := s.Update(p); err != nil {
					b.Fatal(err)
				}
				if err := s.Settle(); err != nil {
					b.Fatal(err)
				}
			}
		})
		cache := cluster.ListAs[*cluster.Pod](s, "default", selector.Everything())
		sels := []selector.Selector{selector.FromValidatedSet(selector.Set{"app": "app-1"}), selector.FromValidatedSet(selector.Set{"app": "app-2"})}
		b.Run(fmt.Sprintf("pods=%d/listfilter", pods), func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				n := 0
				for _, sel := range sels {
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
		s := benchCluster(b, 100_000)
		runtime.GC()
		runtime.ReadMemStats(&after)
		b.ReportMetric(float64(after.HeapAlloc-before.HeapAlloc)/(1<<20), "MiB")
		b.ReportMetric(float64(after.HeapAlloc-before.HeapAlloc)/100_000, "B/pod")
		runtime.KeepAlive(s)
	}
}

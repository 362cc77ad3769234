package conformance

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
	"testing"

	corev1 "k8s.io/api/core/v1"

	"github.com/svcsim/svcsim/cluster"
	"github.com/svcsim/svcsim/endpoints"
	"github.com/svcsim/svcsim/selector"
)

// benchSim builds a cluster of pods pods and services headless Services
// with the endpoints controller, Service j selecting app=app-j and pod i
// labelled app=app-(i mod services), and settles it: every pod running
// with its address, every Service with its Endpoints and slices.
func benchSim(tb testing.TB, pods, services int) *cluster.Sim {
	tb.Helper()
	s, err := cluster.New(cluster.Config{Seed: 1, Nodes: 10, PodCIDR: "10.0.0.0/8", NodeCIDRMaskSize: 16, TraceCapacity: -1, EventCapacity: -1})
	if err != nil {
		tb.Fatal(err)
	}
	endpoints.Start(s, endpoints.Options{})
	for i := range pods {
		_, err := s.Create(&cluster.Pod{
			ObjectMeta: cluster.ObjectMeta{Name: fmt.Sprintf("pod-%06d", i), Labels: selector.Set{"app": fmt.Sprintf("app-%d", i%services), "tier": "web"}},
			Spec:       cluster.PodSpec{Containers: []cluster.Container{{Name: "c", Image: "nginx", Ports: []cluster.ContainerPort{{ContainerPort: 80}}}}},
		})
		if err != nil {
			tb.Fatal(err)
		}
	}
	for j := range services {
		_, err := s.Create(&cluster.Service{ObjectMeta: cluster.ObjectMeta{Name: fmt.Sprintf("svc-%d", j)},
			Spec: cluster.ServiceSpec{ClusterIP: cluster.ClusterIPNone, Selector: selector.Set{"app": fmt.Sprintf("app-%d", j)}, Ports: []cluster.ServicePort{{Port: 80}}}})
		if err != nil {
			tb.Fatal(err)
		}
	}
	if err := s.Settle(); err != nil {
		tb.Fatal(err)
	}
	return s
}

// kubeFrom builds Kubernetes' side from the settled cluster's nodes,
// Services and pods, and lets its reconciler write every Service's slices
// once, so that both sides start with the same objects and slices already
// in place.
func kubeFrom(tb testing.TB, s *cluster.Sim) *kube {
	tb.Helper()
	nodes, services, pods := kubeObjects(s)
	byApp := map[string][]*corev1.Pod{}
	for _, p := range pods {
		byApp[p.Labels["app"]] = append(byApp[p.Labels["app"]], p)
	}
	k := newKube(nodes, services, pods)
	if err := k.syncAll(func(svc *corev1.Service) []*corev1.Pod { return byApp[svc.Spec.Selector["app"]] }); err != nil {
		tb.Fatal(err)
	}
	return k
}

// otherApp is the label that moves the benchmark's pod to the other of
// the two Services it alternates between, so that every change is real.
func otherApp(app string) string {
	if app == "app-0" {
		return "app-1"
	}
	return "app-0"
}

// BenchmarkLabelChange measures one pod's label change, moving pod-000000
// between Services svc-0 and svc-1 (alternately, so that every iteration
// is a real change), at 1k/10k/100k pods × 100/1k/10k Services, Service j
// selecting app=app-j and pod i labelled app=app-(i mod services). The two
// sides of each cell run on the same objects:
//
//   - svcsim: the whole path, a Get of the pod, s.Update and s.Settle: the
//     store write, the watch deliveries, the endpoints controller's sync,
//     and its writes of both Services' Endpoints and EndpointSlices.
//   - kubernetes: what kube-controller-manager's EndpointSlice controller
//     does for the same pod update, with k8s.io/endpointslice's own code:
//     the new pod (a copy of the cached one, standing for the object its
//     watch decodes) going into the pod cache, GetServicesToUpdate matching every Service's
//     selector against the old and the new labels, then for each Service
//     found its syncService (pods listed from a pod lister by selector,
//     slices from a slice lister, the trigger-time tracker) and
//     Reconciler.Reconcile with the existing slices, its writes going
//     through a fake clientset whose reactor feeds the slice cache. No
//     apiserver is involved, so its round trips (and Endpoints, which a
//     separate controller writes) are not counted on that side.
//
// Each cell's data are built once, before its two sub-benchmarks, and the
// Kubernetes side is built from svcsim's settled cluster. After its loop,
// the Kubernetes side must have written slices in every iteration and, if
// the pod is back where svcsim left it, hold what svcsim's slices held.
// Run it from the repository root as
//
//	go test -run '^$' -bench LabelChange -benchtime 200x ./endpoints/conformance
//
// which takes a few minutes, most of it building the 100k-pod cells and
// running Kubernetes' side on them. A cell alone:
// -bench 'LabelChange/^pods=1000$/^services=100$'.
func BenchmarkLabelChange(b *testing.B) {
	for _, pods := range []int{1_000, 10_000, 100_000} {
		for _, services := range []int{100, 1_000, 10_000} {
			b.Run(fmt.Sprintf("pods=%d/services=%d", pods, services), func(b *testing.B) {
				s := benchSim(b, pods, services)
				b.Run("svcsim", func(b *testing.B) {
					b.ReportAllocs()
					for b.Loop() {
						p, _ := cluster.GetAs[*cluster.Pod](s, "default", "pod-000000")
						p.Labels["app"] = otherApp(p.Labels["app"])
						if _, err := s.Update(p); err != nil {
							b.Fatal(err)
						}
						if err := s.Settle(); err != nil {
							b.Fatal(err)
						}
					}
				})
				// What both Services' slices hold now; Kubernetes' side,
				// built from this state, must come back to it.
				want := map[string][]string{}
				for _, svc := range []string{"svc-0", "svc-1"} {
					want[svc] = svcsimContent(cluster.ListAs[*cluster.EndpointSlice](s, "default",
						selector.FromValidatedSet(selector.Set{endpoints.ServiceNameLabel: svc})))
				}
				p, _ := cluster.GetAs[*cluster.Pod](s, "default", "pod-000000")
				wantApp := p.Labels["app"]
				k := kubeFrom(b, s)
				s = nil // let the collector have svcsim's cluster back
				b.Run("kubernetes", func(b *testing.B) {
					b.ReportAllocs()
					rv, writes := 0, k.writes
					for b.Loop() {
						o, _, _ := k.pods.GetByKey("default/pod-000000")
						old := o.(*corev1.Pod)
						cur := old.DeepCopy()
						cur.Labels["app"] = otherApp(old.Labels["app"])
						rv++
						cur.ResourceVersion = "moved-" + strconv.Itoa(rv)
						if err := k.onPod(old, cur); err != nil {
							b.Fatal(err)
						}
					}
					if k.writes-writes < 2*b.N {
						b.Fatalf("%d slice writes for %d label changes: some iterations changed nothing", k.writes-writes, b.N)
					}
					o, _, _ := k.pods.GetByKey("default/pod-000000")
					if o.(*corev1.Pod).Labels["app"] != wantApp {
						return // an odd number of moves more than svcsim made
					}
					for svc, content := range want {
						if got := kubeContent(k.slicesOf("default", svc)); !slices.Equal(got, content) {
							b.Fatalf("%s: Kubernetes' slices hold\n%s\nsvcsim's\n%s", svc, strings.Join(got, "\n"), strings.Join(content, "\n"))
						}
					}
				})
			})
		}
	}
}

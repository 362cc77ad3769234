package svcsim_test

import (
	"flag"
	"fmt"
	"runtime"
	"testing"

	"github.com/svcsim/svcsim"
	"github.com/svcsim/svcsim/cluster"
	"github.com/svcsim/svcsim/kubectl"
	"github.com/svcsim/svcsim/selector"
)

// big adds the 100,000-pod size to BenchmarkFlow, which takes minutes:
// go test -run '^$' -bench Flow -benchtime 1x -svcsim.big .
var big = flag.Bool("svcsim.big", false, "also run BenchmarkFlow at 100,000 pods")

// flowSizes are the pod counts BenchmarkFlow measures each flow at.
func flowSizes() []int {
	sizes := []int{3, 10, 100, 1_000, 10_000}
	if *big {
		sizes = append(sizes, 100_000)
	}
	return sizes
}

// flowCluster is the cluster every flow runs on: 20 nodes with room for
// 100,000 pods, no trace kept (the digest still covers everything).
func flowCluster(b *testing.B, timing cluster.Timing, dataPlane bool) (*cluster.Sim, *svcsim.Cluster) {
	b.Helper()
	cfg := cluster.Config{Seed: 1, Nodes: 20, PodCIDR: "10.0.0.0/8", NodeCIDRMaskSize: 16,
		Timing: timing, TraceCapacity: -1, EventCapacity: -1}
	if !dataPlane {
		s, err := cluster.New(cfg)
		if err != nil {
			b.Fatal(err)
		}
		return s, nil
	}
	c, err := svcsim.New(svcsim.Config{Seed: cfg.Seed, Nodes: cfg.Nodes, PodCIDR: cfg.PodCIDR, NodeCIDRMaskSize: cfg.NodeCIDRMaskSize,
		Timing: cfg.Timing, TraceCapacity: cfg.TraceCapacity, EventCapacity: cfg.EventCapacity})
	if err != nil {
		b.Fatal(err)
	}
	return c.Sim, c
}

// a flow builds its cluster (untimed) and returns the step to time.
type flow struct {
	name  string
	setup func(b *testing.B, n int) (s *cluster.Sim, step func() error)
}

func must(b *testing.B, err error) {
	b.Helper()
	if err != nil {
		b.Fatal(err)
	}
}

// webService selects the pods of the Deployment "web" (app=web) and any
// extra labels.
func webService(extra selector.Set) *cluster.Service {
	sel := selector.Set{"app": "web"}
	for k, v := range extra {
		sel[k] = v
	}
	return &cluster.Service{ObjectMeta: cluster.ObjectMeta{Name: "web"}, Spec: cluster.ServiceSpec{
		Selector: sel, Ports: []cluster.ServicePort{{Port: 80}}}}
}

var flows = []flow{
	{"rolling/full", func(b *testing.B, n int) (*cluster.Sim, func() error) {
		s, _ := flowCluster(b, cluster.Realistic(), true)
		k := kubectl.New(s, "default")
		_, err := k.CreateDeployment("web", kubectl.DeploymentOptions{Image: "nginx:1", Replicas: int32(n), Port: 80})
		must(b, err)
		_, err = k.Apply(webService(nil))
		must(b, err)
		must(b, s.Settle())
		return s, func() error {
			if err := k.SetImage("web", "nginx", "nginx:2"); err != nil {
				return err
			}
			return s.Settle()
		}
	}},
	{"scaleup/full", func(b *testing.B, n int) (*cluster.Sim, func() error) {
		s, _ := flowCluster(b, cluster.Instant(), true)
		k := kubectl.New(s, "default")
		_, err := k.CreateDeployment("web", kubectl.DeploymentOptions{Image: "nginx:1", Replicas: 1, Port: 80})
		must(b, err)
		must(b, k.Scale(cluster.KindDeployment, "web", 0))
		_, err = k.Apply(webService(nil))
		must(b, err)
		must(b, s.Settle())
		return s, func() error {
			if err := k.Scale(cluster.KindDeployment, "web", int32(n)); err != nil {
				return err
			}
			return s.Settle()
		}
	}},
	{"bluegreen/full", func(b *testing.B, n int) (*cluster.Sim, func() error) {
		s, _ := flowCluster(b, cluster.Instant(), true)
		k := kubectl.New(s, "default")
		for _, v := range []string{"blue", "green"} {
			labels := selector.Set{"app": "web", "version": v}
			_, err := k.Apply(&cluster.ReplicaSet{ObjectMeta: cluster.ObjectMeta{Name: "web-" + v},
				Spec: cluster.ReplicaSetSpec{Replicas: cluster.Ptr(int32(n)), Selector: &selector.LabelSelector{MatchLabels: labels},
					Template: cluster.PodTemplateSpec{ObjectMeta: cluster.ObjectMeta{Labels: labels},
						Spec: cluster.PodSpec{Containers: []cluster.Container{{Name: "web", Image: "nginx:" + v,
							Ports: []cluster.ContainerPort{{ContainerPort: 80}}}}}}}})
			must(b, err)
		}
		_, err := k.Apply(webService(selector.Set{"version": "blue"}))
		must(b, err)
		must(b, s.Settle())
		return s, func() error {
			if _, err := k.Apply(webService(selector.Set{"version": "green"})); err != nil {
				return err
			}
			return s.Settle()
		}
	}},
	{"rolling/cluster", func(b *testing.B, n int) (*cluster.Sim, func() error) {
		s, _ := flowCluster(b, cluster.Realistic(), false)
		k := kubectl.New(s, "default")
		_, err := k.CreateDeployment("web", kubectl.DeploymentOptions{Image: "nginx:1", Replicas: int32(n), Port: 80})
		must(b, err)
		must(b, s.Settle())
		return s, func() error {
			if err := k.SetImage("web", "nginx", "nginx:2"); err != nil {
				return err
			}
			return s.Settle()
		}
	}},
}

// BenchmarkFlow runs whole flows on 20 nodes, building each cluster
// untimed: a rolling update with endpoints, DNS and kube-proxy running
// under Realistic timing, a scale-up from 0, a blue-green switch of a
// Service's selector, and the rolling update with the control plane alone.
// Besides time and allocations per flow it reports them per pod and per
// event, and the events per pod: cost should grow with what changed, so
// ns/pod should be flat across sizes. Run with -benchtime 1x at the larger
// sizes; -svcsim.big adds 100,000 pods.
func BenchmarkFlow(b *testing.B) {
	for _, f := range flows {
		for _, n := range flowSizes() {
			b.Run(fmt.Sprintf("%s/pods=%d", f.name, n), func(b *testing.B) {
				var events uint64
				var mallocs uint64
				var ms runtime.MemStats
				for range b.N {
					b.StopTimer()
					s, step := f.setup(b, n)
					before := s.TraceLen()
					runtime.ReadMemStats(&ms)
					m0 := ms.Mallocs
					b.StartTimer()
					must(b, step())
					b.StopTimer()
					runtime.ReadMemStats(&ms)
					mallocs += ms.Mallocs - m0
					events += s.TraceLen() - before
				}
				ns := float64(b.Elapsed().Nanoseconds())
				runs := float64(b.N)
				b.ReportMetric(ns/runs/float64(n), "ns/pod")
				b.ReportMetric(float64(events)/runs/float64(n), "events/pod")
				b.ReportMetric(ns/float64(events), "ns/event")
				b.ReportMetric(float64(mallocs)/float64(events), "allocs/event")
				b.ReportMetric(float64(mallocs)/runs, "allocs/flow")
			})
		}
	}
}

package cluster

import (
	"fmt"
	"math"
	"runtime"
	"testing"
	"time"

	"github.com/svcsim/svcsim/selector"
)

// BenchmarkLoop measures the raw event loop: each event schedules the next,
// a microsecond later, as a busy controller would. It reports events per
// wall-clock second.
func BenchmarkLoop(b *testing.B) {
	s, err := New(Config{TraceCapacity: -1, SettleLimit: math.MaxInt})
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	remaining := b.N
	var tick func()
	tick = func() {
		remaining--
		if remaining > 0 {
			s.After(time.Microsecond, "bench", tick)
		}
	}
	s.After(0, "bench", tick)
	b.ResetTimer()
	if err := s.Settle(); err != nil {
		b.Fatal(err)
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "events/s")
}

// BenchmarkMemoryPerPod creates 100,000 running, ready pods and reports the
// live heap per pod: the store's object, the kubelet's record, the
// scheduler's bookkeeping and the indexes, after a GC. Run it once:
// go test -run '^$' -bench MemoryPerPod -benchtime 1x ./cluster
func BenchmarkMemoryPerPod(b *testing.B) {
	const pods = 100_000
	for range b.N {
		var before, after runtime.MemStats
		runtime.GC()
		runtime.ReadMemStats(&before)
		s, err := New(Config{Nodes: 10, PodCIDR: "10.0.0.0/8", NodeCIDRMaskSize: 16, TraceCapacity: -1})
		if err != nil {
			b.Fatal(err)
		}
		for i := range pods {
			_, err := s.Create(&Pod{
				ObjectMeta: ObjectMeta{Name: fmt.Sprintf("web-%06d", i), Labels: selector.Set{"app": "web", "tier": "frontend", "version": "v1"}},
				Spec: PodSpec{Containers: []Container{{Name: "web", Image: "nginx:1.27",
					Ports: []ContainerPort{{Name: "http", ContainerPort: 80}}, ReadinessProbe: &Probe{}}}},
			})
			if err != nil {
				b.Fatal(err)
			}
		}
		if err := s.Settle(); err != nil {
			b.Fatal(err)
		}
		s.RunFor(time.Second)
		runtime.GC()
		runtime.ReadMemStats(&after)
		if n := len(ListAs[*Pod](s, "default", selector.Everything())); n != pods {
			b.Fatalf("%d pods, want %d", n, pods)
		}
		b.ReportMetric(float64(after.HeapAlloc-before.HeapAlloc)/pods, "B/pod")
		runtime.KeepAlive(s)
	}
}

// BenchmarkRollout10k rolls a 10,000-replica Deployment from v1 to v2 with
// the default 25%/25% bounds and realistic timing, and reports the virtual
// time the rollout took and the events it needed, besides the wall time and
// allocations of the rollout itself (building v1 is not timed).
// Run it once: go test -run '^$' -bench Rollout10k -benchtime 1x ./cluster
func BenchmarkRollout10k(b *testing.B) {
	for range b.N {
		b.StopTimer()
		s, err := New(Config{Seed: 1, Nodes: 20, PodCIDR: "10.0.0.0/8", NodeCIDRMaskSize: 16, Timing: Realistic(), TraceCapacity: -1, EventCapacity: -1})
		if err != nil {
			b.Fatal(err)
		}
		k := s.Kubectl("")
		if _, err := k.CreateDeployment("web", DeploymentOptions{Image: "nginx:1", Replicas: 10_000, Port: 80}); err != nil {
			b.Fatal(err)
		}
		if err := s.Settle(); err != nil {
			b.Fatal(err)
		}
		start, events := s.Now(), s.TraceLen()
		b.StartTimer()
		if err := k.SetImage("web", "nginx", "nginx:2"); err != nil {
			b.Fatal(err)
		}
		if err := s.Settle(); err != nil {
			b.Fatal(err)
		}
		b.StopTimer()
		if msg, done, _ := k.RolloutStatus("web"); !done {
			b.Fatal(msg)
		}
		b.ReportMetric(s.Now().Sub(start).Seconds(), "virtual-s")
		b.ReportMetric(float64(s.TraceLen()-events), "events")
	}
}

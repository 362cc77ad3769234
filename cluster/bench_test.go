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

package cluster_test

import (
	"testing"

	"github.com/svcsim/svcsim/cluster"
	"github.com/svcsim/svcsim/kubectl"
)

// The tests of bench_test.go that drive the cluster through kubectl, which
// tests inside package cluster cannot import; see export_test.go.

// BenchmarkRollout10k rolls a 10,000-replica Deployment from v1 to v2 with
// the default 25%/25% bounds and realistic timing, and reports the virtual
// time the rollout took and the events it needed, besides the wall time and
// allocations of the rollout itself (building v1 is not timed).
// Run it once: go test -run '^$' -bench Rollout10k -benchtime 1x ./cluster
func BenchmarkRollout10k(b *testing.B) {
	for range b.N {
		b.StopTimer()
		s, err := cluster.New(cluster.Config{Seed: 1, Nodes: 20, PodCIDR: "10.0.0.0/8", NodeCIDRMaskSize: 16, Timing: cluster.Realistic(), TraceCapacity: -1, EventCapacity: -1})
		if err != nil {
			b.Fatal(err)
		}
		k := kubectl.New(s, "")
		if _, err := k.CreateDeployment("web", kubectl.DeploymentOptions{Image: "nginx:1", Replicas: 10_000, Port: 80}); err != nil {
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

package flow_test

import (
	"testing"
	"time"

	"github.com/svcsim/svcsim/cluster"
	"github.com/svcsim/svcsim/flow"
	"github.com/svcsim/svcsim/selector"
)

// BenchmarkRollingUpdate rolls a 10-pod Deployment on 3 nodes with
// realistic lags under 100 requests a second, and reports how many
// seconds of virtual time run per second of wall time (sim-s/s):
//
//	go test ./flow -run '^$' -bench RollingUpdate
func BenchmarkRollingUpdate(b *testing.B) {
	var sim time.Duration
	for i := 0; b.Loop(); i++ {
		b.StopTimer()
		c := newWorld(b, world{Seed: uint64(i), Nodes: 3, Blue: 10, Selector: selector.Set{"app": "blue"}})
		start := c.Now()
		b.StartTimer()
		_, err := flow.RollingUpdate{Deployment: "blue", Image: "rxmlhc/hostinfo",
			MaxSurge: ptr(cluster.FromString("25%")), MaxUnavailable: ptr(cluster.FromString("25%")),
			PreStopSleep: 5 * time.Second, Load: load(100, 60*time.Second)}.Run(c)
		if err != nil {
			b.Fatal(err)
		}
		sim += c.Now().Sub(start)
	}
	b.ReportMetric(sim.Seconds()/b.Elapsed().Seconds(), "sim-s/s")
}

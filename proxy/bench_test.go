package proxy_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/svcsim/svcsim/cluster"
	"github.com/svcsim/svcsim/dns"
	"github.com/svcsim/svcsim/endpoints"
	"github.com/svcsim/svcsim/kubectl"
	"github.com/svcsim/svcsim/proxy"
	"github.com/svcsim/svcsim/selector"
)

// flipWorld is the lab's blue-green setup at scale: n blue and n green
// hostinfo pods on ten nodes, a Service selecting method=blue-green over
// the blue ones, and a client pod.
func flipWorld(tb testing.TB, n int32) (*cluster.Sim, *proxy.Proxies) {
	s, err := cluster.New(cluster.Config{Seed: 1, Nodes: 10})
	if err != nil {
		tb.Fatal(err)
	}
	endpoints.Start(s, endpoints.Options{})
	d, err := dns.Start(s, dns.Options{})
	if err != nil {
		tb.Fatal(err)
	}
	p, err := proxy.Start(s, proxy.Options{DNS: d})
	if err != nil {
		tb.Fatal(err)
	}
	k := kubectl.New(s, "")
	must := func(err error) {
		if err != nil {
			tb.Fatal(err)
		}
	}
	for _, color := range []string{"blue", "green"} {
		tmpl := cluster.PodTemplateSpec{ObjectMeta: cluster.ObjectMeta{Labels: selector.Set{"demo": color + "-rs"}},
			Spec: cluster.PodSpec{Containers: []cluster.Container{{Name: "hostinfo", Image: "rxmllc/hostinfo", Ports: []cluster.ContainerPort{{ContainerPort: 9898}}}}}}
		_, err := k.Apply(&cluster.ReplicaSet{ObjectMeta: cluster.ObjectMeta{Name: color + "-rs"},
			Spec: cluster.ReplicaSetSpec{Replicas: cluster.Ptr(n), Selector: &selector.LabelSelector{MatchLabels: selector.Set{"demo": color + "-rs"}}, Template: tmpl}})
		must(err)
	}
	_, err = k.Apply(&cluster.Service{ObjectMeta: cluster.ObjectMeta{Name: "blue-green-svc"},
		Spec: cluster.ServiceSpec{Selector: selector.Set{"method": "blue-green"}, Ports: []cluster.ServicePort{{Port: 80, TargetPort: cluster.FromInt(9898)}}}})
	must(err)
	_, err = k.Run("bgtest", kubectl.RunOptions{Image: "busybox:1.27"})
	must(err)
	must(s.Settle())
	must(k.LabelSelected(cluster.KindPod, "demo=blue-rs", "method=blue-green"))
	must(s.Settle())
	return s, p
}

// flip sends rate requests a second for 100 s of virtual time, while
// green joins the Service at 30 s and blue leaves it at 60 s.
func flip(tb testing.TB, s *cluster.Sim, p *proxy.Proxies, rate int) *proxy.Tally {
	k := kubectl.New(s, "")
	ty, err := p.Generate(proxy.Load{Request: proxy.Request{From: proxy.FromPod("", "bgtest"), URL: "blue-green-svc"},
		Rate: float64(rate), Duration: 100 * time.Second, GroupBy: "demo"})
	if err != nil {
		tb.Fatal(err)
	}
	s.RunFor(30 * time.Second)
	if err := k.LabelSelected(cluster.KindPod, "demo=green-rs", "method=blue-green"); err != nil {
		tb.Fatal(err)
	}
	s.RunFor(30 * time.Second)
	if err := k.LabelSelected(cluster.KindPod, "demo=blue-rs", "method-"); err != nil {
		tb.Fatal(err)
	}
	s.RunFor(41 * time.Second)
	if !ty.Done() || ty.Total().Total() != 100*rate {
		tb.Fatalf("load not finished: %+v", ty.Total())
	}
	return ty
}

// BenchmarkBlueGreenMillion is the speed target: a million
// requests against a 1,000-pod Service during a blue-green flip. The
// setup (2,000 pods started, the Service's endpoints and every proxy's
// rules programmed) is timed apart, in BenchmarkBlueGreenSetup.
func BenchmarkBlueGreenMillion(b *testing.B) {
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		b.StopTimer()
		s, p := flipWorld(b, 1000)
		b.StartTimer()
		flip(b, s, p, 10_000)
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/1e6, "ns/request")
}

// BenchmarkBlueGreenSetup times building the cluster the flip runs on.
func BenchmarkBlueGreenSetup(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		flipWorld(b, 1000)
	}
}

// TestFlipAtScale checks what the benchmark runs, at a tenth of its rate:
// the flip loses nothing and the versions' shares follow the timeline.
func TestFlipAtScale(t *testing.T) {
	s, p := flipWorld(t, 1000)
	ty := flip(t, s, p, 1000)
	assert.Equal(t, proxy.Counts{Answered: 100_000}, ty.Total())
	g := ty.Groups()
	require.Len(t, g, 2)
	// Blue alone for 30 s, half of 30 s shared, none of the last 40 s.
	assert.InDelta(t, 45_000, g[0].Answered, 500, "blue: %v", g)
	assert.Len(t, ty.Pods(), 2000)
}

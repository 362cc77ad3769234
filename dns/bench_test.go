package dns_test

import (
	"fmt"
	"testing"

	"github.com/svcsim/svcsim/cluster"
	"github.com/svcsim/svcsim/dns"
	"github.com/svcsim/svcsim/endpoints"
	"github.com/svcsim/svcsim/kubectl"
	"github.com/svcsim/svcsim/selector"
)

// BenchmarkLookup resolves names from a pod in namespace default of a
// cluster with 1,000 Services, as a load generator does before each
// request: a Service by its short name and by its full name, a headless
// Service of 10 pods (rotated), and a name that does not exist.
func BenchmarkLookup(b *testing.B) {
	s, err := cluster.New(cluster.Config{Seed: 1, TraceCapacity: -1, EventCapacity: -1})
	if err != nil {
		b.Fatal(err)
	}
	endpoints.Start(s, endpoints.Options{})
	d, err := dns.Start(s, dns.Options{})
	if err != nil {
		b.Fatal(err)
	}
	for i := range 1000 {
		_, err := s.Create(&cluster.Service{ObjectMeta: cluster.ObjectMeta{Name: fmt.Sprintf("svc-%d", i)},
			Spec: cluster.ServiceSpec{Selector: selector.Set{"app": "web"}, Ports: []cluster.ServicePort{{Port: 80}}}})
		if err != nil {
			b.Fatal(err)
		}
	}
	_, err = s.Create(&cluster.Service{ObjectMeta: cluster.ObjectMeta{Name: "pods"},
		Spec: cluster.ServiceSpec{ClusterIP: cluster.ClusterIPNone, Selector: selector.Set{"app": "web"}, Ports: []cluster.ServicePort{{Port: 80}}}})
	if err != nil {
		b.Fatal(err)
	}
	for i := range 10 {
		_, err := kubectl.New(s, "default").Run(fmt.Sprintf("web-%d", i), kubectl.RunOptions{Image: "nginx", Labels: map[string]string{"app": "web"}, Port: 80})
		if err != nil {
			b.Fatal(err)
		}
	}
	if err := s.Settle(); err != nil {
		b.Fatal(err)
	}
	for _, bc := range []struct{ name, q string }{
		{"short", "svc-500"},
		{"full", "svc-500.default.svc.cluster.local."},
		{"headless", "pods"},
		{"miss", "nosuch"},
	} {
		b.Run(bc.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				_, _ = d.Lookup("default", bc.q)
			}
		})
	}
	// Cold lookups: more distinct names than the cache holds, one in 20
	// of them a Service, so that every lookup walks the search path.
	names := make([]string, 20_000)
	for i := range names {
		names[i] = fmt.Sprintf("svc-%d", i)
	}
	b.Run("cold", func(b *testing.B) {
		b.ReportAllocs()
		for i := 0; b.Loop(); i++ {
			_, _ = d.Lookup("default", names[i%len(names)])
		}
	})
}

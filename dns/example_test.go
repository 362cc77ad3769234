package dns_test

import (
	"fmt"

	"github.com/svcsim/svcsim/cluster"
	"github.com/svcsim/svcsim/dns"
	"github.com/svcsim/svcsim/endpoints"
	"github.com/svcsim/svcsim/kubectl"
	"github.com/svcsim/svcsim/selector"
)

// A Deployment behind a ClusterIP Service and a headless one, asked for
// by name as dig would and as a pod in the default namespace would. The
// addresses come from the seeded source, so they are the same on every run.
func Example() {
	sim, err := cluster.New(cluster.Config{Seed: 1})
	if err != nil {
		panic(err)
	}
	endpoints.Start(sim, endpoints.Options{})
	server, err := dns.Start(sim, dns.Options{})
	if err != nil {
		panic(err)
	}
	k := kubectl.New(sim, "default")
	if _, err := k.CreateDeployment("web", kubectl.DeploymentOptions{Image: "nginx", Replicas: 2, Port: 8080}); err != nil {
		panic(err)
	}
	for _, clusterIP := range []string{"", cluster.ClusterIPNone} {
		name := "web"
		if clusterIP == cluster.ClusterIPNone {
			name = "web-pods"
		}
		_, err := k.Apply(&cluster.Service{ObjectMeta: cluster.ObjectMeta{Name: name}, Spec: cluster.ServiceSpec{
			ClusterIP: clusterIP, Selector: selector.Set{"app": "web"},
			Ports: []cluster.ServicePort{{Name: "http", Port: 80, TargetPort: cluster.FromInt(8080)}}}})
		if err != nil {
			panic(err)
		}
	}
	if err := sim.Settle(); err != nil {
		panic(err)
	}

	for _, q := range []struct {
		name string
		t    dns.Type
	}{
		{"web.default.svc.cluster.local", dns.A},
		{"_http._tcp.web.default.svc.cluster.local", dns.SRV},
		{"web-pods.default.svc.cluster.local", dns.A},
		{"_http._tcp.web-pods.default.svc.cluster.local", dns.SRV},
	} {
		recs, err := server.Query(q.name, q.t)
		if err != nil {
			panic(err)
		}
		for _, r := range recs {
			fmt.Println(r)
		}
	}
	for _, name := range []string{"web", "web-pods", "web.nowhere"} {
		a, err := server.Lookup("default", name)
		if err != nil {
			fmt.Println(err)
			continue
		}
		fmt.Println(name, "->", a.Name, a.IPs)
	}
	// Output:
	// web.default.svc.cluster.local.	5	IN	A	10.111.158.107
	// _http._tcp.web.default.svc.cluster.local.	5	IN	SRV	0 100 80 web.default.svc.cluster.local.
	// web-pods.default.svc.cluster.local.	5	IN	A	10.244.0.2
	// web-pods.default.svc.cluster.local.	5	IN	A	10.244.1.2
	// _http._tcp.web-pods.default.svc.cluster.local.	5	IN	SRV	0 50 8080 10-244-0-2.web-pods.default.svc.cluster.local.
	// _http._tcp.web-pods.default.svc.cluster.local.	5	IN	SRV	0 50 8080 10-244-1-2.web-pods.default.svc.cluster.local.
	// web -> web.default.svc.cluster.local. [10.111.158.107]
	// web-pods -> web-pods.default.svc.cluster.local. [10.244.0.2 10.244.1.2]
	// lookup web.nowhere: no such host
}

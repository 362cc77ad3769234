package proxy_test

import (
	"fmt"
	"os"
	"time"

	"github.com/svcsim/svcsim/cluster"
	"github.com/svcsim/svcsim/dns"
	"github.com/svcsim/svcsim/endpoints"
	"github.com/svcsim/svcsim/kubectl"
	"github.com/svcsim/svcsim/proxy"
	"github.com/svcsim/svcsim/selector"
)

// The lab's first steps: a Service with no pods refuses, and answers once
// a pod with its label runs.
func ExampleProxies_Do() {
	s, _ := cluster.New(cluster.Config{Seed: 1})
	endpoints.Start(s, endpoints.Options{})
	d, _ := dns.Start(s, dns.Options{})
	p, _ := proxy.Start(s, proxy.Options{DNS: d})
	k := kubectl.New(s, "")

	k.Apply(&cluster.Service{ObjectMeta: cluster.ObjectMeta{Name: "testweb"},
		Spec: cluster.ServiceSpec{Selector: selector.Set{"app": "testweb"}, Ports: []cluster.ServicePort{{Port: 80}}}})
	k.Run("testclient", kubectl.RunOptions{Image: "busybox:1.27"})
	s.Settle()
	wget := proxy.Request{From: proxy.FromPod("default", "testclient"), URL: "testweb"}
	r, _ := p.Do(wget)
	fmt.Println(r.Outcome)

	k.Run("bigwebstuff", kubectl.RunOptions{Image: "nginx", Labels: map[string]string{"app": "testweb"}, Port: 80})
	s.Settle()
	r, _ = p.Do(wget)
	fmt.Println(r.Outcome, r.Status, r.Pod, len(r.Body), "bytes")
	// Output:
	// connection refused
	// answered 200 default/bigwebstuff 615 bytes
}

// A blue-green switch under load: blue alone, then both, then green alone.
func ExampleProxies_Generate() {
	s, _ := cluster.New(cluster.Config{Seed: 1})
	endpoints.Start(s, endpoints.Options{})
	d, _ := dns.Start(s, dns.Options{})
	p, _ := proxy.Start(s, proxy.Options{DNS: d})
	k := kubectl.New(s, "")
	for _, color := range []string{"blue", "green"} {
		k.Apply(&cluster.ReplicaSet{ObjectMeta: cluster.ObjectMeta{Name: color},
			Spec: cluster.ReplicaSetSpec{Replicas: cluster.Ptr(int32(3)),
				Selector: &selector.LabelSelector{MatchLabels: selector.Set{"demo": color}},
				Template: cluster.PodTemplateSpec{ObjectMeta: cluster.ObjectMeta{Labels: selector.Set{"demo": color}},
					Spec: cluster.PodSpec{Containers: []cluster.Container{{Name: "hostinfo", Image: "rxmllc/hostinfo"}}}}}})
	}
	k.Apply(&cluster.Service{ObjectMeta: cluster.ObjectMeta{Name: "bg"},
		Spec: cluster.ServiceSpec{Selector: selector.Set{"method": "blue-green"}, Ports: []cluster.ServicePort{{Port: 80, TargetPort: cluster.FromInt(9898)}}}})
	k.Run("client", kubectl.RunOptions{Image: "busybox"})
	s.Settle()
	k.LabelSelected(cluster.KindPod, "demo=blue", "method=blue-green")
	s.Settle()

	tally, _ := p.Generate(proxy.Load{Request: proxy.Request{From: proxy.FromPod("", "client"), URL: "bg"},
		Rate: 100, Duration: 6 * time.Second, Interval: 2 * time.Second, GroupBy: "demo"})
	s.RunFor(2*time.Second - time.Millisecond)
	k.LabelSelected(cluster.KindPod, "demo=green", "method=blue-green")
	s.RunFor(2 * time.Second)
	k.LabelSelected(cluster.KindPod, "demo=blue", "method-")
	s.RunFor(3 * time.Second)
	tally.WriteTable(os.Stdout)
	// Output:
	// TIME  SENT  OK   REFUSED  TIMEOUT  RESET  NOHOST  5XX  blue  green
	// 0s    200   200  0        0        0      0       0    100%  0%
	// 2s    200   200  0        0        0      0       0    48%   52%
	// 4s    200   200  0        0        0      0       0    0%    100%
}

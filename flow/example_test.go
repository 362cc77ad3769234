package flow_test

import (
	"fmt"
	"time"

	"github.com/svcsim/svcsim"
	"github.com/svcsim/svcsim/cluster"
	"github.com/svcsim/svcsim/flow"
	"github.com/svcsim/svcsim/kubectl"
	"github.com/svcsim/svcsim/proxy"
	"github.com/svcsim/svcsim/selector"
)

// The lab's blue-green switch, on a cluster with realistic lags, under a
// load of 100 requests a second: green's pods are labelled into the
// Service, blue's out, and blue is scaled down once every node's proxy
// routes only to green.
func Example() {
	c, err := svcsim.New(svcsim.Config{Seed: 1, Timing: cluster.Realistic()})
	if err != nil {
		panic(err)
	}
	k := c.Kubectl("default")
	for _, v := range []struct{ name, image string }{{"blue", "rxmllc/hostinfo"}, {"green", "rxmlhc/hostinfo"}} {
		if _, err := k.CreateDeployment(v.name, kubectl.DeploymentOptions{Image: v.image, Replicas: 3, Port: 9898}); err != nil {
			panic(err)
		}
	}
	if _, err := k.Run("client", kubectl.RunOptions{Image: "busybox"}); err != nil {
		panic(err)
	}
	if _, err := k.Apply(&cluster.Service{ObjectMeta: cluster.ObjectMeta{Name: "web"}, Spec: cluster.ServiceSpec{
		Selector: selector.Set{"method": "blue-green"},
		Ports:    []cluster.ServicePort{{Port: 80, TargetPort: cluster.FromInt(9898)}}}}); err != nil {
		panic(err)
	}
	if err := c.Settle(); err != nil {
		panic(err)
	}
	if err := k.LabelSelected(cluster.KindPod, "app=blue", "method=blue-green"); err != nil {
		panic(err)
	}
	if err := c.RunFor(5 * time.Second); err != nil {
		panic(err)
	}

	rep, err := flow.BlueGreen{
		Service: "web", Blue: "blue", Green: "green",
		WaitForProxies: true,
		ScaleDownDelay: -1, // safe here: the proxies were waited for
		Load: &proxy.Load{Request: proxy.Request{From: proxy.FromPod("default", "client"), URL: "web"},
			Rate: 100, Duration: 20 * time.Second, GroupBy: "app"},
	}.Run(c)
	if err != nil {
		panic(err)
	}
	for _, e := range rep.Events {
		fmt.Println(e.What)
	}
	total := rep.Tally.Total()
	fmt.Printf("%d requests, %d failed\n", total.Total(), total.Failed())
	for _, g := range rep.Tally.Groups() {
		fmt.Printf("%s answered %d\n", g.Name, g.Answered)
	}
	// Output:
	// load started: 100 req/s to web
	// deployment green available
	// labelled green's pods method=blue-green
	// every proxy routes to green
	// removed method- from blue's pods
	// every proxy routes only to green
	// scaled deployment blue to 0
	// deployment blue's pods are gone
	// load done: 2000 requests, 0 failed
	// 2000 requests, 0 failed
	// blue answered 54
	// green answered 1946
}

package svcsim_test

import (
	"fmt"

	"github.com/svcsim/svcsim"
	"github.com/svcsim/svcsim/cluster"
	"github.com/svcsim/svcsim/kubectl"
	"github.com/svcsim/svcsim/selector"
)

func ExampleNew() {
	c, err := svcsim.New(svcsim.Config{Seed: 1})
	if err != nil {
		panic(err)
	}
	k := c.Kubectl("default")
	web := map[string]string{"app": "web"}
	if _, err := k.Run("web", kubectl.RunOptions{Image: "rxmllc/hostinfo", Labels: web, Port: 9898}); err != nil {
		panic(err)
	}
	if _, err := k.Run("client", kubectl.RunOptions{Image: "busybox"}); err != nil {
		panic(err)
	}
	if _, err := k.Apply(&cluster.Service{ObjectMeta: cluster.ObjectMeta{Name: "web"}, Spec: cluster.ServiceSpec{
		Selector: selector.Set(web), Ports: []cluster.ServicePort{{Port: 80, TargetPort: cluster.FromInt(9898)}}}}); err != nil {
		panic(err)
	}
	if err := c.Settle(); err != nil {
		panic(err)
	}
	// kubectl exec client -- wget -qO - web
	r, err := c.Fetch("client", "web")
	if err != nil {
		panic(err)
	}
	fmt.Print(r.Body)
	fmt.Println(r.Outcome, r.Status, "via", r.Service, "in", r.Latency())
	// Output:
	// web 10.244.0.2
	// answered 200 via default/web in 1ms
}

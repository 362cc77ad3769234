package kubectl_test

import (
	"fmt"
	"os"
	"strings"

	"github.com/svcsim/svcsim/cluster"
	"github.com/svcsim/svcsim/kubectl"
)

// kubectl expose, kubectl get svc, and what a pod started afterwards finds
// in its environment. The cluster IP is drawn from the seeded source, so it
// is the same on every run.
func ExampleClient_Expose() {
	sim, err := cluster.New(cluster.Config{Seed: 1})
	if err != nil {
		panic(err)
	}
	k := kubectl.New(sim, "default")
	k.Out = os.Stdout
	if _, err := k.CreateDeployment("web", kubectl.DeploymentOptions{Image: "nginx", Replicas: 2, Port: 8080}); err != nil {
		panic(err)
	}
	if _, err := k.Expose(cluster.KindDeployment, "web", kubectl.ExposeOptions{Port: 80, TargetPort: "8080"}); err != nil {
		panic(err)
	}
	if _, err := k.Run("client", kubectl.RunOptions{Image: "busybox"}); err != nil {
		panic(err)
	}
	if err := sim.Settle(); err != nil {
		panic(err)
	}
	out, err := k.Get(cluster.KindService, kubectl.GetOptions{Wide: true})
	if err != nil {
		panic(err)
	}
	fmt.Print(out)
	env, _ := sim.ContainerEnv("default", "client", "client")
	for _, e := range env {
		if strings.HasPrefix(e.Name, "WEB_SERVICE") {
			fmt.Printf("%s=%s\n", e.Name, e.Value)
		}
	}
	// Output:
	// deployment.apps/web created
	// service/web exposed
	// pod/client created
	// NAME         TYPE        CLUSTER-IP       EXTERNAL-IP   PORT(S)   AGE   SELECTOR
	// kubernetes   ClusterIP   10.96.0.1        <none>        443/TCP   0s    <none>
	// web          ClusterIP   10.111.158.107   <none>        80/TCP    0s    app=web
	// WEB_SERVICE_HOST=10.111.158.107
	// WEB_SERVICE_PORT=80
}

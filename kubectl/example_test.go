package kubectl_test

import (
	"fmt"
	"os"

	"github.com/svcsim/svcsim/cluster"
	"github.com/svcsim/svcsim/kubectl"
)

// kubectl label, then kubectl get -l with the new label.
func ExampleClient_Label() {
	sim, err := cluster.New(cluster.Config{Seed: 1})
	if err != nil {
		panic(err)
	}
	k := kubectl.New(sim, "default")
	k.Out = os.Stdout
	for _, name := range []string{"web-1", "web-2", "web-3"} {
		if _, err := k.Run(name, kubectl.RunOptions{Image: "nginx", Labels: map[string]string{"app": "web"}}); err != nil {
			panic(err)
		}
	}
	if err := sim.Settle(); err != nil {
		panic(err)
	}
	if err := k.Label(cluster.KindPod, "web-2", "track=canary"); err != nil {
		panic(err)
	}
	// Changing a label needs --overwrite, as in kubectl.
	err = k.Label(cluster.KindPod, "web-2", "track=stable")
	fmt.Println("error:", err)
	out, err := k.Get(cluster.KindPod, kubectl.GetOptions{Selector: "app=web,track=canary"})
	if err != nil {
		panic(err)
	}
	fmt.Print(out)
	// Output:
	// pod/web-1 created
	// pod/web-2 created
	// pod/web-3 created
	// pod/web-2 labeled
	// error: kubectl: invalid arguments: 'track' already has a value (canary), and --overwrite is false
	// NAME    READY   STATUS    RESTARTS   AGE
	// web-2   1/1     Running   0          0s
}

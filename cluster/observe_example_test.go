package cluster_test

import (
	"errors"
	"fmt"
	"time"

	"github.com/svcsim/svcsim/cluster"
	"github.com/svcsim/svcsim/kubectl"
	"github.com/svcsim/svcsim/selector"
)

// Checking invariants while a Deployment rolls out, without stepping by
// hand: one check after every store write, one every second of virtual
// time. The first check to fail stops the run where it failed.
func ExampleSim_Observe() {
	sim, err := cluster.New(cluster.Config{Seed: 1, Timing: cluster.Realistic()})
	if err != nil {
		panic(err)
	}
	k := kubectl.New(sim, "default")
	if _, err := k.CreateDeployment("web", kubectl.DeploymentOptions{Image: "nginx:1.27", Replicas: 3, Port: 80}); err != nil {
		panic(err)
	}
	if err := sim.Settle(); err != nil {
		panic(err)
	}
	// serving counts the pods that are ready and not terminating, and
	// those of them that run the new image.
	serving := func() (n, updated int) {
		for _, p := range cluster.ListAs[*cluster.Pod](sim, "default", selector.Everything()) {
			if p.IsReady() && !p.Terminating() {
				n++
				if p.Spec.Containers[0].Image == "nginx:1.28" {
					updated++
				}
			}
		}
		return n, updated
	}
	sim.Observe(cluster.Observer{
		AfterWrite: func(w cluster.Write) error {
			if n, _ := serving(); n < 3 {
				return fmt.Errorf("only %d pods serving", n)
			}
			return nil
		},
		Every: time.Second,
		AtTime: func(now cluster.Time) error {
			n, updated := serving()
			fmt.Printf("%s: %d pods serving, %d updated\n", now, n, updated)
			return nil
		},
	})
	// A check of one's own that is wrong: a rolling update surges.
	stop := sim.Observe(cluster.Observer{AfterWrite: func(w cluster.Write) error {
		if n := len(sim.List(cluster.KindPod, "default", selector.Everything())); n > 3 {
			return fmt.Errorf("%d pods", n)
		}
		return nil
	}})
	if err := k.SetImage("web", "nginx", "nginx:1.28"); err != nil {
		panic(err)
	}
	err = sim.RunFor(8 * time.Second)
	var failed *cluster.ObservedError
	if errors.As(err, &failed) {
		fmt.Printf("stopped at %s after %q: %v\n", failed.Time, failed.After, failed.Err)
	}
	stop() // the surge is allowed; the run goes on from where it stopped
	if err := sim.RunFor(4 * time.Second); err != nil {
		fmt.Println(err)
	}
	// Output:
	// stopped at +2.135934217s after "+2.135934217s replicaset-controller Create pod/default/web-6cdfc69db6-vpcvv rv=39": 4 pods
	// +3s: 3 pods serving, 0 updated
	// +4s: 3 pods serving, 1 updated
	// +5s: 3 pods serving, 2 updated
	// +6s: 3 pods serving, 3 updated
}

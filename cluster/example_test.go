package cluster_test

import (
	"fmt"
	"os"
	"time"

	"github.com/svcsim/svcsim/cluster"
	"github.com/svcsim/svcsim/kubectl"
)

// A cluster, a pod and kubectl get: the first thing to try. The output
// never changes from run to run, because the seed and the virtual clock are
// fixed.
func ExampleNew() {
	sim, err := cluster.New(cluster.Config{Seed: 1})
	if err != nil {
		panic(err)
	}
	k := kubectl.New(sim, "default")
	k.Out = os.Stdout // kubectl's messages, such as "pod/web created"
	if _, err := k.Run("web", kubectl.RunOptions{Image: "nginx", Labels: map[string]string{"app": "web"}, Port: 80}); err != nil {
		panic(err)
	}
	// Nothing happens until the event loop runs: Settle runs it until the
	// pod is scheduled, given an IP, started and ready.
	if err := sim.Settle(); err != nil {
		panic(err)
	}
	out, err := k.Get(cluster.KindPod, kubectl.GetOptions{Wide: true})
	if err != nil {
		panic(err)
	}
	fmt.Print(out)
	// Output:
	// pod/web created
	// NAME   READY   STATUS    RESTARTS   AGE   IP           NODE     NOMINATED NODE   READINESS GATES
	// web    1/1     Running   0          0s    10.244.0.2   node-1   <none>           <none>
}

// A controller is a watch and a handler. This one keeps a count of the
// pods in the cluster and logs every pod that comes or goes.
func ExampleSim_Watch() {
	sim, err := cluster.New(cluster.Config{Seed: 1})
	if err != nil {
		panic(err)
	}
	pods := 0
	sim.Watch("pod-counter", nil, func(ev cluster.WatchEvent) {
		switch ev.Type {
		case cluster.Added:
			pods++
		case cluster.Deleted:
			pods--
		default:
			return // status changes: the count stays the same
		}
		fmt.Printf("%-5s %-7s %-5s pods=%d\n", sim.Now(), ev.Type, ev.Object.Meta().Name, pods)
	}, cluster.KindPod)

	k := kubectl.New(sim, "default")
	for _, name := range []string{"web-1", "web-2"} {
		if _, err := k.Run(name, kubectl.RunOptions{Image: "nginx"}); err != nil {
			panic(err)
		}
	}
	if err := sim.Settle(); err != nil {
		panic(err)
	}
	sim.RunFor(time.Minute)
	if err := k.Delete(cluster.KindPod, "web-1", cluster.DeleteOptions{}); err != nil {
		panic(err)
	}
	if err := sim.Settle(); err != nil {
		panic(err)
	}
	// Output:
	// +0s   ADDED   web-1 pods=1
	// +0s   ADDED   web-2 pods=2
	// +1m0s DELETED web-1 pods=1
}

// A readiness probe with the defaults (every 10 s, three failures to go
// not ready): after the app stops answering its health check, the pod is
// still Ready for two more probes and drops out at the third.
func ExampleSim_FailReadiness() {
	sim, err := cluster.New(cluster.Config{Seed: 1})
	if err != nil {
		panic(err)
	}
	_, err = sim.Create(&cluster.Pod{
		ObjectMeta: cluster.ObjectMeta{Name: "web", Labels: map[string]string{"app": "web"}},
		Spec: cluster.PodSpec{Containers: []cluster.Container{{
			Name: "web", Image: "nginx", ReadinessProbe: &cluster.Probe{},
		}}},
	})
	if err != nil {
		panic(err)
	}
	if err := sim.Settle(); err != nil { // the first probe, at once, passes
		panic(err)
	}
	if err := sim.FailReadiness("default", "web"); err != nil {
		panic(err)
	}
	for i := range 5 {
		sim.RunUntil(cluster.Time(time.Duration(i) * 10 * time.Second))
		p, _ := cluster.GetAs[*cluster.Pod](sim, "default", "web")
		fmt.Printf("%-4s ready=%v\n", sim.Now(), p.IsReady())
	}
	out, err := kubectl.New(sim, "default").Get(cluster.KindPod, kubectl.GetOptions{})
	if err != nil {
		panic(err)
	}
	fmt.Print(out)
	// Output:
	// +0s  ready=true
	// +10s ready=true
	// +20s ready=true
	// +30s ready=false
	// +40s ready=false
	// NAME   READY   STATUS    RESTARTS   AGE
	// web    0/1     Running   0          40s
}

// Graceful deletion of a pod with a 5 s preStop sleep whose app drains for
// 10 s after SIGTERM: the pod shows Terminating, keeps serving through the
// preStop hook, stops accepting at SIGTERM and is removed when its app
// exits, well within the 30 s grace period.
func ExampleSim_Delete() {
	sim, err := cluster.New(cluster.Config{Seed: 1})
	if err != nil {
		panic(err)
	}
	_, err = sim.Create(&cluster.Pod{
		ObjectMeta: cluster.ObjectMeta{Name: "web"},
		Spec: cluster.PodSpec{
			Containers: []cluster.Container{{
				Name: "web", Image: "nginx",
				Lifecycle: &cluster.Lifecycle{PreStop: &cluster.LifecycleHandler{Sleep: &cluster.SleepAction{Seconds: 5}}},
			}},
			OnSIGTERM:    cluster.SigtermDrain,
			DrainSeconds: 10,
		},
	})
	if err != nil {
		panic(err)
	}
	if err := sim.Settle(); err != nil {
		panic(err)
	}
	sim.RunFor(time.Minute)

	if err := sim.Delete(cluster.KindPod, "default", "web", cluster.DeleteOptions{}); err != nil {
		panic(err)
	}
	p, _ := cluster.GetAs[*cluster.Pod](sim, "default", "web")
	fmt.Printf("%s delete: deletionTimestamp %s, grace %ds\n", sim.Now(), *p.DeletionTimestamp, *p.DeletionGracePeriodSeconds)
	out, _ := kubectl.New(sim, "default").Get(cluster.KindPod, kubectl.GetOptions{})
	fmt.Print(out)

	accepting := true
	for sim.Step() {
		rt, running := sim.Runtime("default", "web")
		if accepting && !(running && rt.Accepting) {
			accepting = false
			fmt.Printf("%s SIGTERM: the app stops accepting connections\n", sim.Now())
		}
		if _, exists := cluster.GetAs[*cluster.Pod](sim, "default", "web"); !exists {
			fmt.Printf("%s the pod is gone\n", sim.Now())
			break
		}
	}
	// Output:
	// +1m0s delete: deletionTimestamp +1m30s, grace 30s
	// NAME   READY   STATUS        RESTARTS   AGE
	// web    1/1     Terminating   0          60s
	// +1m5s SIGTERM: the app stops accepting connections
	// +1m15s the pod is gone
}

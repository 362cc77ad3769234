package flow_test

import (
	"time"

	"github.com/stretchr/testify/require"
	"pgregory.net/rapid"

	"github.com/svcsim/svcsim"
	"github.com/svcsim/svcsim/cluster"
	"github.com/svcsim/svcsim/kubectl"
	"github.com/svcsim/svcsim/proxy"
	"github.com/svcsim/svcsim/selector"
)

// world is a small cluster with two versions of the lab's hostinfo app,
// blue and green, a Service "web" on port 80 and a client pod.
type world struct {
	Seed        uint64
	Nodes       int
	Blue, Green int32
	// Watch is every watch's lag; nil means Realistic's.
	Watch cluster.Lag
	// PreStop is a preStop sleep in seconds on both versions; 0 for none.
	PreStop int64
	// Selector is the Service's selector; nil means method=blue-green,
	// which the test then adds to blue's pods (the lab's start).
	Selector selector.Set
}

// deployment is a Deployment of the hostinfo app labelled app=name.
func deployment(name, image string, n int32, preStop int64) *cluster.Deployment {
	labels := selector.Set{"app": name}
	podLabels := selector.Set{"app": name, "tier": "web"}
	c := cluster.Container{Name: "hostinfo", Image: image, Ports: []cluster.ContainerPort{{ContainerPort: 9898}}}
	if preStop > 0 {
		c.Lifecycle = &cluster.Lifecycle{PreStop: &cluster.LifecycleHandler{Sleep: &cluster.SleepAction{Seconds: preStop}}}
	}
	return &cluster.Deployment{
		ObjectMeta: cluster.ObjectMeta{Name: name, Labels: labels.Clone()},
		Spec: cluster.DeploymentSpec{Replicas: cluster.Ptr(n),
			Selector: &selector.LabelSelector{MatchLabels: labels.Clone()},
			Template: cluster.PodTemplateSpec{ObjectMeta: cluster.ObjectMeta{Labels: podLabels},
				Spec: cluster.PodSpec{Containers: []cluster.Container{c}}}},
	}
}

func newWorld(t rapid.TB, w world) *svcsim.Cluster {
	t.Helper()
	timing := cluster.Realistic()
	if w.Watch != nil {
		timing.Watch = w.Watch
	}
	c, err := svcsim.New(svcsim.Config{Seed: w.Seed, Nodes: w.Nodes, Timing: timing, TraceCapacity: 1 << 16})
	require.NoError(t, err)
	k := c.Kubectl("default")
	for _, o := range []cluster.Object{
		deployment("blue", "rxmllc/hostinfo", w.Blue, w.PreStop),
		deployment("green", "rxmlhc/hostinfo", w.Green, w.PreStop),
	} {
		_, err = k.Apply(o)
		require.NoError(t, err)
	}
	_, err = k.Run("client", kubectl.RunOptions{Image: "busybox"})
	require.NoError(t, err)
	sel := w.Selector
	if sel == nil {
		sel = selector.Set{"method": "blue-green"}
	}
	_, err = k.Apply(&cluster.Service{ObjectMeta: cluster.ObjectMeta{Name: "web"}, Spec: cluster.ServiceSpec{Selector: sel,
		Ports: []cluster.ServicePort{{Port: 80, TargetPort: cluster.FromInt(9898)}}}})
	require.NoError(t, err)
	require.NoError(t, c.Settle())
	if w.Selector == nil {
		require.NoError(t, k.LabelSelected(cluster.KindPod, "app=blue", "method=blue-green"))
		require.NoError(t, c.RunFor(5*time.Second))
	}
	return c
}

// load is a steady stream from the client pod to the Service, grouped by
// app (blue or green), for d.
func load(rate float64, d time.Duration) *proxy.Load {
	return &proxy.Load{Request: proxy.Request{From: proxy.FromPod("default", "client"), URL: "web"},
		Rate: rate, Duration: d, GroupBy: "app"}
}

// failingApp answers like hostinfo but fails one request in two with a
// 503, drawing from the client's seeded stream.
func failingApp() proxy.App {
	return proxy.App{Serve: func(in *proxy.Incoming) proxy.Reply {
		if in.Rand.IntN(2) == 0 {
			return proxy.Reply{Status: 503}
		}
		return proxy.Reply{Body: in.Pod.Name + " " + in.Pod.IP}
	}}
}

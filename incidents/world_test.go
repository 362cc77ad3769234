package incidents_test

import (
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/svcsim/svcsim"
	"github.com/svcsim/svcsim/cluster"
	"github.com/svcsim/svcsim/kubectl"
	"github.com/svcsim/svcsim/proxy"
	"github.com/svcsim/svcsim/selector"
)

// The images the incidents run. hostinfo is built in (it answers at once
// with "<pod> <ip>"); slowImage is registered by newWorld.
const (
	hostinfo  = "rxmllc/hostinfo"
	hostinfo2 = "rxmlhc/hostinfo"
	appPort   = 9898
	slowImage = "example/slowstart"
)

// world is a three-node cluster with Realistic timing (watches lag 5-50 ms,
// containers take 0.5-2 s to start, kube-proxy syncs at most once a
// second), a client pod, and every failed request its loads saw.
type world struct {
	*svcsim.Cluster
	t      *testing.T
	k      *kubectl.Client
	failed []proxy.Response
	loads  []*proxy.Tally
}

// slowApp is how the slow image behaves: for warmUp after its container
// starts it answers 503 (the app is up but not serving, as a JVM loading
// caches is), then every answer takes latency.
type slowApp struct {
	warmUp, latency time.Duration
}

// newWorld builds the world for seed and, if the test fails, prints the
// tail of the trace: the events that led to the failure.
func newWorld(t *testing.T, seed uint64, slow slowApp) *world {
	t.Helper()
	c, err := svcsim.New(svcsim.Config{Seed: seed, Timing: cluster.Realistic()})
	require.NoError(t, err)
	w := &world{Cluster: c, t: t, k: c.Kubectl("default")}
	// The app reads the pod's start from the cluster's ground truth, which
	// draws nothing and changes nothing.
	require.NoError(t, c.Proxies.Apps().Register(slowImage, proxy.App{Ports: []int32{appPort}, Serve: func(in *proxy.Incoming) proxy.Reply {
		rt, ok := c.Runtime(in.Pod.Namespace, in.Pod.Name)
		if ok && in.Now.Sub(rt.Started) < slow.warmUp {
			return proxy.Reply{Status: 503, Body: "warming up\n", Latency: time.Millisecond}
		}
		return proxy.Reply{Body: in.Pod.Name + "\n", Latency: slow.latency}
	}}))
	_, err = w.k.Run("client", kubectl.RunOptions{Image: "busybox"})
	require.NoError(t, err)
	t.Cleanup(func() {
		if t.Failed() {
			// The load's own timers would drown everything else.
			var tr []string
			for _, e := range c.Trace() {
				if e.Component != "load" && e.Component != "client" {
					tr = append(tr, e.String())
				}
			}
			t.Logf("seed %d, the last %d of %d trace entries besides the load's:", seed, min(len(tr), 80), len(tr))
			for _, e := range tr[max(0, len(tr)-80):] {
				t.Log(e)
			}
		}
	})
	return w
}

// apply applies every object, failing the test on an error.
func (w *world) apply(objs ...cluster.Object) {
	w.t.Helper()
	for _, o := range objs {
		_, err := w.k.Apply(o)
		require.NoError(w.t, err)
	}
}

// run advances virtual time by d.
func (w *world) run(d time.Duration) {
	w.t.Helper()
	require.NoError(w.t, w.RunFor(d))
}

// load sends rate requests a second to url from the client pod for d,
// remembering every request that failed.
func (w *world) load(url string, rate float64, d time.Duration) *proxy.Tally {
	w.t.Helper()
	ty, err := w.Proxies.Generate(proxy.Load{Request: proxy.Request{From: proxy.FromPod("default", "client"), URL: url},
		Rate: rate, Duration: d, GroupBy: "version", OnResponse: func(r proxy.Response) {
			if r.Outcome != proxy.Answered || r.Status >= 500 {
				w.failed = append(w.failed, r)
			}
		}})
	require.NoError(w.t, err)
	w.loads = append(w.loads, ty)
	return ty
}

// finish runs until every load has ended and returns their summed counts.
func (w *world) finish() proxy.Counts {
	w.t.Helper()
	var sum proxy.Counts
	for _, ty := range w.loads {
		for range 120 {
			if ty.Done() {
				break
			}
			w.run(time.Second)
		}
		require.True(w.t, ty.Done(), "the load never ended")
		c := ty.Total()
		sum.Answered += c.Answered
		sum.Refused += c.Refused
		sum.TimedOut += c.TimedOut
		sum.Reset += c.Reset
		sum.Unresolved += c.Unresolved
		sum.ServerErrors += c.ServerErrors
	}
	return sum
}

// reasons sums the failures up, one line per kind, sorted: the outcome
// (or status), how many, and from which pods, each named by classify.
func (w *world) reasons(classify func(pod string) string) []string {
	count := map[string]int{}
	for _, r := range w.failed {
		what := r.Outcome.String()
		if r.Outcome == proxy.Answered {
			what = fmt.Sprint(r.Status)
		}
		from := "no endpoint"
		if r.Pod != "" {
			from = classify(r.Pod)
		}
		count[what+" from "+from]++
	}
	var out []string
	for k, n := range count {
		out = append(out, fmt.Sprintf("%s (%d)", k, n))
	}
	slices.Sort(out)
	return out
}

// kinds is reasons without the counts: what the test asserts on, since
// how many fail depends on the seed but why does not.
func kinds(reasons []string) []string {
	out := make([]string, len(reasons))
	for i, r := range reasons {
		out[i] = r[:strings.LastIndex(r, " (")]
	}
	return out
}

// pods returns "default/<name>" of the pods sel selects now.
func (w *world) pods(sel string) map[string]bool {
	w.t.Helper()
	s, err := selector.Parse(sel)
	require.NoError(w.t, err)
	out := map[string]bool{}
	for _, p := range cluster.ListAs[*cluster.Pod](w.Sim, "default", s) {
		out["default/"+p.Name] = true
	}
	return out
}

// rolledOut reports whether the Deployment's rollout is complete by its
// status, the check `kubectl rollout status` and Flagger make: every
// replica updated and available, none of an old template left.
func (w *world) rolledOut(name string) bool {
	d, ok := cluster.GetAs[*cluster.Deployment](w.Sim, "default", name)
	require.True(w.t, ok, "no deployment %s", name)
	n := *d.Spec.Replicas
	st := d.Status
	return st.ObservedGeneration >= d.Generation && st.UpdatedReplicas == n && st.Replicas == n && st.AvailableReplicas == n
}

// waitRolledOut runs the simulation until the Deployment has rolled out,
// looking once a second as a poller would.
func (w *world) waitRolledOut(name string) {
	w.t.Helper()
	for range 300 {
		if w.rolledOut(name) {
			return
		}
		w.run(time.Second)
	}
	w.t.Fatalf("deployment %s did not roll out in 300 s", name)
}

// podSpec is one container of image listening on appPort, changed by opts.
func podSpec(image string, opts ...func(*cluster.PodSpec)) cluster.PodSpec {
	s := cluster.PodSpec{Containers: []cluster.Container{{Name: "app", Image: image,
		Ports: []cluster.ContainerPort{{ContainerPort: appPort}}}}}
	for _, o := range opts {
		o(&s)
	}
	return s
}

// readiness gives the container a readiness probe first run delay seconds
// after it starts. svcsim's probes check nothing real, so a probe that
// tells the truth about a slow app is one that waits out its warm-up.
func readiness(delay int32) func(*cluster.PodSpec) {
	return func(s *cluster.PodSpec) {
		s.Containers[0].ReadinessProbe = &cluster.Probe{HTTPGet: &cluster.HTTPGetAction{Path: "/ready", Port: appPort},
			InitialDelaySeconds: delay, PeriodSeconds: 1}
	}
}

// preStopSleep gives the container a preStop hook sleeping seconds.
func preStopSleep(seconds int64) func(*cluster.PodSpec) {
	return func(s *cluster.PodSpec) {
		s.Containers[0].Lifecycle = &cluster.Lifecycle{PreStop: &cluster.LifecycleHandler{Sleep: &cluster.SleepAction{Seconds: seconds}}}
	}
}

// grace sets the pod's terminationGracePeriodSeconds.
func grace(seconds int64) func(*cluster.PodSpec) {
	return func(s *cluster.PodSpec) { s.TerminationGracePeriodSeconds = cluster.Ptr(seconds) }
}

// deployment is a Deployment of replicas pods labelled labels.
func deployment(name string, labels selector.Set, replicas int32, spec cluster.PodSpec) *cluster.Deployment {
	return &cluster.Deployment{ObjectMeta: cluster.ObjectMeta{Name: name, Labels: labels.Clone()},
		Spec: cluster.DeploymentSpec{Replicas: cluster.Ptr(replicas), Selector: &selector.LabelSelector{MatchLabels: labels.Clone()},
			Template: cluster.PodTemplateSpec{ObjectMeta: cluster.ObjectMeta{Labels: labels.Clone()}, Spec: spec}}}
}

// replicaSet is a bare ReplicaSet of replicas pods labelled labels, as a
// controller like Argo Rollouts manages them.
func replicaSet(name string, labels selector.Set, replicas int32, spec cluster.PodSpec) *cluster.ReplicaSet {
	return &cluster.ReplicaSet{ObjectMeta: cluster.ObjectMeta{Name: name, Labels: labels.Clone()},
		Spec: cluster.ReplicaSetSpec{Replicas: cluster.Ptr(replicas), Selector: &selector.LabelSelector{MatchLabels: labels.Clone()},
			Template: cluster.PodTemplateSpec{ObjectMeta: cluster.ObjectMeta{Labels: labels.Clone()}, Spec: spec}}}
}

// service is a ClusterIP Service on port 80 to appPort of the pods sel
// selects.
func service(name string, sel selector.Set) *cluster.Service {
	return &cluster.Service{ObjectMeta: cluster.ObjectMeta{Name: name}, Spec: cluster.ServiceSpec{Selector: sel.Clone(),
		Ports: []cluster.ServicePort{{Port: 80, TargetPort: cluster.FromInt(appPort)}}}}
}

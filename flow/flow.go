package flow

import (
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/svcsim/svcsim"
	"github.com/svcsim/svcsim/cluster"
	"github.com/svcsim/svcsim/kubectl"
	"github.com/svcsim/svcsim/proxy"
	"github.com/svcsim/svcsim/selector"
)

var (
	// ErrInvalid is wrapped by the error a flow returns for a configuration
	// it cannot run (a missing Deployment, a Service that selects the wrong
	// way, a negative duration); such a flow changes nothing.
	ErrInvalid = errors.New("flow: invalid")
	// ErrTimeout is wrapped by the error a flow returns when something it
	// waits for (pods becoming available, proxies catching up) does not
	// happen within its Timeout of virtual time. The flow stops there and
	// the cluster is left as it was at that moment.
	ErrTimeout = errors.New("flow: timed out")
)

// DefaultTimeout is how long of virtual time a flow waits for any one
// thing before it gives up: kubectl rollout status's default would be
// forever, a Deployment's progress deadline is 10 minutes.
const DefaultTimeout = 10 * time.Minute

// Event is one thing a flow did, at the virtual time it did it.
type Event struct {
	At   cluster.Time
	What string
}

// String renders the event as one timeline line.
func (e Event) String() string { return fmt.Sprintf("%-12s %s", e.At, e.What) }

// run is what every flow shares while it runs: the cluster, a kubectl
// client of its namespace, its deadline per wait and its timeline.
type run struct {
	c       *svcsim.Cluster
	k       *kubectl.Client
	ns      string
	timeout time.Duration
	events  []Event
}

func newRun(c *svcsim.Cluster, ns string, timeout time.Duration) (*run, error) {
	if c == nil || c.Sim == nil || c.Proxies == nil {
		return nil, fmt.Errorf("%w: a cluster made by svcsim.New is required", ErrInvalid)
	}
	if ns == "" {
		ns = "default"
	}
	if timeout < 0 {
		return nil, fmt.Errorf("%w: timeout %s must not be negative", ErrInvalid, timeout)
	}
	if timeout == 0 {
		timeout = DefaultTimeout
	}
	return &run{c: c, k: kubectl.New(c.Sim, ns), ns: ns, timeout: timeout}, nil
}

func (r *run) log(format string, args ...any) {
	r.events = append(r.events, Event{At: r.c.Now(), What: fmt.Sprintf(format, args...)})
}

// checkEvery is how often, in virtual time, a wait looks at the cluster
// again while events run: a flow notices a change within a millisecond,
// as a watching controller would within its own lag, without listing the
// store after every request of a load.
const checkEvery = time.Millisecond

// until runs the simulation event by event until cond holds, looking at
// most once per checkEvery of virtual time, so that the flow acts right
// after the event that made it true. It gives up with ErrTimeout after the
// run's timeout of virtual time, or when nothing is left to happen and
// cond still fails.
func (r *run) until(what string, cond func() bool) error {
	start := r.c.Now()
	deadline := start.Add(r.timeout)
	limit := r.c.Config().SettleLimit
	checked := start
	for n := 0; !cond(); n++ {
		for {
			if r.c.Now() > deadline || n >= limit {
				return fmt.Errorf("%w: %s (waited %s)", ErrTimeout, what, r.c.Now().Sub(start))
			}
			if !r.c.Step() {
				// A check of the test's (Sim.Observe) stopped the run, or
				// nothing is left to happen.
				if err := r.c.ObservedErr(); err != nil {
					return err
				}
				return fmt.Errorf("%w: %s (waited %s)", ErrTimeout, what, r.c.Now().Sub(start))
			}
			n++
			if r.c.Now().Sub(checked) >= checkEvery {
				break
			}
		}
		checked = r.c.Now()
	}
	return nil
}

// deployment returns the named Deployment and its pod selector, or an
// ErrInvalid error.
func (r *run) deployment(name string) (*cluster.Deployment, selector.Selector, error) {
	d, ok := cluster.GetAs[*cluster.Deployment](r.c.Sim, r.ns, name)
	if !ok {
		return nil, selector.Selector{}, fmt.Errorf("%w: deployment %s/%s not found", ErrInvalid, r.ns, name)
	}
	sel, err := d.Spec.Selector.Selector()
	if err != nil {
		return nil, selector.Selector{}, fmt.Errorf("%w: deployment %s/%s: %v", ErrInvalid, r.ns, name, err)
	}
	return d, sel, nil
}

// service returns the named Service, or an ErrInvalid error if it is
// missing or has no cluster IP for kube-proxy to program.
func (r *run) service(name string) (*cluster.Service, error) {
	svc, ok := cluster.GetAs[*cluster.Service](r.c.Sim, r.ns, name)
	if !ok {
		return nil, fmt.Errorf("%w: service %s/%s not found", ErrInvalid, r.ns, name)
	}
	if svc.Spec.ClusterIP == "" || svc.Spec.ClusterIP == cluster.ClusterIPNone || len(svc.Spec.Ports) == 0 {
		return nil, fmt.Errorf("%w: service %s/%s has no cluster IP and port for kube-proxy to route", ErrInvalid, r.ns, name)
	}
	return svc, nil
}

// replicas returns a Deployment's desired replica count.
func replicas(d *cluster.Deployment) int32 {
	if d.Spec.Replicas == nil {
		return 1
	}
	return *d.Spec.Replicas
}

// available reports whether the named Deployment has rolled out: its
// controller has seen its latest spec, and every desired replica is
// updated and available with no pod left over.
func (r *run) available(name string) bool {
	d, ok := cluster.GetAs[*cluster.Deployment](r.c.Sim, r.ns, name)
	if !ok {
		return false
	}
	n, st := replicas(d), d.Status
	return st.ObservedGeneration >= d.Generation && st.UpdatedReplicas == n && st.Replicas == n && st.AvailableReplicas == n
}

// pods returns the keys ("namespace/name") of the pods sel matches, sorted;
// with readyOnly, only the ready ones that are not terminating.
func (r *run) pods(sel selector.Selector, readyOnly bool) []string {
	var out []string
	for _, p := range cluster.ListAs[*cluster.Pod](r.c.Sim, r.ns, sel) {
		if readyOnly && (p.Terminating() || !p.IsReady()) {
			continue
		}
		out = append(out, p.Namespace+"/"+p.Name)
	}
	slices.Sort(out)
	return out
}

// podNames returns the names of the pods sel matches, sorted.
func (r *run) podNames(sel selector.Selector) []string {
	var out []string
	for _, p := range cluster.ListAs[*cluster.Pod](r.c.Sim, r.ns, sel) {
		out = append(out, p.Name)
	}
	return out
}

// routes calls fn with every node's programmed endpoints for every port of
// svc, nodes in name order; ok is false where the node has no rule yet.
func (r *run) routes(svc *cluster.Service, fn func(node string, eps []proxy.Endpoint, ok bool) bool) {
	for _, n := range cluster.ListAs[*cluster.Node](r.c.Sim, "", selector.Everything()) {
		x := r.c.Proxies.Node(n.Name)
		if x == nil {
			continue
		}
		for _, sp := range svc.Spec.Ports {
			rule, ok := x.Rule(svc.Namespace, svc.Name, sp.Port)
			eps := rule.Endpoints
			if rule.Reject {
				eps = nil // a refusing rule sends nowhere
			}
			if !fn(n.Name, eps, ok) {
				return
			}
		}
	}
}

// routedExactly reports whether every node's proxy sends svc's traffic to
// exactly the pods in want (sorted keys), on every port.
func (r *run) routedExactly(svc *cluster.Service, want []string) bool {
	all := true
	r.routes(svc, func(_ string, eps []proxy.Endpoint, ok bool) bool {
		if !ok || !samePods(eps, want) {
			all = false
		}
		return all
	})
	return all
}

// samePods reports whether eps lead to exactly the pods in want (sorted).
func samePods(eps []proxy.Endpoint, want []string) bool {
	seen := 0
	for i, e := range eps {
		if _, found := slices.BinarySearch(want, e.Pod); !found {
			return false
		}
		// Count each pod once: a pod may appear once per port number.
		if !slices.ContainsFunc(eps[:i], func(x proxy.Endpoint) bool { return x.Pod == e.Pod }) {
			seen++
		}
	}
	return seen == len(want)
}

// staleNodes returns the nodes whose proxy still sends svc's traffic to
// one of the pods in gone (sorted keys).
func (r *run) staleNodes(svc *cluster.Service, gone []string) []string {
	var out []string
	r.routes(svc, func(node string, eps []proxy.Endpoint, _ bool) bool {
		for _, e := range eps {
			if _, found := slices.BinarySearch(gone, e.Pod); found {
				if len(out) == 0 || out[len(out)-1] != node {
					out = append(out, node)
				}
				break
			}
		}
		return true
	})
	return out
}

// startLoad starts l, if set, now; the returned tally is nil without one.
func (r *run) startLoad(l *proxy.Load) (*proxy.Tally, error) {
	if l == nil {
		return nil, nil
	}
	t, err := r.c.Proxies.Generate(*l)
	if err != nil {
		return nil, fmt.Errorf("%w: load: %w", ErrInvalid, err)
	}
	r.log("load started: %v req/s to %s", l.Rate, l.URL)
	return t, nil
}

// finishLoad waits for a load with a duration to end, or stops an endless
// one now, and then waits for its requests in flight.
func (r *run) finishLoad(l *proxy.Load, t *proxy.Tally) error {
	if t == nil {
		return nil
	}
	if l.Duration == 0 {
		t.Stop()
	}
	if err := r.until("the load to end", t.Done); err != nil {
		return err
	}
	r.log("load done: %d requests, %d failed", t.Total().Total(), t.Total().Failed())
	return nil
}

// validDuration returns an ErrInvalid error if d is negative.
func validDuration(name string, d time.Duration) error {
	if d < 0 {
		return fmt.Errorf("%w: %s %s must not be negative", ErrInvalid, name, d)
	}
	return nil
}

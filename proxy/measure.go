package proxy

import (
	"math"
	"slices"
	"strings"
	"time"

	"github.com/svcsim/svcsim/cluster"
	"github.com/svcsim/svcsim/selector"
)

// Programming is one measurement of network programming latency, the
// SIG-Scalability SLI: a pod became, or stopped being, a ready endpoint of
// a Service, and one node's kube-proxy then programmed rules that reflect
// it.
type Programming struct {
	// Node is the node whose proxy programmed the change.
	Node string
	// Service and Pod name the Service and the pod, "namespace/name".
	Service, Pod string
	// Added is true when the pod became a ready endpoint, false when it
	// stopped being one.
	Added bool
	// Changed is when the change happened: the pod's write that made it
	// ready or not ready, began its deletion or removed it, or the
	// Service's write that changed its selector — the instant the
	// endpoints' last-change-trigger-time stands for, to the nanosecond.
	Changed cluster.Time
	// Programmed is when the node's proxy synced rules that reflect it.
	Programmed cluster.Time
}

// Latency is the time from the change to its programming on the node.
func (x Programming) Latency() time.Duration { return x.Programmed.Sub(x.Changed) }

// Latencies sums up measurements of network programming latency.
type Latencies struct {
	// Count is how many changes were programmed.
	Count int
	// P50, P99 and Max are percentiles of their latencies (nearest rank);
	// zero when Count is.
	P50, P99, Max time.Duration
	// Samples are the measurements, in the order they were made.
	Samples []Programming
}

// summarize builds Latencies over samples, which it keeps.
func summarize(samples []Programming) Latencies {
	l := Latencies{Count: len(samples), Samples: samples}
	if len(samples) == 0 {
		return l
	}
	d := make([]time.Duration, len(samples))
	for i, x := range samples {
		d[i] = x.Latency()
	}
	slices.Sort(d)
	rank := func(p float64) time.Duration { return d[int(math.Ceil(p*float64(len(d))))-1] }
	l.P50, l.P99, l.Max = rank(0.50), rank(0.99), d[len(d)-1]
	return l
}

// MeasureProgramming starts measuring network programming latency: from
// now on, for every change to which pods are ready endpoints of a Service
// with a cluster IP — a pod becoming ready or not, starting to terminate,
// being removed, gaining or losing a selected label, or the Service's
// selector changing — the time until each node's proxy has programmed
// rules reflecting it. A node that never programs a change (the pod
// changed back first, say) gives no measurement for it. Measuring only
// reads: the run is exactly what it would be without it. Calling it again
// does nothing; it is off until called, since a big, long run would keep
// a measurement per node for every change.
func (p *Proxies) MeasureProgramming() {
	p.check()
	if p.measure != nil {
		return
	}
	m := &measure{p: p, services: map[string]*wantService{}, pods: map[string]*wantPod{},
		byNS: map[string]map[string]*wantService{}, podsByNS: map[string]map[string]*wantPod{},
		changes: map[memberOf]*change{}, nodeIndex: map[string]int{}}
	for i, n := range p.nodes {
		m.nodeIndex[n.name] = i
		m.programmed = append(m.programmed, n.programmed())
	}
	for _, pod := range cluster.ListAs[*cluster.Pod](p.s, "", everything) {
		m.setPod(key(pod.Namespace, pod.Name), pod.Namespace, pod)
	}
	for _, svc := range cluster.ListAs[*cluster.Service](p.s, "", everything) {
		m.setService(key(svc.Namespace, svc.Name), svc.Namespace, svc)
	}
	// What was wanted before measuring began is not measured.
	clear(m.changes)
	p.measure = m
	p.s.Observe(cluster.Observer{AfterWrite: m.onWrite})
}

// ProgrammingLatency returns the network programming latencies measured
// on every node since [Proxies.MeasureProgramming]; nothing before it is
// called.
func (p *Proxies) ProgrammingLatency() Latencies {
	p.check()
	if p.measure == nil {
		return Latencies{}
	}
	return summarize(slices.Clone(p.measure.samples))
}

// ProgrammingLatency returns the network programming latencies measured
// on this node since [Proxies.MeasureProgramming].
func (n *Node) ProgrammingLatency() Latencies {
	m := n.p.measure
	if m == nil {
		return Latencies{}
	}
	var mine []Programming
	for _, x := range m.samples {
		if x.Node == n.name {
			mine = append(mine, x)
		}
	}
	return summarize(mine)
}

// measure tracks, for network programming latency, which pods should be
// ready endpoints of each Service (as the store says, at each write) and
// which each node's proxy has programmed (at each sync).
type measure struct {
	p        *Proxies
	services map[string]*wantService // by "namespace/name"
	pods     map[string]*wantPod
	byNS     map[string]map[string]*wantService
	podsByNS map[string]map[string]*wantPod
	// changes are the latest changes of membership that some node has
	// not yet programmed.
	changes    map[memberOf]*change
	programmed []map[string]map[string]bool // per node: Service → pods in its rules
	nodeIndex  map[string]int
	samples    []Programming
}

// memberOf names a pod's membership of a Service.
type memberOf struct{ svc, pod string }

// change is a pod joining or leaving a Service's ready endpoints, and
// which nodes have programmed it.
type change struct {
	at   cluster.Time
	in   bool
	done []bool // by node index
	left int    // nodes not done
}

// wantService is what decides which pods a Service's rules should hold.
type wantService struct {
	sel     selector.Selector
	rules   bool // the Service has a cluster IP and managed endpoints
	publish bool // publishNotReadyAddresses
	members map[string]bool
}

// wantPod is what decides whether a pod is a ready endpoint.
type wantPod struct {
	labels          selector.Set
	addressed       bool // has an IP and has not finished
	ready, deleting bool
}

func (m *measure) wants(svc *wantService, pod *wantPod) bool {
	return svc.rules && pod != nil && pod.addressed && svc.sel.Matches(pod.labels) &&
		(svc.publish || pod.ready && !pod.deleting)
}

// onWrite follows the store: every write to a pod or Service may change
// which pods should be endpoints.
func (m *measure) onWrite(w cluster.Write) error {
	k := key(w.Namespace, w.Name)
	switch w.Kind {
	case cluster.KindPod:
		pod, _ := cluster.GetAs[*cluster.Pod](m.p.s, w.Namespace, w.Name)
		m.setPod(k, w.Namespace, pod)
	case cluster.KindService:
		svc, _ := cluster.GetAs[*cluster.Service](m.p.s, w.Namespace, w.Name)
		m.setService(k, w.Namespace, svc)
	}
	return nil
}

// setPod records the pod's new state (nil: gone) and the memberships it
// changes.
func (m *measure) setPod(k, ns string, pod *cluster.Pod) {
	var x *wantPod
	if pod != nil {
		x = &wantPod{labels: pod.Labels, ready: pod.IsReady(), deleting: pod.DeletionTimestamp != nil,
			addressed: pod.Status.PodIP != "" && pod.Status.Phase != cluster.PodSucceeded && pod.Status.Phase != cluster.PodFailed}
		m.pods[k] = x
		if m.podsByNS[ns] == nil {
			m.podsByNS[ns] = map[string]*wantPod{}
		}
		m.podsByNS[ns][k] = x
	} else {
		delete(m.pods, k)
		delete(m.podsByNS[ns], k)
	}
	for sk, svc := range m.byNS[ns] {
		m.member(sk, svc, k, m.wants(svc, x))
	}
}

// setService records the Service's new state (nil: gone) and the
// memberships it changes.
func (m *measure) setService(k, ns string, svc *cluster.Service) {
	x := m.services[k]
	if x == nil {
		x = &wantService{members: map[string]bool{}}
	}
	if svc == nil {
		x.rules = false
	} else {
		x.sel = selector.FromValidatedSet(svc.Spec.Selector)
		x.publish = svc.Spec.PublishNotReadyAddresses
		x.rules = len(svc.Spec.Selector) > 0 && svc.Spec.Type != cluster.ServiceTypeExternalName &&
			svc.Spec.ClusterIP != "" && svc.Spec.ClusterIP != cluster.ClusterIPNone
	}
	for pk := range x.members {
		if !m.wants(x, m.pods[pk]) {
			m.member(k, x, pk, false)
		}
	}
	if x.rules {
		for pk, pod := range m.podsByNS[ns] {
			if m.wants(x, pod) {
				m.member(k, x, pk, true)
			}
		}
	}
	if svc == nil {
		delete(m.services, k)
		delete(m.byNS[ns], k)
		return
	}
	m.services[k] = x
	if m.byNS[ns] == nil {
		m.byNS[ns] = map[string]*wantService{}
	}
	m.byNS[ns][k] = x
}

// member records whether pod should be a ready endpoint of svc (key sk)
// from now on; a change is measured on each node that has yet to program
// it.
func (m *measure) member(sk string, svc *wantService, pod string, in bool) {
	if svc.members[pod] == in {
		return
	}
	if in {
		svc.members[pod] = true
	} else {
		delete(svc.members, pod)
	}
	at := memberOf{sk, pod}
	c := &change{at: m.p.s.Now(), in: in, done: make([]bool, len(m.programmed))}
	for i, prog := range m.programmed {
		if c.done[i] = prog[sk][pod] == in; !c.done[i] {
			c.left++
		}
	}
	if c.left == 0 {
		delete(m.changes, at)
		return
	}
	m.changes[at] = c
}

// synced measures what node i's sync programmed: each pod that entered
// or left a Service's rules as the latest change wanted.
func (m *measure) synced(n *Node) {
	i := m.nodeIndex[n.name]
	now, before := n.programmed(), m.programmed[i]
	m.programmed[i] = now
	svcs := make([]string, 0, len(now)+len(before))
	for sk := range now {
		svcs = append(svcs, sk)
	}
	for sk := range before {
		if now[sk] == nil {
			svcs = append(svcs, sk)
		}
	}
	slices.Sort(svcs)
	var moved []string
	for _, sk := range svcs {
		moved = moved[:0]
		for pk := range now[sk] {
			if !before[sk][pk] {
				moved = append(moved, pk)
			}
		}
		for pk := range before[sk] {
			if !now[sk][pk] {
				moved = append(moved, pk)
			}
		}
		slices.Sort(moved)
		for _, pk := range moved {
			at := memberOf{sk, pk}
			c := m.changes[at]
			if c == nil || c.done[i] || c.in != now[sk][pk] {
				continue // not the latest change wanted: a stale view
			}
			c.done[i] = true
			m.samples = append(m.samples, Programming{Node: n.name, Service: sk, Pod: pk, Added: c.in, Changed: c.at, Programmed: n.p.s.Now()})
			if c.left--; c.left == 0 {
				delete(m.changes, at)
			}
		}
	}
}

// programmed returns, per Service, the pods whose ready endpoints the
// node's rules hold, on any port.
func (n *Node) programmed() map[string]map[string]bool {
	out := map[string]map[string]bool{}
	for ck, b := range n.chains {
		if ck.local {
			continue // the chain of all endpoints holds these too
		}
		for _, e := range b.eps {
			if !e.Ready || e.Pod == "" {
				continue
			}
			set := out[ck.service]
			if set == nil {
				set = map[string]bool{}
				out[ck.service] = set
			}
			set[e.Pod] = true
		}
	}
	return out
}

// splitKey splits "namespace/name".
func splitKey(k string) (string, string) {
	ns, name, _ := strings.Cut(k, "/")
	return ns, name
}

package clustertest

import (
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"

	svcsim "github.com/svcsim/svcsim"
	"github.com/svcsim/svcsim/cluster"
	"github.com/svcsim/svcsim/endpoints"
	"github.com/svcsim/svcsim/proxy"
	"github.com/svcsim/svcsim/selector"
)

// The invariants read the store, the kubelets' ground truth and the
// proxies' rules, and nothing else: they draw no randomness, write nothing
// and schedule nothing, so checking one leaves Sim.Digest and everything
// the run does afterwards exactly as they would have been. Each takes a
// *svcsim.Cluster; one that needs only the control plane can be given a
// bare Sim as &svcsim.Cluster{Sim: s}.

// Violation is the error an invariant returns when it does not hold: the
// invariant's name and what was wrong, at which virtual time.
type Violation struct {
	// Invariant names the check, e.g. "EndpointsMatch".
	Invariant string
	// At is the virtual time of the check.
	At cluster.Time
	// Detail says what was found and what was expected.
	Detail string
}

// Error renders "EndpointsMatch at 1.5s: ...".
func (v *Violation) Error() string {
	return v.Invariant + " at " + v.At.String() + ": " + v.Detail
}

// ErrBadArgument is wrapped by the error of an invariant called with an
// argument it cannot use (a nil cluster or tally, a tolerance that is not
// a number between 0 and 1); that is not a violation.
var ErrBadArgument = errors.New("clustertest: bad argument")

// Checker is an invariant with memory, checked again and again during a
// run (after every event, say): [ServiceNeverEmpty] and [RollingBounds]
// are Checkers. Check returns a [*Violation] the first time the invariant
// fails and the same error on every later call.
type Checker interface {
	Check(c *svcsim.Cluster) error
}

// CheckFunc makes a stateless invariant, such as [UniqueIPs], a Checker.
type CheckFunc func(c *svcsim.Cluster) error

// Check calls f.
func (f CheckFunc) Check(c *svcsim.Cluster) error { return f(c) }

var everything = selector.Everything()

func violation(c *svcsim.Cluster, name, format string, args ...any) error {
	return &Violation{Invariant: name, At: c.Now(), Detail: fmt.Sprintf(format, args...)}
}

func usable(c *svcsim.Cluster) error {
	if c == nil || c.Sim == nil {
		return fmt.Errorf("%w: nil cluster", ErrBadArgument)
	}
	return nil
}

// live reports whether a pod holds its IP: it has one and has not finished.
func live(p *cluster.Pod) bool {
	return p.Status.PodIP != "" && p.Status.Phase != cluster.PodSucceeded && p.Status.Phase != cluster.PodFailed
}

// UniqueIPs checks that no two live pods share an IP, no two Services a
// cluster IP, and no two Services a node port. It holds at every moment,
// settled or not.
func UniqueIPs(c *svcsim.Cluster) error {
	if err := usable(c); err != nil {
		return err
	}
	const name = "UniqueIPs"
	owner := map[string]string{}
	for _, p := range cluster.ListAs[*cluster.Pod](c.Sim, "", everything) {
		if !live(p) {
			continue
		}
		who := "pod " + p.Namespace + "/" + p.Name
		if o, ok := owner[p.Status.PodIP]; ok {
			return violation(c, name, "%s and %s both have IP %s", o, who, p.Status.PodIP)
		}
		owner[p.Status.PodIP] = who
	}
	ips, ports := map[string]string{}, map[int32]string{}
	for _, svc := range cluster.ListAs[*cluster.Service](c.Sim, "", everything) {
		who := "service " + svc.Namespace + "/" + svc.Name
		for _, ip := range svc.Spec.ClusterIPs {
			if ip == "" || ip == cluster.ClusterIPNone {
				continue
			}
			if o, ok := ips[ip]; ok {
				return violation(c, name, "%s and %s both have cluster IP %s", o, who, ip)
			}
			ips[ip] = who
		}
		mine := map[int32]bool{} // one Service may use a node port for TCP and UDP alike
		for _, sp := range svc.Spec.Ports {
			if sp.NodePort == 0 || mine[sp.NodePort] {
				continue
			}
			mine[sp.NodePort] = true
			if o, ok := ports[sp.NodePort]; ok {
				return violation(c, name, "%s and %s both have node port %d", o, who, sp.NodePort)
			}
			ports[sp.NodePort] = who
		}
	}
	return nil
}

// EndpointsMatch checks that every Service with a selector has Endpoints
// and EndpointSlices equal to a computation from scratch over its
// namespace's pods, as Kubernetes' controllers list them: each matching
// pod with an IP that has not finished, ready addresses for ready pods
// (all of them under publishNotReadyAddresses), not-ready ones for the
// rest, terminating pods only in the slices, named target ports resolved
// per pod. It holds once the cluster is settled; in between, the endpoints
// controller's watch lag makes them differ, as in Kubernetes.
func EndpointsMatch(c *svcsim.Cluster) error {
	if err := usable(c); err != nil {
		return err
	}
	for _, svc := range cluster.ListAs[*cluster.Service](c.Sim, "", everything) {
		if len(svc.Spec.Selector) == 0 || svc.Spec.Type == cluster.ServiceTypeExternalName {
			continue
		}
		ref := svc.Namespace + "/" + svc.Name
		wr, wn, ws := wantEndpoints(c.Sim, svc)
		ep, ok := cluster.GetAs[*cluster.Endpoints](c.Sim, svc.Namespace, svc.Name)
		if !ok {
			return violation(c, "EndpointsMatch", "service %s has no Endpoints", ref)
		}
		gr, gn := gotEndpoints(ep)
		if !slices.Equal(wr, gr) || !slices.Equal(wn, gn) {
			return violation(c, "EndpointsMatch", "endpoints %s: ready %v, not ready %v; want ready %v, not ready %v", ref, gr, gn, wr, wn)
		}
		if gs := gotSlices(c.Sim, svc); !slices.Equal(ws, gs) {
			return violation(c, "EndpointsMatch", "endpointslices of %s: %v; want %v", ref, gs, ws)
		}
	}
	return nil
}

// targetPort resolves a Service port against a pod: its number, or the
// port of the pod's container port of that name, and whether there is one.
func targetPort(sp cluster.ServicePort, p *cluster.Pod) (int32, bool) {
	if !sp.TargetPort.IsString {
		if sp.TargetPort.IntVal == 0 {
			return sp.Port, true
		}
		return sp.TargetPort.IntVal, true
	}
	for _, ct := range p.Spec.Containers {
		for _, cp := range ct.Ports {
			if cp.Name == sp.TargetPort.StrVal {
				return cp.ContainerPort, true
			}
		}
	}
	return 0, false
}

func wantEndpoints(s *cluster.Sim, svc *cluster.Service) (ready, notReady, sliced []string) {
	sel := selector.FromValidatedSet(svc.Spec.Selector)
	for _, p := range cluster.ListAs[*cluster.Pod](s, svc.Namespace, everything) {
		if !sel.Matches(p.Labels) || !live(p) {
			continue
		}
		isReady := p.IsReady() || svc.Spec.PublishNotReadyAddresses
		for _, sp := range svc.Spec.Ports {
			port, ok := targetPort(sp, p)
			if !ok {
				continue
			}
			e := p.Status.PodIP + ":" + strconv.Itoa(int(port))
			sliced = append(sliced, fmt.Sprintf("%s pod=%s ready=%v serving=%v terminating=%v", e, p.Name,
				isReady && !p.Terminating(), isReady, p.Terminating()))
			switch {
			case p.Terminating() && !svc.Spec.PublishNotReadyAddresses:
			case isReady:
				ready = append(ready, e)
			default:
				notReady = append(notReady, e)
			}
		}
	}
	slices.Sort(ready)
	slices.Sort(notReady)
	slices.Sort(sliced)
	return ready, notReady, sliced
}

func gotEndpoints(ep *cluster.Endpoints) (ready, notReady []string) {
	for _, ss := range ep.Subsets {
		for _, p := range ss.Ports {
			for _, a := range ss.Addresses {
				ready = append(ready, a.IP+":"+strconv.Itoa(int(p.Port)))
			}
			for _, a := range ss.NotReadyAddresses {
				notReady = append(notReady, a.IP+":"+strconv.Itoa(int(p.Port)))
			}
		}
	}
	slices.Sort(ready)
	slices.Sort(notReady)
	return ready, notReady
}

func serviceSlices(s *cluster.Sim, namespace, name string) []*cluster.EndpointSlice {
	return cluster.ListAs[*cluster.EndpointSlice](s, namespace,
		selector.FromValidatedSet(selector.Set{endpoints.ServiceNameLabel: name}))
}

func gotSlices(s *cluster.Sim, svc *cluster.Service) []string {
	var out []string
	for _, sl := range serviceSlices(s, svc.Namespace, svc.Name) {
		for _, e := range sl.Endpoints {
			pod := ""
			if e.TargetRef != nil {
				pod = e.TargetRef.Name
			}
			for _, p := range sl.Ports {
				if p.Port == nil || len(e.Addresses) == 0 {
					continue
				}
				out = append(out, fmt.Sprintf("%s:%d pod=%s ready=%v serving=%v terminating=%v", e.Addresses[0], *p.Port, pod,
					cond(e.Conditions.Ready, true), cond(e.Conditions.Serving, true), cond(e.Conditions.Terminating, false)))
			}
		}
	}
	slices.Sort(out)
	return out
}

// cond reads an endpoint condition, with Kubernetes' meaning for an
// absent one.
func cond(b *bool, absent bool) bool {
	if b == nil {
		return absent
	}
	return *b
}

// ReplicaSetsConverge checks that every ReplicaSet has as many active pods
// (not finished, not being deleted) as it asks for, and that its status
// says so: replicas, ready replicas and observed generation right. It
// holds once the cluster is settled, unless pods cannot be made (a
// namespace being deleted), which a settled cluster retries in the
// background.
func ReplicaSetsConverge(c *svcsim.Cluster) error {
	if err := usable(c); err != nil {
		return err
	}
	const name = "ReplicaSetsConverge"
	owned := map[string][]*cluster.Pod{} // active pods by controller uid
	for _, p := range cluster.ListAs[*cluster.Pod](c.Sim, "", everything) {
		if ref, ok := p.ControllerRef(); ok && activePod(p) {
			owned[ref.UID] = append(owned[ref.UID], p)
		}
	}
	for _, rs := range cluster.ListAs[*cluster.ReplicaSet](c.Sim, "", everything) {
		ref := rs.Namespace + "/" + rs.Name
		want := int32(1)
		if rs.Spec.Replicas != nil {
			want = *rs.Spec.Replicas
		}
		pods := owned[rs.UID]
		var ready int32
		for _, p := range pods {
			if p.IsReady() {
				ready++
			}
		}
		st := rs.Status
		switch {
		case int32(len(pods)) != want:
			return violation(c, name, "replicaset %s has %d active pods %v; it asks for %d", ref, len(pods), podNames(pods), want)
		case st.Replicas != want:
			return violation(c, name, "replicaset %s: status.replicas %d, but it has %d active pods", ref, st.Replicas, want)
		case st.ReadyReplicas != ready:
			return violation(c, name, "replicaset %s: status.readyReplicas %d, but %d of its pods are ready", ref, st.ReadyReplicas, ready)
		case st.ObservedGeneration != rs.Generation:
			return violation(c, name, "replicaset %s: status.observedGeneration %d, generation %d", ref, st.ObservedGeneration, rs.Generation)
		}
	}
	return nil
}

func podNames(pods []*cluster.Pod) []string {
	out := make([]string, len(pods))
	for i, p := range pods {
		out[i] = p.Name
	}
	return out
}

// ProxiesMatch checks that every node's kube-proxy has programmed exactly
// what the EndpointSlices in the store say: for each Service port with a
// cluster IP, a rule at the cluster IP (and at every node's IP for a node
// port, at each load-balancer and external IP) sending connections to the
// usable endpoints ([proxy.Usable]: the ready ones, else those serving
// while terminating), rejecting when there are none; and no rule for
// anything else. A proxy learns of a change after its watch lag and its
// MinSyncPeriod, so this is judged when the cluster is settled, when
// every sync due has run; during a run it fails in exactly the windows
// where nodes disagree.
func ProxiesMatch(c *svcsim.Cluster) error {
	if err := usable(c); err != nil {
		return err
	}
	if c.Proxies == nil {
		return fmt.Errorf("%w: the cluster runs no proxies", ErrBadArgument)
	}
	var nodes []*cluster.Node
	for _, n := range cluster.ListAs[*cluster.Node](c.Sim, "", everything) {
		if c.Proxies.Node(n.Name) != nil {
			nodes = append(nodes, n)
		}
	}
	for _, n := range nodes {
		want := wantRules(c.Sim, nodes, n.Name)
		got := map[string]string{}
		for _, r := range c.Proxies.Node(n.Name).Rules() {
			got[ruleDest(r.IP, r.Port, r.Protocol)] = ruleText(r.Service, r.Reject, r.Endpoints)
		}
		for _, d := range sortedKeys(want) {
			if got[d] != want[d] {
				g := got[d]
				if g == "" {
					g = "no rule"
				}
				return violation(c, "ProxiesMatch", "kube-proxy on %s: %s -> %s; the slices say %s", n.Name, d, g, want[d])
			}
		}
		for _, d := range sortedKeys(got) {
			if _, ok := want[d]; !ok {
				return violation(c, "ProxiesMatch", "kube-proxy on %s has a stale rule %s -> %s", n.Name, d, got[d])
			}
		}
	}
	return nil
}

func ruleDest(ip string, port int32, proto cluster.Protocol) string {
	if proto == "" {
		proto = cluster.ProtocolTCP
	}
	return ip + ":" + strconv.Itoa(int(port)) + "/" + string(proto)
}

// ruleText renders a rule's target so that two rules compare as text: the
// Service and the endpoints as a set, or "reject".
func ruleText(svc string, reject bool, eps []proxy.Endpoint) string {
	if reject {
		return svc + " reject"
	}
	out := make([]string, len(eps))
	for i, e := range eps {
		out[i] = e.IP + ":" + strconv.Itoa(int(e.Port)) + "(" + e.Pod + ")"
	}
	slices.Sort(out)
	return svc + " [" + strings.Join(out, " ") + "]"
}

// wantRules computes one node's rules from the Services and slices in the
// store, keyed by destination.
func wantRules(s *cluster.Sim, nodes []*cluster.Node, node string) map[string]string {
	want := map[string]string{}
	for _, svc := range cluster.ListAs[*cluster.Service](s, "", everything) {
		if svc.Spec.Type == cluster.ServiceTypeExternalName || svc.Spec.ClusterIP == "" || svc.Spec.ClusterIP == cluster.ClusterIPNone {
			continue
		}
		key := svc.Namespace + "/" + svc.Name
		sls := serviceSlices(s, svc.Namespace, svc.Name)
		internalLocal := svc.Spec.InternalTrafficPolicy != nil && *svc.Spec.InternalTrafficPolicy == "Local"
		externalLocal := svc.Spec.ExternalTrafficPolicy == "Local"
		for _, sp := range svc.Spec.Ports {
			eps := sliceEndpoints(sls, sp.Name)
			reject := !proxy.HasAny(eps)
			proto := sp.Protocol
			want[ruleDest(svc.Spec.ClusterIP, sp.Port, proto)] = ruleText(key, reject, proxy.Usable(eps, internalLocal, node))
			ext := ruleText(key, reject, proxy.Usable(eps, externalLocal, node))
			if sp.NodePort != 0 {
				for _, n := range nodes {
					want[ruleDest(n.InternalIP(), sp.NodePort, proto)] = ext
				}
			}
			for _, ing := range svc.Status.LoadBalancer.Ingress {
				if ing.IP != "" {
					want[ruleDest(ing.IP, sp.Port, proto)] = ext
				}
			}
			for _, ip := range svc.Spec.ExternalIPs {
				want[ruleDest(ip, sp.Port, proto)] = ext
			}
		}
	}
	return want
}

// sliceEndpoints reads the endpoints of the port called port from slices.
func sliceEndpoints(sls []*cluster.EndpointSlice, port string) []proxy.Endpoint {
	var out []proxy.Endpoint
	for _, sl := range sls {
		var num *int32
		for _, p := range sl.Ports {
			if p.Name != nil && *p.Name == port && p.Port != nil {
				num = p.Port
			}
		}
		if num == nil {
			continue
		}
		for _, e := range sl.Endpoints {
			x := proxy.Endpoint{Port: *num, Ready: cond(e.Conditions.Ready, true), Serving: cond(e.Conditions.Serving, true),
				Terminating: cond(e.Conditions.Terminating, false)}
			if len(e.Addresses) > 0 {
				x.IP = e.Addresses[0]
			}
			if e.NodeName != nil {
				x.Node = *e.NodeName
			}
			if e.TargetRef != nil {
				x.Pod = e.TargetRef.Namespace + "/" + e.TargetRef.Name
			}
			out = append(out, x)
		}
	}
	return out
}

func sortedKeys[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}

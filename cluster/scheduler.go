package cluster

import (
	"fmt"
	"slices"
)

// scheduler places pods on nodes, as kube-scheduler does, but simply and
// deterministically: each pending pod goes to the ready, schedulable node
// running the fewest pods, ties broken by node name. That spreads pods
// evenly, which is what the default scheduler's scoring does for pods with
// no other constraints.
type scheduler struct {
	s       *Sim
	count   map[string]int   // node -> bound, non-terminal pods
	assumed map[string]bool  // pods bound but whose binding the watch has not shown yet
	nodes   map[string]*Node // the scheduler's view of the nodes
	waiting []string         // keys of pods that found no node, oldest first
}

const schedulerName = "default-scheduler"

func (s *Sim) startScheduler() {
	sc := &scheduler{s: s, count: map[string]int{}, assumed: map[string]bool{}, nodes: map[string]*Node{}}
	lag := s.cfg.Timing.lagFor(s.cfg.Timing.Scheduler)
	s.watchShared(schedulerName, lag, nil, sc.onNode, KindNode)
	s.watchShared(schedulerName, lag, nil, sc.onPod, KindPod)
}

func (sc *scheduler) onNode(ev WatchEvent) {
	n := ev.Object.(*Node)
	if ev.Type == Deleted {
		delete(sc.nodes, n.Name)
		return
	}
	sc.nodes[n.Name] = n
	// A node that became usable may take the pods that found none.
	waiting := sc.waiting
	sc.waiting = nil
	for _, k := range waiting {
		ns, name := splitKey(k)
		if p, ok := GetAs[*Pod](sc.s, ns, name); ok && p.Spec.NodeName == "" && !p.Terminating() {
			sc.schedule(p)
		}
	}
}

func (sc *scheduler) onPod(ev WatchEvent) {
	p := ev.Object.(*Pod)
	// A pod counts against its node from the event that shows it bound
	// until the one that shows it gone or finished; the events themselves
	// say which, so no per-pod bookkeeping is needed.
	counted := func(p *Pod) bool { return p != nil && p.Spec.NodeName != "" && !isTerminal(p) }
	var old *Pod
	if ev.Old != nil {
		old = ev.Old.(*Pod)
	}
	switch {
	case ev.Type == Deleted:
		if counted(p) {
			sc.count[p.Spec.NodeName]--
		}
		return
	case counted(p) && !counted(old):
		// The scheduler counted its own bindings when it made them, as
		// kube-scheduler's cache "assumes" them; count only the others.
		if k := key(p.Namespace, p.Name); sc.assumed[k] {
			delete(sc.assumed, k)
			if len(sc.assumed) == 0 {
				sc.assumed = map[string]bool{} // maps never shrink; a burst's table would stay
			}
		} else {
			sc.count[p.Spec.NodeName]++
		}
	case !counted(p) && counted(old):
		sc.count[old.Spec.NodeName]--
	}
	if p.Spec.NodeName == "" && !p.Terminating() && ev.Type == Added {
		sc.schedule(p)
	}
}

// schedule picks a node for p and binds it, or records why it cannot.
func (sc *scheduler) schedule(p *Pod) {
	names := make([]string, 0, len(sc.nodes))
	for n := range sc.nodes {
		names = append(names, n)
	}
	slices.Sort(names)
	best := ""
	for _, n := range names {
		node := sc.nodes[n]
		if node.Spec.Unschedulable || node.Ready() != ConditionTrue {
			continue
		}
		if best == "" || sc.count[n] < sc.count[best] {
			best = n
		}
	}
	if best == "" {
		k := key(p.Namespace, p.Name)
		if !slices.Contains(sc.waiting, k) {
			sc.waiting = append(sc.waiting, k)
		}
		msg := fmt.Sprintf("0/%d nodes are available: %d node(s) were unschedulable or not ready.", len(names), len(names))
		sc.s.markUnschedulable(p, msg)
		return
	}
	if sc.s.bind(p, best) {
		sc.count[best]++
		sc.assumed[key(p.Namespace, p.Name)] = true
	}
}

// bind sets the pod's node, as a POST to pods/binding does, and reports
// whether the pod was still there, unbound, to bind.
func (s *Sim) bind(p *Pod, node string) bool {
	cur, ok := s.store.get(KindPod, p.Namespace, p.Name)
	if !ok {
		return false
	}
	old := cur.(*Pod)
	if old.Spec.NodeName != "" || old.Terminating() || old.UID != p.UID {
		return false
	}
	np := old.withOwnStatus()
	np.Spec.NodeName = node
	setPodCondition(&np.Status, PodCondition{Type: PodScheduled, Status: ConditionTrue, LastTransitionTime: s.now})
	s.put(np)
	s.record(objectRef(KindPod, np.Namespace, np.Name), "Bind", node)
	s.notify(Modified, np, old)
	s.wrote("Bind", np)
	s.emit(KindPod, np.Namespace, np.Name, EventNormal, "Scheduled", schedulerName,
		fmt.Sprintf("Successfully assigned %s/%s to %s", np.Namespace, np.Name, node))
	return true
}

func (s *Sim) markUnschedulable(p *Pod, msg string) {
	s.emit(KindPod, p.Namespace, p.Name, EventWarning, "FailedScheduling", schedulerName, msg)
	if c, ok := p.Condition(PodScheduled); ok && c.Status == ConditionFalse {
		return
	}
	cur, ok := s.store.get(KindPod, p.Namespace, p.Name)
	if !ok || cur.Meta().UID != p.UID {
		return
	}
	np := cur.(*Pod).withOwnStatus()
	setPodCondition(&np.Status, PodCondition{Type: PodScheduled, Status: ConditionFalse, Reason: "Unschedulable", Message: msg, LastTransitionTime: s.now})
	s.updateStatusOwned(np, cur)
}

// setPodCondition sets a condition, keeping its transition time when its
// status does not change, and keeps conditions in the kubelet's order.
func setPodCondition(st *PodStatus, c PodCondition) {
	n := len(st.Conditions)
	if setCondition(st, c); len(st.Conditions) == n {
		return
	}
	order := map[string]int{PodReadyToStartContainers: 0, PodInitialized: 1, PodReady: 2, ContainersReady: 3, PodScheduled: 4}
	slices.SortStableFunc(st.Conditions, func(a, b PodCondition) int { return order[a.Type] - order[b.Type] })
}

// splitKey splits "namespace/name".
func splitKey(k string) (namespace, name string) {
	for i := 0; i < len(k); i++ {
		if k[i] == '/' {
			return k[:i], k[i+1:]
		}
	}
	return "", k
}

package cluster

import (
	"fmt"
	"time"
)

// PodRuntime is what is really happening to a pod on its node, beyond what
// its status says: the simulation's ground truth, which the proxy and the
// apps of later layers consult to decide whether a request is answered.
type PodRuntime struct {
	// Node is the node the pod runs on.
	Node string
	// IP is the pod's address, "" before it has one.
	IP string
	// Running reports whether all its containers are running.
	Running bool
	// Accepting reports whether the pod's app accepts new connections: its
	// containers run, its node is up, and it has not stopped on SIGTERM.
	Accepting bool
	// Terminating reports whether its deletion has begun on the node.
	Terminating bool
	// NodeUp reports whether its node is reachable (see [Sim.NodeDown]).
	NodeUp bool
	// UID is the pod's uid: a pod deleted and created again under the same
	// name is another pod.
	UID string
	// Started is when its containers last started. It changes when one
	// restarts, which ends every connection the old process held.
	Started Time
}

// Runtime returns the ground truth about a pod that its kubelet has
// admitted, and whether there is such a pod.
func (s *Sim) Runtime(namespace, name string) (PodRuntime, bool) {
	s.check()
	rt := s.runtimeOf(namespace, name)
	if rt == nil {
		return PodRuntime{}, false
	}
	return rt.report(), true
}

// RuntimeByUID is [Sim.Runtime] for the pod with the given uid, found
// without a store lookup: the data plane asks it for every request.
func (s *Sim) RuntimeByUID(uid string) (PodRuntime, bool) {
	s.check()
	rt := s.pods[uid]
	if rt == nil {
		return PodRuntime{}, false
	}
	return rt.report(), true
}

// RuntimeRef is a handle on the kubelet's record of one pod, for code that
// asks about the same pod again and again, as the data plane does for
// every request: reading it needs no lookup. The zero RuntimeRef refers to
// no pod.
type RuntimeRef struct{ rt *podRuntime }

// RuntimeRef returns a handle on the pod with the given uid, and whether a
// kubelet runs such a pod now.
func (s *Sim) RuntimeRef(uid string) (RuntimeRef, bool) {
	s.check()
	rt := s.pods[uid]
	return RuntimeRef{rt}, rt != nil
}

// Runtime reports what [Sim.RuntimeByUID] would for the pod now: its
// runtime, or false once its kubelet has removed it.
func (r RuntimeRef) Runtime() (PodRuntime, bool) {
	if r.rt == nil || r.rt.stage == stageGone {
		return PodRuntime{}, false
	}
	return r.rt.report(), true
}

func (rt *podRuntime) report() PodRuntime {
	r := PodRuntime{Node: rt.k.node.name, IP: rt.ipString, UID: rt.uid,
		Running: rt.stage >= stageRunning && rt.stage != stageGone, Terminating: rt.stage == stageTerminating}
	for _, c := range rt.containers {
		if !c.running {
			r.Running = false
		}
		r.Started = max(r.Started, c.startedAt)
	}
	r.NodeUp = rt.k.node.up
	r.Accepting = r.Running && rt.k.node.up && (!rt.sigterm || rt.onSIGTERM == SigtermIgnore)
	return r
}

// runtimeOf returns the kubelet's record of the pod now stored under
// namespace/name, or nil.
func (s *Sim) runtimeOf(namespace, name string) *podRuntime {
	if namespace == "" {
		namespace = "default"
	}
	p, ok := s.store.get(KindPod, namespace, name)
	if !ok {
		return nil
	}
	return s.pods[p.Meta().UID]
}

// ErrNoRuntime is returned by fault injections naming a pod that no
// kubelet runs (it does not exist, or is not yet bound to a node).
var ErrNoRuntime = fmt.Errorf("cluster: pod is not running on any node")

func (s *Sim) runtimeFor(namespace, name string) (*podRuntime, error) {
	if namespace == "" {
		namespace = "default"
	}
	rt := s.runtimeOf(namespace, name)
	if rt == nil {
		return nil, fmt.Errorf("%w: %s/%s", ErrNoRuntime, namespace, name)
	}
	return rt, nil
}

// FailReadiness makes every readiness probe of the pod fail from now on, as
// an app that stops answering its health check would. After failureThreshold
// consecutive failures the kubelet marks the pod not ready. Containers
// without a probe are not affected.
func (s *Sim) FailReadiness(namespace, name string) error {
	s.check()
	if err := s.refuseObserving("fail readiness"); err != nil {
		return err
	}
	return s.setReadinessFault(namespace, name, true)
}

// RecoverReadiness undoes [Sim.FailReadiness]: probes pass again, and after
// successThreshold successes the pod is ready again.
func (s *Sim) RecoverReadiness(namespace, name string) error {
	s.check()
	if err := s.refuseObserving("recover readiness"); err != nil {
		return err
	}
	return s.setReadinessFault(namespace, name, false)
}

func (s *Sim) setReadinessFault(namespace, name string, fail bool) error {
	rt, err := s.runtimeFor(namespace, name)
	if err != nil {
		return err
	}
	if rt.readinessFault == fail {
		return nil
	}
	rt.readinessFault = fail
	s.record(objectRef(KindPod, rt.namespace, rt.name), "Fault", fmt.Sprintf("readiness failing=%v", fail))
	for _, c := range rt.containers {
		rt.k.resumeProbe(rt, c)
	}
	return nil
}

// CrashContainer makes a container of the pod exit with an error, as a
// crashing app would (container "" means the first). The kubelet marks it
// not ready, counts a restart and restarts it after Kubernetes' crash
// back-off: 10 s, doubling with each further crash up to 5 minutes.
func (s *Sim) CrashContainer(namespace, name, container string) error {
	s.check()
	if err := s.refuseObserving("crash container"); err != nil {
		return err
	}
	rt, err := s.runtimeFor(namespace, name)
	if err != nil {
		return err
	}
	var c *containerRuntime
	for _, x := range rt.containers {
		if container == "" || x.name == container {
			c = x
			break
		}
	}
	if c == nil {
		return fmt.Errorf("%w: pod %s/%s has no container %q", ErrNoRuntime, rt.namespace, rt.name, container)
	}
	if !c.running || rt.stage != stageRunning {
		return nil
	}
	k := rt.k
	c.running, c.ready = false, false
	c.gen++
	c.restarts++
	c.lastTerm = &ContainerStateTerminated{ExitCode: 1, Reason: "Error", StartedAt: c.startedAt, FinishedAt: s.now}
	c.waiting = "CrashLoopBackOff"
	backoff := min(10*time.Second<<min(c.restarts-1, 5), 5*time.Minute)
	c.restartAt = s.now.Add(backoff)
	s.record(rt.objRef(), "Fault", "container "+c.name+" crashed")
	if k.node.up {
		// A kubelet cut off from the control plane reports nothing; it
		// catches up in resync.
		s.emit(KindPod, rt.namespace, rt.name, EventWarning, "BackOff", "kubelet", "Back-off restarting failed container "+c.name+" in pod "+rt.name+"_"+rt.namespace+"("+rt.uid+")")
		k.writeStatus(rt)
	}
	k.scheduleRestart(rt, c)
	return nil
}

// scheduleRestart restarts a crashed container when its back-off ends, or
// as soon after as its node is up.
func (k *kubelet) scheduleRestart(rt *podRuntime, c *containerRuntime) {
	s := k.s
	gen := c.gen
	s.schedule(max(c.restartAt, s.now), TraceEntry{Component: k.name, Object: rt.objRef(), Action: "RestartContainer", Detail: c.name}, false, func() {
		if c.gen != gen || rt.stage != stageRunning || c.running {
			return
		}
		if !k.node.up {
			return // resync reschedules it
		}
		c.restartAt = 0
		s.emit(KindPod, rt.namespace, rt.name, EventNormal, "Started", "kubelet", "Started container "+c.name)
		k.runContainer(rt, c)
		k.writeStatus(rt)
	})
}

// ErrNoNode is returned by node faults naming a node that does not exist.
var ErrNoNode = fmt.Errorf("cluster: no such node")

// NodeDown takes a node off the network: its pods stop answering at once
// and its kubelet stops acting and reporting. After the node monitor grace
// period the control plane marks the node's Ready condition Unknown and its
// pods not ready, as the node lifecycle controller does. (svcsim does not
// evict the pods afterwards.)
func (s *Sim) NodeDown(name string) error {
	s.check()
	if err := s.refuseObserving("node down"); err != nil {
		return err
	}
	n := s.node(name)
	if n == nil {
		return fmt.Errorf("%w: %q", ErrNoNode, name)
	}
	if !n.up {
		return nil
	}
	n.up = false
	n.down++
	outage := n.down
	s.record(objectRef(KindNode, "", name), "Fault", "node down")
	s.schedule(s.now.Add(s.cfg.Timing.NodeMonitorGracePeriod), TraceEntry{Component: "node-lifecycle-controller", Object: objectRef(KindNode, "", name), Action: "MonitorGracePeriodExpired"}, false, func() {
		if n.up || n.down != outage {
			return
		}
		s.markNodeLost(n)
	})
	return nil
}

// markNodeLost is the node lifecycle controller's reaction to a node that
// stopped reporting.
func (s *Sim) markNodeLost(n *nodeState) {
	cur, ok := GetAs[*Node](s, "", n.name)
	if !ok {
		return
	}
	setNodeReady(cur, ConditionUnknown, "NodeStatusUnknown", "Kubelet stopped posting node status.", s.now)
	_, _ = s.UpdateStatus(cur)
	s.emit(KindNode, "", n.name, EventNormal, "NodeNotReady", "node-controller", "Node "+n.name+" status is now: NodeNotReady")
	for _, p := range ListAs[*Pod](s, "", everything) {
		if p.Spec.NodeName != n.name {
			continue
		}
		if c, ok := p.Condition(PodReady); ok && c.Status == ConditionFalse {
			continue
		}
		setPodCondition(&p.Status, PodCondition{Type: PodReady, Status: ConditionFalse, LastTransitionTime: s.now})
		_, _ = s.UpdateStatus(p)
		s.emit(KindPod, p.Namespace, p.Name, EventWarning, "NodeNotReady", "node-controller", "Node is not ready")
	}
}

// NodeReachable reports whether the named node exists and is up: not
// taken down by [Sim.NodeDown], or brought back since.
func (s *Sim) NodeReachable(name string) bool {
	s.check()
	n := s.node(name)
	return n != nil && n.up
}

// NodeUp brings a node back: its kubelet reports Ready again, catches up on
// what happened to its pods while it was away, and resumes probing.
func (s *Sim) NodeUp(name string) error {
	s.check()
	if err := s.refuseObserving("node up"); err != nil {
		return err
	}
	n := s.node(name)
	if n == nil {
		return fmt.Errorf("%w: %q", ErrNoNode, name)
	}
	if n.up {
		return nil
	}
	n.up = true
	k := s.kubelets[name]
	s.record(objectRef(KindNode, "", name), "Fault", "node up")
	s.schedule(s.now, TraceEntry{Component: k.name, Object: objectRef(KindNode, "", name), Action: "Resync"}, false, func() { k.resync() })
	return nil
}

// resync is the kubelet's catch-up after its node comes back.
func (k *kubelet) resync() {
	s := k.s
	if cur, ok := GetAs[*Node](s, "", k.node.name); ok && cur.Ready() != ConditionTrue {
		setNodeReady(cur, ConditionTrue, "KubeletReady", "kubelet is posting ready status", s.now)
		_, _ = s.UpdateStatus(cur)
		s.emit(KindNode, "", k.node.name, EventNormal, "NodeReady", "kubelet", "Node "+k.node.name+" status is now: NodeReady")
	}
	// Pods removed from the store while the node was away.
	for _, uid := range sortedKeys(s.pods) {
		rt := s.pods[uid]
		if rt.k != k {
			continue
		}
		cur, ok := s.store.get(KindPod, rt.namespace, rt.name)
		if !ok || cur.Meta().UID != rt.uid {
			k.stopNow(rt)
		}
	}
	for _, p := range ListAs[*Pod](s, "", everything) {
		if p.Spec.NodeName != k.node.name {
			continue
		}
		rt := s.pods[p.UID]
		switch {
		case rt == nil:
			k.onPod(WatchEvent{Type: Added, Object: p})
		case rt.stage == stageStarting:
			k.startContainers(rt)
		case rt.stage == stageTerminating:
			k.stopNow(rt) // its grace period ran out while the node was away
		case p.Terminating() && rt.stage < stageTerminating:
			k.terminate(rt, p)
		default:
			for _, c := range rt.containers {
				if !c.running && c.restartAt != 0 {
					c.gen++
					k.scheduleRestart(rt, c)
					continue
				}
				k.resumeProbe(rt, c)
			}
			k.writeStatus(rt)
		}
	}
}

func setNodeReady(n *Node, st ConditionStatus, reason, msg string, now Time) {
	for i := range n.Status.Conditions {
		c := &n.Status.Conditions[i]
		if c.Type == "Ready" {
			if c.Status != st {
				c.LastTransitionTime = now
			}
			c.Status, c.Reason, c.Message, c.LastHeartbeatTime = st, reason, msg, now
			return
		}
	}
	n.Status.Conditions = append(n.Status.Conditions, NodeCondition{Type: "Ready", Status: st, Reason: reason, Message: msg, LastHeartbeatTime: now, LastTransitionTime: now})
}

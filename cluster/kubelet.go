package cluster

import (
	"fmt"
	"net/netip"
	"strings"
	"time"
)

// kubelet runs the pods bound to one node: it gives each an IP, starts its
// containers, probes their readiness, and stops and removes them when they
// are deleted. It learns of its pods only through its watch, and reports
// only through pod status writes.
type kubelet struct {
	s    *Sim
	node *nodeState
	name string   // component name, "kubelet/node-1"
	noIP []string // pods waiting for an address, oldest first
}

// stage is where a pod is in its life on the node.
type stage uint8

const (
	stageAdmitted    stage = iota // bound, waiting for an IP
	stageStarting                 // has an IP, containers starting
	stageRunning                  // containers started
	stageTerminating              // deletion under way
	stageGone                     // containers stopped, object removed
)

// podRuntime is the kubelet's record of one pod: what is really happening
// on the node, from which it writes the pod's status.
type podRuntime struct {
	namespace, name, uid string
	k                    *kubelet
	ip                   netip.Addr
	ipString             string // ip, formatted once for the data plane
	stage                stage
	sigterm              bool // SIGTERM has been sent
	serviceLinks         bool // the pod's enableServiceLinks
	onSIGTERM            SigtermBehavior
	containers           []*containerRuntime
	readinessFault       bool
	started              Time
	killAt               Time // when a terminating pod is SIGKILLed
}

// objRef names the pod in the trace. It is built when needed rather than
// kept: a hundred thousand steady pods need no trace strings.
func (rt *podRuntime) objRef() string { return objectRef(KindPod, rt.namespace, rt.name) }

// containerRuntime is one container's state and its readiness prober.
type containerRuntime struct {
	name, image string
	probe       *Probe
	running     bool
	ready       bool
	startedAt   Time
	restarts    int32
	successes   int32
	failures    int32
	gen         int // probe loop generation; bumping it cancels the loop
	nextProbe   Time
	waiting     string // waiting reason when not running
	restartAt   Time   // when a crashed container is due to restart
	lastTerm    *ContainerStateTerminated
	// svcEnv is the Service variables of the last start, shared and
	// read-only; nil before the first.
	svcEnv *envList
}

func (s *Sim) startKubelet(n *nodeState) {
	k := &kubelet{s: s, node: n, name: "kubelet/" + n.name}
	s.kubelets[n.name] = k
	onNode := func(o Object) bool { return o.(*Pod).Spec.NodeName == n.name }
	s.watchShared(k.name, s.cfg.Timing.lagFor(s.cfg.Timing.Kubelet), onNode, k.onPod, KindPod)
}

func (k *kubelet) onPod(ev WatchEvent) {
	p := ev.Object.(*Pod)
	if p.Spec.NodeName != k.node.name {
		return
	}
	if !k.node.up {
		return
	}
	rt := k.s.pods[p.UID]
	if ev.Type == Deleted {
		if rt != nil && rt.stage != stageGone {
			k.stopNow(rt)
		}
		return
	}
	if rt == nil {
		if p.Terminating() {
			// A terminating pod this kubelet never ran (or already
			// stopped): remove it, unless the event is stale and the name
			// now belongs to another pod.
			if cur, ok := k.s.store.get(KindPod, p.Namespace, p.Name); ok && cur.Meta().UID == p.UID {
				k.s.removePod(cur.(*Pod), k.name)
			}
			return
		}
		rt = k.admit(p)
	}
	switch {
	case p.Terminating() && rt.stage < stageTerminating:
		k.terminate(rt, p)
	case p.Terminating() && rt.stage == stageTerminating && p.DeletionGracePeriodSeconds != nil:
		k.shortenGrace(rt, secondsDuration(*p.DeletionGracePeriodSeconds))
	}
}

// shortenGrace applies a second delete with a shorter grace period: the
// pod is killed that long from now, if that is sooner than planned.
func (k *kubelet) shortenGrace(rt *podRuntime, grace time.Duration) {
	at := k.s.now.Add(max(grace, 2*time.Second))
	if grace == 0 {
		at = k.s.now
	}
	if at >= rt.killAt {
		return
	}
	rt.killAt = at
	k.s.schedule(at, TraceEntry{Component: k.name, Object: rt.objRef(), Action: "SIGKILL"}, false, func() {
		if rt.stage == stageTerminating && k.node.up {
			k.stopNow(rt)
		}
	})
}

// admit takes a newly bound pod onto the node.
func (k *kubelet) admit(p *Pod) *podRuntime {
	rt := &podRuntime{namespace: p.Namespace, name: p.Name, uid: p.UID, k: k, onSIGTERM: p.Spec.OnSIGTERM,
		serviceLinks: p.Spec.EnableServiceLinks == nil || *p.Spec.EnableServiceLinks}
	for _, c := range p.Spec.Containers {
		rt.containers = append(rt.containers, &containerRuntime{name: c.Name, image: c.Image, probe: c.ReadinessProbe, waiting: "ContainerCreating"})
	}
	k.s.pods[p.UID] = rt
	k.assignIP(rt)
	return rt
}

// assignIP gives the pod an address and schedules its containers' start,
// or leaves it Pending with a warning when the node's range is exhausted.
func (k *kubelet) assignIP(rt *podRuntime) {
	ip, ok := k.node.ipam.allocate()
	if !ok {
		k.noIP = append(k.noIP, rt.uid)
		k.s.emit(KindPod, rt.namespace, rt.name, EventWarning, "FailedCreatePodSandBox", "kubelet",
			fmt.Sprintf("Failed to create pod sandbox: plugin type=\"host-local\" failed (add): failed to allocate for range 0: no IP addresses available in range set: %s", k.node.ipam.rangeString()))
		return
	}
	rt.ip, rt.ipString = ip, ip.String()
	rt.stage = stageStarting
	rt.started = k.s.now
	k.writeStatus(rt)
	delay := k.s.cfg.Timing.ContainerStart.Draw(k.s.Stream(k.name + " start"))
	k.s.schedule(k.s.now.Add(delay), TraceEntry{Component: k.name, Object: rt.objRef(), Action: "StartContainers"}, false, func() {
		k.startContainers(rt)
	})
}

func (k *kubelet) startContainers(rt *podRuntime) {
	if rt.stage != stageStarting {
		return
	}
	if !k.node.up {
		return
	}
	rt.stage = stageRunning
	for _, c := range rt.containers {
		k.s.emit(KindPod, rt.namespace, rt.name, EventNormal, "Pulled", "kubelet", fmt.Sprintf("Container image %q already present on machine", c.image))
		k.s.emit(KindPod, rt.namespace, rt.name, EventNormal, "Created", "kubelet", "Created container: "+c.name)
		k.s.emit(KindPod, rt.namespace, rt.name, EventNormal, "Started", "kubelet", "Started container "+c.name)
		k.runContainer(rt, c)
	}
	k.writeStatus(rt)
}

// runContainer marks a container running and starts its readiness prober.
func (k *kubelet) runContainer(rt *podRuntime, c *containerRuntime) {
	c.running, c.waiting = true, ""
	c.startedAt = k.s.now
	// The Service variables are those of the Services that exist now: a
	// Service created later reaches the container only when it restarts.
	c.svcEnv = k.s.serviceEnvFor(rt.namespace, rt.serviceLinks)
	c.successes, c.failures = 0, 0
	if c.probe == nil {
		c.ready = true
		return
	}
	c.ready = false
	c.gen++
	k.scheduleProbe(rt, c, k.s.now.Add(secondsDuration(int64(c.probe.InitialDelaySeconds))))
}

// scheduleProbe queues the readiness probe of c due at t. A probe whose
// result cannot change anything — a ready container that keeps passing, or
// an unready one that keeps failing — is not queued at all: only its due
// time is kept, so that a fault can resume probing on the same beat.
// Steady pods therefore cost nothing, however many there are.
func (k *kubelet) scheduleProbe(rt *podRuntime, c *containerRuntime, t Time) {
	c.nextProbe = t
	if c.ready == !rt.readinessFault {
		return
	}
	gen := c.gen
	k.s.schedule(t, TraceEntry{Component: k.name, Object: rt.objRef(), Action: "Probe", Detail: c.name}, false, func() {
		if c.gen != gen || !c.running || rt.stage == stageGone || !k.node.up {
			return
		}
		k.probe(rt, c)
		k.scheduleProbe(rt, c, k.s.now.Add(secondsDuration(int64(c.probe.PeriodSeconds))))
	})
}

// resumeProbe restarts c's prober at its next due time on the original
// beat, after something changed what the probe would find.
func (k *kubelet) resumeProbe(rt *podRuntime, c *containerRuntime) {
	if c.probe == nil || !c.running {
		return
	}
	c.gen++
	next := c.nextProbe
	if next < k.s.now {
		// The first beat at or after now: now plus what is left of the
		// period it falls in, which cannot overflow as counting whole
		// periods from next could.
		period := secondsDuration(int64(c.probe.PeriodSeconds))
		next = k.s.now
		if rem := k.s.now.Sub(c.nextProbe) % period; rem != 0 {
			next = next.Add(period - rem)
		}
	}
	k.scheduleProbe(rt, c, next)
}

// probe runs one readiness check and flips readiness after the configured
// number of consecutive results.
func (k *kubelet) probe(rt *podRuntime, c *containerRuntime) {
	if rt.readinessFault {
		c.successes = 0
		c.failures++
		if c.ready && c.failures >= c.probe.FailureThreshold {
			c.ready = false
			k.s.emit(KindPod, rt.namespace, rt.name, EventWarning, "Unhealthy", "kubelet", "Readiness probe failed: svcsim: injected readiness failure")
			k.writeStatus(rt)
		}
		return
	}
	c.failures = 0
	c.successes++
	if !c.ready && c.successes >= c.probe.SuccessThreshold {
		c.ready = true
		k.writeStatus(rt)
	}
}

// terminate runs the graceful deletion of a pod: preStop hooks, SIGTERM,
// and SIGKILL at the end of the grace period, then removal.
func (k *kubelet) terminate(rt *podRuntime, p *Pod) {
	rt.stage = stageTerminating
	grace := secondsDuration(30)
	if p.DeletionGracePeriodSeconds != nil {
		grace = secondsDuration(*p.DeletionGracePeriodSeconds)
	}
	start := k.s.now
	var preStop time.Duration
	for _, c := range p.Spec.Containers {
		k.s.emit(KindPod, rt.namespace, rt.name, EventNormal, "Killing", "kubelet", "Stopping container "+c.Name)
		if c.Lifecycle != nil && c.Lifecycle.PreStop != nil && c.Lifecycle.PreStop.Sleep != nil {
			preStop = max(preStop, secondsDuration(c.Lifecycle.PreStop.Sleep.Seconds))
		}
	}
	preStop = min(preStop, grace)
	sigtermAt := start.Add(preStop)
	// The runtime gets what is left of the grace period, but at least 2 s.
	killAt := sigtermAt.Add(max(grace-preStop, 2*time.Second))
	rt.killAt = killAt
	exitAt := killAt
	switch rt.onSIGTERM {
	case SigtermExit:
		exitAt = sigtermAt
	case SigtermDrain:
		exitAt = min(killAt, sigtermAt.Add(secondsDuration(p.Spec.DrainSeconds)))
	}
	ref := rt.objRef()
	k.s.schedule(sigtermAt, TraceEntry{Component: k.name, Object: ref, Action: "SIGTERM"}, false, func() {
		if rt.stage == stageTerminating {
			rt.sigterm = true
		}
	})
	k.s.schedule(exitAt, TraceEntry{Component: k.name, Object: ref, Action: stopAction(exitAt == killAt)}, false, func() {
		if rt.stage != stageTerminating {
			return
		}
		if !k.node.up {
			return
		}
		k.stopNow(rt)
	})
}

func stopAction(killed bool) string {
	if killed {
		return "SIGKILL"
	}
	return "ContainersExited"
}

// stopNow stops the pod's containers, frees its IP and removes the object.
func (k *kubelet) stopNow(rt *podRuntime) {
	rt.stage = stageGone
	for _, c := range rt.containers {
		c.running, c.ready = false, false
		c.gen++
	}
	if rt.ip.IsValid() {
		k.node.ipam.release(rt.ip)
	}
	delete(k.s.pods, rt.uid)
	if cur, ok := k.s.store.get(KindPod, rt.namespace, rt.name); ok && cur.Meta().UID == rt.uid {
		k.s.removePod(cur.(*Pod), k.name)
	}
	k.retryIPs()
}

// retryIPs gives waiting pods the addresses that were freed.
func (k *kubelet) retryIPs() {
	waiting := k.noIP
	k.noIP = nil
	for i, uid := range waiting {
		rt := k.s.pods[uid]
		if rt == nil || rt.stage != stageAdmitted {
			continue
		}
		k.assignIP(rt)
		if rt.stage == stageAdmitted { // still no address: keep the rest waiting in order
			k.noIP = append(k.noIP, waiting[i+1:]...)
			return
		}
	}
}

// removePod deletes a pod object for good, as the kubelet's final
// zero-grace delete does.
func (s *Sim) removePod(p *Pod, who string) {
	prev := s.current
	s.current = who
	s.remove(p)
	s.current = prev
}

// writeStatus renders the pod's status from the runtime and writes it.
func (k *kubelet) writeStatus(rt *podRuntime) {
	cur, ok := k.s.store.get(KindPod, rt.namespace, rt.name)
	if !ok || cur.Meta().UID != rt.uid {
		return
	}
	p := cur.(*Pod).withOwnStatus()
	st := &p.Status
	st.HostIP = k.node.ip
	if rt.ip.IsValid() {
		st.PodIP = rt.ipString
		setPodCondition(st, PodCondition{Type: PodReadyToStartContainers, Status: ConditionTrue, LastTransitionTime: k.s.now})
	} else {
		setPodCondition(st, PodCondition{Type: PodReadyToStartContainers, Status: ConditionFalse, LastTransitionTime: k.s.now})
	}
	setPodCondition(st, PodCondition{Type: PodInitialized, Status: ConditionTrue, LastTransitionTime: k.s.now})
	if st.StartTime == nil {
		t := rt.started
		st.StartTime = &t
	}
	st.ContainerStatuses = st.ContainerStatuses[:0]
	var unready []string
	allRunning := true
	for _, c := range rt.containers {
		cs := ContainerStatus{Name: c.name, Image: c.image, Ready: c.ready, Started: c.running, RestartCount: c.restarts}
		switch {
		case c.running:
			cs.State.Running = &ContainerStateRunning{StartedAt: c.startedAt}
		default:
			allRunning = false
			cs.State.Waiting = &ContainerStateWaiting{Reason: c.waiting}
		}
		if c.lastTerm != nil {
			cs.LastTerminationState.Terminated = clonePtr(c.lastTerm)
		}
		if !c.ready {
			unready = append(unready, c.name)
		}
		st.ContainerStatuses = append(st.ContainerStatuses, cs)
	}
	if rt.stage >= stageRunning || allRunning && rt.stage == stageRunning {
		st.Phase = PodRunning
	}
	ready := PodCondition{Type: PodReady, Status: ConditionTrue, LastTransitionTime: k.s.now}
	cready := PodCondition{Type: ContainersReady, Status: ConditionTrue, LastTransitionTime: k.s.now}
	if len(unready) > 0 {
		msg := "containers with unready status: [" + strings.Join(unready, " ") + "]"
		ready = PodCondition{Type: PodReady, Status: ConditionFalse, Reason: "ContainersNotReady", Message: msg, LastTransitionTime: k.s.now}
		cready = PodCondition{Type: ContainersReady, Status: ConditionFalse, Reason: "ContainersNotReady", Message: msg, LastTransitionTime: k.s.now}
	}
	setPodCondition(st, ready)
	setPodCondition(st, cready)
	prev := k.s.current
	k.s.current = k.name
	k.s.updateStatusOwned(p, cur)
	k.s.current = prev
}

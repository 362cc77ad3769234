// Package cluster is svcsim's simulated Kubernetes control plane and nodes:
// an object store with watches (the apiserver), a scheduler, the
// ReplicaSet and Deployment controllers, a garbage collector, a kubelet on
// every node, and the deterministic event loop that drives them all in
// virtual time. Controllers — the built-in ones of later packages and your
// own — sit on it as ordinary watchers of the store.
//
// # Usage
//
// The kubectl package is the client a person would use: it acts on the
// store as kubectl acts on the apiserver, and prints what kubectl prints.
//
//	sim, err := cluster.New(cluster.Config{Seed: 1})
//	k := kubectl.New(sim, "default")
//	k.Run("web", kubectl.RunOptions{Image: "nginx", Labels: map[string]string{"app": "web"}, Port: 80})
//	sim.Settle()              // scheduled, given an IP, started, ready
//	out, _ := k.Get(cluster.KindPod, kubectl.GetOptions{Wide: true})
//
// Code of your own can do the same through [Sim.Create], [Sim.Update],
// [Sim.Delete], [Sim.Get] and [Sim.List]; [ClusterScoped], [Resource],
// [Revision], [EqualIgnoreHash] and [SplitReplicaSets] tell a client what
// it needs to know about kinds and rollouts beyond the objects themselves.
//
// # The event loop
//
// Every change is an event in one queue ordered by (virtual time, sequence
// number): a store write's delivery to each watcher, a kubelet transition, a
// probe, a timer. [Sim.Step] runs one, [Sim.RunFor] and [Sim.RunUntil] run
// up to a time, and [Sim.Settle] runs until nothing is left to happen; all
// three give up with a [*BusyError] after [Config.SettleLimit] events, so a
// controller that never rests cannot hang a test. Virtual time saturates at
// [EndOfTime] rather than wrapping: a timer or grace period that long means
// never. Calls you make (Create, kubectl's verbs, faults) act at the current
// virtual time.
// Nothing reads the wall clock or starts a goroutine, and every random choice
// draws from a stream derived from [Config.Seed]: the same seed and the same
// calls give the same trace, byte for byte, which [Sim.Digest] fingerprints.
//
// # Determinism: looking changes nothing
//
// Each consumer of randomness has its own stream ([Sim.Stream]): the
// apiserver (generated names, UIDs, cluster IPs, node ports), every
// watcher's lag, every kubelet's container starts, the DNS server's
// answers, kube-proxy's picks for lone requests, for Connect and for each
// load. Drawing from one never shifts another, so a check, a diagnostic
// connection or lookup, a kubectl read or a watcher of your own leaves the
// run it observes exactly as it would have been: the same names, lags,
// picks and trace (apart from the watcher's own deliveries, which the trace
// and so the digest include). The one state a diagnostic connection does
// change is kube-proxy's: in IPVS mode it advances the round robin, and
// under ClientIP affinity it records the client, as a real connection
// would. Your own controllers should take a stream of their own by name.
//
// # Observing a run
//
// [Sim.Observe] installs checks that run as the loop runs: after every
// event, after every store write, and at every multiple of a period of
// virtual time. A property test checks its invariants there instead of
// stepping by hand, and the first check to fail stops the run with an
// [*ObservedError] right where it failed. Checks only read: a write from
// inside one fails with [ErrObserving], and timed checks are made as the
// clock passes their instants, not as events, so observing leaves the
// trace and the digest exactly as they are.
//
// # Timing
//
// How long things take is [Config.Timing]. The default, [Instant], delivers
// every watch event at the instant of the change, so a chain of reactions
// completes at one virtual instant in a defined order: easiest to teach and
// to test. [Realistic] adds tens of milliseconds of jittered lag to every
// watch and a second or so to container starts, which opens the windows in
// which components disagree that property tests look for. Probe periods,
// grace periods and back-offs take their configured time in both.
//
// # Writing a controller
//
// A controller is code that calls [Sim.Watch] for the kinds it cares about,
// reacts in its handler by reading and writing the store, and sets timers
// with [Sim.After]. That is exactly how the scheduler and kubelets are
// built. Writes made inside a handler are attributed to the watcher's name
// in the trace. A handler that only reads can use [Sim.WatchShared] and
// receive the store's own snapshots instead of copies, as the built-in
// components do.
//
// # Services
//
// The store validates and defaults Services as the apiserver does and
// allocates them a cluster IP from [Config.ServiceCIDR] and node ports from
// [Config.NodePortRange], with the apiserver's static and dynamic bands:
// random picks, drawn from the apiserver's stream, come from the upper band, and
// the lower band is kept for explicit requests. A Service's cluster IP never
// changes while it has one; what it holds is freed when it is deleted or its
// type no longer needs it. The kubernetes Service holds the CIDR's first
// address from the start. LoadBalancer Services get an external address
// from [Config.LoadBalancerIPs], or stay <pending> when it is empty.
// Containers see the Services of their namespace as environment variables,
// as they were when the container started ([Sim.ContainerEnv]). The
// Endpoints and EndpointSlices of Services are the endpoints package's
// work.
//
// # Errors
//
// The store validates like the apiserver and returns a [*StatusError] with
// the apiserver's message, wrapping [ErrNotFound], [ErrAlreadyExists],
// [ErrInvalid], [ErrConflict], [ErrForbidden] or [ErrInternal]; an invalid
// object's error lists every broken rule as a [FieldError]. A call that
// fails changes nothing.
//
// # Simplifications
//
// svcsim models what decides which pods are endpoints and whether they
// answer; the rest is simplified, deliberately:
//   - Scheduling spreads pods over ready, schedulable nodes by count, ties by
//     node name; no resources, affinities, taints or priorities.
//   - Readiness probes do not run a real check: they pass unless a fault
//     (FailReadiness) makes them fail. Liveness and startup probes, init
//     containers and sidecars are not modelled.
//   - Containers start together after Timing.ContainerStart; images are
//     always present.
//   - A pod's app is modelled only as accepting connections or not: how it
//     reacts to SIGTERM is the pod's OnSIGTERM field, a svcsim extension.
//   - A lost node's pods are marked not ready after the node monitor grace
//     period (50 s) but never evicted.
//   - Deleting a Node object stops nothing on the node, as in Kubernetes:
//     its kubelet runs its pods until the pod garbage collector, on its
//     20 s beat and after a 40 s quarantine, marks them Failed and
//     force-deletes them. Its other duties (terminated-pod thresholds,
//     out-of-service taints) are not modelled.
//   - The ReplicaSet and Deployment controllers learn of changes only
//     through their watches, with their lag. The ReplicaSet controller
//     acts on each ReplicaSet as its watch last delivered it, as the real
//     one acts on its informer cache, but reads pods from the store
//     afresh, which stands in for the real one's expectations; the
//     Deployment controller reads the store afresh rather than a lagging
//     cache. Timing.ControllerBatch models the coalescing a busy
//     controller's work queue does. As in Kubernetes, nothing orders one
//     ReplicaSet's sync after another's and the Deployment controller
//     bounds only what the ReplicaSets ask for (replicas+maxSurge): in a
//     rolling update, when the new ReplicaSet's sync was already queued
//     ahead of the old one's, the pods that are not terminating briefly
//     exceed that bound by the old one's scale-down not yet carried out
//     (at most maxSurge+maxUnavailable a step). svcsim shows this more
//     often than a lightly loaded cluster, whose Deployment controller
//     waits for its own cache to have the scale-down. A ReplicaSet whose
//     pods cannot be created is retried with the work queue's back-off
//     (5 ms doubling to 1000 s) as background work, so Settle returns.
//   - The garbage collector does background cascading deletion only (no
//     orphan or foreground propagation), and only for owners that are
//     deleted, not for dangling references made at create time.
//   - Rollback is done by the client, as kubectl does (see the kubectl
//     package), and change-cause annotations are shown but never recorded
//     for you.
//   - The cluster is single-stack IPv4: IPv6 cluster IPs and families, and
//     RequireDualStack, get the errors a v4-only apiserver gives.
//   - The apiserver allocates a Service's cluster IP and node ports before
//     validating it and undoes that on failure; svcsim validates first, and
//     takes explicit requests before making random picks, so a rejected
//     write changes and draws nothing, and a Service's random pick never
//     takes a port the same Service asks for. Only the order of errors for
//     a Service both invalid and unallocatable differs.
//   - The kubernetes Service's Endpoints and EndpointSlice name one fixed
//     control-plane address, the one before the first node's, written as
//     the apiserver writes them.
//   - The kubelet reads Services from the store when a container starts,
//     not through its own lagging watch.
//   - The load balancer is a pool of addresses handed out in order: no
//     cloud, finalizers, IP modes, loadBalancerClass or source ranges.
//   - Kinds so far: Namespace, Node, Pod, ReplicaSet, ReplicationController,
//     Deployment, Service, Endpoints, EndpointSlice. The ReplicationController
//     manager is the ReplicaSet controller over a ReplicationController seen
//     as a ReplicaSet, as in Kubernetes; deleting a ReplicationController
//     deletes its pods, as kubectl delete asks, where the raw v1 API's
//     default would orphan them.
package cluster

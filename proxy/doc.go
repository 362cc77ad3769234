// Package proxy is svcsim's data plane: kube-proxy on every node, the apps
// in the pods, and the clients whose requests travel between them.
//
// # kube-proxy
//
// [Start] runs a proxy on every node. Each watches Services and
// EndpointSlices with its own lag and reprograms its rules at most once per
// MinSyncPeriod (1 s by default), and again every SyncPeriod (30 s) in the
// background. A rule maps a Service's cluster IP and port, its NodePort on
// every node's IP, and its load-balancer and external IPs, to the
// Service's usable endpoints ([Usable]: the ready ones, else those serving
// while terminating). Headless and ExternalName Services get no rules. A
// new connection picks one endpoint: uniformly at random in iptables mode
// (the default), drawing from a seeded stream of the client's (each load
// has one, lone requests share one, Connect has its own), or round robin
// in IPVS mode, with ClientIP session affinity if the Service asks.
//
// # The lag model
//
// Nothing in a cluster learns of a change at once. When you label a pod,
// the endpoints controller hears of it after its watch lag and rewrites the
// EndpointSlice; each node's kube-proxy hears of that after its own lag, and
// then waits until a second has passed since its last sync before it
// reprograms its rules. Until then that node still sends connections where
// it did before — to a pod that may already be gone. With the cluster's
// default [cluster.Instant] timing all of this happens in the same instant
// except the proxies' one-second batching; with [cluster.Realistic] timing
// each step takes milliseconds and the nodes disagree for a moment. That
// window is why a blue-green switch that deletes the old pods right after
// relabelling loses requests, and why waiting for the proxies, or a preStop
// sleep longer than their lag, makes it lossless.
//
// # How a request ends
//
// [Proxies.Send], [Proxies.Do] and [Proxies.Generate] send HTTP requests
// from a [Client] — a pod, a node, or a machine outside the cluster — at
// the current virtual time. A pod client resolves names through the
// cluster DNS (package dns) with its namespace's search path; the packets
// meet the kube-proxy rules of the client's node (or, from outside, of the
// node they arrive at); the chosen pod's app answers. Each request ends in
// one [Outcome]:
//
//   - Answered: the app sent a response (its status may still be a 5xx).
//   - Refused, at once: the Service has no usable endpoint, so kube-proxy
//     REJECTs the connection; or the chosen pod has stopped listening
//     (after SIGTERM, or a crash); or nothing listens on that port, as when
//     a Service's targetPort misses the app's port. The lab's transcript
//     shows a timeout for a Service with no pods: kube-proxy DROPped such
//     traffic before it learned to REJECT it.
//   - TimedOut, after the client's timeout (5 s by default): the packets
//     went nowhere. A Local traffic policy with no endpoint on this node
//     (kube-proxy DROPs), a stale rule pointing at a pod that is gone, a pod
//     whose node is down, a cluster or pod address tried from outside, or
//     an app slower than the client's patience.
//   - Reset: the app accepted the connection but its process died before
//     answering: it exited on SIGTERM, crashed, or was killed. (A restart
//     of any container of the pod counts, even a sidecar's: svcsim does
//     not track which process holds a connection.)
//   - Unresolved: the name did not resolve: no such Service (yet, in the
//     DNS server's lagging view), a headless Service with no ready pod, or a
//     cluster name asked from a node or from outside.
//
// # Apps
//
// What a pod answers is decided by its containers' images through the
// [Apps] registry: nginx serves its welcome page on port 80, httpd its "It
// works!" page, the lab's hostinfo image "<pod name> <pod IP>" on 9898.
// Register your own [App] for an image — a canary that fails one request in
// twenty, a slow one — and every pod running it answers that way.
//
// # Measurements
//
// Two measurements read the data plane without changing it.
// [Proxies.MeasureProgramming] starts measuring network programming
// latency, SIG-Scalability's SLI: from each change to which pods are a
// Service's ready endpoints until each node's proxy has programmed it
// ([Proxies.ProgrammingLatency], [Node.ProgrammingLatency]).
// [Node.Shares] gives the share of each version among the endpoints a
// node's rules hold right now: what a load's [Tally] should see, sync by
// sync.
//
// # Load
//
// [Proxies.Generate] sends a steady or Poisson stream of requests while
// anything else happens, and its [Tally] counts the outcomes per interval,
// per pod and per version label. A pick allocates nothing, and neither does
// a request in flight: a million requests against a 1,000-pod Service take
// about a second.
package proxy

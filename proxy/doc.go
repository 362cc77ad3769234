// Package proxy is svcsim's kube-proxy: on every node, the rules that turn
// a connection to a Service's address into a connection to one of its
// pods, and the connections themselves.
//
// [Start] runs a proxy on every node. Each watches Services and
// EndpointSlices with its own lag and reprograms its rules at most once per
// MinSyncPeriod (1 s by default), so for a moment after a change the nodes
// may route differently — the window in which a hasty blue-green switch
// loses requests. [Proxies.Connect] opens a connection at the current
// virtual time from a node (or from outside, through a node's NodePort or a
// load balancer) and says how it ended:
//
//   - Answered: a pod accepted it.
//   - Refused: the Service has no usable endpoint, so kube-proxy rejects the
//     connection at once; or the chosen pod's app has stopped listening
//     (SIGTERM, a crash). Older kube-proxies dropped instead, which is why
//     some tutorials show a timeout here.
//   - TimedOut: nothing answers: a Local traffic policy with no endpoint on
//     this node (kube-proxy drops), a rule still pointing at a pod that is
//     gone, a pod whose node is down, or an address nobody has.
//
// The data plane's decisions are exposed on their own: [Usable] (ready
// endpoints, else serving-and-terminating ones; only this node's under a
// Local policy), [HasAny], and [Backends.Pick]: uniformly at random from
// the loop's seeded source, as iptables' statistic rules do, or round robin
// (IPVS), with ClientIP session affinity in virtual time. A pick allocates
// nothing.
//
// Not yet modelled: cluster DNS, apps with their own responses, request
// latency and the load generator; they come with the rest of the proxy
// issue.
package proxy

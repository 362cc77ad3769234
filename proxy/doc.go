// Package proxy is svcsim's kube-proxy: the per-node tables that turn a
// connection to a Service's address into a connection to one of its pods.
//
// This first part holds the data plane's decisions, free of any cluster:
// which endpoints a Service port may use ([Usable]: ready ones, else the
// serving-and-terminating ones; only this node's under a Local traffic
// policy), and how one is picked ([Backends.Pick]): uniformly at random
// from the loop's seeded source, as iptables' statistic rules do, or round
// robin, as IPVS's default scheduler does, with ClientIP session affinity
// in virtual time. A pick allocates nothing.
//
// The proxies that watch a cluster and program these tables on every node,
// DNS and request-level traffic are built on it next.
package proxy

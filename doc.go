// Package svcsim puts a simulated cluster together with its data plane:
// the control plane and nodes of package cluster, the endpoints
// controller, the cluster DNS and kube-proxy on every node. It is the
// quickest way to a cluster you can send requests to; each part can also
// be started on its own, with its own options, from its package.
package svcsim

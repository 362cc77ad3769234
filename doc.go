// Package svcsim puts a simulated cluster together with its data plane:
// the control plane and nodes of package cluster, the endpoints
// controller, the cluster DNS and kube-proxy on every node. It is the
// quickest way to a cluster you can send requests to; each part can also
// be started on its own, with its own options, from its package.
//
//	c, err := svcsim.New(svcsim.Config{Seed: 1})
//	k := c.Kubectl("default")          // a client that can reach the network
//	r, err := c.Fetch("client", "web") // kubectl exec client -- wget -qO - web
//
// Config holds the cluster's settings under cluster.Config's own names,
// and the data plane's options beside them. Cluster embeds the cluster's
// Sim, so its methods (Settle, Get, List, ...) are the Cluster's; the root
// package adds only names the Sim does not use.
package svcsim

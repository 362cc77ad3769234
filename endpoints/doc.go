// Package endpoints is the Endpoints and EndpointSlice controller: for
// every Service with a selector it keeps an Endpoints object of the same
// name, and a set of EndpointSlices, listing the pods the selector matches
// with their addresses, ports and readiness, as Kubernetes' two controllers
// do.
//
// It is an ordinary watcher of the cluster's store: it learns of Services
// and pods only through its watches, with its own lag, and writes only
// Endpoints and EndpointSlices. Start it on a cluster with [Start].
//
// # Incremental by design
//
// Kubernetes' controller recomputes a Service by listing every pod in its
// namespace. This one keeps, for each pod, the Services that select it, and
// finds the Services a changed pod may now match through an index of
// Services by the label pairs their selectors require. A pod change costs
// time proportional to the few Services it concerns and their own pods,
// whatever the size of the cluster.
//
// # Simplifications
//
// Endpoints follow Kubernetes exactly as far as kubectl can tell: which
// pods are included, ready and not-ready addresses, named target ports
// resolved per pod, subsets grouped by identical address sets, the 1000
// address cap. Subsets and ports are ordered by port name and number, since
// Kubernetes' hash-based order cannot be reproduced. EndpointSlices have the
// same contents as Kubernetes' (conditions, labels, owner, placeholder, at
// most MaxEndpointsPerSlice endpoints each), but are packed more simply:
// each port group's endpoints are sorted by address and cut into full
// slices, reusing existing slice names, rather than by the reconciler's
// fill-the-fullest heuristics.
package endpoints

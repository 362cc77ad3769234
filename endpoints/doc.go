// Package endpoints is the Endpoints and EndpointSlice controller: for
// every Service with a selector it keeps an Endpoints object of the same
// name, and a set of EndpointSlices, listing the pods the selector matches
// with their addresses, ports and readiness, as Kubernetes' two controllers
// do.
//
// It is an ordinary watcher of the cluster's store: it learns of Services,
// pods and nodes only through its watches, with its own lag, reads back
// only the objects it writes, and writes only Endpoints, EndpointSlices
// and the warning events of writes the store refused. Start it on a
// cluster with [Start].
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
// # What it writes
//
// Endpoints follow Kubernetes exactly as far as kubectl can tell: which
// pods are included, ready and not-ready addresses, named target ports
// resolved per pod, subsets grouped by identical address sets, the 1000
// address cap and its over-capacity annotation, the Service's labels with
// the managed-by label and the [HeadlessLabel] exactly when the Service
// has no cluster IP. EndpointSlices have the same contents as Kubernetes'
// (conditions, each endpoint's node and its node's
// topology.kubernetes.io/zone, labels, owner, placeholder, at most
// MaxEndpointsPerSlice endpoints each).
//
// Both carry the [TriggerTimeAnnotation] as Kubernetes computes it: the
// Service's creation time on its first sync, and after that the earliest
// Ready-condition transition among the pods that changed since the last
// sync; a write with no such change removes it, and an object that needs
// no write keeps it. Times are whole seconds, as the API stores them.
//
// A node's zone is read when a Service syncs: as in Kubernetes, relabelling
// a node does not by itself rewrite any slice.
//
// # Simplifications
//
// Subsets and ports are ordered by port name and number, since
// Kubernetes' hash-based order cannot be reproduced. EndpointSlices are
// packed more simply than by the reconciler's fill-the-fullest heuristics:
// each port group's endpoints are sorted by address and cut into full
// slices, reusing existing slice names. The two controllers are one here:
// they sync a Service at the same moment and share one trigger-time
// record. Kubernetes' EndpointSlice controller leaves out a pod whose Node
// object does not exist (unless publishNotReadyAddresses) and retries the
// Service with back-off; this one lists the pod, without a zone.
package endpoints

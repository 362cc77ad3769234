// Package endpoints is the Endpoints and EndpointSlice controller: for
// every Service with a selector it keeps an Endpoints object of the same
// name, and a set of EndpointSlices, listing the pods the selector matches
// with their addresses, ports and readiness, as Kubernetes' two controllers
// do.
//
// It is an ordinary watcher of the cluster's store: it learns of Services,
// pods and nodes only through its watches, with its own lag, and writes
// only Endpoints, EndpointSlices and the warning events of writes the
// store refused. Start it on a cluster with [Start].
//
// # Incremental by design
//
// Kubernetes' controller recomputes a Service by listing every pod in its
// namespace. This one keeps, for each pod, the Services that select it, and
// finds the Services a changed pod may now match through an index of
// Services by the label pairs their selectors require. For each Service it
// keeps the addresses of its Endpoints sorted, and its EndpointSlices as
// it wrote them, and a sync works only on the pods that changed since the
// last: a pod change costs time proportional to the few Services it
// concerns and what changed in them, whatever the size of the cluster or
// of the Services, and rewrites one slice. The Endpoints object is still
// written whole, up to its 1000 addresses, as the API has it.
//
// It does not read back what it wrote; it notices writes by others to its
// objects through its watches, as Kubernetes' controllers do: a deleted
// Endpoints object is made again at once, a slice changed or deleted is
// put right a second later, and a changed Endpoints object at the
// Service's next sync.
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
// MaxEndpointsPerSlice endpoints each), laid out as its reconciler lays
// them out: an endpoint that changes is updated in place, one that goes
// is removed from its slice (and a slice left empty deleted), new ones
// fill the slices being updated, fullest first, then the one slice they
// fit best, before a new slice is made, and a slice about to be deleted
// is reused for one about to be made.
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
// Kubernetes' hash-based order cannot be reproduced. Where the reconciler
// takes Go's map order (which new endpoint goes into a slice first, which
// of two equally full slices is filled), this one takes addresses and
// slice names. The two controllers are one here:
// they sync a Service at the same moment and share one trigger-time
// record. Kubernetes' EndpointSlice controller leaves out a pod whose Node
// object does not exist (unless publishNotReadyAddresses) and retries the
// Service with back-off; this one lists the pod, without a zone. It knows
// its slices by the names it gave them: a slice someone else makes with
// its labels is left alone, where Kubernetes' controller would take it
// over or delete it. A write the store refuses is recorded as a warning
// event and not retried at once; the Service's next sync reads its objects
// back and tries again.
package endpoints

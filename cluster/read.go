package cluster

// What a client of the store needs to know about kinds and workloads,
// beyond the objects themselves. The kubectl package is such a client, as
// the real kubectl is of the apiserver: it reads these facts here rather
// than keeping copies that could drift from what the controllers do.

// ClusterScoped reports whether objects of kind live outside namespaces,
// as Nodes and Namespaces do.
func ClusterScoped(kind Kind) bool { return clusterScoped(kind) }

// StoredKind reports whether the store holds objects of kind: "Pod" is
// one, "pod" and "ConfigMap" are not.
func StoredKind(kind Kind) bool { return storedKind(kind) }

// Resource is the lowercase singular resource name of kind that kubectl
// prints in its messages: "pod", "deployment", "endpointslice".
func Resource(kind Kind) string { return resource(kind) }

// Revision is the rollout revision the Deployment controller recorded on a
// Deployment or ReplicaSet (its deployment.kubernetes.io/revision
// annotation), or 0 when there is none.
func Revision(o Object) int64 {
	if isNilObject(o) {
		return 0
	}
	return revision(o)
}

// EqualIgnoreHash reports whether two pod templates are the same apart
// from the pod-template-hash label, which is how the Deployment controller
// decides that a ReplicaSet runs a Deployment's current template.
func EqualIgnoreHash(a, b *PodTemplateSpec) bool {
	if a == nil || b == nil {
		return a == b
	}
	return sameTemplate(a, b)
}

// SplitReplicaSets divides a Deployment's ReplicaSets as its controller
// does: the new one is the oldest whose template matches the Deployment's
// (nil if none does), and every other is old, oldest first. Nil entries
// are skipped.
func SplitReplicaSets(d *Deployment, rss []*ReplicaSet) (newRS *ReplicaSet, old []*ReplicaSet) {
	if d == nil {
		return nil, nil
	}
	var live []*ReplicaSet
	for _, rs := range rss {
		if rs != nil {
			live = append(live, rs)
		}
	}
	return split(d, live)
}

package cluster

import "github.com/svcsim/svcsim/selector"

// replicationManagerName is the ReplicationController manager's name, as
// the source of its events.
const replicationManagerName = "replication-controller"

// replicaKind adapts the ReplicaSet controller to a kind of object it
// manages. Kubernetes runs its ReplicationController manager as the
// ReplicaSet controller over adapters that convert each
// ReplicationController to a ReplicaSet and back
// (pkg/controller/replication/conversion.go); this is svcsim's version of
// them, so that both kinds share one implementation of adoption, release,
// scaling, victim ranking and status.
type replicaKind struct {
	kind Kind
	// apiVersion is that of the owner references the controller writes.
	apiVersion string
	// component names the controller in traces and as its events' source.
	component string
	// mutableSelector is set for a kind whose selector may change after
	// creation, so that the controller must notice when it does.
	mutableSelector bool
	// asReplicaSet returns a stored object as a ReplicaSet, sharing what
	// it can with it; the result must not be modified.
	asReplicaSet func(Object) *ReplicaSet
	// withStatus returns a copy of a stored object with another status.
	withStatus func(Object, ReplicaSetStatus) Object
}

// replicaSetKind is the ReplicaSet controller's own kind: no conversion.
var replicaSetKind = &replicaKind{
	kind:         KindReplicaSet,
	apiVersion:   "apps/v1",
	component:    replicaSetControllerName,
	asReplicaSet: func(o Object) *ReplicaSet { return o.(*ReplicaSet) },
	withStatus: func(o Object, st ReplicaSetStatus) Object {
		rs := *o.(*ReplicaSet)
		rs.Status = st
		return &rs
	},
}

// replicationControllerKind is the ReplicationController manager's kind:
// its equality selector becomes matchLabels, and its status, which has
// the same fields, carries over as it is.
var replicationControllerKind = &replicaKind{
	kind:            KindReplicationController,
	apiVersion:      "v1",
	component:       replicationManagerName,
	mutableSelector: true,
	asReplicaSet: func(o Object) *ReplicaSet {
		rc := o.(*ReplicationController)
		rs := &ReplicaSet{ObjectMeta: rc.ObjectMeta, Status: rc.Status}
		rs.Spec.Replicas = rc.Spec.Replicas
		rs.Spec.MinReadySeconds = rc.Spec.MinReadySeconds
		rs.Spec.Selector = &selector.LabelSelector{MatchLabels: rc.Spec.Selector}
		if rc.Spec.Template != nil {
			rs.Spec.Template = *rc.Spec.Template
		}
		return rs
	},
	withStatus: func(o Object, st ReplicaSetStatus) Object {
		rc := *o.(*ReplicationController)
		rc.Status = st
		return &rc
	},
}

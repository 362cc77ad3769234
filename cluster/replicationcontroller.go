package cluster

import "github.com/svcsim/svcsim/selector"

// KindReplicationController is the core/v1 kind that came before
// ReplicaSets: the legacy controller, still served and still run.
const KindReplicationController Kind = "ReplicationController"

// ReplicationController is the legacy form of a ReplicaSet: it keeps a
// number of pods matching its selector running, and is run by the same
// controller code in Kubernetes. Three things tell it apart: its
// selector is a plain label map matched by equality (no expressions),
// that selector may change after creation, and an empty one is filled
// in from the template's labels. Its pods carry the template's labels
// only (no pod-template-hash) and are named "<name>-<5 random characters>".
//
// Deleting one with [Sim.Delete] deletes its pods in the background, as
// `kubectl delete rc` does; the raw v1 API's own default for this kind
// is to orphan them, which svcsim does not model.
type ReplicationController struct {
	ObjectMeta `json:"metadata"`
	Spec       ReplicationControllerSpec   `json:"spec"`
	Status     ReplicationControllerStatus `json:"status,omitempty"`
}

// ReplicationControllerSpec is how many pods, selected by which labels,
// made from what template.
type ReplicationControllerSpec struct {
	// Replicas defaults to 1.
	Replicas *int32 `json:"replicas,omitempty"`
	// MinReadySeconds is how long a pod must be ready to count as available.
	MinReadySeconds int32 `json:"minReadySeconds,omitempty"`
	// Selector is matched by equality. When empty it defaults to the
	// template's labels; it must then be non-empty and match them. Unlike
	// a ReplicaSet's, it may be changed.
	Selector selector.Set `json:"selector,omitempty"`
	// Template is the pod to create; required.
	Template *PodTemplateSpec `json:"template,omitempty"`
}

// ReplicationControllerStatus has the same fields as a ReplicaSet's
// status, as in Kubernetes: the counts of its pods as the controller last
// saw them, the generation it saw, and a ReplicaFailure condition while
// it cannot create pods.
type ReplicationControllerStatus = ReplicaSetStatus

// ReplicationControllerCondition is a [ReplicationControllerStatus]
// condition, such as ReplicaFailure.
type ReplicationControllerCondition = ReplicaSetCondition

// Meta returns the ReplicationController's metadata.
func (r *ReplicationController) Meta() *ObjectMeta { return &r.ObjectMeta }

// Kind returns KindReplicationController.
func (*ReplicationController) Kind() Kind { return KindReplicationController }

// DeepCopyObject returns an independent copy.
func (r *ReplicationController) DeepCopyObject() Object { return r.DeepCopy() }

// DeepCopy returns an independent copy.
func (r *ReplicationController) DeepCopy() *ReplicationController {
	c := *r
	c.ObjectMeta = r.ObjectMeta.deepCopy()
	c.Spec.Replicas = clonePtr(r.Spec.Replicas)
	c.Spec.Selector = r.Spec.Selector.Clone()
	if r.Spec.Template != nil {
		t := r.Spec.Template.deepCopy()
		c.Spec.Template = &t
	}
	c.Status.Conditions = append([]ReplicaSetCondition(nil), r.Status.Conditions...)
	return &c
}

func (*ReplicationController) sealed() {}

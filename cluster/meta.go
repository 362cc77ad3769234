package cluster

import (
	"maps"
	"slices"

	"github.com/svcsim/svcsim/selector"
)

// Kind names a type of API object, as in a manifest's "kind:".
type Kind string

// The kinds the store holds. Later layers add ReplicaSet, Deployment,
// Service, Endpoints and EndpointSlice in the same pattern.
const (
	KindNamespace Kind = "Namespace"
	KindNode      Kind = "Node"
	KindPod       Kind = "Pod"
	// KindReplicaSet and KindDeployment are the apps/v1 workload kinds.
	KindReplicaSet Kind = "ReplicaSet"
	KindDeployment Kind = "Deployment"
)

// Object is an API object the store holds: a typed value with metadata.
// Every object type in this package implements it; the set is closed.
type Object interface {
	// Meta returns the object's metadata, for reading and editing in place.
	Meta() *ObjectMeta
	// Kind returns the object's kind; it works on a nil pointer too.
	Kind() Kind
	// DeepCopyObject returns an independent copy.
	DeepCopyObject() Object
	sealed()
}

// ObjectMeta is the metadata every object carries, with Kubernetes' names
// and meanings. Timestamps are virtual [Time].
type ObjectMeta struct {
	// Name is unique within the namespace (or the cluster, for cluster-scoped
	// kinds). On create it may be left empty if GenerateName is set.
	Name string `json:"name,omitempty"`
	// GenerateName is a prefix to which the store appends five random
	// characters to make a unique Name, as the apiserver does.
	GenerateName string `json:"generateName,omitempty"`
	// Namespace is empty for cluster-scoped kinds (Namespace, Node).
	Namespace string `json:"namespace,omitempty"`
	// UID is set by the store on create and never changes.
	UID string `json:"uid,omitempty"`
	// ResourceVersion changes on every write; an update carrying a stale one
	// fails with a conflict. Zero on an update means "don't check".
	ResourceVersion uint64 `json:"resourceVersion,omitempty"`
	// Generation counts changes to the object's spec: 1 on create, one
	// more with each update that changes the spec.
	Generation int64 `json:"generation,omitempty"`
	// Labels are the object's labels, validated as Kubernetes does.
	Labels selector.Set `json:"labels,omitempty"`
	// Annotations are free-form key/value metadata with label-style keys.
	Annotations map[string]string `json:"annotations,omitempty"`
	// OwnerReferences name the objects this one belongs to.
	OwnerReferences []OwnerReference `json:"ownerReferences,omitempty"`
	// CreationTimestamp is set by the store on create.
	CreationTimestamp Time `json:"creationTimestamp,omitempty"`
	// DeletionTimestamp is set when a graceful delete has begun.
	DeletionTimestamp *Time `json:"deletionTimestamp,omitempty"`
	// DeletionGracePeriodSeconds is the grace period of that delete.
	DeletionGracePeriodSeconds *int64 `json:"deletionGracePeriodSeconds,omitempty"`
}

// OwnerReference points from an object to the object that owns it; at most
// one owner per object is its controller.
type OwnerReference struct {
	APIVersion         string `json:"apiVersion"`
	Kind               Kind   `json:"kind"`
	Name               string `json:"name"`
	UID                string `json:"uid"`
	Controller         *bool  `json:"controller,omitempty"`
	BlockOwnerDeletion *bool  `json:"blockOwnerDeletion,omitempty"`
}

// deepCopy returns an independent copy of m.
func (m *ObjectMeta) deepCopy() ObjectMeta {
	c := *m
	c.Labels = m.Labels.Clone()
	c.Annotations = maps.Clone(m.Annotations)
	if m.OwnerReferences != nil {
		c.OwnerReferences = make([]OwnerReference, len(m.OwnerReferences))
		for i, r := range m.OwnerReferences {
			c.OwnerReferences[i] = r
			c.OwnerReferences[i].Controller = clonePtr(r.Controller)
			c.OwnerReferences[i].BlockOwnerDeletion = clonePtr(r.BlockOwnerDeletion)
		}
	}
	c.DeletionTimestamp = clonePtr(m.DeletionTimestamp)
	c.DeletionGracePeriodSeconds = clonePtr(m.DeletionGracePeriodSeconds)
	return c
}

// ControllerRef returns the owner reference marked as controller, if any.
func (m *ObjectMeta) ControllerRef() (OwnerReference, bool) {
	for _, r := range m.OwnerReferences {
		if r.Controller != nil && *r.Controller {
			return r, true
		}
	}
	return OwnerReference{}, false
}

func clonePtr[T any](p *T) *T {
	if p == nil {
		return nil
	}
	v := *p
	return &v
}

// Ptr returns a pointer to a copy of v, for the optional fields of API
// objects: Ptr(int64(5)).
func Ptr[T any](v T) *T { return &v }

// key returns the store key of an object: "namespace/name", or "name" for a
// cluster-scoped kind.
func key(namespace, name string) string {
	if namespace == "" {
		return name
	}
	return namespace + "/" + name
}

// objectRef renders an object for traces and events: "pod/default/web-1".
func objectRef(kind Kind, namespace, name string) string {
	if namespace == "" {
		return resource(kind) + "/" + name
	}
	return resource(kind) + "/" + namespace + "/" + name
}

// resource is the lowercase singular resource name kubectl uses: "pod".
func resource(kind Kind) string {
	switch kind {
	case KindNamespace:
		return "namespace"
	case KindNode:
		return "node"
	case KindPod:
		return "pod"
	}
	b := []byte(kind)
	for i, c := range b {
		if 'A' <= c && c <= 'Z' {
			b[i] = c + 'a' - 'A'
		}
	}
	return string(b)
}

// plural is the resource name the apiserver's messages use, qualified by
// its API group outside the core group: `pods "web-1" not found`,
// `deployments.apps "web" not found`.
func plural(kind Kind) string {
	switch kind {
	case KindEndpoints:
		return "endpoints"
	case KindDeployment, KindReplicaSet:
		return resource(kind) + "s.apps"
	case KindEndpointSlice:
		return resource(kind) + "s.discovery.k8s.io"
	}
	return resource(kind) + "s"
}

// clusterScoped reports whether objects of kind live outside namespaces.
func clusterScoped(kind Kind) bool { return kind == KindNamespace || kind == KindNode }

// sortedKeys returns the keys of m in ascending order.
func sortedKeys[V any](m map[string]V) []string { return slices.Sorted(maps.Keys(m)) }

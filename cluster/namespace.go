package cluster

// Namespace partitions names: namespaced objects are unique by
// (namespace, name). The cluster starts with "default", "kube-system",
// "kube-public" and "kube-node-lease".
type Namespace struct {
	ObjectMeta `json:"metadata"`
	Status     NamespaceStatus `json:"status,omitempty"`
}

// NamespaceStatus says whether the namespace is Active or Terminating.
type NamespaceStatus struct {
	Phase string `json:"phase,omitempty"`
}

// Namespace phases.
const (
	NamespaceActive      = "Active"
	NamespaceTerminating = "Terminating"
)

// Meta returns the namespace's metadata.
func (n *Namespace) Meta() *ObjectMeta { return &n.ObjectMeta }

// Kind returns KindNamespace.
func (*Namespace) Kind() Kind { return KindNamespace }

// DeepCopyObject returns an independent copy.
func (n *Namespace) DeepCopyObject() Object { return n.DeepCopy() }

// DeepCopy returns an independent copy.
func (n *Namespace) DeepCopy() *Namespace {
	c := *n
	c.ObjectMeta = n.ObjectMeta.deepCopy()
	return &c
}

func (*Namespace) sealed() {}

package cluster

// Node is a machine that runs pods: a kubelet and a kube-proxy live on each.
type Node struct {
	ObjectMeta `json:"metadata"`
	Spec       NodeSpec   `json:"spec,omitempty"`
	Status     NodeStatus `json:"status,omitempty"`
}

// NodeSpec holds the node's pod address range and whether new pods may be
// placed on it.
type NodeSpec struct {
	// PodCIDR is the range the node's pods get their IPs from.
	PodCIDR string `json:"podCIDR,omitempty"`
	// Unschedulable keeps the scheduler from placing new pods on the node.
	Unschedulable bool `json:"unschedulable,omitempty"`
}

// NodeStatus is what the node's kubelet and the node lifecycle controller
// report.
type NodeStatus struct {
	Addresses  []NodeAddress   `json:"addresses,omitempty"`
	Conditions []NodeCondition `json:"conditions,omitempty"`
	NodeInfo   NodeSystemInfo  `json:"nodeInfo,omitempty"`
}

// NodeAddress is one of the node's addresses, such as its InternalIP.
type NodeAddress struct {
	Type    string `json:"type"`
	Address string `json:"address"`
}

// NodeCondition is one aspect of the node's health; svcsim models Ready.
type NodeCondition struct {
	Type               string          `json:"type"`
	Status             ConditionStatus `json:"status"`
	LastHeartbeatTime  Time            `json:"lastHeartbeatTime,omitempty"`
	LastTransitionTime Time            `json:"lastTransitionTime,omitempty"`
	Reason             string          `json:"reason,omitempty"`
	Message            string          `json:"message,omitempty"`
}

// NodeSystemInfo describes the node's software, as kubectl get nodes shows.
type NodeSystemInfo struct {
	KubeletVersion string `json:"kubeletVersion,omitempty"`
}

// ConditionStatus is "True", "False" or "Unknown".
type ConditionStatus string

// Condition statuses.
const (
	ConditionTrue    ConditionStatus = "True"
	ConditionFalse   ConditionStatus = "False"
	ConditionUnknown ConditionStatus = "Unknown"
)

// InternalIP returns the node's InternalIP address, or "".
func (n *Node) InternalIP() string {
	for _, a := range n.Status.Addresses {
		if a.Type == "InternalIP" {
			return a.Address
		}
	}
	return ""
}

// Ready returns the status of the node's Ready condition, Unknown if absent.
func (n *Node) Ready() ConditionStatus {
	for _, c := range n.Status.Conditions {
		if c.Type == "Ready" {
			return c.Status
		}
	}
	return ConditionUnknown
}

// Meta returns the node's metadata.
func (n *Node) Meta() *ObjectMeta { return &n.ObjectMeta }

// Kind returns KindNode.
func (*Node) Kind() Kind { return KindNode }

// DeepCopyObject returns an independent copy.
func (n *Node) DeepCopyObject() Object { return n.DeepCopy() }

// DeepCopy returns an independent copy.
func (n *Node) DeepCopy() *Node {
	c := *n
	c.ObjectMeta = n.ObjectMeta.deepCopy()
	c.Status.Addresses = append([]NodeAddress(nil), n.Status.Addresses...)
	c.Status.Conditions = append([]NodeCondition(nil), n.Status.Conditions...)
	return &c
}

func (*Node) sealed() {}

package cluster

import (
	"fmt"
	"slices"
	"strings"

	"github.com/svcsim/svcsim/selector"
)

// The well-known node labels that place a node in the cloud's topology.
const (
	// LabelTopologyZone names the node's failure zone; the EndpointSlice
	// controller copies it into each endpoint's zone field.
	LabelTopologyZone = "topology.kubernetes.io/zone"
	// LabelTopologyRegion names the region the node's zone is in.
	LabelTopologyRegion = "topology.kubernetes.io/region"
)

// topologyConfig checks Config.Zones and Config.Region as the apiserver
// would check the node labels they become, and takes a copy of Zones so
// that the caller's slice can change without changing the cluster.
func topologyConfig(cfg *Config) error {
	for i, z := range cfg.Zones {
		if p := selector.ValueProblems(z); p != nil {
			return fmt.Errorf("%w: Zones[%d] %q is not a valid label value: %s", ErrConfig, i, z, strings.Join(p, "; "))
		}
	}
	if p := selector.ValueProblems(cfg.Region); p != nil {
		return fmt.Errorf("%w: Region %q is not a valid label value: %s", ErrConfig, cfg.Region, strings.Join(p, "; "))
	}
	cfg.Zones = slices.Clone(cfg.Zones)
	return nil
}

// nodeState is the simulation's own record of a node: its address range
// and whether it is up. The Node object in the store is what components
// see; this is what is true.
type nodeState struct {
	name string
	ip   string
	ipam *ipam
	up   bool
	down int // counts outages, so a timer knows whether it belongs to the current one
}

// bootstrap creates the built-in namespaces, the nodes and the kubernetes
// Service, and starts the scheduler, the controllers and a kubelet per
// node, as a freshly installed cluster has them.
func (s *Sim) bootstrap(plan netPlan) {
	s.current = "bootstrap"
	defer func() { s.current = "" }()
	for _, ns := range []string{"default", "kube-node-lease", "kube-public", "kube-system"} {
		if _, err := s.Create(&Namespace{ObjectMeta: ObjectMeta{Name: ns}}); err != nil {
			panic(err) // fixed names: cannot fail
		}
	}
	for i, ip := range plan.nodeIPs {
		name := fmt.Sprintf("node-%d", i+1)
		sub := plan.podRanges[i]
		st := &nodeState{name: name, ip: ip.String(), ipam: newIPAM(sub), up: true}
		s.nodes = append(s.nodes, st)
		labels := map[string]string{"kubernetes.io/arch": "amd64", "kubernetes.io/hostname": name, "kubernetes.io/os": "linux"}
		if len(s.cfg.Zones) > 0 {
			labels[LabelTopologyZone] = s.cfg.Zones[i%len(s.cfg.Zones)]
		}
		if s.cfg.Region != "" {
			labels[LabelTopologyRegion] = s.cfg.Region
		}
		node := &Node{
			ObjectMeta: ObjectMeta{Name: name, Labels: labels},
			Spec:       NodeSpec{PodCIDR: sub.String()},
			Status: NodeStatus{
				Addresses:  []NodeAddress{{Type: "InternalIP", Address: st.ip}, {Type: "Hostname", Address: name}},
				Conditions: []NodeCondition{{Type: "Ready", Status: ConditionTrue, Reason: "KubeletReady", Message: "kubelet is posting ready status", LastHeartbeatTime: s.now, LastTransitionTime: s.now}},
				NodeInfo:   NodeSystemInfo{KubeletVersion: KubernetesVersion},
			},
		}
		if _, err := s.Create(node); err != nil {
			panic(err)
		}
	}
	s.bootstrapServices(plan.controlPlane)
	s.startScheduler()
	s.startReplicaSetController()
	s.startDeploymentController()
	s.startGarbageCollector()
	s.startPodGC()
	s.startLoadBalancerController()
	for _, n := range s.nodes {
		s.startKubelet(n)
	}
}

// KubernetesVersion is the Kubernetes release whose behaviour svcsim
// follows, shown as the nodes' kubelet version.
const KubernetesVersion = "v1.37.2"

// node returns the state of the named node.
func (s *Sim) node(name string) *nodeState {
	for _, n := range s.nodes {
		if n.name == name {
			return n
		}
	}
	return nil
}

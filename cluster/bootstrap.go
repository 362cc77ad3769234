package cluster

import (
	"fmt"
	"net/netip"
)

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
func (s *Sim) bootstrap(base netip.Addr) {
	s.current = "bootstrap"
	defer func() { s.current = "" }()
	for _, ns := range []string{"default", "kube-node-lease", "kube-public", "kube-system"} {
		if _, err := s.Create(&Namespace{ObjectMeta: ObjectMeta{Name: ns}}); err != nil {
			panic(err) // fixed names: cannot fail
		}
	}
	ip := base
	hostBits := 32 - s.cfg.NodeCIDRMaskSize
	for i := 0; i < s.cfg.Nodes; i++ {
		name := fmt.Sprintf("node-%d", i+1)
		a := s.podCIDR.Addr().As4()
		v := uint32(a[0])<<24 | uint32(a[1])<<16 | uint32(a[2])<<8 | uint32(a[3])
		v += uint32(i) << hostBits
		sub := netip.PrefixFrom(netip.AddrFrom4([4]byte{byte(v >> 24), byte(v >> 16), byte(v >> 8), byte(v)}), s.cfg.NodeCIDRMaskSize)
		st := &nodeState{name: name, ip: ip.String(), ipam: newIPAM(sub), up: true}
		s.nodes = append(s.nodes, st)
		node := &Node{
			ObjectMeta: ObjectMeta{Name: name, Labels: map[string]string{
				"kubernetes.io/arch": "amd64", "kubernetes.io/hostname": name, "kubernetes.io/os": "linux",
			}},
			Spec: NodeSpec{PodCIDR: sub.String()},
			Status: NodeStatus{
				Addresses:  []NodeAddress{{Type: "InternalIP", Address: st.ip}, {Type: "Hostname", Address: name}},
				Conditions: []NodeCondition{{Type: "Ready", Status: ConditionTrue, Reason: "KubeletReady", Message: "kubelet is posting ready status", LastHeartbeatTime: s.now, LastTransitionTime: s.now}},
				NodeInfo:   NodeSystemInfo{KubeletVersion: KubernetesVersion},
			},
		}
		if _, err := s.Create(node); err != nil {
			panic(err)
		}
		ip = ip.Next()
	}
	s.bootstrapServices(base)
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

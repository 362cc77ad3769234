package cluster

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// The addresses New hands out (issue 10, item 6).

func TestNewRejectsAddressesTheClusterCannotUse(t *testing.T) {
	tests := []struct {
		name string
		cfg  Config
		want []string // fragments of the error, beyond wrapping ErrConfig
	}{
		{"loopback node", Config{NodeIPBase: "127.0.0.2"}, []string{`NodeIPBase "127.0.0.2"`, "control plane's address 127.0.0.1", "loopback"}},
		{"control plane unspecified", Config{NodeIPBase: "0.0.0.1"}, []string{`NodeIPBase "0.0.0.1"`, "0.0.0.0", "unspecified"}},
		{"node unspecified", Config{NodeIPBase: "0.0.0.0"}, []string{`NodeIPBase "0.0.0.0"`, "node-1", "unspecified"}},
		{"this network", Config{NodeIPBase: "0.1.2.3"}, []string{`NodeIPBase "0.1.2.3"`, "0.0.0.0/8"}},
		{"link-local", Config{NodeIPBase: "169.254.1.2"}, []string{`NodeIPBase "169.254.1.2"`, "169.254.1.1", "link-local range"}},
		{"link-local multicast", Config{NodeIPBase: "224.0.0.5"}, []string{`NodeIPBase "224.0.0.5"`, "224.0.0.4", "link-local multicast"}},
		{"multicast", Config{NodeIPBase: "239.1.2.3"}, []string{`NodeIPBase "239.1.2.3"`, "multicast"}},
		{"broadcast", Config{NodeIPBase: "255.255.255.255", Nodes: 1}, []string{`NodeIPBase "255.255.255.255"`, "node-1's address 255.255.255.255", "broadcast"}},
		{"broadcast second node", Config{NodeIPBase: "255.255.255.254", Nodes: 2}, []string{"node-2's address 255.255.255.255", "broadcast"}},
		{"past the last address", Config{NodeIPBase: "255.255.255.254"}, []string{`NodeIPBase "255.255.255.254"`, "node-3's address would be past 255.255.255.255"}},
		{"far past the last address", Config{NodeIPBase: "255.255.255.200", Nodes: 5000, PodCIDR: "10.0.0.0/8"}, []string{"node-57's address would be past"}},
		{"node in the pod CIDR", Config{NodeIPBase: "10.244.0.2"}, []string{`NodeIPBase "10.244.0.2"`, "PodCIDR 10.244.0.0/16"}},
		{"control plane in the pod CIDR", Config{NodeIPBase: "10.245.0.0"}, []string{"control plane's address 10.244.255.255", "PodCIDR"}},
		{"node in the Service CIDR", Config{NodeIPBase: "10.96.0.10"}, []string{`NodeIPBase "10.96.0.10"`, "ServiceCIDR 10.96.0.0/12"}},
		{"third node in the Service CIDR", Config{NodeIPBase: "10.95.255.254"}, []string{"node-3's address 10.96.0.0", "ServiceCIDR"}},
		{"pod CIDR inside the Service CIDR", Config{PodCIDR: "10.96.0.0/16"}, []string{"PodCIDR 10.96.0.0/16 has room for 0 node ranges of /24 outside the ServiceCIDR 10.96.0.0/12, not 3 nodes"}},
		{"loopback pod CIDR", Config{PodCIDR: "127.0.0.0/16"}, []string{"PodCIDR 127.0.0.0/16 overlaps the loopback range (127.0.0.0/8)"}},
		{"link-local pod CIDR", Config{PodCIDR: "169.254.0.0/16"}, []string{"PodCIDR 169.254.0.0/16 overlaps the link-local range"}},
		{"multicast pod CIDR", Config{PodCIDR: "224.0.0.0/16"}, []string{"PodCIDR 224.0.0.0/16 overlaps the multicast range"}},
		{"pod CIDR around a special range", Config{PodCIDR: "160.0.0.0/3", NodeCIDRMaskSize: 24}, []string{"PodCIDR 160.0.0.0/3 overlaps the link-local range"}},
		{"load balancer in the Service CIDR", Config{LoadBalancerIPs: []string{"203.0.113.1", "10.96.0.50"}}, []string{`LoadBalancerIPs: "10.96.0.50"`, "ServiceCIDR"}},
		{"load balancer in the pod CIDR", Config{LoadBalancerIPs: []string{"10.244.1.1"}}, []string{`LoadBalancerIPs: "10.244.1.1"`, "PodCIDR"}},
		{"load balancer on a node", Config{LoadBalancerIPs: []string{"172.18.0.3"}}, []string{`LoadBalancerIPs: "172.18.0.3"`, "node-2's address"}},
		{"load balancer on the last node", Config{LoadBalancerIPs: []string{"172.18.0.4"}}, []string{"node-3's address"}},
		{"load balancer on the control plane", Config{LoadBalancerIPs: []string{"172.18.0.1"}}, []string{`LoadBalancerIPs: "172.18.0.1"`, "control plane's address"}},
		{"load balancer loopback", Config{LoadBalancerIPs: []string{"127.0.0.1"}}, []string{"loopback"}},
		{"load balancer multicast", Config{LoadBalancerIPs: []string{"224.0.0.5"}}, []string{"link-local multicast"}},
		{"load balancer unspecified", Config{LoadBalancerIPs: []string{"0.0.0.0"}}, []string{"unspecified"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var s *Sim
			var err error
			require.NotPanics(t, func() { s, err = New(tt.cfg) })
			require.ErrorIs(t, err, ErrConfig)
			assert.Nil(t, s)
			for _, w := range tt.want {
				assert.Contains(t, err.Error(), w)
			}
		})
	}
}

func TestNewAcceptsAddressesAtTheEdges(t *testing.T) {
	tests := []struct {
		name   string
		cfg    Config
		nodeIP []string
		podIP  string // the first pod's, on node-1
	}{
		{"the last usable addresses", Config{NodeIPBase: "255.255.255.252"}, []string{"255.255.255.252", "255.255.255.253", "255.255.255.254"}, "10.244.0.2"},
		{"the first usable addresses", Config{NodeIPBase: "1.0.0.1", Nodes: 1}, []string{"1.0.0.1"}, "10.244.0.2"},
		{"just below the Service CIDR", Config{NodeIPBase: "10.95.255.253"}, []string{"10.95.255.253", "10.95.255.254", "10.95.255.255"}, "10.244.0.2"},
		{"a pool beside the nodes", Config{LoadBalancerIPs: []string{"172.18.0.5", "198.51.100.1"}}, []string{"172.18.0.2", "172.18.0.3", "172.18.0.4"}, "10.244.0.2"},
		{"a pod CIDR around the Service CIDR", Config{PodCIDR: "10.0.0.0/8", NodeCIDRMaskSize: 16, ServiceCIDR: "10.1.0.0/16"}, []string{"172.18.0.2", "172.18.0.3", "172.18.0.4"}, "10.0.0.2"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := newSim(t, tt.cfg)
			var got []string
			for _, n := range ListAs[*Node](s, "", everything) {
				got = append(got, n.Status.Addresses[0].Address)
			}
			assert.Equal(t, tt.nodeIP, got)
			_, err := s.Create(webPod("web"))
			require.NoError(t, err)
			require.NoError(t, s.Settle())
			assert.Equal(t, tt.podIP, mustPod(t, s, "web").Status.PodIP)
		})
	}
}

func TestNodePodRangesSkipTheServiceCIDR(t *testing.T) {
	// As kube-controller-manager's range allocator does: the ranges that
	// overlap the Service CIDR are taken before any node asks.
	s := newSim(t, Config{Nodes: 3, PodCIDR: "10.0.0.0/8", NodeCIDRMaskSize: 12, ServiceCIDR: "10.16.0.0/12"})
	var ranges []string
	for _, n := range ListAs[*Node](s, "", everything) {
		ranges = append(ranges, n.Spec.PodCIDR)
	}
	assert.Equal(t, []string{"10.0.0.0/12", "10.32.0.0/12", "10.48.0.0/12"}, ranges)

	_, err := New(Config{Nodes: 16, PodCIDR: "10.0.0.0/8", NodeCIDRMaskSize: 12, ServiceCIDR: "10.16.0.0/12"})
	require.ErrorIs(t, err, ErrConfig)
	assert.Contains(t, err.Error(), "room for 15 node ranges of /12 outside the ServiceCIDR 10.16.0.0/12, not 16 nodes")
}

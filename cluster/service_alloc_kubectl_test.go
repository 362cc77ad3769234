package cluster_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/svcsim/svcsim/cluster"
	"github.com/svcsim/svcsim/kubectl"
)

// The tests of service_alloc_test.go that drive the cluster through kubectl, which
// tests inside package cluster cannot import; see export_test.go.

func TestClusterIPNeverChangesOnUpdate(t *testing.T) {
	s := cluster.NewSim(t, cluster.Config{Seed: 1})
	svc := cluster.MustCreateSvc(t, s, cluster.SvcWeb("web"))
	ip := svc.Spec.ClusterIP

	// Re-applying the manifest, which has no clusterIP, keeps it.
	k := kubectl.New(s, "")
	out, err := k.Apply(cluster.SvcWeb("web", func(s *cluster.Service) { s.Labels = map[string]string{"tier": "front"} }))
	require.NoError(t, err)
	assert.Equal(t, ip, out.(*cluster.Service).Spec.ClusterIP)
	assert.Equal(t, []string{ip}, out.(*cluster.Service).Spec.ClusterIPs)
	out, err = k.Apply(cluster.SvcWeb("web", func(s *cluster.Service) { s.Labels = map[string]string{"tier": "front"} }))
	require.NoError(t, err)
	assert.Equal(t, out.Meta().ResourceVersion, cluster.MustSvc(t, s, "web").ResourceVersion, "unchanged")

	// So does changing the ports.
	cur := cluster.MustSvc(t, s, "web")
	cur.Spec.Ports = []cluster.ServicePort{{Port: 8080}}
	upd, err := s.Update(cur)
	require.NoError(t, err)
	assert.Equal(t, ip, upd.(*cluster.Service).Spec.ClusterIP)

	// Setting both fields to another address is refused too.
	cur = cluster.MustSvc(t, s, "web")
	cur.Spec.ClusterIP, cur.Spec.ClusterIPs = "10.96.3.4", []string{"10.96.3.4"}
	_, err = s.Update(cur)
	require.ErrorIs(t, err, cluster.ErrInvalid)
	assert.Contains(t, err.Error(), "may not change once set")
	cluster.AssertAllocations(t, s)
}

func TestNodePorts(t *testing.T) {
	s := cluster.NewSim(t, cluster.Config{Seed: 1})
	svc := cluster.MustCreateSvc(t, s, cluster.SvcWeb("dns", cluster.WithType(cluster.ServiceTypeNodePort), cluster.WithPorts(
		cluster.ServicePort{Name: "dns-tcp", Port: 53, Protocol: cluster.ProtocolTCP},
		cluster.ServicePort{Name: "dns-udp", Port: 53, Protocol: cluster.ProtocolUDP},
		cluster.ServicePort{Name: "metrics", Port: 9153},
	)))
	p := svc.Spec.Ports
	assert.Equal(t, p[0].NodePort, p[1].NodePort, "53/TCP and 53/UDP share one node port")
	assert.NotEqual(t, p[0].NodePort, p[2].NodePort)
	for _, x := range p {
		assert.GreaterOrEqual(t, x.NodePort, int32(30086), "dynamic node ports come from above the static band")
		assert.LessOrEqual(t, x.NodePort, int32(32767))
	}
	assert.Equal(t, "Cluster", svc.Spec.ExternalTrafficPolicy)

	// A request is honoured, and shared by the port of the same number.
	req := cluster.MustCreateSvc(t, s, cluster.SvcWeb("req", cluster.WithType(cluster.ServiceTypeNodePort), cluster.WithPorts(
		cluster.ServicePort{Name: "a", Port: 80},
		cluster.ServicePort{Name: "b", Port: 80, Protocol: cluster.ProtocolUDP, NodePort: 30080},
	)))
	assert.Equal(t, int32(30080), req.Spec.Ports[0].NodePort)
	assert.Equal(t, int32(30080), req.Spec.Ports[1].NodePort)

	// A LoadBalancer that opts out gets none, but a request still counts.
	lb := cluster.MustCreateSvc(t, s, cluster.SvcWeb("lb", cluster.WithType(cluster.ServiceTypeLoadBalancer), cluster.WithPorts(cluster.ServicePort{Name: "a", Port: 80}, cluster.ServicePort{Name: "b", Port: 81, NodePort: 30081}),
		func(s *cluster.Service) { s.Spec.AllocateLoadBalancerNodePorts = cluster.Ptr(false) }))
	assert.Zero(t, lb.Spec.Ports[0].NodePort)
	assert.Equal(t, int32(30081), lb.Spec.Ports[1].NodePort)

	// Local traffic on a LoadBalancer needs a health check port.
	local := cluster.MustCreateSvc(t, s, cluster.SvcWeb("local", cluster.WithType(cluster.ServiceTypeLoadBalancer), func(s *cluster.Service) { s.Spec.ExternalTrafficPolicy = "Local" }))
	assert.NotZero(t, local.Spec.HealthCheckNodePort)
	assert.NotZero(t, local.Spec.Ports[0].NodePort)
	cluster.AssertAllocations(t, s)

	// Re-applying without the node ports keeps them (matched by name).
	out, err := kubectl.New(s, "").Apply(cluster.SvcWeb("dns", cluster.WithType(cluster.ServiceTypeNodePort), cluster.WithPorts(
		cluster.ServicePort{Name: "dns-tcp", Port: 53, Protocol: cluster.ProtocolTCP},
		cluster.ServicePort{Name: "dns-udp", Port: 53, Protocol: cluster.ProtocolUDP},
		cluster.ServicePort{Name: "metrics", Port: 9153},
	)))
	require.NoError(t, err)
	for i, x := range out.(*cluster.Service).Spec.Ports {
		assert.Equal(t, p[i].NodePort, x.NodePort)
	}
	cluster.AssertAllocations(t, s)
}

package proxy

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/svcsim/svcsim/cluster"
	"github.com/svcsim/svcsim/endpoints"
	"github.com/svcsim/svcsim/selector"
)

// TestSharedEndpointsMatchEachProxysSlices scales a Deployment up and
// rolls it while the proxies, each with its own watch lag, see different
// versions of the slices: at every step, the endpoints each proxy gets
// (shared between proxies that see the same slices) must be what it would
// read from its own.
func TestSharedEndpointsMatchEachProxysSlices(t *testing.T) {
	s, err := cluster.New(cluster.Config{Seed: 3, Nodes: 4, Timing: cluster.Realistic()})
	require.NoError(t, err)
	endpoints.Start(s, endpoints.Options{MaxEndpointsPerSlice: 3})
	p, err := Start(s, Options{})
	require.NoError(t, err)
	labels := selector.Set{"app": "web"}
	d := &cluster.Deployment{ObjectMeta: cluster.ObjectMeta{Name: "web", Namespace: "default"},
		Spec: cluster.DeploymentSpec{Replicas: cluster.Ptr(int32(8)), Selector: &selector.LabelSelector{MatchLabels: labels},
			Template: cluster.PodTemplateSpec{ObjectMeta: cluster.ObjectMeta{Labels: labels},
				Spec: cluster.PodSpec{Containers: []cluster.Container{{Name: "web", Image: "nginx:1", Ports: []cluster.ContainerPort{{ContainerPort: 80}}}}}}}}
	_, err = s.Create(d)
	require.NoError(t, err)
	_, err = s.Create(&cluster.Service{ObjectMeta: cluster.ObjectMeta{Name: "web", Namespace: "default"},
		Spec: cluster.ServiceSpec{Selector: labels, Ports: []cluster.ServicePort{{Name: "http", Port: 80}}}})
	require.NoError(t, err)
	check := func() {
		t.Helper()
		for _, n := range p.nodes {
			for k, svc := range n.services {
				for _, sp := range svc.Spec.Ports {
					require.Equal(t, readEndpoints(n.slices.Of(k), sp), n.endpoints(k, sp), "%s: %s port %s", n.name, k, sp.Name)
				}
			}
		}
	}
	run := func() {
		for range 2000 { // 20 s, checked every 10 ms
			require.NoError(t, s.RunFor(10*time.Millisecond))
			check()
		}
	}
	run()
	cur, _ := cluster.GetAs[*cluster.Deployment](s, "default", "web")
	cur.Spec.Template.Spec.Containers[0].Image = "nginx:2"
	_, err = s.Update(cur)
	require.NoError(t, err)
	run()
	ready := readEndpoints(p.nodes[0].slices.Of("default/web"), cluster.ServicePort{Name: "http"})
	require.Len(t, ready, 8, "the rollout finished within the run")
}

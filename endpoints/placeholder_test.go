package endpoints_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/svcsim/svcsim/cluster"
	"github.com/svcsim/svcsim/cluster/clustertest"
	"github.com/svcsim/svcsim/endpoints"
	"github.com/svcsim/svcsim/kubectl"
	"github.com/svcsim/svcsim/selector"
)

// emptySlices counts a Service's slices without endpoints.
func emptySlices(s *cluster.Sim, svc string) int {
	n := 0
	for _, sl := range slicesOf(s, svc) {
		if len(sl.Endpoints) == 0 {
			n++
		}
	}
	return n
}

// TestPlaceholderGoesWhenAnEndpointReturns: a Service with a port whose
// pods are all deleted is left with one empty placeholder; when an
// endpoint comes back, the placeholder, whose empty port list is a port
// map no endpoint wants, goes (recycled for the new slice), and no empty
// slice stays beside the endpoint's, whatever a slice holds.
func TestPlaceholderGoesWhenAnEndpointReturns(t *testing.T) {
	for _, max := range []int{1, 2, 100} {
		s := clustertest.New(t, cluster.Config{Seed: 1})
		endpoints.Start(s, endpoints.Options{MaxEndpointsPerSlice: max})
		k := kubectl.New(s, "")
		for _, name := range []string{"web-0", "web-1"} {
			_, err := k.Run(name, kubectl.RunOptions{Image: "nginx", Labels: map[string]string{"app": "web"}, Port: 80})
			require.NoError(t, err)
		}
		_, err := k.Apply(service("web", selector.Set{"app": "web"}, 80, cluster.FromInt(80)))
		require.NoError(t, err)
		clustertest.Settle(t, s)
		require.Zero(t, emptySlices(s, "web"), "max %d: no placeholder beside the endpoints", max)

		for _, name := range []string{"web-0", "web-1"} {
			require.NoError(t, k.Delete(cluster.KindPod, name, cluster.DeleteOptions{Force: true}))
		}
		clustertest.Settle(t, s)
		sls := slicesOf(s, "web")
		require.Len(t, sls, 1, "max %d: only the placeholder", max)
		require.Empty(t, sls[0].Endpoints)
		require.Empty(t, sls[0].Ports)

		_, err = k.Run("web-2", kubectl.RunOptions{Image: "nginx", Labels: map[string]string{"app": "web"}, Port: 80})
		require.NoError(t, err)
		clustertest.Settle(t, s)
		sls = slicesOf(s, "web")
		require.Len(t, sls, 1, "max %d: the endpoint's slice, and no placeholder", max)
		assert.Len(t, sls[0].Endpoints, 1)
		assert.Len(t, sls[0].Ports, 1)
		assert.Equal(t, "web-2", sls[0].Endpoints[0].TargetRef.Name)
	}
}

// TestPlaceholderGoesOnRelabel: the placeholder also goes when the
// endpoint that returns is a pod relabelled into the Service.
func TestPlaceholderGoesOnRelabel(t *testing.T) {
	s, k := start(t, cluster.Config{Seed: 1})
	_, err := k.Run("web-0", kubectl.RunOptions{Image: "nginx", Labels: map[string]string{"app": "other"}, Port: 80})
	require.NoError(t, err)
	_, err = k.Apply(service("web", selector.Set{"app": "web"}, 80, cluster.FromInt(80)))
	require.NoError(t, err)
	clustertest.Settle(t, s)
	require.Len(t, slicesOf(s, "web"), 1)
	require.Equal(t, 1, emptySlices(s, "web"), "the placeholder")

	require.NoError(t, k.Label(cluster.KindPod, "web-0", "app=web", "--overwrite"))
	clustertest.Settle(t, s)
	sls := slicesOf(s, "web")
	require.Len(t, sls, 1)
	assert.Len(t, sls[0].Endpoints, 1)

	require.NoError(t, k.Label(cluster.KindPod, "web-0", "app=other", "--overwrite"))
	clustertest.Settle(t, s)
	sls = slicesOf(s, "web")
	require.Len(t, sls, 1, "back to the placeholder alone")
	assert.Empty(t, sls[0].Endpoints)
}

// TestUnfilledPlaceholderOfEndpointsWithoutPorts: where the endpoints have
// no ports either (a portless headless Service, or one whose ports no pod
// resolves), the placeholder shares their port map and is an unchanged
// slice of it. Kubernetes' reconciler fills such a slice only with fewer
// new endpoints than a slice holds; with more it makes new slices and
// leaves the placeholder, empty, beside them. svcsim does the same.
func TestUnfilledPlaceholderOfEndpointsWithoutPorts(t *testing.T) {
	for _, tc := range []struct {
		name string
		svc  *cluster.Service
	}{
		{"portless", &cluster.Service{ObjectMeta: cluster.ObjectMeta{Name: "web"},
			Spec: cluster.ServiceSpec{ClusterIP: cluster.ClusterIPNone, Selector: selector.Set{"app": "web"}}}},
		{"unresolved port", service("web", selector.Set{"app": "web"}, 53, cluster.FromString("dns"))},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := clustertest.New(t, cluster.Config{Seed: 1})
			endpoints.Start(s, endpoints.Options{MaxEndpointsPerSlice: 1})
			k := kubectl.New(s, "")
			_, err := k.Apply(tc.svc)
			require.NoError(t, err)
			clustertest.Settle(t, s)
			require.Equal(t, 1, emptySlices(s, "web"), "the placeholder")
			_, err = k.Run("web-0", kubectl.RunOptions{Image: "nginx", Labels: map[string]string{"app": "web"}, Port: 80})
			require.NoError(t, err)
			clustertest.Settle(t, s)
			assert.Len(t, slicesOf(s, "web"), 2)
			assert.Equal(t, 1, emptySlices(s, "web"), "one new endpoint is not fewer than a slice holds")
		})
	}
}

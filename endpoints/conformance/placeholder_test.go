package conformance

import (
	"slices"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	corev1 "k8s.io/api/core/v1"
	corelisters "k8s.io/client-go/listers/core/v1"
	"k8s.io/client-go/tools/record"
	"k8s.io/endpointslice"
	"k8s.io/endpointslice/topologycache"

	"github.com/svcsim/svcsim/cluster"
	"github.com/svcsim/svcsim/endpoints"
	"github.com/svcsim/svcsim/selector"
)

// TestUnfilledPlaceholderAsKubernetes pins the case sliceContent leaves
// out: a Service whose endpoints have no ports (portless, or with ports no
// pod resolves) gets its placeholder first and then, with as many new
// endpoints as a slice holds, a new slice for them. Kubernetes' reconciler,
// with the same maximum and the same history, keeps the empty placeholder
// beside it, as svcsim does: the two sides have the same number of slices
// and of empty ones.
func TestUnfilledPlaceholderAsKubernetes(t *testing.T) {
	for _, tc := range []struct {
		name string
		svc  *cluster.Service
	}{
		{"portless", &cluster.Service{ObjectMeta: cluster.ObjectMeta{Name: "web"},
			Spec: cluster.ServiceSpec{ClusterIP: cluster.ClusterIPNone, Selector: selector.Set{"app": "web"}}}},
		{"unresolved port", &cluster.Service{ObjectMeta: cluster.ObjectMeta{Name: "web"},
			Spec: cluster.ServiceSpec{Selector: selector.Set{"app": "web"},
				Ports: []cluster.ServicePort{{Port: 53, TargetPort: cluster.FromString("dns"), Protocol: cluster.ProtocolUDP}}}}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s, err := cluster.New(cluster.Config{Seed: 1})
			require.NoError(t, err)
			endpoints.Start(s, endpoints.Options{MaxEndpointsPerSlice: 1})
			_, err = s.Create(tc.svc)
			require.NoError(t, err)
			require.NoError(t, s.RunFor(5*time.Second))
			_, err = s.Create(&cluster.Pod{ObjectMeta: cluster.ObjectMeta{Name: "web-0", Namespace: "default", Labels: selector.Set{"app": "web"}},
				Spec: cluster.PodSpec{Containers: []cluster.Container{{Name: "c", Image: "nginx", Ports: []cluster.ContainerPort{{ContainerPort: 80}}}}}})
			require.NoError(t, err)
			require.NoError(t, s.RunFor(10*time.Second))

			nodes, services, pods := kubeObjects(s)
			k := newKube(nodes, services, pods)
			k.reconciler = endpointslice.NewReconciler(k.client, corelisters.NewNodeLister(k.nodes), 1, k.tracker,
				topologycache.NewTopologyCache(), &record.FakeRecorder{}, controllerName)
			i := slices.IndexFunc(services, func(svc *corev1.Service) bool { return svc.Name == "web" })
			require.GreaterOrEqual(t, i, 0)
			svc := services[i]
			require.NoError(t, k.reconciler.Reconcile(k.logger, svc, nil, nil, svc.CreationTimestamp.Time))
			k.deliver()
			require.Len(t, k.slicesOf("default", "web"), 1, "Kubernetes' placeholder")
			require.NoError(t, k.syncService("default/web"))

			kubeSlices, kubeEmpty := 0, 0
			for _, sl := range k.slicesOf("default", "web") {
				kubeSlices++
				if len(sl.Endpoints) == 0 {
					kubeEmpty++
				}
			}
			ours := cluster.ListAs[*cluster.EndpointSlice](s, "default", selector.FromValidatedSet(selector.Set{endpoints.ServiceNameLabel: "web"}))
			oursEmpty := 0
			for _, sl := range ours {
				if len(sl.Endpoints) == 0 {
					oursEmpty++
				}
			}
			require.Equal(t, 2, kubeSlices, "Kubernetes: the placeholder and the endpoint's slice")
			require.Equal(t, 1, kubeEmpty, "Kubernetes keeps the placeholder")
			require.Equal(t, kubeSlices, len(ours))
			require.Equal(t, kubeEmpty, oursEmpty)
		})
	}
}

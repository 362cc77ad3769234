package endpoints_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/svcsim/svcsim/cluster"
	"github.com/svcsim/svcsim/cluster/clustertest"
	"github.com/svcsim/svcsim/endpoints"
	"github.com/svcsim/svcsim/kubectl"
	"github.com/svcsim/svcsim/selector"
)

// slicesOf returns the EndpointSlices of a Service in the default namespace.
func slicesOf(s *cluster.Sim, svc string) []*cluster.EndpointSlice {
	return cluster.ListAs[*cluster.EndpointSlice](s, "default", selector.FromValidatedSet(selector.Set{endpoints.ServiceNameLabel: svc}))
}

// triggerTimes returns the trigger-time annotation of a Service's
// Endpoints and of each of its slices ("" where there is none).
func triggerTimes(t *testing.T, s *cluster.Sim, svc string) (ep string, sls []string) {
	t.Helper()
	e, ok := cluster.GetAs[*cluster.Endpoints](s, "default", svc)
	require.True(t, ok)
	for _, sl := range slicesOf(s, svc) {
		sls = append(sls, sl.Annotations[endpoints.TriggerTimeAnnotation])
	}
	return e.Annotations[endpoints.TriggerTimeAnnotation], sls
}

// runProbed starts a pod labelled app=web whose readiness probe first
// passes delay seconds after it starts, so that it gets its IP (Ready
// False) and turns ready (Ready True) at two distinct times.
func runProbed(t *testing.T, k *kubectl.Client, name string, delay int32) {
	t.Helper()
	_, err := k.Apply(&cluster.Pod{ObjectMeta: cluster.ObjectMeta{Name: name, Labels: selector.Set{"app": "web"}},
		Spec: cluster.PodSpec{Containers: []cluster.Container{{Name: "app", Image: "nginx",
			Ports:          []cluster.ContainerPort{{ContainerPort: 80}},
			ReadinessProbe: &cluster.Probe{InitialDelaySeconds: delay, PeriodSeconds: 1}}}}})
	require.NoError(t, err)
}

// TestTriggerTimeAnnotation follows one Service through the cases of
// endpoints.kubernetes.io/last-change-trigger-time: its creation, a pod
// getting an address and turning ready, a sync with nothing to write, a
// pod's removal, and two transitions within one second.
func TestTriggerTimeAnnotation(t *testing.T) {
	s, k := start(t, cluster.Config{Seed: 1})
	check := func(want, why string) {
		t.Helper()
		ep, sls := triggerTimes(t, s, "web")
		assert.Equal(t, want, ep, why)
		assert.Equal(t, []string{want}, sls, why)
	}
	s.RunFor(1500 * time.Millisecond)
	_, err := k.Run("web-1", kubectl.RunOptions{Image: "nginx", Labels: map[string]string{"app": "web"}, Port: 80})
	require.NoError(t, err)
	s.RunFor(4 * time.Second)
	_, err = k.Apply(service("web", selector.Set{"app": "web"}, 80, cluster.IntOrString{}))
	require.NoError(t, err)
	s.RunFor(0)
	check("2025-01-01T00:00:05Z", "a new Service: its creation at 5.5s, in whole seconds, though web-1 turned ready before")

	out, err := k.Describe(cluster.KindEndpoints, "web")
	require.NoError(t, err)
	assert.Contains(t, out, "Annotations:  endpoints.kubernetes.io/last-change-trigger-time: 2025-01-01T00:00:05Z\n")

	s.RunFor(2 * time.Second)
	runProbed(t, k, "web-2", 2)
	s.RunFor(0)
	check("2025-01-01T00:00:07Z", "web-2 has its address and a Ready=False condition since 7.5s")
	s.RunFor(3 * time.Second)
	p, _ := cluster.GetAs[*cluster.Pod](s, "default", "web-2")
	require.True(t, p.IsReady())
	c, _ := p.Condition(cluster.PodReady)
	assert.Equal(t, cluster.Time(9500*time.Millisecond), c.LastTransitionTime)
	check("2025-01-01T00:00:09Z", "web-2 turned ready at 9.5s")

	// A change to the Service that changes nothing it writes: the sync
	// finds no new trigger time, writes nothing, and the annotation stays.
	before, _ := cluster.GetAs[*cluster.Endpoints](s, "default", "web")
	s.RunFor(time.Second)
	svc, _ := cluster.GetAs[*cluster.Service](s, "default", "web")
	svc.Annotations = map[string]string{"note": "x"}
	_, err = s.Update(svc)
	require.NoError(t, err)
	s.RunFor(0)
	after, _ := cluster.GetAs[*cluster.Endpoints](s, "default", "web")
	assert.Equal(t, before.ResourceVersion, after.ResourceVersion, "nothing to write")
	check("2025-01-01T00:00:09Z", "left as it was")

	// A pod's removal carries no trigger time of its own: the write it
	// causes clears the annotation.
	s.RunFor(time.Second)
	require.NoError(t, k.Delete(cluster.KindPod, "web-2", cluster.DeleteOptions{GracePeriodSeconds: cluster.Ptr(int64(0)), Force: true}))
	s.RunFor(0)
	check("", "a removal has no trigger time")

	// web-3 gets its address (Ready False) and turns ready at one instant:
	// the first sync reports it, the second sees no later transition in
	// the API's whole seconds and so clears the annotation, as Kubernetes
	// would.
	s.RunFor(time.Second)
	_, err = k.Run("web-3", kubectl.RunOptions{Image: "nginx", Labels: map[string]string{"app": "web"}, Port: 80})
	require.NoError(t, err)
	clustertest.Settle(t, s)
	assert.Equal(t, []string{podIP(t, s, "web-1") + ":80", podIP(t, s, "web-3") + ":80"}, ready(t, s, "web"))
	check("", "two transitions in one second count once")
}

// TestTriggerTimeOnANewSlice: a slice created or updated for a sync
// carries its trigger time, while a slice the sync leaves alone keeps the
// one it had.
func TestTriggerTimeOnANewSlice(t *testing.T) {
	s := clustertest.New(t, cluster.Config{Seed: 1})
	endpoints.Start(s, endpoints.Options{MaxEndpointsPerSlice: 1})
	k := kubectl.New(s, "")
	_, err := k.Run("web-1", kubectl.RunOptions{Image: "nginx", Labels: map[string]string{"app": "web"}, Port: 80})
	require.NoError(t, err)
	s.RunFor(2 * time.Second)
	_, err = k.Apply(service("web", selector.Set{"app": "web"}, 80, cluster.IntOrString{}))
	require.NoError(t, err)
	s.RunFor(2500 * time.Millisecond)
	byPod := func() map[string]string {
		got := map[string]string{}
		for _, sl := range slicesOf(s, "web") {
			got[sl.Endpoints[0].TargetRef.Name] = sl.Annotations[endpoints.TriggerTimeAnnotation]
		}
		return got
	}
	runProbed(t, k, "web-2", 2)
	s.RunFor(0)
	assert.Equal(t, map[string]string{"web-1": "2025-01-01T00:00:02Z", "web-2": "2025-01-01T00:00:04Z"}, byPod(), "created")
	s.RunFor(3 * time.Second)
	assert.Equal(t, map[string]string{"web-1": "2025-01-01T00:00:02Z", "web-2": "2025-01-01T00:00:06Z"}, byPod(), "updated")
}

// TestHeadlessLabel: the service.kubernetes.io/headless label is on a
// Service's Endpoints and EndpointSlices exactly when the Service has no
// cluster IP, whatever labels the Service itself carries; the slices'
// other reserved labels are the controller's too.
func TestHeadlessLabel(t *testing.T) {
	for _, tt := range []struct {
		name      string
		clusterIP string
		labels    selector.Set
	}{
		{"cluster IP", "", nil},
		{"cluster IP, the Service labelled headless", "", selector.Set{endpoints.HeadlessLabel: ""}},
		{"cluster IP, the Service labelled headless with a value", "", selector.Set{endpoints.HeadlessLabel: "yes"}},
		{"headless", cluster.ClusterIPNone, nil},
		{"headless, the Service labelled headless with a value", cluster.ClusterIPNone, selector.Set{endpoints.HeadlessLabel: "yes"}},
		{"cluster IP, the Service carrying the slices' reserved labels", "",
			selector.Set{endpoints.ServiceNameLabel: "other", endpoints.SliceManagedByLabel: "me", endpoints.EndpointsManagedByLabel: "me"}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			s, k := start(t, cluster.Config{Seed: 1})
			_, err := k.Run("web-1", kubectl.RunOptions{Image: "nginx", Labels: map[string]string{"app": "web"}, Port: 80})
			require.NoError(t, err)
			svc := service("web", selector.Set{"app": "web"}, 80, cluster.IntOrString{})
			svc.Spec.ClusterIP = tt.clusterIP
			svc.Labels = selector.Set{"team": "a"}
			for key, v := range tt.labels {
				svc.Labels[key] = v
			}
			_, err = k.Apply(svc)
			require.NoError(t, err)
			clustertest.Settle(t, s)

			headless := selector.Set{}
			if tt.clusterIP == cluster.ClusterIPNone {
				headless[endpoints.HeadlessLabel] = ""
			}
			wantEP := selector.Set{"team": "a", endpoints.EndpointsManagedByLabel: endpoints.Name}
			for key, v := range tt.labels {
				if key != endpoints.HeadlessLabel && key != endpoints.EndpointsManagedByLabel {
					wantEP[key] = v
				}
			}
			for key, v := range headless {
				wantEP[key] = v
			}
			ep, ok := cluster.GetAs[*cluster.Endpoints](s, "default", "web")
			require.True(t, ok)
			assert.Equal(t, wantEP, ep.Labels)

			wantSlice := selector.Set{"team": "a", endpoints.ServiceNameLabel: "web", endpoints.SliceManagedByLabel: endpoints.SliceManagedBy}
			if v, ok := tt.labels[endpoints.EndpointsManagedByLabel]; ok {
				wantSlice[endpoints.EndpointsManagedByLabel] = v // not reserved on slices: copied
			}
			for key, v := range headless {
				wantSlice[key] = v
			}
			sls := slicesOf(s, "web")
			require.Len(t, sls, 1)
			assert.Equal(t, wantSlice, sls[0].Labels)
		})
	}
}

// TestSliceZones: nodes labelled through Config.Zones put their zone on
// each endpoint; relabelling a node changes no slice until the Service
// syncs for another reason, as in Kubernetes.
func TestSliceZones(t *testing.T) {
	s, k := start(t, cluster.Config{Seed: 1, Zones: []string{"zone-a", "zone-b"}})
	_, err := k.Apply(&cluster.Deployment{
		ObjectMeta: cluster.ObjectMeta{Name: "web"},
		Spec: cluster.DeploymentSpec{Replicas: cluster.Ptr(int32(3)), Selector: &selector.LabelSelector{MatchLabels: selector.Set{"app": "web"}},
			Template: cluster.PodTemplateSpec{ObjectMeta: cluster.ObjectMeta{Labels: selector.Set{"app": "web"}},
				Spec: cluster.PodSpec{Containers: []cluster.Container{{Name: "nginx", Image: "nginx", Ports: []cluster.ContainerPort{{ContainerPort: 80}}}}}}},
	})
	require.NoError(t, err)
	_, err = k.Apply(service("web", selector.Set{"app": "web"}, 80, cluster.IntOrString{}))
	require.NoError(t, err)
	clustertest.Settle(t, s)

	nodeZone := map[string]string{"node-1": "zone-a", "node-2": "zone-b", "node-3": "zone-a"}
	zones := func() map[string]string { // pod -> zone in the slices
		out := map[string]string{}
		for _, sl := range slicesOf(s, "web") {
			for _, e := range sl.Endpoints {
				p, ok := cluster.GetAs[*cluster.Pod](s, "default", e.TargetRef.Name)
				require.True(t, ok)
				require.NotNil(t, e.NodeName)
				assert.Equal(t, p.Spec.NodeName, *e.NodeName)
				z := "<unset>"
				if e.Zone != nil {
					z = *e.Zone
				}
				out[p.Name] = z
			}
		}
		return out
	}
	pods := cluster.ListAs[*cluster.Pod](s, "default", selector.FromValidatedSet(selector.Set{"app": "web"}))
	require.Len(t, pods, 3)
	want := map[string]string{}
	for _, p := range pods {
		want[p.Name] = nodeZone[p.Spec.NodeName]
	}
	assert.Equal(t, want, zones())

	require.NoError(t, k.Label(cluster.KindNode, "node-2", cluster.LabelTopologyZone+"=zone-c", "--overwrite"))
	clustertest.Settle(t, s)
	assert.Equal(t, want, zones(), "a node's new zone alone rewrites nothing")

	require.NoError(t, k.Label(cluster.KindService, "web", "team=a"))
	clustertest.Settle(t, s)
	for _, p := range pods {
		if p.Spec.NodeName == "node-2" {
			want[p.Name] = "zone-c"
		}
	}
	assert.Equal(t, want, zones(), "the next sync picks it up")

	var onNode2 string
	for name, z := range want {
		if z == "zone-c" {
			onNode2 = name
		}
	}
	require.NotEmpty(t, onNode2, "a pod on node-2")
	sl := slicesOf(s, "web")[0]
	out, err := k.Describe(cluster.KindEndpointSlice, sl.Name)
	require.NoError(t, err)
	assert.Contains(t, out, "TargetRef:  Pod/"+onNode2+"\n    NodeName:   node-2\n    Zone:       zone-c\n")
}

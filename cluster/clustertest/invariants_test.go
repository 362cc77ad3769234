package clustertest_test

import (
	"errors"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	svcsim "github.com/svcsim/svcsim"
	"github.com/svcsim/svcsim/cluster"
	"github.com/svcsim/svcsim/cluster/clustertest"
	"github.com/svcsim/svcsim/endpoints"
	"github.com/svcsim/svcsim/proxy"
	"github.com/svcsim/svcsim/selector"
)

// world is a settled cluster with a Deployment web (2 replicas of
// version blue, maxSurge 1, maxUnavailable 0), a pod green labelled like
// a third version, and a NodePort Service web selecting app=web.
func world(t *testing.T) *svcsim.Cluster {
	t.Helper()
	return withWeb(t, clustertest.Build(t, svcsim.Config{Seed: 7, Nodes: 2}))
}

// webObjects are world's objects.
func webObjects() []cluster.Object {
	surge, unavailable := cluster.FromInt(1), cluster.FromInt(0)
	ctr := func(image string) []cluster.Container {
		return []cluster.Container{{Name: "app", Image: image, Ports: []cluster.ContainerPort{{Name: "http", ContainerPort: 9898}}}}
	}
	return []cluster.Object{
		&cluster.Deployment{ObjectMeta: cluster.ObjectMeta{Name: "web"},
			Spec: cluster.DeploymentSpec{Replicas: cluster.Ptr(int32(2)),
				Selector: &selector.LabelSelector{MatchLabels: selector.Set{"app": "web"}},
				Template: cluster.PodTemplateSpec{ObjectMeta: cluster.ObjectMeta{Labels: selector.Set{"app": "web", "version": "blue"}},
					Spec: cluster.PodSpec{Containers: ctr("rxmllc/hostinfo")}},
				Strategy: cluster.DeploymentStrategy{Type: "RollingUpdate", RollingUpdate: &cluster.RollingUpdateDeployment{MaxSurge: &surge, MaxUnavailable: &unavailable}}}},
		&cluster.Pod{ObjectMeta: cluster.ObjectMeta{Name: "green", Labels: selector.Set{"app": "web", "version": "green"}},
			Spec: cluster.PodSpec{Containers: ctr("rxmllc/hostinfo:v2")}},
		&cluster.Service{ObjectMeta: cluster.ObjectMeta{Name: "web"}, Spec: cluster.ServiceSpec{Type: cluster.ServiceTypeNodePort,
			Selector: selector.Set{"app": "web"}, Ports: []cluster.ServicePort{{Port: 80, TargetPort: cluster.FromString("http")}}}},
	}
}

func pods(t *testing.T, c *svcsim.Cluster, sel string) []*cluster.Pod {
	s, err := selector.Parse(sel)
	require.NoError(t, err)
	out := cluster.ListAs[*cluster.Pod](c.Sim, "default", s)
	require.NotEmpty(t, out)
	return out
}

func webSlice(t *testing.T, c *svcsim.Cluster) *cluster.EndpointSlice {
	sls := cluster.ListAs[*cluster.EndpointSlice](c.Sim, "default", selector.FromValidatedSet(selector.Set{endpoints.ServiceNameLabel: "web"}))
	require.Len(t, sls, 1)
	return sls[0]
}

// Each invariant holds on a settled, healthy cluster and catches a bad
// state planted through the store, without letting the loop run.
func TestInvariantsCatchPlantedViolations(t *testing.T) {
	for _, tt := range []struct {
		name  string
		check func(*svcsim.Cluster) error
		plant func(t *testing.T, c *svcsim.Cluster)
		want  string
	}{
		{"UniqueIPs pods", clustertest.UniqueIPs, func(t *testing.T, c *svcsim.Cluster) {
			ps := pods(t, c, "app=web")
			ps[1].Status.PodIP = ps[0].Status.PodIP
			_, err := c.UpdateStatus(ps[1])
			require.NoError(t, err)
		}, "both have IP"},
		{"EndpointsMatch endpoints", clustertest.EndpointsMatch, func(t *testing.T, c *svcsim.Cluster) {
			ep, ok := cluster.GetAs[*cluster.Endpoints](c.Sim, "default", "web")
			require.True(t, ok)
			ep.Subsets[0].Addresses = ep.Subsets[0].Addresses[1:]
			_, err := c.Update(ep)
			require.NoError(t, err)
		}, "endpoints default/web"},
		{"EndpointsMatch slices", clustertest.EndpointsMatch, func(t *testing.T, c *svcsim.Cluster) {
			sl := webSlice(t, c)
			sl.Endpoints[0].Conditions.Ready = cluster.Ptr(false)
			_, err := c.Update(sl)
			require.NoError(t, err)
		}, "endpointslices of default/web"},
		{"EndpointsMatch pod", clustertest.EndpointsMatch, func(t *testing.T, c *svcsim.Cluster) {
			p := pods(t, c, "version=green")[0]
			p.Labels["app"] = "other"
			_, err := c.Update(p)
			require.NoError(t, err)
		}, "want ready"},
		{"ProxiesMatch", clustertest.ProxiesMatch, func(t *testing.T, c *svcsim.Cluster) {
			sl := webSlice(t, c)
			sl.Endpoints = sl.Endpoints[:1]
			_, err := c.Update(sl)
			require.NoError(t, err)
		}, "the slices say"},
		{"ReplicaSetsConverge spec", clustertest.ReplicaSetsConverge, func(t *testing.T, c *svcsim.Cluster) {
			rs := cluster.ListAs[*cluster.ReplicaSet](c.Sim, "default", selector.Everything())[0]
			rs.Spec.Replicas = cluster.Ptr(int32(3))
			_, err := c.Update(rs)
			require.NoError(t, err)
		}, "it asks for 3"},
		{"ReplicaSetsConverge status", clustertest.ReplicaSetsConverge, func(t *testing.T, c *svcsim.Cluster) {
			rs := cluster.ListAs[*cluster.ReplicaSet](c.Sim, "default", selector.Everything())[0]
			rs.Status.ReadyReplicas, rs.Status.AvailableReplicas = 1, 1
			_, err := c.UpdateStatus(rs)
			require.NoError(t, err)
		}, "status.readyReplicas 1"},
		{"RollingBounds asked", checkAfter(clustertest.RollingBounds("", "web")), func(t *testing.T, c *svcsim.Cluster) {
			rs := cluster.ListAs[*cluster.ReplicaSet](c.Sim, "default", selector.Everything())[0]
			rs.Spec.Replicas = cluster.Ptr(int32(4))
			_, err := c.Update(rs)
			require.NoError(t, err)
		}, "ask for 4 pods > 2 replicas + 1 maxSurge"},
		{"RollingBounds ready", checkAfter(clustertest.RollingBounds("", "web")), func(t *testing.T, c *svcsim.Cluster) {
			p := pods(t, c, "version=blue")[0]
			for i := range p.Status.Conditions {
				if p.Status.Conditions[i].Type == cluster.PodReady {
					p.Status.Conditions[i].Status = cluster.ConditionFalse
				}
			}
			_, err := c.UpdateStatus(p)
			require.NoError(t, err)
		}, "1 ready pods < 2 replicas - 0 maxUnavailable"},
		{"ServiceNeverEmpty", checkAfter(clustertest.ServiceNeverEmpty("default", "web")), func(t *testing.T, c *svcsim.Cluster) {
			sl := webSlice(t, c)
			for i := range sl.Endpoints {
				sl.Endpoints[i].Conditions.Ready = cluster.Ptr(false)
			}
			_, err := c.Update(sl)
			require.NoError(t, err)
		}, "no ready endpoint left"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			c := world(t)
			require.NoError(t, tt.check(c), "the healthy cluster")
			tt.plant(t, c)
			err := tt.check(c)
			var v *clustertest.Violation
			require.ErrorAs(t, err, &v)
			assert.Contains(t, v.Error(), tt.want)
			assert.Equal(t, c.Now(), v.At)
		})
	}
}

// checkAfter adapts a Checker to the table; its first call (on the
// healthy cluster) arms it.
func checkAfter(ch clustertest.Checker) func(*svcsim.Cluster) error { return ch.Check }

func TestNoAnswerFromGonePods(t *testing.T) {
	c := world(t)
	svc, ok := cluster.GetAs[*cluster.Service](c.Sim, "default", "web")
	require.True(t, ok)
	r, err := c.Proxies.Do(proxy.Request{From: proxy.FromNode("node-1"), URL: svc.Spec.ClusterIP})
	require.NoError(t, err)
	require.Equal(t, proxy.Answered, r.Outcome)
	require.NoError(t, clustertest.NoAnswerFromGonePods(c, r))
	require.NoError(t, clustertest.NoAnswerFromGonePods(c, proxy.Response{Outcome: proxy.Refused, Pod: "default/gone"}))

	for _, tt := range []struct {
		name string
		r    proxy.Response
		want string
	}{
		{"never existed", proxy.Response{Outcome: proxy.Answered, Pod: "default/gone"}, "no longer exists"},
		{"no pod named", proxy.Response{Outcome: proxy.Answered}, "names no pod"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			var v *clustertest.Violation
			require.ErrorAs(t, clustertest.NoAnswerFromGonePods(c, tt.r), &v)
			assert.Contains(t, v.Detail, tt.want)
		})
	}
	t.Run("deleted since", func(t *testing.T) {
		ns, name := "default", r.Pod[len("default/"):]
		require.NoError(t, c.Delete(cluster.KindPod, ns, name, cluster.DeleteOptions{Force: true}))
		clustertest.Settle(t, c.Sim)
		var v *clustertest.Violation
		require.ErrorAs(t, clustertest.NoAnswerFromGonePods(c, r), &v)
	})
}

func TestTallyChecks(t *testing.T) {
	c := world(t)
	svc, ok := cluster.GetAs[*cluster.Service](c.Sim, "default", "web")
	require.True(t, ok)
	load := func(url string) *proxy.Tally {
		tally, err := c.Proxies.Generate(proxy.Load{Request: proxy.Request{From: proxy.FromNode("node-1"), URL: url},
			Rate: 300, Duration: time.Second, GroupBy: "version"})
		require.NoError(t, err)
		require.NoError(t, c.RunFor(7*time.Second)) // past the client timeout
		return tally
	}
	good := load(svc.Spec.ClusterIP)
	require.NoError(t, clustertest.ZeroFailures(good))
	require.NoError(t, clustertest.ShareWithin(good, map[string]float64{"blue": 2.0 / 3, "green": 1.0 / 3}, 0.1))

	var v *clustertest.Violation
	require.ErrorAs(t, clustertest.ShareWithin(good, map[string]float64{"blue": 1}, 0.1), &v)
	assert.Contains(t, v.Detail, `"blue" answered`)
	require.ErrorAs(t, clustertest.ShareWithin(good, map[string]float64{"blue": 2.0 / 3}, 0.1), &v, "green is wanted at 0")
	assert.Contains(t, v.Detail, `"green"`)

	require.NoError(t, c.Delete(cluster.KindService, "default", "web", cluster.DeleteOptions{}))
	clustertest.Settle(t, c.Sim)
	failedFrom := c.Now()
	bad := load(svc.Spec.ClusterIP)
	require.ErrorAs(t, clustertest.ZeroFailures(bad), &v)
	assert.Contains(t, v.Detail, "300 of 300 requests failed")
	assert.Equal(t, bad.Series()[0].Start, v.At, "dated by the first failing interval")
	assert.GreaterOrEqual(t, v.At, failedFrom)
	require.ErrorAs(t, clustertest.ShareWithin(bad, nil, 0.1), &v)

	for _, tt := range []struct {
		name string
		err  error
	}{
		{"nil tally", clustertest.ZeroFailures(nil)},
		{"nil tally share", clustertest.ShareWithin(nil, nil, 0)},
		{"negative tolerance", clustertest.ShareWithin(good, nil, -1)},
		{"NaN tolerance", clustertest.ShareWithin(good, nil, nan())},
		{"share above one", clustertest.ShareWithin(good, map[string]float64{"blue": 2}, 0.1)},
		{"nil cluster", clustertest.UniqueIPs(nil)},
		{"nil checker", (*clustertest.NeverEmpty)(nil).Check(c)},
		{"no proxies", clustertest.ProxiesMatch(&svcsim.Cluster{Sim: c.Sim})},
	} {
		t.Run(tt.name, func(t *testing.T) {
			assert.ErrorIs(t, tt.err, clustertest.ErrBadArgument)
			assert.False(t, errors.As(tt.err, &v), "a bad argument is not a violation")
		})
	}
}

func nan() float64 {
	zero := 0.0
	return zero / zero
}

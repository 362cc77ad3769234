package cluster_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/svcsim/svcsim/cluster"
	"github.com/svcsim/svcsim/kubectl"
	"github.com/svcsim/svcsim/selector"
)

// The tests of workloads_test.go that drive the cluster through kubectl, which
// tests inside package cluster cannot import; see export_test.go.

func TestLabPuzzleDeploymentDoesNotAdoptBarePod(t *testing.T) {
	s := cluster.NewSim(t, cluster.Config{Seed: 1})
	k := kubectl.New(s, "")
	_, err := k.Run("bigwebstuff", kubectl.RunOptions{Image: "nginx", Labels: map[string]string{"app": "testweb"}, Port: 80})
	require.NoError(t, err)
	_, err = k.Apply(&cluster.Deployment{
		ObjectMeta: cluster.ObjectMeta{Name: "bigwebstuff"},
		Spec: cluster.DeploymentSpec{Replicas: cluster.Ptr(int32(3)), Selector: &selector.LabelSelector{MatchLabels: selector.Set{"app": "testweb"}},
			Template: cluster.NginxTemplate(map[string]string{"app": "testweb"}, "nginx")},
	})
	require.NoError(t, err)
	require.NoError(t, s.Settle())

	pods := cluster.PodsWith(s, "app=testweb")
	assert.Len(t, pods, 4, "the bare pod plus three from the Deployment")
	rss := cluster.ListAs[*cluster.ReplicaSet](s, "default", selector.Everything())
	require.Len(t, rss, 1)
	assert.Equal(t, 3, cluster.OwnedBy(pods, rss[0].UID))
	bare := cluster.MustPod(t, s, "bigwebstuff")
	assert.Empty(t, bare.OwnerReferences, "the pod-template-hash keeps the bare pod out of the ReplicaSet")
	assert.Contains(t, rss[0].Spec.Selector.MatchLabels, cluster.PodTemplateHashLabel)
}

func TestLabPuzzleBareReplicaSetAdoptsBarePod(t *testing.T) {
	s := cluster.NewSim(t, cluster.Config{Seed: 1})
	k := kubectl.New(s, "")
	_, err := k.Run("bigwebstuff", kubectl.RunOptions{Image: "nginx", Labels: map[string]string{"app": "testweb"}, Port: 80})
	require.NoError(t, err)
	require.NoError(t, s.Settle())
	_, err = k.Apply(&cluster.ReplicaSet{
		ObjectMeta: cluster.ObjectMeta{Name: "bigwebstuff"},
		Spec: cluster.ReplicaSetSpec{Replicas: cluster.Ptr(int32(3)), Selector: &selector.LabelSelector{MatchLabels: selector.Set{"app": "testweb"}},
			Template: cluster.NginxTemplate(map[string]string{"app": "testweb"}, "nginx")},
	})
	require.NoError(t, err)
	require.NoError(t, s.Settle())
	pods := cluster.PodsWith(s, "app=testweb")
	assert.Len(t, pods, 3, "it adopts the bare pod and creates only two")
	rs, _ := cluster.GetAs[*cluster.ReplicaSet](s, "default", "bigwebstuff")
	assert.Equal(t, 3, cluster.OwnedBy(pods, rs.UID))
	assert.Equal(t, int32(3), rs.Status.Replicas)
	assert.Equal(t, int32(3), rs.Status.ReadyReplicas)
}

func TestBlueGreenLabelsKeepOrReleasePods(t *testing.T) {
	s := cluster.NewSim(t, cluster.Config{Seed: 1})
	k := kubectl.New(s, "")
	_, err := k.Apply(&cluster.ReplicaSet{
		ObjectMeta: cluster.ObjectMeta{Name: "blue-rs"},
		Spec: cluster.ReplicaSetSpec{Replicas: cluster.Ptr(int32(3)), Selector: &selector.LabelSelector{MatchLabels: selector.Set{"demo": "blue-rs"}},
			Template: cluster.NginxTemplate(map[string]string{"demo": "blue-rs"}, "rxmllc/hostinfo")},
	})
	require.NoError(t, err)
	require.NoError(t, s.Settle())
	require.NoError(t, k.LabelSelected(cluster.KindPod, "demo=blue-rs", "method=blue-green"))
	require.NoError(t, s.Settle())
	rs, _ := cluster.GetAs[*cluster.ReplicaSet](s, "default", "blue-rs")
	assert.Len(t, cluster.PodsWith(s, "demo=blue-rs,method=blue-green"), 3, "still selected, still owned, no new pods")
	assert.Equal(t, 3, cluster.OwnedBy(cluster.PodsWith(s, ""), rs.UID))

	victim := cluster.PodsWith(s, "demo=blue-rs")[0].Name
	require.NoError(t, k.Label(cluster.KindPod, victim, "demo-"))
	require.NoError(t, s.Settle())
	released := cluster.MustPod(t, s, victim)
	assert.Empty(t, released.OwnerReferences, "no longer matching: released")
	assert.Len(t, cluster.PodsWith(s, "demo=blue-rs"), 3, "and replaced")
	assert.Len(t, cluster.PodsWith(s, ""), 4)
}

func TestRollingUpdate(t *testing.T) {
	s := cluster.NewSim(t, cluster.Config{Seed: 1, Timing: cluster.Realistic()})
	k := kubectl.New(s, "")
	d := cluster.NewDeployment("web", 10, "nginx:1")
	_, err := k.Apply(d)
	require.NoError(t, err)
	require.NoError(t, s.Settle())
	require.Equal(t, map[string]int{"nginx:1": 10}, cluster.Images(s, "app=web"))
	require.NoError(t, k.SetImage("web", "nginx", "nginx:2"))
	for s.Step() {
		if cluster.NextEventIsNow(s) {
			continue // check only between instants
		}
		cluster.CheckRolling(t, s, d)
		if cluster.Busy(s) == 0 {
			break
		}
	}
	require.NoError(t, s.Settle())
	assert.Equal(t, map[string]int{"nginx:2": 10}, cluster.Images(s, "app=web"))
	msg, done, err := k.RolloutStatus("web")
	require.NoError(t, err)
	assert.True(t, done, msg)
	hist, err := k.RolloutHistory("web")
	require.NoError(t, err)
	assert.Equal(t, "deployment.apps/web \nREVISION  CHANGE-CAUSE\n1         <none>\n2         <none>\n\n", hist)
	cur, _ := cluster.GetAs[*cluster.Deployment](s, "default", "web")
	assert.Equal(t, "2", cur.Annotations[cluster.AnnRevision])
	c, _ := cluster.FindDeploymentCondition(cur.Status, "Progressing")
	assert.Equal(t, "NewReplicaSetAvailable", c.Reason)
}

func TestRecreateNeverOverlaps(t *testing.T) {
	s := cluster.NewSim(t, cluster.Config{Seed: 1, Timing: cluster.Realistic()})
	k := kubectl.New(s, "")
	_, err := k.Apply(cluster.NewDeployment("web", 4, "nginx:1", func(d *cluster.Deployment) { d.Spec.Strategy.Type = cluster.RecreateStrategy }))
	require.NoError(t, err)
	require.NoError(t, s.Settle())
	require.NoError(t, k.SetImage("web", "nginx", "nginx:2"))
	sawEmpty := false
	for s.Step() {
		running := map[string]bool{}
		for _, p := range cluster.PodsWith(s, "app=web") {
			if rt, ok := s.Runtime("default", p.Name); ok && rt.Running {
				running[p.Spec.Containers[0].Image] = true
			}
		}
		require.False(t, running["nginx:1"] && running["nginx:2"], "at %s old and new run together", s.Now())
		if len(running) == 0 {
			sawEmpty = true
		}
		if cluster.Busy(s) == 0 {
			break
		}
	}
	assert.True(t, sawEmpty, "Recreate goes through zero pods")
	assert.Equal(t, map[string]int{"nginx:2": 4}, cluster.Images(s, "app=web"))
}

func TestRollbackRestoresTemplate(t *testing.T) {
	s := cluster.NewSim(t, cluster.Config{Seed: 1})
	k := kubectl.New(s, "")
	_, err := k.Apply(cluster.NewDeployment("web", 3, "nginx:1"))
	require.NoError(t, err)
	require.NoError(t, s.Settle())
	require.NoError(t, k.SetImage("web", "nginx", "nginx:2"))
	require.NoError(t, s.Settle())
	require.NoError(t, k.RolloutUndo("web", 0))
	require.NoError(t, s.Settle())
	assert.Equal(t, map[string]int{"nginx:1": 3}, cluster.Images(s, "app=web"))
	hist, err := k.RolloutHistory("web")
	require.NoError(t, err)
	assert.Contains(t, hist, "\n2 ")
	assert.Contains(t, hist, "\n3 ")
	assert.NotContains(t, hist, "\n1 ", "revision 1 became revision 3")
	rss := cluster.ListAs[*cluster.ReplicaSet](s, "default", selector.Everything())
	assert.Len(t, rss, 2, "the old ReplicaSet was reused, not recreated")
}

func TestScaleDownRemovesUnreadyFirst(t *testing.T) {
	s := cluster.NewSim(t, cluster.Config{Seed: 1})
	k := kubectl.New(s, "")
	_, err := k.Apply(&cluster.ReplicaSet{
		ObjectMeta: cluster.ObjectMeta{Name: "web"},
		Spec: cluster.ReplicaSetSpec{Replicas: cluster.Ptr(int32(3)), Selector: &selector.LabelSelector{MatchLabels: selector.Set{"app": "web"}},
			Template: func() cluster.PodTemplateSpec {
				t := cluster.NginxTemplate(map[string]string{"app": "web"}, "nginx")
				t.Spec.Containers[0].ReadinessProbe = &cluster.Probe{}
				return t
			}()},
	})
	require.NoError(t, err)
	require.NoError(t, s.Settle())
	sick := cluster.PodsWith(s, "app=web")[1].Name
	require.NoError(t, s.FailReadiness("default", sick))
	require.NoError(t, s.Settle())
	require.NoError(t, k.Scale(cluster.KindReplicaSet, "web", 2))
	require.NoError(t, s.Settle())
	for _, p := range cluster.PodsWith(s, "app=web") {
		assert.NotEqual(t, sick, p.Name, "the unready pod goes first")
	}
	assert.Len(t, cluster.PodsWith(s, "app=web"), 2)
}

func TestDeletingADeploymentDeletesEverything(t *testing.T) {
	s := cluster.NewSim(t, cluster.Config{Seed: 1})
	k := kubectl.New(s, "")
	_, err := k.Apply(cluster.NewDeployment("web", 3, "nginx:1"))
	require.NoError(t, err)
	require.NoError(t, s.Settle())
	require.NoError(t, k.Delete(cluster.KindDeployment, "web", cluster.DeleteOptions{}))
	require.NoError(t, s.Settle())
	assert.Empty(t, cluster.ListAs[*cluster.ReplicaSet](s, "default", selector.Everything()))
	assert.Empty(t, cluster.PodsWith(s, "app=web"))
}

func TestProgressDeadline(t *testing.T) {
	s := cluster.NewSim(t, cluster.Config{Seed: 1, Nodes: 1, NodeCIDRMaskSize: 30})
	k := kubectl.New(s, "")
	// One address per node: the second pod can never start, so the
	// rollout stalls and times out.
	_, err := k.Apply(cluster.NewDeployment("web", 2, "nginx", func(d *cluster.Deployment) { d.Spec.ProgressDeadlineSeconds = cluster.Ptr(int32(60)) }))
	require.NoError(t, err)
	require.NoError(t, s.Settle())
	s.RunFor(70 * time.Second)
	c, _ := cluster.FindDeploymentCondition(cluster.MustDeployment(t, s, "web").Status, "Progressing")
	assert.Equal(t, cluster.ConditionFalse, c.Status)
	assert.Equal(t, "ProgressDeadlineExceeded", c.Reason)
}

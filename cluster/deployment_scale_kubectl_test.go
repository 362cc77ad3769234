package cluster_test

import (
	"fmt"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/svcsim/svcsim/cluster"
	"github.com/svcsim/svcsim/kubectl"
	"github.com/svcsim/svcsim/selector"
)

// The tests of deployment_scale_test.go that drive the cluster through kubectl, which
// tests inside package cluster cannot import; see export_test.go.

// Issue 10, item 1, end to end: a paused Deployment adopts two ReplicaSets
// that carry no max-replicas annotation and is scaled before it has ever
// written its status. Kubernetes finds no base for a fraction (status 0)
// and gives the whole change to the first ReplicaSet in order: the older
// one when shrinking. svcsim used to divide by 1 instead and ended with
// web-a at 0 and web-b at 8.
func TestProportionalScalingOfUnannotatedReplicaSets(t *testing.T) {
	s := cluster.NewSim(t, cluster.Config{Seed: 1})
	k := kubectl.New(s, "")
	cluster.ScaleTwoReplicaSets(t, s)
	_, err := k.Apply(cluster.NewDeployment("web", 10, "nginx:1", func(d *cluster.Deployment) {
		d.Spec.Paused = true
		d.Spec.Strategy.RollingUpdate = &cluster.RollingUpdateDeployment{MaxSurge: cluster.Ptr(cluster.FromInt(0)), MaxUnavailable: cluster.Ptr(cluster.FromInt(1))}
	}))
	require.NoError(t, err)
	require.NoError(t, k.Scale(cluster.KindDeployment, "web", 8))
	require.NoError(t, s.Settle())
	assert.Equal(t, map[string]int32{"web-a": 3, "web-b": 5}, cluster.RsReplicas(t, s))
	assert.Len(t, cluster.PodsWith(s, "app=web"), 8)
	for _, rs := range cluster.ListAs[*cluster.ReplicaSet](s, "default", selector.Everything()) {
		assert.Equal(t, cluster.ScaledFor(8, 0), map[string]string{cluster.AnnDesiredReplicas: rs.Annotations[cluster.AnnDesiredReplicas],
			cluster.AnnMaxReplicas: rs.Annotations[cluster.AnnMaxReplicas]}, rs.Name)
	}
}

// Issue 10, item 1, end to end: ReplicaSets whose max-replicas annotation
// was set to "0" by someone else scale by the Deployment's status.replicas
// instead, so 10 -> 12 grows both by a fifth. svcsim used to divide by 1
// and give all of the change to one of them (web-b 7, web-a 5).
func TestProportionalScalingWithMaxReplicasZero(t *testing.T) {
	s := cluster.NewSim(t, cluster.Config{Seed: 1})
	k := kubectl.New(s, "")
	cluster.ScaleTwoReplicaSets(t, s)
	_, err := k.Apply(cluster.NewDeployment("web", 10, "nginx:1", func(d *cluster.Deployment) {
		d.Spec.Paused = true
		d.Spec.Strategy.RollingUpdate = &cluster.RollingUpdateDeployment{MaxSurge: cluster.Ptr(cluster.FromInt(0)), MaxUnavailable: cluster.Ptr(cluster.FromInt(1))}
	}))
	require.NoError(t, err)
	require.NoError(t, s.Settle())
	require.Equal(t, int32(10), cluster.MustDeployment(t, s, "web").Status.Replicas)
	require.Equal(t, map[string]int32{"web-a": 5, "web-b": 5}, cluster.RsReplicas(t, s))

	for _, rs := range cluster.ListAs[*cluster.ReplicaSet](s, "default", selector.Everything()) {
		require.Equal(t, "10", rs.Annotations[cluster.AnnMaxReplicas], rs.Name)
		rs.Annotations[cluster.AnnMaxReplicas] = "0"
		_, err := s.Update(rs)
		require.NoError(t, err)
	}
	require.NoError(t, k.Scale(cluster.KindDeployment, "web", 12))
	require.NoError(t, s.Settle())
	assert.Equal(t, map[string]int32{"web-a": 6, "web-b": 6}, cluster.RsReplicas(t, s))
	assert.Len(t, cluster.PodsWith(s, "app=web"), 12)
}

// Issue 10, item 5: the article's manifest (3 replicas, maxSurge 1,
// maxUnavailable 1) rolled out under Realistic timing. The ReplicaSet
// controller acts on a ReplicaSet only as its watch delivered it, so it
// carries out the old ReplicaSet's scale-down before the new one's
// scale-up that followed it; it used to read the store afresh and create
// the new pods first, showing 5 pods up with seed 7. Pods up can still
// exceed 4 by a scale-down the controller has been told of and not yet
// carried out (see TestRollingUpdateStaysWithinBounds), never otherwise.
func TestRollingUpdateActsOnReplicaSetsInTheOrderTheyChanged(t *testing.T) {
	for seed := uint64(0); seed < 16; seed++ {
		t.Run(fmt.Sprint("seed ", seed), func(t *testing.T) {
			s := cluster.NewSim(t, cluster.Config{Seed: seed, Timing: cluster.Realistic()})
			oracle := cluster.NewRSOracle(s)
			k := kubectl.New(s, "")
			_, err := k.Apply(cluster.NewDeployment("web", 3, "my-app:v1", func(d *cluster.Deployment) {
				d.Spec.Strategy.RollingUpdate = &cluster.RollingUpdateDeployment{MaxSurge: cluster.Ptr(cluster.FromInt(1)), MaxUnavailable: cluster.Ptr(cluster.FromInt(1))}
			}))
			require.NoError(t, err)
			require.NoError(t, s.Settle())
			oracle.RollingFrom("my-app:v1", 4)
			require.NoError(t, k.SetImage("web", "nginx", "my-app:v2"))
			for s.Step() {
				cluster.CheckRollingStep(t, s, oracle, 3, 1, 1)
				if cluster.Busy(s) == 0 {
					break
				}
			}
			require.NoError(t, s.Settle())
			require.Equal(t, map[string]int{"my-app:v2": 3}, cluster.Images(s, "app=web"))
		})
	}
}

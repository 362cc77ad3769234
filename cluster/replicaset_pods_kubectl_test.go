package cluster_test

import (
	"testing"

	"github.com/stretchr/testify/require"
	"pgregory.net/rapid"

	"github.com/svcsim/svcsim/cluster"
	"github.com/svcsim/svcsim/kubectl"
)

// The tests of replicaset_pods_test.go that drive the cluster through kubectl, which
// tests inside package cluster cannot import; see export_test.go.

// TestReplicaSetPodCountsMatchARecount: whatever happens to a
// ReplicaSet's pods (deletions, relabelling, bare pods to adopt, scaling,
// crashes, readiness failures, node failures), the counts the store keeps
// for it agree at every step with counting its pods afresh.
func TestReplicaSetPodCountsMatchARecount(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		r := &rsRun{
			s:     cluster.NewPropSim(t, rapid.Uint64().Draw(t, "seed"), cluster.TimingGen().Draw(t, "timing")),
			want:  int32(rapid.IntRange(0, 8).Draw(t, "replicas")),
			probe: cluster.ProbeGen().Draw(t, "probe"),
		}
		r.k = kubectl.New(r.s, "")
		created, err := r.s.Create(cluster.WlReplicaSet(r.want, r.probe))
		require.NoError(t, err)
		r.uid = created.Meta().UID
		actions := r.actions()
		actions["template"] = func(t *rapid.T) {
			rs, ok := cluster.GetAs[*cluster.ReplicaSet](r.s, "default", "web")
			require.True(t, ok)
			rs.Spec.Template.Labels["tier"] = rapid.SampledFrom([]string{"a", "b"}).Draw(t, "tier")
			rs.Spec.MinReadySeconds = int32(rapid.IntRange(0, 3).Draw(t, "minReady"))
			_, err := r.s.Update(rs)
			require.NoError(t, err)
		}
		for name, act := range actions {
			actions[name] = func(t *rapid.T) {
				if len(r.ops) < cluster.WlMaxActions {
					act(t)
				}
				cluster.CheckReplicaSetPods(t, r.s)
			}
		}
		t.Repeat(actions)
		require.NoError(t, r.s.Settle())
		cluster.CheckReplicaSetPods(t, r.s)
		require.Contains(t, cluster.CountedReplicaSets(r.s), r.uid, "the ReplicaSet's pods are counted")
	})
}

// TestReplicaSetIgnoresPodsOfOtherNamespaces: a pod in another namespace
// that names a ReplicaSet as its controller is not the ReplicaSet's, as
// Kubernetes' controller, which lists its own namespace's pods, never
// sees it: the ReplicaSet neither counts, deletes nor releases it.
func TestReplicaSetIgnoresPodsOfOtherNamespaces(t *testing.T) {
	s := cluster.NewSim(t, cluster.Config{Seed: 1})
	_, err := s.Create(&cluster.Namespace{ObjectMeta: cluster.ObjectMeta{Name: "team"}})
	require.NoError(t, err)
	created, err := s.Create(cluster.WlReplicaSet(2, nil))
	require.NoError(t, err)
	require.NoError(t, s.Settle())
	ref := cluster.ControllerRef("apps/v1", cluster.KindReplicaSet, "web", created.Meta().UID)
	for name, app := range map[string]string{"intruder": "web", "stray": "other"} {
		_, err := s.Create(&cluster.Pod{ObjectMeta: cluster.ObjectMeta{Name: name, Namespace: "team", Labels: map[string]string{"app": app},
			OwnerReferences: []cluster.OwnerReference{ref}}, Spec: cluster.NginxTemplate(nil, "nginx").Spec})
		require.NoError(t, err)
	}
	require.NoError(t, s.Settle())
	require.NoError(t, kubectl.New(s, "").Scale(cluster.KindReplicaSet, "web", 1))
	require.NoError(t, s.Settle())

	rs, ok := cluster.GetAs[*cluster.ReplicaSet](s, "default", "web")
	require.True(t, ok)
	require.Equal(t, int32(1), rs.Status.Replicas)
	require.Len(t, cluster.OwnedActive(s, created.Meta().UID), 1, "pods of default it controls")
	for _, name := range []string{"intruder", "stray"} {
		p, ok := cluster.GetAs[*cluster.Pod](s, "team", name)
		require.True(t, ok, "%s is left alone", name)
		require.Nil(t, p.DeletionTimestamp, "%s is not deleted", name)
		require.Equal(t, []cluster.OwnerReference{ref}, p.OwnerReferences, "%s is not released", name)
	}
}

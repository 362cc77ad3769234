package cluster

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/svcsim/svcsim/selector"
)

// rsWorld is a settled three-node cluster running a three-replica
// ReplicaSet, one pod per node.
func rsWorld(t *testing.T, timing Timing) *Sim {
	t.Helper()
	s := newSim(t, Config{Seed: 1, Timing: timing})
	_, err := s.Create(&ReplicaSet{ObjectMeta: ObjectMeta{Name: "web"}, Spec: ReplicaSetSpec{Replicas: Ptr(int32(3)),
		Selector: &selector.LabelSelector{MatchLabels: selector.Set{"app": "web"}},
		Template: nginxTemplate(map[string]string{"app": "web"}, "nginx")}})
	require.NoError(t, err)
	require.NoError(t, s.Settle())
	return s
}

func podsOn(s *Sim, node string) []*Pod {
	var out []*Pod
	for _, p := range ListAs[*Pod](s, "", everything) {
		if p.Spec.NodeName == node {
			out = append(out, p)
		}
	}
	return out
}

// TestDeletedNodesPodsAreCollected: after a node is deleted its pods keep
// running, bound to it, until the pod garbage collector's pass after the
// 40 s quarantine marks them Failed (DisruptionTarget, DeletionByPodGC)
// and force-deletes them; the kubelet then stops them, and the ReplicaSet
// replaces them on the nodes that are left.
func TestDeletedNodesPodsAreCollected(t *testing.T) {
	for _, tt := range []struct {
		deleteAt, goneAt time.Duration // passes run on the 20 s beat
	}{
		{0, 60 * time.Second},
		{5 * time.Second, 60 * time.Second},
		{20 * time.Second, 80 * time.Second},
		{39 * time.Second, 80 * time.Second},
	} {
		t.Run(tt.deleteAt.String(), func(t *testing.T) {
			s := rsWorld(t, Instant())
			s.RunUntil(Time(tt.deleteAt))
			victims := podsOn(s, "node-1")
			require.Len(t, victims, 1)
			victim := victims[0]
			var failed []*Pod
			s.Watch("test", nil, func(ev WatchEvent) {
				if p := ev.Object.(*Pod); ev.Type == Modified && p.UID == victim.UID && p.Status.Phase == PodFailed {
					failed = append(failed, p)
				}
			}, KindPod)
			require.NoError(t, s.Delete(KindNode, "", "node-1", DeleteOptions{}))

			s.RunUntil(Time(tt.goneAt - time.Nanosecond))
			p := mustPod(t, s, victim.Name)
			assert.Equal(t, PodRunning, p.Status.Phase, "still bound and running just before")
			assert.True(t, p.IsReady())
			rt, ok := s.Runtime("default", victim.Name)
			require.True(t, ok)
			assert.True(t, rt.Running, "its kubelet still runs it")

			s.RunUntil(Time(tt.goneAt))
			_, exists := s.Get(KindPod, "default", victim.Name)
			assert.False(t, exists, "gone at %s", tt.goneAt)
			_, running := s.RuntimeByUID(victim.UID)
			assert.False(t, running, "its kubelet stopped it")
			require.Len(t, failed, 1, "marked Failed before it went")
			c, ok := failed[0].Condition(DisruptionTarget)
			require.True(t, ok)
			assert.Equal(t, PodCondition{Type: DisruptionTarget, Status: ConditionTrue, Reason: "DeletionByPodGC",
				Message: "PodGC: node no longer exists", LastTransitionTime: Time(tt.goneAt)}, c)

			require.NoError(t, s.Settle())
			pods := podsWith(s, "app=web")
			require.Len(t, pods, 3, "replaced")
			for _, p := range pods {
				assert.NotEqual(t, "node-1", p.Spec.NodeName)
				assert.True(t, p.IsReady())
			}
			var gcWrites []string
			for _, e := range s.Trace() {
				if e.Component == podGCName && (e.Action == "UpdateStatus" || e.Action == "Remove") {
					gcWrites = append(gcWrites, e.Action+" "+e.Object)
				}
			}
			assert.Equal(t, []string{"UpdateStatus pod/default/" + victim.Name, "Remove pod/default/" + victim.Name}, gcWrites)
		})
	}
}

// TestDeletedNodeUnderRealisticTiming: the same collection happens with
// watch lags and container start times, and the cluster settles.
func TestDeletedNodeUnderRealisticTiming(t *testing.T) {
	s := rsWorld(t, Realistic())
	require.NoError(t, s.Delete(KindNode, "", "node-2", DeleteOptions{}))
	require.NoError(t, s.Settle())
	assert.Empty(t, podsOn(s, "node-2"))
	assert.Len(t, podsWith(s, "app=web"), 3)
}

// TestNodeBackWithinQuarantine: a node created again before its quarantine
// ends keeps its pods, as PodGC checks the node still misses before it
// deletes anything.
func TestNodeBackWithinQuarantine(t *testing.T) {
	s := rsWorld(t, Instant())
	node, ok := GetAs[*Node](s, "", "node-1")
	require.True(t, ok)
	pod := podsOn(s, "node-1")[0]
	require.NoError(t, s.Delete(KindNode, "", "node-1", DeleteOptions{}))
	s.RunFor(30 * time.Second)
	node.ResourceVersion, node.UID = 0, ""
	_, err := s.Create(node)
	require.NoError(t, err)
	require.NoError(t, s.Settle())
	p := mustPod(t, s, pod.Name)
	assert.Equal(t, pod.UID, p.UID)
	assert.Equal(t, PodRunning, p.Status.Phase)
}

// TestPodBoundToANodeThatNeverExisted: a pod created with a nodeName no
// node has is an orphan from the start, collected after the quarantine.
func TestPodBoundToANodeThatNeverExisted(t *testing.T) {
	s := newSim(t, Config{Seed: 1})
	_, err := s.Create(webPod("ghost", func(p *Pod) { p.Spec.NodeName = "node-9" }))
	require.NoError(t, err)
	require.NoError(t, s.Settle())
	_, exists := s.Get(KindPod, "default", "ghost")
	assert.False(t, exists)
	assert.Equal(t, Time(60*time.Second), s.Now(), "collected at the third pass")
}

// TestNoOrphansNoCollector: a cluster whose pods all have nodes never
// hears from the pod garbage collector, in its trace or its clock.
func TestNoOrphansNoCollector(t *testing.T) {
	s := rsWorld(t, Realistic())
	require.NoError(t, s.Delete(KindPod, "default", podsWith(s, "app=web")[0].Name, DeleteOptions{}))
	require.NoError(t, s.Settle())
	for _, e := range s.Trace() {
		assert.NotEqual(t, podGCName, e.Component, "%+v", e)
	}
}

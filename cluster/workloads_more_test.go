package cluster

import (
	"fmt"
	"testing"

	"github.com/stretchr/testify/require"
)

// Table tests of the ReplicaSet and Deployment controllers and of the
// kubectl verbs that drive them, against §8 and §9 of the reference.

// rsByImage returns the ReplicaSets by the image of their template.
func rsByImage(t *testing.T, s *Sim) map[string]*ReplicaSet {
	t.Helper()
	out := map[string]*ReplicaSet{}
	for _, rs := range ListAs[*ReplicaSet](s, "default", everything) {
		img := rs.Spec.Template.Spec.Containers[0].Image
		require.NotContains(t, out, img, "two ReplicaSets run %s", img)
		out[img] = rs
	}
	return out
}

// recordScaling records every change of a ReplicaSet's spec.replicas, in
// the order the store saw them, as "NAME from A to B" with the names
// replaced by their stand-ins in names.
func recordScaling(s *Sim, names map[string]string) *[]string {
	var out []string
	s.Watch("test-scaling", Fixed(0), func(ev WatchEvent) {
		if ev.Type != Modified {
			return
		}
		cur, old := ev.Object.(*ReplicaSet), ev.Old.(*ReplicaSet)
		if a, b := replicas(old.Spec.Replicas), replicas(cur.Spec.Replicas); a != b {
			name := cur.Name
			if n, ok := names[name]; ok {
				name = n
			}
			out = append(out, fmt.Sprintf("%s from %d to %d", name, a, b))
		}
	}, KindReplicaSet)
	return &out
}

// progressingReasons records the successive reasons of a Deployment's
// Progressing condition, as a watch with no lag sees them.
func progressingReasons(s *Sim) *[]string {
	var reasons []string
	s.Watch("test-progress", Fixed(0), func(ev WatchEvent) {
		d := ev.Object.(*Deployment)
		if c, ok := deploymentCondition(d.Status, "Progressing"); ok && (len(reasons) == 0 || reasons[len(reasons)-1] != c.Reason) {
			reasons = append(reasons, c.Reason)
		}
	}, KindDeployment)
	return &reasons
}

// The scale-down ranking (§8): each case builds pods that differ in the
// rule under test and, in the other direction, in a later rule, so that
// the victim shows which rule the controller applied.

// rsUID returns the UID of the ReplicaSet web.
func rsUID(t *testing.T, s *Sim) string {
	t.Helper()
	rs, ok := GetAs[*ReplicaSet](s, "default", "web")
	require.True(t, ok)
	return rs.UID
}

func podNames(pods []*Pod) []string {
	var out []string
	for _, p := range pods {
		out = append(out, p.Name)
	}
	return out
}

func setDeletionCost(t *testing.T, s *Sim, pod, cost string) {
	t.Helper()
	p := mustPod(t, s, pod).DeepCopy()
	if p.Annotations == nil {
		p.Annotations = map[string]string{}
	}
	p.Annotations["controller.kubernetes.io/pod-deletion-cost"] = cost
	_, err := s.Update(p)
	require.NoError(t, err)
}

func setUnschedulable(t *testing.T, s *Sim, node string, v bool) {
	t.Helper()
	n, ok := GetAs[*Node](s, "", node)
	require.True(t, ok)
	n.Spec.Unschedulable = v
	_, err := s.Update(n)
	require.NoError(t, err)
}

func readySince(t *testing.T, s *Sim, pod string) Time {
	t.Helper()
	c, ok := mustPod(t, s, pod).Condition(PodReady)
	require.True(t, ok && c.Status == ConditionTrue, "%s is ready", pod)
	return c.LastTransitionTime
}

// Bug reproductions.

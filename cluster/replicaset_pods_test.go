package cluster

import (
	"maps"
	"slices"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/svcsim/svcsim/selector"
)

// isAvailable reports whether a pod has been ready for minReady by now,
// and if it is ready but not yet available, when it will be: the test,
// pod by pod, that replicaSetPods.available answers for all at once.
func isAvailable(p *Pod, minReady int32, now Time) (bool, Time) {
	c, ok := p.Condition(PodReady)
	if !ok || c.Status != ConditionTrue {
		return false, 0
	}
	at := c.LastTransitionTime.Add(time.Duration(minReady) * time.Second)
	if minReady == 0 || at <= now {
		return true, 0
	}
	return false, at
}

// recountReplicaSetPods counts what replicaSetPods counts for the
// ReplicaSet uid from scratch, by looking at every pod in the store, as
// the ReplicaSet controller did on each sync before the counts were kept
// incrementally.
func recountReplicaSetPods(s *Sim, uid, namespace string, sel selector.Selector, labels selector.Set) (c replicaSetPods, ready []*Pod, members []member) {
	c = replicaSetPods{sel: sel, labels: labels, strays: map[string]bool{}, onNode: map[string]int{}}
	s.store.each(KindPod, namespace, func(o Object) bool {
		p := o.(*Pod)
		if ref, ok := p.ControllerRef(); !ok || ref.UID != uid || !isActive(p) {
			return true
		}
		if p.Spec.NodeName != "" {
			c.onNode[p.Spec.NodeName]++
		}
		if !sel.Matches(p.Labels) {
			c.strays[p.Name] = true
			return true
		}
		c.active++
		m := member{name: p.Name, uid: p.UID, node: p.Spec.NodeName, pod: p, unscheduled: p.Spec.NodeName == "", ready: p.IsReady(),
			phase: phaseRank(p.Status.Phase), cost: deletionCost(p), restarts: maxRestarts(p), created: p.CreationTimestamp}
		if m.ready {
			r, _ := p.Condition(PodReady)
			m.readyAt = r.LastTransitionTime
		}
		members = append(members, m)
		full := true
		for k, v := range labels {
			if w, ok := p.Labels[k]; !ok || w != v {
				full = false
			}
		}
		if full {
			c.fully++
		}
		if p.IsReady() {
			c.ready++
			ready = append(ready, p)
		}
		return true
	})
	return c, ready, members
}

// checkReplicaSetPods fails unless every ReplicaSet's counts agree with a
// recount, for availability at several minReadySeconds.
func checkReplicaSetPods(t require.TestingT, s *Sim) {
	for _, uid := range sortedKeys(s.store.replicaSetPods) {
		c := s.store.replicaSetPods[uid]
		s.store.each(KindReplicaSet, "", func(o Object) bool {
			if o.Meta().UID == uid {
				require.Equal(t, o.Meta().Namespace, c.namespace, "%s: namespace", uid)
			}
			return true
		})
		want, ready, members := recountReplicaSetPods(s, uid, c.namespace, c.sel, c.labels)
		require.Equal(t, want.active, c.active, "%s: active", uid)
		require.Equal(t, want.ready, c.ready, "%s: ready", uid)
		require.Equal(t, want.fully, c.fully, "%s: fully labeled", uid)
		require.Equal(t, want.strays, c.strays, "%s: strays", uid)
		require.Equal(t, want.onNode, c.onNode, "%s: on node", uid)
		require.Equal(t, int(c.ready), c.readySince.Len(), "%s: ready pods by time", uid)
		var times []Time
		for _, p := range ready {
			r, _ := p.Condition(PodReady)
			times = append(times, r.LastTransitionTime)
		}
		slices.Sort(times)
		ties := 0
		for i := 1; i < len(times); i++ {
			if times[i] == times[i-1] {
				ties++
			}
		}
		require.Equal(t, ties, c.readyTies, "%s: pods ready at the same instant", uid)
		var got []member
		c.members.Ascend(func(m member) bool { got = append(got, m); return true })
		require.Equal(t, members, got, "%s: members", uid)
		for _, minReady := range []int32{0, 1, 5, 30} {
			var avail int32
			var next Time
			for _, p := range ready {
				if ok, at := isAvailable(p, minReady, s.now); ok {
					avail++
				} else if at != 0 && (next == 0 || at < next) {
					next = at
				}
			}
			gotAvail, gotNext := c.available(minReady, s.now)
			require.Equal(t, avail, gotAvail, "%s: available at minReadySeconds %d", uid, minReady)
			require.Equal(t, next, gotNext, "%s: next available at minReadySeconds %d", uid, minReady)
		}
	}
}

// TestReplicaSetPodCountsDroppedWithTheReplicaSet: once a ReplicaSet's
// deletion reaches its controller, the store stops counting its pods.
func TestReplicaSetPodCountsDroppedWithTheReplicaSet(t *testing.T) {
	s := newSim(t, Config{Seed: 1})
	created, err := s.Create(wlReplicaSet(2, nil))
	require.NoError(t, err)
	require.NoError(t, s.Settle())
	require.Contains(t, s.store.replicaSetPods, created.Meta().UID)
	require.NoError(t, s.Delete(KindReplicaSet, "default", "web", DeleteOptions{}))
	require.NoError(t, s.Settle())
	require.Empty(t, s.store.replicaSetPods)
}

// TestReplicaSetAvailableCountsFromTheNewest checks available's walk from
// the most recently ready pod on ready times that are out of order,
// equal, in the future and at the ends of time.
func TestReplicaSetAvailableCountsFromTheNewest(t *testing.T) {
	ready := func(name string, at Time) *Pod {
		return &Pod{ObjectMeta: ObjectMeta{Name: name, Labels: map[string]string{"app": "web"}},
			Status: PodStatus{Phase: PodRunning, Conditions: []PodCondition{{Type: PodReady, Status: ConditionTrue, LastTransitionTime: at}}}}
	}
	sel, err := (&selector.LabelSelector{MatchLabels: selector.Set{"app": "web"}}).Selector()
	require.NoError(t, err)
	times := []Time{5 * Time(time.Second), 0, 20 * Time(time.Second), 5 * Time(time.Second), 19 * Time(time.Second), EndOfTime, -EndOfTime, 9 * Time(time.Second)}
	for _, tt := range []struct {
		name     string
		minReady int32
		now      Time
	}{
		{"no wait", 0, 10 * Time(time.Second)},
		{"some pending", 5, 20 * Time(time.Second)},
		{"all but the future", 1, 30 * Time(time.Second)},
		{"at the boundary", 5, 10 * Time(time.Second)},
		{"long wait", 1 << 30, 20 * Time(time.Second)},
	} {
		t.Run(tt.name, func(t *testing.T) {
			c := &replicaSetPods{sel: sel, members: newMembers(), readySince: newReadySince(), strays: map[string]bool{}, onNode: map[string]int{}}
			var pods []*Pod
			for i, at := range times {
				p := ready(string(rune('a'+i)), at)
				pods = append(pods, p)
				c.count(p, 1)
			}
			var want int32
			var next Time
			for _, p := range pods {
				if ok, at := isAvailable(p, tt.minReady, tt.now); ok {
					want++
				} else if at != 0 && (next == 0 || at < next) {
					next = at
				}
			}
			got, gotNext := c.available(tt.minReady, tt.now)
			require.Equal(t, want, got)
			require.Equal(t, next, gotNext)
			require.Equal(t, 1, c.readyTies, "two pods ready at 5 s")
			// Taking every pod away again leaves nothing counted.
			for _, p := range slices.Backward(pods) {
				c.count(p, -1)
			}
			require.Zero(t, c.ready)
			require.Zero(t, c.readySince.Len())
			require.Zero(t, c.readyTies)
			require.Empty(t, slices.Collect(maps.Keys(c.onNode)))
		})
	}
}

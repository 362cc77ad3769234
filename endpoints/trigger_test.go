package endpoints

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"

	"github.com/svcsim/svcsim/cluster"
	"github.com/svcsim/svcsim/selector"
)

// TestTriggerTimes replays the rule of Kubernetes' TriggerTimeTracker one
// sync at a time: a new Service reports its creation; after that, the
// earliest Ready transition among pods that are new or changed; nothing
// when nothing changed.
func TestTriggerTimes(t *testing.T) {
	const none = -1
	type sync struct {
		pods map[string]int // pod name -> Ready transition second; none for no condition
		want int            // second; none for no trigger time
	}
	created := 5
	for _, tt := range []struct {
		name  string
		syncs []sync
	}{
		{"a new Service reports its creation, even with pods ready later", []sync{
			{map[string]int{"a": 9}, created},
		}},
		{"a new Service with no pods", []sync{{nil, created}}},
		{"nothing changed: nothing", []sync{
			{map[string]int{"a": 3}, created},
			{map[string]int{"a": 3}, none},
		}},
		{"a pod's transition", []sync{
			{map[string]int{"a": 3}, created},
			{map[string]int{"a": 8}, 8},
		}},
		{"a new pod counts with its old transition", []sync{
			{map[string]int{"a": 3}, created},
			{map[string]int{"a": 3, "b": 1}, 1},
		}},
		{"the earliest of several changes", []sync{
			{map[string]int{"a": 3, "b": 4}, created},
			{map[string]int{"a": 12, "b": 10, "c": 11}, 10},
		}},
		{"an unchanged pod does not count, however early", []sync{
			{map[string]int{"a": 1, "b": 4}, created},
			{map[string]int{"a": 1, "b": 9}, 9},
		}},
		{"a pod that left: nothing", []sync{
			{map[string]int{"a": 3, "b": 4}, created},
			{map[string]int{"a": 3}, none},
		}},
		{"a pod that left and came back is new again", []sync{
			{map[string]int{"a": 3, "b": 4}, created},
			{map[string]int{"a": 3}, none},
			{map[string]int{"a": 3, "b": 4}, 4},
		}},
		{"a pod without a Ready condition does not count", []sync{
			{map[string]int{"a": 3}, created},
			{map[string]int{"a": 3, "b": none}, none},
			{map[string]int{"a": 3, "b": 7}, 7},
		}},
		{"a pod that lost its condition is forgotten", []sync{
			{map[string]int{"a": 3}, created},
			{map[string]int{"a": none}, none},
			{map[string]int{"a": 3}, 3},
		}},
		{"an earlier time than remembered is no change", []sync{
			{map[string]int{"a": 6}, created},
			{map[string]int{"a": 2}, none},
		}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			at := func(sec int) time.Time { return apiTime(cluster.Time(time.Duration(sec) * time.Second)) }
			svc := &service{created: at(created), members: map[string]*member{}}
			for i, s := range tt.syncs {
				// Every pod of the sync is passed as changed, and every pod
				// that left: more than the controller passes, which must
				// make no difference.
				var changed []*member
				for name, sec := range s.pods {
					m := svc.members[name]
					if m == nil {
						m = &member{name: name}
						svc.members[name] = m
					}
					m.cur = &pod{ns: "default", name: name}
					if sec != none {
						m.cur.readyAt = at(sec)
					}
					changed = append(changed, m)
				}
				for name, m := range svc.members {
					if _, ok := s.pods[name]; !ok {
						m.cur = nil
						changed = append(changed, m)
					}
				}
				want := time.Time{}
				if s.want != none {
					want = at(s.want)
				}
				assert.Equal(t, want, svc.triggerTime(changed), "sync %d", i)
				for name, m := range svc.members {
					if m.cur == nil {
						delete(svc.members, name) // as the controller forgets a pod that left
					}
				}
			}
		})
	}
}

// TestTriggerTimesOnlyChangedMembers: a member the controller does not
// pass as changed adds nothing, whatever its time, since its Ready
// transition is the one remembered.
func TestTriggerTimesOnlyChangedMembers(t *testing.T) {
	at := func(sec int) time.Time { return apiTime(cluster.Time(time.Duration(sec) * time.Second)) }
	svc := &service{created: at(1), members: map[string]*member{}}
	a := &member{name: "a", cur: &pod{name: "a", readyAt: at(3)}}
	b := &member{name: "b", cur: &pod{name: "b", readyAt: at(4)}}
	assert.Equal(t, at(1), svc.triggerTime([]*member{a, b}), "first sync: creation")
	b.cur = &pod{name: "b", readyAt: at(9)}
	assert.Equal(t, at(9), svc.triggerTime([]*member{b}))
	assert.True(t, svc.triggerTime([]*member{a, b}).IsZero(), "nothing new")
}

func TestTriggerTimesForgetADeletedService(t *testing.T) {
	created := apiTime(cluster.Time(time.Second))
	svc := &service{created: created}
	svc.triggerTime(nil)
	assert.True(t, svc.triggerTime(nil).IsZero())
	// A deleted Service's state goes with it: the controller starts a new
	// one for a new Service of the same name.
	svc = &service{created: created}
	assert.Equal(t, created, svc.triggerTime(nil), "a new Service again")
}

func TestAPITimeIsWholeSeconds(t *testing.T) {
	for _, tt := range []struct {
		at   time.Duration
		want string
	}{
		{0, "2025-01-01T00:00:00Z"},
		{1500 * time.Millisecond, "2025-01-01T00:00:01Z"},
		{time.Hour + 999*time.Millisecond, "2025-01-01T01:00:00Z"},
	} {
		t.Run(tt.want, func(t *testing.T) {
			m := withTrigger(nil, apiTime(cluster.Time(tt.at)))
			assert.Equal(t, map[string]string{TriggerTimeAnnotation: tt.want}, m)
		})
	}
	assert.Nil(t, withTrigger(map[string]string{TriggerTimeAnnotation: "x"}, time.Time{}), "removing the last annotation leaves none")
	assert.Equal(t, map[string]string{"a": "b"}, withTrigger(map[string]string{"a": "b", TriggerTimeAnnotation: "x"}, time.Time{}))
}

// TestSliceLabelsChanged: the reconciler compares only the labels it
// copies from the Service, so a slice whose reserved labels alone differ
// is not rewritten for that.
func TestSliceLabelsChanged(t *testing.T) {
	for _, tt := range []struct {
		name       string
		slice, svc selector.Set
		want       bool
	}{
		{"same", selector.Set{"app": "web", ServiceNameLabel: "web"}, selector.Set{"app": "web"}, false},
		{"value differs", selector.Set{"app": "web"}, selector.Set{"app": "api"}, true},
		{"Service gained one", selector.Set{"app": "web"}, selector.Set{"app": "web", "tier": "x"}, true},
		{"Service lost one", selector.Set{"app": "web", "tier": "x"}, selector.Set{"app": "web"}, true},
		{"reserved on the slice only", selector.Set{HeadlessLabel: "", SliceManagedByLabel: "x"}, nil, false},
		{"reserved on the Service only", nil, selector.Set{HeadlessLabel: "", ServiceNameLabel: "x"}, false},
		{"reserved differing", selector.Set{ServiceNameLabel: "a"}, selector.Set{ServiceNameLabel: "b"}, false},
	} {
		t.Run(tt.name, func(t *testing.T) { assert.Equal(t, tt.want, sliceLabelsChanged(tt.slice, tt.svc)) })
	}
}

// TestSliceEndpointNodeAndZone: nodeName only for a pod with a node, zone
// only when the node's zone label is not empty, as podToEndpoint does.
func TestSliceEndpointNodeAndZone(t *testing.T) {
	zones := map[string]*string{"node-1": cluster.Ptr("a")}
	svc := &service{ns: "default", name: "web"}
	for _, tt := range []struct {
		node     string
		wantNode *string
		wantZone *string
	}{
		{"node-1", cluster.Ptr("node-1"), cluster.Ptr("a")},
		{"node-2", cluster.Ptr("node-2"), nil},
		{"", nil, nil},
	} {
		t.Run("node="+tt.node, func(t *testing.T) {
			p := newPod(&cluster.Pod{ObjectMeta: cluster.ObjectMeta{Namespace: "default", Name: "p"},
				Spec: cluster.PodSpec{NodeName: tt.node}, Status: cluster.PodStatus{PodIP: "10.244.0.5"}}, nil)
			ep := svc.sliceEndpoint(p, zones[p.node])
			assert.Equal(t, tt.wantNode, ep.NodeName)
			assert.Equal(t, tt.wantZone, ep.Zone)
		})
	}
}

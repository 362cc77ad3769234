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
			tr := triggers{}
			for i, s := range tt.syncs {
				members := map[string]*pod{}
				for name, sec := range s.pods {
					p := &pod{ns: "default", name: name}
					if sec != none {
						p.readyAt = at(sec)
					}
					members["default/"+name] = p
				}
				want := time.Time{}
				if s.want != none {
					want = at(s.want)
				}
				assert.Equal(t, want, tr.next("default/web", at(created), members), "sync %d", i)
			}
		})
	}
}

func TestTriggerTimesForgetADeletedService(t *testing.T) {
	tr := triggers{}
	created := apiTime(cluster.Time(time.Second))
	tr.next("default/web", created, nil)
	assert.True(t, tr.next("default/web", created, nil).IsZero())
	delete(tr, "default/web") // what the controller does when the Service goes
	assert.Equal(t, created, tr.next("default/web", created, nil), "a new Service again")
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
	zones := map[string]string{"node-1": "a", "node-2": ""}
	svc := &service{ns: "default", name: "web"}
	for _, tt := range []struct {
		node     string
		wantNode *string
		wantZone *string
	}{
		{"node-1", cluster.Ptr("node-1"), cluster.Ptr("a")},
		{"node-2", cluster.Ptr("node-2"), nil},
		{"node-9", cluster.Ptr("node-9"), nil},
		{"", nil, nil},
	} {
		t.Run("node="+tt.node, func(t *testing.T) {
			ep := svc.sliceEndpoint(&pod{ns: "default", name: "p", ip: "10.244.0.5", node: tt.node}, zones)
			assert.Equal(t, tt.wantNode, ep.NodeName)
			assert.Equal(t, tt.wantZone, ep.Zone)
		})
	}
}

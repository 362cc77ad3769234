package cluster

import (
	"fmt"
	"math"
	"slices"
	"strconv"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/svcsim/svcsim/selector"
)

// Table tests of proportional scaling (§9) against Kubernetes' own tables:
// TestGetReplicaSetFraction and TestGetNonNegativeInt32FromAnnotation in
// pkg/controller/deployment/util/deployment_util_test.go, and TestScale in
// pkg/controller/deployment/sync_test.go, with Kubernetes' fixtures: a
// rolling Deployment whose maxSurge and maxUnavailable are 0 unless given
// (so one pod may be unavailable), and ReplicaSets created an hour apart.

// planDeployment is a rolling Deployment of n replicas with the given
// maxSurge and maxUnavailable and status.replicas.
func planDeployment(n, surge, unavailable, statusReplicas int32) *Deployment {
	return &Deployment{
		ObjectMeta: ObjectMeta{Name: "foo", Namespace: "default"},
		Spec: DeploymentSpec{Replicas: Ptr(n), Strategy: DeploymentStrategy{Type: RollingUpdateStrategy,
			RollingUpdate: &RollingUpdateDeployment{MaxSurge: Ptr(FromInt(surge)), MaxUnavailable: Ptr(FromInt(unavailable))}}},
		Status: DeploymentStatus{Replicas: statusReplicas},
	}
}

// planRS is a ReplicaSet of n replicas created age hours before the
// newest, with the given annotations.
func planRS(name string, n int32, age int, annotations map[string]string) *ReplicaSet {
	return &ReplicaSet{
		ObjectMeta: ObjectMeta{Name: name, Namespace: "default", UID: "uid-" + name, Annotations: annotations,
			CreationTimestamp: Time(10-age) * Time(time.Hour)},
		Spec: ReplicaSetSpec{Replicas: Ptr(n)},
	}
}

// scaledFor returns the annotations the controller writes on a ReplicaSet
// it scaled for a Deployment of n replicas and the given maxSurge.
func scaledFor(n, surge int32) map[string]string {
	return map[string]string{annDesiredReplicas: strconv.Itoa(int(n)), annMaxReplicas: strconv.Itoa(int(n + surge))}
}

func TestReplicaSetFractionMatchesKubernetes(t *testing.T) {
	for _, tt := range []struct {
		name                            string
		replicas, statusReplicas, surge int32
		rsReplicas                      int32
		annotations                     map[string]string
		want                            int32
	}{
		{name: "empty deployment always scales to 0", replicas: 0, rsReplicas: 10, want: -10},
		{name: "unsynced deployment does not scale when max-replicas annotation is missing", replicas: 10, rsReplicas: 5, want: 0},
		{name: "unsynced deployment does not scale when max-replicas annotation is 0", replicas: 10, rsReplicas: 5,
			annotations: map[string]string{annMaxReplicas: "0"}, want: 0},
		{name: "scale up by 1/5 when max-replicas annotation is missing", replicas: 120, statusReplicas: 100, rsReplicas: 50, want: 10},
		{name: "scale up by 1/5 when max-replicas annotation is 0", replicas: 120, statusReplicas: 100, rsReplicas: 50,
			annotations: map[string]string{annMaxReplicas: "0"}, want: 10},
		{name: "scale up by 1/5", replicas: 120, rsReplicas: 50, annotations: map[string]string{annMaxReplicas: "100"}, want: 10},
		{name: "scale up with maxSurge by about 1/5", replicas: 120, surge: 10, rsReplicas: 50,
			annotations: map[string]string{annMaxReplicas: "110"}, want: 9},
		{name: "scale down by 1/6", replicas: 10, rsReplicas: 6, annotations: map[string]string{annMaxReplicas: "12"}, want: -1},
		{name: "scale down with maxSurge by about 1/6", replicas: 100, surge: 10, rsReplicas: 50,
			annotations: map[string]string{annMaxReplicas: "130"}, want: -8},
		// Beyond Kubernetes' table: what getNonNegativeInt32FromAnnotation
		// rejects falls back to status.replicas like a missing annotation.
		{name: "negative max-replicas falls back to status", replicas: 120, statusReplicas: 100, rsReplicas: 50,
			annotations: map[string]string{annMaxReplicas: "-100"}, want: 10},
		{name: "signed max-replicas falls back to status", replicas: 120, statusReplicas: 100, rsReplicas: 50,
			annotations: map[string]string{annMaxReplicas: "+50"}, want: 10},
		{name: "max-replicas beyond int32 falls back to status", replicas: 120, statusReplicas: 100, rsReplicas: 50,
			annotations: map[string]string{annMaxReplicas: "2147483648"}, want: 10},
		{name: "rounds half away from zero", replicas: 3, rsReplicas: 1, annotations: map[string]string{annMaxReplicas: "2"}, want: 1},
		{name: "no int32 wrap on large sizes", replicas: 50_000, rsReplicas: 50_000,
			annotations: map[string]string{annMaxReplicas: "50000"}, want: 0},
	} {
		t.Run(tt.name, func(t *testing.T) {
			d := planDeployment(tt.replicas, tt.surge, 1, tt.statusReplicas)
			rs := planRS("rs", tt.rsReplicas, 0, tt.annotations)
			assert.Equal(t, tt.want, replicaSetFraction(rs, d))
		})
	}
}

func TestAnnotatedCountMatchesKubernetes(t *testing.T) {
	for _, tt := range []struct {
		name   string
		value  *string
		want   int32
		wantOK bool
	}{
		{name: "missing"},
		{name: "invalid", value: Ptr("invalid")},
		{name: "negative", value: Ptr("-1")},
		{name: "zero", value: Ptr("0"), want: 0, wantOK: true},
		{name: "valid", value: Ptr("13"), want: 13, wantOK: true},
		{name: "max", value: Ptr(strconv.Itoa(math.MaxInt32)), want: math.MaxInt32, wantOK: true},
		{name: "max+1", value: Ptr(strconv.Itoa(math.MaxInt32 + 1))},
		{name: "beyond uint32", value: Ptr(strconv.Itoa(math.MaxUint32 + 1))},
		{name: "plus sign", value: Ptr("+13")},
		{name: "spaces", value: Ptr(" 13")},
		{name: "empty", value: Ptr("")},
	} {
		t.Run(tt.name, func(t *testing.T) {
			ann := map[string]string{"foo": "2"}
			if tt.value != nil {
				ann[annMaxReplicas] = *tt.value
			}
			got, ok := annotatedCount(planRS("rs", 1, 0, ann), annMaxReplicas)
			assert.Equal(t, tt.wantOK, ok)
			assert.Equal(t, tt.want, got)
		})
	}
}

// planRow is one ReplicaSet of a scaling table: its name, size and age,
// the annotations it was last scaled with, and the size wanted after.
type planRow struct {
	name        string
	replicas    int32
	age         int
	annotations map[string]string
	want        int32
}

func TestPlanScaleMatchesKubernetes(t *testing.T) {
	from := func(n, surge int32) map[string]string { return scaledFor(n, surge) }
	for _, tt := range []struct {
		name  string
		d     *Deployment
		newRS *planRow
		old   []planRow
	}{
		// sync_test.go TestScale.
		{name: "normal scaling event: 10 -> 12", d: planDeployment(12, 0, 0, 0),
			newRS: &planRow{"foo-v1", 10, 0, from(10, 0), 12}},
		{name: "normal scaling event: 10 -> 5", d: planDeployment(5, 0, 0, 0),
			newRS: &planRow{"foo-v1", 10, 0, from(10, 0), 5}},
		{name: "proportional scaling: 5 -> 10", d: planDeployment(10, 0, 0, 0),
			newRS: &planRow{"foo-v2", 2, 0, from(5, 0), 4}, old: []planRow{{"foo-v1", 3, 1, from(5, 0), 6}}},
		{name: "proportional scaling: 5 -> 3", d: planDeployment(3, 0, 0, 0),
			newRS: &planRow{"foo-v2", 2, 0, from(5, 0), 1}, old: []planRow{{"foo-v1", 3, 1, from(5, 0), 2}}},
		{name: "proportional scaling: 9 -> 4", d: planDeployment(4, 0, 0, 0),
			newRS: &planRow{"foo-v2", 8, 0, from(9, 0), 4}, old: []planRow{{"foo-v1", 1, 1, from(9, 0), 0}}},
		{name: "proportional scaling: 7 -> 10", d: planDeployment(10, 0, 0, 0),
			newRS: &planRow{"foo-v3", 2, 0, from(7, 0), 3},
			old:   []planRow{{"foo-v2", 3, 1, from(7, 0), 4}, {"foo-v1", 2, 2, from(7, 0), 3}}},
		{name: "proportional scaling: 13 -> 8", d: planDeployment(8, 0, 0, 0),
			newRS: &planRow{"foo-v3", 2, 0, from(13, 0), 1},
			old:   []planRow{{"foo-v2", 8, 1, from(13, 0), 5}, {"foo-v1", 3, 2, from(13, 0), 2}}},
		{name: "leftover distribution: 3 -> 4", d: planDeployment(4, 0, 0, 0),
			newRS: &planRow{"foo-v3", 1, 0, from(3, 0), 2},
			old:   []planRow{{"foo-v2", 1, 1, from(3, 0), 1}, {"foo-v1", 1, 2, from(3, 0), 1}}},
		{name: "leftover distribution: 3 -> 2", d: planDeployment(2, 0, 0, 0),
			newRS: &planRow{"foo-v3", 1, 0, from(3, 0), 1},
			old:   []planRow{{"foo-v2", 1, 1, from(3, 0), 1}, {"foo-v1", 1, 2, from(3, 0), 0}}},
		{name: "proportional scaling (no new rs): 4 -> 5", d: planDeployment(5, 0, 0, 0),
			old: []planRow{{"foo-v2", 2, 1, from(4, 0), 3}, {"foo-v1", 2, 2, from(4, 0), 2}}},
		{name: "proportional scaling: 6 -> 0", d: planDeployment(0, 0, 0, 0),
			newRS: &planRow{"foo-v3", 3, 0, from(6, 0), 0},
			old:   []planRow{{"foo-v2", 2, 1, from(6, 0), 0}, {"foo-v1", 1, 2, from(6, 0), 0}}},
		{name: "proportional scaling: 0 -> 6", d: planDeployment(6, 0, 0, 0),
			newRS: &planRow{"foo-v3", 0, 0, from(6, 0), 6},
			old:   []planRow{{"foo-v2", 0, 1, from(6, 0), 0}, {"foo-v1", 0, 2, from(6, 0), 0}}},
		{name: "one ReplicaSet last scaled for another size", d: planDeployment(5, 0, 0, 0),
			newRS: &planRow{"foo-v3", 2, 0, from(5, 0), 2},
			old:   []planRow{{"foo-v2", 1, 1, from(3, 0), 2}, {"foo-v1", 1, 2, from(5, 0), 1}}},
		{name: "deployment with surge pods", d: planDeployment(20, 2, 0, 0),
			newRS: &planRow{"foo-v2", 6, 0, from(10, 2), 11}, old: []planRow{{"foo-v1", 6, 1, from(10, 2), 11}}},
		{name: "change both surge and size", d: planDeployment(50, 6, 0, 0),
			newRS: &planRow{"foo-v2", 5, 0, from(10, 3), 22}, old: []planRow{{"foo-v1", 8, 1, from(10, 3), 34}}},
		{name: "change both size and template", d: planDeployment(14, 0, 0, 0),
			old: []planRow{{"foo-v2", 7, 0, from(10, 0), 10}, {"foo-v1", 3, 1, from(10, 0), 4}}},
		{name: "saturated but broken new replica set does not affect old pods", d: planDeployment(2, 1, 1, 0),
			newRS: &planRow{"foo-v2", 2, 0, from(2, 1), 2}, old: []planRow{{"foo-v1", 1, 1, from(2, 1), 1}}},
		// Issue 10: adopted ReplicaSets that were never annotated, and a
		// max-replicas of "0" (deployment_util.go getReplicaSetFraction).
		{name: "unannotated ReplicaSets of a Deployment with no status yet: 10 -> 8", d: planDeployment(8, 0, 1, 0),
			old: []planRow{{"web-b", 5, 0, nil, 5}, {"web-a", 5, 1, nil, 3}}},
		{name: "max-replicas 0 with status 100: 100 -> 120", d: planDeployment(120, 0, 1, 100),
			old: []planRow{{"web-b", 50, 0, map[string]string{annMaxReplicas: "0"}, 60}, {"web-a", 50, 1, map[string]string{annMaxReplicas: "0"}, 60}}},
		{name: "unannotated ReplicaSets with status 10: 10 -> 12", d: planDeployment(12, 0, 1, 10),
			old: []planRow{{"web-b", 5, 0, nil, 6}, {"web-a", 5, 1, nil, 6}}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			var newRS *ReplicaSet
			want := map[string]int32{}
			got := map[string]int32{}
			if tt.newRS != nil {
				newRS = planRS(tt.newRS.name, tt.newRS.replicas, tt.newRS.age, tt.newRS.annotations)
				want[tt.newRS.name], got[tt.newRS.name] = tt.newRS.want, tt.newRS.replicas
			}
			var old []*ReplicaSet
			for _, r := range tt.old {
				old = append(old, planRS(r.name, r.replicas, r.age, r.annotations))
				want[r.name], got[r.name] = r.want, r.replicas
			}
			// The controller passes old ReplicaSets oldest first.
			slices.SortFunc(old, byCreation)
			steps, _ := planScale(tt.d, newRS, old)
			for _, st := range steps {
				got[st.rs.Name] = st.size
			}
			assert.Equal(t, want, got)
		})
	}
}

// planScale writes every active ReplicaSet when it scales proportionally,
// so that each records the size it was scaled for, even one whose size
// stays; otherwise it writes only what changes size, and nothing at all
// when the one active ReplicaSet already has the Deployment's size, stale
// annotations included (sync.go scale, scaleReplicaSetAndRecordEvent).
func TestPlanScaleWrites(t *testing.T) {
	for _, tt := range []struct {
		name             string
		d                *Deployment
		newRS            *ReplicaSet
		old              []*ReplicaSet
		want             []string
		wantProportional bool
	}{
		{name: "one active at the size, stale annotations", d: planDeployment(3, 1, 0, 3),
			newRS: planRS("new", 3, 0, scaledFor(5, 1)), old: []*ReplicaSet{planRS("old", 0, 1, nil)}},
		{name: "none active: the new one", d: planDeployment(3, 1, 0, 0),
			newRS: planRS("new", 0, 0, nil), old: []*ReplicaSet{planRS("old", 0, 1, nil)}, want: []string{"new=3"}},
		{name: "none active, no new: the newest old one", d: planDeployment(3, 1, 0, 0),
			old: []*ReplicaSet{planRS("older", 0, 2, nil), planRS("old", 0, 1, nil)}, want: []string{"old=3"}},
		{name: "saturated new: old ones to zero", d: planDeployment(3, 1, 0, 3),
			newRS: func() *ReplicaSet {
				rs := planRS("new", 3, 0, scaledFor(3, 1))
				rs.Status.AvailableReplicas = 3
				return rs
			}(),
			old: []*ReplicaSet{planRS("old", 1, 1, nil)}, want: []string{"old=0"}},
		{name: "saturated per Atoi: a sign is accepted", d: planDeployment(3, 1, 0, 3),
			newRS: func() *ReplicaSet {
				rs := planRS("new", 3, 0, map[string]string{annDesiredReplicas: "+3"})
				rs.Status.AvailableReplicas = 3
				return rs
			}(),
			old: []*ReplicaSet{planRS("old", 1, 1, nil)}, want: []string{"old=0"}},
		{name: "nothing to add: all written, old first", d: planDeployment(3, 1, 0, 3),
			newRS: planRS("new", 2, 0, scaledFor(2, 1)), old: []*ReplicaSet{planRS("older", 1, 2, nil), planRS("old", 1, 1, nil)},
			want: []string{"older=1", "old=1", "new=2"}, wantProportional: true},
		{name: "Recreate: nothing", d: func() *Deployment {
			d := planDeployment(4, 0, 0, 3)
			d.Spec.Strategy = DeploymentStrategy{Type: RecreateStrategy}
			return d
		}(), newRS: planRS("new", 2, 0, nil), old: []*ReplicaSet{planRS("old", 1, 1, nil)}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			steps, proportional := planScale(tt.d, tt.newRS, tt.old)
			var got []string
			for _, st := range steps {
				got = append(got, fmt.Sprintf("%s=%d", st.rs.Name, st.size))
			}
			assert.Equal(t, tt.want, got)
			assert.Equal(t, tt.wantProportional, proportional)
		})
	}
}

// isScalingEvent reads desired-replicas as getNonNegativeInt32FromAnnotation
// does: a value it cannot read is no scaling event.
func TestIsScalingEventReadsAnnotationsAsKubernetes(t *testing.T) {
	for _, tt := range []struct {
		value string
		want  bool
	}{{"3", false}, {"4", true}, {"0", true}, {"-1", false}, {"+4", false}, {"03", false}, {"x", false}, {"4294967299", false}} {
		t.Run(tt.value, func(t *testing.T) {
			rs := planRS("rs", 3, 0, map[string]string{annDesiredReplicas: tt.value})
			dc := &deploymentController{}
			assert.Equal(t, tt.want, dc.isScalingEvent(planDeployment(3, 1, 0, 3), []*ReplicaSet{rs}))
		})
	}
}

// scaleTwoReplicaSets makes ReplicaSets web-a and then web-b, of five
// nginx pods each with different images, that a Deployment "web" will
// adopt, and lets them come up.
func scaleTwoReplicaSets(t *testing.T, s *Sim) {
	t.Helper()
	for _, name := range []string{"web-a", "web-b"} {
		tmpl := nginxTemplate(map[string]string{"app": "web", "rs": name}, "nginx:"+name)
		_, err := s.Create(&ReplicaSet{
			ObjectMeta: ObjectMeta{Name: name, Labels: map[string]string{"app": "web"}},
			Spec: ReplicaSetSpec{Replicas: Ptr(int32(5)), Template: tmpl,
				Selector: &selector.LabelSelector{MatchLabels: selector.Set{"app": "web", "rs": name}}},
		})
		require.NoError(t, err)
		s.RunFor(time.Second)
	}
	require.NoError(t, s.Settle())
}

func rsReplicas(t *testing.T, s *Sim) map[string]int32 {
	t.Helper()
	out := map[string]int32{}
	for _, rs := range ListAs[*ReplicaSet](s, "default", everything) {
		out[rs.Name] = replicas(rs.Spec.Replicas)
	}
	return out
}

// rolling.go cleanupUnhealthyReplicas refuses to "clean up" an old
// ReplicaSet whose status reports more available pods than it now asks
// for (its status predates its latest scale-down): that would scale it up.
// svcsim used to do it, growing the old ReplicaSet mid-rollout.
func TestCleanupNeverScalesAnOldReplicaSetUp(t *testing.T) {
	s := newSim(t, Config{Seed: 1})
	d := planDeployment(6, 3, 1, 9)
	d.Spec.Selector = &selector.LabelSelector{MatchLabels: selector.Set{"app": "web"}}
	mk := func(name string, n, available int32) *ReplicaSet {
		rs := &ReplicaSet{
			ObjectMeta: ObjectMeta{Name: name, Labels: map[string]string{"app": "web"}},
			Spec: ReplicaSetSpec{Replicas: Ptr(n), Template: nginxTemplate(map[string]string{"app": "web", "v": name}, "nginx:"+name),
				Selector: &selector.LabelSelector{MatchLabels: selector.Set{"app": "web", "v": name}}},
		}
		out, err := s.Create(rs)
		require.NoError(t, err)
		rs = out.(*ReplicaSet)
		rs.Status = ReplicaSetStatus{Replicas: available, ReadyReplicas: available, AvailableReplicas: available}
		out, err = s.UpdateStatus(rs)
		require.NoError(t, err)
		return out.(*ReplicaSet)
	}
	// Nothing runs in between: the controllers are not told of any of it.
	old, newRS := mk("old", 3, 5), mk("new", 6, 6)
	dc := &deploymentController{s: s}
	scaled, ok := dc.reconcileOld([]*ReplicaSet{old, newRS}, newRS, d)
	assert.False(t, ok, "the sync fails, as Kubernetes' does")
	assert.False(t, scaled)
	assert.Equal(t, map[string]int32{"old": 3, "new": 6}, rsReplicas(t, s))
}

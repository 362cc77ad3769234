package cluster_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/svcsim/svcsim/cluster"
)

func TestClusterScopedAndResource(t *testing.T) {
	for _, tt := range []struct {
		kind     cluster.Kind
		scoped   bool
		resource string
	}{
		{cluster.KindNamespace, true, "namespace"},
		{cluster.KindNode, true, "node"},
		{cluster.KindPod, false, "pod"},
		{cluster.KindReplicaSet, false, "replicaset"},
		{cluster.KindDeployment, false, "deployment"},
		{cluster.KindService, false, "service"},
		{cluster.KindEndpoints, false, "endpoints"},
		{cluster.KindEndpointSlice, false, "endpointslice"},
	} {
		t.Run(string(tt.kind), func(t *testing.T) {
			assert.Equal(t, tt.scoped, cluster.ClusterScoped(tt.kind))
			assert.Equal(t, tt.resource, cluster.Resource(tt.kind))
		})
	}
}

func TestRevision(t *testing.T) {
	rs := func(ann string) *cluster.ReplicaSet {
		r := &cluster.ReplicaSet{}
		if ann != "" {
			r.Annotations = map[string]string{"deployment.kubernetes.io/revision": ann}
		}
		return r
	}
	for _, tt := range []struct {
		name string
		obj  cluster.Object
		want int64
	}{
		{"annotated", rs("3"), 3},
		{"no annotation", rs(""), 0},
		{"not a number", rs("three"), 0},
		{"nil", nil, 0},
		{"typed nil", (*cluster.ReplicaSet)(nil), 0},
	} {
		t.Run(tt.name, func(t *testing.T) {
			require.NotPanics(t, func() { assert.Equal(t, tt.want, cluster.Revision(tt.obj)) })
		})
	}
}

func TestEqualIgnoreHash(t *testing.T) {
	tmpl := func(labels map[string]string, image string) *cluster.PodTemplateSpec {
		return &cluster.PodTemplateSpec{ObjectMeta: cluster.ObjectMeta{Labels: labels},
			Spec: cluster.PodSpec{Containers: []cluster.Container{{Name: "web", Image: image}}}}
	}
	web := map[string]string{"app": "web"}
	hashed := map[string]string{"app": "web", cluster.PodTemplateHashLabel: "abc"}
	for _, tt := range []struct {
		name string
		a, b *cluster.PodTemplateSpec
		want bool
	}{
		{"same", tmpl(web, "nginx:1"), tmpl(web, "nginx:1"), true},
		{"only the hash differs", tmpl(hashed, "nginx:1"), tmpl(web, "nginx:1"), true},
		{"image differs", tmpl(hashed, "nginx:1"), tmpl(web, "nginx:2"), false},
		{"a label differs", tmpl(map[string]string{"app": "api"}, "nginx:1"), tmpl(web, "nginx:1"), false},
		{"only the hash label, against none", tmpl(map[string]string{cluster.PodTemplateHashLabel: "abc"}, "x"), tmpl(nil, "x"), true},
		{"one nil", nil, tmpl(web, "nginx:1"), false},
		{"both nil", nil, nil, true},
	} {
		t.Run(tt.name, func(t *testing.T) {
			require.NotPanics(t, func() { assert.Equal(t, tt.want, cluster.EqualIgnoreHash(tt.a, tt.b)) })
		})
	}
}

func TestSplitReplicaSets(t *testing.T) {
	tmpl := func(image string) cluster.PodTemplateSpec {
		return cluster.PodTemplateSpec{ObjectMeta: cluster.ObjectMeta{Labels: map[string]string{"app": "web"}},
			Spec: cluster.PodSpec{Containers: []cluster.Container{{Name: "web", Image: image}}}}
	}
	rs := func(name string, at cluster.Time, image string) *cluster.ReplicaSet {
		return &cluster.ReplicaSet{ObjectMeta: cluster.ObjectMeta{Name: name, CreationTimestamp: at},
			Spec: cluster.ReplicaSetSpec{Template: tmpl(image)}}
	}
	d := &cluster.Deployment{Spec: cluster.DeploymentSpec{Template: tmpl("nginx:2")}}
	v1, v2, v2b, v3 := rs("v1", 0, "nginx:1"), rs("v2", 20, "nginx:2"), rs("v2b", 30, "nginx:2"), rs("v3", 10, "nginx:3")
	for _, tt := range []struct {
		name   string
		d      *cluster.Deployment
		rss    []*cluster.ReplicaSet
		newRS  *cluster.ReplicaSet
		oldRSs []*cluster.ReplicaSet
	}{
		{"the oldest match is new, the rest old by age", d, []*cluster.ReplicaSet{v2b, v3, v2, v1}, v2, []*cluster.ReplicaSet{v1, v3, v2b}},
		{"no match", d, []*cluster.ReplicaSet{v3, v1}, nil, []*cluster.ReplicaSet{v1, v3}},
		{"nil entries are skipped", d, []*cluster.ReplicaSet{nil, v2, nil}, v2, nil},
		{"none", d, nil, nil, nil},
		{"nil Deployment", nil, []*cluster.ReplicaSet{v1}, nil, nil},
	} {
		t.Run(tt.name, func(t *testing.T) {
			var newRS *cluster.ReplicaSet
			var old []*cluster.ReplicaSet
			require.NotPanics(t, func() { newRS, old = cluster.SplitReplicaSets(tt.d, tt.rss) })
			assert.Same(t, tt.newRS, newRS)
			assert.Equal(t, tt.oldRSs, old)
		})
	}
}

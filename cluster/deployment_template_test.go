package cluster

import (
	"reflect"
	"testing"

	"github.com/stretchr/testify/assert"
)

// copiedSameTemplate is how sameTemplate used to decide, copying both
// templates: the oracle for the version that does not copy.
func copiedSameTemplate(a, b *PodTemplateSpec) bool {
	x, y := a.deepCopy(), b.deepCopy()
	delete(x.Labels, PodTemplateHashLabel)
	delete(y.Labels, PodTemplateHashLabel)
	if len(x.Labels) == 0 {
		x.Labels = nil
	}
	if len(y.Labels) == 0 {
		y.Labels = nil
	}
	return reflect.DeepEqual(x, y)
}

// TestSameTemplate checks which stored templates the Deployment controller
// takes for the same: all but the hash label must match.
func TestSameTemplate(t *testing.T) {
	tmpl := func(labels map[string]string, image string) *PodTemplateSpec {
		t := &PodTemplateSpec{ObjectMeta: ObjectMeta{Labels: labels},
			Spec: PodSpec{Containers: []Container{{Name: "web", Image: image, Ports: []ContainerPort{{ContainerPort: 80}}}}}}
		setDefaults(&ReplicaSet{Spec: ReplicaSetSpec{Template: *t}})
		c := t.deepCopy() // stored: as a write's copy leaves it
		return &c
	}
	h := PodTemplateHashLabel
	for _, c := range []struct {
		name string
		a, b *PodTemplateSpec
		same bool
	}{
		{"identical", tmpl(map[string]string{"app": "web"}, "nginx:1"), tmpl(map[string]string{"app": "web"}, "nginx:1"), true},
		{"hash label only on one", tmpl(map[string]string{"app": "web", h: "abc"}, "nginx:1"), tmpl(map[string]string{"app": "web"}, "nginx:1"), true},
		{"different hashes", tmpl(map[string]string{"app": "web", h: "abc"}, "nginx:1"), tmpl(map[string]string{"app": "web", h: "def"}, "nginx:1"), true},
		{"hash alone against none", tmpl(map[string]string{h: "abc"}, "nginx:1"), tmpl(nil, "nginx:1"), true},
		{"empty against none", tmpl(map[string]string{}, "nginx:1"), tmpl(nil, "nginx:1"), true},
		{"another label", tmpl(map[string]string{"app": "web", "tier": "x"}, "nginx:1"), tmpl(map[string]string{"app": "web"}, "nginx:1"), false},
		{"another value", tmpl(map[string]string{"app": "web"}, "nginx:1"), tmpl(map[string]string{"app": "api"}, "nginx:1"), false},
		{"another image", tmpl(map[string]string{"app": "web"}, "nginx:1"), tmpl(map[string]string{"app": "web"}, "nginx:2"), false},
	} {
		t.Run(c.name, func(t *testing.T) {
			assert.Equal(t, c.same, sameTemplate(c.a, c.b))
			assert.Equal(t, c.same, sameTemplate(c.b, c.a))
			assert.Equal(t, copiedSameTemplate(c.a, c.b), sameTemplate(c.a, c.b))
		})
	}
}

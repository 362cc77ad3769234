package cluster

import (
	"errors"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"pgregory.net/rapid"

	"github.com/svcsim/svcsim/selector"
)

// helloRC is the slides' ReplicationController: n replicas of a pod
// labelled app=hello, its selector left to default from the template.
func helloRC(n int32, mutate ...func(*ReplicationController)) *ReplicationController {
	t := nginxTemplate(map[string]string{"app": "hello"}, "nginx")
	rc := &ReplicationController{
		ObjectMeta: ObjectMeta{Name: "hello-rc"},
		Spec:       ReplicationControllerSpec{Replicas: Ptr(n), Template: &t},
	}
	for _, m := range mutate {
		m(rc)
	}
	return rc
}

// rcPods returns the pods in default that the ReplicationController uid
// controls, by name, whatever their state.
func rcPods(s *Sim, uid string) []*Pod {
	var out []*Pod
	for _, p := range ListAs[*Pod](s, "default", everything) {
		if ref, ok := p.ControllerRef(); ok && ref.UID == uid {
			out = append(out, p)
		}
	}
	return out
}

// createSettled creates rc, lets the cluster settle and returns its UID.
func createSettled(t *testing.T, s *Sim, rc *ReplicationController) string {
	t.Helper()
	o, err := s.Create(rc)
	require.NoError(t, err)
	require.NoError(t, s.Settle())
	return o.Meta().UID
}

// A ReplicationController is checked as the apiserver checks one: a
// refused create is an ErrInvalid StatusError naming every broken rule,
// and changes nothing.
func TestReplicationControllerValidation(t *testing.T) {
	tests := []struct {
		name   string
		mutate func(*ReplicationController)
		want   []cause
	}{
		{"selector neither given nor defaultable", func(r *ReplicationController) { r.Spec.Template.Labels = nil },
			[]cause{{Field: "spec.selector", Type: "Required value"}}},
		{"empty template labels leave the selector empty", func(r *ReplicationController) { r.Spec.Template.Labels = selector.Set{} },
			[]cause{{Field: "spec.selector", Type: "Required value"}}},
		{"selector does not match the template", func(r *ReplicationController) { r.Spec.Selector = selector.Set{"app": "other"} },
			[]cause{{Field: "spec.template.metadata.labels", Type: "Invalid value", Value: "app=hello", Detail: "`selector` does not match template `labels`"}}},
		{"selector asks for more than the template has", func(r *ReplicationController) {
			r.Spec.Selector = selector.Set{"app": "hello", "tier": "web"}
		}, []cause{{Field: "spec.template.metadata.labels", Type: "Invalid value", Detail: "`selector` does not match template `labels`"}}},
		{"no template", func(r *ReplicationController) { r.Spec.Template = nil },
			[]cause{{Field: "spec.selector", Type: "Required value"}, {Field: "spec.template", Type: "Required value"}}},
		{"no template, selector given", func(r *ReplicationController) {
			r.Spec.Template, r.Spec.Selector = nil, selector.Set{"app": "hello"}
		}, []cause{{Field: "spec.template", Type: "Required value"}}},
		{"negative replicas", func(r *ReplicationController) { r.Spec.Replicas = Ptr(int32(-1)) },
			[]cause{{Field: "spec.replicas", Type: "Invalid value", Value: "-1", Detail: "must be greater than or equal to 0"}}},
		{"negative minReadySeconds", func(r *ReplicationController) { r.Spec.MinReadySeconds = -5 },
			[]cause{{Field: "spec.minReadySeconds", Type: "Invalid value", Value: "-5"}}},
		{"restartPolicy other than Always", func(r *ReplicationController) { r.Spec.Template.Spec.RestartPolicy = "Never" },
			[]cause{{Field: "spec.template.spec.restartPolicy", Type: "Unsupported value"}}},
		{"no containers", func(r *ReplicationController) { r.Spec.Template.Spec.Containers = nil },
			[]cause{{Field: "spec.template.spec.containers", Type: "Required value"}}},
		{"bad name", func(r *ReplicationController) { r.Name = "Hello_RC" },
			[]cause{{Field: "metadata.name", Type: "Invalid value"}}},
		{"bad template label", func(r *ReplicationController) {
			r.Spec.Template.Labels = selector.Set{"app": "hello", "bad key": "x"}
			// The object's labels, defaulted from the template's, fail too.
		}, []cause{{Field: "spec.template.metadata.labels", Type: "Invalid value", Value: "bad key"}, {Field: "metadata.labels", Type: "Invalid value", Value: "bad key"}}},
	}
	s := newSim(t, Config{Seed: 1})
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			before := takeSnapshot(s)
			_, err := s.Create(helloRC(3, tt.mutate))
			var se *StatusError
			require.True(t, errors.As(err, &se), "a *StatusError, got %T: %v", err, err)
			assert.ErrorIs(t, err, ErrInvalid)
			assert.Equal(t, KindReplicationController, se.Kind)
			assertCauses(t, tt.want, se.Causes)
			assertUnchanged(t, s, before)
		})
	}
	t.Run("message", func(t *testing.T) {
		_, err := s.Create(helloRC(3, func(r *ReplicationController) { r.Spec.Selector = selector.Set{"app": "other"} }))
		assert.EqualError(t, err, `ReplicationController "hello-rc" is invalid: spec.template.metadata.labels: Invalid value: "app=hello": `+
			"`selector` does not match template `labels`")
	})
}

// The v1 defaults: the selector and the object's labels come from the
// template's when left empty, replicas is 1, the template's pod spec is
// defaulted as a pod's, and a status sent with the create is dropped.
func TestReplicationControllerDefaults(t *testing.T) {
	s := newSim(t, Config{Seed: 1})
	rc := helloRC(0, func(r *ReplicationController) {
		r.Spec.Replicas = nil
		r.Status = ReplicationControllerStatus{Replicas: 7}
	})
	o, err := s.Create(rc)
	require.NoError(t, err)
	got := o.(*ReplicationController)
	assert.Equal(t, selector.Set{"app": "hello"}, got.Spec.Selector)
	assert.Equal(t, selector.Set{"app": "hello"}, got.Labels)
	assert.Equal(t, int32(1), *got.Spec.Replicas)
	assert.Equal(t, "Always", got.Spec.Template.Spec.RestartPolicy)
	assert.Equal(t, ReplicationControllerStatus{}, got.Status)
	assert.Equal(t, int64(1), got.Generation)

	// Given labels and selector are kept; the defaults do not alias the
	// template's labels.
	o, err = s.Create(helloRC(1, func(r *ReplicationController) {
		r.Name = "given"
		r.Labels = selector.Set{"team": "a"}
		r.Spec.Selector = selector.Set{"app": "hello"}
		r.Spec.Template.Labels = selector.Set{"app": "hello", "extra": "x"}
	}))
	require.NoError(t, err)
	got = o.(*ReplicationController)
	assert.Equal(t, selector.Set{"team": "a"}, got.Labels)
	assert.Equal(t, selector.Set{"app": "hello"}, got.Spec.Selector)
}

// Unlike a ReplicaSet's, a ReplicationController's selector may change,
// as long as it still matches the template; emptied, it is defaulted
// again.
func TestReplicationControllerSelectorUpdates(t *testing.T) {
	s := newSim(t, Config{Seed: 1})
	_, err := s.Create(helloRC(0))
	require.NoError(t, err)

	rc, _ := GetAs[*ReplicationController](s, "default", "hello-rc")
	rc.Spec.Template.Labels = selector.Set{"app": "hello", "track": "b"}
	rc.Spec.Selector = selector.Set{"track": "b"}
	o, err := s.Update(rc)
	require.NoError(t, err, "a changed selector is accepted")
	assert.Equal(t, selector.Set{"track": "b"}, o.(*ReplicationController).Spec.Selector)
	assert.Equal(t, int64(2), o.Meta().Generation, "a spec change bumps the generation")

	rc, _ = GetAs[*ReplicationController](s, "default", "hello-rc")
	rc.Spec.Selector = selector.Set{"track": "c"}
	before := takeSnapshot(s)
	_, err = s.Update(rc)
	assert.ErrorIs(t, err, ErrInvalid, "a selector that no longer matches the template is refused")
	assertUnchanged(t, s, before)

	rc.Spec.Selector = nil
	o, err = s.Update(rc)
	require.NoError(t, err)
	assert.Equal(t, selector.Set{"app": "hello", "track": "b"}, o.(*ReplicationController).Spec.Selector, "an emptied selector is defaulted again")
}

// A status write is validated as ValidateReplicationControllerStatusUpdate
// does, the same rules as a ReplicaSet's.
func TestReplicationControllerStatusValidation(t *testing.T) {
	s := newSim(t, Config{Seed: 1})
	_, err := s.Create(helloRC(0))
	require.NoError(t, err)
	rc, _ := GetAs[*ReplicationController](s, "default", "hello-rc")
	rc.Status = ReplicationControllerStatus{Replicas: 1, ReadyReplicas: 2}
	before := takeSnapshot(s)
	_, err = s.UpdateStatus(rc)
	var se *StatusError
	require.True(t, errors.As(err, &se))
	assertCauses(t, []cause{{Field: "status.readyReplicas", Type: "Invalid value", Detail: "cannot be greater than status.replicas"}}, se.Causes)
	assertUnchanged(t, s, before)

	rc.Status = ReplicationControllerStatus{Replicas: 2, ReadyReplicas: 1}
	o, err := s.UpdateStatus(rc)
	require.NoError(t, err)
	assert.Equal(t, int32(2), o.(*ReplicationController).Status.Replicas)
}

var rcPodName = regexp.MustCompile(`^hello-rc-[bcdfghjklmnpqrstvwxz2456789]{5}$`)

// The slides' hello-rc end to end: three pods named hello-rc-xxxxx with
// the template's labels and no pod-template-hash, controlled by the
// ReplicationController; a deleted pod is replaced; scaling to one
// deletes two; deleting the ReplicationController deletes the rest.
func TestReplicationControllerLifecycle(t *testing.T) {
	s := newSim(t, Config{Seed: 1})
	uid := createSettled(t, s, helloRC(3))
	pods := rcPods(s, uid)
	require.Len(t, pods, 3)
	for _, p := range pods {
		assert.Regexp(t, rcPodName, p.Name)
		assert.Equal(t, selector.Set{"app": "hello"}, p.Labels, "the template's labels, no pod-template-hash")
		assert.Equal(t, []OwnerReference{{APIVersion: "v1", Kind: KindReplicationController, Name: "hello-rc", UID: uid,
			Controller: Ptr(true), BlockOwnerDeletion: Ptr(true)}}, p.OwnerReferences)
		assert.Equal(t, PodRunning, p.Status.Phase)
	}
	rc, _ := GetAs[*ReplicationController](s, "default", "hello-rc")
	assert.Equal(t, ReplicationControllerStatus{Replicas: 3, FullyLabeledReplicas: 3, ReadyReplicas: 3, AvailableReplicas: 3, ObservedGeneration: 1}, rc.Status)
	var created []string
	for _, e := range s.Events("default") {
		if e.Kind == KindReplicationController && e.Reason == "SuccessfulCreate" {
			assert.Equal(t, replicationManagerName, e.Source)
			assert.Equal(t, "hello-rc", e.Name)
			created = append(created, e.Message)
		}
	}
	assert.ElementsMatch(t, []string{"Created pod: " + pods[0].Name, "Created pod: " + pods[1].Name, "Created pod: " + pods[2].Name}, created)

	// A deleted pod is replaced.
	require.NoError(t, s.Delete(KindPod, "default", pods[0].Name, DeleteOptions{}))
	require.NoError(t, s.Settle())
	after := rcPods(s, uid)
	require.Len(t, after, 3)
	assert.NotContains(t, podNames(after), pods[0].Name)

	// Scale to one.
	rc, _ = GetAs[*ReplicationController](s, "default", "hello-rc")
	rc.Spec.Replicas = Ptr(int32(1))
	_, err := s.Update(rc)
	require.NoError(t, err)
	require.NoError(t, s.Settle())
	assert.Len(t, rcPods(s, uid), 1)
	rc, _ = GetAs[*ReplicationController](s, "default", "hello-rc")
	assert.Equal(t, int32(1), rc.Status.Replicas)
	assert.Equal(t, int64(2), rc.Status.ObservedGeneration)
	deleted := 0
	for _, e := range s.Events("default") {
		if e.Kind == KindReplicationController && e.Reason == "SuccessfulDelete" {
			deleted++
		}
	}
	assert.Equal(t, 2, deleted)

	// Deleting it deletes its pods.
	require.NoError(t, s.Delete(KindReplicationController, "default", "hello-rc", DeleteOptions{}))
	require.NoError(t, s.Settle())
	assert.Empty(t, ListAs[*Pod](s, "default", everything))
}

// Orphans matching the equality selector are adopted; a pod whose labels
// stop matching is released and replaced; a pod another controller owns
// is left alone.
func TestReplicationControllerAdoptsAndReleases(t *testing.T) {
	s := newSim(t, Config{Seed: 1})
	_, err := s.Create(webPod("orphan", func(p *Pod) { p.Labels = selector.Set{"app": "hello", "extra": "yes"} }))
	require.NoError(t, err)
	_, err = s.Create(&ReplicaSet{ObjectMeta: ObjectMeta{Name: "rs"}, Spec: ReplicaSetSpec{Replicas: Ptr(int32(1)),
		Selector: &selector.LabelSelector{MatchLabels: selector.Set{"app": "hello", "owner": "rs"}},
		Template: nginxTemplate(map[string]string{"app": "hello", "owner": "rs"}, "nginx")}})
	require.NoError(t, err)
	require.NoError(t, s.Settle())

	uid := createSettled(t, s, helloRC(2))
	pods := rcPods(s, uid)
	require.Len(t, pods, 2)
	assert.Contains(t, podNames(pods), "orphan", "the matching orphan is adopted")
	rc, _ := GetAs[*ReplicationController](s, "default", "hello-rc")
	assert.Equal(t, int32(2), rc.Status.FullyLabeledReplicas)
	rsPods := ListAs[*Pod](s, "default", selector.FromValidatedSet(selector.Set{"owner": "rs"}))
	require.Len(t, rsPods, 1)
	ref, _ := rsPods[0].ControllerRef()
	assert.Equal(t, KindReplicaSet, ref.Kind, "the ReplicaSet's pod stays the ReplicaSet's")

	p, _ := GetAs[*Pod](s, "default", "orphan")
	p.Labels = selector.Set{"app": "gone"}
	_, err = s.Update(p)
	require.NoError(t, err)
	require.NoError(t, s.Settle())
	p, _ = GetAs[*Pod](s, "default", "orphan")
	assert.Empty(t, p.OwnerReferences, "released")
	pods = rcPods(s, uid)
	assert.Len(t, pods, 2, "and replaced")
	assert.NotContains(t, podNames(pods), "orphan")
}

// A changed selector takes effect at once: pods it no longer matches are
// released, orphans it now matches are adopted, and the count is made up
// with new pods.
func TestReplicationControllerSelectorChangeReleasesAndAdopts(t *testing.T) {
	s := newSim(t, Config{Seed: 1})
	_, err := s.Create(webPod("waiting", func(p *Pod) { p.Labels = selector.Set{"app": "hello", "track": "b"} }))
	require.NoError(t, err)
	uid := createSettled(t, s, helloRC(2, func(r *ReplicationController) {
		r.Spec.Template.Labels = selector.Set{"app": "hello", "track": "a"}
	}))
	old := rcPods(s, uid)
	require.Len(t, old, 2)
	assert.NotContains(t, podNames(old), "waiting", "track=b is not selected yet")

	rc, _ := GetAs[*ReplicationController](s, "default", "hello-rc")
	rc.Spec.Selector = selector.Set{"app": "hello", "track": "b"}
	rc.Spec.Template.Labels = selector.Set{"app": "hello", "track": "b"}
	_, err = s.Update(rc)
	require.NoError(t, err)
	require.NoError(t, s.Settle())

	pods := rcPods(s, uid)
	require.Len(t, pods, 2)
	assert.Contains(t, podNames(pods), "waiting", "the orphan the new selector matches is adopted")
	for _, p := range old {
		q, ok := GetAs[*Pod](s, "default", p.Name)
		require.True(t, ok, "a released pod is not deleted")
		assert.Empty(t, q.OwnerReferences, "%s is released", p.Name)
	}
	rc, _ = GetAs[*ReplicationController](s, "default", "hello-rc")
	assert.Equal(t, int32(2), rc.Status.Replicas)
}

// Same seed, same calls: the same pods, the same trace.
func TestReplicationControllerDeterminism(t *testing.T) {
	run := func(seed uint64) (string, []string) {
		s := newSim(t, Config{Seed: seed, Nodes: 2})
		_, err := s.Create(helloRC(4))
		require.NoError(t, err)
		require.NoError(t, s.Settle())
		rc, _ := GetAs[*ReplicationController](s, "default", "hello-rc")
		rc.Spec.Replicas = Ptr(int32(2))
		_, err = s.Update(rc)
		require.NoError(t, err)
		require.NoError(t, s.Settle())
		return s.Digest(), podNames(ListAs[*Pod](s, "default", everything))
	}
	d1, names1 := run(7)
	d2, names2 := run(7)
	assert.Equal(t, d1, d2)
	assert.Equal(t, names1, names2)
	d3, _ := run(8)
	assert.NotEqual(t, d1, d3, "another seed, another run")
}

// A ReplicationController can be read and watched like any stored kind.
func TestReplicationControllerIsAStoredKind(t *testing.T) {
	s := newSim(t, Config{Seed: 1})
	var seen []WatchEventType
	require.NotPanics(t, func() {
		s.Watch("test", nil, func(ev WatchEvent) { seen = append(seen, ev.Type) }, KindReplicationController)
	})
	_, err := s.Create(helloRC(1))
	require.NoError(t, err)
	require.NoError(t, s.Settle())
	assert.Contains(t, seen, Added)
	assert.Len(t, ListAs[*ReplicationController](s, "", everything), 1)
	got, ok := s.Get(KindReplicationController, "default", "hello-rc")
	require.True(t, ok)
	c := got.DeepCopyObject().(*ReplicationController)
	c.Spec.Template.Labels["app"] = "changed"
	c.Spec.Selector["app"] = "changed"
	again, _ := GetAs[*ReplicationController](s, "default", "hello-rc")
	assert.Equal(t, "hello", again.Spec.Template.Labels["app"], "a deep copy shares nothing")
	assert.Equal(t, "hello", again.Spec.Selector["app"])
}

// TestReplicationControllerConverges: whatever is done to a
// ReplicationController and its pods (pods deleted, relabelled, orphans
// added, scaled, its selector moved between tracks), once the cluster
// settles it owns exactly spec.replicas active pods, all matching its
// current selector, no matching orphan is left unadopted, and its status
// says so. Reproduce a failure with -rapid.seed=N.
func TestReplicationControllerConverges(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		s := newPropSim(t, rapid.Uint64().Draw(t, "seed"), timingGen().Draw(t, "timing"))
		want := int32(rapid.IntRange(0, 6).Draw(t, "replicas"))
		track := "a"
		uid := func() string {
			o, err := s.Create(helloRC(want, func(r *ReplicationController) {
				r.Spec.Template.Labels = selector.Set{"app": "hello", "track": track}
			}))
			require.NoError(t, err)
			return o.Meta().UID
		}()
		var ops []string
		pick := func(t *rapid.T) string {
			pods := ownedActive(s, uid)
			if len(pods) == 0 {
				return ""
			}
			return rapid.SampledFrom(pods).Draw(t, "pod").Name
		}
		update := func(t *rapid.T, mutate func(*ReplicationController)) {
			rc, ok := GetAs[*ReplicationController](s, "default", "hello-rc")
			require.True(t, ok)
			mutate(rc)
			_, err := s.Update(rc)
			require.NoError(t, err)
		}
		bare := 0
		actions := map[string]func(*rapid.T){
			"delete": func(t *rapid.T) {
				if name := pick(t); name != "" {
					ops = append(ops, "delete "+name)
					require.NoError(t, s.Delete(KindPod, "default", name, DeleteOptions{}))
				}
			},
			"release": func(t *rapid.T) {
				if name := pick(t); name != "" {
					ops = append(ops, "release "+name)
					require.NoError(t, kubectlLabel(s, "", KindPod, name, "app=gone", "--overwrite"))
				}
			},
			"orphan": func(t *rapid.T) {
				bare++
				tr := rapid.SampledFrom([]string{"a", "b"}).Draw(t, "orphan track")
				name := "bare-" + strconv.Itoa(bare)
				ops = append(ops, "orphan "+name+" track="+tr)
				_, err := s.Create(webPod(name, func(p *Pod) { p.Labels = selector.Set{"app": "hello", "track": tr} }))
				require.NoError(t, err)
			},
			"scale": func(t *rapid.T) {
				want = int32(rapid.IntRange(0, 6).Draw(t, "scale"))
				ops = append(ops, "scale "+strconv.Itoa(int(want)))
				update(t, func(rc *ReplicationController) { rc.Spec.Replicas = Ptr(want) })
			},
			"switch-track": func(t *rapid.T) {
				track = map[string]string{"a": "b", "b": "a"}[track]
				ops = append(ops, "track "+track)
				update(t, func(rc *ReplicationController) {
					rc.Spec.Selector = selector.Set{"app": "hello", "track": track}
					rc.Spec.Template.Labels = selector.Set{"app": "hello", "track": track}
				})
			},
			"run-for": func(t *rapid.T) {
				d := time.Duration(rapid.IntRange(0, 10_000).Draw(t, "ms")) * time.Millisecond
				ops = append(ops, "run-for "+d.String())
				require.NoError(t, s.RunFor(d))
			},
		}
		for name, act := range actions {
			actions[name] = func(t *rapid.T) {
				if len(ops) < wlMaxActions {
					act(t)
				}
			}
		}
		t.Repeat(actions)
		require.NoError(t, s.Settle())

		ctx := "after " + strings.Join(ops, "; ")
		sel := selector.Set{"app": "hello", "track": track}
		owned := ownedActive(s, uid)
		require.Len(t, owned, int(want), "%s: active pods owned", ctx)
		for _, p := range owned {
			require.True(t, selector.FromValidatedSet(sel).Matches(p.Labels), "%s: owned %s does not match", ctx, p.Name)
		}
		for _, p := range ListAs[*Pod](s, "default", everything) {
			if _, ok := p.ControllerRef(); !ok && isActive(p) {
				require.False(t, selector.FromValidatedSet(sel).Matches(p.Labels), "%s: matching orphan %s was not adopted", ctx, p.Name)
			}
		}
		rc, ok := GetAs[*ReplicationController](s, "default", "hello-rc")
		require.True(t, ok)
		require.Equal(t, rc.Generation, rc.Status.ObservedGeneration, ctx)
		require.Equal(t, want, rc.Status.Replicas, "%s: status.replicas", ctx)
		require.Equal(t, want, rc.Status.FullyLabeledReplicas, "%s: status.fullyLabeledReplicas", ctx)
	})
}

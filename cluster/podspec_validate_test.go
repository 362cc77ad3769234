package cluster

import (
	"errors"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/svcsim/svcsim/selector"
)

// specCase is one pod spec rule: a change to a valid spec and the causes
// the apiserver gives for it, paths relative to the pod spec ("" for a
// spec it accepts).
type specCase struct {
	name   string
	mutate func(*PodSpec)
	causes []cause
}

// checkSpecRule creates a pod, a ReplicaSet and a Deployment whose (template)
// spec the case changes, and checks each gets the case's causes under its
// own path, changing nothing when it fails. Template rules are the pod's:
// the apiserver validates a template as a pod spec.
func checkSpecRule(t *testing.T, tt specCase, forPod, forTemplate bool) {
	t.Helper()
	type target struct {
		prefix string // where the spec sits in the object
		make   func() Object
	}
	var targets []target
	if forPod {
		targets = append(targets, target{"spec.", func() Object {
			p := webPod("web")
			tt.mutate(&p.Spec)
			return p
		}})
	}
	if forTemplate {
		targets = append(targets, target{"spec.template.spec.", func() Object {
			rs := &ReplicaSet{ObjectMeta: ObjectMeta{Name: "web"}, Spec: ReplicaSetSpec{
				Selector: &selector.LabelSelector{MatchLabels: selector.Set{"app": "web"}},
				Template: nginxTemplate(map[string]string{"app": "web"}, "nginx")}}
			tt.mutate(&rs.Spec.Template.Spec)
			return rs
		}}, target{"spec.template.spec.", func() Object {
			d := newDeployment("web", 1, "nginx")
			tt.mutate(&d.Spec.Template.Spec)
			return d
		}})
	}
	for _, tg := range targets {
		prefix := tg.prefix
		s := newSim(t, Config{Seed: 1})
		before := takeSnapshot(s)
		o := tg.make()
		_, err := s.Create(o)
		if tt.causes == nil {
			assert.NoError(t, err, "%s", o.Kind())
			continue
		}
		var se *StatusError
		require.True(t, errors.As(err, &se), "%s: a *StatusError, got %T: %v", o.Kind(), err, err)
		assert.ErrorIs(t, err, ErrInvalid)
		want := make([]cause, len(tt.causes))
		for i, c := range tt.causes {
			c.Field = prefix + c.Field
			want[i] = c
		}
		assertCauses(t, want, se.Causes)
		assertUnchanged(t, s, before)
	}
}

func withPreStop(h *LifecycleHandler, grace *int64) func(*PodSpec) {
	return func(sp *PodSpec) {
		sp.TerminationGracePeriodSeconds = grace
		sp.Containers[0].Lifecycle = &Lifecycle{PreStop: h}
	}
}

func sleepFor(n int64) *LifecycleHandler { return &LifecycleHandler{Sleep: &SleepAction{Seconds: n}} }

// TestPreStopSleepRule: a preStop sleep must be non-negative and at most
// terminationGracePeriodSeconds (30 when unset), in pods and in templates,
// as the apiserver's validateSleepAction has it. Only the first handler of
// a hook is checked; the others are forbidden at their own paths.
func TestPreStopSleepRule(t *testing.T) {
	const path = "containers[0].lifecycle.preStop"
	const rule = "must be non-negative and less than terminationGracePeriodSeconds "
	for _, tt := range []specCase{
		{"default grace, sleep 30", withPreStop(sleepFor(30), nil), nil},
		{"default grace, sleep 31", withPreStop(sleepFor(31), nil),
			[]cause{{Field: path + ".sleep", Type: "Invalid value", Value: "31", Detail: rule + "(30)"}}},
		{"grace 10, sleep 10", withPreStop(sleepFor(10), Ptr(int64(10))), nil},
		{"grace 10, sleep 11", withPreStop(sleepFor(11), Ptr(int64(10))),
			[]cause{{Field: path + ".sleep", Type: "Invalid value", Value: "11", Detail: rule + "(10)"}}},
		{"grace 0, sleep 0", withPreStop(sleepFor(0), Ptr(int64(0))), nil},
		{"grace 0, sleep 1", withPreStop(sleepFor(1), Ptr(int64(0))),
			[]cause{{Field: path + ".sleep", Type: "Invalid value", Value: "1", Detail: rule + "(0)"}}},
		{"negative sleep", withPreStop(sleepFor(-1), nil),
			[]cause{{Field: path + ".sleep", Type: "Invalid value", Value: "-1", Detail: rule + "(30)"}}},
		{"exec first: the long sleep is forbidden, not checked", withPreStop(&LifecycleHandler{
			Exec: &ExecAction{Command: []string{"true"}}, Sleep: &SleepAction{Seconds: 100}}, nil),
			[]cause{{Field: path + ".sleep", Type: "Forbidden", Detail: "may not specify more than 1 handler type"}}},
		{"httpGet then exec: exec is forbidden", withPreStop(&LifecycleHandler{
			Exec: &ExecAction{Command: []string{"true"}}, HTTPGet: &HTTPGetAction{Path: "/", Port: 80}, Sleep: &SleepAction{Seconds: 1}}, nil),
			[]cause{
				{Field: path + ".httpGet", Type: "Forbidden", Detail: "may not specify more than 1 handler type"},
				{Field: path + ".sleep", Type: "Forbidden", Detail: "may not specify more than 1 handler type"},
			}},
		{"exec without a command", withPreStop(&LifecycleHandler{Exec: &ExecAction{}}, nil),
			[]cause{{Field: path + ".exec.command", Type: "Required value"}}},
		{"httpGet to port 0", withPreStop(&LifecycleHandler{HTTPGet: &HTTPGetAction{Path: "/"}}, nil),
			[]cause{{Field: path + ".httpGet.port", Type: "Invalid value", Value: "0", Detail: "must be between 1 and 65535, inclusive"}}},
	} {
		t.Run(tt.name, func(t *testing.T) { checkSpecRule(t, tt, true, true) })
	}
}

// TestPreStopSleepMessage: the whole message reads as kubectl shows it.
func TestPreStopSleepMessage(t *testing.T) {
	s := newSim(t, Config{Seed: 1})
	p := webPod("web")
	withPreStop(sleepFor(31), nil)(&p.Spec)
	_, err := s.Create(p)
	assert.EqualError(t, err, `Pod "web" is invalid: spec.containers[0].lifecycle.preStop.sleep: Invalid value: 31: must be non-negative and less than terminationGracePeriodSeconds (30)`)
}

func withImage(image string) func(*PodSpec) {
	return func(sp *PodSpec) { sp.Containers[0].Image = image }
}

// TestImageWhitespaceRule: a pod's image may not have leading or trailing
// whitespace; a template's may (the apiserver keeps that check to pods, for
// backward compatibility), and only an empty image is refused in both.
func TestImageWhitespaceRule(t *testing.T) {
	const ws = "must not have leading or trailing whitespace"
	for _, tt := range []struct {
		specCase
		template []cause // the template's causes, nil when it is accepted
	}{
		{specCase{"leading space", withImage(" nginx"),
			[]cause{{Field: "containers[0].image", Type: "Invalid value", Value: " nginx", Detail: ws}}}, nil},
		{specCase{"trailing tab", withImage("nginx:1.27\t"),
			[]cause{{Field: "containers[0].image", Type: "Invalid value", Value: "nginx:1.27\t", Detail: ws}}}, nil},
		{specCase{"trailing newline", withImage("nginx\n"),
			[]cause{{Field: "containers[0].image", Type: "Invalid value", Detail: ws}}}, nil},
		{specCase{"only spaces", withImage("   "),
			[]cause{{Field: "containers[0].image", Type: "Invalid value", Value: "   ", Detail: ws}}}, nil},
		{specCase{"empty", withImage(""), []cause{{Field: "containers[0].image", Type: "Required value"}}},
			[]cause{{Field: "containers[0].image", Type: "Required value"}}},
		{specCase{"inner space is not this rule's", withImage("my image"), nil}, nil},
	} {
		t.Run(tt.name, func(t *testing.T) {
			checkSpecRule(t, tt.specCase, true, false)
			checkSpecRule(t, specCase{tt.name, tt.mutate, tt.template}, false, true)
		})
	}
}

// TestImageWhitespaceOnUpdate: the image, the one container field a pod
// update may change, is checked on update too, and a refused update
// changes nothing.
func TestImageWhitespaceOnUpdate(t *testing.T) {
	s := newSim(t, Config{Seed: 1})
	_, err := s.Create(webPod("web"))
	require.NoError(t, err)
	require.NoError(t, s.Settle())
	before := takeSnapshot(s)
	p := mustPod(t, s, "web")
	p.Spec.Containers[0].Image = "nginx:2 "
	_, err = s.Update(p)
	assert.EqualError(t, err, `Pod "web" is invalid: spec.containers[0].image: Invalid value: "nginx:2 ": must not have leading or trailing whitespace`)
	assertUnchanged(t, s, before)
}

// TestTemplateImageWithWhitespace: a Deployment whose template image has
// whitespace is stored, but its ReplicaSet cannot create pods: each try is
// a FailedCreate event and a ReplicaFailure condition, in both timings.
func TestTemplateImageWithWhitespace(t *testing.T) {
	for _, tc := range []struct {
		name   string
		timing Timing
	}{{"instant", Instant()}, {"realistic", Realistic()}} {
		t.Run(tc.name, func(t *testing.T) {
			s := newSim(t, Config{Seed: 1, Timing: tc.timing})
			_, err := s.Create(newDeployment("web", 2, " nginx"))
			require.NoError(t, err)
			// The controllers settle: the failure condition is set once,
			// not rewritten by every failed sync (which used to make each
			// sync trigger the next, for ever).
			require.NoError(t, s.Settle())
			require.NoError(t, s.RunFor(time.Minute))
			assert.Empty(t, podsWith(s, "app=web"), "no pod was created")
			rss := ListAs[*ReplicaSet](s, "default", everything)
			require.Len(t, rss, 1)
			c := rss[0].Status.Conditions
			require.Len(t, c, 1)
			assert.Equal(t, "ReplicaFailure", c[0].Type)
			assert.Contains(t, c[0].Message, "spec.containers[0].image: Invalid value: \" nginx\": must not have leading or trailing whitespace")
			failed := 0
			for _, e := range s.Events("default") {
				if e.Reason == "FailedCreate" {
					failed += int(e.Count)
				}
			}
			// The work queue retries with back-off: 5 ms doubling, so
			// about 14 tries in the first minute, not thousands.
			assert.Greater(t, failed, 5)
			assert.Less(t, failed, 20)
		})
	}
}

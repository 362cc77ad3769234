package cluster

import (
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// snapshot is everything a failed call must leave as it was: the store,
// the trace and the event queue.
type snapshot struct {
	dump    string
	digest  string
	pending int
}

func takeSnapshot(s *Sim) snapshot {
	return snapshot{dump: s.dump(), digest: s.Digest(), pending: s.Pending()}
}

func assertUnchanged(t *testing.T, s *Sim, before snapshot) {
	t.Helper()
	after := takeSnapshot(s)
	assert.Equal(t, before.dump, after.dump, "the store is unchanged")
	assert.Equal(t, before.digest, after.digest, "nothing was traced")
	assert.Equal(t, before.pending, after.pending, "nothing was scheduled")
}

// cause is the part of a FieldError every row checks; Detail and Value are
// checked only when the row gives them (Detail as a substring).
type cause struct {
	Field, Type, Value, Detail string
}

func assertCauses(t *testing.T, want []cause, got []FieldError) {
	t.Helper()
	type ft struct{ Field, Type string }
	var wantFT, gotFT []ft
	for _, c := range want {
		wantFT = append(wantFT, ft{c.Field, c.Type})
	}
	for _, c := range got {
		gotFT = append(gotFT, ft{c.Field, c.Type})
	}
	if !assert.ElementsMatch(t, wantFT, gotFT, "causes (field, type)") {
		return
	}
	for _, w := range want {
		found := false
		for _, g := range got {
			if g.Field == w.Field && g.Type == w.Type &&
				(w.Value == "" || fmt.Sprint(g.Value) == w.Value) && strings.Contains(g.Detail, w.Detail) {
				found = true
				break
			}
		}
		assert.True(t, found, "a cause %+v among %+v", w, got)
	}
}

// msgSubdomainName is the apiserver's complaint about a name that is not a
// DNS-1123 subdomain, as kubectl shows it.
const msgSubdomainName = "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')"

func withContainer(mutate func(*Container)) func(*Pod) {
	return func(p *Pod) { mutate(&p.Spec.Containers[0]) }
}

func createPod(mutate ...func(*Pod)) func(*Sim) error {
	return func(s *Sim) error {
		_, err := s.Create(webPod("web", mutate...))
		return err
	}
}

func TestFailedCallsChangeNothing(t *testing.T) {
	tests := []struct {
		name     string
		setup    func(t *testing.T, s *Sim)
		call     func(s *Sim) error
		sentinel error
		causes   []cause
		msg      string // the whole message, when given
	}{
		{
			name:     "name missing",
			call:     createPod(func(p *Pod) { p.Name = "" }),
			sentinel: ErrInvalid,
			causes:   []cause{{Field: "metadata.name", Type: "Required value", Detail: "name or generateName is required"}},
			msg:      `Pod "" is invalid: metadata.name: Required value: name or generateName is required`,
		},
		{
			name:     "uppercase name",
			call:     createPod(func(p *Pod) { p.Name = "Web" }),
			sentinel: ErrInvalid,
			causes:   []cause{{Field: "metadata.name", Type: "Invalid value", Value: "Web"}},
			msg:      `Pod "Web" is invalid: metadata.name: Invalid value: "Web": ` + msgSubdomainName,
		},
		{
			name:     "name of 254 bytes",
			call:     createPod(func(p *Pod) { p.Name = strings.Repeat("a", 254) }),
			sentinel: ErrInvalid,
			causes:   []cause{{Field: "metadata.name", Type: "Invalid value", Detail: "must be no more than 253 characters"}},
		},
		{
			name: "namespace name that is not a DNS label",
			call: func(s *Sim) error {
				_, err := s.Create(&Namespace{ObjectMeta: ObjectMeta{Name: "team.a"}})
				return err
			},
			sentinel: ErrInvalid,
			causes:   []cause{{Field: "metadata.name", Type: "Invalid value", Value: "team.a", Detail: "must not contain dots"}},
			msg:      `Namespace "team.a" is invalid: metadata.name: Invalid value: "team.a": must not contain dots`,
		},
		{
			name:     "namespace that does not exist",
			call:     createPod(func(p *Pod) { p.Namespace = "nope" }),
			sentinel: ErrNotFound,
			msg:      `namespaces "nope" not found`,
		},
		{
			name: "namespace terminating",
			setup: func(t *testing.T, s *Sim) {
				_, err := s.Create(&Namespace{ObjectMeta: ObjectMeta{Name: "shop"}})
				require.NoError(t, err)
				_, err = s.Create(webPod("web", func(p *Pod) { p.Namespace = "shop" }))
				require.NoError(t, err)
				require.NoError(t, s.Settle())
				// The running pod terminates gracefully, so the namespace
				// stays Terminating until the loop runs.
				require.NoError(t, s.Delete(KindNamespace, "", "shop", DeleteOptions{}))
				ns, ok := GetAs[*Namespace](s, "", "shop")
				require.True(t, ok)
				require.Equal(t, NamespaceTerminating, ns.Status.Phase)
			},
			call:     createPod(func(p *Pod) { p.Name, p.Namespace = "web-2", "shop" }),
			sentinel: ErrForbidden,
			msg:      `pods "web-2" is forbidden: unable to create new content in namespace shop because it is being terminated`,
		},
		{
			name: "duplicate name",
			setup: func(t *testing.T, s *Sim) {
				_, err := s.Create(webPod("web"))
				require.NoError(t, err)
				require.NoError(t, s.Settle())
			},
			call:     createPod(),
			sentinel: ErrAlreadyExists,
			msg:      `pods "web" already exists`,
		},
		{
			name:     "bad label key",
			call:     createPod(func(p *Pod) { p.Labels = map[string]string{"bad key!": "x"} }),
			sentinel: ErrInvalid,
			causes:   []cause{{Field: "metadata.labels", Type: "Invalid value", Value: "bad key!", Detail: "name part must consist of alphanumeric characters"}},
		},
		{
			name:     "bad label value reports each problem",
			call:     createPod(func(p *Pod) { p.Labels = map[string]string{"app": strings.Repeat("x", 63) + "-!"} }),
			sentinel: ErrInvalid,
			causes: []cause{
				{Field: "metadata.labels", Type: "Invalid value", Detail: "must be no more than 63 bytes"},
				{Field: "metadata.labels", Type: "Invalid value", Detail: "a valid label must be an empty string or consist of"},
			},
		},
		{
			name:     "bad annotation key",
			call:     createPod(func(p *Pod) { p.Annotations = map[string]string{"a/b/c": "x"} }),
			sentinel: ErrInvalid,
			causes:   []cause{{Field: "metadata.annotations", Type: "Invalid value", Value: "a/b/c"}},
		},
		{
			name:     "no containers",
			call:     createPod(func(p *Pod) { p.Spec.Containers = nil }),
			sentinel: ErrInvalid,
			causes:   []cause{{Field: "spec.containers", Type: "Required value"}},
			msg:      `Pod "web" is invalid: spec.containers: Required value`,
		},
		{
			name:     "container without name or image",
			call:     createPod(func(p *Pod) { p.Spec.Containers = []Container{{}} }),
			sentinel: ErrInvalid,
			causes: []cause{
				{Field: "spec.containers[0].name", Type: "Required value"},
				{Field: "spec.containers[0].image", Type: "Required value"},
			},
			msg: `Pod "web" is invalid: [spec.containers[0].name: Required value, spec.containers[0].image: Required value]`,
		},
		{
			name: "duplicate container names",
			call: createPod(func(p *Pod) {
				p.Spec.Containers = append(p.Spec.Containers, Container{Name: "web", Image: "sidecar"})
			}),
			sentinel: ErrInvalid,
			causes:   []cause{{Field: "spec.containers[1].name", Type: "Duplicate value", Value: "web"}},
			msg:      `Pod "web" is invalid: spec.containers[1].name: Duplicate value: "web"`,
		},
		{
			name:     "port out of range",
			call:     createPod(withContainer(func(c *Container) { c.Ports[0].ContainerPort = 70000 })),
			sentinel: ErrInvalid,
			causes:   []cause{{Field: "spec.containers[0].ports[0].containerPort", Type: "Invalid value", Detail: "must be between 1 and 65535, inclusive"}},
		},
		{
			name:     "port name too long",
			call:     createPod(withContainer(func(c *Container) { c.Ports[0].Name = "a-very-long-name" })),
			sentinel: ErrInvalid,
			causes:   []cause{{Field: "spec.containers[0].ports[0].name", Type: "Invalid value", Detail: "must be no more than 15 characters"}},
		},
		{
			name:     "port name uppercase",
			call:     createPod(withContainer(func(c *Container) { c.Ports[0].Name = "Http" })),
			sentinel: ErrInvalid,
			causes:   []cause{{Field: "spec.containers[0].ports[0].name", Type: "Invalid value", Detail: "must contain only alpha-numeric characters (a-z, 0-9), and hyphens (-)"}},
		},
		{
			name:     "port name without a letter",
			call:     createPod(withContainer(func(c *Container) { c.Ports[0].Name = "8080" })),
			sentinel: ErrInvalid,
			causes:   []cause{{Field: "spec.containers[0].ports[0].name", Type: "Invalid value", Detail: "must contain at least one letter"}},
		},
		{
			name:     "port name with a double hyphen",
			call:     createPod(withContainer(func(c *Container) { c.Ports[0].Name = "http--alt" })),
			sentinel: ErrInvalid,
			causes:   []cause{{Field: "spec.containers[0].ports[0].name", Type: "Invalid value", Detail: "must not contain consecutive hyphens"}},
		},
		{
			name: "duplicate port names",
			call: createPod(withContainer(func(c *Container) {
				c.Ports = []ContainerPort{{Name: "http", ContainerPort: 80}, {Name: "http", ContainerPort: 8080}}
			})),
			sentinel: ErrInvalid,
			causes:   []cause{{Field: "spec.containers[0].ports[1].name", Type: "Duplicate value", Value: "http"}},
		},
		{
			name:     "bad protocol",
			call:     createPod(withContainer(func(c *Container) { c.Ports[0].Protocol = "HTTP" })),
			sentinel: ErrInvalid,
			causes:   []cause{{Field: "spec.containers[0].ports[0].protocol", Type: "Unsupported value", Value: "HTTP"}},
			msg:      `Pod "web" is invalid: spec.containers[0].ports[0].protocol: Unsupported value: "HTTP": supported values: "SCTP", "TCP", "UDP"`,
		},
		{
			name:     "bad restartPolicy",
			call:     createPod(func(p *Pod) { p.Spec.RestartPolicy = "Sometimes" }),
			sentinel: ErrInvalid,
			causes:   []cause{{Field: "spec.restartPolicy", Type: "Unsupported value", Value: "Sometimes", Detail: `supported values: "Always", "OnFailure", "Never"`}},
		},
		{
			name:     "bad OnSIGTERM",
			call:     createPod(func(p *Pod) { p.Spec.OnSIGTERM = "Panic" }),
			sentinel: ErrInvalid,
			causes:   []cause{{Field: "spec.x-svcsim-onSIGTERM", Type: "Unsupported value", Value: "Panic", Detail: `supported values: "Drain", "Exit", "Ignore"`}},
		},
		{
			name:     "negative DrainSeconds",
			call:     createPod(func(p *Pod) { p.Spec.OnSIGTERM, p.Spec.DrainSeconds = SigtermDrain, -1 }),
			sentinel: ErrInvalid,
			causes:   []cause{{Field: "spec.x-svcsim-drainSeconds", Type: "Invalid value", Detail: "must be greater than or equal to 0"}},
		},
		{
			name: "probe with negative values",
			call: createPod(withContainer(func(c *Container) {
				c.ReadinessProbe = &Probe{InitialDelaySeconds: -1, PeriodSeconds: -1, TimeoutSeconds: -1, SuccessThreshold: -1, FailureThreshold: -1}
			})),
			sentinel: ErrInvalid,
			causes: []cause{
				{Field: "spec.containers[0].readinessProbe.initialDelaySeconds", Type: "Invalid value"},
				{Field: "spec.containers[0].readinessProbe.periodSeconds", Type: "Invalid value"},
				{Field: "spec.containers[0].readinessProbe.timeoutSeconds", Type: "Invalid value"},
				{Field: "spec.containers[0].readinessProbe.successThreshold", Type: "Invalid value"},
				{Field: "spec.containers[0].readinessProbe.failureThreshold", Type: "Invalid value"},
			},
		},
		{
			name: "preStop with two handlers",
			call: createPod(withContainer(func(c *Container) {
				c.Lifecycle = &Lifecycle{PreStop: &LifecycleHandler{Exec: &ExecAction{Command: []string{"true"}}, Sleep: &SleepAction{Seconds: 1}}}
			})),
			sentinel: ErrInvalid,
			causes:   []cause{{Field: "spec.containers[0].lifecycle.preStop.sleep", Type: "Forbidden", Detail: "may not specify more than 1 handler type"}},
			msg:      `Pod "web" is invalid: spec.containers[0].lifecycle.preStop.sleep: Forbidden: may not specify more than 1 handler type`,
		},
		{
			name:     "preStop with no handler",
			call:     createPod(withContainer(func(c *Container) { c.Lifecycle = &Lifecycle{PreStop: &LifecycleHandler{}} })),
			sentinel: ErrInvalid,
			causes:   []cause{{Field: "spec.containers[0].lifecycle.preStop", Type: "Required value", Detail: "must specify a handler type"}},
		},
		{
			name: "two controller owner references",
			call: createPod(func(p *Pod) {
				p.OwnerReferences = []OwnerReference{
					{APIVersion: "apps/v1", Kind: "ReplicaSet", Name: "web-1", UID: "u1", Controller: Ptr(true)},
					{APIVersion: "apps/v1", Kind: "ReplicaSet", Name: "web-2", UID: "u2", Controller: Ptr(true)},
				}
			}),
			sentinel: ErrInvalid,
			causes:   []cause{{Field: "metadata.ownerReferences", Type: "Invalid value", Detail: "Only one reference can have Controller set to true"}},
		},
		{
			name: "update of a missing pod",
			call: func(s *Sim) error {
				_, err := s.Update(webPod("nope"))
				return err
			},
			sentinel: ErrNotFound,
			msg:      `pods "nope" not found`,
		},
		{
			name: "update with a stale resourceVersion",
			setup: func(t *testing.T, s *Sim) {
				_, err := s.Create(webPod("web"))
				require.NoError(t, err)
				require.NoError(t, s.Settle())
			},
			call: func(s *Sim) error {
				p, _ := GetAs[*Pod](s, "default", "web")
				p.ResourceVersion--
				p.Labels["tier"] = "frontend"
				_, err := s.Update(p)
				return err
			},
			sentinel: ErrConflict,
			msg:      `Operation cannot be fulfilled on pods "web": the object has been modified; please apply your changes to the latest version and try again`,
		},
		{
			name: "update changing a container other than its image",
			setup: func(t *testing.T, s *Sim) {
				_, err := s.Create(webPod("web"))
				require.NoError(t, err)
				require.NoError(t, s.Settle())
			},
			call: func(s *Sim) error {
				p, _ := GetAs[*Pod](s, "default", "web")
				p.Spec.Containers[0].Ports[0].ContainerPort = 8080
				_, err := s.Update(p)
				return err
			},
			sentinel: ErrInvalid,
			causes:   []cause{{Field: "spec", Type: "Forbidden", Detail: "pod updates may not change fields other than `spec.containers[*].image`"}},
		},
		{
			name: "delete of a missing pod",
			call: func(s *Sim) error {
				return s.Delete(KindPod, "default", "nope", DeleteOptions{})
			},
			sentinel: ErrNotFound,
			msg:      `pods "nope" not found`,
		},
		{
			name: "delete with a negative grace period",
			setup: func(t *testing.T, s *Sim) {
				_, err := s.Create(webPod("web"))
				require.NoError(t, err)
				require.NoError(t, s.Settle())
			},
			call: func(s *Sim) error {
				return s.Delete(KindPod, "default", "web", DeleteOptions{GracePeriodSeconds: Ptr(int64(-1))})
			},
			sentinel: ErrInvalid,
			causes:   []cause{{Field: "gracePeriodSeconds", Type: "Invalid value", Detail: "must be greater than or equal to 0"}},
		},
		{
			name: "create nil",
			call: func(s *Sim) error {
				_, err := s.Create(nil)
				return err
			},
			sentinel: ErrInvalid,
			causes:   []cause{{Field: "object", Type: "Required value"}},
		},
		{
			name: "create a typed nil pod",
			call: func(s *Sim) error {
				_, err := s.Create((*Pod)(nil))
				return err
			},
			sentinel: ErrInvalid,
			causes:   []cause{{Field: "object", Type: "Required value"}},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := newSim(t, Config{Seed: 1})
			if tt.setup != nil {
				tt.setup(t, s)
			}
			before := takeSnapshot(s)
			err := tt.call(s)
			require.Error(t, err)
			var se *StatusError
			require.True(t, errors.As(err, &se), "a *StatusError, got %T: %v", err, err)
			for _, sentinel := range []error{ErrInvalid, ErrAlreadyExists, ErrNotFound, ErrConflict} {
				assert.Equal(t, sentinel == tt.sentinel, errors.Is(err, sentinel), "errors.Is(err, %v)", sentinel)
			}
			assertCauses(t, tt.causes, se.Causes)
			if tt.msg != "" {
				assert.Equal(t, tt.msg, err.Error())
			}
			assertUnchanged(t, s, before)
		})
	}
}

func TestGenerateName(t *testing.T) {
	s := newSim(t, Config{Seed: 1})
	seen := map[string]bool{}
	for range 20 {
		o, err := s.Create(webPod("", func(p *Pod) { p.GenerateName = "web-" }))
		require.NoError(t, err)
		name := o.Meta().Name
		require.Len(t, name, len("web-")+5)
		assert.True(t, strings.HasPrefix(name, "web-"), name)
		for _, c := range name[len("web-"):] {
			assert.Contains(t, "bcdfghjklmnpqrstvwxz2456789", string(c), "suffix of %s", name)
		}
		assert.False(t, seen[name], "%s generated twice", name)
		seen[name] = true
		assert.Equal(t, "web-", o.Meta().GenerateName, "generateName is kept")
		_, ok := GetAs[*Pod](s, "default", name)
		assert.True(t, ok, "stored under the generated name")
	}

	// A long base is cut so that the name stays a valid length.
	o, err := s.Create(webPod("", func(p *Pod) { p.GenerateName = strings.Repeat("a", 70) }))
	require.NoError(t, err)
	assert.Len(t, o.Meta().Name, 63)
}

func TestUpdateChangingOnlyTheImage(t *testing.T) {
	s := newSim(t, Config{Seed: 1})
	_, err := s.Create(webPod("web"))
	require.NoError(t, err)
	require.NoError(t, s.Settle())
	p := mustPod(t, s, "web")
	digest := s.Digest()

	p.Spec.Containers[0].Image = "nginx:1.27"
	p.Labels["tier"] = "frontend"
	out, err := s.Update(p)
	require.NoError(t, err)
	got := mustPod(t, s, "web")
	assert.Equal(t, "nginx:1.27", got.Spec.Containers[0].Image)
	assert.Equal(t, "frontend", got.Labels["tier"])
	assert.Greater(t, got.ResourceVersion, p.ResourceVersion)
	assert.Equal(t, got.ResourceVersion, out.Meta().ResourceVersion)
	assert.Equal(t, p.Status, got.Status, "an update keeps the status")
	assert.NotEqual(t, digest, s.Digest(), "the update is traced")

	// An update that changes nothing stores nothing.
	before := takeSnapshot(s)
	_, err = s.Update(got)
	require.NoError(t, err)
	assertUnchanged(t, s, before)
}

func TestCreateFillsDefaults(t *testing.T) {
	s := newSim(t, Config{Seed: 1})
	o, err := s.Create(&Pod{
		ObjectMeta: ObjectMeta{Name: "web"},
		Spec: PodSpec{Containers: []Container{{Name: "web", Image: "nginx",
			Ports: []ContainerPort{{Name: "http", ContainerPort: 80}}, ReadinessProbe: &Probe{InitialDelaySeconds: 5}}}},
	})
	require.NoError(t, err)
	p := o.(*Pod)
	assert.Equal(t, "default", p.Namespace)
	assert.Equal(t, "Always", p.Spec.RestartPolicy)
	require.NotNil(t, p.Spec.TerminationGracePeriodSeconds)
	assert.Equal(t, int64(30), *p.Spec.TerminationGracePeriodSeconds)
	require.NotNil(t, p.Spec.EnableServiceLinks)
	assert.True(t, *p.Spec.EnableServiceLinks)
	assert.Equal(t, SigtermExit, p.Spec.OnSIGTERM)
	assert.Equal(t, ProtocolTCP, p.Spec.Containers[0].Ports[0].Protocol)
	assert.Equal(t, Probe{InitialDelaySeconds: 5, PeriodSeconds: 10, TimeoutSeconds: 1, SuccessThreshold: 1, FailureThreshold: 3},
		*p.Spec.Containers[0].ReadinessProbe)
	assert.Equal(t, PodStatus{Phase: PodPending}, p.Status)
	assert.NotEmpty(t, p.UID)
	assert.NotZero(t, p.ResourceVersion)
	assert.Equal(t, s.Now(), p.CreationTimestamp)

	// What Create returns is what is stored, and a copy.
	assert.Equal(t, p, mustPod(t, s, "web"))
	p.Labels = map[string]string{"changed": "yes"}
	assert.Empty(t, mustPod(t, s, "web").Labels)
}

func TestNegativeGracePeriodIsDefaultedToOne(t *testing.T) {
	s := newSim(t, Config{Seed: 1})
	o, err := s.Create(webPod("web", func(p *Pod) { p.Spec.TerminationGracePeriodSeconds = Ptr(int64(-5)) }))
	require.NoError(t, err)
	assert.Equal(t, int64(1), *o.(*Pod).Spec.TerminationGracePeriodSeconds)

	// And that grace period is what a delete uses.
	require.NoError(t, s.Settle())
	require.NoError(t, s.Delete(KindPod, "default", "web", DeleteOptions{}))
	assert.Equal(t, int64(1), *mustPod(t, s, "web").DeletionGracePeriodSeconds)
}

// The registry strategies reset the status of a new object: a status sent
// with a create is dropped (pods start Pending, namespaces Active).
func TestCreateResetsStatus(t *testing.T) {
	s := newSim(t, Config{Seed: 1, Nodes: 1})
	o, err := s.Create(webPod("web", func(p *Pod) {
		p.Status = PodStatus{Phase: PodRunning, PodIP: "10.244.0.99",
			Conditions: []PodCondition{{Type: PodReady, Status: ConditionTrue}}}
	}))
	require.NoError(t, err)
	assert.Equal(t, PodStatus{Phase: PodPending}, o.(*Pod).Status, "a pod's status sent with a create is dropped")

	o, err = s.Create(&Namespace{ObjectMeta: ObjectMeta{Name: "shop"}, Status: NamespaceStatus{Phase: NamespaceTerminating}})
	require.NoError(t, err)
	assert.Equal(t, NamespaceActive, o.(*Namespace).Status.Phase, "a new namespace is Active")
}

// A failed create must leave the random source alone too, or it changes
// every UID, generated name and lag drawn after it.
func TestFailedCreateDrawsNoRandomness(t *testing.T) {
	run := func(withFailure bool) (string, string) {
		s := newSim(t, Config{Seed: 1, Timing: Realistic()})
		if withFailure {
			_, err := s.Create(webPod("", func(p *Pod) { p.GenerateName = "web-"; p.Spec.Containers = nil }))
			require.ErrorIs(t, err, ErrInvalid)
		}
		o, err := s.Create(webPod("web"))
		require.NoError(t, err)
		require.NoError(t, s.Settle())
		return o.Meta().UID, s.Digest()
	}
	uid1, digest1 := run(false)
	uid2, digest2 := run(true)
	assert.Equal(t, uid1, uid2, "the next UID does not depend on a failed create")
	assert.Equal(t, digest1, digest2, "nor does the rest of the run")
}

// FieldError.Error promises kubectl's rendering: the apiserver's
// field.Error prints numbers bare, leaves the value out of "Too long", and
// calls a zero containerPort missing rather than out of range.
func TestFieldErrorsReadLikeTheAPIServer(t *testing.T) {
	s := newSim(t, Config{Seed: 1})
	t.Run("numbers are not quoted", func(t *testing.T) {
		_, err := s.Create(webPod("web", withContainer(func(c *Container) { c.Ports[0].ContainerPort = 70000 })))
		assert.EqualError(t, err, `Pod "web" is invalid: spec.containers[0].ports[0].containerPort: Invalid value: 70000: must be between 1 and 65535, inclusive`)
	})
	t.Run("too long leaves out the value", func(t *testing.T) {
		_, err := s.Create(webPod("web", func(p *Pod) { p.Annotations = map[string]string{"big": strings.Repeat("x", 300_000)} }))
		assert.EqualError(t, err, `Pod "web" is invalid: metadata.annotations: Too long: must have at most 262144 bytes`)
	})
	t.Run("containerPort 0 is required", func(t *testing.T) {
		_, err := s.Create(webPod("web", withContainer(func(c *Container) { c.Ports[0].ContainerPort = 0 })))
		assert.EqualError(t, err, `Pod "web" is invalid: spec.containers[0].ports[0].containerPort: Required value`)
	})
	t.Run("a port name reports every broken rule", func(t *testing.T) {
		// IsValidPortName checks the charset and the letter independently:
		// "HTTP" has a bad charset and no lowercase letter.
		_, err := s.Create(webPod("web", withContainer(func(c *Container) { c.Ports[0].Name = "HTTP" })))
		var se *StatusError
		require.True(t, errors.As(err, &se))
		assert.Len(t, se.Causes, 2, "%v", err)
	})
}

package cluster

import (
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"pgregory.net/rapid"

	"github.com/svcsim/svcsim/selector"
	"github.com/svcsim/svcsim/selector/selectortest"
)

// The property tests drive a cluster with random sequences of what users
// and faults do to it. Reproduce a failure with
//
//	go test ./cluster -run TestClusterInvariants -rapid.seed=N
//
// (rapid prints N) or with the fail file it names.

// opKind is one kind of thing a user or a fault does to the cluster.
type opKind string

const (
	opCreate  opKind = "create"
	opLabel   opKind = "label"
	opDelete  opKind = "delete"
	opFail    opKind = "fail-readiness"
	opRecover opKind = "recover-readiness"
	opCrash   opKind = "crash"
	opDown    opKind = "node-down"
	opUp      opKind = "node-up"
	opRunFor  opKind = "run-for"
	opSettle  opKind = "settle"
)

// userOp is one drawn call, kept as data so that a sequence can be replayed
// on several clusters.
type userOp struct {
	kind      opKind
	namespace string
	name      string // the pod, or the node for node faults
	generate  bool   // create with GenerateName = name+"-"
	labels    selector.Set
	probe     *Probe
	preStop   int64 // seconds of preStop sleep; 0 for none
	sigterm   SigtermBehavior
	drain     int64
	grace     *int64
	args      []string // kubectl label arguments
	force     bool
	d         time.Duration
}

func (o userOp) String() string {
	switch o.kind {
	case opCreate:
		return fmt.Sprintf("create %s/%s generate=%v labels=%v probe=%v preStop=%d sigterm=%q drain=%d grace=%v",
			o.namespace, o.name, o.generate, o.labels, o.probe, o.preStop, o.sigterm, o.drain, o.grace)
	case opLabel:
		return fmt.Sprintf("label %s/%s %q", o.namespace, o.name, o.args)
	case opDelete:
		return fmt.Sprintf("delete %s/%s force=%v grace=%v", o.namespace, o.name, o.force, o.grace)
	case opRunFor:
		return fmt.Sprintf("run-for %s", o.d)
	case opSettle:
		return "settle"
	}
	return fmt.Sprintf("%s %s/%s", o.kind, o.namespace, o.name)
}

// Small alphabets, so that names collide and labels overlap.
var (
	propNamespaces = []string{"default", "team"}
	propPodNames   = []string{"web-1", "web-2", "web-3", "db"}
	propNodes      = []string{"node-1", "node-2", "node-3"}
)

func optionalSeconds(t *rapid.T, label string, hi int) *int64 {
	if !rapid.Bool().Draw(t, label+"?") {
		return nil
	}
	return Ptr(int64(rapid.IntRange(0, hi).Draw(t, label)))
}

func createOpGen(generate bool) *rapid.Generator[userOp] {
	return rapid.Custom(func(t *rapid.T) userOp {
		o := userOp{
			kind:      opCreate,
			namespace: rapid.SampledFrom(propNamespaces).Draw(t, "namespace"),
			name:      rapid.SampledFrom(propPodNames).Draw(t, "name"),
			generate:  generate,
			labels:    selectortest.Set().Draw(t, "labels"),
			sigterm:   rapid.SampledFrom([]SigtermBehavior{"", SigtermExit, SigtermDrain, SigtermIgnore}).Draw(t, "sigterm"),
			drain:     int64(rapid.IntRange(0, 40).Draw(t, "drain")),
			grace:     optionalSeconds(t, "grace", 40),
		}
		if rapid.Bool().Draw(t, "probe?") {
			o.probe = &Probe{
				InitialDelaySeconds: int32(rapid.IntRange(0, 5).Draw(t, "initialDelay")),
				PeriodSeconds:       int32(rapid.IntRange(0, 10).Draw(t, "period")),
				SuccessThreshold:    int32(rapid.IntRange(0, 3).Draw(t, "success")),
				FailureThreshold:    int32(rapid.IntRange(0, 3).Draw(t, "failure")),
			}
		}
		if rapid.Bool().Draw(t, "preStop?") {
			o.preStop = int64(rapid.IntRange(1, 40).Draw(t, "preStop"))
		}
		return o
	})
}

func labelOpGen() *rapid.Generator[userOp] {
	return rapid.Custom(func(t *rapid.T) userOp {
		o := userOp{
			kind:      opLabel,
			namespace: rapid.SampledFrom(propNamespaces).Draw(t, "namespace"),
			name:      rapid.SampledFrom(propPodNames).Draw(t, "name"),
		}
		for range rapid.IntRange(1, 2).Draw(t, "changes") {
			k := selectortest.Key().Draw(t, "key")
			if rapid.Bool().Draw(t, "remove") {
				o.args = append(o.args, k+"-")
			} else {
				o.args = append(o.args, k+"="+selectortest.Value().Draw(t, "value"))
			}
		}
		if rapid.Bool().Draw(t, "overwrite") {
			o.args = append(o.args, "--overwrite")
		}
		return o
	})
}

func deleteOpGen() *rapid.Generator[userOp] {
	return rapid.Custom(func(t *rapid.T) userOp {
		return userOp{
			kind:      opDelete,
			namespace: rapid.SampledFrom(propNamespaces).Draw(t, "namespace"),
			name:      rapid.SampledFrom(propPodNames).Draw(t, "name"),
			force:     rapid.Bool().Draw(t, "force"),
			grace:     optionalSeconds(t, "grace", 40),
		}
	})
}

func podFaultOpGen(kind opKind) *rapid.Generator[userOp] {
	return rapid.Custom(func(t *rapid.T) userOp {
		return userOp{
			kind:      kind,
			namespace: rapid.SampledFrom(propNamespaces).Draw(t, "namespace"),
			name:      rapid.SampledFrom(propPodNames).Draw(t, "name"),
		}
	})
}

func nodeOpGen(kind opKind) *rapid.Generator[userOp] {
	return rapid.Custom(func(t *rapid.T) userOp {
		return userOp{kind: kind, name: rapid.SampledFrom(propNodes).Draw(t, "node")}
	})
}

func runForOpGen() *rapid.Generator[userOp] {
	return rapid.Custom(func(t *rapid.T) userOp {
		ms := rapid.IntRange(0, 40_000).Draw(t, "ms")
		return userOp{kind: opRunFor, d: time.Duration(ms) * time.Millisecond}
	})
}

// opGens are the generators of every kind of op, by name.
func opGens() map[string]*rapid.Generator[userOp] {
	return map[string]*rapid.Generator[userOp]{
		"create":            createOpGen(false),
		"create-generated":  createOpGen(true),
		"label":             labelOpGen(),
		"delete":            deleteOpGen(),
		"fail-readiness":    podFaultOpGen(opFail),
		"recover-readiness": podFaultOpGen(opRecover),
		"crash":             podFaultOpGen(opCrash),
		"node-down":         nodeOpGen(opDown),
		"node-up":           nodeOpGen(opUp),
		"run-for":           runForOpGen(),
		"settle":            rapid.Just(userOp{kind: opSettle}),
	}
}

// anyOpGen draws an op of any kind.
func anyOpGen() *rapid.Generator[userOp] {
	gens := opGens()
	all := make([]*rapid.Generator[userOp], 0, len(gens))
	for _, name := range sortedKeys(gens) {
		all = append(all, gens[name])
	}
	return rapid.OneOf(all...)
}

func timingGen() *rapid.Generator[Timing] {
	return rapid.Custom(func(t *rapid.T) Timing {
		if rapid.Bool().Draw(t, "realistic") {
			return Realistic()
		}
		return Instant()
	})
}

// newPropSim builds the cluster every property starts from: three nodes
// and a second namespace, so that pod names can repeat across namespaces.
func newPropSim(t require.TestingT, seed uint64, timing Timing) *Sim {
	s, err := New(Config{Seed: seed, Timing: timing})
	require.NoError(t, err)
	_, err = s.Create(&Namespace{ObjectMeta: ObjectMeta{Name: "team"}})
	require.NoError(t, err)
	return s
}

func (o userOp) pod() *Pod {
	p := &Pod{
		ObjectMeta: ObjectMeta{Name: o.name, Namespace: o.namespace, Labels: o.labels.Clone()},
		Spec: PodSpec{
			Containers:                    []Container{{Name: "app", Image: "nginx", Ports: []ContainerPort{{Name: "http", ContainerPort: 80}}}},
			OnSIGTERM:                     o.sigterm,
			DrainSeconds:                  o.drain,
			TerminationGracePeriodSeconds: clonePtr(o.grace),
		},
	}
	if o.generate {
		p.Name, p.GenerateName = "", o.name+"-"
	}
	if o.probe != nil {
		p.Spec.Containers[0].ReadinessProbe = clonePtr(o.probe)
	}
	if o.preStop > 0 {
		p.Spec.Containers[0].Lifecycle = &Lifecycle{PreStop: &LifecycleHandler{Sleep: &SleepAction{Seconds: o.preStop}}}
	}
	return p
}

// validPod reports whether the pod of a create passes validation: its
// preStop sleep must fit in its grace period, 30 s unless set.
func (o userOp) validPod() bool {
	grace := int64(30)
	if o.grace != nil {
		grace = *o.grace
	}
	return o.preStop <= grace
}

// apply makes the call o describes. It returns the name of a pod it created
// and the call's error, after checking that the error is one the call may
// give in the state the cluster was in.
func apply(t require.TestingT, s *Sim, o userOp) (string, error) {
	exists := false
	if o.name != "" && o.kind != opDown && o.kind != opUp {
		_, exists = s.Get(KindPod, o.namespace, o.name)
	}
	switch o.kind {
	case opCreate:
		created, err := s.Create(o.pod())
		if !o.validPod() {
			// The apiserver refuses a preStop sleep longer than the grace
			// period before it looks for a clash.
			require.ErrorIs(t, err, ErrInvalid, "%v", o)
			return "", err
		}
		if err != nil {
			require.ErrorIs(t, err, ErrAlreadyExists, "%v", o)
			require.True(t, exists && !o.generate, "%v: %v", o, err)
			return "", err
		}
		require.False(t, exists && !o.generate, "%v: created over an existing pod", o)
		return created.Meta().Name, nil
	case opLabel:
		err := kubectlLabel(s, o.namespace, KindPod, o.name, o.args...)
		switch {
		case err == nil:
			require.True(t, exists, "%v: labeled a missing pod", o)
		case errors.Is(err, ErrNotFound):
			require.False(t, exists, "%v: %v", o, err)
		default:
			require.ErrorIs(t, err, errKubectlUsage, "%v", o)
		}
		return "", err
	case opDelete:
		err := s.Delete(KindPod, o.namespace, o.name, DeleteOptions{Force: o.force, GracePeriodSeconds: clonePtr(o.grace)})
		if exists {
			require.NoError(t, err, "%v", o)
		} else {
			require.ErrorIs(t, err, ErrNotFound, "%v", o)
		}
		return "", err
	case opFail, opRecover, opCrash:
		var err error
		switch o.kind {
		case opFail:
			err = s.FailReadiness(o.namespace, o.name)
		case opRecover:
			err = s.RecoverReadiness(o.namespace, o.name)
		default:
			err = s.CrashContainer(o.namespace, o.name, "")
		}
		_, running := s.Runtime(o.namespace, o.name)
		if running {
			require.NoError(t, err, "%v", o)
		} else {
			require.ErrorIs(t, err, ErrNoRuntime, "%v", o)
		}
		return "", err
	case opDown:
		err := s.NodeDown(o.name)
		require.NoError(t, err, "%v", o)
		return "", err
	case opUp:
		err := s.NodeUp(o.name)
		require.NoError(t, err, "%v", o)
		return "", err
	case opRunFor:
		before := s.Now()
		s.RunFor(o.d)
		require.Equal(t, before.Add(o.d), s.Now(), "%v", o)
		return "", nil
	case opSettle:
		err := s.Settle()
		require.NoError(t, err, "%v", o)
		return "", err
	}
	panic("unknown op " + string(o.kind))
}

// invariantMachine holds a cluster under test and what the test has seen of
// it through a watch of its own.
type invariantMachine struct {
	s *Sim
	// deleted holds the UIDs of objects whose Deleted event the test's
	// watcher has received, with what they were.
	deleted  map[string]string
	traceLen uint64
	ops      []string
}

func newInvariantMachine(t *rapid.T) *invariantMachine {
	m := &invariantMachine{
		s:       newPropSim(t, rapid.Uint64().Draw(t, "seed"), timingGen().Draw(t, "timing")),
		deleted: map[string]string{},
	}
	m.s.Watch("invariant-watcher", nil, func(ev WatchEvent) {
		if ev.Type == Deleted {
			meta := ev.Object.Meta()
			m.deleted[meta.UID] = objectRef(ev.Object.Kind(), meta.Namespace, meta.Name)
		}
	}, KindNamespace, KindNode, KindPod)
	return m
}

// maxOps bounds a run: rapid's Repeat draws 30 actions on average but
// sometimes many more, and a short run finds the same bugs faster.
const maxOps = 30

func (m *invariantMachine) do(t *rapid.T, o userOp) {
	if len(m.ops) >= maxOps {
		return
	}
	// Mostly aim pod ops at a pod that exists, so that they do something.
	switch o.kind {
	case opLabel, opDelete, opFail, opRecover, opCrash:
		if pods := ListAs[*Pod](m.s, "", everything); len(pods) > 0 && rapid.IntRange(0, 3).Draw(t, "existing") > 0 {
			p := rapid.SampledFrom(pods).Draw(t, "pod")
			o.namespace, o.name = p.Namespace, p.Name
		}
	}
	m.ops = append(m.ops, o.String())
	_, _ = apply(t, m.s, o)
}

func (m *invariantMachine) check(t *rapid.T) {
	s := m.s
	fail := func(format string, args ...any) {
		t.Fatalf("after %d ops (%s): %s", len(m.ops), strings.Join(m.ops, "; "), fmt.Sprintf(format, args...))
	}

	// Pod names are unique per namespace, and live pods' IPs across the
	// cluster.
	names := map[string]bool{}
	ips := map[string]string{}
	for _, p := range ListAs[*Pod](s, "", everything) {
		k := key(p.Namespace, p.Name)
		if names[k] {
			fail("pod %s listed twice", k)
		}
		names[k] = true
		if ip := p.Status.PodIP; ip != "" {
			if other, dup := ips[ip]; dup {
				fail("pods %s and %s both have IP %s", other, k, ip)
			}
			ips[ip] = k
		}
	}

	// Every stored object's resourceVersion is unique and no newer than
	// the store's.
	rvs := map[uint64]string{}
	for _, kind := range s.store.kinds() {
		s.store.each(kind, "", func(o Object) bool {
			meta := o.Meta()
			ref := objectRef(kind, meta.Namespace, meta.Name)
			rv := meta.ResourceVersion
			if rv == 0 || rv > s.store.rv {
				fail("%s has resourceVersion %d, store is at %d", ref, rv, s.store.rv)
			}
			if other, dup := rvs[rv]; dup {
				fail("%s and %s share resourceVersion %d", other, ref, rv)
			}
			rvs[rv] = ref
			return true
		})
	}

	// Nothing is visible after the watch said it was deleted.
	for _, kind := range []Kind{KindNamespace, KindNode, KindPod} {
		for _, o := range s.List(kind, "", everything) {
			meta := o.Meta()
			if was, gone := m.deleted[meta.UID]; gone {
				fail("%s (uid %s) is still listed after its Deleted event", was, meta.UID)
			}
			got, ok := s.Get(kind, meta.Namespace, meta.Name)
			if !ok || got.Meta().UID != meta.UID {
				fail("List shows %s but Get does not", objectRef(kind, meta.Namespace, meta.Name))
			}
		}
	}

	// The trace only grows.
	if n := s.TraceLen(); n < m.traceLen {
		fail("trace shrank from %d to %d entries", m.traceLen, n)
	} else {
		m.traceLen = n
	}
}

func TestClusterInvariants(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		m := newInvariantMachine(t)
		actions := map[string]func(*rapid.T){"": m.check}
		for name, gen := range opGens() {
			actions[name] = func(t *rapid.T) { m.do(t, gen.Draw(t, "op")) }
		}
		t.Repeat(actions)
	})
}

// replay runs ops on a fresh cluster and returns its digest, its store and
// the names it generated.
func replay(t *rapid.T, seed uint64, timing Timing, ops []userOp) (digest, dump string, generated []string) {
	s := newPropSim(t, seed, timing)
	for _, o := range ops {
		name, err := apply(t, s, o)
		if err == nil && o.generate {
			generated = append(generated, name)
		}
	}
	return s.Digest(), s.dump(), generated
}

func TestSameSeedSameCallsSameDigest(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		seed := rapid.Uint64().Draw(t, "seed")
		timing := timingGen().Draw(t, "timing")
		ops := rapid.SliceOfN(anyOpGen(), 1, 30).Draw(t, "ops")
		d1, dump1, names1 := replay(t, seed, timing, ops)
		d2, dump2, names2 := replay(t, seed, timing, ops)
		require.Equal(t, d1, d2, "digest")
		require.Equal(t, dump1, dump2, "store")
		require.Equal(t, names1, names2, "generated names")
	})
}

func TestDifferentSeedsGenerateDifferentNames(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		a := rapid.Uint64().Draw(t, "a")
		b := rapid.Uint64().Filter(func(b uint64) bool { return b != a }).Draw(t, "b")
		timing := timingGen().Draw(t, "timing")
		ops := rapid.SliceOfN(anyOpGen(), 0, 29).Draw(t, "ops")
		at := rapid.IntRange(0, len(ops)).Draw(t, "at")
		ops = append(ops[:at], append([]userOp{createOpGen(true).Filter(userOp.validPod).Draw(t, "generated")}, ops[at:]...)...)

		_, _, namesA := replay(t, a, timing, ops)
		_, _, namesB := replay(t, b, timing, ops)
		require.NotEmpty(t, namesA)
		require.Len(t, namesB, len(namesA), "the same calls succeed")
		require.NotEqual(t, namesA, namesB)
	})
}

// The tests below pin down, deterministically, behaviours the random runs
// above walk into: each names the expected behaviour.

// A pod that is force-deleted while its node is down, and recreated under
// the same name on another node, must not keep its old address on the old
// node for ever.
func TestPodIPReleasedWhenANameMovesNode(t *testing.T) {
	// A /30 per node leaves one usable pod address on each.
	s := newSim(t, Config{Seed: 1, Nodes: 2, NodeCIDRMaskSize: 30})
	_, err := s.Create(webPod("a"))
	require.NoError(t, err)
	require.NoError(t, s.Settle())
	require.Equal(t, "node-1", mustPod(t, s, "a").Spec.NodeName)
	require.Equal(t, "10.244.0.2", mustPod(t, s, "a").Status.PodIP)

	require.NoError(t, s.NodeDown("node-1"))
	require.NoError(t, s.Delete(KindPod, "default", "a", DeleteOptions{Force: true}))
	_, err = s.Create(webPod("b"))
	require.NoError(t, err)
	_, err = s.Create(webPod("a"))
	require.NoError(t, err)
	require.NoError(t, s.Settle())
	require.Equal(t, "node-1", mustPod(t, s, "b").Spec.NodeName)
	require.Equal(t, "node-2", mustPod(t, s, "a").Spec.NodeName)

	require.NoError(t, s.NodeUp("node-1"))
	require.NoError(t, s.Settle())
	b := mustPod(t, s, "b")
	assert.Equal(t, "10.244.0.2", b.Status.PodIP, "the old a's address on node-1 is free again")
	assert.True(t, b.IsReady())
}

// A container whose crash back-off ends while its node is down is restarted
// once the node is back.
func TestCrashedContainerRestartsAfterNodeReturns(t *testing.T) {
	s := newSim(t, Config{Seed: 1, Nodes: 1})
	_, err := s.Create(webPod("web"))
	require.NoError(t, err)
	require.NoError(t, s.Settle())
	require.NoError(t, s.CrashContainer("default", "web", ""))
	s.RunFor(5 * time.Second)
	require.NoError(t, s.NodeDown("node-1"))
	s.RunFor(10 * time.Second) // the restart was due at 10 s
	require.NoError(t, s.NodeUp("node-1"))
	require.NoError(t, s.Settle())
	s.RunFor(5 * time.Minute)

	p := mustPod(t, s, "web")
	assert.True(t, p.IsReady(), "restarted: %+v", p.Status.ContainerStatuses[0].State)
	rt, _ := s.Runtime("default", "web")
	assert.True(t, rt.Running)
}

// NodeDown: "its kubelet stops acting and reporting". A crash on a node
// that is down cannot reach the apiserver until the node is back.
func TestCrashOnADownNodeIsNotReported(t *testing.T) {
	s := newSim(t, Config{Seed: 1, Nodes: 1})
	_, err := s.Create(webPod("web"))
	require.NoError(t, err)
	require.NoError(t, s.Settle())
	require.NoError(t, s.NodeDown("node-1"))
	before := mustPod(t, s, "web")

	require.NoError(t, s.CrashContainer("default", "web", ""))
	after := mustPod(t, s, "web")
	assert.Equal(t, before.ResourceVersion, after.ResourceVersion, "no status written while the node is down")
	assert.True(t, after.IsReady(), "the control plane does not know yet")
}

// The node monitor grace period counts from when the node last went
// silent, not from an earlier outage it recovered from.
func TestNodeMonitorGraceCountsFromTheLatestNodeDown(t *testing.T) {
	s := newSim(t, Config{Seed: 1, Nodes: 1})
	require.NoError(t, s.NodeDown("node-1"))
	s.RunFor(10 * time.Second)
	require.NoError(t, s.NodeUp("node-1"))
	s.RunFor(10 * time.Second)
	require.NoError(t, s.NodeDown("node-1")) // silent from 20 s

	ready := func(at time.Duration) ConditionStatus {
		s.RunUntil(Time(at))
		n, ok := GetAs[*Node](s, "", "node-1")
		require.True(t, ok)
		return n.Ready()
	}
	assert.Equal(t, ConditionTrue, ready(50*time.Second), "only 30 s of silence")
	assert.Equal(t, ConditionTrue, ready(70*time.Second-time.Nanosecond))
	assert.Equal(t, ConditionUnknown, ready(70*time.Second), "50 s after the second outage began")
}

// A second delete may shorten the grace period (Sim.Delete says so and
// records it); the kubelet must then kill the pod on the shorter deadline.
func TestSecondDeleteShortensGracePeriod(t *testing.T) {
	s := newSim(t, Config{Seed: 1, Nodes: 1})
	_, err := s.Create(webPod("web", func(p *Pod) { p.Spec.OnSIGTERM = SigtermIgnore }))
	require.NoError(t, err)
	require.NoError(t, s.Settle())
	require.NoError(t, s.Delete(KindPod, "default", "web", DeleteOptions{}))
	s.RunFor(time.Second)
	require.NoError(t, s.Delete(KindPod, "default", "web", DeleteOptions{GracePeriodSeconds: Ptr(int64(2))}))
	p := mustPod(t, s, "web")
	require.Equal(t, Time(3*time.Second), *p.DeletionTimestamp)
	require.Equal(t, int64(2), *p.DeletionGracePeriodSeconds)

	s.RunUntil(Time(5 * time.Second))
	_, exists := GetAs[*Pod](s, "default", "web")
	assert.False(t, exists, "killed on the 2 s grace period (plus the runtime's 2 s minimum), not the original 30 s")
}

// recreateWhileBothNodesAreDown leaves the kubelet-side record of a
// force-deleted pod "x" on node-1 (down), and binds a new pod "x" to node-2
// (also down, so its kubelet has not seen it yet). Node-1 is cordoned so the
// scheduler picks node-2.
func recreateWhileBothNodesAreDown(t *testing.T) *Sim {
	t.Helper()
	s := newSim(t, Config{Seed: 1, Nodes: 2})
	_, err := s.Create(webPod("x"))
	require.NoError(t, err)
	require.NoError(t, s.Settle())
	require.Equal(t, "node-1", mustPod(t, s, "x").Spec.NodeName)

	require.NoError(t, s.NodeDown("node-1"))
	require.NoError(t, s.Delete(KindPod, "default", "x", DeleteOptions{Force: true}))
	n, ok := GetAs[*Node](s, "", "node-1")
	require.True(t, ok)
	n.Spec.Unschedulable = true
	_, err = s.Update(n)
	require.NoError(t, err)
	require.NoError(t, s.NodeDown("node-2"))
	_, err = s.Create(webPod("x"))
	require.NoError(t, err)
	s.RunFor(time.Second)
	require.Equal(t, "node-2", mustPod(t, s, "x").Spec.NodeName)
	return s
}

// The new x must start on node-2 once that node is back, and Runtime must
// describe it, not the old x that node-1 ran.
func TestPodRecreatedOnAnotherNodeStartsThere(t *testing.T) {
	s := recreateWhileBothNodesAreDown(t)
	require.NoError(t, s.NodeUp("node-2"))
	require.NoError(t, s.Settle())
	p := mustPod(t, s, "x")
	assert.Equal(t, PodRunning, p.Status.Phase)
	assert.True(t, p.IsReady())
	rt, ok := s.Runtime("default", "x")
	require.True(t, ok)
	assert.Equal(t, "node-2", rt.Node)
	assert.Equal(t, p.Status.PodIP, rt.IP)
}

// Deleting the new x while node-2 is down, then bringing node-2 back, must
// not make node-2's kubelet stop node-1's old x and free node-1's address
// into node-2's range (today: index out of range in ipam.set).
func TestPodRecreatedOnAnotherNodeDeletesCleanly(t *testing.T) {
	s := recreateWhileBothNodesAreDown(t)
	require.NoError(t, s.Delete(KindPod, "default", "x", DeleteOptions{}))
	s.RunFor(time.Second)
	require.NoError(t, s.NodeUp("node-2"))
	assert.NotPanics(t, func() { _ = s.Settle() })
	_, exists := GetAs[*Pod](s, "default", "x")
	assert.False(t, exists)
}

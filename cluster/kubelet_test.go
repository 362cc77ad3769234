package cluster

import (
	"errors"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func newSim(t *testing.T, cfg Config) *Sim {
	t.Helper()
	s, err := New(cfg)
	require.NoError(t, err)
	return s
}

func webPod(name string, mutate ...func(*Pod)) *Pod {
	p := &Pod{
		ObjectMeta: ObjectMeta{Name: name, Labels: map[string]string{"app": "web"}},
		Spec:       PodSpec{Containers: []Container{{Name: "web", Image: "nginx", Ports: []ContainerPort{{ContainerPort: 80}}}}},
	}
	for _, m := range mutate {
		m(p)
	}
	return p
}

func mustPod(t *testing.T, s *Sim, name string) *Pod {
	t.Helper()
	p, ok := GetAs[*Pod](s, "default", name)
	require.True(t, ok, "pod %s exists", name)
	return p
}

// runTo runs the loop up to at and reports whether the pod is ready then.
func readyAt(t *testing.T, s *Sim, name string, at time.Duration) bool {
	t.Helper()
	s.RunUntil(Time(at))
	return mustPod(t, s, name).IsReady()
}

func TestPodWithoutProbeIsReadyOnceRunning(t *testing.T) {
	s := newSim(t, Config{Seed: 1})
	_, err := s.Create(webPod("web"))
	require.NoError(t, err)
	require.NoError(t, s.Settle())
	p := mustPod(t, s, "web")
	assert.Equal(t, PodRunning, p.Status.Phase)
	assert.True(t, p.IsReady())
	assert.Equal(t, Time(0), s.Now(), "instant timing: everything at t=0")
	assert.Equal(t, "10.244.0.2", p.Status.PodIP, "first pod on node-1 gets .2: .1 is the bridge")
	assert.Equal(t, "node-1", p.Spec.NodeName)
}

func TestReadinessProbeTimeline(t *testing.T) {
	// initialDelay 5 s, period 10 s, success threshold 2: probes at 5 s and
	// 15 s, so the pod is Ready at exactly 15 s.
	s := newSim(t, Config{Seed: 1})
	_, err := s.Create(webPod("web", func(p *Pod) {
		p.Spec.Containers[0].ReadinessProbe = &Probe{InitialDelaySeconds: 5, PeriodSeconds: 10, SuccessThreshold: 2}
	}))
	require.NoError(t, err)
	// RunUntil, not Settle: Settle would run on through the probes.
	assert.False(t, readyAt(t, s, "web", 0))
	assert.Equal(t, PodRunning, mustPod(t, s, "web").Status.Phase, "running before ready")
	assert.False(t, readyAt(t, s, "web", 5*time.Second), "one success is not enough")
	assert.False(t, readyAt(t, s, "web", 15*time.Second-time.Nanosecond))
	assert.True(t, readyAt(t, s, "web", 15*time.Second))
	c, _ := mustPod(t, s, "web").Condition(PodReady)
	assert.Equal(t, Time(15*time.Second), c.LastTransitionTime)

	// Settle from the start lands on the same instant.
	s2 := newSim(t, Config{Seed: 1})
	_, err = s2.Create(webPod("web", func(p *Pod) {
		p.Spec.Containers[0].ReadinessProbe = &Probe{InitialDelaySeconds: 5, PeriodSeconds: 10, SuccessThreshold: 2}
	}))
	require.NoError(t, err)
	require.NoError(t, s2.Settle())
	assert.Equal(t, Time(15*time.Second), s2.Now(), "Settle runs until the pod is ready, and no further")
	assert.True(t, mustPod(t, s2, "web").IsReady())
}

func TestReadinessFailureAndRecovery(t *testing.T) {
	s := newSim(t, Config{Seed: 1})
	_, err := s.Create(webPod("web", func(p *Pod) { p.Spec.Containers[0].ReadinessProbe = &Probe{} }))
	require.NoError(t, err)
	require.NoError(t, s.Settle())
	require.True(t, mustPod(t, s, "web").IsReady(), "first probe at 0 s passes")

	s.RunUntil(Time(time.Second))
	require.NoError(t, s.FailReadiness("default", "web"))
	// Probes at 10, 20, 30 s fail; the third flips the pod.
	assert.True(t, readyAt(t, s, "web", 29*time.Second))
	assert.False(t, readyAt(t, s, "web", 30*time.Second))
	require.NoError(t, s.Settle(), "settles once the flip has happened")

	require.NoError(t, s.RecoverReadiness("default", "web"))
	assert.True(t, readyAt(t, s, "web", 40*time.Second), "one success at 40 s")

	require.ErrorIs(t, s.FailReadiness("default", "nope"), ErrNoRuntime)
}

func TestSettleWaitsForAFailingProbeToTakeEffect(t *testing.T) {
	s := newSim(t, Config{Seed: 1})
	_, err := s.Create(webPod("web", func(p *Pod) { p.Spec.Containers[0].ReadinessProbe = &Probe{} }))
	require.NoError(t, err)
	require.NoError(t, s.Settle())
	require.NoError(t, s.FailReadiness("default", "web"))
	require.NoError(t, s.Settle())
	assert.False(t, mustPod(t, s, "web").IsReady())
	assert.Equal(t, Time(30*time.Second), s.Now())
}

func TestGracefulDeletionWithPreStopSleep(t *testing.T) {
	s := newSim(t, Config{Seed: 1})
	_, err := s.Create(webPod("web", func(p *Pod) {
		p.Spec.Containers[0].Lifecycle = &Lifecycle{PreStop: &LifecycleHandler{Sleep: &SleepAction{Seconds: 5}}}
	}))
	require.NoError(t, err)
	require.NoError(t, s.Settle())

	require.NoError(t, s.Delete(KindPod, "default", "web", DeleteOptions{}))
	p := mustPod(t, s, "web")
	require.NotNil(t, p.DeletionTimestamp)
	assert.Equal(t, Time(30*time.Second), *p.DeletionTimestamp, "deletionTimestamp is now + grace")
	assert.Equal(t, int64(30), *p.DeletionGracePeriodSeconds)

	s.RunUntil(Time(5*time.Second - time.Nanosecond))
	rt, ok := s.Runtime("default", "web")
	require.True(t, ok)
	assert.True(t, rt.Accepting, "still serving during preStop")
	assert.True(t, rt.Terminating)

	s.RunUntil(Time(5 * time.Second))
	_, exists := GetAs[*Pod](s, "default", "web")
	assert.False(t, exists, "SIGTERM at 5 s; the app exits at once and the pod is removed")
}

func TestSIGTERMBehaviours(t *testing.T) {
	for _, tt := range []struct {
		name    string
		on      SigtermBehavior
		drain   int64
		grace   int64
		preStop int64
		goneAt  time.Duration
		// deleteGrace, when set, is the delete's own grace period.
		deleteGrace *int64
	}{
		{"exit", SigtermExit, 0, 30, 0, 0, nil},
		{"drain 10 s", SigtermDrain, 10, 30, 0, 10 * time.Second, nil},
		{"drain longer than grace is killed", SigtermDrain, 60, 30, 0, 30 * time.Second, nil},
		{"ignore is killed at grace", SigtermIgnore, 0, 30, 0, 30 * time.Second, nil},
		{"preStop eats the grace but kill waits 2 s more", SigtermIgnore, 0, 30, 29, 31 * time.Second, nil},
		// The apiserver refuses a preStop sleep longer than the pod's
		// grace period, but a delete may still shorten the grace below it.
		{"preStop longer than the delete's grace", SigtermIgnore, 0, 30, 20, 12 * time.Second, Ptr(int64(10))},
	} {
		t.Run(tt.name, func(t *testing.T) {
			s := newSim(t, Config{Seed: 1})
			_, err := s.Create(webPod("web", func(p *Pod) {
				p.Spec.OnSIGTERM, p.Spec.DrainSeconds = tt.on, tt.drain
				p.Spec.TerminationGracePeriodSeconds = Ptr(tt.grace)
				if tt.preStop > 0 {
					p.Spec.Containers[0].Lifecycle = &Lifecycle{PreStop: &LifecycleHandler{Sleep: &SleepAction{Seconds: tt.preStop}}}
				}
			}))
			require.NoError(t, err)
			require.NoError(t, s.Settle())
			require.NoError(t, s.Delete(KindPod, "default", "web", DeleteOptions{GracePeriodSeconds: tt.deleteGrace}))
			if tt.goneAt > 0 {
				s.RunUntil(Time(tt.goneAt - time.Nanosecond))
				_, exists := GetAs[*Pod](s, "default", "web")
				require.True(t, exists, "still there just before %s", tt.goneAt)
			}
			s.RunUntil(Time(tt.goneAt))
			_, exists := GetAs[*Pod](s, "default", "web")
			assert.False(t, exists, "gone at %s", tt.goneAt)
		})
	}
}

func TestAcceptingAfterSIGTERM(t *testing.T) {
	s := newSim(t, Config{Seed: 1})
	_, err := s.Create(webPod("web", func(p *Pod) { p.Spec.OnSIGTERM, p.Spec.DrainSeconds = SigtermDrain, 10 }))
	require.NoError(t, err)
	require.NoError(t, s.Settle())
	require.NoError(t, s.Delete(KindPod, "default", "web", DeleteOptions{}))
	s.RunUntil(Time(time.Second))
	rt, ok := s.Runtime("default", "web")
	require.True(t, ok)
	assert.False(t, rt.Accepting, "draining: no new connections")
	assert.True(t, rt.Running)
}

func TestForceDeleteRemovesAtOnce(t *testing.T) {
	s := newSim(t, Config{Seed: 1})
	_, err := s.Create(webPod("web"))
	require.NoError(t, err)
	require.NoError(t, s.Settle())
	require.NoError(t, s.Delete(KindPod, "default", "web", DeleteOptions{Force: true, GracePeriodSeconds: Ptr(int64(0))}))
	_, exists := GetAs[*Pod](s, "default", "web")
	assert.False(t, exists)
	require.NoError(t, s.Settle())
	_, ok := s.Runtime("default", "web")
	assert.False(t, ok, "the kubelet stops it when it sees the deletion")
}

func TestCrashBackOff(t *testing.T) {
	s := newSim(t, Config{Seed: 1})
	_, err := s.Create(webPod("web"))
	require.NoError(t, err)
	require.NoError(t, s.Settle())
	require.NoError(t, s.CrashContainer("default", "web", ""))
	p := mustPod(t, s, "web")
	assert.False(t, p.IsReady())
	assert.Equal(t, int32(1), p.Status.ContainerStatuses[0].RestartCount)
	assert.Equal(t, "CrashLoopBackOff", p.Status.ContainerStatuses[0].State.Waiting.Reason)
	assert.False(t, readyAt(t, s, "web", 10*time.Second-time.Nanosecond))
	assert.True(t, readyAt(t, s, "web", 10*time.Second), "restarted after the 10 s back-off")

	require.NoError(t, s.CrashContainer("default", "web", ""))
	assert.False(t, readyAt(t, s, "web", 30*time.Second-time.Nanosecond))
	assert.True(t, readyAt(t, s, "web", 30*time.Second), "second back-off is 20 s")
	assert.Equal(t, int32(2), mustPod(t, s, "web").Status.ContainerStatuses[0].RestartCount)
}

func TestNodeDownAndUp(t *testing.T) {
	s := newSim(t, Config{Seed: 1, Nodes: 1})
	_, err := s.Create(webPod("web"))
	require.NoError(t, err)
	require.NoError(t, s.Settle())
	require.NoError(t, s.NodeDown("node-1"))
	rt, _ := s.Runtime("default", "web")
	assert.False(t, rt.Accepting, "a down node's pods stop answering at once")
	assert.True(t, readyAt(t, s, "web", 50*time.Second-time.Nanosecond), "the control plane does not know yet")
	assert.False(t, readyAt(t, s, "web", 50*time.Second))
	node, _ := GetAs[*Node](s, "", "node-1")
	assert.Equal(t, ConditionUnknown, node.Ready())

	require.NoError(t, s.NodeUp("node-1"))
	require.NoError(t, s.Settle())
	assert.True(t, mustPod(t, s, "web").IsReady())
	node, _ = GetAs[*Node](s, "", "node-1")
	assert.Equal(t, ConditionTrue, node.Ready())
	require.ErrorIs(t, s.NodeDown("node-9"), ErrNoNode)
}

func TestPodIPExhaustion(t *testing.T) {
	// A /30 per node leaves one usable address after the network, the
	// bridge and the broadcast addresses.
	s := newSim(t, Config{Seed: 1, Nodes: 1, NodeCIDRMaskSize: 30})
	_, err := s.Create(webPod("a"))
	require.NoError(t, err)
	_, err = s.Create(webPod("b"))
	require.NoError(t, err)
	require.NoError(t, s.Settle())
	assert.Equal(t, "10.244.0.2", mustPod(t, s, "a").Status.PodIP)
	b := mustPod(t, s, "b")
	assert.Equal(t, PodPending, b.Status.Phase)
	assert.Empty(t, b.Status.PodIP)
	var warned bool
	for _, e := range s.Events("default") {
		if e.Name == "b" && e.Reason == "FailedCreatePodSandBox" {
			warned = true
		}
	}
	assert.True(t, warned, "a clear event says why")

	require.NoError(t, s.Delete(KindPod, "default", "a", DeleteOptions{}))
	require.NoError(t, s.Settle())
	b = mustPod(t, s, "b")
	assert.Equal(t, "10.244.0.2", b.Status.PodIP, "gets the freed address")
	assert.True(t, b.IsReady())
}

func TestIPsAreNotReusedAtOnce(t *testing.T) {
	s := newSim(t, Config{Seed: 1, Nodes: 1})
	_, err := s.Create(webPod("a"))
	require.NoError(t, err)
	require.NoError(t, s.Settle())
	require.NoError(t, s.Delete(KindPod, "default", "a", DeleteOptions{Force: true}))
	_, err = s.Create(webPod("b"))
	require.NoError(t, err)
	require.NoError(t, s.Settle())
	assert.Equal(t, "10.244.0.3", mustPod(t, s, "b").Status.PodIP, "host-local moves on to the next address")
}

func TestSchedulerSpreads(t *testing.T) {
	s := newSim(t, Config{Seed: 1})
	for _, n := range []string{"a", "b", "c", "d", "e", "f"} {
		_, err := s.Create(webPod(n))
		require.NoError(t, err)
	}
	require.NoError(t, s.Settle())
	count := map[string]int{}
	for _, p := range ListAs[*Pod](s, "default", everything) {
		count[p.Spec.NodeName]++
	}
	assert.Equal(t, map[string]int{"node-1": 2, "node-2": 2, "node-3": 2}, count)
}

func TestSameSeedSameTrace(t *testing.T) {
	run := func(seed uint64) (string, []string) {
		s := newSim(t, Config{Seed: seed, Timing: Realistic()})
		for range 5 {
			_, err := s.Create(webPod("", func(p *Pod) { p.GenerateName = "web-"; p.Spec.Containers[0].ReadinessProbe = &Probe{} }))
			require.NoError(t, err)
		}
		require.NoError(t, s.Settle())
		var names []string
		for _, p := range ListAs[*Pod](s, "default", everything) {
			names = append(names, p.Name)
		}
		require.NoError(t, s.Delete(KindPod, "default", names[0], DeleteOptions{}))
		require.NoError(t, s.Settle())
		return s.Digest(), names
	}
	d1, n1 := run(7)
	d2, n2 := run(7)
	d3, n3 := run(8)
	assert.Equal(t, d1, d2)
	assert.Equal(t, n1, n2)
	assert.NotEqual(t, d1, d3)
	assert.NotEqual(t, n1, n3)
}

func TestSettleReportsWhatKeepsItBusy(t *testing.T) {
	s := newSim(t, Config{Seed: 1, SettleLimit: 100})
	var again func()
	again = func() { s.After(time.Second, "forever", again) }
	s.After(0, "forever", again)
	err := s.Settle()
	var busy *BusyError
	require.True(t, errors.As(err, &busy))
	assert.Equal(t, []string{"forever Timer: 1"}, busy.Pending)
	assert.Contains(t, err.Error(), "forever Timer: 1")
}

package cluster_test

import (
	"encoding/json"
	"fmt"
	"hash/fnv"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/svcsim/svcsim/cluster"
	"github.com/svcsim/svcsim/kubectl"
	"github.com/svcsim/svcsim/selector"
)

// The tests of workloads_pin_test.go that drive the cluster through kubectl, which
// tests inside package cluster cannot import; see export_test.go.

// pinRun drives two Deployments ("web", rolling; "batch", Recreate) and a
// bare ReplicaSet ("solo") under Realistic timing through a script drawn
// from seed: image changes, scaling, pod deletions, relabelled and bare
// pods to release and adopt, deletion costs, readiness and container
// faults, node failures, template label and minReadySeconds changes. It
// returns the run's digest and a fingerprint of every Pod, ReplicaSet and
// Deployment version a watcher saw and of the events recorded, so that
// what the controllers wrote is pinned as well as when.
func pinRun(t *testing.T, seed uint64) (digest, history string) {
	t.Helper()
	r := rand.New(rand.NewPCG(seed, 42))
	s, err := cluster.New(cluster.Config{Seed: seed, Nodes: 3, Timing: cluster.Realistic()})
	require.NoError(t, err)
	h := fnv.New64a()
	s.Watch("pin", cluster.Fixed(0), func(ev cluster.WatchEvent) {
		b, err := json.Marshal(ev.Object)
		require.NoError(t, err)
		fmt.Fprintf(h, "%s %s\n", ev.Type, b)
	}, cluster.KindPod, cluster.KindReplicaSet, cluster.KindDeployment)
	k := kubectl.New(s, "")

	web := &cluster.Deployment{ObjectMeta: cluster.ObjectMeta{Name: "web"}, Spec: cluster.DeploymentSpec{
		Replicas: cluster.Ptr(int32(5 + r.IntN(20))), Selector: &selector.LabelSelector{MatchLabels: selector.Set{"app": "web"}},
		Template:        cluster.NginxTemplate(map[string]string{"app": "web"}, "nginx:1"),
		MinReadySeconds: int32(r.IntN(3)),
		Strategy: cluster.DeploymentStrategy{Type: cluster.RollingUpdateStrategy, RollingUpdate: &cluster.RollingUpdateDeployment{
			MaxSurge: cluster.Ptr(cluster.FromInt(int32(r.IntN(3)))), MaxUnavailable: cluster.Ptr(cluster.FromString([]string{"0%", "25%", "50%"}[r.IntN(3)]))}},
	}}
	if web.Spec.Strategy.RollingUpdate.MaxSurge.IntVal == 0 && web.Spec.Strategy.RollingUpdate.MaxUnavailable.StrVal == "0%" {
		web.Spec.Strategy.RollingUpdate.MaxSurge = cluster.Ptr(cluster.FromInt(1))
	}
	web.Spec.RevisionHistoryLimit = cluster.Ptr(int32(r.IntN(3)))
	web.Spec.Template.Spec.Containers[0].ReadinessProbe = &cluster.Probe{PeriodSeconds: 1 + int32(r.IntN(3)), SuccessThreshold: 1, FailureThreshold: 1}
	_, err = k.Apply(web)
	require.NoError(t, err)
	batch := &cluster.Deployment{ObjectMeta: cluster.ObjectMeta{Name: "batch"}, Spec: cluster.DeploymentSpec{
		Replicas: cluster.Ptr(int32(1 + r.IntN(5))), Selector: &selector.LabelSelector{MatchLabels: selector.Set{"app": "batch"}},
		Template: cluster.NginxTemplate(map[string]string{"app": "batch"}, "busybox:1"),
		Strategy: cluster.DeploymentStrategy{Type: cluster.RecreateStrategy},
	}}
	_, err = k.Apply(batch)
	require.NoError(t, err)
	solo := cluster.WlReplicaSet(int32(r.IntN(6)), nil)
	solo.Name = "solo"
	solo.Spec.Selector = &selector.LabelSelector{MatchLabels: selector.Set{"app": "solo"}}
	solo.Spec.Template.Labels = map[string]string{"app": "solo"}
	_, err = k.Apply(solo)
	require.NoError(t, err)
	s.RunFor(time.Duration(r.IntN(20)) * time.Second)

	// pick returns the name of a random pod whose app label is one of
	// the workloads', or "".
	pick := func() string {
		var names []string
		for _, p := range cluster.ListAs[*cluster.Pod](s, "default", selector.Everything()) {
			names = append(names, p.Name)
		}
		if len(names) == 0 {
			return ""
		}
		return names[r.IntN(len(names))]
	}
	nodes := []string{"node-1", "node-2", "node-3"}
	images := 1
	bare := 0
	for range 40 {
		_, haveSolo := cluster.StoreGet(s, cluster.KindReplicaSet, "default", "solo")
		switch r.IntN(16) {
		case 0, 1:
			images++
			require.NoError(t, k.SetImage("web", "nginx", fmt.Sprintf("nginx:%d", images)))
		case 2:
			require.NoError(t, k.Scale(cluster.KindDeployment, "web", int32(r.IntN(30))))
		case 3:
			images++
			require.NoError(t, k.SetImage("batch", "nginx", fmt.Sprintf("busybox:%d", images)))
		case 4:
			if !haveSolo {
				continue
			}
			require.NoError(t, k.Scale(cluster.KindReplicaSet, "solo", int32(r.IntN(8))))
		case 5:
			if name := pick(); name != "" {
				require.NoError(t, s.Delete(cluster.KindPod, "default", name, cluster.DeleteOptions{Force: r.IntN(3) == 0}))
			}
		case 6:
			if name := pick(); name != "" {
				require.NoError(t, k.Label(cluster.KindPod, name, [][]string{{"app-"}, {"app=other", "--overwrite"}, {"app=solo", "--overwrite"}}[r.IntN(3)]...))
			}
		case 7:
			bare++
			_, err := s.Create(&cluster.Pod{ObjectMeta: cluster.ObjectMeta{Name: fmt.Sprintf("bare-%d", bare), Labels: map[string]string{"app": "solo"}},
				Spec: cluster.NginxTemplate(nil, "nginx").Spec})
			require.NoError(t, err)
		case 8:
			if name := pick(); name != "" {
				p, _ := cluster.GetAs[*cluster.Pod](s, "default", name)
				p.Annotations = map[string]string{"controller.kubernetes.io/pod-deletion-cost": fmt.Sprint(r.IntN(5) - 2)}
				_, err := s.Update(p)
				require.NoError(t, err)
			}
		case 9:
			if name := pick(); name != "" {
				_ = s.CrashContainer("default", name, "")
			}
		case 10:
			if name := pick(); name != "" {
				if r.IntN(2) == 0 {
					_ = s.FailReadiness("default", name)
				} else {
					_ = s.RecoverReadiness("default", name)
				}
			}
		case 11:
			n := nodes[r.IntN(len(nodes))]
			if r.IntN(2) == 0 {
				require.NoError(t, s.NodeDown(n))
			} else {
				require.NoError(t, s.NodeUp(n))
			}
		case 12:
			if !haveSolo {
				continue
			}
			rs, ok := cluster.GetAs[*cluster.ReplicaSet](s, "default", "solo")
			require.True(t, ok)
			if r.IntN(2) == 0 {
				rs.Spec.Template.Labels["tier"] = fmt.Sprint(r.IntN(2))
			} else {
				rs.Spec.MinReadySeconds = int32(r.IntN(4))
			}
			_, err := s.Update(rs)
			require.NoError(t, err)
		case 13:
			if haveSolo {
				require.NoError(t, s.Delete(cluster.KindReplicaSet, "default", "solo", cluster.DeleteOptions{}))
			} else {
				solo.Spec.Replicas = cluster.Ptr(int32(r.IntN(6)))
				_, err := s.Create(solo)
				require.NoError(t, err)
			}
		default:
			s.RunFor(time.Duration(r.IntN(20_000)) * time.Millisecond)
		}
		s.RunFor(time.Duration(r.IntN(3_000)) * time.Millisecond)
		cluster.CheckReplicaSetPods(t, s)
	}
	for _, n := range nodes {
		require.NoError(t, s.NodeUp(n))
	}
	require.NoError(t, s.Settle())
	for _, e := range s.Events("") {
		b, err := json.Marshal(e)
		require.NoError(t, err)
		fmt.Fprintf(h, "event %s\n", b)
	}
	return s.Digest(), fmt.Sprintf("%016x", h.Sum64())
}

// pinBigRun rolls a 1,200-pod Deployment out under Realistic timing (so
// that a ReplicaSet creates and deletes BurstReplicas at a time), scales it
// down, and returns the run's digest.
func pinBigRun(t *testing.T) string {
	t.Helper()
	s, err := cluster.New(cluster.Config{Seed: 7, Nodes: 5, Timing: cluster.Realistic(), TraceCapacity: -1})
	require.NoError(t, err)
	k := kubectl.New(s, "")
	_, err = k.CreateDeployment("web", kubectl.DeploymentOptions{Image: "nginx:1", Replicas: 1200, Port: 80})
	require.NoError(t, err)
	require.NoError(t, s.Settle())
	require.NoError(t, k.SetImage("web", "nginx", "nginx:2"))
	require.NoError(t, s.Settle())
	require.NoError(t, k.Scale(cluster.KindDeployment, "web", 300))
	require.NoError(t, s.Settle())
	return s.Digest()
}

// TestWorkloadControllersTracePinned pins what the ReplicaSet and
// Deployment controllers do, write for write and event for event, to what
// they did before their per-sync pod walks were made incremental
// (issue 11): a refactor of how they count must not change what they
// decide. The table was computed by the controllers as they were before;
// a deliberate change of behaviour (or of what the trace records) must
// recompute it, and say so. The digests were recomputed once, unchanged
// otherwise, when the trace's hash went from a byte at a time to a word
// at a time; the history column, which does not depend on it, stayed.
func TestWorkloadControllersTracePinned(t *testing.T) {
	for _, tt := range []struct {
		seed            uint64
		digest, history string
	}{
		{1, "211b588cece8a484-12015", "93c04b6a3c4305bc"},
		{2, "c59619d28c016d4f-7060", "97139f102c552757"},
		{3, "6c8e3b6751ce89b8-15501", "00b99e0f2c4aa04e"},
		{4, "fe68c6453e1d7f3c-8567", "6c631be885aa054c"},
		{5, "21c25d1e00596965-4331", "f422edc8e4d38a20"},
		{6, "e8252bc571a0ac83-8575", "5bd839982a074e30"},
		{7, "7a23c47a91445919-5713", "4d6f3469ce6605bb"},
		{8, "e7bdcc11aabf7d36-7523", "0b7cbd38c4cab2df"},
		{9, "6b677aa4c9843ef8-7418", "3b26aac8041676d5"},
		{10, "32d1d3320c8a61e2-5351", "57a1374b2abc45f1"},
		{11, "0adefa6596522905-6708", "3630da50b365dcec"},
		{12, "13d648825576f69c-5125", "495e82c7681bcd9c"},
	} {
		t.Run(fmt.Sprint(tt.seed), func(t *testing.T) {
			digest, history := pinRun(t, tt.seed)
			require.Equal(t, tt.digest, digest, "digest")
			require.Equal(t, tt.history, history, "history")
		})
	}
	t.Run("big", func(t *testing.T) {
		require.Equal(t, "f6d7b4036a0e709b-77678", pinBigRun(t))
	})
}

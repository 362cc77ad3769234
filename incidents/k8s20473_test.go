package incidents_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/svcsim/svcsim/cluster"
	"github.com/svcsim/svcsim/proxy"
	"github.com/svcsim/svcsim/selector"
)

// The app of kubernetes#20473's rolling update: it serves nothing for 5 s
// after it starts, and each answer takes 4 s, so that both ends of a pod's
// life show.
var slow20473 = slowApp{warmUp: 5 * time.Second, latency: 4 * time.Second}

// The pieces #20473 converged on, as the pod template carries them.
var (
	// probe20473 keeps a new pod out of the endpoints until its warm-up
	// is over.
	probe20473 = readiness(6)
	// sleep20473 keeps an old pod serving, after its deletion, for longer
	// than its removal takes to reach every kube-proxy (about 1.1 s).
	sleep20473 = preStopSleep(2)
	// drain20473 is an app that shuts down gracefully: on SIGTERM it
	// stops accepting connections but finishes the requests it has, for
	// up to 5 s.
	drain20473 = func(s *cluster.PodSpec) { s.OnSIGTERM, s.DrainSeconds = cluster.SigtermDrain, 5 }
)

// rollSlow rolls four slow pods behind the Service web to a new image
// under 100 requests a second, with the pod template opts, and returns
// the counts and why requests failed.
func rollSlow(t *testing.T, seed uint64, opts ...func(*cluster.PodSpec)) (proxy.Counts, []string) {
	w := newWorld(t, seed, slow20473)
	app := selector.Set{"app": "web"}
	w.apply(deployment("web", app, 4, podSpec(slowImage+":1", opts...)), service("web", app))
	require.NoError(t, w.Settle())
	w.run(10 * time.Second) // past the first pods' warm-up
	old := w.pods("app=web")
	w.load("web", 100, 30*time.Second)
	w.run(2 * time.Second)
	require.NoError(t, w.k.SetImage("web", "app", slowImage+":2"))
	counts := w.finish()
	w.waitRolledOut("web")
	return counts, w.reasons(func(pod string) string {
		if old[pod] {
			return "old pod"
		}
		return "new pod"
	})
}

// TestK8s20473EachMissingPieceLosesRequests takes away, one at a time,
// each piece of what #20473 found a rolling update needs, and shows the
// requests lost and why.
func TestK8s20473EachMissingPieceLosesRequests(t *testing.T) {
	for _, tc := range []struct {
		name string
		opts []func(*cluster.PodSpec)
		// why the requests failed: always these, whatever the seed.
		want []string
	}{{
		// Without a readiness probe a new pod is an endpoint as soon as
		// its container runs, and answers 503 until it has warmed up.
		name: "no readiness probe",
		opts: []func(*cluster.PodSpec){sleep20473, drain20473},
		want: []string{"503 from new pod"},
	}, {
		// Without a preStop sleep the old pod gets SIGTERM at once and
		// stops accepting connections while the proxies still send it
		// new ones, for up to a second.
		name: "no preStop sleep",
		opts: []func(*cluster.PodSpec){probe20473, drain20473},
		want: []string{"connection refused from old pod"},
	}, {
		// An app that exits on SIGTERM, after the sleep, drops the
		// requests it was still answering.
		name: "app exits on SIGTERM",
		opts: []func(*cluster.PodSpec){probe20473, sleep20473},
		want: []string{"connection reset from old pod"},
	}, {
		// A grace period too short for the sleep and the drain: the
		// kubelet kills the pod at SIGTERM plus what is left of it (at
		// least 2 s), 4 s in, and the 4 s answers to requests accepted
		// after the deletion are cut off.
		name: "grace period shorter than sleep and drain",
		opts: []func(*cluster.PodSpec){probe20473, sleep20473, drain20473, grace(3)},
		want: []string{"connection reset from old pod"},
	}} {
		t.Run(tc.name, func(t *testing.T) {
			counts, reasons := rollSlow(t, 1, tc.opts...)
			require.Positive(t, counts.Failed(), "%+v", counts)
			assert.Equal(t, tc.want, kinds(reasons), "%v", reasons)
			t.Logf("%d of %d failed: %v", counts.Failed(), counts.Total(), reasons)
		})
	}
}

// TestK8s20473AllPiecesLoseNone: with a readiness probe that waits out the
// warm-up, a preStop sleep longer than the proxies' lag, an app that
// drains on SIGTERM, and a grace period (the default 30 s) that covers the
// sleep and the drain, the rolling update loses nothing, whatever the
// seed.
func TestK8s20473AllPiecesLoseNone(t *testing.T) {
	for _, seed := range []uint64{1, 2, 3} {
		counts, reasons := rollSlow(t, seed, probe20473, sleep20473, drain20473)
		assert.Zero(t, counts.Failed(), "seed %d: %+v %v", seed, counts, reasons)
		assert.Equal(t, 3000, counts.Total(), "seed %d", seed)
	}
}

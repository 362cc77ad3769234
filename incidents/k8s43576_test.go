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

// rollWeb is kubernetes#43576's rolling update: four ready hostinfo pods
// behind the Service web, 200 requests a second from the client pod, and
// a new image set two seconds in. The pods have a readiness probe, as the
// reporter's had. It returns the world, the load's counts and, by pod, why
// requests failed.
func rollWeb(t *testing.T, seed uint64, opts ...func(*cluster.PodSpec)) (*world, proxy.Counts, []string) {
	w := newWorld(t, seed, slowApp{})
	app := selector.Set{"app": "web"}
	opts = append([]func(*cluster.PodSpec){readiness(0)}, opts...)
	w.apply(deployment("web", app, 4, podSpec(hostinfo, opts...)), service("web", app))
	require.NoError(t, w.Settle())
	old := w.pods("app=web")
	w.load("web", 200, 20*time.Second)
	w.run(2 * time.Second)
	require.NoError(t, w.k.SetImage("web", "app", hostinfo2))
	counts := w.finish()
	w.waitRolledOut("web")
	return w, counts, w.reasons(func(pod string) string {
		if old[pod] {
			return "old pod"
		}
		return "new pod"
	})
}

// TestK8s43576LosesRequestsWithoutPreStop: without a preStop sleep the
// kubelet sends SIGTERM at the moment the pod is deleted, and the app stops
// listening, while every node's kube-proxy still has the pod in its rules
// until the endpoints controller's update reaches it and its next sync
// (up to a second later) runs. The app exits on SIGTERM, so its pod is
// gone: connections picked for it in that window follow a stale rule to
// an address nobody answers and time out, and those in flight at SIGTERM
// are reset.
func TestK8s43576LosesRequestsWithoutPreStop(t *testing.T) {
	for _, seed := range []uint64{1, 2, 3} {
		_, counts, reasons := rollWeb(t, seed)
		require.Positive(t, counts.Failed(), "seed %d: %+v", seed, counts)
		assert.Subset(t, []string{"timed out from old pod", "connection reset from old pod"}, kinds(reasons),
			"seed %d: every failure is an old pod that had already stopped: %v", seed, reasons)
		assert.Contains(t, kinds(reasons), "timed out from old pod", "seed %d: %v", seed, reasons)
		t.Logf("seed %d: %d of %d failed: %v", seed, counts.Failed(), counts.Total(), reasons)
	}
}

// TestK8s43576PreStopSleepLosesNone: a preStop sleep longer than the time
// the removal takes to reach every kube-proxy (here about 1.1 s at most:
// two watch lags, the controller's batching and the proxy's one-second
// sync period) keeps each old pod serving until no proxy sends it
// anything, so the same rolling update loses nothing.
func TestK8s43576PreStopSleepLosesNone(t *testing.T) {
	for _, seed := range []uint64{1, 2, 3} {
		_, counts, reasons := rollWeb(t, seed, preStopSleep(3))
		assert.Zero(t, counts.Failed(), "seed %d: %+v %v", seed, counts, reasons)
		assert.Equal(t, 4000, counts.Total(), "seed %d", seed)
	}
}

// TestK8s43576SameSeedSameStory: an incident is a fixed story, not a
// flaky one: run again with the same seed, the failing rolling update
// loses the same requests the same way, event for event.
func TestK8s43576SameSeedSameStory(t *testing.T) {
	w1, c1, r1 := rollWeb(t, 7)
	w2, c2, r2 := rollWeb(t, 7)
	require.Positive(t, c1.Failed())
	assert.Equal(t, c1, c2)
	assert.Equal(t, r1, r2)
	assert.Equal(t, w1.failed, w2.failed)
	assert.Equal(t, w1.Digest(), w2.Digest())
}

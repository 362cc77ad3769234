package incidents_test

import (
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/svcsim/svcsim/cluster"
	"github.com/svcsim/svcsim/selector"
)

// The app of flagger#1202: slow to start, as the reporter's was; it
// answers 503 for 10 s after its container starts.
var slow1202 = slowApp{warmUp: 10 * time.Second}

// promote is flagger#1202's promotion. Flagger runs the primary
// Deployment podinfo-primary (the stable version) and the canary
// Deployment podinfo, each behind its own Service; a mesh splits the
// traffic between the two Services by weight, modelled as two loads of 50
// requests a second from the client, one to each: the canary at 50%, its
// analysis passed. Promotion then copies the canary's pod template to the
// primary, optionally waits until the primary's Deployment reports its
// rollout done (wait), routes all the traffic to the primary and scales the
// canary to zero. pod is what each pod template carries besides the image
// (the pods sleep 3 s in preStop, so that scaling down loses nothing by
// itself; see kubernetes#43576). It returns the failed requests' reasons
// and how many of the requests failed.
func promote(t *testing.T, seed uint64, wait bool, pod ...func(*cluster.PodSpec)) (failed, total int, reasons []string) {
	w := newWorld(t, seed, slow1202)
	pod = append(pod, preStopSleep(3))
	primary, canary := selector.Set{"app": "podinfo-primary"}, selector.Set{"app": "podinfo"}
	w.apply(deployment("podinfo-primary", primary, 2, podSpec(slowImage+":1", pod...)),
		deployment("podinfo", canary, 2, podSpec(slowImage+":2", pod...)),
		service("podinfo-primary", primary), service("podinfo-canary", canary))
	require.NoError(t, w.Settle())
	w.run(15 * time.Second) // every pod has warmed up
	oldPrimary := w.pods("app=podinfo-primary")
	end := w.Now().Add(60 * time.Second)
	w.load("podinfo-primary", 50, 60*time.Second)
	toCanary := w.load("podinfo-canary", 50, 60*time.Second)
	w.run(2 * time.Second)

	// Promotion: the primary gets the canary's spec.
	w.apply(deployment("podinfo-primary", primary, 2, podSpec(slowImage+":2", pod...)))
	if wait {
		w.waitRolledOut("podinfo-primary")
	}
	// All the traffic to the primary, then the canary to zero.
	toCanary.Stop()
	w.load("podinfo-primary", 50, end.Sub(w.Now()))
	require.NoError(t, w.k.Scale(cluster.KindDeployment, "podinfo", 0))
	counts := w.finish()
	return counts.Failed(), counts.Total(), w.reasons(func(pod string) string {
		switch {
		case oldPrimary[pod]:
			return "old primary pod"
		case strings.HasPrefix(pod, "default/podinfo-primary-"):
			return "new primary pod"
		}
		return "canary pod"
	})
}

// TestFlagger1202PromotionToUnreadyPrimaryFails: the primary's new pods
// have no readiness probe, so each is an endpoint as soon as its container
// runs, while the app needs 10 s more to serve. Whether the promotion
// carries on at once or first waits for the primary's Deployment to report
// its rollout done, which happens as soon as the containers run, the
// traffic moved to the primary meets pods that answer 503, and the healthy
// canary is already going away. Waiting on the Deployment's status, which
// #1202 asks for, helps only if readiness means the app can serve.
func TestFlagger1202PromotionToUnreadyPrimaryFails(t *testing.T) {
	for _, tc := range []struct {
		name string
		wait bool
	}{{"promote at once", false}, {"wait for the primary's rollout", true}} {
		t.Run(tc.name, func(t *testing.T) {
			failed, total, reasons := promote(t, 1, tc.wait)
			require.Positive(t, failed, "of %d", total)
			assert.Equal(t, []string{"503 from new primary pod"}, kinds(reasons), "%v", reasons)
			t.Logf("%d of %d failed: %v", failed, total, reasons)
		})
	}
}

// TestFlagger1202WaitForReadyPrimaryLosesNone: with a readiness probe that
// holds the primary's new pods out of the endpoints until they serve, and
// the promotion waiting for the primary's rollout before it moves the
// traffic and scales the canary down, nothing fails.
func TestFlagger1202WaitForReadyPrimaryLosesNone(t *testing.T) {
	for _, seed := range []uint64{1, 2, 3} {
		failed, total, reasons := promote(t, seed, true, readiness(11))
		assert.Zero(t, failed, "seed %d: %v", seed, reasons)
		assert.InDelta(t, 6000, total, 1, "seed %d: a minute at 100 a second", seed)
	}
}

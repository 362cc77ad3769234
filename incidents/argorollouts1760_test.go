package incidents_test

import (
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/svcsim/svcsim/cluster"
	"github.com/svcsim/svcsim/proxy"
	"github.com/svcsim/svcsim/selector"
)

// The pod-template hashes Argo Rollouts labels the two ReplicaSets with
// (rollouts-pod-template-hash), as it adds them to the stable and canary
// Services' selectors.
const (
	stableHash = "6b7c8d9f5"
	canaryHash = "7f8e9a1b2"
	hashLabel  = "rollouts-pod-template-hash"
)

// canaryStep is one setWeight step of a basic (replica-weighted) canary
// of four replicas: the replica counts Argo Rollouts scales the canary and
// stable ReplicaSets to for the weight. Between 1 and 99 it keeps at least
// one pod of each; at 100 the stable ReplicaSet goes to zero.
type canaryStep struct {
	weight, canary, stable int32
}

var canarySteps = []canaryStep{{25, 1, 3}, {50, 2, 2}, {75, 3, 1}, {100, 4, 0}}

// stepPause is how long each step holds, once its pods are ready.
const stepPause = 10 * time.Second

// runCanary is argo-rollouts#1760's rollout: a stable and a canary
// ReplicaSet of hostinfo pods, the stable and canary Services Argo Rollouts
// keeps pointed at them by hash, and the Service web over both; 100
// requests a second go to the Service ingress names, as the reporter's
// Traefik sent everything to the stable Service. The steps of canarySteps
// run in order, each scaling the canary up, then the stable down, then
// pausing; then the rollout is promoted: the stable Service is pointed at
// the canary's hash. The pods sleep 3 s in preStop, so that scaling down
// loses nothing by itself (see kubernetes#43576). It returns the world,
// when each step's pause began, and the load's tally.
func runCanary(t *testing.T, seed uint64, ingress string) (*world, []cluster.Time, *proxy.Tally) {
	w := newWorld(t, seed, slowApp{})
	spec := func(image string) cluster.PodSpec { return podSpec(image, readiness(0), preStopSleep(3)) }
	w.apply(replicaSet("web-"+stableHash, selector.Set{"app": "web", hashLabel: stableHash, "version": "stable"}, 4, spec(hostinfo)),
		replicaSet("web-"+canaryHash, selector.Set{"app": "web", hashLabel: canaryHash, "version": "canary"}, 0, spec(hostinfo2)),
		service("web-stable", selector.Set{"app": "web", hashLabel: stableHash}),
		service("web-canary", selector.Set{"app": "web", hashLabel: canaryHash}),
		service("web", selector.Set{"app": "web"}))
	require.NoError(t, w.Settle())
	ty := w.load(ingress, 100, 2*time.Second+time.Duration(len(canarySteps))*(5*time.Second+stepPause)+5*time.Second)
	w.run(2 * time.Second)
	var pauses []cluster.Time
	for _, st := range canarySteps {
		require.NoError(t, w.k.Scale(cluster.KindReplicaSet, "web-"+canaryHash, st.canary))
		w.run(5 * time.Second) // the canary's new pods start and become ready
		require.NoError(t, w.k.Scale(cluster.KindReplicaSet, "web-"+stableHash, st.stable))
		pauses = append(pauses, w.Now())
		w.run(stepPause)
	}
	// Promotion: the canary becomes the stable version.
	w.apply(service("web-stable", selector.Set{"app": "web", hashLabel: canaryHash}))
	w.finish()
	return w, pauses, ty
}

// TestArgoRollouts1760StableServiceOnlyGoesDown: with the ingress sending
// everything to the stable Service and no traffic router to split it, the
// canary's weight never reaches the users, and the step that takes the
// stable ReplicaSet to zero leaves the Service every request goes to
// without endpoints: kube-proxy rejects the connections until promotion
// points the stable Service at the new pods.
func TestArgoRollouts1760StableServiceOnlyGoesDown(t *testing.T) {
	for _, seed := range []uint64{1, 2, 3} {
		w, pauses, ty := runCanary(t, seed, "web-stable")
		counts := ty.Total()
		require.Positive(t, counts.Failed(), "seed %d: %+v", seed, counts)
		reasons := w.reasons(func(pod string) string {
			if strings.HasPrefix(pod, "default/web-"+stableHash) {
				return "stable pod"
			}
			return "canary pod"
		})
		// Refused once no stable pod is left; before that, the last ones
		// were terminating, kept in the rules as the only endpoints left,
		// and some connections chose one just after it had gone.
		assert.Subset(t, []string{"connection refused from no endpoint", "timed out from stable pod"}, kinds(reasons), "seed %d: %v", seed, reasons)
		assert.Contains(t, kinds(reasons), "connection refused from no endpoint", "seed %d: %v", seed, reasons)
		last := pauses[len(pauses)-1]
		for _, r := range w.failed {
			assert.GreaterOrEqual(t, r.Sent, last, "seed %d: only the step to weight 100 fails: %v at %v", seed, r, r.Sent)
		}
		// Before promotion no request reached the canary, whatever its
		// weight.
		for _, iv := range ty.Series() {
			if iv.Start < last {
				for _, g := range iv.Groups {
					assert.NotEqual(t, "canary", g.Name, "seed %d at %v", seed, iv.Start)
				}
			}
		}
		t.Logf("seed %d: %d of %d failed: %v", seed, counts.Failed(), counts.Total(), reasons)
	}
}

// TestArgoRollouts1760ReplicaWeightedLosesNone: with the ingress sending
// to a Service over both ReplicaSets, as a basic canary expects, each
// step's weight is the canary's share of the pods, and so of the
// requests, and no step leaves the Service empty.
func TestArgoRollouts1760ReplicaWeightedLosesNone(t *testing.T) {
	for _, seed := range []uint64{1, 2, 3} {
		w, pauses, ty := runCanary(t, seed, "web")
		counts := ty.Total()
		assert.Zero(t, counts.Failed(), "seed %d: %+v %v", seed, counts, w.reasons(func(string) string { return "a pod" }))
		// During each pause the canary's share of the answers is its
		// weight, within the spread of random picks.
		for i, st := range canarySteps {
			var canary, all int
			for _, iv := range ty.Series() {
				if iv.Start < pauses[i].Add(4*time.Second) || iv.Start >= pauses[i].Add(stepPause) {
					continue // the stable pods leaving are still draining
				}
				for _, g := range iv.Groups {
					all += g.Answered
					if g.Name == "canary" {
						canary += g.Answered
					}
				}
			}
			require.Positive(t, all, "seed %d step %d", seed, st.weight)
			assert.InDelta(t, float64(st.weight)/100, float64(canary)/float64(all), 0.1,
				"seed %d: weight %d got %d of %d", seed, st.weight, canary, all)
		}
	}
}

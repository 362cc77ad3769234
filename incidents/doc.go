// Package incidents is a catalogue of real outages from public issue
// trackers, each reproduced in svcsim and fixed: a test that shows the
// failure (requests counted through kube-proxy under load, with Realistic
// timing and fixed seeds, asserting how many failed and why) and one that
// shows the fix losing nothing. The package holds only tests and this
// catalogue; docs/incidents.md tells each story at more length.
//
//	go test ./incidents/ -v    # every incident, with its counts, in under a second
//
// All run on three nodes with cluster.Realistic timing: watches lag 5 to
// 50 ms, controllers batch 10 ms, containers take 0.5 to 2 s to start, and
// each kube-proxy reprograms its rules at most once a second. A pod's
// removal therefore reaches every node's rules up to about 1.1 s after the
// pod is deleted. That window is the cause of most of what follows.
//
// # kubernetes#43576: lost requests without a preStop sleep
//
// https://github.com/kubernetes/kubernetes/issues/43576. A rolling update
// with readiness probes still lost requests. The kubelet sends SIGTERM as
// the endpoint is removed, not after every kube-proxy has dropped it; the
// thread's answer was a preStop sleep of a few seconds (3 s was generally
// enough). svcsim: four hostinfo pods rolled to a new image under 200
// requests a second. Without the sleep, 2 to 3% of requests fail, all at
// old pods: timed out on a stale rule to a pod that has exited, or reset in
// flight. With preStop sleep 3, none. Not modelled: keep-alive connections
// that carry requests after the endpoint is gone (every request is a new
// connection in svcsim), and a kube-proxy cut off from the apiserver.
//
// # kubernetes#20473: what a lossless rolling update takes
//
// https://github.com/kubernetes/kubernetes/issues/20473 asked for the
// recommended way to fail no request in a rolling update. The pieces: a
// readiness probe that tells the truth, a preStop sleep longer than the
// proxies' lag, an app that drains in-flight requests on SIGTERM, and a
// terminationGracePeriodSeconds that covers the sleep and the drain.
// svcsim: an app that answers 503 for 5 s after it starts and takes 4 s
// per answer; taking away each piece in turn loses requests for its own
// reason (503 from new pods; refused by old pods; reset by an app that
// exits; reset when the kubelet kills at the end of a short grace period),
// and all four together lose none. Not modelled: capacity (maxUnavailable
// only matters in svcsim for availability, never for load), and ingress
// controllers with lags of their own. svcsim's readiness probes check
// nothing real, so a truthful probe is one whose initialDelaySeconds
// waits out the warm-up.
//
// # kubernetes#98570: changing a selected label blocked traffic
//
// https://github.com/kubernetes/kubernetes/issues/98570. After a pod's
// label was changed to match a Service's selector, connections to the
// Service were refused: kube-proxy had a REJECT rule for a Service with no
// endpoints. The reporter's cluster kept refusing; the thread identified no
// cause in kube-proxy, and svcsim does not model whatever kept it stuck.
// What svcsim does model is the window every cluster has: moving a
// selected label from old pods to new ones with two commands, removal
// first, leaves the Service without endpoints, and every proxy that syncs
// in between rejects connections, here for a full second of traffic. The
// fix is to add before removing and wait for the proxies in between
// (make before break): nothing is refused.
//
// # argo-rollouts#1760: canary and stable Services without traffic routing
//
// https://github.com/argoproj/argo-rollouts/issues/1760. A basic canary
// (no traffic router) with stableService and canaryService set: Argo
// Rollouts pins each Service to its ReplicaSet by pod-template hash, but
// the ingress sent everything to the stable Service, so the canary got no
// traffic and the shrinking stable ReplicaSet got all of it, down to none.
// svcsim: steps of weight 25, 50, 75 and 100 as replica counts, as Argo
// Rollouts computes them for four replicas; at 100 the stable Service has
// no endpoints and about 8 seconds of traffic is refused, until promotion
// repoints it. The fix is what a basic canary expects: the ingress sends
// to a Service over both ReplicaSets, each step's weight is the canary's
// share of pods and of requests (checked within 10 points), and nothing
// fails. Not modelled: the overload of the last few stable pods, which
// the reporter saw before they reached zero (svcsim has no capacity).
//
// # flagger#1202: promotion scaled the canary down before the primary was ready
//
// https://github.com/fluxcd/flagger/issues/1202. During promotion Flagger
// copies the canary's spec to the primary, routes the traffic to the
// primary and scales the canary to zero; for a slow-starting app the
// primary was not ready when the canary was gone. svcsim: the mesh's 50/50
// split as two loads, one per Service; an app that answers 503 for 10 s
// after it starts. Without a readiness probe the primary's new pods are
// endpoints at once, and whether the promotion goes on at once or first
// waits for the primary's Deployment to report its rollout done (which
// it does as soon as the containers run), the traffic moved to the primary
// meets 503s. With a readiness probe that waits out the warm-up, and the
// wait, nothing fails. In svcsim the probe alone already suffices, since the
// primary's own rolling update keeps its old pods until the new ones are
// ready; waiting matters for a primary that may become unavailable while it
// rolls. Not modelled: the mesh itself (its weights are separate loads),
// Flagger's metric analysis, and HPAs.
package incidents

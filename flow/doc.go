// Package flow carries out rollouts on a simulated cluster the way a
// deploy script or a rollout controller would, with traffic running
// through every node's kube-proxy meanwhile, so that a test can ask
// whether a rollout loses requests and get the same answer for the same
// seed. Each flow is a configuration struct with a Run method over a
// [svcsim.Cluster]; it acts through the cluster's API as kubectl would
// and runs the simulation, in virtual time, until it is done.
//
//   - [BlueGreen] moves a Service from one Deployment to another, by
//     labelling pods (the lab's way) or by switching the Service's
//     selector (the book's way), optionally waiting until every node's
//     proxy routes to the new pods, then scales the old Deployment down
//     after a delay (Argo Rollouts' scaleDownDelaySeconds, 30 s by
//     default). [BlueGreen.Rollback] moves it back.
//   - [Canary] shares replicas between a stable and a canary Deployment
//     behind one Service in steps of weights, rounded as Argo Rollouts
//     rounds them without a traffic router ([CanaryReplicas]), holds each
//     step, reports each step's share of answers, and aborts back to
//     stable when a step's error rate exceeds a threshold.
//   - [RollingUpdate] changes a Deployment's image within its maxSurge
//     and maxUnavailable, with or without a preStop sleep and a readiness
//     probe.
//
// Every flow takes an optional [proxy.Load] that runs while it does; its
// report carries the load's [proxy.Tally] (outcomes per interval, per pod
// and per version) and a timeline of what the flow did and when.
//
// # Usage
//
//	c, _ := svcsim.New(svcsim.Config{Seed: 1, Timing: cluster.Realistic()})
//	// ... Deployments "blue" and "green", a Service "web" selecting
//	// method=blue-green, blue's pods labelled so, a client pod ...
//	rep, err := flow.BlueGreen{
//		Service: "web", Blue: "blue", Green: "green",
//		WaitForProxies: true,
//		Load: &proxy.Load{Request: proxy.Request{From: proxy.FromPod("default", "client"), URL: "web"},
//			Rate: 100, Duration: 30 * time.Second, GroupBy: "app"},
//	}.Run(c)
//	fmt.Println(rep.Tally.Total().Failed()) // 0
//
// See the package's Example for the whole of it, and its property tests
// (property_test.go) for rapid checking thousands of such flows: with
// WaitForProxies, or a preStop sleep longer than the proxies' lag, no
// request is lost; removing blue right after the switch loses some, and
// rapid shrinks that to a one-node story. Run them longer with
// go test ./flow -run Property -rapid.checks=10000.
//
// # Errors
//
// A flow that cannot run as configured (a missing Deployment or Service,
// a Service that does not select the way the flow needs, a negative
// duration, a load or change the cluster refuses) returns an error
// wrapping [ErrInvalid], or the cluster's or proxy's own typed error, and
// changes nothing: no write, no event, no random draw. A wait that does
// not end within the flow's Timeout of virtual time returns an error
// wrapping [ErrTimeout], with the report of what was done so far.
//
// # Determinism
//
// A flow draws nothing of its own: what is random (pod names, lags,
// backend picks, load arrivals) comes from the cluster's seeded streams,
// so the same seed and the same flow give the same trace. A flow waits by
// running the simulation event by event and acts at the event that made
// its condition true, as a watching controller would. Whether a node's
// proxy has programmed the new endpoints is read from its rules with
// [proxy.Node.Rule], which draws nothing and schedules nothing.
package flow

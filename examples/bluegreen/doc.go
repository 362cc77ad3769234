// Command bluegreen plays section 4 of the Services lab
// (seeds/lab-services.txt), "Blue-Green Deployments", step by step on a
// simulated cluster: the lab's own commands, run by the svcsim shell, with
// a sentence of narration before each step.
//
//   - A blue ReplicaSet of three hostinfo pods, and a Service that selects
//     method=blue-green, a label no pod has: 0 endpoints.
//   - kubectl label puts the blue pods in: 3 endpoints, and every answer
//     comes from a blue pod.
//   - A green ReplicaSet starts beside it: still 3 endpoints.
//   - kubectl label puts the green pods in while blue is still there, so the
//     endpoints are never empty: 6 endpoints, and the answers split about
//     half and half.
//   - Removing the label from the blue pods takes them out: 3 endpoints,
//     and only green answers.
//
// The answer counts are a hundred requests through the test pod's
// kube-proxy, which picks a backend at random as the real one does. The
// same seed gives the same session, byte for byte.
//
// Run it from the repository root with:
//
//	go run ./examples/bluegreen
//
// The script is lab4.sh in this directory; `go run ./cmd/svcsim run
// examples/bluegreen/lab4.sh` runs it without the narration.
package main

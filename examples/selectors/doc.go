// Command selectors is a runnable lesson on labels and label selectors, the
// loose coupling between a Kubernetes Service and its Pods. It prints a
// narrated kubectl session on a simulated cluster of nine Pods:
//
//   - a Service whose selector asks for zone=prod and version=1 picks the
//     Pods that carry both labels;
//   - Pods holding only one of the two are not picked, because a selector's
//     requirements are joined by a Boolean AND;
//   - Pods holding both plus labels the selector never mentions are picked,
//     because labels a selector does not name do not matter;
//   - kubectl's -l flag also takes set-based requirements ("env in
//     (prod,qa)", "!canary", "tier notin (cache)"), which may be mixed with
//     exact ones, and the absence of a key satisfies "!key" and "notin";
//   - a malformed selector is rejected with an error saying where it went
//     wrong.
//
// Every "$ kubectl ..." line is a command the lesson runs, through the
// svcsim shell, on a simulated three-node cluster with the endpoints
// controller running, so the Service's endpoints follow the labels as the
// lesson goes. The script is selectors.sh in this directory. Run it from
// the repository root with:
//
//	go run ./examples/selectors
package main

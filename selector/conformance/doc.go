// Package conformance checks package selector against Kubernetes' own
// implementation, k8s.io/apimachinery, used as a test oracle: the same
// inputs must get the same accept/reject decision, the same canonical
// string, the same matches and the same validation verdicts. It is a
// separate module so that the library's go.mod never requires a k8s.io
// module. It also holds the benchmarks that compare the two side by side.
package conformance

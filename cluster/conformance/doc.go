// Package conformance checks package cluster's arithmetic against
// Kubernetes' own code (k8s.io/apimachinery as a test oracle), in a module
// of its own so that the library's go.mod never requires a k8s.io module.
package conformance

// Package conformance holds package endpoints to Kubernetes' own
// EndpointSlice reconciler, k8s.io/endpointslice, used as a test oracle
// and as a yardstick. Its differential test checks that for the same
// Service and pods both write slices holding the same endpoints, port
// groups, placeholders and labels; its benchmark measures one pod's label
// change on both sides, side by side, from 1,000 pods and 100 Services to
// 100,000 pods and 10,000 Services. It is a separate module so that the
// library's go.mod never requires a k8s.io module.
package conformance

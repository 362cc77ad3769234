package cluster

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

// TestStatusErrorNamesGroupedResources: the apiserver names a resource
// outside the core group with its group, as kubectl then prints it:
// `deployments.apps "web" not found`.
func TestStatusErrorNamesGroupedResources(t *testing.T) {
	for kind, want := range map[Kind]string{
		KindPod:                   `pods "x" not found`,
		KindEndpoints:             `endpoints "x" not found`,
		KindDeployment:            `deployments.apps "x" not found`,
		KindReplicaSet:            `replicasets.apps "x" not found`,
		KindEndpointSlice:         `endpointslices.discovery.k8s.io "x" not found`,
		KindReplicationController: `replicationcontrollers "x" not found`,
	} {
		t.Run(string(kind), func(t *testing.T) {
			assert.Equal(t, want, (&StatusError{Kind: kind, Name: "x", Err: ErrNotFound}).Error())
		})
	}
}

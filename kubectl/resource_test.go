package kubectl

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/svcsim/svcsim/cluster"
)

func TestLookupType(t *testing.T) {
	tests := map[string]cluster.Kind{
		"po": cluster.KindPod, "pods": cluster.KindPod, "Pod": cluster.KindPod, "pod.v1": cluster.KindPod,
		"svc": cluster.KindService, "ep": cluster.KindEndpoints, "endpoints": cluster.KindEndpoints,
		"endpointslices": cluster.KindEndpointSlice, "endpointslice.discovery.k8s.io": cluster.KindEndpointSlice,
		"rs": cluster.KindReplicaSet, "deploy": cluster.KindDeployment, "deployments.apps": cluster.KindDeployment,
		"deployment.v1.apps": cluster.KindDeployment, "ns": cluster.KindNamespace, "no": cluster.KindNode,
		"rc": "ReplicationController", "ev": "Event",
	}
	for in, want := range tests {
		t.Run(in, func(t *testing.T) {
			rt, err := lookupType(in)
			require.NoError(t, err)
			assert.Equal(t, want, rt.kind)
		})
	}
	for _, bad := range []string{"foo", "pods.apps", "deploy.v2.apps", "", "po.v1.apps"} {
		_, err := lookupType(bad)
		assert.EqualError(t, err, `the server doesn't have a resource type "`+bad+`"`, bad)
	}
}

func TestParseResourceArgs(t *testing.T) {
	type ref struct {
		kind cluster.Kind
		name string
	}
	tests := []struct {
		args []string
		want []ref
	}{
		{[]string{"po"}, []ref{{cluster.KindPod, ""}}},
		{[]string{"po", "a", "b"}, []ref{{cluster.KindPod, "a"}, {cluster.KindPod, "b"}}},
		{[]string{"po,svc", "web"}, []ref{{cluster.KindPod, "web"}, {cluster.KindService, "web"}}},
		{[]string{"pod/a", "svc/b"}, []ref{{cluster.KindPod, "a"}, {cluster.KindService, "b"}}},
		{[]string{"all"}, []ref{{cluster.KindPod, ""}, {"ReplicationController", ""}, {cluster.KindService, ""}, {cluster.KindDeployment, ""}, {cluster.KindReplicaSet, ""}}},
		{nil, nil},
	}
	for _, tt := range tests {
		refs, err := parseResourceArgs(tt.args)
		require.NoError(t, err, tt.args)
		var got []ref
		for _, r := range refs {
			got = append(got, ref{r.typ.kind, r.name})
		}
		assert.Equal(t, tt.want, got, tt.args)
	}
	errs := map[string][]string{
		"there is no need to specify a resource type as a separate argument when passing arguments in resource/name form (e.g. 'kubectl get resource/<resource_name>' instead of 'kubectl get resource resource/<resource_name>'": {"po", "po/a"},
		"arguments in resource/name form may not have more than one slash":     {"po/a/b"},
		"arguments in resource/name form must have a single resource and name": {"po/"},
		`the server doesn't have a resource type "foo"`:                        {"foo", "x"},
	}
	for want, args := range errs {
		_, err := parseResourceArgs(args)
		assert.EqualError(t, err, want, args)
	}
	_, err := parseResourceArgs([]string{","})
	assert.ErrorIs(t, err, errMissingResource)
}

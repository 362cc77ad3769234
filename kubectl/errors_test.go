package kubectl

import (
	"errors"
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/svcsim/svcsim/cluster"
)

// The texts are kubectl's CheckErr and StandardErrorMessage.
func TestErrorText(t *testing.T) {
	invalid := &cluster.StatusError{Op: "create", Kind: cluster.KindService, Name: "web", Err: cluster.ErrInvalid,
		Causes: []cluster.FieldError{{Field: "spec.ports[0].port", Type: "Invalid value", Value: int64(0), Detail: "must be between 1 and 65535, inclusive"}}}
	twice := *invalid
	twice.Causes = append(twice.Causes, cluster.FieldError{Field: "spec.selector", Type: "Required value"})
	tests := []struct {
		err  error
		want string
	}{
		{&flagError{"unknown flag: --foo"}, "error: unknown flag: --foo\nSee 'kubectl get --help' for usage.\n"},
		{usageErrorf("NAME is required for run"), "error: NAME is required for run\nSee 'kubectl get -h' for help and examples\n"},
		{&cluster.StatusError{Kind: cluster.KindPod, Name: "x", Err: cluster.ErrNotFound}, "Error from server (NotFound): pods \"x\" not found\n"},
		{&cluster.StatusError{Kind: cluster.KindPod, Name: "x", Err: cluster.ErrAlreadyExists}, "Error from server (AlreadyExists): pods \"x\" already exists\n"},
		{&cluster.StatusError{Kind: cluster.KindNamespace, Name: "default", Err: cluster.ErrForbidden, Reason: "this namespace may not be deleted"}, "Error from server (Forbidden): namespaces \"default\" is forbidden: this namespace may not be deleted\n"},
		{invalid, "The Service \"web\" is invalid: spec.ports[0].port: Invalid value: 0: must be between 1 and 65535, inclusive\n"},
		{&twice, "The Service \"web\" is invalid: \n* spec.ports[0].port: Invalid value: 0: must be between 1 and 65535, inclusive\n* spec.selector: Required value\n"},
		{&errNoResourceType{"foo"}, "error: the server doesn't have a resource type \"foo\"\n"},
		{errors.New("error: already prefixed"), "error: already prefixed\n"},
	}
	for _, tt := range tests {
		assert.Equal(t, tt.want, errorText("kubectl get", tt.err))
	}
}

package kubectl_test

import (
	"fmt"
	"reflect"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/svcsim/svcsim/cluster"
	"github.com/svcsim/svcsim/kubectl"
)

// callPanic calls method with zero arguments and returns what it panicked
// with, or nil.
func callPanic(method reflect.Value) (got any) {
	defer func() { got = recover() }()
	t := method.Type()
	args := make([]reflect.Value, t.NumIn())
	for i := range args {
		args[i] = reflect.Zero(t.In(i))
	}
	if t.IsVariadic() {
		method.CallSlice(args)
	} else {
		method.Call(args)
	}
	return nil
}

// Every exported method of a Client that was not built by New, nil or
// zero, panics at the call with a message that says so, rather than deep
// inside with a nil Sim. Reflection keeps this true of methods added later.
func TestZeroValuesFailAtTheCall(t *testing.T) {
	const msg = "kubectl: use of a Client not made by kubectl.New"
	for _, recv := range []*kubectl.Client{nil, {}} {
		v := reflect.ValueOf(recv)
		require.Positive(t, v.NumMethod())
		for i := range v.NumMethod() {
			name := fmt.Sprintf("%T.%s", recv, v.Type().Method(i).Name)
			if v.IsNil() {
				name = "nil " + name
			}
			assert.Equal(t, msg, callPanic(v.Method(i)), name)
		}
	}
}

// New refuses a Sim that cluster.New did not make at the call, with the
// cluster's own message, instead of handing out a client that fails later.
func TestNewNeedsASimFromClusterNew(t *testing.T) {
	const msg = "cluster: use of a Sim not made by cluster.New"
	assert.PanicsWithValue(t, msg, func() { kubectl.New(nil, "default") })
	assert.PanicsWithValue(t, msg, func() { kubectl.New(&cluster.Sim{}, "default") })
	s, err := cluster.New(cluster.Config{})
	require.NoError(t, err)
	assert.Equal(t, "default", kubectl.New(s, "").Namespace(), `"" means default`)
	assert.Equal(t, "kube-system", kubectl.New(s, "kube-system").Namespace())
}

// A selection over a kind the store does not hold is an error, not a
// silent match of nothing (cluster.Kind("pod") is not cluster.KindPod).
func TestSelectedVerbsRefuseUnknownKinds(t *testing.T) {
	s, err := cluster.New(cluster.Config{Seed: 1})
	require.NoError(t, err)
	k := kubectl.New(s, "default")
	before := s.Digest()
	err = k.LabelSelected("pod", "app=web", "method=blue-green")
	require.ErrorIs(t, err, kubectl.ErrUsage)
	assert.EqualError(t, err, `kubectl: invalid arguments: the server doesn't have a resource type "pod"`)
	require.ErrorIs(t, k.DeleteSelected("ConfigMap", "app=web", cluster.DeleteOptions{}), kubectl.ErrUsage)
	assert.Equal(t, before, s.Digest())
}

package cluster_test

import (
	"fmt"
	"reflect"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/svcsim/svcsim/cluster"
	"github.com/svcsim/svcsim/selector"
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

// Every exported method of a Sim that was not built by cluster.New, nil or
// zero, panics at the call with a message that says so, rather than deep
// inside with a nil map. Reflection keeps this true of methods added later.
// (kubectl's misuse_test.go holds the same for a Client.)
func TestZeroValuesFailAtTheCall(t *testing.T) {
	for _, tc := range []struct {
		recv []any
		msg  string
	}{
		{[]any{(*cluster.Sim)(nil), &cluster.Sim{}}, "cluster: use of a Sim not made by cluster.New"},
	} {
		for _, recv := range tc.recv {
			v := reflect.ValueOf(recv)
			require.Positive(t, v.NumMethod())
			for i := range v.NumMethod() {
				name := fmt.Sprintf("%T.%s", recv, v.Type().Method(i).Name)
				if v.IsNil() {
					name = "nil " + name
				}
				assert.Equal(t, tc.msg, callPanic(v.Method(i)), name)
			}
		}
	}
}

func TestGetAsNeedsAKind(t *testing.T) {
	s, err := cluster.New(cluster.Config{})
	require.NoError(t, err)
	const msg = "cluster: cluster.Object names no kind; use a kind's pointer type such as *Pod"
	assert.PanicsWithValue(t, msg, func() { cluster.GetAs[cluster.Object](s, "default", "x") })
	assert.PanicsWithValue(t, msg, func() { cluster.ListAs[cluster.Object](s, "default", selector.Everything()) })
	_, ok := cluster.GetAs[*cluster.Namespace](s, "", "default")
	assert.True(t, ok)
}

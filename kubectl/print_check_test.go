package kubectl_test

import (
	"bytes"
	"io"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/svcsim/svcsim/cluster"
	"github.com/svcsim/svcsim/kubectl"
)

// Every printer refuses a nil writer or a nil object with ErrUsage, and
// writes nothing, rather than panicking halfway through a table.
func TestPrintersRefuseNils(t *testing.T) {
	printers := map[string]func(w io.Writer, nilObject bool) error{
		"PrintPods": func(w io.Writer, n bool) error {
			return kubectl.PrintPods(w, 0, pick(n, []*cluster.Pod{{}, nil}, []*cluster.Pod{{}}), false)
		},
		"PrintNodes": func(w io.Writer, n bool) error {
			return kubectl.PrintNodes(w, 0, pick(n, []*cluster.Node{nil}, []*cluster.Node{{}}), true)
		},
		"PrintEndpoints": func(w io.Writer, n bool) error {
			return kubectl.PrintEndpoints(w, 0, pick(n, []*cluster.Endpoints{{}, nil}, []*cluster.Endpoints{{}}))
		},
		"PrintEndpointSlices": func(w io.Writer, n bool) error {
			return kubectl.PrintEndpointSlices(w, 0, pick(n, []*cluster.EndpointSlice{nil}, []*cluster.EndpointSlice{{}}))
		},
		"PrintServices": func(w io.Writer, n bool) error {
			return kubectl.PrintServices(w, 0, pick(n, []*cluster.Service{nil}, []*cluster.Service{{}}), false)
		},
		"PrintReplicaSets": func(w io.Writer, n bool) error {
			return kubectl.PrintReplicaSets(w, 0, pick(n, []*cluster.ReplicaSet{nil}, []*cluster.ReplicaSet{{}}), false)
		},
		"PrintDeployments": func(w io.Writer, n bool) error {
			return kubectl.PrintDeployments(w, 0, pick(n, []*cluster.Deployment{nil}, []*cluster.Deployment{{}}), false)
		},
		"DescribePod": func(w io.Writer, n bool) error {
			return kubectl.DescribePod(w, 0, pick(n, nil, &cluster.Pod{}), nil)
		},
		"DescribeEndpoints": func(w io.Writer, n bool) error {
			return kubectl.DescribeEndpoints(w, 0, pick(n, nil, &cluster.Endpoints{}), nil)
		},
		"DescribeEndpointSlice": func(w io.Writer, n bool) error {
			return kubectl.DescribeEndpointSlice(w, 0, pick(n, nil, &cluster.EndpointSlice{}), nil)
		},
		"DescribeService": func(w io.Writer, n bool) error {
			return kubectl.DescribeService(w, 0, &cluster.Service{}, pick(n, []*cluster.EndpointSlice{nil}, nil), nil)
		},
		"DescribeDeployment": func(w io.Writer, n bool) error {
			return kubectl.DescribeDeployment(w, 0, pick(n, nil, &cluster.Deployment{}), nil, nil)
		},
	}
	for name, print := range printers {
		t.Run(name, func(t *testing.T) {
			var b bytes.Buffer
			require.NotPanics(t, func() { assert.ErrorIs(t, print(&b, true), kubectl.ErrUsage, "a nil object") })
			assert.Zero(t, b.Len(), "nothing written")
			require.NotPanics(t, func() { assert.ErrorIs(t, print(nil, false), kubectl.ErrUsage, "a nil writer") })
		})
	}
	require.NotPanics(t, func() { assert.ErrorIs(t, kubectl.PrintEvents(nil, 0, nil), kubectl.ErrUsage) })
	assert.Equal(t, "<none>", kubectl.FormatEndpoints(nil))
}

// TestZeroWatchStops: stopping a Watch that never was is harmless.
func TestZeroWatchStops(t *testing.T) {
	assert.NotPanics(t, func() { (*cluster.Watch)(nil).Stop() })
	assert.NotPanics(t, func() { (&cluster.Watch{}).Stop() })
}

func pick[T any](cond bool, a, b T) T {
	if cond {
		return a
	}
	return b
}

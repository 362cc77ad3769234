package cluster_test

import (
	"bytes"
	"io"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/svcsim/svcsim/cluster"
)

// Every printer refuses a nil writer or a nil object with ErrUsage, and
// writes nothing, rather than panicking halfway through a table.
func TestPrintersRefuseNils(t *testing.T) {
	printers := map[string]func(w io.Writer, nilObject bool) error{
		"PrintPods": func(w io.Writer, n bool) error {
			return cluster.PrintPods(w, 0, pick(n, []*cluster.Pod{{}, nil}, []*cluster.Pod{{}}), false)
		},
		"PrintNodes": func(w io.Writer, n bool) error {
			return cluster.PrintNodes(w, 0, pick(n, []*cluster.Node{nil}, []*cluster.Node{{}}), true)
		},
		"PrintEndpoints": func(w io.Writer, n bool) error {
			return cluster.PrintEndpoints(w, 0, pick(n, []*cluster.Endpoints{{}, nil}, []*cluster.Endpoints{{}}))
		},
		"PrintEndpointSlices": func(w io.Writer, n bool) error {
			return cluster.PrintEndpointSlices(w, 0, pick(n, []*cluster.EndpointSlice{nil}, []*cluster.EndpointSlice{{}}))
		},
		"PrintServices": func(w io.Writer, n bool) error {
			return cluster.PrintServices(w, 0, pick(n, []*cluster.Service{nil}, []*cluster.Service{{}}), false)
		},
		"PrintReplicaSets": func(w io.Writer, n bool) error {
			return cluster.PrintReplicaSets(w, 0, pick(n, []*cluster.ReplicaSet{nil}, []*cluster.ReplicaSet{{}}), false)
		},
		"PrintDeployments": func(w io.Writer, n bool) error {
			return cluster.PrintDeployments(w, 0, pick(n, []*cluster.Deployment{nil}, []*cluster.Deployment{{}}), false)
		},
		"DescribePod": func(w io.Writer, n bool) error {
			return cluster.DescribePod(w, 0, pick(n, nil, &cluster.Pod{}), nil)
		},
		"DescribeEndpoints": func(w io.Writer, n bool) error {
			return cluster.DescribeEndpoints(w, 0, pick(n, nil, &cluster.Endpoints{}), nil)
		},
		"DescribeEndpointSlice": func(w io.Writer, n bool) error {
			return cluster.DescribeEndpointSlice(w, 0, pick(n, nil, &cluster.EndpointSlice{}), nil)
		},
		"DescribeService": func(w io.Writer, n bool) error {
			return cluster.DescribeService(w, 0, &cluster.Service{}, pick(n, []*cluster.EndpointSlice{nil}, nil), nil)
		},
		"DescribeDeployment": func(w io.Writer, n bool) error {
			return cluster.DescribeDeployment(w, 0, pick(n, nil, &cluster.Deployment{}), nil, nil)
		},
	}
	for name, print := range printers {
		t.Run(name, func(t *testing.T) {
			var b bytes.Buffer
			require.NotPanics(t, func() { assert.ErrorIs(t, print(&b, true), cluster.ErrUsage, "a nil object") })
			assert.Zero(t, b.Len(), "nothing written")
			require.NotPanics(t, func() { assert.ErrorIs(t, print(nil, false), cluster.ErrUsage, "a nil writer") })
		})
	}
	require.NotPanics(t, func() { assert.ErrorIs(t, cluster.PrintEvents(nil, 0, nil), cluster.ErrUsage) })
	assert.Equal(t, "<none>", cluster.FormatEndpoints(nil))
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

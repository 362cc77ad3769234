package endpoints_test

import (
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/svcsim/svcsim/cluster"
	"github.com/svcsim/svcsim/cluster/clustertest"
	"github.com/svcsim/svcsim/endpoints"
	"github.com/svcsim/svcsim/kubectl"
	"github.com/svcsim/svcsim/selector"
)

// sliceWrites counts the writes to EndpointSlices from now on.
func sliceWrites(s *cluster.Sim) *[]string {
	var writes []string
	s.Watch("test", cluster.Fixed(0), func(ev cluster.WatchEvent) {
		writes = append(writes, string(ev.Type)+" "+ev.Object.Meta().Name)
	}, cluster.KindEndpointSlice)
	return &writes
}

// TestOnePodChangeWritesOneSlice: as Kubernetes' reconciler does, a pod
// joining, leaving or changing readiness rewrites the one slice it goes
// to or comes from, however many slices the Service has, and a new pod
// fills the slice with room before any new slice is made.
func TestOnePodChangeWritesOneSlice(t *testing.T) {
	s := clustertest.New(t, cluster.Config{Seed: 1, Nodes: 3})
	endpoints.Start(s, endpoints.Options{})
	k := kubectl.New(s, "")
	run := func(i int) { runProbed(t, k, fmt.Sprintf("web-%03d", i), 0) }
	for i := range 300 {
		run(i)
	}
	_, err := k.Apply(service("web", selector.Set{"app": "web"}, 80, cluster.IntOrString{}))
	require.NoError(t, err)
	clustertest.Settle(t, s)
	sizes := func() []int {
		var out []int
		for _, sl := range slicesOf(s, "web") {
			out = append(out, len(sl.Endpoints))
		}
		slices.Sort(out)
		return out
	}
	require.Equal(t, []int{100, 100, 100}, sizes())
	writes := sliceWrites(s)
	s.RunFor(0)
	*writes = nil // the slices as they were

	require.NoError(t, s.FailReadiness("default", "web-150"))
	clustertest.Settle(t, s)
	assert.Len(t, *writes, 1, "a pod turning unready: %v", *writes)

	*writes = nil
	require.NoError(t, k.Delete(cluster.KindPod, "web-150", cluster.DeleteOptions{Force: true}))
	clustertest.Settle(t, s)
	assert.Len(t, *writes, 1, "a pod leaving: %v", *writes)
	assert.Equal(t, []int{99, 100, 100}, sizes())

	*writes = nil
	run(300)
	clustertest.Settle(t, s)
	assert.Equal(t, []int{100, 100, 100}, sizes(), "a new pod fills the slice with room")
	require.NotEmpty(t, *writes)
	for _, w := range *writes {
		assert.Equal(t, (*writes)[0], w, "every write to that slice")
	}
	assert.Regexp(t, "^MODIFIED ", (*writes)[0])

	*writes = nil
	run(301)
	clustertest.Settle(t, s)
	assert.Equal(t, []int{1, 100, 100, 100}, sizes(), "no room left: a new slice")
	require.NotEmpty(t, *writes)
	assert.Regexp(t, "^ADDED ", (*writes)[0])
}

// TestForeignWritesAreRepaired: the controller notices, through its
// watches, when someone else writes what it manages: a deleted
// EndpointSlice or Endpoints object is made again, and a slice changed
// under it is put right a second later, as Kubernetes' controllers do; a
// changed Endpoints object is put right at the Service's next sync.
func TestForeignWritesAreRepaired(t *testing.T) {
	s, k := start(t, cluster.Config{Seed: 1, Timing: cluster.Realistic()})
	for i := range 3 {
		_, err := k.Run(fmt.Sprintf("web-%d", i), kubectl.RunOptions{Image: "nginx", Labels: map[string]string{"app": "web"}, Port: 80})
		require.NoError(t, err)
	}
	_, err := k.Apply(service("web", selector.Set{"app": "web"}, 80, cluster.IntOrString{}))
	require.NoError(t, err)
	clustertest.Settle(t, s)
	count := func() int {
		n := 0
		for _, sl := range slicesOf(s, "web") {
			n += len(sl.Endpoints)
		}
		return n
	}
	require.Equal(t, 3, count())

	sl := slicesOf(s, "web")[0]
	sl.Endpoints = sl.Endpoints[:1]
	_, err = s.Update(sl)
	require.NoError(t, err)
	s.RunFor(500 * time.Millisecond)
	assert.Equal(t, 1, count(), "not at once")
	s.RunFor(time.Second)
	assert.Equal(t, 3, count(), "a second later")

	require.NoError(t, s.Delete(cluster.KindEndpointSlice, "default", slicesOf(s, "web")[0].Name, cluster.DeleteOptions{}))
	s.RunFor(2 * time.Second)
	assert.Equal(t, 3, count(), "a deleted slice is made again")

	require.NoError(t, s.Delete(cluster.KindEndpoints, "default", "web", cluster.DeleteOptions{}))
	s.RunFor(time.Second)
	assert.Len(t, ready(t, s, "web"), 3, "deleted Endpoints are made again")

	ep, _ := cluster.GetAs[*cluster.Endpoints](s, "default", "web")
	ep.Subsets[0].Addresses = ep.Subsets[0].Addresses[:1]
	_, err = s.Update(ep)
	require.NoError(t, err)
	s.RunFor(time.Second)
	assert.Len(t, ready(t, s, "web"), 1, "an edit stands until the Service syncs")
	require.NoError(t, k.Label(cluster.KindService, "web", "team=a"))
	s.RunFor(time.Second)
	assert.Len(t, ready(t, s, "web"), 3, "and is put right then")
}

// TestPortlessSliceEmptied: a headless Service without ports loses its
// last pod; its slice, which had no ports either, is emptied in the
// store, not taken for the placeholder it is about to become.
func TestPortlessSliceEmptied(t *testing.T) {
	s, k := start(t, cluster.Config{Seed: 1})
	_, err := k.Run("web-0", kubectl.RunOptions{Image: "nginx", Labels: map[string]string{"app": "web"}})
	require.NoError(t, err)
	_, err = k.Apply(&cluster.Service{ObjectMeta: cluster.ObjectMeta{Name: "web"},
		Spec: cluster.ServiceSpec{ClusterIP: cluster.ClusterIPNone, Selector: selector.Set{"app": "web"}}})
	require.NoError(t, err)
	clustertest.Settle(t, s)
	sls := slicesOf(s, "web")
	require.Len(t, sls, 1)
	require.Len(t, sls[0].Endpoints, 1)
	require.NoError(t, k.Delete(cluster.KindPod, "web-0", cluster.DeleteOptions{Force: true}))
	clustertest.Settle(t, s)
	after := slicesOf(s, "web")
	require.Len(t, after, 1)
	assert.Equal(t, sls[0].Name, after[0].Name, "the same slice")
	assert.Empty(t, after[0].Endpoints)
}

// TestSameSeedSameTrace: a flow with overlapping Services, relabelled
// pods, a node changing zone and pods coming and going leaves the same
// trace every time it runs with the same seed, whatever order Go's maps
// iterate in.
func TestSameSeedSameTrace(t *testing.T) {
	flow := func() string {
		s := clustertest.New(t, cluster.Config{Seed: 7, Timing: cluster.Realistic(), Zones: []string{"a", "b"}})
		endpoints.Start(s, endpoints.Options{MaxEndpointsPerSlice: 3})
		k := kubectl.New(s, "")
		for i := range 12 {
			runProbed(t, k, fmt.Sprintf("web-%02d", i), int32(i%3))
		}
		for i, sel := range []selector.Set{{"app": "web"}, {"app": "web"}, {"app": "nope"}} {
			_, err := k.Apply(service(fmt.Sprintf("s%d", i), sel, 80, cluster.IntOrString{}))
			require.NoError(t, err)
		}
		s.RunFor(3 * time.Second)
		for i := range 4 {
			require.NoError(t, k.Label(cluster.KindPod, fmt.Sprintf("web-%02d", i), "app=nope", "--overwrite"))
		}
		require.NoError(t, k.Label(cluster.KindNode, "node-1", cluster.LabelTopologyZone+"=c", "--overwrite"))
		for i := 4; i < 8; i++ {
			require.NoError(t, k.Delete(cluster.KindPod, fmt.Sprintf("web-%02d", i), cluster.DeleteOptions{}))
		}
		require.NoError(t, k.Label(cluster.KindService, "s1", "team=a"))
		s.RunFor(time.Minute)
		return s.Digest()
	}
	first := flow()
	for range 3 {
		assert.Equal(t, first, flow())
	}
}

package endpoints_test

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/svcsim/svcsim/cluster"
	"github.com/svcsim/svcsim/cluster/clustertest"
	"github.com/svcsim/svcsim/kubectl"
	"github.com/svcsim/svcsim/selector"
)

// TestLabGetEndpoints replays the lab's `kubectl get ep testweb` at each
// step: <none>, one address, then four shown as three and "+ 1 more...".
func TestLabGetEndpoints(t *testing.T) {
	s, k := start(t, cluster.Config{Seed: 1})
	_, err := k.Apply(service("testweb", selector.Set{"app": "testweb"}, 80, cluster.IntOrString{}))
	require.NoError(t, err)
	clustertest.Settle(t, s)
	row := func() []string {
		out, err := k.Get(cluster.KindEndpoints, kubectl.GetOptions{Selector: "!endpoints.kubernetes.io/nothing"})
		require.NoError(t, err)
		for _, line := range strings.Split(out, "\n") {
			if f := strings.Fields(line); len(f) > 0 && f[0] == "testweb" {
				return f
			}
		}
		t.Fatalf("no testweb row in\n%s", out)
		return nil
	}
	assert.Equal(t, "<none>", row()[1])

	_, err = k.Run("bigwebstuff", kubectl.RunOptions{Image: "nginx", Labels: map[string]string{"app": "testweb"}, Port: 80})
	require.NoError(t, err)
	clustertest.Settle(t, s)
	assert.Equal(t, podIP(t, s, "bigwebstuff")+":80", row()[1])

	_, err = k.Apply(&cluster.ReplicaSet{
		ObjectMeta: cluster.ObjectMeta{Name: "more"},
		Spec: cluster.ReplicaSetSpec{Replicas: cluster.Ptr(int32(3)), Selector: &selector.LabelSelector{MatchLabels: selector.Set{"app": "testweb", "extra": "yes"}},
			Template: cluster.PodTemplateSpec{ObjectMeta: cluster.ObjectMeta{Labels: selector.Set{"app": "testweb", "extra": "yes"}},
				Spec: cluster.PodSpec{Containers: []cluster.Container{{Name: "nginx", Image: "nginx", Ports: []cluster.ContainerPort{{ContainerPort: 80}}}}}}},
	})
	require.NoError(t, err)
	clustertest.Settle(t, s)
	r := row()
	require.Len(t, r, 6, "%q", r)
	assert.Equal(t, []string{"+", "1", "more..."}, r[2:5], "the lab's '+ 1 more...'")
	assert.Len(t, strings.Split(r[1], ","), 3)

	slices, err := k.Get(cluster.KindEndpointSlice, kubectl.GetOptions{Selector: "kubernetes.io/service-name=testweb"})
	require.NoError(t, err)
	assert.Contains(t, slices, "IPv4")
	assert.Contains(t, slices, "+ 1 more...")
}

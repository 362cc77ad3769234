package clustertest_test

import (
	"testing"

	"github.com/stretchr/testify/require"
	"pgregory.net/rapid"

	svcsim "github.com/svcsim/svcsim"
	"github.com/svcsim/svcsim/cluster"
	"github.com/svcsim/svcsim/cluster/clustertest"
)

// setup draws a cluster with a few Deployments and Services in its
// namespaces; creations the store refuses (a name drawn twice) are
// skipped.
func setup(t *rapid.T) *svcsim.Cluster {
	c := clustertest.NewCluster(t)
	for _, ns := range namespacesOf(c) {
		for range rapid.IntRange(0, 2).Draw(t, "deployments") {
			_, _ = c.Create(clustertest.Deployment(ns).Draw(t, "deployment"))
		}
		for range rapid.IntRange(0, 2).Draw(t, "services") {
			_, _ = c.Create(clustertest.Service(ns).Draw(t, "service"))
		}
	}
	clustertest.Settle(t, c.Sim)
	return c
}

func namespacesOf(c *svcsim.Cluster) []string {
	var out []string
	for _, ns := range cluster.ListAs[*cluster.Namespace](c.Sim, "", clustertestEverything) {
		switch ns.Name {
		case "kube-system", "kube-public", "kube-node-lease":
		default:
			out = append(out, ns.Name)
		}
	}
	return out
}

// Random action sequences on a random cluster leave, once it settles,
// Endpoints and slices matching the pods, proxies matching the slices,
// unique addresses and converged ReplicaSets. Longer runs:
//
//	go test ./cluster/clustertest -run TestActionsKeepInvariants -rapid.checks=1000
func TestActionsKeepInvariants(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		c := setup(t)
		actions := clustertest.RunActions(t, c, 12)
		clustertest.Settle(t, c.Sim)
		for _, inv := range []struct {
			name string
			f    func(*svcsim.Cluster) error
		}{
			{"UniqueIPs", clustertest.UniqueIPs},
			{"EndpointsMatch", clustertest.EndpointsMatch},
			{"ReplicaSetsConverge", clustertest.ReplicaSetsConverge},
			{"ProxiesMatch", clustertest.ProxiesMatch},
		} {
			require.NoError(t, inv.f(c), "after:\n%s", clustertest.Script(actions))
		}
	})
}

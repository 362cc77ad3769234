package proxy_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/svcsim/svcsim"
	"github.com/svcsim/svcsim/kubectl"
)

// Node.Rule is the one entry of Node.Rules for a Service's cluster IP and
// port; a Service without pods has a refusing rule, and an unknown
// Service or port has none.
func TestNodeRuleIsOneOfRules(t *testing.T) {
	c, err := svcsim.New(svcsim.Config{Seed: 1, Nodes: 2})
	require.NoError(t, err)
	k := c.Kubectl("default")
	for _, args := range [][]string{
		{"create", "deployment", "web", "--image=nginx", "--replicas=2", "--port=80"},
		{"expose", "deployment", "web", "--port=80"},
		{"create", "service", "clusterip", "empty", "--tcp=8080"},
	} {
		require.Zero(t, k.Exec(kubectl.IO{}, args...), args)
	}
	require.NoError(t, c.Settle())
	n := c.Proxies.Node("node-1")
	r, ok := n.Rule("default", "web", 80)
	require.True(t, ok)
	assert.Len(t, r.Endpoints, 2)
	assert.False(t, r.Reject)
	assert.Contains(t, n.Rules(), r)
	empty, ok := n.Rule("default", "empty", 8080)
	require.True(t, ok)
	assert.True(t, empty.Reject)
	_, ok = n.Rule("default", "web", 81)
	assert.False(t, ok, "no such port")
	_, ok = n.Rule("default", "nope", 80)
	assert.False(t, ok, "no such Service")
}

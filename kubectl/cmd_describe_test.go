package kubectl_test

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/svcsim/svcsim/cluster"
)

func TestDescribe(t *testing.T) {
	x := newCLI(t)
	x.lab(t)
	svc, err := x.k.Describe(cluster.KindService, "testweb")
	require.NoError(t, err)
	pod, err := x.k.Describe(cluster.KindPod, "bigwebstuff")
	require.NoError(t, err)
	ep, err := x.k.Describe(cluster.KindEndpoints, "blue-green-svc")
	require.NoError(t, err)
	warn := "Warning: v1 Endpoints is deprecated in v1.33+; use discovery.k8s.io/v1 EndpointSlice\n"
	tests := []struct {
		name     string
		args     []string
		out, err string
		code     int
	}{
		{name: "lab: describe service", args: []string{"describe", "service", "testweb"}, out: svc},
		{name: "kind/name", args: []string{"describe", "svc/testweb"}, out: svc},
		{name: "pod", args: []string{"describe", "po", "bigwebstuff"}, out: pod},
		{name: "missing", args: []string{"describe", "pod", "nope"}, code: 1, err: "Error from server (NotFound): pods \"nope\" not found\n"},
		{name: "missing deployment", args: []string{"describe", "deploy/nope"}, code: 1, err: "Error from server (NotFound): deployments.apps \"nope\" not found\n"},
		{name: "no type", args: []string{"describe"}, code: 1,
			err: "error: You must specify the type of resource to describe. Use \"kubectl api-resources\" for a complete list of supported resources.\n"},
		{name: "unknown type", args: []string{"describe", "foo"}, code: 1, err: "error: the server doesn't have a resource type \"foo\"\n"},
		{name: "nothing", args: []string{"describe", "deploy"}, err: "No resources found in default namespace.\n"},
		{name: "namespace", args: []string{"describe", "ns", "default"}, out: "" +
			"Name:         default\n" +
			"Labels:       <none>\n" +
			"Annotations:  <none>\n" +
			"Status:       Active\n" +
			"\n" +
			"No resource quota.\n" +
			"\n" +
			"No LimitRange resource.\n"},
		{name: "endpoints", args: []string{"describe", "ep", "blue-green-svc"}, err: warn, out: ep},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			before := x.c.Digest()
			out, errOut, code := x.run(tt.args...)
			assert.Equal(t, tt.out, out, "stdout")
			assert.Equal(t, tt.err, errOut, "stderr")
			assert.Equal(t, tt.code, code, "exit status")
			assert.Equal(t, before, x.c.Digest(), "describe changes nothing")
		})
	}
}

// Several objects are separated by a blank line and described without
// their events, unless --show-events says otherwise; a name that matches
// nothing describes every object it is a prefix of.
func TestDescribeSeveral(t *testing.T) {
	x := newCLI(t)
	x.lab(t)
	var one []string
	for _, n := range []string{"blue-rs-45qpf", "blue-rs-bq4pv", "blue-rs-pcvvd"} {
		d, err := x.k.Describe(cluster.KindPod, n)
		require.NoError(t, err)
		require.Contains(t, d, "\nEvents:\n")
		one = append(one, d[:strings.LastIndex(d, "Events:")])
	}
	out, errOut, code := x.run("describe", "po", "-l", "demo=blue-rs")
	require.Equal(t, 0, code, errOut)
	assert.Equal(t, strings.Join(one, "\n\n"), out)

	out, _, code = x.run("describe", "po", "blue-rs")
	require.Equal(t, 0, code)
	assert.Equal(t, strings.Join(one, "\n")+"\n", out, "prefix match, each followed by a newline")

	out, _, _ = x.run("describe", "po", "-l", "demo=blue-rs", "--show-events")
	assert.Equal(t, 3, strings.Count(out, "\nEvents:\n"))

	out, _, _ = x.run("describe", "rs", "blue-rs")
	assert.Contains(t, out, "Selector:     demo=blue-rs\n")
	assert.Contains(t, out, "Replicas:     3 current / 3 desired\n")
	assert.Contains(t, out, "Pods Status:  3 Running / 0 Waiting / 0 Succeeded / 0 Failed\n")
	assert.Contains(t, out, "Normal  SuccessfulCreate  1s    replicaset-controller  Created pod: blue-rs-")

	out, _, _ = x.run("describe", "node", "node-1")
	assert.True(t, strings.HasPrefix(out, "Name:               node-1\nRoles:              <none>\n"), out)
	assert.Contains(t, out, "Non-terminated Pods:          (2 in total)\n")
}

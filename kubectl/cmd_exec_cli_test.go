package kubectl_test

import (
	"bytes"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	svcsim "github.com/svcsim/svcsim"
	"github.com/svcsim/svcsim/kubectl"
)

// cliCluster is a simulated cluster with its whole data plane and a
// kubectl client for "default", driven through the command line.
type cliCluster struct {
	*svcsim.Cluster
	k *kubectl.Client
}

func newCLICluster(t *testing.T) *cliCluster {
	t.Helper()
	c, err := svcsim.New(svcsim.Config{Seed: 1})
	require.NoError(t, err)
	require.NoError(t, c.Settle())
	return &cliCluster{Cluster: c, k: c.Kubectl("")}
}

// kubectl runs one command line and returns what it printed and its
// exit status.
func (c *cliCluster) kubectl(args ...string) (stdout, stderr string, code int) {
	var out, errOut bytes.Buffer
	code = c.k.Exec(kubectl.IO{Out: &out, Err: &errOut}, args...)
	return out.String(), errOut.String(), code
}

// must runs a command line that has to succeed, lets the cluster settle,
// and returns its stdout.
func (c *cliCluster) must(t *testing.T, line string) string {
	t.Helper()
	out, errOut, code := c.kubectl(strings.Fields(line)...)
	require.Equal(t, 0, code, "kubectl %s: %s", line, errOut)
	require.NoError(t, c.Settle())
	return out
}

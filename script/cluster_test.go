package script_test

import (
	"bytes"
	"context"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/svcsim/svcsim"
	"github.com/svcsim/svcsim/cluster"
	"github.com/svcsim/svcsim/script"
)

func TestClusterEnv(t *testing.T) {
	newCluster := func(t *testing.T) *svcsim.Cluster {
		t.Helper()
		c, err := svcsim.New(svcsim.Config{Seed: 1})
		require.NoError(t, err)
		return c
	}
	run := func(t *testing.T, env script.Env, src string, opts script.Options) (string, string, error) {
		t.Helper()
		var out, errb bytes.Buffer
		err := script.Run(context.Background(), env, "lab.sh", strings.NewReader(src), &out, &errb, opts)
		return out.String(), errb.String(), err
	}
	t.Run("kubectl is the cluster's command line", func(t *testing.T) {
		c := newCluster(t)
		out, errOut, err := run(t, script.ClusterEnv(c, nil), "kubectl frobnicate || echo status $?\nkubectl >/dev/null && echo help ok\n", script.Options{})
		require.NoError(t, err)
		assert.Equal(t, "status 1\nhelp ok\n", out)
		assert.Equal(t, "error: unknown command \"frobnicate\" for \"kubectl\"\n", errOut)
	})
	t.Run("kubectl alone prints its help", func(t *testing.T) {
		out, _, err := run(t, script.ClusterEnv(newCluster(t), nil), "kubectl\n", script.Options{})
		require.NoError(t, err)
		assert.NotEmpty(t, out)
	})
	t.Run("sleep and think time move the cluster's clock", func(t *testing.T) {
		c := newCluster(t)
		start := c.Now()
		_, _, err := run(t, script.ClusterEnv(c, nil), "sleep 90\nsleep 1.5\n", script.Options{Think: -1})
		require.NoError(t, err)
		assert.Equal(t, 91500*time.Millisecond, c.Now().Sub(start))
		_, _, err = run(t, script.ClusterEnv(c, nil), "true\ntrue\n", script.Options{})
		require.NoError(t, err)
		assert.Equal(t, 91500*time.Millisecond+2*script.DefaultThink, c.Now().Sub(start))
	})
	t.Run("jq's now is the cluster's clock", func(t *testing.T) {
		c := newCluster(t)
		out, errOut, err := run(t, script.ClusterEnv(c, nil), "sleep 1h\njq -n -r 'now | todate'\n", script.Options{Think: -1})
		require.NoError(t, err, errOut)
		assert.Equal(t, cluster.Epoch.Add(time.Hour).Format(time.RFC3339)+"\n", out)
	})
	t.Run("the files are the script's", func(t *testing.T) {
		files := fstest.MapFS{"pod.json": {Data: []byte(`{"status":{"podIP":"10.244.1.5"}}`)}}
		out, errOut, err := run(t, script.ClusterEnv(newCluster(t), files), "jq -r .status.podIP pod.json\n", script.Options{})
		require.NoError(t, err, errOut)
		assert.Equal(t, "10.244.1.5\n", out)
	})
	t.Run("a nil cluster is refused", func(t *testing.T) {
		for _, c := range []*svcsim.Cluster{nil, {}} {
			_, _, err := run(t, script.ClusterEnv(c, nil), "echo hi\n", script.Options{})
			assert.ErrorIs(t, err, script.ErrInvalid)
		}
	})
}

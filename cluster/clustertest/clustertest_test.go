package clustertest_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"pgregory.net/rapid"

	"github.com/svcsim/svcsim/cluster"
	"github.com/svcsim/svcsim/cluster/clustertest"
	"github.com/svcsim/svcsim/kubectl"
)

// recorder is a TB that records instead of failing, to test the helpers'
// own failure paths.
type recorder struct {
	failed   bool
	logs     []string
	cleanups []func()
}

func (r *recorder) Helper()          {}
func (r *recorder) Cleanup(f func()) { r.cleanups = append(r.cleanups, f) }
func (r *recorder) Failed() bool     { return r.failed }
func (r *recorder) Logf(format string, args ...any) {
	r.logs = append(r.logs, fmt.Sprintf(format, args...))
}
func (r *recorder) Fatalf(format string, args ...any) { r.failed = true; r.Logf(format, args...) }
func (r *recorder) finish() {
	for i := len(r.cleanups) - 1; i >= 0; i-- {
		r.cleanups[i]()
	}
}

func TestFailingTestPrintsTrace(t *testing.T) {
	r := &recorder{}
	s := clustertest.New(r, cluster.Config{Seed: 42})
	_, err := kubectl.New(s, "").Run("web", kubectl.RunOptions{Image: "nginx"})
	require.NoError(t, err)
	clustertest.Settle(r, s)
	r.failed = true
	r.finish()
	require.Len(t, r.logs, 1)
	assert.Contains(t, r.logs[0], "seed 42")
	assert.Contains(t, r.logs[0], s.Digest())
	assert.Contains(t, r.logs[0], "pod/default/web")
}

func TestPassingTestPrintsNothing(t *testing.T) {
	r := &recorder{}
	clustertest.New(r, cluster.Config{})
	r.finish()
	assert.Empty(t, r.logs)
}

func TestBadConfigFails(t *testing.T) {
	r := &recorder{}
	clustertest.New(r, cluster.Config{Nodes: -1})
	assert.True(t, r.failed)
	assert.Contains(t, strings.Join(r.logs, "\n"), "invalid config")
}

func TestReportKeepsTheTail(t *testing.T) {
	s := clustertest.New(t, cluster.Config{})
	for i := range 100 {
		_, err := kubectl.New(s, "").Run(fmt.Sprintf("p%d", i), kubectl.RunOptions{Image: "nginx"})
		require.NoError(t, err)
	}
	clustertest.Settle(t, s)
	rep := clustertest.Report(s)
	assert.Contains(t, rep, fmt.Sprintf("last %d lines", clustertest.TailLines))
	assert.Len(t, strings.Split(rep, "\n"), clustertest.TailLines+1)
}

// rapid's *T is a TB, so property tests can use the helpers directly.
var _ clustertest.TB = (*rapid.T)(nil)

// Package clustertest helps tests that drive a simulated cluster: it builds
// one bound to a test and, when the test fails, prints the event trace, so
// that a failure shows what happened and when rather than just what was
// wrong at the end.
package clustertest

import (
	"strings"
	"testing"

	"github.com/svcsim/svcsim/cluster"
)

// TB is the part of testing.TB the helpers need; *testing.T, *testing.B
// and *rapid.T all provide it.
type TB interface {
	Helper()
	Cleanup(func())
	Failed() bool
	Logf(format string, args ...any)
	Fatalf(format string, args ...any)
}

var _ TB = (testing.TB)(nil)

// TailLines is how many of the most recent trace lines a failing test
// prints.
const TailLines = 200

// New builds a cluster from cfg for the test, failing the test if cfg is
// invalid. If the test fails, the last TailLines lines of the trace are
// logged, with the seed and digest needed to reproduce the run.
func New(t TB, cfg cluster.Config) *cluster.Sim {
	t.Helper()
	s, err := cluster.New(cfg)
	if err != nil {
		t.Fatalf("clustertest: %v", err)
	}
	t.Cleanup(func() {
		if t.Failed() {
			t.Logf("%s", Report(s))
		}
	})
	return s
}

// Report renders the end of a cluster's trace with its seed, virtual time
// and digest: what a test prints when it fails.
func Report(s *cluster.Sim) string {
	var b strings.Builder
	_ = s.WriteTrace(&b)
	lines := strings.Split(strings.TrimRight(b.String(), "\n"), "\n")
	skipped := 0
	if len(lines) > TailLines {
		skipped = len(lines) - TailLines
		lines = lines[skipped:]
	}
	var out strings.Builder
	out.WriteString("cluster trace (seed " + itoa(s.Config().Seed) + ", at " + s.Now().String() + ", digest " + s.Digest() + ")")
	if skipped > 0 {
		out.WriteString(", last " + itoa(uint64(len(lines))) + " lines")
	}
	out.WriteString(":\n")
	out.WriteString(strings.Join(lines, "\n"))
	return out.String()
}

// Settle runs the cluster until it is quiet, failing the test if it never
// is.
func Settle(t TB, s *cluster.Sim) {
	t.Helper()
	if err := s.Settle(); err != nil {
		t.Fatalf("clustertest: %v", err)
	}
}

func itoa(n uint64) string {
	if n == 0 {
		return "0"
	}
	var b [20]byte
	i := len(b)
	for n > 0 {
		i--
		b[i] = byte('0' + n%10)
		n /= 10
	}
	return string(b[i:])
}

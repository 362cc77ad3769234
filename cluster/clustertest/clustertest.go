// Package clustertest helps tests that drive a simulated cluster, and
// property tests of rollout logic written with rapid (pgregory.net/rapid).
//
// [New] and [Build] make a cluster bound to a test that, when the test
// fails, prints the end of the event trace, so that a failure shows what
// happened and when rather than just what was wrong at the end.
//
// # Generators
//
// [Config], [Timing], [ProxyOptions] and [Namespaces] draw clusters (1 to
// 5 nodes, lag profiles within documented bounds); [Labels], [Selector],
// [Pod], [ReplicaSet], [Deployment], [Service] and [ServicePorts] draw
// objects from small alphabets, so that selectors match and names
// collide; [ActionOf], [Actions] and [RunActions] draw [Action]s — create,
// delete and relabel pods, scale, set an image, change a Service's
// selector or ports, readiness failures, crashes, node outages, time
// passing, load — aimed at a cluster's objects. An action prints as the
// kubectl command that does the same, so a failing sequence reads as a
// script ([Script]).
//
// # Randomness that shrinks
//
// [NewCluster] builds a drawn cluster whose random streams (lags,
// container starts, kube-proxy's picks, load arrivals) draw from rapid's
// data through [RapidSource], so a failure shrinks in its timings and
// picks as well as in its actions, and the same rapid data gives the same
// run.
//
// # Invariants
//
// [UniqueIPs], [EndpointsMatch], [ProxiesMatch], [ReplicaSetsConverge],
// [NoAnswerFromGonePods], [ZeroFailures] and [ShareWithin] each return a
// [*Violation] saying what is wrong; [ServiceNeverEmpty] and
// [RollingBounds] are [Checker]s with memory, meant to be checked after
// every event. None of them draws randomness or changes anything, so
// checking leaves the run and its digest as they would have been.
//
// Property tests here use rapid's default of 100 cases; run more with
//
//	go test ./cluster/clustertest -rapid.checks=10000
//
// and replay a failure with the -rapid.seed or -rapid.failfile rapid
// prints.
//
// # The harness
//
// [Check] runs a property under rapid on a drawn cluster; [H.Always]
// runs checkers after every event through Sim.Observe, [H.Do] records
// actions, [H.Load] sends traffic. A failure prints one counter-example:
// the seed and svcsim version, a replay command, the shrunk actions as a
// Go test body and as a kubectl script for svcsim run, the state after
// each step (endpoints, each node's proxy table), the first failed
// request and the end of the trace.
//
// # Exhaustive small worlds
//
// [Exhaust] runs a small scenario once for every combination of prompt
// or late delivery of its first K watch deliveries (2^K worlds, K = 8 by
// default, at most 20), stops at the first world that fails and names
// the late deliveries; its result counts the worlds explored and the
// distinct orders (by Sim.Digest). The blue-green test in exhaust_test.go
// shows it; SVCSIM_EXHAUST_CHOICES=12 searches deeper.
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

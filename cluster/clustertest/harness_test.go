package clustertest_test

import (
	"flag"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"pgregory.net/rapid"

	svcsim "github.com/svcsim/svcsim"
	"github.com/svcsim/svcsim/cluster"
	"github.com/svcsim/svcsim/cluster/clustertest"
	"github.com/svcsim/svcsim/proxy"
)

// rapidRecorder is a rapid.TB that records failures and logs instead of
// failing the test, so that a test can run a property it expects to fail
// and read what was printed.
type rapidRecorder struct {
	*testing.T
	failed bool
	errs   []string
	logs   []string
}

func (r *rapidRecorder) Errorf(format string, args ...any) {
	r.failed = true
	r.errs = append(r.errs, fmt.Sprintf(format, args...))
}
func (r *rapidRecorder) Error(args ...any)                 { r.Errorf("%s", fmt.Sprint(args...)) }
func (r *rapidRecorder) Fatalf(format string, args ...any) { r.Errorf(format, args...) }
func (r *rapidRecorder) Fatal(args ...any)                 { r.Error(args...) }
func (r *rapidRecorder) Fail()                             { r.failed = true }
func (r *rapidRecorder) FailNow()                          { r.failed = true }
func (r *rapidRecorder) Failed() bool                      { return r.failed }
func (r *rapidRecorder) Logf(format string, args ...any) {
	r.logs = append(r.logs, fmt.Sprintf(format, args...))
}
func (r *rapidRecorder) Log(args ...any) { r.logs = append(r.logs, fmt.Sprint(args...)) }

// withoutFailFiles keeps rapid from writing the failure the test expects
// into testdata for as long as the test runs.
func withoutFailFiles(t *testing.T) {
	f := flag.Lookup("rapid.nofailfile")
	require.NotNil(t, f)
	old := f.Value.String()
	require.NoError(t, f.Value.Set("true"))
	t.Cleanup(func() { _ = f.Value.Set(old) })
}

// reports returns the counter-examples among the logs.
func reports(logs []string) []string {
	var out []string
	for _, l := range logs {
		if strings.Contains(l, "==== svcsim counter-example ====") {
			out = append(out, l)
		}
	}
	return out
}

// deleteUnderLoad is a property that does not hold: deleting the
// Deployment behind a Service under load fails requests.
func deleteUnderLoad(h *clustertest.H) {
	replicas := rapid.IntRange(1, 3).Draw(h.T, "replicas")
	h.Do(clustertest.Kubectl{Args: []string{"create", "deployment", "web", "--image=rxmllc/hostinfo", "--port=9898", fmt.Sprintf("--replicas=%d", replicas)}})
	h.Do(clustertest.Kubectl{Args: []string{"expose", "deployment", "web", "--port=80", "--target-port=9898"}})
	h.Settle()
	h.Always(clustertest.CheckFunc(clustertest.UniqueIPs))
	svc, ok := cluster.GetAs[*cluster.Service](h.C.Sim, "default", "web")
	require.True(h, ok)
	tally := h.Load(proxy.Load{Request: proxy.Request{From: proxy.FromNode("node-1"), URL: "http://" + svc.Spec.ClusterIP + "/", Timeout: time.Second},
		Rate: 20, Duration: 3 * time.Second})
	h.RunFor(time.Second)
	h.Do(clustertest.Kubectl{Args: []string{"delete", "deployment", "web"}})
	h.RunFor(3 * time.Second)
	require.NoError(h, clustertest.ZeroFailures(tally))
}

func TestCheckPrintsOneReadableCounterExample(t *testing.T) {
	withoutFailFiles(t)
	rec := &rapidRecorder{T: t}
	clustertest.Check(rec, deleteUnderLoad)
	require.True(t, rec.failed, "the property should fail")
	reps := reports(rec.logs)
	require.Len(t, reps, 1, "one counter-example, for the shrunk case only")
	rep := reps[0]
	t.Log(rep)
	for _, section := range []string{
		"svcsim github.com/svcsim/svcsim (devel)",
		"rapid replay -rapid.seed=",
		"failure: Received unexpected error: ZeroFailures at ",
		"-- replay:\ngo test -run '^TestCheckPrintsOneReadableCounterExample$' -rapid.seed=",
		"-- the actions as a Go test body",
		"c := clustertest.Build(t, svcsim.Config{Seed: ",
		`clustertest.Kubectl{Namespace:"", Args:[]string{"delete", "deployment", "web"}},`,
		"clustertest.Advance{D: 1 * time.Second},",
		"-- the actions as a kubectl script (svcsim run):\nkubectl create deployment web --image=rxmllc/hostinfo --port=9898 --replicas=",
		"kubectl delete deployment web\nsleep 3\n",
		"-- the state after each step:\nstep 1: kubectl create deployment web",
		"endpoints default/web: ready 10.244.",
		"proxy node-1: default/web 10.",
		"-- the first failed request:\nsent at ",
		"from node/node-1 through node node-1",
		"service default/web, picked backend ",
		"-- timeline (last 40 trace lines, at ",
	} {
		assert.Contains(t, rep, section)
	}
	// rapid's own message names the same replay flags.
	seed := rep[strings.Index(rep, "-rapid.seed="):]
	seed = seed[:strings.IndexAny(seed, "; \n")]
	assert.Contains(t, strings.Join(rec.errs, "\n"), seed)
	timeline := rep[strings.Index(rep, "-- timeline"):]
	assert.Equal(t, clustertest.TimelineLines+1, strings.Count(timeline, "\n"))
}

func TestCheckPassingPrintsNoCounterExample(t *testing.T) {
	rec := &rapidRecorder{T: t}
	clustertest.Check(rec, func(h *clustertest.H) {
		h.Always(clustertest.CheckFunc(clustertest.UniqueIPs))
		h.Do(clustertest.CreatePod{Name: "p0", Image: "rxmllc/hostinfo"})
		h.Settle()
	})
	assert.False(t, rec.failed, "%v", rec.errs)
	assert.Empty(t, reports(rec.logs))
}

// A checker installed with Always stops the run at the event that breaks
// it, and the counter-example names the violation.
func TestAlwaysStopsAtTheViolation(t *testing.T) {
	withoutFailFiles(t)
	rec := &rapidRecorder{T: t}
	clustertest.Check(rec, func(h *clustertest.H) {
		h.Do(clustertest.Kubectl{Args: []string{"create", "deployment", "web", "--image=rxmllc/hostinfo", "--port=9898"}})
		h.Do(clustertest.Kubectl{Args: []string{"expose", "deployment", "web", "--port=80"}})
		h.Settle()
		h.Always(clustertest.ServiceNeverEmpty("default", "web"))
		h.Do(clustertest.Kubectl{Args: []string{"scale", "deployment", "web", "--replicas=0"}})
		h.RunFor(10 * time.Second)
		h.Fatalf("not reached: the check should have stopped the run")
	})
	require.True(t, rec.failed)
	reps := reports(rec.logs)
	require.Len(t, reps, 1)
	assert.Contains(t, reps[0], "failure: cluster: observer failed at ")
	assert.Contains(t, reps[0], "ServiceNeverEmpty")
	assert.NotContains(t, reps[0], "not reached")
}

// Always and State only read: a run checked after every event, with its
// state rendered after every step, ends with the digest of the run
// without them.
func TestHarnessObservingChangesNothing(t *testing.T) {
	run := func(observe bool) string {
		c := clustertest.Build(t, svcsim.Config{Seed: 7, Timing: cluster.Realistic()})
		if observe {
			c.Observe(cluster.Observer{AfterEvent: func(cluster.TraceEntry) error {
				_ = clustertest.State(c)
				return clustertest.UniqueIPs(c)
			}})
		}
		for _, a := range []clustertest.Action{
			clustertest.Kubectl{Args: []string{"create", "deployment", "web", "--image=rxmllc/hostinfo", "--port=9898", "--replicas=3"}},
			clustertest.Kubectl{Args: []string{"expose", "deployment", "web", "--port=80"}},
			clustertest.Advance{D: 5 * time.Second},
			clustertest.Kubectl{Args: []string{"scale", "deployment", "web", "--replicas=1"}},
			clustertest.Advance{D: 5 * time.Second},
		} {
			require.NoError(t, a.Apply(c))
			if observe {
				require.Contains(t, clustertest.State(c), "proxy node-1:")
			}
		}
		return c.Digest()
	}
	assert.Equal(t, run(false), run(true))
}

func TestKubectlAction(t *testing.T) {
	c := clustertest.Build(t, svcsim.Config{Seed: 1})
	for _, tc := range []struct {
		name   string
		a      clustertest.Kubectl
		line   string
		failed bool
	}{
		{"create", clustertest.Kubectl{Namespace: "default", Args: []string{"create", "deployment", "web", "--image=nginx"}},
			"kubectl create deployment web --image=nginx", false},
		{"label with a space", clustertest.Kubectl{Args: []string{"annotate", "deployment", "web", "note=a b"}},
			"kubectl annotate deployment web 'note=a b'", false},
		{"fails", clustertest.Kubectl{Namespace: "team-a", Args: []string{"delete", "pod", "nope"}},
			"kubectl delete pod nope -n team-a", true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			assert.Equal(t, tc.line, tc.a.String())
			before := c.Digest()
			err := tc.a.Apply(c)
			if tc.failed {
				require.ErrorIs(t, err, clustertest.ErrKubectl)
				assert.Equal(t, before, c.Digest(), "a failed command changes nothing")
			} else {
				require.NoError(t, err)
			}
		})
	}
}

func TestGoString(t *testing.T) {
	for _, tc := range []struct {
		a    clustertest.Action
		want string
	}{
		{clustertest.Advance{D: 1500 * time.Millisecond}, "clustertest.Advance{D: 1500 * time.Millisecond}"},
		{&clustertest.SendLoad{Service: "web", Requests: 5, Over: 2 * time.Second},
			`&clustertest.SendLoad{Namespace: "", Service: "web", Requests: 5, Over: 2 * time.Second}`},
		{clustertest.DeletePod{Name: "p0", Force: true}, `clustertest.DeletePod{Namespace:"", Name:"p0", Force:true}`},
	} {
		t.Run(tc.a.String(), func(t *testing.T) { assert.Equal(t, tc.want, clustertest.GoString(tc.a)) })
	}
}

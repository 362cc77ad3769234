package clustertest

import (
	"errors"
	"fmt"
	"regexp"
	"runtime/debug"
	"slices"
	"strconv"
	"strings"
	"time"

	"pgregory.net/rapid"

	svcsim "github.com/svcsim/svcsim"
	"github.com/svcsim/svcsim/cluster"
	"github.com/svcsim/svcsim/kubectl"
	"github.com/svcsim/svcsim/proxy"
)

// TimelineLines is how many of the last trace lines a counter-example's
// timeline shows.
const TimelineLines = 40

// H is one case of a property run by [Check]: the drawn cluster, the
// actions done to it and the checks installed on it. It embeds the case's
// *rapid.T, so h.Fatalf and require.NoError(h, ...)
// work on it (draw with h.T); a failure reported through h is named in
// the counter-example.
type H struct {
	*rapid.T
	// C is the drawn cluster ([NewCluster]'s draws, built without its
	// trace dump: the counter-example has its own timeline).
	C *svcsim.Cluster
	// Config and Namespaces are what the cluster was drawn as (Source is
	// the [RapidSource] feeding it).
	Config     svcsim.Config
	Namespaces []string

	steps    []step
	loads    int
	failReq  *failedRequest
	failMsg  string
	checking bool // snapshots are taken: the case is the one rapid reports
}

// step is one action done through [H.Do], with its error and, in the
// reported case, the state it left.
type step struct {
	action Action
	err    error
	state  string
}

// failedRequest is the first request of the case's loads that failed.
type failedRequest struct {
	client, node, url string
	resp              proxy.Response
}

// Check runs prop under rapid.Check, once per drawn cluster, and when a
// case fails logs one counter-example a person can read (see [H.Report]):
// the seed and svcsim's version, the shrunk actions as a Go test body and
// as a kubectl script, the state after each step, the failing request, a
// replay command and the end of the trace. t is usually a *testing.T.
func Check(t rapid.TB, prop func(h *H)) {
	t.Helper()
	c := &catcher{TB: t}
	rapid.Check(c, func(rt *rapid.T) {
		h := newH(rt)
		h.checking = c.replay != ""
		done := false
		defer func() {
			// Only the case rapid replays after shrinking logs: rapid has
			// then announced the failure and its replay flags.
			if h.checking && (!done || rt.Failed() || h.failMsg != "") {
				rt.Logf("%s", h.report(c.name, c.replay))
			}
		}()
		prop(h)
		if err := h.C.ObservedErr(); err != nil {
			h.Fatalf("%v", err)
		}
		done = true
	})
}

// catcher passes everything to the test and notes the replay flags rapid
// names when it reports a failure, just before it replays the shrunk case.
type catcher struct {
	rapid.TB
	name, replay string
}

var replayFlags = regexp.MustCompile(`-rapid\.seed=\d+|-rapid\.failfile="[^"]*"`)

func (c *catcher) Errorf(format string, args ...any) {
	c.TB.Helper()
	msg := fmt.Sprintf(format, args...)
	if flags := replayFlags.FindAllString(msg, -1); len(flags) > 0 && c.replay == "" {
		c.name, c.replay = c.TB.Name(), flags[len(flags)-1] // the seed, if rapid gives both
	}
	c.TB.Errorf("%s", msg)
}

func newH(rt *rapid.T) *H {
	h := &H{T: rt}
	h.Config = Config().Draw(rt, "config")
	h.Config.Source = RapidSource(rt)
	h.Namespaces = Namespaces().Draw(rt, "namespaces")
	c, err := svcsim.New(h.Config)
	if err != nil {
		rt.Fatalf("clustertest: %v", err)
	}
	h.C = c
	for _, ns := range h.Namespaces {
		if _, err := c.Create(&cluster.Namespace{ObjectMeta: cluster.ObjectMeta{Name: ns}}); err != nil {
			rt.Fatalf("clustertest: %v", err)
		}
	}
	if err := c.Settle(); err != nil {
		rt.Fatalf("clustertest: %v", err)
	}
	return h
}

// Fatalf names the failure in the counter-example, then fails the case.
func (h *H) Fatalf(format string, args ...any) {
	h.note(fmt.Sprintf(format, args...))
	h.T.Fatalf(format, args...)
}

// Errorf names the failure in the counter-example, then marks the case
// failed; testify's require and assert call it.
func (h *H) Errorf(format string, args ...any) {
	h.note(fmt.Sprintf(format, args...))
	h.T.Errorf(format, args...)
}

func (h *H) note(msg string) {
	if h.failMsg == "" {
		h.failMsg = oneLine(msg)
	}
}

// oneLine keeps what a testify failure says (its "Error:" and "Messages:"
// parts, not its trace) and puts a message on one line.
func oneLine(msg string) string {
	if i := strings.Index(msg, "\tError:"); i >= 0 {
		msg = msg[i+len("\tError:"):]
		if j := strings.Index(msg, "\tTest:"); j >= 0 {
			msg = msg[:j] + msg[j+len("\tTest:"):][strings.IndexByte(msg[j+len("\tTest:"):]+"\n", '\n'):]
		}
	}
	return strings.Join(strings.Fields(msg), " ")
}

// Always checks the checkers after every event the loop runs and after
// every write made between runs, from now on; the first violation stops
// the run, and the call that ran it ([H.Do], [H.RunFor], [H.Settle])
// fails the case with it. Checking reads only, so the run is the one it
// would have been without it.
func (h *H) Always(checkers ...Checker) {
	checkers = slices.Clone(checkers)
	check := func() error {
		for _, ck := range checkers {
			if err := ck.Check(h.C); err != nil {
				return err
			}
		}
		return nil
	}
	h.C.Observe(cluster.Observer{
		AfterEvent: func(cluster.TraceEntry) error { return check() },
		AfterWrite: func(w cluster.Write) error {
			if w.Component != "user" {
				return nil // the event that made it is checked after it
			}
			return check()
		},
	})
}

// Do applies a and records it as a step of the counter-example. It
// returns a's error, as [RunActions] would log it (a failed action changes
// nothing); a violation of an [H.Always] check fails the case.
func (h *H) Do(a Action) error {
	err := a.Apply(h.C)
	if err == nil {
		err = h.C.ObservedErr() // a user write that broke a check
	}
	h.record(a, err)
	h.fatalIfObserved(err)
	return err
}

func (h *H) record(a Action, err error) {
	s := step{action: a, err: err}
	if h.checking {
		s.state = State(h.C)
	}
	h.steps = append(h.steps, s)
}

func (h *H) fatalIfObserved(err error) {
	var oe *cluster.ObservedError
	if errors.As(err, &oe) {
		h.Fatalf("%v", oe)
	}
}

// RunFor lets d of virtual time pass, recorded as an [Advance] step.
func (h *H) RunFor(d time.Duration) { _ = h.Do(Advance{D: d}) }

// Settle runs the cluster until it is quiet, failing the case if it never
// is or a check fails meanwhile.
func (h *H) Settle() {
	if err := h.C.Settle(); err != nil {
		h.fatalIfObserved(err)
		h.Fatalf("clustertest: %v", err)
	}
}

// Load starts l (see [proxy.Proxies.Generate]) and returns its tally,
// failing the case if l cannot run. The first request of the case's loads
// that fails (refused, timed out, reset, unresolved or a 5xx) is shown in
// the counter-example: when, from which client through which node, the
// backend kube-proxy picked and why it failed.
func (h *H) Load(l proxy.Load) *proxy.Tally {
	h.loads++
	client, url, user := l.From, l.URL, l.OnResponse
	l.OnResponse = func(r proxy.Response) {
		if h.failReq == nil && (r.Outcome != proxy.Answered || r.Status >= 500) {
			h.failReq = &failedRequest{client: client.String(), node: h.entryNode(client), url: url, resp: r}
		}
		if user != nil {
			user(r)
		}
	}
	t, err := h.C.Proxies.Generate(l)
	if err != nil {
		h.Fatalf("clustertest: %v", err)
	}
	return t
}

// entryNode is the node whose rules a client's packets meet.
func (h *H) entryNode(c proxy.Client) string {
	kind, rest, _ := strings.Cut(c.String(), "/")
	switch kind {
	case "node":
		return rest
	case "pod":
		ns, name, ok := strings.Cut(rest, "/")
		if p, found := cluster.GetAs[*cluster.Pod](h.C.Sim, ns, name); ok && found {
			return p.Spec.NodeName
		}
	}
	return "(the node the packets reach)"
}

// State renders what a counter-example shows after each step: the
// Endpoints of every Service (ready and not-ready addresses) and, per
// node, the cluster-IP rules its kube-proxy programmed at its last sync.
// It reads only.
func State(c *svcsim.Cluster) string {
	var b strings.Builder
	svcs := cluster.ListAs[*cluster.Service](c.Sim, "", everything)
	for _, svc := range svcs {
		if !userNamespace(svc.Namespace) || svc.Namespace == "default" && svc.Name == "kubernetes" {
			continue
		}
		ref := svc.Namespace + "/" + svc.Name
		ep, ok := cluster.GetAs[*cluster.Endpoints](c.Sim, svc.Namespace, svc.Name)
		if !ok {
			fmt.Fprintf(&b, "endpoints %s: none\n", ref)
			continue
		}
		ready, notReady := gotEndpoints(ep)
		fmt.Fprintf(&b, "endpoints %s: ready %s; not ready %s\n", ref, list(ready), list(notReady))
	}
	if c.Proxies == nil {
		return b.String()
	}
	for _, n := range cluster.ListAs[*cluster.Node](c.Sim, "", everything) {
		pn := c.Proxies.Node(n.Name)
		if pn == nil {
			continue
		}
		var rules []string
		for _, r := range pn.Rules() {
			ns, name, _ := strings.Cut(r.Service, "/")
			if r.External || !userNamespace(ns) || ns == "default" && name == "kubernetes" {
				continue
			}
			rules = append(rules, ruleLine(r))
		}
		fmt.Fprintf(&b, "proxy %s: %s\n", n.Name, list(rules))
	}
	return b.String()
}

func ruleLine(r proxy.Rule) string {
	s := r.Service + " " + r.IP + ":" + strconv.Itoa(int(r.Port)) + " -> "
	if r.Reject {
		return s + "REJECT"
	}
	eps := make([]string, len(r.Endpoints))
	for i, e := range r.Endpoints {
		eps[i] = e.Pod + "@" + e.IP + ":" + strconv.Itoa(int(e.Port))
	}
	return s + strings.Join(eps, ",")
}

func list(xs []string) string {
	if len(xs) == 0 {
		return "-"
	}
	return strings.Join(xs, " ")
}

// Report renders the counter-example as it stands now, with a replay
// command for test and rapid's flags (empty for none known).
func (h *H) Report(test, flags string) string { return h.report(test, flags) }

func (h *H) report(test, flags string) string {
	var b strings.Builder
	line := func(format string, args ...any) { fmt.Fprintf(&b, format+"\n", args...) }
	line("==== svcsim counter-example ====")
	line("svcsim %s; rapid replay %s; cluster seed %d, %d nodes", Version(), orNone(flags), h.Config.Seed, h.C.Sim.Config().Nodes)
	if h.failMsg != "" {
		line("failure: %s", h.failMsg)
	}
	line("")
	line("-- replay:")
	if flags != "" {
		line("go test -run '^%s$' %s", regexp.QuoteMeta(test), flags)
	} else {
		line("(run the test again: rapid prints the seed)")
	}
	line("")
	line("-- the actions as a Go test body (timings and picks then come from the seed, not rapid's data):")
	b.WriteString(h.GoBody())
	line("")
	line("-- the actions as a kubectl script (svcsim run):")
	actions := make([]Action, len(h.steps))
	for i, s := range h.steps {
		actions[i] = s.action
	}
	b.WriteString(Script(actions))
	line("")
	line("-- the state after each step:")
	for i, s := range h.steps {
		line("step %d: %s", i+1, s.action)
		if s.err != nil {
			line("  error: %v", s.err)
		}
		for _, l := range strings.Split(strings.TrimRight(s.state, "\n"), "\n") {
			if l != "" {
				line("  %s", l)
			}
		}
	}
	if f := h.failReq; f != nil {
		r := f.resp
		line("")
		line("-- the first failed request:")
		line("sent at %s, ended at %s: GET %s from %s through node %s", r.Sent, r.Done, f.url, f.client, f.node)
		picked := "none"
		if r.Pod != "" || r.IP != "" {
			picked = r.Pod + " (" + r.IP + ":" + strconv.Itoa(int(r.Port)) + ")"
		}
		why := r.Outcome.String()
		if r.Err != "" {
			why += ": " + r.Err
		}
		if r.Outcome == proxy.Answered {
			why = "status " + strconv.Itoa(r.Status)
		}
		line("service %s, picked backend %s, failed: %s", orNone(r.Service), picked, why)
	}
	line("")
	tail := h.C.Trace()
	if len(tail) > TimelineLines {
		tail = tail[len(tail)-TimelineLines:]
	}
	line("-- timeline (last %d trace lines, at %s, digest %s):", len(tail), h.C.Now(), h.C.Digest())
	for _, e := range tail {
		line("%s", e)
	}
	return b.String()
}

func orNone(s string) string {
	if s == "" {
		return "(none)"
	}
	return s
}

// Version is the svcsim module's version as the running binary records
// it: a release tag for a project that requires svcsim, "(devel)" for
// svcsim's own tests, "unknown" without build information.
func Version() string {
	bi, ok := debug.ReadBuildInfo()
	if !ok {
		return "unknown"
	}
	const mod = "github.com/svcsim/svcsim"
	if bi.Main.Path == mod {
		return mod + " " + bi.Main.Version
	}
	for _, d := range bi.Deps {
		if d.Path == mod {
			return mod + " " + d.Version
		}
	}
	return mod + " unknown"
}

// GoBody renders the case's cluster and steps as the body of a Go test
// that builds the same cluster (seeded, not fed by rapid) and does the
// same actions.
func (h *H) GoBody() string {
	var b strings.Builder
	b.WriteString("c := clustertest.Build(t, " + goConfig(h.Config))
	for _, ns := range h.Namespaces {
		b.WriteString(", " + strconv.Quote(ns))
	}
	b.WriteString(")\nfor _, a := range []clustertest.Action{\n")
	for _, s := range h.steps {
		b.WriteString("\t" + GoString(s.action) + ",\n")
	}
	b.WriteString("} {\n\tif err := a.Apply(c); err != nil {\n\t\tt.Logf(\"%s: %v\", a, err)\n\t}\n}\n")
	return b.String()
}

// GoString renders an action as the Go expression that makes it.
func GoString(a Action) string {
	switch a := a.(type) {
	case Advance:
		return "clustertest.Advance{D: " + goDuration(a.D) + "}"
	case *SendLoad:
		return fmt.Sprintf("&clustertest.SendLoad{Namespace: %q, Service: %q, Requests: %d, Over: %s}", a.Namespace, a.Service, a.Requests, goDuration(a.Over))
	}
	return fmt.Sprintf("%#v", a)
}

func goDuration(d time.Duration) string {
	switch {
	case d == 0:
		return "0"
	case d%time.Second == 0:
		return strconv.FormatInt(int64(d/time.Second), 10) + " * time.Second"
	case d%time.Millisecond == 0:
		return strconv.FormatInt(int64(d/time.Millisecond), 10) + " * time.Millisecond"
	}
	return "time.Duration(" + strconv.FormatInt(int64(d), 10) + ")"
}

func goLag(l cluster.Lag) string {
	switch l := l.(type) {
	case cluster.Fixed:
		return "cluster.Fixed(" + goDuration(time.Duration(l)) + ")"
	case cluster.Uniform:
		return "cluster.Uniform{Min: " + goDuration(l.Min) + ", Max: " + goDuration(l.Max) + "}"
	}
	return fmt.Sprintf("%#v", l)
}

// goConfig renders the fields [Config] draws.
func goConfig(c svcsim.Config) string {
	var f []string
	f = append(f, "Seed: "+strconv.FormatUint(c.Seed, 10), "Nodes: "+strconv.Itoa(c.Nodes))
	var tf []string
	for _, l := range []struct {
		name string
		lag  cluster.Lag
	}{{"Watch", c.Timing.Watch}, {"Scheduler", c.Timing.Scheduler}, {"Kubelet", c.Timing.Kubelet},
		{"Controllers", c.Timing.Controllers}, {"ContainerStart", c.Timing.ContainerStart}} {
		if l.lag != nil {
			tf = append(tf, l.name+": "+goLag(l.lag))
		}
	}
	if c.Timing.ControllerBatch != 0 {
		tf = append(tf, "ControllerBatch: "+goDuration(c.Timing.ControllerBatch))
	}
	if c.Timing.NodeMonitorGracePeriod != 0 {
		tf = append(tf, "NodeMonitorGracePeriod: "+goDuration(c.Timing.NodeMonitorGracePeriod))
	}
	f = append(f, "Timing: cluster.Timing{"+strings.Join(tf, ", ")+"}")
	pf := []string{"Mode: proxy.IPTables"}
	if c.Proxy.Mode == proxy.IPVS {
		pf[0] = "Mode: proxy.IPVS"
	}
	if c.Proxy.MinSyncPeriod != 0 {
		pf = append(pf, "MinSyncPeriod: "+goDuration(c.Proxy.MinSyncPeriod))
	}
	if c.Proxy.SyncPeriod != 0 {
		pf = append(pf, "SyncPeriod: "+goDuration(c.Proxy.SyncPeriod))
	}
	if c.Proxy.Lag != nil {
		pf = append(pf, "Lag: "+goLag(c.Proxy.Lag))
	}
	f = append(f, "Proxy: proxy.Options{"+strings.Join(pf, ", ")+"}")
	return "svcsim.Config{" + strings.Join(f, ", ") + "}"
}

// Kubectl is any kubectl command line, given without the leading
// "kubectl", run by svcsim's kubectl in Namespace: the way to record setup
// such as `kubectl create deployment` or `kubectl expose` as a step.
type Kubectl struct {
	Namespace string
	Args      []string
}

// ErrKubectl is wrapped by the error of a [Kubectl] action whose command
// fails; the error carries what kubectl printed on stderr.
var ErrKubectl = errors.New("clustertest: kubectl failed")

// Apply runs the command.
func (a Kubectl) Apply(c *svcsim.Cluster) error {
	var stderr strings.Builder
	if code := c.Kubectl(nsOr(a.Namespace)).Exec(kubectl.IO{Err: &stderr}, a.Args...); code != 0 {
		return fmt.Errorf("%w: %s: %s", ErrKubectl, a, strings.TrimSpace(stderr.String()))
	}
	return nil
}

// String is the command line, quoted for a shell.
func (a Kubectl) String() string {
	args := make([]string, len(a.Args))
	for i, s := range a.Args {
		args[i] = shellQuote(s)
	}
	return strings.TrimRight("kubectl "+strings.Join(args, " "), " ") + nsFlag(a.Namespace)
}

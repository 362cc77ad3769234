package proxy

import (
	"errors"
	"fmt"
	"io"
	"math"
	"math/rand/v2"
	"slices"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/svcsim/svcsim/cluster"
	"github.com/svcsim/svcsim/selector"
)

// Arrivals is how a load spaces its requests in time.
type Arrivals uint8

const (
	// Steady sends at exact intervals of 1/Rate.
	Steady Arrivals = iota
	// Poisson sends with exponentially distributed gaps of mean 1/Rate,
	// drawn from the load's own seeded stream, as independent users do.
	Poisson
)

// Load is a stream of requests from one client to one URL over virtual
// time, while anything else (a rollout, a label flip, a fault) happens.
type Load struct {
	// Request is what each request is: client, URL and timeout.
	Request
	// Rate is how many requests to start per second of virtual time,
	// between MinRate and MaxRate.
	Rate float64
	// Arrivals is how they are spaced; Steady by default.
	Arrivals Arrivals
	// Duration is how long to keep sending; 0 means until [Tally.Stop].
	Duration time.Duration
	// Interval is the width of each step of the series; 0 means a second,
	// and it may not be shorter than a millisecond.
	Interval time.Duration
	// GroupBy is the label whose value names the version that answered,
	// such as "version" or "app"; empty groups by container image.
	GroupBy string
	// OnResponse, if set, is called from the loop with every response.
	OnResponse func(Response)
}

// The bounds of Load.Rate: one request in about eleven days, and a
// billion a second.
const (
	MinRate = 1e-6
	MaxRate = 1e9
)

// ErrInvalidLoad is returned for a load that cannot be run.
var ErrInvalidLoad = errors.New("proxy: invalid load")

// Generate starts l now: the first request goes at once, the next after
// the first gap. Its requests are background work: Settle does not wait
// for them, so run the simulation with RunFor or RunUntil and read the
// returned tally as it fills. A load whose URL, timeout, client, rate or
// grouping is wrong is not started, and nothing changes.
func (p *Proxies) Generate(l Load) (*Tally, error) {
	p.check()
	t, err := parseURL(l.URL)
	if err != nil {
		return nil, err
	}
	timeout, err := timeoutOf(l.Timeout)
	if err != nil {
		return nil, err
	}
	o, err := p.find(l.From)
	if err != nil {
		return nil, err
	}
	switch {
	case !(l.Rate >= MinRate && l.Rate <= MaxRate):
		return nil, fmt.Errorf("%w: rate %v must be between %v and %v requests per second", ErrInvalidLoad, l.Rate, MinRate, MaxRate)
	case l.Arrivals > Poisson:
		return nil, fmt.Errorf("%w: unknown arrivals %d", ErrInvalidLoad, l.Arrivals)
	case l.Duration < 0:
		return nil, fmt.Errorf("%w: duration %s must not be negative", ErrInvalidLoad, l.Duration)
	case l.Interval < 0 || l.Interval > 0 && l.Interval < time.Millisecond:
		return nil, fmt.Errorf("%w: interval %s must be 0 (a second) or at least 1ms", ErrInvalidLoad, l.Interval)
	case l.GroupBy != "" && !selector.IsValidKey(l.GroupBy):
		return nil, fmt.Errorf("%w: group by %q: %s", ErrInvalidLoad, l.GroupBy, strings.Join(selector.KeyProblems(l.GroupBy), "; "))
	}
	if l.Interval == 0 {
		l.Interval = time.Second
	}
	ty := &Tally{GroupBy: l.GroupBy, start: p.s.Now(), interval: l.Interval,
		byPod: map[string]*Counts{}, byGroup: map[string]*Counts{}}
	// Each load draws from a stream of its own, named by the order loads
	// started in, so that neither another load nor a lone request shifts
	// its arrivals and picks.
	g := &generator{p: p, l: l, t: t, timeout: timeout, tally: ty, from: o,
		rand: p.s.Stream("proxy load " + strconv.Itoa(p.loads))}
	p.loads++
	g.done, g.next = l.OnResponse, g.tick
	p.s.Background(0, "load", g.next)
	return ty, nil
}

type generator struct {
	p       *Proxies
	l       Load
	t       target
	timeout time.Duration
	tally   *Tally
	sent    int
	from    origin
	rand    *rand.Rand
	// done and next are bound once: a method value made per request
	// would allocate.
	done func(Response)
	next func()
}

// tick starts one request and schedules the next, unless the next would
// fall after the load's end.
func (g *generator) tick() {
	ty, now := g.tally, g.p.s.Now()
	if ty.stopped {
		return
	}
	if !g.p.still(g.from) {
		o, err := g.p.find(g.l.From)
		g.from = o
		if err != nil {
			ty.notSent++
			if ty.err == nil {
				ty.err = err
			}
		}
	}
	if g.from.ip != "" {
		ty.inFlight++
		g.p.exchange(g.rand, g.from, &g.t, g.timeout, true, ty, g.done)
	}
	g.sent++
	var at float64 // seconds since the start
	if g.l.Arrivals == Poisson {
		at = now.Sub(ty.start).Seconds() + g.rand.ExpFloat64()/g.l.Rate
	} else {
		// From the start, not from the last tick, so rounding never drifts.
		at = float64(g.sent) / g.l.Rate
	}
	ns := math.Round(at * float64(time.Second))
	if g.l.Duration > 0 && ns >= float64(g.l.Duration) || ns >= math.MaxInt64/2 {
		// The load is over, or its next request would fall beyond the
		// end of virtual time.
		ty.stopped = true
		return
	}
	next := ty.start.Add(time.Duration(ns))
	g.p.s.Background(next.Sub(now), "load", g.next)
}

// Counts are how many requests ended each way.
type Counts struct {
	Answered, Refused, TimedOut, Reset, Unresolved int
	// ServerErrors counts answers with a 5xx status; they are also among
	// Answered.
	ServerErrors int
}

// Total is the number of requests counted.
func (c Counts) Total() int { return c.Answered + c.Refused + c.TimedOut + c.Reset + c.Unresolved }

// Failed is the number of requests that did not get a successful answer:
// every outcome but Answered, plus answers with a 5xx status.
func (c Counts) Failed() int { return c.Total() - c.Answered + c.ServerErrors }

func (c *Counts) add(r *Response) {
	switch r.Outcome {
	case Answered:
		c.Answered++
		if r.Status >= 500 {
			c.ServerErrors++
		}
	case Refused:
		c.Refused++
	case TimedOut:
		c.TimedOut++
	case Reset:
		c.Reset++
	case Unresolved:
		c.Unresolved++
	}
}

// Count is the counts of one pod or one group.
type Count struct {
	Name string
	Counts
}

// Interval is one step of a load's series: the requests sent in
// [Start, Start+width), however and whenever they ended.
type Interval struct {
	Start cluster.Time
	Counts
	// Groups are the counts per group (see Load.GroupBy) of the requests
	// sent to a pod that was still there, sorted by name.
	Groups []Count
}

// Tally is a load's results, filled in as the simulation runs.
type Tally struct {
	// GroupBy is the label the load groups answers by; empty means image.
	GroupBy  string
	start    cluster.Time
	interval time.Duration
	total    Counts
	byPod    map[string]*Counts
	byGroup  map[string]*Counts
	series   []step
	notSent  int
	err      error
	inFlight int
	stopped  bool
}

type step struct {
	counts Counts
	groups map[string]*Counts
}

// add counts a response; rec is the pod record the connection reached,
// or nil.
func (t *Tally) add(r *Response, rec *podRec) {
	t.inFlight--
	t.total.add(r)
	i := int(r.Sent.Sub(t.start) / t.interval)
	for len(t.series) <= i {
		t.series = append(t.series, step{})
	}
	st := &t.series[i]
	st.counts.add(r)
	if r.Pod == "" {
		return // no pod was chosen
	}
	// A pod record lives as long as the pod's version, so what it caches
	// of its labels and counters stays right; without one, look them up.
	var tc *tallyCache
	if rec != nil && rec.key == r.Pod {
		tc = &rec.tally
		if tc.t != t {
			*tc = tallyCache{t: t, step: -1}
		}
	}
	if tc == nil {
		bump(t.byPod, r.Pod, r)
	} else {
		if tc.pod == nil {
			tc.pod = bump(t.byPod, r.Pod, nil)
		}
		tc.pod.add(r)
	}
	if r.Labels == nil && r.Image == "" {
		return // the pod was gone: nothing says which version it ran
	}
	g := r.Image
	if t.GroupBy != "" {
		if tc == nil {
			g = r.Labels[t.GroupBy]
		} else {
			if !tc.labelled {
				tc.label, tc.labelled = r.Labels[t.GroupBy], true
			}
			g = tc.label
		}
	}
	if st.groups == nil {
		st.groups = map[string]*Counts{}
	}
	if tc == nil {
		bump(t.byGroup, g, r)
		bump(st.groups, g, r)
		return
	}
	if tc.group == nil || tc.groupName != g {
		tc.groupName, tc.group, tc.step = g, bump(t.byGroup, g, nil), -1
	}
	tc.group.add(r)
	if tc.step != i {
		tc.step, tc.stepGroup = i, bump(st.groups, g, nil)
	}
	tc.stepGroup.add(r)
}

// tallyCache is where the last tally to count a pod's answers counts
// them, kept on the pod's record, so that a load finds a pod's counters
// without hashing names.
type tallyCache struct {
	t         *Tally
	pod       *Counts
	label     string // the pod's value of the tally's GroupBy label
	labelled  bool
	groupName string
	group     *Counts
	step      int // the series step stepGroup counts in
	stepGroup *Counts
}

// bump counts r (if not nil) in m's counts for k, made if need be, and
// returns them.
func bump(m map[string]*Counts, k string, r *Response) *Counts {
	c := m[k]
	if c == nil {
		c = &Counts{}
		m[k] = c
	}
	if r != nil {
		c.add(r)
	}
	return c
}

// Total returns the counts of every request that has ended.
func (t *Tally) Total() Counts { return t.total }

// InFlight returns how many requests have started and not yet ended.
func (t *Tally) InFlight() int { return t.inFlight }

// NotSent returns how many requests could not start because the client
// was gone (a pod deleted mid-load, say); Err says why the first did not.
func (t *Tally) NotSent() int { return t.notSent }

// Err returns why the first request that could not start did not, or nil.
func (t *Tally) Err() error { return t.err }

// Stop ends the load: no request starts after this, and those in flight
// still end and are counted.
func (t *Tally) Stop() { t.stopped = true }

// Done reports whether the load has stopped sending and every request it
// sent has ended.
func (t *Tally) Done() bool { return t.stopped && t.inFlight == 0 }

// Pods returns the counts per pod that connections were sent to, sorted
// by name: those that answered, and those that refused or had gone.
func (t *Tally) Pods() []Count { return sorted(t.byPod) }

// Groups returns the counts per group (see Load.GroupBy) of the requests
// sent to a pod that was still there, sorted by name.
func (t *Tally) Groups() []Count { return sorted(t.byGroup) }

// Series returns the counts per interval of sending time, from the load's
// start: one entry per interval, up to the latest interval in which a
// request that has ended was sent.
func (t *Tally) Series() []Interval {
	out := make([]Interval, len(t.series))
	for i, st := range t.series {
		out[i] = Interval{Start: t.start.Add(time.Duration(i) * t.interval), Counts: st.counts, Groups: sorted(st.groups)}
	}
	return out
}

func sorted(m map[string]*Counts) []Count {
	out := make([]Count, 0, len(m))
	for k, c := range m {
		out = append(out, Count{Name: k, Counts: *c})
	}
	slices.SortFunc(out, func(a, b Count) int { return strings.Compare(a.Name, b.Name) })
	return out
}

// WriteTable prints the series as a table, one row per interval: the time
// since the load started, how many of the requests sent in it have ended
// (SENT) and how, and each group's share of the answers, for example
//
//	TIME  SENT  OK   REFUSED  TIMEOUT  RESET  NOHOST  5XX  blue  green
//	0s    100   100  0        0        0      0       0    100%  0%
func (t *Tally) WriteTable(w io.Writer) error {
	if w == nil {
		return errors.New("proxy: WriteTable to a nil writer")
	}
	groups := t.Groups()
	tw := tabwriter.NewWriter(w, 0, 8, 2, ' ', 0)
	fmt.Fprint(tw, "TIME\tSENT\tOK\tREFUSED\tTIMEOUT\tRESET\tNOHOST\t5XX")
	for _, g := range groups {
		name := g.Name
		if name == "" {
			name = "<none>"
		}
		fmt.Fprint(tw, "\t"+name)
	}
	fmt.Fprintln(tw)
	for i, in := range t.Series() {
		c := in.Counts
		fmt.Fprintf(tw, "%s\t%d\t%d\t%d\t%d\t%d\t%d\t%d", time.Duration(i)*t.interval, c.Total(),
			c.Answered-c.ServerErrors, c.Refused, c.TimedOut, c.Reset, c.Unresolved, c.ServerErrors)
		for _, g := range groups {
			n := 0
			for _, x := range in.Groups {
				if x.Name == g.Name {
					n = x.Answered
				}
			}
			fmt.Fprintf(tw, "\t%s", percent(n, c.Answered))
		}
		fmt.Fprintln(tw)
	}
	return tw.Flush()
}

func percent(n, of int) string {
	if of == 0 {
		return "-"
	}
	return fmt.Sprintf("%d%%", int(math.Round(100*float64(n)/float64(of))))
}

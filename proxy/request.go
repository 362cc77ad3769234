package proxy

import (
	"errors"
	"fmt"
	"math/rand/v2"
	"net/netip"
	"strconv"
	"strings"
	"time"

	"github.com/svcsim/svcsim/cluster"
	"github.com/svcsim/svcsim/selector"
)

// DefaultTimeout is how long a client waits for an answer unless told
// otherwise: the lab's wget --timeout 5.
const DefaultTimeout = 5 * time.Second

// Request is one HTTP GET.
type Request struct {
	// From is where the request starts.
	From Client
	// URL is what to fetch, as wget takes it: "testweb", "http://web:8080/",
	// "web.other.svc.cluster.local/path", "10.96.0.10". The scheme may be
	// http or https (the default port follows it) or absent (http).
	URL string
	// Timeout is how long the client waits; 0 means DefaultTimeout.
	Timeout time.Duration
}

// Response is how one request ended.
type Response struct {
	// Outcome is how the request ended.
	Outcome Outcome
	// Status and Body are the app's answer; Status is 0 unless Answered.
	Status int
	Body   string
	// Pod is the pod that answered, or that the connection was sent to,
	// "namespace/name". Labels are its labels when the request arrived
	// (shared with other records: do not modify them) and Image the image
	// of the container that answered (or of its first container, if none
	// did); both are empty when the pod was already gone.
	Pod    string
	Labels selector.Set
	Image  string
	// Addr is the address the name resolved to, Service the Service whose
	// rule matched ("namespace/name", empty for a direct connection), and
	// IP and Port where the connection was finally sent.
	Addr    string
	Service string
	IP      string
	Port    int32
	// Sent and Done are when the request started and ended, in virtual time.
	Sent, Done cluster.Time
	// Err says why the name did not resolve, for Unresolved.
	Err string
}

// Latency is how long the request took.
func (r Response) Latency() time.Duration { return r.Done.Sub(r.Sent) }

// String sums the response up on one line, for example
// "200 from default/web-7d4b9 (10.244.1.3:80)" or
// "connection refused (default/testweb)".
func (r Response) String() string {
	switch r.Outcome {
	case Answered:
		return fmt.Sprintf("%d from %s (%s:%d)", r.Status, r.Pod, r.IP, r.Port)
	case Unresolved:
		return "no such host: " + r.Err
	}
	via := r.Service
	if via == "" {
		via = r.IP + ":" + strconv.Itoa(int(r.Port))
	}
	return r.Outcome.String() + " (" + via + ")"
}

// ErrInvalidURL is returned for a request whose URL is not one.
var ErrInvalidURL = errors.New("proxy: invalid URL")

// MaxTimeout is the longest a client may be told to wait: a day.
const MaxTimeout = 24 * time.Hour

// ErrInvalidTimeout is returned for a timeout that is negative or longer
// than MaxTimeout.
var ErrInvalidTimeout = errors.New("proxy: invalid timeout")

// target is a parsed URL.
type target struct {
	host string
	port int32
	path string
	ip   bool // host is an address, no lookup needed
}

func parseURL(u string) (target, error) {
	bad := func(why string) (target, error) {
		return target{}, fmt.Errorf("%w: %q: %s", ErrInvalidURL, u, why)
	}
	rest, port := u, int32(80)
	if i := strings.Index(rest, "://"); i >= 0 {
		switch strings.ToLower(rest[:i]) {
		case "http":
		case "https":
			port = 443
		default:
			return bad("the scheme must be http or https")
		}
		rest = rest[i+3:]
	}
	t := target{path: "/"}
	if i := strings.IndexAny(rest, "/?#"); i >= 0 {
		t.path = rest[i:]
		if t.path[0] != '/' {
			t.path = "/" + t.path
		}
		rest = rest[:i]
	}
	if strings.HasPrefix(rest, "[") {
		return bad("IPv6 addresses are not simulated")
	}
	if i := strings.IndexByte(rest, ':'); i >= 0 {
		digits := rest[i+1:]
		n, err := strconv.Atoi(digits)
		if err != nil || digits == "" || digits[0] < '0' || digits[0] > '9' || n < 1 || n > 65535 {
			return bad("the port must be a number between 1 and 65535")
		}
		port, rest = int32(n), rest[:i]
	}
	if rest == "" {
		return bad("no host")
	}
	if strings.ContainsAny(rest, " \t\r\n@") {
		return bad("the host contains a character hosts cannot have")
	}
	t.host, t.port = rest, port
	if a, err := netip.ParseAddr(rest); err == nil {
		if !a.Is4() {
			return bad("IPv6 addresses are not simulated")
		}
		t.ip = true
	}
	return t, nil
}

// Send starts req at the current virtual time and calls done from the loop
// when it ends: at once for a refusal, after the app's latency for an
// answer, after the timeout if nothing answers. A request whose URL,
// timeout or client is wrong is not sent: Send returns the error, and
// nothing changes. A nil done sends the request and forgets it.
func (p *Proxies) Send(req Request, done func(Response)) error {
	p.check()
	if done == nil {
		done = forget
	}
	t, err := parseURL(req.URL)
	if err != nil {
		return err
	}
	timeout, err := timeoutOf(req.Timeout)
	if err != nil {
		return err
	}
	o, err := p.find(req.From)
	if err != nil {
		return err
	}
	p.exchange(p.requestRand, o, &t, timeout, false, nil, done)
	return nil
}

// forget is the done of a request nobody waits for.
func forget(Response) {}

// Do sends req and runs the simulation until it ends, as a client that
// waits for its answer: virtual time moves on meanwhile, and whatever else
// is scheduled in that time happens. If a check installed with
// [cluster.Sim.Observe] fails meanwhile, Do stops there and returns its
// [*cluster.ObservedError].
func (p *Proxies) Do(req Request) (Response, error) {
	var resp Response
	got := false
	if err := p.Send(req, func(r Response) { resp, got = r, true }); err != nil {
		return Response{}, err
	}
	for !got && p.s.Step() {
	}
	if err := p.s.ObservedErr(); err != nil {
		return Response{}, err
	}
	return resp, nil
}

func timeoutOf(d time.Duration) (time.Duration, error) {
	switch {
	case d < 0 || d > MaxTimeout:
		return 0, fmt.Errorf("%w: %s must be between 0 and %s", ErrInvalidTimeout, d, MaxTimeout)
	case d == 0:
		return DefaultTimeout, nil
	}
	return d, nil
}

// exchange runs one request from o to t now and schedules its end, drawing
// what is random in it from rng. Its events are background work when idle
// is set (a load generator's), so that Settle does not wait for a load
// that never ends.
// A load's tally (nil for a lone request) counts the response before done
// is called with it.
func (p *Proxies) exchange(rng *rand.Rand, o origin, t *target, timeout time.Duration, idle bool, tally *Tally, done func(Response)) {
	c := p.call()
	now := p.s.Now()
	c.resp = Response{Sent: now, Addr: t.host}
	c.idle, c.done, c.timeout, c.tally = idle, done, timeout, tally
	if !t.ip {
		addr, why := p.resolve(rng, o, t.host)
		if why != "" {
			c.resp.Outcome, c.resp.Err = Unresolved, why
			c.end(0)
			return
		}
		c.resp.Addr = addr
	}
	cn := p.connect(rng, o.node, o.ip, c.resp.Addr, t.port)
	r := &c.resp
	r.Outcome, r.Service, r.IP, r.Port, r.Pod = cn.Outcome, cn.Service, cn.IP, cn.Port, cn.Pod
	c.rec = cn.rec
	if rec := cn.rec; rec != nil {
		r.Labels = rec.info.Labels
		if len(rec.containers) > 0 {
			r.Image = rec.containers[0].Image
		}
	}
	switch cn.Outcome {
	case Refused:
		c.end(0)
		return
	case TimedOut:
		c.end(timeout)
		return
	}
	rec, ctr := cn.rec, &cn.rec.containers[cn.ctr]
	r.Image = ctr.Image
	c.in = Incoming{Pod: rec.info, Container: ctr.Name, Image: ctr.Image,
		Host: t.host, Port: cn.Port, Path: t.path, Client: cn.src, Now: now, Rand: rng, rec: rec}
	serve := rec.apps[cn.ctr].Serve
	if serve == nil {
		serve = nameServe
	}
	reply := serve(&c.in)
	c.in = Incoming{}
	latency := max(reply.Latency, 0)
	if latency >= timeout {
		r.Outcome = TimedOut
		c.end(timeout)
		return
	}
	r.Status, r.Body = reply.Status, reply.Body
	if r.Status == 0 {
		r.Status = 200
	}
	// The answer arrives only if the process that accepted the connection
	// is still there to send it: check again when it is due.
	c.ref, c.started, c.checkAtEnd = cn.rec.ref, cn.rt.Started, true
	c.end(latency)
}

// call is one request in flight. Calls are recycled, with the event
// function bound once, so that a load of a million requests does not
// allocate for each.
type call struct {
	p       *Proxies
	resp    Response
	in      Incoming
	idle    bool
	done    func(Response)
	timeout time.Duration
	// tally counts the response, if a load sent it; rec is the pod the
	// connection reached, if any, which remembers where the tally counts
	// it.
	tally *Tally
	rec   *podRec
	// checkAtEnd asks, when the answer is due, whether the process that
	// accepted the connection (ref, started) is still there.
	checkAtEnd bool
	ref        cluster.RuntimeRef
	started    cluster.Time
	fire       func()
}

func (p *Proxies) call() *call {
	if n := len(p.free); n > 0 {
		c := p.free[n-1]
		p.free = p.free[:n-1]
		return c
	}
	c := &call{p: p}
	c.fire = c.finish
	return c
}

// end schedules the response d after it was sent.
func (c *call) end(d time.Duration) {
	c.resp.Done = c.resp.Sent.Add(d)
	in := c.resp.Done.Sub(c.p.s.Now())
	if c.idle {
		c.p.s.Background(in, "client", c.fire)
	} else {
		c.p.s.After(in, "client", c.fire)
	}
}

func (c *call) finish() {
	if c.checkAtEnd {
		c.checkAtEnd = false
		cur, ok := c.ref.Runtime()
		r := &c.resp
		switch {
		case ok && !cur.NodeUp:
			// The answer is lost with the node: the client waits it out.
			r.Outcome, r.Status, r.Body = TimedOut, 0, ""
			c.end(c.timeout)
			return
		case !ok || cur.Started != c.started || !cur.Running:
			r.Outcome, r.Status, r.Body = Reset, 0, ""
		}
	}
	done, resp, tally, rec := c.done, c.resp, c.tally, c.rec
	c.done, c.resp, c.tally, c.rec = nil, Response{}, nil, nil
	c.p.free = append(c.p.free, c)
	if tally != nil {
		tally.add(&resp, rec)
	}
	if done != nil {
		done(resp)
	}
}

// resolve turns a name into an address as the client's resolver would,
// or says why it cannot.
func (p *Proxies) resolve(rng *rand.Rand, o origin, name string) (string, string) {
	switch {
	case o.namespace == "":
		return "", "lookup " + name + ": the cluster DNS serves pods only; use an address"
	case p.opts.DNS == nil:
		return "", "lookup " + name + ": no cluster DNS is running"
	}
	ans, err := p.opts.DNS.LookupWith(o.namespace, name, rng)
	if err != nil {
		return "", err.Error()
	}
	if len(ans.IPs) == 0 {
		return "", "lookup " + name + ": no address"
	}
	return ans.IPs[0], ""
}

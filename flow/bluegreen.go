package flow

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/svcsim/svcsim"
	"github.com/svcsim/svcsim/cluster"
	"github.com/svcsim/svcsim/proxy"
	"github.com/svcsim/svcsim/selector"
)

// Switch is how a blue-green flow moves a Service from blue to green.
type Switch uint8

const (
	// ByLabel is the lab's way: the Service selects a label no template
	// carries; the flow adds it to every green pod, then removes it from
	// every blue pod. Pods created later (a replacement after a crash)
	// do not carry it, as in the lab.
	ByLabel Switch = iota
	// BySelector is the book's way: the flow sets the Service's selector
	// to the green Deployment's matchLabels.
	BySelector
)

// String returns "ByLabel" or "BySelector".
func (s Switch) String() string {
	switch s {
	case ByLabel:
		return "ByLabel"
	case BySelector:
		return "BySelector"
	}
	return fmt.Sprintf("Switch(%d)", uint8(s))
}

// DefaultScaleDownDelay is how long blue keeps running after the switch
// unless told otherwise: Argo Rollouts' scaleDownDelaySeconds default.
const DefaultScaleDownDelay = 30 * time.Second

// BlueGreen moves a Service's traffic from one Deployment (blue) to
// another (green) and then scales blue to zero, as Argo Rollouts'
// blue-green strategy does with two ReplicaSets. Both Deployments and the
// Service must exist in Namespace; green is scaled to blue's replica count
// first if it has none.
type BlueGreen struct {
	// Namespace holds everything; empty means "default".
	Namespace string
	// Service is the Service whose traffic moves.
	Service string
	// Blue and Green name the Deployments: the one serving now and the
	// one to serve next.
	Blue, Green string
	// Switch is how the Service is moved; ByLabel by default.
	Switch Switch
	// WaitForProxies makes the flow wait, after each change to what the
	// Service selects, until every node's kube-proxy routes to exactly
	// the pods it should, before going on: blue is removed only when no
	// node sends it traffic.
	WaitForProxies bool
	// ScaleDownDelay is how long blue keeps running after the switch
	// (Argo Rollouts' scaleDownDelaySeconds); 0 means
	// DefaultScaleDownDelay, negative scales blue down at once.
	ScaleDownDelay time.Duration
	// LabelGap is, for ByLabel, how long after labelling green the flow
	// takes the label from blue (after waiting for the proxies, if asked):
	// the time a person takes to type the lab's next command. 0 does both
	// at the same instant.
	LabelGap time.Duration
	// KeepBlue leaves blue running after the switch, for a Rollback
	// later; ScaleDownDelay is then unused.
	KeepBlue bool
	// Load, if set, is started when the flow starts and runs throughout;
	// the flow ends when it does (an endless one is stopped when the
	// flow is done), and the Report carries its Tally.
	Load *proxy.Load
	// Timeout bounds each wait in virtual time; 0 means DefaultTimeout.
	Timeout time.Duration
}

// Report is what a flow did and what its load saw.
type Report struct {
	// Events is the flow's timeline.
	Events []Event
	// Switched is when the Service began to select green; Removed when
	// blue was scaled to zero (zero with KeepBlue).
	Switched, Removed cluster.Time
	// StaleAtRemoval names the nodes whose kube-proxy still sent the
	// Service's traffic to a blue pod when blue was scaled down: the
	// nodes whose clients may lose requests, unless the pods outlive the
	// proxies' lag (a preStop sleep).
	StaleAtRemoval []string
	// Tally is the load's outcome per interval, per pod and per version;
	// nil without a load.
	Tally *proxy.Tally
}

// Run carries the flow out on c: it scales green up if it has no
// replicas and waits until it is available, switches the Service to it,
// waits for the proxies if asked, waits ScaleDownDelay and scales blue to
// zero, then waits until blue's pods are gone and the load has ended. A
// configuration it cannot run returns an error wrapping ErrInvalid and
// changes nothing; a wait that exceeds Timeout returns one wrapping
// ErrTimeout with the report so far.
func (bg BlueGreen) Run(c *svcsim.Cluster) (Report, error) {
	p, err := bg.plan(c)
	if err != nil {
		return Report{}, err
	}
	err = p.do()
	p.rep.Events = p.events
	return p.rep, err
}

// Rollback moves the Service back from green to blue: Run with the roles
// swapped, so blue is scaled back up first if it was removed, and green is
// scaled down after the delay (or kept, with KeepBlue).
func (bg BlueGreen) Rollback(c *svcsim.Cluster) (Report, error) {
	bg.Blue, bg.Green = bg.Green, bg.Blue
	return bg.Run(c)
}

// bgPlan is a validated BlueGreen about to run.
type bgPlan struct {
	*run
	bg                BlueGreen
	svc               *cluster.Service
	blue, green       *cluster.Deployment
	blueSel, greenSel selector.Selector
	rep               Report
}

// plan checks everything Run needs before anything changes.
func (bg BlueGreen) plan(c *svcsim.Cluster) (*bgPlan, error) {
	r, err := newRun(c, bg.Namespace, bg.Timeout)
	if err != nil {
		return nil, err
	}
	p := &bgPlan{run: r, bg: bg}
	if bg.Blue == "" || bg.Green == "" || bg.Blue == bg.Green {
		return nil, fmt.Errorf("%w: blue %q and green %q must name two different deployments", ErrInvalid, bg.Blue, bg.Green)
	}
	if p.svc, err = r.service(bg.Service); err != nil {
		return nil, err
	}
	if p.blue, p.blueSel, err = r.deployment(bg.Blue); err != nil {
		return nil, err
	}
	if p.green, p.greenSel, err = r.deployment(bg.Green); err != nil {
		return nil, err
	}
	if replicas(p.blue) == 0 && replicas(p.green) == 0 {
		return nil, fmt.Errorf("%w: neither %s nor %s has replicas to switch to", ErrInvalid, bg.Blue, bg.Green)
	}
	if err := validDuration("label gap", bg.LabelGap); err != nil {
		return nil, err
	}
	switch bg.Switch {
	case ByLabel:
		sel := p.svc.Spec.Selector
		if len(sel) == 0 {
			return nil, fmt.Errorf("%w: service %s selects no label to add to green pods", ErrInvalid, bg.Service)
		}
		for _, d := range []*cluster.Deployment{p.blue, p.green} {
			if k := sharedKey(sel, d.Spec.Selector); k != "" {
				return nil, fmt.Errorf("%w: service %s's label %q is also in deployment %s's selector: relabelling would take pods from it", ErrInvalid, bg.Service, k, d.Name)
			}
		}
	case BySelector:
		if len(p.green.Spec.Selector.MatchExpressions) > 0 || len(p.green.Spec.Selector.MatchLabels) == 0 {
			return nil, fmt.Errorf("%w: deployment %s's selector must be matchLabels only to become a Service's selector", ErrInvalid, bg.Green)
		}
	default:
		return nil, fmt.Errorf("%w: unknown switch %s", ErrInvalid, bg.Switch)
	}
	if bg.Load != nil {
		if p.rep.Tally, err = r.startLoad(bg.Load); err != nil {
			return nil, err
		}
	}
	return p, nil
}

// sharedKey returns a key of sel that ls also constrains, or "".
func sharedKey(sel selector.Set, ls *selector.LabelSelector) string {
	keys := make([]string, 0, len(sel))
	for k := range sel {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	for _, k := range keys {
		if _, ok := ls.MatchLabels[k]; ok {
			return k
		}
		for _, e := range ls.MatchExpressions {
			if e.Key == k {
				return k
			}
		}
	}
	return ""
}

func (p *bgPlan) do() error {
	bg := p.bg
	if replicas(p.green) == 0 {
		n := replicas(p.blue)
		if err := p.k.Scale(cluster.KindDeployment, bg.Green, n); err != nil {
			return err
		}
		p.log("scaled deployment %s to %d", bg.Green, n)
	}
	if err := p.until("deployment "+bg.Green+" to be available", func() bool { return p.available(bg.Green) }); err != nil {
		return err
	}
	p.log("deployment %s available", bg.Green)
	if err := p.switchOver(); err != nil {
		return err
	}
	if !bg.KeepBlue {
		if err := p.removeBlue(); err != nil {
			return err
		}
	}
	return p.finishLoad(bg.Load, p.rep.Tally)
}

// switchOver makes the Service select green rather than blue.
func (p *bgPlan) switchOver() error {
	bg := p.bg
	if bg.Switch == BySelector {
		svc := p.svc.DeepCopyObject().(*cluster.Service)
		svc.Spec.Selector = selector.Set(p.green.Spec.Selector.MatchLabels).Clone()
		if _, err := p.c.Update(svc); err != nil {
			return err
		}
		p.rep.Switched = p.c.Now()
		p.log("service %s selects %s", bg.Service, svc.Spec.Selector)
		return p.waitProxies(p.greenSel)
	}
	var add, remove []string
	for _, k := range sortedKeys(p.svc.Spec.Selector) {
		add = append(add, k+"="+p.svc.Spec.Selector[k])
		remove = append(remove, k+"-")
	}
	add = append(add, "--overwrite")
	for _, name := range p.podNames(p.greenSel) {
		if err := p.k.Label(cluster.KindPod, name, add...); err != nil {
			return err
		}
	}
	p.rep.Switched = p.c.Now()
	p.log("labelled %s's pods %s", bg.Green, strings.Join(add[:len(add)-1], ","))
	if bg.WaitForProxies {
		// Every node routes to green (and still to blue) before blue
		// leaves, so no node's rule is ever empty.
		if err := p.until("every proxy to route to "+bg.Green, func() bool {
			return p.routedExactly(p.svc, union(p.pods(p.greenSel, true), p.pods(p.blueSel, true), p.svc.Spec.Selector, p))
		}); err != nil {
			return err
		}
		p.log("every proxy routes to %s", bg.Green)
	}
	if bg.LabelGap > 0 {
		if err := p.c.RunFor(bg.LabelGap); err != nil {
			return err
		}
	}
	// Blue pods lose the label; any that never had it are left alone.
	svcSel := selector.FromValidatedSet(p.svc.Spec.Selector)
	for _, pod := range cluster.ListAs[*cluster.Pod](p.c.Sim, p.ns, p.blueSel) {
		if !svcSel.Matches(pod.Labels) {
			continue
		}
		if err := p.k.Label(cluster.KindPod, pod.Name, remove...); err != nil {
			return err
		}
	}
	p.log("removed %s from %s's pods", strings.Join(remove, ","), bg.Blue)
	return p.waitProxies(p.greenSel)
}

// union is the ready green pods and those blue pods that the Service's
// selector still matches: what the proxies should route to while both
// carry the label.
func union(green, blue []string, svcSel selector.Set, p *bgPlan) []string {
	sel := selector.FromValidatedSet(svcSel)
	out := slices.Clone(green)
	for _, k := range blue {
		_, name, _ := strings.Cut(k, "/")
		if pod, ok := cluster.GetAs[*cluster.Pod](p.c.Sim, p.ns, name); ok && sel.Matches(pod.Labels) {
			out = append(out, k)
		}
	}
	slices.Sort(out)
	return out
}

// waitProxies waits, if asked, until every node routes only to the ready
// pods sel matches.
func (p *bgPlan) waitProxies(sel selector.Selector) error {
	if !p.bg.WaitForProxies {
		return nil
	}
	if err := p.until("every proxy to route only to "+p.bg.Green, func() bool {
		return p.routedExactly(p.svc, p.pods(sel, true))
	}); err != nil {
		return err
	}
	p.log("every proxy routes only to %s", p.bg.Green)
	return nil
}

// removeBlue waits the scale-down delay and scales blue to zero.
func (p *bgPlan) removeBlue() error {
	bg := p.bg
	delay := bg.ScaleDownDelay
	if delay == 0 {
		delay = DefaultScaleDownDelay
	}
	if delay > 0 {
		if err := p.c.RunFor(delay); err != nil {
			return err
		}
	}
	bluePods := p.pods(p.blueSel, false)
	p.rep.StaleAtRemoval = p.staleNodes(p.svc, bluePods)
	if err := p.k.Scale(cluster.KindDeployment, bg.Blue, 0); err != nil {
		return err
	}
	p.rep.Removed = p.c.Now()
	if len(p.rep.StaleAtRemoval) > 0 {
		p.log("scaled deployment %s to 0 while %s still routed to it", bg.Blue, strings.Join(p.rep.StaleAtRemoval, ","))
	} else {
		p.log("scaled deployment %s to 0", bg.Blue)
	}
	if err := p.until("deployment "+bg.Blue+"'s pods to be gone", func() bool {
		return len(p.podNames(p.blueSel)) == 0
	}); err != nil {
		return err
	}
	p.log("deployment %s's pods are gone", bg.Blue)
	return nil
}

func sortedKeys(s selector.Set) []string {
	keys := make([]string, 0, len(s))
	for k := range s {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

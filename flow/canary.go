package flow

import (
	"fmt"
	"math"
	"slices"
	"time"

	"github.com/svcsim/svcsim"
	"github.com/svcsim/svcsim/cluster"
	"github.com/svcsim/svcsim/proxy"
	"github.com/svcsim/svcsim/selector"
)

// CanaryStep is one step of a canary: the canary's share of the replicas,
// and how long to hold it.
type CanaryStep struct {
	// Weight is the canary's percentage of the replicas, 0 to 100.
	Weight int32
	// Pause is how long the step is held, in virtual time, once both
	// Deployments have their counts and every proxy routes to them.
	Pause time.Duration
}

// Canary runs a stable and a canary Deployment behind one Service and
// moves replicas from one to the other step by step, as Argo Rollouts'
// canary strategy does without a traffic router: each step's weight is
// realised as replica counts (see [CanaryReplicas]), so the canary's share
// of the traffic is its share of the ready endpoints. After the last step
// the canary is promoted (all replicas canary, none stable); a step whose
// error rate exceeds MaxErrorRate aborts instead (all replicas stable).
type Canary struct {
	// Namespace holds everything; empty means "default".
	Namespace string
	// Service must select the pods of both Deployments.
	Service string
	// Stable and Canary name the Deployments.
	Stable, Canary string
	// Replicas is the total the two share; 0 means the sum of their
	// replicas when the flow starts.
	Replicas int32
	// MaxSurge is how many pods above Replicas a step may use to come
	// closer to its weight; nil means Argo Rollouts' default, 25% of
	// Replicas rounded up.
	MaxSurge *int32
	// Steps are carried out in order.
	Steps []CanaryStep
	// MaxErrorRate, between 0 and 1, aborts the canary when the share of
	// the load's requests sent during a step that failed exceeds it;
	// 0 never aborts. It needs a Load.
	MaxErrorRate float64
	// Load, if set, runs throughout, as for [BlueGreen].
	Load *proxy.Load
	// Timeout bounds each wait in virtual time; 0 means DefaultTimeout.
	Timeout time.Duration
}

// StepReport is what one canary step did and what the load saw of it.
type StepReport struct {
	// Weight is the step's weight; Canary and Stable its replica counts.
	Weight         int32
	Canary, Stable int32
	// Abort marks the step the flow added to return traffic to stable.
	Abort bool
	// Start is when the step began to scale, Settled when every proxy
	// routed to exactly its pods, End when its pause ended.
	Start, Settled, End cluster.Time
	// All counts the requests sent from Start to End (those that have
	// ended), Held those sent from Settled to End; CanaryAnswers and
	// StableAnswers split Held's successful answers by Deployment.
	All, Held                    proxy.Counts
	CanaryAnswers, StableAnswers int

	settled, ended bool
}

// CanaryShare is the canary's share of the answers while the step was
// held, or NaN without any.
func (s StepReport) CanaryShare() float64 {
	n := s.CanaryAnswers + s.StableAnswers
	if n == 0 {
		return math.NaN()
	}
	return float64(s.CanaryAnswers) / float64(n)
}

// ReplicaShare is the canary's share of the step's replicas.
func (s StepReport) ReplicaShare() float64 {
	if s.Canary+s.Stable == 0 {
		return math.NaN()
	}
	return float64(s.Canary) / float64(s.Canary+s.Stable)
}

// ErrorRate is the share of the step's requests that failed, 0 without
// any.
func (s StepReport) ErrorRate() float64 {
	if s.All.Total() == 0 {
		return 0
	}
	return float64(s.All.Failed()) / float64(s.All.Total())
}

// CanaryReport is what a canary flow did.
type CanaryReport struct {
	// Events is the flow's timeline.
	Events []Event
	// Steps are the steps carried out, the promotion (weight 100) or the
	// abort (weight 0, Abort set) last.
	Steps []StepReport
	// Aborted is set when a step's error rate exceeded MaxErrorRate.
	Aborted bool
	// Tally is the load's, nil without one.
	Tally *proxy.Tally
}

// CanaryReplicas returns the canary and stable replica counts that come
// closest to weight percent of total, as Argo Rollouts computes them for
// a canary without a traffic router: the canary count is the weighted
// count rounded up or down, over total or (when maxSurge > 0) total+1 pods,
// whichever share is nearest the weight, the rounded-up one on a tie; a
// weight from 1 to 99 never leaves either side at zero unless total is 1
// and maxSurge is 0. Weights outside 0..100 are clamped; a total of 0 or
// less gives 0, 0.
func CanaryReplicas(total, weight, maxSurge int32) (canary, stable int32) {
	if total <= 0 {
		return 0, 0
	}
	weight = min(max(weight, 0), 100)
	exact := float64(total) * float64(weight) / 100
	ceil, floor := int32(math.Ceil(exact)), int32(math.Floor(exact))
	half := func(n int32) bool {
		_, f := math.Modf(float64(n) * float64(weight) / 100)
		return f == 0.5
	}
	zeroOK := weight == 0 || weight == 100 || total == 1 && maxSurge == 0
	type option struct{ canary, total int32 }
	var opts []option
	if ceil < total || zeroOK {
		opts = append(opts, option{ceil, total})
	}
	if !half(total) && (floor != 0 || zeroOK) {
		opts = append(opts, option{floor, total})
	}
	if maxSurge > 0 {
		opts = append(opts, option{ceil, total + 1})
		if !half(total+1) && (floor != 0 || zeroOK) {
			opts = append(opts, option{floor, total + 1})
		}
	}
	if len(opts) == 0 {
		return 0, total
	}
	delta := func(o option) float64 { return math.Abs(float64(o.canary)*100/float64(o.total) - float64(weight)) }
	best := opts[0]
	for _, o := range opts[1:] {
		if delta(o) < delta(best) {
			best = o
		}
	}
	return best.canary, best.total - best.canary
}

// canaryPlan is a validated Canary about to run.
type canaryPlan struct {
	*run
	cn                   Canary
	svc                  *cluster.Service
	stableSel, canarySel selector.Selector
	total, surge         int32
	rep                  CanaryReport
}

// Run carries the canary out on c. A configuration it cannot run returns
// an error wrapping ErrInvalid and changes nothing; a wait that exceeds
// Timeout returns one wrapping ErrTimeout with the report so far.
func (cn Canary) Run(c *svcsim.Cluster) (CanaryReport, error) {
	p, err := cn.plan(c)
	if err != nil {
		return CanaryReport{}, err
	}
	err = p.do()
	p.rep.Events = p.events
	return p.rep, err
}

func (cn Canary) plan(c *svcsim.Cluster) (*canaryPlan, error) {
	r, err := newRun(c, cn.Namespace, cn.Timeout)
	if err != nil {
		return nil, err
	}
	p := &canaryPlan{run: r, cn: cn}
	if cn.Stable == "" || cn.Canary == "" || cn.Stable == cn.Canary {
		return nil, fmt.Errorf("%w: stable %q and canary %q must name two different deployments", ErrInvalid, cn.Stable, cn.Canary)
	}
	if p.svc, err = r.service(cn.Service); err != nil {
		return nil, err
	}
	stable, stableSel, err := r.deployment(cn.Stable)
	if err != nil {
		return nil, err
	}
	canary, canarySel, err := r.deployment(cn.Canary)
	if err != nil {
		return nil, err
	}
	p.stableSel, p.canarySel = stableSel, canarySel
	svcSel := selector.FromValidatedSet(p.svc.Spec.Selector)
	for _, d := range []*cluster.Deployment{stable, canary} {
		if len(p.svc.Spec.Selector) == 0 || !svcSel.Matches(selector.Set(d.Spec.Template.Labels)) {
			return nil, fmt.Errorf("%w: service %s does not select deployment %s's pods", ErrInvalid, cn.Service, d.Name)
		}
	}
	p.total = cn.Replicas
	switch {
	case cn.Replicas < 0:
		return nil, fmt.Errorf("%w: replicas %d must not be negative", ErrInvalid, cn.Replicas)
	case cn.Replicas == 0:
		p.total = replicas(stable) + replicas(canary)
	}
	if p.total == 0 {
		return nil, fmt.Errorf("%w: no replicas to share between %s and %s", ErrInvalid, cn.Stable, cn.Canary)
	}
	if cn.MaxSurge == nil {
		p.surge = (p.total + 3) / 4
	} else if p.surge = *cn.MaxSurge; p.surge < 0 {
		return nil, fmt.Errorf("%w: max surge %d must not be negative", ErrInvalid, p.surge)
	}
	for i, s := range cn.Steps {
		if s.Weight < 0 || s.Weight > 100 {
			return nil, fmt.Errorf("%w: step %d: weight %d must be between 0 and 100", ErrInvalid, i, s.Weight)
		}
		if err := validDuration(fmt.Sprintf("step %d: pause", i), s.Pause); err != nil {
			return nil, err
		}
	}
	if !(cn.MaxErrorRate >= 0 && cn.MaxErrorRate <= 1) {
		return nil, fmt.Errorf("%w: max error rate %v must be between 0 and 1", ErrInvalid, cn.MaxErrorRate)
	}
	if cn.MaxErrorRate > 0 && cn.Load == nil {
		return nil, fmt.Errorf("%w: a max error rate needs a load to measure it", ErrInvalid)
	}
	if cn.Load != nil {
		l := *cn.Load
		user := l.OnResponse
		l.OnResponse = func(resp proxy.Response) {
			p.count(resp)
			if user != nil {
				user(resp)
			}
		}
		if p.rep.Tally, err = r.startLoad(&l); err != nil {
			return nil, err
		}
	}
	return p, nil
}

// count adds a response to the step it was sent in.
func (p *canaryPlan) count(resp proxy.Response) {
	steps := p.rep.Steps
	i := len(steps) - 1
	for i >= 0 && resp.Sent < steps[i].Start {
		i--
	}
	if i < 0 {
		return
	}
	s := &steps[i]
	add(&s.All, resp)
	if !s.settled || resp.Sent < s.Settled || s.ended && resp.Sent >= s.End {
		return
	}
	add(&s.Held, resp)
	if resp.Outcome != proxy.Answered || resp.Status >= 500 || resp.Labels == nil {
		return
	}
	switch {
	case p.canarySel.Matches(resp.Labels):
		s.CanaryAnswers++
	case p.stableSel.Matches(resp.Labels):
		s.StableAnswers++
	}
}

// add counts one response in c.
func add(c *proxy.Counts, r proxy.Response) {
	switch r.Outcome {
	case proxy.Answered:
		c.Answered++
		if r.Status >= 500 {
			c.ServerErrors++
		}
	case proxy.Refused:
		c.Refused++
	case proxy.TimedOut:
		c.TimedOut++
	case proxy.Reset:
		c.Reset++
	case proxy.Unresolved:
		c.Unresolved++
	}
}

func (p *canaryPlan) do() error {
	for i, s := range p.cn.Steps {
		if err := p.step(s.Weight, s.Pause, false); err != nil {
			return err
		}
		last := p.rep.Steps[len(p.rep.Steps)-1]
		if p.cn.MaxErrorRate > 0 && last.ErrorRate() > p.cn.MaxErrorRate {
			p.log("step %d: error rate %.3f exceeds %.3f: aborting", i, last.ErrorRate(), p.cn.MaxErrorRate)
			p.rep.Aborted = true
			if err := p.step(0, s.Pause, true); err != nil {
				return err
			}
			return p.finishLoad(p.cn.Load, p.rep.Tally)
		}
	}
	if err := p.step(100, 0, false); err != nil {
		return err
	}
	p.log("promoted %s", p.cn.Canary)
	return p.finishLoad(p.cn.Load, p.rep.Tally)
}

// step scales to weight (the growing side first, so the Service never
// has fewer pods than the smaller count), waits until every proxy routes
// to exactly the ready pods of both, and holds for pause.
func (p *canaryPlan) step(weight int32, pause time.Duration, abort bool) error {
	canary, stable := CanaryReplicas(p.total, weight, p.surge)
	if abort {
		canary, stable = 0, p.total
	}
	p.rep.Steps = append(p.rep.Steps, StepReport{Weight: weight, Canary: canary, Stable: stable, Abort: abort, Start: p.c.Now()})
	p.log("step weight %d%%: %s %d, %s %d", weight, p.cn.Canary, canary, p.cn.Stable, stable)
	type target struct {
		name string
		n    int32
	}
	order := []target{{p.cn.Canary, canary}, {p.cn.Stable, stable}}
	if d, ok := cluster.GetAs[*cluster.Deployment](p.c.Sim, p.ns, p.cn.Canary); ok && replicas(d) > canary {
		order[0], order[1] = order[1], order[0]
	}
	for _, t := range order {
		if err := p.k.Scale(cluster.KindDeployment, t.name, t.n); err != nil {
			return err
		}
		if err := p.until("deployment "+t.name+" to be available", func() bool { return p.available(t.name) }); err != nil {
			return err
		}
	}
	if err := p.until("every proxy to route to the step's pods", func() bool {
		return p.routedExactly(p.svc, union2(p.pods(p.canarySel, true), p.pods(p.stableSel, true)))
	}); err != nil {
		return err
	}
	cur := &p.rep.Steps[len(p.rep.Steps)-1]
	cur.Settled, cur.settled = p.c.Now(), true
	if err := p.c.RunFor(pause); err != nil {
		return err
	}
	cur = &p.rep.Steps[len(p.rep.Steps)-1]
	cur.End, cur.ended = p.c.Now(), true
	return nil
}

// union2 merges two sorted lists of pod keys.
func union2(a, b []string) []string {
	out := append(append([]string(nil), a...), b...)
	slices.Sort(out)
	return out
}

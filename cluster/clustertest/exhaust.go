package clustertest

import (
	"fmt"
	"math"
	"math/rand/v2"
	"strings"
	"time"

	svcsim "github.com/svcsim/svcsim"
	"github.com/svcsim/svcsim/cluster"
)

// Exhaustive exploration of small worlds. Sampling (rapid, seeds) finds the
// orders of concurrent deliveries that are likely; for a small scenario we
// can instead visit every one. The order in which two watch deliveries land
// is decided by the lags their watchers draw, so a world is fixed by which
// lag each delivery gets. Exhaust gives each of the first deliveries after
// the setup the earliest or the latest lag its watcher can draw (0 or the
// window), and runs the scenario once per combination, each time from
// scratch: a depth-first search over the sequence of choices, as stateless
// model checkers do. A delivery whose choice changes which deliveries come
// next is handled naturally, since each run records the choices it made.

// DefaultMaxChoices is how many deliveries per world [Exhaust] chooses a lag
// for when ExhaustOptions.MaxChoices is 0: at most 2^8 worlds.
const DefaultMaxChoices = 8

// MaxExhaustChoices bounds ExhaustOptions.MaxChoices: 2^20 worlds is more
// than any test can afford.
const MaxExhaustChoices = 20

// ExhaustOptions describes a small world for [Exhaust] to explore.
type ExhaustOptions struct {
	// Setup builds the world before exploration begins (objects, a first
	// settle); every delivery in it takes the earliest lag and none is a
	// choice, so every world starts from the same state. Nil does nothing.
	Setup func(c *svcsim.Cluster) error
	// Scenario is the part whose delivery orders are explored; it returns
	// an error when an invariant fails in that world. Required.
	Scenario func(c *svcsim.Cluster) error
	// Window, when positive, makes every lag of the configuration's Timing
	// (Watch, Scheduler, Kubelet, Controllers) Uniform{0, Window}, so each
	// chosen delivery lands at once or Window later. Zero keeps the
	// configuration's own lags and chooses between their extremes; a
	// Fixed lag draws nothing, so its deliveries are no choice.
	Window time.Duration
	// Choose says which random streams' draws are choices, by name (a
	// watcher's is "watch <watcher> <n>", such as "watch
	// kube-proxy/node-1 0"); the others keep their seeded streams (or
	// the configuration's Source). Nil means every watcher's lag stream.
	// Choosing only the watchers that matter (the endpoints controller's
	// and the proxies', say) spends MaxChoices where orders differ.
	Choose func(stream string) bool
	// MaxChoices is how many draws per world, after Setup, are choices;
	// later draws take the earliest lag. 0 means DefaultMaxChoices; at most
	// MaxExhaustChoices.
	MaxChoices int
}

// Choice is one delivery's lag in an explored world.
type Choice struct {
	Stream string       // the random stream drawn from, named as in Choose
	At     cluster.Time // when the change it delivers happened
	Late   bool         // the latest lag, rather than the earliest
}

// String renders the choice as "<stream> at <time>: late" (or "prompt").
func (c Choice) String() string {
	when := "prompt"
	if c.Late {
		when = "late"
	}
	return fmt.Sprintf("%s at %s: %s", c.Stream, c.At, when)
}

// ExhaustResult is what [Exhaust] explored.
type ExhaustResult struct {
	// Explored counts the worlds run, and Distinct the different runs
	// among them by [cluster.Sim.Digest]: orders that differ in
	// something the trace records.
	Explored, Distinct int
	// Truncated counts the worlds that drew more than MaxChoices times
	// after Setup: their later deliveries were not explored.
	Truncated int
	// MostChoices is the largest number of choices a world made.
	MostChoices int
}

// WorldError is the error [Exhaust] returns when Scenario fails in some
// world: that world's choices, in the order they were drawn, the failure,
// and the cluster as the failure left it (print its trace with [Report]).
type WorldError struct {
	World   int // the world's number, from 1, in the order explored
	Choices []Choice
	Err     error
	Cluster *svcsim.Cluster
}

// Error names the failure and the deliveries that were late in its world.
func (e *WorldError) Error() string {
	var late []string
	for _, c := range e.Choices {
		if c.Late {
			late = append(late, c.Stream+" at "+c.At.String())
		}
	}
	order := "every chosen delivery prompt"
	if len(late) > 0 {
		order = "late: " + strings.Join(late, ", ") + "; the other " + fmt.Sprint(len(e.Choices)-len(late)) + " chosen deliveries prompt"
	}
	return fmt.Sprintf("clustertest: world %d (%s): %v", e.World, order, e.Err)
}

// Unwrap returns the scenario's error.
func (e *WorldError) Unwrap() error { return e.Err }

// Exhaust runs opts.Scenario once for every combination of early and late
// lags of the first MaxChoices deliveries after opts.Setup, each time on a
// new cluster built from cfg (whose Source then feeds only the streams
// not chosen), and stops at the
// first world in which it fails, returning a [*WorldError] that names the
// late deliveries. It returns the worlds explored so far in either case.
// Bad options return an error wrapping ErrBadArgument and run nothing; an
// error from svcsim.New or Setup is returned as it is.
//
// The worlds number at most 2^MaxChoices, each a whole run, so keep the
// scenario small (a few pods, two nodes) and deepen the search with
// MaxChoices only in longer runs.
func Exhaust(cfg svcsim.Config, opts ExhaustOptions) (ExhaustResult, error) {
	var res ExhaustResult
	switch {
	case opts.Scenario == nil:
		return res, fmt.Errorf("%w: Exhaust needs a Scenario", ErrBadArgument)
	case opts.Window < 0:
		return res, fmt.Errorf("%w: Exhaust window %s is negative", ErrBadArgument, opts.Window)
	case opts.MaxChoices < 0 || opts.MaxChoices > MaxExhaustChoices:
		return res, fmt.Errorf("%w: Exhaust MaxChoices %d is not in [0, %d]", ErrBadArgument, opts.MaxChoices, MaxExhaustChoices)
	}
	k := opts.MaxChoices
	if k == 0 {
		k = DefaultMaxChoices
	}
	choose := opts.Choose
	if choose == nil {
		choose = func(name string) bool { return strings.HasPrefix(name, "watch ") }
	}
	if opts.Window > 0 {
		w := cluster.Uniform{Max: opts.Window}
		cfg.Timing.Watch, cfg.Timing.Scheduler, cfg.Timing.Kubelet, cfg.Timing.Controllers = w, w, w, w
	}
	user := cfg.Source
	seen := map[string]bool{}
	var script []bool // the choices the next world makes first
	for {
		x := &explorer{script: script, max: k}
		cfg.Source = func(name string) rand.Source {
			if !choose(name) {
				if user != nil {
					return user(name)
				}
				return nil
			}
			return &choiceSource{x: x, name: name}
		}
		c, err := svcsim.New(cfg)
		if err != nil {
			return res, err
		}
		x.sim = c.Sim
		if opts.Setup != nil {
			if err := opts.Setup(c); err != nil {
				return res, err
			}
		}
		x.armed = true
		err = opts.Scenario(c)
		res.Explored++
		if !seen[c.Digest()] {
			seen[c.Digest()] = true
			res.Distinct++
		}
		if x.truncated {
			res.Truncated++
		}
		res.MostChoices = max(res.MostChoices, len(x.made))
		if err != nil {
			return res, &WorldError{World: res.Explored, Choices: x.made, Err: err, Cluster: c}
		}
		// Next world: the last prompt choice made late, those after it
		// dropped (they may not even be drawn any more).
		i := len(x.made) - 1
		for i >= 0 && x.made[i].Late {
			i--
		}
		if i < 0 {
			return res, nil
		}
		script = make([]bool, i+1)
		for j := range i {
			script[j] = x.made[j].Late
		}
		script[i] = true
	}
}

// explorer scripts one world's choices and records them.
type explorer struct {
	sim       *cluster.Sim
	script    []bool
	max       int
	armed     bool
	truncated bool
	made      []Choice
}

// Values a choice draws: with Uint64N's multiply-shift method (and Uniform,
// which uses it), 1 maps to the bottom of any range without a redraw, and
// the largest value to the top. A range whose width is a power of two
// masks instead: 1 is then 1 ns above its bottom, close enough.
const (
	earliest = 1
	latest   = math.MaxUint64
)

func (x *explorer) draw(stream string) uint64 {
	if !x.armed {
		return earliest
	}
	if len(x.made) >= x.max {
		x.truncated = true
		return earliest
	}
	n := len(x.made)
	late := n < len(x.script) && x.script[n]
	x.made = append(x.made, Choice{Stream: stream, At: x.sim.Now(), Late: late})
	if late {
		return latest
	}
	return earliest
}

// choiceSource is one stream's view of the explorer.
type choiceSource struct {
	x    *explorer
	name string
}

// Uint64 returns the next scripted choice.
func (s *choiceSource) Uint64() uint64 { return s.x.draw(s.name) }

package clustertest

import (
	"math/rand/v2"

	"pgregory.net/rapid"
)

// RapidSource returns a [cluster.Config.Source] (also svcsim.Config's)
// that feeds every random stream of the simulation from t's data: each
// uint64 a stream draws is a rapid.Uint64 drawn from t, labelled with the
// stream's name. A failing run then shrinks in its timings and picks too
// (lags towards their minimum, picks towards the first choice), not only
// in its actions, and the same rapid data gives the same run.
//
// The streams are then no longer independent: all of them take turns on
// t's one sequence of data, so anything that draws (a diagnostic request,
// a DNS lookup) shifts what everything after it draws. The invariants of
// this package draw nothing. On a failure rapid prints every draw, so a
// long run prints many lines labelled "rand <stream>".
func RapidSource(t *rapid.T) func(name string) rand.Source {
	gen := rapid.Uint64()
	return func(name string) rand.Source {
		if name == ApiserverStream {
			return nil // keep the seeded PCG
		}
		return &rapidSource{t: t, gen: gen, label: "rand " + name}
	}
}

// ApiserverStream is the name [cluster.Config.Source] is asked for the
// apiserver's stream by.
const ApiserverStream = "apiserver"

// rapidSource is one stream's view of the rapid data.
type rapidSource struct {
	t     *rapid.T
	gen   *rapid.Generator[uint64]
	label string
}

func (s *rapidSource) Uint64() uint64 { return s.gen.Draw(s.t, s.label) }

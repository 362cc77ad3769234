package cluster

import (
	"hash/fnv"
	"math/rand/v2"
	"reflect"
	"strconv"
)

// The simulation's randomness is split into streams, one per consumer, all
// derived from Config.Seed. The apiserver's stream (generated names, UIDs,
// cluster IPs and node ports) is the Sim's own; every watcher's lag, every
// kubelet's container starts and every stream asked for by name has one of
// its own. Drawing from one stream never changes what another draws, so a
// diagnostic (a connection, a DNS lookup, a watcher that only looks) leaves
// the rest of the run exactly as it would have been without it.

// Stream returns the random source of the consumer called name, derived
// from the seed and the name: the same name always gets the same source,
// and different names get independent ones. Give each component of your
// own its own name, and draw from nothing else, to stay repeatable.
func (s *Sim) Stream(name string) *rand.Rand {
	s.check()
	if r, ok := s.streams[name]; ok {
		return r
	}
	if s.streams == nil {
		s.streams = map[string]*rand.Rand{}
	}
	r := newStream(&s.cfg, name, func() rand.Source { return rand.NewPCG(streamSeed(s.cfg.Seed, name)) })
	s.streams[name] = r
	return r
}

// Rand returns the stream for code of your own that has no name of its
// own, Stream("user"). It is not the stream svcsim's components draw from:
// drawing from it changes no generated name, lag or pick.
func (s *Sim) Rand() *rand.Rand {
	s.check()
	return s.Stream("user")
}

// newStream makes the stream called name: from cfg.Source when it gives
// one, else from seeded, the PCG the seed gives that name.
func newStream(cfg *Config, name string, seeded func() rand.Source) *rand.Rand {
	if cfg.Source != nil {
		if src := cfg.Source(name); src != nil && !nilSource(src) {
			return rand.New(src)
		}
	}
	return rand.New(seeded())
}

// nilSource reports whether src is a typed nil (a nil *rand.PCG, say),
// which satisfies rand.Source but panics when drawn from.
func nilSource(src rand.Source) bool {
	switch v := reflect.ValueOf(src); v.Kind() {
	case reflect.Func, reflect.Pointer, reflect.Map, reflect.Slice, reflect.Chan, reflect.Interface:
		return v.IsNil()
	}
	return false
}

// streamSeed derives a PCG seed from the simulation's seed and a stream's
// name. The name is hashed and both words are mixed with the seed, so that
// streams of nearby seeds or similar names share no obvious structure.
func streamSeed(seed uint64, name string) (uint64, uint64) {
	h := fnv.New64a()
	h.Write([]byte(name))
	n := h.Sum64()
	return splitmix(seed ^ n), splitmix(n + 0x9e3779b97f4a7c15*(seed|1))
}

// splitmix is SplitMix64's finaliser: a bijective mix of 64 bits.
func splitmix(x uint64) uint64 {
	x += 0x9e3779b97f4a7c15
	x = (x ^ x>>30) * 0xbf58476d1ce4e5b9
	x = (x ^ x>>27) * 0x94d049bb133111eb
	return x ^ x>>31
}

// watcherStream names the lag stream of the n-th watcher (from 0) called
// name: built-in watchers subscribe first, so a watcher of yours never
// shifts their lags.
func watcherStream(name string, n int) string {
	return "watch " + name + " " + strconv.Itoa(n)
}

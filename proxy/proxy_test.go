package proxy_test

import (
	"fmt"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/svcsim/svcsim/proxy"
)

func ep(ip, node string, ready, serving, terminating bool) proxy.Endpoint {
	return proxy.Endpoint{IP: ip, Port: 80, Node: node, Ready: ready, Serving: serving, Terminating: terminating}
}

func ips(eps []proxy.Endpoint) []string {
	var out []string
	for _, e := range eps {
		out = append(out, e.IP)
	}
	return out
}

func TestUsable(t *testing.T) {
	readyA := ep("a", "n1", true, true, false)
	readyB := ep("b", "n2", true, true, false)
	notReady := ep("c", "n1", false, false, false)
	drainingD := ep("d", "n1", false, true, true)  // terminating, still passing its probe
	drainingE := ep("e", "n2", false, true, true)  // same, other node
	deadF := ep("f", "n1", false, false, true)     // terminating and failing
	published := ep("g", "n2", true, false, false) // publishNotReadyAddresses makes it ready
	for _, tt := range []struct {
		name  string
		eps   []proxy.Endpoint
		local bool
		node  string
		want  []string
		any   bool
	}{
		{"ready ones only", []proxy.Endpoint{readyA, notReady, drainingD, readyB}, false, "", []string{"a", "b"}, true},
		{"no ready: serving terminating ones", []proxy.Endpoint{notReady, drainingD, deadF, drainingE}, false, "", []string{"d", "e"}, true},
		{"not ready and not terminating: never", []proxy.Endpoint{notReady}, false, "", nil, false},
		{"terminating and not serving: never", []proxy.Endpoint{deadF}, false, "", nil, false},
		{"published not-ready counts as ready", []proxy.Endpoint{published, drainingD}, false, "", []string{"g"}, true},
		{"local: this node's ready ones", []proxy.Endpoint{readyA, readyB}, true, "n2", []string{"b"}, true},
		{"local: this node's draining ones when none ready here", []proxy.Endpoint{readyB, drainingD}, true, "n1", []string{"d"}, true},
		{"local: none on this node", []proxy.Endpoint{readyB}, true, "n1", nil, true},
		{"empty", nil, false, "", nil, false},
	} {
		t.Run(tt.name, func(t *testing.T) {
			assert.Equal(t, tt.want, ips(proxy.Usable(tt.eps, tt.local, tt.node)))
			assert.Equal(t, tt.any, proxy.HasAny(tt.eps))
		})
	}
}

// TestRandomPicksAreUniform is a chi-square test at a fixed seed: 60,000
// picks over six endpoints (the lab's three blue and three green) must fit
// a uniform distribution, each endpoint about 16.7%, blue and green about
// 50% each.
func TestRandomPicksAreUniform(t *testing.T) {
	var eps []proxy.Endpoint
	for i := range 6 {
		eps = append(eps, ep(fmt.Sprintf("10.32.0.%d", i), "n1", true, true, false))
	}
	b := proxy.NewBackends(eps, proxy.IPTables, 0)
	rng := rand.New(rand.NewPCG(1, 2))
	const n = 60_000
	count := map[string]int{}
	for range n {
		e, ok := b.Pick(rng)
		require.True(t, ok)
		count[e.IP]++
	}
	chi2 := 0.0
	for _, e := range eps {
		d := float64(count[e.IP]) - n/6.0
		chi2 += d * d / (n / 6.0)
	}
	// 5 degrees of freedom: the 99.9th percentile is 20.52.
	assert.Less(t, chi2, 20.52, "counts %v", count)
	blue := count["10.32.0.0"] + count["10.32.0.1"] + count["10.32.0.2"]
	assert.InDelta(t, 0.5, float64(blue)/n, 0.01, "blue's share")
	assert.InDelta(t, 1.0/6, float64(count["10.32.0.4"])/n, 0.01, "one pod's share")
}

func TestSamePicksForTheSameSeed(t *testing.T) {
	eps := []proxy.Endpoint{ep("a", "", true, true, false), ep("b", "", true, true, false), ep("c", "", true, true, false)}
	run := func(seed uint64) []string {
		b := proxy.NewBackends(eps, proxy.IPTables, 0)
		rng := rand.New(rand.NewPCG(seed, 0))
		var out []string
		for range 20 {
			e, _ := b.Pick(rng)
			out = append(out, e.IP)
		}
		return out
	}
	assert.Equal(t, run(7), run(7))
	assert.NotEqual(t, run(7), run(8))
}

func TestIPVSCyclesExactly(t *testing.T) {
	eps := []proxy.Endpoint{ep("a", "", true, true, false), ep("b", "", true, true, false), ep("c", "", true, true, false)}
	b := proxy.NewBackends(eps, proxy.IPVS, 0)
	var got []string
	for range 7 {
		e, _ := b.Pick(nil) // round robin draws nothing
		got = append(got, e.IP)
	}
	assert.Equal(t, []string{"a", "b", "c", "a", "b", "c", "a"}, got)
}

func TestNoEndpoints(t *testing.T) {
	_, ok := proxy.NewBackends(nil, proxy.IPTables, 0).Pick(rand.New(rand.NewPCG(1, 1)))
	assert.False(t, ok)
	_, ok = proxy.NewBackends(nil, proxy.IPVS, time.Hour).PickFor("1.2.3.4", 0, nil)
	assert.False(t, ok)
}

func TestClientIPAffinity(t *testing.T) {
	eps := []proxy.Endpoint{ep("a", "", true, true, false), ep("b", "", true, true, false), ep("c", "", true, true, false), ep("d", "", true, true, false)}
	b := proxy.NewBackends(eps, proxy.IPTables, 10800*time.Second)
	rng := rand.New(rand.NewPCG(3, 3))
	first, ok := b.PickFor("192.168.1.10", 0, rng)
	require.True(t, ok)
	for i := 1; i <= 50; i++ {
		// Every connection within the timeout of the previous one sticks,
		// and restarts the timer: 50 connections three hours apart.
		e, _ := b.PickFor("192.168.1.10", time.Duration(i)*10800*time.Second, rng)
		require.Equal(t, first, e, "connection %d", i)
	}
	// After a silence longer than the timeout the client is balanced
	// afresh: over many clients, some land elsewhere.
	moved := 0
	for c := range 100 {
		client := fmt.Sprintf("10.0.0.%d", c)
		e1, _ := b.PickFor(client, 0, rng)
		e2, _ := b.PickFor(client, 10801*time.Second, rng)
		if e1 != e2 {
			moved++
		}
	}
	assert.Greater(t, moved, 50, "about three in four re-picks choose another of four endpoints")

	// A pinned endpoint that disappears no longer pins.
	pinnedTo, _ := b.PickFor("172.16.0.1", 0, rng)
	var rest []proxy.Endpoint
	for _, e := range eps {
		if e != pinnedTo {
			rest = append(rest, e)
		}
	}
	b2 := proxy.NewBackends(rest, proxy.IPTables, 10800*time.Second)
	e, _ := b2.PickFor("172.16.0.1", time.Second, rng)
	assert.NotEqual(t, pinnedTo, e)
}

func TestPickDoesNotAllocate(t *testing.T) {
	var eps []proxy.Endpoint
	for i := range 1000 {
		eps = append(eps, ep(fmt.Sprint(i), "", true, true, false))
	}
	b := proxy.NewBackends(eps, proxy.IPTables, 0)
	rng := rand.New(rand.NewPCG(1, 1))
	assert.Zero(t, testing.AllocsPerRun(1000, func() { b.Pick(rng) }))
}

// BenchmarkPick measures one backend pick among 1,000 endpoints: the
// target is a few tens of nanoseconds and no allocation.
func BenchmarkPick(b *testing.B) {
	var eps []proxy.Endpoint
	for i := range 1000 {
		eps = append(eps, ep(fmt.Sprint(i), "", true, true, false))
	}
	for _, mode := range []proxy.Mode{proxy.IPTables, proxy.IPVS} {
		be := proxy.NewBackends(eps, mode, 0)
		rng := rand.New(rand.NewPCG(1, 1))
		b.Run(mode.String(), func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				be.Pick(rng)
			}
		})
	}
}

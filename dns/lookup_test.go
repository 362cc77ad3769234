package dns_test

import (
	"slices"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/svcsim/svcsim/cluster"
	"github.com/svcsim/svcsim/dns"
	"github.com/svcsim/svcsim/kubectl"
)

func TestSearchPath(t *testing.T) {
	assert.Equal(t, []string{"default.svc.cluster.local", "svc.cluster.local", "cluster.local"}, dns.SearchPath("", ""))
	assert.Equal(t, []string{"shop.svc.cluster.local", "svc.cluster.local", "cluster.local"}, dns.SearchPath("shop", "cluster.local."))
	assert.Equal(t, []string{"shop.svc.corp.example", "svc.corp.example", "corp.example"}, dns.SearchPath("shop", "Corp.Example"))
}

func TestLookup(t *testing.T) {
	w := zoo(t)
	const z = ".svc.cluster.local."
	tests := []struct {
		name   string
		ns, q  string
		found  string   // Answer.Name
		cnames []string // Answer.CNAMEs, or the error's chain
		ips    []string // placeholders expanded; order free
		err    error
	}{
		{name: "short name", ns: "default", q: "web", found: "web.default" + z, ips: []string{"{default/web}"}},
		{name: "empty namespace is default", ns: "", q: "web", found: "web.default" + z, ips: []string{"{default/web}"}},
		{name: "from another namespace", ns: "other", q: "web", found: "web.other" + z, ips: []string{"{other/web}"}},
		{name: "name.namespace", ns: "default", q: "web.other", found: "web.other" + z, ips: []string{"{other/web}"}},
		{name: "name.namespace.svc", ns: "default", q: "web.other.svc", found: "web.other" + z, ips: []string{"{other/web}"}},
		{name: "full name", ns: "other", q: "web.default.svc.cluster.local", found: "web.default" + z, ips: []string{"{default/web}"}},
		{name: "full name, absolute", ns: "other", q: "web.default.svc.cluster.local.", found: "web.default" + z, ips: []string{"{default/web}"}},
		{name: "upper case", ns: "default", q: "WEB.Other", found: "web.other" + z, ips: []string{"{other/web}"}},
		{name: "headless", ns: "default", q: "db", found: "db.default" + z,
			ips: []string{"{pod:default/db-0}", "{pod:default/db-1}", "{pod:default/db-2}"}},
		{name: "headless endpoint", ns: "default", q: "db-1.db", found: "db-1.db.default" + z, ips: []string{"{pod:default/db-1}"}},
		{name: "5 dots: tried as is first", ns: "other", q: "db-1.db.default.svc.cluster.local", found: "db-1.db.default" + z, ips: []string{"{pod:default/db-1}"}},
		{name: "ExternalName inside the cluster", ns: "default", q: "alias", found: "alias.default" + z,
			cnames: []string{"web.other" + z}, ips: []string{"{other/web}"}},
		{name: "an address", ns: "default", q: "10.1.2.3", found: "10.1.2.3", ips: []string{"10.1.2.3"}},
		{name: "other namespace without its suffix", ns: "default", q: "lonely", err: dns.ErrNXDomain},
		{name: "absolute short name", ns: "default", q: "web.", err: dns.ErrNXDomain},
		{name: "no such namespace", ns: "default", q: "web.nosuch", err: dns.ErrNXDomain},
		{name: "headless, nothing ready", ns: "default", q: "none", err: dns.ErrNXDomain},
		{name: "an SRV name has no address", ns: "default", q: "_http._tcp.web", err: dns.ErrNXDomain},
		{name: "outside the cluster", ns: "default", q: "example.com", err: dns.ErrNXDomain},
		{name: "ExternalName outside the cluster", ns: "default", q: "ext", err: dns.ErrNoUpstream,
			cnames: []string{"ext.default" + z, "example.com."}},
		{name: "ExternalName dangling", ns: "default", q: "dangling", err: dns.ErrNXDomain,
			cnames: []string{"dangling.default" + z, "gone.default" + z}},
		{name: "ExternalName loop", ns: "default", q: "loop-b", err: dns.ErrCNAMELoop,
			cnames: []string{"loop-b.default" + z, "loop-a.default" + z, "loop-b.default" + z}},
		{name: "invalid name", ns: "default", q: "web..other", err: dns.ErrInvalidName},
		{name: "empty name", ns: "default", q: "", err: dns.ErrInvalidName},
		{name: "invalid namespace", ns: "a.b", q: "web", err: dns.ErrInvalidName},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			for range 2 { // the second answer comes from the cache
				a, err := w.d.Lookup(tt.ns, tt.q)
				if tt.err != nil {
					require.ErrorIs(t, err, tt.err)
					var e *dns.Error
					require.ErrorAs(t, err, &e)
					assert.Equal(t, tt.q, e.Name)
					assert.Equal(t, tt.cnames, e.CNAMEs)
					assert.Zero(t, a)
					continue
				}
				require.NoError(t, err)
				assert.Equal(t, tt.found, a.Name)
				assert.Equal(t, tt.cnames, a.CNAMEs)
				assert.ElementsMatch(t, w.expandAll(tt.ips), a.IPs)
			}
		})
	}
}

func TestLookupSearchOrder(t *testing.T) {
	w := newWorld(t, cluster.Config{Seed: 1})
	w.namespace("web")
	w.namespace("other")
	w.service("default", "web", selecting("web", httpPort))
	w.service("web", "other", selecting("web", httpPort))
	w.service("other", "web", selecting("web", httpPort))
	w.settle()
	a, err := w.d.Lookup("default", "web")
	require.NoError(t, err)
	assert.Equal(t, "web.default.svc.cluster.local.", a.Name, "the pod's own namespace comes first")
	a, err = w.d.Lookup("default", "other.web")
	require.NoError(t, err)
	assert.Equal(t, "other.web.svc.cluster.local.", a.Name, "then every namespace's Services")
	a, err = w.d.Lookup("web", "other")
	require.NoError(t, err)
	assert.Equal(t, "other.web.svc.cluster.local.", a.Name)
	assert.Equal(t, []string{w.clusterIP("web", "other")}, a.IPs)
}

// A headless Service's answer is rotated by an offset from the seeded
// source: every pod comes first now and then, each answer holds every
// address once, and the same seed gives the same sequence.
func TestHeadlessRotation(t *testing.T) {
	run := func(seed uint64) []string {
		w := newWorld(t, cluster.Config{Seed: seed})
		w.service("default", "db", headlessSpec("db", httpPort))
		w.pods("default", "db", 3)
		w.settle()
		want := w.expandAll([]string{"{pod:default/db-0}", "{pod:default/db-1}", "{pod:default/db-2}"})
		var firsts []string
		for range 60 {
			a, err := w.d.Lookup("default", "db")
			require.NoError(t, err)
			require.ElementsMatch(t, want, a.IPs)
			require.True(t, isRotation(a.IPs, sortedIPs(want)), "%v is a rotation of the sorted addresses", a.IPs)
			firsts = append(firsts, a.IPs[0])
		}
		return firsts
	}
	one := run(1)
	assert.Equal(t, one, run(1), "same seed, same sequence")
	counts := map[string]int{}
	for _, ip := range one {
		counts[ip]++
	}
	assert.Len(t, counts, 3, "every pod comes first sometimes: %v", counts)
	assert.NotEqual(t, one, run(2), "another seed, another sequence")
}

// isRotation reports whether got is sorted rotated by some offset.
func isRotation(got, sorted []string) bool {
	for off := range sorted {
		if slices.Equal(got, append(slices.Clone(sorted[off:]), sorted[:off]...)) {
			return true
		}
	}
	return false
}

func TestAnswerSlicesAreSafeToAppend(t *testing.T) {
	w := zoo(t)
	for _, name := range []string{"db", "web"} {
		a, err := w.d.Lookup("default", name)
		require.NoError(t, err)
		before := sortedIPs(a.IPs)
		_ = append(a.IPs, "192.0.2.1")
		b, err := w.d.Lookup("default", name)
		require.NoError(t, err)
		assert.Equal(t, before, sortedIPs(b.IPs))
	}
}

func TestLookupAllocatesNothing(t *testing.T) {
	w := zoo(t)
	for _, name := range []string{"web", "web.other", "web.default.svc.cluster.local.", "db", "alias", "nosuch", "ext"} {
		_, _ = w.d.Lookup("default", name)
		allocs := testing.AllocsPerRun(100, func() { _, _ = w.d.Lookup("default", name) })
		assert.Zero(t, allocs, name)
	}
}

// The server trails the store by its watch lag: a new Service does not
// resolve at once, a deleted one still does, as with CoreDNS's informers.
func TestLag(t *testing.T) {
	w := newWorld(t, cluster.Config{Seed: 1, Timing: cluster.Realistic()})
	w.settle()
	_, err := w.d.Lookup("default", "web")
	require.ErrorIs(t, err, dns.ErrNXDomain)

	w.service("default", "web", selecting("web", httpPort))
	_, err = w.d.Lookup("default", "web")
	assert.ErrorIs(t, err, dns.ErrNXDomain, "created a moment ago: not seen yet")
	w.s.RunFor(time.Millisecond)
	_, err = w.d.Lookup("default", "web")
	assert.ErrorIs(t, err, dns.ErrNXDomain, "the watch lag is at least 5 ms")
	w.s.RunFor(50 * time.Millisecond)
	a, err := w.d.Lookup("default", "web")
	require.NoError(t, err, "the lag is at most 50 ms")
	assert.Equal(t, []string{w.clusterIP("default", "web")}, a.IPs)

	require.NoError(t, kubectl.New(w.s, "default").Delete(cluster.KindService, "web", cluster.DeleteOptions{}))
	_, err = w.d.Lookup("default", "web")
	assert.NoError(t, err, "deleted a moment ago: still answered")
	w.settle()
	_, err = w.d.Lookup("default", "web")
	assert.ErrorIs(t, err, dns.ErrNXDomain)
}

// Headless answers follow the endpoints, each change one lag behind the
// endpoints controller's.
func TestLagHeadless(t *testing.T) {
	w := newWorld(t, cluster.Config{Seed: 1, Timing: cluster.Realistic()})
	w.service("default", "db", headlessSpec("db", httpPort))
	w.pods("default", "db", 2)
	w.settle()
	a, err := w.d.Lookup("default", "db")
	require.NoError(t, err)
	require.Len(t, a.IPs, 2)
	w.pod("default", "db-2", "db", "")
	w.s.RunFor(100 * time.Millisecond)
	a, err = w.d.Lookup("default", "db")
	require.NoError(t, err)
	assert.Len(t, a.IPs, 2, "the new pod's containers take at least 0.5 s to start")
	w.settle()
	a, err = w.d.Lookup("default", "db")
	require.NoError(t, err)
	assert.Len(t, a.IPs, 3, "the new pod's address, once ready and seen")
}

func TestStartedLate(t *testing.T) {
	w := newWorld(t, cluster.Config{Seed: 1})
	w.service("default", "web", selecting("web", httpPort))
	w.settle()
	d, err := dns.Start(w.s, dns.Options{})
	require.NoError(t, err)
	_, err = d.Lookup("default", "web")
	assert.ErrorIs(t, err, dns.ErrNXDomain, "the existing Services arrive as watch events")
	w.s.RunFor(0)
	_, err = d.Lookup("default", "web")
	assert.NoError(t, err)
}

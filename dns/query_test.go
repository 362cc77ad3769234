package dns_test

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/svcsim/svcsim/cluster"
	"github.com/svcsim/svcsim/dns"
)

// zoo is a cluster with one Service of every kind the DNS tells apart.
//
//	default/web      ClusterIP, ports http 80/TCP and metrics 9090/UDP, pods web-0..2
//	default/np       NodePort over the same pods, port http
//	default/empty    ClusterIP selecting nothing
//	default/plain    ClusterIP with one unnamed port
//	default/none     headless selecting nothing
//	default/one      headless, one pod, port http
//	default/db       headless, pods db-0..2 with hostnames, db-3 not ready
//	default/three    headless over web-0..2, port http
//	default/ext      ExternalName example.com
//	default/alias    ExternalName web.other.svc.cluster.local
//	default/dangling ExternalName gone.default.svc.cluster.local
//	default/loop-a   ExternalName loop-b, which points back
//	other/web        ClusterIP
//	other/lonely     ClusterIP, only in other
func zoo(t *testing.T) *world {
	t.Helper()
	w := newWorld(t, cluster.Config{Seed: 1})
	w.namespace("other")
	w.service("default", "web", selecting("web", httpPort, cluster.ServicePort{Name: "metrics", Port: 9090, Protocol: cluster.ProtocolUDP}))
	np := selecting("web", httpPort)
	np.Type = cluster.ServiceTypeNodePort
	w.service("default", "np", np)
	w.service("default", "empty", selecting("nothing", httpPort))
	w.service("default", "plain", selecting("web", cluster.ServicePort{Port: 80, TargetPort: cluster.FromInt(8080)}))
	w.service("default", "none", headlessSpec("nothing", httpPort))
	w.service("default", "one", headlessSpec("one", httpPort))
	w.service("default", "db", headlessSpec("db", httpPort))
	w.service("default", "three", headlessSpec("web", httpPort))
	w.service("default", "ext", external("example.com"))
	w.service("default", "alias", external("web.other.svc.cluster.local"))
	w.service("default", "dangling", external("gone.default.svc.cluster.local"))
	w.service("default", "loop-a", external("loop-b.default.svc.cluster.local"))
	w.service("default", "loop-b", external("loop-a.default.svc.cluster.local."))
	w.service("other", "web", selecting("web", httpPort))
	w.service("other", "lonely", selecting("lonely", httpPort))
	w.pods("default", "web", 3)
	w.pods("default", "one", 1)
	for _, name := range []string{"db-0", "db-1", "db-2", "db-3"} {
		w.pod("default", name, "db", "db")
	}
	w.settle()
	w.notReady("default", "db-3")
	return w
}

func TestQuery(t *testing.T) {
	w := zoo(t)
	const z = ".default.svc.cluster.local."
	tests := []struct {
		name  string
		q     string
		t     dns.Type
		want  []string // records, placeholders expanded; order free
		err   error
		chain []string
	}{
		{name: "ClusterIP with endpoints", q: "web" + z, t: dns.A, want: []string{"web" + z + " 5 IN A {default/web}"}},
		{name: "ClusterIP without endpoints", q: "empty" + z, t: dns.A, want: []string{"empty" + z + " 5 IN A {default/empty}"}},
		{name: "NodePort", q: "np" + z, t: dns.A, want: []string{"np" + z + " 5 IN A {default/np}"}},
		{name: "kubernetes", q: "kubernetes" + z, t: dns.A, want: []string{"kubernetes" + z + " 5 IN A 10.96.0.1"}},
		{name: "other namespace", q: "web.other.svc.cluster.local.", t: dns.A, want: []string{"web.other.svc.cluster.local. 5 IN A {other/web}"}},
		{name: "headless, nothing ready", q: "none" + z, t: dns.A, err: dns.ErrNXDomain},
		{name: "headless, one pod", q: "one" + z, t: dns.A, want: []string{"one" + z + " 5 IN A {pod:default/one-0}"}},
		{name: "headless, three ready of four", q: "db" + z, t: dns.A, want: []string{
			"db" + z + " 5 IN A {pod:default/db-0}", "db" + z + " 5 IN A {pod:default/db-1}", "db" + z + " 5 IN A {pod:default/db-2}"}},
		{name: "headless, three pods", q: "three" + z, t: dns.A, want: []string{
			"three" + z + " 5 IN A {pod:default/web-0}", "three" + z + " 5 IN A {pod:default/web-1}", "three" + z + " 5 IN A {pod:default/web-2}"}},
		{name: "endpoint by dashed IP", q: "{dash:default/web-1}.three" + z, t: dns.A, want: []string{"{dash:default/web-1}.three" + z + " 5 IN A {pod:default/web-1}"}},
		{name: "endpoint by hostname", q: "db-0.db" + z, t: dns.A, want: []string{"db-0.db" + z + " 5 IN A {pod:default/db-0}"}},
		{name: "hostname pod not ready", q: "db-3.db" + z, t: dns.A, err: dns.ErrNXDomain},
		{name: "hostname pod has no dashed name", q: "{dash:default/db-0}.db" + z, t: dns.A, err: dns.ErrNXDomain},
		{name: "SRV ClusterIP", q: "_http._tcp.web" + z, t: dns.SRV, want: []string{"_http._tcp.web" + z + " 5 IN SRV 0 100 80 web" + z}},
		{name: "SRV kubernetes", q: "_https._tcp.kubernetes" + z, t: dns.SRV, want: []string{"_https._tcp.kubernetes" + z + " 5 IN SRV 0 100 443 kubernetes" + z}},
		{name: "SRV ClusterIP UDP", q: "_metrics._udp.web" + z, t: dns.SRV, want: []string{"_metrics._udp.web" + z + " 5 IN SRV 0 100 9090 web" + z}},
		{name: "SRV wrong protocol", q: "_metrics._tcp.web" + z, t: dns.SRV, err: dns.ErrNXDomain},
		{name: "SRV unnamed port", q: "_tcp.plain" + z, t: dns.SRV, err: dns.ErrNXDomain},
		{name: "SRV headless", q: "_http._tcp.db" + z, t: dns.SRV, want: []string{
			"_http._tcp.db" + z + " 5 IN SRV 0 33 8080 db-0.db" + z,
			"_http._tcp.db" + z + " 5 IN SRV 0 33 8080 db-1.db" + z,
			"_http._tcp.db" + z + " 5 IN SRV 0 33 8080 db-2.db" + z}},
		{name: "SRV headless dashed", q: "_http._tcp.one" + z, t: dns.SRV, want: []string{
			"_http._tcp.one" + z + " 5 IN SRV 0 100 8080 {dash:default/one-0}.one" + z}},
		{name: "ExternalName", q: "ext" + z, t: dns.A, want: []string{"ext" + z + " 5 IN CNAME example.com."}},
		{name: "ExternalName CNAME", q: "ext" + z, t: dns.CNAME, want: []string{"ext" + z + " 5 IN CNAME example.com."}},
		{name: "ExternalName in cluster", q: "alias" + z, t: dns.A, want: []string{
			"alias" + z + " 5 IN CNAME web.other.svc.cluster.local.", "web.other.svc.cluster.local. 5 IN A {other/web}"}},
		{name: "ExternalName dangling", q: "dangling" + z, t: dns.A, err: dns.ErrNXDomain,
			chain: []string{"dangling" + z, "gone" + z}},
		{name: "ExternalName loop", q: "loop-a" + z, t: dns.A, err: dns.ErrCNAMELoop,
			chain: []string{"loop-a" + z, "loop-b" + z, "loop-a" + z}},
		{name: "case-insensitive", q: "WEB.Default.SVC.cluster.LOCAL", t: dns.A, want: []string{"web" + z + " 5 IN A {default/web}"}},
		{name: "no trailing dot", q: "web.default.svc.cluster.local", t: dns.A, want: []string{"web" + z + " 5 IN A {default/web}"}},
		{name: "PTR cluster IP", q: "{rev:default/web}", t: dns.PTR, want: []string{"{rev:default/web} 5 IN PTR web" + z}},
		{name: "PTR endpoint", q: "{rev:pod:default/db-1}", t: dns.PTR, want: []string{"{rev:pod:default/db-1} 5 IN PTR db-1.db" + z}},
		{name: "NODATA: SRV of an A name", q: "web" + z, t: dns.SRV},
		{name: "NODATA: A of an SRV name", q: "_http._tcp.web" + z, t: dns.A},
		{name: "NODATA: CNAME of an A name", q: "web" + z, t: dns.CNAME},
		{name: "NODATA: AAAA", q: "web" + z, t: dns.Type(28)},
		{name: "NODATA: namespace", q: "default.svc.cluster.local.", t: dns.A},
		{name: "NODATA: svc", q: "svc.cluster.local.", t: dns.A},
		{name: "NODATA: zone", q: "cluster.local.", t: dns.A},
		{name: "NODATA: between SRV and Service", q: "_tcp.web" + z, t: dns.SRV},
		{name: "NXDOMAIN: no such Service", q: "nosuch" + z, t: dns.A, err: dns.ErrNXDomain},
		{name: "NXDOMAIN: no such namespace", q: "web.nosuch.svc.cluster.local.", t: dns.A, err: dns.ErrNXDomain},
		{name: "NXDOMAIN: below a ClusterIP Service", q: "x.web" + z, t: dns.A, err: dns.ErrNXDomain},
		{name: "NXDOMAIN: outside the cluster", q: "example.com.", t: dns.A, err: dns.ErrNXDomain},
		{name: "NXDOMAIN: root", q: ".", t: dns.A, err: dns.ErrNXDomain},
		{name: "invalid: empty", q: "", t: dns.A, err: dns.ErrInvalidName},
		{name: "invalid: empty label", q: "web..svc.cluster.local", t: dns.A, err: dns.ErrInvalidName},
		{name: "invalid: leading dot", q: ".web", t: dns.A, err: dns.ErrInvalidName},
		{name: "invalid: two trailing dots", q: "web..", t: dns.A, err: dns.ErrInvalidName},
		{name: "invalid: long label", q: strings.Repeat("a", 64) + z, t: dns.A, err: dns.ErrInvalidName},
		{name: "invalid: long name", q: strings.Repeat("abcdefghi.", 25) + "abcd", t: dns.A, err: dns.ErrInvalidName},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			q := w.expand(tt.q)
			got, err := w.d.Query(q, tt.t)
			if tt.err != nil {
				require.ErrorIs(t, err, tt.err)
				assert.Nil(t, got)
				var e *dns.Error
				require.ErrorAs(t, err, &e)
				assert.Equal(t, q, e.Name)
				assert.Equal(t, tt.chain, e.CNAMEs)
				return
			}
			require.NoError(t, err)
			assert.ElementsMatch(t, w.expandAll(tt.want), lines(got))
		})
	}
}

func TestQueryIsSorted(t *testing.T) {
	w := newWorld(t, cluster.Config{Seed: 1, Nodes: 12})
	w.service("default", "many", headlessSpec("many", httpPort))
	w.pods("default", "many", 12) // 10.244.0.x ... 10.244.11.x: "10.244.10" sorts before "10.244.2" as text
	w.settle()
	recs, err := w.d.Query("many.default.svc.cluster.local", dns.A)
	require.NoError(t, err)
	require.Len(t, recs, 12)
	var ips []string
	for _, r := range recs {
		ips = append(ips, r.IP)
	}
	assert.Equal(t, sortedIPs(ips), ips)
	srv, err := w.d.Query("_http._tcp.many.default.svc.cluster.local", dns.SRV)
	require.NoError(t, err)
	require.Len(t, srv, 12)
	for i, r := range srv {
		assert.Equal(t, uint16(8), r.Weight, "floor(100/12)")
		if i > 0 {
			assert.Less(t, srv[i-1].Target, r.Target)
		}
	}
}

func TestSRVWeightAtLeastOne(t *testing.T) {
	w := newWorld(t, cluster.Config{Seed: 1, Nodes: 1})
	w.service("default", "big", headlessSpec("big", httpPort))
	w.pods("default", "big", 101)
	w.settle()
	srv, err := w.d.Query("_http._tcp.big.default.svc.cluster.local", dns.SRV)
	require.NoError(t, err)
	require.Len(t, srv, 101, "the addresses span two EndpointSlices")
	for _, r := range srv {
		assert.Equal(t, uint16(1), r.Weight)
	}
}

func TestQueryResultIsTheCallers(t *testing.T) {
	w := zoo(t)
	got, err := w.d.Query("db.default.svc.cluster.local", dns.A)
	require.NoError(t, err)
	want := lines(got)
	got[0].IP = "192.0.2.1"
	again, err := w.d.Query("db.default.svc.cluster.local", dns.A)
	require.NoError(t, err)
	assert.Equal(t, want, lines(again))
}

func TestPublishNotReadyAddresses(t *testing.T) {
	w := newWorld(t, cluster.Config{Seed: 1})
	spec := headlessSpec("db", httpPort)
	spec.PublishNotReadyAddresses = true
	w.service("default", "db", spec)
	w.pod("default", "db-0", "db", "db")
	w.settle()
	w.notReady("default", "db-0")
	got, err := w.d.Query("db-0.db.default.svc.cluster.local", dns.A)
	require.NoError(t, err, "with publishNotReadyAddresses every endpoint is ready")
	assert.Equal(t, w.expandAll([]string{"db-0.db.default.svc.cluster.local. 5 IN A {pod:default/db-0}"}), lines(got))
}

func TestHeadlessFollowsReadiness(t *testing.T) {
	w := newWorld(t, cluster.Config{Seed: 1})
	w.service("default", "db", headlessSpec("db", httpPort))
	w.pod("default", "db-0", "db", "db")
	w.settle()
	_, err := w.d.Query("db.default.svc.cluster.local", dns.A)
	require.NoError(t, err)
	w.notReady("default", "db-0")
	_, err = w.d.Query("db.default.svc.cluster.local", dns.A)
	assert.ErrorIs(t, err, dns.ErrNXDomain, "its only endpoint is not ready")
	_, err = w.d.Lookup("default", "db")
	assert.ErrorIs(t, err, dns.ErrNXDomain, "the cached answer was dropped")
	require.NoError(t, w.s.RecoverReadiness("default", "db-0"))
	w.s.RunFor(20 * time.Second)
	w.settle()
	a, err := w.d.Lookup("default", "db")
	require.NoError(t, err)
	assert.Equal(t, []string{w.podIP("default", "db-0")}, a.IPs)
}

func TestServiceTypeChange(t *testing.T) {
	w := newWorld(t, cluster.Config{Seed: 1})
	w.service("default", "web", selecting("web", httpPort))
	w.pods("default", "web", 2)
	w.settle()
	a, err := w.d.Lookup("default", "web")
	require.NoError(t, err)
	assert.Equal(t, []string{w.clusterIP("default", "web")}, a.IPs)
	w.service("default", "web", external("web.other.example"))
	w.settle()
	_, err = w.d.Lookup("default", "web")
	require.ErrorIs(t, err, dns.ErrNoUpstream)
	assert.EqualError(t, err, "lookup web: no upstream DNS server in the simulation (CNAME chain web.default.svc.cluster.local. -> web.other.example.)")
}

func TestRecordString(t *testing.T) {
	tests := []struct {
		r    dns.Record
		want string
	}{
		{dns.Record{Name: "web.default.svc.cluster.local.", Type: dns.A, TTL: 5, IP: "10.96.0.10"},
			"web.default.svc.cluster.local.\t5\tIN\tA\t10.96.0.10"},
		{dns.Record{Name: "ext.default.svc.cluster.local.", Type: dns.CNAME, TTL: 5, Target: "example.com."},
			"ext.default.svc.cluster.local.\t5\tIN\tCNAME\texample.com."},
		{dns.Record{Name: "_http._tcp.web.default.svc.cluster.local.", Type: dns.SRV, TTL: 5, Weight: 100, Port: 80, Target: "web.default.svc.cluster.local."},
			"_http._tcp.web.default.svc.cluster.local.\t5\tIN\tSRV\t0 100 80 web.default.svc.cluster.local."},
		{dns.Record{Name: "10.0.96.10.in-addr.arpa.", Type: dns.PTR, TTL: 5, Target: "web.default.svc.cluster.local."},
			"10.0.96.10.in-addr.arpa.\t5\tIN\tPTR\tweb.default.svc.cluster.local."},
	}
	for _, tt := range tests {
		assert.Equal(t, tt.want, tt.r.String())
	}
	assert.Equal(t, "A", dns.A.String())
	assert.Equal(t, "CNAME", dns.CNAME.String())
	assert.Equal(t, "PTR", dns.PTR.String())
	assert.Equal(t, "SRV", dns.SRV.String())
	assert.Equal(t, "TYPE28", dns.Type(28).String())
}

func TestErrorMessages(t *testing.T) {
	w := zoo(t)
	_, err := w.d.Lookup("default", "web.nosuch")
	assert.EqualError(t, err, "lookup web.nosuch: no such host")
	_, err = w.d.Lookup("default", "a..b")
	assert.EqualError(t, err, "lookup a..b: invalid domain name: empty label")
	_, err = w.d.Lookup("default", "dangling")
	assert.EqualError(t, err, "lookup dangling: no such host (CNAME chain dangling.default.svc.cluster.local. -> gone.default.svc.cluster.local.)")
	_, err = w.d.Query("loop-a.default.svc.cluster.local", dns.A)
	require.ErrorIs(t, err, dns.ErrCNAMELoop)
	assert.EqualError(t, err, "lookup loop-a.default.svc.cluster.local: CNAME loop (CNAME chain loop-a.default.svc.cluster.local. -> loop-b.default.svc.cluster.local. -> loop-a.default.svc.cluster.local.)")
	var e *dns.Error
	require.ErrorAs(t, err, &e)
	assert.Same(t, dns.ErrCNAMELoop, errors.Unwrap(e))
}

func TestCustomZone(t *testing.T) {
	s := newWorld(t, cluster.Config{Seed: 1}).s
	d, err := dns.Start(s, dns.Options{Zone: "Corp.Example.", TTL: 30})
	require.NoError(t, err)
	assert.Equal(t, "corp.example.", d.Zone())
	require.NoError(t, s.Settle())
	recs, err := d.Query("kubernetes.default.svc.corp.example", dns.A)
	require.NoError(t, err)
	assert.Equal(t, []string{"kubernetes.default.svc.corp.example. 30 IN A 10.96.0.1"}, lines(recs))
	_, err = d.Query("kubernetes.default.svc.cluster.local", dns.A)
	assert.ErrorIs(t, err, dns.ErrNXDomain)
	a, err := d.Lookup("kube-system", "kubernetes.default")
	require.NoError(t, err)
	assert.Equal(t, "kubernetes.default.svc.corp.example.", a.Name)
	digest := s.Digest()
	bad, err := dns.Start(s, dns.Options{Zone: "a..b"})
	assert.Nil(t, bad)
	assert.ErrorIs(t, err, dns.ErrInvalidName)
	assert.Equal(t, digest, s.Digest(), "a refused start changes nothing")
}

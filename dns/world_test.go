package dns_test

import (
	"fmt"
	"net/netip"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/svcsim/svcsim/cluster"
	"github.com/svcsim/svcsim/cluster/clustertest"
	"github.com/svcsim/svcsim/dns"
	"github.com/svcsim/svcsim/endpoints"
	"github.com/svcsim/svcsim/kubectl"
	"github.com/svcsim/svcsim/selector"
)

// world is a cluster with the endpoints controller and the cluster DNS.
type world struct {
	t *testing.T
	s *cluster.Sim
	d *dns.Server
}

func newWorld(t *testing.T, cfg cluster.Config) *world {
	t.Helper()
	s := clustertest.New(t, cfg)
	endpoints.Start(s, endpoints.Options{})
	d, err := dns.Start(s, dns.Options{})
	require.NoError(t, err)
	return &world{t: t, s: s, d: d}
}

func (w *world) namespace(name string) {
	w.t.Helper()
	_, err := w.s.Create(&cluster.Namespace{ObjectMeta: cluster.ObjectMeta{Name: name}})
	require.NoError(w.t, err)
}

func (w *world) service(ns, name string, spec cluster.ServiceSpec) {
	w.t.Helper()
	_, err := kubectl.New(w.s, ns).Apply(&cluster.Service{ObjectMeta: cluster.ObjectMeta{Name: name}, Spec: spec})
	require.NoError(w.t, err)
}

// selecting is a ClusterIP Service's spec: app=<app>, the given ports.
func selecting(app string, ports ...cluster.ServicePort) cluster.ServiceSpec {
	return cluster.ServiceSpec{Selector: selector.Set{"app": app}, Ports: ports}
}

// headlessSpec is selecting, headless.
func headlessSpec(app string, ports ...cluster.ServicePort) cluster.ServiceSpec {
	spec := selecting(app, ports...)
	spec.ClusterIP = cluster.ClusterIPNone
	return spec
}

func external(name string) cluster.ServiceSpec {
	return cluster.ServiceSpec{Type: cluster.ServiceTypeExternalName, ExternalName: name}
}

var httpPort = cluster.ServicePort{Name: "http", Port: 80, TargetPort: cluster.FromInt(8080)}

// pod creates a pod labelled app=<app> listening on 8080, with a readiness
// probe (so that it can be made to fail) and, if subdomain is set, the
// pod's name as its hostname.
func (w *world) pod(ns, name, app, subdomain string) {
	w.t.Helper()
	p := &cluster.Pod{ObjectMeta: cluster.ObjectMeta{Name: name, Namespace: ns, Labels: selector.Set{"app": app}},
		Spec: cluster.PodSpec{Containers: []cluster.Container{{Name: "app", Image: "nginx", ReadinessProbe: &cluster.Probe{},
			Ports: []cluster.ContainerPort{{Name: "http", ContainerPort: 8080}}}}}}
	if subdomain != "" {
		p.Spec.Hostname, p.Spec.Subdomain = name, subdomain
	}
	_, err := w.s.Create(p)
	require.NoError(w.t, err)
}

// pods creates n pods app-0 ... app-(n-1).
func (w *world) pods(ns, app string, n int) {
	w.t.Helper()
	for i := range n {
		w.pod(ns, fmt.Sprintf("%s-%d", app, i), app, "")
	}
}

// notReady fails a pod's readiness probe until the kubelet marks it not
// ready.
func (w *world) notReady(ns, name string) {
	w.t.Helper()
	require.NoError(w.t, w.s.FailReadiness(ns, name))
	w.s.RunFor(time.Minute)
	w.settle()
	p, ok := cluster.GetAs[*cluster.Pod](w.s, ns, name)
	require.True(w.t, ok)
	require.False(w.t, p.IsReady())
}

func (w *world) settle() {
	w.t.Helper()
	clustertest.Settle(w.t, w.s)
}

func (w *world) podIP(ns, name string) string {
	w.t.Helper()
	p, ok := cluster.GetAs[*cluster.Pod](w.s, ns, name)
	require.True(w.t, ok, "pod %s/%s", ns, name)
	require.NotEmpty(w.t, p.Status.PodIP)
	return p.Status.PodIP
}

func (w *world) clusterIP(ns, name string) string {
	w.t.Helper()
	svc, ok := cluster.GetAs[*cluster.Service](w.s, ns, name)
	require.True(w.t, ok, "service %s/%s", ns, name)
	return svc.Spec.ClusterIP
}

// expand replaces the placeholders of an expected line: {ns/svc} is a
// cluster IP, {pod:ns/name} a pod IP, {dash:ns/name} a pod IP dashed and
// {rev:ip-placeholder} the PTR name of an address.
func (w *world) expand(s string) string {
	for {
		i := strings.IndexByte(s, '{')
		if i < 0 {
			return s
		}
		j := strings.IndexByte(s[i:], '}') + i
		s = s[:i] + w.value(s[i+1:j]) + s[j+1:]
	}
}

func (w *world) value(ph string) string {
	kind, arg, ok := strings.Cut(ph, ":")
	if !ok {
		ns, name, _ := strings.Cut(ph, "/")
		return w.clusterIP(ns, name)
	}
	ns, name, _ := strings.Cut(arg, "/")
	switch kind {
	case "pod":
		return w.podIP(ns, name)
	case "dash":
		return strings.ReplaceAll(w.podIP(ns, name), ".", "-")
	case "rev":
		ip := netip.MustParseAddr(w.value(arg)).As4()
		return fmt.Sprintf("%d.%d.%d.%d.in-addr.arpa.", ip[3], ip[2], ip[1], ip[0])
	}
	w.t.Fatalf("bad placeholder %q", ph)
	return ""
}

func (w *world) expandAll(lines []string) []string {
	out := make([]string, len(lines))
	for i, l := range lines {
		out[i] = w.expand(l)
	}
	return out
}

// lines renders records as dig does, with single spaces for readability.
func lines(recs []dns.Record) []string {
	out := make([]string, len(recs))
	for i, r := range recs {
		out[i] = strings.Join(strings.Fields(r.String()), " ")
	}
	return out
}

// sortedIPs returns ips in numeric order.
func sortedIPs(ips []string) []string {
	out := slices.Clone(ips)
	slices.SortFunc(out, func(a, b string) int { return netip.MustParseAddr(a).Compare(netip.MustParseAddr(b)) })
	return out
}

package dns_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/svcsim/svcsim/cluster"
	"github.com/svcsim/svcsim/cluster/clustertest"
	"github.com/svcsim/svcsim/dns"
	"github.com/svcsim/svcsim/endpoints"
	"github.com/svcsim/svcsim/kubectl"
	"github.com/svcsim/svcsim/selector"
)

// FuzzLookup asks arbitrary names of a small cluster: nothing panics, and
// every failure is an *dns.Error wrapping one of the sentinels.
func FuzzLookup(f *testing.F) {
	s := clustertest.New(f, cluster.Config{Seed: 1})
	endpoints.Start(s, endpoints.Options{})
	d, err := dns.Start(s, dns.Options{})
	if err != nil {
		f.Fatal(err)
	}
	k := kubectl.New(s, "default")
	for _, svc := range []*cluster.Service{
		{ObjectMeta: cluster.ObjectMeta{Name: "web"}, Spec: cluster.ServiceSpec{Selector: selector.Set{"app": "web"}, Ports: []cluster.ServicePort{{Name: "http", Port: 80}}}},
		{ObjectMeta: cluster.ObjectMeta{Name: "db"}, Spec: cluster.ServiceSpec{ClusterIP: cluster.ClusterIPNone, Selector: selector.Set{"app": "web"}, Ports: []cluster.ServicePort{{Name: "http", Port: 80}}}},
		{ObjectMeta: cluster.ObjectMeta{Name: "ext"}, Spec: cluster.ServiceSpec{Type: cluster.ServiceTypeExternalName, ExternalName: "example.com"}},
		{ObjectMeta: cluster.ObjectMeta{Name: "alias"}, Spec: cluster.ServiceSpec{Type: cluster.ServiceTypeExternalName, ExternalName: "web.default.svc.cluster.local"}},
		{ObjectMeta: cluster.ObjectMeta{Name: "loop"}, Spec: cluster.ServiceSpec{Type: cluster.ServiceTypeExternalName, ExternalName: "loop.default.svc.cluster.local"}},
	} {
		if _, err := k.Apply(svc); err != nil {
			f.Fatal(err)
		}
	}
	if _, err := k.Run("web-0", kubectl.RunOptions{Image: "nginx", Labels: map[string]string{"app": "web"}, Port: 80}); err != nil {
		f.Fatal(err)
	}
	clustertest.Settle(f, s)
	for _, seed := range []struct{ ns, name string }{
		{"default", "web"}, {"default", "db"}, {"other", "web.default"}, {"", "ext"}, {"default", "alias"},
		{"default", "loop"}, {"default", "_http._tcp.web"}, {"default", "WEB.default.svc.cluster.local."},
		{"default", "a..b"}, {"a.b", "web"}, {"default", ""}, {"default", "."}, {"default", "10.0.0.1"},
		{"default", strings.Repeat("x", 64)}, {"default", strings.Repeat("a.", 127)}, {"default", "\xff.\x00"},
	} {
		f.Add(seed.ns, seed.name)
	}
	sentinels := []error{dns.ErrNXDomain, dns.ErrInvalidName, dns.ErrNoUpstream, dns.ErrCNAMELoop}
	typed := func(t *testing.T, err error) {
		t.Helper()
		if err == nil {
			return
		}
		var e *dns.Error
		if !errors.As(err, &e) {
			t.Fatalf("untyped error %T: %v", err, err)
		}
		for _, s := range sentinels {
			if errors.Is(err, s) {
				return
			}
		}
		t.Fatalf("unexpected sentinel: %v", err)
	}
	f.Fuzz(func(t *testing.T, ns, name string) {
		a, err := d.Lookup(ns, name)
		typed(t, err)
		if err == nil && len(a.IPs) == 0 {
			t.Fatalf("lookup %q from %q: an answer without addresses", name, ns)
		}
		for _, ty := range []dns.Type{dns.A, dns.CNAME, dns.SRV, dns.PTR} {
			_, err := d.Query(name, ty)
			typed(t, err)
		}
	})
}

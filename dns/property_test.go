package dns_test

import (
	"errors"
	"slices"
	"strconv"
	"testing"

	"pgregory.net/rapid"

	"github.com/svcsim/svcsim/cluster"
	"github.com/svcsim/svcsim/cluster/clustertest"
	"github.com/svcsim/svcsim/dns"
	"github.com/svcsim/svcsim/endpoints"
	"github.com/svcsim/svcsim/kubectl"
	"github.com/svcsim/svcsim/selector"
)

var (
	propNamespaces = []string{"default", "other"}
	propServices   = []string{"s0", "s1", "s2"}
	propApps       = []string{"a", "b"}
)

// expectedA computes a Service's A records the slow, obvious way, from
// the store itself: its cluster IP, or the ready addresses of every slice
// labelled with its name. ok is false when the name should not exist.
func expectedA(s *cluster.Sim, svc *cluster.Service) (ips []string, ok bool) {
	if svc.Spec.ClusterIP != cluster.ClusterIPNone {
		return []string{svc.Spec.ClusterIP}, true
	}
	sel := selector.Set{endpoints.ServiceNameLabel: svc.Name}
	for _, sl := range cluster.ListAs[*cluster.EndpointSlice](s, svc.Namespace, selector.FromValidatedSet(sel)) {
		for _, ep := range sl.Endpoints {
			if ep.Conditions.Ready == nil || *ep.Conditions.Ready {
				for _, a := range ep.Addresses {
					if !slices.Contains(ips, a) {
						ips = append(ips, a)
					}
				}
			}
		}
	}
	return sortedIPs(ips), len(ips) > 0
}

// TestIndexMatchesStore changes Services and pods at random and checks,
// once everything has settled, that the server's incrementally kept index
// answers every name as a recomputation from the store says it should:
// names appear, change and disappear with their Services and endpoints.
func TestIndexMatchesStore(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		s := clustertest.New(t, cluster.Config{Seed: rapid.Uint64().Draw(t, "seed")})
		endpoints.Start(s, endpoints.Options{})
		d, err := dns.Start(s, dns.Options{})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := s.Create(&cluster.Namespace{ObjectMeta: cluster.ObjectMeta{Name: "other"}}); err != nil {
			t.Fatal(err)
		}
		pods := 0
		t.Repeat(map[string]func(*rapid.T){
			"apply service": func(t *rapid.T) {
				ns := rapid.SampledFrom(propNamespaces).Draw(t, "ns")
				name := rapid.SampledFrom(propServices).Draw(t, "name")
				_ = kubectl.New(s, ns).Delete(cluster.KindService, name, cluster.DeleteOptions{})
				spec := cluster.ServiceSpec{Selector: selector.Set{"app": rapid.SampledFrom(propApps).Draw(t, "app")},
					Ports: []cluster.ServicePort{{Name: "http", Port: 80}}}
				switch rapid.IntRange(0, 2).Draw(t, "kind") {
				case 1:
					spec.ClusterIP = cluster.ClusterIPNone
				case 2:
					spec = cluster.ServiceSpec{Type: cluster.ServiceTypeExternalName, ExternalName: rapid.SampledFrom(propServices).Draw(t, "target") + ".default.svc.cluster.local"}
				}
				if _, err := kubectl.New(s, ns).Apply(&cluster.Service{ObjectMeta: cluster.ObjectMeta{Name: name}, Spec: spec}); err != nil {
					t.Fatal(err)
				}
			},
			"delete service": func(t *rapid.T) {
				ns := rapid.SampledFrom(propNamespaces).Draw(t, "ns")
				_ = kubectl.New(s, ns).Delete(cluster.KindService, rapid.SampledFrom(propServices).Draw(t, "name"), cluster.DeleteOptions{})
			},
			"run pod": func(t *rapid.T) {
				ns := rapid.SampledFrom(propNamespaces).Draw(t, "ns")
				pods++
				_, err := kubectl.New(s, ns).Run("p"+strconv.Itoa(pods), kubectl.RunOptions{Image: "nginx", Labels: map[string]string{"app": rapid.SampledFrom(propApps).Draw(t, "app")}, Port: 80})
				if err != nil {
					t.Fatal(err)
				}
			},
			"delete pods": func(t *rapid.T) {
				ns := rapid.SampledFrom(propNamespaces).Draw(t, "ns")
				_ = kubectl.New(s, ns).DeleteSelected(cluster.KindPod, "app="+rapid.SampledFrom(propApps).Draw(t, "app"), cluster.DeleteOptions{GracePeriodSeconds: cluster.Ptr(int64(0))})
			},
			"settle": func(t *rapid.T) {
				clustertest.Settle(t, s)
			},
			"": func(t *rapid.T) {
				if s.Pending() > 0 {
					return // checked once the server has caught up
				}
				check(t, s, d)
			},
		})
		clustertest.Settle(t, s)
		check(t, s, d)
	})
}

func check(t *rapid.T, s *cluster.Sim, d *dns.Server) {
	t.Helper()
	nsUsed := map[string]bool{}
	for _, ns := range propNamespaces {
		for _, name := range propServices {
			q := name + "." + ns + ".svc.cluster.local."
			recs, err := d.Query(q, dns.A)
			svc, exists := cluster.GetAs[*cluster.Service](s, ns, name)
			if !exists {
				if !errors.Is(err, dns.ErrNXDomain) {
					t.Fatalf("%s: no such Service, yet %v, %v", q, recs, err)
				}
				continue
			}
			if svc.Spec.Type == cluster.ServiceTypeExternalName {
				nsUsed[ns] = true
				if err != nil && !errors.Is(err, dns.ErrNXDomain) && !errors.Is(err, dns.ErrCNAMELoop) || err == nil && (len(recs) == 0 || recs[0].Type != dns.CNAME) {
					t.Fatalf("%s: ExternalName answered %v, %v", q, recs, err)
				}
				continue
			}
			want, ok := expectedA(s, svc)
			if !ok {
				if !errors.Is(err, dns.ErrNXDomain) {
					t.Fatalf("%s: headless with nothing ready, yet %v, %v", q, recs, err)
				}
				continue
			}
			nsUsed[ns] = true
			var got []string
			for _, r := range recs {
				got = append(got, r.IP)
			}
			if err != nil || !slices.Equal(want, got) {
				t.Fatalf("%s: want %v, got %v, %v", q, want, got, err)
			}
		}
	}
	for _, ns := range propNamespaces {
		_, err := d.Query(ns+".svc.cluster.local.", dns.A)
		if nsUsed[ns] != (err == nil) && ns != "default" { // default always has the kubernetes Service
			t.Fatalf("namespace %s: names below it %v, query error %v", ns, nsUsed[ns], err)
		}
	}
}

package endpoints_test

import (
	"fmt"
	"slices"
	"testing"
	"time"

	"pgregory.net/rapid"

	"github.com/svcsim/svcsim/cluster"
	"github.com/svcsim/svcsim/cluster/clustertest"
	"github.com/svcsim/svcsim/endpoints"
	"github.com/svcsim/svcsim/kubectl"
	"github.com/svcsim/svcsim/selector"
)

var (
	podNames = []string{"p0", "p1", "p2", "p3", "p4", "p5", "p6", "p7"}
	svcNames = []string{"s0", "s1", "s2"}
	labelSet = rapid.Custom(func(t *rapid.T) selector.Set {
		set := selector.Set{}
		for _, k := range []string{"app", "tier", "ver"} {
			if rapid.Bool().Draw(t, "has-"+k) {
				set[k] = rapid.SampledFrom([]string{"a", "b"}).Draw(t, k)
			}
		}
		return set
	})
)

// expected computes a Service's endpoints the slow, obvious way: list
// every pod in the namespace and filter, as Kubernetes' controller does.
func expected(s *cluster.Sim, svc *cluster.Service) (ready, notReady, sliced []string) {
	sel := selector.FromValidatedSet(svc.Spec.Selector)
	for _, p := range cluster.ListAs[*cluster.Pod](s, svc.Namespace, selector.Everything()) {
		if !sel.Matches(p.Labels) || p.Status.PodIP == "" || p.Status.Phase == cluster.PodSucceeded || p.Status.Phase == cluster.PodFailed {
			continue
		}
		for _, sp := range svc.Spec.Ports {
			port := sp.TargetPort.IntVal
			if port == 0 {
				port = sp.Port // targetPort defaults to port
			}
			found := !sp.TargetPort.IsString
			if sp.TargetPort.IsString {
				for _, c := range p.Spec.Containers {
					for _, cp := range c.Ports {
						if cp.Name == sp.TargetPort.StrVal {
							port, found = cp.ContainerPort, true
						}
					}
				}
			}
			if !found {
				continue
			}
			e := fmt.Sprintf("%s:%d", p.Status.PodIP, port)
			zone := ""
			if n, ok := cluster.GetAs[*cluster.Node](s, "", p.Spec.NodeName); ok {
				zone = n.Labels[cluster.LabelTopologyZone]
			}
			sliced = append(sliced, fmt.Sprintf("%s ready=%v serving=%v terminating=%v node=%s zone=%s", e,
				p.IsReady() && !p.Terminating(), p.IsReady(), p.Terminating(), p.Spec.NodeName, zone))
			switch {
			case p.Terminating():
			case p.IsReady():
				ready = append(ready, e)
			default:
				notReady = append(notReady, e)
			}
		}
	}
	slices.Sort(ready)
	slices.Sort(notReady)
	slices.Sort(sliced)
	return ready, notReady, sliced
}

// actual reads what the controller wrote for a Service.
func actual(s *cluster.Sim, svc *cluster.Service) (ready, notReady, sliced []string, ok bool) {
	ep, ok := cluster.GetAs[*cluster.Endpoints](s, svc.Namespace, svc.Name)
	if !ok {
		return nil, nil, nil, false
	}
	for _, ss := range ep.Subsets {
		for _, p := range ss.Ports {
			for _, a := range ss.Addresses {
				ready = append(ready, fmt.Sprintf("%s:%d", a.IP, p.Port))
			}
			for _, a := range ss.NotReadyAddresses {
				notReady = append(notReady, fmt.Sprintf("%s:%d", a.IP, p.Port))
			}
		}
	}
	sel := selector.FromValidatedSet(selector.Set{endpoints.ServiceNameLabel: svc.Name})
	for _, sl := range cluster.ListAs[*cluster.EndpointSlice](s, svc.Namespace, sel) {
		for _, e := range sl.Endpoints {
			node, zone := "<nil>", ""
			if e.NodeName != nil {
				node = *e.NodeName
			}
			if e.Zone != nil {
				zone = *e.Zone
			}
			for _, p := range sl.Ports {
				sliced = append(sliced, fmt.Sprintf("%s:%d ready=%v serving=%v terminating=%v node=%s zone=%s", e.Addresses[0], *p.Port,
					*e.Conditions.Ready, *e.Conditions.Serving, *e.Conditions.Terminating, node, zone))
			}
		}
	}
	slices.Sort(ready)
	slices.Sort(notReady)
	slices.Sort(sliced)
	return ready, notReady, sliced, true
}

// TestEndpointsMatchBruteForce: after any sequence of pod and Service
// changes, once the loop settles, every managed Service's Endpoints and
// EndpointSlices equal a computation from scratch over the store, each
// endpoint with its node's zone; both carry the headless label exactly
// when the Service has no cluster IP.
func TestEndpointsMatchBruteForce(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		timing := cluster.Instant()
		if rapid.Bool().Draw(t, "realistic") {
			timing = cluster.Realistic()
		}
		zones := rapid.SampledFrom([][]string{nil, {"a"}, {"a", "b"}}).Draw(t, "zones")
		s := clustertest.New(t, cluster.Config{Seed: rapid.Uint64().Draw(t, "seed"), Timing: timing, Zones: zones})
		maxPerSlice := rapid.IntRange(1, 4).Draw(t, "maxPerSlice")
		endpoints.Start(s, endpoints.Options{MaxEndpointsPerSlice: maxPerSlice})
		k := kubectl.New(s, "")
		steps := rapid.IntRange(1, 25).Draw(t, "steps")
		for range steps {
			switch rapid.IntRange(0, 10).Draw(t, "action") {
			case 0, 1: // create a pod
				name := rapid.SampledFrom(podNames).Draw(t, "pod")
				c := cluster.Container{Name: "app", Image: "nginx", Ports: []cluster.ContainerPort{{Name: "http", ContainerPort: rapid.SampledFrom([]int32{80, 8080}).Draw(t, "port")}}}
				if rapid.Bool().Draw(t, "probe") {
					c.ReadinessProbe = &cluster.Probe{PeriodSeconds: 1}
				}
				_, _ = k.Apply(&cluster.Pod{ObjectMeta: cluster.ObjectMeta{Name: name, Labels: labelSet.Draw(t, "labels")},
					Spec: cluster.PodSpec{OnSIGTERM: rapid.SampledFrom([]cluster.SigtermBehavior{cluster.SigtermExit, cluster.SigtermIgnore}).Draw(t, "sigterm"),
						TerminationGracePeriodSeconds: cluster.Ptr(int64(5)), Containers: []cluster.Container{c}}})
			case 2: // relabel a pod
				name := rapid.SampledFrom(podNames).Draw(t, "pod")
				if p, ok := cluster.GetAs[*cluster.Pod](s, "default", name); ok {
					p.Labels = labelSet.Draw(t, "labels")
					_, _ = s.Update(p)
				}
			case 3: // delete a pod
				name := rapid.SampledFrom(podNames).Draw(t, "pod")
				_ = s.Delete(cluster.KindPod, "default", name, cluster.DeleteOptions{Force: rapid.Bool().Draw(t, "force")})
			case 4: // readiness fault
				name := rapid.SampledFrom(podNames).Draw(t, "pod")
				if rapid.Bool().Draw(t, "fail") {
					_ = s.FailReadiness("default", name)
				} else {
					_ = s.RecoverReadiness("default", name)
				}
			case 5, 6: // create or change a Service
				name := rapid.SampledFrom(svcNames).Draw(t, "svc")
				sel := labelSet.Draw(t, "selector")
				target := cluster.FromInt(rapid.SampledFrom([]int32{80, 8080}).Draw(t, "target"))
				if rapid.Bool().Draw(t, "named") {
					target = cluster.FromString("http")
				}
				svc := &cluster.Service{ObjectMeta: cluster.ObjectMeta{Name: name},
					Spec: cluster.ServiceSpec{Selector: sel, Ports: []cluster.ServicePort{{Port: 80, TargetPort: target}}}}
				if rapid.Bool().Draw(t, "headless") {
					svc.Spec.ClusterIP = cluster.ClusterIPNone
				}
				if rapid.Bool().Draw(t, "labelled headless") {
					svc.Labels = selector.Set{endpoints.HeadlessLabel: "x"}
				}
				if cur, ok := cluster.GetAs[*cluster.Service](s, "default", name); ok {
					cur.Spec.Selector, cur.Spec.Ports = svc.Spec.Selector, svc.Spec.Ports
					_, _ = s.Update(cur)
				} else {
					_, _ = s.Create(svc)
				}
			case 7: // delete a Service
				_ = s.Delete(cluster.KindService, "default", rapid.SampledFrom(svcNames).Draw(t, "svc"), cluster.DeleteOptions{})
			case 8:
				s.RunFor(time.Duration(rapid.IntRange(0, 3000).Draw(t, "ms")) * time.Millisecond)
			case 9: // crash a container
				_ = s.CrashContainer("default", rapid.SampledFrom(podNames).Draw(t, "pod"), "")
			case 10: // a node goes away for a while
				node := rapid.SampledFrom([]string{"node-1", "node-2", "node-3"}).Draw(t, "node")
				_ = s.NodeDown(node)
				s.RunFor(time.Duration(rapid.IntRange(0, 90).Draw(t, "s")) * time.Second)
				_ = s.NodeUp(node)
			}
		}
		clustertest.Settle(t, s)
		for _, svc := range cluster.ListAs[*cluster.Service](s, "default", selector.Everything()) {
			if len(svc.Spec.Selector) == 0 || svc.Name == "kubernetes" {
				continue
			}
			wr, wn, ws := expected(s, svc)
			gr, gn, gs, ok := actual(s, svc)
			if !ok {
				t.Fatalf("Service %s has no Endpoints", svc.Name)
			}
			if !slices.Equal(wr, gr) || !slices.Equal(wn, gn) {
				t.Fatalf("Service %s (selector %v): Endpoints ready %v notReady %v, want ready %v notReady %v", svc.Name, svc.Spec.Selector, gr, gn, wr, wn)
			}
			if !slices.Equal(ws, gs) {
				t.Fatalf("Service %s: slices %v, want %v", svc.Name, gs, ws)
			}
			checkHeadless(t, s, svc)
			checkSlicing(t, s, svc, maxPerSlice)
		}
	})
}

// checkSlicing fails unless a Service's slices hold each of its endpoints
// exactly once and at most max to a slice, and the Service has at least
// one slice (an empty placeholder when it has no endpoints).
func checkSlicing(t *rapid.T, s *cluster.Sim, svc *cluster.Service, max int) {
	sls := cluster.ListAs[*cluster.EndpointSlice](s, svc.Namespace, selector.FromValidatedSet(selector.Set{endpoints.ServiceNameLabel: svc.Name}))
	if len(sls) == 0 {
		t.Fatalf("Service %s has no EndpointSlice, not even a placeholder", svc.Name)
	}
	seen := map[string]string{}
	for _, sl := range sls {
		if len(sl.Endpoints) > max {
			t.Fatalf("Service %s: slice %s holds %d endpoints, more than %d", svc.Name, sl.Name, len(sl.Endpoints), max)
		}
		for _, e := range sl.Endpoints {
			if other, ok := seen[e.TargetRef.Name]; ok {
				t.Fatalf("Service %s: pod %s is in slices %s and %s", svc.Name, e.TargetRef.Name, other, sl.Name)
			}
			seen[e.TargetRef.Name] = sl.Name
		}
	}
}

// checkHeadless fails unless the Service's Endpoints and slices carry the
// headless label, with an empty value, exactly when it has no cluster IP.
func checkHeadless(t *rapid.T, s *cluster.Sim, svc *cluster.Service) {
	headless := svc.Spec.ClusterIP == cluster.ClusterIPNone
	check := func(what string, l selector.Set) {
		v, ok := l[endpoints.HeadlessLabel]
		if ok != headless || v != "" {
			t.Fatalf("Service %s (clusterIP %q, labels %v): %s labels %v", svc.Name, svc.Spec.ClusterIP, svc.Labels, what, l)
		}
	}
	ep, _ := cluster.GetAs[*cluster.Endpoints](s, svc.Namespace, svc.Name)
	check("Endpoints", ep.Labels)
	for _, sl := range cluster.ListAs[*cluster.EndpointSlice](s, svc.Namespace, selector.FromValidatedSet(selector.Set{endpoints.ServiceNameLabel: svc.Name})) {
		check("EndpointSlice "+sl.Name, sl.Labels)
	}
}

func TestEndpointsMatchBruteForceAtScale(t *testing.T) {
	// A deterministic companion to the property: many pods and Services
	// with overlapping selectors, checked once.
	s := clustertest.New(t, cluster.Config{Seed: 3})
	endpoints.Start(s, endpoints.Options{})
	k := kubectl.New(s, "")
	for i := range 60 {
		_, err := k.Run(fmt.Sprintf("p%02d", i), kubectl.RunOptions{Image: "nginx", Port: 80,
			Labels: map[string]string{"app": []string{"a", "b", "c"}[i%3], "tier": []string{"x", "y"}[i%2]}})
		if err != nil {
			t.Fatal(err)
		}
	}
	for i, sel := range []selector.Set{{"app": "a"}, {"app": "b", "tier": "x"}, {"tier": "y"}, {"app": "zzz"}} {
		if _, err := s.Create(service(fmt.Sprintf("s%d", i), sel, 80, cluster.IntOrString{})); err != nil {
			t.Fatal(err)
		}
	}
	clustertest.Settle(t, s)
	for _, svc := range cluster.ListAs[*cluster.Service](s, "default", selector.Everything()) {
		if len(svc.Spec.Selector) == 0 {
			continue
		}
		wr, _, ws := expected(s, svc)
		gr, _, gs, _ := actual(s, svc)
		if !slices.Equal(wr, gr) || !slices.Equal(ws, gs) {
			t.Fatalf("Service %s: got %v, want %v", svc.Name, gr, wr)
		}
	}
}

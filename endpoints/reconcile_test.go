package endpoints

import (
	"fmt"
	"maps"
	"slices"
	"strings"
	"testing"
	"time"

	"pgregory.net/rapid"

	"github.com/svcsim/svcsim/cluster"
	"github.com/svcsim/svcsim/selector"
)

// refSlice is a slice as the reference reconciler leaves it.
type refSlice struct {
	name  string // "" for one it creates
	group string
	eps   []cluster.Endpoint
	state sliceState
	orig  *cluster.EndpointSlice // nil for one it creates
}

// reference lays out a Service's slices the way Kubernetes' EndpointSlice
// reconciler does, transcribed plainly from reconcileByPortMapping and
// finalize: over every desired endpoint, from the slices as they are
// stored. Where Kubernetes takes map order it takes the order the
// controller documents: port maps by key, new endpoints by address,
// slices by name. desired holds each port map's endpoints in address
// order. It returns the slices that remain, existing ones in name order
// and then those created.
func reference(svc *service, existing []*cluster.EndpointSlice, desired map[string][]cluster.Endpoint, max int) []*refSlice {
	var all []*refSlice
	byGroup := map[string][]*refSlice{}
	for _, sl := range existing {
		r := &refSlice{name: sl.Name, group: slicePortsKey(sl.Ports), eps: sl.Endpoints, orig: sl}
		all = append(all, r)
		if !svc.owns(sl) {
			r.state = drop
			continue
		}
		byGroup[r.group] = append(byGroup[r.group], r)
	}
	var creates []*refSlice
	fillRef := func(r *refSlice, eps []cluster.Endpoint) []cluster.Endpoint {
		for len(eps) > 0 && len(r.eps) < max {
			r.eps = append(slices.Clip(r.eps), eps[0])
			eps = eps[1:]
		}
		return eps
	}
	for _, g := range slices.Sorted(maps.Keys(desired)) {
		want := desired[g]
		taken := make([]bool, len(want))
		for _, r := range byGroup[g] {
			var kept []cluster.Endpoint
			updated := false
			for _, e := range r.eps {
				i := slices.IndexFunc(want, func(w cluster.Endpoint) bool { return identical(&e, &w) })
				if i < 0 || taken[i] {
					continue
				}
				taken[i] = true
				kept = append(kept, want[i])
				updated = updated || !equalBeyondIdentity(&e, &want[i])
			}
			switch {
			case updated || len(kept) != len(r.eps):
				r.eps = kept
				r.state = rewrite
				if len(kept) == 0 {
					r.state = drop
				}
			case sliceLabelsChanged(r.orig.Labels, svc.labels):
				r.state = rewrite
			}
		}
		var left []cluster.Endpoint
		for i, w := range want {
			if !taken[i] {
				left = append(left, w)
			}
		}
		var updating []*refSlice
		for _, r := range byGroup[g] {
			if r.state == rewrite {
				updating = append(updating, r)
			}
		}
		slices.SortStableFunc(updating, func(a, b *refSlice) int { return len(b.eps) - len(a.eps) })
		for _, r := range updating {
			left = fillRef(r, left)
		}
		for len(left) > 0 {
			var target *refSlice
			if len(left) < max {
				best := max
				for _, r := range byGroup[g] {
					if d := max - len(left) - len(r.eps); r.state == keep && d >= 0 && d < best {
						best, target = d, r
					}
				}
			}
			if target == nil {
				target = &refSlice{group: g, state: create}
				creates = append(creates, target)
			} else {
				target.state = rewrite
			}
			left = fillRef(target, left)
		}
	}
	for g, rs := range byGroup {
		if _, ok := desired[g]; !ok {
			for _, r := range rs {
				r.state = drop
			}
		}
	}
	if !slices.ContainsFunc(all, func(r *refSlice) bool { return r.state != drop }) && len(creates) == 0 {
		ph := svc.newSlice("", []cluster.EndpointSlicePort{}, 0)
		if len(all) == 1 && samePlaceholder(all[0].orig, ph.obj) {
			all[0].state = keep
		} else {
			creates = append(creates, &refSlice{group: "", state: create})
		}
	}
	for i, r := range all {
		if len(creates) == 0 {
			break
		}
		if r.state == drop && svc.owns(r.orig) {
			cr := creates[len(creates)-1]
			creates = creates[:len(creates)-1]
			cr.name, cr.state = r.name, rewrite
			all[i] = cr
		}
	}
	var out []*refSlice
	for _, r := range append(all, creates...) {
		if r.state != drop {
			out = append(out, r)
		}
	}
	return out
}

// desiredOf is what the controller's view of a Service's pods asks of its
// slices: each port map's endpoints in address order.
func (c *Controller) desiredOf(svc *service) map[string][]cluster.Endpoint {
	out := map[string][]cluster.Endpoint{}
	for _, name := range slices.Sorted(maps.Keys(svc.members)) {
		p := svc.members[name].cur
		if p == nil || p.ip == "" || p.terminal {
			continue
		}
		k := slicePortsKey(svc.slicePorts(p))
		out[k] = append(out[k], svc.sliceEndpoint(p, c.zones[p.node]))
	}
	for _, eps := range out {
		slices.SortFunc(eps, func(a, b cluster.Endpoint) int {
			if c := strings.Compare(a.Addresses[0], b.Addresses[0]); c != 0 {
				return c
			}
			return strings.Compare(a.TargetRef.UID, b.TargetRef.UID)
		})
	}
	return out
}

// storedSlices returns a Service's slices from the store, by name.
func storedSlices(s *cluster.Sim, svc *service) []*cluster.EndpointSlice {
	return cluster.ListAs[*cluster.EndpointSlice](s, svc.ns, selector.FromValidatedSet(selector.Set{ServiceNameLabel: svc.name}))
}

// layout describes slices for comparison: name (or "new"), port map and
// the endpoints' pods and conditions in order.
func layout(name string, group string, eps []cluster.Endpoint) string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s [%s]", name, group)
	for _, e := range eps {
		fmt.Fprintf(&b, " %s/%s", e.TargetRef.Name, e.Addresses[0])
		if !*e.Conditions.Ready {
			b.WriteString("(unready)")
		}
		if *e.Conditions.Terminating {
			b.WriteString("(terminating)")
		}
		if e.Zone != nil {
			b.WriteString("@" + *e.Zone)
		}
	}
	return b.String()
}

// TestSlicesAsTheReconcilerLaysThemOut checks every sync the controller
// makes, in random flows, against the reference: from the slices stored
// before the sync and every endpoint wanted, Kubernetes' reconciler would
// leave the same slices with the same endpoints in the same order (new
// slices aside, whose names are drawn at random), which the incremental
// controller must reach from the changes alone.
// tracedSim builds a cluster that prints its trace if the test fails, as
// clustertest.New does; an in-package test cannot import clustertest,
// which imports this package through svcsim.
func tracedSim(t *rapid.T, cfg cluster.Config) *cluster.Sim {
	s, err := cluster.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if t.Failed() {
			var b strings.Builder
			_ = s.WriteTrace(&b)
			t.Logf("cluster trace (seed %d, digest %s):\n%s", cfg.Seed, s.Digest(), b.String())
		}
	})
	return s
}

func TestSlicesAsTheReconcilerLaysThemOut(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		timing := cluster.Instant()
		if rapid.Bool().Draw(t, "realistic") {
			timing = cluster.Realistic()
		}
		s := tracedSim(t, cluster.Config{Seed: rapid.Uint64().Draw(t, "seed"), Timing: timing, Zones: []string{"a", "b"}})
		max := rapid.IntRange(1, 4).Draw(t, "maxPerSlice")
		c, err := Start(s, Options{MaxEndpointsPerSlice: max})
		if err != nil {
			t.Fatal(err)
		}
		k := NewKubectl(s, "")
		pods := []string{"p0", "p1", "p2", "p3", "p4", "p5", "p6", "p7", "p8", "p9"}
		labels := rapid.SampledFrom([]selector.Set{{"app": "a"}, {"app": "b"}, {"app": "a", "v": "1"}, {}})

		step := func() bool {
			var syncing []*service
			before := map[*service][]*cluster.EndpointSlice{}
			if c.scheduled {
				for svc := range c.dirty {
					syncing = append(syncing, svc)
					before[svc] = storedSlices(s, svc)
				}
			}
			if !s.Step() {
				return false
			}
			if len(syncing) == 0 || c.scheduled {
				return true // not the sync
			}
			for _, svc := range syncing {
				if c.services[objKey{svc.ns, svc.name}] != svc || !svc.managed {
					continue
				}
				want := reference(svc, before[svc], c.desiredOf(svc), max)
				got := storedSlices(s, svc)
				var wantL, gotL []string
				for _, r := range want {
					name := r.name
					if name == "" {
						name = "new"
					}
					wantL = append(wantL, layout(name, r.group, r.eps))
				}
				for _, sl := range got {
					if sliceLabelsChanged(sl.Labels, svc.labels) {
						t.Fatalf("Service %s (labels %v): slice %s has labels %v", svc.name, svc.labels, sl.Name, sl.Labels)
					}
					name := sl.Name
					if !slices.ContainsFunc(before[svc], func(o *cluster.EndpointSlice) bool { return o.Name == sl.Name }) {
						name = "new"
					}
					gotL = append(gotL, layout(name, slicePortsKey(sl.Ports), sl.Endpoints))
				}
				slices.Sort(wantL)
				slices.Sort(gotL)
				if !slices.Equal(wantL, gotL) {
					var was []string
					for _, sl := range before[svc] {
						was = append(was, layout(sl.Name, slicePortsKey(sl.Ports), sl.Endpoints))
					}
					t.Fatalf("Service %s at %v: slices\n  %s\nwant\n  %s\nfrom\n  %s", svc.name, s.Now(),
						strings.Join(gotL, "\n  "), strings.Join(wantL, "\n  "), strings.Join(was, "\n  "))
				}
			}
			return true
		}
		run := func(d time.Duration) {
			end := s.Now().Add(d)
			for s.Pending() > 0 && s.Now() < end && step() {
			}
		}

		for range rapid.IntRange(1, 30).Draw(t, "steps") {
			switch rapid.IntRange(0, 8).Draw(t, "action") {
			case 0, 1: // create a pod
				name := rapid.SampledFrom(pods).Draw(t, "pod")
				ct := cluster.Container{Name: "app", Image: "nginx", Ports: []cluster.ContainerPort{{Name: "http", ContainerPort: rapid.SampledFrom([]int32{80, 8080}).Draw(t, "port")}}}
				if rapid.Bool().Draw(t, "probe") {
					ct.ReadinessProbe = &cluster.Probe{PeriodSeconds: 1}
				}
				_, _ = k.Apply(&cluster.Pod{ObjectMeta: cluster.ObjectMeta{Name: name, Labels: labels.Draw(t, "labels")},
					Spec: cluster.PodSpec{TerminationGracePeriodSeconds: cluster.Ptr(int64(2)), OnSIGTERM: cluster.SigtermIgnore, Containers: []cluster.Container{ct}}})
			case 2: // relabel a pod
				if p, ok := cluster.GetAs[*cluster.Pod](s, "default", rapid.SampledFrom(pods).Draw(t, "pod")); ok {
					p.Labels = labels.Draw(t, "labels")
					_, _ = s.Update(p)
				}
			case 3: // delete a pod
				_ = s.Delete(cluster.KindPod, "default", rapid.SampledFrom(pods).Draw(t, "pod"), cluster.DeleteOptions{Force: rapid.Bool().Draw(t, "force")})
			case 4: // readiness
				if name := rapid.SampledFrom(pods).Draw(t, "pod"); rapid.Bool().Draw(t, "fail") {
					_ = s.FailReadiness("default", name)
				} else {
					_ = s.RecoverReadiness("default", name)
				}
			case 5: // create or change a Service
				name := rapid.SampledFrom([]string{"s0", "s1"}).Draw(t, "svc")
				spec := cluster.ServiceSpec{Selector: labels.Draw(t, "selector")}
				switch rapid.IntRange(0, 2).Draw(t, "ports") {
				case 0:
					spec.Ports = []cluster.ServicePort{{Port: 80}}
				case 1:
					spec.Ports = []cluster.ServicePort{{Port: 80, TargetPort: cluster.FromString("http")}}
				default:
					spec.ClusterIP = cluster.ClusterIPNone // no ports
				}
				svcLabels := rapid.SampledFrom([]selector.Set{nil, {"team": "x"}}).Draw(t, "svcLabels")
				if cur, ok := cluster.GetAs[*cluster.Service](s, "default", name); ok {
					cur.Spec.Selector, cur.Labels = spec.Selector, svcLabels
					if (cur.Spec.ClusterIP == cluster.ClusterIPNone) == (spec.ClusterIP == cluster.ClusterIPNone) {
						cur.Spec.Ports = spec.Ports
					}
					_, _ = s.Update(cur)
				} else {
					_, _ = s.Create(&cluster.Service{ObjectMeta: cluster.ObjectMeta{Name: name, Labels: svcLabels}, Spec: spec})
				}
			case 6: // delete a Service
				_ = s.Delete(cluster.KindService, "default", rapid.SampledFrom([]string{"s0", "s1"}).Draw(t, "svc"), cluster.DeleteOptions{})
			case 7: // a node moves to another zone
				_ = k.Label(cluster.KindNode, rapid.SampledFrom([]string{"node-1", "node-2", "node-3"}).Draw(t, "node"),
					cluster.LabelTopologyZone+"="+rapid.SampledFrom([]string{"a", "b", "c"}).Draw(t, "zone"), "--overwrite")
			case 8:
				run(time.Duration(rapid.IntRange(0, 3000).Draw(t, "ms")) * time.Millisecond)
			}
		}
		run(time.Minute)

		// What the controller knows is what is stored: once a sync has
		// written what is pending (a node's new zone, say), a full sync
		// that reads it all back writes nothing.
		for _, svc := range c.services {
			if svc.managed {
				c.dirty[svc] = struct{}{}
			}
		}
		c.sync()
		versions := func() map[string]uint64 {
			out := map[string]uint64{}
			for _, o := range s.List(cluster.KindEndpoints, "default", selector.Everything()) {
				out["ep/"+o.Meta().Name] = o.Meta().ResourceVersion
			}
			for _, o := range s.List(cluster.KindEndpointSlice, "default", selector.Everything()) {
				out["slice/"+o.Meta().Name] = o.Meta().ResourceVersion
			}
			return out
		}
		before := versions()
		for _, svc := range c.services {
			if svc.managed {
				svc.full, svc.stale = true, true
				c.dirty[svc] = struct{}{}
			}
		}
		c.sync()
		if after := versions(); !maps.Equal(before, after) {
			t.Fatalf("a full sync wrote: %v, was %v", after, before)
		}
	})
}

package clustertest_test

import (
	"fmt"
	"slices"
	"sort"
	"testing"

	"pgregory.net/rapid"

	"github.com/svcsim/svcsim"
	"github.com/svcsim/svcsim/cluster"
	"github.com/svcsim/svcsim/cluster/clustertest"
	"github.com/svcsim/svcsim/selector"
)

// model is the reference the state machine checks the cluster against:
// nothing but pods with labels and Services with selectors. A Service's
// endpoints are, by definition, the pods whose labels hold every label of
// its selector — the whole of the Service/Endpoints model in two maps.
type model struct {
	pods     map[string]selector.Set
	services map[string]selector.Set
}

func (m *model) endpoints(svc string) []string {
	var names []string
	for name, labels := range m.pods {
		if selectsAll(m.services[svc], labels) {
			names = append(names, name)
		}
	}
	sort.Strings(names)
	return names
}

func selectsAll(sel, labels selector.Set) bool {
	for k, v := range sel {
		if w, ok := labels[k]; !ok || w != v {
			return false
		}
	}
	return true
}

// TestClusterAgainstReferenceModel drives the whole cluster (store,
// scheduler, kubelets, endpoints controller, kube-proxy) with pod and
// Service changes drawn by rapid, and after each one, once settled,
// checks every Service's Endpoints against the reference model, and the
// kit's invariants against the cluster.
func TestClusterAgainstReferenceModel(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		c, err := svcsim.New(svcsim.Config{Seed: rapid.Uint64().Draw(t, "seed"), Nodes: rapid.IntRange(1, 3).Draw(t, "nodes")})
		if err != nil {
			t.Fatal(err)
		}
		m := &model{pods: map[string]selector.Set{}, services: map[string]selector.Set{}}
		podNames := []string{"a", "b", "c", "d", "e"}
		svcNames := []string{"web", "api"}
		settle := func() {
			if err := c.Settle(); err != nil {
				t.Fatal(err)
			}
		}
		pick := func(names []string, present map[string]selector.Set, want bool, label string) (string, bool) {
			var from []string
			for _, n := range names {
				if _, ok := present[n]; ok == want {
					from = append(from, n)
				}
			}
			if len(from) == 0 {
				return "", false
			}
			return rapid.SampledFrom(from).Draw(t, label), true
		}
		settle()
		t.Repeat(map[string]func(*rapid.T){
			"create pod": func(t *rapid.T) {
				name, ok := pick(podNames, m.pods, false, "new pod")
				if !ok {
					t.Skip("every pod exists")
				}
				labels := clustertest.Labels().Draw(t, "labels")
				p := &cluster.Pod{ObjectMeta: cluster.ObjectMeta{Name: name, Namespace: "default", Labels: labels.Clone()},
					Spec: cluster.PodSpec{Containers: []cluster.Container{{Name: "app", Image: "rxmllc/hostinfo",
						Ports: []cluster.ContainerPort{{ContainerPort: clustertest.AppPort}}}}}}
				if _, err := c.Create(p); err != nil {
					t.Fatal(err)
				}
				m.pods[name] = labels
				settle()
			},
			"delete pod": func(t *rapid.T) {
				name, ok := pick(podNames, m.pods, true, "pod")
				if !ok {
					t.Skip("no pod")
				}
				if err := c.Delete(cluster.KindPod, "default", name, cluster.DeleteOptions{Force: true}); err != nil {
					t.Fatal(err)
				}
				delete(m.pods, name)
				settle()
			},
			"relabel pod": func(t *rapid.T) {
				name, ok := pick(podNames, m.pods, true, "pod")
				if !ok {
					t.Skip("no pod")
				}
				labels := clustertest.Labels().Draw(t, "labels")
				o, _ := c.Get(cluster.KindPod, "default", name)
				p := o.(*cluster.Pod)
				p.Labels = labels.Clone()
				if _, err := c.Update(p); err != nil {
					t.Fatal(err)
				}
				m.pods[name] = labels
				settle()
			},
			"create or reselect service": func(t *rapid.T) {
				name := rapid.SampledFrom(svcNames).Draw(t, "service")
				sel := clustertest.Selector().Draw(t, "selector")
				if o, ok := c.Get(cluster.KindService, "default", name); ok {
					svc := o.(*cluster.Service)
					svc.Spec.Selector = sel.Clone()
					if _, err := c.Update(svc); err != nil {
						t.Fatal(err)
					}
				} else {
					svc := &cluster.Service{ObjectMeta: cluster.ObjectMeta{Name: name, Namespace: "default"},
						Spec: cluster.ServiceSpec{Selector: sel.Clone(), Ports: []cluster.ServicePort{{Port: 80, TargetPort: cluster.FromInt(clustertest.AppPort)}}}}
					if _, err := c.Create(svc); err != nil {
						t.Fatal(err)
					}
				}
				m.services[name] = sel
				settle()
			},
			"delete service": func(t *rapid.T) {
				name, ok := pick(svcNames, m.services, true, "service")
				if !ok {
					t.Skip("no service")
				}
				if err := c.Delete(cluster.KindService, "default", name, cluster.DeleteOptions{}); err != nil {
					t.Fatal(err)
				}
				delete(m.services, name)
				settle()
			},
			"": func(t *rapid.T) {
				for name := range m.services {
					if got, want := endpointPods(c, name), m.endpoints(name); !slices.Equal(got, want) {
						t.Fatalf("Endpoints %s hold pods %v; the model says %v", name, got, want)
					}
				}
				for _, check := range []func(*svcsim.Cluster) error{clustertest.EndpointsMatch, clustertest.ProxiesMatch, clustertest.UniqueIPs} {
					if err := check(c); err != nil {
						t.Fatal(err)
					}
				}
			},
		})
	})
}

// endpointPods names the pods a Service's Endpoints list as ready.
func endpointPods(c *svcsim.Cluster, svc string) []string {
	o, ok := c.Get(cluster.KindEndpoints, "default", svc)
	if !ok {
		return nil
	}
	var names []string
	for _, ss := range o.(*cluster.Endpoints).Subsets {
		for _, a := range ss.Addresses {
			if a.TargetRef == nil {
				names = append(names, fmt.Sprintf("(no pod: %s)", a.IP))
				continue
			}
			names = append(names, a.TargetRef.Name)
		}
	}
	sort.Strings(names)
	return names
}

package conformance

import (
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	corev1 "k8s.io/api/core/v1"
	discovery "k8s.io/api/discovery/v1"
	"pgregory.net/rapid"

	"github.com/svcsim/svcsim/cluster"
	"github.com/svcsim/svcsim/endpoints"
	"github.com/svcsim/svcsim/selector"
)

// sliceView is one EndpointSlice, from either side, as sliceContent
// reads it: its port group (address type and ports), its metadata that
// must not depend on the layout, and one line per endpoint.
type sliceView struct {
	group, labels, owners string
	endpoints             []string
}

// sliceContent describes a Service's EndpointSlices by what they hold,
// not how it is cut into slices: one line per endpoint with its port
// group, one per placeholder, and one per distinct label set and owner
// list, sorted. Pointer fields print as their value or nil, since kubectl
// shows the difference.
//
// A placeholder in a group that also holds endpoints is part of the cut,
// and is left out: it happens only where the endpoints have no ports
// either (a portless headless Service, or ports no pod resolves), and
// whether the reconciler filled it depends on how many endpoints each
// sync brought and on MaxEndpointsPerSlice (it fills an unchanged slice
// only with fewer new endpoints than a slice holds), which differ between
// svcsim's incremental syncs and the one pass kubeOf makes. A placeholder
// beside endpoints of other ports is still compared.
func sliceContent(views []sliceView) []string {
	withEndpoints := map[string]bool{}
	for _, v := range views {
		if len(v.endpoints) > 0 {
			withEndpoints[v.group] = true
		}
	}
	var out []string
	for _, v := range views {
		if len(v.endpoints) == 0 {
			if withEndpoints[v.group] {
				continue
			}
			out = append(out, "placeholder "+v.group)
		}
		for _, e := range v.endpoints {
			out = append(out, v.group+" | "+e)
		}
		for _, meta := range []string{"labels " + v.labels, "owners " + v.owners} {
			if !slices.Contains(out, meta) {
				out = append(out, meta)
			}
		}
	}
	slices.Sort(out)
	return out
}

func str[T any](p *T) string {
	if p == nil {
		return "nil"
	}
	return fmt.Sprint(*p)
}

func group(addressType string, ports []string) string {
	slices.Sort(ports)
	return addressType + " " + strings.Join(ports, ",")
}

func port(name, protocol *string, port *int32, appProtocol *string) string {
	return str(name) + "/" + str(protocol) + "/" + str(port) + "/" + str(appProtocol)
}

func endpointLine(addresses []string, ready, serving, terminating *bool, hostname, node, zone *string, ref string) string {
	return fmt.Sprintf("addresses=%v ready=%s serving=%s terminating=%s hostname=%s node=%s zone=%s ref=%s",
		addresses, str(ready), str(serving), str(terminating), str(hostname), str(node), str(zone), ref)
}

// svcsimContent is sliceContent of svcsim's EndpointSlices.
func svcsimContent(sls []*cluster.EndpointSlice) []string {
	var views []sliceView
	for _, sl := range sls {
		var ports []string
		for _, p := range sl.Ports {
			ports = append(ports, port(p.Name, (*string)(p.Protocol), p.Port, p.AppProtocol))
		}
		v := sliceView{group: group(sl.AddressType, ports), labels: fmt.Sprint(map[string]string(sl.Labels))}
		for _, o := range sl.OwnerReferences {
			v.owners += fmt.Sprintf("%s/%s/%s/%s controller=%s block=%s;", o.APIVersion, o.Kind, o.Name, o.UID, str(o.Controller), str(o.BlockOwnerDeletion))
		}
		for _, e := range sl.Endpoints {
			ref := "nil"
			if r := e.TargetRef; r != nil {
				ref = fmt.Sprintf("%s/%s/%s/%s", r.Kind, r.Namespace, r.Name, r.UID)
			}
			c := e.Conditions
			v.endpoints = append(v.endpoints, endpointLine(e.Addresses, c.Ready, c.Serving, c.Terminating, e.Hostname, e.NodeName, e.Zone, ref))
		}
		views = append(views, v)
	}
	return sliceContent(views)
}

// kubeContent is sliceContent of the Kubernetes reconciler's slices.
func kubeContent(sls []*discovery.EndpointSlice) []string {
	var views []sliceView
	for _, sl := range sls {
		var ports []string
		for _, p := range sl.Ports {
			ports = append(ports, port(p.Name, (*string)(p.Protocol), p.Port, p.AppProtocol))
		}
		v := sliceView{group: group(string(sl.AddressType), ports), labels: fmt.Sprint(sl.Labels)}
		for _, o := range sl.OwnerReferences {
			v.owners += fmt.Sprintf("%s/%s/%s/%s controller=%s block=%s;", o.APIVersion, o.Kind, o.Name, o.UID, str(o.Controller), str(o.BlockOwnerDeletion))
		}
		for _, e := range sl.Endpoints {
			ref := "nil"
			if r := e.TargetRef; r != nil {
				ref = fmt.Sprintf("%s/%s/%s/%s", r.Kind, r.Namespace, r.Name, r.UID)
			}
			c := e.Conditions
			v.endpoints = append(v.endpoints, endpointLine(e.Addresses, c.Ready, c.Serving, c.Terminating, e.Hostname, e.NodeName, e.Zone, ref))
		}
		views = append(views, v)
	}
	return sliceContent(views)
}

// kubeOf builds Kubernetes' side from a cluster's current objects and
// syncs every Service with a selector, as the controller's first pass
// would.
func kubeOf(t require.TestingT, s *cluster.Sim) *kube {
	nodes, services, pods := kubeObjects(s)
	k := newKube(nodes, services, pods)
	for _, svc := range services {
		if svc.Spec.Selector != nil {
			require.NoError(t, k.syncService(svc.Namespace+"/"+svc.Name))
		}
	}
	return k
}

// requireSameSlices checks that every Service with a selector has slices
// of the same content on both sides.
func requireSameSlices(t require.TestingT, s *cluster.Sim, k *kube) {
	for _, svc := range cluster.ListAs[*cluster.Service](s, "default", selector.Everything()) {
		if svc.Spec.Selector == nil {
			continue
		}
		ours := cluster.ListAs[*cluster.EndpointSlice](s, "default", selector.FromValidatedSet(selector.Set{endpoints.ServiceNameLabel: svc.Name}))
		require.Equal(t, kubeContent(k.slicesOf("default", svc.Name)), svcsimContent(ours), "Service %s", svc.Name)
	}
}

// portPool is what a generated pod's containers may expose: "http" is
// 8080 on some pods and 9090 on others, so that one Service gets
// endpoints in two port groups.
var portPool = []cluster.ContainerPort{
	{Name: "http", ContainerPort: 8080},
	{Name: "http", ContainerPort: 9090},
	{ContainerPort: 80},
	{Name: "dns", ContainerPort: 53, Protocol: cluster.ProtocolUDP},
	{Name: "metrics", ContainerPort: 9100},
}

// genLabels draws a pod's labels from a small alphabet, so that
// Services overlap.
func genLabels(t *rapid.T) selector.Set {
	labels := selector.Set{"app": rapid.SampledFrom([]string{"web", "api"}).Draw(t, "app")}
	if track := rapid.SampledFrom([]string{"", "stable", "canary"}).Draw(t, "track"); track != "" {
		labels["track"] = track
	}
	return labels
}

// genPod draws pod i: its labels, one or two containers sharing some of the pool's ports, an
// optional hostname and subdomain, and a readiness probe that passes at
// once or not within the test.
func genPod(t *rapid.T, i int) *cluster.Pod {
	labels := genLabels(t)
	containers := []cluster.Container{{Name: "a", Image: "nginx"}}
	if rapid.Bool().Draw(t, "two containers") {
		containers = append(containers, cluster.Container{Name: "b", Image: "nginx"})
	}
	http := rapid.IntRange(-1, 1).Draw(t, "http") // none, 8080 or 9090
	for j, port := range portPool {
		if j < 2 && j != http || j >= 2 && !rapid.Bool().Draw(t, fmt.Sprint("port ", port.ContainerPort)) {
			continue
		}
		c := &containers[rapid.IntRange(0, len(containers)-1).Draw(t, "container")]
		c.Ports = append(c.Ports, port)
	}
	delay := rapid.SampledFrom([]int32{0, 3600}).Draw(t, "readiness delay")
	for j := range containers {
		containers[j].ReadinessProbe = &cluster.Probe{InitialDelaySeconds: delay, PeriodSeconds: 1}
	}
	p := &cluster.Pod{
		ObjectMeta: cluster.ObjectMeta{Name: fmt.Sprintf("pod-%d", i), Labels: labels},
		Spec:       cluster.PodSpec{Containers: containers, OnSIGTERM: cluster.SigtermIgnore},
	}
	if rapid.Bool().Draw(t, "hostname") {
		p.Spec.Hostname = fmt.Sprintf("host-%d", i)
		p.Spec.Subdomain = rapid.SampledFrom([]string{"svc-0", "svc-1", "other"}).Draw(t, "subdomain")
	}
	return p
}

// genSelector draws a Service's selector over the pods' labels, never
// empty (an empty one leaves the Service to its owner on both sides).
func genSelector(t *rapid.T) selector.Set {
	sel := selector.Set{}
	if app := rapid.SampledFrom([]string{"", "web", "api"}).Draw(t, "selector app"); app != "" {
		sel["app"] = app
	}
	if track := rapid.SampledFrom([]string{"", "stable", "canary"}).Draw(t, "selector track"); track != "" || len(sel) == 0 {
		if track == "" {
			track = "stable"
		}
		sel["track"] = track
	}
	return sel
}

// genService draws Service j: a selector over the pods' labels, one or
// two ports with numbered or named targets (some of which no pod has),
// headless or not, and publishNotReadyAddresses.
func genService(t *rapid.T, j int) *cluster.Service {
	sel := genSelector(t)
	targets := []cluster.IntOrString{cluster.FromInt(80), cluster.FromInt(8080), cluster.FromString("http"),
		cluster.FromString("dns"), cluster.FromString("metrics"), cluster.FromString("missing")}
	svc := &cluster.Service{ObjectMeta: cluster.ObjectMeta{Name: fmt.Sprintf("svc-%d", j)}, Spec: cluster.ServiceSpec{Selector: sel}}
	for n := range rapid.IntRange(1, 2).Draw(t, "ports") {
		target := rapid.SampledFrom(targets).Draw(t, "target")
		proto := cluster.ProtocolTCP
		if target == cluster.FromString("dns") {
			proto = cluster.ProtocolUDP
		}
		port := cluster.ServicePort{Name: fmt.Sprintf("p%d", n), Port: int32(1000 + n), TargetPort: target, Protocol: proto}
		if rapid.Bool().Draw(t, "appProtocol") {
			port.AppProtocol = cluster.Ptr("http")
		}
		svc.Spec.Ports = append(svc.Spec.Ports, port)
	}
	if rapid.Bool().Draw(t, "headless") {
		svc.Spec.ClusterIP = cluster.ClusterIPNone
		if rapid.Bool().Draw(t, "portless") {
			svc.Spec.Ports = nil
		}
	}
	svc.Spec.PublishNotReadyAddresses = rapid.Bool().Draw(t, "publishNotReadyAddresses")
	if rapid.Bool().Draw(t, "labelled") {
		svc.Labels = selector.Set{"team": "a"}
	}
	return svc
}

// TestSlicesMatchKubernetes is the differential test: for small generated
// clusters (pods ready or not, terminating or not, with hostnames, named
// and numbered ports in several groups; Services headless or not,
// publishing not-ready addresses or not; nodes in zones), every Service's
// EndpointSlices hold the same endpoints, port groups, placeholders,
// labels and owners as those k8s.io/endpointslice's Reconciler writes for
// the same Service and pods. Then a few changes (relabelled, failing,
// deleted and new pods, a changed selector) reach both, svcsim through its
// watches and Kubernetes' controller through its informers' events and
// its reconciler's update of the slices it wrote, and the slices must
// agree again. How the endpoints are cut into slices is not compared,
// nor the trigger-time annotation, which depends on timing.
func TestSlicesMatchKubernetes(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		cfg := cluster.Config{Seed: rapid.Uint64().Draw(t, "seed"), Nodes: rapid.IntRange(1, 3).Draw(t, "nodes")}
		if rapid.Bool().Draw(t, "zones") {
			cfg.Zones = []string{"zone-a", "zone-b"}
		}
		s, err := cluster.New(cfg)
		require.NoError(t, err)
		endpoints.Start(s, endpoints.Options{MaxEndpointsPerSlice: rapid.IntRange(1, 4).Draw(t, "maxEndpointsPerSlice")})
		pods := rapid.IntRange(0, 6).Draw(t, "pods")
		for i := range pods {
			_, err := s.Create(genPod(t, i))
			require.NoError(t, err)
		}
		services := rapid.IntRange(1, 3).Draw(t, "services")
		for j := range services {
			_, err := s.Create(genService(t, j))
			require.NoError(t, err)
		}
		require.NoError(t, s.RunFor(10*time.Second))
		for i := range pods {
			if rapid.Bool().Draw(t, fmt.Sprintf("terminate pod-%d", i)) {
				require.NoError(t, s.Delete(cluster.KindPod, "default", fmt.Sprintf("pod-%d", i), cluster.DeleteOptions{GracePeriodSeconds: cluster.Ptr(int64(600))}))
			}
		}
		require.NoError(t, s.RunFor(5*time.Second))
		k := kubeOf(t, s)
		requireSameSlices(t, s, k)

		for range rapid.IntRange(1, 4).Draw(t, "changes") {
			change(t, s, &pods, services)
			require.NoError(t, s.RunFor(time.Second)) // a new pod gets its node and runtime
		}
		require.NoError(t, s.RunFor(10*time.Second))
		catchUp(t, k, s)
		requireSameSlices(t, s, k)
	})
}

// change makes one change to the cluster: relabels, fails the readiness
// of, or deletes one of its pods, adds a pod, or changes a Service's
// selector.
func change(t *rapid.T, s *cluster.Sim, pods *int, services int) {
	existing := cluster.ListAs[*cluster.Pod](s, "default", selector.Everything())
	kinds := []string{"add", "reselect"}
	if len(existing) > 0 {
		kinds = append(kinds, "relabel", "fail readiness", "delete", "force delete")
	}
	switch rapid.SampledFrom(kinds).Draw(t, "change") {
	case "add":
		_, err := s.Create(genPod(t, *pods))
		require.NoError(t, err)
		*pods++
	case "reselect":
		svc, ok := cluster.GetAs[*cluster.Service](s, "default", fmt.Sprintf("svc-%d", rapid.IntRange(0, services-1).Draw(t, "service")))
		require.True(t, ok)
		svc.Spec.Selector = genSelector(t)
		_, err := s.Update(svc)
		require.NoError(t, err)
	case "relabel":
		p := rapid.SampledFrom(existing).Draw(t, "pod")
		p.Labels = genLabels(t)
		_, err := s.Update(p)
		require.NoError(t, err)
	case "fail readiness":
		require.NoError(t, s.FailReadiness("default", rapid.SampledFrom(existing).Draw(t, "pod").Name))
	case "delete":
		require.NoError(t, s.Delete(cluster.KindPod, "default", rapid.SampledFrom(existing).Draw(t, "pod").Name, cluster.DeleteOptions{GracePeriodSeconds: cluster.Ptr(int64(600))}))
	case "force delete":
		require.NoError(t, s.Delete(cluster.KindPod, "default", rapid.SampledFrom(existing).Draw(t, "pod").Name, cluster.DeleteOptions{GracePeriodSeconds: cluster.Ptr(int64(0)), Force: true}))
	}
}

// catchUp brings Kubernetes' side to the cluster's current pods and
// Services, delivering each difference as its informers would: a new,
// changed or deleted pod through the controller's pod handler, a changed
// Service by syncing it.
func catchUp(t require.TestingT, k *kube, s *cluster.Sim) {
	seen := map[string]bool{}
	for _, p := range cluster.ListAs[*cluster.Pod](s, "default", selector.Everything()) {
		cur := kubePod(p)
		key := cur.Namespace + "/" + cur.Name
		seen[key] = true
		o, ok, err := k.pods.GetByKey(key)
		require.NoError(t, err)
		switch {
		case !ok:
			require.NoError(t, k.onPod(nil, cur))
		case o.(*corev1.Pod).ResourceVersion != cur.ResourceVersion:
			require.NoError(t, k.onPod(o.(*corev1.Pod), cur))
		}
	}
	gone := k.pods.ListKeys()
	slices.Sort(gone)
	for _, key := range gone {
		if !seen[key] {
			o, _, err := k.pods.GetByKey(key)
			require.NoError(t, err)
			require.NoError(t, k.onPod(o.(*corev1.Pod), nil))
		}
	}
	for _, svc := range cluster.ListAs[*cluster.Service](s, "default", selector.Everything()) {
		cur := kubeService(svc)
		o, ok, err := k.services.GetByKey(cur.Namespace + "/" + cur.Name)
		require.NoError(t, err)
		require.True(t, ok, "no Service is created or deleted after the start")
		if o.(*corev1.Service).ResourceVersion != cur.ResourceVersion {
			require.NoError(t, k.services.Update(cur))
			require.NoError(t, k.syncService(cur.Namespace+"/"+cur.Name))
		}
	}
}

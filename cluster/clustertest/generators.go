package clustertest

import (
	"strconv"
	"time"

	"pgregory.net/rapid"

	svcsim "github.com/svcsim/svcsim"
	"github.com/svcsim/svcsim/cluster"
	"github.com/svcsim/svcsim/proxy"
	"github.com/svcsim/svcsim/selector"
)

// The generators draw from small alphabets, so that selectors match,
// names collide and objects are found again: pod names p0..p5, workload
// and Service names web and api, label keys app and version with two
// values each, and the image rxmllc/hostinfo, which answers on port 9898
// with its pod's name and IP.

// Alphabets the generators draw from; read-only.
var (
	PodNames        = []string{"p0", "p1", "p2", "p3", "p4", "p5"}
	WorkloadNames   = []string{"web", "api"}
	ServiceNames    = []string{"web", "api"}
	ExtraNamespaces = []string{"team-a", "team-b"}
	LabelValues     = map[string][]string{"app": {"web", "api"}, "version": {"blue", "green"}}
	Images          = []string{"rxmllc/hostinfo", "rxmllc/hostinfo:v2"}
)

// AppPort is the port the generated pods' app listens on, named "http".
const AppPort = 9898

// Bounds of the drawn lag profiles: a watch delivers within MaxWatchLag
// of a change, a container starts within MaxContainerStart of its pod
// getting an IP, a controller batches for at most MaxControllerBatch and
// a proxy syncs at most MaxMinSyncPeriod after the change that needs it.
const (
	MaxWatchLag        = 200 * time.Millisecond
	MaxContainerStart  = 3 * time.Second
	MaxControllerBatch = 20 * time.Millisecond
	MaxMinSyncPeriod   = 2 * time.Second
)

// Timing draws a lag profile: [cluster.Instant], [cluster.Realistic], or
// one drawn within the bounds above (a uniform watch lag from 0–20 ms to
// at most MaxWatchLag, container starts up to MaxContainerStart, a
// controller batch up to MaxControllerBatch).
func Timing() *rapid.Generator[cluster.Timing] {
	return rapid.Custom(func(t *rapid.T) cluster.Timing {
		switch rapid.IntRange(0, 2).Draw(t, "timing") {
		case 0:
			return cluster.Instant()
		case 1:
			return cluster.Realistic()
		}
		return cluster.Timing{
			Watch:           drawUniform(t, "watch", 20*time.Millisecond, MaxWatchLag),
			ContainerStart:  drawUniform(t, "containerStart", time.Second, MaxContainerStart),
			ControllerBatch: time.Duration(rapid.Int64Range(0, int64(MaxControllerBatch/time.Millisecond)).Draw(t, "batchMs")) * time.Millisecond,
		}
	})
}

// drawUniform draws a uniform lag whose minimum is at most lo and whose
// maximum is at most hi, in whole milliseconds.
func drawUniform(t *rapid.T, label string, lo, hi time.Duration) cluster.Uniform {
	ms := func(d time.Duration) int64 { return int64(d / time.Millisecond) }
	a := rapid.Int64Range(0, ms(lo)).Draw(t, label+"MinMs")
	b := rapid.Int64Range(a, ms(hi)).Draw(t, label+"MaxMs")
	return cluster.Uniform{Min: time.Duration(a) * time.Millisecond, Max: time.Duration(b) * time.Millisecond}
}

// ProxyOptions draws kube-proxy's options: iptables or IPVS, a
// MinSyncPeriod of the default (1 s) or up to MaxMinSyncPeriod, and the
// cluster's watch lag or one of up to MaxWatchLag.
func ProxyOptions() *rapid.Generator[proxy.Options] {
	return rapid.Custom(func(t *rapid.T) proxy.Options {
		o := proxy.Options{Mode: rapid.SampledFrom([]proxy.Mode{proxy.IPTables, proxy.IPVS}).Draw(t, "proxyMode")}
		if rapid.Bool().Draw(t, "ownSyncPeriod") {
			o.MinSyncPeriod = time.Duration(rapid.Int64Range(1, int64(MaxMinSyncPeriod/time.Millisecond)).Draw(t, "minSyncMs")) * time.Millisecond
			o.SyncPeriod = max(30*time.Second, o.MinSyncPeriod)
		}
		if rapid.Bool().Draw(t, "ownProxyLag") {
			o.Lag = drawUniform(t, "proxyLag", 20*time.Millisecond, MaxWatchLag)
		}
		return o
	})
}

// Config draws a cluster's configuration: a seed, 1 to 5 nodes, a
// [Timing] and [ProxyOptions]. Source is left unset; [NewCluster] sets it.
func Config() *rapid.Generator[svcsim.Config] {
	return rapid.Custom(func(t *rapid.T) svcsim.Config {
		return svcsim.Config{
			Seed:   rapid.Uint64().Draw(t, "seed"),
			Nodes:  rapid.IntRange(1, 5).Draw(t, "nodes"),
			Timing: Timing().Draw(t, "timing"),
			Proxy:  ProxyOptions().Draw(t, "proxy"),
		}
	})
}

// Namespaces draws the namespaces a cluster has besides default: none, or
// some of ExtraNamespaces.
func Namespaces() *rapid.Generator[[]string] {
	return rapid.SliceOfDistinct(rapid.SampledFrom(ExtraNamespaces), rapid.ID[string]).Filter(func(ns []string) bool {
		return len(ns) <= len(ExtraNamespaces)
	})
}

// NewCluster draws a [Config] and [Namespaces], builds the cluster with
// every random stream fed from t ([RapidSource]), creates the namespaces
// and settles. If the test fails, the end of the trace is logged, as
// [New] does.
func NewCluster(t *rapid.T) *svcsim.Cluster {
	cfg := Config().Draw(t, "config")
	cfg.Source = RapidSource(t)
	nss := Namespaces().Draw(t, "namespaces")
	return Build(t, cfg, nss...)
}

// Build makes the cluster cfg describes with the given namespaces besides
// default, settled, failing t if it cannot; if t fails, the end of the
// trace is logged.
func Build(t TB, cfg svcsim.Config, namespaces ...string) *svcsim.Cluster {
	t.Helper()
	c, err := svcsim.New(cfg)
	if err != nil {
		t.Fatalf("clustertest: %v", err)
		return nil
	}
	t.Cleanup(func() {
		if t.Failed() {
			t.Logf("%s", Report(c.Sim))
		}
	})
	for _, ns := range namespaces {
		if _, err := c.Create(&cluster.Namespace{ObjectMeta: cluster.ObjectMeta{Name: ns}}); err != nil {
			t.Fatalf("clustertest: %v", err)
		}
	}
	Settle(t, c.Sim)
	return c
}

// Labels draws a label set over the keys app and version, each present or
// not, with values from LabelValues: often empty or equal, so selectors
// match and miss.
func Labels() *rapid.Generator[selector.Set] {
	return rapid.Custom(func(t *rapid.T) selector.Set {
		set := selector.Set{}
		for _, k := range []string{"app", "version"} {
			if rapid.Bool().Draw(t, "has "+k) {
				set[k] = rapid.SampledFrom(LabelValues[k]).Draw(t, k)
			}
		}
		return set
	})
}

// Selector draws a Service selector: a label set that is not empty.
func Selector() *rapid.Generator[selector.Set] {
	return Labels().Filter(func(s selector.Set) bool { return len(s) > 0 })
}

// template is the pod the generators make: one hostinfo container with
// its port named http, and maybe a readiness probe every second.
func container(t *rapid.T) cluster.Container {
	c := cluster.Container{Name: "app", Image: rapid.SampledFrom(Images).Draw(t, "image"),
		Ports: []cluster.ContainerPort{{Name: "http", ContainerPort: AppPort}}}
	if rapid.Bool().Draw(t, "probe") {
		c.ReadinessProbe = &cluster.Probe{PeriodSeconds: 1}
	}
	return c
}

func podSpec(t *rapid.T) cluster.PodSpec {
	return cluster.PodSpec{
		Containers:                    []cluster.Container{container(t)},
		TerminationGracePeriodSeconds: cluster.Ptr(int64(rapid.IntRange(0, 5).Draw(t, "grace"))),
		OnSIGTERM:                     rapid.SampledFrom([]cluster.SigtermBehavior{cluster.SigtermExit, cluster.SigtermIgnore}).Draw(t, "sigterm"),
	}
}

// Pod draws a bare pod in namespace: a name from PodNames, [Labels], a
// hostinfo container, a grace period of 0–5 s and either SIGTERM
// behaviour.
func Pod(namespace string) *rapid.Generator[*cluster.Pod] {
	return rapid.Custom(func(t *rapid.T) *cluster.Pod {
		return &cluster.Pod{ObjectMeta: cluster.ObjectMeta{Namespace: namespace, Name: rapid.SampledFrom(PodNames).Draw(t, "pod"),
			Labels: Labels().Draw(t, "labels")}, Spec: podSpec(t)}
	})
}

// Replicas draws a replica count, 0 to 5.
func Replicas() *rapid.Generator[int32] {
	return rapid.Int32Range(0, 5)
}

// Fencepost draws a maxSurge or maxUnavailable: 0 to 3, or a percentage.
func Fencepost() *rapid.Generator[cluster.IntOrString] {
	return rapid.OneOf(
		rapid.Map(rapid.Int32Range(0, 3), cluster.FromInt),
		rapid.Map(rapid.SampledFrom([]string{"0%", "25%", "50%", "100%"}), cluster.FromString),
	)
}

// workloadTemplate is the pod template of workload name: labels app=name
// and a version.
func workloadTemplate(t *rapid.T, name string) (selector.Set, cluster.PodTemplateSpec) {
	labels := selector.Set{"app": name, "version": rapid.SampledFrom(LabelValues["version"]).Draw(t, "version")}
	return selector.Set{"app": name}, cluster.PodTemplateSpec{ObjectMeta: cluster.ObjectMeta{Labels: labels}, Spec: podSpec(t)}
}

// ReplicaSet draws a ReplicaSet in namespace named from WorkloadNames,
// selecting app=<name>, with [Replicas].
func ReplicaSet(namespace string) *rapid.Generator[*cluster.ReplicaSet] {
	return rapid.Custom(func(t *rapid.T) *cluster.ReplicaSet {
		name := rapid.SampledFrom(WorkloadNames).Draw(t, "replicaset")
		sel, tmpl := workloadTemplate(t, name)
		return &cluster.ReplicaSet{ObjectMeta: cluster.ObjectMeta{Namespace: namespace, Name: name},
			Spec: cluster.ReplicaSetSpec{Replicas: cluster.Ptr(Replicas().Draw(t, "replicas")),
				Selector: &selector.LabelSelector{MatchLabels: sel}, Template: tmpl}}
	})
}

// Deployment draws a rolling-update Deployment in namespace named from
// WorkloadNames, selecting app=<name>, with [Replicas] and a maxSurge and
// maxUnavailable that are not both zero, as the apiserver requires.
func Deployment(namespace string) *rapid.Generator[*cluster.Deployment] {
	return rapid.Custom(func(t *rapid.T) *cluster.Deployment {
		name := rapid.SampledFrom(WorkloadNames).Draw(t, "deployment")
		sel, tmpl := workloadTemplate(t, name)
		surge, unavailable := Fencepost().Draw(t, "maxSurge"), Fencepost().Draw(t, "maxUnavailable")
		if zero(surge) && zero(unavailable) {
			surge = cluster.FromInt(1)
		}
		return &cluster.Deployment{ObjectMeta: cluster.ObjectMeta{Namespace: namespace, Name: name},
			Spec: cluster.DeploymentSpec{Replicas: cluster.Ptr(Replicas().Draw(t, "replicas")),
				Selector: &selector.LabelSelector{MatchLabels: sel}, Template: tmpl,
				Strategy: cluster.DeploymentStrategy{Type: "RollingUpdate",
					RollingUpdate: &cluster.RollingUpdateDeployment{MaxSurge: &surge, MaxUnavailable: &unavailable}}}}
	})
}

func zero(v cluster.IntOrString) bool {
	return !v.IsString && v.IntVal == 0 || v.IsString && v.StrVal == "0%"
}

// ServicePorts draws one or two Service ports: port 80 to the app's port
// by number or by the name http, and maybe 8080 as well, named.
func ServicePorts() *rapid.Generator[[]cluster.ServicePort] {
	return rapid.Custom(func(t *rapid.T) []cluster.ServicePort {
		target := cluster.FromInt(AppPort)
		if rapid.Bool().Draw(t, "namedTarget") {
			target = cluster.FromString("http")
		}
		if !rapid.Bool().Draw(t, "twoPorts") {
			return []cluster.ServicePort{{Port: 80, TargetPort: target}}
		}
		return []cluster.ServicePort{{Name: "http", Port: 80, TargetPort: target},
			{Name: "alt", Port: 8080, TargetPort: cluster.FromInt(AppPort)}}
	})
}

// Service draws a ClusterIP or NodePort Service in namespace named from
// ServiceNames, with a [Selector] and [ServicePorts].
func Service(namespace string) *rapid.Generator[*cluster.Service] {
	return rapid.Custom(func(t *rapid.T) *cluster.Service {
		return &cluster.Service{ObjectMeta: cluster.ObjectMeta{Namespace: namespace, Name: rapid.SampledFrom(ServiceNames).Draw(t, "service")},
			Spec: cluster.ServiceSpec{Type: rapid.SampledFrom([]cluster.ServiceType{cluster.ServiceTypeClusterIP, cluster.ServiceTypeNodePort}).Draw(t, "type"),
				Selector: Selector().Draw(t, "selector"), Ports: ServicePorts().Draw(t, "ports")}}
	})
}

// itoa32 formats a count.
func itoa32(n int32) string { return strconv.Itoa(int(n)) }

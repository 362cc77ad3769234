package clustertest

import (
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"pgregory.net/rapid"

	svcsim "github.com/svcsim/svcsim"
	"github.com/svcsim/svcsim/cluster"
	"github.com/svcsim/svcsim/proxy"
	"github.com/svcsim/svcsim/selector"
)

// Action is one thing a person, a deploy script or a fault does to a
// cluster: a small closed set of types (CreatePod, DeletePod, Relabel,
// Scale, SetImage, SetSelector, SetPorts, FailReadiness, Crash, NodeDown,
// NodeUp, Advance, SendLoad). Apply does it at the current virtual time
// and returns the typed error of the call it makes (a *cluster.StatusError,
// cluster.ErrNoRuntime, ...), having changed nothing if it fails. String
// is the kubectl command line that does the same, where one exists, or a
// shell comment saying what svcsim does, so that a sequence prints as a
// script.
type Action interface {
	Apply(c *svcsim.Cluster) error
	String() string
}

// nsFlag is the namespace flag kubectl needs for ns.
func nsFlag(ns string) string {
	if ns == "" || ns == "default" {
		return ""
	}
	return " -n " + ns
}

func nsOr(ns string) string {
	if ns == "" {
		return "default"
	}
	return ns
}

// shellQuote quotes s for a POSIX shell when it needs it.
func shellQuote(s string) string {
	if s != "" && strings.IndexFunc(s, func(r rune) bool {
		return !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || strings.ContainsRune("-_./=:,", r))
	}) < 0 {
		return s
	}
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}

// CreatePod creates a bare pod running Image, declaring port 9898 (not
// named, so a Service's targetPort "http" misses it), as `kubectl run`
// does, labelled run=NAME when Labels is empty.
type CreatePod struct {
	Namespace, Name, Image string
	Labels                 selector.Set
	// Probe gives the container a readiness probe every second, which
	// kubectl run cannot; the command line says so in a comment.
	Probe bool
}

func (a CreatePod) pod() *cluster.Pod {
	labels := a.Labels.Clone()
	if len(labels) == 0 {
		labels = selector.Set{"run": a.Name}
	}
	c := cluster.Container{Name: a.Name, Image: a.Image, Ports: []cluster.ContainerPort{{ContainerPort: AppPort}}}
	if a.Probe {
		c.ReadinessProbe = &cluster.Probe{PeriodSeconds: 1}
	}
	return &cluster.Pod{ObjectMeta: cluster.ObjectMeta{Namespace: nsOr(a.Namespace), Name: a.Name, Labels: labels},
		Spec: cluster.PodSpec{Containers: []cluster.Container{c}}}
}

// Apply creates the pod.
func (a CreatePod) Apply(c *svcsim.Cluster) error { _, err := c.Create(a.pod()); return err }

// String is `kubectl run NAME --image=IMAGE --labels=... --port=9898`.
func (a CreatePod) String() string {
	s := "kubectl run " + a.Name + " --image=" + a.Image
	if len(a.Labels) > 0 {
		s += " --labels=" + shellQuote(a.Labels.String())
	}
	s += " --port=" + strconv.Itoa(AppPort) + nsFlag(a.Namespace)
	if a.Probe {
		s += "  # svcsim: with a readiness probe every 1s"
	}
	return s
}

// DeletePod deletes a pod, gracefully or with --force.
type DeletePod struct {
	Namespace, Name string
	Force           bool
}

// Apply deletes the pod.
func (a DeletePod) Apply(c *svcsim.Cluster) error {
	return c.Delete(cluster.KindPod, nsOr(a.Namespace), a.Name, cluster.DeleteOptions{Force: a.Force})
}

// String is `kubectl delete pod NAME [--grace-period=0 --force]`.
func (a DeletePod) String() string {
	s := "kubectl delete pod " + a.Name
	if a.Force {
		s += " --grace-period=0 --force"
	}
	return s + nsFlag(a.Namespace)
}

// Relabel sets and removes labels of a pod, overwriting, as `kubectl label
// --overwrite` does.
type Relabel struct {
	Namespace, Name string
	Set             selector.Set
	Remove          []string
}

func (a Relabel) args() []string {
	var out []string
	for _, k := range sortedKeys(a.Set) {
		out = append(out, k+"="+a.Set[k])
	}
	for _, k := range a.Remove {
		out = append(out, k+"-")
	}
	return append(out, "--overwrite")
}

// Apply changes the labels through kubectl's client.
func (a Relabel) Apply(c *svcsim.Cluster) error {
	return c.Kubectl(nsOr(a.Namespace)).Label(cluster.KindPod, a.Name, a.args()...)
}

// String is `kubectl label pod NAME k=v k2- --overwrite`.
func (a Relabel) String() string {
	args := a.args()
	for i := range args {
		args[i] = shellQuote(args[i])
	}
	return "kubectl label pod " + a.Name + " " + strings.Join(args, " ") + nsFlag(a.Namespace)
}

// Scale sets the replicas of a Deployment or ReplicaSet.
type Scale struct {
	Namespace string
	Kind      cluster.Kind // cluster.KindDeployment or cluster.KindReplicaSet
	Name      string
	Replicas  int32
}

// Apply scales through kubectl's client.
func (a Scale) Apply(c *svcsim.Cluster) error {
	return c.Kubectl(nsOr(a.Namespace)).Scale(a.Kind, a.Name, a.Replicas)
}

// String is `kubectl scale deployment/NAME --replicas=N`.
func (a Scale) String() string {
	return "kubectl scale " + strings.ToLower(string(a.Kind)) + "/" + a.Name + " --replicas=" + itoa32(a.Replicas) + nsFlag(a.Namespace)
}

// SetImage changes a container's image in a Deployment, starting a
// rollout.
type SetImage struct {
	Namespace, Deployment, Container, Image string
}

// Apply sets the image through kubectl's client.
func (a SetImage) Apply(c *svcsim.Cluster) error {
	return c.Kubectl(nsOr(a.Namespace)).SetImage(a.Deployment, a.Container, a.Image)
}

// String is `kubectl set image deployment/NAME CONTAINER=IMAGE`.
func (a SetImage) String() string {
	return "kubectl set image deployment/" + a.Deployment + " " + a.Container + "=" + a.Image + nsFlag(a.Namespace)
}

// SetSelector replaces a Service's selector.
type SetSelector struct {
	Namespace, Service string
	Selector           selector.Set
}

// Apply updates the Service.
func (a SetSelector) Apply(c *svcsim.Cluster) error {
	return updateService(c, a.Namespace, a.Service, func(svc *cluster.Service) { svc.Spec.Selector = a.Selector.Clone() })
}

// String is `kubectl set selector service NAME 'k=v,...'`.
func (a SetSelector) String() string {
	return "kubectl set selector service " + a.Service + " " + shellQuote(a.Selector.String()) + nsFlag(a.Namespace)
}

func updateService(c *svcsim.Cluster, ns, name string, change func(*cluster.Service)) error {
	svc, ok := cluster.GetAs[*cluster.Service](c.Sim, nsOr(ns), name)
	if !ok {
		return &cluster.StatusError{Op: "get", Kind: cluster.KindService, Namespace: nsOr(ns), Name: name, Err: cluster.ErrNotFound}
	}
	change(svc)
	_, err := c.Update(svc)
	return err
}

// SetPorts replaces a Service's ports.
type SetPorts struct {
	Namespace, Service string
	Ports              []cluster.ServicePort
}

// Apply updates the Service.
func (a SetPorts) Apply(c *svcsim.Cluster) error {
	return updateService(c, a.Namespace, a.Service, func(svc *cluster.Service) {
		svc.Spec.Ports = slices.Clone(a.Ports)
	})
}

// String is `kubectl patch service NAME --type=merge -p '{"spec":{"ports":[...]}}'`.
func (a SetPorts) String() string {
	type port struct {
		Name       string `json:"name,omitempty"`
		Port       int32  `json:"port"`
		TargetPort any    `json:"targetPort,omitempty"`
	}
	ps := make([]port, len(a.Ports))
	for i, p := range a.Ports {
		ps[i] = port{Name: p.Name, Port: p.Port}
		switch {
		case p.TargetPort.IsString:
			ps[i].TargetPort = p.TargetPort.StrVal
		case p.TargetPort.IntVal != 0:
			ps[i].TargetPort = p.TargetPort.IntVal
		}
	}
	j, _ := json.Marshal(map[string]any{"spec": map[string]any{"ports": ps}})
	return "kubectl patch service " + a.Service + " --type=merge -p " + shellQuote(string(j)) + nsFlag(a.Namespace)
}

// FailReadiness makes a pod's readiness probes fail (or, with Recover,
// pass again): a fault kubectl cannot inject.
type FailReadiness struct {
	Namespace, Pod string
	Recover        bool
}

// Apply injects the fault.
func (a FailReadiness) Apply(c *svcsim.Cluster) error {
	if a.Recover {
		return c.RecoverReadiness(nsOr(a.Namespace), a.Pod)
	}
	return c.FailReadiness(nsOr(a.Namespace), a.Pod)
}

// String is a comment naming the fault.
func (a FailReadiness) String() string {
	if a.Recover {
		return "# svcsim: pod " + nsOr(a.Namespace) + "/" + a.Pod + " passes its readiness probe again"
	}
	return "# svcsim: pod " + nsOr(a.Namespace) + "/" + a.Pod + " fails its readiness probe"
}

// Crash makes the first container of a pod crash; the kubelet restarts it
// after its back-off.
type Crash struct {
	Namespace, Pod string
}

// Apply injects the crash.
func (a Crash) Apply(c *svcsim.Cluster) error { return c.CrashContainer(nsOr(a.Namespace), a.Pod, "") }

// String is a comment naming the fault.
func (a Crash) String() string {
	return "# svcsim: the container of pod " + nsOr(a.Namespace) + "/" + a.Pod + " crashes"
}

// NodeDown takes a node off the network.
type NodeDown struct{ Node string }

// Apply takes the node down.
func (a NodeDown) Apply(c *svcsim.Cluster) error { return c.Sim.NodeDown(a.Node) }

// String is a comment naming the fault.
func (a NodeDown) String() string { return "# svcsim: node " + a.Node + " goes down" }

// NodeUp brings a node back.
type NodeUp struct{ Node string }

// Apply brings the node back.
func (a NodeUp) Apply(c *svcsim.Cluster) error { return c.Sim.NodeUp(a.Node) }

// String is a comment naming the event.
func (a NodeUp) String() string { return "# svcsim: node " + a.Node + " comes back" }

// Advance lets virtual time pass, running what falls due.
type Advance struct{ D time.Duration }

// Apply runs the cluster for D; it fails with a *cluster.BusyError if the
// cluster never rests, and refuses a negative D.
func (a Advance) Apply(c *svcsim.Cluster) error {
	if a.D < 0 {
		return fmt.Errorf("%w: advance by %s", ErrBadArgument, a.D)
	}
	return c.RunFor(a.D)
}

// String is `sleep SECONDS`.
func (a Advance) String() string {
	return "sleep " + strconv.FormatFloat(a.D.Seconds(), 'f', -1, 64)
}

// SendLoad sends Requests requests, evenly spread over Over, from the
// first node to a Service's cluster IP and first port. The requests run
// as time advances; Apply leaves their count in Tally.
type SendLoad struct {
	Namespace, Service string
	Requests           int
	Over               time.Duration
	// Tally counts the load's outcomes once Apply has started it.
	Tally *proxy.Tally
}

// ErrNoTarget is returned by SendLoad for a Service with no cluster IP or
// no port, which a load by address cannot reach.
var ErrNoTarget = errors.New("clustertest: service has no cluster IP and port to send to")

// Apply starts the load. It needs a pointer, to record the Tally.
func (a *SendLoad) Apply(c *svcsim.Cluster) error {
	if a.Requests <= 0 || a.Over <= 0 {
		return fmt.Errorf("%w: %d requests over %s", ErrBadArgument, a.Requests, a.Over)
	}
	svc, ok := cluster.GetAs[*cluster.Service](c.Sim, nsOr(a.Namespace), a.Service)
	if !ok {
		return &cluster.StatusError{Op: "get", Kind: cluster.KindService, Namespace: nsOr(a.Namespace), Name: a.Service, Err: cluster.ErrNotFound}
	}
	if svc.Spec.ClusterIP == "" || svc.Spec.ClusterIP == cluster.ClusterIPNone || len(svc.Spec.Ports) == 0 {
		return fmt.Errorf("%w: %s/%s", ErrNoTarget, svc.Namespace, svc.Name)
	}
	nodes := cluster.ListAs[*cluster.Node](c.Sim, "", everything)
	if len(nodes) == 0 {
		return fmt.Errorf("%w: no node to send from", ErrNoTarget)
	}
	url := "http://" + svc.Spec.ClusterIP + ":" + strconv.Itoa(int(svc.Spec.Ports[0].Port)) + "/"
	t, err := c.Proxies.Generate(proxy.Load{Request: proxy.Request{From: proxy.FromNode(nodes[0].Name), URL: url},
		Rate: float64(a.Requests) / a.Over.Seconds(), Duration: a.Over})
	if err != nil {
		return err
	}
	a.Tally = t
	return nil
}

// String is a comment describing the load.
func (a *SendLoad) String() string {
	return "# svcsim: " + strconv.Itoa(a.Requests) + " requests to service " + nsOr(a.Namespace) + "/" + a.Service + " over " + a.Over.String()
}

// Script renders actions as a shell script, one line each.
func Script(actions []Action) string {
	var b strings.Builder
	for _, a := range actions {
		b.WriteString(a.String())
		b.WriteByte('\n')
	}
	return b.String()
}

// objects is what an action generator can aim at: the cluster's user
// namespaces, pods, Deployments, ReplicaSets, Services and nodes as they
// were when the generator was made, plus the alphabets' names.
type objects struct {
	namespaces, nodes []string
	pods              map[string][]string // by namespace, present ones and PodNames
	deployments       map[string][]string
	services          map[string][]string
}

// userNamespace reports whether ns is one a test makes, not one the
// cluster starts with.
func userNamespace(ns string) bool {
	return ns != "kube-system" && ns != "kube-public" && ns != "kube-node-lease"
}

func survey(c *svcsim.Cluster) objects {
	o := objects{pods: map[string][]string{}, deployments: map[string][]string{}, services: map[string][]string{}}
	for _, ns := range cluster.ListAs[*cluster.Namespace](c.Sim, "", everything) {
		if userNamespace(ns.Name) {
			o.namespaces = append(o.namespaces, ns.Name)
		}
	}
	for _, n := range cluster.ListAs[*cluster.Node](c.Sim, "", everything) {
		o.nodes = append(o.nodes, n.Name)
	}
	add := func(m map[string][]string, ns, name string) {
		if !slices.Contains(m[ns], name) {
			m[ns] = append(m[ns], name)
		}
	}
	for _, ns := range o.namespaces {
		for _, p := range cluster.ListAs[*cluster.Pod](c.Sim, ns, everything) {
			add(o.pods, ns, p.Name)
		}
		for _, n := range PodNames {
			add(o.pods, ns, n)
		}
		for _, d := range cluster.ListAs[*cluster.Deployment](c.Sim, ns, everything) {
			add(o.deployments, ns, d.Name)
		}
		for _, n := range WorkloadNames {
			add(o.deployments, ns, n)
		}
		for _, s := range cluster.ListAs[*cluster.Service](c.Sim, ns, everything) {
			if s.Name != "kubernetes" {
				add(o.services, ns, s.Name)
			}
		}
		for _, n := range ServiceNames {
			add(o.services, ns, n)
		}
	}
	return o
}

// ActionOf draws one action aimed at c's objects as they are now (its
// pods, Deployments, Services, nodes and namespaces) and at the names of
// the alphabets, so that some actions create and some miss. Advances are
// 0–5 s, loads 1–50 requests over up to 2 s.
func ActionOf(c *svcsim.Cluster) *rapid.Generator[Action] {
	o := survey(c)
	return rapid.Custom(func(t *rapid.T) Action { return o.draw(t) })
}

// Actions draws a sequence of 1 to max actions aimed at c's objects as
// they are when Actions is called; see [ActionOf]. To aim each action at
// the cluster as the earlier ones left it, use [RunActions].
func Actions(c *svcsim.Cluster, max int) *rapid.Generator[[]Action] {
	return rapid.SliceOfN(ActionOf(c), 1, max)
}

// RunActions draws and applies up to max actions one at a time, each
// aimed at the cluster as the ones before left it, and returns them in
// order. An action that fails (a pod not found, a fault for a pod no node
// runs yet) changes nothing and is logged, not fatal.
func RunActions(t *rapid.T, c *svcsim.Cluster, max int) []Action {
	n := rapid.IntRange(1, max).Draw(t, "actions")
	out := make([]Action, 0, n)
	for i := range n {
		a := ActionOf(c).Draw(t, "action "+strconv.Itoa(i))
		if err := a.Apply(c); err != nil {
			t.Logf("%s: %v", a, err)
		}
		out = append(out, a)
	}
	return out
}

func (o objects) draw(t *rapid.T) Action {
	ns := rapid.SampledFrom(o.namespaces).Draw(t, "namespace")
	pod := func() string { return rapid.SampledFrom(o.pods[ns]).Draw(t, "pod") }
	svc := func() string { return rapid.SampledFrom(o.services[ns]).Draw(t, "service") }
	switch rapid.IntRange(0, 12).Draw(t, "kind") {
	case 0:
		return CreatePod{Namespace: ns, Name: pod(), Image: rapid.SampledFrom(Images).Draw(t, "image"),
			Labels: Labels().Draw(t, "labels"), Probe: rapid.Bool().Draw(t, "probe")}
	case 1:
		return DeletePod{Namespace: ns, Name: pod(), Force: rapid.Bool().Draw(t, "force")}
	case 2:
		a := Relabel{Namespace: ns, Name: pod(), Set: Labels().Draw(t, "set")}
		for _, k := range []string{"app", "version"} {
			if _, set := a.Set[k]; !set && rapid.Bool().Draw(t, "remove "+k) {
				a.Remove = append(a.Remove, k)
			}
		}
		return a
	case 3:
		return Scale{Namespace: ns, Kind: cluster.KindDeployment, Name: rapid.SampledFrom(o.deployments[ns]).Draw(t, "deployment"),
			Replicas: Replicas().Draw(t, "replicas")}
	case 4:
		return SetImage{Namespace: ns, Deployment: rapid.SampledFrom(o.deployments[ns]).Draw(t, "deployment"), Container: "app",
			Image: rapid.SampledFrom(Images).Draw(t, "image")}
	case 5:
		return SetSelector{Namespace: ns, Service: svc(), Selector: Selector().Draw(t, "selector")}
	case 6:
		return SetPorts{Namespace: ns, Service: svc(), Ports: ServicePorts().Draw(t, "ports")}
	case 7:
		return FailReadiness{Namespace: ns, Pod: pod(), Recover: rapid.Bool().Draw(t, "recover")}
	case 8:
		return Crash{Namespace: ns, Pod: pod()}
	case 9:
		return NodeDown{Node: rapid.SampledFrom(o.nodes).Draw(t, "node")}
	case 10:
		return NodeUp{Node: rapid.SampledFrom(o.nodes).Draw(t, "node")}
	case 11:
		return &SendLoad{Namespace: ns, Service: svc(), Requests: rapid.IntRange(1, 50).Draw(t, "requests"),
			Over: time.Duration(rapid.IntRange(1, 2000).Draw(t, "overMs")) * time.Millisecond}
	}
	return Advance{D: time.Duration(rapid.IntRange(0, 5000).Draw(t, "ms")) * time.Millisecond}
}

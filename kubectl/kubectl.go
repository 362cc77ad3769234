package kubectl

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"reflect"
	"strings"

	"github.com/svcsim/svcsim/cluster"
	"github.com/svcsim/svcsim/dns"
	"github.com/svcsim/svcsim/proxy"
	"github.com/svcsim/svcsim/selector"
)

// Client runs kubectl's verbs against a simulated cluster, in one
// namespace. Each command acts at the current virtual time, like a user at
// a terminal; run the loop (Settle, RunFor) to let the cluster react.
// Messages kubectl would print ("pod/web-1 labeled") go to Out. Get one
// from [New]: the zero Client is not usable, and its methods panic, saying
// so.
type Client struct {
	s  *cluster.Sim
	ns string
	// proxies and dns are the cluster's network, for what the client runs
	// inside pods (kubectl exec); nil until WithNetwork gives them.
	proxies *proxy.Proxies
	dns     *dns.Server
	// Out receives kubectl's messages; nil discards them.
	Out io.Writer
}

// check panics, at the call, if k was not made by New.
func (k *Client) check() {
	if k == nil || k.s == nil {
		panic("kubectl: use of a Client not made by kubectl.New")
	}
}

// New returns a client of s for namespace ("" means "default"). A nil s,
// or one not made by cluster.New, panics here rather than at first use.
func New(s *cluster.Sim, namespace string) *Client {
	s.Now() // panics, saying so, for a Sim not made by cluster.New
	if namespace == "" {
		namespace = "default"
	}
	return &Client{s: s, ns: namespace}
}

// WithNetwork returns a copy of the client that reaches the cluster's
// network through p, kube-proxy on every node, and resolves names with d,
// the cluster DNS, for commands it runs inside pods (kubectl exec). Both
// must have been started on the client's Sim; nil leaves that part out.
// The client itself is unchanged.
func (k *Client) WithNetwork(p *proxy.Proxies, d *dns.Server) *Client {
	k.check()
	c := *k
	c.proxies, c.dns = p, d
	return &c
}

// Namespace returns the namespace the client works in.
func (k *Client) Namespace() string {
	k.check()
	return k.ns
}

func (k *Client) say(format string, args ...any) {
	if k.Out != nil {
		fmt.Fprintf(k.Out, format+"\n", args...)
	}
}

// RunOptions are kubectl run's flags.
type RunOptions struct {
	// Image is the container image (--image); required.
	Image string
	// Labels are the pod's labels (-l); default run=<name>.
	Labels map[string]string
	// Port is the container port to declare (--port); 0 for none.
	Port int32
}

// Run creates a bare pod with one container named after it, as
// `kubectl run NAME --image IMAGE [-l k=v] [--port P]` does.
func (k *Client) Run(name string, opts RunOptions) (*cluster.Pod, error) {
	k.check()
	labels := selector.Set(opts.Labels).Clone()
	if len(labels) == 0 {
		labels = selector.Set{"run": name}
	}
	c := cluster.Container{Name: name, Image: opts.Image}
	if opts.Port != 0 {
		c.Ports = []cluster.ContainerPort{{ContainerPort: opts.Port}}
	}
	o, err := k.s.Create(&cluster.Pod{ObjectMeta: cluster.ObjectMeta{Name: name, Namespace: k.ns, Labels: labels}, Spec: cluster.PodSpec{Containers: []cluster.Container{c}}})
	if err != nil {
		return nil, err
	}
	k.say("pod/%s created", name)
	return o.(*cluster.Pod), nil
}

// Apply creates obj, or updates the existing object of that name with its
// metadata and spec, as kubectl apply does (without apply's three-way merge:
// what you pass replaces what is there, status aside). The object's
// namespace defaults to the client's. A nil obj, typed or not, is an
// ErrInvalid [*cluster.StatusError], as it is for [cluster.Sim.Create].
func (k *Client) Apply(obj cluster.Object) (cluster.Object, error) {
	k.check()
	if isNilObject(obj) {
		return nil, nilObjectError("apply")
	}
	o := obj.DeepCopyObject()
	m := o.Meta()
	if m.Namespace == "" && !cluster.ClusterScoped(o.Kind()) {
		m.Namespace = k.ns
	}
	ref := qualified(o.Kind()) + "/" + m.Name
	cur, exists := k.s.Get(o.Kind(), namespaceOf(o), m.Name)
	if !exists || m.Name == "" {
		out, err := k.s.Create(o)
		if err == nil {
			k.say("%s/%s created", qualified(o.Kind()), out.Meta().Name)
		}
		return out, err
	}
	m.ResourceVersion = 0
	keepServerFields(o, cur)
	out, err := k.s.Update(o)
	if err != nil {
		return nil, err
	}
	if out.Meta().ResourceVersion == cur.Meta().ResourceVersion {
		k.say("%s unchanged", ref)
	} else {
		k.say("%s configured", ref)
	}
	return out, nil
}

// keepServerFields carries over what the cluster set and a manifest leaves
// out, as apply's merge does: a pod's node, and the owners controllers
// recorded.
func keepServerFields(o, cur cluster.Object) {
	m, cm := o.Meta(), cur.Meta()
	if len(m.OwnerReferences) == 0 {
		m.OwnerReferences = append([]cluster.OwnerReference(nil), cm.OwnerReferences...)
	}
	if p, ok := o.(*cluster.Pod); ok && p.Spec.NodeName == "" {
		p.Spec.NodeName = cur.(*cluster.Pod).Spec.NodeName
	}
}

func namespaceOf(o cluster.Object) string {
	if cluster.ClusterScoped(o.Kind()) {
		return ""
	}
	return o.Meta().Namespace
}

// ErrUsage is wrapped by errors for malformed command arguments.
var ErrUsage = errors.New("kubectl: invalid arguments")

// labelChange is one argument of kubectl label: set key=value, or remove key-.
type labelChange struct {
	key, value string
	remove     bool
}

// parseLabelArgs reads kubectl label's arguments: "k=v" to set, "k-" to
// remove, and the flag "--overwrite".
func parseLabelArgs(args []string) ([]labelChange, bool, error) {
	var changes []labelChange
	overwrite := false
	for _, a := range args {
		switch {
		case a == "--overwrite":
			overwrite = true
		case strings.HasSuffix(a, "-") && !strings.Contains(a, "="):
			k := strings.TrimSuffix(a, "-")
			if p := selector.KeyProblems(k); p != nil {
				return nil, false, fmt.Errorf("%w: invalid label spec: %s: %s", ErrUsage, a, strings.Join(p, "; "))
			}
			changes = append(changes, labelChange{key: k, remove: true})
		case strings.Count(a, "=") == 1:
			k, v, _ := strings.Cut(a, "=")
			var problems []string
			problems = append(problems, selector.KeyProblems(k)...)
			problems = append(problems, selector.ValueProblems(v)...)
			if problems != nil {
				return nil, false, fmt.Errorf("%w: invalid label spec: %s: %s", ErrUsage, a, strings.Join(problems, "; "))
			}
			changes = append(changes, labelChange{key: k, value: v})
		default:
			return nil, false, fmt.Errorf("%w: invalid label spec: %s, should be key=value or key-", ErrUsage, a)
		}
	}
	if len(changes) == 0 {
		return nil, false, fmt.Errorf("%w: at least one label update is required", ErrUsage)
	}
	seen := map[string]bool{}
	for _, c := range changes {
		if seen[c.key] {
			return nil, false, fmt.Errorf("%w: can not both modify and remove the same label %q", ErrUsage, c.key)
		}
		seen[c.key] = true
	}
	return changes, overwrite, nil
}

// Label changes the labels of one object, as `kubectl label KIND NAME
// args...` does: "k=v" sets a label, "k-" removes one, and "--overwrite"
// allows changing a label that already has a different value. Without it
// that is an error, and nothing changes.
func (k *Client) Label(kind cluster.Kind, name string, args ...string) error {
	k.check()
	return k.label(kind, []string{name}, args)
}

// LabelSelected is [Client.Label] for every object of kind matching the
// selector sel (kubectl label KIND -l SEL args...). All objects are checked
// before any is changed, so a failure changes nothing.
func (k *Client) LabelSelected(kind cluster.Kind, sel string, args ...string) error {
	k.check()
	objs, err := k.selected(kind, sel)
	if err != nil {
		return err
	}
	var names []string
	for _, o := range objs {
		names = append(names, o.Meta().Name)
	}
	if len(names) == 0 {
		k.say("No resources found in %s namespace.", k.ns)
		return nil
	}
	return k.label(kind, names, args)
}

// selected lists the objects of kind in the client's scope that the
// selector sel (kubectl's -l syntax) matches.
func (k *Client) selected(kind cluster.Kind, sel string) ([]cluster.Object, error) {
	if err := knownKind(kind); err != nil {
		return nil, err
	}
	parsed, err := selector.Parse(sel)
	if err != nil {
		return nil, err
	}
	return k.s.List(kind, k.scope(kind), parsed), nil
}

// knownKind refuses a kind the store does not hold, so that a selection
// over it is an error rather than a silent match of nothing.
func knownKind(kind cluster.Kind) error {
	if !cluster.StoredKind(kind) {
		return fmt.Errorf("%w: the server doesn't have a resource type %q", ErrUsage, kind)
	}
	return nil
}

func (k *Client) scope(kind cluster.Kind) string {
	if cluster.ClusterScoped(kind) {
		return ""
	}
	return k.ns
}

func (k *Client) label(kind cluster.Kind, names []string, args []string) error {
	changes, overwrite, err := parseLabelArgs(args)
	if err != nil {
		return err
	}
	type plan struct {
		obj     cluster.Object
		changed bool
	}
	plans := make([]plan, 0, len(names))
	for _, name := range names {
		cur, ok := k.s.Get(kind, k.scope(kind), name)
		if !ok {
			return &cluster.StatusError{Op: "label", Kind: kind, Namespace: k.scope(kind), Name: name, Err: cluster.ErrNotFound}
		}
		o := cur.DeepCopyObject()
		m := o.Meta()
		changed := false
		for _, c := range changes {
			old, has := m.Labels[c.key]
			switch {
			case c.remove:
				if has {
					delete(m.Labels, c.key)
					changed = true
				}
			case has && old == c.value:
			case has && !overwrite:
				return fmt.Errorf("%w: '%s' already has a value (%s), and --overwrite is false", ErrUsage, c.key, old)
			default:
				if m.Labels == nil {
					m.Labels = selector.Set{}
				}
				m.Labels[c.key] = c.value
				changed = true
			}
		}
		plans = append(plans, plan{obj: o, changed: changed})
	}
	onlyRemovals := true
	for _, c := range changes {
		if !c.remove {
			onlyRemovals = false
		}
	}
	for _, p := range plans {
		ref := qualified(kind) + "/" + p.obj.Meta().Name
		if !p.changed {
			k.say("%s not labeled", ref)
			continue
		}
		if _, err := k.s.Update(p.obj); err != nil {
			return err // unreachable: the changes were validated above
		}
		if onlyRemovals {
			k.say("%s unlabeled", ref)
		} else {
			k.say("%s labeled", ref)
		}
	}
	return nil
}

// Delete deletes one object, as `kubectl delete KIND NAME` does; see
// [cluster.Sim.Delete] for what graceful deletion of a pod involves.
func (k *Client) Delete(kind cluster.Kind, name string, opts cluster.DeleteOptions) error {
	k.check()
	if err := k.s.Delete(kind, k.scope(kind), name, opts); err != nil {
		return err
	}
	k.say("%s %q deleted", qualified(kind), name)
	return nil
}

// DeleteSelected deletes every object of kind matching the selector sel
// (kubectl delete KIND -l SEL).
func (k *Client) DeleteSelected(kind cluster.Kind, sel string, opts cluster.DeleteOptions) error {
	k.check()
	objs, err := k.selected(kind, sel)
	if err != nil {
		return err
	}
	if opts.GracePeriodSeconds != nil && *opts.GracePeriodSeconds < 0 {
		return &cluster.StatusError{Op: "delete", Kind: kind, Namespace: k.scope(kind), Err: cluster.ErrInvalid,
			Causes: []cluster.FieldError{{Field: "gracePeriodSeconds", Type: "Invalid value", Value: *opts.GracePeriodSeconds, Detail: "must be greater than or equal to 0"}}}
	}
	if len(objs) == 0 {
		k.say("No resources found")
		return nil
	}
	for _, o := range objs {
		if err := k.Delete(kind, o.Meta().Name, opts); err != nil {
			return err
		}
	}
	return nil
}

// GetOptions are kubectl get's flags.
type GetOptions struct {
	// Selector filters by labels (-l), in the kubectl syntax.
	Selector string
	// Wide adds the extra columns of -o wide.
	Wide bool
}

// Get renders `kubectl get` for pods, nodes, ReplicaSets, Deployments,
// Services, Endpoints or EndpointSlices as kubectl prints it, or kubectl's
// "No resources found in <ns> namespace." when nothing matches. Other kinds
// give an error wrapping [ErrUsage].
func (k *Client) Get(kind cluster.Kind, opts GetOptions) (string, error) {
	k.check()
	sel, err := selector.Parse(opts.Selector)
	if err != nil {
		return "", err
	}
	wide := opts.Wide
	switch kind {
	case cluster.KindPod:
		return table(k, k.ns, sel, func(w io.Writer, now cluster.Time, x []*cluster.Pod) error { return PrintPods(w, now, x, wide) })
	case cluster.KindNode:
		return table(k, "", sel, func(w io.Writer, now cluster.Time, x []*cluster.Node) error { return PrintNodes(w, now, x, wide) })
	case cluster.KindReplicaSet:
		return table(k, k.ns, sel, func(w io.Writer, now cluster.Time, x []*cluster.ReplicaSet) error {
			return PrintReplicaSets(w, now, x, wide)
		})
	case cluster.KindDeployment:
		return table(k, k.ns, sel, func(w io.Writer, now cluster.Time, x []*cluster.Deployment) error {
			return PrintDeployments(w, now, x, wide)
		})
	case cluster.KindService:
		return table(k, k.ns, sel, func(w io.Writer, now cluster.Time, x []*cluster.Service) error { return PrintServices(w, now, x, wide) })
	case cluster.KindEndpoints:
		return table(k, k.ns, sel, PrintEndpoints)
	case cluster.KindEndpointSlice:
		return table(k, k.ns, sel, PrintEndpointSlices)
	}
	return "", fmt.Errorf("%w: kubectl get does not print %s yet", ErrUsage, kind)
}

// table lists the objects of one kind in namespace ("" for cluster-scoped
// kinds) that sel matches and prints them, or kubectl's "No resources
// found" line when there are none.
func table[T cluster.Object](k *Client, namespace string, sel selector.Selector, print func(io.Writer, cluster.Time, []T) error) (string, error) {
	objs := cluster.ListAs[T](k.s, namespace, sel)
	if len(objs) == 0 {
		if namespace == "" {
			return "No resources found\n", nil
		}
		return "No resources found in " + namespace + " namespace.\n", nil
	}
	var b bytes.Buffer
	err := print(&b, k.s.Now(), objs)
	return b.String(), err
}

// GetEvents renders `kubectl get events` for the client's namespace.
func (k *Client) GetEvents() (string, error) {
	k.check()
	events := k.s.Events(k.ns)
	if len(events) == 0 {
		return "No resources found in " + k.ns + " namespace.\n", nil
	}
	var b bytes.Buffer
	err := PrintEvents(&b, k.s.Now(), events)
	return b.String(), err
}

// Describe renders `kubectl describe` for a pod, a Deployment, a Service,
// an Endpoints object or an EndpointSlice.
func (k *Client) Describe(kind cluster.Kind, name string) (string, error) {
	k.check()
	notFound := &cluster.StatusError{Op: "get", Kind: kind, Namespace: k.ns, Name: name, Err: cluster.ErrNotFound}
	var b bytes.Buffer
	var err error
	switch kind {
	case cluster.KindDeployment:
		return k.describeDeployment(name)
	case cluster.KindService:
		return k.describeService(name)
	case cluster.KindEndpoints:
		ep, ok := cluster.GetAs[*cluster.Endpoints](k.s, k.ns, name)
		if !ok {
			return "", notFound
		}
		err = DescribeEndpoints(&b, k.s.Now(), ep, k.eventsAbout(kind, name))
	case cluster.KindEndpointSlice:
		sl, ok := cluster.GetAs[*cluster.EndpointSlice](k.s, k.ns, name)
		if !ok {
			return "", notFound
		}
		err = DescribeEndpointSlice(&b, k.s.Now(), sl, k.eventsAbout(kind, name))
	case cluster.KindPod:
		p, ok := cluster.GetAs[*cluster.Pod](k.s, k.ns, name)
		if !ok {
			return "", notFound
		}
		err = DescribePod(&b, k.s.Now(), p, k.eventsAbout(kind, name))
	default:
		return "", fmt.Errorf("%w: kubectl describe does not print %s yet", ErrUsage, kind)
	}
	return b.String(), err
}

// eventsAbout returns the events about one object in the client's namespace.
func (k *Client) eventsAbout(kind cluster.Kind, name string) []cluster.Event {
	var out []cluster.Event
	for _, e := range k.s.Events(k.ns) {
		if e.Kind == kind && e.Name == name {
			out = append(out, e)
		}
	}
	return out
}

func (k *Client) describeDeployment(name string) (string, error) {
	d, ok := cluster.GetAs[*cluster.Deployment](k.s, k.ns, name)
	if !ok {
		return "", &cluster.StatusError{Op: "get", Kind: cluster.KindDeployment, Namespace: k.ns, Name: name, Err: cluster.ErrNotFound}
	}
	var b bytes.Buffer
	err := DescribeDeployment(&b, k.s.Now(), d, k.ownedReplicaSets(d), k.eventsAbout(cluster.KindDeployment, name))
	return b.String(), err
}

// isNilObject reports whether obj is nil or a typed nil pointer such as
// (*cluster.Pod)(nil), which satisfies Object with no object behind it.
func isNilObject(obj cluster.Object) bool {
	if obj == nil {
		return true
	}
	v := reflect.ValueOf(obj)
	return v.Kind() == reflect.Pointer && v.IsNil()
}

// nilObjectError is the store's answer to a nil object, which apply gives
// before it asks the store anything: the body is missing.
func nilObjectError(op string) *cluster.StatusError {
	return &cluster.StatusError{Op: op, Err: cluster.ErrInvalid, Causes: []cluster.FieldError{{Field: "object", Type: "Required value"}}}
}

package cluster

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/svcsim/svcsim/selector"
)

// Kubectl runs kubectl-shaped commands against a simulated cluster, in one
// namespace. Each command acts at the current virtual time, like a user at
// a terminal; run the loop (Settle, RunFor) to let the cluster react.
// Messages kubectl would print ("pod/web-1 labeled") go to Out. Get one
// from [Sim.Kubectl]: the zero Kubectl is not usable, and its methods
// panic, saying so.
type Kubectl struct {
	s  *Sim
	ns string
	// Out receives kubectl's messages; nil discards them.
	Out io.Writer
}

// check panics, at the call, if k was not made by Sim.Kubectl.
func (k *Kubectl) check() {
	if k == nil || k.s == nil {
		panic("cluster: use of a Kubectl not made by Sim.Kubectl")
	}
}

// Kubectl returns a client for namespace ("" means "default").
func (s *Sim) Kubectl(namespace string) *Kubectl {
	s.check()
	if namespace == "" {
		namespace = "default"
	}
	return &Kubectl{s: s, ns: namespace}
}

// Namespace returns the namespace the client works in.
func (k *Kubectl) Namespace() string {
	k.check()
	return k.ns
}

func (k *Kubectl) say(format string, args ...any) {
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
func (k *Kubectl) Run(name string, opts RunOptions) (*Pod, error) {
	k.check()
	labels := selector.Set(opts.Labels).Clone()
	if len(labels) == 0 {
		labels = selector.Set{"run": name}
	}
	c := Container{Name: name, Image: opts.Image}
	if opts.Port != 0 {
		c.Ports = []ContainerPort{{ContainerPort: opts.Port}}
	}
	o, err := k.s.Create(&Pod{ObjectMeta: ObjectMeta{Name: name, Namespace: k.ns, Labels: labels}, Spec: PodSpec{Containers: []Container{c}}})
	if err != nil {
		return nil, err
	}
	k.say("pod/%s created", name)
	return o.(*Pod), nil
}

// Apply creates obj, or updates the existing object of that name with its
// metadata and spec, as kubectl apply does (without apply's three-way merge:
// what you pass replaces what is there, status aside). The object's
// namespace defaults to the client's. A nil obj, typed or not, is an
// ErrInvalid [*StatusError], as it is for [Sim.Create].
func (k *Kubectl) Apply(obj Object) (Object, error) {
	k.check()
	if isNilObject(obj) {
		return nil, nilObjectError("apply")
	}
	o := obj.DeepCopyObject()
	m := o.Meta()
	if m.Namespace == "" && !clusterScoped(o.Kind()) {
		m.Namespace = k.ns
	}
	ref := qualified(o.Kind()) + "/" + m.Name
	cur, exists := k.s.store.get(o.Kind(), namespaceOf(o), m.Name)
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
func keepServerFields(o, cur Object) {
	m, cm := o.Meta(), cur.Meta()
	if len(m.OwnerReferences) == 0 {
		m.OwnerReferences = append([]OwnerReference(nil), cm.OwnerReferences...)
	}
	if p, ok := o.(*Pod); ok && p.Spec.NodeName == "" {
		p.Spec.NodeName = cur.(*Pod).Spec.NodeName
	}
}

func namespaceOf(o Object) string {
	if clusterScoped(o.Kind()) {
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
func (k *Kubectl) Label(kind Kind, name string, args ...string) error {
	k.check()
	return k.label(kind, []string{name}, args)
}

// LabelSelected is [Kubectl.Label] for every object of kind matching the
// selector sel (kubectl label KIND -l SEL args...). All objects are checked
// before any is changed, so a failure changes nothing.
func (k *Kubectl) LabelSelected(kind Kind, sel string, args ...string) error {
	k.check()
	parsed, err := selector.Parse(sel)
	if err != nil {
		return err
	}
	var names []string
	k.s.store.each(kind, k.scope(kind), func(o Object) bool {
		if parsed.Matches(o.Meta().Labels) {
			names = append(names, o.Meta().Name)
		}
		return true
	})
	if len(names) == 0 {
		k.say("No resources found in %s namespace.", k.ns)
		return nil
	}
	return k.label(kind, names, args)
}

func (k *Kubectl) scope(kind Kind) string {
	if clusterScoped(kind) {
		return ""
	}
	return k.ns
}

func (k *Kubectl) label(kind Kind, names []string, args []string) error {
	changes, overwrite, err := parseLabelArgs(args)
	if err != nil {
		return err
	}
	type plan struct {
		obj     Object
		changed bool
	}
	plans := make([]plan, 0, len(names))
	for _, name := range names {
		cur, ok := k.s.store.get(kind, k.scope(kind), name)
		if !ok {
			return &StatusError{Op: "label", Kind: kind, Namespace: k.scope(kind), Name: name, Err: ErrNotFound}
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
// [Sim.Delete] for what graceful deletion of a pod involves.
func (k *Kubectl) Delete(kind Kind, name string, opts DeleteOptions) error {
	k.check()
	if err := k.s.Delete(kind, k.scope(kind), name, opts); err != nil {
		return err
	}
	k.say("%s %q deleted", qualified(kind), name)
	return nil
}

// DeleteSelected deletes every object of kind matching the selector sel
// (kubectl delete KIND -l SEL).
func (k *Kubectl) DeleteSelected(kind Kind, sel string, opts DeleteOptions) error {
	k.check()
	parsed, err := selector.Parse(sel)
	if err != nil {
		return err
	}
	if opts.GracePeriodSeconds != nil && *opts.GracePeriodSeconds < 0 {
		return &StatusError{Op: "delete", Kind: kind, Namespace: k.scope(kind), Err: ErrInvalid,
			Causes: []FieldError{{Field: "gracePeriodSeconds", Type: "Invalid value", Value: *opts.GracePeriodSeconds, Detail: "must be greater than or equal to 0"}}}
	}
	objs := k.s.List(kind, k.scope(kind), parsed)
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
func (k *Kubectl) Get(kind Kind, opts GetOptions) (string, error) {
	k.check()
	sel, err := selector.Parse(opts.Selector)
	if err != nil {
		return "", err
	}
	wide := opts.Wide
	switch kind {
	case KindPod:
		return table(k, k.ns, sel, func(w io.Writer, now Time, x []*Pod) error { return PrintPods(w, now, x, wide) })
	case KindNode:
		return table(k, "", sel, func(w io.Writer, now Time, x []*Node) error { return PrintNodes(w, now, x, wide) })
	case KindReplicaSet:
		return table(k, k.ns, sel, func(w io.Writer, now Time, x []*ReplicaSet) error { return PrintReplicaSets(w, now, x, wide) })
	case KindDeployment:
		return table(k, k.ns, sel, func(w io.Writer, now Time, x []*Deployment) error { return PrintDeployments(w, now, x, wide) })
	case KindService:
		return table(k, k.ns, sel, func(w io.Writer, now Time, x []*Service) error { return PrintServices(w, now, x, wide) })
	case KindEndpoints:
		return table(k, k.ns, sel, PrintEndpoints)
	case KindEndpointSlice:
		return table(k, k.ns, sel, PrintEndpointSlices)
	}
	return "", fmt.Errorf("%w: kubectl get does not print %s yet", ErrUsage, kind)
}

// table lists the objects of one kind in namespace ("" for cluster-scoped
// kinds) that sel matches and prints them, or kubectl's "No resources
// found" line when there are none.
func table[T Object](k *Kubectl, namespace string, sel selector.Selector, print func(io.Writer, Time, []T) error) (string, error) {
	objs := ListAs[T](k.s, namespace, sel)
	if len(objs) == 0 {
		if namespace == "" {
			return "No resources found\n", nil
		}
		return "No resources found in " + namespace + " namespace.\n", nil
	}
	var b bytes.Buffer
	err := print(&b, k.s.now, objs)
	return b.String(), err
}

// GetEvents renders `kubectl get events` for the client's namespace.
func (k *Kubectl) GetEvents() (string, error) {
	k.check()
	events := k.s.Events(k.ns)
	if len(events) == 0 {
		return "No resources found in " + k.ns + " namespace.\n", nil
	}
	var b bytes.Buffer
	err := PrintEvents(&b, k.s.now, events)
	return b.String(), err
}

// Describe renders `kubectl describe` for a pod, a Deployment, a Service,
// an Endpoints object or an EndpointSlice.
func (k *Kubectl) Describe(kind Kind, name string) (string, error) {
	k.check()
	notFound := &StatusError{Op: "get", Kind: kind, Namespace: k.ns, Name: name, Err: ErrNotFound}
	var b bytes.Buffer
	var err error
	switch kind {
	case KindDeployment:
		return k.describeDeployment(name)
	case KindService:
		return k.describeService(name)
	case KindEndpoints:
		ep, ok := GetAs[*Endpoints](k.s, k.ns, name)
		if !ok {
			return "", notFound
		}
		err = DescribeEndpoints(&b, k.s.now, ep, k.eventsAbout(kind, name))
	case KindEndpointSlice:
		sl, ok := GetAs[*EndpointSlice](k.s, k.ns, name)
		if !ok {
			return "", notFound
		}
		err = DescribeEndpointSlice(&b, k.s.now, sl, k.eventsAbout(kind, name))
	case KindPod:
		p, ok := GetAs[*Pod](k.s, k.ns, name)
		if !ok {
			return "", notFound
		}
		err = DescribePod(&b, k.s.now, p, k.eventsAbout(kind, name))
	default:
		return "", fmt.Errorf("%w: kubectl describe does not print %s yet", ErrUsage, kind)
	}
	return b.String(), err
}

// eventsAbout returns the events about one object in the client's namespace.
func (k *Kubectl) eventsAbout(kind Kind, name string) []Event {
	var out []Event
	for _, e := range k.s.Events(k.ns) {
		if e.Kind == kind && e.Name == name {
			out = append(out, e)
		}
	}
	return out
}

func (k *Kubectl) describeDeployment(name string) (string, error) {
	d, ok := GetAs[*Deployment](k.s, k.ns, name)
	if !ok {
		return "", &StatusError{Op: "get", Kind: KindDeployment, Namespace: k.ns, Name: name, Err: ErrNotFound}
	}
	var b bytes.Buffer
	err := DescribeDeployment(&b, k.s.now, d, k.ownedReplicaSets(d), k.eventsAbout(KindDeployment, name))
	return b.String(), err
}

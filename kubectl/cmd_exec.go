package kubectl

import (
	"cmp"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"

	"github.com/svcsim/svcsim/cluster"
	"github.com/svcsim/svcsim/selector"
)

func execCommand() *command {
	return &command{
		name:  "exec",
		short: "Execute a command in a container",
		usage: "kubectl exec (POD | TYPE/NAME) [-c CONTAINER] [flags] -- COMMAND [args...]",
		flags: []flagDef{{name: "container", short: 'c', typ: stringFlag}, {name: "stdin", short: 'i', typ: boolFlag},
			{name: "tty", short: 't', typ: boolFlag}, {name: "quiet", short: 'q', typ: boolFlag},
			{name: "pod-running-timeout", typ: durationFlag, def: "1m0s"}},
		run: runExec,
	}
}

// runExec is kubectl exec: find the pod and container, then run the
// command in it. svcsim runs the commands a lesson needs (wget, curl,
// nslookup and a few more, see [simulated]) against the simulated network,
// in the words and with the exit statuses of busybox and curl.
func runExec(c *Client, x *call) error {
	var resource string
	var argv []string
	if len(x.args) > 0 && x.dash != 0 {
		resource = x.args[0]
	}
	switch {
	case x.dash == 0 || x.dash == 1:
		argv = x.args[x.dash:]
	case len(x.args) > 1:
		return usageErrorf("exec [POD] [COMMAND] is not supported anymore. Use exec [POD] -- [COMMAND] instead")
	}
	if x.flags.Duration("pod-running-timeout") <= 0 {
		return usageErrorf("--pod-running-timeout must be higher than zero")
	}
	if resource == "" {
		return errors.New("pod, type/name or --filename must be specified")
	}
	if len(argv) == 0 {
		return errors.New("you must specify at least one command for the container")
	}
	pod, err := execPod(c, x.ns, resource)
	if err != nil {
		return err
	}
	if pod.Status.Phase == cluster.PodSucceeded || pod.Status.Phase == cluster.PodFailed {
		return fmt.Errorf("cannot exec into a container in a completed pod; current phase is %s", pod.Status.Phase)
	}
	ctr, err := execContainer(x, pod)
	if err != nil {
		return err
	}
	if err := execReachable(c, x, pod, ctr); err != nil {
		return err
	}
	stdin := x.flags.Bool("stdin")
	code, err := execIn(c, x, pod, ctr, argv, stdin, stdin && x.flags.Bool("tty"))
	if err != nil {
		return err
	}
	if code != 0 {
		fmt.Fprintf(x.io.Err, "command terminated with exit code %d\n", code)
		return &exitError{code}
	}
	return nil
}

// execPod finds the pod a resource argument names: NAME or pod/NAME, or
// the first pod of a Deployment, ReplicaSet, ReplicationController or
// Service, as kubectl's AttachablePodForObject picks it.
func execPod(c *Client, ns, resource string) (*cluster.Pod, error) {
	kind, name := cluster.KindPod, resource
	if t, n, ok := strings.Cut(resource, "/"); ok {
		rt, err := lookupType(t)
		if err != nil {
			return nil, err
		}
		kind, name = rt.kind, n
		if name == "" {
			return nil, errors.New("arguments in resource/name form must have a single resource and name")
		}
	}
	o, ok := c.s.Get(kind, c.scope(kind), name)
	if !ok {
		return nil, &cluster.StatusError{Op: "get", Kind: kind, Namespace: ns, Name: name, Err: cluster.ErrNotFound}
	}
	var sel selector.Selector
	switch v := o.(type) {
	case *cluster.Pod:
		return v, nil
	case *cluster.Deployment:
		sel = labelSelectorOf(v.Spec.Selector)
	case *cluster.ReplicaSet:
		sel = labelSelectorOf(v.Spec.Selector)
	case *cluster.ReplicationController:
		sel = selector.FromValidatedSet(v.Spec.Selector)
	case *cluster.Service:
		if len(v.Spec.Selector) == 0 {
			return nil, errors.New("invalid service '" + name + "': Service is defined without a selector")
		}
		sel = selector.FromValidatedSet(v.Spec.Selector)
	default:
		return nil, fmt.Errorf("cannot attach to %s: not implemented", string(kind))
	}
	pods := cluster.ListAs[*cluster.Pod](c.s, ns, sel)
	if len(pods) == 0 {
		return nil, fmt.Errorf("no pods found for %s", resource)
	}
	// kubectl prefers a scheduled, running, ready pod, then the oldest.
	rank := func(p *cluster.Pod) int {
		r := 0
		if p.Spec.NodeName == "" {
			r += 4
		}
		if p.Status.Phase != cluster.PodRunning {
			r += 2
		}
		if !p.IsReady() {
			r++
		}
		return r
	}
	return slices.MinFunc(pods, func(a, b *cluster.Pod) int {
		return cmp.Or(cmp.Compare(rank(a), rank(b)), cmp.Compare(a.CreationTimestamp, b.CreationTimestamp), strings.Compare(a.Name, b.Name))
	}), nil
}

// labelSelectorOf turns a workload's selector into one to list with; a
// nil or broken one selects nothing.
func labelSelectorOf(ls *selector.LabelSelector) selector.Selector {
	if ls == nil {
		return selector.Nothing()
	}
	s, err := ls.Selector()
	if err != nil {
		return selector.Nothing()
	}
	return s
}

// execContainer picks the container as kubectl does: -c, else the
// default-container annotation, else the first, saying so when there
// were several.
func execContainer(x *call, pod *cluster.Pod) (*cluster.Container, error) {
	names := make([]string, len(pod.Spec.Containers))
	for i, ctr := range pod.Spec.Containers {
		names[i] = ctr.Name
	}
	name := x.flags.String("container")
	explicit := name != ""
	if !explicit {
		name = pod.Annotations["kubectl.kubernetes.io/default-container"]
	}
	if name != "" {
		if i := slices.Index(names, name); i >= 0 {
			return &pod.Spec.Containers[i], nil
		}
		return nil, fmt.Errorf("container %s is not valid for pod %s out of: %s", name, pod.Name, strings.Join(names, ", "))
	}
	if len(names) > 1 && !x.flags.Bool("quiet") {
		fmt.Fprintf(x.io.Err, "Defaulted container %q out of: %s\n", names[0], strings.Join(names, ", "))
	}
	return &pod.Spec.Containers[0], nil
}

// execReachable says, in the apiserver's and the kubelet's words, why a
// pod cannot run a command yet: no node, a node that is down, or a
// container that is not running.
func execReachable(c *Client, x *call, pod *cluster.Pod, ctr *cluster.Container) error {
	if pod.Spec.NodeName == "" {
		fmt.Fprintf(x.io.Err, "Error from server (BadRequest): pod %s does not have a host assigned\n", pod.Name)
		return &exitError{1}
	}
	if !c.s.NodeReachable(pod.Spec.NodeName) {
		ip := pod.Status.HostIP
		if n, ok := c.s.Get(cluster.KindNode, "", pod.Spec.NodeName); ok {
			ip = nodeAddress(n.(*cluster.Node), "InternalIP")
		}
		return fmt.Errorf("error dialing backend: dial tcp %s:10250: connect: no route to host", ip)
	}
	for _, st := range pod.Status.ContainerStatuses {
		if st.Name == ctr.Name && st.State.Running != nil {
			return nil
		}
	}
	return fmt.Errorf("unable to upgrade connection: container not found (%q)", ctr.Name)
}

// errNotFound is a command the container's image does not have; the
// container runtime refuses to start it.
type errNotFound struct{ cmd string }

func (e *errNotFound) Error() string { return "executable file not found: " + e.cmd }

// execIn runs argv in the container and returns its exit status, writing
// its output to the call's streams. The error is for a command that never
// ran: one the image lacks (in containerd's words) or one svcsim does not
// simulate.
func execIn(c *Client, x *call, pod *cluster.Pod, ctr *cluster.Container, argv []string, stdin, tty bool) (int, error) {
	sh := &podShell{c: c, pod: pod, ctr: ctr, out: x.io.Out, err: x.io.Err, tty: tty}
	if stdin {
		sh.in = x.io.In
	}
	code, err := sh.run(argv)
	var nf *errNotFound
	if errors.As(err, &nf) {
		// containerd's exec start fails and the kubelet passes it on as
		// an internal error; the exec id is random there, a digest here.
		h := sha256.Sum256([]byte(pod.UID + "\x00" + strings.Join(argv, "\x00") + "\x00" + c.s.Now().String()))
		return 0, fmt.Errorf("Internal error occurred: error executing command in container: failed to exec in container: failed to start exec %q: OCI runtime exec failed: exec failed: unable to start container process: exec: %q: executable file not found in $PATH: unknown",
			hex.EncodeToString(h[:]), nf.cmd)
	}
	return code, err
}

// runInPod runs a pod's own command as the session of `kubectl run -i`,
// returning its exit status; what cannot run is reported on stderr.
func runInPod(c *Client, x *call, pod *cluster.Pod, ctr *cluster.Container, argv []string, stdin, tty bool) int {
	code, err := execIn(c, x, pod, ctr, argv, stdin, tty)
	if err != nil {
		fmt.Fprint(x.io.Err, errorText(x.path, err))
		return 1
	}
	return code
}

// podShell is what a command sees inside a container: the pod, the
// container, and its streams (in is nil without -i).
type podShell struct {
	c      *Client
	pod    *cluster.Pod
	ctr    *cluster.Container
	in     io.Reader
	out    io.Writer
	err    io.Writer
	tty    bool // kubectl exec -it: the command's stdout is a terminal
	nested bool // inside sh -c, where a missing command is the shell's to report
}

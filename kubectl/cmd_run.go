package kubectl

import (
	"errors"
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/svcsim/svcsim/cluster"
	"github.com/svcsim/svcsim/selector"
)

func runCommand() *command {
	return &command{
		name:  "run",
		short: "Run a particular image on the cluster",
		usage: `kubectl run NAME --image=image [--env="key=value"] [--port=port] [--dry-run=server|client] [--overrides=inline-json] [--command] -- [COMMAND] [args...]`,
		flags: []flagDef{
			{name: "image", typ: stringFlag}, {name: "env", typ: arrayFlag}, {name: "port", typ: stringFlag},
			{name: "labels", short: 'l', typ: stringFlag}, {name: "stdin", short: 'i', typ: boolFlag},
			{name: "tty", short: 't', typ: boolFlag}, {name: "attach", typ: boolFlag}, {name: "rm", typ: boolFlag},
			{name: "restart", typ: stringFlag, def: "Always"}, {name: "command", typ: boolFlag},
			{name: "expose", typ: boolFlag}, {name: "quiet", short: 'q', typ: boolFlag},
			{name: "image-pull-policy", typ: stringFlag}, {name: "pod-running-timeout", typ: durationFlag, def: "1m0s"},
			outputFlag, dryRunFlag,
		},
		run: runRun,
	}
}

// runOpts is one `kubectl run` command line, checked.
type runOpts struct {
	name, image, port string
	args              []string
	labels            selector.Set // only what -l gave
	env               []cluster.EnvVar
	restart           string
	pullPolicy        string
	stdin, tty        bool
	attach, rm        bool
	command, expose   bool
	quiet             bool
	timeout           time.Duration
	dry               dryRun
	output            string
}

// runOptions reads and checks the command line in the order kubectl's
// Complete and Validate do, so the first mistake is the one reported.
func runOptions(x *call) (*runOpts, error) {
	if err := requireFlag(x, "image"); err != nil {
		return nil, err
	}
	f := x.flags
	o := &runOpts{image: f.String("image"), port: f.String("port"), stdin: f.Bool("stdin"), tty: f.Bool("tty"),
		rm: f.Bool("rm"), command: f.Bool("command"), expose: f.Bool("expose"), quiet: f.Bool("quiet"),
		timeout: f.Duration("pod-running-timeout")}
	var err error
	if o.labels, err = parseRunLabels(f.String("labels")); err != nil {
		return nil, err
	}
	for _, e := range f.List("env") {
		k, v, found := strings.Cut(e, "=")
		if !found || !envVarName.MatchString(k) {
			return nil, fmt.Errorf("invalid env: %s", e)
		}
		o.env = append(o.env, cluster.EnvVar{Name: k, Value: v})
	}
	switch o.restart = f.String("restart"); o.restart {
	case "":
		o.restart = "Always"
		if o.stdin {
			o.restart = "OnFailure"
		}
	case "Always", "OnFailure", "Never":
	default:
		return nil, fmt.Errorf("invalid restart policy: %s, valid values are: Always, OnFailure, Never", o.restart)
	}
	switch o.pullPolicy = f.String("image-pull-policy"); o.pullPolicy {
	case "", "Always", "IfNotPresent", "Never":
	default:
		return nil, fmt.Errorf("invalid image pull policy: %s, valid values are: Always, IfNotPresent, Never", o.pullPolicy)
	}
	if o.timeout <= 0 {
		return nil, usageErrorf("--pod-running-timeout must be higher than zero")
	}
	o.attach = f.Bool("attach")
	if !f.Changed("attach") && o.stdin {
		o.attach = true
	}
	if o.dry, err = dryRunOf(x); err != nil {
		return nil, err
	}
	if o.output, err = outputOf(x); err != nil {
		return nil, err
	}
	// Validate.
	if len(x.args) == 0 || x.dash == 0 {
		return nil, errors.New("NAME is required for run")
	}
	o.name, o.args = x.args[0], x.args[1:]
	switch {
	case o.image == "":
		return nil, errors.New("--image is required")
	case !imageReference.MatchString(o.image):
		return nil, fmt.Errorf("invalid image name %q: invalid reference format", o.image)
	case o.tty && !o.stdin:
		return nil, errors.New("-i/--stdin is required for containers with -t/--tty=true")
	case o.expose && o.port == "":
		return nil, errors.New("--port must be set when exposing a service")
	}
	if o.port != "" {
		if _, err := strconv.Atoi(o.port); err != nil {
			return nil, errors.New("--port must be a number")
		}
	}
	switch {
	case !o.attach && o.rm:
		return nil, errors.New("--rm should only be used for attached containers")
	case o.attach && o.dry != dryRunNone:
		return nil, errors.New("--dry-run=[server|client] can't be used with attached containers options (--attach, --stdin, or --tty)")
	}
	return o, nil
}

// envVarName is the shape the apiserver allows for an environment
// variable's name (apimachinery's IsEnvVarName).
var envVarName = regexp.MustCompile(`^[-._a-zA-Z][-._a-zA-Z0-9]*$`)

// imageReference is the distribution library's ReferenceRegexp, which
// kubectl run holds --image to: [domain[:port]/]path[:tag][@digest], the
// path in lower case.
var imageReference = func() *regexp.Regexp {
	const (
		alnum     = `[a-z0-9]+`
		separator = `(?:[._]|__|[-]+)`
		component = alnum + `(?:` + separator + alnum + `)*`
		domainCmp = `(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])`
		domain    = `(?:` + domainCmp + `(?:\.` + domainCmp + `)*|\[[a-fA-F0-9:]+\])(?::[0-9]+)?`
		name      = `(?:` + domain + `/)?` + component + `(?:/` + component + `)*`
		tag       = `[\w][\w.-]{0,127}`
		digest    = `[A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*[:][0-9a-fA-F]{32,}`
	)
	return regexp.MustCompile(`^` + name + `(?::` + tag + `)?(?:@` + digest + `)?$`)
}()

// parseRunLabels reads -l as kubectl run does: k=v pairs split on commas
// and "=", nothing more; the apiserver judges keys and values.
func parseRunLabels(s string) (selector.Set, error) {
	if s == "" {
		return nil, nil
	}
	labels := selector.Set{}
	for _, spec := range strings.Split(s, ",") {
		kv := strings.Split(spec, "=")
		if len(kv) != 2 {
			return nil, fmt.Errorf("unexpected label spec: %s", spec)
		}
		if kv[0] == "" {
			return nil, errors.New("unexpected empty label key")
		}
		labels[kv[0]] = kv[1]
	}
	return labels, nil
}

func runRun(c *Client, x *call) error {
	o, err := runOptions(x)
	if err != nil {
		return err
	}
	labels := o.labels
	if len(labels) == 0 {
		labels = selector.Set{"run": o.name}
	}
	pod := o.pod(c.ns, labels)
	made := []cluster.Object{pod}
	if o.dry != dryRunClient {
		stored, err := c.s.Create(pod)
		if err != nil {
			return err
		}
		made[0] = stored
	}
	var errs []error
	if o.expose {
		svc := o.service(c.ns, labels)
		if o.dry == dryRunClient {
			made = append(made, svc)
		} else if stored, err := c.s.Create(svc); err != nil {
			errs = append(errs, err)
		} else {
			made = append(made, stored)
		}
	}
	if o.attach {
		return attachRun(c, x, o, made)
	}
	for _, m := range made {
		if err := printMade(x, o.output, m, "created", o.dry); err != nil {
			errs = append(errs, err)
		}
	}
	return errors.Join(errs...)
}

// pod is the pod kubectl run sends: one container named after the pod,
// the words after NAME as its args (or command, with --command).
func (o *runOpts) pod(ns string, labels selector.Set) *cluster.Pod {
	c := cluster.Container{Name: o.name, Image: o.image, Env: o.env, ImagePullPolicy: o.pullPolicy,
		Resources: &cluster.ResourceRequirements{}}
	if len(o.args) > 0 {
		if o.command {
			c.Command = o.args
		} else {
			c.Args = o.args
		}
	}
	if o.port != "" {
		n, _ := strconv.Atoi(o.port)
		c.Ports = []cluster.ContainerPort{{ContainerPort: int32(n)}} // narrowed as kubectl's int32(portNo)
	}
	return &cluster.Pod{
		ObjectMeta: cluster.ObjectMeta{Name: o.name, Namespace: ns, Labels: labels.Clone()},
		Spec:       cluster.PodSpec{Containers: []cluster.Container{c}, DNSPolicy: "ClusterFirst", RestartPolicy: o.restart},
	}
}

// service is the ClusterIP Service of --expose: the pod's labels as its
// selector, only -l's labels as its own.
func (o *runOpts) service(ns string, labels selector.Set) *cluster.Service {
	n, _ := strconv.Atoi(o.port)
	return &cluster.Service{
		ObjectMeta: cluster.ObjectMeta{Name: o.name, Namespace: ns, Labels: o.labels.Clone()},
		Spec: cluster.ServiceSpec{Selector: labels.Clone(), Ports: []cluster.ServicePort{{
			Port: int32(n), Protocol: cluster.ProtocolTCP, TargetPort: cluster.FromInt(int32(n))}}},
	}
}

// attachRun is the rest of `kubectl run -i[t]`: wait for the pod to run
// and be ready, then attach. svcsim has no terminal to attach, so it runs
// the pod's command, if it is one svcsim simulates, as kubectl exec
// would, or else says how to go on; then it ends the session as kubectl
// does, deleting the pod for --rm.
func attachRun(c *Client, x *call, o *runOpts, made []cluster.Object) (err error) {
	if o.rm {
		defer func() {
			for _, m := range made {
				kind, name := m.Kind(), m.Meta().Name
				if derr := c.s.Delete(kind, c.ns, name, cluster.DeleteOptions{}); derr == nil {
					fmt.Fprintf(x.io.Out, "%s %q deleted from %s namespace\n", strings.ToLower(string(kind)), name, c.ns)
				}
			}
		}()
	}
	pod, err := waitForPod(c, c.ns, o.name, o.timeout)
	if err != nil {
		return err
	}
	if !o.quiet {
		fmt.Fprintln(x.io.Err, "All commands and output from this session will be recorded in container logs, including credentials and sensitive information passed through the command prompt.")
		fmt.Fprintln(x.io.Err, "If you don't see a command prompt, try pressing enter.")
	}
	argv := append(append([]string(nil), pod.Spec.Containers[0].Command...), pod.Spec.Containers[0].Args...)
	code := 0
	if len(argv) > 0 && simulated(argv[0]) {
		code = runInPod(c, x, pod, &pod.Spec.Containers[0], argv, o.stdin, o.stdin && o.tty)
	} else {
		what := "a shell"
		if len(argv) > 0 {
			what = strconv.Quote(strings.Join(argv, " "))
		}
		fmt.Fprintf(x.io.Err, "svcsim: there is no terminal to attach to %s in pod/%s; it keeps running: run commands in it with `kubectl exec %s -- COMMAND` (wget, curl, nslookup, ...)\n", what, o.name, o.name)
	}
	if !o.quiet && o.stdin && o.tty {
		fmt.Fprintf(x.io.Out, "Session ended, resume using 'kubectl attach %s -c %s -n %s -i -t' command\n", o.name, o.name, c.ns)
	}
	if code != 0 && (o.restart == "Never" || o.restart == "OnFailure") {
		// The command was the container's process: it ended, and so did
		// the pod, with its status.
		fmt.Fprintf(x.io.Err, "pod %s/%s terminated (Error)\n", c.ns, o.name)
		return &exitError{code}
	}
	return nil
}

// waitForPod runs the simulation until the pod runs and is ready, as
// kubectl waits before it attaches, for at most timeout of virtual time.
func waitForPod(c *Client, ns, name string, timeout time.Duration) (*cluster.Pod, error) {
	deadline := c.s.Now().Add(timeout)
	for steps := 0; ; steps++ {
		o, ok := c.s.Get(cluster.KindPod, ns, name)
		if !ok {
			return nil, &cluster.StatusError{Op: "get", Kind: cluster.KindPod, Namespace: ns, Name: name, Err: cluster.ErrNotFound}
		}
		p := o.(*cluster.Pod)
		switch {
		case p.Status.Phase == cluster.PodRunning && p.IsReady():
			return p, nil
		case p.Status.Phase == cluster.PodSucceeded || p.Status.Phase == cluster.PodFailed:
			return nil, errors.New("pod ran to completion")
		}
		if c.s.Now() >= deadline || steps >= maxWaitSteps || c.s.Pending() == 0 {
			if err := c.s.RunUntil(deadline); err != nil {
				return nil, err
			}
			return nil, fmt.Errorf("timed out waiting for the condition")
		}
		if !c.s.Step() {
			// A check of the test's (Sim.Observe) stopped the run.
			if err := c.s.ObservedErr(); err != nil {
				return nil, err
			}
		}
	}
}

// maxWaitSteps bounds a wait in events, in case something reschedules
// itself at one instant for ever.
const maxWaitSteps = 1_000_000

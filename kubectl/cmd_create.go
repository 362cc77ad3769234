package kubectl

import (
	"errors"
	"fmt"
	"hash/fnv"
	"regexp"
	"strings"

	"github.com/svcsim/svcsim/cluster"
	"github.com/svcsim/svcsim/selector"
)

// The flags every making verb shares: how to print what it made, and
// whether to make it at all.
var (
	outputFlag = flagDef{name: "output", short: 'o', typ: stringFlag}
	dryRunFlag = flagDef{name: "dry-run", typ: stringFlag, def: "none", noOpt: "unchanged"}
)

// createCommand is `kubectl create`: from files with -f, or one of the
// generators below it.
func createCommand() *command {
	return &command{
		name:  "create",
		short: "Create a resource from a file or from stdin",
		usage: "kubectl create -f FILENAME [options]",
		flags: append([]flagDef{outputFlag, dryRunFlag, {name: "validate", typ: stringFlag, def: "strict", noOpt: "strict"}},
			createFileFlags...),
		subs: []*command{createDeploymentCommand(), createServiceCommand(), createNamespaceCommand()},
		run: func(c *Client, x *call) error {
			if len(x.flags.List("filename")) > 0 {
				return createFromFiles(c, x)
			}
			// kubectl says so, then prints the group's help as cobra's
			// default sub-command runner does, and fails.
			fmt.Fprint(x.io.Err, "Error: must specify one of -f and -k\n\n")
			return groupWithoutVerb(x, "kubectl create", createCommand())
		},
	}
}

// groupWithoutVerb is cobra's DefaultSubCommandRun: a stray word is an
// unknown command, no word at all prints the group's help; both fail.
func groupWithoutVerb(x *call, path string, cmd *command) error {
	if len(x.args) > 0 {
		return usageErrorf("unknown command %q", strings.Join(x.args, " "))
	}
	printHelp(x.io.Err, path, cmd)
	return &exitError{1}
}

// dryRun is kubectl's --dry-run strategy.
type dryRun int

const (
	dryRunNone   dryRun = iota // make it
	dryRunClient               // print what would be sent, send nothing
	dryRunServer               // have the server check it without keeping it
)

// dryRunOf reads --dry-run as kubectl's GetDryRunStrategy does, booleans
// and the bare flag included. The server strategy needs an apiserver that
// can validate without storing, which the simulated store cannot, so it
// is refused rather than faked.
func dryRunOf(x *call) (dryRun, error) {
	v := x.flags.String("dry-run")
	switch v {
	case "unchanged", "client", "true", "1", "t", "T", "TRUE", "True":
		return dryRunClient, nil
	case "none", "false", "0", "f", "F", "FALSE", "False":
		return dryRunNone, nil
	case "server":
		return dryRunServer, errors.New(`--dry-run=server is not simulated: svcsim's store cannot check an object without keeping it; use --dry-run=client`)
	}
	return dryRunNone, fmt.Errorf(`Invalid dry-run value (%s). Must be "none", "server", or "client".`, v)
}

// printFormats are the -o values the making verbs accept, in the order
// kubectl lists them when it refuses one.
var printFormats = []string{"go-template", "go-template-file", "json", "jsonpath", "jsonpath-as-json", "jsonpath-file", "kyaml", "name", "template", "templatefile", "yaml"}

// outputOf checks -o before anything is made, as kubectl builds its
// printer first: "" (the success line), yaml, json or name.
func outputOf(x *call) (string, error) {
	o := x.flags.String("output")
	switch o {
	case "", "yaml", "json", "name":
		return o, nil
	}
	for _, f := range printFormats {
		if o == f || strings.HasPrefix(o, f+"=") {
			return "", fmt.Errorf("-o %s is not simulated for %s; use -o yaml, -o json or -o name", f, strings.TrimPrefix(x.path, "kubectl "))
		}
	}
	return "", fmt.Errorf("unable to match a printer suitable for the output format %q, allowed formats are: %s", o, strings.Join(printFormats, ","))
}

// making is how a making verb (create, expose, run) was asked to act:
// its --dry-run strategy and its -o format, both checked before anything
// is built.
type making struct {
	dry    dryRun
	output string
}

func makingOf(x *call) (making, error) {
	dry, err := dryRunOf(x)
	if err != nil {
		return making{}, err
	}
	output, err := outputOf(x)
	return making{dry, output}, err
}

// make creates obj, unless this is a client dry run, and prints it as
// printMade does; why wraps the store's refusal in the verb's words (nil
// keeps it as it is).
func (m making) make(c *Client, x *call, obj cluster.Object, op string, why func(error) error) error {
	if m.dry == dryRunClient {
		return printMade(x, m.output, obj, op, m.dry)
	}
	o, err := c.s.Create(obj)
	if err != nil {
		if why != nil {
			return why(err)
		}
		return err
	}
	return printMade(x, m.output, o, op, m.dry)
}

// printMade prints an object a verb made (or would make), as kubectl's
// PrintFlags do: the manifest for -o yaml|json, KIND/NAME for -o name, or
// "KIND/NAME <op>" with "(dry run)" after a client dry run.
func printMade(x *call, output string, obj cluster.Object, op string, dry dryRun) error {
	switch output {
	case "yaml", "json":
		m, err := Unstructured(obj)
		if err != nil {
			return err
		}
		if dry == dryRunClient {
			templateTimestamp(m)
			if !x.flags.Changed("namespace") {
				// kubectl names the namespace of an object it has not
				// sent only when -n told it to.
				delete(m["metadata"].(map[string]any), "namespace")
			}
		}
		return write(x.io.Out, Format(output), m)
	case "name":
		_, err := fmt.Fprintf(x.io.Out, "%s/%s\n", qualified(obj.Kind()), obj.Meta().Name)
		return err
	}
	if dry == dryRunClient {
		op += " (dry run)"
	}
	_, err := fmt.Fprintf(x.io.Out, "%s/%s %s\n", qualified(obj.Kind()), obj.Meta().Name, op)
	return err
}

// templateTimestamp gives a generated pod template the
// `creationTimestamp: null` kubectl prints for one it has not sent.
func templateTimestamp(m map[string]any) {
	spec, _ := m["spec"].(map[string]any)
	tmpl, _ := spec["template"].(map[string]any)
	if tmpl == nil {
		return
	}
	meta, _ := tmpl["metadata"].(map[string]any)
	if meta == nil {
		meta = map[string]any{}
		tmpl["metadata"] = meta
	}
	meta["creationTimestamp"] = nil
}

// nameArg is kubectl's NameFromCommandArgs: exactly one word before any
// "--".
func nameArg(x *call) (string, error) {
	n := x.dash
	if n < 0 {
		n = len(x.args)
	}
	if n != 1 {
		return "", usageErrorf("exactly one NAME is required, got %d", n)
	}
	return x.args[0], nil
}

// requireFlag is cobra's check of a flag marked required, made before the
// command runs.
func requireFlag(x *call, name string) error {
	if !x.flags.Changed(name) {
		return fmt.Errorf("required flag(s) %q not set", name)
	}
	return nil
}

func createDeploymentCommand() *command {
	return &command{
		name:    "deployment",
		aliases: []string{"deploy"},
		short:   "Create a deployment with the specified name",
		usage:   "kubectl create deployment NAME --image=image -- [COMMAND] [args...]",
		flags: []flagDef{{name: "image", typ: sliceFlag}, {name: "port", typ: int32Flag, def: "-1"},
			{name: "replicas", short: 'r', typ: int32Flag, def: "1"}, outputFlag, dryRunFlag,
			{name: "validate", typ: stringFlag, def: "strict", noOpt: "strict"}},
		run: runCreateDeployment,
	}
}

func runCreateDeployment(c *Client, x *call) error {
	if err := requireFlag(x, "image"); err != nil {
		return err
	}
	name, err := nameArg(x)
	if err != nil {
		return err
	}
	var command []string
	if len(x.args) > 1 {
		command = x.args[1:]
	}
	images := x.flags.List("image")
	if len(images) > 1 && len(command) > 0 {
		return errors.New("cannot specify multiple --image options and command")
	}
	m, err := makingOf(x)
	if err != nil {
		return err
	}
	d := generatedDeployment(c, name, images, command, int32(x.flags.Int("replicas")), int32(x.flags.Int("port")))
	// kubectl wraps the apiserver's answer in its own words.
	return m.make(c, x, d, "created", func(err error) error { return fmt.Errorf("failed to create deployment: %s", err) })
}

// generatedDeployment is what `kubectl create deployment` sends: labels
// and selector app=NAME, a container per image named after it, and a port
// only if --port was given (its default is -1, none).
func generatedDeployment(c *Client, name string, images, command []string, replicas, port int32) *cluster.Deployment {
	labels := selector.Set{"app": name}
	var containers []cluster.Container
	for _, image := range images {
		containers = append(containers, cluster.Container{Name: containerNameFor(image), Image: image,
			Command: command, Resources: &cluster.ResourceRequirements{}})
	}
	if port >= 0 && len(containers) > 0 {
		containers[0].Ports = []cluster.ContainerPort{{ContainerPort: port}}
	}
	return &cluster.Deployment{
		ObjectMeta: cluster.ObjectMeta{Name: name, Namespace: c.ns, Labels: labels.Clone()},
		Spec: cluster.DeploymentSpec{
			Replicas: cluster.Ptr(replicas),
			Selector: &selector.LabelSelector{MatchLabels: labels.Clone()},
			Template: cluster.PodTemplateSpec{ObjectMeta: cluster.ObjectMeta{Labels: labels.Clone()},
				Spec: cluster.PodSpec{Containers: containers}},
		},
	}
}

// containerNameFor names a container after its image as kubectl does:
// the last path part without tag or digest. One with "_" or "." gets
// dashes and a five-letter suffix, random in kubectl; svcsim derives it
// from the image so that making the name draws nothing from the run's
// randomness, even when the create then fails.
func containerNameFor(image string) string {
	name := image[strings.LastIndexByte(image, '/')+1:]
	name, _, _ = strings.Cut(name, ":")
	name, _, _ = strings.Cut(name, "@")
	if !strings.ContainsAny(name, "_.") {
		return name
	}
	name = strings.NewReplacer("_", "-", ".", "-").Replace(name)
	const alphabet = "bcdfghjklmnpqrstvwxz2456789" // apimachinery's rand.String alphabet
	h := fnv.New64a()
	h.Write([]byte(image))
	n := h.Sum64()
	suffix := make([]byte, 5)
	for i := range suffix {
		suffix[i] = alphabet[n%uint64(len(alphabet))]
		n /= uint64(len(alphabet))
	}
	return name + "-" + string(suffix)
}

func createNamespaceCommand() *command {
	return &command{
		name:    "namespace",
		aliases: []string{"ns"},
		short:   "Create a namespace with the specified name",
		usage:   "kubectl create namespace NAME [--dry-run=server|client|none]",
		flags:   []flagDef{outputFlag, dryRunFlag, {name: "validate", typ: stringFlag, def: "strict", noOpt: "strict"}},
		run: func(c *Client, x *call) error {
			name, err := nameArg(x)
			if err != nil {
				return err
			}
			m, err := makingOf(x)
			if err != nil {
				return err
			}
			return m.make(c, x, &cluster.Namespace{ObjectMeta: cluster.ObjectMeta{Name: name}}, "created", nil)
		},
	}
}

// dns1123Subdomain is the shape of a DNS subdomain name, as
// apimachinery's IsDNS1123Subdomain checks it.
var dns1123Subdomain = regexp.MustCompile(`^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$`)

func isDNS1123Subdomain(s string) bool { return len(s) <= 253 && dns1123Subdomain.MatchString(s) }

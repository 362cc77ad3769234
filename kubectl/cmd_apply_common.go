package kubectl

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"path"
	"slices"
	"strings"
	"time"

	"github.com/svcsim/svcsim/cluster"
	"github.com/svcsim/svcsim/selector"
)

// What the writing verbs (apply, create -f, delete, label, annotate, scale,
// set, patch, rollout) share: --dry-run, -f, resolving TYPE NAME arguments
// to objects as kubectl's resource builder does, and waiting in virtual
// time for what kubectl waits for.

// writeDry is kubectl's --dry-run strategy.
type writeDry int

const (
	writeDryNone   writeDry = iota // write to the store
	writeDryClient                 // say what would be done; the store is not asked
	writeDryServer                 // --dry-run=server, which svcsim refuses
)

// writeDryRunFlag is --dry-run as kubectl declares it: a string whose bare
// form means "unchanged" (the old boolean, read as client).
var writeDryRunFlag = flagDef{name: "dry-run", typ: stringFlag, def: "none", noOpt: "unchanged"}

// errServerDryRun refuses --dry-run=server: the store has no way to
// validate a write without making it, and a dry run that skipped the
// apiserver's checks would answer differently from Kubernetes.
var errServerDryRun = errors.New("--dry-run=server is not supported by svcsim (its store cannot validate without writing); use --dry-run=client")

// writeDryRun reads --dry-run as kubectl's GetDryRunStrategy does.
func writeDryRun(x *call) (writeDry, error) {
	v := x.flags.String("dry-run")
	switch v {
	case "unchanged", "client", "true", "True", "TRUE", "t", "T", "1":
		return writeDryClient, nil
	case "none", "false", "False", "FALSE", "f", "F", "0":
		return writeDryNone, nil
	case "server":
		return writeDryServer, errServerDryRun
	}
	return writeDryNone, fmt.Errorf(`Invalid dry-run value (%v). Must be "none", "server", or "client".`, v)
}

// suffix is what kubectl adds to its message for a dry run.
func (d writeDry) suffix() string {
	if d == writeDryClient {
		return " (dry run)"
	}
	return ""
}

// failPrinted writes text, kubectl's stderr for an error ErrorText does
// not word, and ends the command with status 1.
func failPrinted(x *call, text string) error {
	fmt.Fprint(x.io.Err, text)
	return &exitError{1}
}

// warn prints one of kubectl's warnings.
func warn(x *call, msg string) {
	fmt.Fprintf(x.io.Err, "Warning: %s\n", msg)
}

// plainUsage turns the Go API's ErrUsage errors into kubectl's plain
// message ("error: ..." when printed); other errors pass through.
func plainUsage(err error) error {
	if err != nil && errors.Is(err, ErrUsage) {
		return errors.New(strings.TrimPrefix(err.Error(), ErrUsage.Error()+": "))
	}
	return err
}

// badRequest is an error the apiserver answers with reason BadRequest:
// kubectl prints "Error from server (BadRequest): msg".
func badRequest(msg string) error {
	return &ManifestError{Item: -1, server: true, msg: msg}
}

// typeOfKind finds the resource type of a kind svcsim serves.
func typeOfKind(kind cluster.Kind) *resourceType {
	for i := range resourceTypes {
		if resourceTypes[i].kind == kind {
			return &resourceTypes[i]
		}
	}
	return nil
}

// groupResource is how the apiserver and kubectl name a resource in
// messages: "pods", "deployments.apps".
func (rt *resourceType) groupResource() string {
	if rt.group == "" {
		return rt.plural
	}
	return rt.plural + "." + rt.group
}

// notFound is the apiserver's NotFound for one object.
func notFound(rt *resourceType, ns, name string) error {
	if !rt.namespaced {
		ns = ""
	}
	return &cluster.StatusError{Op: "get", Kind: rt.kind, Namespace: ns, Name: name, Err: cluster.ErrNotFound}
}

// manifestExtensions are the files kubectl reads from a directory.
var manifestExtensions = []string{".json", ".yaml", ".yml"}

// expandDirs replaces each directory among names by the manifests in it,
// in name order, descending into subdirectories when recursive, as
// kubectl's builder does; other names are kept as they are.
func expandDirs(x *call, names []string, recursive bool) ([]string, error) {
	if x.io.ReadDir == nil {
		return names, nil
	}
	var out []string
	var walk func(dir string, top bool) error
	walk = func(dir string, top bool) error {
		entries, err := x.io.ReadDir(dir)
		if err != nil {
			return err
		}
		found := 0
		for _, e := range entries {
			p := path.Join(dir, e.Name())
			switch {
			case e.IsDir():
				if recursive {
					if err := walk(p, false); err != nil {
						return err
					}
				}
			case slices.Contains(manifestExtensions, path.Ext(e.Name())):
				out = append(out, p)
				found++
			}
		}
		if top && found == 0 && !recursive {
			return fmt.Errorf("error reading [%s]: recognized file extensions are %v", dir, manifestExtensions)
		}
		return nil
	}
	for _, name := range names {
		if name == "-" || strings.Contains(name, "://") {
			out = append(out, name)
			continue
		}
		dir := path.Clean(name)
		if _, err := x.io.ReadDir(dir); err != nil {
			out = append(out, name) // a file, or nothing: reading it will say
			continue
		}
		if err := walk(dir, true); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// readFiles reads every -f argument as kubectl's builder does: "-" is
// standard input (read once; a second "-" reads nothing more), a directory
// its manifests (see expandDirs), anything else a file through
// IO.ReadFile; URLs are not fetched. A path that cannot be read is an
// error before anything is done, as kubectl's are; every such path is
// reported.
func readFiles(x *call, names []string) ([]Document, error) {
	var docs []Document
	var errs []error
	stdinRead := false
	names, err := expandDirs(x, names, x.flags.Bool("recursive"))
	if err != nil {
		return nil, err
	}
	for _, name := range names {
		var data []byte
		source := name
		switch {
		case name == "-":
			source = "STDIN"
			if stdinRead {
				continue
			}
			stdinRead = true
			b, err := io.ReadAll(x.io.In)
			if err != nil {
				errs = append(errs, fmt.Errorf("error reading STDIN: %v", err))
				continue
			}
			data = b
		case strings.HasPrefix(name, "http://") || strings.HasPrefix(name, "https://"):
			errs = append(errs, fmt.Errorf("the URL %q cannot be fetched: svcsim reads only files and standard input", name))
			continue
		default:
			if x.io.ReadFile == nil {
				errs = append(errs, fmt.Errorf("the path %q does not exist", name))
				continue
			}
			b, err := x.io.ReadFile(name)
			switch {
			case errors.Is(err, fs.ErrNotExist):
				errs = append(errs, fmt.Errorf("the path %q does not exist", name))
				continue
			case err != nil:
				errs = append(errs, fmt.Errorf("the path %q cannot be accessed: %v", name, err))
				continue
			}
			data = b
		}
		d, _ := Decode(source, data)
		docs = append(docs, d...)
	}
	if len(errs) > 0 {
		return nil, errors.Join(errs...)
	}
	return docs, nil
}

// checkDocNamespace places a decoded document in the command's namespace
// when it names none, and refuses one that names another namespace when
// -n was given, as kubectl does. It returns the document's namespace.
func checkDocNamespace(x *call, d *Document) (string, error) {
	rt := typeOfKind(d.Kind)
	if rt == nil || !rt.namespaced {
		return "", nil
	}
	ns := d.Namespace
	if ns == "" {
		ns = x.ns
		if d.Object != nil {
			d.Object.Meta().Namespace = ns
		}
	} else if x.flags.Changed("namespace") && ns != x.ns {
		return "", fmt.Errorf("the namespace from the provided object %q does not match the namespace %q. You must pass '--namespace=%s' to perform this operation.", ns, x.ns, ns)
	}
	return ns, nil
}

// target is one object a writing verb acts on, as the resource builder
// names it before fetching it.
type target struct {
	rt   *resourceType
	ns   string
	name string
}

// targetQuery is how a verb's objects were named: by TYPE NAME arguments,
// a label selector, or --all.
type targetQuery struct {
	args     []string
	selector string
	all      bool
	// allowEmpty lets TYPE alone mean every object of the type, as
	// rollout's builder does; otherwise it is an error without -l or --all.
	allowEmpty bool
}

// single reports whether the arguments name exactly one object, as
// kubectl's IntoSingleItemImplied does (it decides the form of --list).
func (q targetQuery) single() bool {
	if q.selector != "" || q.all {
		return false
	}
	if len(q.args) == 1 {
		return strings.Contains(q.args[0], "/")
	}
	return len(q.args) == 2 && !strings.Contains(q.args[0], ",") && !strings.Contains(q.args[1], "/")
}

// resolveTargets turns a verb's resource arguments into the objects they
// name, as kubectl's builder does: TYPE NAME... and TYPE/NAME... name
// objects (fetched later, so a missing one is that object's NotFound);
// TYPE with -l or --all selects, in name order.
func (k *Client) resolveTargets(x *call, q targetQuery) ([]target, error) {
	refs, err := parseResourceArgs(q.args)
	if err != nil {
		return nil, err
	}
	if len(refs) == 0 {
		return nil, errMissingResource
	}
	named, slashed := false, false
	for _, r := range refs {
		if r.name != "" {
			named = true
		}
	}
	for _, a := range q.args {
		if strings.Contains(a, "/") {
			slashed = true
		}
	}
	bulk := q.selector != "" || q.all
	switch {
	case bulk && slashed:
		return nil, errors.New("selectors and the all flag cannot be used when passing resource/name arguments")
	case bulk && named:
		return nil, errors.New("name cannot be provided when a selector is specified")
	case !bulk && !named && !q.allowEmpty:
		return nil, errors.New("resource(s) were provided, but no name was specified")
	}
	var out []target
	if named {
		for _, r := range refs {
			out = append(out, target{rt: r.typ, ns: scopeOf(r.typ, x.ns), name: r.name})
		}
		return out, nil
	}
	sel := selector.Everything()
	if q.selector != "" {
		if sel, err = selector.Parse(q.selector); err != nil {
			return nil, err
		}
	}
	for _, r := range refs {
		for _, o := range k.s.List(r.typ.kind, scopeOf(r.typ, x.ns), sel) {
			out = append(out, target{rt: r.typ, ns: scopeOf(r.typ, x.ns), name: o.Meta().Name})
		}
	}
	return out, nil
}

// scopeOf is the namespace an object of rt lives in: ns, or "" for a
// cluster-scoped kind.
func scopeOf(rt *resourceType, ns string) string {
	if rt.namespaced {
		return ns
	}
	return ""
}

// fetch gets a target's object, or its NotFound.
func (k *Client) fetch(t target) (cluster.Object, error) {
	if o, ok := k.s.Get(t.rt.kind, t.ns, t.name); ok {
		return o, nil
	}
	return nil, notFound(t.rt, t.ns, t.name)
}

// noneFound is kubectl's line when a selection found nothing: "No
// resources found in default namespace." (or without the namespace for
// cluster-scoped kinds).
func noneFound(x *call, ts []resourceRef) string {
	for _, r := range ts {
		if r.typ.namespaced {
			return "No resources found in " + x.ns + " namespace.\n"
		}
	}
	return "No resources found\n"
}

// waitSlice is how far virtual time moves between two looks at the store
// while a command has waited for less than wait, standing for the latency
// of kubectl's watch: a tenth of a second at first, then coarser, so that
// a wait of hours (a pod on a lost node) costs few looks.
func waitSlice(waited time.Duration) time.Duration {
	switch {
	case waited < time.Minute:
		return 100 * time.Millisecond
	case waited < time.Hour:
		return time.Second
	}
	return 10 * time.Second
}

// errWaitTimeout is kubectl's wait.ErrWaitTimeout.
var errWaitTimeout = errors.New("timed out waiting for the condition")

// waitUntil runs the simulation, a slice at a time, until done reports
// true or timeout passes (0 means forever, which svcsim bounds by the
// given forever). It returns errWaitTimeout on timeout, or the loop's
// error (a [*cluster.BusyError]) if the cluster cannot move on. done is
// called before each slice; when nothing is pending at all, time jumps to
// the deadline, since nothing can change before it.
func (k *Client) waitUntil(timeout, forever time.Duration, done func() (bool, error)) error {
	if timeout <= 0 {
		timeout = forever
	}
	start := k.s.Now()
	deadline := start.Add(timeout)
	for {
		ok, err := done()
		if err != nil || ok {
			return err
		}
		now := k.s.Now()
		if now >= deadline || now >= cluster.EndOfTime-1 {
			return errWaitTimeout
		}
		next := min(now.Add(waitSlice(now.Sub(start))), deadline)
		if k.s.Pending() == 0 {
			next = deadline
		}
		if err := k.s.RunUntil(next); err != nil {
			return err
		}
	}
}

// sortedPairs returns "k=v" lines of m, sorted, for --list.
func sortedPairs(m map[string]string) []string {
	out := make([]string, 0, len(m))
	for k, v := range m {
		out = append(out, k+"="+v)
	}
	slices.Sort(out)
	return out
}

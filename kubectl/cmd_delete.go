package kubectl

import (
	"errors"
	"fmt"
	"time"

	"github.com/svcsim/svcsim/cluster"
)

// deleteWaitForever is how long `kubectl delete` waits when --timeout is
// 0: kubectl's "a week".
const deleteWaitForever = 168 * time.Hour

func deleteCommand() *command {
	return &command{
		name:  "delete",
		short: "Delete resources by file names, stdin, resources and names, or by resources and label selector",
		usage: "kubectl delete ([-f FILENAME] | [-k DIRECTORY] | TYPE [(NAME | -l label | --all)]) [options]",
		flags: append(append([]flagDef(nil), fileFlags...),
			flagDef{name: "selector", short: 'l', typ: stringFlag},
			flagDef{name: "all", typ: boolFlag, def: "false"},
			flagDef{name: "grace-period", typ: int64Flag, def: "-1"},
			flagDef{name: "force", typ: boolFlag, def: "false"},
			flagDef{name: "now", typ: boolFlag, def: "false"},
			flagDef{name: "wait", typ: boolFlag, def: "true"},
			flagDef{name: "timeout", typ: durationFlag, def: "0s"},
			flagDef{name: "ignore-not-found", typ: boolFlag, def: "false"},
			flagDef{name: "cascade", typ: stringFlag, def: "background", noOpt: "background"},
			flagDef{name: "output", short: 'o', typ: stringFlag},
			writeDryRunFlag,
		),
		run: runDelete,
	}
}

// deleteRun is one `kubectl delete` being carried out.
type deleteRun struct {
	k      *Client
	x      *call
	dry    writeDry
	grace  int64 // -1: the object's own
	force  bool
	name   bool // -o name
	warned bool // the cluster-scope warning was printed
	gone   []deletedObject
	found  int
}

// deletedObject is what --wait waits for: the object of that UID to be
// gone from the store.
type deletedObject struct {
	t   target
	uid string
}

// runDelete is `kubectl delete`. Objects are deleted one by one in the
// order named; one that fails is reported at the end and the others are
// deleted, as kubectl does. With --wait (the default) the command then
// runs the simulation until every deleted object has left the store, as
// kubectl watches for it: a pod's graceful termination takes its grace
// period of virtual time. --cascade=background is the garbage collector's
// way and the only one svcsim has.
func runDelete(k *Client, x *call) error {
	d := &deleteRun{k: k, x: x, grace: x.flags.Int("grace-period"), force: x.flags.Bool("force")}
	if x.flags.Bool("now") {
		if d.grace != -1 {
			return errors.New("--now and --grace-period cannot be specified together")
		}
		d.grace = 1
	}
	if d.grace == 0 && !d.force {
		// kubectl turns --grace-period=0 into 1 unless --force is given.
		d.grace = 1
	}
	if d.force && d.grace < 0 {
		d.grace = 0
	}
	var err error
	if d.dry, err = writeDryRun(x); err != nil {
		return err
	}
	switch c := x.flags.String("cascade"); c {
	case "background", "true":
	case "orphan", "foreground", "false":
		return fmt.Errorf("--cascade=%s is not supported by svcsim: its garbage collector deletes dependents in the background only", c)
	default:
		return fmt.Errorf(`invalid cascade value (%v). Must be "background", "foreground", or "orphan"`, c)
	}
	files := x.flags.List("filename")
	sel, all := x.flags.String("selector"), x.flags.Bool("all")
	ignore := x.flags.Bool("ignore-not-found")
	if (all || sel != "") && !x.flags.Changed("ignore-not-found") {
		ignore = true
	}
	var docs []Document
	var targets []target
	switch {
	case all && sel != "":
		return errors.New("setting 'all' parameter but found a non empty selector. ")
	case len(files) > 0 && len(x.args) > 0:
		return errors.New("when paths, URLs, or stdin is provided as input, you may not specify resource arguments as well")
	case len(files) > 0:
		if docs, err = readFiles(x, files); err != nil {
			return err
		}
	default:
		if targets, err = k.resolveTargets(x, targetQuery{args: x.args, selector: sel, all: all}); err != nil {
			return err
		}
	}
	switch o := x.flags.String("output"); o {
	case "", "name":
		d.name = o == "name"
	default:
		return fmt.Errorf("unexpected -o output mode: %v. We only support '-o name'", o)
	}
	switch {
	case d.grace == 0 && d.force:
		warn(x, "Immediate deletion does not wait for confirmation that the running resource has been terminated. The resource may continue to run on the cluster indefinitely.")
	case d.grace > 0 && d.force:
		return errors.New("--force and --grace-period greater than 0 cannot be specified together")
	}

	if len(files) > 0 {
		docs, nsErrs := placeDocs(x, docs)
		err = ApplyAll(docs, "deleting", func(doc Document) error {
			rt := docType(doc)
			ns := scopeOf(rt, doc.Namespace)
			if ns == "" && rt.namespaced {
				ns = x.ns
			}
			return d.delete(target{rt: rt, ns: ns, name: doc.Name}, false)
		})
		err = joinFileErrors(nsErrs, err)
	} else {
		var errs []error
		for _, t := range targets {
			if e := d.delete(t, ignore); e != nil {
				errs = append(errs, e)
			}
		}
		err = errors.Join(errs...)
	}
	if err != nil {
		return err
	}
	if d.found == 0 {
		fmt.Fprintln(x.io.Out, "No resources found")
		return nil
	}
	if !x.flags.Bool("wait") || d.dry != writeDryNone {
		return nil
	}
	return d.wait(x.flags.Duration("timeout"))
}

// delete deletes one object and says so, as kubectl's PrintObj for
// deletions does.
func (d *deleteRun) delete(t target, ignoreNotFound bool) error {
	cur, ok := d.k.s.Get(t.rt.kind, t.ns, t.name)
	if !ok {
		if ignoreNotFound {
			return nil
		}
		return &cluster.StatusError{Op: "delete", Kind: t.rt.kind, Namespace: t.ns, Name: t.name, Err: cluster.ErrNotFound}
	}
	d.found++
	if !t.rt.namespaced && d.x.flags.Changed("namespace") && !d.warned {
		warn(d.x, "deleting cluster-scoped resources, not scoped to the provided namespace")
		d.warned = true
	}
	if d.dry == writeDryNone {
		opts := cluster.DeleteOptions{Force: d.grace == 0}
		if d.grace >= 0 {
			opts.GracePeriodSeconds = cluster.Ptr(d.grace)
		}
		if err := d.k.s.Delete(t.rt.kind, t.ns, t.name, opts); err != nil {
			return err
		}
		d.gone = append(d.gone, deletedObject{t: t, uid: cur.Meta().UID})
	}
	if d.name {
		fmt.Fprintf(d.x.io.Out, "%s/%s\n", t.rt.qualified(), t.name)
		return nil
	}
	word := "deleted"
	if d.grace == 0 {
		word = "force deleted"
	}
	if t.rt.namespaced {
		word += " from " + t.ns + " namespace"
	}
	fmt.Fprintf(d.x.io.Out, "%s %q %s%s\n", t.rt.qualified(), t.name, word, d.dry.suffix())
	return nil
}

// wait runs the simulation until every deleted object is gone (or has been
// replaced by one of another UID), as `kubectl delete --wait` does.
func (d *deleteRun) wait(timeout time.Duration) error {
	err := d.k.waitUntil(timeout, deleteWaitForever, func() (bool, error) {
		for _, g := range d.gone {
			if o, ok := d.k.s.Get(g.t.rt.kind, g.t.ns, g.t.name); ok && o.Meta().UID == g.uid {
				return false, nil
			}
		}
		return true, nil
	})
	if !errors.Is(err, errWaitTimeout) {
		return err
	}
	var errs []error
	for _, g := range d.gone {
		if o, ok := d.k.s.Get(g.t.rt.kind, g.t.ns, g.t.name); ok && o.Meta().UID == g.uid {
			errs = append(errs, fmt.Errorf("%w on %s/%s", errWaitTimeout, g.t.rt.plural, g.t.name))
		}
	}
	return errors.Join(errs...)
}

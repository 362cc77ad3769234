package kubectl

import (
	"errors"
	"fmt"

	"github.com/svcsim/svcsim/cluster"
)

// fileFlags are -f and -R as kubectl's filename options declare them.
// -R is accepted either way: svcsim cannot list directories, so it has
// nothing to recurse into.
var fileFlags = []flagDef{
	{name: "filename", short: 'f', typ: sliceFlag},
	{name: "recursive", short: 'R', typ: boolFlag, def: "false"},
}

// createFileFlags are the flags createFromFiles reads; the create verb
// declares them beside its own (its --dry-run is read when declared).
var createFileFlags = fileFlags

func applyCommand() *command {
	return &command{
		name:  "apply",
		short: "Apply a configuration to a resource by file name or stdin",
		usage: "kubectl apply (-f FILENAME | -k DIRECTORY) [options]",
		flags: append(append([]flagDef(nil), fileFlags...), writeDryRunFlag),
		run:   runApply,
	}
}

// runApply is `kubectl apply -f`: each document is created, or replaces
// the object of its name (see [Client.Apply]), in order; a document that
// fails is reported and the others are applied, and the command then
// exits 1, as kubectl does.
func runApply(k *Client, x *call) error {
	files := x.flags.List("filename")
	if len(files) == 0 {
		return errors.New("must specify one of -f and -k")
	}
	if len(x.args) > 0 {
		return usageErrorf("Unexpected args: %v", x.args)
	}
	dry, err := writeDryRun(x)
	if err != nil {
		return err
	}
	docs, err := readFiles(x, files)
	if err != nil {
		return err
	}
	if len(docs) == 0 {
		return errors.New("no objects passed to apply")
	}
	docs, nsErrs := placeDocs(x, docs)
	named := docs[:0]
	for _, d := range docs {
		if d.Object != nil && d.Name == "" && d.Object.Meta().GenerateName != "" {
			// kubectl refuses it itself, without naming the file.
			nsErrs = append(nsErrs, fmt.Errorf("from %s: cannot use generate name with apply", d.Object.Meta().GenerateName))
			continue
		}
		named = append(named, d)
	}
	err = ApplyAll(named, "creating", func(d Document) error {
		if d.Err != nil {
			return d.Err
		}
		if dry == writeDryClient {
			return k.applyDry(d)
		}
		_, err := k.Apply(d.Object)
		return err
	})
	return joinFileErrors(nsErrs, err)
}

// applyDry says what apply would do, without asking the store to check it,
// as kubectl's client-side dry run does.
func (k *Client) applyDry(d Document) error {
	rt := docType(d)
	m := d.Object.Meta()
	word := "created"
	if _, ok := k.s.Get(d.Kind, scopeOf(rt, m.Namespace), m.Name); ok {
		word = "configured"
	}
	k.say("%s/%s %s (dry run)", rt.qualified(), m.Name, word)
	return nil
}

// createFromFiles is `kubectl create -f FILE...`: it creates every object
// of the manifests, in order, reporting those that fail (an object that
// exists is AlreadyExists) and creating the rest, as kubectl does. The
// create verb calls it when -f is given; its command must declare
// createFileFlags, and may declare --dry-run (client only).
func createFromFiles(k *Client, x *call) error {
	files := x.flags.List("filename")
	if len(files) == 0 {
		return errors.New("must specify one of -f and -k")
	}
	dry := writeDryNone
	if _, declared := x.flags.defs["dry-run"]; declared {
		var err error
		if dry, err = writeDryRun(x); err != nil {
			return err
		}
	}
	docs, err := readFiles(x, files)
	if err != nil {
		return err
	}
	if len(docs) == 0 {
		return errors.New("no objects passed to create")
	}
	docs, nsErrs := placeDocs(x, docs)
	err = ApplyAll(docs, "creating", func(d Document) error {
		if d.Err != nil {
			return d.Err
		}
		rt := docType(d)
		if dry == writeDryClient {
			k.say("%s/%s created (dry run)", rt.qualified(), d.Object.Meta().Name)
			return nil
		}
		out, err := k.s.Create(d.Object)
		if err != nil {
			return err
		}
		k.say("%s/%s created", rt.qualified(), out.Meta().Name)
		return nil
	})
	return joinFileErrors(nsErrs, err)
}

// placeDocs puts every namespaced document in the command's namespace
// unless it names its own, and takes out those that name another
// namespace when -n was given: kubectl refuses them while reading.
func placeDocs(x *call, docs []Document) ([]Document, []error) {
	var out []Document
	var errs []error
	for _, d := range docs {
		if d.Err == nil || d.Err.body {
			if _, err := checkDocNamespace(x, &d); err != nil {
				errs = append(errs, err)
				continue
			}
		}
		out = append(out, d)
	}
	return out, errs
}

// joinFileErrors puts the namespace refusals, which kubectl finds while
// reading, before what ApplyAll reports.
func joinFileErrors(read []error, err error) error {
	if len(read) == 0 {
		return err
	}
	var ae *ApplyError
	if errors.As(err, &ae) {
		return &ApplyError{Errs: append(read, ae.Errs...)}
	}
	if err != nil {
		read = append(read, err)
	}
	return &ApplyError{Errs: read}
}

// docType is the resource type of a decoded document's kind.
func docType(d Document) *resourceType {
	if rt := typeOfKind(d.Kind); rt != nil {
		return rt
	}
	return &resourceType{kind: d.Kind, singular: string(d.Kind), plural: string(d.Kind), namespaced: !cluster.ClusterScoped(d.Kind)}
}

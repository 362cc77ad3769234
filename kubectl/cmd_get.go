package kubectl

import (
	"cmp"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"

	"github.com/svcsim/svcsim/cluster"
	"github.com/svcsim/svcsim/selector"
)

// getCommand is `kubectl get`.
func getCommand() *command {
	return &command{
		name:  "get",
		short: "Display one or many resources",
		usage: "kubectl get [(-o|--output=)json|yaml|kyaml|name|go-template|go-template-file|template|templatefile|jsonpath|jsonpath-as-json|jsonpath-file|custom-columns|custom-columns-file|wide] (TYPE[.VERSION][.GROUP] [NAME | -l label] | TYPE[.VERSION][.GROUP]/NAME ...) [flags]",
		flags: append(slices.Clone(outputFlags),
			flagDef{name: "all-namespaces", short: 'A', typ: boolFlag},
			flagDef{name: "selector", short: 'l', typ: stringFlag},
			flagDef{name: "show-labels", typ: boolFlag},
			flagDef{name: "show-kind", typ: boolFlag},
			flagDef{name: "label-columns", short: 'L', typ: sliceFlag},
			flagDef{name: "no-headers", typ: boolFlag},
			flagDef{name: "ignore-not-found", typ: boolFlag},
		),
		run: runGet,
	}
}

// endpointsWarning is the apiserver's warning on every request for v1
// Endpoints since Kubernetes 1.33; kubectl prints it once per command.
const endpointsWarning = "Warning: v1 Endpoints is deprecated in v1.33+; use discovery.k8s.io/v1 EndpointSlice\n"

// kindEvent is the kind of `kubectl get events`. Events are not objects in
// svcsim's store; the Sim keeps them in a log of its own.
const kindEvent cluster.Kind = "Event"

// fetched is what one resource argument gave: one object, or a listing of
// a type (possibly empty), as kubectl's builder makes one "info" of each.
type fetched struct {
	typ    *resourceType
	list   bool
	objs   []cluster.Object
	events []cluster.Event
}

// getRequest is a parsed `kubectl get` command line.
type getRequest struct {
	refs      []resourceRef
	ns        string // "" with -A
	allNS     bool
	sel       selector.Selector
	selText   string
	ignoreNF  bool
	singleArg bool // one name of one type: kubectl prints the object, not a List
}

func runGet(c *Client, x *call) error {
	fv := x.flags
	if len(x.args) == 0 {
		fmt.Fprint(x.io.Err, "You must specify the type of resource to get. Use \"kubectl api-resources\" for a complete list of supported resources.\n\n")
		return usageErrorf("Required resource not specified.\nUse \"kubectl explain <resource>\" for a detailed description of that resource (e.g. kubectl explain pods).")
	}
	if o := fv.String("output"); fv.Bool("show-labels") && o != "" && o != "wide" {
		return fmt.Errorf("--show-labels option cannot be used with %s printer", o)
	}
	req, err := c.parseGet(x)
	if err != nil {
		return err
	}
	warnEndpoints(x, req)
	got, errs := c.fetchAll(req)
	if !humanReadable(fv) {
		return c.printGeneric(x, req, got, errs)
	}
	return c.printTables(x, req, got, errs)
}

// parseGet reads get's resource arguments and selector as kubectl's
// resource builder does, refusing what it refuses.
func (c *Client) parseGet(x *call) (*getRequest, error) {
	fv := x.flags
	refs, err := parseResourceArgs(x.args)
	if err != nil {
		return nil, err
	}
	if len(refs) == 0 {
		return nil, errMissingResource
	}
	req := &getRequest{refs: refs, ns: x.ns, allNS: fv.Bool("all-namespaces"), selText: strings.TrimSpace(fv.String("selector"))}
	if _, ok := fv.defs["ignore-not-found"]; ok {
		req.ignoreNF = fv.Bool("ignore-not-found")
	}
	if req.allNS {
		req.ns = ""
	}
	named := 0
	for _, r := range refs {
		if r.name != "" {
			named++
		}
	}
	if named > 0 && req.selText != "" {
		return nil, errors.New("name cannot be provided when a selector is specified")
	}
	if named > 0 && req.allNS {
		for _, r := range refs {
			if r.typ.namespaced {
				return nil, errors.New("a resource cannot be retrieved by name across all namespaces")
			}
		}
	}
	req.singleArg = named == 1 && len(refs) == 1
	req.sel = selector.Everything()
	return req, nil
}

// fetchAll reads what each argument names, in order: errors (a missing name,
// a selector the apiserver cannot parse) are collected, as kubectl's
// builder continues past them.
func (c *Client) fetchAll(req *getRequest) ([]fetched, []error) {
	var got []fetched
	var errs []error
	for _, r := range req.refs {
		scope := req.ns
		if !r.typ.namespaced {
			scope = ""
		}
		if r.name != "" {
			if r.typ.kind == kindEvent {
				if !req.ignoreNF {
					errs = append(errs, notFound(r.typ, scope, r.name))
				}
				continue
			}
			o, ok := c.s.Get(r.typ.kind, scope, r.name)
			if !ok {
				if !req.ignoreNF {
					errs = append(errs, notFound(r.typ, scope, r.name))
				}
				continue
			}
			got = append(got, fetched{typ: r.typ, objs: []cluster.Object{o}})
			continue
		}
		sel := selector.Everything()
		if req.selText != "" {
			parsed, err := selector.Parse(req.selText)
			if err != nil {
				errs = append(errs, badSelector(r.typ, req.selText, err))
				continue
			}
			sel = parsed
		}
		f := fetched{typ: r.typ, list: true}
		if r.typ.kind == kindEvent {
			f.events = c.listEvents(scope, sel)
		} else {
			f.objs = c.s.List(r.typ.kind, scope, sel)
		}
		got = append(got, f)
	}
	return got, errs
}

// listEvents lists events as the apiserver does, by namespace and name;
// an event's name is its object's name and the time it was first seen.
// Events have no labels, so a selector with a requirement matches none.
func (c *Client) listEvents(ns string, sel selector.Selector) []cluster.Event {
	if !sel.Matches(selector.Set{}) {
		return nil
	}
	evs := c.s.Events(ns)
	slices.SortStableFunc(evs, func(a, b cluster.Event) int {
		return cmp.Or(cmp.Compare(a.Namespace, b.Namespace), cmp.Compare(eventName(a), eventName(b)))
	})
	return evs
}

// eventName is the name the event recorder gives an event: the object's
// name and the first time, in hex nanoseconds.
func eventName(e cluster.Event) string {
	return fmt.Sprintf("%s.%x", e.Name, e.FirstSeen.Wall().UnixNano())
}

// badSelector is the apiserver's BadRequest for a selector it cannot
// parse, with the context kubectl adds to a failed list: a syntax error
// as "found 'x', expected: ...", an invalid key or value as "unable to
// parse requirement: ...". What was expected is in the selector
// package's words.
func badSelector(rt *resourceType, sel string, err error) error {
	cause := strings.TrimPrefix(err.Error(), "selector: ")
	var pe *selector.ParseError
	if errors.As(err, &pe) {
		if pe.Expected != "" {
			cause = fmt.Sprintf("found '%s', expected: %s", pe.Found, pe.Expected)
		} else {
			cause = "unable to parse requirement: " + pe.Err.Error()
		}
	}
	return &ManifestError{Item: -1, Kind: rt.kind, Err: err, server: true,
		msg: fmt.Sprintf("Unable to find %q that match label selector %q, field selector \"\": %s",
			rt.group+"/v1, Resource="+rt.plural, sel, cause)}
}

// printGeneric prints for -o name, yaml, json, jsonpath and go-template:
// one named object as itself, anything else as a v1 List of every object
// found, in the order of the arguments.
func (c *Client) printGeneric(x *call, req *getRequest, got []fetched, errs []error) error {
	if req.singleArg && len(errs) > 0 {
		return errs[0]
	}
	p, err := newPrinter(x.flags)
	if err != nil {
		return err
	}
	var objs []cluster.Object
	for _, f := range got {
		if f.typ.kind == kindEvent {
			return fmt.Errorf("%w: events as -o %s", ErrUnsupportedOutput, x.flags.String("output"))
		}
		objs = append(objs, f.objs...)
	}
	var m map[string]any
	if req.singleArg && len(objs) == 1 {
		m, err = Unstructured(objs[0])
	} else {
		m, err = unstructuredList(objs)
	}
	if err != nil {
		return err
	}
	if err := p.printObject(x.io, m); err != nil {
		return errors.Join(append(errs, err)...)
	}
	return errors.Join(errs...)
}

// unstructuredList is the v1 List kubectl prints several objects as.
func unstructuredList(objs []cluster.Object) (map[string]any, error) {
	items := make([]any, 0, len(objs))
	for _, o := range objs {
		m, err := Unstructured(o)
		if err != nil {
			return nil, err
		}
		items = append(items, m)
	}
	return map[string]any{"apiVersion": "v1", "kind": "List", "items": items,
		"metadata": map[string]any{"resourceVersion": ""}}, nil
}

// tableOptions are the decorations kubectl's table printer adds.
type tableOptions struct {
	wide, noHeaders, withKind, withNamespace, showLabels bool
	columnLabels                                         []string
}

// printTables prints kubectl's tables: one per run of arguments of the
// same type, a blank line between tables, kind-qualified names when
// several types are shown, and "No resources found" on stderr when
// nothing at all was printed and nothing failed.
func (c *Client) printTables(x *call, req *getRequest, got []fetched, errs []error) error {
	fv := x.flags
	kinds := map[*resourceType]bool{}
	for _, f := range got {
		kinds[f.typ] = true
	}
	opts := tableOptions{wide: fv.String("output") == "wide", noHeaders: fv.Bool("no-headers"),
		withKind: len(kinds) > 1 || fv.Bool("show-kind"), showLabels: fv.Bool("show-labels"),
		columnLabels: fv.List("label-columns")}
	written := false
	allNamespaced := !req.allNS
	for i := 0; i < len(got); {
		j := i
		var group []fetched
		for ; j < len(got) && got[j].typ == got[i].typ; j++ {
			group = append(group, got[j])
		}
		typ := got[i].typ
		allNamespaced = allNamespaced && typ.namespaced
		o := opts
		o.withNamespace = req.allNS && typ.namespaced
		header, rows := c.typeTable(typ, group, o)
		if len(rows) > 0 {
			if written && !opts.noHeaders {
				fmt.Fprintln(x.io.Out)
			}
			if opts.noHeaders {
				header = nil
			}
			if err := writeRows(x.io.Out, header, rows); err != nil {
				return err
			}
			written = true
		}
		i = j
	}
	if !written && !req.ignoreNF && len(errs) == 0 {
		if allNamespaced {
			fmt.Fprintf(x.io.Err, "No resources found in %s namespace.\n", req.ns)
		} else {
			fmt.Fprintln(x.io.Err, "No resources found")
		}
	}
	return errors.Join(errs...)
}

// warnEndpoints prints kubectl's deprecation warning, once, when the
// command names v1 Endpoints.
func warnEndpoints(x *call, req *getRequest) {
	for _, r := range req.refs {
		if r.typ.kind == cluster.KindEndpoints {
			fmt.Fprint(x.io.Err, endpointsWarning)
			return
		}
	}
}

// writeRows is writeTable, without the header when header is nil
// (--no-headers). Column widths then come from the rows alone, as they do
// in kubectl, which pads the first row as it would have padded a header.
func writeRows(w io.Writer, header []string, rows [][]string) error {
	if header != nil {
		return writeTable(w, header, rows)
	}
	return writeTabbed(w, rows)
}

// typeTable builds one type's table from the printers, decorated as
// kubectl's table printer decorates the server's tables.
func (c *Client) typeTable(rt *resourceType, group []fetched, o tableOptions) ([]string, [][]string) {
	now := c.s.Now()
	var objs []cluster.Object
	var evs []cluster.Event
	for _, f := range group {
		objs = append(objs, f.objs...)
		evs = append(evs, f.events...)
	}
	header, rows, metas := rowsFor(rt, now, objs, evs, o.wide)
	nameCol := -1
	if o.withKind && len(header) > 0 && header[0] == "NAME" {
		nameCol = 0
	}
	if o.withNamespace {
		header = append([]string{"NAMESPACE"}, header...)
	}
	for _, l := range o.columnLabels {
		parts := strings.Split(l, "/")
		header = append(header, strings.ToUpper(parts[len(parts)-1]))
	}
	if o.showLabels {
		header = append(header, "LABELS")
	}
	for i, row := range rows {
		m := metas[i]
		if nameCol >= 0 {
			row[nameCol] = strings.ToLower(string(rt.kind)) + kindGroupSuffix(rt) + "/" + row[nameCol]
		}
		if o.withNamespace {
			row = append([]string{m.namespace}, row...)
		}
		for _, l := range o.columnLabels {
			row = append(row, m.labels[l])
		}
		if o.showLabels {
			row = append(row, m.labels.Format())
		}
		rows[i] = row
	}
	return header, rows
}

// kindGroupSuffix is ".apps" for a type of the apps group, "" for core.
func kindGroupSuffix(rt *resourceType) string {
	if rt.group == "" {
		return ""
	}
	return "." + rt.group
}

// rowMeta is what the table printer reads from each row's object.
type rowMeta struct {
	namespace string
	labels    selector.Set
}

// rowsFor dispatches to the type's printer and returns its header, rows
// and each row's object metadata.
func rowsFor(rt *resourceType, now cluster.Time, objs []cluster.Object, evs []cluster.Event, wide bool) ([]string, [][]string, []rowMeta) {
	metas := make([]rowMeta, len(objs))
	for i, o := range objs {
		metas[i] = rowMeta{namespace: o.Meta().Namespace, labels: o.Meta().Labels}
	}
	var header []string
	var rows [][]string
	switch rt.kind {
	case kindEvent:
		metas = make([]rowMeta, len(evs))
		for i, e := range evs {
			metas[i] = rowMeta{namespace: e.Namespace}
		}
		header, rows = eventRows(now, evs)
	case cluster.KindPod:
		header, rows = podRows(now, as[*cluster.Pod](objs), wide)
	case cluster.KindNode:
		header, rows = nodeRows(now, as[*cluster.Node](objs), wide)
	case cluster.KindNamespace:
		header, rows = namespaceRows(now, as[*cluster.Namespace](objs))
	case cluster.KindService:
		header, rows = serviceRows(now, as[*cluster.Service](objs), wide)
	case cluster.KindEndpoints:
		header, rows = endpointsRows(now, as[*cluster.Endpoints](objs))
	case cluster.KindEndpointSlice:
		header, rows = endpointSliceRows(now, as[*cluster.EndpointSlice](objs))
	case cluster.KindReplicaSet:
		header, rows = replicaSetRows(now, as[*cluster.ReplicaSet](objs), wide)
	case cluster.KindDeployment:
		header, rows = deploymentRows(now, as[*cluster.Deployment](objs), wide)
	case cluster.KindReplicationController:
		header, rows = replicationControllerRows(now, as[*cluster.ReplicationController](objs), wide)
	}
	return header, rows, metas
}

// namespaceRows computes `kubectl get namespaces`: NAME STATUS AGE.
func namespaceRows(now cluster.Time, nss []*cluster.Namespace) ([]string, [][]string) {
	rows := make([][]string, 0, len(nss))
	for _, n := range nss {
		rows = append(rows, []string{n.Name, n.Status.Phase, since(now, n.CreationTimestamp)})
	}
	return []string{"NAME", "STATUS", "AGE"}, rows
}

// as converts objects the store returned for one kind to that kind's type.
func as[T cluster.Object](objs []cluster.Object) []T {
	out := make([]T, 0, len(objs))
	for _, o := range objs {
		if t, ok := o.(T); ok {
			out = append(out, t)
		}
	}
	return out
}

package kubectl

import (
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/svcsim/svcsim/cluster"
	"github.com/svcsim/svcsim/selector"
)

// metaFlags are the flags label and annotate share.
var metaFlags = []flagDef{
	{name: "overwrite", typ: boolFlag, def: "false"},
	{name: "list", typ: boolFlag, def: "false"},
	{name: "all", typ: boolFlag, def: "false"},
	{name: "selector", short: 'l', typ: stringFlag},
	writeDryRunFlag,
}

func labelCommand() *command {
	return &command{
		name:  "label",
		short: "Update the labels on a resource",
		usage: "kubectl label [--overwrite] (-f FILENAME | TYPE NAME) KEY_1=VAL_1 ... KEY_N=VAL_N [--resource-version=version] [options]",
		flags: metaFlags,
		run:   func(k *Client, x *call) error { return runMeta(k, x, labelsEdit) },
	}
}

func annotateCommand() *command {
	return &command{
		name:  "annotate",
		short: "Update the annotations on a resource",
		usage: "kubectl annotate [--overwrite] (-f FILENAME | TYPE NAME) KEY_1=VAL_1 ... KEY_N=VAL_N [--resource-version=version] [options]",
		flags: metaFlags,
		run:   func(k *Client, x *call) error { return runMeta(k, x, annotationsEdit) },
	}
}

// metaEdit is what differs between label and annotate: the map they edit
// and kubectl's words.
type metaEdit struct {
	pairType string // "label", "annotation"
	field    func(m *cluster.ObjectMeta) *map[string]string
	parse    func(pairs []string) (map[string]string, []string, error)
	// noOverwrite is the error for changing an existing value without
	// --overwrite, or nil.
	noOverwrite func(cur map[string]string, set map[string]string) error
	listing     string // "Listing labels for"
}

var labelsEdit = metaEdit{
	pairType: "label",
	field:    func(m *cluster.ObjectMeta) *map[string]string { return (*map[string]string)(&m.Labels) },
	parse:    parseLabelPairs,
	noOverwrite: func(cur, set map[string]string) error {
		var errs []error
		for _, k := range slices.Sorted(maps.Keys(set)) {
			if v, ok := cur[k]; ok && v != set[k] {
				errs = append(errs, fmt.Errorf("'%s' already has a value (%s), and --overwrite is false", k, v))
			}
		}
		return errors.Join(errs...)
	},
	listing: "Listing labels for",
}

var annotationsEdit = metaEdit{
	pairType: "annotation",
	field:    func(m *cluster.ObjectMeta) *map[string]string { return &m.Annotations },
	parse:    parseAnnotationPairs,
	noOverwrite: func(cur, set map[string]string) error {
		var found []string
		for _, k := range slices.Sorted(maps.Keys(set)) {
			if k == "kubernetes.io/change-cause" {
				continue
			}
			if v, ok := cur[k]; ok && v != set[k] {
				found = append(found, fmt.Sprintf("'%s' already has a value (%s)", k, v))
			}
		}
		if found == nil {
			return nil
		}
		return errors.New("--overwrite is false but found the following declared annotation(s): " + strings.Join(found, "; "))
	},
	listing: "Listing annotations for",
}

// splitPairs separates a command line's resources from its KEY=VALUE and
// KEY- arguments, as kubectl's GetResourcesAndPairs does: the first pair
// ends the resources.
func splitPairs(args []string, pairType string) (resources, pairs []string, err error) {
	for _, s := range args {
		pair := (strings.Contains(s, "=") && s[0] != '=') || (strings.HasSuffix(s, "-") && s != "-")
		switch {
		case pair:
			pairs = append(pairs, s)
		case len(pairs) > 0:
			return nil, nil, fmt.Errorf("all resources must be specified before %s changes: %s", pairType, s)
		default:
			resources = append(resources, s)
		}
	}
	return resources, pairs, nil
}

// parseLabelPairs reads label changes as kubectl's label does: the value
// is checked here, the key by the apiserver.
func parseLabelPairs(pairs []string) (map[string]string, []string, error) {
	set := map[string]string{}
	var remove []string
	for _, p := range pairs {
		switch {
		case strings.Contains(p, "="):
			parts := strings.Split(p, "=")
			if len(parts) != 2 {
				return nil, nil, fmt.Errorf("invalid label spec: %v", p)
			}
			if errs := selector.ValueProblems(parts[1]); len(errs) != 0 {
				return nil, nil, fmt.Errorf("invalid label value: %q: %s", p, strings.Join(errs, ";"))
			}
			set[parts[0]] = parts[1]
		case strings.HasSuffix(p, "-"):
			remove = append(remove, p[:len(p)-1])
		default:
			return nil, nil, fmt.Errorf("unknown label spec: %v", p)
		}
	}
	for _, r := range remove {
		if _, ok := set[r]; ok {
			return nil, nil, errors.New("can not both modify and remove a label in the same command")
		}
	}
	return set, remove, nil
}

// parseAnnotationPairs reads annotation changes as kubectl's ParsePairs
// does.
func parseAnnotationPairs(pairs []string) (map[string]string, []string, error) {
	set := map[string]string{}
	var remove, invalid []string
	for _, p := range pairs {
		switch {
		case strings.Contains(p, "=") && p[0] != '=':
			k, v, _ := strings.Cut(p, "=")
			set[k] = v
		case strings.HasSuffix(p, "-") && p != "-":
			remove = append(remove, p[:len(p)-1])
		default:
			invalid = append(invalid, p)
		}
	}
	if invalid != nil {
		return nil, nil, fmt.Errorf("invalid annotation format: %s", strings.Join(invalid, ", "))
	}
	var both []string
	for _, r := range remove {
		if _, ok := set[r]; ok {
			both = append(both, r)
		}
	}
	if both != nil {
		return nil, nil, errors.New("can not both modify and remove the following annotation(s) in the same command: " + strings.Join(both, ", "))
	}
	return set, remove, nil
}

// runMeta is `kubectl label` and `kubectl annotate`. Each object is
// changed on its own, in order; one that fails (not found, a value that
// exists without --overwrite, a key the apiserver refuses) is reported at
// the end and the others are changed, as kubectl does.
func runMeta(k *Client, x *call, e metaEdit) error {
	resources, pairs, err := splitPairs(x.args, e.pairType)
	if err != nil {
		return err
	}
	set, remove, err := e.parse(pairs)
	if err != nil {
		return err
	}
	dry, err := writeDryRun(x)
	if err != nil {
		return err
	}
	list := x.flags.Bool("list")
	sel, all := x.flags.String("selector"), x.flags.Bool("all")
	switch {
	case all && sel != "":
		return errors.New("cannot set --all and --selector at the same time")
	case len(resources) == 0:
		return errors.New("one or more resources must be specified as <resource> <name> or <resource>/<name>")
	case len(set) == 0 && len(remove) == 0 && !list:
		return fmt.Errorf("at least one %s update is required", e.pairType)
	}
	q := targetQuery{args: resources, selector: sel, all: all}
	targets, err := k.resolveTargets(x, q)
	if err != nil {
		return err
	}
	var errs []error
	for _, t := range targets {
		if err := k.editMeta(x, e, t, set, remove, dry, list, q.single()); err != nil {
			errs = append(errs, err)
		}
	}
	return errors.Join(errs...)
}

// editMeta changes one object's labels or annotations.
func (k *Client) editMeta(x *call, e metaEdit, t target, set map[string]string, remove []string, dry writeDry, list, single bool) error {
	o, err := k.fetch(t)
	if err != nil {
		return err
	}
	m := o.Meta()
	cur := *e.field(m)
	writing := dry == writeDryNone && !list
	if writing && e.pairType == "label" {
		for _, r := range remove {
			if _, ok := cur[r]; !ok {
				fmt.Fprintf(x.io.Out, "label %q not found.\n", r)
			}
		}
	}
	if !x.flags.Bool("overwrite") {
		if err := e.noOverwrite(cur, set); err != nil {
			return err
		}
	}
	next := maps.Clone(cur)
	if next == nil {
		next = map[string]string{}
	}
	added, removed := false, false
	for key, v := range set {
		if old, ok := next[key]; !ok || old != v {
			added = true
		}
		next[key] = v
	}
	for _, r := range remove {
		if _, ok := next[r]; ok {
			removed = true
			delete(next, r)
		}
	}
	if len(next) == 0 {
		next = nil
	}
	if writing && (added || removed) {
		*e.field(m) = next
		if _, err := k.s.Update(o); err != nil {
			return err
		}
	}
	if list {
		indent := ""
		if !single {
			indent = " "
			fmt.Fprintf(x.io.Out, "%s %s.%s/%s:\n", e.listing, t.rt.kind, t.rt.group, t.name)
		}
		// kubectl lists the object as the changes left it, unsent.
		for _, p := range sortedPairs(next) {
			fmt.Fprintf(x.io.Out, "%s%s\n", indent, p)
		}
		return nil
	}
	word := "annotated"
	if e.pairType == "label" {
		switch {
		case added && removed:
			word = "modified"
		case added:
			word = "labeled"
		case removed:
			word = "unlabeled"
		default:
			word = "not labeled"
		}
	}
	fmt.Fprintf(x.io.Out, "%s/%s %s%s\n", t.rt.qualified(), t.name, word, dry.suffix())
	return nil
}

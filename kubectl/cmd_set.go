package kubectl

import (
	"errors"
	"fmt"
	"reflect"
	"strings"

	"github.com/svcsim/svcsim/cluster"
	"github.com/svcsim/svcsim/selector"
)

func setCommand() *command {
	return &command{
		name:  "set",
		short: "Set specific features on objects",
		subs: []*command{
			{
				name:  "image",
				short: "Update the image of a pod template",
				usage: "kubectl set image (-f FILENAME | TYPE NAME) CONTAINER_NAME_1=CONTAINER_IMAGE_1 ... CONTAINER_NAME_N=CONTAINER_IMAGE_N [options]",
				flags: []flagDef{
					{name: "all", typ: boolFlag, def: "false"},
					{name: "selector", short: 'l', typ: stringFlag},
					writeDryRunFlag,
				},
				run: runSetImage,
			},
			{
				name:  "selector",
				short: "Set the selector on a resource",
				usage: "kubectl set selector (-f FILENAME | TYPE NAME) EXPRESSIONS [--resource-version=version] [options]",
				flags: []flagDef{
					{name: "all", typ: boolFlag, def: "false"},
					{name: "resource-version", typ: stringFlag},
					writeDryRunFlag,
				},
				run: runSetSelector,
			},
		},
	}
}

// podSpecOf reaches the pod spec of a pod or of a workload's template, as
// kubectl's UpdatePodSpecForObject does.
func podSpecOf(o cluster.Object) (*cluster.PodSpec, error) {
	switch x := o.(type) {
	case *cluster.Pod:
		return &x.Spec, nil
	case *cluster.Deployment:
		return &x.Spec.Template.Spec, nil
	case *cluster.ReplicaSet:
		return &x.Spec.Template.Spec, nil
	case *cluster.ReplicationController:
		if x.Spec.Template == nil {
			x.Spec.Template = &cluster.PodTemplateSpec{}
		}
		return &x.Spec.Template.Spec, nil
	}
	return nil, fmt.Errorf("the object is not a pod or does not have a pod template: *v1.%s", o.Kind())
}

// runSetImage is `kubectl set image`: every object is found first (a
// missing one stops the command before anything changes); then each gets
// its new images, and failures are reported after the others are done.
// An object whose images are already those prints nothing.
func runSetImage(k *Client, x *call) error {
	resources, pairs, err := splitPairs(x.args, "image")
	if err != nil {
		return err
	}
	type image struct{ container, image string }
	var images []image
	var invalid []string
	for _, p := range pairs {
		c, img, ok := strings.Cut(p, "=")
		if !ok || c == "" {
			invalid = append(invalid, p)
			continue
		}
		replaced := false
		for i := range images {
			if images[i].container == c {
				images[i].image, replaced = img, true
			}
		}
		if !replaced {
			images = append(images, image{c, img})
		}
	}
	if invalid != nil {
		return fmt.Errorf("invalid image format: %s", strings.Join(invalid, ", "))
	}
	dry, err := writeDryRun(x)
	if err != nil {
		return err
	}
	sel, all := x.flags.String("selector"), x.flags.Bool("all")
	var problems []error
	if all && sel != "" {
		problems = append(problems, errors.New("cannot set --all and --selector at the same time"))
	}
	if len(resources) == 0 {
		problems = append(problems, errors.New("one or more resources must be specified as <resource> <name> or <resource>/<name>"))
	}
	wildcard := false
	for _, im := range images {
		wildcard = wildcard || im.container == "*"
	}
	if len(images) == 0 {
		problems = append(problems, errors.New("at least one image update is required"))
	} else if len(images) > 1 && wildcard {
		problems = append(problems, errors.New("all containers are already specified by *, but saw more than one container_name=container_image pairs"))
	}
	if problems != nil {
		return errors.Join(problems...)
	}
	targets, err := k.resolveTargets(x, targetQuery{args: resources, selector: sel, all: all})
	if err != nil {
		return err
	}
	objs := make([]cluster.Object, len(targets))
	var missing []error
	for i, t := range targets {
		if objs[i], err = k.fetch(t); err != nil {
			missing = append(missing, err)
		}
	}
	if missing != nil {
		return errors.Join(missing...)
	}
	var errs []error
	for i, o := range objs {
		t := targets[i]
		spec, err := podSpecOf(o)
		if err != nil {
			errs = append(errs, fmt.Errorf("error: %s/%s %v", t.rt.groupResource(), t.name, err))
			continue
		}
		before := o.DeepCopyObject()
		for _, im := range images {
			found := false
			for j := range spec.Containers {
				if c := &spec.Containers[j]; c.Name == im.container || im.container == "*" {
					c.Image, found = im.image, true
				}
			}
			if !found {
				errs = append(errs, fmt.Errorf("error: unable to find container named %q", im.container))
			}
		}
		if reflect.DeepEqual(before, o) {
			continue
		}
		if dry == writeDryNone {
			if _, err := k.s.Update(o); err != nil {
				errs = append(errs, fmt.Errorf("failed to patch image update to pod template: %v", err))
				continue
			}
		}
		fmt.Fprintf(x.io.Out, "%s/%s image updated%s\n", t.rt.qualified(), t.name, dry.suffix())
	}
	return errors.Join(errs...)
}

// runSetSelector is `kubectl set selector`: the last argument is the new
// selector, which replaces a Service's whole selector ("" empties it).
// Only equality requirements can be a Service's selector; only Services
// take one.
func runSetSelector(k *Client, x *call) error {
	if len(x.args) == 0 {
		return errors.New("one selector is required")
	}
	dry, err := writeDryRun(x)
	if err != nil {
		return err
	}
	resources, expr := x.args[:len(x.args)-1], x.args[len(x.args)-1]
	labels, err := selectorLabels(expr)
	if err != nil {
		return err
	}
	targets, err := k.resolveTargets(x, targetQuery{args: resources, all: x.flags.Bool("all")})
	if err != nil {
		return err
	}
	rv := x.flags.String("resource-version")
	var errs []error
	for _, t := range targets {
		o, err := k.fetch(t)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		svc, ok := o.(*cluster.Service)
		if !ok {
			errs = append(errs, errors.New("setting a selector is only supported for Services"))
			continue
		}
		if labels.err != nil {
			errs = append(errs, labels.err)
			continue
		}
		if rv != "" && fmt.Sprint(svc.ResourceVersion) != rv {
			errs = append(errs, &cluster.StatusError{Op: "update", Kind: cluster.KindService, Namespace: t.ns, Name: t.name, Err: cluster.ErrConflict})
			continue
		}
		svc.Spec.Selector = labels.set.Clone()
		if len(svc.Spec.Selector) == 0 {
			svc.Spec.Selector = nil
		}
		if dry == writeDryNone {
			if _, err := k.s.Update(svc); err != nil {
				errs = append(errs, err)
				continue
			}
		}
		fmt.Fprintf(x.io.Out, "%s/%s selector updated%s\n", t.rt.qualified(), t.name, dry.suffix())
	}
	return errors.Join(errs...)
}

// selectorArg is a parsed `set selector` expression: the equality
// requirements as a Service selector, or why it cannot be one (kubectl
// finds that per object, so it is kept for then).
type selectorArg struct {
	set selector.Set
	err error
}

// selectorLabels parses a selector expression as metav1's
// ParseToLabelSelector does: "=" and "==" become labels, anything else an
// expression a Service cannot hold.
func selectorLabels(expr string) (selectorArg, error) {
	sel, err := selector.Parse(expr)
	if err != nil {
		return selectorArg{}, err
	}
	set := selector.Set{}
	var exprs []string
	for _, r := range sel.Requirements() {
		if op := r.Operator(); op == selector.Equals || op == selector.DoubleEquals {
			set[r.Key()] = r.Values()[0]
			continue
		}
		exprs = append(exprs, r.String())
	}
	if exprs != nil {
		return selectorArg{err: fmt.Errorf("match expression %v not supported on this object", exprs)}, nil
	}
	return selectorArg{set: set}, nil
}

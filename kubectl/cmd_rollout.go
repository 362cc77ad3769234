package kubectl

import (
	"errors"
	"fmt"
	"time"

	"github.com/svcsim/svcsim/cluster"
)

// rolloutWaitForever bounds `rollout status` without --timeout, which
// kubectl would let watch for ever: after a week of virtual time with the
// rollout still unfinished, svcsim gives up as a --timeout would.
const rolloutWaitForever = 168 * time.Hour

func rolloutCommand() *command {
	sel := flagDef{name: "selector", short: 'l', typ: stringFlag}
	return &command{
		name:  "rollout",
		short: "Manage the rollout of a resource",
		usage: "kubectl rollout SUBCOMMAND [options]",
		subs: []*command{
			{name: "status", short: "Show the status of the rollout", usage: "kubectl rollout status (TYPE NAME | TYPE/NAME) [flags] [options]",
				flags: []flagDef{sel, {name: "watch", short: 'w', typ: boolFlag, def: "true"},
					{name: "revision", typ: int64Flag, def: "0"}, {name: "timeout", typ: durationFlag, def: "0s"}},
				run: runRolloutStatus},
			{name: "history", short: "View rollout history", usage: "kubectl rollout history (TYPE NAME | TYPE/NAME) [flags] [options]",
				flags: []flagDef{sel, {name: "revision", typ: int64Flag, def: "0"}},
				run:   runRolloutHistory},
			{name: "undo", short: "Undo a previous rollout", usage: "kubectl rollout undo (TYPE NAME | TYPE/NAME) [flags] [options]",
				flags: []flagDef{sel, {name: "to-revision", typ: int64Flag, def: "0"}, writeDryRunFlag},
				run:   runRolloutUndo},
			{name: "pause", short: "Mark the provided resource as paused", usage: "kubectl rollout pause RESOURCE [options]",
				flags: []flagDef{sel}, run: func(k *Client, x *call) error { return runRolloutPause(k, x, true) }},
			{name: "resume", short: "Resume a paused resource", usage: "kubectl rollout resume RESOURCE [options]",
				flags: []flagDef{sel}, run: func(k *Client, x *call) error { return runRolloutPause(k, x, false) }},
			{name: "restart", short: "Restart a resource", usage: "kubectl rollout restart RESOURCE [options]",
				flags: []flagDef{sel}, run: runRolloutRestart},
		},
	}
}

// rolloutTargets resolves a rollout sub-command's resources: TYPE alone
// means every object of the type, as kubectl's rollout builder allows.
func (k *Client) rolloutTargets(x *call) ([]target, error) {
	if len(x.args) == 0 {
		return nil, errors.New("required resource not specified")
	}
	return k.resolveTargets(x, targetQuery{args: x.args, selector: x.flags.String("selector"), allowEmpty: true})
}

// groupKind is kind[.group] as Kubernetes prints a GroupKind.
func (rt *resourceType) groupKind() string {
	if rt.group == "" {
		return string(rt.kind)
	}
	return string(rt.kind) + "." + rt.group
}

// runRolloutStatus is `kubectl rollout status`: it prints the rollout's
// state and, with --watch (the default), runs the simulation, printing
// the state again each time the Deployment changes, until the rollout is
// done, fails, or --timeout passes.
func runRolloutStatus(k *Client, x *call) error {
	rev := x.flags.Int("revision")
	if rev < 0 {
		return fmt.Errorf("revision must be a positive integer: %v", rev)
	}
	targets, err := k.rolloutTargets(x)
	if err != nil {
		return err
	}
	if len(targets) == 0 {
		fmt.Fprintf(x.io.Err, "No resources found in %s namespace.\n", x.ns)
		return nil
	}
	for _, t := range targets {
		if t.rt.kind != cluster.KindDeployment {
			return fmt.Errorf("no status viewer has been implemented for %s", t.rt.groupKind())
		}
		if err := k.watchRollout(x, t.name, rev); err != nil {
			return err
		}
	}
	return nil
}

// rolloutState is kubectl's DeploymentStatusViewer on one Deployment.
func rolloutState(d *cluster.Deployment, rev int64) (string, bool, error) {
	if rev > 0 {
		if have := cluster.Revision(d); have != rev {
			return "", false, fmt.Errorf("desired revision (%d) is different from the running revision (%d)", rev, have)
		}
	}
	if d.Generation > d.Status.ObservedGeneration {
		return "Waiting for deployment spec update to be observed...\n", false, nil
	}
	if c, ok := deploymentCondition(d.Status, "Progressing"); ok && c.Reason == "ProgressDeadlineExceeded" {
		return "", false, fmt.Errorf("deployment %q exceeded its progress deadline", d.Name)
	}
	st := d.Status
	switch {
	case d.Spec.Replicas != nil && st.UpdatedReplicas < *d.Spec.Replicas:
		return fmt.Sprintf("Waiting for deployment %q rollout to finish: %d out of %d new replicas have been updated...\n", d.Name, st.UpdatedReplicas, *d.Spec.Replicas), false, nil
	case st.Replicas > st.UpdatedReplicas:
		return fmt.Sprintf("Waiting for deployment %q rollout to finish: %d old replicas are pending termination...\n", d.Name, st.Replicas-st.UpdatedReplicas), false, nil
	case st.AvailableReplicas < st.UpdatedReplicas:
		return fmt.Sprintf("Waiting for deployment %q rollout to finish: %d of %d updated replicas are available...\n", d.Name, st.AvailableReplicas, st.UpdatedReplicas), false, nil
	}
	return fmt.Sprintf("deployment %q successfully rolled out\n", d.Name), true, nil
}

// watchRollout follows one Deployment's rollout.
func (k *Client) watchRollout(x *call, name string, rev int64) error {
	d, ok := cluster.GetAs[*cluster.Deployment](k.s, x.ns, name)
	if !ok {
		return notFound(typeOfKind(cluster.KindDeployment), x.ns, name)
	}
	msg, done, err := rolloutState(d, rev)
	if err != nil {
		return err
	}
	fmt.Fprint(x.io.Out, msg)
	if done || !x.flags.Bool("watch") {
		return nil
	}
	var failed error
	finished := false
	w := k.s.Watch("kubectl-rollout-status", nil, func(e cluster.WatchEvent) {
		if finished || e.Object.Meta().Name != name || e.Object.Meta().Namespace != x.ns {
			return
		}
		switch e.Type {
		case cluster.Added:
			// The initial list: the state was printed before watching.
		case cluster.Deleted:
			finished, failed = true, errors.New("object has been deleted")
		default:
			msg, done, err := rolloutState(e.Object.(*cluster.Deployment), rev)
			if err != nil {
				finished, failed = true, err
				return
			}
			fmt.Fprint(x.io.Out, msg)
			finished = done
		}
	}, cluster.KindDeployment)
	defer w.Stop()
	err = k.waitUntil(x.flags.Duration("timeout"), rolloutWaitForever, func() (bool, error) { return finished, failed })
	return err
}

// runRolloutHistory is `kubectl rollout history`, the revisions and their
// change causes. --revision's pod template view is not printed by svcsim.
func runRolloutHistory(k *Client, x *call) error {
	if rev := x.flags.Int("revision"); rev < 0 {
		return fmt.Errorf("revision must be a positive integer: %v", rev)
	} else if rev > 0 {
		return errors.New("rollout history --revision is not supported by svcsim; see kubectl describe rs for a revision's template")
	}
	targets, err := k.rolloutTargets(x)
	if err != nil {
		return err
	}
	for _, t := range targets {
		if t.rt.kind != cluster.KindDeployment {
			return fmt.Errorf("no history viewer has been implemented for %q", t.rt.groupKind())
		}
		out, err := k.RolloutHistory(t.name)
		if err != nil {
			return err
		}
		fmt.Fprint(x.io.Out, out)
	}
	return nil
}

// runRolloutUndo is `kubectl rollout undo`: back to the previous
// revision, or to --to-revision.
func runRolloutUndo(k *Client, x *call) error {
	dry, err := writeDryRun(x)
	if err != nil {
		return err
	}
	to := x.flags.Int("to-revision")
	targets, err := k.rolloutTargets(x)
	if err != nil {
		return err
	}
	for _, t := range targets {
		if t.rt.kind != cluster.KindDeployment {
			return fmt.Errorf("no rollbacker has been implemented for %q", t.rt.groupKind())
		}
		if dry == writeDryClient {
			if _, err := k.fetch(t); err != nil {
				return err
			}
			fmt.Fprintf(x.io.Out, "%s/%s rolled back (dry run)\n", t.rt.qualified(), t.name)
			continue
		}
		c := *k
		c.Out = x.io.Out
		if err := c.RolloutUndo(t.name, to); err != nil {
			return plainUsage(err)
		}
	}
	return nil
}

// runRolloutPause is `kubectl rollout pause` and `resume`: an object
// already in that state is "already paused", not an error.
func runRolloutPause(k *Client, x *call, pause bool) error {
	targets, err := k.rolloutTargets(x)
	if err != nil {
		return err
	}
	verb, past := "pausing", "paused"
	if !pause {
		verb, past = "resuming", "resumed"
	}
	var errs []error
	for _, t := range targets {
		o, err := k.fetch(t)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		d, ok := o.(*cluster.Deployment)
		if !ok {
			errs = append(errs, fmt.Errorf("error: %s %q %s is not supported", t.rt.groupResource(), t.name, verb))
			continue
		}
		if d.Spec.Paused == pause {
			fmt.Fprintf(x.io.Out, "%s/%s already %s\n", t.rt.qualified(), t.name, past)
			continue
		}
		d.Spec.Paused = pause
		if _, err := k.s.Update(d); err != nil {
			errs = append(errs, fmt.Errorf("failed to patch: %v", err))
			continue
		}
		fmt.Fprintf(x.io.Out, "%s/%s %s\n", t.rt.qualified(), t.name, past)
	}
	if len(targets) == 0 && errs == nil {
		fmt.Fprintf(x.io.Err, "No resources found in %s namespace.\n", x.ns)
	}
	return errors.Join(errs...)
}

// runRolloutRestart is `kubectl rollout restart`: it stamps the pod
// template with kubectl.kubernetes.io/restartedAt, the current virtual
// time to the second, which starts a rollout. A second restart within
// the same second changes nothing, and kubectl says so.
func runRolloutRestart(k *Client, x *call) error {
	targets, err := k.rolloutTargets(x)
	if err != nil {
		return err
	}
	var errs []error
	for _, t := range targets {
		o, err := k.fetch(t)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		d, ok := o.(*cluster.Deployment)
		if !ok {
			errs = append(errs, fmt.Errorf("error: %s %q restarting is not supported", t.rt.groupResource(), t.name))
			continue
		}
		if d.Spec.Paused {
			errs = append(errs, fmt.Errorf("error: %s %q can't restart paused deployment (run rollout resume first)", t.rt.groupResource(), t.name))
			continue
		}
		stamp := timestamp(k.s.Now())
		if d.Spec.Template.Annotations["kubectl.kubernetes.io/restartedAt"] == stamp {
			errs = append(errs, fmt.Errorf("failed to create patch for %v: if restart has already been triggered within the past second, please wait before attempting to trigger another", t.name))
			continue
		}
		if d.Spec.Template.Annotations == nil {
			d.Spec.Template.Annotations = map[string]string{}
		}
		d.Spec.Template.Annotations["kubectl.kubernetes.io/restartedAt"] = stamp
		if _, err := k.s.Update(d); err != nil {
			errs = append(errs, fmt.Errorf("failed to patch: %v", err))
			continue
		}
		fmt.Fprintf(x.io.Out, "%s/%s restarted\n", t.rt.qualified(), t.name)
	}
	if len(targets) == 0 && errs == nil {
		fmt.Fprintf(x.io.Err, "No resources found in %s namespace.\n", x.ns)
	}
	return errors.Join(errs...)
}

package kubectl

import (
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/svcsim/svcsim/cluster"
)

func scaleCommand() *command {
	return &command{
		name:  "scale",
		short: "Set a new size for a deployment, replica set, or replication controller",
		usage: "kubectl scale [--resource-version=version] [--current-replicas=count] --replicas=COUNT (-f FILENAME | TYPE NAME) [options]",
		flags: []flagDef{
			{name: "replicas", typ: int32Flag, def: "0"},
			{name: "current-replicas", typ: int32Flag, def: "-1"},
			{name: "resource-version", typ: stringFlag},
			{name: "all", typ: boolFlag, def: "false"},
			{name: "selector", short: 'l', typ: stringFlag},
			{name: "timeout", typ: durationFlag, def: "0s"},
			writeDryRunFlag,
		},
		run: runScale,
	}
}

// replicasOf reaches the replica count of the kinds with a scale
// subresource: Deployments, ReplicaSets and ReplicationControllers.
func replicasOf(o cluster.Object) (**int32, bool) {
	switch x := o.(type) {
	case *cluster.Deployment:
		return &x.Spec.Replicas, true
	case *cluster.ReplicaSet:
		return &x.Spec.Replicas, true
	case *cluster.ReplicationController:
		return &x.Spec.Replicas, true
	}
	return nil, false
}

// statusReplicasOf is the replica count a workload's controller last
// observed, and whether it has seen the latest spec.
func statusReplicasOf(o cluster.Object) (int32, bool) {
	switch x := o.(type) {
	case *cluster.Deployment:
		return x.Status.Replicas, x.Status.ObservedGeneration >= x.Generation
	case *cluster.ReplicaSet:
		return x.Status.Replicas, x.Status.ObservedGeneration >= x.Generation
	case *cluster.ReplicationController:
		return x.Status.Replicas, x.Status.ObservedGeneration >= x.Generation
	}
	return 0, false
}

// runScale is `kubectl scale`. The objects are scaled in order; the first
// failure ends the command, and objects that were not found are reported
// after the others are scaled, as kubectl does. With --timeout the command
// runs the simulation until each controller reports the new count.
func runScale(k *Client, x *call) error {
	if !x.flags.Changed("replicas") {
		return errors.New(`required flag(s) "replicas" not set`)
	}
	dry, err := writeDryRun(x)
	if err != nil {
		return err
	}
	n := int32(x.flags.Int("replicas"))
	current := x.flags.Int("current-replicas")
	if n < 0 {
		return errors.New("The --replicas=COUNT flag is required, and COUNT must be greater than or equal to 0")
	}
	if current < -1 {
		return errors.New("The --current-replicas must specify an integer of -1 or greater")
	}
	targets, err := k.resolveTargets(x, targetQuery{args: x.args, selector: x.flags.String("selector"), all: x.flags.Bool("all")})
	if err != nil {
		return err
	}
	var objs []cluster.Object
	var ts []target
	var missing []error
	for _, t := range targets {
		o, err := k.fetch(t)
		if err != nil {
			missing = append(missing, err)
			continue
		}
		objs, ts = append(objs, o), append(ts, t)
	}
	rv := x.flags.String("resource-version")
	if rv != "" && len(objs) > 1 {
		return errors.New("cannot use --resource-version with multiple resources")
	}
	if len(objs) == 0 {
		if len(missing) > 0 {
			return errors.Join(missing...)
		}
		return errors.New("no objects passed to scale")
	}
	for i, o := range objs {
		t := ts[i]
		r, ok := replicasOf(o)
		if !ok {
			return failPrinted(x, "Error from server (NotFound): the server could not find the requested resource\n")
		}
		if dry == writeDryClient {
			fmt.Fprintf(x.io.Out, "%s/%s scaled (dry run)\n", t.rt.qualified(), t.name)
			continue
		}
		have := int32(1)
		if *r != nil {
			have = **r
		}
		if current != -1 && int64(have) != current {
			return fmt.Errorf("Expected replicas to be %d, was %d", current, have)
		}
		if rv != "" && strconv.FormatUint(o.Meta().ResourceVersion, 10) != rv {
			return fmt.Errorf("Expected resource version to be %s, was %d", rv, o.Meta().ResourceVersion)
		}
		*r = cluster.Ptr(n)
		if _, err := k.s.Update(o); err != nil {
			return err
		}
		if timeout := x.flags.Duration("timeout"); timeout != 0 {
			if err := k.waitScaled(t, n, timeout); err != nil {
				return err
			}
		}
		fmt.Fprintf(x.io.Out, "%s/%s scaled\n", t.rt.qualified(), t.name)
	}
	return errors.Join(missing...)
}

// waitScaled runs the simulation until the workload's controller reports
// n replicas, as scale --timeout polls for it.
func (k *Client) waitScaled(t target, n int32, timeout time.Duration) error {
	err := k.waitUntil(timeout, timeout, func() (bool, error) {
		o, ok := k.s.Get(t.rt.kind, t.ns, t.name)
		if !ok {
			return false, notFound(t.rt, t.ns, t.name)
		}
		have, seen := statusReplicasOf(o)
		return seen && have == n, nil
	})
	if errors.Is(err, errWaitTimeout) {
		return fmt.Errorf("timed out waiting for %q to be synced", t.name)
	}
	return err
}

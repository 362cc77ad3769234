package kubectl

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/svcsim/svcsim/cluster"
	"github.com/svcsim/svcsim/selector"
)

// describeCommand is `kubectl describe`.
func describeCommand() *command {
	return &command{
		name:  "describe",
		short: "Show details of a specific resource or group of resources",
		usage: "kubectl describe (-f FILENAME | TYPE [NAME_PREFIX | -l label] | TYPE/NAME)",
		flags: []flagDef{
			{name: "all-namespaces", short: 'A', typ: boolFlag},
			{name: "selector", short: 'l', typ: stringFlag},
			{name: "show-events", typ: boolFlag, def: "true"},
		},
		run: runDescribe,
	}
}

func runDescribe(c *Client, x *call) error {
	fv := x.flags
	if len(x.args) == 0 {
		// kubectl's message ends in a newline, so it adds none.
		fmt.Fprint(x.io.Err, "error: You must specify the type of resource to describe. Use \"kubectl api-resources\" for a complete list of supported resources.\n")
		return &exitError{1}
	}
	req, err := c.parseGet(x)
	if err != nil {
		return err
	}
	warnEndpoints(x, req)
	got, errs := c.fetchAll(req)
	var objs []cluster.Object
	for _, f := range got {
		if f.typ.kind == kindEvent {
			return fmt.Errorf("%w: kubectl describe events", ErrUnsupportedOutput)
		}
		objs = append(objs, f.objs...)
	}
	showEvents := fv.Bool("show-events")
	if (len(errs) > 0 || len(objs) > 1) && !fv.Changed("show-events") {
		showEvents = false
	}
	if len(errs) > 0 && len(x.args) == 2 && !strings.Contains(x.args[0], ",") && !strings.Contains(x.args[0], "/") {
		return c.describePrefix(x, req.refs[0].typ, x.args[1], errs[0], showEvents)
	}
	for i, o := range objs {
		var b bytes.Buffer
		if err := c.describeObject(&b, o, showEvents); err != nil {
			errs = append(errs, err)
			continue
		}
		if i > 0 {
			fmt.Fprint(x.io.Out, "\n\n")
		}
		x.io.Out.Write(b.Bytes())
	}
	if len(objs) == 0 && len(errs) == 0 {
		if req.allNS {
			fmt.Fprintln(x.io.Err, "No resources found")
		} else {
			fmt.Fprintf(x.io.Err, "No resources found in %s namespace.\n", req.ns)
		}
	}
	return errors.Join(errs...)
}

// describePrefix describes every object of the type whose name starts
// with prefix, as kubectl does when `describe TYPE NAME` finds no NAME;
// with none, the NotFound stands.
func (c *Client) describePrefix(x *call, rt *resourceType, prefix string, notFound error, showEvents bool) error {
	if rt.kind == kindEvent {
		return notFound
	}
	scope := x.ns
	if !rt.namespaced {
		scope = ""
	}
	found := false
	for _, o := range c.s.List(rt.kind, scope, selector.Everything()) {
		if !strings.HasPrefix(o.Meta().Name, prefix) {
			continue
		}
		found = true
		var b bytes.Buffer
		if err := c.describeObject(&b, o, showEvents); err != nil {
			return err
		}
		fmt.Fprintf(x.io.Out, "%s\n", b.String())
	}
	if !found {
		return notFound
	}
	return nil
}

// describeObject writes kubectl describe's text for one object, without
// its Events section unless showEvents.
func (c *Client) describeObject(w io.Writer, o cluster.Object, showEvents bool) error {
	now := c.s.Now()
	m := o.Meta()
	evs := c.eventsOn(o.Kind(), m.Namespace, m.Name)
	var b bytes.Buffer
	var err error
	switch x := o.(type) {
	case *cluster.Pod:
		err = DescribePod(&b, now, x, evs)
	case *cluster.Service:
		var sls []*cluster.EndpointSlice
		for _, sl := range cluster.ListAs[*cluster.EndpointSlice](c.s, x.Namespace, selector.Everything()) {
			if v, ok := sl.Labels[serviceNameLabel]; ok && v == x.Name {
				sls = append(sls, sl)
			}
		}
		err = DescribeService(&b, now, x, sls, evs)
	case *cluster.Endpoints:
		err = DescribeEndpoints(&b, now, x, evs)
	case *cluster.EndpointSlice:
		err = DescribeEndpointSlice(&b, now, x, evs)
	case *cluster.Deployment:
		err = DescribeDeployment(&b, now, x, c.ownedReplicaSets(x), evs)
	case *cluster.ReplicationController:
		err = DescribeReplicationController(&b, now, x, cluster.ListAs[*cluster.Pod](c.s, x.Namespace, selector.Everything()), evs)
	case *cluster.ReplicaSet:
		err = describeReplicaSet(&b, now, x, cluster.ListAs[*cluster.Pod](c.s, x.Namespace, selector.Everything()), evs)
	case *cluster.Node:
		err = describeNode(&b, now, x, cluster.ListAs[*cluster.Pod](c.s, "", selector.Everything()), evs)
	case *cluster.Namespace:
		err = describeNamespace(&b, x)
	default:
		return fmt.Errorf("%w: kubectl describe %s", ErrUnsupportedOutput, o.Kind())
	}
	if err != nil {
		return err
	}
	text := b.String()
	if !showEvents {
		// Every describer ends with its Events section, at the start of
		// a line; kubectl leaves it out when not showing events.
		if i := strings.LastIndex(text, "\nEvents:"); i >= 0 {
			text = text[:i+1]
		} else if strings.HasPrefix(text, "Events:") {
			text = ""
		}
	}
	_, err = io.WriteString(w, text)
	return err
}

// eventsOn returns the events about one object.
func (c *Client) eventsOn(kind cluster.Kind, ns, name string) []cluster.Event {
	var out []cluster.Event
	for _, e := range c.s.Events(ns) {
		if e.Kind == kind && e.Name == name {
			out = append(out, e)
		}
	}
	return out
}

// describeReplicaSet writes `kubectl describe rs`: like a
// ReplicationController's, with the selector as a label selector and the
// controller the ReplicaSet belongs to.
func describeReplicaSet(w io.Writer, now cluster.Time, rs *cluster.ReplicaSet, pods []*cluster.Pod, events []cluster.Event) error {
	sw := &stickyWriter{w: w}
	tw := tabwriter.NewWriter(sw, 0, 8, 2, ' ', 0)
	d := &describer{w: tw}
	d.line(0, "Name:\t%s\n", rs.Name)
	d.line(0, "Namespace:\t%s\n", rs.Namespace)
	d.line(0, "Selector:\t%s\n", rs.Spec.Selector.String())
	d.labels("Labels", rs.Labels)
	d.annotations(rs.Annotations)
	if ref, ok := rs.ControllerRef(); ok {
		d.line(0, "Controlled By:\t%s/%s\n", ref.Kind, ref.Name)
	}
	d.line(0, "Replicas:\t%d current / %d desired\n", rs.Status.Replicas, specReplicas(rs.Spec.Replicas))
	phases := map[cluster.PodPhase]int{}
	for _, p := range pods {
		if ref, ok := p.ControllerRef(); ok && ref.UID == rs.UID && p.Namespace == rs.Namespace {
			phases[p.Status.Phase]++
		}
	}
	d.line(0, "Pods Status:\t%d Running / %d Waiting / %d Succeeded / %d Failed\n",
		phases[cluster.PodRunning], phases[cluster.PodPending], phases[cluster.PodSucceeded], phases[cluster.PodFailed])
	d.podTemplate(&rs.Spec.Template)
	if len(rs.Status.Conditions) > 0 {
		d.line(0, "Conditions:\n  Type\tStatus\tReason\n")
		d.line(1, "----\t------\t------\n")
		for _, c := range rs.Status.Conditions {
			d.line(1, "%s \t%s\t%s\n", c.Type, c.Status, c.Reason)
		}
	}
	d.eventTable(now, events)
	if err := tw.Flush(); err != nil {
		return err
	}
	return sw.err
}

// describeNamespace writes `kubectl describe namespace`; svcsim has no
// resource quotas or limit ranges, so it says so as kubectl does.
func describeNamespace(w io.Writer, ns *cluster.Namespace) error {
	sw := &stickyWriter{w: w}
	tw := tabwriter.NewWriter(sw, 0, 8, 2, ' ', 0)
	d := &describer{w: tw}
	d.line(0, "Name:\t%s\n", ns.Name)
	d.labels("Labels", ns.Labels)
	d.annotations(ns.Annotations)
	d.line(0, "Status:\t%s\n", ns.Status.Phase)
	d.line(0, "\nNo resource quota.\n\nNo LimitRange resource.\n")
	if err := tw.Flush(); err != nil {
		return err
	}
	return sw.err
}

// describeNode writes `kubectl describe node` for what svcsim models of
// a node: its metadata, conditions, addresses, kubelet version and the
// pods it runs. Capacity, allocatable and resource requests are not
// modelled and left out.
func describeNode(w io.Writer, now cluster.Time, n *cluster.Node, pods []*cluster.Pod, events []cluster.Event) error {
	sw := &stickyWriter{w: w}
	tw := tabwriter.NewWriter(sw, 0, 8, 2, ' ', 0)
	d := &describer{w: tw}
	d.line(0, "Name:\t%s\n", n.Name)
	d.line(0, "Roles:\t%s\n", nodeRoles(n))
	d.labels("Labels", n.Labels)
	d.annotations(n.Annotations)
	d.line(0, "CreationTimestamp:\t%s\n", n.CreationTimestamp.Wall().Format(time.RFC1123Z))
	d.line(0, "Taints:\t<none>\n")
	d.line(0, "Unschedulable:\t%v\n", n.Spec.Unschedulable)
	if len(n.Status.Conditions) > 0 {
		d.line(0, "Conditions:\n  Type\tStatus\tLastHeartbeatTime\tLastTransitionTime\tReason\tMessage\n")
		d.line(1, "----\t------\t-----------------\t------------------\t------\t-------\n")
		for _, c := range n.Status.Conditions {
			d.line(1, "%s \t%s \t%s \t%s \t%s \t%s\n", c.Type, c.Status,
				c.LastHeartbeatTime.Wall().Format(time.RFC1123Z), c.LastTransitionTime.Wall().Format(time.RFC1123Z), c.Reason, c.Message)
		}
	}
	d.line(0, "Addresses:\n")
	for _, a := range n.Status.Addresses {
		d.line(1, "%s:\t%s\n", a.Type, a.Address)
	}
	// svcsim models only the kubelet's version; kubectl prints the other
	// fields of a node's system info empty when they are.
	d.line(0, "System Info:\n")
	for _, f := range []string{"Machine ID", "System UUID", "Boot ID", "Kernel Version", "OS Image", "Operating System", "Architecture", "Container Runtime Version"} {
		d.line(1, "%s:\t\n", f)
	}
	d.line(1, "Kubelet Version:\t%s\n", n.Status.NodeInfo.KubeletVersion)
	if n.Spec.PodCIDR != "" {
		d.line(0, "PodCIDR:\t%s\n", n.Spec.PodCIDR)
		d.line(0, "PodCIDRs:\t%s\n", n.Spec.PodCIDR)
	}
	var running []*cluster.Pod
	for _, p := range pods {
		if p.Spec.NodeName == n.Name && p.Status.Phase != cluster.PodSucceeded && p.Status.Phase != cluster.PodFailed {
			running = append(running, p)
		}
	}
	d.line(0, "Non-terminated Pods:\t(%d in total)\n", len(running))
	if len(running) > 0 {
		d.line(1, "Namespace\tName\tAge\n")
		d.line(1, "---------\t----\t---\n")
		for _, p := range running {
			d.line(1, "%s\t%s\t%s\n", p.Namespace, p.Name, since(now, p.CreationTimestamp))
		}
	}
	d.eventTable(now, events)
	if err := tw.Flush(); err != nil {
		return err
	}
	return sw.err
}

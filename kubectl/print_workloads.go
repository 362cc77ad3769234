package kubectl

import (
	"cmp"
	"fmt"
	"github.com/svcsim/svcsim/cluster"
	"io"
	"slices"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"
)

// PrintReplicaSets writes ReplicaSets as `kubectl get rs` (or `-o wide`)
// shows them at virtual time now, in the order given; an empty list writes
// nothing. DESIRED is the spec's replica count, CURRENT and READY the
// status's; wide adds the template's containers and images and the selector.
func PrintReplicaSets(w io.Writer, now cluster.Time, rss []*cluster.ReplicaSet, wide bool) error {
	if err := printable(w, "PrintReplicaSets", rss...); err != nil {
		return err
	}
	header, rows := replicaSetRows(now, rss, wide)
	return writeTable(w, header, rows)
}

// replicaSetRows computes the header and rows PrintReplicaSets writes.
func replicaSetRows(now cluster.Time, rss []*cluster.ReplicaSet, wide bool) ([]string, [][]string) {
	header := []string{"NAME", "DESIRED", "CURRENT", "READY", "AGE"}
	if wide {
		header = append(header, "CONTAINERS", "IMAGES", "SELECTOR")
	}
	rows := make([][]string, 0, len(rss))
	for _, rs := range rss {
		row := []string{rs.Name, strconv.Itoa(int(specReplicas(rs.Spec.Replicas))),
			strconv.Itoa(int(rs.Status.Replicas)), strconv.Itoa(int(rs.Status.ReadyReplicas)),
			since(now, rs.CreationTimestamp)}
		if wide {
			names, images := containerCells(rs.Spec.Template.Spec.Containers)
			row = append(row, names, images, rs.Spec.Selector.String())
		}
		rows = append(rows, row)
	}
	return header, rows
}

// PrintDeployments writes Deployments as `kubectl get deploy` (or `-o
// wide`) shows them at virtual time now, in the order given; an empty list
// writes nothing. READY is ready pods over the spec's replica count;
// UP-TO-DATE and AVAILABLE are the status's counts.
func PrintDeployments(w io.Writer, now cluster.Time, ds []*cluster.Deployment, wide bool) error {
	if err := printable(w, "PrintDeployments", ds...); err != nil {
		return err
	}
	header, rows := deploymentRows(now, ds, wide)
	return writeTable(w, header, rows)
}

// deploymentRows computes the header and rows PrintDeployments writes.
func deploymentRows(now cluster.Time, ds []*cluster.Deployment, wide bool) ([]string, [][]string) {
	header := []string{"NAME", "READY", "UP-TO-DATE", "AVAILABLE", "AGE"}
	if wide {
		header = append(header, "CONTAINERS", "IMAGES", "SELECTOR")
	}
	rows := make([][]string, 0, len(ds))
	for _, d := range ds {
		row := []string{d.Name, fmt.Sprintf("%d/%d", d.Status.ReadyReplicas, specReplicas(d.Spec.Replicas)),
			strconv.Itoa(int(d.Status.UpdatedReplicas)), strconv.Itoa(int(d.Status.AvailableReplicas)),
			since(now, d.CreationTimestamp)}
		if wide {
			names, images := containerCells(d.Spec.Template.Spec.Containers)
			row = append(row, names, images, d.Spec.Selector.String())
		}
		rows = append(rows, row)
	}
	return header, rows
}

// specReplicas is a spec's replica count; nil, which the store never
// keeps, stands for the apiserver's default of 1.
func specReplicas(p *int32) int32 {
	if p == nil {
		return 1
	}
	return *p
}

// containerCells renders the CONTAINERS and IMAGES cells of -o wide: the
// template's container names and images, each joined with ",".
func containerCells(cs []cluster.Container) (names, images string) {
	ns := make([]string, len(cs))
	is := make([]string, len(cs))
	for i, c := range cs {
		ns[i], is[i] = c.Name, c.Image
	}
	return strings.Join(ns, ","), strings.Join(is, ",")
}

// DescribeDeployment writes d as `kubectl describe deployment` shows it at
// virtual time now. rss are the Deployment's ReplicaSets: as kubectl does,
// the oldest whose template matches d's (ignoring pod-template-hash) is the
// new one and every other is old, scaled down or not. Of events, those
// about d are listed. It fails without writing if d's selector is invalid.
func DescribeDeployment(w io.Writer, now cluster.Time, d *cluster.Deployment, rss []*cluster.ReplicaSet, events []cluster.Event) error {
	if err := printable(w, "DescribeDeployment", d); err != nil {
		return err
	}
	if err := printable(w, "DescribeDeployment", rss...); err != nil {
		return err
	}
	sel, err := d.Spec.Selector.Selector()
	if err != nil {
		return err
	}
	sw := &stickyWriter{w: w}
	tw := tabwriter.NewWriter(sw, 0, 8, 2, ' ', 0)
	x := &describer{w: tw}
	x.line(0, "Name:\t%s\n", d.Name)
	x.line(0, "Namespace:\t%s\n", d.Namespace)
	x.line(0, "CreationTimestamp:\t%s\n", d.CreationTimestamp.Wall().Format(time.RFC1123Z))
	x.labels("Labels", d.Labels)
	x.annotations(d.Annotations)
	x.line(0, "Selector:\t%s\n", sel)
	st := d.Status
	x.line(0, "Replicas:\t%d desired | %d updated | %d total | %d available | %d unavailable\n",
		specReplicas(d.Spec.Replicas), st.UpdatedReplicas, st.Replicas, st.AvailableReplicas, st.UnavailableReplicas)
	x.line(0, "StrategyType:\t%s\n", d.Spec.Strategy.Type)
	x.line(0, "MinReadySeconds:\t%d\n", d.Spec.MinReadySeconds)
	// kubectl prints the bounds whenever they are set, whatever the type.
	if ru := d.Spec.Strategy.RollingUpdate; ru != nil {
		x.line(0, "RollingUpdateStrategy:\t%s max unavailable, %s max surge\n", intOrStringPtr(ru.MaxUnavailable), intOrStringPtr(ru.MaxSurge))
	}
	x.podTemplate(&d.Spec.Template)
	if len(st.Conditions) > 0 {
		x.line(0, "Conditions:\n  Type\tStatus\tReason\n")
		x.line(1, "----\t------\t------\n")
		for _, c := range st.Conditions {
			// The space after the type is kubectl's.
			x.line(1, "%s \t%s\t%s\n", c.Type, c.Status, c.Reason)
		}
	}
	if len(rss) > 0 {
		newRS, old := cluster.SplitReplicaSets(d, rss)
		var news []*cluster.ReplicaSet
		if newRS != nil {
			news = append(news, newRS)
		}
		x.line(0, "OldReplicaSets:\t%s\n", replicaSetSummary(old))
		x.line(0, "NewReplicaSet:\t%s\n", replicaSetSummary(news))
	}
	var evs []cluster.Event
	for _, e := range events {
		if e.Kind == cluster.KindDeployment && e.Namespace == d.Namespace && e.Name == d.Name {
			evs = append(evs, e)
		}
	}
	x.eventTable(now, evs)
	if err := tw.Flush(); err != nil {
		return err
	}
	return sw.err
}

// intOrStringPtr renders an optional IntOrString as kubectl does, with
// "<nil>" for an unset one.
func intOrStringPtr(v *cluster.IntOrString) string {
	if v == nil {
		return "<nil>"
	}
	return v.String()
}

// replicaSetSummary renders ReplicaSets as describe's OldReplicaSets and
// NewReplicaSet lines do: "name (current/desired replicas created)", joined
// with ", ", or <none>.
func replicaSetSummary(rss []*cluster.ReplicaSet) string {
	parts := make([]string, 0, len(rss))
	for _, rs := range rss {
		parts = append(parts, fmt.Sprintf("%s (%d/%d replicas created)", rs.Name, rs.Status.Replicas, specReplicas(rs.Spec.Replicas)))
	}
	return orNone(strings.Join(parts, ", "))
}

// podTemplate writes describe's Pod Template section: the template's
// labels and annotations, its containers without status, and the fields
// svcsim does not model (volumes, node selectors, tolerations) as <none>.
func (d *describer) podTemplate(t *cluster.PodTemplateSpec) {
	d.line(0, "Pod Template:\n")
	d.labels("  Labels", t.Labels)
	if len(t.Annotations) > 0 {
		// annotations writes its title at the start of the line and
		// indents continuations to the value column, so the title's
		// indent can be written first.
		d.line(0, "  ")
		d.annotations(t.Annotations)
	}
	if len(t.Spec.Containers) == 0 {
		d.line(1, "Containers: <none>\n")
	} else {
		d.line(1, "Containers:\n")
	}
	for _, c := range t.Spec.Containers {
		// In a template, kubectl indents container names one space more
		// than in a pod, and the fields under them as in a pod.
		d.line(1, " %s:\n", c.Name)
		d.imageAndPorts(c)
		if c.ReadinessProbe != nil {
			d.line(2, "Readiness:\t%s\n", describeProbe(*c.ReadinessProbe))
		}
		d.env(c.Env)
		d.line(2, "Mounts:\t<none>\n")
	}
	d.line(1, "Volumes:\t<none>\n")
	d.line(1, "Node-Selectors:\t<none>\n")
	d.line(1, "Tolerations:\t<none>\n")
}

// env writes a container's Environment lines, a multi-line value's
// continuations aligned under its first line.
func (d *describer) env(env []cluster.EnvVar) {
	if len(env) == 0 {
		d.line(2, "Environment:\t<none>\n")
		return
	}
	d.line(2, "Environment:\n")
	for _, e := range env {
		for i, s := range strings.Split(e.Value, "\n") {
			if i == 0 {
				d.line(3, "%s:\t%s\n", e.Name, s)
			} else {
				d.line(3, "\t%s\n", s)
			}
		}
	}
}

// eventTable writes describe's Events section for evs, which are already
// the described object's: oldest first by last sighting, repeats
// summarised, or <none>.
func (d *describer) eventTable(now cluster.Time, evs []cluster.Event) {
	if len(evs) == 0 {
		d.line(0, "Events:\t<none>\n")
		return
	}
	evs = slices.Clone(evs)
	slices.SortStableFunc(evs, func(a, b cluster.Event) int { return cmp.Compare(a.LastSeen, b.LastSeen) })
	// kubectl flushes here, so the events table is aligned on its own.
	_ = d.w.Flush()
	d.line(0, "Events:\n  Type\tReason\tAge\tFrom\tMessage\n")
	d.line(1, "----\t------\t----\t----\t-------\n")
	for _, e := range evs {
		interval := since(now, e.FirstSeen)
		if e.Count > 1 {
			interval = fmt.Sprintf("%s (x%d over %s)", since(now, e.LastSeen), e.Count, interval)
		}
		d.line(1, "%s\t%s\t%s\t%s\t%s\n", e.Type, e.Reason, interval, e.Source, strings.TrimSpace(e.Message))
	}
}

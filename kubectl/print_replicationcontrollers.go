package kubectl

import (
	"github.com/svcsim/svcsim/cluster"

	"io"
	"strconv"
	"text/tabwriter"

	"github.com/svcsim/svcsim/selector"
)

// PrintReplicationControllers writes ReplicationControllers as `kubectl
// get rc` (or `-o wide`) shows them at virtual time now, in the order
// given; an empty list writes nothing. The columns are a ReplicaSet's:
// DESIRED is the spec's replica count, CURRENT and READY the status's;
// wide adds the template's containers and images and the selector, which
// prints as a label set ("<none>" when empty).
func PrintReplicationControllers(w io.Writer, now cluster.Time, rcs []*cluster.ReplicationController, wide bool) error {
	if err := printable(w, "PrintReplicationControllers", rcs...); err != nil {
		return err
	}
	header, rows := replicationControllerRows(now, rcs, wide)
	return writeTable(w, header, rows)
}

// replicationControllerRows computes the header and rows PrintReplicationControllers writes.
func replicationControllerRows(now cluster.Time, rcs []*cluster.ReplicationController, wide bool) ([]string, [][]string) {
	header := []string{"NAME", "DESIRED", "CURRENT", "READY", "AGE"}
	if wide {
		header = append(header, "CONTAINERS", "IMAGES", "SELECTOR")
	}
	rows := make([][]string, 0, len(rcs))
	for _, rc := range rcs {
		row := []string{rc.Name, strconv.Itoa(int(specReplicas(rc.Spec.Replicas))),
			strconv.Itoa(int(rc.Status.Replicas)), strconv.Itoa(int(rc.Status.ReadyReplicas)),
			since(now, rc.CreationTimestamp)}
		if wide {
			var cs []cluster.Container
			if rc.Spec.Template != nil {
				cs = rc.Spec.Template.Spec.Containers
			}
			names, images := containerCells(cs)
			row = append(row, names, images, rc.Spec.Selector.Format())
		}
		rows = append(rows, row)
	}
	return header, rows
}

// DescribeReplicationController writes rc as `kubectl describe rc` shows
// it at virtual time now. Of pods, those rc controls that its selector
// matches are counted by phase for "Pods Status"; of events, those about
// rc are listed.
func DescribeReplicationController(w io.Writer, now cluster.Time, rc *cluster.ReplicationController, pods []*cluster.Pod, events []cluster.Event) error {
	if err := printable(w, "DescribeReplicationController", rc); err != nil {
		return err
	}
	if err := printable(w, "DescribeReplicationController", pods...); err != nil {
		return err
	}
	sw := &stickyWriter{w: w}
	tw := tabwriter.NewWriter(sw, 0, 8, 2, ' ', 0)
	x := &describer{w: tw}
	x.line(0, "Name:\t%s\n", rc.Name)
	x.line(0, "Namespace:\t%s\n", rc.Namespace)
	x.line(0, "Selector:\t%s\n", rc.Spec.Selector.Format())
	x.labels("Labels", rc.Labels)
	x.annotations(rc.Annotations)
	x.line(0, "Replicas:\t%d current / %d desired\n", rc.Status.Replicas, specReplicas(rc.Spec.Replicas))
	phases := map[cluster.PodPhase]int{}
	sel := selector.FromValidatedSet(rc.Spec.Selector)
	for _, p := range pods {
		if ref, ok := p.ControllerRef(); ok && ref.UID == rc.UID && p.Namespace == rc.Namespace && sel.Matches(p.Labels) {
			phases[p.Status.Phase]++
		}
	}
	x.line(0, "Pods Status:\t%d Running / %d Waiting / %d Succeeded / %d Failed\n",
		phases[cluster.PodRunning], phases[cluster.PodPending], phases[cluster.PodSucceeded], phases[cluster.PodFailed])
	if rc.Spec.Template != nil {
		x.podTemplate(rc.Spec.Template)
	} else {
		// kubectl ends this line without a newline.
		x.line(0, "Pod Template:\n")
		x.line(1, "<unset>")
	}
	if len(rc.Status.Conditions) > 0 {
		x.line(0, "Conditions:\n  Type\tStatus\tReason\n")
		x.line(1, "----\t------\t------\n")
		for _, c := range rc.Status.Conditions {
			// The space after the type is kubectl's.
			x.line(1, "%s \t%s\t%s\n", c.Type, c.Status, c.Reason)
		}
	}
	var evs []cluster.Event
	for _, e := range events {
		if e.Kind == cluster.KindReplicationController && e.Namespace == rc.Namespace && e.Name == rc.Name {
			evs = append(evs, e)
		}
	}
	x.eventTable(now, evs)
	if err := tw.Flush(); err != nil {
		return err
	}
	return sw.err
}

package kubectl

import (
	"fmt"
	"github.com/svcsim/svcsim/cluster"
	"io"
	"maps"
	"slices"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"
)

// The printers below reproduce kubectl's output byte for byte where svcsim's
// types carry the data kubectl reads; where a field is not modelled they
// print what kubectl prints for an object that lacks it.

// nodeRolePrefix and nodeRoleLabel are the two labels kubectl reads a
// node's roles from.
const (
	nodeRolePrefix = "node-role.kubernetes.io/"
	nodeRoleLabel  = "kubernetes.io/role"
)

// PrintPods writes pods as `kubectl get pods` (or `-o wide`) shows them at
// virtual time now, in the order given. An empty list writes nothing, since
// kubectl's "No resources found" line goes to stderr and is the caller's.
func PrintPods(w io.Writer, now cluster.Time, pods []*cluster.Pod, wide bool) error {
	if err := printable(w, "PrintPods", pods...); err != nil {
		return err
	}
	header, rows := podRows(now, pods, wide)
	return writeTable(w, header, rows)
}

// podRows computes the header and rows PrintPods writes.
func podRows(now cluster.Time, pods []*cluster.Pod, wide bool) ([]string, [][]string) {
	header := []string{"NAME", "READY", "STATUS", "RESTARTS", "AGE"}
	if wide {
		header = append(header, "IP", "NODE", "NOMINATED NODE", "READINESS GATES")
	}
	rows := make([][]string, 0, len(pods))
	for _, p := range pods {
		ready, status := podStatus(p)
		row := []string{p.Name, fmt.Sprintf("%d/%d", ready, len(p.Spec.Containers)), status,
			podRestarts(now, p), since(now, p.CreationTimestamp)}
		if wide {
			// svcsim has no nominated nodes or readiness gates.
			row = append(row, orNone(p.Status.PodIP), orNone(p.Spec.NodeName), "<none>", "<none>")
		}
		rows = append(rows, row)
	}
	return header, rows
}

// PrintNodes writes nodes as `kubectl get nodes` (or `-o wide`) shows them
// at virtual time now, in the order given; an empty list writes nothing.
func PrintNodes(w io.Writer, now cluster.Time, nodes []*cluster.Node, wide bool) error {
	if err := printable(w, "PrintNodes", nodes...); err != nil {
		return err
	}
	header, rows := nodeRows(now, nodes, wide)
	return writeTable(w, header, rows)
}

// nodeRows computes the header and rows PrintNodes writes.
func nodeRows(now cluster.Time, nodes []*cluster.Node, wide bool) ([]string, [][]string) {
	header := []string{"NAME", "STATUS", "ROLES", "AGE", "VERSION"}
	if wide {
		header = append(header, "INTERNAL-IP", "EXTERNAL-IP", "OS-IMAGE", "KERNEL-VERSION", "CONTAINER-RUNTIME")
	}
	rows := make([][]string, 0, len(nodes))
	for _, n := range nodes {
		row := []string{n.Name, nodeStatus(n), nodeRoles(n), since(now, n.CreationTimestamp), n.Status.NodeInfo.KubeletVersion}
		if wide {
			// NodeSystemInfo models only the kubelet version; kubectl shows
			// <unknown> for the rest when they are empty.
			row = append(row, nodeAddress(n, "InternalIP"), nodeAddress(n, "ExternalIP"), "<unknown>", "<unknown>", "<unknown>")
		}
		rows = append(rows, row)
	}
	return header, rows
}

// PrintEvents writes events as `kubectl get events` shows them at virtual
// time now, in the order given; an empty list writes nothing. Like kubectl
// get events, and unlike describe, LAST SEEN shows no repeat count.
func PrintEvents(w io.Writer, now cluster.Time, events []cluster.Event) error {
	if err := printable[cluster.Event](w, "PrintEvents"); err != nil {
		return err
	}
	header, rows := eventRows(now, events)
	return writeTable(w, header, rows)
}

// eventRows computes the header and rows PrintEvents writes.
func eventRows(now cluster.Time, events []cluster.Event) ([]string, [][]string) {
	header := []string{"LAST SEEN", "TYPE", "REASON", "OBJECT", "MESSAGE"}
	rows := make([][]string, 0, len(events))
	for _, e := range events {
		object := strings.ToLower(string(e.Kind))
		if e.Name != "" {
			object += "/" + e.Name
		}
		rows = append(rows, []string{since(now, e.LastSeen), e.Type, e.Reason, object, strings.TrimSpace(e.Message)})
	}
	return header, rows
}

// writeTable renders rows under header with the tabwriter settings of
// kubectl's table printer, so that column widths match kubectl's.
func writeTable(w io.Writer, header []string, rows [][]string) error {
	if len(rows) == 0 {
		return nil
	}
	return writeTabbed(w, append([][]string{header}, rows...))
}

// writeTabbed aligns rows in columns with kubectl's printer settings:
// minimum width 6, tab width 4, padding 3.
func writeTabbed(w io.Writer, rows [][]string) error {
	var b strings.Builder
	for _, row := range rows {
		b.WriteString(strings.Join(row, "\t"))
		b.WriteByte('\n')
	}
	tw := tabwriter.NewWriter(w, 6, 4, 3, ' ', 0)
	if _, err := io.WriteString(tw, b.String()); err != nil {
		return err
	}
	return tw.Flush()
}

// since renders the age of t at now as kubectl's AGE columns do. Virtual
// time zero is the simulation's start, a real instant, so unlike kubectl's
// zero timestamp it never prints as <unknown>.
func since(now, t cluster.Time) string { return cluster.HumanDuration(now.Sub(t)) }

func orNone(s string) string {
	if s == "" {
		return "<none>"
	}
	return s
}

// podStatus returns the READY numerator and the STATUS cell of kubectl get
// pods. The first container in status order that is waiting or terminated
// with a cause hides the phase, because that cause is what a user must fix.
func podStatus(p *cluster.Pod) (ready int, status string) {
	status = string(p.Status.Phase)
	if p.Status.Reason != "" {
		status = p.Status.Reason
	}
	for _, c := range p.Status.Conditions {
		if c.Type == cluster.PodScheduled && c.Reason == "SchedulingGated" {
			status = c.Reason
		}
	}
	overridden, running := false, false
	for _, cs := range p.Status.ContainerStatuses {
		reason := containerReason(cs.State)
		switch {
		case reason != "":
			if !overridden {
				status, overridden = reason, true
			}
		case cs.Ready && cs.State.Running != nil:
			running = true
			ready++
		}
	}
	// A pod whose first container completed while another still runs is
	// not done, so kubectl does not call it Completed.
	if status == "Completed" && running {
		status = "NotReady"
		if p.IsReady() {
			status = string(cluster.PodRunning)
		}
	}
	if p.DeletionTimestamp != nil {
		switch {
		case p.Status.Reason == "NodeLost":
			status = string(cluster.PodUnknown)
		case p.Status.Phase != cluster.PodSucceeded && p.Status.Phase != cluster.PodFailed:
			status = "Terminating"
		}
	}
	return ready, status
}

// containerReason is what kubectl get pods shows for a container that is
// waiting or terminated, or "" for one that is running or not yet reported.
func containerReason(s cluster.ContainerState) string {
	switch {
	case s.Waiting != nil && s.Waiting.Reason != "":
		return s.Waiting.Reason
	case s.Terminated == nil:
		return ""
	case s.Terminated.Reason != "":
		return s.Terminated.Reason
	case s.Terminated.Signal != 0:
		return "Signal:" + strconv.Itoa(int(s.Terminated.Signal))
	}
	return "ExitCode:" + strconv.Itoa(int(s.Terminated.ExitCode))
}

// podRestarts renders the RESTARTS cell: the total restart count, with the
// age of the most recent container exit when one is recorded.
func podRestarts(now cluster.Time, p *cluster.Pod) string {
	restarts, known := 0, false
	var last cluster.Time
	for _, cs := range p.Status.ContainerStatuses {
		restarts += int(cs.RestartCount)
		if t := cs.LastTerminationState.Terminated; t != nil && (!known || t.FinishedAt > last) {
			last, known = t.FinishedAt, true
		}
	}
	if restarts == 0 || !known {
		return strconv.Itoa(restarts)
	}
	return fmt.Sprintf("%d (%s ago)", restarts, since(now, last))
}

// nodeStatus renders the STATUS cell of kubectl get nodes from the Ready
// condition; a node that never reported one is Unknown.
func nodeStatus(n *cluster.Node) string {
	status := "Unknown"
	for _, c := range n.Status.Conditions {
		if c.Type == "Ready" {
			status = "NotReady"
			if c.Status == cluster.ConditionTrue {
				status = "Ready"
			}
		}
	}
	if n.Spec.Unschedulable {
		status += ",SchedulingDisabled"
	}
	return status
}

// nodeRoles renders the ROLES cell: the roles named by either role label,
// sorted and without duplicates, or <none>.
func nodeRoles(n *cluster.Node) string {
	var roles []string
	for k, v := range n.Labels {
		switch {
		case strings.HasPrefix(k, nodeRolePrefix):
			if r := strings.TrimPrefix(k, nodeRolePrefix); r != "" {
				roles = append(roles, r)
			}
		case k == nodeRoleLabel && v != "":
			roles = append(roles, v)
		}
	}
	slices.Sort(roles)
	return orNone(strings.Join(slices.Compact(roles), ","))
}

// nodeAddress returns the node's first address of type typ, or <none>.
func nodeAddress(n *cluster.Node, typ string) string {
	for _, a := range n.Status.Addresses {
		if a.Type == typ {
			return a.Address
		}
	}
	return "<none>"
}

// DescribePod writes pod as `kubectl describe pod` shows it at virtual time
// now, followed by those of events that are about the pod.
func DescribePod(w io.Writer, now cluster.Time, pod *cluster.Pod, events []cluster.Event) error {
	if err := printable(w, "DescribePod", pod); err != nil {
		return err
	}
	sw := &stickyWriter{w: w}
	// kubectl's describe tabwriter: values line up two spaces after the
	// longest label of each run of labelled lines.
	tw := tabwriter.NewWriter(sw, 0, 8, 2, ' ', 0)
	d := &describer{w: tw}
	d.podHeader(now, pod)
	d.containers(pod)
	d.line(0, "Conditions:\n  Type\tStatus\n")
	for _, c := range pod.Status.Conditions {
		// The trailing spaces are kubectl's.
		d.line(1, "%s \t%s \n", c.Type, c.Status)
	}
	d.line(0, "Volumes:\t<none>\n")
	d.line(0, "QoS Class:\tBestEffort\n")
	d.line(0, "Node-Selectors:\t<none>\n")
	d.line(0, "Tolerations:\t<none>\n")
	d.events(now, pod, events)
	if err := tw.Flush(); err != nil {
		return err
	}
	return sw.err
}

// stickyWriter keeps the first write error, so a printer made of many
// small writes can report it once at the end.
type stickyWriter struct {
	w   io.Writer
	err error
}

func (s *stickyWriter) Write(p []byte) (int, error) {
	if s.err != nil {
		return 0, s.err
	}
	n, err := s.w.Write(p)
	s.err = err
	return n, err
}

// describer writes kubectl describe's nested sections, two spaces per
// level, to a tabwriter; write errors surface when it is flushed.
type describer struct {
	w *tabwriter.Writer
}

func (d *describer) line(level int, format string, args ...any) {
	fmt.Fprintf(d.w, strings.Repeat("  ", level)+format, args...)
}

func (d *describer) podHeader(now cluster.Time, p *cluster.Pod) {
	d.line(0, "Name:\t%s\n", p.Name)
	d.line(0, "Namespace:\t%s\n", p.Namespace)
	// The apiserver's admission plugins would set these; svcsim has no
	// priority classes or service accounts, so they are the defaults.
	d.line(0, "Priority:\t0\n")
	d.line(0, "Service Account:\tdefault\n")
	if p.Spec.NodeName == "" {
		d.line(0, "Node:\t<none>\n")
	} else {
		d.line(0, "Node:\t%s/%s\n", p.Spec.NodeName, p.Status.HostIP)
	}
	if p.Status.StartTime != nil {
		d.line(0, "Start Time:\t%s\n", p.Status.StartTime.Wall().Format(time.RFC1123Z))
	}
	d.labels("Labels", p.Labels)
	d.annotations(p.Annotations)
	if p.DeletionTimestamp != nil && p.Status.Phase != cluster.PodSucceeded && p.Status.Phase != cluster.PodFailed {
		d.line(0, "Status:\tTerminating (lasts %s)\n", since(now, *p.DeletionTimestamp))
		d.line(0, "Termination Grace Period:\t%ds\n", deletionGrace(p))
	} else {
		d.line(0, "Status:\t%s\n", p.Status.Phase)
	}
	if p.Status.Reason != "" {
		d.line(0, "Reason:\t%s\n", p.Status.Reason)
	}
	if p.Status.Message != "" {
		d.line(0, "Message:\t%s\n", p.Status.Message)
	}
	d.line(0, "IP:\t%s\n", p.Status.PodIP)
	// svcsim pods are single-stack, so IPs holds at most the one PodIP.
	if p.Status.PodIP == "" {
		d.line(0, "IPs:\t<none>\n")
	} else {
		d.line(0, "IPs:\n")
		d.line(1, "IP:\t%s\n", p.Status.PodIP)
	}
	if ref, ok := p.ControllerRef(); ok {
		d.line(0, "Controlled By:\t%s/%s\n", ref.Kind, ref.Name)
	}
}

// deletionGrace is the grace period of the pod's pending delete; the store
// always records it, and the spec's value stands in if it is missing.
func deletionGrace(p *cluster.Pod) int64 {
	switch {
	case p.DeletionGracePeriodSeconds != nil:
		return *p.DeletionGracePeriodSeconds
	case p.Spec.TerminationGracePeriodSeconds == nil:
		return 30
	case *p.Spec.TerminationGracePeriodSeconds < 0:
		return 1
	}
	return *p.Spec.TerminationGracePeriodSeconds
}

// labels prints one sorted key=value per line, continuations indented to
// the value column, as kubectl's printLabelsMultiline does.
func (d *describer) labels(title string, m map[string]string) {
	d.line(0, "%s:\t", title)
	if len(m) == 0 {
		d.line(0, "<none>\n")
		return
	}
	for i, k := range sortedKeys(m) {
		if i > 0 {
			d.line(0, "\t")
		}
		d.line(0, "%s=%s\n", k, m[k])
	}
}

// maxAnnotationLen is where kubectl stops printing an annotation on one
// line and starts shortening it.
const maxAnnotationLen = 140

// annotations prints one sorted "key: value" per line as kubectl does,
// leaving out the bulky last-applied configuration kubectl apply stores.
func (d *describer) annotations(m map[string]string) {
	d.line(0, "Annotations:\t")
	var keys []string
	for _, k := range sortedKeys(m) {
		if k != "kubectl.kubernetes.io/last-applied-configuration" {
			keys = append(keys, k)
		}
	}
	if len(keys) == 0 {
		d.line(0, "<none>\n")
		return
	}
	for i, k := range keys {
		if i > 0 {
			d.line(0, "\t")
		}
		v := strings.TrimSuffix(m[k], "\n")
		if len(k)+len(v)+2 <= maxAnnotationLen && !strings.Contains(v, "\n") {
			d.line(0, "%s: %s\n", k, v)
			continue
		}
		d.line(0, "%s:\n", k)
		for _, s := range strings.Split(v, "\n") {
			if len(s) > maxAnnotationLen-2 {
				s = s[:maxAnnotationLen-2] + "..."
			}
			d.line(0, "\t  %s\n", s)
		}
	}
}

func (d *describer) containers(p *cluster.Pod) {
	if len(p.Spec.Containers) == 0 {
		d.line(0, "Containers: <none>\n")
		return
	}
	d.line(0, "Containers:\n")
	for _, c := range p.Spec.Containers {
		d.line(1, "%s:\n", c.Name)
		d.imageAndPorts(c)
		if i := slices.IndexFunc(p.Status.ContainerStatuses, func(s cluster.ContainerStatus) bool { return s.Name == c.Name }); i >= 0 {
			cs := p.Status.ContainerStatuses[i]
			d.containerState("State", cs.State)
			if cs.LastTerminationState.Terminated != nil {
				d.containerState("Last State", cs.LastTerminationState)
			}
			d.line(2, "Ready:\t%s\n", boolString(cs.Ready))
			d.line(2, "Restart Count:\t%d\n", cs.RestartCount)
		}
		if c.ReadinessProbe != nil {
			d.line(2, "Readiness:\t%s\n", describeProbe(*c.ReadinessProbe))
		}
		d.env(c.Env)
		d.line(2, "Mounts:\t<none>\n")
	}
}

// imageAndPorts writes a container's Image and Port(s) lines, shared by
// pods and pod templates.
func (d *describer) imageAndPorts(c cluster.Container) {
	d.line(2, "Image:\t%s\n", c.Image)
	ports, hostPorts := containerPorts(c.Ports)
	if strings.Contains(ports, ",") {
		d.line(2, "Ports:\t%s\n", ports)
		d.line(2, "Host Ports:\t%s\n", hostPorts)
	} else {
		d.line(2, "Port:\t%s\n", orNone(ports))
		d.line(2, "Host Port:\t%s\n", orNone(hostPorts))
	}
}

// boolString renders b as the API's condition statuses spell it, the way
// describe shows a container's readiness.
func boolString(b bool) string {
	if b {
		return "True"
	}
	return "False"
}

// containerPorts renders a container's ports and their (always zero, as
// svcsim has no host ports) host ports as describe lists them.
func containerPorts(ports []cluster.ContainerPort) (string, string) {
	var cs, hs []string
	for _, p := range ports {
		proto := p.Protocol
		if proto == "" {
			proto = cluster.ProtocolTCP
		}
		name := ""
		if p.Name != "" {
			name = " (" + p.Name + ")"
		}
		cs = append(cs, fmt.Sprintf("%d/%s%s", p.ContainerPort, proto, name))
		hs = append(hs, fmt.Sprintf("0/%s%s", proto, name))
	}
	return strings.Join(cs, ", "), strings.Join(hs, ", ")
}

func (d *describer) containerState(title string, s cluster.ContainerState) {
	switch {
	case s.Running != nil:
		d.line(2, "%s:\tRunning\n", title)
		d.line(3, "Started:\t%s\n", s.Running.StartedAt.Wall().Format(time.RFC1123Z))
	case s.Terminated != nil:
		t := s.Terminated
		d.line(2, "%s:\tTerminated\n", title)
		if t.Reason != "" {
			d.line(3, "Reason:\t%s\n", t.Reason)
		}
		d.line(3, "Exit Code:\t%d\n", t.ExitCode)
		if t.Signal > 0 {
			d.line(3, "Signal:\t%d\n", t.Signal)
		}
		d.line(3, "Started:\t%s\n", t.StartedAt.Wall().Format(time.RFC1123Z))
		d.line(3, "Finished:\t%s\n", t.FinishedAt.Wall().Format(time.RFC1123Z))
	default:
		// A container the kubelet has not reported on counts as waiting.
		d.line(2, "%s:\tWaiting\n", title)
		if s.Waiting != nil && s.Waiting.Reason != "" {
			d.line(3, "Reason:\t%s\n", s.Waiting.Reason)
		}
	}
}

// describeProbe renders a probe as kubectl 1.37 does, with the apiserver's
// defaults for unset fields. svcsim probes have no handler, and kubectl
// calls a probe without one "unknown".
func describeProbe(p cluster.Probe) string {
	orDefault := func(v, def int32) int32 {
		if v == 0 {
			return def
		}
		return v
	}
	return fmt.Sprintf("unknown delay=%ds timeout=%ds period=%ds successThreshold=%d failureThreshold=%d",
		p.InitialDelaySeconds, orDefault(p.TimeoutSeconds, 1), orDefault(p.PeriodSeconds, 10),
		orDefault(p.SuccessThreshold, 1), orDefault(p.FailureThreshold, 3))
}

// events prints the Events section for the pod's own events.
func (d *describer) events(now cluster.Time, p *cluster.Pod, all []cluster.Event) {
	var evs []cluster.Event
	for _, e := range all {
		if e.Kind == cluster.KindPod && e.Namespace == p.Namespace && e.Name == p.Name {
			evs = append(evs, e)
		}
	}
	d.eventTable(now, evs)
}

// sortedKeys returns the keys of m in ascending order.
func sortedKeys[V any](m map[string]V) []string { return slices.Sorted(maps.Keys(m)) }

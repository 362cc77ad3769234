package kubectl

import (
	"bytes"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/svcsim/svcsim/cluster"
)

// at is a virtual instant n seconds after the simulation's start.
func at(n int) cluster.Time { return cluster.Time(time.Duration(n) * time.Second) }

// lines joins its arguments as the lines of a golden output, so trailing
// spaces stay visible in the expectation.
func lines(ls ...string) string { return strings.Join(ls, "\n") + "\n" }

// printPod is a one-container pod as the kubelet reports it once running
// and ready; cases mutate it into the state they need.
func printPod(name string, created cluster.Time, mutate ...func(*cluster.Pod)) *cluster.Pod {
	p := &cluster.Pod{
		ObjectMeta: cluster.ObjectMeta{Name: name, Namespace: "default", CreationTimestamp: created},
		Spec:       cluster.PodSpec{NodeName: "node-1", Containers: []cluster.Container{{Name: "app", Image: "nginx"}}},
		Status: cluster.PodStatus{
			Phase:      cluster.PodRunning,
			Conditions: []cluster.PodCondition{{Type: cluster.PodReady, Status: cluster.ConditionTrue}},
			ContainerStatuses: []cluster.ContainerStatus{{Name: "app", Image: "nginx", Ready: true, Started: true,
				State: cluster.ContainerState{Running: &cluster.ContainerStateRunning{StartedAt: created}}}},
		},
	}
	for _, m := range mutate {
		m(p)
	}
	return p
}

func waiting(reason string) func(*cluster.Pod) {
	return func(p *cluster.Pod) {
		cs := &p.Status.ContainerStatuses[0]
		cs.Ready, cs.Started = false, false
		cs.State = cluster.ContainerState{Waiting: &cluster.ContainerStateWaiting{Reason: reason}}
		p.Status.Conditions = []cluster.PodCondition{{Type: cluster.PodReady, Status: cluster.ConditionFalse}}
	}
}

func printPodsString(t *testing.T, now cluster.Time, pods []*cluster.Pod, wide bool) string {
	t.Helper()
	var b bytes.Buffer
	require.NoError(t, PrintPods(&b, now, pods, wide))
	return b.String()
}

func TestPrintPods(t *testing.T) {
	now := at(600)
	tests := []struct {
		name string
		pod  *cluster.Pod
		want string
	}{
		{
			name: "running and ready",
			pod:  printPod("web-1", at(300)),
			want: lines(
				"NAME    READY   STATUS    RESTARTS   AGE",
				"web-1   1/1     Running   0          5m"),
		},
		{
			name: "pending while the sandbox is created",
			pod: printPod("web-2", at(595), waiting("ContainerCreating"), func(p *cluster.Pod) {
				p.Status.Phase = cluster.PodPending
			}),
			want: lines(
				"NAME    READY   STATUS              RESTARTS   AGE",
				"web-2   0/1     ContainerCreating   0          5s"),
		},
		{
			name: "crash loop with the age of the last exit",
			pod: printPod("web-3", at(0), waiting("CrashLoopBackOff"), func(p *cluster.Pod) {
				cs := &p.Status.ContainerStatuses[0]
				cs.RestartCount = 2
				cs.LastTerminationState.Terminated = &cluster.ContainerStateTerminated{ExitCode: 1, Reason: "Error", StartedAt: at(580), FinishedAt: at(590)}
			}),
			want: lines(
				"NAME    READY   STATUS             RESTARTS      AGE",
				"web-3   0/1     CrashLoopBackOff   2 (10s ago)   10m"),
		},
		{
			name: "terminating",
			pod: printPod("web-4", at(300), func(p *cluster.Pod) {
				p.DeletionTimestamp = cluster.Ptr(at(590))
				p.DeletionGracePeriodSeconds = cluster.Ptr(int64(30))
			}),
			want: lines(
				"NAME    READY   STATUS        RESTARTS   AGE",
				"web-4   1/1     Terminating   0          5m"),
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			assert.Equal(t, tt.want, printPodsString(t, now, []*cluster.Pod{tt.pod}, false))
		})
	}
}

func TestPrintPodsWide(t *testing.T) {
	running := printPod("web-1", at(300), func(p *cluster.Pod) {
		p.Status.PodIP, p.Status.HostIP = "10.244.1.5", "172.18.0.3"
	})
	unscheduled := &cluster.Pod{
		ObjectMeta: cluster.ObjectMeta{Name: "web-2", Namespace: "default", CreationTimestamp: at(595)},
		Spec:       cluster.PodSpec{Containers: []cluster.Container{{Name: "app", Image: "nginx"}}},
		Status:     cluster.PodStatus{Phase: cluster.PodPending},
	}
	want := lines(
		"NAME    READY   STATUS    RESTARTS   AGE   IP           NODE     NOMINATED NODE   READINESS GATES",
		"web-1   1/1     Running   0          5m    10.244.1.5   node-1   <none>           <none>",
		"web-2   0/1     Pending   0          5s    <none>       <none>   <none>           <none>")
	assert.Equal(t, want, printPodsString(t, at(600), []*cluster.Pod{running, unscheduled}, true))
}

func TestPrintPodsColumnWidths(t *testing.T) {
	// Every column is as wide as its widest cell plus three spaces, so one
	// long name pushes the whole table right.
	pods := []*cluster.Pod{printPod("a", at(0)), printPod("very-long-pod-name-123", at(0))}
	want := lines(
		"NAME                     READY   STATUS    RESTARTS   AGE",
		"a                        1/1     Running   0          30s",
		"very-long-pod-name-123   1/1     Running   0          30s")
	assert.Equal(t, want, printPodsString(t, at(30), pods, false))
}

func TestPrintPodsEmpty(t *testing.T) {
	assert.Empty(t, printPodsString(t, at(0), nil, true))
}

func TestPrintPodsStatusRules(t *testing.T) {
	terminated := func(i int, reason string, exit, signal int32) func(*cluster.Pod) {
		return func(p *cluster.Pod) {
			cs := &p.Status.ContainerStatuses[i]
			cs.Ready = false
			cs.State = cluster.ContainerState{Terminated: &cluster.ContainerStateTerminated{Reason: reason, ExitCode: exit, Signal: signal}}
		}
	}
	twoContainers := func(p *cluster.Pod) {
		p.Spec.Containers = append(p.Spec.Containers, cluster.Container{Name: "sidecar", Image: "envoy"})
		second := p.Status.ContainerStatuses[0]
		second.Name = "sidecar"
		p.Status.ContainerStatuses = append(p.Status.ContainerStatuses, second)
	}
	tests := []struct {
		name                   string
		pod                    *cluster.Pod
		ready, status, restart string
	}{
		{"status reason beats phase", printPod("p", 0, func(p *cluster.Pod) {
			p.Status = cluster.PodStatus{Phase: cluster.PodFailed, Reason: "Evicted"}
		}), "0/1", "Evicted", "0"},
		{"terminated without reason shows exit code", printPod("p", 0, terminated(0, "", 137, 0)), "0/1", "ExitCode:137", "0"},
		{"terminated without reason shows signal", printPod("p", 0, terminated(0, "", 0, 9)), "0/1", "Signal:9", "0"},
		{"first container in status order wins", printPod("p", 0, twoContainers, terminated(1, "Error", 1, 0), waiting("ErrImagePull")), "0/2", "ErrImagePull", "0"},
		{"a running container only counts as ready", printPod("p", 0, twoContainers, waiting("ContainerCreating")), "1/2", "ContainerCreating", "0"},
		{"completed with a container running and pod ready is Running", printPod("p", 0, twoContainers, terminated(0, "Completed", 0, 0)), "1/2", "Running", "0"},
		{"completed with a container running and pod not ready is NotReady", printPod("p", 0, twoContainers, terminated(0, "Completed", 0, 0), func(p *cluster.Pod) {
			p.Status.Conditions = nil
		}), "1/2", "NotReady", "0"},
		{"deleting a succeeded pod keeps Completed", printPod("p", 0, terminated(0, "Completed", 0, 0), func(p *cluster.Pod) {
			p.Status.Phase = cluster.PodSucceeded
			p.DeletionTimestamp = cluster.Ptr(at(1))
		}), "0/1", "Completed", "0"},
		{"deleting a pod of a lost node is Unknown", printPod("p", 0, func(p *cluster.Pod) {
			p.Status.Reason = "NodeLost"
			p.DeletionTimestamp = cluster.Ptr(at(1))
		}), "1/1", "Unknown", "0"},
		{"scheduling gate", printPod("p", 0, func(p *cluster.Pod) {
			p.Status = cluster.PodStatus{Phase: cluster.PodPending, Conditions: []cluster.PodCondition{{Type: cluster.PodScheduled, Status: cluster.ConditionFalse, Reason: "SchedulingGated"}}}
		}), "0/1", "SchedulingGated", "0"},
		{"restarts without a recorded exit are a bare count", printPod("p", 0, func(p *cluster.Pod) {
			p.Status.ContainerStatuses[0].RestartCount = 4
		}), "1/1", "Running", "4"},
		{"restarts sum over containers and take the latest exit", printPod("p", 0, twoContainers, func(p *cluster.Pod) {
			p.Status.ContainerStatuses[0].RestartCount = 1
			p.Status.ContainerStatuses[0].LastTerminationState.Terminated = &cluster.ContainerStateTerminated{FinishedAt: at(100)}
			p.Status.ContainerStatuses[1].RestartCount = 2
			p.Status.ContainerStatuses[1].LastTerminationState.Terminated = &cluster.ContainerStateTerminated{FinishedAt: at(3500)}
		}), "2/2", "Running", "3 (100s ago)"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out := printPodsString(t, at(3600), []*cluster.Pod{tt.pod}, false)
			row := strings.Split(strings.Split(out, "\n")[1], "   ")
			var cells []string
			for _, c := range row {
				if c = strings.TrimSpace(c); c != "" {
					cells = append(cells, c)
				}
			}
			require.Len(t, cells, 5, "row %q", out)
			assert.Equal(t, []string{tt.ready, tt.status, tt.restart}, cells[1:4])
		})
	}
}

func TestPrintNodes(t *testing.T) {
	node := func(name string, ready cluster.ConditionStatus, mutate ...func(*cluster.Node)) *cluster.Node {
		n := &cluster.Node{
			ObjectMeta: cluster.ObjectMeta{Name: name, CreationTimestamp: 0},
			Status: cluster.NodeStatus{
				Addresses: []cluster.NodeAddress{{Type: "InternalIP", Address: "172.18.0." + name[len(name)-1:]}},
				NodeInfo:  cluster.NodeSystemInfo{KubeletVersion: "v1.37.2"},
			},
		}
		if ready != "" {
			n.Status.Conditions = []cluster.NodeCondition{{Type: "Ready", Status: ready}}
		}
		for _, m := range mutate {
			m(n)
		}
		return n
	}
	cordoned := func(n *cluster.Node) { n.Spec.Unschedulable = true }
	nodes := []*cluster.Node{
		node("node-1", cluster.ConditionTrue, func(n *cluster.Node) {
			n.Labels = map[string]string{"node-role.kubernetes.io/control-plane": "", "node-role.kubernetes.io/etcd": ""}
		}),
		node("node-2", cluster.ConditionFalse),
		node("node-3", cluster.ConditionUnknown),
		node("node-4", cluster.ConditionTrue, cordoned, func(n *cluster.Node) {
			// Both role labels name the same role; it is shown once.
			n.Labels = map[string]string{"kubernetes.io/role": "worker", "node-role.kubernetes.io/worker": ""}
		}),
		node("node-5", cluster.ConditionFalse, cordoned),
		node("node-6", ""),
	}
	now := at(51 * 3600)
	var b bytes.Buffer
	require.NoError(t, PrintNodes(&b, now, nodes, false))
	assert.Equal(t, lines(
		"NAME     STATUS                        ROLES                AGE    VERSION",
		"node-1   Ready                         control-plane,etcd   2d3h   v1.37.2",
		"node-2   NotReady                      <none>               2d3h   v1.37.2",
		"node-3   NotReady                      <none>               2d3h   v1.37.2",
		"node-4   Ready,SchedulingDisabled      worker               2d3h   v1.37.2",
		"node-5   NotReady,SchedulingDisabled   <none>               2d3h   v1.37.2",
		"node-6   Unknown                       <none>               2d3h   v1.37.2"), b.String())

	b.Reset()
	nodes[0].Status.Addresses = append(nodes[0].Status.Addresses, cluster.NodeAddress{Type: "ExternalIP", Address: "203.0.113.7"})
	require.NoError(t, PrintNodes(&b, now, nodes[:2], true))
	assert.Equal(t, lines(
		"NAME     STATUS     ROLES                AGE    VERSION   INTERNAL-IP   EXTERNAL-IP   OS-IMAGE    KERNEL-VERSION   CONTAINER-RUNTIME",
		"node-1   Ready      control-plane,etcd   2d3h   v1.37.2   172.18.0.1    203.0.113.7   <unknown>   <unknown>        <unknown>",
		"node-2   NotReady   <none>               2d3h   v1.37.2   172.18.0.2    <none>        <unknown>   <unknown>        <unknown>"), b.String())
}

func TestPrintEvents(t *testing.T) {
	events := []cluster.Event{
		{FirstSeen: at(570), LastSeen: at(570), Count: 1, Type: cluster.EventNormal, Reason: "Scheduled", Kind: cluster.KindPod, Namespace: "default", Name: "web-1",
			Source: "default-scheduler", Message: "Successfully assigned default/web-1 to node-1"},
		// kubectl get events shows only the last sighting of a repeated
		// event; the count is in -o wide and in describe.
		{FirstSeen: at(300), LastSeen: at(590), Count: 3, Type: cluster.EventWarning, Reason: "BackOff", Kind: cluster.KindPod, Namespace: "default", Name: "web-1",
			Source: "kubelet", Message: "Back-off restarting failed container app in pod web-1_default\n"},
		{FirstSeen: at(0), LastSeen: at(0), Count: 1, Type: cluster.EventNormal, Reason: "NodeNotReady", Kind: cluster.KindNode, Name: "node-2",
			Source: "node-controller", Message: "Node node-2 status is now: NodeNotReady"},
	}
	var b bytes.Buffer
	require.NoError(t, PrintEvents(&b, at(600), events))
	assert.Equal(t, lines(
		"LAST SEEN   TYPE      REASON         OBJECT        MESSAGE",
		"30s         Normal    Scheduled      pod/web-1     Successfully assigned default/web-1 to node-1",
		"10s         Warning   BackOff        pod/web-1     Back-off restarting failed container app in pod web-1_default",
		"10m         Normal    NodeNotReady   node/node-2   Node node-2 status is now: NodeNotReady"), b.String())

	b.Reset()
	require.NoError(t, PrintEvents(&b, at(600), nil))
	assert.Empty(t, b.String())
}

func describePodString(t *testing.T, now cluster.Time, p *cluster.Pod, events []cluster.Event) string {
	t.Helper()
	var b bytes.Buffer
	require.NoError(t, DescribePod(&b, now, p, events))
	return b.String()
}

func TestDescribePod(t *testing.T) {
	p := &cluster.Pod{
		ObjectMeta: cluster.ObjectMeta{
			Name: "web-7d4b9c-x2k4p", Namespace: "default", CreationTimestamp: at(0),
			Labels:          map[string]string{"pod-template-hash": "7d4b9c", "app": "web"},
			Annotations:     map[string]string{"svcsim.io/note": "canary"},
			OwnerReferences: []cluster.OwnerReference{{APIVersion: "apps/v1", Kind: "ReplicaSet", Name: "web-7d4b9c", UID: "u1", Controller: cluster.Ptr(true)}},
		},
		Spec: cluster.PodSpec{
			NodeName: "node-1",
			Containers: []cluster.Container{{
				Name: "app", Image: "nginx:1.27",
				Ports:          []cluster.ContainerPort{{Name: "http", ContainerPort: 80, Protocol: cluster.ProtocolTCP}},
				Env:            []cluster.EnvVar{{Name: "MODE", Value: "prod"}},
				ReadinessProbe: &cluster.Probe{InitialDelaySeconds: 5, PeriodSeconds: 10},
			}},
		},
		Status: cluster.PodStatus{
			Phase:     cluster.PodRunning,
			HostIP:    "172.18.0.3",
			PodIP:     "10.244.1.5",
			StartTime: cluster.Ptr(at(2)),
			Conditions: []cluster.PodCondition{
				{Type: cluster.PodReadyToStartContainers, Status: cluster.ConditionTrue},
				{Type: cluster.PodInitialized, Status: cluster.ConditionTrue},
				{Type: cluster.PodReady, Status: cluster.ConditionTrue},
				{Type: cluster.ContainersReady, Status: cluster.ConditionTrue},
				{Type: cluster.PodScheduled, Status: cluster.ConditionTrue},
			},
			ContainerStatuses: []cluster.ContainerStatus{{
				Name: "app", Image: "nginx:1.27", Ready: true, Started: true, RestartCount: 1,
				State:                cluster.ContainerState{Running: &cluster.ContainerStateRunning{StartedAt: at(40)}},
				LastTerminationState: cluster.ContainerState{Terminated: &cluster.ContainerStateTerminated{Reason: "Error", ExitCode: 1, StartedAt: at(5), FinishedAt: at(35)}},
			}},
		},
	}
	pe := func(first, last, count int, typ, reason, source, msg string) cluster.Event {
		return cluster.Event{FirstSeen: at(first), LastSeen: at(last), Count: count, Type: typ, Reason: reason,
			Kind: cluster.KindPod, Namespace: "default", Name: p.Name, Source: source, Message: msg}
	}
	events := []cluster.Event{
		pe(0, 0, 1, cluster.EventNormal, "Scheduled", "default-scheduler", "Successfully assigned default/web-7d4b9c-x2k4p to node-1"),
		pe(2, 40, 2, cluster.EventNormal, "Pulled", "kubelet", `Container image "nginx:1.27" already present on machine`),
		// Describe orders by last sighting, so this comes after Pulled.
		pe(3, 40, 2, cluster.EventNormal, "Started", "kubelet", "Started container app"),
		pe(36, 36, 1, cluster.EventWarning, "BackOff", "kubelet", "Back-off restarting failed container app in pod web-7d4b9c-x2k4p_default(u2)"),
		// Not about this pod.
		{FirstSeen: at(1), LastSeen: at(1), Count: 1, Type: cluster.EventNormal, Reason: "Scheduled", Kind: cluster.KindPod, Namespace: "default", Name: "other", Source: "default-scheduler"},
	}
	events[2], events[3] = events[3], events[2]

	want := lines(
		"Name:             web-7d4b9c-x2k4p",
		"Namespace:        default",
		"Priority:         0",
		"Service Account:  default",
		"Node:             node-1/172.18.0.3",
		"Start Time:       Wed, 01 Jan 2025 00:00:02 +0000",
		"Labels:           app=web",
		"                  pod-template-hash=7d4b9c",
		"Annotations:      svcsim.io/note: canary",
		"Status:           Running",
		"IP:               10.244.1.5",
		"IPs:",
		"  IP:           10.244.1.5",
		"Controlled By:  ReplicaSet/web-7d4b9c",
		"Containers:",
		"  app:",
		"    Image:          nginx:1.27",
		"    Port:           80/TCP (http)",
		"    Host Port:      0/TCP (http)",
		"    State:          Running",
		"      Started:      Wed, 01 Jan 2025 00:00:40 +0000",
		"    Last State:     Terminated",
		"      Reason:       Error",
		"      Exit Code:    1",
		"      Started:      Wed, 01 Jan 2025 00:00:05 +0000",
		"      Finished:     Wed, 01 Jan 2025 00:00:35 +0000",
		"    Ready:          True",
		"    Restart Count:  1",
		"    Readiness:      unknown delay=5s timeout=1s period=10s successThreshold=1 failureThreshold=3",
		"    Environment:",
		"      MODE:  prod",
		"    Mounts:  <none>",
		"Conditions:",
		"  Type                        Status",
		"  PodReadyToStartContainers   True ",
		"  Initialized                 True ",
		"  Ready                       True ",
		"  ContainersReady             True ",
		"  PodScheduled                True ",
		"Volumes:                      <none>",
		"QoS Class:                    BestEffort",
		"Node-Selectors:               <none>",
		"Tolerations:                  <none>",
		"Events:",
		"  Type     Reason     Age                 From               Message",
		"  ----     ------     ----                ----               -------",
		"  Normal   Scheduled  2m                  default-scheduler  Successfully assigned default/web-7d4b9c-x2k4p to node-1",
		"  Warning  BackOff    84s                 kubelet            Back-off restarting failed container app in pod web-7d4b9c-x2k4p_default(u2)",
		"  Normal   Pulled     80s (x2 over 118s)  kubelet            Container image \"nginx:1.27\" already present on machine",
		"  Normal   Started    80s (x2 over 117s)  kubelet            Started container app")
	assert.Equal(t, want, describePodString(t, at(120), p, events))
}

func TestDescribePodPendingAndTerminating(t *testing.T) {
	p := &cluster.Pod{
		ObjectMeta: cluster.ObjectMeta{Name: "web", Namespace: "default", CreationTimestamp: at(0)},
		Spec:       cluster.PodSpec{Containers: []cluster.Container{{Name: "app", Image: "nginx", Ports: []cluster.ContainerPort{{ContainerPort: 80}, {ContainerPort: 53, Protocol: cluster.ProtocolUDP}}}}},
		Status:     cluster.PodStatus{Phase: cluster.PodPending},
	}
	assert.Equal(t, lines(
		"Name:             web",
		"Namespace:        default",
		"Priority:         0",
		"Service Account:  default",
		"Node:             <none>",
		"Labels:           <none>",
		"Annotations:      <none>",
		"Status:           Pending",
		"IP:               ",
		"IPs:              <none>",
		"Containers:",
		"  app:",
		"    Image:        nginx",
		"    Ports:        80/TCP, 53/UDP",
		"    Host Ports:   0/TCP, 0/UDP",
		"    Environment:  <none>",
		"    Mounts:       <none>",
		"Conditions:",
		"  Type           Status",
		"Volumes:         <none>",
		"QoS Class:       BestEffort",
		"Node-Selectors:  <none>",
		"Tolerations:     <none>",
		"Events:          <none>"), describePodString(t, at(5), p, nil))

	p.Spec.NodeName, p.Status.HostIP = "node-2", "172.18.0.4"
	p.Status.ContainerStatuses = []cluster.ContainerStatus{{Name: "app", State: cluster.ContainerState{Waiting: &cluster.ContainerStateWaiting{Reason: "ContainerCreating"}}}}
	p.DeletionTimestamp, p.DeletionGracePeriodSeconds = cluster.Ptr(at(10)), cluster.Ptr(int64(30))
	out := describePodString(t, at(75), p, nil)
	assert.Contains(t, out, "\nStatus:                    Terminating (lasts 65s)\nTermination Grace Period:  30s\n")
	assert.Contains(t, out, "\n    State:          Waiting\n      Reason:       ContainerCreating\n    Ready:          False\n")
}

// failWriter fails every write, to check that printers report the error.
type failWriter struct{}

var errWrite = errors.New("write failed")

func (failWriter) Write([]byte) (int, error) { return 0, errWrite }

func TestPrintersReportWriteErrors(t *testing.T) {
	p := printPod("web", 0)
	assert.ErrorIs(t, PrintPods(failWriter{}, 0, []*cluster.Pod{p}, false), errWrite)
	assert.ErrorIs(t, PrintNodes(failWriter{}, 0, []*cluster.Node{{ObjectMeta: cluster.ObjectMeta{Name: "n"}}}, false), errWrite)
	assert.ErrorIs(t, PrintEvents(failWriter{}, 0, []cluster.Event{{Kind: cluster.KindPod, Name: "web"}}), errWrite)
	assert.ErrorIs(t, DescribePod(failWriter{}, 0, p, []cluster.Event{{Kind: cluster.KindPod, Namespace: "default", Name: "web", Count: 1}}), errWrite)
}

func TestHumanDuration(t *testing.T) {
	// The bands of apimachinery's duration.HumanDuration, checked at and
	// around each boundary.
	const (
		s = time.Second
		m = time.Minute
		h = time.Hour
		d = 24 * time.Hour
		y = 365 * d
	)
	tests := []struct {
		in   time.Duration
		want string
	}{
		{-2 * s, "<invalid>"},
		{-1 * s, "0s"},
		{0, "0s"},
		{999 * time.Millisecond, "0s"},
		{59 * s, "59s"},
		{119 * s, "119s"},
		{2 * m, "2m"},
		{2*m + 5*s, "2m5s"},
		{9*m + 59*s, "9m59s"},
		{10 * m, "10m"},
		{10*m + 59*s, "10m"},
		{179 * m, "179m"},
		{3 * h, "3h"},
		{3*h + 5*m, "3h5m"},
		{7*h + 59*m, "7h59m"},
		{8 * h, "8h"},
		{8*h + 59*m, "8h"},
		{47 * h, "47h"},
		{2 * d, "2d"},
		{2*d + 3*h, "2d3h"},
		{7*d + 23*h, "7d23h"},
		{8 * d, "8d"},
		{8*d + 23*h, "8d"},
		{729 * d, "729d"},
		{2 * y, "2y"},
		{3*y + 12*d, "3y12d"},
		{7*y + 364*d, "7y364d"},
		{8 * y, "8y"},
		{8*y + 300*d, "8y"},
		{100 * y, "100y"},
	}
	for _, tt := range tests {
		assert.Equal(t, tt.want, cluster.HumanDuration(tt.in), "HumanDuration(%v)", tt.in)
	}
}

package kubectl

import (
	"github.com/svcsim/svcsim/cluster"

	"bytes"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/svcsim/svcsim/selector"
)

// printRC is a ReplicationController as the manager leaves it once its
// pods are up: n of them, all ready.
func printRC(name string, created cluster.Time, n int32, mutate ...func(*cluster.ReplicationController)) *cluster.ReplicationController {
	t := nginxTemplate(map[string]string{"app": name}, "nginx")
	rc := &cluster.ReplicationController{
		ObjectMeta: cluster.ObjectMeta{Name: name, Namespace: "default", UID: "uid-" + name, CreationTimestamp: created, Labels: selector.Set{"app": name}},
		Spec:       cluster.ReplicationControllerSpec{Replicas: cluster.Ptr(n), Selector: selector.Set{"app": name}, Template: &t},
		Status:     cluster.ReplicationControllerStatus{Replicas: n, FullyLabeledReplicas: n, ReadyReplicas: n, AvailableReplicas: n},
	}
	for _, m := range mutate {
		m(rc)
	}
	return rc
}

func TestPrintReplicationControllers(t *testing.T) {
	hello := printRC("hello-rc", at(0), 4, func(rc *cluster.ReplicationController) {
		rc.Status.ReadyReplicas = 3
		rc.Spec.Template.Spec.Containers = append(rc.Spec.Template.Spec.Containers, cluster.Container{Name: "sidecar", Image: "envoy:1.30"})
	})
	// The selector prints as a label set, sorted as whole "key=value"
	// strings: "a.b=1" before "a=1", where a ReplicaSet's selector
	// would sort by key.
	sorted := printRC("sorted", at(540), 1, func(rc *cluster.ReplicationController) {
		rc.Spec.Selector = selector.Set{"a": "1", "a.b": "1"}
	})
	// Neither is something the store keeps; kubectl prints them so.
	bare := printRC("bare", at(590), 0, func(rc *cluster.ReplicationController) {
		rc.Spec.Selector, rc.Spec.Template, rc.Spec.Replicas = nil, nil, nil
		rc.Status = cluster.ReplicationControllerStatus{}
	})
	rcs := []*cluster.ReplicationController{hello, sorted, bare}

	var b bytes.Buffer
	require.NoError(t, PrintReplicationControllers(&b, at(600), rcs, false))
	assert.Equal(t, lines(
		"NAME       DESIRED   CURRENT   READY   AGE",
		"hello-rc   4         4         3       10m",
		"sorted     1         1         1       60s",
		"bare       1         0         0       10s"), b.String())

	b.Reset()
	require.NoError(t, PrintReplicationControllers(&b, at(600), rcs, true))
	assert.Equal(t, lines(
		"NAME       DESIRED   CURRENT   READY   AGE   CONTAINERS      IMAGES             SELECTOR",
		"hello-rc   4         4         3       10m   nginx,sidecar   nginx,envoy:1.30   app=hello-rc",
		"sorted     1         1         1       60s   nginx           nginx              a.b=1,a=1",
		"bare       1         0         0       10s                                      <none>"), b.String())

	b.Reset()
	require.NoError(t, PrintReplicationControllers(&b, at(600), nil, true))
	assert.Empty(t, b.String())
}

func TestDescribeReplicationController(t *testing.T) {
	rc := printRC("hello-rc", at(0), 3, func(rc *cluster.ReplicationController) {
		rc.Labels = selector.Set{"app": "hello-rc", "tier": "web"}
		rc.Annotations = map[string]string{"team": "blue"}
		rc.Status = cluster.ReplicationControllerStatus{Replicas: 4, ReadyReplicas: 2, Conditions: []cluster.ReplicationControllerCondition{
			{Type: "ReplicaFailure", Status: cluster.ConditionTrue, Reason: "FailedCreate"}}}
	})
	owned := func(name string, phase cluster.PodPhase, labels selector.Set) *cluster.Pod {
		return &cluster.Pod{ObjectMeta: cluster.ObjectMeta{Name: name, Namespace: "default", Labels: labels,
			OwnerReferences: []cluster.OwnerReference{{APIVersion: "v1", Kind: cluster.KindReplicationController, Name: "hello-rc", UID: rc.UID, Controller: cluster.Ptr(true)}}},
			Status: cluster.PodStatus{Phase: phase}}
	}
	mine := selector.Set{"app": "hello-rc"}
	pods := []*cluster.Pod{
		owned("a", cluster.PodRunning, mine), owned("b", cluster.PodRunning, mine), owned("c", cluster.PodPending, mine),
		owned("d", cluster.PodFailed, mine), owned("e", cluster.PodSucceeded, mine),
		// Not counted: released by its labels, an orphan, and one of
		// another namespace.
		owned("f", cluster.PodRunning, selector.Set{"app": "other"}),
		{ObjectMeta: cluster.ObjectMeta{Name: "g", Namespace: "default", Labels: mine}, Status: cluster.PodStatus{Phase: cluster.PodRunning}},
		func() *cluster.Pod { p := owned("h", cluster.PodRunning, mine); p.Namespace = "other"; return p }(),
	}
	events := []cluster.Event{
		{FirstSeen: at(0), LastSeen: at(0), Count: 1, Type: cluster.EventNormal, Reason: "SuccessfulCreate", Kind: cluster.KindReplicationController,
			Namespace: "default", Name: "hello-rc", Source: "replication-controller", Message: "Created pod: hello-rc-bx2kq"},
		// Not about it.
		{FirstSeen: at(0), LastSeen: at(0), Count: 1, Type: cluster.EventNormal, Reason: "SuccessfulCreate", Kind: cluster.KindReplicaSet,
			Namespace: "default", Name: "hello-rc", Source: "replicaset-controller", Message: "Created pod: hello-rc-zzzzz"},
	}
	var b bytes.Buffer
	require.NoError(t, DescribeReplicationController(&b, at(60), rc, pods, events))
	assert.Equal(t, lines(
		"Name:         hello-rc",
		"Namespace:    default",
		"Selector:     app=hello-rc",
		"Labels:       app=hello-rc",
		"              tier=web",
		"Annotations:  team: blue",
		"Replicas:     4 current / 3 desired",
		"Pods Status:  2 Running / 1 Waiting / 1 Succeeded / 1 Failed",
		"Pod Template:",
		"  Labels:  app=hello-rc",
		"  Containers:",
		"   nginx:",
		"    Image:         nginx",
		"    Port:          80/TCP",
		"    Host Port:     0/TCP",
		"    Environment:   <none>",
		"    Mounts:        <none>",
		"  Volumes:         <none>",
		"  Node-Selectors:  <none>",
		"  Tolerations:     <none>",
		"Conditions:",
		"  Type             Status  Reason",
		"  ----             ------  ------",
		"  ReplicaFailure   True    FailedCreate",
		"Events:",
		"  Type    Reason            Age   From                    Message",
		"  ----    ------            ----  ----                    -------",
		"  Normal  SuccessfulCreate  60s   replication-controller  Created pod: hello-rc-bx2kq"), b.String())
}

// Objects the store would never keep still print as kubectl prints them,
// and what no printer can print is refused before anything is written.
func TestReplicationControllerPrintersEdgeCases(t *testing.T) {
	rc := printRC("hello-rc", at(0), 1, func(rc *cluster.ReplicationController) { rc.Spec.Template = nil })
	var b bytes.Buffer
	require.NoError(t, DescribeReplicationController(&b, at(0), rc, nil, nil))
	assert.Contains(t, b.String(), "Pod Template:\n  <unset>Events:  <none>\n", "kubectl's missing newline")

	for name, err := range map[string]error{
		"nil writer":   PrintReplicationControllers(nil, 0, nil, false),
		"nil rc":       PrintReplicationControllers(&b, 0, []*cluster.ReplicationController{nil}, false),
		"describe nil": DescribeReplicationController(&b, 0, nil, nil, nil),
		"nil pod":      DescribeReplicationController(&b, 0, rc, []*cluster.Pod{nil}, nil),
		"write error":  PrintReplicationControllers(failWriter{}, 0, []*cluster.ReplicationController{rc}, false),
		"describe err": DescribeReplicationController(failWriter{}, 0, rc, nil, nil),
	} {
		assert.Error(t, err, name)
	}
	assert.ErrorIs(t, PrintReplicationControllers(nil, 0, nil, false), ErrUsage)
	assert.ErrorIs(t, DescribeReplicationController(failWriter{}, 0, rc, nil, nil), errWrite)
}

// kubectl get rc and describe rc of the slides' hello-rc, on a cluster.
func TestPrintReplicationControllersOnACluster(t *testing.T) {
	s := newSim(t, cluster.Config{Seed: 1})
	tmpl := cluster.PodTemplateSpec{ObjectMeta: cluster.ObjectMeta{Labels: map[string]string{"app": "hello"}},
		Spec: cluster.PodSpec{Containers: []cluster.Container{{Name: "nginx", Image: "nginx", Ports: []cluster.ContainerPort{{ContainerPort: 80}}}}}}
	_, err := s.Create(&cluster.ReplicationController{ObjectMeta: cluster.ObjectMeta{Name: "hello-rc"},
		Spec: cluster.ReplicationControllerSpec{Replicas: cluster.Ptr[int32](4), Template: &tmpl}})
	require.NoError(t, err)
	require.NoError(t, s.Settle())
	var b bytes.Buffer
	require.NoError(t, PrintReplicationControllers(&b, s.Now(), cluster.ListAs[*cluster.ReplicationController](s, "default", selector.Everything()), false))
	header, rows := tableRows(b.String())
	assert.Equal(t, "NAME       DESIRED   CURRENT   READY   AGE", header)
	require.Len(t, rows, 1)
	assert.Equal(t, []string{"hello-rc", "4", "4", "4"}, rows[0][:4])

	rc, _ := cluster.GetAs[*cluster.ReplicationController](s, "default", "hello-rc")
	b.Reset()
	require.NoError(t, DescribeReplicationController(&b, s.Now(), rc, cluster.ListAs[*cluster.Pod](s, "", selector.Everything()), s.Events("default")))
	assert.Contains(t, b.String(), "Pods Status:  4 Running / 0 Waiting / 0 Succeeded / 0 Failed\n")
	assert.Contains(t, b.String(), "replication-controller  Created pod: hello-rc-")
}

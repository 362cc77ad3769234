package cluster

import (
	"bytes"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/svcsim/svcsim/selector"
)

// printRC is a ReplicationController as the manager leaves it once its
// pods are up: n of them, all ready.
func printRC(name string, created Time, n int32, mutate ...func(*ReplicationController)) *ReplicationController {
	t := nginxTemplate(map[string]string{"app": name}, "nginx")
	rc := &ReplicationController{
		ObjectMeta: ObjectMeta{Name: name, Namespace: "default", UID: "uid-" + name, CreationTimestamp: created, Labels: selector.Set{"app": name}},
		Spec:       ReplicationControllerSpec{Replicas: Ptr(n), Selector: selector.Set{"app": name}, Template: &t},
		Status:     ReplicationControllerStatus{Replicas: n, FullyLabeledReplicas: n, ReadyReplicas: n, AvailableReplicas: n},
	}
	for _, m := range mutate {
		m(rc)
	}
	return rc
}

func TestPrintReplicationControllers(t *testing.T) {
	hello := printRC("hello-rc", at(0), 4, func(rc *ReplicationController) {
		rc.Status.ReadyReplicas = 3
		rc.Spec.Template.Spec.Containers = append(rc.Spec.Template.Spec.Containers, Container{Name: "sidecar", Image: "envoy:1.30"})
	})
	// The selector prints as a label set, sorted as whole "key=value"
	// strings: "a.b=1" before "a=1", where a ReplicaSet's selector
	// would sort by key.
	sorted := printRC("sorted", at(540), 1, func(rc *ReplicationController) {
		rc.Spec.Selector = selector.Set{"a": "1", "a.b": "1"}
	})
	// Neither is something the store keeps; kubectl prints them so.
	bare := printRC("bare", at(590), 0, func(rc *ReplicationController) {
		rc.Spec.Selector, rc.Spec.Template, rc.Spec.Replicas = nil, nil, nil
		rc.Status = ReplicationControllerStatus{}
	})
	rcs := []*ReplicationController{hello, sorted, bare}

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
	rc := printRC("hello-rc", at(0), 3, func(rc *ReplicationController) {
		rc.Labels = selector.Set{"app": "hello-rc", "tier": "web"}
		rc.Annotations = map[string]string{"team": "blue"}
		rc.Status = ReplicationControllerStatus{Replicas: 4, ReadyReplicas: 2, Conditions: []ReplicationControllerCondition{
			{Type: "ReplicaFailure", Status: ConditionTrue, Reason: "FailedCreate"}}}
	})
	owned := func(name string, phase PodPhase, labels selector.Set) *Pod {
		return &Pod{ObjectMeta: ObjectMeta{Name: name, Namespace: "default", Labels: labels,
			OwnerReferences: []OwnerReference{controllerRef("v1", KindReplicationController, "hello-rc", rc.UID)}},
			Status: PodStatus{Phase: phase}}
	}
	mine := selector.Set{"app": "hello-rc"}
	pods := []*Pod{
		owned("a", PodRunning, mine), owned("b", PodRunning, mine), owned("c", PodPending, mine),
		owned("d", PodFailed, mine), owned("e", PodSucceeded, mine),
		// Not counted: released by its labels, an orphan, and one of
		// another namespace.
		owned("f", PodRunning, selector.Set{"app": "other"}),
		{ObjectMeta: ObjectMeta{Name: "g", Namespace: "default", Labels: mine}, Status: PodStatus{Phase: PodRunning}},
		func() *Pod { p := owned("h", PodRunning, mine); p.Namespace = "other"; return p }(),
	}
	events := []Event{
		{FirstSeen: at(0), LastSeen: at(0), Count: 1, Type: EventNormal, Reason: "SuccessfulCreate", Kind: KindReplicationController,
			Namespace: "default", Name: "hello-rc", Source: replicationManagerName, Message: "Created pod: hello-rc-bx2kq"},
		// Not about it.
		{FirstSeen: at(0), LastSeen: at(0), Count: 1, Type: EventNormal, Reason: "SuccessfulCreate", Kind: KindReplicaSet,
			Namespace: "default", Name: "hello-rc", Source: replicaSetControllerName, Message: "Created pod: hello-rc-zzzzz"},
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
	rc := printRC("hello-rc", at(0), 1, func(rc *ReplicationController) { rc.Spec.Template = nil })
	var b bytes.Buffer
	require.NoError(t, DescribeReplicationController(&b, at(0), rc, nil, nil))
	assert.Contains(t, b.String(), "Pod Template:\n  <unset>Events:  <none>\n", "kubectl's missing newline")

	for name, err := range map[string]error{
		"nil writer":   PrintReplicationControllers(nil, 0, nil, false),
		"nil rc":       PrintReplicationControllers(&b, 0, []*ReplicationController{nil}, false),
		"describe nil": DescribeReplicationController(&b, 0, nil, nil, nil),
		"nil pod":      DescribeReplicationController(&b, 0, rc, []*Pod{nil}, nil),
		"write error":  PrintReplicationControllers(failWriter{}, 0, []*ReplicationController{rc}, false),
		"describe err": DescribeReplicationController(failWriter{}, 0, rc, nil, nil),
	} {
		assert.Error(t, err, name)
	}
	assert.ErrorIs(t, PrintReplicationControllers(nil, 0, nil, false), ErrUsage)
	assert.ErrorIs(t, DescribeReplicationController(failWriter{}, 0, rc, nil, nil), errWrite)
}

// kubectl get rc and describe rc of the slides' hello-rc, on a cluster.
func TestPrintReplicationControllersOnACluster(t *testing.T) {
	s := newSim(t, Config{Seed: 1})
	createSettled(t, s, helloRC(4))
	var b bytes.Buffer
	require.NoError(t, PrintReplicationControllers(&b, s.Now(), ListAs[*ReplicationController](s, "default", everything), false))
	header, rows := tableRows(b.String())
	assert.Equal(t, "NAME       DESIRED   CURRENT   READY   AGE", header)
	require.Len(t, rows, 1)
	assert.Equal(t, []string{"hello-rc", "4", "4", "4"}, rows[0][:4])

	rc, _ := GetAs[*ReplicationController](s, "default", "hello-rc")
	b.Reset()
	require.NoError(t, DescribeReplicationController(&b, s.Now(), rc, ListAs[*Pod](s, "", everything), s.Events("default")))
	assert.Contains(t, b.String(), "Pods Status:  4 Running / 0 Waiting / 0 Succeeded / 0 Failed\n")
	assert.Contains(t, b.String(), "replication-controller  Created pod: hello-rc-")
}

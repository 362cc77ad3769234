package kubectl

import (
	"bytes"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/svcsim/svcsim/cluster"
	"github.com/svcsim/svcsim/selector"
)

// printRS is a ReplicaSet of a Deployment "web" as the controllers leave it
// once its pods are up: the hash in its name, labels and selector, and a
// status that matches its spec.
func printRS(hash string, created cluster.Time, n int32, image string, mutate ...func(*cluster.ReplicaSet)) *cluster.ReplicaSet {
	labels := selector.Set{"app": "web", cluster.PodTemplateHashLabel: hash}
	rs := &cluster.ReplicaSet{
		ObjectMeta: cluster.ObjectMeta{Name: "web-" + hash, Namespace: "default", CreationTimestamp: created, Labels: labels.Clone()},
		Spec: cluster.ReplicaSetSpec{Replicas: cluster.Ptr(n), Selector: &selector.LabelSelector{MatchLabels: labels.Clone()},
			Template: nginxTemplate(labels.Clone(), image)},
		Status: cluster.ReplicaSetStatus{Replicas: n, ReadyReplicas: n, AvailableReplicas: n},
	}
	for _, m := range mutate {
		m(rs)
	}
	return rs
}

func TestPrintReplicaSets(t *testing.T) {
	newRS := printRS("5fb7b8b74b", at(540), 3, "nginx:2", func(rs *cluster.ReplicaSet) {
		rs.Spec.Template.Spec.Containers = append(rs.Spec.Template.Spec.Containers, cluster.Container{Name: "sidecar", Image: "envoy:1.30"})
		rs.Status.ReadyReplicas = 2
	})
	oldRS := printRS("785f5c87c7", at(0), 0, "nginx:1", func(rs *cluster.ReplicaSet) {
		// Not something the store keeps; kubectl shows <none> for it.
		rs.Spec.Selector = nil
	})
	rss := []*cluster.ReplicaSet{newRS, oldRS}

	var b bytes.Buffer
	require.NoError(t, PrintReplicaSets(&b, at(600), rss, false))
	assert.Equal(t, lines(
		"NAME             DESIRED   CURRENT   READY   AGE",
		"web-5fb7b8b74b   3         3         2       60s",
		"web-785f5c87c7   0         0         0       10m"), b.String())

	b.Reset()
	require.NoError(t, PrintReplicaSets(&b, at(600), rss, true))
	assert.Equal(t, lines(
		"NAME             DESIRED   CURRENT   READY   AGE   CONTAINERS      IMAGES               SELECTOR",
		"web-5fb7b8b74b   3         3         2       60s   nginx,sidecar   nginx:2,envoy:1.30   app=web,pod-template-hash=5fb7b8b74b",
		"web-785f5c87c7   0         0         0       10m   nginx           nginx:1              <none>"), b.String())

	b.Reset()
	require.NoError(t, PrintReplicaSets(&b, at(600), nil, true))
	assert.Empty(t, b.String())
}

func TestPrintDeployments(t *testing.T) {
	web := newDeployment("web", 3, "nginx:2", func(d *cluster.Deployment) {
		d.Namespace, d.CreationTimestamp = "default", at(0)
		// Halfway through a rollout: one new pod, four in all.
		d.Status = cluster.DeploymentStatus{Replicas: 4, UpdatedReplicas: 1, ReadyReplicas: 3, AvailableReplicas: 3, UnavailableReplicas: 1}
	})
	api := newDeployment("api-server", 10, "api:1.4", func(d *cluster.Deployment) {
		d.Namespace, d.CreationTimestamp = "default", at(-7200)
		d.Spec.Selector = &selector.LabelSelector{
			MatchLabels:      selector.Set{"app": "api-server"},
			MatchExpressions: []selector.Expression{{Key: "track", Operator: selector.OpIn, Values: []string{"stable", "canary"}}},
		}
		d.Spec.Template.Spec.Containers = append(d.Spec.Template.Spec.Containers, cluster.Container{Name: "sidecar", Image: "envoy:1.30"})
		d.Status = cluster.DeploymentStatus{Replicas: 10, UpdatedReplicas: 10, ReadyReplicas: 10, AvailableReplicas: 10}
	})
	ds := []*cluster.Deployment{api, web}

	var b bytes.Buffer
	require.NoError(t, PrintDeployments(&b, at(600), ds, false))
	assert.Equal(t, lines(
		"NAME         READY   UP-TO-DATE   AVAILABLE   AGE",
		"api-server   10/10   10           10          130m",
		"web          3/3     1            3           10m"), b.String())

	b.Reset()
	require.NoError(t, PrintDeployments(&b, at(600), ds, true))
	assert.Equal(t, lines(
		"NAME         READY   UP-TO-DATE   AVAILABLE   AGE    CONTAINERS      IMAGES               SELECTOR",
		"api-server   10/10   10           10          130m   nginx,sidecar   api:1.4,envoy:1.30   app=api-server,track in (canary,stable)",
		"web          3/3     1            3           10m    nginx           nginx:2              app=web"), b.String())

	b.Reset()
	require.NoError(t, PrintDeployments(&b, at(600), nil, false))
	assert.Empty(t, b.String())
}

func describeDeploymentString(t *testing.T, now cluster.Time, d *cluster.Deployment, rss []*cluster.ReplicaSet, events []cluster.Event) string {
	t.Helper()
	var b bytes.Buffer
	require.NoError(t, DescribeDeployment(&b, now, d, rss, events))
	return b.String()
}

func TestDescribeDeployment(t *testing.T) {
	d := newDeployment("web", 3, "nginx:1.27", func(d *cluster.Deployment) {
		d.Namespace, d.CreationTimestamp = "default", at(0)
		d.Labels = selector.Set{"app": "web", "tier": "frontend"}
		d.Annotations = map[string]string{
			annRevision:                  "3",
			"kubernetes.io/change-cause": "kubectl set image deployment/web nginx=nginx:1.27",
		}
		d.Spec.MinReadySeconds = 5
		d.Spec.Strategy = cluster.DeploymentStrategy{Type: cluster.RollingUpdateStrategy,
			RollingUpdate: &cluster.RollingUpdateDeployment{MaxUnavailable: cluster.Ptr(cluster.FromInt(0)), MaxSurge: cluster.Ptr(cluster.FromInt(1))}}
		tmpl := &d.Spec.Template
		tmpl.Labels = selector.Set{"app": "web", "tier": "frontend"}
		c := &tmpl.Spec.Containers[0]
		c.Ports = []cluster.ContainerPort{{Name: "http", ContainerPort: 80, Protocol: cluster.ProtocolTCP}, {Name: "https", ContainerPort: 443}}
		c.Env = []cluster.EnvVar{{Name: "MODE", Value: "prod"}, {Name: "BANNER", Value: "hello\nworld"}}
		tmpl.Spec.Containers = append(tmpl.Spec.Containers, cluster.Container{Name: "sidecar", Image: "envoy:1.30"})
		d.Status = cluster.DeploymentStatus{Replicas: 4, UpdatedReplicas: 2, ReadyReplicas: 3, AvailableReplicas: 3, UnavailableReplicas: 1,
			Conditions: []cluster.DeploymentCondition{
				{Type: "Available", Status: cluster.ConditionTrue, Reason: "MinimumReplicasAvailable"},
				{Type: "Progressing", Status: cluster.ConditionTrue, Reason: "ReplicaSetUpdated"},
			}}
	})
	// The new ReplicaSet is the one with the Deployment's template, whatever
	// its hash label; all others are old, oldest first, even when empty.
	current := printRS("6d9f8c7b5", at(300), 2, "", func(rs *cluster.ReplicaSet) {
		rs.Spec.Template = copyTemplate(d.Spec.Template)
		rs.Spec.Template.Labels[cluster.PodTemplateHashLabel] = "6d9f8c7b5"
		rs.Status.Replicas = 1
	})
	rss := []*cluster.ReplicaSet{
		current,
		printRS("7c4d5b8f9", at(100), 2, "nginx:1.26"),
		printRS("5b6c7d8f4", at(0), 0, "nginx:1.25"),
	}
	ev := func(first, last, count int, msg string) cluster.Event {
		return cluster.Event{FirstSeen: at(first), LastSeen: at(last), Count: count, Type: cluster.EventNormal, Reason: "ScalingReplicaSet",
			Kind: cluster.KindDeployment, Namespace: "default", Name: "web", Source: deploymentControllerName, Message: msg}
	}
	events := []cluster.Event{
		ev(300, 300, 1, "Scaled down replica set web-7c4d5b8f9 from 3 to 2"),
		ev(0, 0, 1, "Scaled up replica set web-5b6c7d8f4 from 0 to 3"),
		ev(100, 350, 2, "Scaled up replica set web-6d9f8c7b5 from 1 to 2"),
		// Not about this Deployment.
		{FirstSeen: at(1), LastSeen: at(1), Count: 1, Type: cluster.EventNormal, Reason: "Scheduled", Kind: cluster.KindPod, Namespace: "default", Name: "web"},
		{FirstSeen: at(1), LastSeen: at(1), Count: 1, Type: cluster.EventNormal, Reason: "ScalingReplicaSet", Kind: cluster.KindDeployment, Namespace: "other", Name: "web"},
	}

	assert.Equal(t, lines(
		"Name:                   web",
		"Namespace:              default",
		"CreationTimestamp:      Wed, 01 Jan 2025 00:00:00 +0000",
		"Labels:                 app=web",
		"                        tier=frontend",
		"Annotations:            deployment.kubernetes.io/revision: 3",
		"                        kubernetes.io/change-cause: kubectl set image deployment/web nginx=nginx:1.27",
		"Selector:               app=web",
		"Replicas:               3 desired | 2 updated | 4 total | 3 available | 1 unavailable",
		"StrategyType:           RollingUpdate",
		"MinReadySeconds:        5",
		"RollingUpdateStrategy:  0 max unavailable, 1 max surge",
		"Pod Template:",
		"  Labels:  app=web",
		"           tier=frontend",
		"  Containers:",
		"   nginx:",
		"    Image:       nginx:1.27",
		"    Ports:       80/TCP (http), 443/TCP (https)",
		"    Host Ports:  0/TCP (http), 0/TCP (https)",
		"    Readiness:   unknown delay=2s timeout=1s period=1s successThreshold=1 failureThreshold=3",
		"    Environment:",
		"      MODE:    prod",
		"      BANNER:  hello",
		"               world",
		"    Mounts:    <none>",
		"   sidecar:",
		"    Image:         envoy:1.30",
		"    Port:          <none>",
		"    Host Port:     <none>",
		"    Environment:   <none>",
		"    Mounts:        <none>",
		"  Volumes:         <none>",
		"  Node-Selectors:  <none>",
		"  Tolerations:     <none>",
		"Conditions:",
		"  Type           Status  Reason",
		"  ----           ------  ------",
		"  Available      True    MinimumReplicasAvailable",
		"  Progressing    True    ReplicaSetUpdated",
		"OldReplicaSets:  web-5b6c7d8f4 (0/0 replicas created), web-7c4d5b8f9 (2/2 replicas created)",
		"NewReplicaSet:   web-6d9f8c7b5 (1/2 replicas created)",
		"Events:",
		"  Type    Reason             Age               From                   Message",
		"  ----    ------             ----              ----                   -------",
		"  Normal  ScalingReplicaSet  6m40s             deployment-controller  Scaled up replica set web-5b6c7d8f4 from 0 to 3",
		"  Normal  ScalingReplicaSet  100s              deployment-controller  Scaled down replica set web-7c4d5b8f9 from 3 to 2",
		"  Normal  ScalingReplicaSet  50s (x2 over 5m)  deployment-controller  Scaled up replica set web-6d9f8c7b5 from 1 to 2"),
		describeDeploymentString(t, at(400), d, rss, events))
}

// A Recreate Deployment the controller has not yet seen: no rolling
// bounds, no conditions, no ReplicaSets and no events, so those lines are
// left out or say <none>, as in kubectl.
func TestDescribeDeploymentBeforeTheController(t *testing.T) {
	d := &cluster.Deployment{
		ObjectMeta: cluster.ObjectMeta{Name: "batch", Namespace: "jobs", CreationTimestamp: at(60)},
		Spec: cluster.DeploymentSpec{
			Selector: &selector.LabelSelector{MatchLabels: selector.Set{"app": "batch"}},
			Strategy: cluster.DeploymentStrategy{Type: cluster.RecreateStrategy},
			Template: cluster.PodTemplateSpec{
				ObjectMeta: cluster.ObjectMeta{Labels: selector.Set{"app": "batch"}, Annotations: map[string]string{"prometheus.io/scrape": "true"}},
				Spec:       cluster.PodSpec{Containers: []cluster.Container{{Name: "worker", Image: "busybox"}}},
			},
		},
	}
	assert.Equal(t, lines(
		"Name:               batch",
		"Namespace:          jobs",
		"CreationTimestamp:  Wed, 01 Jan 2025 00:01:00 +0000",
		"Labels:             <none>",
		"Annotations:        <none>",
		"Selector:           app=batch",
		"Replicas:           1 desired | 0 updated | 0 total | 0 available | 0 unavailable",
		"StrategyType:       Recreate",
		"MinReadySeconds:    0",
		"Pod Template:",
		"  Labels:       app=batch",
		"  Annotations:  prometheus.io/scrape: true",
		"  Containers:",
		"   worker:",
		"    Image:         busybox",
		"    Port:          <none>",
		"    Host Port:     <none>",
		"    Environment:   <none>",
		"    Mounts:        <none>",
		"  Volumes:         <none>",
		"  Node-Selectors:  <none>",
		"  Tolerations:     <none>",
		"Events:            <none>"), describeDeploymentString(t, at(120), d, nil, nil))
}

func TestDescribeDeploymentInvalidSelector(t *testing.T) {
	d := newDeployment("web", 1, "nginx", func(d *cluster.Deployment) {
		d.Spec.Selector = &selector.LabelSelector{MatchLabels: selector.Set{"bad key": "x"}}
	})
	var b bytes.Buffer
	assert.Error(t, DescribeDeployment(&b, 0, d, nil, nil))
	assert.Empty(t, b.String(), "nothing is written for a Deployment kubectl cannot describe")
}

func TestWorkloadPrintersReportWriteErrors(t *testing.T) {
	d := newDeployment("web", 1, "nginx")
	assert.ErrorIs(t, PrintReplicaSets(failWriter{}, 0, []*cluster.ReplicaSet{printRS("1", 0, 1, "nginx")}, false), errWrite)
	assert.ErrorIs(t, PrintDeployments(failWriter{}, 0, []*cluster.Deployment{d}, false), errWrite)
	assert.ErrorIs(t, DescribeDeployment(failWriter{}, 0, d, nil, nil), errWrite)
}

// tableRows splits a kubectl table into its header and rows of
// whitespace-separated cells, for checks that do not depend on widths.
func tableRows(table string) (header string, rows [][]string) {
	ls := strings.Split(strings.TrimSuffix(table, "\n"), "\n")
	for _, l := range ls[1:] {
		rows = append(rows, strings.Fields(l))
	}
	return ls[0], rows
}

func TestKubectlGetAndDescribeDeploymentAfterARollout(t *testing.T) {
	s := newSim(t, cluster.Config{Seed: 1})
	k := New(s, "")
	out, err := k.Get(cluster.KindDeployment, GetOptions{})
	require.NoError(t, err)
	assert.Equal(t, "No resources found in default namespace.\n", out)
	out, err = k.Get(cluster.KindReplicaSet, GetOptions{})
	require.NoError(t, err)
	assert.Equal(t, "No resources found in default namespace.\n", out)

	_, err = k.Apply(newDeployment("web", 3, "nginx:1"))
	require.NoError(t, err)
	require.NoError(t, s.Settle())
	require.NoError(t, k.SetImage("web", "nginx", "nginx:2"))
	require.NoError(t, s.Settle())
	web, ok := cluster.GetAs[*cluster.Deployment](s, "default", "web")
	require.True(t, ok)
	age := cluster.HumanDuration(s.Now().Sub(web.CreationTimestamp))

	out, err = k.Get(cluster.KindDeployment, GetOptions{})
	require.NoError(t, err)
	header, rows := tableRows(out)
	assert.Equal(t, "NAME   READY   UP-TO-DATE   AVAILABLE   AGE", header)
	assert.Equal(t, [][]string{{"web", "3/3", "3", "3", age}}, rows)
	out, err = k.Get(cluster.KindDeployment, GetOptions{Selector: "app=other"})
	require.NoError(t, err)
	assert.Equal(t, "No resources found in default namespace.\n", out)

	// Name the ReplicaSets by their images; Get lists them by name.
	var newRS, oldRS *cluster.ReplicaSet
	for _, rs := range cluster.ListAs[*cluster.ReplicaSet](s, "default", selector.Everything()) {
		switch rs.Spec.Template.Spec.Containers[0].Image {
		case "nginx:2":
			newRS = rs
		case "nginx:1":
			oldRS = rs
		}
	}
	require.NotNil(t, newRS)
	require.NotNil(t, oldRS)
	out, err = k.Get(cluster.KindReplicaSet, GetOptions{Wide: true})
	require.NoError(t, err)
	header, rows = tableRows(out)
	assert.Equal(t, []string{"NAME", "DESIRED", "CURRENT", "READY", "AGE", "CONTAINERS", "IMAGES", "SELECTOR"}, strings.Fields(header))
	wantNew := []string{newRS.Name, "3", "3", "3", cluster.HumanDuration(s.Now().Sub(newRS.CreationTimestamp)), "nginx", "nginx:2",
		"app=web,pod-template-hash=" + newRS.Labels[cluster.PodTemplateHashLabel]}
	wantOld := []string{oldRS.Name, "0", "0", "0", cluster.HumanDuration(s.Now().Sub(oldRS.CreationTimestamp)), "nginx", "nginx:1",
		"app=web,pod-template-hash=" + oldRS.Labels[cluster.PodTemplateHashLabel]}
	if newRS.Name < oldRS.Name {
		assert.Equal(t, [][]string{wantNew, wantOld}, rows)
	} else {
		assert.Equal(t, [][]string{wantOld, wantNew}, rows)
	}

	out, err = k.Describe(cluster.KindDeployment, "web")
	require.NoError(t, err)
	for _, want := range []string{
		"Name:                   web\nNamespace:              default\n",
		"\nAnnotations:            deployment.kubernetes.io/revision: 2\n",
		"\nReplicas:               3 desired | 3 updated | 3 total | 3 available | 0 unavailable\n",
		"\nRollingUpdateStrategy:  25% max unavailable, 25% max surge\n",
		"\n  Containers:\n   nginx:\n    Image:         nginx:2\n",
		"\n  Available      True    MinimumReplicasAvailable\n  Progressing    True    NewReplicaSetAvailable\n",
		"\nOldReplicaSets:  " + oldRS.Name + " (0/0 replicas created)\nNewReplicaSet:   " + newRS.Name + " (3/3 replicas created)\n",
		"\nEvents:\n  Type    Reason             Age",
		"deployment-controller  Scaled up replica set " + oldRS.Name + " from 0 to 3\n",
		"deployment-controller  Scaled down replica set " + oldRS.Name + " from 1 to 0\n",
	} {
		assert.Contains(t, out, want)
	}

	_, err = k.Describe(cluster.KindDeployment, "missing")
	assert.ErrorIs(t, err, cluster.ErrNotFound)
}

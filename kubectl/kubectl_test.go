package kubectl_test

import (
	"bytes"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/svcsim/svcsim/cluster"
	"github.com/svcsim/svcsim/kubectl"
	"github.com/svcsim/svcsim/selector"
)

// kubectlFixture is a fresh three-node cluster and a client for "default"
// whose messages are captured.
type kubectlFixture struct {
	s   *cluster.Sim
	k   *kubectl.Client
	out *bytes.Buffer
}

func newKubectl(t *testing.T) kubectlFixture {
	t.Helper()
	s, err := cluster.New(cluster.Config{Seed: 1})
	require.NoError(t, err)
	k := kubectl.New(s, "")
	var out bytes.Buffer
	k.Out = &out
	return kubectlFixture{s: s, k: k, out: &out}
}

// said returns what kubectl printed since the last call, and forgets it.
func (f kubectlFixture) said() string {
	s := f.out.String()
	f.out.Reset()
	return s
}

func (f kubectlFixture) get(t *testing.T, opts kubectl.GetOptions) string {
	t.Helper()
	out, err := f.k.Get(cluster.KindPod, opts)
	require.NoError(t, err)
	return out
}

func (f kubectlFixture) pod(t *testing.T, name string) *cluster.Pod {
	t.Helper()
	p, ok := cluster.GetAs[*cluster.Pod](f.s, "default", name)
	require.True(t, ok, "pod %s exists", name)
	return p
}

// column returns the cells of a kubectl table's first column, header
// excluded.
func column(table string) []string {
	var names []string
	for i, line := range strings.Split(strings.TrimSuffix(table, "\n"), "\n") {
		if i > 0 {
			names = append(names, strings.Fields(line)[0])
		}
	}
	return names
}

func TestKubectlRun(t *testing.T) {
	f := newKubectl(t)
	assert.Equal(t, "default", f.k.Namespace())

	p, err := f.k.Run("web", kubectl.RunOptions{Image: "nginx"})
	require.NoError(t, err)
	assert.Equal(t, "pod/web created\n", f.said())
	assert.Equal(t, selector.Set{"run": "web"}, p.Labels, "kubectl run labels run=NAME by default")
	require.Len(t, p.Spec.Containers, 1)
	assert.Equal(t, "web", p.Spec.Containers[0].Name, "the container is named after the pod")
	assert.Equal(t, "nginx", p.Spec.Containers[0].Image)
	assert.Empty(t, p.Spec.Containers[0].Ports)

	labels := map[string]string{"app": "api", "tier": "backend"}
	p, err = f.k.Run("api", kubectl.RunOptions{Image: "api:1", Labels: labels, Port: 8080})
	require.NoError(t, err)
	assert.Equal(t, "pod/api created\n", f.said())
	assert.Equal(t, selector.Set{"app": "api", "tier": "backend"}, p.Labels, "-l replaces the default label")
	assert.Equal(t, []cluster.ContainerPort{{ContainerPort: 8080, Protocol: cluster.ProtocolTCP}}, p.Spec.Containers[0].Ports)
	labels["tier"] = "changed"
	assert.Equal(t, "backend", f.pod(t, "api").Labels["tier"], "Run copies the labels it is given")

	_, err = f.k.Run("bad", kubectl.RunOptions{})
	assert.ErrorIs(t, err, cluster.ErrInvalid, "an image is required")
	assert.Empty(t, f.said(), "nothing is reported created")
	_, err = f.k.Run("web", kubectl.RunOptions{Image: "nginx"})
	assert.ErrorIs(t, err, cluster.ErrAlreadyExists)
	assert.EqualError(t, err, `pods "web" already exists`)

	require.NoError(t, f.s.Settle())
	assert.True(t, f.pod(t, "api").IsReady())
}

func TestKubectlApply(t *testing.T) {
	f := newKubectl(t)
	manifest := func(labels map[string]string) *cluster.Pod {
		return &cluster.Pod{
			ObjectMeta: cluster.ObjectMeta{Name: "web", Labels: labels},
			Spec:       cluster.PodSpec{Containers: []cluster.Container{{Name: "web", Image: "nginx"}}},
		}
	}
	o, err := f.k.Apply(manifest(map[string]string{"app": "web"}))
	require.NoError(t, err)
	assert.Equal(t, "pod/web created\n", f.said())
	assert.Equal(t, "default", o.Meta().Namespace, "the client's namespace")
	rv := o.Meta().ResourceVersion

	o, err = f.k.Apply(manifest(map[string]string{"app": "web"}))
	require.NoError(t, err)
	assert.Equal(t, "pod/web unchanged\n", f.said())
	assert.Equal(t, rv, o.Meta().ResourceVersion, "nothing was written")

	o, err = f.k.Apply(manifest(map[string]string{"app": "web", "tier": "frontend"}))
	require.NoError(t, err)
	assert.Equal(t, "pod/web configured\n", f.said())
	assert.Greater(t, o.Meta().ResourceVersion, rv)
	assert.Equal(t, selector.Set{"app": "web", "tier": "frontend"}, f.pod(t, "web").Labels)

	_, err = f.k.Apply(nil)
	assert.ErrorIs(t, err, cluster.ErrInvalid)
	assert.Empty(t, f.said())
}

// kubectl apply of an unchanged manifest to a pod that is already running
// says "unchanged": the manifest has no nodeName, and that must not count
// as changing the one the scheduler set.
func TestKubectlApplyToARunningPod(t *testing.T) {
	f := newKubectl(t)
	manifest := func(labels map[string]string) *cluster.Pod {
		return &cluster.Pod{
			ObjectMeta: cluster.ObjectMeta{Name: "web", Labels: labels},
			Spec:       cluster.PodSpec{Containers: []cluster.Container{{Name: "web", Image: "nginx"}}},
		}
	}
	_, err := f.k.Apply(manifest(map[string]string{"app": "web"}))
	require.NoError(t, err)
	require.NoError(t, f.s.Settle())
	require.Equal(t, "node-1", f.pod(t, "web").Spec.NodeName)
	f.said()

	_, err = f.k.Apply(manifest(map[string]string{"app": "web"}))
	assert.NoError(t, err)
	assert.Equal(t, "pod/web unchanged\n", f.said())

	_, err = f.k.Apply(manifest(map[string]string{"app": "web", "tier": "frontend"}))
	assert.NoError(t, err)
	assert.Equal(t, "pod/web configured\n", f.said())
	assert.Equal(t, "node-1", f.pod(t, "web").Spec.NodeName, "still bound where it runs")
}

func TestKubectlLabel(t *testing.T) {
	f := newKubectl(t)
	_, err := f.k.Run("x", kubectl.RunOptions{Image: "nginx"})
	require.NoError(t, err)
	f.said()

	steps := []struct {
		args   []string
		said   string
		labels selector.Set
	}{
		{[]string{"tier=frontend"}, "pod/x labeled\n", selector.Set{"run": "x", "tier": "frontend"}},
		{[]string{"tier=frontend"}, "pod/x not labeled\n", selector.Set{"run": "x", "tier": "frontend"}},
		{[]string{"tier=backend", "--overwrite"}, "pod/x labeled\n", selector.Set{"run": "x", "tier": "backend"}},
		{[]string{"tier-", "env=prod"}, "pod/x labeled\n", selector.Set{"run": "x", "env": "prod"}},
		{[]string{"env-"}, "pod/x unlabeled\n", selector.Set{"run": "x"}},
		{[]string{"env-"}, "pod/x not labeled\n", selector.Set{"run": "x"}},
		{[]string{"empty="}, "pod/x labeled\n", selector.Set{"run": "x", "empty": ""}},
	}
	for _, st := range steps {
		require.NoError(t, f.k.Label(cluster.KindPod, "x", st.args...), "%v", st.args)
		assert.Equal(t, st.said, f.said(), "%v", st.args)
		assert.Equal(t, st.labels, f.pod(t, "x").Labels, "%v", st.args)
	}

	for _, args := range [][]string{nil, {"--overwrite"}, {"a=b=c"}, {"tier=x", "tier-"}} {
		err := f.k.Label(cluster.KindPod, "x", args...)
		assert.ErrorIs(t, err, kubectl.ErrUsage, "%q", args)
	}
	assert.Empty(t, f.said())
}

func TestKubectlLabelSelected(t *testing.T) {
	f := newKubectl(t)
	for _, name := range []string{"web-2", "db", "web-1"} {
		app := strings.TrimRight(name, "-12")
		_, err := f.k.Run(name, kubectl.RunOptions{Image: "nginx", Labels: map[string]string{"app": app}})
		require.NoError(t, err)
	}
	require.NoError(t, f.s.Settle())
	f.said()

	require.NoError(t, f.k.LabelSelected(cluster.KindPod, "app=web", "tier=frontend"))
	assert.Equal(t, "pod/web-1 labeled\npod/web-2 labeled\n", f.said(), "in name order")
	assert.Equal(t, []string{"web-1", "web-2"}, column(f.get(t, kubectl.GetOptions{Selector: "tier=frontend"})))
	_, has := f.pod(t, "db").Labels["tier"]
	assert.False(t, has)

	require.NoError(t, f.k.LabelSelected(cluster.KindPod, "app in (web,db)", "tier-"))
	assert.Equal(t, "pod/db not labeled\npod/web-1 unlabeled\npod/web-2 unlabeled\n", f.said())

	require.NoError(t, f.k.LabelSelected(cluster.KindPod, "app=cache", "tier=x"))
	assert.Equal(t, "No resources found in default namespace.\n", f.said())

	assert.Error(t, f.k.LabelSelected(cluster.KindPod, "app in (", "tier=x"), "a malformed selector")
}

func TestKubectlDelete(t *testing.T) {
	f := newKubectl(t)
	_, err := f.k.Run("web", kubectl.RunOptions{Image: "nginx"})
	require.NoError(t, err)
	require.NoError(t, f.s.Settle())
	f.said()

	require.NoError(t, f.k.Delete(cluster.KindPod, "web", cluster.DeleteOptions{}))
	assert.Equal(t, "pod \"web\" deleted\n", f.said())
	assert.Equal(t,
		"NAME   READY   STATUS        RESTARTS   AGE\n"+
			"web    1/1     Terminating   0          0s\n",
		f.get(t, kubectl.GetOptions{}), "terminating until the kubelet has stopped it")
	p := f.pod(t, "web")
	assert.True(t, p.Terminating())

	require.NoError(t, f.s.Settle())
	assert.Equal(t, "No resources found in default namespace.\n", f.get(t, kubectl.GetOptions{}))

	err = f.k.Delete(cluster.KindPod, "web", cluster.DeleteOptions{})
	assert.ErrorIs(t, err, cluster.ErrNotFound)
	assert.EqualError(t, err, `pods "web" not found`)
	assert.Empty(t, f.said())
}

func TestKubectlDeleteSelected(t *testing.T) {
	f := newKubectl(t)
	for _, name := range []string{"web-2", "db", "web-1"} {
		app := strings.TrimRight(name, "-12")
		_, err := f.k.Run(name, kubectl.RunOptions{Image: "nginx", Labels: map[string]string{"app": app}})
		require.NoError(t, err)
	}
	require.NoError(t, f.s.Settle())
	f.s.RunFor(time.Minute)
	f.said()

	require.NoError(t, f.k.DeleteSelected(cluster.KindPod, "app=web", cluster.DeleteOptions{}))
	assert.Equal(t, "pod \"web-1\" deleted\npod \"web-2\" deleted\n", f.said())
	assert.Equal(t,
		"NAME    READY   STATUS        RESTARTS   AGE\n"+
			"db      1/1     Running       0          60s\n"+
			"web-1   1/1     Terminating   0          60s\n"+
			"web-2   1/1     Terminating   0          60s\n",
		f.get(t, kubectl.GetOptions{}))

	require.NoError(t, f.s.Settle())
	assert.Equal(t, []string{"db"}, column(f.get(t, kubectl.GetOptions{})))

	require.NoError(t, f.k.DeleteSelected(cluster.KindPod, "app=web", cluster.DeleteOptions{}))
	assert.Equal(t, "No resources found\n", f.said())

	before := f.s.Digest()
	err := f.k.DeleteSelected(cluster.KindPod, "app=db", cluster.DeleteOptions{GracePeriodSeconds: cluster.Ptr(int64(-1))})
	assert.ErrorIs(t, err, cluster.ErrInvalid)
	assert.Equal(t, before, f.s.Digest(), "nothing deleted")
	assert.Equal(t, []string{"db"}, column(f.get(t, kubectl.GetOptions{})))

	require.NoError(t, f.k.DeleteSelected(cluster.KindPod, "app=db", cluster.DeleteOptions{Force: true}))
	assert.Equal(t, "No resources found in default namespace.\n", f.get(t, kubectl.GetOptions{}), "a forced delete removes at once")
}

func TestKubectlGet(t *testing.T) {
	f := newKubectl(t)
	assert.Equal(t, "No resources found in default namespace.\n", f.get(t, kubectl.GetOptions{}))
	assert.Equal(t, "No resources found in default namespace.\n", f.get(t, kubectl.GetOptions{Wide: true}))

	for _, name := range []string{"web-c", "web-a", "db", "web-b"} {
		labels := map[string]string{"app": "web"}
		if name == "db" {
			labels = map[string]string{"app": "db"}
		}
		_, err := f.k.Run(name, kubectl.RunOptions{Image: "nginx", Labels: labels})
		require.NoError(t, err)
	}
	require.NoError(t, f.s.Settle())
	f.s.RunFor(90 * time.Second)

	out := f.get(t, kubectl.GetOptions{Selector: "app=web"})
	assert.Equal(t, "NAME    READY   STATUS    RESTARTS   AGE", strings.SplitN(out, "\n", 2)[0])
	assert.Equal(t, []string{"web-a", "web-b", "web-c"}, column(out), "rows in name order")

	// db was the third pod created: the scheduler spread it to node-3.
	out = f.get(t, kubectl.GetOptions{Selector: "app!=web", Wide: true})
	assert.Equal(t,
		"NAME   READY   STATUS    RESTARTS   AGE   IP           NODE     NOMINATED NODE   READINESS GATES\n"+
			"db     1/1     Running   0          90s   10.244.2.2   node-3   <none>           <none>\n",
		out)

	out = f.get(t, kubectl.GetOptions{Wide: true})
	header := strings.SplitN(out, "\n", 2)[0]
	assert.Equal(t, []string{"NAME", "READY", "STATUS", "RESTARTS", "AGE", "IP", "NODE", "NOMINATED", "NODE", "READINESS", "GATES"}, strings.Fields(header))
	assert.Equal(t, []string{"db", "web-a", "web-b", "web-c"}, column(out))

	assert.Equal(t, "No resources found in default namespace.\n", f.get(t, kubectl.GetOptions{Selector: "app=cache"}))
	_, err := f.k.Get(cluster.KindPod, kubectl.GetOptions{Selector: "app in ("})
	assert.Error(t, err)

	nodes, err := f.k.Get(cluster.KindNode, kubectl.GetOptions{})
	require.NoError(t, err)
	assert.Equal(t,
		"NAME     STATUS   ROLES    AGE   VERSION\n"+
			"node-1   Ready    <none>   90s   v1.37.2\n"+
			"node-2   Ready    <none>   90s   v1.37.2\n"+
			"node-3   Ready    <none>   90s   v1.37.2\n",
		nodes)

	_, err = f.k.Get(cluster.KindNamespace, kubectl.GetOptions{})
	assert.ErrorIs(t, err, kubectl.ErrUsage)

	other := kubectl.New(f.s, "kube-system")
	out, err = other.Get(cluster.KindPod, kubectl.GetOptions{})
	require.NoError(t, err)
	assert.Equal(t, "No resources found in kube-system namespace.\n", out)
}

func TestKubectlGetEvents(t *testing.T) {
	f := newKubectl(t)
	out, err := f.k.GetEvents()
	require.NoError(t, err)
	assert.Equal(t, "No resources found in default namespace.\n", out)

	_, err = f.k.Run("web", kubectl.RunOptions{Image: "nginx"})
	require.NoError(t, err)
	require.NoError(t, f.s.Settle())
	f.s.RunFor(5 * time.Second)

	out, err = f.k.GetEvents()
	require.NoError(t, err)
	rows := strings.Split(strings.TrimSuffix(out, "\n"), "\n")
	assert.Equal(t, []string{"LAST", "SEEN", "TYPE", "REASON", "OBJECT", "MESSAGE"}, strings.Fields(rows[0]))
	var reasons []string
	for _, row := range rows[1:] {
		fields := strings.Fields(row)
		assert.Equal(t, []string{"5s", "Normal"}, fields[:2], row)
		assert.Equal(t, "pod/web", fields[3], row)
		reasons = append(reasons, fields[2])
	}
	assert.Equal(t, []string{"Scheduled", "Pulled", "Created", "Started"}, reasons, "in the order they happened")
	assert.Contains(t, out, "Successfully assigned default/web to node-1")
	assert.Contains(t, out, `Container image "nginx" already present on machine`)
}

func TestKubectlDescribe(t *testing.T) {
	f := newKubectl(t)
	_, err := f.k.Run("web", kubectl.RunOptions{Image: "nginx", Port: 80})
	require.NoError(t, err)
	require.NoError(t, f.s.Settle())

	out, err := f.k.Describe(cluster.KindPod, "web")
	require.NoError(t, err)
	lines := strings.Split(out, "\n")
	for _, want := range []string{
		"Name:             web",
		"Namespace:        default",
		"Node:             node-1/172.18.0.2",
		"Labels:           run=web",
		"Status:           Running",
		"IP:               10.244.0.2",
		"    Port:           80/TCP",
		"    Ready:          True",
		"Conditions:",
		"  Ready                       True ",
		"  PodScheduled                True ",
		"  Normal  Started    0s    kubelet            Started container web",
	} {
		assert.Contains(t, lines, want)
	}

	_, err = f.k.Describe(cluster.KindPod, "nope")
	assert.ErrorIs(t, err, cluster.ErrNotFound)
	assert.EqualError(t, err, `pods "nope" not found`)
	_, err = f.k.Describe(cluster.KindNode, "node-1")
	assert.ErrorIs(t, err, kubectl.ErrUsage)
}

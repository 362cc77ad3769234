package kubectl_test

import (
	"bytes"
	"testing"

	"github.com/stretchr/testify/require"

	svcsim "github.com/svcsim/svcsim"
	"github.com/svcsim/svcsim/cluster"
	"github.com/svcsim/svcsim/kubectl"
	"github.com/svcsim/svcsim/selector"
)

// cli is a cluster with its data plane and a kubectl command line on it.
type cli struct {
	c *svcsim.Cluster
	k *kubectl.Client
}

func newCLI(t *testing.T) *cli {
	t.Helper()
	c, err := svcsim.New(svcsim.Config{Seed: 1})
	require.NoError(t, err)
	return &cli{c: c, k: c.Kubectl("")}
}

// run runs one kubectl command line and returns what it printed and its
// exit status.
func (x *cli) run(args ...string) (stdout, stderr string, code int) {
	var out, errb bytes.Buffer
	code = x.k.Exec(kubectl.IO{Out: &out, Err: &errb}, args...)
	return out.String(), errb.String(), code
}

// lab builds the lab's §4 state: the testweb Service over a testweb pod,
// a blue ReplicaSet of three, and the blue-green Service selecting none yet.
func (x *cli) lab(t *testing.T) {
	t.Helper()
	_, err := x.k.Run("bigwebstuff", kubectl.RunOptions{Image: "nginx", Labels: map[string]string{"app": "testweb"}, Port: 80})
	require.NoError(t, err)
	_, err = x.k.Apply(&cluster.Service{ObjectMeta: cluster.ObjectMeta{Name: "testweb", Labels: selector.Set{"app": "testweb"}},
		Spec: cluster.ServiceSpec{Selector: selector.Set{"app": "testweb"}, Ports: []cluster.ServicePort{{Port: 80, TargetPort: cluster.FromInt(80)}}}})
	require.NoError(t, err)
	rs := &cluster.ReplicaSet{ObjectMeta: cluster.ObjectMeta{Name: "blue-rs"},
		Spec: cluster.ReplicaSetSpec{Replicas: cluster.Ptr(int32(3)), Selector: &selector.LabelSelector{MatchLabels: selector.Set{"demo": "blue-rs"}},
			Template: cluster.PodTemplateSpec{ObjectMeta: cluster.ObjectMeta{Labels: selector.Set{"demo": "blue-rs"}},
				Spec: cluster.PodSpec{Containers: []cluster.Container{{Name: "podinfo", Image: "stefanprodan/podinfo:6.0.0", Ports: []cluster.ContainerPort{{ContainerPort: 9898}}}}}}}}
	_, err = x.k.Apply(rs)
	require.NoError(t, err)
	_, err = x.k.Apply(&cluster.Service{ObjectMeta: cluster.ObjectMeta{Name: "blue-green-svc"},
		Spec: cluster.ServiceSpec{Selector: selector.Set{"method": "blue-green"}, Ports: []cluster.ServicePort{{Port: 80, TargetPort: cluster.FromInt(9898)}}}})
	require.NoError(t, err)
	x.c.Settle()
}

func TestGetSmoke(t *testing.T) {
	x := newCLI(t)
	x.lab(t)
	for _, args := range [][]string{
		{"get", "svc"}, {"get", "service", "testweb", "--template={{.spec.clusterIP}}"},
		{"get", "po", "-l", "demo=blue-rs", "-o", "name"}, {"get", "ep", "blue-green-svc"}, {"get", "all"},
		{"get", "po", "bigwebstuff", "-o", "json"}, {"get", "po", "-A", "--show-labels"}, {"get", "po", "nope", "bigwebstuff"},
		{"get", "foo"}, {"get", "events"}, {"get", "po", "-o", "jsonpath={range .items[*]}{.metadata.name}{\"\\n\"}{end}"},
		{"describe", "rs"}, {"describe", "ns", "default"}, {"describe", "no", "node-1"}, {"get", "no", "-o", "wide"}, {"get", "ns"},
	} {
		o, e, c := x.run(args...)
		t.Logf("$ %q\n%s--stderr--\n%s--exit %d", args, o, e, c)
	}
}

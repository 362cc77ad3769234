package kubectl_test

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
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

// The lab's own commands (lab-services.txt §4), and the forms around
// them, with exactly what kubectl prints and its exit status. get only
// reads: the simulation's digest is the same after every command.
func TestGet(t *testing.T) {
	x := newCLI(t)
	x.lab(t)
	warn := "Warning: v1 Endpoints is deprecated in v1.33+; use discovery.k8s.io/v1 EndpointSlice\n"
	tests := []struct {
		name     string
		args     []string
		out, err string
		code     int
	}{
		{name: "lab: get svc", args: []string{"get", "svc"}, out: "" +
			"NAME             TYPE        CLUSTER-IP       EXTERNAL-IP   PORT(S)   AGE\n" +
			"blue-green-svc   ClusterIP   10.96.165.56     <none>        80/TCP    1s\n" +
			"kubernetes       ClusterIP   10.96.0.1        <none>        443/TCP   1s\n" +
			"testweb          ClusterIP   10.111.158.107   <none>        80/TCP    1s\n"},
		{name: "lab: --template", args: []string{"get", "service", "testweb", "--template={{.spec.clusterIP}}"}, out: "10.111.158.107"},
		{name: "lab: -l -o name", args: []string{"get", "po", "-l", "demo=blue-rs", "-o", "name"},
			out: "pod/blue-rs-45qpf\npod/blue-rs-bq4pv\npod/blue-rs-pcvvd\n"},
		{name: "lab: get ep", args: []string{"get", "ep", "blue-green-svc"}, err: warn, out: "" +
			"NAME             ENDPOINTS   AGE\n" +
			"blue-green-svc   <none>      1s\n"},
		{name: "lab: get all", args: []string{"get", "all"}, out: "" +
			"NAME                READY   STATUS    RESTARTS   AGE\n" +
			"pod/bigwebstuff     1/1     Running   0          1s\n" +
			"pod/blue-rs-45qpf   1/1     Running   0          1s\n" +
			"pod/blue-rs-bq4pv   1/1     Running   0          1s\n" +
			"pod/blue-rs-pcvvd   1/1     Running   0          1s\n" +
			"\n" +
			"NAME                     TYPE        CLUSTER-IP       EXTERNAL-IP   PORT(S)   AGE\n" +
			"service/blue-green-svc   ClusterIP   10.96.165.56     <none>        80/TCP    1s\n" +
			"service/kubernetes       ClusterIP   10.96.0.1        <none>        443/TCP   1s\n" +
			"service/testweb          ClusterIP   10.111.158.107   <none>        80/TCP    1s\n" +
			"\n" +
			"NAME                      DESIRED   CURRENT   READY   AGE\n" +
			"replicaset.apps/blue-rs   3         3         3       1s\n"},
		{name: "all namespaces", args: []string{"get", "po", "-A", "--show-labels"}, out: "" +
			"NAMESPACE   NAME            READY   STATUS    RESTARTS   AGE   LABELS\n" +
			"default     bigwebstuff     1/1     Running   0          1s    app=testweb\n" +
			"default     blue-rs-45qpf   1/1     Running   0          1s    demo=blue-rs\n" +
			"default     blue-rs-bq4pv   1/1     Running   0          1s    demo=blue-rs\n" +
			"default     blue-rs-pcvvd   1/1     Running   0          1s    demo=blue-rs\n"},
		{name: "no headers", args: []string{"get", "po", "--no-headers", "-l", "app"}, out: "bigwebstuff   1/1   Running   0     1s\n"},
		{name: "label columns", args: []string{"get", "po", "-L", "app", "-l", "app"}, out: "" +
			"NAME          READY   STATUS    RESTARTS   AGE   APP\n" +
			"bigwebstuff   1/1     Running   0          1s    testweb\n"},
		{name: "missing name among found", args: []string{"get", "po", "nope", "bigwebstuff"},
			out: "NAME          READY   STATUS    RESTARTS   AGE\nbigwebstuff   1/1     Running   0          1s\n",
			err: "Error from server (NotFound): pods \"nope\" not found\n", code: 1},
		{name: "two missing names", args: []string{"get", "deploy", "a", "b"},
			err: "Error from server (NotFound): deployments.apps \"a\" not found\nError from server (NotFound): deployments.apps \"b\" not found\n", code: 1},
		{name: "ignore not found", args: []string{"get", "pods", "nope", "--ignore-not-found"}},
		{name: "kind/name of two kinds", args: []string{"get", "po/bigwebstuff", "svc/testweb"}, out: "" +
			"NAME              READY   STATUS    RESTARTS   AGE\n" +
			"pod/bigwebstuff   1/1     Running   0          1s\n" +
			"\n" +
			"NAME              TYPE        CLUSTER-IP       EXTERNAL-IP   PORT(S)   AGE\n" +
			"service/testweb   ClusterIP   10.111.158.107   <none>        80/TCP    1s\n"},
		{name: "wide", args: []string{"get", "rs", "-o", "wide"}, out: "" +
			"NAME      DESIRED   CURRENT   READY   AGE   CONTAINERS   IMAGES                       SELECTOR\n" +
			"blue-rs   3         3         3       1s    podinfo      stefanprodan/podinfo:6.0.0   demo=blue-rs\n"},
		{name: "endpointslices", args: []string{"get", "endpointslices", "-l", "kubernetes.io/service-name=testweb"}, out: "" +
			"NAME            ADDRESSTYPE   PORTS   ENDPOINTS    AGE\n" +
			"testweb-jw78h   IPv4          80      10.244.0.2   1s\n"},
		{name: "namespaces", args: []string{"get", "ns", "default"}, out: "NAME      STATUS   AGE\ndefault   Active   1s\n"},
		{name: "nodes", args: []string{"get", "no", "node-1"}, out: "NAME     STATUS   ROLES    AGE   VERSION\nnode-1   Ready    <none>   1s    v1.37.2\n"},
		{name: "events of a selection", args: []string{"get", "ev", "-l", "app"}, err: "No resources found in default namespace.\n"},
		{name: "nothing in namespace", args: []string{"get", "po", "-n", "empty"}, err: "No resources found in empty namespace.\n"},
		{name: "nothing anywhere", args: []string{"get", "po", "-A", "-l", "x=y"}, err: "No resources found\n"},
		{name: "nothing cluster-scoped", args: []string{"get", "no", "-l", "x=y"}, err: "No resources found\n"},
		{name: "empty list as yaml", args: []string{"get", "po", "-n", "empty", "-o", "yaml"},
			out: "apiVersion: v1\nitems: []\nkind: List\nmetadata:\n  resourceVersion: \"\"\n"},
		{name: "name of several kinds", args: []string{"get", "all", "-o", "name", "-l", "demo"},
			out: "pod/blue-rs-45qpf\npod/blue-rs-bq4pv\npod/blue-rs-pcvvd\n"},
		{name: "jsonpath range", args: []string{"get", "po", "-l", "demo", "-o", `jsonpath={range .items[*]}{.metadata.name}{" "}{.status.podIP}{"\n"}{end}`},
			out: "blue-rs-45qpf 10.244.2.2\nblue-rs-bq4pv 10.244.0.3\nblue-rs-pcvvd 10.244.1.2\n"},
		{name: "jsonpath of one", args: []string{"get", "po", "bigwebstuff", "-o", "jsonpath={.status.podIP} {.status.hostIP}"}, out: "10.244.0.2 172.18.0.2"},
		{name: "go-template missing key", args: []string{"get", "svc", "testweb", "-o", "go-template={{.spec.nope}}"}, out: "<no value>"},
		{name: "go-template over a list", args: []string{"get", "svc", "-o", "go-template={{range .items}}{{.metadata.name}} {{end}}"},
			out: "blue-green-svc kubernetes testweb "},
		{name: "unknown type", args: []string{"get", "foo"}, err: "error: the server doesn't have a resource type \"foo\"\n", code: 1},
		{name: "no type", args: []string{"get"}, code: 1, err: "" +
			"You must specify the type of resource to get. Use \"kubectl api-resources\" for a complete list of supported resources.\n\n" +
			"error: Required resource not specified.\n" +
			"Use \"kubectl explain <resource>\" for a detailed description of that resource (e.g. kubectl explain pods).\n" +
			"See 'kubectl get -h' for help and examples\n"},
		{name: "unknown output", args: []string{"get", "po", "-o", "foo"}, code: 1,
			err: "error: unable to match a printer suitable for the output format \"foo\", allowed formats are: custom-columns,custom-columns-file,go-template,go-template-file,json,jsonpath,jsonpath-as-json,jsonpath-file,kyaml,name,template,templatefile,wide,yaml\n"},
		{name: "template without text", args: []string{"get", "po", "-o", "jsonpath="}, code: 1, err: "error: template format specified but no template given\n"},
		{name: "bad jsonpath", args: []string{"get", "po", "-o", "jsonpath={.items[0].metadata.name"}, code: 1,
			err: "error: error parsing jsonpath {.items[0].metadata.name, unclosed action\n"},
		{name: "bad go-template", args: []string{"get", "po", "--template", "{{.x"}, code: 1,
			err: "error: error parsing template {{.x, template: output:1: unclosed action\n"},
		{name: "bad selector", args: []string{"get", "po", "-l", "a in (b"}, code: 1,
			err: "Error from server (BadRequest): Unable to find \"/v1, Resource=pods\" that match label selector \"a in (b\", field selector \"\": found '', expected: ',' or ')'\n"},
		{name: "invalid selector value", args: []string{"get", "deploy", "-l", "a=%"}, code: 1,
			err: "Error from server (BadRequest): Unable to find \"apps/v1, Resource=deployments\" that match label selector \"a=%\", field selector \"\": unable to parse requirement: values[0]: Invalid value: \"%\": a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')\n"},
		{name: "name and selector", args: []string{"get", "po", "x", "-l", "a=b"}, code: 1, err: "error: name cannot be provided when a selector is specified\n"},
		{name: "name across namespaces", args: []string{"get", "po", "x", "-A"}, code: 1, err: "error: a resource cannot be retrieved by name across all namespaces\n"},
		{name: "show-labels with yaml", args: []string{"get", "po", "--show-labels", "-o", "yaml"}, code: 1, err: "error: --show-labels option cannot be used with yaml printer\n"},
		{name: "missing one as json", args: []string{"get", "po", "nope", "-o", "json"}, code: 1, err: "Error from server (NotFound): pods \"nope\" not found\n"},
		{name: "unknown flag", args: []string{"get", "po", "--bogus"}, code: 1, err: "error: unknown flag: --bogus\nSee 'kubectl get --help' for usage.\n"},
		{name: "mixed forms", args: []string{"get", "po", "po/x"}, code: 1,
			err: "error: there is no need to specify a resource type as a separate argument when passing arguments in resource/name form (e.g. 'kubectl get resource/<resource_name>' instead of 'kubectl get resource resource/<resource_name>'\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			before := x.c.Digest()
			out, errOut, code := x.run(tt.args...)
			assert.Equal(t, tt.out, out, "stdout")
			assert.Equal(t, tt.err, errOut, "stderr")
			assert.Equal(t, tt.code, code, "exit status")
			assert.Equal(t, before, x.c.Digest(), "get changes nothing")
		})
	}
}

// `kubectl get po bigwebstuff -o json` prints the pod itself, which the
// lab reads .status.podIP and .status.hostIP from with jq.
func TestGetJSON(t *testing.T) {
	x := newCLI(t)
	x.lab(t)
	out, errOut, code := x.run("get", "po", "bigwebstuff", "-o", "json")
	require.Equal(t, 0, code, errOut)
	var got map[string]any
	require.NoError(t, json.Unmarshal([]byte(out), &got))
	assert.Equal(t, "Pod", got["kind"])
	status := got["status"].(map[string]any)
	assert.Equal(t, "10.244.0.2", status["podIP"])
	assert.Equal(t, "172.18.0.2", status["hostIP"])
	p, ok := cluster.GetAs[*cluster.Pod](x.c.Sim, "default", "bigwebstuff")
	require.True(t, ok)
	var want bytes.Buffer
	require.NoError(t, kubectl.Encode(&want, kubectl.FormatJSON, p))
	assert.Equal(t, want.String(), out, "the same as Encode")

	// Two objects, or a listing, are a List.
	out, _, _ = x.run("get", "po", "bigwebstuff", "bigwebstuff", "-o", "json")
	require.NoError(t, json.Unmarshal([]byte(out), &got))
	assert.Equal(t, "List", got["kind"])
	assert.Len(t, got["items"], 2)
}

// A template that fails prints kubectl's diagnosis and exits 1.
func TestGetTemplateErrors(t *testing.T) {
	x := newCLI(t)
	x.lab(t)
	out, errOut, code := x.run("get", "po", "bigwebstuff", "-o", "jsonpath={.metadata.name[0]}")
	assert.Equal(t, 1, code)
	assert.Empty(t, out)
	assert.True(t, strings.HasPrefix(errOut, "error: error executing jsonpath \"{.metadata.name[0]}\": Error executing template: string is not array or slice. Printing more information for debugging the template:\n\ttemplate was:\n\t\t{.metadata.name[0]}\n\tobject given to jsonpath engine was:\n\t\tmap[string]interface {}{\"apiVersion\":\"v1\", \"kind\":\"Pod\", "), errOut)
	assert.True(t, strings.HasSuffix(errOut, "}}\n\n\n"), errOut)

	out, errOut, code = x.run("get", "po", "bigwebstuff", "-o", "go-template={{.metadata.name.x}}")
	assert.Equal(t, 1, code)
	assert.Equal(t, "error: error executing template \"{{.metadata.name.x}}\": template: output:1:11: executing \"output\" at <.metadata.name.x>: can't evaluate field x in type interface {}\n", errOut)
	assert.True(t, strings.HasPrefix(out, "Error executing template: template: output:1:11: executing \"output\" at <.metadata.name.x>: can't evaluate field x in type interface {}. Printing more information for debugging the template:\n\ttemplate was:\n\t\t{{.metadata.name.x}}\n\traw data was:\n\t\t{\"apiVersion\":\"v1\",\"kind\":\"Pod\","), out)
	assert.True(t, strings.HasSuffix(out, "]]\n\n"), out)

	// With --allow-missing-template-keys=false a missing key is an error.
	_, errOut, code = x.run("get", "svc", "testweb", "--allow-missing-template-keys=false", "-o", "jsonpath={.spec.nope}")
	assert.Equal(t, 1, code)
	assert.Contains(t, errOut, "Error executing template: nope is not found.")
}

// As the lab runs it, endpoints go 0 -> 3 as pods get the Service's label.
func TestGetEndpointsAfterLabel(t *testing.T) {
	x := newCLI(t)
	x.lab(t)
	names, _, _ := x.run("get", "po", "-l", "demo=blue-rs", "-o", "name")
	for _, n := range strings.Fields(names) {
		require.NoError(t, x.k.Label(cluster.KindPod, strings.TrimPrefix(n, "pod/"), "method=blue-green"))
	}
	x.c.Settle()
	out, _, code := x.run("get", "ep", "blue-green-svc")
	require.Equal(t, 0, code)
	assert.Equal(t, ""+
		"NAME             ENDPOINTS                                         AGE\n"+
		"blue-green-svc   10.244.0.3:9898,10.244.1.2:9898,10.244.2.2:9898   2s\n", out)
}

func TestGetEvents(t *testing.T) {
	x := newCLI(t)
	x.lab(t)
	out, errOut, code := x.run("get", "events")
	require.Equal(t, 0, code, errOut)
	lines := strings.Split(strings.TrimSuffix(out, "\n"), "\n")
	assert.Equal(t, "LAST SEEN   TYPE     REASON             OBJECT               MESSAGE", lines[0])
	assert.Equal(t, "1s          Normal   Scheduled          pod/bigwebstuff      Successfully assigned default/bigwebstuff to node-1", lines[1])
	assert.Contains(t, out, "1s          Normal   SuccessfulCreate   replicaset/blue-rs   Created pod: blue-rs-45qpf\n")
	short, _, _ := x.run("get", "ev")
	assert.Equal(t, out, short)
	all, _, _ := x.run("get", "events", "-A")
	assert.True(t, strings.HasPrefix(all, "NAMESPACE   LAST SEEN   TYPE     REASON"), all)
}

package kubectl_test

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/svcsim/svcsim/cluster"
)

// The lab's first step, verbatim: `kubectl create svc clusterip testweb
// --tcp 80 --dry-run=client -o yaml > svc.yaml` and the file it shows.
func TestCreateServiceDryRunAsTheLabShowsIt(t *testing.T) {
	c := newCLICluster(t)
	before := c.Digest()
	out, errOut, code := c.kubectl("create", "svc", "clusterip", "testweb", "--tcp", "80", "--dry-run=client", "-o", "yaml")
	require.Equal(t, 0, code, errOut)
	assert.Equal(t, `apiVersion: v1
kind: Service
metadata:
  creationTimestamp: null
  labels:
    app: testweb
  name: testweb
spec:
  ports:
  - name: "80"
    port: 80
    protocol: TCP
    targetPort: 80
  selector:
    app: testweb
  type: ClusterIP
status:
  loadBalancer: {}
`, out)
	assert.Empty(t, errOut)
	assert.Equal(t, before, c.Digest(), "a client dry run sends nothing")
}

// cliCase is one command line and everything kubectl prints for it.
type cliCase struct {
	name   string
	args   []string
	stdout string
	stderr string
	code   int
}

// runCLICases runs each case on a fresh cluster prepared by setup; a case
// that fails must leave the cluster exactly as it was.
func runCLICases(t *testing.T, setup func(t *testing.T, c *cliCluster), cases []cliCase) {
	t.Helper()
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			c := newCLICluster(t)
			if setup != nil {
				setup(t, c)
			}
			before := c.Digest()
			out, errOut, code := c.kubectl(tc.args...)
			assert.Equal(t, tc.stdout, out, "stdout")
			assert.Equal(t, tc.stderr, errOut, "stderr")
			assert.Equal(t, tc.code, code, "exit status")
			// A command run in a pod that fails has still run (its request
			// went out, time passed); anything kubectl refuses changes
			// nothing.
			if code != 0 && !strings.Contains(errOut, "command terminated with exit code") {
				assert.Equal(t, before, c.Digest(), "a refused command changes nothing")
			}
		})
	}
}

func TestCreateCommandLine(t *testing.T) {
	setup := func(t *testing.T, c *cliCluster) { c.must(t, "create service clusterip taken --tcp=80") }
	runCLICases(t, setup, []cliCase{
		{name: "deployment", args: []string{"create", "deployment", "web", "--image=nginx"}, stdout: "deployment.apps/web created\n"},
		{name: "deploy alias, dry run", args: []string{"create", "deploy", "web", "--image=nginx", "--dry-run=client"}, stdout: "deployment.apps/web created (dry run)\n"},
		{name: "bare --dry-run is client", args: []string{"create", "deploy", "web", "--image=nginx", "--dry-run"}, stdout: "deployment.apps/web created (dry run)\n"},
		{name: "-o name", args: []string{"create", "deployment", "web", "--image=nginx", "-o", "name"}, stdout: "deployment.apps/web\n"},
		{name: "service clusterip", args: []string{"create", "service", "clusterip", "web", "--tcp=80:8080"}, stdout: "service/web created\n"},
		{name: "headless needs no port", args: []string{"create", "svc", "clusterip", "web", "--clusterip=None"}, stdout: "service/web created\n"},
		{name: "nodeport", args: []string{"create", "svc", "nodeport", "web", "--tcp=80", "--node-port=30080"}, stdout: "service/web created\n"},
		{name: "loadbalancer", args: []string{"create", "svc", "loadbalancer", "web", "--tcp=80,443"}, stdout: "service/web created\n"},
		{name: "externalname", args: []string{"create", "svc", "externalname", "web", "--external-name=example.com"}, stdout: "service/web created\n"},
		{name: "namespace", args: []string{"create", "namespace", "team-a"}, stdout: "namespace/team-a created\n"},
		{name: "ns alias, -n ignored for a cluster-scoped kind", args: []string{"create", "ns", "team-a", "-n", "default"}, stdout: "namespace/team-a created\n"},

		{name: "no image", args: []string{"create", "deployment", "web"}, stderr: "error: required flag(s) \"image\" not set\n", code: 1},
		{name: "no name", args: []string{"create", "deployment", "--image=nginx"}, stderr: "error: exactly one NAME is required, got 0\nSee 'kubectl create deployment -h' for help and examples\n", code: 1},
		{name: "two names", args: []string{"create", "svc", "clusterip", "a", "b", "--tcp=80"}, stderr: "error: exactly one NAME is required, got 2\nSee 'kubectl create service clusterip -h' for help and examples\n", code: 1},
		{name: "taken", args: []string{"create", "service", "clusterip", "taken", "--tcp=80"}, stderr: "error: failed to create ClusterIP service: services \"taken\" already exists\n", code: 1},
		{name: "invalid name", args: []string{"create", "deployment", "Web", "--image=nginx"}, stderr: "error: failed to create deployment: Deployment \"Web\" is invalid: metadata.name: Invalid value: \"Web\": a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')\n", code: 1},
		{name: "bad replicas", args: []string{"create", "deployment", "web", "--image=nginx", "--replicas=x"}, stderr: "error: invalid argument \"x\" for \"-r, --replicas\" flag: strconv.ParseInt: parsing \"x\": invalid syntax\nSee 'kubectl create deployment --help' for usage.\n", code: 1},
		{name: "image and command", args: []string{"create", "deployment", "web", "--image=a", "--image=b", "--", "sleep", "1"}, stderr: "error: cannot specify multiple --image options and command\n", code: 1},
		{name: "bad dry run", args: []string{"create", "deployment", "web", "--image=nginx", "--dry-run=maybe"}, stderr: "error: Invalid dry-run value (maybe). Must be \"none\", \"server\", or \"client\".\n", code: 1},
		{name: "server dry run", args: []string{"create", "deployment", "web", "--image=nginx", "--dry-run=server"}, stderr: "error: --dry-run=server is not simulated: svcsim's store cannot check an object without keeping it; use --dry-run=client\n", code: 1},
		{name: "unknown output", args: []string{"create", "deployment", "web", "--image=nginx", "-o", "wide"}, stderr: "error: unable to match a printer suitable for the output format \"wide\", allowed formats are: go-template,go-template-file,json,jsonpath,jsonpath-as-json,jsonpath-file,kyaml,name,template,templatefile,yaml\n", code: 1},
		{name: "no tcp", args: []string{"create", "svc", "clusterip", "web"}, stderr: "error: at least one tcp port specifier must be provided\n", code: 1},
		{name: "None on nodeport", args: []string{"create", "svc", "nodeport", "web", "--clusterip=None"}, stderr: "error: unknown flag: --clusterip\nSee 'kubectl create service nodeport --help' for usage.\n", code: 1},
		{name: "bad port", args: []string{"create", "svc", "clusterip", "web", "--tcp=http"}, stderr: "error: strconv.ParseUint: parsing \"http\": invalid syntax\n", code: 1},
		{name: "bad target port", args: []string{"create", "svc", "clusterip", "web", "--tcp=80:70000"}, stderr: "error: must be between 1 and 65535, inclusive\n", code: 1},
		{name: "bad target name", args: []string{"create", "svc", "clusterip", "web", "--tcp=80:Web_Port"}, stderr: "error: must contain only alpha-numeric characters (a-z, 0-9), and hyphens (-)\n", code: 1},
		{name: "port 0 is the server's to refuse", args: []string{"create", "svc", "clusterip", "web", "--tcp=0"}, stderr: "error: failed to create ClusterIP service: Service \"web\" is invalid: [spec.ports[0].port: Invalid value: 0: must be between 1 and 65535, inclusive, spec.ports[0].targetPort: Invalid value: 0: must be between 1 and 65535, inclusive]\n", code: 1},
		{name: "externalname required", args: []string{"create", "svc", "externalname", "web"}, stderr: "error: required flag(s) \"external-name\" not set\n", code: 1},
		{name: "bad external name", args: []string{"create", "svc", "externalname", "web", "--external-name=Not_A_Name"}, stderr: "error: invalid service external name Not_A_Name\n", code: 1},
		{name: "unknown service type", args: []string{"create", "svc", "headless", "web"}, stderr: "error: unknown command \"headless web\"\nSee 'kubectl create service -h' for help and examples\n", code: 1},
		{name: "unknown generator", args: []string{"create", "secret", "web"}, stderr: "Error: must specify one of -f and -k\n\nerror: unknown command \"secret web\"\nSee 'kubectl create -h' for help and examples\n", code: 1},
		{name: "invalid namespace", args: []string{"create", "ns", "Team"}, stderr: "The Namespace \"Team\" is invalid: metadata.name: Invalid value: \"Team\": a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')\n", code: 1},
	})
}

// What create deployment sends: the generator's shape, kept by the store.
func TestCreateDeploymentObject(t *testing.T) {
	c := newCLICluster(t)
	c.must(t, "create deployment web --image=registry.k8s.io/e2e-test-images/agnhost:2.39 --replicas=3 --port=8080 -- /agnhost netexec")
	d, ok := cluster.GetAs[*cluster.Deployment](c.Sim, "default", "web")
	require.True(t, ok)
	assert.Equal(t, int32(3), *d.Spec.Replicas)
	assert.Equal(t, map[string]string{"app": "web"}, map[string]string(d.Spec.Selector.MatchLabels))
	ctr := d.Spec.Template.Spec.Containers[0]
	assert.Equal(t, "agnhost", ctr.Name)
	assert.Equal(t, []string{"/agnhost", "netexec"}, ctr.Command)
	assert.Equal(t, []cluster.ContainerPort{{ContainerPort: 8080, Protocol: cluster.ProtocolTCP}}, ctr.Ports)
	sel, err := d.Spec.Selector.Selector()
	require.NoError(t, err)
	assert.Len(t, cluster.ListAs[*cluster.Pod](c.Sim, "default", sel), 3)
}

// A dotted image name gets a suffix, the same each time: it is derived
// from the image, never drawn.
func TestCreateDeploymentDottedImage(t *testing.T) {
	c := newCLICluster(t)
	out, _, code := c.kubectl("create", "deployment", "web", "--image=my.app:1", "--dry-run=client", "-o", "yaml")
	require.Equal(t, 0, code)
	again, _, _ := c.kubectl("create", "deployment", "web", "--image=my.app:1", "--dry-run=client", "-o", "yaml")
	assert.Equal(t, out, again)
	assert.Regexp(t, `name: my-app-[bcdfghjklmnpqrstvwxz2456789]{5}\n`, out)
}

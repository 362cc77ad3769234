package kubectl_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/svcsim/svcsim/cluster"
)

func TestExposeCommandLine(t *testing.T) {
	setup := func(t *testing.T, c *cliCluster) {
		c.must(t, "create deployment web-deploy --image=rxmllc/hostinfo --port=9898")
		c.must(t, "run lonely --image=nginx -l app=lonely --port=80")
		c.must(t, "create service clusterip taken --tcp=80")
	}
	runCLICases(t, setup, []cliCase{
		{name: "the book's", args: []string{"expose", "deployment", "web-deploy", "--name=hello-svc", "--target-port=8080", "--type=NodePort"}, stdout: "service/hello-svc exposed\n"},
		{name: "type/name", args: []string{"expose", "deploy/web-deploy", "--port=80"}, stdout: "service/web-deploy exposed\n"},
		{name: "a pod", args: []string{"expose", "pod", "lonely"}, stdout: "service/lonely exposed\n"},
		{name: "a service", args: []string{"expose", "svc", "taken", "--name=again"}, stdout: "service/again exposed\n"},
		{name: "dry run", args: []string{"expose", "pod", "lonely", "--dry-run=client"}, stdout: "service/lonely exposed (dry run)\n"},
		{name: "dry run yaml", args: []string{"expose", "pod", "lonely", "--name=lb", "--type=LoadBalancer", "--port=8080", "--target-port=http", "--dry-run=client", "-o", "yaml"}, stdout: `apiVersion: v1
kind: Service
metadata:
  creationTimestamp: null
  labels:
    app: lonely
  name: lb
spec:
  ports:
  - port: 8080
    protocol: TCP
    targetPort: http
  selector:
    app: lonely
  type: LoadBalancer
status:
  loadBalancer: {}
`},

		{name: "not found", args: []string{"expose", "pod", "nosuch", "--port=80"}, stderr: "Error from server (NotFound): pods \"nosuch\" not found\n", code: 1},
		{name: "no name", args: []string{"expose", "deployment"}, stderr: "error: resource(s) were provided, but no name was specified\n", code: 1},
		{name: "nothing", args: []string{"expose"}, stderr: "error: You must provide one or more resources by argument or filename.\nExample resource specifications include:\n   '-f rsrc.yaml'\n   '--filename=rsrc.json'\n   '<resource> <name>'\n   '<resource>'\n", code: 1},
		{name: "a node", args: []string{"expose", "node", "node-1"}, stderr: "error: cannot expose a Node\n", code: 1},
		{name: "no port anywhere", args: []string{"expose", "svc", "kubernetes", "--name=k", "--selector=app=x", "--port=https"}, stderr: "error: strconv.Atoi: parsing \"https\": invalid syntax\n", code: 1},
		{name: "taken", args: []string{"expose", "svc", "taken"}, stderr: "Error from server (AlreadyExists): services \"taken\" already exists\n", code: 1},
		{name: "bad selector", args: []string{"expose", "pod", "lonely", "--name=x", "--selector=app"}, stderr: "error: unexpected label spec: app\n", code: 1},
		{name: "bad affinity", args: []string{"expose", "pod", "lonely", "--name=x", "--session-affinity=Sticky"}, stderr: "error: unknown session affinity: Sticky\n", code: 1},
		{name: "bad type", args: []string{"expose", "pod", "lonely", "--name=x", "--type=Fancy"}, stderr: "The Service \"x\" is invalid: spec.type: Unsupported value: \"Fancy\": supported values: \"ClusterIP\", \"ExternalName\", \"LoadBalancer\", \"NodePort\"\n", code: 1},
	})
}

// The book's expose: selector and labels from the Deployment, the port
// from its container, the target port from the flag.
func TestExposeBook(t *testing.T) {
	c := newCLICluster(t)
	c.must(t, "create deployment web-deploy --image=rxmllc/hostinfo --port=9898")
	c.must(t, "expose deployment web-deploy --name=hello-svc --target-port=8080 --type=NodePort")
	svc, ok := cluster.GetAs[*cluster.Service](c.Sim, "default", "hello-svc")
	require.True(t, ok)
	assert.Equal(t, map[string]string{"app": "web-deploy"}, map[string]string(svc.Spec.Selector))
	assert.Equal(t, map[string]string{"app": "web-deploy"}, map[string]string(svc.Labels))
	require.Len(t, svc.Spec.Ports, 1)
	p := svc.Spec.Ports[0]
	assert.Equal(t, int32(9898), p.Port)
	assert.Equal(t, cluster.FromInt(8080), p.TargetPort)
	assert.Equal(t, cluster.ServiceTypeNodePort, svc.Spec.Type)
	assert.NotZero(t, p.NodePort)
}

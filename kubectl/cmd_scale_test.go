package kubectl

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/svcsim/svcsim/cluster"
	"github.com/svcsim/svcsim/selector"
)

const helloRC = `apiVersion: v1
kind: ReplicationController
metadata:
  name: hello-rc
spec:
  replicas: 2
  selector:
    app: hello-rc
  template:
    metadata:
      labels:
        app: hello-rc
    spec:
      containers:
      - name: hello
        image: nginx
`

func replicas(e *mutEnv, kind cluster.Kind, name string) int32 {
	o, ok := e.s.Get(kind, "default", name)
	require.True(e.t, ok)
	r, ok := replicasOf(o)
	require.True(e.t, ok)
	return **r
}

func TestExecScale(t *testing.T) {
	workloads := func(e *mutEnv) {
		e.files["rc.yaml"] = helloRC
		e.must("apply", "-f", "webd.yaml", "-f", "blue.yaml", "-f", "rc.yaml", "-f", "bigwebstuff.yaml")
	}
	runCases(t, []cmdCase{
		{name: "deployment", setup: workloads, args: []string{"scale", "deploy/bigwebstuff", "--replicas=5"},
			out:   "deployment.apps/bigwebstuff scaled\n",
			check: func(e *mutEnv) { assert.Equal(e.t, int32(5), replicas(e, cluster.KindDeployment, "bigwebstuff")) }},
		{name: "replica set and rc", setup: workloads, args: []string{"scale", "rs/blue-rs", "rc/hello-rc", "--replicas", "1"},
			out: "replicaset.apps/blue-rs scaled\nreplicationcontroller/hello-rc scaled\n",
			check: func(e *mutEnv) {
				assert.Equal(e.t, int32(1), replicas(e, cluster.KindReplicaSet, "blue-rs"))
				assert.Equal(e.t, int32(1), replicas(e, cluster.KindReplicationController, "hello-rc"))
			}},
		{name: "same size still scaled", setup: workloads, args: []string{"scale", "deployment", "bigwebstuff", "--replicas=3"},
			out: "deployment.apps/bigwebstuff scaled\n", same: true},
		{name: "--current-replicas matches", setup: workloads, args: []string{"scale", "deploy/bigwebstuff", "--replicas=1", "--current-replicas=3"},
			out: "deployment.apps/bigwebstuff scaled\n"},
		{name: "--current-replicas differs", setup: workloads, args: []string{"scale", "deploy/bigwebstuff", "--replicas=1", "--current-replicas=2"},
			err: "error: Expected replicas to be 2, was 3\n", code: 1, same: true},
		{name: "--timeout waits for the controller", setup: workloads, args: []string{"scale", "rs/blue-rs", "--replicas=5", "--timeout=1m"},
			out: "replicaset.apps/blue-rs scaled\n",
			check: func(e *mutEnv) {
				rs, _ := cluster.GetAs[*cluster.ReplicaSet](e.s, "default", "blue-rs")
				assert.Equal(e.t, int32(5), rs.Status.Replicas)
			}},
		{name: "-l", setup: workloads, args: []string{"scale", "rs", "-l", "demo=blue-rs", "--replicas=0"},
			out: "replicaset.apps/blue-rs scaled\n"},
		{name: "a pod has no scale", setup: workloads, args: []string{"scale", "pod/bigwebstuff", "--replicas=2"},
			err: "Error from server (NotFound): the server could not find the requested resource\n", code: 1, same: true},
		{name: "missing", args: []string{"scale", "deploy/x", "--replicas=2"},
			err: "Error from server (NotFound): deployments.apps \"x\" not found\n", code: 1, same: true},
		{name: "missing among others", setup: workloads, args: []string{"scale", "deploy/x", "deploy/bigwebstuff", "--replicas=2"},
			out: "deployment.apps/bigwebstuff scaled\n", err: "Error from server (NotFound): deployments.apps \"x\" not found\n", code: 1},
		{name: "dry run", setup: workloads, args: []string{"scale", "deploy/bigwebstuff", "--replicas=2", "--dry-run=client"},
			out: "deployment.apps/bigwebstuff scaled (dry run)\n", same: true},
		{name: "no --replicas", args: []string{"scale", "deploy/bigwebstuff"},
			err: "error: required flag(s) \"replicas\" not set\n", code: 1, same: true},
		{name: "negative", args: []string{"scale", "deploy/bigwebstuff", "--replicas=-1"},
			err: "error: The --replicas=COUNT flag is required, and COUNT must be greater than or equal to 0\n", code: 1, same: true},
		{name: "bad --current-replicas", args: []string{"scale", "deploy/bigwebstuff", "--replicas=1", "--current-replicas=-2"},
			err: "error: The --current-replicas must specify an integer of -1 or greater\n", code: 1, same: true},
		{name: "not a number", args: []string{"scale", "deploy/bigwebstuff", "--replicas=many"},
			err: "error: invalid argument \"many\" for \"--replicas\" flag: strconv.ParseInt: parsing \"many\": invalid syntax\nSee 'kubectl scale --help' for usage.\n", code: 1, same: true},
		{name: "nothing named", args: []string{"scale", "--replicas=1"}, err: "error: " + errMissingResource.Error() + "\n", code: 1, same: true},
	})
}

func TestExecSetImage(t *testing.T) {
	deploy := func(e *mutEnv) { e.must("apply", "-f", "webd.yaml", "-f", "bigwebstuff.yaml", "-f", "svc.yaml") }
	image := func(e *mutEnv, kind cluster.Kind, name string) string {
		o, _ := e.s.Get(kind, "default", name)
		spec, err := podSpecOf(o)
		require.NoError(t, err)
		return spec.Containers[0].Image
	}
	runCases(t, []cmdCase{
		{name: "deployment", setup: deploy, args: []string{"set", "image", "deployment/bigwebstuff", "nginx=nginx:1.27"},
			out: "deployment.apps/bigwebstuff image updated\n",
			check: func(e *mutEnv) {
				assert.Equal(e.t, "nginx:1.27", image(e, cluster.KindDeployment, "bigwebstuff"))
				require.NoError(e.t, e.s.Settle())
				assert.Len(e.t, cluster.ListAs[*cluster.ReplicaSet](e.s, "default", selector.Everything()), 2, "a rollout started")
			}},
		{name: "*", setup: deploy, args: []string{"set", "image", "deploy", "bigwebstuff", "*=httpd"},
			out: "deployment.apps/bigwebstuff image updated\n"},
		{name: "a pod", setup: deploy, args: []string{"set", "image", "pod/bigwebstuff", "bigwebstuff=nginx:2"},
			out:   "pod/bigwebstuff image updated\n",
			check: func(e *mutEnv) { assert.Equal(e.t, "nginx:2", image(e, cluster.KindPod, "bigwebstuff")) }},
		{name: "same image prints nothing", setup: deploy, args: []string{"set", "image", "deploy/bigwebstuff", "nginx=nginx:latest"}, same: true},
		{name: "no such container", setup: deploy, args: []string{"set", "image", "deploy/bigwebstuff", "web=nginx:2"},
			err: "error: unable to find container named \"web\"\n", code: 1, same: true},
		{name: "a service has no pod template", setup: deploy, args: []string{"set", "image", "svc/testweb", "web=nginx:2"},
			err: "error: services/testweb the object is not a pod or does not have a pod template: *v1.Service\n", code: 1, same: true},
		{name: "missing changes nothing", setup: deploy, args: []string{"set", "image", "deploy/x", "deploy/bigwebstuff", "nginx=nginx:2"},
			err: "Error from server (NotFound): deployments.apps \"x\" not found\n", code: 1, same: true},
		{name: "dry run", setup: deploy, args: []string{"set", "image", "deploy/bigwebstuff", "nginx=nginx:2", "--dry-run=client"},
			out: "deployment.apps/bigwebstuff image updated (dry run)\n", same: true},
		{name: "no image", args: []string{"set", "image", "deploy/bigwebstuff"}, err: "error: at least one image update is required\n", code: 1, same: true},
		{name: "wildcard and more", args: []string{"set", "image", "deploy/bigwebstuff", "*=a", "b=c"},
			err: "error: all containers are already specified by *, but saw more than one container_name=container_image pairs\n", code: 1, same: true},
		{name: "no resource", args: []string{"set", "image", "a=b"},
			err: "error: one or more resources must be specified as <resource> <name> or <resource>/<name>\n", code: 1, same: true},
		{name: "set alone lists", args: []string{"set"},
			out: "Set specific features on objects\n\nAvailable Commands:\n  image          Update the image of a pod template\n  selector       Set the selector on a resource\n\nUsage:\n  kubectl set [flags] [options]\n", same: true},
	})
}

func TestExecSetSelector(t *testing.T) {
	svc := func(e *mutEnv) { e.must("apply", "-f", "svc.yaml", "-f", "webd.yaml") }
	sel := func(e *mutEnv) selector.Set {
		s, _ := cluster.GetAs[*cluster.Service](e.s, "default", "testweb")
		return s.Spec.Selector
	}
	runCases(t, []cmdCase{
		{name: "replaces the selector", setup: svc, args: []string{"set", "selector", "svc", "testweb", "app=blue,tier=web"},
			out:   "service/testweb selector updated\n",
			check: func(e *mutEnv) { assert.Equal(e.t, selector.Set{"app": "blue", "tier": "web"}, sel(e)) }},
		{name: "TYPE/NAME and ==", setup: svc, args: []string{"set", "selector", "service/testweb", "method==green"},
			out:   "service/testweb selector updated\n",
			check: func(e *mutEnv) { assert.Equal(e.t, selector.Set{"method": "green"}, sel(e)) }},
		{name: "empty clears it", setup: svc, args: []string{"set", "selector", "svc/testweb", ""},
			out:   "service/testweb selector updated\n",
			check: func(e *mutEnv) { assert.Empty(e.t, sel(e)) }},
		{name: "unchanged still says so", setup: svc, args: []string{"set", "selector", "svc/testweb", "app=testweb"},
			out: "service/testweb selector updated\n", same: true},
		{name: "set-based refused", setup: svc, args: []string{"set", "selector", "svc/testweb", "app in (a,b)"},
			err: "error: match expression [app in (a,b)] not supported on this object\n", code: 1, same: true},
		{name: "only services", setup: svc, args: []string{"set", "selector", "deploy/bigwebstuff", "app=x"},
			err: "error: setting a selector is only supported for Services\n", code: 1, same: true},
		{name: "dry run", setup: svc, args: []string{"set", "selector", "svc/testweb", "app=x", "--dry-run=client"},
			out: "service/testweb selector updated (dry run)\n", same: true},
		{name: "stale --resource-version", setup: svc, args: []string{"set", "selector", "svc/testweb", "app=x", "--resource-version=1"},
			err:  "Error from server (Conflict): Operation cannot be fulfilled on services \"testweb\": the object has been modified; please apply your changes to the latest version and try again\n",
			code: 1, same: true},
		{name: "nothing", args: []string{"set", "selector"}, err: "error: one selector is required\n", code: 1, same: true},
		{name: "bad selector", args: []string{"set", "selector", "svc/testweb", "a=b,"},
			err: "error: selector: cannot parse \"a=b,\": at offset 4: found end of input, expected '!' or a label key after ','\n", code: 1, same: true},
		{name: "missing", args: []string{"set", "selector", "svc/x", "a=b"},
			err: "Error from server (NotFound): services \"x\" not found\n", code: 1, same: true},
	})
}

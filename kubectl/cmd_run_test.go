package kubectl_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/svcsim/svcsim/cluster"
	"github.com/svcsim/svcsim/selector"
)

// The lab's dry run of bigwebstuff, verbatim.
func TestRunDryRunAsTheLabShowsIt(t *testing.T) {
	c := newCLICluster(t)
	before := c.Digest()
	out, errOut, code := c.kubectl("run", "bigwebstuff", "--image", "nginx", "-l", "app=testweb", "--port", "80", "--dry-run=client", "-o", "yaml")
	require.Equal(t, 0, code, errOut)
	assert.Equal(t, `apiVersion: v1
kind: Pod
metadata:
  creationTimestamp: null
  labels:
    app: testweb
  name: bigwebstuff
spec:
  containers:
  - image: nginx
    name: bigwebstuff
    ports:
    - containerPort: 80
    resources: {}
  dnsPolicy: ClusterFirst
  restartPolicy: Always
status: {}
`, out)
	assert.Equal(t, before, c.Digest())
}

func TestRunCommandLine(t *testing.T) {
	setup := func(t *testing.T, c *cliCluster) { c.must(t, "run taken --image=nginx") }
	runCLICases(t, setup, []cliCase{
		{name: "pod", args: []string{"run", "web", "--image=nginx"}, stdout: "pod/web created\n"},
		{name: "labels env port restart", args: []string{"run", "web", "--image", "nginx", "-l", "app=web,tier=fe", "--env", "A=1", "--env=B=x=y", "--port=80", "--restart=Never"}, stdout: "pod/web created\n"},
		{name: "dry run", args: []string{"run", "web", "--image=nginx", "--dry-run=client"}, stdout: "pod/web created (dry run)\n"},
		{name: "expose", args: []string{"run", "web", "--image=nginx", "--port=80", "--expose"}, stdout: "pod/web created\nservice/web created\n"},
		{name: "-o name", args: []string{"run", "web", "--image=nginx", "-o", "name"}, stdout: "pod/web\n"},
		{name: "in another namespace, -n named in the dry run", args: []string{"run", "web", "--image=nginx", "-n", "kube-public", "--dry-run=client", "-o", "name"}, stdout: "pod/web\n"},

		{name: "no image", args: []string{"run", "web"}, stderr: "error: required flag(s) \"image\" not set\n", code: 1},
		{name: "empty image", args: []string{"run", "web", "--image="}, stderr: "error: --image is required\n", code: 1},
		{name: "no name", args: []string{"run", "--image=nginx"}, stderr: "error: NAME is required for run\n", code: 1},
		{name: "name after --", args: []string{"run", "--image=nginx", "--", "web"}, stderr: "error: NAME is required for run\n", code: 1},
		{name: "bad image", args: []string{"run", "web", "--image=Nginx"}, stderr: "error: invalid image name \"Nginx\": invalid reference format\n", code: 1},
		{name: "bad env", args: []string{"run", "web", "--image=nginx", "--env", "1A=x"}, stderr: "error: invalid env: 1A=x\n", code: 1},
		{name: "env without =", args: []string{"run", "web", "--image=nginx", "--env", "A"}, stderr: "error: invalid env: A\n", code: 1},
		{name: "bad label spec", args: []string{"run", "web", "--image=nginx", "-l", "app"}, stderr: "error: unexpected label spec: app\n", code: 1},
		{name: "bad label value", args: []string{"run", "web", "--image=nginx", "-l", "app=a b"}, stderr: "The Pod \"web\" is invalid: metadata.labels: Invalid value: \"a b\": a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')\n", code: 1},
		{name: "bad restart", args: []string{"run", "web", "--image=nginx", "--restart=Sometimes"}, stderr: "error: invalid restart policy: Sometimes, valid values are: Always, OnFailure, Never\n", code: 1},
		{name: "bad port", args: []string{"run", "web", "--image=nginx", "--port=http"}, stderr: "error: --port must be a number\n", code: 1},
		{name: "expose without port", args: []string{"run", "web", "--image=nginx", "--expose"}, stderr: "error: --port must be set when exposing a service\n", code: 1},
		{name: "tty without stdin", args: []string{"run", "web", "--image=nginx", "-t"}, stderr: "error: -i/--stdin is required for containers with -t/--tty=true\n", code: 1},
		{name: "rm without attach", args: []string{"run", "web", "--image=nginx", "--rm"}, stderr: "error: --rm should only be used for attached containers\n", code: 1},
		{name: "attach and dry run", args: []string{"run", "web", "--image=nginx", "-it", "--dry-run=client"}, stderr: "error: --dry-run=[server|client] can't be used with attached containers options (--attach, --stdin, or --tty)\n", code: 1},
		{name: "taken", args: []string{"run", "taken", "--image=nginx"}, stderr: "Error from server (AlreadyExists): pods \"taken\" already exists\n", code: 1},
		{name: "unknown flag", args: []string{"run", "web", "--image=nginx", "--replicas=2"}, stderr: "error: unknown flag: --replicas\nSee 'kubectl run --help' for usage.\n", code: 1},
	})
}

// The pod kubectl run sends: env, args, command, restart policy.
func TestRunPodShape(t *testing.T) {
	c := newCLICluster(t)
	c.must(t, "run web --image=busybox:1.36 --env SVC=10.96.0.7 --restart=Never -l app=web -- sleep 3600")
	c.must(t, "run cmd --image=busybox:1.36 --command -- sleep 3600")
	p, ok := cluster.GetAs[*cluster.Pod](c.Sim, "default", "web")
	require.True(t, ok)
	ctr := p.Spec.Containers[0]
	assert.Equal(t, []cluster.EnvVar{{Name: "SVC", Value: "10.96.0.7"}}, ctr.Env)
	assert.Equal(t, []string{"sleep", "3600"}, ctr.Args)
	assert.Empty(t, ctr.Command)
	assert.Equal(t, "Never", p.Spec.RestartPolicy)
	assert.Equal(t, map[string]string{"app": "web"}, map[string]string(p.Labels))
	q, _ := cluster.GetAs[*cluster.Pod](c.Sim, "default", "cmd")
	assert.Equal(t, []string{"sleep", "3600"}, q.Spec.Containers[0].Command)
	assert.Equal(t, map[string]string{"run": "cmd"}, map[string]string(q.Labels))
}

// `kubectl run -it`: the pod is made and waited for, kubectl's prompt
// lines come, and svcsim says there is no terminal; the pod stays.
func TestRunInteractive(t *testing.T) {
	c := newCLICluster(t)
	out, errOut, code := c.kubectl("run", "-it", "testclient", "--image=busybox:1.27", "--env", "SVC=10.96.0.7")
	assert.Equal(t, 0, code)
	assert.Equal(t, "Session ended, resume using 'kubectl attach testclient -c testclient -n default -i -t' command\n", out)
	assert.Equal(t, "All commands and output from this session will be recorded in container logs, including credentials and sensitive information passed through the command prompt.\n"+
		"If you don't see a command prompt, try pressing enter.\n"+
		"svcsim: there is no terminal to attach to a shell in pod/testclient; it keeps running: run commands in it with `kubectl exec testclient -- COMMAND` (wget, curl, nslookup, ...)\n", errOut)
	p, ok := cluster.GetAs[*cluster.Pod](c.Sim, "default", "testclient")
	require.True(t, ok)
	assert.True(t, p.IsReady(), "kubectl waits for the pod to be ready before it attaches")
	env, _, _ := c.kubectl("exec", "testclient", "--", "printenv", "SVC")
	assert.Equal(t, "10.96.0.7\n", env)
}

// `kubectl run --rm -i --restart=Never --image=busybox tmp -- wget ...`:
// the pod's own command runs as the session and the pod goes afterwards;
// a failing command is the pod's failure and sets the exit status.
func TestRunAttachedCommand(t *testing.T) {
	c := newCLICluster(t)
	c.must(t, "run web --image=nginx --port=80 --expose")
	out, errOut, code := c.kubectl("run", "tmp", "--rm", "-i", "--restart=Never", "--image=busybox:1.36", "-q", "--", "wget", "-qO-", "web")
	assert.Equal(t, 0, code, errOut)
	assert.Contains(t, out, "<title>Welcome to nginx!</title>")
	assert.Contains(t, out, "pod \"tmp\" deleted from default namespace\n")
	assert.Empty(t, errOut)

	out, errOut, code = c.kubectl("run", "tmp2", "--rm", "-i", "--restart=Never", "--image=busybox:1.36", "-q", "--", "wget", "-qO-", "nosuch")
	assert.Equal(t, 1, code)
	assert.Equal(t, "pod \"tmp2\" deleted from default namespace\n", out)
	assert.Equal(t, "wget: bad address 'nosuch'\npod default/tmp2 terminated (Error)\n", errOut)
}

// kubectl run -i waits --pod-running-timeout (a minute) of virtual time for
// a pod that cannot run, then gives up; the pod stays, as it would.
func TestRunInteractiveTimesOut(t *testing.T) {
	c := newCLICluster(t)
	for _, n := range cluster.ListAs[*cluster.Node](c.Sim, "", selector.Everything()) {
		require.NoError(t, c.NodeDown(n.Name))
	}
	start := c.Now()
	out, errOut, code := c.kubectl("run", "-it", "stuck", "--image=busybox", "--pod-running-timeout=30s")
	assert.Equal(t, 1, code)
	assert.Empty(t, out)
	assert.Equal(t, "error: timed out waiting for the condition\n", errOut)
	assert.Equal(t, start.Add(30*time.Second), c.Now())
	_, ok := cluster.GetAs[*cluster.Pod](c.Sim, "default", "stuck")
	assert.True(t, ok)
}

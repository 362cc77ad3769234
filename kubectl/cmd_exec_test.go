package kubectl_test

import (
	"bytes"
	"fmt"
	"testing"

	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/svcsim/svcsim/cluster"
	"github.com/svcsim/svcsim/kubectl"
	"github.com/svcsim/svcsim/proxy"
)

// labClient is the lab's setting: the testweb Service and the busybox
// 1.27 test client; with nginx, the bigwebstuff pod behind testweb too.
func labClient(nginx bool) func(t *testing.T, c *cliCluster) {
	return func(t *testing.T, c *cliCluster) {
		c.must(t, "create svc clusterip testweb --tcp 80")
		c.must(t, "create svc clusterip empty --tcp 80")
		c.must(t, "run testclient --image=busybox:1.27 --env SVC=10.96.0.7")
		c.must(t, "run curler --image=curlimages/curl:8.5.0")
		c.must(t, "run bb --image=busybox:1.36")
		if nginx {
			c.must(t, "run bigwebstuff --image nginx -l app=testweb --port 80")
		}
	}
}

// progress is busybox's progress line for the nginx page.
const progress = "-                    100% |*******************************|   615   0:00:00 ETA\n"

func TestExecCommandLine(t *testing.T) {
	runCLICases(t, labClient(true), []cliCase{
		{name: "wget -qO-", args: []string{"exec", "testclient", "--", "wget", "-qO-", "testweb"}, stdout: proxy.NginxWelcome},
		{name: "wget -q -O -", args: []string{"exec", "testclient", "--", "wget", "-q", "-O", "-", "http://testweb.default.svc.cluster.local/"}, stdout: proxy.NginxWelcome},
		{name: "wget saves a file", args: []string{"exec", "testclient", "--", "wget", "-q", "testweb"}},
		{name: "wget bad address", args: []string{"exec", "testclient", "--", "wget", "-O", "-", "nosuch"}, stderr: "wget: bad address 'nosuch'\ncommand terminated with exit code 1\n", code: 1},
		{name: "wget times out", args: []string{"exec", "testclient", "--", "wget", "-T", "5", "-O", "-", "10.1.1.1"}, stderr: "Connecting to 10.1.1.1 (10.1.1.1:80)\nwget: download timed out\ncommand terminated with exit code 1\n", code: 1},
		{name: "wget without timeout", args: []string{"exec", "testclient", "--", "wget", "-O", "-", "10.1.1.1:8080"}, stderr: "Connecting to 10.1.1.1 (10.1.1.1:8080)\nwget: can't connect to remote host (10.1.1.1): Connection timed out\ncommand terminated with exit code 1\n", code: 1},
		{name: "wget unknown option", args: []string{"exec", "testclient", "--", "wget", "--bogus", "testweb"}, stderr: "wget: unrecognized option '--bogus'\n" + wgetUsageForTest + "command terminated with exit code 1\n", code: 1},
		{name: "wget bad timeout", args: []string{"exec", "testclient", "--", "wget", "-T", "soon", "testweb"}, stderr: "wget: invalid number 'soon'\ncommand terminated with exit code 1\n", code: 1},
		{name: "curl -s", args: []string{"exec", "curler", "--", "curl", "-s", "testweb"}, stdout: proxy.NginxWelcome},
		{name: "curl -w", args: []string{"exec", "curler", "--", "curl", "-s", "-o", "/dev/null", "-w", `%{http_code}\n`, "testweb"}, stdout: "200\n"},
		{name: "curl cannot resolve", args: []string{"exec", "curler", "--", "curl", "-sS", "nosuch"}, stderr: "curl: (6) Could not resolve host: nosuch\ncommand terminated with exit code 6\n", code: 6},
		{name: "curl -s says nothing", args: []string{"exec", "curler", "--", "curl", "-s", "nosuch"}, stderr: "command terminated with exit code 6\n", code: 6},
		{name: "curl times out", args: []string{"exec", "curler", "--", "curl", "-sS", "-m", "2", "10.1.1.1"}, stderr: "curl: (28) Failed to connect to 10.1.1.1 port 80 after 2000 ms: Timeout was reached\ncommand terminated with exit code 28\n", code: 28},
		{name: "curl unknown option", args: []string{"exec", "curler", "--", "curl", "--bogus", "testweb"}, stderr: "curl: option --bogus: is unknown\ncurl: try 'curl --help' or 'curl --manual' for more information\ncommand terminated with exit code 2\n", code: 2},
		{name: "curl bad number", args: []string{"exec", "curler", "--", "curl", "-m", "soon", "testweb"}, stderr: "curl: option -m: expected a proper numerical parameter\ncurl: try 'curl --help' or 'curl --manual' for more information\ncommand terminated with exit code 2\n", code: 2},
		{name: "curl no URL", args: []string{"exec", "curler", "--", "curl"}, stderr: "curl: no URL specified!\ncurl: try 'curl --help' or 'curl --manual' for more information\ncommand terminated with exit code 2\n", code: 2},
		{name: "nslookup cannot resolve", args: []string{"exec", "testclient", "--", "nslookup", "nosuch"}, stdout: "Server:    10.96.0.10\nAddress 1: 10.96.0.10 kube-dns.kube-system.svc.cluster.local\n\n", stderr: "nslookup: can't resolve 'nosuch'\ncommand terminated with exit code 1\n", code: 1},
		{name: "newer nslookup cannot resolve", args: []string{"exec", "bb", "--", "nslookup", "nosuch"}, stdout: "Server:\t\t10.96.0.10\nAddress:\t10.96.0.10:53\n\n** server can't find nosuch: NXDOMAIN\n\n", stderr: "command terminated with exit code 1\n", code: 1},
		{name: "hostname", args: []string{"exec", "testclient", "--", "hostname"}, stdout: "testclient\n"},
		{name: "resolv.conf", args: []string{"exec", "testclient", "--", "cat", "/etc/resolv.conf"}, stdout: "search default.svc.cluster.local svc.cluster.local cluster.local\nnameserver 10.96.0.10\noptions ndots:5\n"},
		{name: "cat a missing file", args: []string{"exec", "testclient", "--", "cat", "/nope"}, stderr: "cat: can't open '/nope': No such file or directory\ncommand terminated with exit code 1\n", code: 1},
		{name: "printenv", args: []string{"exec", "testclient", "--", "printenv", "SVC"}, stdout: "10.96.0.7\n"},
		{name: "printenv missing", args: []string{"exec", "testclient", "--", "printenv", "NOPE"}, stderr: "command terminated with exit code 1\n", code: 1},
		{name: "sh -c with the pod's env", args: []string{"exec", "testclient", "--", "sh", "-c", "echo $HOSTNAME ${SVC}"}, stdout: "testclient 10.96.0.7\n"},
		{name: "sh -c not found", args: []string{"exec", "testclient", "--", "sh", "-c", "curl testweb"}, stderr: "sh: curl: not found\ncommand terminated with exit code 127\n", code: 127},
		{name: "false", args: []string{"exec", "testclient", "--", "/bin/false"}, stderr: "command terminated with exit code 1\n", code: 1},
		{name: "through a Service", args: []string{"exec", "svc/testweb", "--", "hostname"}, stdout: "bigwebstuff\n"},
		{name: "-it", args: []string{"exec", "-it", "testclient", "--", "hostname"}, stdout: "testclient\n"},

		{name: "interactive shell", args: []string{"exec", "-it", "testclient", "--", "sh"}, stderr: "error: svcsim has no terminal to run an interactive shell in a pod: give the command itself, `kubectl exec POD -- wget -qO- URL`, or one command with sh -c\n", code: 1},
		{name: "not simulated", args: []string{"exec", "testclient", "--", "ls", "/"}, stderr: "error: svcsim does not simulate \"ls\" inside pods; kubectl exec runs wget, curl, nslookup, hostname, cat, env, printenv, echo, sleep, true, false and sh -c\n", code: 1},
		{name: "no such pod", args: []string{"exec", "nosuch", "--", "hostname"}, stderr: "Error from server (NotFound): pods \"nosuch\" not found\n", code: 1},
		{name: "no command", args: []string{"exec", "testclient"}, stderr: "error: you must specify at least one command for the container\n", code: 1},
		{name: "no pod", args: []string{"exec", "--", "hostname"}, stderr: "error: pod, type/name or --filename must be specified\n", code: 1},
		{name: "old form", args: []string{"exec", "testclient", "hostname"}, stderr: "error: exec [POD] [COMMAND] is not supported anymore. Use exec [POD] -- [COMMAND] instead\nSee 'kubectl exec -h' for help and examples\n", code: 1},
		{name: "bad container", args: []string{"exec", "testclient", "-c", "nope", "--", "hostname"}, stderr: "error: container nope is not valid for pod testclient out of: testclient\n", code: 1},
		{name: "unknown type", args: []string{"exec", "foo/bar", "--", "hostname"}, stderr: "error: the server doesn't have a resource type \"foo\"\n", code: 1},
		{name: "unknown flag", args: []string{"exec", "testclient", "--bogus", "--", "hostname"}, stderr: "error: unknown flag: --bogus\nSee 'kubectl exec --help' for usage.\n", code: 1},
	})
}

// wgetUsageForTest is busybox wget's usage head.
const wgetUsageForTest = `BusyBox v1.27.2 (2017-12-12 10:41:50 UTC) multi-call binary.

Usage: wget [-c|--continue] [--spider] [-q|--quiet] [-O|--output-document FILE]
	[--header 'header: value'] [-Y|--proxy on/off] [-P DIR]
	[-S|--server-response] [-U|--user-agent AGENT] [-T SEC] URL...

Retrieve files via HTTP or FTP
`

// serviceIP is a Service's cluster IP, which the cluster drew.
func (c *cliCluster) serviceIP(t *testing.T, name string) string {
	t.Helper()
	svc, ok := cluster.GetAs[*cluster.Service](c.Sim, "default", name)
	require.True(t, ok)
	return svc.Spec.ClusterIP
}

// The lab, §1, as typed: a Service with no pod, then with nginx behind it.
// The lab's transcript shows a timeout for the empty Service; svcsim's
// kube-proxy REJECTs instead, as kube-proxy does today (see package
// proxy), so wget reports the refusal it would now.
func TestExecLabFlow(t *testing.T) {
	c := newCLICluster(t)
	c.must(t, "create svc clusterip testweb --tcp 80")
	svc, _, code := c.kubectl("get", "service", "testweb", "--template={{.spec.clusterIP}}")
	if code != 0 { // get is another verb's; read the store while it is not there
		svc = c.serviceIP(t, "testweb")
	}
	_, _, code = c.kubectl("run", "-it", "testclient", "--image=busybox:1.27", "--env", "SVC="+svc)
	require.Equal(t, 0, code)

	out, errOut, code := c.kubectl("exec", "testclient", "--", "wget", "--timeout", "5", "-O", "-", svc)
	assert.Equal(t, 1, code)
	assert.Empty(t, out)
	assert.Equal(t, fmt.Sprintf("Connecting to %[1]s (%[1]s:80)\nwget: can't connect to remote host (%[1]s): Connection refused\ncommand terminated with exit code 1\n", svc), errOut)

	assert.Equal(t, "pod/bigwebstuff created\n", c.must(t, "run bigwebstuff --image nginx -l app=testweb --port 80"))
	out, errOut, code = c.kubectl("exec", "testclient", "--", "wget", "--timeout", "5", "-O", "-", svc)
	assert.Equal(t, 0, code)
	assert.Equal(t, proxy.NginxWelcome, out)
	assert.Equal(t, fmt.Sprintf("Connecting to %[1]s (%[1]s:80)\n", svc)+progress, errOut)
}

// Outcomes whose words carry the addresses the cluster drew.
func TestExecNetworkOutcomes(t *testing.T) {
	c := newCLICluster(t)
	labClient(true)(t, c)
	web, empty := c.serviceIP(t, "testweb"), c.serviceIP(t, "empty")
	cases := []cliCase{
		{name: "wget refused", args: []string{"exec", "testclient", "--", "wget", "-O", "-", "empty"},
			stderr: "Connecting to empty (" + empty + ":80)\nwget: can't connect to remote host (" + empty + "): Connection refused\ncommand terminated with exit code 1\n", code: 1},
		{name: "newer busybox wget", args: []string{"exec", "bb", "--", "wget", "-O", "-", "testweb"}, stdout: proxy.NginxWelcome,
			stderr: "Connecting to testweb (" + web + ":80)\nwriting to stdout\n" + progress + "written to stdout\n"},
		{name: "curl refused", args: []string{"exec", "curler", "--", "curl", "-sS", "empty"},
			stderr: "curl: (7) Failed to connect to empty port 80 after 0 ms: Couldn't connect to server\ncommand terminated with exit code 7\n", code: 7},
		{name: "curl's progress meter", args: []string{"exec", "curler", "--", "curl", "testweb"}, stdout: proxy.NginxWelcome,
			stderr: "  % Total    % Received % Xferd  Average Speed   Time    Time     Time  Current\n" +
				"                                 Dload  Upload   Total   Spent    Left  Speed\n" +
				"\r  0     0    0     0    0     0      0      0 --:--:-- --:--:-- --:--:--     0" +
				"\r100   615  100   615    0     0   600k      0 --:--:-- --:--:-- --:--:--  600k\n"},
		{name: "nslookup 1.27", args: []string{"exec", "testclient", "--", "nslookup", "testweb"},
			stdout: "Server:    10.96.0.10\nAddress 1: 10.96.0.10 kube-dns.kube-system.svc.cluster.local\n\nName:      testweb\nAddress 1: " + web + " testweb.default.svc.cluster.local\n"},
		{name: "nslookup newer", args: []string{"exec", "bb", "--", "nslookup", "testweb"},
			stdout: "Server:\t\t10.96.0.10\nAddress:\t10.96.0.10:53\n\nName:\ttestweb.default.svc.cluster.local\nAddress: " + web + "\n\n"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			out, errOut, code := c.kubectl(tc.args...)
			assert.Equal(t, tc.stdout, out, "stdout")
			assert.Equal(t, tc.stderr, errOut, "stderr")
			assert.Equal(t, tc.code, code, "exit status")
		})
	}
}

// A command the image does not have fails to start, in containerd's
// words, and changes nothing.
func TestExecExecutableNotFound(t *testing.T) {
	c := newCLICluster(t)
	labClient(false)(t, c)
	before := c.Digest()
	for _, cmd := range []string{"curl", "foo", "/bin/bash"} {
		out, errOut, code := c.kubectl("exec", "testclient", "--", cmd, "testweb")
		assert.Equal(t, 1, code)
		assert.Empty(t, out)
		assert.Regexp(t, `^error: Internal error occurred: error executing command in container: failed to exec in container: failed to start exec "[0-9a-f]{64}": OCI runtime exec failed: exec failed: unable to start container process: exec: "`+cmd+`": executable file not found in \$PATH: unknown\n$`, errOut)
	}
	assert.Equal(t, before, c.Digest())
}

// A pod that has no node yet, or whose containers do not run, cannot run
// a command: the apiserver's and the kubelet's refusals.
func TestExecPodNotRunning(t *testing.T) {
	c := newCLICluster(t)
	_, _, code := c.kubectl("run", "early", "--image=busybox")
	require.Equal(t, 0, code)
	out, errOut, code := c.kubectl("exec", "early", "--", "hostname")
	assert.Equal(t, 1, code)
	assert.Empty(t, out)
	assert.Equal(t, "Error from server (BadRequest): pod early does not have a host assigned\n", errOut)

	for c.Step() { // until the scheduler has placed it, before it runs
		if p, _ := cluster.GetAs[*cluster.Pod](c.Sim, "default", "early"); p.Spec.NodeName != "" {
			break
		}
	}
	_, errOut, code = c.kubectl("exec", "early", "--", "hostname")
	assert.Equal(t, 1, code)
	assert.Equal(t, "error: unable to upgrade connection: container not found (\"early\")\n", errOut)
}

// A client without the network runs what needs none and says why it
// cannot run the rest.
func TestExecWithoutNetwork(t *testing.T) {
	c := newCLICluster(t)
	labClient(false)(t, c)
	k := kubectl.New(c.Sim, "")
	var out, errOut bytes.Buffer
	code := k.Exec(kubectl.IO{Out: &out, Err: &errOut}, "exec", "testclient", "--", "hostname")
	assert.Equal(t, 0, code)
	assert.Equal(t, "testclient\n", out.String())
	for _, cmd := range [][]string{{"wget", "-qO-", "testweb"}, {"nslookup", "testweb"}} {
		out.Reset()
		errOut.Reset()
		code = k.Exec(kubectl.IO{Out: &out, Err: &errOut}, append([]string{"exec", "testclient", "--"}, cmd...)...)
		assert.Equal(t, 1, code)
		assert.Equal(t, "error: svcsim: this client has no network to run the command on: make it with svcsim.New(...).Kubectl(namespace), or give it one with Client.WithNetwork\n", errOut.String())
	}
}

// sleep inside a pod lets virtual time pass, and the cluster with it.
func TestExecSleepAdvancesVirtualTime(t *testing.T) {
	c := newCLICluster(t)
	labClient(false)(t, c)
	start := c.Now()
	_, _, code := c.kubectl("exec", "testclient", "--", "sleep", "2.5")
	require.Equal(t, 0, code)
	assert.Equal(t, start.Add(2500*time.Millisecond), c.Now())
}

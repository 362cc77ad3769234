package kubectl_test

import (
	"bytes"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	svcsim "github.com/svcsim/svcsim"
	"github.com/svcsim/svcsim/kubectl"
)

// execSeeds are command lines of every verb kubectl has, the ones svcsim
// does not have yet included: those must fail cleanly, not panic.
var execSeeds = [][]string{
	{"get", "pods"}, {"get", "po", "-o", "wide"}, {"get", "all"}, {"get", "svc", "web", "--template={{.spec.clusterIP}}"},
	{"get", "po", "-l", "app=web", "-o", "name"}, {"get", "ep", "web"}, {"get", "po", "web", "-o", "json"},
	{"get", "po", "-o", "jsonpath={range .items[*]}{.metadata.name}{\"\\n\"}{end}"}, {"get", "events", "-A"},
	{"get", "po,svc", "-A", "--show-labels", "--no-headers"}, {"get", "deploy/web", "rs/web", "-o", "yaml"},
	{"get", "po", "-o", "go-template={{range .items}}{{.metadata.name}}{{end}}"}, {"get", "po", "-l", "a in (b"},
	{"describe", "svc", "web"}, {"describe", "po"}, {"describe", "deploy", "w"}, {"describe", "no", "node-1"}, {"describe", "ns"},
	{"apply", "-f", "-"}, {"apply", "-f", "web.yaml"}, {"create", "-f", "-"}, {"delete", "-f", "-"},
	{"create", "deployment", "web", "--image=nginx", "--replicas=3"}, {"create", "service", "clusterip", "web", "--tcp=80:8080"},
	{"create", "service", "nodeport", "web", "--tcp=80"}, {"create", "deployment", "web", "--image=nginx", "--dry-run=client", "-o", "yaml"},
	{"delete", "po", "web"}, {"delete", "po", "-l", "app=web"}, {"delete", "po", "--all", "--grace-period=0", "--force"},
	{"label", "po", "web", "tier=front"}, {"label", "po", "web", "app=x", "--overwrite"}, {"label", "po", "-l", "app=web", "app-"},
	{"annotate", "po", "web", "note=x"}, {"annotate", "po", "--all", "note-"},
	{"run", "web", "--image=nginx", "--port=80", "-l", "app=web"}, {"run", "-it", "t", "--image=busybox", "--env", "A=1", "--restart=Never"},
	{"run", "web", "--image=nginx", "--dry-run=client", "-o", "yaml"},
	{"expose", "deploy", "web", "--port=80", "--target-port=8080"}, {"expose", "po", "web", "--port=80", "--type=NodePort"},
	{"scale", "deploy", "web", "--replicas=5"}, {"scale", "rs/web", "--replicas=0"},
	{"set", "image", "deploy/web", "nginx=nginx:1.27"}, {"set", "selector", "svc", "web", "app=green"},
	{"patch", "svc", "web", "-p", `{"spec":{"selector":{"app":"green"}}}`},
	{"patch", "svc", "web", "--type=json", "-p", `[{"op":"replace","path":"/spec/selector/app","value":"g"}]`},
	{"rollout", "status", "deploy/web"}, {"rollout", "history", "deploy/web"}, {"rollout", "undo", "deploy/web", "--to-revision=1"},
	{"rollout", "pause", "deploy/web"}, {"rollout", "resume", "deploy/web"}, {"rollout", "restart", "deploy/web"},
	{"exec", "web", "--", "wget", "-qO", "-", "http://web"}, {"exec", "web", "--", "curl", "-s", "web"}, {"exec", "web", "--", "nslookup", "web"},
	{"exec", "-it", "web", "--", "sh"}, {"logs", "web"}, {"edit", "svc", "web"}, {"explain", "pods"}, {"api-resources"}, {"version"},
	{"config", "view"}, {"top", "pods"}, {"cp", "a", "b"}, {"port-forward", "web", "8080:80"}, {"attach", "web"},
	{"wait", "--for=condition=Ready", "po/web"}, {"diff", "-f", "-"}, {"replace", "-f", "-"}, {"autoscale", "deploy", "web", "--max=3"},
	{"cordon", "node-1"}, {"drain", "node-1"}, {"taint", "nodes", "node-1", "k=v:NoSchedule"}, {"cluster-info"}, {"events"},
	{"auth", "can-i", "get", "pods"}, {"kustomize", "."}, {"help"}, {"get", "--help"}, {}, {"-n"}, {"--"}, {"get", "-o"},
}

// makingSeeds are command lines of run, create, expose and exec, their
// arguments separated by NUL as FuzzExec takes them.
var makingSeeds = []string{
	"create\x00svc\x00clusterip\x00testweb\x00--tcp\x0080\x00--dry-run=client\x00-o\x00yaml",
	"create\x00deployment\x00web\x00--image=nginx\x00--replicas=3\x00--port=80",
	"create\x00svc\x00nodeport\x00web\x00--tcp=80:http,443\x00--node-port=99999",
	"create\x00svc\x00externalname\x00x\x00--external-name=a..b",
	"create\x00ns\x00a\x00-o\x00json",
	"create",
	"run\x00bigwebstuff\x00--image\x00nginx\x00-l\x00app=testweb\x00--port\x0080\x00--dry-run=client\x00-o\x00yaml",
	"run\x00-it\x00tc\x00--image=busybox:1.27\x00--env\x00SVC=1.2.3.4",
	"run\x00t\x00--rm\x00-i\x00--restart=Never\x00--image=busybox\x00--\x00wget\x00-qO-\x00web",
	"run\x00p\x00--image=nginx\x00--port=99999999999\x00--expose",
	"expose\x00deployment\x00web\x00--port=80\x00--target-port=x\x00--type=NodePort",
	"expose\x00pod/client\x00--protocol=UDP\x00--cluster-ip=None",
	"exec\x00client\x00--\x00wget\x00-qO-\x00web",
	"exec\x00client\x00--\x00wget\x00-T\x000\x00-O\x00x\x00http://web:99999/",
	"exec\x00client\x00--\x00curl\x00-sSfm\x000.5\x00-w\x00%{http_code}\x00web",
	"exec\x00client\x00--\x00nslookup\x00web.default.svc.cluster.local.",
	"exec\x00client\x00--\x00sh\x00-c\x00echo ${SVC $HOME '\"",
	"exec\x00client\x00--\x00sleep\x001e9",
	"exec\x00-c\x00\x00client\x00--\x00cat\x00/etc/hosts\x00-",
	"exec\x00deploy/web\x00--\x00hostname",
}

// fuzzCluster is FuzzExec's cluster: a Deployment of one pod, settled.
// It is rebuilt only when a command changed it, so that every command
// runs on the same state (a failure replays) without paying a millisecond
// to build a cluster for each of the fuzzer's inputs.
var fuzzCluster struct {
	c      *svcsim.Cluster
	k      *kubectl.Client
	digest string
}

func pristineCluster(t *testing.T) (*svcsim.Cluster, *kubectl.Client) {
	if fuzzCluster.c == nil || fuzzCluster.c.Digest() != fuzzCluster.digest {
		c, err := svcsim.New(svcsim.Config{Seed: 1, Nodes: 1})
		require.NoError(t, err)
		k := c.Kubectl("")
		_, err = k.CreateDeployment("web", kubectl.DeploymentOptions{Image: "nginx", Replicas: 1})
		require.NoError(t, err)
		require.Zero(t, k.Exec(kubectl.IO{}, "run", "client", "--image=busybox:1.27", "--env", "SVC=web"))
		require.NoError(t, c.Settle())
		require.Zero(t, k.Exec(kubectl.IO{}, "expose", "deployment", "web", "--port=80"))
		require.NoError(t, c.Settle())
		fuzzCluster.c, fuzzCluster.k, fuzzCluster.digest = c, k, c.Digest()
	}
	return fuzzCluster.c, fuzzCluster.k
}

// FuzzExec runs arbitrary command lines (arguments separated by NUL) on a
// small cluster: none may panic, every one ends with an exit status, a
// failure says why on stderr, and get and describe, which only read,
// change nothing.
func FuzzExec(f *testing.F) {
	for _, args := range execSeeds {
		f.Add(strings.Join(args, "\x00"))
	}
	for _, line := range makingSeeds {
		f.Add(line)
	}
	f.Fuzz(func(t *testing.T, line string) {
		args := strings.Split(line, "\x00")
		if line == "" {
			args = nil
		}
		c, k := pristineCluster(t)
		before := c.Digest()
		var out, errOut bytes.Buffer
		code := k.Exec(kubectl.IO{In: strings.NewReader("kind: Pod\n"), Out: &out, Err: &errOut}, args...)
		assert.GreaterOrEqual(t, code, 0)
		if code != 0 {
			assert.NotEmpty(t, errOut.String(), "a failure says why")
		}
		if len(args) > 0 && (args[0] == "get" || args[0] == "describe") {
			assert.Equal(t, before, c.Digest(), "%q changes nothing", args)
		}
	})
}

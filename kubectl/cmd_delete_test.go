package kubectl

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/svcsim/svcsim/cluster"
)

// labFixture is lab §3's cleanup state: the bigwebstuff Deployment and
// pod and the testweb Service, settled.
func labFixture(e *mutEnv) {
	e.must("apply", "-f", "svc.yaml", "-f", "webd.yaml", "-f", "bigwebstuff.yaml")
}

// stubbornPod is a pod whose app ignores SIGTERM, so that its graceful
// deletion takes the whole grace period.
func stubbornPod(e *mutEnv, name string, grace int64) {
	_, err := e.s.Create(&cluster.Pod{ObjectMeta: cluster.ObjectMeta{Name: name, Namespace: "default"},
		Spec: cluster.PodSpec{Containers: []cluster.Container{{Name: "web", Image: "nginx"}},
			TerminationGracePeriodSeconds: cluster.Ptr(grace), OnSIGTERM: cluster.SigtermIgnore}})
	require.NoError(e.t, err)
	require.NoError(e.t, e.s.Settle())
}

func gone(e *mutEnv, kind cluster.Kind, name string) bool {
	_, ok := e.s.Get(kind, "default", name)
	return !ok
}

func TestExecDelete(t *testing.T) {
	warning := "Warning: Immediate deletion does not wait for confirmation that the running resource has been terminated. The resource may continue to run on the cluster indefinitely.\n"
	runCases(t, []cmdCase{
		{name: "lab §3 cleanup", setup: labFixture, args: []string{"delete", "deploy/bigwebstuff", "po/bigwebstuff", "svc/testweb"},
			out: "deployment.apps \"bigwebstuff\" deleted from default namespace\npod \"bigwebstuff\" deleted from default namespace\nservice \"testweb\" deleted from default namespace\n",
			check: func(e *mutEnv) {
				assert.True(e.t, gone(e, cluster.KindPod, "bigwebstuff"), "--wait waits until the pod is gone")
				assert.True(e.t, gone(e, cluster.KindDeployment, "bigwebstuff"))
			}},
		{name: "lab §5 pods", setup: func(e *mutEnv) { e.pod("testclient", nil); e.pod("bgtest", nil) },
			args: []string{"delete", "pod", "testclient", "bgtest"},
			out:  "pod \"testclient\" deleted from default namespace\npod \"bgtest\" deleted from default namespace\n"},
		{name: "lab §5 files", setup: func(e *mutEnv) { e.must("apply", "-f", "blue.yaml", "-f", "green.yaml", "-f", "bgsvc.yaml") },
			args: []string{"delete", "-f", "blue.yaml", "-f", "green.yaml", "-f", "bgsvc.yaml"},
			out:  "replicaset.apps \"blue-rs\" deleted from default namespace\nreplicaset.apps \"green-rs\" deleted from default namespace\nservice \"blue-green-svc\" deleted from default namespace\n"},
		{name: "book delete svc", setup: func(e *mutEnv) { e.must("apply", "-f", "svc.yml") },
			args: []string{"delete", "svc", "hello-svc"}, out: "service \"hello-svc\" deleted from default namespace\n"},
		{name: "one missing, the others deleted", setup: func(e *mutEnv) { e.pod("a", nil) },
			args: []string{"delete", "pod", "x", "a"}, out: "pod \"a\" deleted from default namespace\n",
			err: "Error from server (NotFound): pods \"x\" not found\n", code: 1},
		{name: "missing deployment", args: []string{"delete", "deploy", "x"},
			err: "Error from server (NotFound): deployments.apps \"x\" not found\n", code: 1, same: true},
		{name: "--ignore-not-found", args: []string{"delete", "deploy", "x", "--ignore-not-found"}, out: "No resources found\n", same: true},
		{name: "delete -f of a missing object", args: []string{"delete", "-f", "svc.yaml"},
			err: "Error from server (NotFound): error when deleting \"svc.yaml\": services \"testweb\" not found\n", code: 1, same: true},
		{name: "-l", setup: func(e *mutEnv) {
			e.pod("a", map[string]string{"app": "x"})
			e.pod("b", map[string]string{"app": "y"})
			e.pod("c", map[string]string{"app": "x"})
		}, args: []string{"delete", "pods", "-l", "app=x"},
			out:   "pod \"a\" deleted from default namespace\npod \"c\" deleted from default namespace\n",
			check: func(e *mutEnv) { assert.False(e.t, gone(e, cluster.KindPod, "b")) }},
		{name: "-l matching nothing", args: []string{"delete", "pods", "-l", "app=x"}, out: "No resources found\n", same: true},
		{name: "--all", setup: func(e *mutEnv) { e.pod("a", nil); e.pod("b", nil) }, args: []string{"delete", "po", "--all"},
			out: "pod \"a\" deleted from default namespace\npod \"b\" deleted from default namespace\n"},
		{name: "-o name", setup: func(e *mutEnv) { e.pod("a", nil) }, args: []string{"delete", "pod/a", "-o", "name"}, out: "pod/a\n"},
		{name: "--force --grace-period=0", setup: func(e *mutEnv) { stubbornPod(e, "a", 30) },
			args: []string{"delete", "pod", "a", "--force", "--grace-period=0"},
			out:  "pod \"a\" force deleted from default namespace\n", err: warning,
			check: func(e *mutEnv) { assert.True(e.t, gone(e, cluster.KindPod, "a")) }},
		{name: "--force alone is immediate", setup: func(e *mutEnv) { stubbornPod(e, "a", 30) },
			args: []string{"delete", "pod", "a", "--force"},
			out:  "pod \"a\" force deleted from default namespace\n", err: warning},
		{name: "--force with a grace period", args: []string{"delete", "pod", "a", "--force", "--grace-period=5"},
			err: "error: --force and --grace-period greater than 0 cannot be specified together\n", code: 1, same: true},
		{name: "--now with --grace-period", args: []string{"delete", "pod", "a", "--now", "--grace-period=5"},
			err: "error: --now and --grace-period cannot be specified together\n", code: 1, same: true},
		{name: "graceful deletion waits", setup: func(e *mutEnv) { stubbornPod(e, "a", 30) },
			args: []string{"delete", "pod", "a"}, out: "pod \"a\" deleted from default namespace\n",
			check: func(e *mutEnv) {
				assert.True(e.t, gone(e, cluster.KindPod, "a"))
				assert.GreaterOrEqual(e.t, e.s.Now().Duration(), 30*time.Second, "the grace period passed")
			}},
		{name: "--grace-period shortens it", setup: func(e *mutEnv) { stubbornPod(e, "a", 30) },
			args: []string{"delete", "pod", "a", "--grace-period=3"}, out: "pod \"a\" deleted from default namespace\n",
			check: func(e *mutEnv) {
				assert.True(e.t, gone(e, cluster.KindPod, "a"))
				assert.Less(e.t, e.s.Now().Duration(), 10*time.Second)
			}},
		{name: "--wait=false returns at once", setup: func(e *mutEnv) { stubbornPod(e, "a", 30) },
			args: []string{"delete", "pod", "a", "--wait=false"}, out: "pod \"a\" deleted from default namespace\n",
			check: func(e *mutEnv) {
				o, ok := e.s.Get(cluster.KindPod, "default", "a")
				require.True(e.t, ok, "still terminating")
				assert.NotNil(e.t, o.Meta().DeletionTimestamp)
			}},
		{name: "--timeout", setup: func(e *mutEnv) { stubbornPod(e, "a", 30) },
			args: []string{"delete", "pod", "a", "--timeout=5s"}, out: "pod \"a\" deleted from default namespace\n",
			err: "error: timed out waiting for the condition on pods/a\n", code: 1},
		{name: "a pod on a lost node, waited for hours", setup: func(e *mutEnv) {
			stubbornPod(e, "a", 30)
			p, _ := cluster.GetAs[*cluster.Pod](e.s, "default", "a")
			require.NoError(e.t, e.s.NodeDown(p.Spec.NodeName))
		}, args: []string{"delete", "pod", "a", "--timeout=5h"}, out: "pod \"a\" deleted from default namespace\n",
			err: "error: timed out waiting for the condition on pods/a\n", code: 1,
			check: func(e *mutEnv) {
				p, ok := cluster.GetAs[*cluster.Pod](e.s, "default", "a")
				require.True(e.t, ok, "its kubelet cannot finish it")
				assert.Equal(e.t, p.DeletionTimestamp.Add(-30*time.Second).Add(5*time.Hour), e.s.Now(), "exactly the timeout later")
			}},
		{name: "dry run", setup: func(e *mutEnv) { e.pod("a", nil) }, args: []string{"delete", "pod", "a", "--dry-run=client"},
			out: "pod \"a\" deleted from default namespace (dry run)\n", same: true},
		{name: "a namespace kubectl may not delete",
			args: []string{"delete", "ns", "kube-public"},
			err:  "Error from server (Forbidden): namespaces \"kube-public\" is forbidden: this namespace may not be deleted\n", code: 1, same: true},
		{name: "cluster-scoped with -n", setup: func(e *mutEnv) {
			_, err := e.s.Create(&cluster.Namespace{ObjectMeta: cluster.ObjectMeta{Name: "dev"}})
			require.NoError(e.t, err)
		}, args: []string{"delete", "ns", "dev", "-n", "default"}, out: "namespace \"dev\" deleted\n",
			err: "Warning: deleting cluster-scoped resources, not scoped to the provided namespace\n"},
		{name: "nothing named", args: []string{"delete"}, err: "error: " + errMissingResource.Error() + "\n", code: 1, same: true},
		{name: "type without names", args: []string{"delete", "pods"},
			err: "error: resource(s) were provided, but no name was specified\n", code: 1, same: true},
		{name: "names and a selector", args: []string{"delete", "pods", "a", "-l", "x=y"},
			err: "error: name cannot be provided when a selector is specified\n", code: 1, same: true},
		{name: "--all and a selector", args: []string{"delete", "pods", "--all", "-l", "x=y"},
			err: "error: setting 'all' parameter but found a non empty selector. \n", code: 1, same: true},
		{name: "files and names", args: []string{"delete", "-f", "svc.yaml", "svc", "x"},
			err: "error: when paths, URLs, or stdin is provided as input, you may not specify resource arguments as well\n", code: 1, same: true},
		{name: "unknown type", args: []string{"delete", "foo", "x"}, err: "error: the server doesn't have a resource type \"foo\"\n", code: 1, same: true},
		{name: "bad -o", args: []string{"delete", "pod", "a", "-o", "yaml"},
			err: "error: unexpected -o output mode: yaml. We only support '-o name'\n", code: 1, same: true},
		{name: "bad grace period", args: []string{"delete", "pod", "a", "--grace-period=x"},
			err: "error: invalid argument \"x\" for \"--grace-period\" flag: strconv.ParseInt: parsing \"x\": invalid syntax\nSee 'kubectl delete --help' for usage.\n", code: 1, same: true},
		{name: "--cascade=orphan refused", args: []string{"delete", "deploy", "x", "--cascade=orphan"},
			err: "error: --cascade=orphan is not supported by svcsim: its garbage collector deletes dependents in the background only\n", code: 1, same: true},
	})
}

package kubectl

import (
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/svcsim/svcsim/cluster"
	"github.com/svcsim/svcsim/selector"
)

// bluePods are lab §4's blue pods, bare so that their names are fixed.
func bluePods(e *mutEnv) {
	for _, n := range []string{"blue-rs-656j5", "blue-rs-ntn57", "blue-rs-z5zth"} {
		e.pod(n, map[string]string{"demo": "blue-rs"})
	}
}

func TestExecLabel(t *testing.T) {
	blue := []string{"pod/blue-rs-656j5", "pod/blue-rs-ntn57", "pod/blue-rs-z5zth"}
	labelBlue := append(append([]string{"label"}, blue...), "method=blue-green")
	unlabelBlue := append(append([]string{"label"}, blue...), "method-")
	withMethod := func(e *mutEnv) {
		bluePods(e)
		e.must(labelBlue...)
	}
	runCases(t, []cmdCase{
		{name: "lab §4: $(kubectl get po -o name) method=blue-green", setup: bluePods, args: labelBlue,
			out: "pod/blue-rs-656j5 labeled\npod/blue-rs-ntn57 labeled\npod/blue-rs-z5zth labeled\n",
			check: func(e *mutEnv) {
				assert.Equal(e.t, selector.Set{"demo": "blue-rs", "method": "blue-green"}, e.labels(cluster.KindPod, "blue-rs-ntn57"))
			}},
		{name: "lab §4: method-", setup: withMethod, args: unlabelBlue,
			out: "pod/blue-rs-656j5 unlabeled\npod/blue-rs-ntn57 unlabeled\npod/blue-rs-z5zth unlabeled\n",
			check: func(e *mutEnv) {
				assert.Equal(e.t, selector.Set{"demo": "blue-rs"}, e.labels(cluster.KindPod, "blue-rs-656j5"))
			}},
		{name: "TYPE NAME", setup: bluePods, args: []string{"label", "pods", "blue-rs-656j5", "tier=web"}, out: "pod/blue-rs-656j5 labeled\n"},
		{name: "same value is not labeled", setup: withMethod, args: []string{"label", "po", "blue-rs-656j5", "method=blue-green"},
			out: "pod/blue-rs-656j5 not labeled\n", same: true},
		{name: "a value without --overwrite", setup: withMethod, args: []string{"label", "po", "blue-rs-656j5", "method=x"},
			err: "error: 'method' already has a value (blue-green), and --overwrite is false\n", code: 1, same: true},
		{name: "--overwrite", setup: withMethod, args: []string{"label", "po", "blue-rs-656j5", "method=x", "--overwrite"},
			out:   "pod/blue-rs-656j5 labeled\n",
			check: func(e *mutEnv) { assert.Equal(e.t, "x", e.labels(cluster.KindPod, "blue-rs-656j5")["method"]) }},
		{name: "set and remove is modified", setup: withMethod, args: []string{"label", "po", "blue-rs-656j5", "a=b", "method-"},
			out: "pod/blue-rs-656j5 modified\n"},
		{name: "removing a missing label", setup: bluePods, args: []string{"label", "po", "blue-rs-656j5", "method-"},
			out: "label \"method\" not found.\npod/blue-rs-656j5 not labeled\n", same: true},
		{name: "-l", setup: func(e *mutEnv) { bluePods(e); e.pod("other", nil) }, args: []string{"label", "pods", "-l", "demo=blue-rs", "method=blue-green"},
			out:   "pod/blue-rs-656j5 labeled\npod/blue-rs-ntn57 labeled\npod/blue-rs-z5zth labeled\n",
			check: func(e *mutEnv) { assert.Empty(e.t, e.labels(cluster.KindPod, "other")) }},
		{name: "--all", setup: func(e *mutEnv) { e.pod("a", nil); e.pod("b", nil) }, args: []string{"label", "pods", "--all", "x=y"},
			out: "pod/a labeled\npod/b labeled\n"},
		{name: "-l matching nothing", args: []string{"label", "pods", "-l", "demo=blue-rs", "x=y"}, same: true},
		{name: "one missing, the others labeled", setup: bluePods, args: []string{"label", "pod/x", "pod/blue-rs-656j5", "a=b"},
			out: "pod/blue-rs-656j5 labeled\n", err: "Error from server (NotFound): pods \"x\" not found\n", code: 1},
		{name: "each refusal reported", setup: withMethod, args: []string{"label", "pods", "--all", "method=x"},
			err:  "'method' already has a value (blue-green), and --overwrite is false\n'method' already has a value (blue-green), and --overwrite is false\n'method' already has a value (blue-green), and --overwrite is false\n",
			code: 1, same: true},
		{name: "--list one", setup: withMethod, args: []string{"label", "pod/blue-rs-656j5", "--list"},
			out: "demo=blue-rs\nmethod=blue-green\n", same: true},
		{name: "--list several", setup: func(e *mutEnv) { e.pod("a", map[string]string{"x": "1"}); e.must("apply", "-f", "webd.yaml") },
			args: []string{"label", "pod/a", "deploy/bigwebstuff", "--list"},
			out:  "Listing labels for Pod./a:\n x=1\nListing labels for Deployment.apps/bigwebstuff:\n app=testweb\n", same: true},
		{name: "a Deployment", setup: func(e *mutEnv) { e.must("apply", "-f", "webd.yaml") }, args: []string{"label", "deploy", "bigwebstuff", "a=b"},
			out: "deployment.apps/bigwebstuff labeled\n"},
		{name: "dry run", setup: bluePods, args: []string{"label", "pod/blue-rs-656j5", "a=b", "--dry-run=client"},
			out: "pod/blue-rs-656j5 labeled (dry run)\n", same: true},
		{name: "a bad key is the apiserver's", setup: bluePods, args: []string{"label", "pod/blue-rs-656j5", "a b=c"},
			err:  "The Pod \"blue-rs-656j5\" is invalid: metadata.labels: Invalid value: \"a b\": name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')\n",
			code: 1, same: true},
		{name: "a bad value is kubectl's", setup: bluePods, args: []string{"label", "pod/blue-rs-656j5", "a=b c"},
			err:  "error: invalid label value: \"a=b c\": a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')\n",
			code: 1, same: true},
		{name: "two equals", args: []string{"label", "pod/a", "a=b=c"}, err: "error: invalid label spec: a=b=c\n", code: 1, same: true},
		{name: "resources after changes", args: []string{"label", "pod", "a=b", "c"},
			err: "error: all resources must be specified before label changes: c\n", code: 1, same: true},
		{name: "modify and remove", args: []string{"label", "pod/a", "a=b", "a-"},
			err: "error: can not both modify and remove a label in the same command\n", code: 1, same: true},
		{name: "no changes", args: []string{"label", "pod/a"}, err: "error: at least one label update is required\n", code: 1, same: true},
		{name: "no resources", args: []string{"label", "a=b"},
			err: "error: one or more resources must be specified as <resource> <name> or <resource>/<name>\n", code: 1, same: true},
		{name: "--all and -l", args: []string{"label", "pods", "--all", "-l", "a=b", "x=y"},
			err: "error: cannot set --all and --selector at the same time\n", code: 1, same: true},
		{name: "type without names", args: []string{"label", "pods", "x=y"},
			err: "error: resource(s) were provided, but no name was specified\n", code: 1, same: true},
		{name: "names with -l", args: []string{"label", "pods", "a", "-l", "b=c", "x=y"},
			err: "error: name cannot be provided when a selector is specified\n", code: 1, same: true},
		{name: "TYPE/NAME with --all", args: []string{"label", "pod/a", "--all", "x=y"},
			err: "error: selectors and the all flag cannot be used when passing resource/name arguments\n", code: 1, same: true},
		{name: "unknown type", args: []string{"label", "foo/a", "x=y"},
			err: "error: the server doesn't have a resource type \"foo\"\n", code: 1, same: true},
	})
}

func TestExecAnnotate(t *testing.T) {
	annotated := func(e *mutEnv) {
		e.must("apply", "-f", "svc.yaml")
		e.must("annotate", "svc", "testweb", "owner=lab")
	}
	runCases(t, []cmdCase{
		{name: "set", setup: func(e *mutEnv) { e.must("apply", "-f", "svc.yaml") }, args: []string{"annotate", "svc", "testweb", "owner=lab", "note=a b=c"},
			out: "service/testweb annotated\n",
			check: func(e *mutEnv) {
				o, _ := e.s.Get(cluster.KindService, "default", "testweb")
				assert.Equal(e.t, map[string]string{"owner": "lab", "note": "a b=c"}, o.Meta().Annotations)
			}},
		{name: "unchanged still says annotated", setup: annotated, args: []string{"annotate", "svc/testweb", "owner=lab"},
			out: "service/testweb annotated\n", same: true},
		{name: "without --overwrite", setup: annotated, args: []string{"annotate", "svc/testweb", "owner=me"},
			err:  "error: --overwrite is false but found the following declared annotation(s): 'owner' already has a value (lab)\n",
			code: 1, same: true},
		{name: "--overwrite", setup: annotated, args: []string{"annotate", "svc/testweb", "owner=me", "--overwrite"},
			out: "service/testweb annotated\n"},
		{name: "remove", setup: annotated, args: []string{"annotate", "svc/testweb", "owner-"}, out: "service/testweb annotated\n",
			check: func(e *mutEnv) {
				o, _ := e.s.Get(cluster.KindService, "default", "testweb")
				assert.Empty(e.t, o.Meta().Annotations)
			}},
		{name: "--list", setup: annotated, args: []string{"annotate", "svc/testweb", "--list"}, out: "owner=lab\n", same: true},
		{name: "bad pair", args: []string{"annotate", "svc/testweb", "y-", "=x"},
			err: "error: all resources must be specified before annotation changes: =x\n", code: 1, same: true},
		{name: "modify and remove", args: []string{"annotate", "svc/testweb", "a=1", "a-", "b=2", "b-"},
			err: "error: can not both modify and remove the following annotation(s) in the same command: a, b\n", code: 1, same: true},
		{name: "no changes", args: []string{"annotate", "svc/testweb"}, err: "error: at least one annotation update is required\n", code: 1, same: true},
		{name: "missing", args: []string{"annotate", "svc/testweb", "a=b"},
			err: "Error from server (NotFound): services \"testweb\" not found\n", code: 1, same: true},
	})
}

package kubectl

import (
	"bytes"
	"io/fs"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/svcsim/svcsim/cluster"
)

const twoPods = `apiVersion: v1
kind: Pod
metadata:
  name: a
spec:
  containers:
  - name: web
    image: nginx
---
apiVersion: v1
kind: Pod
metadata:
  name: b
  namespace: other
spec:
  containers:
  - name: web
    image: nginx
`

func TestExecApply(t *testing.T) {
	runCases(t, []cmdCase{
		{name: "lab svc.yaml", args: []string{"apply", "-f", "svc.yaml"}, out: "service/testweb created\n",
			check: func(e *mutEnv) {
				_, ok := e.s.Get(cluster.KindService, "default", "testweb")
				assert.True(e.t, ok)
			}},
		{name: "again is unchanged", setup: func(e *mutEnv) { e.must("apply", "-f", "svc.yaml") },
			args: []string{"apply", "-f", "svc.yaml"}, out: "service/testweb unchanged\n", same: true},
		{name: "a change is configured", setup: func(e *mutEnv) {
			e.must("apply", "-f", "svc.yaml")
			e.files["svc.yaml"] = e.files["svc.yaml"] + "\n"
			e.files["svc2.yaml"] = "apiVersion: v1\nkind: Service\nmetadata:\n  name: testweb\nspec:\n  selector:\n    app: other\n  ports:\n  - port: 80\n"
		}, args: []string{"apply", "-f", "svc2.yaml"}, out: "service/testweb configured\n"},
		{name: "several -f and a comma list", args: []string{"apply", "-f", "blue.yaml,green.yaml", "--filename=bgsvc.yaml"},
			out: "replicaset.apps/blue-rs created\nreplicaset.apps/green-rs created\nservice/blue-green-svc created\n"},
		{name: "stdin", stdin: "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: dev\n", args: []string{"apply", "-f", "-"},
			out: "namespace/dev created\n"},
		{name: "-R accepted", args: []string{"apply", "-R", "-f", "svc.yaml"}, out: "service/testweb created\n"},
		{name: "--recursive=false accepted", args: []string{"apply", "--recursive=false", "-f", "svc.yaml"}, out: "service/testweb created\n"},
		{name: "-n places the objects", args: []string{"apply", "-n", "kube-public", "-f", "svc.yaml"}, out: "service/testweb created\n",
			check: func(e *mutEnv) {
				_, ok := e.s.Get(cluster.KindService, "kube-public", "testweb")
				assert.True(e.t, ok)
			}},
		{name: "-n against the manifest's namespace", stdin: twoPods, args: []string{"apply", "-n", "default", "-f", "-"},
			out:  "pod/a created\n",
			err:  "error: the namespace from the provided object \"other\" does not match the namespace \"default\". You must pass '--namespace=other' to perform this operation.\n",
			code: 1},
		{name: "missing file changes nothing", args: []string{"apply", "-f", "svc.yaml", "-f", "nope.yaml"},
			err: "error: the path \"nope.yaml\" does not exist\n", code: 1, same: true},
		{name: "two missing files", args: []string{"apply", "-f", "a.yaml", "-f", "b.yaml"},
			err: "the path \"a.yaml\" does not exist\nthe path \"b.yaml\" does not exist\n", code: 1, same: true},
		{name: "no -f", args: []string{"apply"}, err: "error: must specify one of -f and -k\n", code: 1, same: true},
		{name: "unexpected args", args: []string{"apply", "svc", "-f", "svc.yaml"},
			err: "error: Unexpected args: [svc]\nSee 'kubectl apply -h' for help and examples\n", code: 1, same: true},
		{name: "no objects", stdin: "# nothing\n---\n", args: []string{"apply", "-f", "-"},
			err: "error: no objects passed to apply\n", code: 1, same: true},
		{name: "one bad document, the rest applied",
			stdin: "apiVersion: v1\nkind: Service\nmetadata:\n  name: bad\nspec:\n  ports:\n  - port: 0\n---\n" + twoPods,
			args:  []string{"apply", "-f", "-"}, out: "pod/a created\npod/b created\n",
			err: "The Service \"bad\" is invalid: \n* spec.ports[0].port: Invalid value: 0: must be between 1 and 65535, inclusive\n" +
				"* spec.ports[0].targetPort: Invalid value: 0: must be between 1 and 65535, inclusive\n",
			code: 1,
			setup: func(e *mutEnv) {
				_, err := e.s.Create(&cluster.Namespace{ObjectMeta: cluster.ObjectMeta{Name: "other"}})
				require.NoError(e.t, err)
			}},
		{name: "two bad documents, the rest applied",
			stdin: "apiVersion: v1\nkind: Service\nmetadata:\n  name: bad\nspec:\n  ports:\n  - port: 80\n    name: x\n    foo: 1\n---\n" +
				"apiVersion: v1\nkind: Foo\nmetadata:\n  name: f\n---\n" + twoPods,
			args: []string{"apply", "-f", "-", "-n", "other"}, out: "pod/a created\npod/b created\n",
			err: "resource mapping not found for name: \"f\" namespace: \"\" from \"STDIN\": no matches for kind \"Foo\" in version \"v1\"\nensure CRDs are installed first\n" +
				"Error from server (BadRequest): error when creating \"STDIN\": Service in version \"v1\" cannot be handled as a Service: strict decoding error: unknown field \"spec.ports[0].foo\"\n",
			code: 1,
			setup: func(e *mutEnv) {
				_, err := e.s.Create(&cluster.Namespace{ObjectMeta: cluster.ObjectMeta{Name: "other"}})
				require.NoError(e.t, err)
			},
			check: func(e *mutEnv) {
				_, ok := e.s.Get(cluster.KindPod, "other", "a")
				assert.True(e.t, ok, "-n places a document without a namespace")
			}},
		{name: "generateName", stdin: "apiVersion: v1\nkind: Pod\nmetadata:\n  generateName: web-\nspec:\n  containers:\n  - name: web\n    image: nginx\n",
			args: []string{"apply", "-f", "-"}, err: "error: from web-: cannot use generate name with apply\n", code: 1, same: true},
		{name: "dry run", args: []string{"apply", "-f", "svc.yaml", "--dry-run=client"}, out: "service/testweb created (dry run)\n", same: true},
		{name: "dry run of an existing object", setup: func(e *mutEnv) { e.must("apply", "-f", "svc.yaml") },
			args: []string{"apply", "-f", "svc.yaml", "--dry-run"}, out: "service/testweb configured (dry run)\n", same: true},
		{name: "server dry run refused", args: []string{"apply", "-f", "svc.yaml", "--dry-run=server"},
			err: "error: " + errServerDryRun.Error() + "\n", code: 1, same: true},
		{name: "unknown flag", args: []string{"apply", "-f", "svc.yaml", "--prune"},
			err: "error: unknown flag: --prune\nSee 'kubectl apply --help' for usage.\n", code: 1, same: true},
		{name: "book deploy.yml", args: []string{"apply", "-f", "deploy.yml"}, out: "deployment.apps/hello-deploy created\n"},
	})
}

// createCall builds the call the create verb passes to createFromFiles.
func createCall(t *testing.T, e *mutEnv, stdin string, args ...string) (*call, func() (string, string)) {
	t.Helper()
	defs := append(append([]flagDef(nil), globalFlags...), createFileFlags...)
	defs = append(defs, writeDryRunFlag)
	pos, dash, fv, err := parseFlags(defs, args)
	require.NoError(t, err)
	var out, errOut bytes.Buffer
	x := &call{io: IO{In: strings.NewReader(stdin), Out: &out, Err: &errOut, ReadFile: func(name string) ([]byte, error) {
		v, ok := e.files[name]
		if !ok {
			return nil, fs.ErrNotExist
		}
		return []byte(v), nil
	}}, path: "kubectl create", args: pos, dash: dash, flags: fv, ns: "default"}
	return x, func() (string, string) { return out.String(), errOut.String() }
}

func TestCreateFromFiles(t *testing.T) {
	for _, tt := range []struct {
		name   string
		setup  func(e *mutEnv)
		stdin  string
		args   []string
		out    string
		errOut string
		code   int
	}{
		{name: "lab", args: []string{"-f", "blue.yaml", "-f", "bgsvc.yaml"},
			out: "replicaset.apps/blue-rs created\nservice/blue-green-svc created\n"},
		{name: "exists", setup: func(e *mutEnv) { e.must("apply", "-f", "svc.yaml") }, args: []string{"-f", "svc.yaml", "-f", "bgsvc.yaml"},
			out:    "service/blue-green-svc created\n",
			errOut: "Error from server (AlreadyExists): error when creating \"svc.yaml\": services \"testweb\" already exists\n", code: 1},
		{name: "dry run", args: []string{"-f", "svc.yaml", "--dry-run=client"}, out: "service/testweb created (dry run)\n"},
		{name: "no objects", stdin: "", args: []string{"-f", "-"}, errOut: "error: no objects passed to create\n", code: 1},
		{name: "no -f", args: nil, errOut: "error: must specify one of -f and -k\n", code: 1},
		{name: "missing", args: []string{"-f", "x.yaml"}, errOut: "error: the path \"x.yaml\" does not exist\n", code: 1},
	} {
		t.Run(tt.name, func(t *testing.T) {
			e := newMutEnv(t, cluster.Config{})
			if tt.setup != nil {
				tt.setup(e)
			}
			x, said := createCall(t, e, tt.stdin, tt.args...)
			k := *e.k
			k.Out = x.io.Out
			code := report(x.io.Err, x.path, createFromFiles(&k, x))
			out, errOut := said()
			assert.Equal(t, tt.out, out)
			assert.Equal(t, tt.errOut, errOut)
			assert.Equal(t, tt.code, code)
		})
	}
}

// A directory applies its manifests in name order, and with -R those of
// its subdirectories too; a directory without manifests is an error.
func TestApplyDirectory(t *testing.T) {
	e := newMutEnv(t, cluster.Config{})
	e.files["m/a.yaml"] = e.files["svc.yaml"]
	e.files["m/b.yaml"] = e.files["bgsvc.yaml"]
	e.files["m/notes.txt"] = "not a manifest"
	e.files["m/sub/blue.yaml"] = e.files["blue.yaml"]
	e.files["empty/notes.txt"] = "nothing"
	out, errOut, code := e.run("", "apply", "-f", "m")
	require.Equal(t, 0, code, errOut)
	assert.Equal(t, "service/testweb created\nservice/blue-green-svc created\n", out)
	out, errOut, code = e.run("", "apply", "-R", "-f", "m/")
	require.Equal(t, 0, code, errOut)
	assert.Equal(t, "service/testweb unchanged\nservice/blue-green-svc unchanged\nreplicaset.apps/blue-rs created\n", out)
	before := e.s.Digest()
	_, errOut, code = e.run("", "apply", "-f", "empty")
	assert.Equal(t, 1, code)
	assert.Equal(t, "error: error reading [empty]: recognized file extensions are [.json .yaml .yml]\n", errOut)
	assert.Equal(t, before, e.s.Digest())
}

package kubectl

import (
	"bytes"
	"io/fs"
	"regexp"
	"strings"
	"testing"

	"github.com/svcsim/svcsim/cluster"
)

var manyDigits = regexp.MustCompile(`[0-9]{4}`)

// fuzzFiles are the files FuzzExec's command lines may name.
var fuzzFiles = map[string]string{
	"svc.yaml": "apiVersion: v1\nkind: Service\nmetadata:\n  name: web\nspec:\n  selector:\n    app: web\n  ports:\n  - port: 80\n",
	"bad.yaml": "apiVersion: v1\nkind: Pod\nmetadata:\n  name: x\nspec:\n  containers:\n  - name: a\n    foo: 1\n",
	"p.json":   `{"spec":{"replicas":2}}`,
}

// FuzzExecWrites: no writing command line panics, and every one ends with kubectl's
// status 0 or 1. Arguments are NUL-separated; each input runs against a
// small cluster with a Deployment, its pods, a Service and a bare pod.
func FuzzExecWrites(f *testing.F) {
	for _, seed := range []string{
		"apply\x00-f\x00svc.yaml",
		"apply\x00-f\x00-",
		"apply\x00-f\x00bad.yaml\x00-f\x00svc.yaml\x00--dry-run",
		"delete\x00-f\x00svc.yaml",
		"delete\x00deploy/web\x00po/solo\x00svc/web",
		"delete\x00pod\x00solo\x00--force\x00--grace-period=0",
		"delete\x00pods\x00--all\x00--now",
		"delete\x00pods\x00-l\x00app=web\x00--timeout=1s",
		"label\x00pod/solo\x00a=b\x00c-\x00--overwrite",
		"label\x00pods\x00--all\x00--list",
		"label\x00po\x00-l\x00app=web\x00method=blue-green",
		"annotate\x00svc\x00web\x00a=b",
		"scale\x00deploy/web\x00--replicas=2\x00--current-replicas=1",
		"scale\x00rs\x00--all\x00--replicas=0\x00--timeout=5s",
		"set\x00image\x00deploy/web\x00*=nginx:2",
		"set\x00selector\x00svc/web\x00app=x",
		"patch\x00svc/web\x00-p\x00{\"spec\":{\"selector\":{\"app\":\"x\"}}}",
		"patch\x00deploy/web\x00--type=json\x00-p\x00[{\"op\":\"move\",\"from\":\"/spec\",\"path\":\"/spec/x\"}]",
		"patch\x00deploy/web\x00--type=merge\x00--patch-file\x00p.json",
		"patch\x00svc/web\x00-p\x00{\"spec\":{\"ports\":[{\"$patch\":\"delete\"}]}}",
		"rollout\x00status\x00deploy/web\x00--timeout=10s",
		"rollout\x00undo\x00deploy/web\x00--to-revision=3",
		"rollout\x00restart\x00deploy",
		"rollout\x00history\x00deploy/web",
		"rollout\x00pause\x00deploy/web",
	} {
		f.Add(seed, "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: dev\n")
	}
	f.Fuzz(func(t *testing.T, argv, stdin string) {
		if manyDigits.MatchString(argv) {
			// Thousands of replicas, or of hours to wait, are slow to
			// simulate, not wrong; the fuzzer need not spend its time there.
			return
		}
		s, err := cluster.New(cluster.Config{Seed: 1})
		if err != nil {
			t.Fatal(err)
		}
		k := New(s, "")
		if _, err := k.CreateDeployment("web", DeploymentOptions{Image: "nginx", Replicas: 2}); err != nil {
			t.Fatal(err)
		}
		if _, err := k.Run("solo", RunOptions{Image: "nginx"}); err != nil {
			t.Fatal(err)
		}
		if err := s.Settle(); err != nil {
			t.Fatal(err)
		}
		var out, errOut bytes.Buffer
		code := k.Exec(IO{In: strings.NewReader(stdin), Out: &out, Err: &errOut, ReadFile: func(name string) ([]byte, error) {
			if v, ok := fuzzFiles[name]; ok {
				return []byte(v), nil
			}
			return nil, fs.ErrNotExist
		}}, splitNUL(argv)...)
		if code != 0 && code != 1 {
			t.Fatalf("exit status %d", code)
		}
		if code == 1 && errOut.Len() == 0 {
			t.Fatalf("failed without a word: %q", argv)
		}
	})
}

package kubectl

import (
	"bytes"
	"io/fs"
	"os"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/svcsim/svcsim/cluster"
	"github.com/svcsim/svcsim/selector"
)

// mutEnv is a simulated cluster and a kubectl command line on it, with a
// few named files, for the writing verbs' tests.
type mutEnv struct {
	t     *testing.T
	s     *cluster.Sim
	k     *Client
	files map[string]string
}

// newMutEnv starts a cluster with the lab's manifests as files (svc.yaml,
// blue.yaml, green.yaml, bgsvc.yaml, webd.yaml, bigwebstuff.yaml, and the
// book's deploy.yml and svc.yml).
func newMutEnv(t *testing.T, cfg cluster.Config) *mutEnv {
	t.Helper()
	if cfg.Seed == 0 {
		cfg.Seed = 1
	}
	e := &mutEnv{t: t, s: newSim(t, cfg), files: map[string]string{}}
	e.k = New(e.s, "")
	for name, seed := range map[string]string{
		"svc.yaml": "lab-svc.yaml", "blue.yaml": "lab-blue.yaml", "green.yaml": "lab-green.yaml",
		"bgsvc.yaml": "lab-bgsvc.yaml", "webd.yaml": "lab-webd.yaml", "bigwebstuff.yaml": "lab-bigwebstuff-pod.yaml",
		"deploy.yml": "book-hello-deploy.yml", "svc.yml": "book-svc.yml",
	} {
		b, err := os.ReadFile("testdata/seeds/" + seed)
		require.NoError(t, err)
		e.files[name] = string(b)
	}
	return e
}

// run runs one command line with stdin and returns its stdout, stderr
// and exit status.
func (e *mutEnv) run(stdin string, args ...string) (string, string, int) {
	var out, errOut bytes.Buffer
	files := fstest.MapFS{}
	for name, v := range e.files {
		files[name] = &fstest.MapFile{Data: []byte(v)}
	}
	code := e.k.Exec(IO{In: strings.NewReader(stdin), Out: &out, Err: &errOut, ReadFile: func(name string) ([]byte, error) {
		if v, ok := e.files[name]; ok {
			return []byte(v), nil
		}
		return nil, &fs.PathError{Op: "open", Path: name, Err: fs.ErrNotExist}
	}, ReadDir: func(name string) ([]fs.DirEntry, error) { return fs.ReadDir(files, name) }}, args...)
	return out.String(), errOut.String(), code
}

// must runs a command that has to succeed, then lets the cluster settle.
func (e *mutEnv) must(args ...string) string {
	e.t.Helper()
	out, errOut, code := e.run("", args...)
	require.Equal(e.t, 0, code, "kubectl %v: %s", args, errOut)
	require.NoError(e.t, e.s.Settle())
	return out
}

// pod creates a running bare pod with the given labels.
func (e *mutEnv) pod(name string, labels map[string]string) {
	e.t.Helper()
	_, err := e.s.Create(&cluster.Pod{ObjectMeta: cluster.ObjectMeta{Name: name, Namespace: "default", Labels: labels},
		Spec: cluster.PodSpec{Containers: []cluster.Container{{Name: "web", Image: "nginx"}}}})
	require.NoError(e.t, e.s.Settle())
	require.NoError(e.t, err)
}

// labels returns an object's labels.
func (e *mutEnv) labels(kind cluster.Kind, name string) selector.Set {
	o, ok := e.s.Get(kind, "default", name)
	require.True(e.t, ok, "%s %s", kind, name)
	return o.Meta().Labels
}

// cmdCase is one command line of a verb's table test: what it prints,
// its status, and whether it must leave the cluster as it was.
type cmdCase struct {
	name   string
	setup  func(e *mutEnv)
	stdin  string
	args   []string
	out    string
	err    string
	code   int
	same   bool                  // nothing may change: same digest, same time
	check  func(e *mutEnv)       // facts to check afterwards
	config func(*cluster.Config) // the cluster's config, if not the default
}

// runCases runs a verb's table.
func runCases(t *testing.T, cases []cmdCase) {
	t.Helper()
	for _, tt := range cases {
		t.Run(tt.name, func(t *testing.T) {
			cfg := cluster.Config{Seed: 1}
			if tt.config != nil {
				tt.config(&cfg)
			}
			e := newMutEnv(t, cfg)
			if tt.setup != nil {
				tt.setup(e)
			}
			before, at := e.s.Digest(), e.s.Now()
			out, errOut, code := e.run(tt.stdin, tt.args...)
			assert.Equal(t, tt.out, out, "stdout")
			assert.Equal(t, tt.err, errOut, "stderr")
			assert.Equal(t, tt.code, code, "exit status")
			if tt.same {
				assert.Equal(t, before, e.s.Digest(), "the cluster changed")
				assert.Equal(t, at, e.s.Now(), "time passed")
			}
			if tt.check != nil {
				tt.check(e)
			}
		})
	}
}

func TestWriteDryRun(t *testing.T) {
	for _, tt := range []struct {
		args []string
		want writeDry
		err  string
	}{
		{nil, writeDryNone, ""},
		{[]string{"--dry-run"}, writeDryClient, ""},
		{[]string{"--dry-run=client"}, writeDryClient, ""},
		{[]string{"--dry-run=true"}, writeDryClient, ""},
		{[]string{"--dry-run=false"}, writeDryNone, ""},
		{[]string{"--dry-run=none"}, writeDryNone, ""},
		{[]string{"--dry-run=server"}, writeDryServer, errServerDryRun.Error()},
		{[]string{"--dry-run=maybe"}, writeDryNone, `Invalid dry-run value (maybe). Must be "none", "server", or "client".`},
	} {
		t.Run(strings.Join(tt.args, " "), func(t *testing.T) {
			_, _, fv, err := parseFlags([]flagDef{writeDryRunFlag}, tt.args)
			require.NoError(t, err)
			got, err := writeDryRun(&call{flags: fv})
			assert.Equal(t, tt.want, got)
			if tt.err == "" {
				assert.NoError(t, err)
			} else {
				assert.EqualError(t, err, tt.err)
			}
		})
	}
}

func TestTargetQuerySingle(t *testing.T) {
	for _, tt := range []struct {
		q    targetQuery
		want bool
	}{
		{targetQuery{args: []string{"pod/a"}}, true},
		{targetQuery{args: []string{"pod", "a"}}, true},
		{targetQuery{args: []string{"pod", "a", "b"}}, false},
		{targetQuery{args: []string{"pod/a", "pod/b"}}, false},
		{targetQuery{args: []string{"pod,svc", "a"}}, false},
		{targetQuery{args: []string{"pod"}, all: true}, false},
		{targetQuery{args: []string{"pod"}, selector: "a=b"}, false},
	} {
		assert.Equal(t, tt.want, tt.q.single(), "%+v", tt.q)
	}
}

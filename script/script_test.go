package script_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"strings"
	"sync"
	"testing"
	"testing/fstest"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"mvdan.cc/sh/v3/syntax"

	"github.com/svcsim/svcsim/script"
)

// fake is a recording Env: kubectl prints canned output per verb line and
// records what it was called with; time is a counter.
type fake struct {
	mu      sync.Mutex
	calls   [][]string
	stdins  []string
	files   []string // contents of -f FILE reads, through Call.Files
	now     time.Duration
	log     []string // "kubectl ...", "advance 5s", "settle", in order
	canned  map[string]string
	status  map[string]int
	advErr  error
	settled int
}

func newFake() *fake {
	return &fake{canned: map[string]string{}, status: map[string]int{}}
}

func (f *fake) env() script.Env {
	return script.Env{Kubectl: f.kubectl, Advance: f.advance, Settle: f.settle}
}

func (f *fake) kubectl(c script.Call) int {
	f.mu.Lock()
	defer f.mu.Unlock()
	line := strings.Join(c.Args, " ")
	f.calls = append(f.calls, c.Args)
	f.log = append(f.log, "kubectl "+line)
	in, _ := io.ReadAll(c.Stdin)
	f.stdins = append(f.stdins, string(in))
	for i, a := range c.Args {
		if a == "-f" && i+1 < len(c.Args) && c.Args[i+1] != "-" {
			b, err := fs.ReadFile(c.Files, c.Name(c.Args[i+1]))
			if err != nil {
				fmt.Fprintf(c.Stderr, "error: the path %q does not exist\n", c.Args[i+1])
				return 1
			}
			f.files = append(f.files, string(b))
		}
	}
	if out, ok := f.canned[line]; ok {
		io.WriteString(c.Stdout, out)
	}
	return f.status[line]
}

func (f *fake) advance(d time.Duration) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.log = append(f.log, "advance "+d.String())
	f.now += d
	return f.advErr
}

func (f *fake) settle() error {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.log = append(f.log, "settle")
	f.settled++
	return nil
}

// run runs src with opts, returning stdout, stderr and the error.
func (f *fake) run(t *testing.T, src string, opts script.Options) (string, string, error) {
	t.Helper()
	var out, errb bytes.Buffer
	err := script.Run(context.Background(), f.env(), "test.sh", strings.NewReader(src), &out, &errb, opts)
	return out.String(), errb.String(), err
}

func TestLabIdioms(t *testing.T) {
	t.Run("command substitution into a variable", func(t *testing.T) {
		f := newFake()
		f.canned["get service testweb --template={{.spec.clusterIP}}"] = "10.111.174.45"
		out, errOut, err := f.run(t, "SVC=$(kubectl get service testweb --template={{.spec.clusterIP}}) && echo $SVC\necho \"[$SVC]\"\n", script.Options{})
		require.NoError(t, err, errOut)
		assert.Equal(t, "10.111.174.45\n[10.111.174.45]\n", out)
		assert.Equal(t, [][]string{{"get", "service", "testweb", "--template={{.spec.clusterIP}}"}}, f.calls)
	})
	t.Run("word splitting of a substitution", func(t *testing.T) {
		f := newFake()
		f.canned["get po -l demo=blue-rs -o name"] = "pod/blue-rs-4kx2p\npod/blue-rs-9wz7c\npod/blue-rs-hb6ts\n"
		_, errOut, err := f.run(t, "kubectl label $(kubectl get po -l demo=blue-rs -o name) method=blue-green\n", script.Options{})
		require.NoError(t, err, errOut)
		require.Len(t, f.calls, 2)
		assert.Equal(t, []string{"label", "pod/blue-rs-4kx2p", "pod/blue-rs-9wz7c", "pod/blue-rs-hb6ts", "method=blue-green"}, f.calls[1])
	})
	t.Run("a here-document piped into kubectl apply -f -", func(t *testing.T) {
		f := newFake()
		src := "cat <<EOF | kubectl apply -f -\napiVersion: v1\nkind: Service\nmetadata:\n  name: $NAME\nEOF\n"
		_, errOut, err := f.run(t, "NAME=testweb\n"+src, script.Options{})
		require.NoError(t, err, errOut)
		require.Len(t, f.stdins, 1)
		assert.Equal(t, "apiVersion: v1\nkind: Service\nmetadata:\n  name: testweb\n", f.stdins[0])
	})
	t.Run("kubectl feeding kubectl: the first has finished when the second runs", func(t *testing.T) {
		for range 20 {
			f := newFake()
			f.canned["get po web -o yaml"] = "kind: Pod\n"
			_, errOut, err := f.run(t, "kubectl get po web -o yaml | sed 's/a/b/' 2>/dev/null; kubectl get po web -o yaml | kubectl apply -f -\n", script.Options{Think: -1, NoSettle: true})
			require.NoError(t, err, errOut)
			assert.Equal(t, []string{"kubectl get po web -o yaml", "kubectl get po web -o yaml", "kubectl apply -f -"}, f.log)
			assert.Equal(t, "kind: Pod\n", f.stdins[2])
		}
	})
	t.Run("kubectl that does not read stdin gets none", func(t *testing.T) {
		f := newFake()
		_, errOut, err := f.run(t, "printf 'a\\nb\\n' | while read x; do kubectl label po $x k=v; done\n", script.Options{})
		require.NoError(t, err, errOut)
		assert.Equal(t, [][]string{{"label", "po", "a", "k=v"}, {"label", "po", "b", "k=v"}}, f.calls)
		assert.Equal(t, []string{"", ""}, f.stdins)
	})
	t.Run("a file written by the script is what kubectl apply -f reads", func(t *testing.T) {
		f := newFake()
		f.canned["create svc clusterip testweb --tcp 80 --dry-run=client -o yaml"] = "kind: Service\n"
		src := "mkdir ~/svc && cd ~/svc\nkubectl create svc clusterip testweb --tcp 80 --dry-run=client -o yaml > svc.yaml\ncat svc.yaml\nkubectl apply -f svc.yaml\n"
		out, errOut, err := f.run(t, src, script.Options{})
		require.NoError(t, err, errOut)
		assert.Equal(t, "kind: Service\n", out)
		assert.Equal(t, []string{"kind: Service\n"}, f.files)
	})
	t.Run("kubectl's exit status is the command's", func(t *testing.T) {
		f := newFake()
		f.status["get po nope"] = 1
		out, _, err := f.run(t, "kubectl get po nope || echo failed $?\nkubectl get po nope; echo $?\n", script.Options{})
		require.NoError(t, err)
		assert.Equal(t, "failed 1\n1\n", out)
	})
}

func TestSleepAdvancesVirtualTime(t *testing.T) {
	tests := []struct {
		arg  string
		want time.Duration
	}{
		{"5", 5 * time.Second},
		{"0.5", 500 * time.Millisecond},
		{"2s", 2 * time.Second},
		{"1.5m", 90 * time.Second},
		{"1h", time.Hour},
		{"1d", 24 * time.Hour},
		{"1m30s", 90 * time.Second},
		{"1 2", 3 * time.Second},
		{"0", 0},
	}
	for _, tt := range tests {
		t.Run(tt.arg, func(t *testing.T) {
			f := newFake()
			_, errOut, err := f.run(t, "sleep "+tt.arg+"\n", script.Options{Think: -1, NoSettle: true})
			require.NoError(t, err, errOut)
			assert.Equal(t, []string{"advance " + tt.want.String()}, f.log)
		})
	}
	for _, bad := range []string{"", "-1", "x", "5x", "1e400", "inf", "nan", "0x10", "1e10h", "-5s"} {
		t.Run("bad "+bad, func(t *testing.T) {
			f := newFake()
			_, errOut, err := f.run(t, "sleep "+bad+"\n", script.Options{Think: -1, NoSettle: true})
			var exit *script.ExitError
			require.ErrorAs(t, err, &exit)
			assert.Equal(t, 1, exit.Status)
			assert.Contains(t, errOut, "sleep: ")
			assert.Empty(t, f.log, "a bad sleep must not move time")
		})
	}
}

func TestTimeBetweenCommands(t *testing.T) {
	t.Run("settle then think after each top-level command", func(t *testing.T) {
		f := newFake()
		_, _, err := f.run(t, "kubectl apply -f - </dev/null && kubectl get po\nsleep 5\nkubectl get ep\n", script.Options{})
		require.NoError(t, err)
		assert.Equal(t, []string{
			"kubectl apply -f -", "kubectl get po", "settle", "advance 3s",
			"advance 5s", "settle", "advance 3s",
			"kubectl get ep", "settle", "advance 3s",
		}, f.log)
	})
	t.Run("think time is an option; negative means none", func(t *testing.T) {
		f := newFake()
		_, _, err := f.run(t, "kubectl get po\n", script.Options{Think: 10 * time.Second, NoSettle: true})
		require.NoError(t, err)
		assert.Equal(t, []string{"kubectl get po", "advance 10s"}, f.log)
		f = newFake()
		_, _, err = f.run(t, "kubectl get po\n", script.Options{Think: -1})
		require.NoError(t, err)
		assert.Equal(t, []string{"kubectl get po", "settle"}, f.log)
	})
	t.Run("a cluster that cannot move on stops the run", func(t *testing.T) {
		f := newFake()
		f.advErr = errors.New("busy")
		_, _, err := f.run(t, "sleep 1\necho not reached\n", script.Options{})
		require.ErrorContains(t, err, "busy")
		var exit *script.ExitError
		assert.False(t, errors.As(err, &exit))
	})
}

func TestExitOnError(t *testing.T) {
	src := "echo one\nfalse || echo tested\nif kubectl get po nope; then :; fi\nkubectl get po nope\necho two\n"
	t.Run("on: stops at the first failing command", func(t *testing.T) {
		f := newFake()
		f.status["get po nope"] = 1
		out, _, err := f.run(t, src, script.Options{ExitOnError: true})
		var exit *script.ExitError
		require.ErrorAs(t, err, &exit)
		assert.Equal(t, &script.ExitError{Name: "test.sh", Line: 4, Status: 1}, exit)
		assert.Equal(t, "one\ntested\n", out)
	})
	t.Run("off: goes on, and the last command's status is the script's", func(t *testing.T) {
		f := newFake()
		f.status["get po nope"] = 1
		out, _, err := f.run(t, src, script.Options{})
		require.NoError(t, err)
		assert.Equal(t, "one\ntested\ntwo\n", out)
		_, _, err = f.run(t, "false\n", script.Options{})
		assert.Equal(t, &script.ExitError{Name: "test.sh", Line: 1, Status: 1}, err)
	})
	t.Run("an EXIT trap runs at the end, keeping the status", func(t *testing.T) {
		f := newFake()
		out, _, err := f.run(t, "trap 'echo bye' EXIT\necho a\nfalse\n", script.Options{})
		assert.Equal(t, &script.ExitError{Name: "test.sh", Line: 3, Status: 1}, err)
		assert.Equal(t, "a\nbye\n", out)
	})
	t.Run("exit N ends the script with N", func(t *testing.T) {
		f := newFake()
		out, _, err := f.run(t, "echo a\nexit 3\necho b\n", script.Options{})
		assert.Equal(t, &script.ExitError{Name: "test.sh", Line: 2, Status: 3}, err)
		assert.Equal(t, "a\n", out)
	})
}

func TestCommandNotFound(t *testing.T) {
	f := newFake()
	_, errOut, err := f.run(t, "curl -s http://example.com\n", script.Options{})
	assert.Equal(t, &script.ExitError{Name: "test.sh", Line: 1, Status: 127}, err)
	assert.Equal(t, "svcsim: curl: command not found in the simulation\n", errOut)
	for _, host := range []string{"/bin/sh -c 'touch /tmp/x'", "./x.sh", "bash", "sudo curl -s http://example.com", "sudo /usr/bin/jq", "exec curl"} {
		f := newFake()
		_, errOut, err := f.run(t, host+"\n", script.Options{})
		var exit *script.ExitError
		require.ErrorAs(t, err, &exit, host)
		assert.Equal(t, 127, exit.Status, host)
		assert.Contains(t, errOut, "command not found in the simulation", host)
	}
}

func TestEditorsAreExplained(t *testing.T) {
	f := newFake()
	_, errOut, err := f.run(t, "nano webd.yaml && cat $_\n", script.Options{})
	assert.Equal(t, &script.ExitError{Name: "test.sh", Line: 1, Status: 1}, err)
	assert.Contains(t, errOut, "svcsim: nano: editing files is not simulated")
}

// TestNoHostFiles writes to files by redirection and reads them back: it
// all happens in memory, and the host's directories stay as they were.
func TestNoHostFiles(t *testing.T) {
	dir := t.TempDir()
	t.Chdir(dir)
	before := listing(t, dir)
	f := newFake()
	src := "echo hello > out.txt\necho again >> out.txt\ncat out.txt\n" +
		"echo abs > " + dir + "/abs.txt\ncat " + dir + "/abs.txt 2>&1 || echo no dir\n" +
		"echo gone > /dev/null\ncat /dev/null\nls\ncat < out.txt | wc -l\n" +
		"mkdir -p /tmp/a/b && echo x > /tmp/a/b/c && cat /tmp/a/b/c\n" +
		"[ -f out.txt ] && echo is a file\ncd /tmp/a && pwd\n"
	out, errOut, err := f.run(t, src, script.Options{})
	require.NoError(t, err, errOut)
	assert.Equal(t, "hello\nagain\ncat: "+dir+"/abs.txt: No such file or directory\nno dir\nout.txt\n2\nx\nis a file\n/tmp/a\n",
		out, "stderr: %s", errOut)
	assert.Equal(t, before, listing(t, dir))
	_, err = os.Stat(dir + "/out.txt")
	assert.ErrorIs(t, err, fs.ErrNotExist)
}

func listing(t *testing.T, dir string) []string {
	t.Helper()
	des, err := os.ReadDir(dir)
	require.NoError(t, err)
	var names []string
	for _, de := range des {
		names = append(names, de.Name())
	}
	return names
}

func TestFilesAreMountedAtHome(t *testing.T) {
	f := newFake()
	env := f.env()
	env.Files = fstest.MapFS{"blue.yaml": {Data: []byte("kind: ReplicaSet\n")}, "m/a.yaml": {Data: []byte("a\n")}}
	var out, errb bytes.Buffer
	src := "pwd\ncat blue.yaml\nkubectl apply -f blue.yaml\nls m\necho more >> blue.yaml && cat ~/blue.yaml\n"
	err := script.Run(context.Background(), env, "t", strings.NewReader(src), &out, &errb, script.Options{})
	require.NoError(t, err, errb.String())
	assert.Equal(t, script.Home+"\nkind: ReplicaSet\na.yaml\nkind: ReplicaSet\nmore\n", out.String())
	assert.Equal(t, []string{"kind: ReplicaSet\n"}, f.files)
	// The base is read-only: the script's append went to memory.
	assert.Equal(t, "kind: ReplicaSet\n", string(env.Files.(fstest.MapFS)["blue.yaml"].Data))
}

func TestRefusedConstructs(t *testing.T) {
	tests := []struct{ name, src, what string }{
		{"process substitution", "cat <(kubectl get po)\n", "process substitution"},
		{"background job", "kubectl get po &\n", "background job"},
		{"time", "time kubectl get po\n", "time"},
		{"pid", "echo $$\n", "$$"},
		{"coproc", "coproc kubectl get po\n", "coproc"},
		{"srandom", "echo ${SRANDOM}\n", "SRANDOM"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFake()
			_, _, err := f.run(t, "kubectl get ns\n"+tt.src, script.Options{})
			var un *script.UnsupportedError
			require.ErrorAs(t, err, &un)
			assert.ErrorIs(t, err, script.ErrUnsupported)
			assert.Contains(t, un.What, tt.what)
			assert.Equal(t, uint(2), un.Line)
			assert.Empty(t, f.log, "nothing of a refused script runs")
		})
	}
	for _, src := range []string{"eval 'cat <(echo)'", "source x.sh", ". x.sh", "type ls", "command -v kubectl", "hash ls", "trap 'cat <(echo)' EXIT", "alias x='cat <(echo)'"} {
		t.Run(src, func(t *testing.T) {
			f := newFake()
			_, errOut, err := f.run(t, src+"\n", script.Options{})
			assert.Equal(t, &script.ExitError{Name: "test.sh", Line: 1, Status: 2}, err)
			assert.Contains(t, errOut, "svcsim: ")
		})
	}
}

func TestSyntaxError(t *testing.T) {
	f := newFake()
	_, _, err := f.run(t, "kubectl get po\necho )\n", script.Options{})
	var perr syntax.ParseError
	require.ErrorAs(t, err, &perr)
	assert.Empty(t, f.log)
}

func TestBadArguments(t *testing.T) {
	f := newFake()
	//nolint:staticcheck // a nil context is what is being tested
	err := script.Run(nil, f.env(), "t", strings.NewReader("echo"), nil, nil, script.Options{})
	assert.ErrorIs(t, err, script.ErrInvalid)
	for _, env := range []script.Env{{}, {Kubectl: f.kubectl}, {Kubectl: f.kubectl, Advance: f.advance}} {
		err := script.Run(context.Background(), env, "t", strings.NewReader("echo"), nil, nil, script.Options{})
		assert.ErrorIs(t, err, script.ErrInvalid)
	}
	err = script.Run(context.Background(), f.env(), "t", nil, nil, nil, script.Options{})
	assert.ErrorIs(t, err, script.ErrInvalid)
	err = script.Shell(context.Background(), f.env(), nil, nil, nil, script.Options{})
	assert.ErrorIs(t, err, script.ErrInvalid)
	assert.Empty(t, f.log)
}

func TestCancelStopsALoop(t *testing.T) {
	for _, src := range []string{"while true; do :; done\n", "while true; do kubectl get po; done\n", "while ((1)); do x=1; done\n"} {
		t.Run(src, func(t *testing.T) {
			ctx, cancel := context.WithCancel(context.Background())
			f := newFake()
			env := f.env()
			calls := 0
			kubectl := env.Kubectl
			env.Kubectl = func(c script.Call) int {
				if calls++; calls == 3 {
					cancel()
				}
				return kubectl(c)
			}
			if !strings.Contains(src, "kubectl") {
				cancel()
			}
			err := script.Run(ctx, env, "t", strings.NewReader(src), nil, nil, script.Options{})
			assert.ErrorIs(t, err, context.Canceled)
		})
	}
}

func TestEcho(t *testing.T) {
	f := newFake()
	f.canned["get svc"] = "NAME\n"
	src := "# a comment\nkubectl get svc   # list\ncat <<EOF | kubectl apply -f -\nkind: Service\nEOF\nmkdir ~/svc && cd ~/svc\necho done; echo twice ;\n"
	out, _, err := f.run(t, src, script.Options{Echo: true, Prompt: `\w$ `})
	require.NoError(t, err)
	assert.Equal(t, "~$ kubectl get svc\nNAME\n~$ cat <<EOF | kubectl apply -f -\n> kind: Service\n> EOF\n~$ mkdir ~/svc && cd ~/svc\n~/svc$ echo done\ndone\n~/svc$ echo twice\ntwice\n", out)
}

func TestRandomIsSeeded(t *testing.T) {
	a, _, err := newFake().run(t, "echo $RANDOM $RANDOM\n", script.Options{})
	require.NoError(t, err)
	b, _, err := newFake().run(t, "echo $RANDOM $RANDOM\n", script.Options{})
	require.NoError(t, err)
	assert.Equal(t, a, b)
}

func TestRecursionIsStopped(t *testing.T) {
	f := newFake()
	_, errOut, err := f.run(t, "f() { f; }\nf\n", script.Options{})
	var exit *script.ExitError
	require.ErrorAs(t, err, &exit)
	assert.Contains(t, errOut, "nested too deeply")
}

func TestShell(t *testing.T) {
	f := newFake()
	f.canned["get svc"] = "NAME\n"
	in := "kubectl get svc\necho )\nif true; then\n  echo yes\nfi\nnosuch\nexit 4\necho never\n"
	var out, errb bytes.Buffer
	err := script.Shell(context.Background(), f.env(), strings.NewReader(in), &out, &errb, script.Options{})
	assert.Equal(t, &script.ExitError{Name: "shell", Line: 1, Status: 4}, err)
	assert.Equal(t, "svcsim$ NAME\nsvcsim$ svcsim$ > > yes\nsvcsim$ svcsim$ ", out.String())
	assert.Contains(t, errb.String(), "svcsim: shell:1:6: a command can only contain words and redirects")
	assert.Contains(t, errb.String(), "svcsim: nosuch: command not found in the simulation")
	t.Run("ends at EOF with the last status", func(t *testing.T) {
		var out bytes.Buffer
		err := script.Shell(context.Background(), newFake().env(), strings.NewReader("echo hi"), &out, nil, script.Options{})
		require.NoError(t, err)
		assert.Equal(t, "svcsim$ hi\n\n", out.String())
	})
}

func TestCallName(t *testing.T) {
	tests := []struct{ dir, p, want string }{
		{"/home/svcsim", "a.yaml", "home/svcsim/a.yaml"},
		{"/home/svcsim/svc", "../a.yaml", "home/svcsim/a.yaml"},
		{"/home/svcsim", "/etc/x", "etc/x"},
		{"/", ".", "."},
		{"/", "../../..", "."},
		{"", "a", "a"},
	}
	for _, tt := range tests {
		t.Run(tt.dir+" "+tt.p, func(t *testing.T) {
			assert.Equal(t, tt.want, script.Call{Dir: tt.dir}.Name(tt.p))
		})
	}
}

// Narrate prints the "## " lines before each command, and only those.
func TestNarrate(t *testing.T) {
	f := newFake()
	src := "## First, a Service.\n## It has no pods yet.\n# a plain comment\necho one\n\n##\n## Then the pods.\necho two # ## not narration\n"
	out, _, err := f.run(t, src, script.Options{Narrate: true, Echo: true})
	require.NoError(t, err)
	assert.Equal(t, "\nFirst, a Service.\nIt has no pods yet.\n$ echo one\none\n\n\nThen the pods.\n$ echo two\ntwo\n", out)
	out, _, err = f.run(t, src, script.Options{})
	require.NoError(t, err)
	assert.Equal(t, "one\ntwo\n", out, "without Narrate the comments stay silent")
}

// A Workspace carries files from one Run to the next; without one, each
// Run starts empty.
func TestWorkspace(t *testing.T) {
	f := newFake()
	ws := script.NewWorkspace()
	_, _, err := f.run(t, "mkdir ~/svc && echo kept > ~/svc/blue.yaml\n", script.Options{Workspace: ws})
	require.NoError(t, err)
	out, _, err := f.run(t, "cat ~/svc/blue.yaml\n", script.Options{Workspace: ws})
	require.NoError(t, err)
	assert.Equal(t, "kept\n", out)
	_, errOut, err := f.run(t, "cat ~/svc/blue.yaml\n", script.Options{})
	require.Error(t, err)
	assert.Contains(t, errOut, "blue.yaml")
}

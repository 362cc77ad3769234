package script_test

import (
	"context"
	"os"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"testing/fstest"
	"time"

	"github.com/svcsim/svcsim/script"
)

// capped counts what a run writes and cancels the run past a limit, so an
// endless printing loop ends without the wall clock.
type capped struct {
	n      atomic.Int64
	cancel context.CancelFunc
}

func (c *capped) Write(b []byte) (int, error) {
	if c.n.Add(int64(len(b))) > 1<<20 {
		c.cancel()
	}
	return len(b), nil
}

// FuzzRun runs arbitrary script text against the fake cluster: it must
// never panic, and never create a file on the host.
func FuzzRun(f *testing.F) {
	for _, seed := range []string{
		"SVC=$(kubectl get service testweb --template={{.spec.clusterIP}}) && echo $SVC",
		"kubectl label $(kubectl get po -l demo=blue-rs -o name) method=blue-green",
		"cat <<EOF | kubectl apply -f -\nkind: Pod\nEOF\n",
		"sleep 5; sleep 1.5m; sleep x",
		"echo hi > f; cat f | grep -c h; wc -l < f; head -n1 f; tail -1 f",
		"mkdir -p a/b && cd a/b && touch c && ls && rm -r ../b; cd ..; pwd",
		"seq 3 | sort -rn | uniq -c | tr -d ' ' | cut -c1-2",
		"set -e; false; echo no",
		"eval 'echo $(( 1 + 2 ))'; trap 'echo bye' EXIT; exit 3",
		"f() { echo $1; }; f a; [ -f blue.yaml ] && cat blue.yaml >> /dev/null",
		"cat <(echo) & time $$",
		"read x < /dev/stdin; echo ${x:-none} >&2",
		"nano x; vim y; curl x; /bin/rm -rf /",
		"echo '{\"a\":[1,2]}' | jq -c '.a[] | tostring' && jq -n '$ENV, now, input_filename' && sudo apt install jq",
	} {
		f.Add(seed)
	}
	dir := f.TempDir()
	f.Chdir(dir)
	f.Fuzz(func(t *testing.T, src string) {
		for _, loop := range []string{"while", "until", "for", "select"} {
			if strings.Contains(src, loop) {
				t.Skip("loops may not end; the cancellation test covers them")
			}
		}
		ctx, cancel := context.WithCancel(context.Background())
		defer cancel()
		// A backstop only: a run that writes nowhere and never ends (a
		// deep recursion through /dev/null) is stopped; the properties
		// checked do not depend on when.
		stop := time.AfterFunc(5*time.Second, cancel)
		defer stop.Stop()
		fk := newFake()
		env := fk.env()
		env.Files = fstest.MapFS{"blue.yaml": {Data: []byte("kind: ReplicaSet\n")}}
		out := &capped{cancel: cancel}
		_ = script.Run(ctx, env, "fuzz.sh", strings.NewReader(src), out, out, script.Options{})
		des, err := os.ReadDir(dir)
		if err != nil {
			t.Fatal(err)
		}
		if len(des) > 0 {
			t.Fatalf("the script made %s on the host", des[0].Name())
		}
	})
}

// FuzzJQ runs arbitrary jq filters on a pod's JSON and on null: jq must
// never panic, never read the host's environment or files, and never
// write to the host.
func FuzzJQ(f *testing.F) {
	for _, seed := range []string{
		".status | .podIP, .hostIP",
		".", "..", "[.[]?]", "keys", "to_entries[] | select(.key == \"kind\")",
		"$ENV", "env | keys", "now | todate", "input_filename, input_line_number",
		"import \"a\" as a; 1", "include \"/etc/passwd\"; 1", "input", "[inputs]",
		"error", "error(null)", "halt_error(1)", "debug | stderr", "@sh \"echo \\(.)\"",
		"def f: [f]; 1", "[limit(5; repeat(1))]", "reduce range(300) as $i (0; [.])",
		"getpath([\"a\",0,\"b\"])", "tojson | fromjson", "splits(\"a\")", "ltrimstr(1)",
		"$__loc__", "1 as $x | $x + $y", "(", "\"\\(", "@base64d", "strptime(\"%Y\") | mktime",
	} {
		f.Add(seed)
	}
	dir := f.TempDir()
	f.Chdir(dir)
	f.Fuzz(func(t *testing.T, filter string) {
		if strings.Contains(filter, "repeat") || strings.Contains(filter, "range") || strings.Contains(filter, "while") || strings.Contains(filter, "until") || strings.Contains(filter, "recurse") {
			t.Skip("generators may not end; the cancellation of a run covers them")
		}
		t.Setenv("SVCSIM_FUZZ_HOST", "host-env-value")
		ctx, cancel := context.WithCancel(context.Background())
		defer cancel()
		stop := time.AfterFunc(5*time.Second, cancel)
		defer stop.Stop()
		env := newFake().env()
		env.Files = fstest.MapFS{
			"pod.json": {Data: []byte(`{"kind":"Pod","status":{"podIP":"10.244.1.5","hostIP":"172.18.0.3"}}` + "\n")},
			"f.jq":     {Data: []byte(filter)},
		}
		out := &recorded{capped: capped{cancel: cancel}}
		src := "jq -f f.jq pod.json; jq -c -n -f f.jq; jq -r -s -f f.jq pod.json pod.json; echo 1 | jq -e -f f.jq\n"
		_ = script.Run(ctx, env, "fuzz.sh", strings.NewReader(src), out, out, script.Options{})
		if strings.Contains(out.String(), "host-env-value") {
			t.Fatalf("jq saw the host's environment: %q", out.String())
		}
		des, err := os.ReadDir(dir)
		if err != nil {
			t.Fatal(err)
		}
		if len(des) > 0 {
			t.Fatalf("jq made %s on the host", des[0].Name())
		}
	})
}

// recorded keeps the first MiB of what a run writes, and caps it.
type recorded struct {
	capped
	mu sync.Mutex
	b  []byte
}

func (r *recorded) Write(b []byte) (int, error) {
	r.mu.Lock()
	if len(r.b) < 1<<20 {
		r.b = append(r.b, b...)
	}
	r.mu.Unlock()
	return r.capped.Write(b)
}

func (r *recorded) String() string {
	r.mu.Lock()
	defer r.mu.Unlock()
	return string(r.b)
}

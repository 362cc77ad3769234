package script_test

import (
	"context"
	"os"
	"strings"
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
		"nano x; vim y; jq .; /bin/rm -rf /",
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

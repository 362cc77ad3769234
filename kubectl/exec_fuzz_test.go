package kubectl_test

import (
	"bytes"
	"strings"
	"testing"

	svcsim "github.com/svcsim/svcsim"
	"github.com/svcsim/svcsim/kubectl"
)

// FuzzExec holds the command line's promise: whatever argv it is given
// (words separated by NUL bytes in the fuzz input), kubectl prints and
// exits, and never panics.
func FuzzExec(f *testing.F) {
	for _, seed := range []string{
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
	} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, s string) {
		c, err := svcsim.New(svcsim.Config{Seed: 1, Nodes: 1}) // one node: cheaper, and enough
		if err != nil {
			t.Fatal(err)
		}
		k := c.Kubectl("")
		for _, line := range []string{"create deployment web --image=nginx --port=80", "run client --image=busybox:1.27 --env SVC=web"} {
			if code := k.Exec(kubectl.IO{}, strings.Fields(line)...); code != 0 {
				t.Fatalf("setup %q: exit %d", line, code)
			}
		}
		if err := c.Settle(); err != nil {
			t.Fatal(err)
		}
		if code := k.Exec(kubectl.IO{}, "expose", "deployment", "web"); code != 0 {
			t.Fatalf("setup expose: exit %d", code)
		}
		var out, errOut bytes.Buffer
		code := k.Exec(kubectl.IO{Out: &out, Err: &errOut, In: strings.NewReader("stdin\n")}, strings.Split(s, "\x00")...)
		if code < 0 || code > 255 {
			t.Fatalf("exit status %d", code)
		}
		if code != 0 && errOut.Len() == 0 {
			t.Fatalf("exit %d with nothing on stderr", code)
		}
	})
}

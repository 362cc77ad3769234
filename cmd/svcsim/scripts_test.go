package main

import (
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// The lab's five sections and the book's two flows run verbatim as
// scripts under svcsim run (testdata/scripts, and the blue-green lesson's
// own script for lab §4). These tests pin their facts, not addresses.

var (
	labScripts = []string{
		"../../testdata/scripts/lab-1-simple-service.sh",
		"../../testdata/scripts/lab-2-resource-controller.sh",
		"../../testdata/scripts/lab-3-challenge.sh",
		"../../examples/bluegreen/lab4.sh",
		"../../testdata/scripts/lab-5-clean-up.sh",
	}
	// An ENDPOINTS column or an Endpoints: line: a list, maybe "+ N more...".
	endpointsCol = regexp.MustCompile(`((?:\d+\.){3}\d+:\d+(?:,(?:\d+\.){3}\d+:\d+)*)(?: \+ (\d+) more\.\.\.)?|<none>`)
	counted      = regexp.MustCompile(`^\s+(\d+) (.+)$`)
)

// endpointCounts reads the number of endpoints after each command for
// which want returns true.
func endpointCounts(out string, want func(cmd string) bool) []int {
	var counts []int
	lines := strings.Split(out, "\n")
	for i, l := range lines {
		if !strings.HasPrefix(l, "$ ") || !want(l[2:]) {
			continue
		}
		afterHeader := false
		for _, next := range lines[i+1:] {
			if strings.HasPrefix(next, "$ ") {
				break
			}
			// A table's row follows its NAME header; describe has an
			// Endpoints: line.
			if strings.HasPrefix(next, "NAME") {
				afterHeader = true
				continue
			}
			if !afterHeader && !strings.HasPrefix(next, "Endpoints:") {
				continue
			}
			m := endpointsCol.FindStringSubmatch(next)
			if m == nil {
				continue
			}
			n := 0
			if m[1] != "" {
				n = len(strings.Split(m[1], ","))
				more, _ := strconv.Atoi(m[2])
				n += more
			}
			counts = append(counts, n)
			break
		}
	}
	return counts
}

// tallies reads each `... | sort | uniq -c` block after a command with the
// given prefix.
func tallies(out, prefix string) []map[string]int {
	var all []map[string]int
	lines := strings.Split(out, "\n")
	for i, l := range lines {
		if !strings.HasPrefix(l, "$ "+prefix) {
			continue
		}
		m := map[string]int{}
		for _, next := range lines[i+1:] {
			c := counted.FindStringSubmatch(next)
			if c == nil {
				break
			}
			m[c[2]], _ = strconv.Atoi(c[1])
		}
		all = append(all, m)
	}
	return all
}

func TestLabScripts(t *testing.T) {
	code, out, errOut := invoke(t, "", append([]string{"run", "--seed", "1"}, labScripts...)...)
	require.Equal(t, 0, code, errOut)

	// §1: the Service exists before any pod; a request through it is
	// refused; once bigwebstuff runs, nginx answers through it and by its
	// pod IP.
	assert.Contains(t, out, "$ kubectl apply -f svc.yaml\nservice/testweb created\n")
	assert.Contains(t, errOut, "wget: can't connect to remote host")
	assert.Contains(t, out, "wget failed: the Service has no endpoints\n")
	assert.Equal(t, 2, strings.Count(out, "<h1>Welcome to nginx!</h1>"), "through the Service and by pod IP")
	assert.Regexp(t, `\$ kubectl get po bigwebstuff -o json \| jq -r '\.status \| \.podIP, \.hostIP'\n10\.244\.\d+\.\d+\n172\.18\.0\.\d+\n`, out)

	// §1 and §2: testweb's endpoints, 1 then the bare pod and the
	// Deployment's 3.
	assert.Equal(t, []int{1, 4}, endpointCounts(out, func(c string) bool { return c == "kubectl describe service testweb" }))
	// §3: 4 nginx and 2 httpd pods share the Service, about 2:1.
	ch := tallies(out, "for i in $(seq 60)")
	require.Len(t, ch, 1)
	nginx, httpd := ch[0]["Welcome to nginx!"]/2, ch[0]["It works!"]
	assert.Equal(t, 60, nginx+httpd, "%v", ch[0])
	assert.InDelta(t, 20, httpd, 12, "%v", ch[0])

	// §4: endpoints 0 → 3 → 3 → 6 → 3; blue, both, green.
	assert.Equal(t, []int{0, 3, 3, 6, 3}, endpointCounts(out, func(c string) bool { return c == "kubectl get ep blue-green-svc" }))
	bg := tallies(out, "for i in $(seq 100)")
	require.Len(t, bg, 3)
	assert.Equal(t, map[string]int{"blue": 100}, bg[0])
	assert.InDelta(t, 50, bg[1]["green"], 20, "%v", bg[1])
	assert.Equal(t, 100, bg[1]["blue"]+bg[1]["green"], "%v", bg[1])
	assert.Equal(t, map[string]int{"green": 100}, bg[2])

	// §5: only the kubernetes Service remains.
	tail := out[strings.LastIndex(out, "$ kubectl get all"):]
	assert.Regexp(t, `^\$ kubectl get all\nNAME +TYPE +CLUSTER-IP +EXTERNAL-IP +PORT\(S\) +AGE\nservice/kubernetes +ClusterIP +10\.96\.0\.1 +<none> +443/TCP +\S+\n$`, tail)
}

func TestBookScripts(t *testing.T) {
	code, out, errOut := invoke(t, "", "run", "--seed", "1", "../../testdata/scripts/book-hello-svc.sh")
	require.Equal(t, 0, code, errOut)
	assert.Contains(t, out, "service/hello-svc exposed\n")
	assert.Regexp(t, `NodePort: +<unset> +3\d{4}/TCP\n`, out, "expose picks a node port")
	assert.Contains(t, out, "8080:30001/TCP", "the manifest's node port")
	assert.Equal(t, []int{10, 10, 10}, endpointCounts(out, func(c string) bool {
		return c == "kubectl describe svc hello-svc" || c == "kubectl get ep hello-svc"
	}))
	assert.Contains(t, out, "deployment.apps \"web-deploy\" deleted")

	code, out, errOut = invoke(t, "", "run", "--seed", "1", "../../testdata/scripts/book-real-world.sh")
	require.Equal(t, 0, code, errOut)
	assert.Equal(t, []int{3, 6, 3, 3}, endpointCounts(out, func(c string) bool { return c == "kubectl get ep biz1" }))
	v := tallies(out, "for i in $(seq 100)")
	require.Len(t, v, 3)
	assert.Equal(t, 100, v[0]["4.1"]+v[0]["4.2"], "%v", v[0])
	assert.InDelta(t, 50, v[0]["4.2"], 20, "both versions answer: %v", v[0])
	assert.Equal(t, map[string]int{"4.2": 100}, v[1], "the selector adds version=4.2")
	assert.Equal(t, map[string]int{"4.1": 100}, v[2], "and rolls back to 4.1")
}

package flow_test

import (
	"os"
	"strings"
	"testing"
	"time"

	"pgregory.net/rapid"

	"github.com/svcsim/svcsim"
	"github.com/svcsim/svcsim/cluster"
	"github.com/svcsim/svcsim/flow"
	"github.com/svcsim/svcsim/kubectl"
	"github.com/svcsim/svcsim/proxy"
)

// guideManifests are the blue and green Deployments of the lab's app and
// a Service that selects neither yet: the YAML a team keeps in its repo.
const guideManifests = `
apiVersion: apps/v1
kind: Deployment
metadata: {name: blue}
spec:
  replicas: REPLICAS
  selector: {matchLabels: {app: blue}}
  template:
    metadata: {labels: {app: blue}}
    spec:
      containers:
      - {name: web, image: rxmllc/hostinfo, ports: [{containerPort: 9898}]}
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: green}
spec:
  replicas: REPLICAS
  selector: {matchLabels: {app: green}}
  template:
    metadata: {labels: {app: green}}
    spec:
      containers:
      - {name: web, image: rxmlhc/hostinfo, ports: [{containerPort: 9898}]}
---
apiVersion: v1
kind: Service
metadata: {name: web}
spec:
  selector: {method: blue-green}
  ports: [{port: 80, targetPort: 9898}]
`

// TestGuideBlueGreenLosesNothing is the guide's example (docs/
// property-testing.md): for any seed, cluster size, replica count and
// pause between the two label commands, a blue-green switch that waits
// for every node's kube-proxy before removing blue loses no request.
func TestGuideBlueGreenLosesNothing(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		c, err := svcsim.New(svcsim.Config{
			Seed:   rapid.Uint64().Draw(t, "seed"),
			Nodes:  rapid.IntRange(1, 4).Draw(t, "nodes"),
			Timing: cluster.Realistic(),
		})
		if err != nil {
			t.Fatal(err)
		}
		k := c.Kubectl("default")
		replicas := rapid.SampledFrom([]string{"1", "2", "3"}).Draw(t, "replicas")
		must := func(stdin string, args ...string) {
			var errOut strings.Builder
			if k.Exec(kubectl.IO{In: strings.NewReader(stdin), Err: &errOut}, args...) != 0 {
				t.Fatalf("kubectl %s: %s", strings.Join(args, " "), errOut.String())
			}
			if err := c.Settle(); err != nil {
				t.Fatal(err)
			}
		}
		must(strings.ReplaceAll(guideManifests, "REPLICAS", replicas), "apply", "-f", "-")
		must("", "run", "client", "--image=busybox")
		must("", "label", "pods", "-l", "app=blue", "method=blue-green")

		rep, err := flow.BlueGreen{
			Service: "web", Blue: "blue", Green: "green",
			WaitForProxies: true,
			LabelGap:       time.Duration(rapid.IntRange(0, 2000).Draw(t, "gapMs")) * time.Millisecond,
			Load: &proxy.Load{Request: proxy.Request{From: proxy.FromPod("default", "client"), URL: "web"},
				Rate: 40, Duration: 10 * time.Second, GroupBy: "app"},
		}.Run(c)
		if err != nil {
			t.Fatal(err)
		}
		if lost := rep.Tally.Total().Failed(); lost > 0 {
			var b strings.Builder
			for _, e := range rep.Events {
				b.WriteString(e.String() + "\n")
			}
			t.Fatalf("%d requests lost; stale proxies at removal: %v\n%s", lost, rep.StaleAtRemoval, b.String())
		}
	})
}

// TestGuideIsThisFile keeps docs/property-testing.md showing the test
// above as it is.
func TestGuideIsThisFile(t *testing.T) {
	doc, err := os.ReadFile("../docs/property-testing.md")
	if err != nil {
		t.Fatal(err)
	}
	src, err := os.ReadFile("guide_test.go")
	if err != nil {
		t.Fatal(err)
	}
	s := string(src)
	body := s[strings.Index(s, "// TestGuideBlueGreenLosesNothing"):strings.Index(s, "\n// TestGuideIsThisFile")]
	if !strings.Contains(string(doc), "```go\n"+strings.TrimRight(body, "\n")+"\n```") {
		t.Fatal("docs/property-testing.md no longer shows TestGuideBlueGreenLosesNothing as it is")
	}
}

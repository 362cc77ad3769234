package kubectl_test

import (
	"os"
	"strings"

	"github.com/svcsim/svcsim/cluster"
	"github.com/svcsim/svcsim/kubectl"
)

// The lab's blue ReplicaSet and its Service, applied from standard input
// as `cat <<EOF | kubectl apply -f -` would, then the blue pods joined to
// the Service with `kubectl label`, and the lab's cleanup.
func ExampleClient_Exec_applyLabelDelete() {
	manifest := `apiVersion: apps/v1
kind: ReplicaSet
metadata:
  name: blue-rs
spec:
  replicas: 2
  selector:
    matchLabels:
      demo: blue-rs
  template:
    metadata:
      labels:
        demo: blue-rs
    spec:
      containers:
      - name: blue
        image: rxmllc/hostinfo:alpine
---
apiVersion: v1
kind: Service
metadata:
  name: blue-green-svc
spec:
  selector:
    method: blue-green
  ports:
  - port: 80
    targetPort: 9898
`
	sim, _ := cluster.New(cluster.Config{Seed: 1})
	k := kubectl.New(sim, "default")
	sh := func(stdin string, args ...string) {
		k.Exec(kubectl.IO{In: strings.NewReader(stdin), Out: os.Stdout, Err: os.Stdout}, args...)
		_ = sim.Settle()
	}
	sh(manifest, "apply", "-f", "-")
	sh("", "label", "pods", "-l", "demo=blue-rs", "method=blue-green")
	sh("", "label", "pods", "-l", "demo=blue-rs", "method=green")
	sh("", "delete", "rs/blue-rs", "svc/blue-green-svc")
	// Output:
	// replicaset.apps/blue-rs created
	// service/blue-green-svc created
	// pod/blue-rs-xjcz5 labeled
	// pod/blue-rs-z5wmj labeled
	// 'method' already has a value (blue-green), and --overwrite is false
	// 'method' already has a value (blue-green), and --overwrite is false
	// replicaset.apps "blue-rs" deleted from default namespace
	// service "blue-green-svc" deleted from default namespace
}

// Flipping a Service's selector, the blue-green switch, three ways:
// `set selector`, a strategic merge patch and a JSON patch.
func ExampleClient_Exec_selectorFlip() {
	sim, _ := cluster.New(cluster.Config{Seed: 1})
	k := kubectl.New(sim, "default")
	sh := func(args ...string) {
		k.Exec(kubectl.IO{Out: os.Stdout, Err: os.Stdout}, args...)
	}
	_, _ = k.Apply(&cluster.Service{ObjectMeta: cluster.ObjectMeta{Name: "web"},
		Spec: cluster.ServiceSpec{Selector: map[string]string{"color": "blue"}, Ports: []cluster.ServicePort{{Port: 80}}}})
	sh("set", "selector", "svc", "web", "color=green")
	sh("patch", "svc", "web", "-p", `{"spec":{"selector":{"color":"blue"}}}`)
	sh("patch", "svc", "web", "-p", `{"spec":{"selector":{"color":"blue"}}}`)
	sh("patch", "svc", "web", "--type=json", "-p", `[{"op":"replace","path":"/spec/selector/color","value":"green"}]`)
	svc, _ := cluster.GetAs[*cluster.Service](sim, "default", "web")
	os.Stdout.WriteString(svc.Spec.Selector.String() + "\n")
	// Output:
	// service/web selector updated
	// service/web patched
	// service/web patched (no change)
	// service/web patched
	// color=green
}

// `kubectl rollout status` runs the simulation in virtual time until the
// rollout is done, printing each state kubectl's watch would see.
func ExampleClient_Exec_rollout() {
	sim, _ := cluster.New(cluster.Config{Seed: 1})
	k := kubectl.New(sim, "default")
	sh := func(args ...string) {
		k.Exec(kubectl.IO{Out: os.Stdout, Err: os.Stdout}, args...)
	}
	_, _ = k.CreateDeployment("web", kubectl.DeploymentOptions{Image: "nginx:1", Replicas: 2})
	_ = sim.Settle()
	sh("set", "image", "deployment/web", "nginx=nginx:2")
	sh("rollout", "status", "deployment/web")
	sh("rollout", "undo", "deployment/web")
	sh("scale", "deployment/web", "--replicas=3")
	// Output:
	// deployment.apps/web image updated
	// Waiting for deployment spec update to be observed...
	// Waiting for deployment spec update to be observed...
	// Waiting for deployment "web" rollout to finish: 0 out of 2 new replicas have been updated...
	// Waiting for deployment "web" rollout to finish: 1 out of 2 new replicas have been updated...
	// Waiting for deployment "web" rollout to finish: 1 out of 2 new replicas have been updated...
	// Waiting for deployment "web" rollout to finish: 1 out of 2 new replicas have been updated...
	// Waiting for deployment "web" rollout to finish: 1 old replicas are pending termination...
	// Waiting for deployment "web" rollout to finish: 1 old replicas are pending termination...
	// deployment "web" successfully rolled out
	// deployment.apps/web rolled back
	// deployment.apps/web scaled
}

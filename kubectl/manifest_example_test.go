package kubectl_test

import (
	"fmt"
	"os"

	"github.com/svcsim/svcsim/cluster"
	"github.com/svcsim/svcsim/kubectl"
)

// Decode reads a manifest as `kubectl apply -f` does; ApplyAll applies each
// document and goes on after a failure; ErrorText is kubectl's stderr.
func ExampleApplyAll() {
	manifest := `apiVersion: v1
kind: Service
metadata:
  name: web
spec:
  selector:
    app: web
  ports:
  - port: 80
---
apiVersion: v1
kind: Pod
metadata:
  name: web
  labels:
    app: web
spec:
  containers:
  - name: web
    image: nginx
    imagePort: 80
`
	sim, _ := cluster.New(cluster.Config{Seed: 1})
	k := kubectl.New(sim, "default")
	k.Out = os.Stdout
	docs, _ := kubectl.Decode("web.yaml", []byte(manifest))
	err := kubectl.ApplyAll(docs, "creating", func(d kubectl.Document) error {
		if d.Err != nil {
			return d.Err
		}
		_, err := k.Apply(d.Object)
		return err
	})
	fmt.Print(kubectl.ErrorText(err))
	// Output:
	// service/web created
	// Error from server (BadRequest): error when creating "web.yaml": Pod in version "v1" cannot be handled as a Pod: strict decoding error: unknown field "spec.containers[0].imagePort"
}

// Encode prints an object as `kubectl get -o yaml` does.
func ExampleEncode() {
	svc := &cluster.Service{
		ObjectMeta: cluster.ObjectMeta{Name: "web"},
		Spec:       cluster.ServiceSpec{Ports: []cluster.ServicePort{{Port: 80, TargetPort: cluster.FromInt(8080)}}},
	}
	_ = kubectl.Encode(os.Stdout, kubectl.FormatYAML, svc)
	// Output:
	// apiVersion: v1
	// kind: Service
	// metadata:
	//   creationTimestamp: null
	//   name: web
	// spec:
	//   ports:
	//   - port: 80
	//     targetPort: 8080
	// status:
	//   loadBalancer: {}
}

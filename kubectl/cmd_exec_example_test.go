package kubectl_test

import (
	"fmt"
	"os"

	svcsim "github.com/svcsim/svcsim"
	"github.com/svcsim/svcsim/kubectl"
)

// The lab's first command: a Service manifest generated, not sent.
func ExampleClient_Exec_createServiceDryRun() {
	c, _ := svcsim.New(svcsim.Config{Seed: 1})
	k := c.Kubectl("")
	k.Exec(kubectl.IO{Out: os.Stdout, Err: os.Stdout}, "create", "svc", "clusterip", "testweb", "--tcp", "80", "--dry-run=client", "-o", "yaml")
	// Output:
	// apiVersion: v1
	// kind: Service
	// metadata:
	//   creationTimestamp: null
	//   labels:
	//     app: testweb
	//   name: testweb
	// spec:
	//   ports:
	//   - name: "80"
	//     port: 80
	//     protocol: TCP
	//     targetPort: 80
	//   selector:
	//     app: testweb
	//   type: ClusterIP
	// status:
	//   loadBalancer: {}
}

// Making things: a Deployment, a Service for it, and a client pod.
func ExampleClient_Exec_create() {
	c, _ := svcsim.New(svcsim.Config{Seed: 1})
	k := c.Kubectl("")
	stdio := kubectl.IO{Out: os.Stdout, Err: os.Stdout}
	k.Exec(stdio, "create", "deployment", "web-deploy", "--image=nginx", "--replicas=3", "--port=80")
	k.Exec(stdio, "expose", "deployment", "web-deploy", "--name=hello-svc", "--type=NodePort")
	k.Exec(stdio, "run", "testclient", "--image=busybox:1.27")
	// Output:
	// deployment.apps/web-deploy created
	// service/hello-svc exposed
	// pod/testclient created
}

// Commands inside a pod go through the simulated network: the DNS, each
// node's kube-proxy and the app in the pod that answers.
func ExampleClient_Exec_wget() {
	c, _ := svcsim.New(svcsim.Config{Seed: 1})
	k := c.Kubectl("")
	stdio := kubectl.IO{Out: os.Stdout, Err: os.Stdout}
	k.Exec(stdio, "create", "deployment", "web", "--image=rxmllc/hostinfo", "--port=9898")
	k.Exec(stdio, "expose", "deployment", "web", "--port=80", "--target-port=9898")
	k.Exec(stdio, "run", "testclient", "--image=busybox:1.27")
	_ = c.Settle() // let the pods start and the proxies learn of them
	code := k.Exec(stdio, "exec", "testclient", "--", "wget", "-qO-", "web")
	fmt.Println("exit", code)
	code = k.Exec(stdio, "exec", "testclient", "--", "wget", "-qO-", "nosuch")
	fmt.Println("exit", code)
	// Output:
	// deployment.apps/web created
	// service/web exposed
	// pod/testclient created
	// web-6d6874c7b9-hc8jw 10.244.1.2
	// exit 0
	// wget: bad address 'nosuch'
	// command terminated with exit code 1
	// exit 1
}

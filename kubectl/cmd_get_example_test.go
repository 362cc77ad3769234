package kubectl_test

import (
	"fmt"
	"os"

	svcsim "github.com/svcsim/svcsim"
	"github.com/svcsim/svcsim/kubectl"
)

// The command line reads the cluster as kubectl does: tables, names for
// the next command, one field through a template or JSONPath.
func ExampleClient_Exec_get() {
	c, err := svcsim.New(svcsim.Config{Seed: 1})
	if err != nil {
		panic(err)
	}
	k := c.Kubectl("")
	if _, err := k.CreateDeployment("web", kubectl.DeploymentOptions{Image: "nginx", Replicas: 2, Port: 80}); err != nil {
		panic(err)
	}
	c.Settle()
	stdio := kubectl.IO{Out: os.Stdout, Err: os.Stdout}
	k.Exec(stdio, "get", "deploy,po")
	fmt.Println()
	k.Exec(stdio, "get", "po", "-l", "app=web", "-o", "name")
	k.Exec(stdio, "get", "deploy", "web", "--template={{.spec.replicas}}")
	fmt.Println()
	k.Exec(stdio, "get", "po", "-o", `jsonpath={range .items[*]}{.metadata.name}{"\t"}{.spec.nodeName}{"\n"}{end}`)
	k.Exec(stdio, "get", "svc", "nope")
	// Output:
	// NAME                  READY   UP-TO-DATE   AVAILABLE   AGE
	// deployment.apps/web   2/2     2            2           0s
	//
	// NAME                      READY   STATUS    RESTARTS   AGE
	// pod/web-b5859fdd5-hz5wm   1/1     Running   0          0s
	// pod/web-b5859fdd5-xxjcz   1/1     Running   0          0s
	//
	// pod/web-b5859fdd5-hz5wm
	// pod/web-b5859fdd5-xxjcz
	// 2
	// web-b5859fdd5-hz5wm	node-2
	// web-b5859fdd5-xxjcz	node-1
	// Error from server (NotFound): services "nope" not found
}

// describe prints what kubectl describe prints; a name that matches no
// object describes those it is a prefix of.
func ExampleClient_Exec_describe() {
	c, err := svcsim.New(svcsim.Config{Seed: 1})
	if err != nil {
		panic(err)
	}
	k := c.Kubectl("")
	stdio := kubectl.IO{Out: os.Stdout, Err: os.Stdout}
	k.Exec(stdio, "describe", "ns", "default")
	// Output:
	// Name:         default
	// Labels:       <none>
	// Annotations:  <none>
	// Status:       Active
	//
	// No resource quota.
	//
	// No LimitRange resource.
}

package endpoints

import "github.com/svcsim/svcsim/cluster"

// KubectlClient is the part of *kubectl.Client that reconcile_test.go
// drives the cluster with. kubectl imports this package (through dns and
// proxy), so tests inside it cannot import kubectl; kubectl_hook_ext_test.go,
// in package endpoints_test, sets NewKubectl to kubectl.New before any test
// runs.
type KubectlClient interface {
	Apply(obj cluster.Object) (cluster.Object, error)
	Label(kind cluster.Kind, name string, args ...string) error
}

// NewKubectl is kubectl.New, for the tests inside this package.
var NewKubectl func(s *cluster.Sim, namespace string) KubectlClient

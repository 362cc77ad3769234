package cluster_test

import (
	"github.com/svcsim/svcsim/cluster"
	"github.com/svcsim/svcsim/kubectl"
)

func init() {
	cluster.SetKubectlHooks(func(s *cluster.Sim, namespace string, kind cluster.Kind, name string, args ...string) error {
		return kubectl.New(s, namespace).Label(kind, name, args...)
	}, kubectl.ErrUsage)
}

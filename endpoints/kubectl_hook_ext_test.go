package endpoints_test

import (
	"github.com/svcsim/svcsim/cluster"
	"github.com/svcsim/svcsim/endpoints"
	"github.com/svcsim/svcsim/kubectl"
)

func init() {
	endpoints.NewKubectl = func(s *cluster.Sim, namespace string) endpoints.KubectlClient {
		return kubectl.New(s, namespace)
	}
}

package svcsim_test

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/svcsim/svcsim"
	"github.com/svcsim/svcsim/cluster"
	"github.com/svcsim/svcsim/kubectl"
	"github.com/svcsim/svcsim/selector"
)

// TestPodIPTheEndpointsCannotUse: the apiserver accepts any well-formed
// pod IP in a status write, 0.0.0.0 included, though no Endpoints may
// list it; the data plane must cope and the cluster settle.
func TestPodIPTheEndpointsCannotUse(t *testing.T) {
	for _, ip := range []string{"0.0.0.0", "127.0.0.1", "169.254.1.1", "2001:db8::1"} {
		t.Run(ip, func(t *testing.T) {
			c, err := svcsim.New(svcsim.Config{})
			require.NoError(t, err)
			k := c.Kubectl("")
			_, err = k.Run("web", kubectl.RunOptions{Image: "nginx", Labels: map[string]string{"app": "web"}, Port: 80})
			require.NoError(t, err)
			_, err = k.Apply(&cluster.Service{ObjectMeta: cluster.ObjectMeta{Name: "web"},
				Spec: cluster.ServiceSpec{Selector: selector.Set{"app": "web"}, Ports: []cluster.ServicePort{{Port: 80}}}})
			require.NoError(t, err)
			require.NoError(t, c.Settle())
			p, ok := cluster.GetAs[*cluster.Pod](c.Sim, "default", "web")
			require.True(t, ok)
			p.Status.PodIP = ip
			_, err = c.UpdateStatus(p)
			require.NoError(t, err)
			require.NoError(t, c.Settle())
		})
	}
}

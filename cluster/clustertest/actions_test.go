package clustertest_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/svcsim/svcsim/cluster"
	"github.com/svcsim/svcsim/cluster/clustertest"
	"github.com/svcsim/svcsim/selector"
)

// Actions print as the kubectl command that does the same, or as a
// comment for what kubectl cannot do, so a sequence reads as a script.
func TestActionStrings(t *testing.T) {
	for _, tt := range []struct {
		a    clustertest.Action
		want string
	}{
		{clustertest.CreatePod{Name: "p0", Image: "rxmllc/hostinfo", Labels: selector.Set{"app": "web", "version": "blue"}},
			"kubectl run p0 --image=rxmllc/hostinfo --labels=app=web,version=blue --port=9898"},
		{clustertest.CreatePod{Namespace: "team-a", Name: "p1", Image: "nginx", Probe: true},
			"kubectl run p1 --image=nginx --port=9898 -n team-a  # svcsim: with a readiness probe every 1s"},
		{clustertest.DeletePod{Name: "web-1", Force: true}, "kubectl delete pod web-1 --grace-period=0 --force"},
		{clustertest.Relabel{Name: "web-1", Set: selector.Set{"app": "x"}, Remove: []string{"version"}},
			"kubectl label pod web-1 app=x version- --overwrite"},
		{clustertest.Scale{Kind: cluster.KindDeployment, Name: "web", Replicas: 3}, "kubectl scale deployment/web --replicas=3"},
		{clustertest.SetImage{Deployment: "web", Container: "app", Image: "nginx:2"}, "kubectl set image deployment/web app=nginx:2"},
		{clustertest.SetSelector{Service: "web", Selector: selector.Set{"app": "web", "version": "green"}},
			"kubectl set selector service web app=web,version=green"},
		{clustertest.SetPorts{Service: "web", Ports: []cluster.ServicePort{{Port: 80, TargetPort: cluster.FromString("http")}}},
			`kubectl patch service web --type=merge -p '{"spec":{"ports":[{"port":80,"targetPort":"http"}]}}'`},
		{clustertest.FailReadiness{Pod: "web-1"}, "# svcsim: pod default/web-1 fails its readiness probe"},
		{clustertest.Crash{Pod: "web-1"}, "# svcsim: the container of pod default/web-1 crashes"},
		{clustertest.NodeDown{Node: "node-2"}, "# svcsim: node node-2 goes down"},
		{clustertest.NodeUp{Node: "node-2"}, "# svcsim: node node-2 comes back"},
		{clustertest.Advance{D: 1500 * time.Millisecond}, "sleep 1.5"},
		{&clustertest.SendLoad{Service: "web", Requests: 20, Over: time.Second}, "# svcsim: 20 requests to service default/web over 1s"},
	} {
		t.Run(tt.want, func(t *testing.T) { assert.Equal(t, tt.want, tt.a.String()) })
	}
}

// An action that fails returns the typed error of the call it makes and
// changes nothing.
func TestFailedActionsChangeNothing(t *testing.T) {
	for _, tt := range []struct {
		name string
		a    clustertest.Action
		is   error
	}{
		{"relabel a missing pod", clustertest.Relabel{Name: "nope", Set: selector.Set{"a": "b"}}, cluster.ErrNotFound},
		{"delete a missing pod", clustertest.DeletePod{Name: "nope"}, cluster.ErrNotFound},
		{"selector of a missing service", clustertest.SetSelector{Service: "nope", Selector: selector.Set{"a": "b"}}, cluster.ErrNotFound},
		{"invalid ports", clustertest.SetPorts{Service: "web", Ports: []cluster.ServicePort{{Port: -1}}}, cluster.ErrInvalid},
		{"fault on a missing pod", clustertest.Crash{Pod: "nope"}, cluster.ErrNoRuntime},
		{"missing node", clustertest.NodeDown{Node: "node-9"}, cluster.ErrNoNode},
		{"negative advance", clustertest.Advance{D: -time.Second}, clustertest.ErrBadArgument},
		{"empty load", &clustertest.SendLoad{Service: "web"}, clustertest.ErrBadArgument},
		{"load to a missing service", &clustertest.SendLoad{Service: "nope", Requests: 1, Over: time.Second}, cluster.ErrNotFound},
	} {
		t.Run(tt.name, func(t *testing.T) {
			c := world(t)
			before, pending := c.Digest(), c.Pending()
			require.ErrorIs(t, tt.a.Apply(c), tt.is)
			assert.Equal(t, before, c.Digest())
			assert.Equal(t, pending, c.Pending(), "nothing scheduled")
		})
	}
}

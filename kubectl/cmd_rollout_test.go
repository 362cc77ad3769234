package kubectl

import (
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/svcsim/svcsim/cluster"
	"github.com/svcsim/svcsim/selector"
)

// slowWeb is a Deployment of three pods that each become ready two
// seconds after they start, so that a rollout takes virtual time.
func slowWeb(e *mutEnv) {
	_, err := e.s.Create(newDeployment("web", 3, "nginx:1"))
	require.NoError(e.t, err)
	require.NoError(e.t, e.s.Settle())
}

func TestExecRolloutStatus(t *testing.T) {
	t.Run("waits in virtual time", func(t *testing.T) {
		e := newMutEnv(t, cluster.Config{})
		slowWeb(e)
		_, _, code := e.run("", "set", "image", "deploy/web", "nginx=nginx:2")
		require.Equal(t, 0, code)
		start := e.s.Now()
		out, errOut, code := e.run("", "rollout", "status", "deployment/web")
		assert.Equal(t, 0, code, errOut)
		lines := strings.Split(strings.TrimSuffix(out, "\n"), "\n")
		assert.Equal(t, "Waiting for deployment spec update to be observed...", lines[0])
		assert.Contains(t, lines, "Waiting for deployment \"web\" rollout to finish: 1 out of 3 new replicas have been updated...")
		assert.Contains(t, lines, "Waiting for deployment \"web\" rollout to finish: 1 old replicas are pending termination...")
		assert.Equal(t, "deployment \"web\" successfully rolled out", lines[len(lines)-1])
		assert.GreaterOrEqual(t, e.s.Now().Sub(start), 6*time.Second, "three pods, two seconds each")
		d, _ := cluster.GetAs[*cluster.Deployment](e.s, "default", "web")
		assert.Equal(t, int32(3), d.Status.UpdatedReplicas)
		assert.Equal(t, int32(3), d.Status.AvailableReplicas)
	})
	t.Run("--timeout", func(t *testing.T) {
		e := newMutEnv(t, cluster.Config{})
		slowWeb(e)
		e.run("", "set", "image", "deploy/web", "nginx=nginx:2")
		start := e.s.Now()
		_, errOut, code := e.run("", "rollout", "status", "deploy/web", "--timeout=1s")
		assert.Equal(t, 1, code)
		assert.Equal(t, "error: timed out waiting for the condition\n", errOut)
		assert.Equal(t, time.Second, e.s.Now().Sub(start))
	})
	runCases(t, []cmdCase{
		{name: "done", setup: slowWeb, args: []string{"rollout", "status", "deploy/web"}, out: "deployment \"web\" successfully rolled out\n", same: true},
		{name: "--watch=false", setup: func(e *mutEnv) {
			slowWeb(e)
			e.run("", "scale", "deploy/web", "--replicas=4")
			require.NoError(e.t, e.s.RunFor(time.Second))
		},
			args: []string{"rollout", "status", "deploy/web", "-w=false"}, same: true,
			out: "Waiting for deployment \"web\" rollout to finish: 3 of 4 updated replicas are available...\n"},
		{name: "--revision", setup: slowWeb, args: []string{"rollout", "status", "deploy/web", "--revision=2"},
			err: "error: desired revision (2) is different from the running revision (1)\n", code: 1, same: true},
		{name: "not a deployment", setup: func(e *mutEnv) { e.must("apply", "-f", "blue.yaml") }, args: []string{"rollout", "status", "rs/blue-rs"},
			err: "error: no status viewer has been implemented for ReplicaSet.apps\n", code: 1, same: true},
		{name: "missing", args: []string{"rollout", "status", "deploy/web"},
			err: "Error from server (NotFound): deployments.apps \"web\" not found\n", code: 1, same: true},
		{name: "none", args: []string{"rollout", "status", "deploy"}, err: "No resources found in default namespace.\n", same: true},
		{name: "no resource", args: []string{"rollout", "status"}, err: "error: required resource not specified\n", code: 1, same: true},
	})
}

func TestExecRollout(t *testing.T) {
	twoRevisions := func(e *mutEnv) {
		slowWeb(e)
		e.must("set", "image", "deploy/web", "nginx=nginx:2")
	}
	image := func(e *mutEnv) string {
		d, _ := cluster.GetAs[*cluster.Deployment](e.s, "default", "web")
		return d.Spec.Template.Spec.Containers[0].Image
	}
	runCases(t, []cmdCase{
		{name: "history", setup: twoRevisions, args: []string{"rollout", "history", "deploy/web"},
			out: "deployment.apps/web \nREVISION  CHANGE-CAUSE\n1         <none>\n2         <none>\n\n", same: true},
		{name: "history of a deployment with none", setup: func(e *mutEnv) {
			_, err := e.s.Create(newDeployment("web", 1, "nginx", func(d *cluster.Deployment) { d.Spec.Paused = true }))
			require.NoError(e.t, err)
		}, args: []string{"rollout", "history", "deploy/web"}, out: "deployment.apps/web \nNo rollout history found.\n", same: true},
		{name: "history --revision", setup: twoRevisions, args: []string{"rollout", "history", "deploy/web", "--revision=1"},
			err: "error: rollout history --revision is not supported by svcsim; see kubectl describe rs for a revision's template\n", code: 1, same: true},
		{name: "undo", setup: twoRevisions, args: []string{"rollout", "undo", "deploy/web"}, out: "deployment.apps/web rolled back\n",
			check: func(e *mutEnv) { assert.Equal(e.t, "nginx:1", image(e)) }},
		{name: "undo --to-revision", setup: twoRevisions, args: []string{"rollout", "undo", "deploy/web", "--to-revision=2"},
			out: "deployment.apps/web skipped rollback (current template already matches revision 2)\n", same: true},
		{name: "undo to a missing revision", setup: twoRevisions, args: []string{"rollout", "undo", "deploy/web", "--to-revision=7"},
			err: "error: unable to find specified revision 7 in history\n", code: 1, same: true},
		{name: "undo without history", setup: slowWeb, args: []string{"rollout", "undo", "deploy/web"},
			err: "error: no rollout history found for deployment \"web\"\n", code: 1, same: true},
		{name: "undo dry run", setup: twoRevisions, args: []string{"rollout", "undo", "deploy/web", "--dry-run=client"},
			out: "deployment.apps/web rolled back (dry run)\n", same: true},
		{name: "pause", setup: slowWeb, args: []string{"rollout", "pause", "deploy/web"}, out: "deployment.apps/web paused\n",
			check: func(e *mutEnv) {
				d, _ := cluster.GetAs[*cluster.Deployment](e.s, "default", "web")
				assert.True(e.t, d.Spec.Paused)
			}},
		{name: "pause twice", setup: func(e *mutEnv) { slowWeb(e); e.must("rollout", "pause", "deploy/web") },
			args: []string{"rollout", "pause", "deploy/web"}, out: "deployment.apps/web already paused\n", same: true},
		{name: "resume", setup: func(e *mutEnv) { slowWeb(e); e.must("rollout", "pause", "deploy/web") },
			args: []string{"rollout", "resume", "deployment", "web"}, out: "deployment.apps/web resumed\n"},
		{name: "resume unpaused", setup: slowWeb, args: []string{"rollout", "resume", "deploy/web"}, out: "deployment.apps/web already resumed\n", same: true},
		{name: "undo paused", setup: func(e *mutEnv) { twoRevisions(e); e.must("rollout", "pause", "deploy/web") },
			args: []string{"rollout", "undo", "deploy/web"},
			err:  "error: you cannot rollback a paused deployment; resume it first with 'kubectl rollout resume' and try again\n", code: 1, same: true},
		{name: "pause a replica set", setup: func(e *mutEnv) { e.must("apply", "-f", "blue.yaml") }, args: []string{"rollout", "pause", "rs/blue-rs"},
			err: "error: replicasets.apps \"blue-rs\" pausing is not supported\n", code: 1, same: true},
		{name: "restart", setup: slowWeb, args: []string{"rollout", "restart", "deploy/web"}, out: "deployment.apps/web restarted\n",
			check: func(e *mutEnv) {
				d, _ := cluster.GetAs[*cluster.Deployment](e.s, "default", "web")
				assert.Equal(e.t, timestamp(e.s.Now()), d.Spec.Template.Annotations["kubectl.kubernetes.io/restartedAt"])
				require.NoError(e.t, e.s.Settle())
				rss := 0
				for _, rs := range cluster.ListAs[*cluster.ReplicaSet](e.s, "default", selector.Everything()) {
					if rs.Spec.Replicas != nil && *rs.Spec.Replicas > 0 {
						rss++
						assert.Contains(e.t, rs.Spec.Template.Annotations, "kubectl.kubernetes.io/restartedAt")
					}
				}
				assert.Equal(e.t, 1, rss, "the new ReplicaSet took over")
			}},
		{name: "restart twice in a second", setup: func(e *mutEnv) { slowWeb(e); e.run("", "rollout", "restart", "deploy/web") },
			args: []string{"rollout", "restart", "deploy/web"},
			err:  "error: failed to create patch for web: if restart has already been triggered within the past second, please wait before attempting to trigger another\n",
			code: 1},
		{name: "restart paused", setup: func(e *mutEnv) { slowWeb(e); e.must("rollout", "pause", "deploy/web") },
			args: []string{"rollout", "restart", "deploy/web"},
			err:  "error: deployments.apps \"web\" can't restart paused deployment (run rollout resume first)\n", code: 1, same: true},
		{name: "every deployment", setup: slowWeb, args: []string{"rollout", "pause", "deploy"}, out: "deployment.apps/web paused\n"},
		{name: "-l", setup: func(e *mutEnv) { slowWeb(e); e.must("label", "deploy/web", "app=web") }, args: []string{"rollout", "restart", "deploy", "-l", "app=web"}, out: "deployment.apps/web restarted\n"},
		{name: "history of a replica set", setup: func(e *mutEnv) { e.must("apply", "-f", "blue.yaml") }, args: []string{"rollout", "history", "rs/blue-rs"},
			err: "error: no history viewer has been implemented for \"ReplicaSet.apps\"\n", code: 1, same: true},
		{name: "rollout alone lists", args: []string{"rollout"}, same: true,
			out: "Manage the rollout of a resource\n\nAvailable Commands:\n" +
				"  history        View rollout history\n  pause          Mark the provided resource as paused\n" +
				"  restart        Restart a resource\n  resume         Resume a paused resource\n" +
				"  status         Show the status of the rollout\n  undo           Undo a previous rollout\n\nUsage:\n  kubectl rollout SUBCOMMAND [options]\n"},
	})
}

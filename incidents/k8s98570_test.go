package incidents_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/svcsim/svcsim/cluster"
	"github.com/svcsim/svcsim/proxy"
	"github.com/svcsim/svcsim/selector"
)

// moveLabel is kubernetes#98570's change of a selected label, as a
// blue-green switch by labels does it: the Service web selects
// app=web,serving=true; two v1 pods carry serving=true and two v2 pods do
// not; 200 requests a second go to web, and two seconds in, switch moves
// the label from v1 to v2.
func moveLabel(t *testing.T, seed uint64, switchLabel func(w *world)) (proxy.Counts, []string) {
	w := newWorld(t, seed, slowApp{})
	for _, v := range []string{"v1", "v2"} {
		w.apply(replicaSet("web-"+v, selector.Set{"app": "web", "version": v}, 2, podSpec(hostinfo, readiness(0))))
	}
	w.apply(service("web", selector.Set{"app": "web", "serving": "true"}))
	require.NoError(t, w.Settle())
	require.NoError(t, w.k.LabelSelected(cluster.KindPod, "version=v1", "serving=true"))
	require.NoError(t, w.Settle())
	w.load("web", 200, 10*time.Second)
	w.run(2 * time.Second)
	switchLabel(w)
	counts := w.finish()
	return counts, w.reasons(func(pod string) string { return "a pod" })
}

// TestK8s98570RelabelBlocksTraffic: taking the selected label off the old
// pods before putting it on the new ones (two kubectl commands, half a
// second apart) leaves the Service without endpoints. Every kube-proxy that
// syncs in between programs a REJECT rule for it ("has no endpoints"), and
// connections are refused at once, until the new pods' endpoints reach it
// and its next sync runs.
func TestK8s98570RelabelBlocksTraffic(t *testing.T) {
	for _, seed := range []uint64{1, 2, 3} {
		counts, reasons := moveLabel(t, seed, func(w *world) {
			require.NoError(t, w.k.LabelSelected(cluster.KindPod, "version=v1", "serving-"))
			w.run(500 * time.Millisecond)
			require.NoError(t, w.k.LabelSelected(cluster.KindPod, "version=v2", "serving=true"))
		})
		require.Positive(t, counts.Failed(), "seed %d: %+v", seed, counts)
		// The window is the gap between the commands, stretched to the
		// proxy's next sync a second after the one that removed v1: at
		// most two seconds of the load.
		assert.LessOrEqual(t, counts.Failed(), 400, "seed %d: only the switch fails: %+v", seed, counts)
		assert.Equal(t, []string{"connection refused from no endpoint"}, kinds(reasons), "seed %d: %v", seed, reasons)
		t.Logf("seed %d: %d of %d refused: %v", seed, counts.Failed(), counts.Total(), reasons)
	}
}

// TestK8s98570MakeBeforeBreakLosesNone: putting the label on the new pods
// first, waiting until every kube-proxy has them (2 s: more than the
// endpoints controller's and the proxies' watch lags plus the proxies'
// one-second sync period), and only then taking it off the old ones, the
// Service never has an empty endpoint set and nothing is refused.
func TestK8s98570MakeBeforeBreakLosesNone(t *testing.T) {
	for _, seed := range []uint64{1, 2, 3} {
		counts, reasons := moveLabel(t, seed, func(w *world) {
			require.NoError(t, w.k.LabelSelected(cluster.KindPod, "version=v2", "serving=true"))
			w.run(2 * time.Second)
			require.NoError(t, w.k.LabelSelected(cluster.KindPod, "version=v1", "serving-"))
		})
		assert.Zero(t, counts.Failed(), "seed %d: %+v %v", seed, counts, reasons)
		assert.Equal(t, 2000, counts.Total(), "seed %d", seed)
	}
}

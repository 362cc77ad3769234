package flow_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/svcsim/svcsim/flow"
)

func TestBlueGreenSmoke(t *testing.T) {
	for _, tc := range []struct {
		name  string
		bg    flow.BlueGreen
		lossy bool
	}{
		{"wait", flow.BlueGreen{WaitForProxies: true, ScaleDownDelay: -1}, false},
		{"delay", flow.BlueGreen{}, false},
		{"at once", flow.BlueGreen{ScaleDownDelay: -1}, false},
		{"gap", flow.BlueGreen{ScaleDownDelay: -1, LabelGap: 300 * time.Millisecond}, true},
		{"gap wait", flow.BlueGreen{ScaleDownDelay: -1, LabelGap: 300 * time.Millisecond, WaitForProxies: true}, false},
		{"selector at once", flow.BlueGreen{ScaleDownDelay: -1, Switch: flow.BySelector}, true},
		{"selector wait", flow.BlueGreen{ScaleDownDelay: -1, Switch: flow.BySelector, WaitForProxies: true}, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := newWorld(t, world{Seed: 1, Blue: 3, Green: 3})
			bg := tc.bg
			bg.Service, bg.Blue, bg.Green = "web", "blue", "green"
			bg.Load = load(200, 40*time.Second)
			rep, err := bg.Run(c)
			require.NoError(t, err)
			for _, e := range rep.Events {
				t.Log(e)
			}
			t.Logf("%+v stale %v", rep.Tally.Total(), rep.StaleAtRemoval)
			assert.Equal(t, tc.lossy, rep.Tally.Total().Failed() > 0)
		})
	}
}

package cluster

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestConfigZones: Config.Zones labels the nodes round-robin and
// Config.Region labels them all, as a cloud provider's nodes are labelled.
func TestConfigZones(t *testing.T) {
	zones := []string{"zone-a", "zone-b"}
	s, err := New(Config{Nodes: 3, Zones: zones, Region: "region-1"})
	require.NoError(t, err)
	zones[0] = "changed" // the caller's slice is not the cluster's
	got := map[string][2]string{}
	for _, n := range ListAs[*Node](s, "", everything) {
		got[n.Name] = [2]string{n.Labels[LabelTopologyZone], n.Labels[LabelTopologyRegion]}
	}
	assert.Equal(t, map[string][2]string{
		"node-1": {"zone-a", "region-1"}, "node-2": {"zone-b", "region-1"}, "node-3": {"zone-a", "region-1"},
	}, got)
	assert.Equal(t, []string{"zone-a", "zone-b"}, s.Config().Zones)

	s, err = New(Config{Nodes: 1})
	require.NoError(t, err)
	n, _ := GetAs[*Node](s, "", "node-1")
	assert.NotContains(t, n.Labels, LabelTopologyZone, "no Zones, no zone label")
	assert.NotContains(t, n.Labels, LabelTopologyRegion)
}

// TestConfigZonesInvalid: zones and regions must be label values the
// apiserver would accept on a node.
func TestConfigZonesInvalid(t *testing.T) {
	for _, tt := range []struct {
		name string
		cfg  Config
		want string
	}{
		{"leading dash", Config{Zones: []string{"-a"}}, `Zones[0] "-a" is not a valid label value`},
		{"space", Config{Zones: []string{"ok", "us east"}}, `Zones[1] "us east" is not a valid label value`},
		{"too long", Config{Zones: []string{strings.Repeat("z", 64)}}, "must be no more than 63 bytes"},
		{"region", Config{Region: "eu/west"}, `Region "eu/west" is not a valid label value`},
	} {
		t.Run(tt.name, func(t *testing.T) {
			s, err := New(tt.cfg)
			assert.Nil(t, s)
			require.ErrorIs(t, err, ErrConfig)
			assert.Contains(t, err.Error(), tt.want)
		})
	}
}

package cluster

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"pgregory.net/rapid"
)

// TestEndpointsValidationPaths: a bad address or endpoint among good ones
// is reported under its own field path, whichever of its fields is wrong,
// though good ones are checked without building any path.
func TestEndpointsValidationPaths(t *testing.T) {
	good := EndpointAddress{IP: "10.0.0.1", Hostname: "web-0", NodeName: Ptr("node-1")}
	for _, tt := range []struct {
		name string
		bad  EndpointAddress
		want cause
	}{
		{"node name", EndpointAddress{IP: "10.0.0.2", NodeName: Ptr("node..1")}, cause{Field: "subsets[0].notReadyAddresses[1].nodeName", Type: "Invalid value"}},
		{"node name too long", EndpointAddress{IP: "10.0.0.2", NodeName: Ptr(strings.Repeat("a.", 126) + "aa")}, cause{Field: "subsets[0].notReadyAddresses[1].nodeName", Type: "Invalid value"}},
		{"hostname", EndpointAddress{IP: "10.0.0.2", Hostname: "web.0"}, cause{Field: "subsets[0].notReadyAddresses[1].hostname", Type: "Invalid value"}},
		{"IPv4-mapped", EndpointAddress{IP: "::ffff:10.0.0.2"}, cause{Field: "subsets[0].notReadyAddresses[1].ip", Type: "Invalid value"}},
		{"zone", EndpointAddress{IP: "fe80::1%eth0"}, cause{Field: "subsets[0].notReadyAddresses[1].ip", Type: "Invalid value"}},
		{"leading zeros", EndpointAddress{IP: "10.0.0.02"}, cause{Field: "subsets[0].notReadyAddresses[1].ip", Type: "Invalid value"}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			s := newSim(t, Config{Seed: 1})
			_, err := s.Create(&Endpoints{ObjectMeta: ObjectMeta{Name: "manual"}, Subsets: []EndpointSubset{{
				Addresses: []EndpointAddress{good}, NotReadyAddresses: []EndpointAddress{good, tt.bad}, Ports: []EndpointPort{{Port: 80}},
			}}})
			var se *StatusError
			require.ErrorAs(t, err, &se)
			assertCauses(t, []cause{tt.want}, se.Causes)
		})
	}
	for _, tt := range []struct {
		name string
		bad  Endpoint
		want []cause
	}{
		{"second address", Endpoint{Addresses: []string{"10.0.0.2", "nope"}}, []cause{{Field: "endpoints[1].addresses[1]", Type: "Invalid value"}}},
		{"node name", Endpoint{Addresses: []string{"10.0.0.2"}, NodeName: Ptr("Node")}, []cause{{Field: "endpoints[1].nodeName", Type: "Invalid value"}}},
		{"hostname", Endpoint{Addresses: []string{"10.0.0.2"}, Hostname: Ptr("-web")}, []cause{{Field: "endpoints[1].hostname", Type: "Invalid value"}}},
		{"no address", Endpoint{}, []cause{{Field: "endpoints[1].addresses", Type: "Required value"}}},
	} {
		t.Run("slice "+tt.name, func(t *testing.T) {
			s := newSim(t, Config{Seed: 1})
			_, err := s.Create(&EndpointSlice{ObjectMeta: ObjectMeta{Name: "manual"}, AddressType: "IPv4",
				Endpoints: []Endpoint{{Addresses: []string{"10.0.0.1"}, NodeName: Ptr("node-1"), Hostname: Ptr("web-0")}, tt.bad}})
			var se *StatusError
			require.ErrorAs(t, err, &se)
			assertCauses(t, tt.want, se.Causes)
		})
	}
	s := newSim(t, Config{Seed: 1})
	_, err := s.Create(&EndpointSlice{ObjectMeta: ObjectMeta{Name: "fqdn"}, AddressType: "FQDN",
		Endpoints: []Endpoint{{Addresses: []string{"web.example.com"}}, {Addresses: []string{"web..example.com"}}}})
	var se *StatusError
	require.ErrorAs(t, err, &se)
	assertCauses(t, []cause{{Field: "endpoints[1].addresses[0]", Type: "Invalid value"}}, se.Causes)
}

// TestEndpointsValidationShortcuts: the allocation-free checks the
// endpoints validation starts with agree with the checks they stand in
// for, on strings made of the characters that matter.
func TestEndpointsValidationShortcuts(t *testing.T) {
	t.Run("labelsValid is isDNSSubdomain", rapid.MakeCheck(func(t *rapid.T) {
		s := rapid.StringOfN(rapid.RuneFrom([]rune("a0-.A_")), 0, 12, -1).Draw(t, "s")
		if got, want := labelsValid(s), isDNSSubdomain(s); got != want {
			t.Fatalf("labelsValid(%q) = %v, isDNSSubdomain %v", s, got, want)
		}
	}))
	t.Run("legacyIPProblems keeps ipProblems' verdict but canonical form", rapid.MakeCheck(func(t *rapid.T) {
		s := rapid.StringOfN(rapid.RuneFrom([]rune("0129.:af%")), 0, 16, -1).Draw(t, "s")
		want := ipProblems(s)
		if len(want) == 1 && strings.HasPrefix(want[0], "must be in canonical form") {
			want = nil
		}
		assert.Equal(t, want, legacyIPProblems(s), "%q", s)
	}))
}

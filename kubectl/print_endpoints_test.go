package kubectl

import (
	"bytes"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/svcsim/svcsim/cluster"
)

func addrs(ips ...string) []cluster.EndpointAddress {
	out := make([]cluster.EndpointAddress, len(ips))
	for i, ip := range ips {
		out[i] = cluster.EndpointAddress{IP: ip}
	}
	return out
}

func TestFormatEndpoints(t *testing.T) {
	for _, tt := range []struct {
		name string
		ep   cluster.Endpoints
		want string
	}{
		{"no subsets", cluster.Endpoints{}, "<none>"},
		{"only not ready", cluster.Endpoints{Subsets: []cluster.EndpointSubset{{NotReadyAddresses: addrs("10.0.0.1"), Ports: []cluster.EndpointPort{{Port: 80}}}}}, ""},
		{"one", cluster.Endpoints{Subsets: []cluster.EndpointSubset{{Addresses: addrs("10.32.0.5"), Ports: []cluster.EndpointPort{{Port: 80}}}}}, "10.32.0.5:80"},
		{"lab four", cluster.Endpoints{Subsets: []cluster.EndpointSubset{{Addresses: addrs("10.32.0.5", "10.32.0.6", "10.32.0.7", "10.32.0.8"), Ports: []cluster.EndpointPort{{Port: 80}}}}},
			"10.32.0.5:80,10.32.0.6:80,10.32.0.7:80 + 1 more..."},
		{"two ports count pairs", cluster.Endpoints{Subsets: []cluster.EndpointSubset{{Addresses: addrs("a", "b"), Ports: []cluster.EndpointPort{{Name: "x", Port: 1}, {Name: "y", Port: 2}}}}},
			"a:1,b:1,a:2 + 1 more..."},
		{"headless without ports", cluster.Endpoints{Subsets: []cluster.EndpointSubset{{Addresses: addrs("10.0.0.1", "10.0.0.2")}}}, "10.0.0.1,10.0.0.2"},
	} {
		t.Run(tt.name, func(t *testing.T) { assert.Equal(t, tt.want, FormatEndpoints(&tt.ep)) })
	}
}

func TestPrintEndpointsAndSlices(t *testing.T) {
	var b bytes.Buffer
	require.NoError(t, PrintEndpoints(&b, cluster.Time(31e9), []*cluster.Endpoints{{ObjectMeta: cluster.ObjectMeta{Name: "blue-green-svc"},
		Subsets: []cluster.EndpointSubset{{Addresses: addrs("10.32.0.10", "10.32.0.11", "10.32.0.9"), Ports: []cluster.EndpointPort{{Port: 9898}}}}}}))
	assert.Equal(t, "NAME             ENDPOINTS                                        AGE\nblue-green-svc   10.32.0.10:9898,10.32.0.11:9898,10.32.0.9:9898   31s\n", b.String())

	b.Reset()
	port := int32(80)
	require.NoError(t, PrintEndpointSlices(&b, cluster.Time(5e9), []*cluster.EndpointSlice{
		{ObjectMeta: cluster.ObjectMeta{Name: "web-abcde"}, AddressType: "IPv4", Ports: []cluster.EndpointSlicePort{{Port: &port}},
			Endpoints: []cluster.Endpoint{{Addresses: []string{"10.0.0.1"}}, {Addresses: []string{"10.0.0.2"}}, {Addresses: []string{"10.0.0.3"}}, {Addresses: []string{"10.0.0.4"}}}},
		{ObjectMeta: cluster.ObjectMeta{Name: "empty-fghjk"}, AddressType: "IPv4"},
	}))
	assert.Equal(t, "NAME          ADDRESSTYPE   PORTS     ENDPOINTS                                AGE\n"+
		"web-abcde     IPv4          80        10.0.0.1,10.0.0.2,10.0.0.3 + 1 more...   5s\n"+
		"empty-fghjk   IPv4          <unset>   <unset>                                  5s\n", b.String())
}

func TestDescribeEndpoints(t *testing.T) {
	var b bytes.Buffer
	ep := &cluster.Endpoints{ObjectMeta: cluster.ObjectMeta{Name: "testweb", Namespace: "default"},
		Subsets: []cluster.EndpointSubset{{Addresses: addrs("10.32.0.5", "10.32.0.6"), NotReadyAddresses: addrs("10.32.0.7"), Ports: []cluster.EndpointPort{{Port: 80, Protocol: cluster.ProtocolTCP}}}}}
	require.NoError(t, DescribeEndpoints(&b, 0, ep, nil))
	assert.Equal(t, `Name:         testweb
Namespace:    default
Labels:       <none>
Annotations:  <none>
Subsets:
  Addresses:          10.32.0.5,10.32.0.6
  NotReadyAddresses:  10.32.0.7
  Ports:
    Name     Port  Protocol
    ----     ----  --------
    <unset>  80    TCP

Events:  <none>
`, b.String())
}

// TestDescribeEndpointsWithoutPorts: a headless Service's portless subset
// prints no Ports section, as kubectl's describeEndpoints.
func TestDescribeEndpointsWithoutPorts(t *testing.T) {
	var b bytes.Buffer
	ep := &cluster.Endpoints{ObjectMeta: cluster.ObjectMeta{Name: "db", Namespace: "default", Labels: map[string]string{"service.kubernetes.io/headless": ""},
		Annotations: map[string]string{"endpoints.kubernetes.io/last-change-trigger-time": "2025-01-01T00:00:05Z"}},
		Subsets: []cluster.EndpointSubset{{Addresses: addrs("10.244.0.5")}}}
	require.NoError(t, DescribeEndpoints(&b, 0, ep, nil))
	assert.Equal(t, `Name:         db
Namespace:    default
Labels:       service.kubernetes.io/headless=
Annotations:  endpoints.kubernetes.io/last-change-trigger-time: 2025-01-01T00:00:05Z
Subsets:
  Addresses:          10.244.0.5
  NotReadyAddresses:  <none>

Events:  <none>
`, b.String())
}

// TestDescribeEndpointSlice compares with kubectl's describeEndpointSliceV1
// output: ports, then per endpoint its readiness, hostname, pod, node and
// zone, "<unset>" for what is missing.
func TestDescribeEndpointSlice(t *testing.T) {
	var b bytes.Buffer
	sl := &cluster.EndpointSlice{
		ObjectMeta: cluster.ObjectMeta{Name: "web-abcde", Namespace: "default",
			Labels:      map[string]string{"endpointslice.kubernetes.io/managed-by": "endpointslice-controller.k8s.io", "kubernetes.io/service-name": "web"},
			Annotations: map[string]string{"endpoints.kubernetes.io/last-change-trigger-time": "2025-01-01T00:00:05Z"}},
		AddressType: "IPv4",
		Ports:       []cluster.EndpointSlicePort{{Name: cluster.Ptr(""), Port: cluster.Ptr(int32(80)), Protocol: cluster.Ptr(cluster.ProtocolTCP)}, {Name: cluster.Ptr("metrics"), Protocol: cluster.Ptr(cluster.ProtocolUDP)}},
		Endpoints: []cluster.Endpoint{
			{Addresses: []string{"10.244.0.5"}, Conditions: cluster.EndpointConditions{Ready: cluster.Ptr(true)},
				TargetRef: &cluster.ObjectReference{Kind: cluster.KindPod, Name: "web-1"}, NodeName: cluster.Ptr("node-1"), Zone: cluster.Ptr("zone-a")},
			{Addresses: []string{"10.244.1.7"}, Conditions: cluster.EndpointConditions{Ready: cluster.Ptr(false)}, Hostname: cluster.Ptr("web-2")},
		},
	}
	require.NoError(t, DescribeEndpointSlice(&b, 0, sl, nil))
	assert.Equal(t, `Name:         web-abcde
Namespace:    default
Labels:       endpointslice.kubernetes.io/managed-by=endpointslice-controller.k8s.io
              kubernetes.io/service-name=web
Annotations:  endpoints.kubernetes.io/last-change-trigger-time: 2025-01-01T00:00:05Z
AddressType:  IPv4
Ports:
  Name     Port     Protocol
  ----     ----     --------
  <unset>  80       TCP
  metrics  <unset>  UDP
Endpoints:
  - Addresses:  10.244.0.5
    Conditions:
      Ready:    true
    Hostname:   <unset>
    TargetRef:  Pod/web-1
    NodeName:   node-1
    Zone:       zone-a
  - Addresses:  10.244.1.7
    Conditions:
      Ready:   false
    Hostname:  web-2
    NodeName:  <unset>
    Zone:      <unset>
Events:        <none>
`, b.String())

	b.Reset()
	require.NoError(t, DescribeEndpointSlice(&b, 0, &cluster.EndpointSlice{ObjectMeta: cluster.ObjectMeta{Name: "web-empty", Namespace: "default"}, AddressType: "IPv4"}, nil))
	assert.Equal(t, `Name:         web-empty
Namespace:    default
Labels:       <none>
Annotations:  <none>
AddressType:  IPv4
Ports: <unset>
Endpoints: <none>
Events:  <none>
`, b.String())

	assert.ErrorIs(t, DescribeEndpointSlice(&b, 0, nil, nil), ErrUsage)
}

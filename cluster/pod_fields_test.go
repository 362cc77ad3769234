package cluster

import (
	"encoding/json"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func inFirstContainer(f func(*Container)) func(*PodSpec) {
	return func(sp *PodSpec) { f(&sp.Containers[0]) }
}

// TestContainerPlainFieldRules: the plain-data fields manifests carry are
// checked as the apiserver checks them, in pods and templates alike.
func TestContainerPlainFieldRules(t *testing.T) {
	const c0 = "containers[0]"
	for _, tt := range []specCase{
		{"every field set", func(sp *PodSpec) {
			sp.DNSPolicy = "ClusterFirst"
			c := &sp.Containers[0]
			c.Command, c.Args, c.WorkingDir = []string{"sleep"}, []string{"3600"}, "/"
			c.ImagePullPolicy, c.TerminationMessagePath, c.TerminationMessagePolicy = "IfNotPresent", "/dev/termination-log", "File"
			c.Resources = &ResourceRequirements{Limits: ResourceList{"cpu": "1"}, Requests: ResourceList{"memory": "64Mi"}}
			c.ReadinessProbe = &Probe{HTTPGet: &HTTPGetAction{Path: "/", Port: 80}}
		}, nil},
		{"empty resources", inFirstContainer(func(c *Container) { c.Resources = &ResourceRequirements{} }), nil},
		{"imagePullPolicy", inFirstContainer(func(c *Container) { c.ImagePullPolicy = "Sometimes" }),
			[]cause{{Field: c0 + ".imagePullPolicy", Type: "Unsupported value", Value: "Sometimes"}}},
		{"terminationMessagePolicy", inFirstContainer(func(c *Container) { c.TerminationMessagePolicy = "Log" }),
			[]cause{{Field: c0 + ".terminationMessagePolicy", Type: "Unsupported value", Value: "Log"}}},
		{"negative request", inFirstContainer(func(c *Container) {
			c.Resources = &ResourceRequirements{Requests: ResourceList{"cpu": "-1"}}
		}), []cause{{Field: c0 + ".resources.requests[cpu]", Type: "Invalid value", Value: "-1", Detail: "must be greater than or equal to 0"}}},
		{"two probe handlers", inFirstContainer(func(c *Container) {
			c.ReadinessProbe = &Probe{HTTPGet: &HTTPGetAction{Port: 80}, TCPSocket: &TCPSocketAction{Port: 80}}
		}), []cause{{Field: c0 + ".readinessProbe.tcpSocket", Type: "Forbidden", Detail: "may not specify more than 1 handler type"}}},
		{"probe port 0", inFirstContainer(func(c *Container) { c.ReadinessProbe = &Probe{TCPSocket: &TCPSocketAction{}} }),
			[]cause{{Field: c0 + ".readinessProbe.tcpSocket.port", Type: "Invalid value", Value: "0", Detail: "must be between 1 and 65535, inclusive"}}},
		{"exec probe without a command", inFirstContainer(func(c *Container) { c.ReadinessProbe = &Probe{Exec: &ExecAction{}} }),
			[]cause{{Field: c0 + ".readinessProbe.exec.command", Type: "Required value"}}},
		{"dnsPolicy", func(sp *PodSpec) { sp.DNSPolicy = "Cluster" },
			[]cause{{Field: "dnsPolicy", Type: "Unsupported value", Value: "Cluster"}}},
		{"dnsPolicy None needs a dnsConfig", func(sp *PodSpec) { sp.DNSPolicy = "None" },
			[]cause{{Field: "dnsConfig", Type: "Required value", Detail: "must provide `dnsConfig` when `dnsPolicy` is None"}}},
	} {
		t.Run(tt.name, func(t *testing.T) { checkSpecRule(t, tt, true, true) })
	}
}

// TestContainerPlainFieldsDeepCopy: a copy shares none of the new fields'
// storage with its original.
func TestContainerPlainFieldsDeepCopy(t *testing.T) {
	p := webPod("web")
	c := &p.Spec.Containers[0]
	c.Command, c.Args = []string{"a"}, []string{"b"}
	c.Resources = &ResourceRequirements{Limits: ResourceList{"cpu": "1"}}
	c.ReadinessProbe = &Probe{Exec: &ExecAction{Command: []string{"true"}}, HTTPGet: &HTTPGetAction{Port: 1}, TCPSocket: &TCPSocketAction{Port: 1}}
	cp := p.DeepCopy()
	require.Equal(t, p, cp)
	d := &cp.Spec.Containers[0]
	d.Command[0], d.Args[0] = "x", "x"
	d.Resources.Limits["cpu"] = "2"
	d.ReadinessProbe.Exec.Command[0] = "x"
	d.ReadinessProbe.HTTPGet.Port = 2
	d.ReadinessProbe.TCPSocket.Port = 2
	assert.Equal(t, "a", c.Command[0])
	assert.Equal(t, "b", c.Args[0])
	assert.Equal(t, Quantity("1"), c.Resources.Limits["cpu"])
	assert.Equal(t, "true", c.ReadinessProbe.Exec.Command[0])
	assert.Equal(t, int32(1), c.ReadinessProbe.HTTPGet.Port)
	assert.Equal(t, int32(1), c.ReadinessProbe.TCPSocket.Port)
}

// TestQuantityJSON: a quantity reads from a string or a bare number and
// refuses anything else with the apiserver's message.
func TestQuantityJSON(t *testing.T) {
	for _, tt := range []struct{ in, want, err string }{
		{`"100m"`, "100m", ""},
		{`"128Mi"`, "128Mi", ""},
		{`0.5`, "0.5", ""},
		{`2`, "2", ""},
		{`"1e3"`, "1e3", ""},
		{`"lots"`, "", "quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'"},
		{`true`, "", "json: cannot unmarshal bool into Go value of type json.Number"},
	} {
		t.Run(tt.in, func(t *testing.T) {
			var q Quantity
			err := json.Unmarshal([]byte(tt.in), &q)
			if tt.err != "" {
				require.EqualError(t, err, tt.err)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, Quantity(tt.want), q)
		})
	}
}

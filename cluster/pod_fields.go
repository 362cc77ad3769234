package cluster

import (
	"encoding/json"
	"fmt"
	"maps"
	"regexp"
	"slices"
)

// ResourceRequirements are a container's requests and limits, by resource
// name ("cpu", "memory"). svcsim stores and checks them but schedules
// without them.
type ResourceRequirements struct {
	Limits   ResourceList `json:"limits,omitempty"`
	Requests ResourceList `json:"requests,omitempty"`
}

// ResourceList maps a resource name to an amount.
type ResourceList map[string]Quantity

// Quantity is an amount of a resource as written: "100m", "128Mi", "2".
// svcsim keeps it as written; the apiserver would print it in canonical
// form ("0.5" as "500m").
type Quantity string

// quantityPattern is the form the apiserver accepts for a quantity.
var quantityPattern = regexp.MustCompile(`^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$`)

// UnmarshalJSON reads a quantity from a string or, as the apiserver also
// accepts, a bare number, and refuses what is not a quantity with the
// apiserver's message.
func (q *Quantity) UnmarshalJSON(b []byte) error {
	var s string
	if len(b) > 0 && b[0] == '"' {
		if err := json.Unmarshal(b, &s); err != nil {
			return err
		}
	} else {
		var n json.Number
		if err := json.Unmarshal(b, &n); err != nil {
			return err
		}
		s = n.String()
	}
	if !quantityPattern.MatchString(s) {
		return fmt.Errorf("quantities must match the regular expression '%s'", quantityPattern)
	}
	*q = Quantity(s)
	return nil
}

// negative reports whether the quantity is below zero.
func (q Quantity) negative() bool { return len(q) > 0 && q[0] == '-' }

func (r *ResourceRequirements) deepCopy() *ResourceRequirements {
	if r == nil {
		return nil
	}
	return &ResourceRequirements{Limits: maps.Clone(r.Limits), Requests: maps.Clone(r.Requests)}
}

// TCPSocketAction is a probe that opens a TCP connection.
type TCPSocketAction struct {
	Port int32  `json:"port"`
	Host string `json:"host,omitempty"`
}

func (p *Probe) deepCopy() *Probe {
	if p == nil {
		return nil
	}
	c := *p
	if p.Exec != nil {
		c.Exec = &ExecAction{Command: slices.Clone(p.Exec.Command)}
	}
	c.HTTPGet = clonePtr(p.HTTPGet)
	c.TCPSocket = clonePtr(p.TCPSocket)
	return &c
}

// validateContainerFields checks the plain-data fields of a container as
// the apiserver does: the enumerations, the probe's one handler and its
// port, and that no amount is negative.
func validateContainerFields(errs *fieldErrors, f string, c *Container) {
	switch c.ImagePullPolicy {
	case "", "Always", "IfNotPresent", "Never":
	default:
		errs.unsupported(f+".imagePullPolicy", c.ImagePullPolicy, "Always", "IfNotPresent", "Never")
	}
	switch c.TerminationMessagePolicy {
	case "", "File", "FallbackToLogsOnError":
	default:
		errs.unsupported(f+".terminationMessagePolicy", c.TerminationMessagePolicy, "File", "FallbackToLogsOnError")
	}
	if r := c.Resources; r != nil {
		for _, l := range []struct {
			name string
			list ResourceList
		}{{"limits", r.Limits}, {"requests", r.Requests}} {
			for _, k := range sortedKeys(l.list) {
				if q := l.list[k]; q.negative() {
					errs.invalid(fmt.Sprintf("%s.resources.%s[%s]", f, l.name, k), string(q), "must be greater than or equal to 0")
				}
			}
		}
	}
	if p := c.ReadinessProbe; p != nil {
		validateProbeHandler(errs, f+".readinessProbe", p)
	}
}

// validateProbeHandler checks that a probe has at most one handler, and
// the port of the one it has.
func validateProbeHandler(errs *fieldErrors, f string, p *Probe) {
	handlers := 0
	check := func(set bool, name string, port int32) {
		if !set {
			return
		}
		if handlers++; handlers > 1 {
			errs.forbidden(f+"."+name, "may not specify more than 1 handler type")
			return
		}
		if port < 1 || port > 65535 {
			errs.invalidNum(f+"."+name+".port", int64(port), "must be between 1 and 65535, inclusive")
		}
	}
	check(p.Exec != nil, "exec", 1)
	if p.Exec != nil && len(p.Exec.Command) == 0 {
		errs.required(f+".exec.command", "")
	}
	check(p.HTTPGet != nil, "httpGet", portOf(p.HTTPGet))
	check(p.TCPSocket != nil, "tcpSocket", tcpPortOf(p.TCPSocket))
}

func portOf(h *HTTPGetAction) int32 {
	if h == nil {
		return 0
	}
	return h.Port
}

func tcpPortOf(t *TCPSocketAction) int32 {
	if t == nil {
		return 0
	}
	return t.Port
}

// validateDNSPolicy checks a pod's dnsPolicy as the apiserver does.
// svcsim has no dnsConfig, so None, which requires one, is refused with
// the apiserver's message for a missing dnsConfig.
func validateDNSPolicy(errs *fieldErrors, spec *PodSpec) {
	switch spec.DNSPolicy {
	case "", "ClusterFirstWithHostNet", "ClusterFirst", "Default":
	case "None":
		errs.required("spec.dnsConfig", "must provide `dnsConfig` when `dnsPolicy` is None")
	default:
		errs.unsupported("spec.dnsPolicy", spec.DNSPolicy, "ClusterFirstWithHostNet", "ClusterFirst", "Default", "None")
	}
}

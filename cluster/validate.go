package cluster

import (
	"fmt"
	"reflect"
	"strings"

	"github.com/svcsim/svcsim/selector"
)

// The apiserver's wording for name rules; kubectl shows these strings.
const (
	msgDNS1123Label = "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')"
	msgDNS1123Sub   = "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')"
	maxAnnotations  = 256 * 1024
)

// isDNSLabel reports whether s is a lowercase RFC 1123 label, ignoring length.
func isDNSLabel(s string) bool {
	if s == "" || s[0] == '-' || s[len(s)-1] == '-' {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !('a' <= c && c <= 'z' || '0' <= c && c <= '9' || c == '-') {
			return false
		}
	}
	return true
}

// isDNSSubdomain reports whether s is a lowercase RFC 1123 subdomain,
// ignoring length.
func isDNSSubdomain(s string) bool {
	if s == "" {
		return false
	}
	for _, part := range strings.Split(s, ".") {
		if !isDNSLabel(part) {
			return false
		}
	}
	return true
}

// validateDNSLabel checks a DNS-1123 label of at most 63 bytes.
func validateDNSLabel(errs *fieldErrors, field, v string) {
	if len(v) > 63 {
		errs.invalid(field, v, "must be no more than 63 characters")
	}
	switch {
	case isDNSLabel(v):
	case isDNSSubdomain(v):
		// A valid subdomain but not a label: the dots are the problem.
		errs.invalid(field, v, "must not contain dots")
	default:
		errs.invalid(field, v, msgDNS1123Label)
	}
}

// validateDNSSubdomain checks a DNS-1123 subdomain of at most 253 bytes.
func validateDNSSubdomain(errs *fieldErrors, field, v string) {
	if len(v) > 253 {
		errs.invalid(field, v, "must be no more than 253 characters")
	}
	if !isDNSSubdomain(v) {
		errs.invalid(field, v, msgDNS1123Sub)
	}
}

// validateMeta checks the metadata every kind shares; label names name the
// rules a DNS label (Namespace) or subdomain (everything else) must follow.
func validateMeta(errs *fieldErrors, m *ObjectMeta, dnsLabelName bool) {
	switch {
	case m.Name == "":
		errs.required("metadata.name", "name or generateName is required")
	case dnsLabelName:
		validateDNSLabel(errs, "metadata.name", m.Name)
	default:
		validateDNSSubdomain(errs, "metadata.name", m.Name)
	}
	for _, k := range sortedKeys(m.Labels) {
		for _, p := range selector.KeyProblems(k) {
			errs.invalid("metadata.labels", k, p)
		}
		for _, p := range selector.ValueProblems(m.Labels[k]) {
			errs.invalid("metadata.labels", m.Labels[k], p)
		}
	}
	size := 0
	for _, k := range sortedKeys(m.Annotations) {
		for _, p := range selector.KeyProblems(strings.ToLower(k)) {
			errs.invalid("metadata.annotations", k, p)
		}
		size += len(k) + len(m.Annotations[k])
	}
	if size > maxAnnotations {
		*errs = append(*errs, FieldError{Field: "metadata.annotations", Type: "Too long", Detail: "must have at most 262144 bytes"})
	}
	controllers := 0
	for i, r := range m.OwnerReferences {
		f := fmt.Sprintf("metadata.ownerReferences[%d]", i)
		if r.Name == "" {
			errs.invalid(f+".name", r.Name, "name must not be empty")
		}
		if r.UID == "" {
			errs.invalid(f+".uid", r.UID, "uid must not be empty")
		}
		if r.Kind == "" {
			errs.invalid(f+".kind", string(r.Kind), "kind must not be empty")
		}
		if r.Controller != nil && *r.Controller {
			controllers++
		}
	}
	if controllers > 1 {
		errs.invalidNum("metadata.ownerReferences", int64(controllers), "Only one reference can have Controller set to true")
	}
}

// setDefaults fills in what the apiserver defaults, and resets the status
// of a newly created object as its registry strategy does.
func setDefaults(o Object) {
	switch o := o.(type) {
	case *Namespace:
		if o.Status.Phase == "" {
			o.Status.Phase = NamespaceActive
		}
	case *Pod:
		defaultPodSpec(&o.Spec)
		if o.Status.Phase == "" {
			o.Status.Phase = PodPending
		}
	case *ReplicaSet:
		defaultReplicaSet(o)
	case *ReplicationController:
		defaultReplicationController(o)
	case *Deployment:
		defaultDeployment(o)
	case *Service:
		defaultService(o)
	case *Endpoints:
		defaultEndpoints(o)
	case *EndpointSlice:
		defaultEndpointSlice(o)
	}
}

// specOf returns the part of an object whose changes bump its generation.
func specOf(o Object) any {
	switch o := o.(type) {
	case *Pod:
		return o.Spec
	case *Node:
		return o.Spec
	case *ReplicaSet:
		return o.Spec
	case *ReplicationController:
		return o.Spec
	case *Deployment:
		return o.Spec
	case *Service:
		return o.Spec
	case *EndpointSlice:
		// A slice has no spec, but its generation counts changes to its
		// endpoints and ports, as the apiserver's strategy does.
		return [3]any{o.AddressType, o.Endpoints, o.Ports}
	}
	return nil
}

func defaultPodSpec(spec *PodSpec) {
	if spec.RestartPolicy == "" {
		spec.RestartPolicy = "Always"
	}
	if spec.TerminationGracePeriodSeconds == nil {
		spec.TerminationGracePeriodSeconds = Ptr(int64(30))
	} else if *spec.TerminationGracePeriodSeconds < 0 {
		spec.TerminationGracePeriodSeconds = Ptr(int64(1))
	}
	if spec.EnableServiceLinks == nil {
		spec.EnableServiceLinks = Ptr(true)
	}
	if spec.OnSIGTERM == "" {
		spec.OnSIGTERM = SigtermExit
	}
	for i := range spec.Containers {
		c := &spec.Containers[i]
		for j := range c.Ports {
			if c.Ports[j].Protocol == "" {
				c.Ports[j].Protocol = ProtocolTCP
			}
		}
		if p := c.ReadinessProbe; p != nil {
			if p.PeriodSeconds == 0 {
				p.PeriodSeconds = 10
			}
			if p.TimeoutSeconds == 0 {
				p.TimeoutSeconds = 1
			}
			if p.SuccessThreshold == 0 {
				p.SuccessThreshold = 1
			}
			if p.FailureThreshold == 0 {
				p.FailureThreshold = 3
			}
		}
	}
}

// validate checks an object as the apiserver's validation does and returns
// every problem found.
func validate(o Object) []FieldError {
	var errs fieldErrors
	switch o := o.(type) {
	case *Namespace:
		validateMeta(&errs, &o.ObjectMeta, true)
	case *Node:
		validateMeta(&errs, &o.ObjectMeta, false)
	case *Pod:
		validateMeta(&errs, &o.ObjectMeta, false)
		validatePodSpec(&errs, &o.Spec)
		validateContainersOnlyForPod(&errs, &o.Spec)
	case *ReplicaSet:
		validateReplicaSet(&errs, o)
	case *ReplicationController:
		validateReplicationController(&errs, o)
	case *Deployment:
		validateDeployment(&errs, o)
	case *Service:
		validateService(&errs, o)
	case *Endpoints:
		validateEndpoints(&errs, o)
	case *EndpointSlice:
		validateEndpointSlice(&errs, o)
	}
	return errs
}

func validatePodSpec(errs *fieldErrors, spec *PodSpec) {
	if len(spec.Containers) == 0 {
		errs.required("spec.containers", "")
	}
	names := map[string]bool{}
	for i, c := range spec.Containers {
		portNames := map[string]bool{} // port names are unique within a container
		f := fmt.Sprintf("spec.containers[%d]", i)
		if c.Name == "" {
			errs.required(f+".name", "")
		} else {
			validateDNSLabel(errs, f+".name", c.Name)
			if names[c.Name] {
				errs.duplicate(f+".name", c.Name)
			}
			names[c.Name] = true
		}
		if c.Image == "" {
			errs.required(f+".image", "")
		}
		for j, p := range c.Ports {
			pf := fmt.Sprintf("%s.ports[%d]", f, j)
			switch {
			case p.ContainerPort == 0:
				errs.required(pf+".containerPort", "")
			case p.ContainerPort < 1 || p.ContainerPort > 65535:
				errs.invalidNum(pf+".containerPort", int64(p.ContainerPort), "must be between 1 and 65535, inclusive")
			}
			if p.Name != "" {
				for _, msg := range portNameProblems(p.Name) {
					errs.invalid(pf+".name", p.Name, msg)
				}
				if portNames[p.Name] {
					errs.duplicate(pf+".name", p.Name)
				}
				portNames[p.Name] = true
			}
			switch p.Protocol {
			case ProtocolTCP, ProtocolUDP, ProtocolSCTP:
			default:
				errs.unsupported(pf+".protocol", string(p.Protocol), "SCTP", "TCP", "UDP")
			}
		}
		if p := c.ReadinessProbe; p != nil {
			pf := f + ".readinessProbe"
			for _, v := range []struct {
				name string
				val  int32
				min  int32
			}{{"initialDelaySeconds", p.InitialDelaySeconds, 0}, {"periodSeconds", p.PeriodSeconds, 0}, {"timeoutSeconds", p.TimeoutSeconds, 0}, {"successThreshold", p.SuccessThreshold, 0}, {"failureThreshold", p.FailureThreshold, 0}} {
				if v.val < v.min {
					errs.invalidNum(pf+"."+v.name, int64(v.val), fmt.Sprintf("must be greater than or equal to %d", v.min))
				}
			}
		}
		if c.Lifecycle != nil && c.Lifecycle.PreStop != nil {
			validateHandler(errs, f+".lifecycle.preStop", c.Lifecycle.PreStop, spec.TerminationGracePeriodSeconds)
		}
		validateContainerFields(errs, f, &c)
	}
	validateDNSPolicy(errs, spec)
	switch spec.RestartPolicy {
	case "Always", "OnFailure", "Never":
	default:
		errs.unsupported("spec.restartPolicy", spec.RestartPolicy, "Always", "OnFailure", "Never")
	}
	switch spec.OnSIGTERM {
	case SigtermExit, SigtermDrain, SigtermIgnore:
	default:
		errs.unsupported("spec.x-svcsim-onSIGTERM", string(spec.OnSIGTERM), "Drain", "Exit", "Ignore")
	}
	if spec.DrainSeconds < 0 {
		errs.invalidNum("spec.x-svcsim-drainSeconds", spec.DrainSeconds, "must be greater than or equal to 0")
	}
	if spec.Hostname != "" {
		validateDNSLabel(errs, "spec.hostname", spec.Hostname)
	}
	if spec.Subdomain != "" {
		validateDNSLabel(errs, "spec.subdomain", spec.Subdomain)
	}
}

// validateContainersOnlyForPod checks what the apiserver checks in a pod's
// containers but not in a template's, for backward compatibility: an image
// with leading or trailing whitespace. A template may hold one (even an
// image of spaces), but the pods made from it are refused. It runs on
// create and on every update, where the image is the one mutable field.
func validateContainersOnlyForPod(errs *fieldErrors, spec *PodSpec) {
	for i, c := range spec.Containers {
		if len(strings.TrimSpace(c.Image)) != len(c.Image) {
			errs.invalid(fmt.Sprintf("spec.containers[%d].image", i), c.Image, "must not have leading or trailing whitespace")
		}
	}
}

// validateHandler checks a lifecycle hook as the apiserver's
// validateHandler does: the first handler set, in the order exec, httpGet,
// sleep, is the hook's and is checked; any other set is forbidden, at its
// own path. A sleep may not be negative or longer than the pod's
// terminationGracePeriodSeconds (grace; defaulted to 30 before this runs,
// and nil only if it was not, when the rule is skipped as the apiserver
// skips it).
func validateHandler(errs *fieldErrors, f string, h *LifecycleHandler, grace *int64) {
	handlers := 0
	handler := func(set bool, name string, check func()) {
		switch {
		case !set:
		case handlers > 0:
			errs.forbidden(f+"."+name, "may not specify more than 1 handler type")
		default:
			handlers++
			check()
		}
	}
	handler(h.Exec != nil, "exec", func() {
		if len(h.Exec.Command) == 0 {
			errs.required(f+".exec.command", "")
		}
	})
	handler(h.HTTPGet != nil, "httpGet", func() {
		if p := h.HTTPGet.Port; p < 1 || p > 65535 {
			errs.invalidNum(f+".httpGet.port", int64(p), "must be between 1 and 65535, inclusive")
		}
	})
	handler(h.Sleep != nil, "sleep", func() {
		if s := h.Sleep.Seconds; grace != nil && (s < 0 || s > *grace) {
			errs.invalidNum(f+".sleep", s, fmt.Sprintf("must be non-negative and less than terminationGracePeriodSeconds (%d)", *grace))
		}
	})
	if handlers == 0 {
		errs.required(f, "must specify a handler type")
	}
}

// portNameProblems checks an IANA service name, as a named container port
// must be: at most 15 characters of [-a-z0-9], at least one letter, no
// leading, trailing or double hyphen.
func portNameProblems(n string) []string {
	var p []string
	if len(n) > 15 {
		p = append(p, "must be no more than 15 characters")
	}
	letter, charset := false, true
	for i := 0; i < len(n); i++ {
		c := n[i]
		switch {
		case 'a' <= c && c <= 'z':
			letter = true
		case '0' <= c && c <= '9', c == '-':
		default:
			charset = false
		}
	}
	if !charset {
		p = append(p, "must contain only alpha-numeric characters (a-z, 0-9), and hyphens (-)")
	}
	if !letter {
		p = append(p, "must contain at least one letter (a-z)")
	}
	if strings.Contains(n, "--") {
		p = append(p, "must not contain consecutive hyphens")
	}
	if n[0] == '-' || n[len(n)-1] == '-' {
		p = append(p, "must not begin or end with a hyphen")
	}
	return p
}

// validateUpdate checks the rules that compare an update with the stored
// object: what may not change once set.
func validateUpdate(o, old Object) []FieldError {
	errs := fieldErrors(validateWorkloadUpdate(o, old))
	switch o := o.(type) {
	case *Service:
		errs = append(errs, validateServiceUpdate(o, old.(*Service))...)
	case *EndpointSlice:
		errs = append(errs, validateEndpointSliceUpdate(o, old.(*EndpointSlice))...)
	}
	if p, ok := o.(*Pod); ok {
		oldPod := old.(*Pod)
		a, b := p.Spec, oldPod.Spec
		a.Containers = append([]Container(nil), a.Containers...)
		for i := range a.Containers {
			if i < len(b.Containers) {
				a.Containers[i].Image = b.Containers[i].Image
			}
		}
		if !reflect.DeepEqual(a, b) {
			errs.forbidden("spec", "pod updates may not change fields other than `spec.containers[*].image`, `spec.initContainers[*].image`, `spec.activeDeadlineSeconds`, `spec.tolerations` (only additions to existing tolerations), `spec.terminationGracePeriodSeconds` (allow it to be set to 1 if it was previously negative)")
		}
	}
	return errs
}

// withStatus returns a copy of old carrying the status of o.
func withStatus(old, o Object) Object {
	c := old.DeepCopyObject()
	src := o.DeepCopyObject()
	switch c := c.(type) {
	case *Pod:
		c.Status = src.(*Pod).Status
	case *Node:
		c.Status = src.(*Node).Status
	case *Namespace:
		c.Status = src.(*Namespace).Status
	case *ReplicaSet:
		c.Status = src.(*ReplicaSet).Status
	case *ReplicationController:
		c.Status = src.(*ReplicationController).Status
	case *Deployment:
		c.Status = src.(*Deployment).Status
	case *Service:
		c.Status = src.(*Service).Status
	}
	return c
}

// keepStatus gives o the status of old, as a spec update must not change
// it. The two versions share it, without a copy: a stored object is never
// modified in place, and o is the store's own from now on.
func keepStatus(o, old Object) {
	switch o := o.(type) {
	case *Pod:
		o.Status = old.(*Pod).Status
	case *Node:
		o.Status = old.(*Node).Status
	case *Namespace:
		o.Status = old.(*Namespace).Status
	case *ReplicaSet:
		o.Status = old.(*ReplicaSet).Status
	case *ReplicationController:
		o.Status = old.(*ReplicationController).Status
	case *Deployment:
		o.Status = old.(*Deployment).Status
	case *Service:
		o.Status = old.(*Service).Status
	}
}

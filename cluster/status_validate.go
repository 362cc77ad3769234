package cluster

import (
	"fmt"
	"net/netip"
	"slices"

	"github.com/svcsim/svcsim/selector"
)

// Validation of status writes ([Sim.UpdateStatus]), as each kind's status
// strategy in the apiserver applies it: ValidatePodStatusUpdate,
// ValidateServiceStatusUpdate, ValidateReplicaSetStatusUpdate,
// ValidateDeploymentStatusUpdate, ValidateNodeUpdate and
// ValidateNamespaceStatusUpdate. Only what those check is checked: a status
// is the reporting component's to write, and the apiserver trusts it with
// everything else. The built-in components write through
// updateStatusOwned, which skips this, since they write only what passes.

// validateStatusUpdate checks o, the stored object old carrying a new
// status, and returns every problem found.
func validateStatusUpdate(o, old Object) []FieldError {
	var errs fieldErrors
	switch o := o.(type) {
	case *Pod:
		validatePodStatusUpdate(&errs, o, old.(*Pod))
	case *Service:
		validateLoadBalancerStatus(&errs, o, old.(*Service))
	case *ReplicaSet:
		validateReplicaSetStatus(&errs, &o.Status)
	case *ReplicationController:
		validateReplicaSetStatus(&errs, &o.Status)
	case *Deployment:
		validateDeploymentStatusUpdate(&errs, &o.Status, &old.(*Deployment).Status)
	case *Node:
		validateNodeAddresses(&errs, o)
	case *Namespace:
		validateNamespaceStatus(&errs, o)
	}
	return errs
}

// podSystemConditions are the condition types a pod's status may carry
// without being qualified names.
var podSystemConditions = map[string]bool{PodScheduled: true, PodReady: true, PodInitialized: true}

func validatePodStatusUpdate(errs *fieldErrors, p, old *Pod) {
	for i, c := range p.Status.Conditions {
		if podSystemConditions[c.Type] {
			continue
		}
		// The apiserver builds this path from "metadata", not "status".
		for _, msg := range selector.KeyProblems(c.Type) {
			errs.invalid(fmt.Sprintf("metadata.conditions[%d].Type", i), c.Type, msg)
		}
	}
	validateContainerStateTransition(errs, p.Status.ContainerStatuses, old.Status.ContainerStatuses, old.Spec.RestartPolicy)
	// The v1 podIP and hostIP are the first of the podIPs and hostIPs the
	// apiserver validates, and are reported under those names. An address
	// the pod already had may stay, valid or not.
	if ip := p.Status.PodIP; ip != "" {
		for _, msg := range statusIPProblems(ip, old.Status.PodIP) {
			errs.invalid("status.podIPs[0]", ip, msg)
		}
	}
	if ip := p.Status.HostIP; ip != "" {
		for _, msg := range statusIPProblems(ip, old.Status.HostIP) {
			errs.invalid("status.hostIPs[0]", ip, msg)
		}
	}
}

// validateContainerStateTransition refuses to bring a terminated container
// back to life in a pod that does not restart it: with restartPolicy Never,
// or OnFailure after a successful exit.
func validateContainerStateTransition(errs *fieldErrors, cur, old []ContainerStatus, policy string) {
	if policy == "Always" {
		return
	}
	for i, o := range old {
		t := o.State.Terminated
		if t == nil || t.ExitCode != 0 && policy == "OnFailure" {
			continue
		}
		for _, c := range cur {
			if c.Name == o.Name && c.State.Terminated == nil {
				errs.forbidden(fmt.Sprintf("status.containerStatuses[%d].state", i), "may not be transitioned to non-terminated state")
			}
		}
	}
}

// statusIPProblems checks an address in a status the way the apiserver
// checks fields that predate strict validation, letting an address the
// object already held stay as it is.
func statusIPProblems(ip string, old ...string) []string {
	if slices.Contains(old, ip) {
		return nil
	}
	return legacyIPProblems(ip)
}

func validateLoadBalancerStatus(errs *fieldErrors, svc, old *Service) {
	ingress := svc.Status.LoadBalancer.Ingress
	if svc.Spec.Type != ServiceTypeLoadBalancer && len(ingress) > 0 {
		errs.forbidden("status.loadBalancer.ingress", "may only be used when `spec.type` is 'LoadBalancer'")
		return
	}
	var oldIPs []string
	for _, in := range old.Status.LoadBalancer.Ingress {
		if in.IP != "" {
			oldIPs = append(oldIPs, in.IP)
		}
	}
	for i, in := range ingress {
		f := fmt.Sprintf("status.loadBalancer.ingress[%d]", i)
		if in.IP != "" {
			for _, msg := range statusIPProblems(in.IP, oldIPs...) {
				errs.invalid(f+".ip", in.IP, msg)
			}
		}
		if h := in.Hostname; h != "" {
			validateDNSSubdomain(errs, f+".hostname", h)
			if looksLikeIP(h) {
				errs.invalid(f+".hostname", h, "must be a DNS name, not an IP address")
			}
		}
	}
}

// looksLikeIP reports whether s parses as an IP address the way the
// apiserver's lenient parser does, leading zeros and all.
func looksLikeIP(s string) bool {
	a, err := netip.ParseAddr(s)
	return err == nil && a.Zone() == "" || sloppyIPv4(s)
}

func validateReplicaSetStatus(errs *fieldErrors, st *ReplicaSetStatus) {
	for _, f := range []struct {
		name string
		v    int64
	}{
		{"replicas", int64(st.Replicas)}, {"fullyLabeledReplicas", int64(st.FullyLabeledReplicas)},
		{"readyReplicas", int64(st.ReadyReplicas)}, {"availableReplicas", int64(st.AvailableReplicas)},
		{"observedGeneration", st.ObservedGeneration},
	} {
		nonNegative(errs, "status."+f.name, f.v)
	}
	notAbove(errs, "status.fullyLabeledReplicas", st.FullyLabeledReplicas, st.Replicas, "cannot be greater than status.replicas")
	notAbove(errs, "status.readyReplicas", st.ReadyReplicas, st.Replicas, "cannot be greater than status.replicas")
	notAbove(errs, "status.availableReplicas", st.AvailableReplicas, st.Replicas, "cannot be greater than status.replicas")
	notAbove(errs, "status.availableReplicas", st.AvailableReplicas, st.ReadyReplicas, "cannot be greater than readyReplicas")
}

func validateDeploymentStatusUpdate(errs *fieldErrors, st, old *DeploymentStatus) {
	for _, f := range []struct {
		name string
		v    int64
	}{
		{"observedGeneration", st.ObservedGeneration}, {"replicas", int64(st.Replicas)},
		{"updatedReplicas", int64(st.UpdatedReplicas)}, {"readyReplicas", int64(st.ReadyReplicas)},
		{"availableReplicas", int64(st.AvailableReplicas)}, {"unavailableReplicas", int64(st.UnavailableReplicas)},
	} {
		nonNegative(errs, "status."+f.name, f.v)
	}
	if st.CollisionCount != nil {
		nonNegative(errs, "status.collisionCount", int64(*st.CollisionCount))
	}
	notAbove(errs, "status.updatedReplicas", st.UpdatedReplicas, st.Replicas, "cannot be greater than status.replicas")
	notAbove(errs, "status.readyReplicas", st.ReadyReplicas, st.Replicas, "cannot be greater than status.replicas")
	notAbove(errs, "status.availableReplicas", st.AvailableReplicas, st.Replicas, "cannot be greater than status.replicas")
	notAbove(errs, "status.availableReplicas", st.AvailableReplicas, st.ReadyReplicas, "cannot be greater than readyReplicas")
	// collisionCount only grows: it feeds the names of new ReplicaSets.
	if n, was := st.CollisionCount, old.CollisionCount; was != nil && (n == nil || *n < *was) {
		v := int64(0)
		if n != nil {
			v = int64(*n)
		}
		errs.invalidNum("status.collisionCount", v, "cannot be decremented")
	}
}

func nonNegative(errs *fieldErrors, field string, v int64) {
	if v < 0 {
		errs.invalidNum(field, v, "must be greater than or equal to 0")
	}
}

func notAbove(errs *fieldErrors, field string, v, limit int32, detail string) {
	if v > limit {
		errs.invalidNum(field, int64(v), detail)
	}
}

// validateNodeAddresses refuses an address listed twice; the apiserver
// checks nothing else in a node's status that svcsim models.
func validateNodeAddresses(errs *fieldErrors, n *Node) {
	seen := map[NodeAddress]bool{}
	for i, a := range n.Status.Addresses {
		if seen[a] {
			*errs = append(*errs, FieldError{Field: fmt.Sprintf("status.addresses[%d]", i), Type: "Duplicate value", Value: a})
		}
		seen[a] = true
	}
}

// validateNamespaceStatus ties the phase to the deletionTimestamp. The
// apiserver spells the field "Phase" here.
func validateNamespaceStatus(errs *fieldErrors, ns *Namespace) {
	switch {
	case ns.DeletionTimestamp == nil && ns.Status.Phase != NamespaceActive:
		errs.invalid("status.Phase", ns.Status.Phase, "may only be 'Active' if `deletionTimestamp` is empty")
	case ns.DeletionTimestamp != nil && ns.Status.Phase != NamespaceTerminating:
		errs.invalid("status.Phase", ns.Status.Phase, "may only be 'Terminating' if `deletionTimestamp` is not empty")
	}
}

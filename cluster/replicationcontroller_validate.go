package cluster

import "github.com/svcsim/svcsim/selector"

// defaultReplicationController fills in what the apiserver's v1 defaulting
// does (SetDefaults_ReplicationController): a template whose labels are
// set at all (even to an empty map) lends them to an empty selector and to
// empty object labels; replicas defaults to 1. It runs on every create and
// update, so an update that empties the selector gets it back.
func defaultReplicationController(r *ReplicationController) {
	if t := r.Spec.Template; t != nil {
		if t.Labels != nil {
			if len(r.Spec.Selector) == 0 {
				r.Spec.Selector = t.Labels.Clone()
			}
			if len(r.Labels) == 0 {
				r.Labels = t.Labels.Clone()
			}
		}
		defaultPodSpec(&t.Spec)
	}
	if r.Spec.Replicas == nil {
		r.Spec.Replicas = Ptr(int32(1))
	}
}

// validateReplicationController checks a ReplicationController as the
// apiserver's ValidateReplicationController does. Its selector's keys and
// values are not checked as labels: the apiserver does not either, and a
// selector that matches the template's labels, which are checked, is
// made of valid ones. The selector may change on update, so there is no
// update rule beyond the metadata's.
func validateReplicationController(errs *fieldErrors, r *ReplicationController) {
	validateMeta(errs, &r.ObjectMeta, false)
	s := &r.Spec
	if s.MinReadySeconds < 0 {
		errs.invalidNum("spec.minReadySeconds", int64(s.MinReadySeconds), "must be greater than or equal to 0")
	}
	if len(s.Selector) == 0 {
		errs.required("spec.selector", "")
	}
	if s.Replicas != nil && *s.Replicas < 0 {
		errs.invalidNum("spec.replicas", int64(*s.Replicas), "must be greater than or equal to 0")
	}
	if s.Template == nil {
		errs.required("spec.template", "")
		return
	}
	if len(s.Selector) > 0 && !selector.FromValidatedSet(s.Selector).Matches(s.Template.Labels) {
		errs.invalid("spec.template.metadata.labels", s.Template.Labels.String(), "`selector` does not match template `labels`")
	}
	validateTemplate(errs, s.Template)
}

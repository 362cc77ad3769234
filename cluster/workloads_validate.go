package cluster

import (
	"fmt"
	"reflect"
	"strconv"
	"strings"

	"github.com/svcsim/svcsim/selector"
)

func defaultReplicaSet(r *ReplicaSet) {
	if r.Spec.Replicas == nil {
		r.Spec.Replicas = Ptr(int32(1))
	}
	defaultPodSpec(&r.Spec.Template.Spec)
}

func defaultDeployment(d *Deployment) {
	if d.Spec.Replicas == nil {
		d.Spec.Replicas = Ptr(int32(1))
	}
	if d.Spec.Strategy.Type == "" {
		d.Spec.Strategy.Type = RollingUpdateStrategy
	}
	if d.Spec.Strategy.Type == RollingUpdateStrategy {
		if d.Spec.Strategy.RollingUpdate == nil {
			d.Spec.Strategy.RollingUpdate = &RollingUpdateDeployment{}
		}
		ru := d.Spec.Strategy.RollingUpdate
		if ru.MaxUnavailable == nil {
			ru.MaxUnavailable = Ptr(FromString("25%"))
		}
		if ru.MaxSurge == nil {
			ru.MaxSurge = Ptr(FromString("25%"))
		}
	}
	if d.Spec.RevisionHistoryLimit == nil {
		d.Spec.RevisionHistoryLimit = Ptr(int32(10))
	}
	if d.Spec.ProgressDeadlineSeconds == nil {
		d.Spec.ProgressDeadlineSeconds = Ptr(int32(600))
	}
	defaultPodSpec(&d.Spec.Template.Spec)
}

// validateWorkloadSelector checks a ReplicaSet's or Deployment's selector
// against its template, as the apps validation does.
func validateWorkloadSelector(errs *fieldErrors, ls *selector.LabelSelector, tmpl *PodTemplateSpec) {
	if ls == nil {
		errs.required("spec.selector", "")
		return
	}
	for _, e := range selectorErrors(ls) {
		errs.invalid("spec.selector."+e.Field, e.Value, strings.Join(e.Problems, "; "))
	}
	sel, err := ls.Selector()
	if err != nil {
		return
	}
	if sel.Empty() {
		errs.invalid("spec.selector", ls.String(), "empty selector is invalid for deployment")
		return
	}
	if !sel.Matches(tmpl.Labels) {
		errs.invalid("spec.template.metadata.labels", tmpl.Labels.String(), "`selector` does not match template `labels`")
	}
}

func selectorErrors(ls *selector.LabelSelector) []*selector.FieldError {
	err := ls.Validate()
	if err == nil {
		return nil
	}
	return err.(selector.ErrorList)
}

func validateTemplate(errs *fieldErrors, t *PodTemplateSpec) {
	var inner fieldErrors
	tm := t.ObjectMeta
	tm.Name = "template" // a template has no name of its own
	validateMeta(&inner, &tm, false)
	validatePodSpec(&inner, &t.Spec)
	for _, e := range inner {
		e.Field = "spec.template." + e.Field
		*errs = append(*errs, e)
	}
	if t.Spec.RestartPolicy != "Always" {
		errs.unsupported("spec.template.spec.restartPolicy", t.Spec.RestartPolicy, "Always")
	}
}

func validateReplicaSet(errs *fieldErrors, r *ReplicaSet) {
	validateMeta(errs, &r.ObjectMeta, false)
	if r.Spec.Replicas != nil && *r.Spec.Replicas < 0 {
		errs.invalid("spec.replicas", strconv.Itoa(int(*r.Spec.Replicas)), "must be greater than or equal to 0")
	}
	if r.Spec.MinReadySeconds < 0 {
		errs.invalid("spec.minReadySeconds", strconv.Itoa(int(r.Spec.MinReadySeconds)), "must be greater than or equal to 0")
	}
	validateWorkloadSelector(errs, r.Spec.Selector, &r.Spec.Template)
	validateTemplate(errs, &r.Spec.Template)
}

func validateDeployment(errs *fieldErrors, d *Deployment) {
	validateMeta(errs, &d.ObjectMeta, false)
	s := &d.Spec
	if s.Replicas != nil && *s.Replicas < 0 {
		errs.invalid("spec.replicas", strconv.Itoa(int(*s.Replicas)), "must be greater than or equal to 0")
	}
	validateWorkloadSelector(errs, s.Selector, &s.Template)
	validateTemplate(errs, &s.Template)
	switch s.Strategy.Type {
	case RecreateStrategy:
		if s.Strategy.RollingUpdate != nil {
			errs.forbidden("spec.strategy.rollingUpdate", "may not be specified when strategy `type` is 'Recreate'")
		}
	case RollingUpdateStrategy:
		ru := s.Strategy.RollingUpdate
		if ru == nil {
			errs.required("spec.strategy.rollingUpdate", "this should be defaulted and never be nil")
			break
		}
		validateIntOrPercent(errs, "spec.strategy.rollingUpdate.maxUnavailable", ru.MaxUnavailable, true)
		validateIntOrPercent(errs, "spec.strategy.rollingUpdate.maxSurge", ru.MaxSurge, false)
		if isZero(ru.MaxUnavailable) && isZero(ru.MaxSurge) {
			errs.invalid("spec.strategy.rollingUpdate.maxUnavailable", ru.MaxUnavailable.String(), "may not be 0 when `maxSurge` is 0")
		}
	default:
		errs.unsupported("spec.strategy.type", s.Strategy.Type, RecreateStrategy, RollingUpdateStrategy)
	}
	if s.MinReadySeconds < 0 {
		errs.invalid("spec.minReadySeconds", strconv.Itoa(int(s.MinReadySeconds)), "must be greater than or equal to 0")
	}
	if s.RevisionHistoryLimit != nil && *s.RevisionHistoryLimit < 0 {
		errs.invalid("spec.revisionHistoryLimit", strconv.Itoa(int(*s.RevisionHistoryLimit)), "must be greater than or equal to 0")
	}
	if p := s.ProgressDeadlineSeconds; p != nil {
		if *p < 0 {
			errs.invalid("spec.progressDeadlineSeconds", strconv.Itoa(int(*p)), "must be greater than or equal to 0")
		} else if *p <= s.MinReadySeconds {
			errs.invalid("spec.progressDeadlineSeconds", strconv.Itoa(int(*p)), "must be greater than minReadySeconds")
		}
	}
}

func isZero(v *IntOrString) bool {
	if v == nil {
		return true
	}
	if !v.IsString {
		return v.IntVal == 0
	}
	n, err := v.scaled(100, false)
	return err == nil && n == 0
}

func validateIntOrPercent(errs *fieldErrors, field string, v *IntOrString, capAt100 bool) {
	if v == nil {
		return
	}
	if !v.IsString {
		if v.IntVal < 0 {
			errs.invalid(field, v.String(), "must be greater than or equal to 0")
		}
		return
	}
	// The apiserver's rule is the regular expression [0-9]+%: no sign, and
	// any number of digits. A number too big for an int still passes (it
	// reads as the largest int, as strconv does on overflow) and fails only
	// when a controller scales with it.
	pct, ok := strings.CutSuffix(v.StrVal, "%")
	if !ok || pct == "" || strings.Trim(pct, "0123456789") != "" {
		errs.invalid(field, v.StrVal, "a valid percent string must be a numeric string followed by an ending '%' (e.g. '1%',  or '93%', regex used for validation is '[0-9]+%')")
		return
	}
	n, _ := strconv.Atoi(pct)
	if capAt100 && n > 100 {
		errs.invalid(field, v.StrVal, "must not be greater than 100%")
	}
}

// validateWorkloadUpdate enforces what may not change: the selector.
func validateWorkloadUpdate(o, old Object) []FieldError {
	var errs fieldErrors
	var a, b *selector.LabelSelector
	switch o := o.(type) {
	case *ReplicaSet:
		a, b = o.Spec.Selector, old.(*ReplicaSet).Spec.Selector
	case *Deployment:
		a, b = o.Spec.Selector, old.(*Deployment).Spec.Selector
	default:
		return nil
	}
	if !reflect.DeepEqual(a, b) {
		errs.invalid("spec.selector", fmt.Sprint(a), "field is immutable")
	}
	return errs
}

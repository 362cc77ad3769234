package selector

import (
	"strconv"
	"strings"
)

// ExpressionOperator is the operator of one entry in a structured selector's
// matchExpressions, spelled as in YAML.
type ExpressionOperator string

// The four operators a structured selector allows.
const (
	// OpIn requires the key to be present with one of the values.
	OpIn ExpressionOperator = "In"
	// OpNotIn requires the key to be absent or to have none of the values.
	OpNotIn ExpressionOperator = "NotIn"
	// OpExists requires the key to be present; it takes no values.
	OpExists ExpressionOperator = "Exists"
	// OpDoesNotExist requires the key to be absent; it takes no values.
	OpDoesNotExist ExpressionOperator = "DoesNotExist"
)

// Expression is one entry of a structured selector's matchExpressions.
type Expression struct {
	Key      string             `json:"key"`
	Operator ExpressionOperator `json:"operator"`
	Values   []string           `json:"values,omitempty"`
}

// LabelSelector is the structured selector of ReplicaSets, Deployments and
// most other API objects (Kubernetes' metav1.LabelSelector): every
// matchLabels entry and every matchExpressions entry must hold. A nil
// *LabelSelector selects nothing; a non-nil one with no entries selects
// everything. The json tags follow the Kubernetes API, so manifests decode
// into it directly.
type LabelSelector struct {
	MatchLabels      Set          `json:"matchLabels,omitempty"`
	MatchExpressions []Expression `json:"matchExpressions,omitempty"`
}

// Selector converts ls by Kubernetes' rules: nil gives [Nothing], no
// entries gives [Everything], and otherwise each matchLabels entry becomes
// an "=" requirement and each expression its operator's requirement, all in
// canonical order. In and NotIn need values; Exists and DoesNotExist forbid
// them. Every key and value is validated as a label. On failure Selector
// returns a zero Selector and an [ErrorList] naming every problem, with
// fields written as "matchLabels" and "matchExpressions[i].values".
func (ls *LabelSelector) Selector() (Selector, error) {
	if ls == nil {
		return Nothing(), nil
	}
	if err := ls.Validate(); err != nil {
		return Selector{}, err
	}
	if len(ls.MatchLabels)+len(ls.MatchExpressions) == 0 {
		return Everything(), nil
	}
	reqs := make([]Requirement, 0, len(ls.MatchLabels)+len(ls.MatchExpressions))
	reqs = append(reqs, FromValidatedSet(ls.MatchLabels).reqs...)
	for _, e := range ls.MatchExpressions {
		values := append([]string(nil), e.Values...)
		reqs = append(reqs, makeRequirement(e.Key, e.Operator.operator(), values))
	}
	sortByKey(reqs)
	return Selector{reqs: reqs}, nil
}

// operator maps the structured operator to the string-syntax one; "" for an
// operator the structured form does not allow.
func (op ExpressionOperator) operator() Operator {
	switch op {
	case OpIn:
		return In
	case OpNotIn:
		return NotIn
	case OpExists:
		return Exists
	case OpDoesNotExist:
		return DoesNotExist
	}
	return ""
}

// Validate checks ls as the apiserver does and returns an [ErrorList] of
// every problem, or nil. A nil selector is valid (it selects nothing).
// Problems are reported in order: matchLabels by key, then each expression.
func (ls *LabelSelector) Validate() error {
	if ls == nil {
		return nil
	}
	var errs ErrorList
	for _, k := range ls.MatchLabels.keys() {
		if p := KeyProblems(k); p != nil {
			errs = append(errs, &FieldError{Field: "matchLabels", Value: k, Problems: p, Err: ErrInvalidKey})
		}
		if p := ValueProblems(ls.MatchLabels[k]); p != nil {
			errs = append(errs, &FieldError{Field: "matchLabels[" + k + "]", Value: ls.MatchLabels[k], Problems: p, Err: ErrInvalidValue})
		}
	}
	for i, e := range ls.MatchExpressions {
		path := "matchExpressions[" + strconv.Itoa(i) + "]."
		values := strings.Join(e.Values, ",")
		switch e.Operator {
		case OpIn, OpNotIn:
			if len(e.Values) == 0 {
				errs = append(errs, &FieldError{Field: path + "values", Problems: []string{"must be specified when `operator` is 'In' or 'NotIn'"}, Err: ErrInvalidValues})
			}
		case OpExists, OpDoesNotExist:
			if len(e.Values) > 0 {
				errs = append(errs, &FieldError{Field: path + "values", Value: values, Problems: []string{"may not be specified when `operator` is 'Exists' or 'DoesNotExist'"}, Err: ErrInvalidValues})
			}
		default:
			errs = append(errs, &FieldError{Field: path + "operator", Value: string(e.Operator), Problems: []string{"not a valid selector operator"}, Err: ErrInvalidOperator})
		}
		if p := KeyProblems(e.Key); p != nil {
			errs = append(errs, &FieldError{Field: path + "key", Value: e.Key, Problems: p, Err: ErrInvalidKey})
		}
		for j, v := range e.Values {
			if p := ValueProblems(v); p != nil {
				errs = append(errs, &FieldError{Field: path + "values[" + strconv.Itoa(j) + "]", Value: v, Problems: p, Err: ErrInvalidValue})
			}
		}
	}
	return errs.orNil()
}

// String renders ls as kubectl describe does: the canonical form of its
// selector, "<none>" when that is empty (nil, or no entries), and "<error>"
// if ls is invalid.
func (ls *LabelSelector) String() string {
	s, err := ls.Selector()
	switch {
	case err != nil:
		return "<error>"
	case s.Len() == 0:
		return "<none>"
	}
	return s.String()
}

package conformance

import (
	"fmt"
	"os"
	"slices"
	"strings"
	"sync/atomic"
	"testing"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	metavalidation "k8s.io/apimachinery/pkg/apis/meta/v1/validation"
	"k8s.io/apimachinery/pkg/labels"
	"k8s.io/apimachinery/pkg/util/validation/field"

	"github.com/svcsim/svcsim/selector"
)

// cases counts every input compared against the oracle in this run, by kind;
// TestMain prints the totals so the closing figures come from a real run.
var cases = map[string]*atomic.Int64{
	"parse":         {},
	"match":         {},
	"key":           {},
	"value":         {},
	"labelselector": {},
	"set":           {},
}

func count(kind string) { cases[kind].Add(1) }

func TestMain(m *testing.M) {
	code := m.Run()
	kinds := make([]string, 0, len(cases))
	for k := range cases {
		kinds = append(kinds, k)
	}
	slices.Sort(kinds)
	var total int64
	var parts []string
	for _, k := range kinds {
		n := cases[k].Load()
		total += n
		parts = append(parts, fmt.Sprintf("%s=%d", k, n))
	}
	if total > 0 {
		fmt.Printf("differential cases compared with k8s.io/apimachinery: %d (%s)\n", total, strings.Join(parts, " "))
	}
	os.Exit(code)
}

// ourLabels and theirLabels present one generated set to both sides.
func theirLabels(s selector.Set) labels.Set { return labels.Set(s) }

// compareParse parses s with both implementations and reports the first
// disagreement: accept/reject, canonical string, or a match result on one
// of the label sets.
func compareParse(s string, sets []selector.Set) error {
	count("parse")
	ours, ourErr := selector.Parse(s)
	theirs, theirErr := labels.Parse(s)
	if (ourErr == nil) != (theirErr == nil) {
		return fmt.Errorf("Parse(%q): svcsim err=%v, apimachinery err=%v", s, ourErr, theirErr)
	}
	if ourErr != nil {
		return nil
	}
	if got, want := ours.String(), theirs.String(); got != want && !sameUpToDuplicateOrder(ours, theirs) {
		return fmt.Errorf("Parse(%q).String(): svcsim %q, apimachinery %q", s, got, want)
	}
	if ours.Empty() != theirs.Empty() {
		return fmt.Errorf("Parse(%q).Empty(): svcsim %v, apimachinery %v", s, ours.Empty(), theirs.Empty())
	}
	for _, set := range sets {
		count("match")
		if got, want := ours.Matches(set), theirs.Matches(theirLabels(set)); got != want {
			return fmt.Errorf("Parse(%q).Matches(%v): svcsim %v, apimachinery %v", s, set, got, want)
		}
	}
	return nil
}

// sameUpToDuplicateOrder allows the one documented difference in String:
// Kubernetes sorts requirements with sort.Sort, which is stable only up to
// 12 items, so with more requirements than that and repeated keys its order
// among equal keys is an artefact of the sort. svcsim always keeps input
// order. Both must still hold the same requirements in the same key order.
func sameUpToDuplicateOrder(ours selector.Selector, theirs labels.Selector) bool {
	reqs, _ := theirs.Requirements()
	if len(reqs) <= 12 {
		return false
	}
	var a, b []string
	for _, r := range ours.Requirements() {
		a = append(a, r.String())
	}
	for _, r := range reqs {
		b = append(b, r.String())
	}
	slices.Sort(a)
	slices.Sort(b)
	return slices.Equal(a, b)
}

// compareLabelSelector converts ls with both implementations and compares
// the accept/reject decision, the API validation verdict, the string, and
// the matches on each label set.
func compareLabelSelector(ls *selector.LabelSelector, sets []selector.Set) error {
	count("labelselector")
	their := toMetav1(ls)
	ours, ourErr := ls.Selector()
	theirs, theirErr := metav1.LabelSelectorAsSelector(their)
	if (ourErr == nil) != (theirErr == nil) {
		return fmt.Errorf("%+v.Selector(): svcsim err=%v, apimachinery err=%v", ls, ourErr, theirErr)
	}
	valErrs := metavalidation.ValidateLabelSelector(their, metavalidation.LabelSelectorValidationOptions{}, field.NewPath("spec", "selector"))
	if ourVal := ls.Validate(); (ourVal == nil) != (len(valErrs) == 0) {
		return fmt.Errorf("%+v.Validate(): svcsim err=%v, apimachinery %v", ls, ourVal, valErrs)
	}
	if got, want := ls.String(), metav1.FormatLabelSelector(their); got != want {
		return fmt.Errorf("%+v.String(): svcsim %q, apimachinery %q", ls, got, want)
	}
	if ourErr != nil {
		return nil
	}
	for _, set := range sets {
		count("match")
		if got, want := ours.Matches(set), theirs.Matches(theirLabels(set)); got != want {
			return fmt.Errorf("%+v.Matches(%v): svcsim %v, apimachinery %v", ls, set, got, want)
		}
	}
	return nil
}

func toMetav1(ls *selector.LabelSelector) *metav1.LabelSelector {
	if ls == nil {
		return nil
	}
	out := &metav1.LabelSelector{MatchLabels: ls.MatchLabels}
	for _, e := range ls.MatchExpressions {
		out.MatchExpressions = append(out.MatchExpressions, metav1.LabelSelectorRequirement{
			Key:      e.Key,
			Operator: metav1.LabelSelectorOperator(e.Operator),
			Values:   e.Values,
		})
	}
	return out
}

package conformance

import (
	"slices"
	"testing"

	"k8s.io/apimachinery/pkg/api/validate/content"
	"k8s.io/apimachinery/pkg/labels"
	"pgregory.net/rapid"

	"github.com/svcsim/svcsim/selector"
	"github.com/svcsim/svcsim/selector/selectortest"
)

// perCheck is how many inputs each rapid check compares, so that a default
// run of 100 checks covers thousands of inputs.
const perCheck = 20

// labelSetsFor draws label sets likely to make s match or fail narrowly:
// generated sets, plus sets built from the keys s itself names.
func labelSetsFor(t *rapid.T, s selector.Selector) []selector.Set {
	sets := rapid.SliceOfN(selectortest.Set(), 1, 4).Draw(t, "sets")
	for range 4 {
		set := selector.Set{}
		for _, r := range s.Requirements() {
			if rapid.IntRange(0, 3).Draw(t, "omit") == 0 {
				continue
			}
			vals := r.Values()
			v := selectortest.Value().Draw(t, "value")
			if len(vals) > 0 && rapid.Bool().Draw(t, "reuse") {
				v = rapid.SampledFrom(vals).Draw(t, "v")
			}
			set[r.Key()] = v
		}
		sets = append(sets, set)
	}
	return sets
}

func TestParseValidStrings(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		for range perCheck {
			s := selectortest.SelectorString().Draw(t, "s")
			parsed, err := selector.Parse(s)
			if err != nil {
				t.Fatalf("generated string %q did not parse: %v", s, err)
			}
			if err := compareParse(s, labelSetsFor(t, parsed)); err != nil {
				t.Fatal(err)
			}
		}
	})
}

func TestParseMutatedStrings(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		for range perCheck {
			s := selectortest.MutatedSelectorString().Draw(t, "s")
			parsed, _ := selector.Parse(s)
			if err := compareParse(s, labelSetsFor(t, parsed)); err != nil {
				t.Fatal(err)
			}
		}
	})
}

func TestParseArbitraryStrings(t *testing.T) {
	// Short strings over the bytes the lexer treats specially, so that
	// every token sequence of a few tokens comes up.
	alphabet := []byte("a1b=!(),<> \tin\x00-./")
	rapid.Check(t, func(t *rapid.T) {
		for range perCheck {
			b := rapid.SliceOfN(rapid.SampledFrom(alphabet), 0, 12).Draw(t, "bytes")
			s := string(b)
			parsed, _ := selector.Parse(s)
			if err := compareParse(s, labelSetsFor(t, parsed)); err != nil {
				t.Fatal(err)
			}
		}
	})
}

func TestRequirementStringsFromSelectors(t *testing.T) {
	// Selectors built from requirements print and re-parse the same way
	// on both sides.
	rapid.Check(t, func(t *rapid.T) {
		for range perCheck {
			s := selectortest.Selector().Draw(t, "selector")
			if err := compareParse(s.String(), labelSetsFor(t, s)); err != nil {
				t.Fatal(err)
			}
		}
	})
}

func TestKeyValidation(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		for range perCheck {
			count("key")
			k := selectortest.AnyKey().Draw(t, "key")
			if got, want := selector.KeyProblems(k), content.IsLabelKey(k); !slices.Equal(got, want) {
				t.Fatalf("KeyProblems(%q):\n svcsim       %q\n apimachinery %q", k, got, want)
			}
			if got, want := selector.IsValidKey(k), len(content.IsLabelKey(k)) == 0; got != want {
				t.Fatalf("IsValidKey(%q) = %v, apimachinery %v", k, got, want)
			}
		}
	})
}

func TestValueValidation(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		for range perCheck {
			count("value")
			v := selectortest.AnyValue().Draw(t, "value")
			if got, want := selector.ValueProblems(v), content.IsLabelValue(v); !slices.Equal(got, want) {
				t.Fatalf("ValueProblems(%q):\n svcsim       %q\n apimachinery %q", v, got, want)
			}
			if got, want := selector.IsValidValue(v), len(content.IsLabelValue(v)) == 0; got != want {
				t.Fatalf("IsValidValue(%q) = %v, apimachinery %v", v, got, want)
			}
		}
	})
}

func TestSetString(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		for range perCheck {
			count("set")
			s := selectortest.Set().Draw(t, "set")
			if got, want := s.String(), labels.Set(s).String(); got != want {
				t.Fatalf("Set.String(): svcsim %q, apimachinery %q", got, want)
			}
			if got, want := s.Format(), labels.FormatLabels(s); got != want {
				t.Fatalf("Set.Format(): svcsim %q, apimachinery %q", got, want)
			}
			sel, err := selector.FromSet(s)
			theirs, theirErr := labels.ValidatedSelectorFromSet(labels.Set(s))
			if err != nil || theirErr != nil {
				t.Fatalf("FromSet(%v): svcsim err=%v, apimachinery err=%v", s, err, theirErr)
			}
			if sel.String() != theirs.String() {
				t.Fatalf("FromSet(%v).String(): svcsim %q, apimachinery %q", s, sel.String(), theirs.String())
			}
		}
	})
}

func TestSetValidation(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		for range perCheck {
			count("set")
			m := rapid.MapOfN(selectortest.AnyKey(), selectortest.AnyValue(), 0, 3).Draw(t, "set")
			s := selector.Set(m)
			_, err := selector.FromSet(s)
			_, theirErr := labels.ValidatedSelectorFromSet(labels.Set(m))
			if (err == nil) != (theirErr == nil) {
				t.Fatalf("FromSet(%q): svcsim err=%v, apimachinery err=%v", m, err, theirErr)
			}
		}
	})
}

// anyLabelSelector draws structured selectors, valid and invalid: bad keys
// and values, wrong value counts, unknown operators, nil.
func anyLabelSelector(t *rapid.T) *selector.LabelSelector {
	if rapid.IntRange(0, 19).Draw(t, "nil") == 0 {
		return nil
	}
	ls := selectortest.LabelSelector().Draw(t, "ls")
	if rapid.Bool().Draw(t, "valid") {
		return ls
	}
	switch rapid.IntRange(0, 3).Draw(t, "break") {
	case 0:
		if ls.MatchLabels == nil {
			ls.MatchLabels = selector.Set{}
		}
		ls.MatchLabels[selectortest.AnyKey().Draw(t, "key")] = selectortest.AnyValue().Draw(t, "value")
	case 1:
		ls.MatchExpressions = append(ls.MatchExpressions, selector.Expression{
			Key:      selectortest.AnyKey().Draw(t, "key"),
			Operator: rapid.SampledFrom([]selector.ExpressionOperator{"In", "NotIn", "Exists", "DoesNotExist", "Gt", "in", ""}).Draw(t, "op"),
			Values:   rapid.SliceOfN(selectortest.AnyValue(), 0, 2).Draw(t, "values"),
		})
	case 2:
		ls.MatchExpressions = append(ls.MatchExpressions, selector.Expression{
			Key:      selectortest.Key().Draw(t, "key"),
			Operator: rapid.SampledFrom([]selector.ExpressionOperator{"In", "NotIn"}).Draw(t, "op"),
		})
	case 3:
		ls.MatchExpressions = append(ls.MatchExpressions, selector.Expression{
			Key:      selectortest.Key().Draw(t, "key"),
			Operator: rapid.SampledFrom([]selector.ExpressionOperator{"Exists", "DoesNotExist"}).Draw(t, "op"),
			Values:   []string{selectortest.Value().Draw(t, "value")},
		})
	}
	return ls
}

func TestLabelSelectors(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		for range perCheck {
			ls := anyLabelSelector(t)
			s, _ := ls.Selector()
			if err := compareLabelSelector(ls, labelSetsFor(t, s)); err != nil {
				t.Fatal(err)
			}
		}
	})
}

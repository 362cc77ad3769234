package selectortest

import (
	"strings"

	"pgregory.net/rapid"

	"github.com/svcsim/svcsim/selector"
)

var operators = []selector.Operator{
	selector.Equals, selector.DoubleEquals, selector.NotEquals,
	selector.In, selector.NotIn, selector.Exists, selector.DoesNotExist,
	selector.GreaterThan, selector.LessThan,
}

// intValue draws a valid label value that parses as an integer.
func intValue(t *rapid.T) string {
	if rapid.Bool().Draw(t, "small") {
		return rapid.SampledFrom([]string{"0", "1", "2", "10", "01"}).Draw(t, "int")
	}
	return rapid.SampledFrom([]string{"9223372036854775807", "42", "007", "100"}).Draw(t, "int")
}

// Requirement generates valid requirements over every operator, with the
// number and kind of values each operator needs.
func Requirement() *rapid.Generator[selector.Requirement] {
	return rapid.Custom(func(t *rapid.T) selector.Requirement {
		key := Key().Draw(t, "key")
		op := rapid.SampledFrom(operators).Draw(t, "op")
		var values []string
		switch op {
		case selector.In, selector.NotIn:
			values = rapid.SliceOfN(Value(), 1, 4).Draw(t, "values")
		case selector.Equals, selector.DoubleEquals, selector.NotEquals:
			values = []string{Value().Draw(t, "value")}
		case selector.GreaterThan, selector.LessThan:
			values = []string{intValue(t)}
		}
		r, err := selector.NewRequirement(key, op, values...)
		if err != nil {
			panic("selectortest: generated an invalid requirement: " + err.Error())
		}
		return r
	})
}

// Selector generates valid selectors of zero to four requirements; keys
// repeat often enough that several requirements on one key come up.
func Selector() *rapid.Generator[selector.Selector] {
	return rapid.Custom(func(t *rapid.T) selector.Selector {
		reqs := rapid.SliceOfN(Requirement(), 0, 4).Draw(t, "requirements")
		return selector.Everything().Add(reqs...)
	})
}

// blank draws optional whitespace.
func blank(t *rapid.T, label string) string {
	return rapid.SampledFrom([]string{"", "", "", " ", "  ", "\t", "\n", " \r\n"}).Draw(t, label)
}

// SelectorString generates valid selector strings in the kubectl syntax,
// written the many ways the grammar allows: optional whitespace around
// tokens, "==" as well as "=", omitted empty values, empty set items, and
// repeated values in a set.
func SelectorString() *rapid.Generator[string] {
	return rapid.Custom(func(t *rapid.T) string {
		n := rapid.IntRange(0, 4).Draw(t, "n")
		var b strings.Builder
		b.WriteString(blank(t, "lead"))
		for i := 0; i < n; i++ {
			if i > 0 {
				b.WriteString(blank(t, "ws") + "," + blank(t, "ws"))
			}
			key := Key().Draw(t, "key")
			op := rapid.SampledFrom(operators).Draw(t, "op")
			switch op {
			case selector.Exists:
				b.WriteString(key)
			case selector.DoesNotExist:
				b.WriteString("!" + blank(t, "ws") + key)
			case selector.In, selector.NotIn:
				values := rapid.SliceOfN(Value(), 0, 4).Draw(t, "values")
				b.WriteString(key + " " + blank(t, "ws") + string(op) + blank(t, "ws") + "(" + strings.Join(values, blank(t, "ws")+","+blank(t, "ws")) + ")")
			case selector.GreaterThan, selector.LessThan:
				sym := ">"
				if op == selector.LessThan {
					sym = "<"
				}
				b.WriteString(key + blank(t, "ws") + sym + blank(t, "ws") + intValue(t))
			default:
				b.WriteString(key + blank(t, "ws") + string(op) + blank(t, "ws") + Value().Draw(t, "value"))
			}
		}
		b.WriteString(blank(t, "trail"))
		return b.String()
	})
}

// MutatedSelectorString generates selector strings that are mostly almost
// valid: a valid string from [SelectorString] with a few bytes inserted,
// replaced or deleted, chosen among those that matter to the grammar. Use it
// to compare accept/reject decisions and error handling.
func MutatedSelectorString() *rapid.Generator[string] {
	return rapid.Custom(func(t *rapid.T) string {
		s := SelectorString().Draw(t, "selector")
		if rapid.IntRange(0, 4).Draw(t, "keep") == 0 {
			return s
		}
		return mutate(t, s, 4)
	})
}

// LabelSelector generates valid, non-nil structured selectors with zero to
// three matchLabels and zero to three matchExpressions.
func LabelSelector() *rapid.Generator[*selector.LabelSelector] {
	return rapid.Custom(func(t *rapid.T) *selector.LabelSelector {
		ls := &selector.LabelSelector{}
		if m := rapid.MapOfN(Key(), Value(), 0, 3).Draw(t, "matchLabels"); len(m) > 0 {
			ls.MatchLabels = m
		}
		n := rapid.IntRange(0, 3).Draw(t, "expressions")
		for i := 0; i < n; i++ {
			e := selector.Expression{
				Key:      Key().Draw(t, "key"),
				Operator: rapid.SampledFrom([]selector.ExpressionOperator{selector.OpIn, selector.OpNotIn, selector.OpExists, selector.OpDoesNotExist}).Draw(t, "op"),
			}
			if e.Operator == selector.OpIn || e.Operator == selector.OpNotIn {
				e.Values = rapid.SliceOfN(Value(), 1, 3).Draw(t, "values")
			}
			ls.MatchExpressions = append(ls.MatchExpressions, e)
		}
		return ls
	})
}

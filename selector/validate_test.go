package selector_test

import (
	"encoding/json"
	"errors"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/svcsim/svcsim/selector"
)

// The start of each problem message, as the apiserver words it.
const (
	pPrefixEmpty   = "prefix part must be non-empty"
	pPrefixTooLong = "prefix part must be no more than 253 bytes"
	pPrefixChars   = "prefix part a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.'"
	pNameEmpty     = "name part must be non-empty"
	pNameTooLong   = "name part must be no more than 63 bytes"
	pNameChars     = "name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character"
	pKeyShape      = "a valid label key must consist of alphanumeric characters"
	pValueTooLong  = "must be no more than 63 bytes"
	pValueChars    = "a valid label must be an empty string or consist of alphanumeric characters"
)

// assertProblems checks that got has exactly one problem per prefix in want,
// each starting with that prefix, in order.
func assertProblems(t *testing.T, want, got []string) {
	t.Helper()
	if len(want) == 0 {
		assert.Nil(t, got)
		return
	}
	require.Len(t, got, len(want), "problems: %q", got)
	for i := range want {
		assert.True(t, strings.HasPrefix(got[i], want[i]), "problem %d = %q, want prefix %q", i, got[i], want[i])
	}
}

func TestKeyProblems(t *testing.T) {
	p253 := strings.Repeat("p", 253)
	tests := []struct {
		name string
		key  string
		want []string // problem prefixes; nil for a valid key
	}{
		{name: "simple", key: "app"},
		{name: "single byte", key: "a"},
		{name: "digits", key: "123-abc"},
		{name: "uppercase name", key: "MyName"},
		{name: "underscore and dot inside", key: "my_name.v-1"},
		{name: "prefixed", key: "example.com/app"},
		{name: "prefixed uppercase name", key: "example.com/MyName"},
		{name: "reserved prefix allowed", key: "kubernetes.io/service-name"},
		{name: "subdomain prefix", key: "app.kubernetes.io/name"},
		{name: "digit prefix", key: "1/2"},
		{name: "63-byte name", key: strings.Repeat("n", 63)},
		{name: "253-byte prefix", key: p253 + "/a"},

		{name: "empty key", key: "", want: []string{pNameEmpty, pNameChars}},
		{name: "prefix empty", key: "/a", want: []string{pPrefixEmpty}},
		{name: "prefix and name empty", key: "/", want: []string{pPrefixEmpty, pNameEmpty, pNameChars}},
		{name: "prefix uppercase", key: "Example.com/a", want: []string{pPrefixChars}},
		{name: "prefix underscore", key: "ex_ample.com/a", want: []string{pPrefixChars}},
		{name: "prefix over 253", key: "p" + p253 + "/a", want: []string{pPrefixTooLong}},
		{name: "prefix over 253 and uppercase", key: "P" + p253 + "/a", want: []string{pPrefixTooLong, pPrefixChars}},
		{name: "prefix starts with dash", key: "-a.com/b", want: []string{pPrefixChars}},
		{name: "prefix label starts with dash", key: "a.-b.com/c", want: []string{pPrefixChars}},
		{name: "prefix ends with dash", key: "a-.com/b", want: []string{pPrefixChars}},
		{name: "prefix label ends with dash", key: "a.b-/c", want: []string{pPrefixChars}},
		{name: "prefix empty label", key: "a..b/c", want: []string{pPrefixChars}},
		{name: "prefix trailing dot", key: "a./b", want: []string{pPrefixChars}},
		{name: "prefix leading dot", key: ".a/b", want: []string{pPrefixChars}},
		{name: "name empty after prefix", key: "a/", want: []string{pNameEmpty, pNameChars}},
		{name: "name 64 bytes", key: strings.Repeat("n", 64), want: []string{pNameTooLong}},
		{name: "name starts with underscore", key: "_a", want: []string{pNameChars}},
		{name: "name ends with underscore", key: "a_", want: []string{pNameChars}},
		{name: "name starts with dash", key: "-a", want: []string{pNameChars}},
		{name: "name ends with dot", key: "a.", want: []string{pNameChars}},
		{name: "name with space", key: "a b", want: []string{pNameChars}},
		{name: "name with at sign", key: "a@b", want: []string{pNameChars}},
		{name: "name with non-ASCII", key: "caf\u00e9", want: []string{pNameChars}},
		{name: "name too long and bad chars", key: "_" + strings.Repeat("a", 63), want: []string{pNameTooLong, pNameChars}},
		{name: "bad prefix and long name", key: "Example.com/" + strings.Repeat("a", 64), want: []string{pPrefixChars, pNameTooLong}},
		{name: "prefix empty and long name", key: "/" + strings.Repeat("a", 64), want: []string{pPrefixEmpty, pNameTooLong}},
		{name: "three parts", key: "a/b/c", want: []string{pKeyShape}},
		{name: "empty middle part", key: "a//b", want: []string{pKeyShape}},
		{name: "only slashes", key: "//", want: []string{pKeyShape}},
		{name: "three bad parts", key: "A_/_/-", want: []string{pKeyShape}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := selector.KeyProblems(tt.key)
			assertProblems(t, tt.want, got)
			assert.Equal(t, got == nil, selector.IsValidKey(tt.key), "IsValidKey agrees with KeyProblems")
			assert.Equal(t, tt.want == nil, selector.IsValidKey(tt.key))
		})
	}
}

func TestValueProblems(t *testing.T) {
	tests := []struct {
		name  string
		value string
		want  []string
	}{
		{name: "empty", value: ""},
		{name: "simple", value: "web"},
		{name: "single byte", value: "1"},
		{name: "uppercase", value: "MyValue"},
		{name: "inner punctuation", value: "my_value.v-1"},
		{name: "integer", value: "12345"},
		{name: "63 bytes", value: strings.Repeat("v", 63)},

		{name: "64 bytes", value: strings.Repeat("v", 64), want: []string{pValueTooLong}},
		{name: "starts with dash", value: "-1", want: []string{pValueChars}},
		{name: "ends with dash", value: "a-", want: []string{pValueChars}},
		{name: "starts with underscore", value: "_a", want: []string{pValueChars}},
		{name: "starts with dot", value: ".a", want: []string{pValueChars}},
		{name: "only dash", value: "-", want: []string{pValueChars}},
		{name: "space", value: "a b", want: []string{pValueChars}},
		{name: "slash", value: "a/b", want: []string{pValueChars}},
		{name: "equals", value: "a=b", want: []string{pValueChars}},
		{name: "64 bytes and bad start", value: "-" + strings.Repeat("v", 63), want: []string{pValueTooLong, pValueChars}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := selector.ValueProblems(tt.value)
			assertProblems(t, tt.want, got)
			assert.Equal(t, got == nil, selector.IsValidValue(tt.value), "IsValidValue agrees with ValueProblems")
			assert.Equal(t, tt.want == nil, selector.IsValidValue(tt.value))
		})
	}
}

// fieldsOf lists the Field of each error in an ErrorList.
func fieldsOf(list selector.ErrorList) []string {
	var out []string
	for _, e := range list {
		out = append(out, e.Field)
	}
	return out
}

// sentinelsOf lists the Err of each error in an ErrorList.
func sentinelsOf(list selector.ErrorList) []error {
	var out []error
	for _, e := range list {
		out = append(out, e.Err)
	}
	return out
}

func TestSetValidate(t *testing.T) {
	t.Run("valid", func(t *testing.T) {
		for _, s := range []selector.Set{nil, {}, {"app": "web", "example.com/x": "", "A": "B"}} {
			err := s.Validate()
			assert.NoError(t, err)
			assert.Nil(t, err, "a nil interface, not a typed nil list")
		}
	})
	t.Run("invalid", func(t *testing.T) {
		s := selector.Set{
			"good":  "v",
			"b":     "-x",
			"a/b/c": "ok",
			"Bad_":  "-",
		}
		err := s.Validate()
		require.Error(t, err)

		var list selector.ErrorList
		require.ErrorAs(t, err, &list)
		// Ordered by key ("B" < "a" < "b"); a key's key problem before its value problem.
		assert.Equal(t, []string{"labels", "labels[Bad_]", "labels", "labels[b]"}, fieldsOf(list))
		assert.Equal(t, []error{selector.ErrInvalidKey, selector.ErrInvalidValue, selector.ErrInvalidKey, selector.ErrInvalidValue}, sentinelsOf(list))
		assert.Equal(t, "Bad_", list[0].Value)
		assert.Equal(t, "-", list[1].Value)
		assert.Equal(t, "a/b/c", list[2].Value)
		assert.Equal(t, "-x", list[3].Value)

		assert.ErrorIs(t, err, selector.ErrInvalidKey)
		assert.ErrorIs(t, err, selector.ErrInvalidValue)
		assert.NotErrorIs(t, err, selector.ErrSyntax)
		assert.NotErrorIs(t, err, selector.ErrInvalidValues)

		var fe *selector.FieldError
		require.ErrorAs(t, err, &fe)
		assert.Same(t, list[0], fe, "errors.As finds the first problem")
		assert.True(t, strings.HasPrefix(err.Error(), `[labels: Invalid value: "Bad_": name part must consist of`), err.Error())
	})
	t.Run("single problem message", func(t *testing.T) {
		err := selector.Set{"app": "web!"}.Validate()
		require.Error(t, err)
		assert.True(t, strings.HasPrefix(err.Error(), `labels[app]: Invalid value: "web!": a valid label must be an empty string`), err.Error())
	})
}

func TestNewRequirementErrors(t *testing.T) {
	tests := []struct {
		name      string
		key       string
		op        selector.Operator
		values    []string
		fields    []string
		sentinels []error
	}{
		{name: "in without values", key: "a", op: selector.In,
			fields: []string{"values"}, sentinels: []error{selector.ErrInvalidValues}},
		{name: "notin without values", key: "a", op: selector.NotIn, values: []string{},
			fields: []string{"values"}, sentinels: []error{selector.ErrInvalidValues}},
		{name: "equals with two values", key: "a", op: selector.Equals, values: []string{"b", "c"},
			fields: []string{"values"}, sentinels: []error{selector.ErrInvalidValues}},
		{name: "equals without values", key: "a", op: selector.Equals,
			fields: []string{"values"}, sentinels: []error{selector.ErrInvalidValues}},
		{name: "double equals with two values", key: "a", op: selector.DoubleEquals, values: []string{"b", "c"},
			fields: []string{"values"}, sentinels: []error{selector.ErrInvalidValues}},
		{name: "not equals without values", key: "a", op: selector.NotEquals,
			fields: []string{"values"}, sentinels: []error{selector.ErrInvalidValues}},
		{name: "exists with values", key: "a", op: selector.Exists, values: []string{"b"},
			fields: []string{"values"}, sentinels: []error{selector.ErrInvalidValues}},
		{name: "does not exist with values", key: "a", op: selector.DoesNotExist, values: []string{""},
			fields: []string{"values"}, sentinels: []error{selector.ErrInvalidValues}},
		{name: "gt non-integer", key: "a", op: selector.GreaterThan, values: []string{"x"},
			fields: []string{"values[0]"}, sentinels: []error{selector.ErrInvalidValues}},
		{name: "lt empty", key: "a", op: selector.LessThan, values: []string{""},
			fields: []string{"values[0]"}, sentinels: []error{selector.ErrInvalidValues}},
		{name: "gt overflow", key: "a", op: selector.GreaterThan, values: []string{"99999999999999999999"},
			fields: []string{"values[0]"}, sentinels: []error{selector.ErrInvalidValues}},
		{name: "gt negative is an invalid label value", key: "a", op: selector.GreaterThan, values: []string{"-1"},
			fields: []string{"values[0]"}, sentinels: []error{selector.ErrInvalidValue}},
		{name: "gt two values", key: "a", op: selector.GreaterThan, values: []string{"1", "2"},
			fields: []string{"values"}, sentinels: []error{selector.ErrInvalidValues}},
		{name: "gt without values", key: "a", op: selector.GreaterThan,
			fields: []string{"values"}, sentinels: []error{selector.ErrInvalidValues}},
		{name: "unknown operator", key: "a", op: selector.Operator("~="), values: []string{"b"},
			fields: []string{"operator"}, sentinels: []error{selector.ErrInvalidOperator}},
		{name: "structured operator spelling", key: "a", op: selector.Operator("In"), values: []string{"b"},
			fields: []string{"operator"}, sentinels: []error{selector.ErrInvalidOperator}},
		{name: "empty operator", key: "a", op: "",
			fields: []string{"operator"}, sentinels: []error{selector.ErrInvalidOperator}},
		{name: "bad key", key: "_a", op: selector.Exists,
			fields: []string{"key"}, sentinels: []error{selector.ErrInvalidKey}},
		{name: "bad second value", key: "a", op: selector.In, values: []string{"b", "-c"},
			fields: []string{"values[1]"}, sentinels: []error{selector.ErrInvalidValue}},
		{name: "several problems in order", key: "a/b/c", op: selector.Equals, values: []string{"x_", "y"},
			fields:    []string{"key", "values", "values[0]"},
			sentinels: []error{selector.ErrInvalidKey, selector.ErrInvalidValues, selector.ErrInvalidValue}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r, err := selector.NewRequirement(tt.key, tt.op, tt.values...)
			require.Error(t, err)
			assert.Equal(t, selector.Requirement{}, r, "the zero Requirement on failure")
			assert.Equal(t, "", r.Key())

			var list selector.ErrorList
			require.ErrorAs(t, err, &list)
			assert.Equal(t, tt.fields, fieldsOf(list))
			assert.Equal(t, tt.sentinels, sentinelsOf(list))
			for _, s := range tt.sentinels {
				assert.ErrorIs(t, err, s)
			}
			assert.NotErrorIs(t, err, selector.ErrSyntax)
		})
	}
}

func TestNewRequirementValid(t *testing.T) {
	tests := []struct {
		name   string
		key    string
		op     selector.Operator
		values []string
		want   string
	}{
		{name: "equals", key: "a", op: selector.Equals, values: []string{"b"}, want: "a=b"},
		{name: "equals empty", key: "a", op: selector.Equals, values: []string{""}, want: "a="},
		{name: "double equals", key: "a", op: selector.DoubleEquals, values: []string{"b"}, want: "a==b"},
		{name: "not equals", key: "a", op: selector.NotEquals, values: []string{"b"}, want: "a!=b"},
		{name: "in sorted", key: "a", op: selector.In, values: []string{"c", "", "b"}, want: "a in (,b,c)"},
		{name: "notin", key: "a", op: selector.NotIn, values: []string{"x"}, want: "a notin (x)"},
		{name: "exists", key: "a", op: selector.Exists, want: "a"},
		{name: "does not exist", key: "a", op: selector.DoesNotExist, want: "!a"},
		{name: "greater than", key: "a", op: selector.GreaterThan, values: []string{"01"}, want: "a>01"},
		{name: "less than", key: "a", op: selector.LessThan, values: []string{"9223372036854775807"}, want: "a<9223372036854775807"},
		{name: "prefixed key", key: "example.com/a", op: selector.Exists, want: "example.com/a"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			in := append([]string(nil), tt.values...)
			r, err := selector.NewRequirement(tt.key, tt.op, in...)
			require.NoError(t, err)
			assert.Equal(t, tt.want, r.String())
			assert.Equal(t, tt.key, r.Key())
			assert.Equal(t, tt.op, r.Operator())
			assert.Equal(t, tt.values, in, "the caller's slice is not reordered")
			for i := range in {
				in[i] = "changed"
			}
			assert.Equal(t, tt.want, r.String(), "the requirement does not alias the caller's slice")
			assert.True(t, r.Equal(r))
		})
	}
}

func TestLabelSelector(t *testing.T) {
	tests := []struct {
		name       string
		ls         *selector.LabelSelector
		want       string // canonical String of the selector
		nothing    bool
		matches    selector.Set
		notMatches selector.Set
	}{
		{name: "nil selects nothing", ls: nil, nothing: true, notMatches: selector.Set{}},
		{name: "empty selects everything", ls: &selector.LabelSelector{}, want: "", matches: selector.Set{}},
		{name: "empty maps select everything", ls: &selector.LabelSelector{MatchLabels: selector.Set{}, MatchExpressions: []selector.Expression{}}, want: "", matches: selector.Set{"a": "b"}},
		{name: "match labels", ls: &selector.LabelSelector{MatchLabels: selector.Set{"tier": "fe", "app": "web"}},
			want: "app=web,tier=fe", matches: selector.Set{"app": "web", "tier": "fe", "x": "y"}, notMatches: selector.Set{"app": "web"}},
		{name: "labels and expressions", ls: &selector.LabelSelector{
			MatchLabels: selector.Set{"app": "web"},
			MatchExpressions: []selector.Expression{
				{Key: "env", Operator: selector.OpIn, Values: []string{"qa", "prod"}},
				{Key: "canary", Operator: selector.OpDoesNotExist},
				{Key: "tier", Operator: selector.OpExists},
				{Key: "app", Operator: selector.OpNotIn, Values: []string{"db"}},
			},
		},
			want:       "app=web,app notin (db),!canary,env in (prod,qa),tier",
			matches:    selector.Set{"app": "web", "env": "prod", "tier": ""},
			notMatches: selector.Set{"app": "web", "env": "prod", "tier": "", "canary": "1"},
		},
		{name: "values kept as given, printed sorted", ls: &selector.LabelSelector{MatchExpressions: []selector.Expression{
			{Key: "k", Operator: selector.OpIn, Values: []string{"b", "a", "b"}},
		}}, want: "k in (a,b,b)", matches: selector.Set{"k": "b"}, notMatches: selector.Set{"k": "c"}},
		{name: "empty value", ls: &selector.LabelSelector{MatchExpressions: []selector.Expression{
			{Key: "k", Operator: selector.OpIn, Values: []string{""}},
		}}, want: "k in ()", matches: selector.Set{"k": ""}, notMatches: selector.Set{}},
		{name: "exists with empty values slice", ls: &selector.LabelSelector{MatchExpressions: []selector.Expression{
			{Key: "k", Operator: selector.OpExists, Values: []string{}},
		}}, want: "k", matches: selector.Set{"k": "v"}, notMatches: selector.Set{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			require.NoError(t, tt.ls.Validate())
			sel, err := tt.ls.Selector()
			require.NoError(t, err)
			assert.Equal(t, tt.nothing, sel.MatchesNothing())
			assert.Equal(t, tt.want, sel.String())
			if tt.matches != nil {
				assert.True(t, sel.Matches(tt.matches), "matches %v", tt.matches)
			}
			if tt.notMatches != nil {
				assert.False(t, sel.Matches(tt.notMatches), "does not match %v", tt.notMatches)
			}
			wantString := tt.want
			if wantString == "" {
				wantString = "<none>"
			}
			assert.Equal(t, wantString, tt.ls.String())
		})
	}
	t.Run("nil is Nothing and empty is Everything", func(t *testing.T) {
		var ls *selector.LabelSelector
		sel, err := ls.Selector()
		require.NoError(t, err)
		assert.True(t, sel.Equal(selector.Nothing()))
		sel, err = (&selector.LabelSelector{}).Selector()
		require.NoError(t, err)
		assert.True(t, sel.Equal(selector.Everything()))
	})
}

func TestLabelSelectorInvalid(t *testing.T) {
	tests := []struct {
		name      string
		ls        *selector.LabelSelector
		fields    []string
		sentinels []error
	}{
		{name: "in without values", ls: &selector.LabelSelector{MatchExpressions: []selector.Expression{
			{Key: "a", Operator: selector.OpIn},
		}}, fields: []string{"matchExpressions[0].values"}, sentinels: []error{selector.ErrInvalidValues}},
		{name: "notin with empty values", ls: &selector.LabelSelector{MatchExpressions: []selector.Expression{
			{Key: "a", Operator: selector.OpNotIn, Values: []string{}},
		}}, fields: []string{"matchExpressions[0].values"}, sentinels: []error{selector.ErrInvalidValues}},
		{name: "exists with values", ls: &selector.LabelSelector{MatchExpressions: []selector.Expression{
			{Key: "a", Operator: selector.OpExists, Values: []string{"b"}},
		}}, fields: []string{"matchExpressions[0].values"}, sentinels: []error{selector.ErrInvalidValues}},
		{name: "does not exist with values", ls: &selector.LabelSelector{MatchExpressions: []selector.Expression{
			{Key: "a", Operator: selector.OpDoesNotExist, Values: []string{""}},
		}}, fields: []string{"matchExpressions[0].values"}, sentinels: []error{selector.ErrInvalidValues}},
		{name: "Gt operator", ls: &selector.LabelSelector{MatchExpressions: []selector.Expression{
			{Key: "a", Operator: "Gt", Values: []string{"1"}},
		}}, fields: []string{"matchExpressions[0].operator"}, sentinels: []error{selector.ErrInvalidOperator}},
		{name: "lowercase operator", ls: &selector.LabelSelector{MatchExpressions: []selector.Expression{
			{Key: "a", Operator: "in", Values: []string{"b"}},
		}}, fields: []string{"matchExpressions[0].operator"}, sentinels: []error{selector.ErrInvalidOperator}},
		{name: "empty operator", ls: &selector.LabelSelector{MatchExpressions: []selector.Expression{
			{Key: "a"},
		}}, fields: []string{"matchExpressions[0].operator"}, sentinels: []error{selector.ErrInvalidOperator}},
		{name: "bad key in second expression", ls: &selector.LabelSelector{MatchExpressions: []selector.Expression{
			{Key: "a", Operator: selector.OpExists},
			{Key: "a/b/c", Operator: selector.OpExists},
		}}, fields: []string{"matchExpressions[1].key"}, sentinels: []error{selector.ErrInvalidKey}},
		{name: "bad expression value", ls: &selector.LabelSelector{MatchExpressions: []selector.Expression{
			{Key: "a", Operator: selector.OpNotIn, Values: []string{"ok", "-bad"}},
		}}, fields: []string{"matchExpressions[0].values[1]"}, sentinels: []error{selector.ErrInvalidValue}},
		{name: "bad match label key", ls: &selector.LabelSelector{MatchLabels: selector.Set{"_a": "b"}},
			fields: []string{"matchLabels"}, sentinels: []error{selector.ErrInvalidKey}},
		{name: "bad match label value", ls: &selector.LabelSelector{MatchLabels: selector.Set{"app": "web_"}},
			fields: []string{"matchLabels[app]"}, sentinels: []error{selector.ErrInvalidValue}},
		{name: "all problems in order", ls: &selector.LabelSelector{
			MatchLabels: selector.Set{"z": "-", "A/b": "ok"},
			MatchExpressions: []selector.Expression{
				{Key: "ok", Operator: selector.OpIn, Values: []string{"fine"}},
				{Key: "-k", Operator: "Lt", Values: []string{"1", "_"}},
			},
		},
			fields:    []string{"matchLabels", "matchLabels[z]", "matchExpressions[1].operator", "matchExpressions[1].key", "matchExpressions[1].values[1]"},
			sentinels: []error{selector.ErrInvalidKey, selector.ErrInvalidValue, selector.ErrInvalidOperator, selector.ErrInvalidKey, selector.ErrInvalidValue},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			verr := tt.ls.Validate()
			require.Error(t, verr)
			var list selector.ErrorList
			require.ErrorAs(t, verr, &list)
			assert.Equal(t, tt.fields, fieldsOf(list))
			assert.Equal(t, tt.sentinels, sentinelsOf(list))

			sel, err := tt.ls.Selector()
			require.Error(t, err)
			assert.Equal(t, verr.Error(), err.Error(), "Selector reports what Validate does")
			for _, s := range tt.sentinels {
				assert.ErrorIs(t, err, s)
			}
			var fe *selector.FieldError
			require.ErrorAs(t, err, &fe)
			assert.Equal(t, tt.fields[0], fe.Field)
			assert.True(t, sel.Equal(selector.Selector{}), "a zero Selector on failure")
			assert.False(t, sel.MatchesNothing())
			assert.Equal(t, 0, sel.Len())

			assert.Equal(t, "<error>", tt.ls.String())
		})
	}
}

func TestLabelSelectorValidateNil(t *testing.T) {
	var ls *selector.LabelSelector
	err := ls.Validate()
	assert.NoError(t, err)
	assert.Nil(t, err)
	assert.Equal(t, "<none>", ls.String())
}

func TestErrorListUnwrap(t *testing.T) {
	list := selector.ErrorList{
		{Field: "a", Value: "x", Problems: []string{"p1"}, Err: selector.ErrInvalidKey},
		{Field: "b", Value: "y", Problems: []string{"p2", "p3"}, Err: selector.ErrInvalidValues},
	}
	var err error = list
	assert.ErrorIs(t, err, selector.ErrInvalidKey)
	assert.ErrorIs(t, err, selector.ErrInvalidValues)
	assert.NotErrorIs(t, err, selector.ErrInvalidValue)
	assert.Equal(t, `[a: Invalid value: "x": p1, b: Invalid value: "y": p2; p3]`, err.Error())
	assert.Equal(t, `a: Invalid value: "x": p1`, list[:1].Error())
	assert.Len(t, list.Unwrap(), 2)
	assert.True(t, errors.Is(list[1], selector.ErrInvalidValues))
}

func TestLabelSelectorDecodesFromJSON(t *testing.T) {
	manifest := `{
		"matchLabels": {"app": "web"},
		"matchExpressions": [
			{"key": "env", "operator": "In", "values": ["prod", "qa"]},
			{"key": "canary", "operator": "DoesNotExist"}
		]
	}`
	var ls selector.LabelSelector
	require.NoError(t, json.Unmarshal([]byte(manifest), &ls))
	assert.Equal(t, "app=web,!canary,env in (prod,qa)", ls.String())

	out, err := json.Marshal(&selector.LabelSelector{MatchExpressions: []selector.Expression{{Key: "a", Operator: selector.OpExists}}})
	require.NoError(t, err)
	assert.JSONEq(t, `{"matchExpressions": [{"key": "a", "operator": "Exists"}]}`, string(out))
}

func TestValidityChecksDoNotAllocate(t *testing.T) {
	keys := []string{"app", "example.com/app", "Example.com/_a", "a/b/c", strings.Repeat("k", 70)}
	values := []string{"", "web", "-web", strings.Repeat("v", 70)}
	allocs := testing.AllocsPerRun(100, func() {
		for _, k := range keys {
			sinkBool = selector.IsValidKey(k)
		}
		for _, v := range values {
			sinkBool = selector.IsValidValue(v)
		}
	})
	assert.Zero(t, allocs)
}

// sinkBool keeps the compiler from discarding calls whose allocations are
// being counted.
var sinkBool bool

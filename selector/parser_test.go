package selector_test

import (
	"errors"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/svcsim/svcsim/selector"
)

// req is the expected shape of one parsed requirement.
type req struct {
	key    string
	op     selector.Operator
	values []string
}

// reqsOf flattens a selector's requirements for comparison with []req.
func reqsOf(s selector.Selector) []req {
	var out []req
	for _, r := range s.Requirements() {
		out = append(out, req{key: r.Key(), op: r.Operator(), values: r.Values()})
	}
	return out
}

func TestParseValid(t *testing.T) {
	tests := []struct {
		name string
		in   string
		want string // canonical String()
		reqs []req  // if non-nil, the exact requirements in order
	}{
		// Whitespace is normalised away.
		{name: "spaces around =", in: "a = b", want: "a=b", reqs: []req{{"a", selector.Equals, []string{"b"}}}},
		{name: "tab CR LF", in: " a\t=\nb\r", want: "a=b"},
		{name: "whitespace around comma", in: "a=b ,\tc != d", want: "a=b,c!=d"},
		{name: "whitespace inside set", in: "a in ( x ,\ny )", want: "a in (x,y)"},
		{name: "no space before in set", in: "a notin(x)", want: "a notin (x)"},

		// Equality operators.
		{name: "equals", in: "a=b", want: "a=b"},
		{name: "double equals kept", in: "a==b", want: "a==b", reqs: []req{{"a", selector.DoubleEquals, []string{"b"}}}},
		{name: "not equals", in: "a!=b", want: "a!=b", reqs: []req{{"a", selector.NotEquals, []string{"b"}}}},
		{name: "empty value after =", in: "a=", want: "a=", reqs: []req{{"a", selector.Equals, []string{""}}}},
		{name: "empty value after ==", in: "a==", want: "a==", reqs: []req{{"a", selector.DoubleEquals, []string{""}}}},
		{name: "empty value after !=", in: "a!=", want: "a!=", reqs: []req{{"a", selector.NotEquals, []string{""}}}},
		{name: "empty values before comma", in: "a=,b==", want: "a=,b=="},

		// Set operators and empty items.
		{name: "in empty parens", in: "a in ()", want: "a in ()", reqs: []req{{"a", selector.In, []string{""}}}},
		{name: "notin empty parens", in: "a notin ()", want: "a notin ()", reqs: []req{{"a", selector.NotIn, []string{""}}}},
		{name: "lone comma", in: "a in (,)", want: "a in ()", reqs: []req{{"a", selector.In, []string{""}}}},
		{name: "double comma inside", in: "a in (x,,y)", want: "a in (,x,y)", reqs: []req{{"a", selector.In, []string{"", "x", "y"}}}},
		{name: "leading comma", in: "a in (,x)", want: "a in (,x)", reqs: []req{{"a", selector.In, []string{"", "x"}}}},
		{name: "trailing comma", in: "a in (x,)", want: "a in (,x)", reqs: []req{{"a", selector.In, []string{"", "x"}}}},
		{name: "trailing double comma", in: "a in (x,,)", want: "a in (,x)"},
		{name: "only commas", in: "a in (,,)", want: "a in ()"},
		{name: "set values deduplicated and sorted", in: "a in (b,a,b,c)", want: "a in (a,b,c)", reqs: []req{{"a", selector.In, []string{"a", "b", "c"}}}},
		{name: "notin values sorted", in: "a notin (z,y)", want: "a notin (y,z)"},
		{name: "single in value", in: "a in (x)", want: "a in (x)", reqs: []req{{"a", selector.In, []string{"x"}}}},

		// Keywords as keys and values.
		{name: "in as key and value", in: "in=in", want: "in=in", reqs: []req{{"in", selector.Equals, []string{"in"}}}},
		{name: "keywords as set values", in: "a in (in,notin)", want: "a in (in,notin)", reqs: []req{{"a", selector.In, []string{"in", "notin"}}}},
		{name: "in in in", in: "in in (in)", want: "in in (in)"},
		{name: "notin notin notin", in: "notin notin (notin)", want: "notin notin (notin)"},
		{name: "notin as exists", in: "notin", want: "notin", reqs: []req{{"notin", selector.Exists, nil}}},
		{name: "in as does not exist", in: "!in", want: "!in", reqs: []req{{"in", selector.DoesNotExist, nil}}},

		// Existence.
		{name: "exists", in: "a", want: "a", reqs: []req{{"a", selector.Exists, nil}}},
		{name: "does not exist", in: "!a", want: "!a", reqs: []req{{"a", selector.DoesNotExist, nil}}},
		{name: "does not exist with space", in: "! a", want: "!a"},

		// Comparison.
		{name: "greater than", in: "a>1", want: "a>1", reqs: []req{{"a", selector.GreaterThan, []string{"1"}}}},
		{name: "less than", in: "a < 5", want: "a<5", reqs: []req{{"a", selector.LessThan, []string{"5"}}}},
		{name: "leading zero kept", in: "a>01", want: "a>01"},
		{name: "max int64", in: "a>9223372036854775807", want: "a>9223372036854775807"},

		// Order and duplicates.
		{name: "sorted by key", in: "z=1,a,!c,b,d notin (q)", want: "a,b,!c,d notin (q),z=1"},
		{name: "duplicate keys kept in written order", in: "a=c,a=b", want: "a=c,a=b", reqs: []req{
			{"a", selector.Equals, []string{"c"}}, {"a", selector.Equals, []string{"b"}},
		}},
		{name: "duplicate keys stable among others", in: "b,a notin (y),c,a notin (x)", want: "a notin (y),a notin (x),b,c"},
		{name: "identical requirements both kept", in: "!a,!a", want: "!a,!a"},

		// Keys and values at their limits.
		{name: "prefixed key", in: "example.com/app=web", want: "example.com/app=web"},
		{name: "uppercase name and value", in: "A=B", want: "A=B"},
		{name: "inner punctuation", in: "a_b.c-d=e_f.g-h", want: "a_b.c-d=e_f.g-h"},
		{name: "63-byte name", in: strings.Repeat("k", 63) + "=v", want: strings.Repeat("k", 63) + "=v"},
		{name: "63-byte value", in: "k=" + strings.Repeat("v", 63), want: "k=" + strings.Repeat("v", 63)},
		{name: "253-byte prefix", in: strings.Repeat("p", 253) + "/a", want: strings.Repeat("p", 253) + "/a"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := selector.Parse(tt.in)
			require.NoError(t, err)
			assert.Equal(t, tt.want, got.String())
			assert.False(t, got.MatchesNothing())
			if tt.reqs != nil {
				assert.Equal(t, tt.reqs, reqsOf(got))
			}
			// The canonical form is a fixed point.
			again, err := selector.Parse(got.String())
			require.NoError(t, err)
			assert.True(t, again.Equal(got), "Parse(%q) = %q, not equal to %q", got.String(), again.String(), got.String())
		})
	}
}

func TestParseBlankIsEverything(t *testing.T) {
	tests := []struct {
		name string
		in   string
	}{
		{name: "empty", in: ""},
		{name: "space", in: " "},
		{name: "tab", in: "\t"},
		{name: "CR LF", in: "\r\n"},
		{name: "mixed", in: " \t\r\n "},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := selector.Parse(tt.in)
			require.NoError(t, err)
			assert.True(t, got.Equal(selector.Everything()))
			assert.True(t, got.Empty())
			assert.Equal(t, 0, got.Len())
			assert.Equal(t, "", got.String())
			assert.True(t, got.Matches(selector.Set{"a": "b"}))
		})
	}
}

func TestParseKeepsWrittenOrderAmongManyDuplicates(t *testing.T) {
	// Kubernetes' unstable sort.Sort reorders repeated keys past 12
	// requirements; the package documents that it always keeps them as
	// written. Interleave two keys, 20 requirements each.
	var in, wantA, wantB []string
	for i := range 20 {
		v := strconv.Itoa(i)
		in = append(in, "b="+v, "a!="+v)
		wantA = append(wantA, "a!="+v)
		wantB = append(wantB, "b="+v)
	}
	got := mustParse(t, strings.Join(in, ","))
	assert.Equal(t, strings.Join(append(wantA, wantB...), ","), got.String())

	var reqs []selector.Requirement
	for i := range 20 {
		reqs = append(reqs, mustRequirement(t, "k", selector.NotEquals, strconv.Itoa(i)), mustRequirement(t, "j", selector.Exists))
	}
	added := selector.Everything().Add(reqs...)
	var want []string
	for range 20 {
		want = append(want, "j")
	}
	for i := range 20 {
		want = append(want, "k!="+strconv.Itoa(i))
	}
	assert.Equal(t, strings.Join(want, ","), added.String())
}

func TestParseDeterministic(t *testing.T) {
	// The canonical string does not depend on the order requirements are
	// written in, except among requirements on the same key.
	a, err := selector.Parse("x=a,a=x")
	require.NoError(t, err)
	b, err := selector.Parse("a=x,x=a")
	require.NoError(t, err)
	assert.Equal(t, "a=x,x=a", a.String())
	assert.Equal(t, a.String(), b.String())
	assert.True(t, a.Equal(b))

	c, err := selector.Parse("a=x,a=y")
	require.NoError(t, err)
	d, err := selector.Parse("a=y,a=x")
	require.NoError(t, err)
	assert.False(t, c.Equal(d), "order among equal keys is kept, so these differ")
}

// sentinels are every sentinel a parse or validation error can wrap.
var sentinels = []error{
	selector.ErrSyntax, selector.ErrInvalidKey, selector.ErrInvalidValue,
	selector.ErrInvalidOperator, selector.ErrInvalidValues,
}

// requireOnlySentinel asserts err wraps want and no other sentinel.
func requireOnlySentinel(t require.TestingT, err error, want error) {
	if h, ok := t.(interface{ Helper() }); ok {
		h.Helper()
	}
	require.ErrorIs(t, err, want)
	for _, s := range sentinels {
		if s != want {
			assert.NotErrorIs(t, err, s)
		}
	}
}

func TestParseRejects(t *testing.T) {
	long64 := strings.Repeat("a", 64)
	tests := []struct {
		name     string
		in       string
		offset   int
		found    string
		sentinel error
	}{
		// Grammar.
		{name: "two values", in: "a=b c", offset: 4, found: "c", sentinel: selector.ErrSyntax},
		{name: "chained equals", in: "a=b=c", offset: 3, found: "=", sentinel: selector.ErrSyntax},
		{name: "does not exist with operator", in: "!a=b", offset: 2, found: "=", sentinel: selector.ErrSyntax},
		{name: "greater or equal", in: "a>=1", offset: 2, found: "=", sentinel: selector.ErrSyntax},
		{name: "less or equal", in: "a<=1", offset: 2, found: "=", sentinel: selector.ErrSyntax},
		{name: "word operator gt", in: "a gt 1", offset: 2, found: "gt", sentinel: selector.ErrSyntax},
		{name: "trailing comma", in: "a=b,", offset: 4, found: "", sentinel: selector.ErrSyntax},
		{name: "trailing comma and space", in: "a=b, ", offset: 5, found: "", sentinel: selector.ErrSyntax},
		{name: "leading comma", in: ",a=b", offset: 0, found: ",", sentinel: selector.ErrSyntax},
		{name: "lone comma", in: ",", offset: 0, found: ",", sentinel: selector.ErrSyntax},
		{name: "double comma", in: "a,,b", offset: 2, found: ",", sentinel: selector.ErrSyntax},
		{name: "paren after key", in: "a (x)", offset: 2, found: "(", sentinel: selector.ErrSyntax},
		{name: "bang after key", in: "a!b", offset: 1, found: "!", sentinel: selector.ErrSyntax},
		{name: "identifier after key", in: "a b", offset: 2, found: "b", sentinel: selector.ErrSyntax},
		{name: "in without parens", in: "a in x", offset: 5, found: "x", sentinel: selector.ErrSyntax},
		{name: "in at end", in: "a in", offset: 4, found: "", sentinel: selector.ErrSyntax},
		{name: "set without comma", in: "a in (x y)", offset: 8, found: "y", sentinel: selector.ErrSyntax},
		{name: "unterminated set", in: "a in (x", offset: 7, found: "", sentinel: selector.ErrSyntax},
		{name: "unterminated set after comma", in: "a in (,", offset: 7, found: "", sentinel: selector.ErrSyntax},
		{name: "operator in set", in: "a in (=)", offset: 6, found: "=", sentinel: selector.ErrSyntax},
		{name: "two sets", in: "a in (x)(y)", offset: 8, found: "(", sentinel: selector.ErrSyntax},
		{name: "junk after set", in: "a in (x) b", offset: 9, found: "b", sentinel: selector.ErrSyntax},
		{name: "bang alone", in: "!", offset: 1, found: "", sentinel: selector.ErrSyntax},
		{name: "double bang", in: "!!a", offset: 1, found: "!", sentinel: selector.ErrSyntax},
		{name: "paren as value", in: "a=(x)", offset: 2, found: "(", sentinel: selector.ErrSyntax},
		{name: "bang as value", in: "a=!b", offset: 2, found: "!", sentinel: selector.ErrSyntax},
		{name: "second requirement broken", in: "app=web, tier in (a b)", offset: 20, found: "b", sentinel: selector.ErrSyntax},
		{name: "offset counts leading whitespace", in: "  a=b c", offset: 6, found: "c", sentinel: selector.ErrSyntax},

		// Values.
		{name: "negative value", in: "a=-1", offset: 2, found: "-1", sentinel: selector.ErrInvalidValue},
		{name: "negative comparison", in: "a>-1", offset: 2, found: "-1", sentinel: selector.ErrInvalidValue},
		{name: "value with bad end", in: "a=b_", offset: 2, found: "b_", sentinel: selector.ErrInvalidValue},
		{name: "value over 63 bytes", in: "a=" + long64, offset: 2, found: long64, sentinel: selector.ErrInvalidValue},
		{name: "set value over 63 bytes", in: "a in (x," + long64 + ")", offset: 8, found: long64, sentinel: selector.ErrInvalidValue},
		{name: "bad set value", in: "a notin (x, -y)", offset: 12, found: "-y", sentinel: selector.ErrInvalidValue},
		{name: "non-integer comparison", in: "a>x", offset: 2, found: "x", sentinel: selector.ErrInvalidValues},
		{name: "missing comparison operand", in: "a>", offset: 2, found: "", sentinel: selector.ErrInvalidValues},
		{name: "missing comparison operand before comma", in: "a<,b", offset: 2, found: ",", sentinel: selector.ErrInvalidValues},
		{name: "int64 overflow", in: "a>99999999999999999999", offset: 2, found: "99999999999999999999", sentinel: selector.ErrInvalidValues},
		{name: "decimal comparison", in: "a<1.5", offset: 2, found: "1.5", sentinel: selector.ErrInvalidValues},

		// Keys.
		{name: "name over 63 bytes", in: long64 + "=v", offset: 0, found: long64, sentinel: selector.ErrInvalidKey},
		{name: "name with bad start", in: "_a", offset: 0, found: "_a", sentinel: selector.ErrInvalidKey},
		{name: "bad key after bang", in: "!_a", offset: 1, found: "_a", sentinel: selector.ErrInvalidKey},
		{name: "bad key after comma", in: "a, b-", offset: 3, found: "b-", sentinel: selector.ErrInvalidKey},
		{name: "empty prefix", in: "/a", offset: 0, found: "/a", sentinel: selector.ErrInvalidKey},
		{name: "empty name", in: "a/=b", offset: 0, found: "a/", sentinel: selector.ErrInvalidKey},
		{name: "uppercase prefix", in: "Example.com/a=b", offset: 0, found: "Example.com/a", sentinel: selector.ErrInvalidKey},
		{name: "prefix starts with dash", in: "-a/b", offset: 0, found: "-a/b", sentinel: selector.ErrInvalidKey},
		{name: "prefix ends with dash", in: "a-/b", offset: 0, found: "a-/b", sentinel: selector.ErrInvalidKey},
		{name: "prefix label starts with dash", in: "a.-b/c in (x)", offset: 0, found: "a.-b/c", sentinel: selector.ErrInvalidKey},
		{name: "prefix over 253 bytes", in: strings.Repeat("p", 254) + "/a", offset: 0, found: strings.Repeat("p", 254) + "/a", sentinel: selector.ErrInvalidKey},
		{name: "two slashes", in: "a/b/c=d", offset: 0, found: "a/b/c", sentinel: selector.ErrInvalidKey},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := selector.Parse(tt.in)
			require.Error(t, err)

			var pe *selector.ParseError
			require.ErrorAs(t, err, &pe)
			assert.Equal(t, tt.in, pe.Input)
			assert.Equal(t, tt.offset, pe.Offset, "offset")
			assert.Equal(t, tt.found, pe.Found, "found")
			requireOnlySentinel(t, err, tt.sentinel)
			if tt.sentinel == selector.ErrSyntax {
				assert.NotEmpty(t, pe.Expected, "a grammar error says what was expected")
			} else {
				assert.Empty(t, pe.Expected, "a content error has nothing to expect")
				var fe *selector.FieldError
				require.ErrorAs(t, err, &fe)
				if tt.found != "," { // a missing operand is the value "", found at the comma
					assert.Equal(t, tt.found, fe.Value)
				}
				assert.NotEmpty(t, fe.Problems)
			}

			// No half-built selector escapes.
			assert.True(t, got.Equal(selector.Everything()), "got %q", got.String())
			assert.Equal(t, 0, got.Len())
			assert.Empty(t, got.Requirements())
			assert.False(t, got.MatchesNothing())
		})
	}
}

func TestParseErrorMessage(t *testing.T) {
	tests := []struct {
		name string
		in   string
		want string
	}{
		{
			name: "token found",
			in:   "a=b c",
			want: `selector: cannot parse "a=b c": at offset 4: found "c", expected ',' or end of input`,
		},
		{
			name: "end of input",
			in:   "a in (x",
			want: `selector: cannot parse "a in (x": at offset 7: found end of input, expected ',' or ')'`,
		},
		{
			name: "content",
			in:   "a>x",
			want: `selector: cannot parse "a>x": at offset 2: values[0]: Invalid value: "x": for 'Gt', 'Lt' operators, the value must be an integer`,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := selector.Parse(tt.in)
			require.Error(t, err)
			assert.Equal(t, tt.want, err.Error())
		})
	}
}

// TestParseNUL pins the lexer's treatment of NUL, which it shares with
// Kubernetes: a NUL where a token would start ends the input, and a NUL
// right after a token ends that token and is skipped.
func TestParseNUL(t *testing.T) {
	tests := []struct {
		name   string
		in     string
		want   string // canonical String() when the input parses
		offset int    // error offset when want is "-"
	}{
		{name: "NUL after key ends it", in: "a\x00", want: "a"},
		{name: "NUL at token start ends input", in: "a \x00garbage", want: "a"},
		{name: "NUL at token start before operator", in: "a \x00=b", want: "a"},
		{name: "NUL after bang is skipped", in: "!\x00a", want: "!a"},
		{name: "NUL between key and operator is skipped", in: "a\x00=b", want: "a=b"},
		{name: "NUL between operator and value is skipped", in: "a=\x00b", want: "a=b"},
		{name: "NUL alone", in: "\x00", want: ""},
		{name: "NUL splits an identifier", in: "a\x00b", want: "-", offset: 2},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := selector.Parse(tt.in)
			if tt.want == "-" {
				var pe *selector.ParseError
				require.ErrorAs(t, err, &pe)
				assert.Equal(t, tt.offset, pe.Offset)
				assert.ErrorIs(t, err, selector.ErrSyntax)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tt.want, got.String())
		})
	}
}

func TestParseErrorUnwrap(t *testing.T) {
	// A content error carries the ErrorList, so callers can reach the
	// FieldError and its sentinel through the ParseError.
	_, err := selector.Parse("a=b,c=-d")
	require.Error(t, err)
	var pe *selector.ParseError
	require.ErrorAs(t, err, &pe)
	var list selector.ErrorList
	require.True(t, errors.As(pe.Err, &list), "Err is %T", pe.Err)
	require.Len(t, list, 1)
	assert.Equal(t, "-d", list[0].Value)
	assert.Equal(t, selector.ErrInvalidValue, list[0].Err)

	_, err = selector.Parse("a=b c")
	require.ErrorAs(t, err, &pe)
	assert.Equal(t, selector.ErrSyntax, pe.Err)
	assert.Equal(t, selector.ErrSyntax, errors.Unwrap(err))
}

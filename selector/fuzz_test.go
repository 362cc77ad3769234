package selector_test

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/svcsim/svcsim/selector"
)

// FuzzParse checks that Parse never panics, that a failure is a
// well-formed *ParseError, and that whatever parses round-trips through its
// canonical String.
func FuzzParse(f *testing.F) {
	for _, s := range []string{
		// Accepted.
		"",
		" \t\r\n",
		"a = b",
		"a=",
		"a==",
		"a!=b",
		"a in ()",
		"a in (,)",
		"a in (x,,y)",
		"a notin (,x)",
		"a in (b,a,b)",
		"in=in",
		"a in (in,notin)",
		"!a",
		"a=c,a=b",
		"z=1,a,!c,b,d notin (q)",
		"a>01",
		"a<9223372036854775807",
		"example.com/app=web",
		"a\x00=b",
		"!\x00a",
		"a \x00garbage",
		// Rejected.
		"a=b c",
		"a=b=c",
		"!a=b",
		"a>=1",
		"a gt 1",
		"a=b,",
		",a=b",
		"a (x)",
		"a!b",
		"a in x",
		"a in (x y)",
		"a=-1",
		"a>x",
		"a>",
		"a>99999999999999999999",
		"a/b/c=d",
		"Example.com/a",
		"a\x00b",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, in string) {
		var (
			s   selector.Selector
			err error
		)
		require.NotPanics(t, func() { s, err = selector.Parse(in) })
		if err != nil {
			checkParseOutcome(t, in)
			return
		}
		again, err := selector.Parse(s.String())
		require.NoError(t, err, "Parse(%q) printed %q, which does not parse", in, s.String())
		require.True(t, again.Equal(s), "Parse(%q) = %q, reparsed as %q", in, s.String(), again.String())
		require.Equal(t, s.String(), again.String())
	})
}

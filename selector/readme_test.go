package selector_test

import (
	"os"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// TestReadmeQuickStart keeps the README's quick start and Example_quickStart
// identical, so the code a newcomer copies is code the suite runs.
func TestReadmeQuickStart(t *testing.T) {
	readme, err := os.ReadFile("../README.md")
	require.NoError(t, err)
	example, err := os.ReadFile("quickstart_example_test.go")
	require.NoError(t, err)

	body := between(t, string(readme), "func main() {\n", "\n}\n```")
	want := between(t, string(example), "func Example_quickStart() {\n", "\n}")
	require.Equal(t, want, body, "README quick start and Example_quickStart differ")
}

func between(t *testing.T, s, start, end string) string {
	t.Helper()
	i := strings.Index(s, start)
	require.GreaterOrEqual(t, i, 0, "missing %q", start)
	s = s[i+len(start):]
	j := strings.Index(s, end)
	require.GreaterOrEqual(t, j, 0, "missing %q", end)
	return s[:j]
}

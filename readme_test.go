package svcsim_test

import (
	"os"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// TestReadme keeps the README's requests snippet identical to ExampleNew,
// so the code a newcomer copies is code the suite runs.
func TestReadme(t *testing.T) {
	readme, err := os.ReadFile("README.md")
	require.NoError(t, err)
	example, err := os.ReadFile("example_test.go")
	require.NoError(t, err)
	ex := string(example)
	start := strings.Index(ex, "func ExampleNew() {\n")
	require.GreaterOrEqual(t, start, 0)
	ex = ex[start+len("func ExampleNew() {\n"):]
	body := ex[:strings.Index(ex, "\n}\n")]
	require.Contains(t, string(readme), "func main() {\n"+body+"\n}\n```", "README and ExampleNew differ")
}

// TestReadmeTable keeps the README's load table identical to the output
// ExampleProxies_Generate pins.
func TestReadmeTable(t *testing.T) {
	readme, err := os.ReadFile("README.md")
	require.NoError(t, err)
	example, err := os.ReadFile("proxy/example_test.go")
	require.NoError(t, err)
	ex := string(example)
	ex = ex[strings.Index(ex, "func ExampleProxies_Generate"):]
	ex = ex[strings.Index(ex, "// Output:\n")+len("// Output:\n"):]
	var table []string
	for _, line := range strings.Split(ex[:strings.Index(ex, "\n}")], "\n") {
		table = append(table, strings.TrimPrefix(strings.TrimSpace(line), "// "))
	}
	require.Len(t, table, 4)
	require.Contains(t, string(readme), "```\n"+strings.Join(table, "\n")+"\n```", "README and ExampleProxies_Generate differ")
}

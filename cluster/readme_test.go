package cluster_test

import (
	"os"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// TestReadmeCluster keeps the README's cluster snippet identical to
// ExampleNew, so the code a newcomer copies is code the suite runs.
func TestReadmeCluster(t *testing.T) {
	readme, err := os.ReadFile("../README.md")
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

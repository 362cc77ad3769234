package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// invoke runs the command with args and stdin, returning its status,
// stdout and stderr.
func invoke(t *testing.T, stdin string, args ...string) (int, string, string) {
	t.Helper()
	var out, errb bytes.Buffer
	code := run(args, strings.NewReader(stdin), &out, &errb)
	return code, out.String(), errb.String()
}

func writeScript(t *testing.T, dir, name, src string) string {
	t.Helper()
	p := filepath.Join(dir, name)
	require.NoError(t, os.WriteFile(p, []byte(src), 0o644))
	return p
}

func TestRun(t *testing.T) {
	dir := t.TempDir()
	ok := writeScript(t, dir, "ok.sh", "echo one\nseq 2\n")
	fails := writeScript(t, dir, "fails.sh", "echo before\nkubectl frobnicate\necho after\n")
	t.Run("runs scripts in order with a transcript", func(t *testing.T) {
		code, out, errOut := invoke(t, "", "run", ok, ok)
		assert.Equal(t, 0, code, errOut)
		assert.Equal(t, strings.Repeat("$ echo one\none\n$ seq 2\n1\n2\n", 2), out)
	})
	t.Run("stops at the first failing command", func(t *testing.T) {
		code, out, errOut := invoke(t, "", "run", "--echo=false", fails, ok)
		assert.Equal(t, 1, code)
		assert.Equal(t, "before\n", out)
		assert.Equal(t, "error: unknown command \"frobnicate\" for \"kubectl\"\n", errOut)
	})
	t.Run("keep going", func(t *testing.T) {
		for _, flag := range []string{"--keep-going", "-continue"} {
			code, out, _ := invoke(t, "", "run", "--echo=false", flag, fails, ok)
			assert.Equal(t, 0, code, "the last command of each script succeeded")
			assert.Equal(t, "before\nafter\none\n1\n2\n", out)
		}
		code, out, _ := invoke(t, "", "run", "--echo=false", "--keep-going", writeScript(t, dir, "last.sh", "kubectl frobnicate\n"), ok)
		assert.Equal(t, 1, code, "the first failure is the status")
		assert.Equal(t, "one\n1\n2\n", out)
	})
	t.Run("a script from standard input", func(t *testing.T) {
		code, out, _ := invoke(t, "sleep 5\necho $((1+2))\n", "run", "--echo=false", "--seed", "7", "--timing", "realistic", "--nodes", "2", "--think", "0", "-")
		assert.Equal(t, 0, code)
		assert.Equal(t, "3\n", out)
	})
	t.Run("files are read from --files, read-only", func(t *testing.T) {
		writeScript(t, dir, "blue.yaml", "kind: ReplicaSet\n")
		code, out, errOut := invoke(t, "", "run", "--echo=false", "--files", dir, writeScript(t, dir, "cat.sh", "cat blue.yaml\necho x > blue.yaml\ncat blue.yaml\n"))
		assert.Equal(t, 0, code, errOut)
		assert.Equal(t, "kind: ReplicaSet\nx\n", out)
		b, err := os.ReadFile(filepath.Join(dir, "blue.yaml"))
		require.NoError(t, err)
		assert.Equal(t, "kind: ReplicaSet\n", string(b))
	})
	t.Run("narration", func(t *testing.T) {
		n := writeScript(t, dir, "n.sh", "## Step one.\n# silent\necho one\n")
		code, out, errOut := invoke(t, "", "run", "--narrate", n)
		assert.Equal(t, 0, code, errOut)
		assert.Equal(t, "\nStep one.\n$ echo one\none\n", out)
	})
	t.Run("later scripts read what earlier ones wrote", func(t *testing.T) {
		w := writeScript(t, dir, "w.sh", "mkdir ~/svc && echo green > ~/svc/green.yaml\n")
		r := writeScript(t, dir, "r.sh", "cat ~/svc/green.yaml\n")
		code, out, errOut := invoke(t, "", "run", "--echo=false", w, r)
		assert.Equal(t, 0, code, errOut)
		assert.Equal(t, "green\n", out)
	})
}

func TestRunErrors(t *testing.T) {
	dir := t.TempDir()
	ok := writeScript(t, dir, "ok.sh", "echo one\n")
	tests := []struct {
		name string
		args []string
		code int
		err  string
	}{
		{"no command", nil, 2, "usage: svcsim run"},
		{"unknown command", []string{"walk"}, 2, `unknown command "walk"`},
		{"no script", []string{"run"}, 2, "no script given"},
		{"missing script", []string{"run", filepath.Join(dir, "nope.sh")}, 2, "no such file"},
		{"bad flag", []string{"run", "--bogus", ok}, 2, "flag provided but not defined"},
		{"bad timing", []string{"run", "--timing", "slow", ok}, 2, `--timing "slow"`},
		{"bad nodes", []string{"run", "--nodes", "0", ok}, 2, "--nodes 0"},
		{"too many nodes", []string{"run", "--nodes", "100000", ok}, 2, "Nodes must be between"},
		{"bad files", []string{"run", "--files", ok, ok}, 2, "not a directory"},
		{"syntax error", []string{"run", writeScript(t, dir, "bad.sh", "echo )\n")}, 2, "bad.sh:1:6"},
		{"refused", []string{"run", writeScript(t, dir, "bg.sh", "sleep 1 &\n")}, 2, "background job"},
		{"not found", []string{"run", writeScript(t, dir, "nf.sh", "curl -s example.com\n")}, 127, "svcsim: curl: command not found in the simulation"},
		{"shell takes no arguments", []string{"shell", "x"}, 2, "unexpected argument"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, _, errOut := invoke(t, "", tt.args...)
			assert.Equal(t, tt.code, code)
			assert.Contains(t, errOut, tt.err)
		})
	}
	code, out, _ := invoke(t, "", "help")
	assert.Equal(t, 0, code)
	assert.Contains(t, out, "usage:")
}

func TestShell(t *testing.T) {
	in := "X=1\necho $X\nkubectl frobnicate\necho status $?\nfor i in a b; do\necho $i\ndone\n"
	code, out, errOut := invoke(t, in, "shell", "--seed", "3")
	assert.Equal(t, 0, code)
	assert.Equal(t, "svcsim$ svcsim$ 1\nsvcsim$ svcsim$ status 1\nsvcsim$ > > a\nb\nsvcsim$ \n", out)
	assert.Equal(t, "error: unknown command \"frobnicate\" for \"kubectl\"\n", errOut)
	code, _, _ = invoke(t, "exit 5\n", "shell")
	assert.Equal(t, 5, code)
}

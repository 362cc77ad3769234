package script_test

import (
	"bytes"
	"context"
	"errors"
	"os"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/svcsim/svcsim/script"
)

// podJSON is a pod as kubectl get po -o json prints it, cut down.
const podJSON = `{
    "apiVersion": "v1",
    "kind": "Pod",
    "metadata": {
        "name": "bigwebstuff"
    },
    "status": {
        "hostIP": "172.18.0.3",
        "podIP": "10.244.1.5",
        "phase": "Running"
    }
}
`

// runStatus runs src against f and returns stdout, stderr and the
// script's exit status.
func runStatus(t *testing.T, f *fake, env script.Env, src string) (string, string, int) {
	t.Helper()
	var out, errb bytes.Buffer
	env.Files = fstest.MapFS{"pod.json": {Data: []byte(podJSON)}, "filter.jq": {Data: []byte(".status.phase\n")}}
	err := script.Run(context.Background(), env, "t.sh", strings.NewReader(src), &out, &errb, script.Options{Think: -1, NoSettle: true})
	var exit *script.ExitError
	switch {
	case err == nil:
		return out.String(), errb.String(), 0
	case errors.As(err, &exit):
		return out.String(), errb.String(), exit.Status
	}
	t.Fatalf("run: %v", err)
	return "", "", 0
}

func TestJQ(t *testing.T) {
	tests := []struct {
		name, src, out, err string
		status              int
	}{
		{"the lab's pipe", "kubectl get po bigwebstuff -o json | jq -r '.status | .podIP, .hostIP'", "10.244.1.5\n172.18.0.3\n", "", 0},
		{"pretty by default, two spaces", `echo '{"b":[1,2.50,{}],"a":{"x":null},"c":[]}' | jq .`,
			"{\n  \"a\": {\n    \"x\": null\n  },\n  \"b\": [\n    1,\n    2.50,\n    {}\n  ],\n  \"c\": []\n}\n", "", 0},
		{"no filter is .", `echo '[1]' | jq`, "[\n  1\n]\n", "", 0},
		{"compact", `echo '{"a": [1, "x"]}' | jq -c .`, "{\"a\":[1,\"x\"]}\n", "", 0},
		{"raw strings only", `jq -r '.metadata.name, .status' pod.json -c`, "bigwebstuff\n{\"hostIP\":\"172.18.0.3\",\"phase\":\"Running\",\"podIP\":\"10.244.1.5\"}\n", "", 0},
		{"join", `jq -j '.kind, .apiVersion' pod.json`, "Podv1", "", 0},
		{"a file in a directory the script made", `mkdir d && cat pod.json > d/p.json && cd d && jq -r .kind p.json ../pod.json`, "Pod\nPod\n", "", 0},
		{"filter from a file", `jq -r -f filter.jq pod.json`, "Running\n", "", 0},
		{"several inputs", `echo '1 2' | jq '. * 10'`, "10\n20\n", "", 0},
		{"slurp", `printf '1\n2\n3\n' | jq -s -c 'add, .'`, "6\n[1,2,3]\n", "", 0},
		{"raw input", `printf 'a\nb' | jq -R .`, "\"a\"\n\"b\"\n", "", 0},
		{"raw input slurped", `printf 'a\nb\n' | jq -Rs .`, "\"a\\nb\\n\"\n", "", 0},
		{"null input", `jq -n '1+1'`, "2\n", "", 0},
		{"null input with inputs", `printf '1 2' | jq -n -c '[inputs]'`, "[1,2]\n", "", 0},
		{"arg and argjson", `jq -n -c --arg x 1 --argjson y '{"z":2}' '[$x, $y.z, $ARGS.named.x]'`, "[\"1\",2,\"1\"]\n", "", 0},
		{"args", `jq -n -c '$ARGS.positional' --args a b`, "[\"a\",\"b\"]\n", "", 0},
		{"jsonargs", `jq -n -c '$ARGS.positional' --jsonargs 1 '{"a":2}'`, "[1,{\"a\":2}]\n", "", 0},
		{"rawfile and slurpfile", `jq -n -c --rawfile r filter.jq --slurpfile s pod.json '[$r, $s[0].kind]'`, "[\".status.phase\\n\",\"Pod\"]\n", "", 0},
		{"tab", `jq --tab -n '{a:[1]}'`, "{\n\t\"a\": [\n\t\t1\n\t]\n}\n", "", 0},
		{"indent", `jq --indent 1 -n '{a:[1]}'`, "{\n \"a\": [\n  1\n ]\n}\n", "", 0},
		{"ascii", `jq -a -n '"é😀"'`, "\"\\u00e9\\ud83d\\ude00\"\n", "", 0},
		{"escapes", `jq -n '"\"\\\n\t\u0001\u007f/"'`, "\"\\\"\\\\\\n\\t\\u0001\\u007f/\"\n", "", 0},
		{"numbers as jq prints them", `jq -n -c '[1e17, 1e-5, 0.001, 0.1+0.2, 3.0, 2.5e300, 100, infinite, -infinite, nan, 12345678901234567890]'`,
			"[1e+17,1e-05,0.001,0.30000000000000004,3,2.5e+300,100,1.7976931348623157e+308,-1.7976931348623157e+308,null,12345678901234567890]\n", "", 0},
		{"input literals kept", `echo '[1.0, 1.50, 100000000000000000001]' | jq -c .`, "[1.0,1.50,100000000000000000001]\n", "", 0},
		{"too deep to print", `jq -n -c 'reduce range(300) as $i (0; [.]) | flatten'`, "[0]\n", "", 0},

		{"runtime error", `echo '{"a":1}' | jq .a.b`, "", "jq: error (at <stdin>:1): expected an object but got: number (1)\n", 5},
		{"runtime error on a later line", `jq '.metadata.name | error' pod.json`, "", "jq: error (at pod.json:12): bigwebstuff\n", 5},
		{"error with a value", `jq -n '{a:1} | error'`, "", "jq: error (at <unknown>) (not a string): {\"a\":1}\n", 5},
		{"output before the error", `jq -n '1, error("x"), 2'`, "1\n", "jq: error (at <unknown>): x\n", 5},
		{"the last input's status counts", `echo '1 "a" 2' | jq '. + 1'`, "2\n3\n", "jq: error (at <stdin>:1): cannot add: string (\"a\") and number (1)\n", 0},
		{"parse error", `echo 'hello' | jq .`, "", "jq: parse error: Invalid numeric literal at line 2, column 0\n", 5},
		{"parse error after values", `printf '1\n[1,x,2]\n' | jq -c .`, "1\n", "jq: parse error: Invalid numeric literal at line 2, column 5\n", 5},
		{"unfinished", `echo '{' | jq .`, "", "jq: parse error: Unfinished JSON term at EOF at line 2, column 0\n", 5},
		{"syntax error", `jq '.a |||' pod.json`, "", "jq: error: syntax error, unexpected token \"|\" (Unix shell quoting issues?) at <top-level>, line 1:\n.a |||\njq: 1 compile error\n", 3},
		{"unknown function", "jq -n '1 |\n foo'", "", "jq: error: foo/0 is not defined at <top-level>, line 2:\n foo\njq: 1 compile error\n", 3},
		{"unknown variable", `jq -n '$nope'`, "", "jq: error: $nope is not defined at <top-level>, line 1:\n$nope\njq: 1 compile error\n", 3},
		{"no modules", `jq -n 'import "x" as x; 1'`, "", "jq: error: module not found: x at <top-level>, line 1:\nimport \"x\" as x; 1\njq: 1 compile error\n", 3},
		{"no input left", `jq -n 'input'`, "", "jq: error (at <stdin>:0): No more inputs\n", 5},
		{"missing file", `jq -r .kind nope.json pod.json`, "Pod\n", "jq: error: Could not open nope.json: No such file or directory\n", 2},
		{"unknown option", `jq -x .`, "", "jq: Unknown option -x\nUse jq --help for help with command-line options,\nor see the jq manpage, or online docs  at https://jqlang.github.io/jq\n", 2},
		{"unknown long option", `jq --frob .`, "", "jq: Unknown option --frob\nUse jq --help for help with command-line options,\nor see the jq manpage, or online docs  at https://jqlang.github.io/jq\n", 2},
		{"arg needs two", `jq -n --arg x`, "", "jq: --arg takes two parameters (e.g. --arg varname value)\nUse jq --help for help with command-line options,\nor see the jq manpage, or online docs  at https://jqlang.github.io/jq\n", 2},
		{"bad argjson", `jq -n --argjson x '{'`, "", "jq: invalid JSON text passed to --argjson\nUse jq --help for help with command-line options,\nor see the jq manpage, or online docs  at https://jqlang.github.io/jq\n", 2},
		{"streaming is not simulated", `jq --stream . pod.json`, "", "jq: --stream is not supported in the simulation\n", 2},
		{"version", `jq --version`, "jq-1.7.1\n", "", 0},

		{"-e true", `jq -e -n 1`, "1\n", "", 0},
		{"-e null", `jq -e .spec pod.json`, "null\n", "", 1},
		{"-e false then true", `jq -e -n 'false, 1'`, "false\n1\n", "", 0},
		{"-e no output", `jq -e -n empty`, "", "", 4},
		{"-e raw string", `jq -er .kind pod.json`, "Pod\n", "", 0},
		{"-e error", `jq -e -n 'error("x")'`, "", "jq: error (at <unknown>): x\n", 5},
		{"null without -e", `jq .spec pod.json`, "null\n", "", 0},
		{"halt", `jq -n '1, halt, 2'`, "1\n", "", 0},
		{"halt_error string", `jq -n '"bye\n" | halt_error'`, "", "bye\n", 5},
		{"halt_error value and code", `jq -n '{a:1} | halt_error(3)'`, "", "{\"a\":1}\n", 3},
		{"debug and stderr", `jq -n -c '[1] | debug | stderr | "x" | stderr | empty'`, "", "[\"DEBUG:\",[1]]\n[1]x", 0},
		{"input_filename", `jq -c '[input_filename, input_line_number]' pod.json; echo 1 | jq input_filename`, "[\"pod.json\",12]\nnull\n", "", 0},

		{"ENV is the script's exported variables", `export FOO=bar; BAR=unexported; jq -n -c '[$ENV.FOO, env.BAR, $ENV.HOME, ($ENV|has("GOPATH"))]'`,
			"[\"bar\",null,\"/home/svcsim\",false]\n", "", 0},
		{"now is the simulation's clock", `jq -n -r 'now | todate'`, "2025-01-01T00:01:40Z\n", "", 0},
		{"local time is UTC", `jq -n -r '0 | localtime | mktime, (0 | strflocaltime("%H:%M %Z"))'`, "0\n00:00 UTC\n", "", 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFake()
			f.canned["get po bigwebstuff -o json"] = podJSON
			env := f.env()
			env.Now = func() time.Time { return time.Date(2025, 1, 1, 0, 1, 40, 0, time.UTC) }
			out, errOut, status := runStatus(t, f, env, tt.src)
			assert.Equal(t, tt.out, out)
			assert.Equal(t, tt.err, errOut)
			assert.Equal(t, tt.status, status)
		})
	}
}

// TestJQNeverSeesTheHost checks that jq's filter cannot read the host's
// environment, clock or files.
func TestJQNeverSeesTheHost(t *testing.T) {
	t.Setenv("SVCSIM_HOST_SECRET", "host-env-value")
	dir := t.TempDir()
	t.Chdir(dir)
	require.NoError(t, os.WriteFile("host.json", []byte(`{"k":"host-file-value"}`), 0o644))
	require.NoError(t, os.WriteFile("host.jq", []byte(`def leak: "host-module-value";`), 0o644))
	f := newFake()
	env := f.env()
	src := `jq -n '$ENV.SVCSIM_HOST_SECRET, env.SVCSIM_HOST_SECRET'
jq -n -r 'now | todate'
jq . host.json ` + dir + `/host.json
jq -n -L ` + dir + ` 'include "host"; leak'
jq -n 'include "host"; leak'
jq -n --rawfile x ` + dir + `/host.json '$x'
`
	out, errOut, _ := runStatus(t, f, env, src)
	assert.Equal(t, "null\nnull\n2025-01-01T00:00:00Z\n", out, "with no Env.Now the clock stands at the epoch")
	assert.NotContains(t, out+errOut, "host-env-value")
	assert.NotContains(t, out+errOut, "host-file-value")
	assert.NotContains(t, out+errOut, "host-module-value")
	assert.Contains(t, errOut, "jq: error: Could not open host.json: No such file or directory")
	assert.Contains(t, errOut, "module not found: host")
}

func TestSudoAndApt(t *testing.T) {
	tests := []struct {
		name, src, out, err string
		status              int
		calls               [][]string
	}{
		{"sudo runs a simulation command", "sudo kubectl get po", "", "", 0, [][]string{{"get", "po"}}},
		{"sudo's options", "sudo -E -u root -- kubectl get po; sudo -nH -uroot kubectl get svc", "", "", 0, [][]string{{"get", "po"}, {"get", "svc"}}},
		{"sudo runs a program that is a builtin too", "sudo echo hi; sudo false || echo $?", "hi\n1\n", "", 0, nil},
		{"sudo cannot run a shell builtin", "sudo cd /", "", "svcsim: cd: command not found in the simulation\n", 127, nil},
		{"sudo of a missing program", "sudo curl x", "", "svcsim: curl: command not found in the simulation\n", 127, nil},
		{"sudo alone", "sudo", "", "usage: sudo [-EHkSn] [-u user] [-g group] command [arg ...]\n", 1, nil},
		{"sudo as another user", "sudo -u bob kubectl get po", "", "sudo: unknown user bob\n", 1, nil},
		{"sudo bad option", "sudo -Z ls", "", "sudo: invalid option -- 'Z'\nusage: sudo [-EHkSn] [-u user] [-g group] command [arg ...]\n", 1, nil},
		{"sudo -i", "sudo -i", "", "svcsim: sudo: a root shell is not simulated; you already are the only user, run the commands directly\n", 1, nil},
		{"apt install what is here", "sudo apt install -y jq kubectl grep", "jq is already available in the simulation.\nkubectl is already available in the simulation.\ngrep is already available in the simulation.\n", "", 0, nil},
		{"apt-get install a version", "apt-get install jq=1.7.1-3", "jq is already available in the simulation.\n", "", 0, nil},
		{"apt install what is not", "sudo apt install jq curl", "jq is already available in the simulation.\n", "E: Unable to locate package curl (packages cannot be installed in the simulation)\n", 100, nil},
		{"an editor cannot be installed", "sudo apt install vim", "", "E: Unable to locate package vim (packages cannot be installed in the simulation)\n", 100, nil},
		{"apt update", "sudo apt update && sudo apt-get -y upgrade", "", "", 0, nil},
		{"apt with no command", "apt", "", "apt: a command is required: install, update or upgrade (nothing is installed in the simulation)\n", 1, nil},
		{"apt invalid operation", "apt-get frob", "", "E: Invalid operation frob\n", 100, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFake()
			out, errOut, status := runStatus(t, f, f.env(), tt.src)
			assert.Equal(t, tt.out, out)
			assert.Equal(t, tt.err, errOut)
			assert.Equal(t, tt.status, status)
			assert.Equal(t, tt.calls, f.calls)
		})
	}
}

// TestJQBesideKubectl runs jq after kubectl in a pipeline when kubectl
// writes more than a pipe holds and jq reads none of it: jq must not wait
// for the simulation, which kubectl holds until its output is read.
func TestJQBesideKubectl(t *testing.T) {
	f := newFake()
	f.canned["get po -o json"] = strings.Repeat(podJSON, 1<<10) // 240 KiB, beyond a pipe's 64
	env := f.env()
	env.Now = func() time.Time { return time.Date(2025, 1, 1, 0, 0, 7, 0, time.UTC) }
	out, errOut, status := runStatus(t, f, env, "kubectl get po -o json | jq -n -r 'now | todate'\nkubectl get po -o json | jq -c .status | tail -1\n")
	assert.Equal(t, "2025-01-01T00:00:07Z\n{\"hostIP\":\"172.18.0.3\",\"phase\":\"Running\",\"podIP\":\"10.244.1.5\"}\n", out)
	assert.Empty(t, errOut)
	assert.Equal(t, 0, status)
}

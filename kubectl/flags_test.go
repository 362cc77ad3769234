package kubectl

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

var testFlags = []flagDef{
	{name: "namespace", short: 'n', typ: stringFlag},
	{name: "output", short: 'o', typ: stringFlag},
	{name: "all-namespaces", short: 'A', typ: boolFlag},
	{name: "stdin", short: 'i', typ: boolFlag},
	{name: "tty", short: 't', typ: boolFlag},
	{name: "replicas", short: 'r', typ: int32Flag, def: "1"},
	{name: "grace-period", typ: int64Flag, def: "-1"},
	{name: "timeout", typ: durationFlag, def: "0s"},
	{name: "env", typ: arrayFlag},
	{name: "tcp", typ: sliceFlag},
	{name: "dry-run", typ: stringFlag, def: "none", noOpt: "unchanged"},
}

func TestParseFlags(t *testing.T) {
	tests := []struct {
		name string
		args []string
		pos  []string
		dash int
		want map[string]string
	}{
		{"interspersed", []string{"pods", "-o", "wide", "web"}, []string{"pods", "web"}, -1, map[string]string{"output": "wide"}},
		{"long with equals", []string{"--output=yaml", "po"}, []string{"po"}, -1, map[string]string{"output": "yaml"}},
		{"shorthand glued", []string{"-oname"}, nil, -1, map[string]string{"output": "name"}},
		{"shorthand equals", []string{"-o=json"}, nil, -1, map[string]string{"output": "json"}},
		{"combined bools", []string{"-it", "x"}, []string{"x"}, -1, map[string]string{"stdin": "true", "tty": "true"}},
		{"bool then value flag", []string{"-An", "kube-system"}, nil, -1, map[string]string{"all-namespaces": "true", "namespace": "kube-system"}},
		{"bool false", []string{"--all-namespaces=false"}, nil, -1, map[string]string{"all-namespaces": "false"}},
		{"dash ends flags", []string{"pod", "--", "wget", "-qO", "-", "--timeout", "5"}, []string{"pod", "wget", "-qO", "-", "--timeout", "5"}, 1, map[string]string{}},
		{"lone dash is an argument", []string{"-f", "-", "-"}, nil, -1, nil},
		{"optional value takes none", []string{"--dry-run", "client"}, []string{"client"}, -1, map[string]string{"dry-run": "unchanged"}},
		{"optional value with equals", []string{"--dry-run=client"}, nil, -1, map[string]string{"dry-run": "client"}},
		{"hex int", []string{"-r", "0x10"}, nil, -1, map[string]string{"replicas": "0x10"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			defs := append([]flagDef{{name: "filename", short: 'f', typ: arrayFlag}}, testFlags...)
			pos, dash, fv, err := parseFlags(defs, tt.args)
			require.NoError(t, err)
			if tt.want != nil {
				assert.Equal(t, tt.pos, pos)
			}
			assert.Equal(t, tt.dash, dash)
			for k, v := range tt.want {
				assert.Equal(t, v, fv.String(k), k)
			}
		})
	}
}

func TestParseFlagsValues(t *testing.T) {
	_, _, fv, err := parseFlags(testFlags, []string{"--env", "A=1,B=2", "--env=C=3", "--tcp", "80,443", "--tcp=8080", "-r", "0x10", "--timeout", "5s"})
	require.NoError(t, err)
	assert.Equal(t, []string{"A=1,B=2", "C=3"}, fv.List("env"), "array flags keep commas")
	assert.Equal(t, []string{"80", "443", "8080"}, fv.List("tcp"), "slice flags split on commas")
	assert.Equal(t, int64(16), fv.Int("replicas"))
	assert.Equal(t, int64(-1), fv.Int("grace-period"), "default")
	assert.False(t, fv.Changed("grace-period"))
	assert.True(t, fv.Changed("replicas"))
	assert.Equal(t, "5s", fv.Duration("timeout").String())
	assert.Equal(t, "none", fv.String("dry-run"))
	assert.Panics(t, func() { fv.String("undeclared") }, "asking for an undeclared flag is a table bug")
}

// The messages are pflag's, which kubectl prints after "error: ".
func TestParseFlagsErrors(t *testing.T) {
	tests := []struct {
		args []string
		want string
	}{
		{[]string{"--foo"}, "unknown flag: --foo"},
		{[]string{"--foo=bar"}, "unknown flag: --foo"},
		{[]string{"-z"}, "unknown shorthand flag: 'z' in -z"},
		{[]string{"-Az"}, "unknown shorthand flag: 'z' in -Az"},
		{[]string{"-o"}, "flag needs an argument: 'o' in -o"},
		{[]string{"--output"}, "flag needs an argument: --output"},
		{[]string{"---x"}, "bad flag syntax: ---x"},
		{[]string{"--=x"}, "bad flag syntax: --=x"},
		{[]string{"-r", "x"}, `invalid argument "x" for "-r, --replicas" flag: strconv.ParseInt: parsing "x": invalid syntax`},
		{[]string{"-r", "99999999999"}, `invalid argument "99999999999" for "-r, --replicas" flag: strconv.ParseInt: parsing "99999999999": value out of range`},
		{[]string{"--grace-period=1.5"}, `invalid argument "1.5" for "--grace-period" flag: strconv.ParseInt: parsing "1.5": invalid syntax`},
		{[]string{"-A=maybe"}, `invalid argument "maybe" for "-A, --all-namespaces" flag: strconv.ParseBool: parsing "maybe": invalid syntax`},
		{[]string{"--timeout", "5"}, `invalid argument "5" for "--timeout" flag: time: missing unit in duration "5"`},
	}
	for _, tt := range tests {
		t.Run(tt.want, func(t *testing.T) {
			_, _, _, err := parseFlags(testFlags, tt.args)
			var fe *flagError
			require.ErrorAs(t, err, &fe)
			assert.Equal(t, tt.want, err.Error())
		})
	}
}

func FuzzParseFlags(f *testing.F) {
	f.Add("get\x00pods\x00-o\x00wide")
	f.Add("-it\x00--env=A=1\x00--\x00x")
	f.Add("-r=0x1f\x00--tcp=,,")
	f.Fuzz(func(t *testing.T, s string) {
		args := splitNUL(s)
		pos, dash, fv, err := parseFlags(append([]flagDef(nil), testFlags...), args)
		if err != nil {
			return
		}
		if dash > len(pos) {
			t.Fatalf("dash %d past %d arguments", dash, len(pos))
		}
		for _, d := range testFlags {
			_ = fv.String(d.name)
		}
	})
}

func splitNUL(s string) []string {
	var out []string
	start := 0
	for i := 0; i < len(s); i++ {
		if s[i] == 0 {
			out = append(out, s[start:i])
			start = i + 1
		}
	}
	return append(out, s[start:])
}

package kubectl

import (
	"bytes"
	"encoding/json"
	"reflect"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// jsonPathData is the example of Kubernetes' JSONPath documentation.
const jsonPathData = `{
  "kind": "List",
  "items": [
    {"kind": "None", "metadata": {"name": "127.0.0.1", "labels": {"kubernetes.io/hostname": "127.0.0.1"}},
     "status": {"capacity": {"cpu": "4"}, "addresses": [{"type": "LegacyHostIP", "address": "127.0.0.1"}]}},
    {"kind": "None", "metadata": {"name": "127.0.0.2"},
     "status": {"capacity": {"cpu": "8"}, "addresses": [{"type": "LegacyHostIP", "address": "127.0.0.2"}, {"type": "another", "address": "127.0.0.3"}]}}
  ],
  "users": [
    {"name": "myself", "user": {}},
    {"name": "e2e", "user": {"username": "admin", "password": "secret"}}
  ],
  "replicas": 3, "ratio": 0.5, "ready": true, "gone": null, "ports": [80, 443]
}`

// jsonPathInput decodes data as kubectl holds objects: numbers as int64
// when they are integers.
func jsonPathInput(t testing.TB, data string) map[string]any {
	t.Helper()
	var v any
	dec := json.NewDecoder(bytes.NewReader([]byte(data)))
	dec.UseNumber()
	require.NoError(t, dec.Decode(&v))
	return kubectlForm(v, reflect.TypeFor[any]()).(map[string]any)
}

// The expectations are what kubectl prints for these templates; map keys
// walked by .* and .. come in sorted order, where kubectl's is random.
func TestJSONPath(t *testing.T) {
	data := jsonPathInput(t, jsonPathData)
	tests := []struct {
		name, template, want string
	}{
		{"field", "{.kind}", "List"},
		{"quoted key", "{['kind']}", "List"},
		{"object as JSON", "{.items[0].status.capacity}", `{"cpu":"4"}`},
		{"wildcard over a list", "{.items[*].metadata.name}", "127.0.0.1 127.0.0.2"},
		{"negative slice", "{.items[-1:].metadata.name}", "127.0.0.2"},
		{"last index", "{.items[-1].metadata.name}", "127.0.0.2"},
		{"slice with step", "{.ports[0:2:2]}", "80"},
		{"recursive descent", "{..name}", "127.0.0.1 127.0.0.2 myself e2e"},
		{"filter", `{.items[?(@.metadata.name=="127.0.0.1")].status.capacity}`, `{"cpu":"4"}`},
		{"filter single quotes", `{.users[?(@.name=='e2e')].user.password}`, "secret"},
		{"filter exists", `{.users[?(@.user.username)].name}`, "e2e"},
		{"filter numbers", `{.ports[?(@>100)]}`, "443"},
		{"range", `{range .items[*]}[{.metadata.name}, {.status.capacity}] {end}`, `[127.0.0.1, {"cpu":"4"}] [127.0.0.2, {"cpu":"8"}] `},
		{"range then text", `{range .users[*]}{.name}{"\n"}{end}done`, "myself\ne2e\ndone"},
		{"empty range ends the template", `{range .nothing[*]}x{end}done`, ""},
		{"escaped dot", `{.items[0].metadata.labels.kubernetes\.io/hostname}`, "127.0.0.1"},
		{"union of quoted paths", `{.items[*]['metadata.name', 'status.capacity']}`, `127.0.0.1 127.0.0.2 {"cpu":"4"} {"cpu":"8"}`},
		{"text around actions", `kind={.kind} n={.replicas}`, "kind=List n=3"},
		{"scalars", `{.ratio} {.ready} {.gone}`, "0.5 true <nil>"},
		{"missing key prints nothing", `{.nope}{.items[*].nope}`, ""},
		{"map wildcard in key order", `{.items[0].status.*}`, `[{"address":"127.0.0.1","type":"LegacyHostIP"}] {"cpu":"4"}`},
		{"string wildcard walks bytes", `{.kind.*}`, "76 105 115 116"},
		{"whole object", `{.users[0]}`, `{"name":"myself","user":{}}`},
		{"current object", `{@.kind}{$.kind}`, "ListList"},
		{"no actions", `plain text`, "plain text"},
		{"zero-length slice", `{.items[1:1]}`, ""},
		{"html is escaped", `{.items[?(@.kind=="None")].metadata.labels}`, `{"kubernetes.io/hostname":"127.0.0.1"}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			jp, err := parseJSONPath(tt.template)
			require.NoError(t, err)
			var b bytes.Buffer
			require.NoError(t, jp.execute(&b, data, true))
			assert.Equal(t, tt.want, b.String())
		})
	}
}

func TestJSONPathParseErrors(t *testing.T) {
	tests := []struct{ template, want string }{
		{"{.kind", "unclosed action"},
		{"{.kind\n}", "unclosed action"},
		{"{.items[0}", "unterminated array"},
		{"{.items[a]}", "invalid array index a"},
		{"{.items[-]}", "array index - is not a number"},
		{"{!}", "unrecognized character in action: U+0021 '!'"},
		{`{"abc}`, "unterminated quoted string"},
		{`{"\q"}`, `unquote string "\q" error invalid syntax`},
		{`{.items[?(@.a=="b"}`, "unterminated filter"},
		{`{.items[?(@.a=="b")}`, "unclosed array expect ]"},
		{"{....a}", "invalid multiple recursive descent"},
		{"{1.2.3}", "cannot parse number 1.2.3"},
		{"{.a[1,b]}", "invalid array index b"},
	}
	for _, tt := range tests {
		t.Run(tt.template, func(t *testing.T) {
			_, err := parseJSONPath(tt.template)
			require.Error(t, err)
			assert.Equal(t, tt.want, err.Error())
		})
	}
}

func TestJSONPathExecuteErrors(t *testing.T) {
	data := jsonPathInput(t, jsonPathData)
	tests := []struct {
		template, want string
		strict         bool
	}{
		{template: "{.kind[0]}", want: "string is not array or slice"},
		{template: "{.items[5]}", want: "array index out of bounds: index 5, length 2"},
		{template: "{.items[0:3]}", want: "array index out of bounds: index 2, length 2"},
		{template: "{.items[1:0]}", want: "starting index 1 is greater than ending index 0"},
		{template: "{.items[::0]}", want: "step must be > 0"},
		{template: "{end}", want: "not in range, nothing to end"},
		{template: "{foo}", want: "unrecognized identifier foo"},
		{template: "{.kind[?(@.x)]}", want: "List is not array or slice and cannot be filtered"},
		{template: `{.items[?(@.status.addresses[*].type=="another")]}`, want: "can only compare one element at a time"},
		{template: `{.items[?(@.metadata.name>1)]}`, want: "incompatible types for comparison"},
		{template: `{.users[?(@.user>1)]}`, want: "invalid type for comparison"},
		{template: `{.items[?(@.kind<>"x")]}`, want: "unrecognized filter operator <>"},
		{template: "{.nope}", want: "nope is not found", strict: true},
	}
	for _, tt := range tests {
		t.Run(tt.template, func(t *testing.T) {
			jp, err := parseJSONPath(tt.template)
			require.NoError(t, err)
			var b bytes.Buffer
			err = jp.execute(&b, data, !tt.strict)
			require.Error(t, err)
			assert.Equal(t, tt.want, err.Error())
			assert.Empty(t, b.String(), "a failed template prints nothing")
		})
	}
}

// FuzzJSONPath checks that no template panics, in parsing or on a real
// object, and that running one twice prints the same.
func FuzzJSONPath(f *testing.F) {
	for _, s := range []string{"{.kind}", "{..name}", "{range .items[*]}{.metadata.name}{end}", `{.items[?(@.kind=="None")]}`,
		"{.items[-1:]}", "{['a','b']}", "{.a[1:2:3]}", `{"\n"}`, "{end}", "{range}{range}{end}", "{.items[*].status.*}", "{[?(@)]}", "{..}"} {
		f.Add(s)
	}
	data := jsonPathInput(f, jsonPathData)
	f.Fuzz(func(t *testing.T, template string) {
		jp, err := parseJSONPath(template)
		if err != nil {
			return
		}
		var a, b bytes.Buffer
		errA := jp.execute(&a, data, true)
		errB := jp.execute(&b, data, true)
		assert.Equal(t, errA, errB)
		assert.Equal(t, a.String(), b.String())
	})
}

package kubectl

import (
	"encoding/json"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/svcsim/svcsim/cluster"
	"github.com/svcsim/svcsim/selector"
)

func decodeAny(t *testing.T, s string) any {
	t.Helper()
	var v any
	require.NoError(t, decodePatchJSON([]byte(s), &v))
	return v
}

// TestApplyJSONPatch: RFC 6902's operations and the failures the
// apiserver's json-patch library reports.
func TestApplyJSONPatch(t *testing.T) {
	doc := `{"a":{"b":1,"c":[1,2,3]},"d":"x"}`
	for _, tt := range []struct {
		name, patch, want, err string
	}{
		{"add key", `[{"op":"add","path":"/a/e","value":5}]`, `{"a":{"b":1,"c":[1,2,3],"e":5},"d":"x"}`, ""},
		{"add replaces a key", `[{"op":"add","path":"/d","value":"y"}]`, `{"a":{"b":1,"c":[1,2,3]},"d":"y"}`, ""},
		{"add into array", `[{"op":"add","path":"/a/c/1","value":9}]`, `{"a":{"b":1,"c":[1,9,2,3]},"d":"x"}`, ""},
		{"append", `[{"op":"add","path":"/a/c/-","value":4}]`, `{"a":{"b":1,"c":[1,2,3,4]},"d":"x"}`, ""},
		{"remove", `[{"op":"remove","path":"/a/c/0"},{"op":"remove","path":"/d"}]`, `{"a":{"b":1,"c":[2,3]}}`, ""},
		{"replace", `[{"op":"replace","path":"/a/b","value":{"z":true}}]`, `{"a":{"b":{"z":true},"c":[1,2,3]},"d":"x"}`, ""},
		{"move", `[{"op":"move","from":"/d","path":"/a/d"}]`, `{"a":{"b":1,"c":[1,2,3],"d":"x"}}`, ""},
		{"copy", `[{"op":"copy","from":"/a/c","path":"/e"}]`, `{"a":{"b":1,"c":[1,2,3]},"d":"x","e":[1,2,3]}`, ""},
		{"test passes", `[{"op":"test","path":"/a/b","value":1.0},{"op":"remove","path":"/d"}]`, `{"a":{"b":1,"c":[1,2,3]}}`, ""},
		{"escaped key", `[{"op":"add","path":"/a~1b~0c","value":1}]`, `{"a":{"b":1,"c":[1,2,3]},"a/b~c":1,"d":"x"}`, ""},
		{"test fails", `[{"op":"test","path":"/d","value":"y"}]`, "", "testing value /d failed: test failed"},
		{"replace missing", `[{"op":"replace","path":"/e","value":1}]`, "", "replace operation does not apply: doc is missing key: /e: missing value"},
		{"remove missing", `[{"op":"remove","path":"/e"}]`, "", "error in remove for path: '/e': Unable to remove nonexistent key: e: missing value"},
		{"add under missing", `[{"op":"add","path":"/x/y","value":1}]`, "", `add operation does not apply: doc is missing path: "/x/y": missing value`},
		{"index out of range", `[{"op":"add","path":"/a/c/7","value":1}]`, "", "error in add for path: '/a/c/7': Unable to access invalid index: 7: invalid index referenced"},
		{"move into itself", `[{"op":"move","from":"/a","path":"/a/b/c"}]`, "", "move operation does not apply: cannot move /a into its own child /a/b/c"},
		{"unknown op", `[{"op":"frob","path":"/a"}]`, "", "Unexpected kind: frob"},
		{"no op", `[{"path":"/a"}]`, "", "Unexpected kind: unknown"},
		{"no path", `[{"op":"remove"}]`, "", "remove operation failed to decode path: missing value"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			ops, err := decodeJSONPatch([]byte(tt.patch))
			require.NoError(t, err)
			got, err := applyJSONPatch(decodeAny(t, doc), ops)
			if tt.err != "" {
				assert.EqualError(t, err, tt.err)
				return
			}
			require.NoError(t, err)
			assert.True(t, patchEqual(decodeAny(t, tt.want), got), "got %s", patchJSON(got))
		})
	}
}

// TestStrategicMerge: maps merge, keyed lists merge on their key, other
// lists are replaced, and the directives do what Kubernetes' do.
func TestStrategicMerge(t *testing.T) {
	svc := `{"metadata":{"labels":{"a":"1"}},"spec":{"selector":{"app":"blue","tier":"web"},"ports":[{"name":"http","port":80},{"name":"https","port":443}],"clusterIPs":["10.0.0.1"]}}`
	pod := `{"spec":{"containers":[{"name":"a","image":"x","ports":[{"containerPort":80}],"env":[{"name":"A","value":"1"}]},{"name":"b","image":"y"}]}}`
	for _, tt := range []struct {
		name, doc, patch, want, err string
	}{
		{"selector merges", svc, `{"spec":{"selector":{"app":"green"}}}`,
			`{"metadata":{"labels":{"a":"1"}},"spec":{"selector":{"app":"green","tier":"web"},"ports":[{"name":"http","port":80},{"name":"https","port":443}],"clusterIPs":["10.0.0.1"]}}`, ""},
		{"null removes", svc, `{"spec":{"selector":{"tier":null}},"metadata":{"labels":null}}`,
			`{"metadata":{},"spec":{"selector":{"app":"blue"},"ports":[{"name":"http","port":80},{"name":"https","port":443}],"clusterIPs":["10.0.0.1"]}}`, ""},
		{"$patch replace on a map", svc, `{"spec":{"selector":{"$patch":"replace","method":"bg"}}}`,
			`{"metadata":{"labels":{"a":"1"}},"spec":{"selector":{"method":"bg"},"ports":[{"name":"http","port":80},{"name":"https","port":443}],"clusterIPs":["10.0.0.1"]}}`, ""},
		{"ports merge by port", svc, `{"spec":{"ports":[{"port":443,"targetPort":8443},{"name":"alt","port":8080}]}}`,
			`{"metadata":{"labels":{"a":"1"}},"spec":{"selector":{"app":"blue","tier":"web"},"ports":[{"name":"http","port":80},{"name":"https","port":443,"targetPort":8443},{"name":"alt","port":8080}],"clusterIPs":["10.0.0.1"]}}`, ""},
		{"$patch delete in a keyed list", svc, `{"spec":{"ports":[{"port":80,"$patch":"delete"}]}}`,
			`{"metadata":{"labels":{"a":"1"}},"spec":{"selector":{"app":"blue","tier":"web"},"ports":[{"name":"https","port":443}],"clusterIPs":["10.0.0.1"]}}`, ""},
		{"$patch replace in a keyed list", svc, `{"spec":{"ports":[{"$patch":"replace"},{"name":"x","port":1}]}}`,
			`{"metadata":{"labels":{"a":"1"}},"spec":{"selector":{"app":"blue","tier":"web"},"ports":[{"name":"x","port":1}],"clusterIPs":["10.0.0.1"]}}`, ""},
		{"other lists are replaced", svc, `{"spec":{"clusterIPs":["10.0.0.2"]}}`,
			`{"metadata":{"labels":{"a":"1"}},"spec":{"selector":{"app":"blue","tier":"web"},"ports":[{"name":"http","port":80},{"name":"https","port":443}],"clusterIPs":["10.0.0.2"]}}`, ""},
		{"containers merge by name", pod, `{"spec":{"containers":[{"name":"a","image":"z","env":[{"name":"B","value":"2"}]}]}}`,
			`{"spec":{"containers":[{"name":"a","image":"z","ports":[{"containerPort":80}],"env":[{"name":"A","value":"1"},{"name":"B","value":"2"}]},{"name":"b","image":"y"}]}}`, ""},
		{"$setElementOrder is only order", pod, `{"spec":{"$setElementOrder/containers":[{"name":"b"},{"name":"a"}],"containers":[{"name":"b","image":"w"}]}}`,
			`{"spec":{"containers":[{"name":"a","image":"x","ports":[{"containerPort":80}],"env":[{"name":"A","value":"1"}]},{"name":"b","image":"w"}]}}`, ""},
		{"$retainKeys", svc, `{"spec":{"$retainKeys":["ports","selector"],"selector":{"x":"y"}}}`,
			`{"metadata":{"labels":{"a":"1"}},"spec":{"selector":{"app":"blue","tier":"web","x":"y"},"ports":[{"name":"http","port":80},{"name":"https","port":443}]}}`, ""},
		{"$deleteFromPrimitiveList", svc, `{"spec":{"$deleteFromPrimitiveList/clusterIPs":["10.0.0.1"]}}`,
			`{"metadata":{"labels":{"a":"1"}},"spec":{"selector":{"app":"blue","tier":"web"},"ports":[{"name":"http","port":80},{"name":"https","port":443}],"clusterIPs":null}}`, ""},
		{"merge key missing", svc, `{"spec":{"ports":[{"name":"x"}]}}`, "", `map: {"name":"x"} does not contain declared merge key: port`},
		{"unknown $patch", svc, `{"spec":{"$patch":"frob"}}`, "", "Unknown patch type: frob"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			var p map[string]any
			require.NoError(t, decodePatchJSON([]byte(tt.patch), &p))
			got, err := strategicMerge(decodeAny(t, tt.doc).(map[string]any), p, "")
			if tt.err != "" {
				assert.EqualError(t, err, tt.err)
				return
			}
			require.NoError(t, err)
			assert.True(t, patchEqual(decodeAny(t, tt.want), got), "got %s", patchJSON(got))
		})
	}
}

func TestApplyMergePatch(t *testing.T) {
	got := applyMergePatch(decodeAny(t, `{"a":{"b":1,"c":[1,2]},"d":1}`), decodeAny(t, `{"a":{"b":null,"c":[3]},"e":{"f":1}}`))
	assert.True(t, patchEqual(decodeAny(t, `{"a":{"c":[3]},"d":1,"e":{"f":1}}`), got), patchJSON(got))
}

func TestExecPatch(t *testing.T) {
	bg := func(e *mutEnv) { e.must("apply", "-f", "bgsvc.yaml", "-f", "webd.yaml") }
	sel := func(e *mutEnv) selector.Set {
		s, _ := cluster.GetAs[*cluster.Service](e.s, "default", "blue-green-svc")
		return s.Spec.Selector
	}
	runCases(t, []cmdCase{
		{name: "flip the selector (strategic)", setup: bg, args: []string{"patch", "svc", "blue-green-svc", "-p", `{"spec":{"selector":{"method":"green"}}}`},
			out:   "service/blue-green-svc patched\n",
			check: func(e *mutEnv) { assert.Equal(e.t, selector.Set{"method": "green"}, sel(e)) }},
		{name: "YAML patch", setup: bg, args: []string{"patch", "svc/blue-green-svc", "-p", "spec:\n  selector:\n    color: blue\n"},
			out:   "service/blue-green-svc patched\n",
			check: func(e *mutEnv) { assert.Equal(e.t, selector.Set{"method": "blue-green", "color": "blue"}, sel(e)) }},
		{name: "merge", setup: bg, args: []string{"patch", "svc", "blue-green-svc", "--type", "merge", "-p", `{"spec":{"selector":{"method":null,"color":"green"}}}`},
			out:   "service/blue-green-svc patched\n",
			check: func(e *mutEnv) { assert.Equal(e.t, selector.Set{"color": "green"}, sel(e)) }},
		{name: "json", setup: bg, args: []string{"patch", "svc", "blue-green-svc", "--type=json", "-p", `[{"op":"replace","path":"/spec/selector","value":{"color":"green"}}]`},
			out:   "service/blue-green-svc patched\n",
			check: func(e *mutEnv) { assert.Equal(e.t, selector.Set{"color": "green"}, sel(e)) }},
		{name: "no change", setup: bg, args: []string{"patch", "svc", "blue-green-svc", "-p", `{"spec":{"selector":{"method":"blue-green"}}}`},
			out: "service/blue-green-svc patched (no change)\n", same: true},
		{name: "empty patch", setup: bg, args: []string{"patch", "deploy/bigwebstuff", "-p", `{}`},
			out: "deployment.apps/bigwebstuff patched (no change)\n", same: true},
		{name: "replicas", setup: bg, args: []string{"patch", "deploy/bigwebstuff", "-p", `{"spec":{"replicas":1}}`},
			out:   "deployment.apps/bigwebstuff patched\n",
			check: func(e *mutEnv) { assert.Equal(e.t, int32(1), replicas(e, cluster.KindDeployment, "bigwebstuff")) }},
		{name: "a container's image by name", setup: bg, args: []string{"patch", "deploy/bigwebstuff", "-p", `{"spec":{"template":{"spec":{"containers":[{"name":"nginx","image":"httpd"}]}}}}`},
			out: "deployment.apps/bigwebstuff patched\n",
			check: func(e *mutEnv) {
				d, _ := cluster.GetAs[*cluster.Deployment](e.s, "default", "bigwebstuff")
				require.Len(e.t, d.Spec.Template.Spec.Containers, 1)
				assert.Equal(e.t, "httpd", d.Spec.Template.Spec.Containers[0].Image)
				assert.Equal(e.t, int32(80), d.Spec.Template.Spec.Containers[0].Ports[0].ContainerPort)
			}},
		{name: "labels of a pod", setup: func(e *mutEnv) { e.pod("a", map[string]string{"x": "1"}) },
			args: []string{"patch", "pod", "a", "-p", `{"metadata":{"labels":{"y":"2"}}}`}, out: "pod/a patched\n",
			check: func(e *mutEnv) { assert.Equal(e.t, selector.Set{"x": "1", "y": "2"}, e.labels(cluster.KindPod, "a")) }},
		{name: "unknown field warned and dropped", setup: bg, args: []string{"patch", "svc/blue-green-svc", "-p", `{"spec":{"colour":"blue"}}`},
			out: "service/blue-green-svc patched (no change)\n", err: "Warning: unknown field \"spec.colour\"\n", same: true},
		{name: "test op fails", setup: bg, args: []string{"patch", "svc/blue-green-svc", "--type=json", "-p", `[{"op":"test","path":"/spec/type","value":"NodePort"}]`},
			err: "The request is invalid: : testing value /spec/type failed: test failed\n", code: 1, same: true},
		{name: "the store's validation", setup: bg, args: []string{"patch", "svc/blue-green-svc", "--type=merge", "-p", `{"spec":{"type":"Bogus"}}`},
			err:  "The Service \"blue-green-svc\" is invalid: spec.type: Unsupported value: \"Bogus\": supported values: \"ClusterIP\", \"ExternalName\", \"LoadBalancer\", \"NodePort\"\n",
			code: 1, same: true},
		{name: "renaming refused", setup: bg, args: []string{"patch", "svc/blue-green-svc", "--type=merge", "-p", `{"metadata":{"name":"x"}}`},
			err: "Error from server (BadRequest): the name of the object (x) does not match the name on the URL (blue-green-svc)\n", code: 1, same: true},
		{name: "not a JSON patch", setup: bg, args: []string{"patch", "svc/blue-green-svc", "--type=json", "-p", `{"op":"add"}`},
			err: "Error from server (BadRequest): json: cannot unmarshal object into Go value of type []map[string]json.RawMessage\n", code: 1, same: true},
		{name: "merge patch not an object", setup: bg, args: []string{"patch", "svc/blue-green-svc", "--type=merge", "-p", `[1]`},
			err: "Error from server (BadRequest): Invalid JSON Patch\n", code: 1, same: true},
		{name: "dry run", setup: bg, args: []string{"patch", "svc/blue-green-svc", "-p", `{"spec":{"selector":{"a":"b"}}}`, "--dry-run=client"},
			out: "service/blue-green-svc patched (dry run)\n", same: true},
		{name: "--patch-file", setup: func(e *mutEnv) { bg(e); e.files["p.yaml"] = "spec:\n  replicas: 2\n" },
			args: []string{"patch", "deploy/bigwebstuff", "--patch-file", "p.yaml"}, out: "deployment.apps/bigwebstuff patched\n"},
		{name: "missing --patch-file", args: []string{"patch", "deploy/bigwebstuff", "--patch-file", "p.yaml"},
			err: "error: unable to read patch file: open p.yaml: no such file or directory\n", code: 1, same: true},
		{name: "missing object", args: []string{"patch", "svc/x", "-p", `{}`},
			err: "Error from server (NotFound): services \"x\" not found\n", code: 1, same: true},
		{name: "no patch", args: []string{"patch", "svc/x"},
			err: "error: must specify --patch or --patch-file containing the contents of the patch\n", code: 1, same: true},
		{name: "both", args: []string{"patch", "svc/x", "-p", "{}", "--patch-file", "f"},
			err: "error: cannot specify --patch and --patch-file together\n", code: 1, same: true},
		{name: "bad type", args: []string{"patch", "svc/x", "-p", "{}", "--type=apply"},
			err: "error: --type must be one of [json merge strategic], not \"apply\"\n", code: 1, same: true},
		{name: "bad YAML", args: []string{"patch", "svc/x", "-p", "a: [b"},
			err: "error: unable to parse \"a: [b\": yaml: line 1: did not find expected ',' or ']'\n", code: 1, same: true},
		{name: "type only", args: []string{"patch", "svc", "-p", "{}"},
			err: "error: resource(s) were provided, but no name was specified\n", code: 1, same: true},
	})
}

// TestPatchRoundTrip: an empty patch changes nothing for any kind a
// manifest can hold, so the unstructured round trip is exact.
func TestPatchRoundTrip(t *testing.T) {
	e := newMutEnv(t, cluster.Config{})
	e.files["rc.yaml"] = helloRC
	e.must("apply", "-f", "svc.yaml", "-f", "webd.yaml", "-f", "blue.yaml", "-f", "rc.yaml", "-f", "bigwebstuff.yaml")
	for _, kind := range []cluster.Kind{cluster.KindService, cluster.KindDeployment, cluster.KindReplicaSet,
		cluster.KindReplicationController, cluster.KindPod, cluster.KindEndpoints, cluster.KindEndpointSlice, cluster.KindNamespace} {
		rt := typeOfKind(kind)
		for _, o := range e.s.List(kind, scopeOf(rt, "default"), selector.Everything()) {
			next, warnings, err := e.k.patched(o, "strategic", []byte(`{}`))
			require.NoError(t, err, "%s %s", kind, o.Meta().Name)
			assert.Empty(t, warnings)
			out, err := e.s.Update(next)
			require.NoError(t, err)
			a, _ := json.Marshal(o)
			b, _ := json.Marshal(out)
			assert.JSONEq(t, string(a), string(b), "%s %s", kind, o.Meta().Name)
		}
	}
}

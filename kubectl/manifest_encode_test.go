package kubectl_test

import (
	"bytes"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/svcsim/svcsim/cluster"
	"github.com/svcsim/svcsim/kubectl"
	"github.com/svcsim/svcsim/selector"
)

// dryRunPod is the pod `kubectl run bigwebstuff --image nginx -l
// app=testweb --port 80 --dry-run=client` builds.
func dryRunPod() *cluster.Pod {
	return &cluster.Pod{
		ObjectMeta: cluster.ObjectMeta{Name: "bigwebstuff", Labels: selector.Set{"app": "testweb"}},
		Spec: cluster.PodSpec{
			Containers: []cluster.Container{{Name: "bigwebstuff", Image: "nginx",
				Ports: []cluster.ContainerPort{{ContainerPort: 80}}, Resources: &cluster.ResourceRequirements{}}},
			DNSPolicy: "ClusterFirst", RestartPolicy: "Always",
		},
	}
}

// TestEncodeDryRunAsTheLabShowsIt: an object never stored prints exactly
// as the lab's dry runs show, `creationTimestamp: null` and all.
func TestEncodeDryRunAsTheLabShowsIt(t *testing.T) {
	for _, tt := range []struct {
		file string
		obj  cluster.Object
	}{
		{"lab-bigwebstuff-pod.yaml", dryRunPod()},
		{"lab-svc.yaml", &cluster.Service{
			ObjectMeta: cluster.ObjectMeta{Name: "testweb", Labels: selector.Set{"app": "testweb"}},
			Spec: cluster.ServiceSpec{Type: cluster.ServiceTypeClusterIP, Selector: selector.Set{"app": "testweb"},
				Ports: []cluster.ServicePort{{Name: "80", Port: 80, Protocol: cluster.ProtocolTCP, TargetPort: cluster.FromInt(80)}}},
		}},
	} {
		t.Run(tt.file, func(t *testing.T) {
			want, err := os.ReadFile("testdata/seeds/" + tt.file)
			require.NoError(t, err)
			var b bytes.Buffer
			require.NoError(t, kubectl.Encode(&b, kubectl.FormatYAML, tt.obj))
			assert.Equal(t, string(want), b.String())
		})
	}
}

// TestEncodeStoredObject: a stored object prints its timestamp to the
// second, its resourceVersion as a string, keys in alphabetical order,
// and -o json indents by four spaces.
func TestEncodeStoredObject(t *testing.T) {
	s, err := cluster.New(cluster.Config{Seed: 1})
	require.NoError(t, err)
	s.RunFor(1500 * time.Millisecond)
	_, err = s.Create(&cluster.Namespace{ObjectMeta: cluster.ObjectMeta{Name: "dev", Annotations: map[string]string{"note": "<a&b>"}}})
	require.NoError(t, err)
	ns, _ := s.Get(cluster.KindNamespace, "", "dev")
	m := ns.Meta()
	var y, j bytes.Buffer
	require.NoError(t, kubectl.Encode(&y, kubectl.FormatYAML, ns))
	assert.Equal(t, `apiVersion: v1
kind: Namespace
metadata:
  annotations:
    note: <a&b>
  creationTimestamp: "2025-01-01T00:00:01Z"
  generation: 1
  name: dev
  resourceVersion: "`+itoa(m.ResourceVersion)+`"
  uid: `+m.UID+`
status:
  phase: Active
`, y.String())
	require.NoError(t, kubectl.Encode(&j, kubectl.FormatJSON, ns))
	assert.Equal(t, `{
    "apiVersion": "v1",
    "kind": "Namespace",
    "metadata": {
        "annotations": {
            "note": "\u003ca\u0026b\u003e"
        },
        "creationTimestamp": "2025-01-01T00:00:01Z",
        "generation": 1,
        "name": "dev",
        "resourceVersion": "`+itoa(m.ResourceVersion)+`",
        "uid": "`+m.UID+`"
    },
    "status": {
        "phase": "Active"
    }
}
`, j.String())
}

func itoa(n uint64) string {
	b := []byte{}
	for {
		b = append([]byte{byte('0' + n%10)}, b...)
		if n /= 10; n == 0 {
			return string(b)
		}
	}
}

// TestEncodeList: several objects, one or none print as kubectl's List.
func TestEncodeList(t *testing.T) {
	var b bytes.Buffer
	require.NoError(t, kubectl.EncodeList(&b, kubectl.FormatYAML, nil))
	assert.Equal(t, "apiVersion: v1\nitems: []\nkind: List\nmetadata:\n  resourceVersion: \"\"\n", b.String())
	b.Reset()
	ns := &cluster.Namespace{ObjectMeta: cluster.ObjectMeta{Name: "a"}}
	require.NoError(t, kubectl.EncodeList(&b, kubectl.FormatYAML, []cluster.Object{ns, ns}))
	assert.Equal(t, `apiVersion: v1
items:
- apiVersion: v1
  kind: Namespace
  metadata:
    creationTimestamp: null
    name: a
  status: {}
- apiVersion: v1
  kind: Namespace
  metadata:
    creationTimestamp: null
    name: a
  status: {}
kind: List
metadata:
  resourceVersion: ""
`, b.String())
	b.Reset()
	require.NoError(t, kubectl.EncodeList(&b, kubectl.FormatJSON, nil))
	assert.Equal(t, "{\n    \"apiVersion\": \"v1\",\n    \"items\": [],\n    \"kind\": \"List\",\n    \"metadata\": {\n        \"resourceVersion\": \"\"\n    }\n}\n", b.String())
	// And the List reads back.
	b.Reset()
	require.NoError(t, kubectl.EncodeList(&b, kubectl.FormatJSON, []cluster.Object{ns, dryRunPod()}))
	objs, err := kubectl.DecodeObjects("out", b.Bytes())
	require.NoError(t, err)
	assert.Equal(t, []cluster.Object{ns, dryRunPod()}, objs)
}

// TestEncodeRefuses: a nil object, a kind kubectl cannot print and an
// unknown format are errors, and nothing is written.
func TestEncodeRefuses(t *testing.T) {
	var b bytes.Buffer
	assert.ErrorIs(t, kubectl.Encode(&b, kubectl.FormatYAML, nil), kubectl.ErrUnknownKind)
	assert.ErrorIs(t, kubectl.Encode(&b, kubectl.FormatYAML, (*cluster.Pod)(nil)), kubectl.ErrUnknownKind)
	assert.ErrorIs(t, kubectl.Encode(&b, "xml", dryRunPod()), kubectl.ErrFormat)
	assert.ErrorIs(t, kubectl.EncodeList(&b, kubectl.FormatJSON, []cluster.Object{nil}), kubectl.ErrUnknownKind)
	assert.Zero(t, b.Len())
}

// TestUnstructured: the map templates walk has int64 numbers and string
// timestamps.
func TestUnstructured(t *testing.T) {
	m, err := kubectl.Unstructured(dryRunPod())
	require.NoError(t, err)
	spec := m["spec"].(map[string]any)
	port := spec["containers"].([]any)[0].(map[string]any)["ports"].([]any)[0].(map[string]any)
	assert.Equal(t, int64(80), port["containerPort"])
	assert.Equal(t, "Pod", m["kind"])
	assert.Nil(t, m["metadata"].(map[string]any)["creationTimestamp"])
}

// svcsim's SIGTERM extension prints only when it differs from the
// default, and either way the printed pod decodes to the same spec.
func TestEncodeSIGTERMExtension(t *testing.T) {
	for _, tt := range []struct {
		on    cluster.SigtermBehavior
		shown bool
	}{{cluster.SigtermExit, false}, {cluster.SigtermDrain, true}, {cluster.SigtermIgnore, true}} {
		p := &cluster.Pod{ObjectMeta: cluster.ObjectMeta{Name: "web"},
			Spec: cluster.PodSpec{OnSIGTERM: tt.on, Containers: []cluster.Container{{Name: "web", Image: "nginx"}}}}
		var b bytes.Buffer
		require.NoError(t, kubectl.Encode(&b, kubectl.FormatYAML, p))
		assert.Equal(t, tt.shown, strings.Contains(b.String(), "x-svcsim-onSIGTERM"), "%s:\n%s", tt.on, b.String())
		objs, err := kubectl.DecodeObjects("web.yaml", b.Bytes())
		require.NoError(t, err)
		got := objs[0].(*cluster.Pod).Spec.OnSIGTERM
		if got == "" {
			got = cluster.SigtermExit // the store's default
		}
		assert.Equal(t, tt.on, got)
	}
}

package kubectl_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/svcsim/svcsim/cluster"
	"github.com/svcsim/svcsim/kubectl"
)

const podYAML = `apiVersion: v1
kind: Pod
metadata:
  name: web
spec:
  containers:
  - name: web
    image: nginx
`

// TestDecodeStreams: the shapes of stream kubectl reads, and what each
// yields, in order.
func TestDecodeStreams(t *testing.T) {
	svc := "apiVersion: v1\nkind: Service\nmetadata:\n  name: svc\nspec:\n  ports:\n  - port: 80\n"
	for _, tt := range []struct {
		name, in string
		want     []string // kind/name of each document
		index    []int
	}{
		{"one YAML document", podYAML, []string{"Pod/web"}, []int{0}},
		{"two documents", podYAML + "---\n" + svc, []string{"Pod/web", "Service/svc"}, []int{0, 1}},
		{"leading separator, comment after one, empty and comment-only documents skipped",
			"---\n" + podYAML + "--- # next\n---\n# only a comment\n---\n" + svc + "---\n",
			[]string{"Pod/web", "Service/svc"}, []int{0, 2}},
		{"JSON object", `{"apiVersion":"v1","kind":"Pod","metadata":{"name":"web"},"spec":{"containers":[{"name":"web","image":"nginx"}]}}`,
			[]string{"Pod/web"}, []int{0}},
		{"JSON stream", `{"apiVersion":"v1","kind":"Namespace","metadata":{"name":"a"}}
null
{"apiVersion":"v1","kind":"Namespace","metadata":{"name":"b"}}`, []string{"Namespace/a", "Namespace/b"}, []int{0, 2}},
		{"List", "apiVersion: v1\nkind: List\nitems:\n- apiVersion: v1\n  kind: Namespace\n  metadata:\n    name: a\n- " +
			"apiVersion: apps/v1\n  kind: ReplicaSet\n  metadata:\n    name: rs\n  spec:\n    selector:\n      matchLabels: {app: x}\n    template:\n      metadata:\n        labels: {app: x}\n      spec:\n        containers: [{name: c, image: i}]\n",
			[]string{"Namespace/a", "ReplicaSet/rs"}, []int{0, 0}},
		{"every kind", "apiVersion: v1\nkind: Endpoints\nmetadata: {name: e}\n---\napiVersion: discovery.k8s.io/v1\nkind: EndpointSlice\nmetadata: {name: s}\naddressType: IPv4\nendpoints: null\nports: null\n---\n" +
			"apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: d}\nspec:\n  selector: {matchLabels: {a: b}}\n  template: {metadata: {labels: {a: b}}, spec: {containers: [{name: c, image: i}]}}\n",
			[]string{"Endpoints/e", "EndpointSlice/s", "Deployment/d"}, []int{0, 1, 2}},
		{"empty stream", "", nil, nil},
		{"only comments", "# nothing\n", nil, nil},
		{"CRLF line ends", "apiVersion: v1\r\nkind: Namespace\r\nmetadata:\r\n  name: crlf\r\n---\r\napiVersion: v1\r\nkind: Namespace\r\nmetadata:\r\n  name: two\r\n",
			[]string{"Namespace/crlf", "Namespace/two"}, []int{0, 1}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			docs, err := kubectl.Decode("f.yaml", []byte(tt.in))
			require.NoError(t, err)
			var got []string
			var index []int
			for _, d := range docs {
				require.NotNil(t, d.Object)
				got = append(got, string(d.Object.Kind())+"/"+d.Object.Meta().Name)
				index = append(index, d.Index)
				assert.Equal(t, "f.yaml", d.Source)
			}
			assert.Equal(t, tt.want, got)
			assert.Equal(t, tt.index, index)
		})
	}
}

// TestDecodeErrors: each kind of bad manifest gets kubectl's own message
// (as kubectl prints it, ErrorText), its sentinel, and the field path.
func TestDecodeErrors(t *testing.T) {
	for _, tt := range []struct {
		name, in string
		err      error
		path     string
		text     string // ErrorText of the error
	}{
		{"unknown kind", "apiVersion: v1\nkind: Foo\nmetadata:\n  name: x\n", kubectl.ErrUnknownKind, "",
			"error: resource mapping not found for name: \"x\" namespace: \"\" from \"f.yaml\": no matches for kind \"Foo\" in version \"v1\"\nensure CRDs are installed first\n"},
		{"kind at the wrong apiVersion", "apiVersion: apps/v1\nkind: Service\nmetadata:\n  name: x\n  namespace: dev\n", kubectl.ErrUnknownKind, "",
			"error: resource mapping not found for name: \"x\" namespace: \"dev\" from \"f.yaml\": no matches for kind \"Service\" in version \"apps/v1\"\nensure CRDs are installed first\n"},
		{"a retired apiVersion", "apiVersion: extensions/v1beta1\nkind: Deployment\nmetadata:\n  name: x\n", kubectl.ErrUnknownKind, "",
			"error: resource mapping not found for name: \"x\" namespace: \"\" from \"f.yaml\": no matches for kind \"Deployment\" in version \"extensions/v1beta1\"\nensure CRDs are installed first\n"},
		{"unknown field", podYAML + "    foo: 1\n", kubectl.ErrUnknownField, "spec.containers[0].foo",
			"Error from server (BadRequest): error when creating \"f.yaml\": Pod in version \"v1\" cannot be handled as a Pod: strict decoding error: unknown field \"spec.containers[0].foo\"\n"},
		{"unknown fields, all of them, in order", "zed: 2\n" + podYAML + "    foo: 1\n  bar: 1\n", kubectl.ErrUnknownField, "spec.bar",
			"Error from server (BadRequest): error when creating \"f.yaml\": Pod in version \"v1\" cannot be handled as a Pod: strict decoding error: unknown field \"spec.bar\", unknown field \"spec.containers[0].foo\", unknown field \"zed\"\n"},
		{"field names are case-sensitive", "apiVersion: v1\nkind: Pod\nmetadata:\n  name: web\nspec:\n  containers:\n  - name: web\n    Image: nginx\n  Bogus: 1\n", kubectl.ErrUnknownField, "spec.Bogus",
			"Error from server (BadRequest): error when creating \"f.yaml\": Pod in version \"v1\" cannot be handled as a Pod: strict decoding error: unknown field \"spec.Bogus\", unknown field \"spec.containers[0].Image\"\n"},
		{"wrong type", "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: d\nspec:\n  replicas: \"3\"\n", kubectl.ErrWrongType, "spec.replicas",
			"Error from server (BadRequest): error when creating \"f.yaml\": Deployment in version \"v1\" cannot be handled as a Deployment: json: cannot unmarshal string into Go struct field DeploymentSpec.spec.replicas of type int32\n"},
		{"wrong type, deep", podYAML + "    ports:\n    - containerPort: eighty\n", kubectl.ErrWrongType, "spec.containers.ports.containerPort",
			"Error from server (BadRequest): error when creating \"f.yaml\": Pod in version \"v1\" cannot be handled as a Pod: json: cannot unmarshal string into Go struct field ContainerPort.spec.containers.ports.containerPort of type int32\n"},
		{"timestamp of the wrong type", "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: n\n  creationTimestamp: 5\n", kubectl.ErrWrongType, "metadata.creationTimestamp",
			"Error from server (BadRequest): error when creating \"f.yaml\": Namespace in version \"v1\" cannot be handled as a Namespace: json: cannot unmarshal number into Go struct field ObjectMeta.metadata.creationTimestamp of type string\n"},
		{"bad timestamp", "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: n\n  creationTimestamp: soon\n", kubectl.ErrWrongType, "metadata.creationTimestamp",
			"Error from server (BadRequest): error when creating \"f.yaml\": Namespace in version \"v1\" cannot be handled as a Namespace: parsing time \"soon\" as \"2006-01-02T15:04:05Z07:00\": cannot parse \"soon\" as \"2006\"\n"},
		{"resourceVersion as a number", "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: n\n  resourceVersion: 5\n", kubectl.ErrWrongType, "metadata.resourceVersion",
			"Error from server (BadRequest): error when creating \"f.yaml\": Namespace in version \"v1\" cannot be handled as a Namespace: json: cannot unmarshal number into Go struct field ObjectMeta.metadata.resourceVersion of type string\n"},
		{"bad quantity", podYAML + "    resources:\n      limits:\n        cpu: lots\n", kubectl.ErrWrongType, "",
			"Error from server (BadRequest): error when creating \"f.yaml\": Pod in version \"v1\" cannot be handled as a Pod: quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'\n"},
		{"apiVersion and kind not set", "metadata:\n  name: x\n", kubectl.ErrTypeInfo, "",
			"error: error validating \"f.yaml\": error validating data: [apiVersion not set, kind not set]; if you choose to ignore these errors, turn validation off with --validate=false\n"},
		{"kind not set", "apiVersion: v1\nmetadata:\n  name: x\n", kubectl.ErrTypeInfo, "",
			"error: error validating \"f.yaml\": error validating data: kind not set; if you choose to ignore these errors, turn validation off with --validate=false\n"},
		{"apiVersion not a string", "apiVersion: 1\nkind: Pod\n", kubectl.ErrTypeInfo, "",
			"error: error validating \"f.yaml\": error validating data: apiVersion isn't string type; if you choose to ignore these errors, turn validation off with --validate=false\n"},
		{"List items without kind or apiVersion", "apiVersion: v1\nkind: List\nitems:\n- apiVersion: v1\n  metadata: {name: a}\n- kind: Service\n  metadata: {name: b}\n", kubectl.ErrTypeInfo, "",
			"error: error validating \"f.yaml\": error validating data: [kind not set, apiVersion not set]; if you choose to ignore these errors, turn validation off with --validate=false\n"},
		{"not an object", "- a\n- b\n", kubectl.ErrTypeInfo, "",
			"error: error validating \"f.yaml\": error validating data: invalid object to validate; if you choose to ignore these errors, turn validation off with --validate=false\n"},
		{"empty kind", "apiVersion: v1\nkind: \"\"\n", kubectl.ErrUnknownKind, "",
			"error: unable to decode \"f.yaml\": Object 'Kind' is missing in '{\"apiVersion\":\"v1\",\"kind\":\"\"}'\n"},
		{"YAML syntax", "apiVersion: v1\nkind: [Pod\n", kubectl.ErrSyntax, "",
			"error: error parsing f.yaml: error converting YAML to JSON: yaml: line 2: did not find expected ',' or ']'\n"},
		{"a level left out", "apiVersion: apps/v1\nkind: Deployment\n  name: my-app\n", kubectl.ErrSyntax, "name",
			"error: error parsing f.yaml: error converting YAML to JSON: yaml: line 3: mapping values are not allowed in this context\n" +
				"svcsim: the field \"name\" (line 3) is indented under \"kind: Deployment\", which already has a value; a level such as \"metadata:\" or \"spec:\" is missing above it\n"},
		{"bad separator", podYAML + "--- foo\n", kubectl.ErrSyntax, "",
			"error: error parsing f.yaml: invalid Yaml document separator: foo\n"},
		{"JSON syntax", `{"apiVersion": "v1", "kind": "Pod",}`, kubectl.ErrSyntax, "",
			"error: error parsing f.yaml: json: offset 36: invalid character '}' looking for beginning of object key string\n"},
		{"a kind svcsim does not model", "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cfg\n", kubectl.ErrUnsupported, "",
			"error: kind \"ConfigMap\" in version \"v1\" (name: \"cfg\" from \"f.yaml\") is Kubernetes, but svcsim does not model it\n"},
		{"a field svcsim does not model", podYAML + "    volumeMounts: []\n  volumes: []\n", kubectl.ErrUnsupported, "spec.containers[0].volumeMounts",
			"error: error when creating \"f.yaml\": Pod \"web\": fields \"spec.containers[0].volumeMounts\", \"spec.volumes\" are Kubernetes, but not supported by svcsim\n"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			docs, err := kubectl.Decode("f.yaml", []byte(tt.in))
			require.ErrorIs(t, err, tt.err)
			require.NotEmpty(t, docs)
			last := docs[len(docs)-1]
			require.NotNil(t, last.Err)
			assert.Nil(t, last.Object)
			assert.Equal(t, tt.path, last.Err.Path)
			assert.Equal(t, "f.yaml", last.Err.Source)
			if tt.text != "" {
				assert.Equal(t, tt.text, kubectl.ErrorText(err))
			}
		})
	}
}

// TestDecodeKeepsTheDocumentsName: a document whose body is bad still
// says what it names, so delete -f can act on it.
func TestDecodeKeepsTheDocumentsName(t *testing.T) {
	docs, err := kubectl.Decode("f.yaml", []byte("apiVersion: v1\nkind: Pod\nmetadata:\n  name: web\n  namespace: dev\nspec:\n  bogus: 1\n"))
	require.ErrorIs(t, err, kubectl.ErrUnknownField)
	require.Len(t, docs, 1)
	d := docs[0]
	assert.Equal(t, kubectl.Document{Source: "f.yaml", Index: 0, Item: -1, APIVersion: "v1", Kind: cluster.KindPod, Name: "web", Namespace: "dev", Err: d.Err}, d)
	assert.Equal(t, "spec.bogus", d.Err.Path)
	assert.Equal(t, "BadRequest", d.Err.Reason())
}

// TestDecodeSeedShapes: what kubectl's dry runs print decodes to what
// they mean: null timestamps, empty status, resources and strategy.
func TestDecodeSeedShapes(t *testing.T) {
	objs, err := kubectl.DecodeObjects("f.yaml", []byte(`apiVersion: v1
kind: Pod
metadata:
  creationTimestamp: null
  labels:
    app: testweb
  name: bigwebstuff
  resourceVersion: "42"
spec:
  containers:
  - image: nginx
    name: bigwebstuff
    command: ["sleep", "3600"]
    ports:
    - containerPort: 80
    resources: {}
    imagePullPolicy: IfNotPresent
    terminationMessagePath: /dev/termination-log
    terminationMessagePolicy: File
    readinessProbe:
      httpGet:
        path: /
        port: 80
  dnsPolicy: ClusterFirst
  restartPolicy: Always
status: {}
`))
	require.NoError(t, err)
	p := objs[0].(*cluster.Pod)
	assert.Equal(t, cluster.Time(0), p.CreationTimestamp)
	assert.Equal(t, uint64(42), p.ResourceVersion)
	c := p.Spec.Containers[0]
	assert.Equal(t, &cluster.ResourceRequirements{}, c.Resources)
	assert.Equal(t, []string{"sleep", "3600"}, c.Command)
	assert.Equal(t, "IfNotPresent", c.ImagePullPolicy)
	assert.Equal(t, &cluster.HTTPGetAction{Path: "/", Port: 80}, c.ReadinessProbe.HTTPGet)
	assert.Equal(t, "ClusterFirst", p.Spec.DNSPolicy)
	assert.Equal(t, cluster.PodStatus{}, p.Status)
}

// TestAPIVersion: the apiVersion of each kind manifests hold.
func TestAPIVersion(t *testing.T) {
	for kind, want := range map[cluster.Kind]string{
		cluster.KindPod: "v1", cluster.KindService: "v1", cluster.KindEndpoints: "v1", cluster.KindNamespace: "v1",
		cluster.KindEndpointSlice: "discovery.k8s.io/v1", cluster.KindReplicaSet: "apps/v1", cluster.KindDeployment: "apps/v1",
	} {
		got, ok := kubectl.APIVersion(kind)
		assert.True(t, ok, kind)
		assert.Equal(t, want, got, kind)
	}
	_, ok := kubectl.APIVersion("Foo")
	assert.False(t, ok)
}

package kubectl_test

import (
	"bytes"
	"errors"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/svcsim/svcsim/cluster"
	"github.com/svcsim/svcsim/kubectl"
	"github.com/svcsim/svcsim/selector"
)

// applyTo returns the fn ApplyAll takes for `kubectl apply` on s, and
// what it said.
func applyTo(t *testing.T, s *cluster.Sim) (func(kubectl.Document) error, *bytes.Buffer) {
	t.Helper()
	k := kubectl.New(s, "")
	var said bytes.Buffer
	k.Out = &said
	return func(d kubectl.Document) error {
		if d.Err != nil {
			return d.Err
		}
		_, err := k.Apply(d.Object)
		return err
	}, &said
}

// TestApplyAllGoesOn: one bad document does not stop the others; every
// failure is reported, read failures first, as kubectl does, and the
// result reads as kubectl's stderr.
func TestApplyAllGoesOn(t *testing.T) {
	stream := `apiVersion: v1
kind: Namespace
metadata:
  name: dev
---
apiVersion: v1
kind: Foo
metadata:
  name: x
---
apiVersion: v1
kind: Pod
metadata:
  name: bad
spec:
  containers:
  - name: web
    image: nginx
    foo: 1
---
apiVersion: v1
kind: Service
metadata:
  name: svc
spec:
  ports:
  - port: 0
    targetPort: 80
---
apiVersion: v1
kind: Pod
metadata:
  name: good
spec:
  containers:
  - name: web
    image: nginx
`
	s, err := cluster.New(cluster.Config{Seed: 1})
	require.NoError(t, err)
	docs, _ := kubectl.Decode("f.yaml", []byte(stream))
	fn, said := applyTo(t, s)
	err = kubectl.ApplyAll(docs, "creating", fn)
	var ae *kubectl.ApplyError
	require.ErrorAs(t, err, &ae)
	require.Len(t, ae.Errs, 3)
	assert.Equal(t, "namespace/dev created\npod/good created\n", said.String())
	assert.ErrorIs(t, ae.Errs[0], kubectl.ErrUnknownKind)
	assert.ErrorIs(t, ae.Errs[1], kubectl.ErrUnknownField)
	assert.ErrorIs(t, ae.Errs[2], cluster.ErrInvalid)
	var me *kubectl.ManifestError
	require.ErrorAs(t, ae.Errs[2], &me)
	assert.Equal(t, 3, me.Index)
	assert.Equal(t, "spec.ports[0].port", firstCause(t, me))
	assert.Equal(t, `resource mapping not found for name: "x" namespace: "" from "f.yaml": no matches for kind "Foo" in version "v1"
ensure CRDs are installed first
Error from server (BadRequest): error when creating "f.yaml": Pod in version "v1" cannot be handled as a Pod: strict decoding error: unknown field "spec.containers[0].foo"
Error from server (Invalid): error when creating "f.yaml": Service "svc" is invalid: spec.ports[0].port: Invalid value: 0: must be between 1 and 65535, inclusive
`, kubectl.ErrorText(err))
	_, ok := s.Get(cluster.KindPod, "default", "good")
	assert.True(t, ok)
}

func firstCause(t *testing.T, err error) string {
	var se *cluster.StatusError
	require.ErrorAs(t, err, &se)
	require.NotEmpty(t, se.Causes)
	return se.Causes[0].Field
}

// TestApplyAllOneFailure: alone, a failure prints as kubectl prints one
// error; an invalid object in the apiserver's "The ... is invalid" form.
func TestApplyAllOneFailure(t *testing.T) {
	for _, tt := range []struct{ name, in, text string }{
		{"invalid", "apiVersion: v1\nkind: Service\nmetadata:\n  name: svc\nspec:\n  ports:\n  - port: 0\n    targetPort: 80\n",
			"The Service \"svc\" is invalid: spec.ports[0].port: Invalid value: 0: must be between 1 and 65535, inclusive\n"},
		{"invalid, two causes", "apiVersion: v1\nkind: Service\nmetadata:\n  name: svc\nspec:\n  ports:\n  - port: 0\n  - port: 70000\n",
			"The Service \"svc\" is invalid: \n* spec.ports[0].name: Required value\n* spec.ports[0].port: Invalid value: 0: must be between 1 and 65535, inclusive\n* spec.ports[0].targetPort: Invalid value: 0: must be between 1 and 65535, inclusive\n* spec.ports[1].name: Required value\n* spec.ports[1].port: Invalid value: 70000: must be between 1 and 65535, inclusive\n* spec.ports[1].targetPort: Invalid value: 70000: must be between 1 and 65535, inclusive\n"},
		{"unknown kind", "apiVersion: v1\nkind: Foo\nmetadata:\n  name: x\n",
			"error: resource mapping not found for name: \"x\" namespace: \"\" from \"f.yaml\": no matches for kind \"Foo\" in version \"v1\"\nensure CRDs are installed first\n"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			s, err := cluster.New(cluster.Config{Seed: 1})
			require.NoError(t, err)
			before := s.Digest()
			docs, _ := kubectl.Decode("f.yaml", []byte(tt.in))
			fn, _ := applyTo(t, s)
			err = kubectl.ApplyAll(docs, "creating", fn)
			require.Error(t, err)
			assert.Equal(t, tt.text, kubectl.ErrorText(err))
			assert.Equal(t, before, s.Digest(), "a failed apply changes nothing")
		})
	}
}

// TestApplyAllStopsWhereTheStreamDoes: documents before an unreadable one
// are applied; none after it is read.
func TestApplyAllStopsWhereTheStreamDoes(t *testing.T) {
	s, err := cluster.New(cluster.Config{Seed: 1})
	require.NoError(t, err)
	docs, err := kubectl.Decode("f.yaml", []byte("apiVersion: v1\nkind: Namespace\nmetadata: {name: a}\n---\nkind: Namespace\nmetadata: {name: b}\n---\napiVersion: v1\nkind: Namespace\nmetadata: {name: c}\n"))
	require.ErrorIs(t, err, kubectl.ErrTypeInfo)
	fn, said := applyTo(t, s)
	err = kubectl.ApplyAll(docs, "creating", fn)
	require.ErrorIs(t, err, kubectl.ErrTypeInfo)
	assert.Equal(t, "namespace/a created\n", said.String())
	_, ok := s.Get(cluster.KindNamespace, "", "c")
	assert.False(t, ok)
}

// TestApplyAllDeletesByName: a delete needs no body, so a document whose
// body is bad is still passed to fn, which may act on its name; errors
// fn returns are named with the document and op.
func TestApplyAllDeletesByName(t *testing.T) {
	docs, _ := kubectl.Decode("f.yaml", []byte("apiVersion: v1\nkind: Pod\nmetadata:\n  name: web\nspec:\n  bogus: 1\n---\napiVersion: v1\nkind: Pod\nmetadata:\n  name: gone\n"))
	var deleted []string
	err := kubectl.ApplyAll(docs, "deleting", func(d kubectl.Document) error {
		deleted = append(deleted, d.Name)
		if d.Name == "gone" {
			return &cluster.StatusError{Op: "delete", Kind: cluster.KindPod, Name: "gone", Err: cluster.ErrNotFound}
		}
		return nil
	})
	assert.Equal(t, []string{"web", "gone"}, deleted)
	assert.ErrorIs(t, err, cluster.ErrNotFound)
	assert.Equal(t, "Error from server (NotFound): error when deleting \"f.yaml\": pods \"gone\" not found\n", kubectl.ErrorText(err))
	assert.NoError(t, kubectl.ApplyAll(nil, "creating", nil))
	assert.Equal(t, "", kubectl.ErrorText(nil))
	assert.Equal(t, "error: boom\n", kubectl.ErrorText(errors.New("boom")))
}

// The slides' hello-rc: a v1 ReplicationController from a manifest runs
// pods that carry its template's labels and no pod-template-hash.
func TestApplyReplicationController(t *testing.T) {
	s, err := cluster.New(cluster.Config{Seed: 1})
	require.NoError(t, err)
	docs, err := kubectl.Decode("rc.yaml", []byte(`apiVersion: v1
kind: ReplicationController
metadata:
  name: hello-rc
spec:
  replicas: 3
  template:
    metadata:
      labels:
        app: hello-world
    spec:
      containers:
      - name: hello-ctr
        image: nigelpoulton/pluralsight-docker-ci:latest
        ports:
        - containerPort: 8080
`))
	require.NoError(t, err)
	apply, said := applyTo(t, s)
	require.NoError(t, kubectl.ApplyAll(docs, "creating", apply))
	assert.Equal(t, "replicationcontroller/hello-rc created\n", said.String())
	require.NoError(t, s.Settle())
	pods := cluster.ListAs[*cluster.Pod](s, "default", selector.Everything())
	require.Len(t, pods, 3)
	for _, p := range pods {
		assert.Regexp(t, `^hello-rc-[a-z0-9]{5}$`, p.Name)
		assert.Equal(t, map[string]string{"app": "hello-world"}, map[string]string(p.Labels))
	}
}

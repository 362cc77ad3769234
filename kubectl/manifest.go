package kubectl

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"reflect"
	"strings"

	"sigs.k8s.io/yaml"

	"github.com/svcsim/svcsim/cluster"
)

// Document is one object read from a manifest stream, in the stream's
// order. Kind, APIVersion, Name and Namespace are what the manifest says,
// set whenever the document had them, so that `delete -f` can name an
// object whose body is bad. Object is the decoded object, nil when Err is
// set.
type Document struct {
	// Source names the stream: a file name, "STDIN", or what the caller
	// chose.
	Source string
	// Index is the document's position in the stream, from 0, counting
	// the empty documents that were skipped.
	Index int
	// Item is the position in a `kind: List`'s items, or -1.
	Item       int
	APIVersion string
	Kind       cluster.Kind
	Name       string
	Namespace  string
	// Object is the decoded object, ready for the store.
	Object cluster.Object
	// Err says why the document could not be decoded.
	Err *ManifestError
}

// kindInfo is one kind a manifest may hold.
type kindInfo struct {
	apiVersion string
	kind       cluster.Kind
	new        func() cluster.Object
}

// kinds are the kinds svcsim models, with the one apiVersion Kubernetes
// serves each at today.
var kinds = []kindInfo{
	{"v1", cluster.KindNamespace, func() cluster.Object { return &cluster.Namespace{} }},
	{"v1", cluster.KindPod, func() cluster.Object { return &cluster.Pod{} }},
	{"v1", cluster.KindService, func() cluster.Object { return &cluster.Service{} }},
	{"v1", cluster.KindEndpoints, func() cluster.Object { return &cluster.Endpoints{} }},
	{"discovery.k8s.io/v1", cluster.KindEndpointSlice, func() cluster.Object { return &cluster.EndpointSlice{} }},
	{"apps/v1", cluster.KindReplicaSet, func() cluster.Object { return &cluster.ReplicaSet{} }},
	{"apps/v1", cluster.KindDeployment, func() cluster.Object { return &cluster.Deployment{} }},
	{"v1", cluster.KindReplicationController, func() cluster.Object { return &cluster.ReplicationController{} }},
}

// unsupportedKinds are kinds Kubernetes serves that svcsim does not model:
// a manifest holding one gets [ErrUnsupported], not kubectl's "no matches
// for kind", since the manifest is right and the simulator is short.
var unsupportedKinds = map[string]bool{
	"v1/ConfigMap": true, "v1/Secret": true, "v1/ServiceAccount": true,
	"v1/PersistentVolumeClaim": true, "v1/PersistentVolume": true,
	"v1/LimitRange": true, "v1/ResourceQuota": true, "v1/Node": true,
	"v1/PodTemplate": true, "v1/Event": true, "v1/Binding": true,
	"apps/v1/StatefulSet": true, "apps/v1/DaemonSet": true, "apps/v1/ControllerRevision": true,
	"batch/v1/Job": true, "batch/v1/CronJob": true,
	"networking.k8s.io/v1/Ingress": true, "networking.k8s.io/v1/IngressClass": true,
	"networking.k8s.io/v1/NetworkPolicy":     true,
	"autoscaling/v1/HorizontalPodAutoscaler": true, "autoscaling/v2/HorizontalPodAutoscaler": true,
	"policy/v1/PodDisruptionBudget":     true,
	"rbac.authorization.k8s.io/v1/Role": true, "rbac.authorization.k8s.io/v1/RoleBinding": true,
	"rbac.authorization.k8s.io/v1/ClusterRole": true, "rbac.authorization.k8s.io/v1/ClusterRoleBinding": true,
	"apiextensions.k8s.io/v1/CustomResourceDefinition": true,
	"storage.k8s.io/v1/StorageClass":                   true, "scheduling.k8s.io/v1/PriorityClass": true,
	"coordination.k8s.io/v1/Lease": true, "events.k8s.io/v1/Event": true,
}

// APIVersion returns the apiVersion manifests and kubectl's output give
// kind ("v1", "apps/v1", "discovery.k8s.io/v1"), and false for a kind
// manifests cannot hold.
func APIVersion(kind cluster.Kind) (string, bool) {
	for _, k := range kinds {
		if k.kind == kind {
			return k.apiVersion, true
		}
	}
	return "", false
}

func lookupKind(apiVersion, kind string) (kindInfo, bool) {
	for _, k := range kinds {
		if k.apiVersion == apiVersion && string(k.kind) == kind {
			return k, true
		}
	}
	return kindInfo{}, false
}

// Decode reads a manifest stream as `kubectl apply -f` does: YAML documents
// separated by `---` lines, or a stream of JSON objects, each a v1 List
// (whose items are read in order) or one object of a kind svcsim models.
// Empty documents and documents that are only comments are skipped.
// source names the stream in errors ("svc.yaml", "STDIN").
//
// Every object becomes a [Document], in order. A document kubectl would
// refuse on its own — unknown kind, unknown field (as the apiserver's
// strict field validation finds it), wrong type, a field svcsim does not
// model — is a Document with Err set, and reading goes on. A stream kubectl
// cannot read past — bad YAML or JSON, a document without apiVersion or
// kind — ends there: the Documents before it are returned with a final
// Document that carries the error. The error Decode returns joins every
// Document's Err (each a [*ManifestError]), so a caller that wants all or
// nothing needs only it; [ApplyAll] applies what decoded and reports the
// rest as kubectl does.
func Decode(source string, data []byte) ([]Document, error) {
	var docs []Document
	var errs []error
	add := func(d Document) {
		docs = append(docs, d)
		if d.Err != nil {
			errs = append(errs, d.Err)
		}
	}
	raws, streamErr := splitStream(data)
	for i, raw := range raws {
		stop := decodeDocument(source, i, raw, add)
		if stop {
			return docs, errors.Join(errs...)
		}
	}
	if streamErr != nil {
		add(Document{Source: source, Index: len(raws), Item: -1, Err: &ManifestError{
			Source: source, Index: len(raws), Item: -1, Err: ErrSyntax, stops: true,
			msg: "error parsing " + source + ": " + streamErr.Error(),
		}})
	}
	return docs, errors.Join(errs...)
}

// DecodeObjects decodes a manifest stream and returns its objects, or the
// joined errors of every document that failed, as [Decode] finds them.
func DecodeObjects(source string, data []byte) ([]cluster.Object, error) {
	docs, err := Decode(source, data)
	if err != nil {
		return nil, err
	}
	objs := make([]cluster.Object, len(docs))
	for i, d := range docs {
		objs[i] = d.Object
	}
	return objs, nil
}

// rawDoc is one document of a stream, as JSON, or the YAML error that
// made it unreadable.
type rawDoc struct {
	json []byte
	yaml []byte // the document's YAML text, for hints; nil for JSON
	err  error
}

// splitStream cuts a stream into documents, each converted to JSON, as
// apimachinery's YAMLOrJSONDecoder does: a stream whose first non-space
// byte is '{' is JSON values one after another, anything else is YAML
// documents separated by lines that start with "---" (a comment may
// follow; anything else on the line is an error). The error is the one
// that ended the stream, after the documents returned.
func splitStream(data []byte) ([]rawDoc, error) {
	if t := bytes.TrimLeft(data, " \t\r\n"); len(t) > 0 && t[0] == '{' {
		return splitJSON(data)
	}
	var docs []rawDoc
	var cur bytes.Buffer
	flush := func() {
		if cur.Len() > 0 {
			y := bytes.Clone(cur.Bytes())
			j, err := yaml.YAMLToJSON(y)
			if err != nil {
				err = errors.New("error converting YAML to JSON: " + err.Error())
			}
			docs = append(docs, rawDoc{json: j, yaml: y, err: err})
			cur.Reset()
		}
	}
	r := bufio.NewReader(bytes.NewReader(data))
	for {
		line, err := r.ReadBytes('\n')
		if bytes.HasPrefix(line, []byte("---")) {
			rest := strings.TrimSpace(string(line[3:]))
			if rest != "" && rest[0] != '#' {
				return docs, errors.New("invalid Yaml document separator: " + rest)
			}
			flush()
		} else {
			cur.Write(line)
		}
		if err != nil { // io.EOF: a bytes.Reader has no other error
			flush()
			return docs, nil
		}
	}
}

// splitJSON reads a stream of JSON values.
func splitJSON(data []byte) ([]rawDoc, error) {
	d := json.NewDecoder(bytes.NewReader(data))
	var docs []rawDoc
	for {
		var v json.RawMessage
		err := d.Decode(&v)
		if err == io.EOF {
			return docs, nil
		}
		if err != nil {
			var se *json.SyntaxError
			if errors.As(err, &se) {
				return docs, jsonSyntaxError{offset: se.Offset, err: se}
			}
			return docs, err
		}
		docs = append(docs, rawDoc{json: v})
	}
}

// jsonSyntaxError words a JSON syntax error as apimachinery does.
type jsonSyntaxError struct {
	offset int64
	err    error
}

func (e jsonSyntaxError) Error() string {
	return "json: offset " + itoa(e.offset) + ": " + e.err.Error()
}

// decodeDocument decodes one document of the stream, giving add a
// Document for each object (several for a List); it reports whether the
// stream must stop here, as kubectl's does on a document it cannot parse
// or validate.
func decodeDocument(source string, index int, raw rawDoc, add func(Document)) (stop bool) {
	fail := func(err error, msg string) bool {
		add(Document{Source: source, Index: index, Item: -1, Err: &ManifestError{
			Source: source, Index: index, Item: -1, Err: err, stops: true, msg: msg,
			Path: yamlHintPath(raw),
		}})
		return true
	}
	if raw.err != nil {
		return fail(ErrSyntax, "error parsing "+source+": "+raw.err.Error()+yamlHint(raw)+nbspHint(raw.yaml))
	}
	j := bytes.TrimSpace(raw.json)
	if len(j) == 0 || string(j) == "null" {
		return false
	}
	var v any
	dec := json.NewDecoder(bytes.NewReader(j))
	dec.UseNumber()
	if err := dec.Decode(&v); err != nil {
		return fail(ErrSyntax, "error parsing "+source+": "+err.Error())
	}
	m, ok := v.(map[string]any)
	if !ok {
		return fail(ErrTypeInfo, validatingMessage(source, []string{"invalid object to validate"}))
	}
	items, isList := listItems(m)
	var problems []string
	if isList {
		for _, it := range items {
			problems = append(problems, typeProblems(it)...)
		}
	} else {
		problems = typeProblems(m)
	}
	if problems != nil {
		return fail(ErrTypeInfo, validatingMessage(source, problems))
	}
	if !isList {
		d := decodeObject(source, index, -1, m)
		if d.Err != nil && d.Err.Err == ErrUnknownField {
			d.Err.msg += nbspHint(raw.yaml)
		}
		add(d)
		return false
	}
	for i, it := range items {
		add(decodeObject(source, index, i, it.(map[string]any)))
	}
	return false
}

// listItems returns a List's items: a document is a list, as kubectl's
// unstructured decoding has it, when its kind ends in "List" and it has
// an items array.
func listItems(m map[string]any) ([]any, bool) {
	kind, _ := m["kind"].(string)
	items, ok := m["items"].([]any)
	if !ok || !strings.HasSuffix(kind, "List") {
		return nil, false
	}
	return items, true
}

// typeProblems are kubectl's complaints about a document's apiVersion and
// kind, in kubectl's order.
func typeProblems(v any) []string {
	m, ok := v.(map[string]any)
	if !ok || m == nil {
		return []string{"invalid object to validate"}
	}
	var p []string
	switch av := m["apiVersion"].(type) {
	case nil:
		p = append(p, "apiVersion not set")
	case string:
		if strings.Count(av, "/") > 1 {
			p = append(p, "unexpected GroupVersion string: "+av)
		}
	default:
		p = append(p, "apiVersion isn't string type")
	}
	switch m["kind"].(type) {
	case nil:
		p = append(p, "kind not set")
	case string:
	default:
		p = append(p, "kind isn't string type")
	}
	return p
}

// validatingMessage words kubectl's client-side validation failure.
func validatingMessage(source string, problems []string) string {
	list := problems[0]
	if len(problems) > 1 {
		list = "[" + strings.Join(problems, ", ") + "]"
	}
	return "error validating " + quote(source) + ": error validating data: " + list +
		"; if you choose to ignore these errors, turn validation off with --validate=false"
}

// decodeObject turns one object's map into a Document.
func decodeObject(source string, index, item int, m map[string]any) Document {
	apiVersion, _ := m["apiVersion"].(string)
	kind, _ := m["kind"].(string)
	meta, _ := m["metadata"].(map[string]any)
	name, _ := meta["name"].(string)
	namespace, _ := meta["namespace"].(string)
	d := Document{Source: source, Index: index, Item: item, APIVersion: apiVersion, Kind: cluster.Kind(kind), Name: name, Namespace: namespace}
	e := &ManifestError{Source: source, Index: index, Item: item, APIVersion: apiVersion, Kind: d.Kind, Name: name, Namespace: namespace}
	if kind == "" {
		j, _ := json.Marshal(m)
		e.Err, e.msg = ErrUnknownKind, "unable to decode "+quote(source)+": Object 'Kind' is missing in '"+string(j)+"'"
		d.Err = e
		return d
	}
	info, ok := lookupKind(apiVersion, kind)
	if !ok {
		if unsupportedKinds[apiVersion+"/"+kind] {
			e.Err, e.msg = ErrUnsupported, "kind "+quote(kind)+" in version "+quote(apiVersion)+
				" (name: "+quote(name)+" from "+quote(source)+") is Kubernetes, but svcsim does not model it"
		} else {
			e.Err, e.msg = ErrUnknownKind, "resource mapping not found for name: "+quote(name)+" namespace: "+quote(namespace)+
				" from "+quote(source)+": no matches for kind "+quote(kind)+" in version "+quote(apiVersion)+
				"\nensure CRDs are installed first"
		}
		d.Err = e
		return d
	}
	obj, err := decodeTyped(info, m)
	if err != nil {
		err.Source, err.Index, err.Item = source, index, item
		err.APIVersion, err.Kind, err.Name, err.Namespace = apiVersion, d.Kind, name, namespace
		err.Op, err.body = "creating", true
		d.Err = err
		return d
	}
	d.Object = obj
	return d
}

// decodeTyped decodes an object's map into its type strictly, as the
// apiserver does with field validation Strict: every unknown field is an
// error, a field Kubernetes has and svcsim does not model is an error of
// its own, and a value of the wrong type is an error.
func decodeTyped(info kindInfo, m map[string]any) (cluster.Object, *ManifestError) {
	obj := info.new()
	t := reflect.TypeOf(obj).Elem()
	body := make(map[string]any, len(m))
	for k, v := range m {
		if k != "apiVersion" && k != "kind" {
			body[k] = v
		}
	}
	var f fieldCheck
	converted := f.walk(body, t, "")
	server := func(sentinel error, path, detail string) *ManifestError {
		return &ManifestError{Err: sentinel, Path: path, server: true, msg: string(info.kind) + " in version " +
			quote(version(info.apiVersion)) + " cannot be handled as a " + string(info.kind) + ": " + detail}
	}
	if len(f.unknown) > 0 {
		q := make([]string, len(f.unknown))
		for i, p := range f.unknown {
			q[i] = "unknown field " + quote(p)
		}
		return nil, server(ErrUnknownField, f.unknown[0], "strict decoding error: "+strings.Join(q, ", "))
	}
	if f.wrong != nil {
		return nil, server(ErrWrongType, f.wrong.path, f.wrong.msg)
	}
	if len(f.unsupported) > 0 {
		return nil, &ManifestError{Err: ErrUnsupported, Path: f.unsupported[0], msg: string(info.kind) + " " +
			quote(nameOf(m)) + ": " + unsupportedList(f.unsupported) + " not supported by svcsim"}
	}
	j, err := json.Marshal(converted)
	if err != nil {
		return nil, server(ErrWrongType, "", err.Error())
	}
	if err := json.Unmarshal(j, obj); err != nil {
		path := ""
		var te *json.UnmarshalTypeError
		if errors.As(err, &te) {
			path = te.Field
		}
		return nil, server(ErrWrongType, path, err.Error())
	}
	return obj, nil
}

func unsupportedList(paths []string) string {
	q := make([]string, len(paths))
	for i, p := range paths {
		q[i] = quote(p)
	}
	if len(q) == 1 {
		return "field " + q[0] + " is Kubernetes, but"
	}
	return "fields " + strings.Join(q, ", ") + " are Kubernetes, but"
}

func nameOf(m map[string]any) string {
	meta, _ := m["metadata"].(map[string]any)
	n, _ := meta["name"].(string)
	return n
}

// version is the version part of an apiVersion: "v1" of "apps/v1".
func version(apiVersion string) string {
	if i := strings.LastIndexByte(apiVersion, '/'); i >= 0 {
		return apiVersion[i+1:]
	}
	return apiVersion
}

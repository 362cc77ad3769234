package kubectl

import (
	"bytes"
	"encoding/json"
	"errors"
	"maps"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"sigs.k8s.io/yaml"

	"github.com/svcsim/svcsim/cluster"
)

// Sentinels for what is wrong with a manifest; every [*ManifestError]
// wraps one of them, or the store's [*cluster.StatusError] when the store
// refused the object (errors.Is(err, cluster.ErrInvalid) then works).
var (
	// ErrSyntax means the stream is not YAML or JSON.
	ErrSyntax = errors.New("kubectl: manifest is not valid YAML or JSON")
	// ErrTypeInfo means a document lacks apiVersion or kind, or is not an
	// object at all; kubectl's client-side validation refuses it.
	ErrTypeInfo = errors.New("kubectl: manifest document has no apiVersion or kind")
	// ErrUnknownKind means Kubernetes serves no such kind at that
	// apiVersion ("no matches for kind").
	ErrUnknownKind = errors.New("kubectl: no such kind")
	// ErrUnknownField means the document has a field its kind does not
	// have, as strict field validation finds it.
	ErrUnknownField = errors.New("kubectl: unknown field")
	// ErrWrongType means a field's value has the wrong JSON type or form.
	ErrWrongType = errors.New("kubectl: wrong type")
	// ErrUnsupported means the document is valid Kubernetes but uses a
	// kind or a field that svcsim does not model.
	ErrUnsupported = errors.New("kubectl: not supported by svcsim")
)

// ManifestError is a problem with one document of a manifest stream. Its
// message is kubectl's, without the "error: " or "Error from server
// (Reason): " that kubectl puts before it ([ErrorText] adds those).
type ManifestError struct {
	// Source and Index name the stream and the document in it (from 0);
	// Item is the position in a List's items, or -1.
	Source string
	Index  int
	Item   int
	// APIVersion, Kind, Name and Namespace are the document's, as far as
	// they could be read.
	APIVersion string
	Kind       cluster.Kind
	Name       string
	Namespace  string
	// Path is the field concerned ("spec.containers[0].foo"), or "" when
	// the problem is not one field's. Wrong types are named as
	// encoding/json names them, without indices ("spec.replicas").
	Path string
	// Op is what was being done when it failed, in kubectl's words
	// ("creating", "deleting"); "" for problems found in reading.
	Op string
	// Err is one of this package's sentinels, or the store's error.
	Err error

	msg    string // kubectl's words, when Err is not the store's
	server bool   // the apiserver, not kubectl, would have refused it
	body   bool   // the body is bad; kind and name were read
	stops  bool   // kubectl reads no further in the stream
}

// Error returns kubectl's message for the problem.
func (e *ManifestError) Error() string {
	msg := e.msg
	if msg == "" && e.Err != nil {
		msg = e.Err.Error()
	}
	if e.Op != "" && e.Source != "" {
		return "error when " + e.Op + " " + quote(e.Source) + ": " + msg
	}
	return msg
}

// Unwrap returns the sentinel or the store's error.
func (e *ManifestError) Unwrap() error { return e.Err }

// Reason is the apiserver's reason for a problem the apiserver, not
// kubectl, finds ("BadRequest" for unknown fields and wrong types,
// "Invalid", "AlreadyExists", ... for the store's refusals), or "" for
// problems kubectl finds itself.
func (e *ManifestError) Reason() string {
	var se *cluster.StatusError
	if errors.As(e.Err, &se) {
		return statusReason(se)
	}
	if e.server {
		return "BadRequest"
	}
	return ""
}

// statusReason is the apiserver's reason for a store error.
func statusReason(se *cluster.StatusError) string {
	switch se.Err {
	case cluster.ErrNotFound:
		return "NotFound"
	case cluster.ErrAlreadyExists:
		return "AlreadyExists"
	case cluster.ErrInvalid:
		return "Invalid"
	case cluster.ErrConflict:
		return "Conflict"
	case cluster.ErrForbidden:
		return "Forbidden"
	case cluster.ErrInternal:
		return "InternalError"
	}
	return ""
}

// ErrorText returns what kubectl prints on stderr when a command ends
// with err, ending in a newline: one error as kubectl's CheckErr words it
// ("error: ..." for kubectl's own, "Error from server (Reason): ..." for
// the apiserver's, "The Kind "name" is invalid: ..." for one invalid
// object), and several (an [*ApplyError], or errors.Join's) one line each
// without the "error: ". A nil err gives "".
func ErrorText(err error) string {
	if err == nil {
		return ""
	}
	errs := flatten(err)
	if len(errs) == 1 {
		return singleText(errs[0])
	}
	var b strings.Builder
	for _, e := range errs {
		b.WriteString(lineText(e) + "\n")
	}
	return b.String()
}

// flatten unpacks an ApplyError or a joined error into its parts.
func flatten(err error) []error {
	if ae, ok := err.(*ApplyError); ok {
		return ae.Errs
	}
	if j, ok := err.(interface{ Unwrap() []error }); ok {
		var out []error
		for _, e := range j.Unwrap() {
			out = append(out, flatten(e)...)
		}
		return out
	}
	return []error{err}
}

// lineText is one error as kubectl prints it among several.
func lineText(err error) string {
	if r := reasonOf(err); r != "" {
		return "Error from server (" + r + "): " + err.Error()
	}
	return err.Error()
}

// singleText is an error as kubectl prints it alone.
func singleText(err error) string {
	var se *cluster.StatusError
	if errors.As(err, &se) && se.Err == cluster.ErrInvalid && se.Kind != "" {
		// kubectl rewrites an invalid object's message from its details,
		// dropping the source, one cause a line when there are several.
		s := "The " + string(se.Kind) + " " + quote(se.Name) + " is invalid"
		switch len(se.Causes) {
		case 0:
			return s + "\n"
		case 1:
			return s + ": " + se.Causes[0].Error() + "\n"
		}
		var b strings.Builder
		b.WriteString(s + ": \n")
		for _, c := range se.Causes {
			b.WriteString("* " + c.Error() + "\n")
		}
		return b.String()
	}
	if reasonOf(err) != "" {
		return lineText(err) + "\n"
	}
	msg := err.Error()
	if !strings.HasPrefix(msg, "error: ") {
		msg = "error: " + msg
	}
	return msg + "\n"
}

func reasonOf(err error) string {
	var me *ManifestError
	if errors.As(err, &me) {
		return me.Reason()
	}
	var se *cluster.StatusError
	if errors.As(err, &se) {
		return statusReason(se)
	}
	return ""
}

func quote(s string) string { return strconv.Quote(s) }

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

var yamlLine = regexp.MustCompile(`yaml: line (\d+): mapping values are not allowed in this context`)

// yamlHintPath names the key on the line where the YAML parser found a
// mapping it did not expect, the usual sign of a level left out
// (`kind: Deployment` followed by an indented `name: my-app`).
func yamlHintPath(raw rawDoc) string {
	key, _, _ := yamlHintLines(raw)
	return key
}

// yamlHint explains that mistake in a sentence after kubectl's message,
// naming the field and the line above it.
func yamlHint(raw rawDoc) string {
	key, line, above := yamlHintLines(raw)
	if key == "" {
		return ""
	}
	return "\nsvcsim: the field " + quote(key) + " (line " + strconv.Itoa(line) + ") is indented under " +
		quote(above) + ", which already has a value; a level such as \"metadata:\" or \"spec:\" is missing above it"
}

func yamlHintLines(raw rawDoc) (key string, line int, above string) {
	if raw.err == nil || raw.yaml == nil {
		return "", 0, ""
	}
	m := yamlLine.FindStringSubmatch(raw.err.Error())
	if m == nil {
		return "", 0, ""
	}
	n, _ := strconv.Atoi(m[1])
	lines := strings.Split(string(raw.yaml), "\n")
	if n < 1 || n > len(lines) {
		return "", 0, ""
	}
	k, _, ok := strings.Cut(strings.TrimSpace(lines[n-1]), ":")
	if !ok {
		return "", 0, ""
	}
	indent := len(lines[n-1]) - len(strings.TrimLeft(lines[n-1], " "))
	for i := n - 2; i >= 0; i-- {
		t := strings.TrimSpace(lines[i])
		if t == "" || strings.HasPrefix(t, "#") {
			continue
		}
		if len(lines[i])-len(strings.TrimLeft(lines[i], " ")) < indent {
			above = t
			break
		}
	}
	if above == "" {
		return "", 0, ""
	}
	return strings.TrimPrefix(k, "- "), n, above
}

const nbsp = "\u00a0"

// nbspHint explains a document whose indentation is made of non-breaking
// spaces (U+00A0), as text copied from a web page or a PDF often is: YAML
// does not take them for indentation, so kubectl's complaint (unknown
// fields, or a parse error) points away from the cause. It says what the
// document reads as with ordinary spaces, naming the field at fault.
func nbspHint(y []byte) string {
	if !bytes.Contains(y, []byte(nbsp)) {
		return ""
	}
	h := "\nsvcsim: the document is indented with non-breaking spaces (U+00A0), which YAML does not count as indentation"
	fixed := bytes.ReplaceAll(y, []byte(nbsp), []byte(" "))
	j, err := yaml.YAMLToJSON(fixed)
	if err != nil {
		raw := rawDoc{yaml: fixed, err: err}
		if key, line, above := yamlHintLines(raw); key != "" {
			return h + "; with ordinary spaces, the field " + quote(key) + " (line " + strconv.Itoa(line) +
				") is indented under " + quote(above) + ", which already has a value: a level such as \"metadata:\" or \"spec:\" is missing above it"
		}
		return h + "; with ordinary spaces it still does not parse: " + err.Error()
	}
	var m map[string]any
	if json.Unmarshal(j, &m) == nil {
		var stray []string
		for _, k := range slices.Sorted(maps.Keys(m)) {
			switch k {
			case "apiVersion", "kind", "metadata", "spec", "status", "items", "subsets", "endpoints", "ports", "addressType":
			default:
				stray = append(stray, quote(k))
			}
		}
		if stray != nil {
			return h + "; with ordinary spaces, " + strings.Join(stray, ", ") +
				" would be at the top level, where no kind has them: the indentation that put them under a level such as \"metadata:\" or \"spec:\" is lost"
		}
	}
	return h + "; retype the indentation with ordinary spaces"
}

package cluster

import (
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"
)

// Sentinels for the apiserver's failure reasons. Every error the store
// returns is a [*StatusError] wrapping one of them, so errors.Is works.
var (
	// ErrNotFound means the object does not exist.
	ErrNotFound = errors.New("not found")
	// ErrAlreadyExists means an object with that name exists.
	ErrAlreadyExists = errors.New("already exists")
	// ErrInvalid means the object breaks a validation rule.
	ErrInvalid = errors.New("invalid")
	// ErrConflict means the update carried a stale resourceVersion.
	ErrConflict = errors.New("conflict")
	// ErrForbidden means the request is refused outright, as creating in a
	// namespace that is being deleted is.
	ErrForbidden = errors.New("forbidden")
	// ErrInternal means the apiserver could not do its own part, as when
	// an address range has nothing left to allocate.
	ErrInternal = errors.New("internal error")
)

// FieldError is one broken rule on one field, as the apiserver reports it.
type FieldError struct {
	// Field is the path: "metadata.name", "spec.containers[0].image".
	Field string
	// Type is the apiserver's error type: "Invalid value", "Required value",
	// "Forbidden", "Unsupported value", "Duplicate value", "Not found".
	Type string
	// Value is the offending value: a string, a number for numeric
	// fields, a []string or structure (printed as JSON) for list-valued
	// ones; nil for Required, Forbidden and Too long.
	Value any
	// Detail says which rule was broken.
	Detail string
}

// Error formats the error as kubectl prints it:
// `metadata.name: Invalid value: "Web": a lowercase RFC 1123 ...`.
func (e FieldError) Error() string {
	var b strings.Builder
	b.WriteString(e.Field + ": " + e.Type)
	switch v := e.Value.(type) {
	case nil:
	case string:
		b.WriteString(": " + strconv.Quote(v))
	default:
		// Lists and structures print as JSON, as the apiserver's do.
		if j, err := json.Marshal(v); err == nil {
			b.WriteString(": " + string(j))
		} else {
			fmt.Fprintf(&b, ": %v", v)
		}
	}
	if e.Detail != "" {
		b.WriteString(": " + e.Detail)
	}
	return b.String()
}

// StatusError is a failed API call: which operation on which object, the
// reason (a sentinel), and for invalid objects every field that broke a
// rule. Its message is the apiserver's.
type StatusError struct {
	Op        string // "create", "update", "delete", ...
	Kind      Kind
	Namespace string
	Name      string
	Err       error        // ErrNotFound, ErrAlreadyExists, ErrInvalid, ErrConflict, ErrForbidden or ErrInternal
	Causes    []FieldError // for ErrInvalid
	Reason    string       // for ErrForbidden and ErrInternal: why
}

// Error renders the apiserver's message, e.g. `pods "web-1" not found`.
func (e *StatusError) Error() string {
	switch e.Err {
	case ErrNotFound:
		return plural(e.Kind) + " " + strconv.Quote(e.Name) + " not found"
	case ErrAlreadyExists:
		return plural(e.Kind) + " " + strconv.Quote(e.Name) + " already exists"
	case ErrConflict:
		return "Operation cannot be fulfilled on " + plural(e.Kind) + " " + strconv.Quote(e.Name) +
			": the object has been modified; please apply your changes to the latest version and try again"
	case ErrForbidden:
		return plural(e.Kind) + " " + strconv.Quote(e.Name) + " is forbidden: " + e.Reason
	case ErrInternal:
		return "Internal error occurred: " + e.Reason
	}
	msgs := make([]string, len(e.Causes))
	for i, c := range e.Causes {
		msgs[i] = c.Error()
	}
	list := strings.Join(msgs, ", ")
	if len(msgs) > 1 {
		list = "[" + list + "]"
	}
	if e.Kind == "" {
		return "invalid object: " + list
	}
	return string(e.Kind) + " " + strconv.Quote(e.Name) + " is invalid: " + list
}

// Unwrap returns the sentinel reason.
func (e *StatusError) Unwrap() error { return e.Err }

// fieldErrors collects validation problems with the path built up as the
// validator descends.
type fieldErrors []FieldError

func (l *fieldErrors) invalid(field, value, detail string) {
	*l = append(*l, FieldError{Field: field, Type: "Invalid value", Value: value, Detail: detail})
}

// invalidNum records a numeric field's bad value, which the apiserver
// prints unquoted.
func (l *fieldErrors) invalidNum(field string, value int64, detail string) {
	*l = append(*l, FieldError{Field: field, Type: "Invalid value", Value: value, Detail: detail})
}

func (l *fieldErrors) required(field, detail string) {
	*l = append(*l, FieldError{Field: field, Type: "Required value", Detail: detail})
}

func (l *fieldErrors) forbidden(field, detail string) {
	*l = append(*l, FieldError{Field: field, Type: "Forbidden", Detail: detail})
}

func (l *fieldErrors) unsupported(field, value string, supported ...string) {
	q := make([]string, len(supported))
	for i, s := range supported {
		q[i] = strconv.Quote(s)
	}
	*l = append(*l, FieldError{Field: field, Type: "Unsupported value", Value: value, Detail: "supported values: " + strings.Join(q, ", ")})
}

func (l *fieldErrors) duplicate(field, value string) {
	*l = append(*l, FieldError{Field: field, Type: "Duplicate value", Value: value})
}

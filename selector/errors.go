package selector

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
)

// Sentinel errors, one per kind of problem. Every error this package returns
// wraps exactly one of them, so callers can branch with [errors.Is].
var (
	// ErrSyntax means a selector string does not follow the grammar.
	ErrSyntax = errors.New("selector: syntax error")
	// ErrInvalidKey means a label key breaks Kubernetes' rules.
	ErrInvalidKey = errors.New("selector: invalid label key")
	// ErrInvalidValue means a label value breaks Kubernetes' rules.
	ErrInvalidValue = errors.New("selector: invalid label value")
	// ErrInvalidOperator means an operator is unknown, or not allowed where it is used.
	ErrInvalidOperator = errors.New("selector: invalid operator")
	// ErrInvalidValues means an operator was given the wrong number or kind
	// of values, for example "in" with none or ">" with a non-integer.
	ErrInvalidValues = errors.New("selector: invalid values for operator")
)

// FieldError reports one field that breaks one or more rules: a label key, a
// label value, an operator or a list of values. It wraps the sentinel that
// names its kind.
type FieldError struct {
	// Field is where the problem is, as the apiserver writes a field path:
	// "key", "values[1]", "matchLabels", "matchExpressions[0].operator".
	Field string
	// Value is the offending input as written.
	Value string
	// Problems lists every rule the value breaks, in the apiserver's words.
	Problems []string
	// Err is the sentinel naming the kind of problem (ErrInvalidKey, ...).
	Err error
}

// Error formats the problem the way the apiserver does:
// `field: Invalid value: "v": problem; problem`.
func (e *FieldError) Error() string {
	return e.Field + ": Invalid value: " + strconv.Quote(e.Value) + ": " + strings.Join(e.Problems, "; ")
}

// Unwrap returns the sentinel naming the kind of problem.
func (e *FieldError) Unwrap() error { return e.Err }

// ErrorList is every problem found in one input, in the order they were met.
// It is never empty when returned as an error; [errors.Is] and [errors.As]
// look through it to each [FieldError].
type ErrorList []*FieldError

// Error joins the problems with "; ", as the apiserver's aggregate does.
func (l ErrorList) Error() string {
	if len(l) == 1 {
		return l[0].Error()
	}
	var b strings.Builder
	b.WriteByte('[')
	for i, e := range l {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString(e.Error())
	}
	b.WriteByte(']')
	return b.String()
}

// Unwrap returns each problem, so that errors.Is and errors.As see them all.
func (l ErrorList) Unwrap() []error {
	errs := make([]error, len(l))
	for i, e := range l {
		errs[i] = e
	}
	return errs
}

// orNil turns an empty list into a nil error, so that a typed nil slice never
// masquerades as a failure.
func (l ErrorList) orNil() error {
	if len(l) == 0 {
		return nil
	}
	return l
}

// ParseError is returned by [Parse]: it says where in the input the problem
// is, what was found there and, for grammar errors, what was expected. When
// the grammar was fine but a key or value broke a rule, Err holds the
// [ErrorList] describing it; otherwise Err is [ErrSyntax].
type ParseError struct {
	// Input is the whole selector string that was parsed.
	Input string
	// Offset is the byte offset in Input of the token at fault.
	Offset int
	// Found is the text of that token; empty at the end of the input.
	Found string
	// Expected says what the grammar allowed there; empty when the token was
	// well placed but its content was invalid.
	Expected string
	// Err is ErrSyntax, or the ErrorList of invalid keys and values.
	Err error
}

// Error says where the problem is and what it was.
func (e *ParseError) Error() string {
	found := "end of input"
	if e.Found != "" {
		found = strconv.Quote(e.Found)
	}
	if e.Expected != "" {
		return fmt.Sprintf("selector: cannot parse %q: at offset %d: found %s, expected %s",
			e.Input, e.Offset, found, e.Expected)
	}
	return fmt.Sprintf("selector: cannot parse %q: at offset %d: %v", e.Input, e.Offset, e.Err)
}

// Unwrap returns ErrSyntax or the list of validation problems.
func (e *ParseError) Unwrap() error { return e.Err }

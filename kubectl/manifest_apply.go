package kubectl

import (
	"errors"
	"strings"
)

// ApplyError is what a multi-document apply, create or delete returns
// when any document failed: every failure, in the order kubectl reports
// them. Its message is kubectl's stderr, and a command that gets one
// exits 1, after having done every other document.
type ApplyError struct {
	// Errs are the failures: first the documents that could not be read
	// (in stream order), then those the store refused (in the order they
	// were applied). Each is a [*ManifestError].
	Errs []error
}

// Error returns what kubectl prints on stderr, without the final newline.
func (e *ApplyError) Error() string { return strings.TrimSuffix(ErrorText(e), "\n") }

// Unwrap returns the failures, so errors.Is and errors.As see each.
func (e *ApplyError) Unwrap() []error { return e.Errs }

// ApplyAll does to each decoded document what fn does (create it, apply
// it, delete it), in order, and goes on after a failure, as kubectl's
// apply, create and delete -f do. op is kubectl's word for what fn does,
// which kubectl puts in its messages: "creating" for apply and create,
// "deleting" for delete, "replacing" for replace.
//
// Documents that could not be read are not passed to fn. A document whose
// body is bad (unknown field, wrong type, a field svcsim does not model)
// is: a caller deleting by name may act on it, and a caller creating
// returns its Err, as the apiserver would refuse it. Whatever fn returns
// is reported as a [*ManifestError] naming the document and op (a
// *ManifestError fn returns keeps its message and gets op).
//
// The result is nil when every document succeeded, else an [*ApplyError]
// holding every failure: first the documents kubectl could not read
// (unknown kinds, and the error that ended a stream it could not read
// further), then the failures of fn, in order. A stream with no
// documents at all is not an error here; kubectl says "no objects passed
// to apply", which the caller words.
func ApplyAll(docs []Document, op string, fn func(Document) error) error {
	var readErrs, applyErrs []error
	for _, d := range docs {
		if d.Err != nil && !d.Err.body {
			readErrs = append(readErrs, d.Err)
			continue
		}
		err := fn(d)
		if err == nil {
			continue
		}
		var me *ManifestError
		if errors.As(err, &me) {
			c := *me
			c.Op = op
			if c.Source == "" {
				c.Source, c.Index, c.Item = d.Source, d.Index, d.Item
				c.APIVersion, c.Kind, c.Name, c.Namespace = d.APIVersion, d.Kind, d.Name, d.Namespace
			}
			applyErrs = append(applyErrs, &c)
			continue
		}
		applyErrs = append(applyErrs, &ManifestError{Source: d.Source, Index: d.Index, Item: d.Item,
			APIVersion: d.APIVersion, Kind: d.Kind, Name: d.Name, Namespace: d.Namespace, Op: op, Err: err})
	}
	all := append(readErrs, applyErrs...)
	if len(all) == 0 {
		return nil
	}
	return &ApplyError{Errs: all}
}

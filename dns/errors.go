package dns

import (
	"errors"
	"strings"
)

// Sentinels for the ways a question can fail. Every error the server
// returns is an [*Error] wrapping one of them, so errors.Is works.
var (
	// ErrNXDomain means the name does not exist.
	ErrNXDomain = errors.New("no such host")
	// ErrInvalidName means the question is not a valid domain name: it is
	// empty, longer than 253 characters, or has an empty label or a label
	// longer than 63 characters.
	ErrInvalidName = errors.New("invalid domain name")
	// ErrNoUpstream means a CNAME led out of the cluster zone, where only
	// an upstream server could answer, and the simulation has none.
	ErrNoUpstream = errors.New("no upstream DNS server in the simulation")
	// ErrCNAMELoop means a chain of CNAMEs loops or is longer than a
	// resolver follows, as two ExternalName Services pointing at each
	// other make it.
	ErrCNAMELoop = errors.New("CNAME loop")
)

// maxChain is how many CNAMEs a lookup follows before it gives up.
const maxChain = 8

// Error is a failed question: the name asked, why it failed, and the CNAME
// chain that led to the failure, if any. Its message reads like a
// resolver's: "lookup web.other: no such host".
type Error struct {
	// Name is the name as the caller gave it.
	Name string
	// Err is ErrNXDomain, ErrInvalidName, ErrNoUpstream or ErrCNAMELoop.
	Err error
	// CNAMEs is the chain followed before the failure, starting with the
	// name that held the first CNAME, each name the target of the one
	// before; empty when no CNAME was involved. It is shared: do not
	// modify it.
	CNAMEs []string
	// Reason says which rule an invalid name broke.
	Reason string
}

// Error formats the failure as a resolver reports it, with the reason or
// the CNAME chain after it.
func (e *Error) Error() string {
	var b strings.Builder
	why := "failed"
	if e.Err != nil {
		why = e.Err.Error()
	}
	b.WriteString("lookup " + e.Name + ": " + why)
	if e.Reason != "" {
		b.WriteString(": " + e.Reason)
	}
	if len(e.CNAMEs) > 0 {
		b.WriteString(" (CNAME chain " + strings.Join(e.CNAMEs, " -> ") + ")")
	}
	return b.String()
}

// Unwrap returns the sentinel, for errors.Is.
func (e *Error) Unwrap() error { return e.Err }

package cluster

import (
	"fmt"
	"io"
	"strings"
	"text/tabwriter"
)

// TraceEntry records one event the loop ran: when, which component, on
// which object, and what happened.
type TraceEntry struct {
	At        Time
	Component string // "kubelet/node-1", "default-scheduler", "apiserver", a watcher's name
	Object    string // "pod/default/web-1", or "" when the event concerns no object
	Action    string // "Create", "Watch MODIFIED", "ContainerStarted", "Timer"
	Detail    string // free text, may be empty
}

// String renders the entry as one trace line.
func (e TraceEntry) String() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%-12s %s %s", e.At, e.Component, e.Action)
	if e.Object != "" {
		b.WriteString(" " + e.Object)
	}
	if e.Detail != "" {
		b.WriteString(": " + e.Detail)
	}
	return b.String()
}

// DefaultTraceCapacity is how many trace entries a Sim keeps unless
// configured otherwise; the digest covers every entry regardless.
const DefaultTraceCapacity = 100_000

// trace keeps the most recent entries in a ring and a running digest of
// all of them, so that a long run costs bounded memory and can still be
// compared byte for byte with another.
type trace struct {
	buf   []TraceEntry
	limit int // capacity of buf; 0 keeps no entries
	start int // index of the oldest entry once buf is full
	total uint64
	hash  uint64 // FNV-1a over every entry's fields
}

func newTrace(limit int) trace { return trace{limit: limit, hash: fnvOffset} }

const (
	fnvOffset = 14695981039346656037
	fnvPrime  = 1099511628211
)

func (t *trace) mix(s string) {
	h := t.hash
	for i := 0; i < len(s); i++ {
		h ^= uint64(s[i])
		h *= fnvPrime
	}
	h ^= 0xff // field separator, so that ("ab","c") and ("a","bc") differ
	h *= fnvPrime
	t.hash = h
}

func (t *trace) add(e TraceEntry) {
	t.total++
	at := uint64(e.At)
	for i := 0; i < 8; i++ {
		t.hash ^= at & 0xff
		t.hash *= fnvPrime
		at >>= 8
	}
	t.mix(e.Component)
	t.mix(e.Object)
	t.mix(e.Action)
	t.mix(e.Detail)
	switch {
	case t.limit == 0:
	case len(t.buf) < t.limit:
		t.buf = append(t.buf, e)
	default:
		t.buf[t.start] = e
		t.start = (t.start + 1) % t.limit
	}
}

// entries returns the kept entries, oldest first.
func (t *trace) entries() []TraceEntry {
	out := make([]TraceEntry, 0, len(t.buf))
	out = append(out, t.buf[t.start:]...)
	return append(out, t.buf[:t.start]...)
}

// Trace returns the most recent trace entries, oldest first: all of them
// unless the run outgrew the configured TraceCapacity.
func (s *Sim) Trace() []TraceEntry {
	s.check()
	return s.trace.entries()
}

// TraceLen returns how many events the loop has run in total.
func (s *Sim) TraceLen() uint64 {
	s.check()
	return s.trace.total
}

// Digest returns a fingerprint of the whole trace so far: every event's
// time, component, object, action and detail. Two runs with the same seed
// and the same calls have the same digest; any difference in what happened,
// or when, changes it.
func (s *Sim) Digest() string {
	s.check()
	return fmt.Sprintf("%016x-%d", s.trace.hash, s.trace.total)
}

// WriteTrace writes the kept trace entries, one per line, oldest first; the
// test helpers print it when a check fails.
func (s *Sim) WriteTrace(w io.Writer) error {
	s.check()
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	for _, e := range s.trace.entries() {
		detail := e.Detail
		if detail != "" {
			detail = ": " + detail
		}
		if _, err := fmt.Fprintf(tw, "%s\t%s\t%s\t%s%s\n", e.At, e.Component, e.Action, e.Object, detail); err != nil {
			return err
		}
	}
	return tw.Flush()
}

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
	hash  uint64 // a running mix of every entry's fields
}

func newTrace(limit int) trace { return trace{limit: limit, hash: fnvOffset} }

const (
	fnvOffset = 14695981039346656037
	mixPrime  = 0x9e3779b97f4a7c15
)

// word folds up to 8 bytes into the digest. The digest is a fingerprint
// for comparing runs, not a cryptographic hash: eight bytes a step keep
// it to a few nanoseconds per event, where a byte at a time took most of
// the loop's own cost.
func (t *trace) word(w uint64) {
	h := (t.hash ^ w) * mixPrime
	t.hash = h ^ h>>29
}

func (t *trace) mix(s string) {
	for len(s) >= 8 {
		t.word(uint64(s[0]) | uint64(s[1])<<8 | uint64(s[2])<<16 | uint64(s[3])<<24 |
			uint64(s[4])<<32 | uint64(s[5])<<40 | uint64(s[6])<<48 | uint64(s[7])<<56)
		s = s[8:]
	}
	var w uint64
	for i := 0; i < len(s); i++ {
		w |= uint64(s[i]) << (8 * i)
	}
	// The length closes the field, so that ("ab","c") and ("a","bc")
	// differ, and so do strings that differ only in trailing zero bytes.
	t.word(w ^ uint64(len(s)+1)<<56)
}

func (t *trace) add(e TraceEntry) {
	t.total++
	t.word(uint64(e.At))
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

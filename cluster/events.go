package cluster

// Event is a Kubernetes-style event: a note a component leaves about an
// object, as `kubectl get events` lists them. Repeats of the same note on
// the same object are folded into one event with a count, as the event
// recorder does.
type Event struct {
	// FirstSeen and LastSeen bound the repeats.
	FirstSeen, LastSeen Time
	// Count is how many times the note was made.
	Count int
	// Type is "Normal" or "Warning".
	Type string
	// Reason is a short CamelCase cause: "Scheduled", "Started", "Killing".
	Reason string
	// Kind, Namespace and Name identify the object the event is about.
	Kind      Kind
	Namespace string
	Name      string
	// Source is the component that made the note: "kubelet", "default-scheduler".
	Source string
	// Message is the human-readable text.
	Message string
}

// Event types.
const (
	EventNormal  = "Normal"
	EventWarning = "Warning"
)

// DefaultEventCapacity is how many events a Sim keeps unless configured
// otherwise. Kubernetes keeps events for an hour; svcsim keeps the most
// recent ones, so that a run with a hundred thousand pods does not spend
// most of its memory on notes about them.
const DefaultEventCapacity = 10_000

// eventLog is a bounded log of events with an index for folding repeats.
type eventLog struct {
	ring  []Event
	start int
	limit int
	index map[string]int // fold key -> position in ring
}

func foldKey(e *Event) string {
	return string(e.Kind) + "\x00" + e.Namespace + "\x00" + e.Name + "\x00" + e.Type + "\x00" + e.Reason + "\x00" + e.Source + "\x00" + e.Message
}

// emit records an event about an object, folding it into the kept event
// with the same object, type, reason, source and message.
func (s *Sim) emit(kind Kind, namespace, name, typ, reason, source, message string) {
	l := &s.eventLog
	e := Event{FirstSeen: s.now, LastSeen: s.now, Count: 1, Type: typ, Reason: reason,
		Kind: kind, Namespace: namespace, Name: name, Source: source, Message: message}
	k := foldKey(&e)
	if i, ok := l.index[k]; ok {
		l.ring[i].Count++
		l.ring[i].LastSeen = s.now
		return
	}
	if l.limit == 0 {
		return
	}
	if len(l.ring) < l.limit {
		l.index[k] = len(l.ring)
		l.ring = append(l.ring, e)
		return
	}
	delete(l.index, foldKey(&l.ring[l.start]))
	l.ring[l.start] = e
	l.index[k] = l.start
	l.start = (l.start + 1) % l.limit
}

// Events returns the kept events about objects in namespace ("" for all),
// in the order they were first recorded.
func (s *Sim) Events(namespace string) []Event {
	s.check()
	l := &s.eventLog
	var out []Event
	for i := range l.ring {
		e := l.ring[(l.start+i)%len(l.ring)]
		if namespace == "" || e.Namespace == namespace {
			out = append(out, e)
		}
	}
	return out
}

// Record leaves a Kubernetes-style event about obj on behalf of the
// component whose event is running (or "user"), as a controller's event
// recorder does: typ is EventNormal or EventWarning, reason a short
// CamelCase cause. It shows in `kubectl get events` and describe. A nil
// obj records nothing, as an event recorder drops an event it cannot
// refer to an object.
func (s *Sim) Record(obj Object, typ, reason, message string) {
	s.check()
	s.notObserving("Record")
	if isNilObject(obj) {
		return
	}
	source := s.current
	if source == "" {
		source = "user"
	}
	m := obj.Meta()
	s.emit(obj.Kind(), m.Namespace, m.Name, typ, reason, source, message)
}

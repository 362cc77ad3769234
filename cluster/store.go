package cluster

import (
	"encoding/json"
	"fmt"
	"reflect"
	"strings"

	"github.com/google/btree"

	"github.com/svcsim/svcsim/internal/owned"
	"github.com/svcsim/svcsim/selector"
)

// store is the apiserver's storage: per kind, the objects ordered by key.
// A stored object is never modified in place; a write replaces it. That
// lets watch deliveries hold on to the version they announce and copy it
// only when they run.
type store struct {
	rv   uint64
	objs map[Kind]*btree.BTreeG[record]
	// dependents indexes objects by the UID of their controller, so that
	// a controller can find what it owns without scanning its namespace.
	// Only objects with a controller are indexed.
	dependents map[string]*btree.BTreeG[record]
	// replicaSetPods counts the pods of each ReplicaSet the ReplicaSet
	// controller follows, by its UID, kept in step with every write of a
	// pod it controls.
	replicaSetPods map[string]*replicaSetPods
}

type record struct {
	key string
	obj Object
}

func newStore() store {
	return store{objs: map[Kind]*btree.BTreeG[record]{}, dependents: map[string]*btree.BTreeG[record]{}, replicaSetPods: map[string]*replicaSetPods{}}
}

// index keeps the dependents index in step with a write that replaces old
// (nil if none) by cur (nil if removed), both stored under k. The index
// holds the current objects themselves, so listing what a controller owns
// costs no lookups.
func (st *store) index(kind Kind, k string, old, cur Object) {
	owner := func(o Object) string {
		if o == nil {
			return ""
		}
		ref, _ := o.Meta().ControllerRef()
		return ref.UID
	}
	before, after := owner(old), owner(cur)
	if before == "" && after == "" {
		return
	}
	r := record{key: string(kind) + "/" + k, obj: cur}
	if t := st.dependents[before]; t != nil && before != after {
		t.Delete(r)
		if t.Len() == 0 {
			delete(st.dependents, before)
		}
	}
	if after != "" {
		t := st.dependents[after]
		if t == nil {
			t = btree.NewG(16, func(a, b record) bool { return a.key < b.key })
			st.dependents[after] = t
		}
		t.ReplaceOrInsert(r)
	}
	if kind == KindPod {
		st.countReplicaSetPods(before, after, old, cur)
	}
}

// eachOwned calls fn on every object of kind whose controller has the
// given UID, in key order, until fn returns false. The index knows UIDs
// only: an object may name a controller of another namespace, which
// Kubernetes' controllers never see, so callers check the namespace.
func (st *store) eachOwned(kind Kind, uid string, fn func(Object) bool) {
	t := st.dependents[uid]
	if t == nil {
		return
	}
	t.AscendRange(record{key: string(kind) + "/"}, record{key: string(kind) + "0"}, func(r record) bool { return fn(r.obj) })
}

func (st *store) tree(kind Kind) *btree.BTreeG[record] {
	t := st.objs[kind]
	if t == nil {
		t = btree.NewG(16, func(a, b record) bool { return a.key < b.key })
		st.objs[kind] = t
	}
	return t
}

func (st *store) get(kind Kind, namespace, name string) (Object, bool) {
	r, ok := st.tree(kind).Get(record{key: key(namespace, name)})
	return r.obj, ok
}

// each calls fn on every object of kind in namespace ("" for all), in key
// order, until fn returns false.
func (st *store) each(kind Kind, namespace string, fn func(Object) bool) {
	t := st.tree(kind)
	visit := func(r record) bool { return fn(r.obj) }
	if namespace == "" || clusterScoped(kind) {
		t.Ascend(visit)
		return
	}
	// Keys are "namespace/name"; '0' is the byte after '/'.
	t.AscendRange(record{key: namespace + "/"}, record{key: namespace + "0"}, visit)
}

// WatchEventType says what happened to the object of a [WatchEvent].
type WatchEventType string

// Watch event types, as in Kubernetes.
const (
	Added    WatchEventType = "ADDED"
	Modified WatchEventType = "MODIFIED"
	Deleted  WatchEventType = "DELETED"
)

// Get returns a copy of the object of the given kind, namespace and name,
// and whether it exists. Namespace is ignored for cluster-scoped kinds.
func (s *Sim) Get(kind Kind, namespace, name string) (Object, bool) {
	s.check()
	if clusterScoped(kind) {
		namespace = ""
	}
	o, ok := s.store.get(kind, namespace, name)
	if !ok {
		return nil, false
	}
	return o.DeepCopyObject(), true
}

// GetAs is [Sim.Get] typed by its result: GetAs[*Pod](s, "default", "web-1").
// T must be a pointer to a kind's type; an interface such as Object panics
// at the call, since it names no kind.
func GetAs[T Object](s *Sim, namespace, name string) (T, bool) {
	var zero T
	o, ok := s.Get(kindOf[T](), namespace, name)
	if !ok {
		return zero, false
	}
	return o.(T), true
}

// List returns copies of the objects of kind in namespace ("" for every
// namespace) whose labels match sel, ordered by namespace and name. Pass
// selector.Everything() to list them all.
func (s *Sim) List(kind Kind, namespace string, sel selector.Selector) []Object {
	s.check()
	var out []Object
	s.store.each(kind, namespace, func(o Object) bool {
		if sel.Matches(o.Meta().Labels) {
			out = append(out, o.DeepCopyObject())
		}
		return true
	})
	return out
}

// kindOf returns the kind T stands for, or panics if T is an interface.
func kindOf[T Object]() Kind {
	var zero T
	if any(zero) == nil {
		panic("cluster: " + reflect.TypeFor[T]().String() + " names no kind; use a kind's pointer type such as *Pod")
	}
	return zero.Kind()
}

// ListAs is [Sim.List] typed by its result: ListAs[*Pod](s, "default", sel).
// T must be a pointer to a kind's type, as for [GetAs].
func ListAs[T Object](s *Sim, namespace string, sel selector.Selector) []T {
	objs := s.List(kindOf[T](), namespace, sel)
	out := make([]T, len(objs))
	for i, o := range objs {
		out[i] = o.(T)
	}
	return out
}

// Create stores a new object, as a POST to the apiserver does: defaults
// are filled in, a GenerateName becomes a Name, the object is validated,
// and the store sets its UID, resourceVersion and creationTimestamp. It
// returns a copy of what was stored. On failure it returns a
// [*StatusError] and changes nothing.
func (s *Sim) Create(obj Object) (Object, error) {
	s.check()
	if err := s.refuseObserving("create"); err != nil {
		return nil, err
	}
	if isNilObject(obj) {
		return nil, nilObjectError("create")
	}
	o, err := s.create(obj.DeepCopyObject(), false)
	if err != nil {
		return nil, err
	}
	return o.DeepCopyObject(), nil
}

// createOwned is Create for an object a built-in controller built for the
// purpose and hands over: the store keeps o itself rather than a copy, and
// returns it as stored. Neither the caller nor anyone else may modify o,
// or anything it points to, afterwards: it is the store's snapshot.
func (s *Sim) createOwned(o Object) (Object, error) {
	return s.create(o, false)
}

// createFromTemplate is createOwned for a pod a controller made from the
// template of a stored workload, sharing it. The template's spec passed
// the same defaulting and checks a pod's spec gets when the workload was
// written, so only what the controller could have got wrong is checked:
// the metadata it put together, and the rules for a pod that a template
// escapes (an image with surrounding spaces).
func (s *Sim) createFromTemplate(p *Pod) (Object, error) {
	return s.create(p, true)
}

// create stores o, which the store owns from now on, and returns it. A pod
// of specValid has a spec known to be valid.
func (s *Sim) create(o Object, specValid bool) (Object, error) {
	m := o.Meta()
	kind := o.Kind()
	if clusterScoped(kind) {
		m.Namespace = ""
	} else if m.Namespace == "" {
		m.Namespace = "default"
	}
	if err := s.admitNamespace(kind, m); err != nil {
		return nil, err
	}
	// A generated name is drawn only once the object is known to be valid,
	// so that a rejected create draws nothing from the random source.
	// Until then a stand-in suffix of the same shape is validated.
	generated := m.Name == "" && m.GenerateName != ""
	if generated {
		m.Name = generatedBase(m.GenerateName) + "xxxxx"
	}
	m.UID, m.ResourceVersion, m.CreationTimestamp = "", 0, s.now
	m.DeletionTimestamp, m.DeletionGracePeriodSeconds = nil, nil
	resetStatus(o)
	setDefaults(o)
	prepare(o, nil)
	var errs []FieldError
	if p, ok := o.(*Pod); ok && specValid {
		errs = validatePodFromTemplate(p)
	} else {
		errs = validate(o)
	}
	if len(errs) > 0 {
		if generated {
			for i := range errs {
				if errs[i].Field == "metadata.name" {
					errs[i].Field, errs[i].Value = "metadata.generateName", m.GenerateName
				}
			}
			m.Name = ""
		}
		return nil, &StatusError{Op: "create", Kind: kind, Namespace: m.Namespace, Name: nameForError(m), Err: ErrInvalid, Causes: errs}
	}
	// A Service's cluster IP and node ports are reserved before anything
	// is drawn from the random source, and drawn once nothing can fail.
	op, serr := s.reserve("create", o, nil)
	if serr != nil {
		if generated {
			serr.Name = m.GenerateName
		}
		return nil, serr
	}
	if generated {
		m.Name = s.generateName(kind, m.Namespace, m.GenerateName)
	}
	if _, exists := s.store.get(kind, m.Namespace, m.Name); exists {
		op.undo()
		return nil, &StatusError{Op: "create", Kind: kind, Namespace: m.Namespace, Name: m.Name, Err: ErrAlreadyExists}
	}
	op.finish()
	m.UID = s.newUID()
	m.Generation = 1
	s.put(o)
	s.record(objectRef(kind, m.Namespace, m.Name), "Create", "")
	s.notify(Added, o, nil)
	s.wrote("Create", o)
	return o, nil
}

// validatePodFromTemplate is validate for a pod whose spec is a valid
// template's.
func validatePodFromTemplate(p *Pod) []FieldError {
	var errs fieldErrors
	validateMeta(&errs, &p.ObjectMeta, false)
	validateContainersOnlyForPod(&errs, &p.Spec)
	return errs
}

// isNilObject reports whether obj is nil or a typed nil pointer such as
// (*Pod)(nil), which satisfies Object but has no object behind it.
func isNilObject(obj Object) bool {
	if obj == nil {
		return true
	}
	v := reflect.ValueOf(obj)
	return v.Kind() == reflect.Pointer && v.IsNil()
}

// nilObjectError is what every call taking an Object returns for a nil one:
// the body is missing, as the apiserver says of an empty request.
func nilObjectError(op string) *StatusError {
	return &StatusError{Op: op, Err: ErrInvalid, Causes: []FieldError{{Field: "object", Type: "Required value"}}}
}

func nameForError(m *ObjectMeta) string {
	if m.Name == "" {
		return m.GenerateName
	}
	return m.Name
}

// admitNamespace checks that a namespaced object's namespace exists and is
// not being deleted, as the NamespaceLifecycle admission plugin does.
func (s *Sim) admitNamespace(kind Kind, m *ObjectMeta) error {
	if clusterScoped(kind) {
		return nil
	}
	ns, ok := s.store.get(KindNamespace, "", m.Namespace)
	if !ok {
		return &StatusError{Op: "create", Kind: KindNamespace, Name: m.Namespace, Err: ErrNotFound}
	}
	if ns.Meta().DeletionTimestamp != nil {
		return &StatusError{Op: "create", Kind: kind, Namespace: m.Namespace, Name: nameForError(m), Err: ErrForbidden,
			Reason: fmt.Sprintf("unable to create new content in namespace %s because it is being terminated", m.Namespace)}
	}
	return nil
}

// generateName appends five characters from Kubernetes' suffix alphabet to
// base (cut to 58 bytes), drawn from the apiserver's stream, retrying on a
// clash as the apiserver does.
func (s *Sim) generateName(kind Kind, namespace, base string) string {
	const alphabet = "bcdfghjklmnpqrstvwxz2456789"
	base = generatedBase(base)
	var name string
	for range 8 {
		b := []byte(base)
		for range 5 {
			b = append(b, alphabet[s.rand.IntN(len(alphabet))])
		}
		name = string(b)
		if _, taken := s.store.get(kind, namespace, name); !taken {
			break
		}
	}
	return name
}

// generatedBase cuts a generateName to the 58 bytes that leave room for
// the suffix within a 63-byte name.
func generatedBase(base string) string {
	if len(base) > 58 {
		return base[:58]
	}
	return base
}

// resetStatus discards a status supplied on create, as each kind's registry
// strategy does: a new pod is Pending and a new namespace Active whatever
// the caller said. Nodes keep theirs: their kubelet reports it.
func resetStatus(o Object) {
	switch o := o.(type) {
	case *Pod:
		o.Status = PodStatus{}
	case *Namespace:
		o.Status = NamespaceStatus{}
	case *Service:
		o.Status = ServiceStatus{}
	case *ReplicationController:
		o.Status = ReplicationControllerStatus{}
	}
}

// newUID draws a version-4 UUID from the apiserver's stream.
func (s *Sim) newUID() string {
	a, b := s.rand.Uint64(), s.rand.Uint64()
	a = a&^(0xf<<12) | 4<<12
	b = b&^(0x3<<62) | 2<<62
	return fmt.Sprintf("%08x-%04x-%04x-%04x-%012x", a>>32, a>>16&0xffff, a&0xffff, b>>48, b&0xffffffffffff)
}

// put stores o under a new resourceVersion.
func (s *Sim) put(o Object) {
	if s.obs.running {
		// Every write comes through here: one the public calls did not
		// refuse is a component's, reached from an observer somehow.
		panic("cluster: store write from inside an observer, which may only read")
	}
	s.store.rv++
	o.Meta().ResourceVersion = s.store.rv
	m := o.Meta()
	k := key(m.Namespace, m.Name)
	old, _ := s.store.tree(o.Kind()).ReplaceOrInsert(record{key: k, obj: o})
	s.store.index(o.Kind(), k, old.obj, o)
}

// Update replaces an object's metadata and spec, as a PUT does; its status
// is kept (use [Sim.UpdateStatus]). A non-zero ResourceVersion must match
// the stored one, else the update fails with ErrConflict. Immutable fields
// (a pod's containers apart from their images, say) must not change. An
// update that changes nothing stores nothing. It returns a copy of what is
// stored; on failure a [*StatusError], having changed nothing.
func (s *Sim) Update(obj Object) (Object, error) {
	s.check()
	if err := s.refuseObserving("update"); err != nil {
		return nil, err
	}
	return s.update(obj, false)
}

// UpdateStatus replaces an object's status, as a PUT to the status
// subresource does; its metadata and spec are kept. Controllers and the
// kubelet report through it. The new status is validated as the
// apiserver's status strategies do (pod and host IPs, load balancer
// ingress, replica counts, ...); an invalid one is an ErrInvalid
// [*StatusError] and changes nothing.
func (s *Sim) UpdateStatus(obj Object) (Object, error) {
	s.check()
	if err := s.refuseObserving("update status"); err != nil {
		return nil, err
	}
	return s.update(obj, true)
}

func (s *Sim) update(obj Object, status bool) (Object, error) {
	if isNilObject(obj) {
		return nil, nilObjectError("update")
	}
	var o Object
	var err error
	if status {
		o, err = s.write(obj, true)
	} else {
		o, err = s.write(obj.DeepCopyObject(), false)
	}
	if err != nil {
		return nil, err
	}
	return o.DeepCopyObject(), nil
}

// updateOwned is Update for an object a built-in controller built for the
// purpose and hands over, as [Sim.createOwned] is Create's: the store
// keeps o itself, and may share with it the status of the version it
// replaces. It returns what is stored (o, or the old version if nothing
// changed), which nobody may modify.
func (s *Sim) updateOwned(o Object) (Object, error) {
	return s.write(o, false)
}

// write is an update of obj's status (status set; obj is the caller's and
// is copied from) or of everything else (obj is the store's to keep). It
// returns what is stored, which nobody may modify.
func (s *Sim) write(obj Object, status bool) (Object, error) {
	op := "update"
	kind := obj.Kind()
	m := obj.Meta()
	ns := m.Namespace
	if clusterScoped(kind) {
		ns = ""
	} else if ns == "" {
		ns = "default"
	}
	old, ok := s.store.get(kind, ns, m.Name)
	if !ok {
		return nil, &StatusError{Op: op, Kind: kind, Namespace: ns, Name: m.Name, Err: ErrNotFound}
	}
	if m.ResourceVersion != 0 && m.ResourceVersion != old.Meta().ResourceVersion {
		return nil, &StatusError{Op: op, Kind: kind, Namespace: ns, Name: m.Name, Err: ErrConflict}
	}
	var o Object
	if status {
		o = withStatus(old, obj)
		if errs := validateStatusUpdate(o, old); len(errs) > 0 {
			return nil, &StatusError{Op: op, Kind: kind, Namespace: ns, Name: m.Name, Err: ErrInvalid, Causes: errs}
		}
	} else {
		o = obj
		keepStatus(o, old)
		om, oldm := o.Meta(), old.Meta()
		// The old version's pointers may be shared: neither is modified.
		om.Namespace, om.UID, om.CreationTimestamp, om.GenerateName = ns, oldm.UID, oldm.CreationTimestamp, oldm.GenerateName
		om.DeletionTimestamp, om.DeletionGracePeriodSeconds = oldm.DeletionTimestamp, oldm.DeletionGracePeriodSeconds
		om.Generation = oldm.Generation
		setDefaults(o)
		prepare(o, old)
		if !sameSpec(o, old) {
			om.Generation++
		}
		errs := validate(o)
		errs = append(errs, validateUpdate(o, old)...)
		if len(errs) > 0 {
			return nil, &StatusError{Op: op, Kind: kind, Namespace: ns, Name: m.Name, Err: ErrInvalid, Causes: errs}
		}
		alloc, serr := s.reserve(op, o, old)
		if serr != nil {
			return nil, serr
		}
		alloc.finish()
	}
	o.Meta().ResourceVersion = old.Meta().ResourceVersion
	if sameObject(o, old) {
		return old, nil
	}
	s.put(o)
	action := "Update"
	if status {
		action = "UpdateStatus"
	}
	s.record(objectRef(kind, ns, m.Name), action, "")
	s.notify(Modified, o, old)
	s.wrote(action, o)
	return o, nil
}

// updateStatusOwned stores o, a modified copy of the stored old made by a
// built-in component, without the copies and checks a user's write needs.
func (s *Sim) updateStatusOwned(o, old Object) {
	o.Meta().ResourceVersion = old.Meta().ResourceVersion
	if reflect.DeepEqual(o, old) {
		return
	}
	s.put(o)
	m := o.Meta()
	s.record(objectRef(o.Kind(), m.Namespace, m.Name), "UpdateStatus", "")
	s.notify(Modified, o, old)
	s.wrote("UpdateStatus", o)
}

// DeleteOptions tune a delete, as kubectl delete's flags do.
type DeleteOptions struct {
	// GracePeriodSeconds overrides the pod's terminationGracePeriodSeconds;
	// nil means use the pod's own.
	GracePeriodSeconds *int64
	// Force removes the object at once, skipping graceful termination
	// (kubectl delete --grace-period=0 --force).
	Force bool
}

// immortalNamespaces are the namespaces the NamespaceLifecycle admission
// plugin refuses to delete.
var immortalNamespaces = map[string]bool{"default": true, "kube-system": true, "kube-public": true}

// Delete deletes an object. A pod that is bound to a node is deleted
// gracefully: it gets a deletionTimestamp and its kubelet runs the preStop
// hook, sends SIGTERM, waits for the grace period, kills it and then
// removes it. Anything else is removed at once, and so is a pod when
// opts.Force is set. Deleting a namespace deletes everything in it and
// removes the namespace when it is empty; default, kube-system and
// kube-public may not be deleted (ErrForbidden), as the NamespaceLifecycle
// admission plugin says. Deleting a Node removes only the object: its
// pods run on until the pod garbage collector deletes them, 40 to 60 s
// later ([PodGCPeriod], [PodGCQuarantine]). On failure Delete returns a
// [*StatusError] and changes nothing.
func (s *Sim) Delete(kind Kind, namespace, name string, opts DeleteOptions) error {
	s.check()
	if err := s.refuseObserving("delete"); err != nil {
		return err
	}
	if clusterScoped(kind) {
		namespace = ""
	} else if namespace == "" {
		namespace = "default"
	}
	old, ok := s.store.get(kind, namespace, name)
	if !ok {
		return &StatusError{Op: "delete", Kind: kind, Namespace: namespace, Name: name, Err: ErrNotFound}
	}
	if opts.GracePeriodSeconds != nil && *opts.GracePeriodSeconds < 0 {
		return &StatusError{Op: "delete", Kind: kind, Namespace: namespace, Name: name, Err: ErrInvalid,
			Causes: []FieldError{{Field: "gracePeriodSeconds", Type: "Invalid value", Value: *opts.GracePeriodSeconds, Detail: "must be greater than or equal to 0"}}}
	}
	if kind == KindNamespace && immortalNamespaces[name] {
		return &StatusError{Op: "delete", Kind: kind, Name: name, Err: ErrForbidden, Reason: "this namespace may not be deleted"}
	}
	switch o := old.(type) {
	case *Pod:
		grace := int64(30)
		if o.Spec.TerminationGracePeriodSeconds != nil {
			grace = *o.Spec.TerminationGracePeriodSeconds
		}
		if opts.GracePeriodSeconds != nil {
			grace = *opts.GracePeriodSeconds
		}
		if opts.Force || grace == 0 || o.Spec.NodeName == "" || isTerminal(o) {
			s.remove(old)
			return nil
		}
		s.beginGracefulDelete(o, grace)
		return nil
	case *Namespace:
		s.deleteNamespace(o)
		return nil
	}
	s.remove(old)
	return nil
}

func isTerminal(p *Pod) bool { return p.Status.Phase == PodSucceeded || p.Status.Phase == PodFailed }

// beginGracefulDelete marks a pod as terminating; its kubelet does the rest.
func (s *Sim) beginGracefulDelete(old *Pod, grace int64) {
	if old.DeletionTimestamp != nil {
		// A second delete may only shorten the grace period.
		if old.DeletionGracePeriodSeconds != nil && grace >= *old.DeletionGracePeriodSeconds {
			return
		}
	}
	p := old.DeepCopy()
	at := s.now.Add(secondsDuration(grace))
	p.DeletionTimestamp = &at
	p.DeletionGracePeriodSeconds = &grace
	s.put(p)
	s.record(objectRef(KindPod, p.Namespace, p.Name), "Delete", fmt.Sprintf("graceful, %ds", grace))
	s.notify(Modified, p, old)
	s.wrote("Delete", p)
}

// remove takes an object out of the store for good.
func (s *Sim) remove(old Object) {
	s.release(old)
	m := old.Meta()
	s.store.tree(old.Kind()).Delete(record{key: key(m.Namespace, m.Name)})
	s.store.index(old.Kind(), key(m.Namespace, m.Name), old, nil)
	s.store.rv++
	gone := old.DeepCopyObject()
	gone.Meta().ResourceVersion = s.store.rv
	s.record(objectRef(old.Kind(), m.Namespace, m.Name), "Remove", "")
	s.notify(Deleted, gone, nil)
	s.wrote("Remove", gone)
	if !clusterScoped(old.Kind()) {
		s.maybeFinishNamespace(m.Namespace)
	}
}

// deleteNamespace marks the namespace Terminating and deletes its contents;
// it is removed once they are gone.
func (s *Sim) deleteNamespace(old *Namespace) {
	if old.DeletionTimestamp == nil {
		ns := old.DeepCopy()
		now := s.now
		ns.DeletionTimestamp = &now
		ns.Status.Phase = NamespaceTerminating
		s.put(ns)
		s.record(objectRef(KindNamespace, "", ns.Name), "Delete", "")
		s.notify(Modified, ns, old)
		s.wrote("Delete", ns)
	}
	var victims []Object
	for _, kind := range s.store.kinds() {
		if clusterScoped(kind) {
			continue
		}
		s.store.each(kind, old.Name, func(o Object) bool { victims = append(victims, o); return true })
	}
	for _, o := range victims {
		m := o.Meta()
		if m.DeletionTimestamp == nil {
			_ = s.Delete(o.Kind(), m.Namespace, m.Name, DeleteOptions{})
		}
	}
	s.maybeFinishNamespace(old.Name)
}

func (s *Sim) maybeFinishNamespace(name string) {
	ns, ok := s.store.get(KindNamespace, "", name)
	if !ok || ns.Meta().DeletionTimestamp == nil {
		return
	}
	for _, kind := range s.store.kinds() {
		if clusterScoped(kind) {
			continue
		}
		empty := true
		s.store.each(kind, name, func(Object) bool { empty = false; return false })
		if !empty {
			return
		}
	}
	s.remove(ns)
}

// kinds returns the kinds the store has held, in name order.
func (st *store) kinds() []Kind {
	ks := make([]Kind, 0, len(st.objs))
	for _, k := range sortedKeys(kindMap(st.objs)) {
		ks = append(ks, Kind(k))
	}
	return ks
}

func kindMap(m map[Kind]*btree.BTreeG[record]) map[string]bool {
	out := make(map[string]bool, len(m))
	for k := range m {
		out[string(k)] = true
	}
	return out
}

// record appends a store write to the trace, attributed to the component
// whose event is running, or to "user" outside any event.
func (s *Sim) record(object, action, detail string) {
	who := s.current
	if who == "" {
		who = "user"
	}
	s.trace.add(TraceEntry{At: s.now, Component: who, Object: object, Action: action, Detail: detail})
}

// dump renders the whole store, for tests that check a failed call changed
// nothing.
func (s *Sim) dump() string {
	var b strings.Builder
	fmt.Fprintf(&b, "rv=%d\n", s.store.rv)
	for _, kind := range s.store.kinds() {
		s.store.each(kind, "", func(o Object) bool {
			j, err := json.Marshal(o)
			if err != nil {
				panic(err)
			}
			b.Write(j)
			b.WriteByte('\n')
			return true
		})
	}
	return b.String()
}

// The endpoints controller, outside this package, writes through package
// owned.
func init() {
	owned.Create = func(sim, obj any) (any, error) {
		s := sim.(*Sim)
		s.check()
		o, err := s.createOwned(obj.(Object))
		if err != nil {
			return nil, err
		}
		return o, nil
	}
	owned.Update = func(sim, obj any) (uint64, error) {
		s := sim.(*Sim)
		s.check()
		o, err := s.updateOwned(obj.(Object))
		if err != nil {
			return 0, err
		}
		return o.Meta().ResourceVersion, nil
	}
}

package cluster

const garbageCollectorName = "garbage-collector"

// startGarbageCollector runs the garbage collector's background cascading
// deletion: when an owner is deleted, the objects it controlled are deleted
// too (pods gracefully), as `kubectl delete` does by default.
func (s *Sim) startGarbageCollector() {
	lag := s.cfg.Timing.lagFor(s.cfg.Timing.Controllers)
	s.watchShared(garbageCollectorName, lag, nil, func(ev WatchEvent) {
		if ev.Type != Deleted {
			return
		}
		owner := ev.Object.Meta()
		for _, kind := range []Kind{KindReplicaSet, KindPod} {
			var victims []Object
			s.store.each(kind, owner.Namespace, func(o Object) bool {
				if ownedOnlyBy(o.Meta(), owner.UID, s) {
					victims = append(victims, o)
				}
				return true
			})
			for _, o := range victims {
				m := o.Meta()
				if m.DeletionTimestamp == nil {
					_ = s.Delete(kind, m.Namespace, m.Name, DeleteOptions{})
				}
			}
		}
	}, KindDeployment, KindReplicaSet, KindReplicationController)
}

// ownedOnlyBy reports whether m names uid as an owner and every other owner
// it names is gone, so that deleting uid leaves it with none.
func ownedOnlyBy(m *ObjectMeta, uid string, s *Sim) bool {
	found := false
	for _, r := range m.OwnerReferences {
		if r.UID == uid {
			found = true
			continue
		}
		if o, ok := s.store.get(r.Kind, m.Namespace, r.Name); ok && o.Meta().UID == r.UID {
			return false
		}
	}
	return found
}

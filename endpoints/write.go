package endpoints

import (
	"maps"
	"slices"

	"github.com/svcsim/svcsim/cluster"
	"github.com/svcsim/svcsim/internal/owned"
)

// The controller's writes hand the store objects built for each write,
// which neither the controller nor the store modifies afterwards: the
// store keeps them as they are, rather than copying them in and out as it
// must a user's, and they may share memory with the versions before them.

// create stores obj and returns it as stored, its name and
// resourceVersion set.
func (c *Controller) create(obj cluster.Object) (cluster.Object, error) {
	out, err := owned.Create(c.s, obj)
	if err != nil {
		return nil, err
	}
	return out.(cluster.Object), nil
}

// update replaces the stored version of obj with obj and returns the
// resourceVersion stored.
func (c *Controller) update(obj cluster.Object) (uint64, error) {
	return owned.Update(c.s, obj)
}

// published returns the version of a slice to hand the store: the
// controller goes on changing its own in place, sync after sync, so the
// store gets its own list of endpoints and annotations. The rest is
// only ever replaced whole, and is shared.
func published(o *cluster.EndpointSlice) *cluster.EndpointSlice {
	p := *o
	p.Endpoints = slices.Clone(o.Endpoints)
	p.Annotations = maps.Clone(o.Annotations)
	return &p
}

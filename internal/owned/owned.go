// Package owned lets the module's own controllers outside package cluster
// (the endpoints controller) hand the store objects they built for the
// purpose, without the copies that keep a user's objects apart from the
// store's. Only this module can import it, so a user's write always goes
// through the copying, fully validating Sim.Create and Sim.Update.
//
// Package cluster fills in the functions when it is initialised. They are
// typed with any, since this package cannot import cluster (cluster
// imports it): sim is a *cluster.Sim and obj a cluster.Object.
package owned

var (
	// Create stores obj, which the caller must not modify afterwards, and
	// returns it as stored.
	Create func(sim, obj any) (any, error)
	// Update replaces the stored version of obj with obj itself, which the
	// caller must not modify afterwards, and returns the resourceVersion
	// stored.
	Update func(sim, obj any) (uint64, error)
)

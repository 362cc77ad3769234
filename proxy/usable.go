package proxy

// Endpoint is one backend of a Service port, as kube-proxy reads it from an
// EndpointSlice.
type Endpoint struct {
	// IP and Port are where connections go.
	IP   string
	Port int32
	// Node is the node the pod runs on, for Local traffic policies.
	Node string
	// Pod names the pod, "namespace/name".
	Pod string
	// Ready, Serving and Terminating are the slice's conditions, with
	// Kubernetes' reading of absent ones already applied (nil ready or
	// serving is true, nil terminating false).
	Ready, Serving, Terminating bool
}

// Usable returns the endpoints a proxy may send a connection to, as
// kube-proxy's CategorizeEndpoints decides: the ready ones; if there are
// none, the ones that are serving while terminating, so that a Service
// whose pods are all shutting down still answers. With local set, only the
// endpoints on node count (internalTrafficPolicy or externalTrafficPolicy
// Local). Not-ready endpoints that are not terminating are never used. The
// result keeps the input's order and shares nothing with it.
func Usable(eps []Endpoint, local bool, node string) []Endpoint {
	var ready, fallback []Endpoint
	for _, e := range eps {
		if local && e.Node != node {
			continue
		}
		switch {
		case e.Ready:
			ready = append(ready, e)
		case e.Serving && e.Terminating:
			fallback = append(fallback, e)
		}
	}
	if len(ready) > 0 {
		return ready
	}
	return fallback
}

// HasAny reports whether any endpoint anywhere could take traffic: with
// none, kube-proxy rejects connections outright (the client sees
// "connection refused"), whereas a Local policy with endpoints only on
// other nodes drops them (the client times out).
func HasAny(eps []Endpoint) bool {
	for _, e := range eps {
		if e.Ready || e.Serving && e.Terminating {
			return true
		}
	}
	return false
}

package dns

import (
	"math/rand/v2"
	"slices"

	"github.com/svcsim/svcsim/cluster"
	"github.com/svcsim/svcsim/endpoints"
)

// Name is the server's component name in the trace.
const Name = "coredns"

// Options configure the server. The zero Options are kubeadm's CoreDNS:
// zone cluster.local, the cluster's watch lag, a TTL of 5 seconds.
type Options struct {
	// Zone is the cluster domain; "" means [DefaultZone]. It must be a
	// valid domain name.
	Zone string
	// Lag is the delay of the server's watches; nil means the cluster's
	// Timing.Watch.
	Lag cluster.Lag
	// TTL is every record's time to live in seconds; 0 means [DefaultTTL].
	TTL uint32
}

// Server is the cluster DNS: its view of Services and EndpointSlices and
// the records it serves from that view. Build it with [Start]; the zero
// Server is not usable. Like the cluster, it must be used from one
// goroutine at a time.
type Server struct {
	s    *cluster.Sim
	zone string // lower case, absolute: "cluster.local."
	ttl  uint32

	services map[string]*cluster.Service // by namespace/name
	slices   endpoints.SliceIndex

	// dirty are the Services whose records are out of date; they are
	// rebuilt at the next question, so a burst of slice updates costs one
	// rebuild.
	dirty map[string]bool
	// names is the index of every name that exists, by its canonical form,
	// and owned the names each Service contributes to.
	names map[string]*node
	owned map[string][]string

	cache map[cacheKey]*cached
	rand  *rand.Rand // Lookup's own stream
}

// Start runs the cluster DNS on s from now on: it watches Services and
// EndpointSlices with its own lag, like CoreDNS's informers, and answers
// from what it has seen, so a Service created a moment ago may not resolve
// yet. Even the Services that exist already resolve only once their watch
// events arrive, when the loop next runs. It panics if s is nil.
func Start(s *cluster.Sim, opts Options) (*Server, error) {
	if s == nil {
		panic("dns: Start with a nil *cluster.Sim")
	}
	zone := zoneName(opts.Zone)
	if _, _, reason := canonical(zone); reason != "" {
		return nil, &Error{Name: opts.Zone, Err: ErrInvalidName, Reason: "zone: " + reason}
	}
	if opts.Lag == nil {
		opts.Lag = s.Config().Timing.Watch
	}
	if opts.TTL == 0 {
		opts.TTL = DefaultTTL
	}
	sv := &Server{
		s: s, zone: zone, ttl: opts.TTL,
		services: map[string]*cluster.Service{},
		dirty:    map[string]bool{},
		names:    map[string]*node{},
		owned:    map[string][]string{},
		cache:    map[cacheKey]*cached{},
		rand:     s.Stream("dns lookup"),
	}
	// The apexes exist whatever the cluster holds, as a zone's SOA does.
	sv.replace("", []entry{{name: zone}, {name: reverseZone}})
	s.WatchShared(Name, opts.Lag, sv.onService, cluster.KindService)
	s.WatchShared(Name, opts.Lag, sv.onSlice, cluster.KindEndpointSlice)
	return sv, nil
}

// Zone returns the cluster domain the server answers for, absolute.
func (sv *Server) Zone() string {
	sv.check()
	return sv.zone
}

// check panics, at the call, if sv was not made by Start: a zero Server
// has no records, no cache and no stream, and would fail deep inside.
func (sv *Server) check() {
	if sv == nil || sv.cache == nil {
		panic("dns: use of a Server not made by dns.Start")
	}
}

func key(ns, name string) string { return ns + "/" + name }

// changed records that a Service's records may differ now: they are
// rebuilt at the next question, and every cached answer is dropped.
func (sv *Server) changed(k string) {
	sv.dirty[k] = true
	if len(sv.cache) > 0 {
		clear(sv.cache)
	}
}

func (sv *Server) onService(ev cluster.WatchEvent) {
	svc := ev.Object.(*cluster.Service)
	k := key(svc.Namespace, svc.Name)
	if ev.Type == cluster.Deleted {
		delete(sv.services, k)
	} else {
		sv.services[k] = svc
	}
	sv.changed(k)
}

func (sv *Server) onSlice(ev cluster.WatchEvent) {
	old, cur := sv.slices.Apply(ev)
	for _, k := range [2]string{old, cur} {
		if k != "" {
			sv.slicesChanged(k)
		}
	}
}

// slicesChanged marks a Service whose slices changed, if its records come
// from them: a Service with a cluster IP answers with that IP whatever its
// endpoints do, so its cached answers stay good through a rollout.
func (sv *Server) slicesChanged(k string) {
	if svc := sv.services[k]; svc != nil && !headless(svc) {
		return
	}
	sv.changed(k)
}

// headless reports whether a Service's records come from its endpoints:
// it is not an ExternalName and has no cluster IP.
func headless(svc *cluster.Service) bool {
	return svc.Spec.Type != cluster.ServiceTypeExternalName &&
		(svc.Spec.ClusterIP == cluster.ClusterIPNone || svc.Spec.ClusterIP == "")
}

// flush rebuilds the records of every Service marked dirty. The order is
// fixed for good measure, though the index ends the same in any order.
func (sv *Server) flush() {
	if len(sv.dirty) == 0 {
		return
	}
	keys := make([]string, 0, len(sv.dirty))
	for k := range sv.dirty {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	clear(sv.dirty)
	for _, k := range keys {
		sv.replace(k, sv.build(k))
	}
}

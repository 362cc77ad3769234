// Package dns is svcsim's cluster DNS: a model of CoreDNS with the
// kubernetes plugin (schema 1.1.0), answering the names Services get, and of
// the resolver a pod with dnsPolicy ClusterFirst uses to look them up.
//
// [Start] runs the server on a cluster. Like CoreDNS's informers, it learns
// of Services and EndpointSlices only through its own watches, with its own
// lag, and answers from what it has seen: a Service created a moment ago
// does not resolve until its watch event arrives, and a deleted one still
// does until then. With the default [cluster.Instant] timing the server
// catches up as soon as the loop runs; with [cluster.Realistic] it trails
// the store by tens of milliseconds.
//
// # Records
//
// In the zone (cluster.local unless [Options] say otherwise):
//
//   - <svc>.<ns>.svc.<zone>: A, the cluster IP, for a Service with one, even
//     with no endpoints; one A per ready endpoint address of a headless
//     Service (none ready: the name does not exist); a CNAME to
//     spec.externalName for an ExternalName Service.
//   - <host>.<svc>.<ns>.svc.<zone>: A, for each ready endpoint of a headless
//     Service, where host is the endpoint's hostname (a pod's spec.hostname
//     when its spec.subdomain is the Service) or else its dashed address,
//     10-244-1-5.
//   - _<port>._<proto>.<svc>.<ns>.svc.<zone>: SRV, for each named port: one
//     record at the Service's own name and port, or for a headless Service
//     one per ready endpoint at its hostname and the endpoint's port.
//   - <reversed IP>.in-addr.arpa: PTR, back to the name of each cluster IP
//     and each ready headless endpoint.
//
// A name that exists but has no record of the type asked has an empty
// answer (NODATA); any other name does not exist (NXDOMAIN). The names
// between the zone and a record, such as <ns>.svc.<zone>, exist as soon as
// something below them does. Nothing outside the cluster exists: the
// simulation has no upstream servers, so a CNAME that leaves the zone
// cannot be followed and [Server.Lookup] says so with [ErrNoUpstream].
//
// # Resolving like a pod
//
// [Server.Lookup] applies the search list and ndots:5 a pod's
// /etc/resolv.conf holds ([SearchPath]), follows CNAMEs inside the zone,
// and, like the loadbalance plugin of kubeadm's default Corefile, rotates
// an answer of several addresses by an offset drawn from a seeded stream,
// so that clients that take the first address spread over the pods and
// runs stay repeatable. Lookup draws from the server's own stream, so a
// lookup made to look changes nothing; the data plane's clients resolve
// with [Server.LookupWith] and their own. [Server.Query] answers one question
// with the records sorted, for stable output.
//
// # Speed
//
// Lookup is meant for the hot path of a load generator. The server keeps
// an index of every name and a cache of finished answers by (namespace,
// name), emptied whenever its view changes, so a repeated lookup costs a
// map access and allocates nothing. Answers share slices with the server:
// callers must not modify them.
//
// Not modelled: AAAA records (svcsim's clusters are IPv4), pod records
// (<dashed-ip>.<ns>.pod.<zone>), the dns-version TXT record, wildcard
// queries and negative-answer caching in the client.
package dns

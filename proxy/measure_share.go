package proxy

import (
	"slices"
	"strings"
)

// VersionOf names the version an endpoint runs, for [Node.Shares]: pod is
// what the network knows of the endpoint's pod, image the image of the
// container that listens on the endpoint's port ("" if none). When the
// pod is gone but the rules still hold it, pod has no Labels and image is
// "": [ByLabel] and [ByImage] then name the version "", the part of new
// connections that would fail.
type VersionOf func(pod PodInfo, image string) string

// ByLabel names versions by the value of a pod label, as [Load.GroupBy]
// does: ByLabel("version"), ByLabel("app").
func ByLabel(key string) VersionOf {
	return func(pod PodInfo, _ string) string { return pod.Labels[key] }
}

// ByImage names versions by container image, as a [Load] with no GroupBy
// does.
func ByImage(_ PodInfo, image string) string { return image }

// Share is one version's part of the endpoints a proxy picks from.
type Share struct {
	Version string
	// Endpoints is how many of the endpoints run the version.
	Endpoints int
	// Fraction is Endpoints over all of them: the chance that a new
	// connection goes to the version, in iptables mode, and its part of
	// the connections in IPVS's round robin.
	Fraction float64
}

// Shares are the versions' parts of a Service's endpoints, sorted by
// version; their fractions sum to 1, or they are empty when there is no
// endpoint to pick.
type Shares []Share

// Of returns the fraction of the given version, 0 if it has none.
func (s Shares) Of(version string) float64 {
	for _, x := range s {
		if x.Version == version {
			return x.Fraction
		}
	}
	return 0
}

// Shares returns the declared share of each version among the endpoints
// this node's proxy would send a new connection to the Service's cluster
// IP to right now: its rules as last synced, on the Service's
// lowest-numbered port (with the Local internal traffic policy, only this
// node's endpoints). Compare a load's [Tally] with it: what was answered
// against what was programmed. It reads only: it draws nothing and
// changes nothing. A nil version names versions by image.
func (n *Node) Shares(namespace, service string, version VersionOf) Shares {
	if version == nil {
		version = ByImage
	}
	if namespace == "" {
		namespace = "default"
	}
	b := n.clusterIPRule(key(namespace, service))
	if b == nil || len(b.eps) == 0 {
		return nil
	}
	count := map[string]int{}
	for _, e := range b.eps {
		count[version(n.p.endpointPod(e))]++
	}
	out := make(Shares, 0, len(count))
	for v, c := range count {
		out = append(out, Share{Version: v, Endpoints: c, Fraction: float64(c) / float64(len(b.eps))})
	}
	slices.SortFunc(out, func(a, b Share) int { return strings.Compare(a.Version, b.Version) })
	return out
}

// clusterIPRule returns the backends of the rule for the Service's
// cluster IP on its lowest port (and protocol, by name), or nil.
func (n *Node) clusterIPRule(svc string) *Backends {
	var best *dest
	var found *rule
	for d, r := range n.rules {
		if r.service != svc || r.external {
			continue
		}
		if best == nil || d.port < best.port || d.port == best.port && d.proto < best.proto {
			best, found = &d, r
		}
	}
	if found == nil {
		return nil
	}
	return found.backends
}

// endpointPod returns what the network knows of an endpoint's pod, and
// the image of the container listening on its port.
func (p *Proxies) endpointPod(e Endpoint) (PodInfo, string) {
	if rec := p.pods[e.IP]; rec != nil && rec.key == e.Pod {
		image := ""
		if i := rec.listener(p.apps, e.Port); i >= 0 {
			image = rec.containers[i].Image
		}
		return rec.info, image
	}
	ns, name := splitKey(e.Pod)
	return PodInfo{Namespace: ns, Name: name, IP: e.IP, Node: e.Node}, ""
}

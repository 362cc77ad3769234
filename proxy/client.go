package proxy

import (
	"errors"
	"fmt"
	"net/netip"

	"github.com/svcsim/svcsim/cluster"
)

// Client is where a request starts: inside a pod, on a node, or on a
// machine outside the cluster. Where it starts decides which node's
// kube-proxy rules the packets meet, which names it can resolve, and
// which addresses it can reach at all.
type Client struct {
	kind      clientKind
	namespace string
	name      string // pod or node name
	ip        string // pod or outside address
}

type clientKind uint8

const (
	podClient clientKind = iota + 1
	podIPClient
	nodeClient
	outsideClient
)

// FromPod is a client in the named pod, as with kubectl exec: it resolves
// names through the cluster DNS with its namespace's search path, and its
// node's kube-proxy routes its connections.
func FromPod(namespace, name string) Client {
	if namespace == "" {
		namespace = "default"
	}
	return Client{kind: podClient, namespace: namespace, name: name}
}

// FromPodIP is a client in whichever pod has the address ip.
func FromPodIP(ip string) Client { return Client{kind: podIPClient, ip: ip} }

// FromNode is a client on the named node itself, like curl run over ssh:
// it reaches cluster IPs, pod IPs and NodePorts, but its resolver is the
// host's, which knows no cluster names.
func FromNode(name string) Client { return Client{kind: nodeClient, name: name} }

// FromOutside is a client outside the cluster at address ip. It can reach
// a node's IP on a NodePort, a load balancer's IP and external IPs, but not
// cluster IPs or pod IPs, which are not routed outside the cluster.
func FromOutside(ip string) Client { return Client{kind: outsideClient, ip: ip} }

// String describes the client: "pod/default/testclient", "node/node-1",
// "outside/203.0.113.7".
func (c Client) String() string {
	switch c.kind {
	case podClient:
		return "pod/" + c.namespace + "/" + c.name
	case podIPClient:
		return "pod/" + c.ip
	case nodeClient:
		return "node/" + c.name
	case outsideClient:
		return "outside/" + c.ip
	}
	return "nowhere"
}

// ErrNoClient is returned for a request whose client does not exist or
// cannot send: an unknown pod or node, a pod that is not running, an
// outside address that is not one.
var ErrNoClient = errors.New("proxy: no such client")

// origin is a client as found at the moment it sends.
type origin struct {
	node      string // "" outside the cluster
	ip        string
	namespace string             // a pod's namespace, for its DNS search path
	pod       cluster.RuntimeRef // a pod's runtime, to check it again without a lookup
}

// still reports whether a pod client found earlier can still send, without
// looking it up by name again.
func (p *Proxies) still(o origin) bool {
	rt, ok := o.pod.Runtime()
	return ok && rt.Running && rt.NodeUp
}

// find locates the client now. A pod must be running on a node that is
// up: kubectl exec into anything else fails.
func (p *Proxies) find(c Client) (origin, error) {
	switch c.kind {
	case podClient, podIPClient:
		ns, name := c.namespace, c.name
		if c.kind == podIPClient {
			rec := p.pods[c.ip]
			if rec == nil {
				return origin{}, fmt.Errorf("%w: no pod has the address %s", ErrNoClient, c.ip)
			}
			ns, name = rec.info.Namespace, rec.info.Name
		}
		rt, ok := p.s.Runtime(ns, name)
		if !ok {
			if _, exists := p.s.Get(cluster.KindPod, ns, name); exists {
				return origin{}, fmt.Errorf("%w: pod %s/%s is not running on any node", ErrNoClient, ns, name)
			}
			return origin{}, fmt.Errorf("%w: %w: pods %q not found in namespace %q", ErrNoClient, cluster.ErrNotFound, name, ns)
		}
		if !rt.Running || !rt.NodeUp || rt.IP == "" {
			return origin{}, fmt.Errorf("%w: pod %s/%s is not running", ErrNoClient, ns, name)
		}
		ref, _ := p.s.RuntimeRef(rt.UID)
		return origin{node: rt.Node, ip: rt.IP, namespace: ns, pod: ref}, nil
	case nodeClient:
		n := p.Node(c.name)
		if n == nil {
			return origin{}, fmt.Errorf("%w: %w: nodes %q not found", ErrNoClient, cluster.ErrNotFound, c.name)
		}
		if !p.s.NodeReachable(n.name) {
			return origin{}, fmt.Errorf("%w: node %s is down", ErrNoClient, n.name)
		}
		return origin{node: n.name, ip: n.ip}, nil
	case outsideClient:
		if _, err := netip.ParseAddr(c.ip); err != nil {
			return origin{}, fmt.Errorf("%w: %q is not an IP address", ErrNoClient, c.ip)
		}
		return origin{ip: c.ip}, nil
	}
	return origin{}, fmt.Errorf("%w: the zero Client; use FromPod, FromPodIP, FromNode or FromOutside", ErrNoClient)
}

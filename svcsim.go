package svcsim

import (
	"github.com/svcsim/svcsim/cluster"
	"github.com/svcsim/svcsim/dns"
	"github.com/svcsim/svcsim/endpoints"
	"github.com/svcsim/svcsim/kubectl"
	"github.com/svcsim/svcsim/proxy"
)

// Config configures every part; the zero Config is a three-node cluster
// with Kubernetes' defaults, seeded with 0.
type Config struct {
	// Config is the cluster's: seed, nodes, timing, address ranges.
	cluster.Config
	// Endpoints configures the endpoints controller.
	Endpoints endpoints.Options
	// DNS configures the cluster DNS.
	DNS dns.Options
	// Proxy configures kube-proxy; its DNS field is set by New.
	Proxy proxy.Options
}

// Cluster is a simulated cluster with the endpoints controller, the
// cluster DNS and kube-proxy running. The embedded Sim drives it and
// offers kubectl; Proxies sends requests.
type Cluster struct {
	*cluster.Sim
	DNS     *dns.Server
	Proxies *proxy.Proxies
}

// New builds the cluster described by cfg and starts its data plane. It
// returns the cluster's, the DNS server's, the endpoints controller's and
// kube-proxy's configuration errors unchanged.
func New(cfg Config) (*Cluster, error) {
	s, err := cluster.New(cfg.Config)
	if err != nil {
		return nil, err
	}
	d, err := dns.Start(s, cfg.DNS)
	if err != nil {
		return nil, err
	}
	if _, err := endpoints.Start(s, cfg.Endpoints); err != nil {
		return nil, err
	}
	c := &Cluster{Sim: s, DNS: d}
	cfg.Proxy.DNS = d
	if c.Proxies, err = proxy.Start(s, cfg.Proxy); err != nil {
		return nil, err
	}
	return c, nil
}

// Kubectl returns a kubectl client of the cluster for namespace ("" means
// "default"), as [kubectl.New] does.
func (c *Cluster) Kubectl(namespace string) *kubectl.Client {
	return kubectl.New(c.Sim, namespace)
}

// Get sends a GET for url from the named pod in the default namespace, as
// `kubectl exec pod -- wget -qO - url` would, and runs the simulation until
// it ends.
func (c *Cluster) Get(pod, url string) (proxy.Response, error) {
	return c.Proxies.Do(proxy.Request{From: proxy.FromPod("default", pod), URL: url})
}

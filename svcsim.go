package svcsim

import (
	"math/rand/v2"

	"github.com/svcsim/svcsim/cluster"
	"github.com/svcsim/svcsim/dns"
	"github.com/svcsim/svcsim/endpoints"
	"github.com/svcsim/svcsim/kubectl"
	"github.com/svcsim/svcsim/proxy"
)

// Config configures every part; the zero Config is a three-node cluster
// with Kubernetes' defaults, seeded with 0. Its first fields are
// [cluster.Config]'s, with the same names, types and meanings, so that
// svcsim.Config{Seed: 1} reads as it would for the cluster alone.
type Config struct {
	// Seed seeds every random choice; see [cluster.Config.Seed].
	Seed uint64
	// Nodes is the number of nodes; 0 means 3.
	Nodes int
	// Zones spreads the nodes over failure zones; see [cluster.Config.Zones].
	Zones []string
	// Region, if not empty, labels every node with its region.
	Region string
	// Timing is how long things take; the zero Timing is [cluster.Instant].
	Timing cluster.Timing
	// PodCIDR is the cluster's pod range, default 10.244.0.0/16.
	PodCIDR string
	// NodeCIDRMaskSize is the size of each node's pod range, default /24.
	NodeCIDRMaskSize int
	// NodeIPBase is the first node's InternalIP, default 172.18.0.2.
	NodeIPBase string
	// TraceCapacity is how many trace entries to keep in memory; see
	// [cluster.Config.TraceCapacity].
	TraceCapacity int
	// SettleLimit bounds the events one Settle, RunFor or RunUntil may run;
	// 0 means [cluster.DefaultSettleLimit].
	SettleLimit int
	// EventCapacity is how many events (kubectl get events) to keep; see
	// [cluster.Config.EventCapacity].
	EventCapacity int
	// ServiceCIDR is the range cluster IPs come from, default 10.96.0.0/12.
	ServiceCIDR string
	// NodePortRange is the range node ports come from, default
	// "30000-32767".
	NodePortRange string
	// LoadBalancerIPs is the pool LoadBalancer Services take their external
	// address from; empty leaves them <pending>.
	LoadBalancerIPs []string
	// Source, when set, feeds every random stream; it is for test kits
	// (see [cluster.Config.Source]).
	Source func(name string) rand.Source

	// Endpoints configures the endpoints controller.
	Endpoints endpoints.Options
	// DNS configures the cluster DNS.
	DNS dns.Options
	// Proxy configures kube-proxy; its DNS field is set by New.
	Proxy proxy.Options
}

// cluster returns the cluster's part of cfg. config_test.go checks by
// reflection that it carries every field of cluster.Config.
func (cfg Config) cluster() cluster.Config {
	return cluster.Config{
		Seed:             cfg.Seed,
		Nodes:            cfg.Nodes,
		Zones:            cfg.Zones,
		Region:           cfg.Region,
		Timing:           cfg.Timing,
		PodCIDR:          cfg.PodCIDR,
		NodeCIDRMaskSize: cfg.NodeCIDRMaskSize,
		NodeIPBase:       cfg.NodeIPBase,
		TraceCapacity:    cfg.TraceCapacity,
		SettleLimit:      cfg.SettleLimit,
		EventCapacity:    cfg.EventCapacity,
		ServiceCIDR:      cfg.ServiceCIDR,
		NodePortRange:    cfg.NodePortRange,
		LoadBalancerIPs:  cfg.LoadBalancerIPs,
		Source:           cfg.Source,
	}
}

// Cluster is a simulated cluster with the endpoints controller, the
// cluster DNS and kube-proxy running. The embedded Sim drives it; Kubectl
// gives a client, Fetch a pod's wget, and Proxies sends any request.
type Cluster struct {
	*cluster.Sim
	DNS     *dns.Server
	Proxies *proxy.Proxies
}

// New builds the cluster described by cfg and starts its data plane. It
// returns the cluster's, the DNS server's, the endpoints controller's and
// kube-proxy's configuration errors unchanged.
func New(cfg Config) (*Cluster, error) {
	s, err := cluster.New(cfg.cluster())
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
// "default"): [kubectl.New]'s client, given the cluster's kube-proxies and
// DNS server so that what it runs in a pod can reach the network.
func (c *Cluster) Kubectl(namespace string) *kubectl.Client {
	return kubectl.New(c.Sim, namespace).WithNetwork(c.Proxies, c.DNS)
}

// Fetch sends a GET for url from the named pod in the default namespace, as
// `kubectl exec POD -- wget -qO - URL` would, and runs the simulation until
// it ends.
func (c *Cluster) Fetch(pod, url string) (proxy.Response, error) {
	return c.Proxies.Do(proxy.Request{From: proxy.FromPod("default", pod), URL: url})
}

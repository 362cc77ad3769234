package cluster

import "github.com/svcsim/svcsim/selector"

// Kinds of the service layer.
const (
	KindService       Kind = "Service"
	KindEndpoints     Kind = "Endpoints"
	KindEndpointSlice Kind = "EndpointSlice"
)

// ServiceType says how a Service is exposed.
type ServiceType string

// Service types.
const (
	ServiceTypeClusterIP    ServiceType = "ClusterIP"
	ServiceTypeNodePort     ServiceType = "NodePort"
	ServiceTypeLoadBalancer ServiceType = "LoadBalancer"
	ServiceTypeExternalName ServiceType = "ExternalName"
)

// ClusterIPNone marks a headless Service: no virtual IP, DNS answers with
// the endpoints' addresses.
const ClusterIPNone = "None"

// Service is a stable front — an IP, a DNS name and ports — for the
// changing set of pods its selector matches.
type Service struct {
	ObjectMeta `json:"metadata"`
	Spec       ServiceSpec   `json:"spec"`
	Status     ServiceStatus `json:"status,omitempty"`
}

// ServiceSpec is what the Service selects and how it is reached.
type ServiceSpec struct {
	// Type defaults to ClusterIP.
	Type ServiceType `json:"type,omitempty"`
	// Selector picks the pods by equality on labels. Empty means the
	// Service's Endpoints are not managed: write them yourself.
	Selector selector.Set `json:"selector,omitempty"`
	// Ports the Service exposes; a name is required when there are several.
	Ports []ServicePort `json:"ports,omitempty"`
	// ClusterIP is allocated when empty; "None" makes the Service headless.
	ClusterIP  string   `json:"clusterIP,omitempty"`
	ClusterIPs []string `json:"clusterIPs,omitempty"`
	// ExternalName is the DNS name an ExternalName Service aliases.
	ExternalName string `json:"externalName,omitempty"`
	// ExternalIPs are extra addresses the Service answers on.
	ExternalIPs []string `json:"externalIPs,omitempty"`
	// SessionAffinity is None (the default) or ClientIP.
	SessionAffinity       string                 `json:"sessionAffinity,omitempty"`
	SessionAffinityConfig *SessionAffinityConfig `json:"sessionAffinityConfig,omitempty"`
	// ExternalTrafficPolicy is Cluster or Local, for NodePort and
	// LoadBalancer Services.
	ExternalTrafficPolicy string `json:"externalTrafficPolicy,omitempty"`
	// InternalTrafficPolicy is Cluster (the default) or Local.
	InternalTrafficPolicy *string `json:"internalTrafficPolicy,omitempty"`
	// PublishNotReadyAddresses publishes every matching pod as ready.
	PublishNotReadyAddresses bool `json:"publishNotReadyAddresses,omitempty"`
	// IPFamilies and IPFamilyPolicy default to [IPv4] and SingleStack for
	// Services with a cluster IP.
	IPFamilies     []string `json:"ipFamilies,omitempty"`
	IPFamilyPolicy *string  `json:"ipFamilyPolicy,omitempty"`
	// AllocateLoadBalancerNodePorts defaults to true for LoadBalancer.
	AllocateLoadBalancerNodePorts *bool `json:"allocateLoadBalancerNodePorts,omitempty"`
	// HealthCheckNodePort serves LoadBalancer Services with Local policy.
	HealthCheckNodePort int32 `json:"healthCheckNodePort,omitempty"`
}

// ServicePort is one port of a Service and where it leads on the pods.
type ServicePort struct {
	Name        string   `json:"name,omitempty"`
	Protocol    Protocol `json:"protocol,omitempty"`
	AppProtocol *string  `json:"appProtocol,omitempty"`
	// Port is the Service's own port.
	Port int32 `json:"port"`
	// TargetPort is the pods' port, a number or a container port's name;
	// it defaults to Port.
	TargetPort IntOrString `json:"targetPort,omitempty"`
	// NodePort is the port on every node, for NodePort and LoadBalancer.
	NodePort int32 `json:"nodePort,omitempty"`
}

// SessionAffinityConfig holds the ClientIP affinity timeout.
type SessionAffinityConfig struct {
	ClientIP *ClientIPConfig `json:"clientIP,omitempty"`
}

// ClientIPConfig is ClientIP affinity's timeout, default 10800 s.
type ClientIPConfig struct {
	TimeoutSeconds *int32 `json:"timeoutSeconds,omitempty"`
}

// ServiceStatus holds the load balancer's addresses, once it has some.
type ServiceStatus struct {
	LoadBalancer LoadBalancerStatus `json:"loadBalancer,omitempty"`
}

// LoadBalancerStatus lists a load balancer's ingress points.
type LoadBalancerStatus struct {
	Ingress []LoadBalancerIngress `json:"ingress,omitempty"`
}

// LoadBalancerIngress is one address a load balancer answers on.
type LoadBalancerIngress struct {
	IP       string `json:"ip,omitempty"`
	Hostname string `json:"hostname,omitempty"`
}

// Meta returns the Service's metadata.
func (s *Service) Meta() *ObjectMeta { return &s.ObjectMeta }

// Kind returns KindService.
func (*Service) Kind() Kind { return KindService }

// DeepCopyObject returns an independent copy.
func (s *Service) DeepCopyObject() Object { return s.DeepCopy() }

// DeepCopy returns an independent copy.
func (s *Service) DeepCopy() *Service {
	c := *s
	c.ObjectMeta = s.ObjectMeta.deepCopy()
	c.Spec.Selector = s.Spec.Selector.Clone()
	c.Spec.Ports = make([]ServicePort, len(s.Spec.Ports))
	for i, p := range s.Spec.Ports {
		p.AppProtocol = clonePtr(p.AppProtocol)
		c.Spec.Ports[i] = p
	}
	if s.Spec.Ports == nil {
		c.Spec.Ports = nil
	}
	c.Spec.ClusterIPs = append([]string(nil), s.Spec.ClusterIPs...)
	c.Spec.ExternalIPs = append([]string(nil), s.Spec.ExternalIPs...)
	c.Spec.IPFamilies = append([]string(nil), s.Spec.IPFamilies...)
	c.Spec.IPFamilyPolicy = clonePtr(s.Spec.IPFamilyPolicy)
	c.Spec.InternalTrafficPolicy = clonePtr(s.Spec.InternalTrafficPolicy)
	c.Spec.AllocateLoadBalancerNodePorts = clonePtr(s.Spec.AllocateLoadBalancerNodePorts)
	if a := s.Spec.SessionAffinityConfig; a != nil {
		c.Spec.SessionAffinityConfig = &SessionAffinityConfig{}
		if a.ClientIP != nil {
			c.Spec.SessionAffinityConfig.ClientIP = &ClientIPConfig{TimeoutSeconds: clonePtr(a.ClientIP.TimeoutSeconds)}
		}
	}
	c.Status.LoadBalancer.Ingress = append([]LoadBalancerIngress(nil), s.Status.LoadBalancer.Ingress...)
	return &c
}

func (*Service) sealed() {}

// Endpoints lists the addresses behind a Service, grouped into subsets of
// addresses that share ports. The Endpoints controller keeps it in step
// with the Service's pods; it has the Service's name.
type Endpoints struct {
	ObjectMeta `json:"metadata"`
	Subsets    []EndpointSubset `json:"subsets"`
}

// EndpointSubset is a set of addresses, ready and not, with the ports
// they all serve.
type EndpointSubset struct {
	Addresses         []EndpointAddress `json:"addresses,omitempty"`
	NotReadyAddresses []EndpointAddress `json:"notReadyAddresses,omitempty"`
	Ports             []EndpointPort    `json:"ports,omitempty"`
}

// EndpointAddress is one pod's address in an Endpoints subset.
type EndpointAddress struct {
	IP        string           `json:"ip"`
	Hostname  string           `json:"hostname,omitempty"`
	NodeName  *string          `json:"nodeName,omitempty"`
	TargetRef *ObjectReference `json:"targetRef,omitempty"`
}

// ObjectReference points at an object, such as an endpoint's pod.
type ObjectReference struct {
	Kind      Kind   `json:"kind,omitempty"`
	Namespace string `json:"namespace,omitempty"`
	Name      string `json:"name,omitempty"`
	UID       string `json:"uid,omitempty"`
}

// EndpointPort is a port the addresses of a subset serve.
type EndpointPort struct {
	Name        string   `json:"name,omitempty"`
	Port        int32    `json:"port"`
	Protocol    Protocol `json:"protocol,omitempty"`
	AppProtocol *string  `json:"appProtocol,omitempty"`
}

// Meta returns the Endpoints' metadata.
func (e *Endpoints) Meta() *ObjectMeta { return &e.ObjectMeta }

// Kind returns KindEndpoints.
func (*Endpoints) Kind() Kind { return KindEndpoints }

// DeepCopyObject returns an independent copy.
func (e *Endpoints) DeepCopyObject() Object { return e.DeepCopy() }

// DeepCopy returns an independent copy.
func (e *Endpoints) DeepCopy() *Endpoints {
	c := *e
	c.ObjectMeta = e.ObjectMeta.deepCopy()
	if e.Subsets != nil {
		c.Subsets = make([]EndpointSubset, len(e.Subsets))
		for i, s := range e.Subsets {
			c.Subsets[i] = EndpointSubset{
				Addresses:         copyAddresses(s.Addresses),
				NotReadyAddresses: copyAddresses(s.NotReadyAddresses),
				Ports:             append([]EndpointPort(nil), s.Ports...),
			}
		}
	}
	return &c
}

func copyAddresses(in []EndpointAddress) []EndpointAddress {
	if in == nil {
		return nil
	}
	out := make([]EndpointAddress, len(in))
	for i, a := range in {
		a.NodeName = clonePtr(a.NodeName)
		a.TargetRef = clonePtr(a.TargetRef)
		out[i] = a
	}
	return out
}

func (*Endpoints) sealed() {}

// EndpointSlice is a slice of a Service's endpoints, at most 100 by
// default, each with its readiness conditions; kube-proxy reads these.
type EndpointSlice struct {
	ObjectMeta  `json:"metadata"`
	AddressType string              `json:"addressType"`
	Endpoints   []Endpoint          `json:"endpoints"`
	Ports       []EndpointSlicePort `json:"ports"`
}

// Endpoint is one pod in an EndpointSlice.
type Endpoint struct {
	Addresses  []string           `json:"addresses"`
	Conditions EndpointConditions `json:"conditions,omitempty"`
	Hostname   *string            `json:"hostname,omitempty"`
	TargetRef  *ObjectReference   `json:"targetRef,omitempty"`
	NodeName   *string            `json:"nodeName,omitempty"`
	Zone       *string            `json:"zone,omitempty"`
}

// EndpointConditions say whether an endpoint should get traffic. A nil
// Ready or Serving means true, a nil Terminating false.
type EndpointConditions struct {
	Ready       *bool `json:"ready,omitempty"`
	Serving     *bool `json:"serving,omitempty"`
	Terminating *bool `json:"terminating,omitempty"`
}

// EndpointSlicePort is a port every endpoint of the slice serves.
type EndpointSlicePort struct {
	Name        *string   `json:"name,omitempty"`
	Protocol    *Protocol `json:"protocol,omitempty"`
	Port        *int32    `json:"port,omitempty"`
	AppProtocol *string   `json:"appProtocol,omitempty"`
}

// Meta returns the slice's metadata.
func (e *EndpointSlice) Meta() *ObjectMeta { return &e.ObjectMeta }

// Kind returns KindEndpointSlice.
func (*EndpointSlice) Kind() Kind { return KindEndpointSlice }

// DeepCopyObject returns an independent copy.
func (e *EndpointSlice) DeepCopyObject() Object { return e.DeepCopy() }

// DeepCopy returns an independent copy.
func (e *EndpointSlice) DeepCopy() *EndpointSlice {
	c := *e
	c.ObjectMeta = e.ObjectMeta.deepCopy()
	if e.Endpoints != nil {
		c.Endpoints = make([]Endpoint, len(e.Endpoints))
		for i, ep := range e.Endpoints {
			ep.Addresses = append([]string(nil), ep.Addresses...)
			ep.Conditions = EndpointConditions{Ready: clonePtr(ep.Conditions.Ready), Serving: clonePtr(ep.Conditions.Serving), Terminating: clonePtr(ep.Conditions.Terminating)}
			ep.Hostname = clonePtr(ep.Hostname)
			ep.TargetRef = clonePtr(ep.TargetRef)
			ep.NodeName = clonePtr(ep.NodeName)
			ep.Zone = clonePtr(ep.Zone)
			c.Endpoints[i] = ep
		}
	}
	if e.Ports != nil {
		c.Ports = make([]EndpointSlicePort, len(e.Ports))
		for i, p := range e.Ports {
			c.Ports[i] = EndpointSlicePort{Name: clonePtr(p.Name), Protocol: clonePtr(p.Protocol), Port: clonePtr(p.Port), AppProtocol: clonePtr(p.AppProtocol)}
		}
	}
	return &c
}

func (*EndpointSlice) sealed() {}

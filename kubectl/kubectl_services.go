package kubectl

import (
	"bytes"
	"fmt"
	"strconv"
	"strings"

	"github.com/svcsim/svcsim/cluster"
	"github.com/svcsim/svcsim/selector"
)

// ExposeOptions are kubectl expose's flags.
type ExposeOptions struct {
	// Port is the Service's port (--port). 0 takes the ports the exposed
	// object's containers declare, one Service port each, named port-1,
	// port-2... when there are several.
	Port int32
	// TargetPort is where the port leads on the pods (--target-port): a
	// number or a container port's name; "" means the port itself. A
	// number beyond int32 is taken as a name, as kubectl does, and the
	// apiserver refuses it (a name needs a letter).
	TargetPort string
	// Protocol is the ports' protocol (--protocol); "" takes the container
	// port's, else TCP.
	Protocol cluster.Protocol
	// Type is the Service's type (--type); "" means ClusterIP.
	Type cluster.ServiceType
	// Name is the Service's name (--name); "" means the exposed object's.
	Name string
	// ClusterIP is --cluster-ip: "" to allocate one, "None" for a headless
	// Service, or an address to request.
	ClusterIP string
}

// Expose creates a Service for a Deployment, ReplicaSet or pod, as
// `kubectl expose deployment|rs|pod NAME --port P --target-port T --type T
// --name N` does: its selector is the Deployment's or ReplicaSet's
// matchLabels, or the pod's labels; its labels are the object's. It prints
// "service/NAME exposed".
func (k *Client) Expose(kind cluster.Kind, name string, opts ExposeOptions) (*cluster.Service, error) {
	k.check()
	o, ok := k.s.Get(kind, k.ns, name)
	if !ok {
		return nil, &cluster.StatusError{Op: "get", Kind: kind, Namespace: k.ns, Name: name, Err: cluster.ErrNotFound}
	}
	var sel selector.Set
	var spec *cluster.PodSpec
	switch x := o.(type) {
	case *cluster.Deployment:
		sel, spec = matchLabels(x.Spec.Selector), &x.Spec.Template.Spec
	case *cluster.ReplicaSet:
		sel, spec = matchLabels(x.Spec.Selector), &x.Spec.Template.Spec
	case *cluster.Pod:
		if len(x.Labels) == 0 {
			return nil, fmt.Errorf("%w: couldn't retrieve selectors via --selector flag or introspection: the pod has no labels and cannot be exposed", ErrUsage)
		}
		sel, spec = x.Labels.Clone(), &x.Spec
	default:
		return nil, fmt.Errorf("%w: cannot expose a %s", ErrUsage, kind)
	}
	if sel == nil {
		return nil, fmt.Errorf("%w: couldn't retrieve selectors via --selector flag or introspection: couldn't convert expressions to map-based selector format", ErrUsage)
	}
	ports, err := exposedPorts(spec, opts)
	if err != nil {
		return nil, err
	}
	svc := &cluster.Service{
		ObjectMeta: cluster.ObjectMeta{Name: opts.Name, Namespace: k.ns, Labels: o.Meta().Labels.Clone()},
		Spec:       cluster.ServiceSpec{Type: opts.Type, Selector: sel, Ports: ports, ClusterIP: opts.ClusterIP},
	}
	if svc.Name == "" {
		svc.Name = name
	}
	out, err := k.s.Create(svc)
	if err != nil {
		return nil, err
	}
	k.say("service/%s exposed", svc.Name)
	return out.(*cluster.Service), nil
}

// matchLabels returns a workload selector as a Service's map-based one,
// or nil when it has expressions a map cannot hold.
func matchLabels(ls *selector.LabelSelector) selector.Set {
	if ls == nil || len(ls.MatchExpressions) > 0 || len(ls.MatchLabels) == 0 {
		return nil
	}
	return selector.Set(ls.MatchLabels).Clone()
}

// exposedPorts builds the Service's ports from the flags, or from the
// container ports when no port is given.
func exposedPorts(spec *cluster.PodSpec, opts ExposeOptions) ([]cluster.ServicePort, error) {
	var numbers []int32
	protocols := map[int32][]cluster.Protocol{} // what the containers declare per port
	for _, c := range spec.Containers {
		for _, p := range c.Ports {
			if opts.Port == 0 {
				numbers = append(numbers, p.ContainerPort)
			}
			proto := p.Protocol
			if proto == "" {
				proto = cluster.ProtocolTCP
			}
			protocols[p.ContainerPort] = append(protocols[p.ContainerPort], proto)
		}
	}
	if opts.Port != 0 {
		numbers = []int32{opts.Port}
	}
	if len(numbers) == 0 {
		return nil, fmt.Errorf("%w: couldn't find port via --port flag or introspection", ErrUsage)
	}
	var ports []cluster.ServicePort
	for i, n := range numbers {
		name := ""
		if len(numbers) > 1 {
			name = "port-" + strconv.Itoa(i+1)
		}
		proto := opts.Protocol
		if declared := protocols[n]; proto == "" && len(declared) > 1 {
			// A port served on several protocols gets a Service port each.
			for _, p := range declared {
				ports = append(ports, cluster.ServicePort{Name: fmt.Sprintf("port-%d-%s", i+1, strings.ToLower(string(p))), Port: n, Protocol: p})
			}
			continue
		} else if proto == "" && len(declared) == 1 {
			proto = declared[0]
		}
		if proto == "" {
			proto = cluster.ProtocolTCP
		}
		ports = append(ports, cluster.ServicePort{Name: name, Port: n, Protocol: proto})
	}
	for i := range ports {
		switch t := opts.TargetPort; {
		case t == "":
			ports[i].TargetPort = cluster.FromInt(ports[i].Port)
		default:
			// kubectl reads the flag as intstr.Parse does: a number that
			// fits in an int32 is a number, anything else a port name,
			// which the apiserver then judges. Never truncate.
			if n, err := strconv.ParseInt(t, 10, 32); err == nil {
				ports[i].TargetPort = cluster.FromInt(int32(n))
			} else {
				ports[i].TargetPort = cluster.FromString(t)
			}
		}
	}
	return ports, nil
}

// serviceNameLabel is the label tying an EndpointSlice to its Service.
const serviceNameLabel = "kubernetes.io/service-name"

// describeService renders kubectl describe svc, reading the Service's
// EndpointSlices from the store by their service-name label, as kubectl
// does.
func (k *Client) describeService(name string) (string, error) {
	svc, ok := cluster.GetAs[*cluster.Service](k.s, k.ns, name)
	if !ok {
		return "", &cluster.StatusError{Op: "get", Kind: cluster.KindService, Namespace: k.ns, Name: name, Err: cluster.ErrNotFound}
	}
	var sls []*cluster.EndpointSlice
	for _, sl := range cluster.ListAs[*cluster.EndpointSlice](k.s, k.ns, selector.Everything()) {
		if v, ok := sl.Labels[serviceNameLabel]; ok && v == name {
			sls = append(sls, sl)
		}
	}
	var b bytes.Buffer
	err := DescribeService(&b, k.s.Now(), svc, sls, k.s.Events(k.ns))
	return b.String(), err
}

package kubectl

import (
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/svcsim/svcsim/cluster"
	"github.com/svcsim/svcsim/selector"
)

func exposeCommand() *command {
	return &command{
		name:  "expose",
		short: "Take a replication controller, service, deployment or pod and expose it as a new Kubernetes service",
		usage: "kubectl expose (-f FILENAME | TYPE NAME) [--port=port] [--protocol=TCP|UDP|SCTP] [--target-port=number-or-name] [--name=name] [--external-ip=external-ip-of-service] [--type=type]",
		flags: []flagDef{
			{name: "protocol", typ: stringFlag}, {name: "port", typ: stringFlag}, {name: "type", typ: stringFlag},
			{name: "load-balancer-ip", typ: stringFlag}, {name: "selector", typ: stringFlag},
			{name: "labels", short: 'l', typ: stringFlag}, {name: "target-port", typ: stringFlag},
			{name: "external-ip", typ: stringFlag}, {name: "name", typ: stringFlag},
			{name: "session-affinity", typ: stringFlag}, {name: "cluster-ip", typ: stringFlag},
			outputFlag, dryRunFlag,
		},
		run: runExpose,
	}
}

// runExpose is kubectl expose: a Service for each object named, its
// selector, ports and labels taken from the object unless the flags give
// them.
func runExpose(c *Client, x *call) error {
	m, err := makingOf(x)
	if err != nil {
		return err
	}
	refs, err := parseResourceArgs(x.args)
	if err != nil {
		return err
	}
	if len(refs) == 0 {
		return errMissingResource
	}
	for _, r := range refs {
		if r.name == "" {
			return errors.New("resource(s) were provided, but no name was specified")
		}
	}
	for _, r := range refs {
		if err := exposeOne(c, x, r, m); err != nil {
			return err
		}
	}
	return nil
}

// exposable is what kubectl reads from an object it exposes.
type exposable struct {
	selector  selector.Set
	ports     []string            // distinct port numbers, in order
	protocols map[string][]string // each port's protocols, in order
}

func exposeOne(c *Client, x *call, r resourceRef, m making) error {
	kind := r.typ.kind
	obj, ok := c.s.Get(kind, c.scope(kind), r.name)
	if !ok {
		return &cluster.StatusError{Op: "get", Kind: kind, Namespace: x.ns, Name: r.name, Err: cluster.ErrNotFound}
	}
	f := x.flags
	from, err := exposedFrom(obj, f.String("selector") == "")
	if err != nil {
		return err
	}
	name := f.String("name")
	if name == "" {
		name = r.name
		if len(name) > 63 {
			name = name[:63] // a DNS-1035 label's length
		}
	}
	sel := f.String("selector")
	if sel == "" {
		sel = mapLabels(from.selector)
	}
	headless := f.String("cluster-ip") == "None"
	port, ports := f.String("port"), ""
	if port == "" {
		switch len(from.ports) {
		case 0:
			if !headless {
				return errors.New("couldn't find port via --port flag or introspection")
			}
		case 1:
			port = from.ports[0]
		default:
			ports = strings.Join(from.ports, ",")
		}
	}
	labels := f.String("labels")
	if labels == "" {
		labels = mapLabels(obj.Meta().Labels)
	}
	svc, err := exposedService(f, name, sel, labels, cmpOr(ports, port), from.protocols)
	if err != nil {
		return err
	}
	svc.Namespace = c.ns
	return m.make(c, x, svc, "exposed", nil)
}

func cmpOr(a, b string) string {
	if a != "" {
		return a
	}
	return b
}

// exposedFrom reads an object's selector (if wanted: --selector was not
// given), ports and protocols as kubectl's polymorphic helpers do, or says
// why it cannot be exposed.
func exposedFrom(obj cluster.Object, wantSelector bool) (exposable, error) {
	var e exposable
	var spec *cluster.PodSpec
	workload := func(what string, ls *selector.LabelSelector) error {
		if !wantSelector {
			return nil
		}
		if ls == nil || len(ls.MatchLabels) == 0 {
			return fmt.Errorf("couldn't retrieve selectors via --selector flag or introspection: invalid %s: no selectors, therefore cannot be exposed", what)
		}
		if len(ls.MatchExpressions) > 0 {
			return fmt.Errorf("couldn't retrieve selectors via --selector flag or introspection: couldn't convert expressions - \"%+v\" to map-based selector format", ls.MatchExpressions)
		}
		e.selector = selector.Set(ls.MatchLabels).Clone()
		return nil
	}
	switch o := obj.(type) {
	case *cluster.Pod:
		if len(o.Labels) == 0 && wantSelector {
			return e, errors.New("couldn't retrieve selectors via --selector flag or introspection: the pod has no labels and cannot be exposed")
		}
		e.selector, spec = o.Labels.Clone(), &o.Spec
	case *cluster.Deployment:
		if err := workload("deployment", o.Spec.Selector); err != nil {
			return e, err
		}
		spec = &o.Spec.Template.Spec
	case *cluster.ReplicaSet:
		if err := workload("replicaset", o.Spec.Selector); err != nil {
			return e, err
		}
		spec = &o.Spec.Template.Spec
	case *cluster.ReplicationController:
		e.selector = o.Spec.Selector.Clone()
		if o.Spec.Template != nil {
			spec = &o.Spec.Template.Spec
		}
	case *cluster.Service:
		if o.Spec.Selector == nil && wantSelector {
			return e, errors.New("couldn't retrieve selectors via --selector flag or introspection: the service has no pod selector set")
		}
		e.selector = o.Spec.Selector.Clone()
		e.protocols = map[string][]string{}
		for _, p := range o.Spec.Ports {
			n := strconv.Itoa(int(p.Port))
			if !slices.Contains(e.ports, n) {
				e.ports = append(e.ports, n)
			}
			e.protocols[n] = append(e.protocols[n], string(cmpOrProto(p.Protocol)))
		}
		return e, nil
	default:
		gk := string(obj.Kind())
		if rt, err := lookupType(string(obj.Kind())); err == nil && rt.group != "" {
			gk += "." + rt.group
		}
		return e, fmt.Errorf("cannot expose a %s", gk)
	}
	e.protocols = map[string][]string{}
	if spec != nil {
		for _, ctr := range spec.Containers {
			for _, p := range ctr.Ports {
				n := strconv.Itoa(int(p.ContainerPort))
				if !slices.Contains(e.ports, n) {
					e.ports = append(e.ports, n)
				}
				e.protocols[n] = append(e.protocols[n], string(cmpOrProto(p.Protocol)))
			}
		}
	}
	return e, nil
}

func cmpOrProto(p cluster.Protocol) cluster.Protocol {
	if p == "" {
		return cluster.ProtocolTCP
	}
	return p
}

// mapLabels writes a label set as kubectl's MakeLabels does, k=v joined by
// commas (sorted here; kubectl reads it back into a map either way).
func mapLabels(s selector.Set) string {
	var out []string
	for _, k := range sortedKeys(s) {
		out = append(out, k+"="+s[k])
	}
	return strings.Join(out, ",")
}

// exposedService builds the Service as kubectl expose's createService
// does, from the flags and what it read from the object.
func exposedService(f *flagValues, name, sel, labelSpec, ports string, protocols map[string][]string) (*cluster.Service, error) {
	selectorSet, err := parseRunLabels(sel)
	if err != nil {
		return nil, err
	}
	var labels selector.Set
	if labelSpec != "" {
		if labels, err = parseRunLabels(labelSpec); err != nil {
			return nil, err
		}
	}
	svc := &cluster.Service{ObjectMeta: cluster.ObjectMeta{Name: name, Labels: labels},
		Spec: cluster.ServiceSpec{Selector: selectorSet}}
	var list []string
	if ports != "" {
		list = strings.Split(ports, ",")
	}
	proto := f.String("protocol")
	for i, s := range list {
		n, err := strconv.Atoi(s)
		if err != nil {
			return nil, err
		}
		portName := ""
		if len(list) > 1 {
			portName = fmt.Sprintf("port-%d", i+1)
		}
		p := cluster.Protocol(proto)
		if proto == "" {
			p = cluster.ProtocolTCP
			if declared := protocols[s]; len(declared) > 1 {
				for _, d := range declared {
					svc.Spec.Ports = append(svc.Spec.Ports, cluster.ServicePort{
						Name: fmt.Sprintf("port-%d-%s", i+1, strings.ToLower(d)), Port: int32(n), Protocol: cluster.Protocol(d)})
				}
				continue
			} else if len(declared) == 1 {
				p = cluster.Protocol(declared[0])
			}
		}
		svc.Spec.Ports = append(svc.Spec.Ports, cluster.ServicePort{Name: portName, Port: int32(n), Protocol: p}) // narrowed as kubectl does
	}
	for i := range svc.Spec.Ports {
		svc.Spec.Ports[i].TargetPort = intOrStringFlag(f.String("target-port"), svc.Spec.Ports[i].Port)
	}
	if ip := f.String("external-ip"); ip != "" {
		svc.Spec.ExternalIPs = []string{ip}
	}
	svc.Spec.Type = cluster.ServiceType(f.String("type"))
	if svc.Spec.Type == cluster.ServiceTypeLoadBalancer && f.String("load-balancer-ip") != "" {
		// The field is deprecated in Kubernetes and svcsim's Service has
		// none: load balancers take their address from the cluster's pool.
		return nil, errors.New("--load-balancer-ip is not simulated: svcsim gives load balancers addresses from Config.LoadBalancerIPs")
	}
	switch a := f.String("session-affinity"); a {
	case "":
	case "None", "ClientIP":
		svc.Spec.SessionAffinity = a
	default:
		return nil, fmt.Errorf("unknown session affinity: %s", a)
	}
	svc.Spec.ClusterIP = f.String("cluster-ip")
	return svc, nil
}

// intOrStringFlag reads --target-port as intstr.Parse does: a number that
// fits an int32 is a number, anything else a port name; empty means the
// Service port itself.
func intOrStringFlag(s string, port int32) cluster.IntOrString {
	if s == "" {
		return cluster.FromInt(port)
	}
	if n, err := strconv.ParseInt(s, 10, 32); err == nil {
		return cluster.FromInt(int32(n))
	}
	return cluster.FromString(s)
}

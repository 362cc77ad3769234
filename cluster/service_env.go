package cluster

import (
	"net"
	"slices"
	"strconv"
	"strings"
)

// Service environment variables, as the kubelet's envvars.FromServices
// and getServiceEnvVarMap build them when a container starts.

// serviceEnv is one namespace's Service environment, built when a
// container starts after the namespace's Services (or the kubernetes
// Service) changed, and shared, read-only, by every container that starts
// until they change again: a hundred thousand pods cost one list.
type serviceEnv struct {
	gen, defaultGen uint64      // the generations it was built at
	lists           [2]*envList // without and with service links; nil until built
}

// envList is a built Service environment, sorted by name. Containers hold a
// pointer to the one of their last start, so that a pod costs one word.
type envList struct{ vars []EnvVar }

// servicesChanged notes a change to the Services of namespace ns, so that
// containers starting from now on see it.
func (s *Sim) servicesChanged(ns string) {
	if s.svcGen == nil {
		s.svcGen = map[string]uint64{}
	}
	s.svcGen[ns]++
}

// serviceEnvFor returns the Service variables a container of a pod in ns
// gets at this instant, sorted by name: the namespace's Services when links
// (the pod's enableServiceLinks) is set, and always the kubernetes Service
// of default. The list is shared; do not modify it.
func (s *Sim) serviceEnvFor(ns string, links bool) *envList {
	if s.svcEnv == nil {
		s.svcEnv = map[string]*serviceEnv{}
	}
	e := s.svcEnv[ns]
	if e == nil || e.gen != s.svcGen[ns] || e.defaultGen != s.svcGen["default"] {
		e = &serviceEnv{gen: s.svcGen[ns], defaultGen: s.svcGen["default"]}
		s.svcEnv[ns] = e
	}
	i := 0
	if links {
		i = 1
	}
	if e.lists[i] == nil {
		e.lists[i] = &envList{vars: s.buildServiceEnv(ns, links)}
	}
	return e.lists[i]
}

func (s *Sim) buildServiceEnv(ns string, links bool) []EnvVar {
	// The kubernetes Service of default is always there; with links, a
	// Service of the same name in the pod's own namespace replaces it.
	byName := map[string]*Service{}
	if o, ok := s.store.get(KindService, "default", "kubernetes"); ok {
		byName["kubernetes"] = o.(*Service)
	}
	if links {
		s.store.each(KindService, ns, func(o Object) bool {
			svc := o.(*Service)
			if ns != "default" || svc.Name != "kubernetes" {
				byName[svc.Name] = svc
			}
			return true
		})
	}
	vars := map[string]string{}
	for _, name := range sortedKeys(byName) {
		for _, v := range serviceEnvVars(byName[name]) {
			vars[v.Name] = v.Value
		}
	}
	out := make([]EnvVar, 0, len(vars))
	for _, k := range sortedKeys(vars) {
		out = append(out, EnvVar{Name: k, Value: vars[k]})
	}
	return out
}

// serviceEnvVars returns the environment variables a Service gives the
// containers that start after it, in the kubelet's order: NAME_SERVICE_HOST,
// NAME_SERVICE_PORT (the first port), NAME_SERVICE_PORT_<PORTNAME> for each
// named port, then the Docker link variables NAME_PORT and, per port,
// NAME_PORT_<port>_<PROTO>[_PROTO|_PORT|_ADDR]. A Service without a cluster
// IP (headless, ExternalName) gives none.
func serviceEnvVars(svc *Service) []EnvVar {
	ip := svc.Spec.ClusterIP
	if ip == "" || ip == ClusterIPNone || len(svc.Spec.Ports) == 0 {
		return nil
	}
	prefix := envName(svc.Name)
	first := strconv.Itoa(int(svc.Spec.Ports[0].Port))
	out := []EnvVar{{Name: prefix + "_SERVICE_HOST", Value: ip}, {Name: prefix + "_SERVICE_PORT", Value: first}}
	for _, p := range svc.Spec.Ports {
		if p.Name != "" {
			out = append(out, EnvVar{Name: prefix + "_SERVICE_PORT_" + envName(p.Name), Value: strconv.Itoa(int(p.Port))})
		}
	}
	for i, p := range svc.Spec.Ports {
		proto := string(p.Protocol)
		if proto == "" {
			proto = string(ProtocolTCP)
		}
		port := strconv.Itoa(int(p.Port))
		url := strings.ToLower(proto) + "://" + net.JoinHostPort(ip, port)
		if i == 0 {
			out = append(out, EnvVar{Name: prefix + "_PORT", Value: url})
		}
		pp := prefix + "_PORT_" + port + "_" + strings.ToUpper(proto)
		out = append(out,
			EnvVar{Name: pp, Value: url},
			EnvVar{Name: pp + "_PROTO", Value: strings.ToLower(proto)},
			EnvVar{Name: pp + "_PORT", Value: port},
			EnvVar{Name: pp + "_ADDR", Value: ip})
	}
	return out
}

// envName turns a Service or port name into a variable name: "redis-primary"
// becomes "REDIS_PRIMARY".
func envName(s string) string { return strings.ToUpper(strings.ReplaceAll(s, "-", "_")) }

// ContainerEnv returns the environment a container of a pod had when it
// last started, sorted by name, and whether it has started at all: the
// variables the container declares, with $(VAR) references expanded, and
// the variables of the Services that existed at that moment, which a
// declared variable of the same name overrides: for Service redis-primary,
// REDIS_PRIMARY_SERVICE_HOST, REDIS_PRIMARY_SERVICE_PORT,
// REDIS_PRIMARY_PORT=tcp://10.96.0.11:6379 and the other Docker link
// variables. A Service created after
// the container started is not in it until the container restarts, as in
// Kubernetes.
func (s *Sim) ContainerEnv(namespace, pod, container string) ([]EnvVar, bool) {
	s.check()
	rt := s.runtimeOf(namespace, pod)
	if rt == nil {
		return nil, false
	}
	i := slices.IndexFunc(rt.containers, func(c *containerRuntime) bool { return c.name == container })
	if i < 0 || rt.containers[i].svcEnv == nil {
		return nil, false
	}
	// A pod's containers cannot change but for their images, so the
	// stored pod declares what the container started with.
	p, _ := s.store.get(KindPod, rt.namespace, rt.name)
	var declared []EnvVar
	for _, c := range p.(*Pod).Spec.Containers {
		if c.Name == container {
			declared = c.Env
		}
	}
	return containerEnv(declared, rt.containers[i].svcEnv.vars), true
}

// containerEnv merges declared variables over Service variables, as the
// kubelet's makeEnvironmentVariables does, and sorts the result.
func containerEnv(declared, services []EnvVar) []EnvVar {
	svc := make(map[string]string, len(services))
	for _, v := range services {
		svc[v.Name] = v.Value
	}
	own := map[string]string{}
	lookup := func(name string) (string, bool) {
		if v, ok := own[name]; ok {
			return v, true
		}
		v, ok := svc[name]
		return v, ok
	}
	for _, v := range declared {
		val := v.Value
		if val != "" {
			val = expandEnv(val, lookup)
		}
		own[v.Name] = val
	}
	out := make([]EnvVar, 0, len(own)+len(services))
	for _, k := range sortedKeys(own) {
		out = append(out, EnvVar{Name: k, Value: own[k]})
	}
	for _, v := range services {
		if _, ok := own[v.Name]; !ok {
			out = append(out, v)
		}
	}
	slices.SortFunc(out, func(a, b EnvVar) int { return strings.Compare(a.Name, b.Name) })
	return out
}

// expandEnv replaces $(VAR) with VAR's value as the kubelet does: $$ is a
// literal $, and a reference to an unknown variable, or an unterminated
// one, is left as written.
func expandEnv(in string, lookup func(string) (string, bool)) string {
	var b strings.Builder
	for i := 0; i < len(in); i++ {
		if in[i] != '$' || i+1 == len(in) {
			b.WriteByte(in[i])
			continue
		}
		switch next := in[i+1]; next {
		case '$':
			b.WriteByte('$')
			i++
		case '(':
			end := strings.IndexByte(in[i+2:], ')')
			if end < 0 {
				b.WriteString("$(")
				i++
				continue
			}
			name := in[i+2 : i+2+end]
			if v, ok := lookup(name); ok {
				b.WriteString(v)
			} else {
				b.WriteString("$(" + name + ")")
			}
			i += 2 + end
		default:
			b.WriteByte('$')
			b.WriteByte(next)
			i++
		}
	}
	return b.String()
}

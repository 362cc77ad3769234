package cluster

import (
	"errors"
	"fmt"
	"net/netip"
)

// The store's Service hooks. Kubernetes allocates a Service's cluster IP
// and node ports before validating it and gives them back if the write
// fails. svcsim reserves them only once the object is valid, and draws its
// random picks only once nothing can fail any more, so that a rejected
// write changes nothing and draws nothing from the apiserver's stream. Explicit
// requests are taken first and the random picks made after, so a random
// pick never collides with a value the same Service asks for.

// allocOp is one write's allocations. What it takes is marked in the
// bitmaps at once, so that later steps see it; random picks are counted
// until finish makes them; releases wait for finish too, so that nothing a
// write gives up can be handed out again by that same write. undo returns
// everything, leaving the allocators as they were.
type allocOp struct {
	s            *Sim
	svc          *Service
	ips, ports   []int // values taken
	freeIPs      []int // values to release on finish
	freePorts    []int
	pickIP       bool       // a cluster IP is to be drawn
	pickPorts    [][]*int32 // node ports to draw, each for the fields it fills
	pendingPorts int
}

// allocError is a failed allocation: a field error, or the apiserver's
// internal error when a range is exhausted.
type allocError struct {
	cause    *FieldError
	internal string
}

func (op *allocOp) takeIP(want string) error {
	r := op.s.serviceIPs
	a, err := netip.ParseAddr(want)
	i, in := r.index(a)
	switch {
	case err != nil || !in:
		return fmt.Errorf("the provided IP (%s) is not in the valid range. The range of valid IPs is %s", want, r.prefix)
	case r.bits.has(i):
		return errors.New(msgIPAllocated)
	}
	r.bits.set(i)
	op.ips = append(op.ips, i)
	return nil
}

func (op *allocOp) reserveIP() error {
	if r := op.s.serviceIPs; r.bits.count >= r.bits.size {
		return errors.New(msgRangeFull)
	}
	op.pickIP = true
	return nil
}

func (op *allocOp) takePort(want int32) error {
	r := op.s.nodePorts
	i := int(want) - r.base
	switch {
	case i < 0 || i >= r.size:
		return fmt.Errorf("provided port is not in the valid range. The range of valid ports is %s", r)
	case r.bits.has(i), r.size-r.bits.count-op.pendingPorts <= 0:
		// With every free port spoken for by this write's random picks,
		// the apiserver's picks, made in order, would have taken this one.
		return errors.New(msgPortAllocated)
	}
	r.bits.set(i)
	op.ports = append(op.ports, i)
	return nil
}

// reservePort counts a random pick that will fill fields.
func (op *allocOp) reservePort(fields ...*int32) error {
	if r := op.s.nodePorts; r.size-r.bits.count-op.pendingPorts <= 0 {
		return errors.New(msgRangeFull)
	}
	op.pendingPorts++
	op.pickPorts = append(op.pickPorts, fields)
	return nil
}

func (op *allocOp) releaseIP(ip string) {
	a, err := netip.ParseAddr(ip)
	if i, in := op.s.serviceIPs.index(a); err == nil && in {
		op.freeIPs = append(op.freeIPs, i)
	}
}

func (op *allocOp) releasePort(p int32) {
	if i := int(p) - op.s.nodePorts.base; i >= 0 && i < op.s.nodePorts.size {
		op.freePorts = append(op.freePorts, i)
	}
}

// undo gives back what the operation took.
func (op *allocOp) undo() {
	if op == nil {
		return
	}
	for _, i := range op.ips {
		op.s.serviceIPs.bits.clear(i)
	}
	for _, i := range op.ports {
		op.s.nodePorts.bits.clear(i)
	}
}

// finish makes the random picks, writing them into the Service, and
// performs the releases. It cannot fail: reserve counted what it needs.
func (op *allocOp) finish() {
	if op == nil {
		return
	}
	s := op.s
	if op.pickIP {
		r := s.serviceIPs
		i, _ := r.bits.pick(s.rand, r.offset)
		r.bits.set(i)
		ip := r.addr(i).String()
		op.svc.Spec.ClusterIP, op.svc.Spec.ClusterIPs = ip, []string{ip}
	}
	for _, fields := range op.pickPorts {
		r := s.nodePorts
		i, _ := r.bits.pick(s.rand, r.offset)
		r.bits.set(i)
		for _, f := range fields {
			*f = int32(r.base + i)
		}
	}
	for _, i := range op.freeIPs {
		s.serviceIPs.bits.clear(i)
	}
	for _, i := range op.freePorts {
		s.nodePorts.bits.clear(i)
	}
	s.servicesChanged(op.svc.Namespace)
}

// prepare is the store's hook between defaulting and validation.
func prepare(o, old Object) {
	if s, ok := o.(*Service); ok {
		var prev *Service
		if old != nil {
			prev = old.(*Service)
		}
		prepareService(s, prev)
	}
}

// reserve takes what a valid object about to be created (old nil) or to
// replace old needs from the allocators, without drawing anything; finish
// the result to complete it or undo it to give everything back. For kinds
// that allocate nothing it returns nil, which finish and undo accept.
func (s *Sim) reserve(verb string, o, old Object) (*allocOp, *StatusError) {
	svc, ok := o.(*Service)
	if !ok {
		return nil, nil
	}
	var prev *Service
	if old != nil {
		prev = old.(*Service)
	}
	op := &allocOp{s: s, svc: svc}
	if e := op.service(svc, prev); e != nil {
		op.undo()
		st := &StatusError{Op: verb, Kind: KindService, Namespace: svc.Namespace, Name: svc.Name, Err: ErrInvalid}
		if e.cause != nil {
			st.Causes = []FieldError{*e.cause}
		} else {
			st.Err, st.Reason = ErrInternal, e.internal
		}
		return nil, st
	}
	return op, nil
}

// service walks a Service's allocations in the apiserver's order: the
// cluster IP, the node ports in port order, the health check port.
func (op *allocOp) service(svc, old *Service) *allocError {
	oldIP := allocatedIP(old)
	if ip := svc.Spec.ClusterIP; needsClusterIP(svc) && ip != ClusterIPNone && (ip == "" || ip != oldIP) {
		if ip == "" {
			if err := op.reserveIP(); err != nil {
				return &allocError{internal: "failed to allocate a serviceIP: " + err.Error()}
			}
		} else if err := op.takeIP(ip); err != nil {
			return &allocError{cause: &FieldError{Field: "spec.clusterIPs", Type: "Invalid value", Value: append([]string(nil), svc.Spec.ClusterIPs...),
				Detail: fmt.Sprintf("failed to allocate IP %s: %v", ip, err)}}
		}
	}
	if oldIP != "" && !(needsClusterIP(svc) && svc.Spec.ClusterIP == oldIP) {
		op.releaseIP(oldIP)
	}
	held := map[int32]bool{}
	for _, p := range allocatedNodePorts(old) {
		held[p] = true
	}
	if needsNodePort(svc) {
		var e *allocError
		if old == nil {
			e = op.initNodePorts(svc)
		} else {
			e = op.updateNodePorts(svc, held)
		}
		if e != nil {
			return e
		}
	}
	keep := map[int32]bool{}
	for _, p := range allocatedNodePorts(svc) {
		keep[p] = true
	}
	for _, p := range allocatedNodePorts(old) {
		if !keep[p] {
			keep[p] = true // release each once
			op.releasePort(p)
		}
	}
	return op.healthCheckPort(svc, old)
}

// initNodePorts allocates a new Service's node ports; ports that share a
// port number (53/TCP and 53/UDP) share a node port.
func (op *allocOp) initNodePorts(svc *Service) *allocError {
	ports := svc.Spec.Ports
	byPort := map[int32]int32{} // port -> node port taken
	picks := map[int32]int{}    // port -> index into op.pickPorts
	for i := range ports {
		p := &ports[i]
		if p.NodePort == 0 && !shouldAllocateNodePorts(svc) {
			continue
		}
		if k, ok := picks[p.Port]; ok {
			// Same number as a port drawing at random: any request for
			// that number would have been found first, so this one has
			// none and shares the pick.
			op.pickPorts[k] = append(op.pickPorts[k], &p.NodePort)
			continue
		}
		taken := byPort[p.Port]
		switch {
		case taken == 0:
			if np := requestedNodePort(p.Port, ports); np != 0 {
				if err := op.takePort(np); err != nil {
					return nodePortError(i, np, err)
				}
				p.NodePort, byPort[p.Port] = np, np
			} else {
				if err := op.reservePort(&p.NodePort); err != nil {
					return &allocError{internal: "failed to allocate a nodePort: " + err.Error()}
				}
				picks[p.Port] = len(op.pickPorts) - 1
			}
		case p.NodePort == 0:
			p.NodePort = taken
		case p.NodePort != taken:
			if err := op.takePort(p.NodePort); err != nil {
				return nodePortError(i, p.NodePort, err)
			}
		}
	}
	return nil
}

// requestedNodePort returns the node port a port of that number asks for.
func requestedNodePort(port int32, ports []ServicePort) int32 {
	for _, p := range ports {
		if p.Port == port && p.NodePort != 0 {
			return p.NodePort
		}
	}
	return 0
}

func nodePortError(i int, np int32, err error) *allocError {
	return &allocError{cause: &FieldError{Field: fmt.Sprintf("spec.ports[%d].nodePort", i), Type: "Invalid value", Value: int64(np), Detail: err.Error()}}
}

// updateNodePorts allocates what an update adds: requested node ports the
// old object did not hold, and a fresh one for each port without one (on
// update the apiserver does not share them by port number).
func (op *allocOp) updateNodePorts(svc *Service, held map[int32]bool) *allocError {
	taken := map[int32]bool{}
	for i := range svc.Spec.Ports {
		p := &svc.Spec.Ports[i]
		switch {
		case p.NodePort == 0 && !shouldAllocateNodePorts(svc):
		case p.NodePort == 0:
			if err := op.reservePort(&p.NodePort); err != nil {
				return &allocError{internal: "failed to allocate a nodePort: " + err.Error()}
			}
		case !held[p.NodePort] && !taken[p.NodePort]:
			if err := op.takePort(p.NodePort); err != nil {
				return nodePortError(i, p.NodePort, err)
			}
			taken[p.NodePort] = true
		}
	}
	return nil
}

// healthCheckPort allocates a LoadBalancer with the Local policy its
// health check node port, and releases one no longer needed.
func (op *allocOp) healthCheckPort(svc, old *Service) *allocError {
	oldHC := allocatedHealthCheck(old)
	hc := &svc.Spec.HealthCheckNodePort
	if needsHealthCheck(svc) && (*hc == 0 || *hc != oldHC) {
		if *hc == 0 {
			if err := op.reservePort(hc); err != nil {
				return &allocError{internal: "failed to allocate a HealthCheck NodePort 0: " + err.Error()}
			}
		} else if err := op.takePort(*hc); err != nil {
			return &allocError{internal: fmt.Sprintf("failed to allocate requested HealthCheck NodePort %d: %v", *hc, err)}
		}
	}
	if oldHC != 0 && !(needsHealthCheck(svc) && *hc == oldHC) {
		op.releasePort(oldHC)
	}
	return nil
}

// allocatedIP is the cluster IP a stored Service holds, or "".
func allocatedIP(s *Service) string {
	if s == nil || !needsClusterIP(s) || s.Spec.ClusterIP == ClusterIPNone {
		return ""
	}
	return s.Spec.ClusterIP
}

// allocatedNodePorts are the node ports a stored Service holds: every one
// its ports name, if its type has node ports.
func allocatedNodePorts(s *Service) []int32 {
	if s == nil || !needsNodePort(s) {
		return nil
	}
	var out []int32
	for _, p := range s.Spec.Ports {
		if p.NodePort != 0 {
			out = append(out, p.NodePort)
		}
	}
	return out
}

func allocatedHealthCheck(s *Service) int32 {
	if s == nil || !needsHealthCheck(s) {
		return 0
	}
	return s.Spec.HealthCheckNodePort
}

// release gives back what a removed object held.
func (s *Sim) release(old Object) {
	svc, ok := old.(*Service)
	if !ok {
		return
	}
	op := &allocOp{s: s, svc: svc}
	if ip := allocatedIP(svc); ip != "" {
		op.releaseIP(ip)
	}
	for _, p := range allocatedNodePorts(svc) {
		op.releasePort(p)
	}
	if hc := allocatedHealthCheck(svc); hc != 0 {
		op.releasePort(hc)
	}
	op.finish()
}

// bootstrapServices creates the kubernetes Service in default, at the
// Service CIDR's first address, and the Endpoints the apiserver keeps for
// it and its EndpointSlice: one address, the control plane's, which New's
// network plan has placed and checked. They exist before any kubelet
// starts, so every pod's environment has KUBERNETES_SERVICE_HOST.
func (s *Sim) bootstrapServices(controlPlane netip.Addr) {
	apiserver := controlPlane.String()
	ip := s.serviceIPs.addr(0).String()
	objs := []Object{
		&Service{
			ObjectMeta: ObjectMeta{Name: "kubernetes", Namespace: "default", Labels: map[string]string{"component": "apiserver", "provider": "kubernetes"}},
			Spec:       ServiceSpec{ClusterIP: ip, Ports: []ServicePort{{Name: "https", Protocol: ProtocolTCP, Port: 443, TargetPort: FromInt(6443)}}},
		},
		&Endpoints{
			ObjectMeta: ObjectMeta{Name: "kubernetes", Namespace: "default", Labels: map[string]string{"endpointslice.kubernetes.io/skip-mirror": "true"}},
			Subsets:    []EndpointSubset{{Addresses: []EndpointAddress{{IP: apiserver}}, Ports: []EndpointPort{{Name: "https", Port: 6443, Protocol: ProtocolTCP}}}},
		},
		&EndpointSlice{
			ObjectMeta:  ObjectMeta{Name: "kubernetes", Namespace: "default", Labels: map[string]string{"kubernetes.io/service-name": "kubernetes"}},
			AddressType: "IPv4",
			Endpoints:   []Endpoint{{Addresses: []string{apiserver}, Conditions: EndpointConditions{Ready: Ptr(true)}}},
			Ports:       []EndpointSlicePort{{Name: Ptr("https"), Protocol: Ptr(ProtocolTCP), Port: Ptr(int32(6443))}},
		},
	}
	for _, o := range objs {
		if _, err := s.Create(o); err != nil {
			panic(err) // fixed objects in a fresh cluster: cannot fail
		}
	}
}

package cluster

import (
	"fmt"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
	"pgregory.net/rapid"

	"github.com/svcsim/svcsim/selector"
)

// The allocators against random sequences of Service creates, updates and
// deletes, in ranges small enough that requests collide and run out:
// no cluster IP or node port is held by two live Services, exactly the
// held ones are marked (so a delete frees everything), a failed write
// changes nothing, and a Service's cluster IP never changes while it has
// one. Reproduce a failure with
//
//	go test ./cluster -run TestServiceAllocationInvariants -rapid.seed=N

// svcNames is a small alphabet, so that writes hit existing Services.
var svcNames = []string{"a", "b", "c", "d"}

// svcGen draws a Service, valid or not, with requests from small sets.
func svcGen() *rapid.Generator[*Service] {
	return rapid.Custom(func(t *rapid.T) *Service {
		typ := rapid.SampledFrom([]ServiceType{ServiceTypeClusterIP, ServiceTypeNodePort, ServiceTypeLoadBalancer, ServiceTypeExternalName}).Draw(t, "type")
		svc := &Service{ObjectMeta: ObjectMeta{Name: rapid.SampledFrom(svcNames).Draw(t, "name")},
			Spec: ServiceSpec{Type: typ, Selector: selector.Set{"app": "web"}}}
		svc.Spec.ClusterIP = rapid.SampledFrom([]string{"", "", "", "10.0.0.2", "10.0.0.3", "10.0.0.1", "10.0.1.1", ClusterIPNone}).Draw(t, "clusterIP")
		if typ == ServiceTypeExternalName {
			svc.Spec.ExternalName = "db.example.com"
			if rapid.Bool().Draw(t, "keepIP") {
				svc.Spec.ClusterIP = ""
			}
		}
		// Distinct (port, protocol) pairs, mostly: a duplicate is a
		// validation error, which the table tests cover.
		pairs := rapid.SliceOfNDistinct(rapid.IntRange(0, 5), 1, 3, rapid.ID[int]).Draw(t, "ports")
		for i, pair := range pairs {
			p := ServicePort{Name: fmt.Sprintf("p%d", i), Port: []int32{53, 80, 443}[pair/2], Protocol: []Protocol{ProtocolTCP, ProtocolUDP}[pair%2]}
			if typ != ServiceTypeClusterIP {
				p.NodePort = rapid.SampledFrom([]int32{0, 0, 30000, 30001, 30010, 29999}).Draw(t, "nodePort")
			}
			svc.Spec.Ports = append(svc.Spec.Ports, p)
		}
		if typ == ServiceTypeLoadBalancer {
			svc.Spec.ExternalTrafficPolicy = rapid.SampledFrom([]string{"", "Local"}).Draw(t, "policy")
			svc.Spec.AllocateLoadBalancerNodePorts = rapid.SampledFrom([]*bool{nil, Ptr(false)}).Draw(t, "allocate")
		}
		return svc
	})
}

type allocMachine struct {
	s   *Sim
	ips map[string]string // Service UID -> the cluster IP it was given
	ops []string
}

func (m *allocMachine) create(t *rapid.T) {
	svc := svcGen().Draw(t, "service")
	m.write(t, "create "+describeSvc(svc), func() error { _, err := m.s.Create(svc); return err })
}

// update rewrites a live Service with a drawn spec, or edits it in place
// (a Get-modify-Update), keeping or dropping its allocated values.
func (m *allocMachine) update(t *rapid.T) {
	live := ListAs[*Service](m.s, "default", everything)
	if len(live) == 0 {
		t.Skip("no Service")
	}
	cur := rapid.SampledFrom(live).Draw(t, "target")
	if cur.Name == "kubernetes" {
		t.Skip("leave the kubernetes Service alone")
	}
	next := cur.DeepCopy()
	drawn := svcGen().Draw(t, "spec")
	switch rapid.IntRange(0, 2).Draw(t, "how") {
	case 0: // a manifest: the drawn spec replaces the stored one
		next.Spec = drawn.Spec
	case 1: // a type change on the stored object
		next.Spec.Type = drawn.Spec.Type
		next.Spec.ExternalName = drawn.Spec.ExternalName
	case 2: // new ports, node ports and all
		next.Spec.Ports = drawn.Spec.Ports
	}
	m.write(t, "update "+cur.Name+" to "+describeSvc(next), func() error { _, err := m.s.Update(next); return err })
}

func (m *allocMachine) delete(t *rapid.T) {
	name := rapid.SampledFrom(svcNames).Draw(t, "name")
	m.write(t, "delete "+name, func() error { return m.s.Delete(KindService, "default", name, DeleteOptions{}) })
}

// write runs one call; a failure must leave the store as it was.
func (m *allocMachine) write(t *rapid.T, op string, call func() error) {
	m.ops = append(m.ops, op)
	before := m.s.dump()
	if err := call(); err != nil {
		m.ops[len(m.ops)-1] += " (" + err.Error() + ")"
		if after := m.s.dump(); after != before {
			t.Fatalf("%s failed (%v) but changed the store", op, err)
		}
	}
}

func (m *allocMachine) check(t *rapid.T) {
	defer func() {
		if t.Failed() {
			t.Logf("ops: %s", strings.Join(m.ops, "; "))
		}
	}()
	assertAllocations(t, m.s)
	live := map[string]bool{}
	for _, svc := range ListAs[*Service](m.s, "", everything) {
		live[svc.UID] = true
		ip := allocatedIP(svc)
		was, had := m.ips[svc.UID]
		switch {
		case had && ip != "" && ip != was:
			t.Fatalf("%s changed its cluster IP from %s to %s", svc.Name, was, ip)
		case ip != "":
			m.ips[svc.UID] = ip
		default:
			delete(m.ips, svc.UID) // ExternalName or headless: a later IP is new
		}
	}
	for uid := range m.ips {
		if !live[uid] {
			delete(m.ips, uid)
		}
	}
}

func describeSvc(s *Service) string {
	var ports []string
	for _, p := range s.Spec.Ports {
		ports = append(ports, fmt.Sprintf("%d/%s:%d", p.Port, p.Protocol, p.NodePort))
	}
	return fmt.Sprintf("%s{%s ip=%q %s}", s.Name, s.Spec.Type, s.Spec.ClusterIP, strings.Join(ports, ","))
}

func TestServiceAllocationInvariants(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		s, err := New(Config{Seed: rapid.Uint64().Draw(t, "seed"), Nodes: 1, ServiceCIDR: "10.0.0.0/29", NodePortRange: "30000-30011"})
		require.NoError(t, err)
		m := &allocMachine{s: s, ips: map[string]string{}}
		t.Repeat(map[string]func(*rapid.T){
			"create": m.create,
			"update": m.update,
			"delete": m.delete,
			"":       m.check,
		})
		// Deleting every Service frees everything but the kubernetes one.
		for _, svc := range ListAs[*Service](s, "default", everything) {
			if svc.Name != "kubernetes" {
				require.NoError(t, s.Delete(KindService, "default", svc.Name, DeleteOptions{}))
			}
		}
		require.Equal(t, 1, s.serviceIPs.bits.count, "only the kubernetes Service's IP is held")
		require.Zero(t, s.nodePorts.bits.count, "no node port is held")
	})
}

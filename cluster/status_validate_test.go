package cluster

import (
	"errors"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/svcsim/svcsim/selector"
)

// statusWorld is a settled cluster holding one object of each kind whose
// status UpdateStatus validates.
func statusWorld(t *testing.T) *Sim {
	t.Helper()
	s := newSim(t, Config{Seed: 1, LoadBalancerIPs: []string{"192.0.2.10"}})
	for _, o := range []Object{
		webPod("web"),
		webPod("once", func(p *Pod) { p.Spec.RestartPolicy = "Never" }),
		webPod("retry", func(p *Pod) { p.Spec.RestartPolicy = "OnFailure" }),
		&Service{ObjectMeta: ObjectMeta{Name: "lb"}, Spec: ServiceSpec{Type: ServiceTypeLoadBalancer,
			Selector: selector.Set{"app": "web"}, Ports: []ServicePort{{Port: 80}}}},
		&Service{ObjectMeta: ObjectMeta{Name: "plain"}, Spec: ServiceSpec{Selector: selector.Set{"app": "web"}, Ports: []ServicePort{{Port: 80}}}},
		&ReplicaSet{ObjectMeta: ObjectMeta{Name: "rs"}, Spec: ReplicaSetSpec{Replicas: Ptr(int32(2)),
			Selector: &selector.LabelSelector{MatchLabels: selector.Set{"app": "rs"}},
			Template: nginxTemplate(map[string]string{"app": "rs"}, "nginx")}},
		newDeployment("deploy", 2, "nginx"),
	} {
		_, err := s.Create(o)
		require.NoError(t, err)
	}
	require.NoError(t, s.Settle())
	return s
}

// own writes o's status as a built-in component would, unchecked: the way
// to give an object a status a user could not.
func own[T Object](t *testing.T, s *Sim, namespace, name string, mutate func(T)) {
	t.Helper()
	o, ok := GetAs[T](s, namespace, name)
	require.True(t, ok)
	cur, _ := s.store.get(o.Kind(), namespace, name)
	mutate(o)
	s.updateStatusOwned(o, cur)
}

func statusOf[T Object](namespace, name string, mutate func(T)) func(t *testing.T, s *Sim) Object {
	return func(t *testing.T, s *Sim) Object {
		o, ok := GetAs[T](s, namespace, name)
		require.True(t, ok)
		mutate(o)
		return o
	}
}

// TestUpdateStatusValidation: a status write is validated as the
// apiserver's status strategy for its kind validates it, no more; a refused
// write changes nothing, an accepted one is stored.
func TestUpdateStatusValidation(t *testing.T) {
	const badIP = "must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff)"
	pod := func(mutate func(*Pod)) func(t *testing.T, s *Sim) Object { return statusOf("default", "web", mutate) }
	podIP := func(ip string) func(t *testing.T, s *Sim) Object {
		return pod(func(p *Pod) { p.Status.PodIP = ip })
	}
	ingress := func(name string, in ...LoadBalancerIngress) func(t *testing.T, s *Sim) Object {
		return statusOf("default", name, func(svc *Service) { svc.Status.LoadBalancer.Ingress = in })
	}
	rs := func(mutate func(*ReplicaSetStatus)) func(t *testing.T, s *Sim) Object {
		return statusOf("default", "rs", func(r *ReplicaSet) { mutate(&r.Status) })
	}
	deploy := func(mutate func(*DeploymentStatus)) func(t *testing.T, s *Sim) Object {
		return statusOf("default", "deploy", func(d *Deployment) { mutate(&d.Status) })
	}
	terminated := func(code int32) func(*Pod) {
		return func(p *Pod) {
			p.Status.ContainerStatuses[0].State = ContainerState{Terminated: &ContainerStateTerminated{ExitCode: code}}
		}
	}
	running := func(p *Pod) { p.Status.ContainerStatuses[0].State = ContainerState{Running: &ContainerStateRunning{}} }
	for _, tt := range []struct {
		name   string
		setup  func(t *testing.T, s *Sim)
		write  func(t *testing.T, s *Sim) Object
		causes []cause // nil: accepted
	}{
		{name: "pod IP garbage", write: podIP("garbage"),
			causes: []cause{{Field: "status.podIPs[0]", Type: "Invalid value", Value: "garbage", Detail: badIP}}},
		{name: "pod IP with leading zeros", write: podIP("10.244.0.010"),
			causes: []cause{{Field: "status.podIPs[0]", Type: "Invalid value", Detail: "must not have leading 0s"}}},
		{name: "pod IP IPv4-mapped", write: podIP("::ffff:10.244.0.9"),
			causes: []cause{{Field: "status.podIPs[0]", Type: "Invalid value", Detail: "must not be an IPv4-mapped IPv6 address"}}},
		{name: "pod IP with a zone", write: podIP("fe80::1%eth0"),
			causes: []cause{{Field: "status.podIPs[0]", Type: "Invalid value", Detail: badIP}}},
		// A pod IP is a legacy field: any well-formed address passes,
		// unspecified, IPv6 or not canonical.
		{name: "pod IP 0.0.0.0 is well-formed", write: podIP("0.0.0.0")},
		{name: "pod IP IPv6, not canonical", write: podIP("2001:DB8::1")},
		{name: "an invalid pod IP already held may stay",
			setup: func(t *testing.T, s *Sim) { own(t, s, "default", "web", func(p *Pod) { p.Status.PodIP = "garbage" }) },
			write: pod(func(p *Pod) { p.Status.Reason = "Kept" })},
		{name: "host IP garbage", write: pod(func(p *Pod) { p.Status.HostIP = "garbage" }),
			causes: []cause{{Field: "status.hostIPs[0]", Type: "Invalid value", Value: "garbage", Detail: badIP}}},
		{name: "condition type not a qualified name",
			write: pod(func(p *Pod) {
				p.Status.Conditions = append(p.Status.Conditions, PodCondition{Type: "not ok!", Status: ConditionTrue})
			}),
			causes: []cause{{Field: "metadata.conditions[5].Type", Type: "Invalid value", Value: "not ok!", Detail: "name part must consist of alphanumeric characters"}}},
		{name: "custom condition type",
			write: pod(func(p *Pod) {
				p.Status.Conditions = append(p.Status.Conditions, PodCondition{Type: "example.com/warm", Status: ConditionTrue})
			})},
		{name: "terminated container of a Never pod may not run again",
			setup:  func(t *testing.T, s *Sim) { own(t, s, "default", "once", terminated(0)) },
			write:  statusOf("default", "once", running),
			causes: []cause{{Field: "status.containerStatuses[0].state", Type: "Forbidden", Detail: "may not be transitioned to non-terminated state"}}},
		{name: "failed container of an OnFailure pod may run again",
			setup: func(t *testing.T, s *Sim) { own(t, s, "default", "retry", terminated(1)) },
			write: statusOf("default", "retry", running)},
		{name: "succeeded container of an OnFailure pod may not",
			setup:  func(t *testing.T, s *Sim) { own(t, s, "default", "retry", terminated(0)) },
			write:  statusOf("default", "retry", running),
			causes: []cause{{Field: "status.containerStatuses[0].state", Type: "Forbidden"}}},
		{name: "ingress IP garbage", write: ingress("lb", LoadBalancerIngress{IP: "garbage"}),
			causes: []cause{{Field: "status.loadBalancer.ingress[0].ip", Type: "Invalid value", Value: "garbage", Detail: badIP}}},
		{name: "ingress IP already held, invalid or not",
			setup: func(t *testing.T, s *Sim) {
				own(t, s, "default", "lb", func(svc *Service) { svc.Status.LoadBalancer.Ingress = []LoadBalancerIngress{{IP: "192.0.2.010"}} })
			},
			write: ingress("lb", LoadBalancerIngress{IP: "192.0.2.10"}, LoadBalancerIngress{IP: "192.0.2.010"})},
		{name: "ingress hostname that is an address", write: ingress("lb", LoadBalancerIngress{Hostname: "192.0.2.7"}),
			causes: []cause{{Field: "status.loadBalancer.ingress[0].hostname", Type: "Invalid value", Detail: "must be a DNS name, not an IP address"}}},
		{name: "ingress hostname not a subdomain", write: ingress("lb", LoadBalancerIngress{Hostname: "LB_1"}),
			causes: []cause{{Field: "status.loadBalancer.ingress[0].hostname", Type: "Invalid value", Value: "LB_1", Detail: "a lowercase RFC 1123 subdomain"}}},
		{name: "ingress hostname", write: ingress("lb", LoadBalancerIngress{Hostname: "lb-1.example.com"})},
		{name: "ingress on a ClusterIP Service", write: ingress("plain", LoadBalancerIngress{IP: "192.0.2.9"}),
			causes: []cause{{Field: "status.loadBalancer.ingress", Type: "Forbidden", Detail: "may only be used when `spec.type` is 'LoadBalancer'"}}},
		{name: "negative ReplicaSet replicas", write: rs(func(st *ReplicaSetStatus) { st.Replicas = -1 }),
			causes: []cause{
				{Field: "status.replicas", Type: "Invalid value", Value: "-1", Detail: "must be greater than or equal to 0"},
				{Field: "status.fullyLabeledReplicas", Type: "Invalid value", Detail: "cannot be greater than status.replicas"},
				{Field: "status.readyReplicas", Type: "Invalid value", Detail: "cannot be greater than status.replicas"},
				{Field: "status.availableReplicas", Type: "Invalid value", Detail: "cannot be greater than status.replicas"},
			}},
		{name: "more ready than ReplicaSet replicas", write: rs(func(st *ReplicaSetStatus) { st.ReadyReplicas, st.AvailableReplicas = 3, 0 }),
			causes: []cause{{Field: "status.readyReplicas", Type: "Invalid value", Value: "3", Detail: "cannot be greater than status.replicas"}}},
		{name: "more available than ready", write: rs(func(st *ReplicaSetStatus) { st.ReadyReplicas = 1 }),
			causes: []cause{{Field: "status.availableReplicas", Type: "Invalid value", Value: "2", Detail: "cannot be greater than readyReplicas"}}},
		{name: "negative observedGeneration", write: rs(func(st *ReplicaSetStatus) { st.ObservedGeneration = -1 }),
			causes: []cause{{Field: "status.observedGeneration", Type: "Invalid value", Value: "-1"}}},
		{name: "ReplicaSet counts lowered", write: rs(func(st *ReplicaSetStatus) { st.AvailableReplicas, st.ReadyReplicas = 0, 0 })},
		{name: "negative unavailable Deployment replicas", write: deploy(func(st *DeploymentStatus) { st.UnavailableReplicas = -1 }),
			causes: []cause{{Field: "status.unavailableReplicas", Type: "Invalid value", Value: "-1", Detail: "must be greater than or equal to 0"}}},
		{name: "more updated than Deployment replicas", write: deploy(func(st *DeploymentStatus) { st.UpdatedReplicas = 3 }),
			causes: []cause{{Field: "status.updatedReplicas", Type: "Invalid value", Value: "3", Detail: "cannot be greater than status.replicas"}}},
		{name: "collisionCount decremented",
			setup: func(t *testing.T, s *Sim) {
				own(t, s, "default", "deploy", func(d *Deployment) { d.Status.CollisionCount = Ptr(int32(2)) })
			},
			write:  deploy(func(st *DeploymentStatus) { st.CollisionCount = Ptr(int32(1)) }),
			causes: []cause{{Field: "status.collisionCount", Type: "Invalid value", Value: "1", Detail: "cannot be decremented"}}},
		{name: "collisionCount dropped",
			setup: func(t *testing.T, s *Sim) {
				own(t, s, "default", "deploy", func(d *Deployment) { d.Status.CollisionCount = Ptr(int32(2)) })
			},
			write:  deploy(func(st *DeploymentStatus) { st.CollisionCount = nil }),
			causes: []cause{{Field: "status.collisionCount", Type: "Invalid value", Value: "0", Detail: "cannot be decremented"}}},
		{name: "negative collisionCount", write: deploy(func(st *DeploymentStatus) { st.CollisionCount = Ptr(int32(-1)) }),
			causes: []cause{{Field: "status.collisionCount", Type: "Invalid value", Value: "-1", Detail: "must be greater than or equal to 0"}}},
		{name: "collisionCount raised", write: deploy(func(st *DeploymentStatus) { st.CollisionCount = Ptr(int32(1)) })},
		{name: "node address listed twice",
			write:  statusOf("", "node-1", func(n *Node) { n.Status.Addresses = append(n.Status.Addresses, n.Status.Addresses[0]) }),
			causes: []cause{{Field: "status.addresses[2]", Type: "Duplicate value"}}},
		{name: "node with no addresses", write: statusOf("", "node-1", func(n *Node) { n.Status.Addresses = nil })},
		{name: "namespace Terminating while not deleted",
			write:  statusOf("", "default", func(ns *Namespace) { ns.Status.Phase = NamespaceTerminating }),
			causes: []cause{{Field: "status.Phase", Type: "Invalid value", Value: "Terminating", Detail: "may only be 'Active' if `deletionTimestamp` is empty"}}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			s := statusWorld(t)
			if tt.setup != nil {
				tt.setup(t, s)
			}
			o := tt.write(t, s)
			before := takeSnapshot(s)
			out, err := s.UpdateStatus(o)
			if tt.causes == nil {
				require.NoError(t, err)
				stored, _ := s.Get(o.Kind(), o.Meta().Namespace, o.Meta().Name)
				assert.Equal(t, statusField(o), statusField(stored), "the status is stored")
				assert.Equal(t, statusField(o), statusField(out))
				return
			}
			var se *StatusError
			require.True(t, errors.As(err, &se), "a *StatusError, got %T: %v", err, err)
			assert.ErrorIs(t, err, ErrInvalid)
			assertCauses(t, tt.causes, se.Causes)
			assertUnchanged(t, s, before)
		})
	}
}

// statusField returns the status of an object of a kind with one.
func statusField(o Object) any {
	switch o := o.(type) {
	case *Pod:
		return o.Status
	case *Service:
		return o.Status
	case *ReplicaSet:
		return o.Status
	case *Deployment:
		return o.Status
	case *Node:
		return o.Status
	case *Namespace:
		return o.Status
	}
	return nil
}

// TestUpdateStatusMessage: the refusal reads as the apiserver's.
func TestUpdateStatusMessage(t *testing.T) {
	s := statusWorld(t)
	p := mustPod(t, s, "web")
	p.Status.PodIP = "garbage"
	_, err := s.UpdateStatus(p)
	assert.EqualError(t, err, `Pod "web" is invalid: status.podIPs[0]: Invalid value: "garbage": must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff)`)
	svc, _ := GetAs[*Service](s, "default", "lb")
	svc.Status.LoadBalancer.Ingress = []LoadBalancerIngress{{IP: "garbage"}}
	_, err = s.UpdateStatus(svc)
	assert.EqualError(t, err, `Service "lb" is invalid: status.loadBalancer.ingress[0].ip: Invalid value: "garbage": must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff)`)
}

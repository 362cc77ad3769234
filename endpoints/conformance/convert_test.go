package conformance

import (
	"strconv"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/apimachinery/pkg/util/intstr"

	"github.com/svcsim/svcsim/cluster"
	"github.com/svcsim/svcsim/selector"
)

// The functions below turn svcsim's stored objects into the k8s.io/api
// objects Kubernetes' controller reads, field for field, so that both
// sides start from the same data. They carry only what the EndpointSlice
// reconciler looks at; the store has already applied the apiserver's
// defaults (protocols, IP families), so nothing is defaulted here.

// kubeMeta converts the metadata both sides share.
func kubeMeta(m *cluster.ObjectMeta) metav1.ObjectMeta {
	out := metav1.ObjectMeta{
		Name:              m.Name,
		Namespace:         m.Namespace,
		UID:               types.UID(m.UID),
		ResourceVersion:   strconv.FormatUint(m.ResourceVersion, 10),
		Generation:        m.Generation,
		CreationTimestamp: metav1.NewTime(m.CreationTimestamp.Wall()),
		Labels:            cloneMap(m.Labels),
		Annotations:       cloneMap(m.Annotations),
	}
	if m.DeletionTimestamp != nil {
		t := metav1.NewTime(m.DeletionTimestamp.Wall())
		out.DeletionTimestamp = &t
	}
	return out
}

func cloneMap[M ~map[string]string](m M) map[string]string {
	if m == nil {
		return nil
	}
	out := make(map[string]string, len(m))
	for k, v := range m {
		out[k] = v
	}
	return out
}

// kubePod converts a pod: its containers' ports, node, hostname and
// subdomain, phase, IP and conditions.
func kubePod(p *cluster.Pod) *corev1.Pod {
	out := &corev1.Pod{
		ObjectMeta: kubeMeta(&p.ObjectMeta),
		Spec: corev1.PodSpec{
			NodeName:  p.Spec.NodeName,
			Hostname:  p.Spec.Hostname,
			Subdomain: p.Spec.Subdomain,
		},
		Status: corev1.PodStatus{
			Phase:  corev1.PodPhase(p.Status.Phase),
			HostIP: p.Status.HostIP,
			PodIP:  p.Status.PodIP,
		},
	}
	for _, c := range p.Spec.Containers {
		kc := corev1.Container{Name: c.Name, Image: c.Image}
		for _, port := range c.Ports {
			kc.Ports = append(kc.Ports, corev1.ContainerPort{Name: port.Name, ContainerPort: port.ContainerPort, Protocol: corev1.Protocol(port.Protocol)})
		}
		out.Spec.Containers = append(out.Spec.Containers, kc)
	}
	if p.Status.PodIP != "" {
		out.Status.PodIPs = []corev1.PodIP{{IP: p.Status.PodIP}}
	}
	for _, c := range p.Status.Conditions {
		out.Status.Conditions = append(out.Status.Conditions, corev1.PodCondition{
			Type:               corev1.PodConditionType(c.Type),
			Status:             corev1.ConditionStatus(c.Status),
			LastTransitionTime: metav1.NewTime(c.LastTransitionTime.Wall()),
			Reason:             c.Reason,
			Message:            c.Message,
		})
	}
	return out
}

// kubeService converts a Service: its type, selector, ports, cluster IPs
// and IP families, and publishNotReadyAddresses.
func kubeService(s *cluster.Service) *corev1.Service {
	out := &corev1.Service{
		ObjectMeta: kubeMeta(&s.ObjectMeta),
		Spec: corev1.ServiceSpec{
			Type:                     corev1.ServiceType(s.Spec.Type),
			Selector:                 cloneMap(s.Spec.Selector),
			ClusterIP:                s.Spec.ClusterIP,
			ClusterIPs:               append([]string(nil), s.Spec.ClusterIPs...),
			PublishNotReadyAddresses: s.Spec.PublishNotReadyAddresses,
		},
	}
	for _, f := range s.Spec.IPFamilies {
		out.Spec.IPFamilies = append(out.Spec.IPFamilies, corev1.IPFamily(f))
	}
	for _, p := range s.Spec.Ports {
		target := intstr.FromInt32(p.TargetPort.IntVal)
		if p.TargetPort.IsString {
			target = intstr.FromString(p.TargetPort.StrVal)
		}
		out.Spec.Ports = append(out.Spec.Ports, corev1.ServicePort{
			Name:        p.Name,
			Protocol:    corev1.Protocol(p.Protocol),
			AppProtocol: p.AppProtocol,
			Port:        p.Port,
			TargetPort:  target,
			NodePort:    p.NodePort,
		})
	}
	return out
}

// kubeNode converts a node: only its name and labels (the zone) matter to
// the reconciler.
func kubeNode(n *cluster.Node) *corev1.Node {
	return &corev1.Node{ObjectMeta: kubeMeta(&n.ObjectMeta)}
}

// kubeObjects converts a cluster's nodes, and the Services and pods of
// its default namespace.
func kubeObjects(s *cluster.Sim) (nodes []*corev1.Node, services []*corev1.Service, pods []*corev1.Pod) {
	for _, n := range cluster.ListAs[*cluster.Node](s, "", selector.Everything()) {
		nodes = append(nodes, kubeNode(n))
	}
	for _, svc := range cluster.ListAs[*cluster.Service](s, "default", selector.Everything()) {
		services = append(services, kubeService(svc))
	}
	for _, p := range cluster.ListAs[*cluster.Pod](s, "default", selector.Everything()) {
		pods = append(pods, kubePod(p))
	}
	return nodes, services, pods
}

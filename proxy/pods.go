package proxy

import (
	"maps"

	"github.com/svcsim/svcsim/cluster"
)

// podRec is the network's record of a pod that has an address: enough to
// deliver a connection to it and let its app answer.
type podRec struct {
	key, uid   string
	info       PodInfo
	containers []cluster.Container
	// apps caches each container's app, valid while gen matches the
	// registry's generation.
	apps []*App
	gen  int
	// The built-in apps' bodies, made on first use.
	hostinfo, nameLine string
	// ref is the kubelet's record of the pod, found on first use.
	ref cluster.RuntimeRef
	// tally is where the last load to count the pod's answers counts them.
	tally tallyCache
}

// runtime reports what the pod's kubelet says of it now.
func (r *podRec) runtime(s *cluster.Sim) (cluster.PodRuntime, bool) {
	if r.ref == (cluster.RuntimeRef{}) {
		r.ref, _ = s.RuntimeRef(r.uid)
	}
	return r.ref.Runtime()
}

func newPodRec(pod *cluster.Pod) *podRec {
	return &podRec{
		key: key(pod.Namespace, pod.Name), uid: pod.UID,
		// The labels are cloned: apps and responses hand them to callers,
		// and the pod is the store's own snapshot.
		info:       PodInfo{Namespace: pod.Namespace, Name: pod.Name, IP: pod.Status.PodIP, Node: pod.Spec.NodeName, Labels: maps.Clone(pod.Labels)},
		containers: pod.Spec.Containers,
		gen:        -1,
	}
}

// listener returns the index of the container whose app listens on port,
// or -1.
func (r *podRec) listener(apps *Apps, port int32) int {
	if r.gen != apps.gen {
		r.apps = r.apps[:0]
		for i := range r.containers {
			r.apps = append(r.apps, apps.For(r.containers[i].Image))
		}
		r.gen = apps.gen
	}
	for i, app := range r.apps {
		if app.listensOn(&r.containers[i], port) {
			return i
		}
	}
	return -1
}

// onPod keeps the address table: which pod has which IP. It watches with
// no lag, because it stands for the network itself, not for a controller.
func (p *Proxies) onPod(ev cluster.WatchEvent) {
	pod := ev.Object.(*cluster.Pod)
	if ev.Old != nil {
		if old := ev.Old.(*cluster.Pod); old.Status.PodIP != "" {
			if r := p.pods[old.Status.PodIP]; r != nil && r.uid == old.UID {
				delete(p.pods, old.Status.PodIP)
			}
		}
	}
	if ev.Type == cluster.Deleted || pod.Status.PodIP == "" {
		if r := p.pods[pod.Status.PodIP]; r != nil && r.uid == pod.UID {
			delete(p.pods, pod.Status.PodIP)
		}
		return
	}
	p.pods[pod.Status.PodIP] = newPodRec(pod)
}

package conformance

import (
	"fmt"
	"slices"
	"strconv"

	"github.com/go-logr/logr"
	corev1 "k8s.io/api/core/v1"
	discovery "k8s.io/api/discovery/v1"
	"k8s.io/apimachinery/pkg/labels"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/types"
	"k8s.io/apimachinery/pkg/util/sets"
	"k8s.io/client-go/kubernetes/fake"
	corelisters "k8s.io/client-go/listers/core/v1"
	discoverylisters "k8s.io/client-go/listers/discovery/v1"
	k8stesting "k8s.io/client-go/testing"
	"k8s.io/client-go/tools/cache"
	"k8s.io/client-go/tools/record"
	"k8s.io/endpointslice"
	"k8s.io/endpointslice/topologycache"
	endpointsliceutil "k8s.io/endpointslice/util"
)

// controllerName is the managed-by value kube-controller-manager's
// EndpointSlice controller gives its reconciler.
const controllerName = "endpointslice-controller.k8s.io"

// kube is Kubernetes' EndpointSlice controller without its apiserver: the
// informer caches it reads (an indexer per kind with the namespace index,
// behind the client-go listers), its trackers and topology cache, and the
// k8s.io/endpointslice Reconciler writing through a fake clientset. A
// reactor on the fake plays the apiserver's part for EndpointSlices (a
// name for generateName, a UID, a generation) and queues what the watch
// would deliver; [kube.deliver] applies that to the slice cache as the
// informer would. No request leaves the process, so apiserver round trips
// are not measured; what remains of the fake's own cost is two deep copies
// of each request, which it records. The simple fake (no field
// management) keeps that cost low.
type kube struct {
	client     *fake.Clientset
	reconciler *endpointslice.Reconciler
	tracker    *endpointsliceutil.EndpointSliceTracker
	triggers   *endpointsliceutil.TriggerTimeTracker
	logger     logr.Logger

	pods, services, slices, nodes cache.Indexer
	podLister                     corelisters.PodLister
	serviceLister                 corelisters.ServiceLister
	sliceLister                   discoverylisters.EndpointSliceLister

	// pending are the slice writes the reactor accepted and the slice
	// informer has not delivered yet.
	pending []sliceEvent
	seq     int
	// writes counts the EndpointSlice creates, updates and deletes.
	writes int
}

// sliceEvent is one EndpointSlice write as its watch delivers it: the
// object, or for a deletion its namespace and name.
type sliceEvent struct {
	obj       *discovery.EndpointSlice
	ns, name  string
	isDeleted bool
}

func newIndexer() cache.Indexer {
	return cache.NewIndexer(cache.MetaNamespaceKeyFunc, cache.Indexers{cache.NamespaceIndex: cache.MetaNamespaceIndexFunc})
}

// newKube builds the controller's caches from nodes, Services and pods, as
// its informers would have them after their initial list.
func newKube(nodes []*corev1.Node, services []*corev1.Service, pods []*corev1.Pod) *kube {
	k := &kube{
		client:   fake.NewSimpleClientset(),
		tracker:  endpointsliceutil.NewEndpointSliceTracker(),
		triggers: endpointsliceutil.NewTriggerTimeTracker(),
		logger:   logr.Discard(),
		pods:     newIndexer(), services: newIndexer(), slices: newIndexer(), nodes: newIndexer(),
	}
	k.podLister = corelisters.NewPodLister(k.pods)
	k.serviceLister = corelisters.NewServiceLister(k.services)
	k.sliceLister = discoverylisters.NewEndpointSliceLister(k.slices)
	for _, n := range nodes {
		must(k.nodes.Add(n))
	}
	for _, s := range services {
		must(k.services.Add(s))
	}
	for _, p := range pods {
		must(k.pods.Add(p))
	}
	k.client.PrependReactor("*", "endpointslices", k.react)
	// As kube-controller-manager builds it: 100 endpoints per slice, a
	// topology cache, no events sent anywhere.
	k.reconciler = endpointslice.NewReconciler(k.client, corelisters.NewNodeLister(k.nodes), 100, k.tracker,
		topologycache.NewTopologyCache(), &record.FakeRecorder{}, controllerName)
	return k
}

func must(err error) {
	if err != nil {
		panic(err)
	}
}

// react is the apiserver's side of an EndpointSlice write.
func (k *kube) react(action k8stesting.Action) (bool, runtime.Object, error) {
	k.seq++
	switch action.GetVerb() {
	case "create":
		k.writes++
		s := action.(k8stesting.CreateAction).GetObject().(*discovery.EndpointSlice)
		if s.Name == "" {
			s.Name = s.GenerateName + strconv.Itoa(k.seq)
		}
		s.UID = types.UID(fmt.Sprintf("slice-%d", k.seq))
		s.Generation = 1
		s.ResourceVersion = strconv.Itoa(k.seq)
		k.pending = append(k.pending, sliceEvent{obj: s})
		return true, s, nil
	case "update":
		k.writes++
		s := action.(k8stesting.UpdateAction).GetObject().(*discovery.EndpointSlice)
		old, ok, _ := k.slices.GetByKey(s.Namespace + "/" + s.Name)
		if !ok {
			return true, nil, fmt.Errorf("update of missing EndpointSlice %s/%s", s.Namespace, s.Name)
		}
		if s.UID == "" { // as the apiserver does: keep the stored UID
			s.UID = old.(*discovery.EndpointSlice).UID
		}
		s.Generation = old.(*discovery.EndpointSlice).Generation + 1
		s.ResourceVersion = strconv.Itoa(k.seq)
		k.pending = append(k.pending, sliceEvent{obj: s})
		return true, s, nil
	case "delete":
		k.writes++
		a := action.(k8stesting.DeleteAction)
		k.pending = append(k.pending, sliceEvent{ns: a.GetNamespace(), name: a.GetName(), isDeleted: true})
		return true, nil, nil
	}
	return false, nil, nil
}

// deliver runs the slice informer: the cache takes the writes, and a
// deletion is reported to the tracker as the controller's handler does.
func (k *kube) deliver() {
	for _, ev := range k.pending {
		if !ev.isDeleted {
			// What the informer decodes is what the apiserver stored and
			// sent: an empty list travels as no list at all, so the
			// placeholder's empty ports arrive as nil, like a portless
			// slice's. The fake clientset keeps objects as written.
			o := ev.obj.DeepCopy()
			if len(o.Ports) == 0 {
				o.Ports = nil
			}
			if len(o.Endpoints) == 0 {
				o.Endpoints = nil
			}
			must(k.slices.Update(o))
			continue
		}
		old, ok, _ := k.slices.GetByKey(ev.ns + "/" + ev.name)
		if !ok {
			continue
		}
		must(k.slices.Delete(old))
		k.tracker.HandleDeletion(old.(*discovery.EndpointSlice))
	}
	k.pending = k.pending[:0]
	k.client.ClearActions() // the fake records every request; nothing reads them
}

// syncAll reconciles every Service once with the pods given for it
// (found without a selector scan, since the test built them so), as the
// controller's first pass over its queue would leave the slices.
func (k *kube) syncAll(podsOf func(svc *corev1.Service) []*corev1.Pod) error {
	keys := k.services.ListKeys()
	slices.Sort(keys) // for names that repeat from run to run
	for _, key := range keys {
		o, _, _ := k.services.GetByKey(key)
		svc := o.(*corev1.Service)
		if svc.Spec.Selector == nil {
			continue // not the controller's to manage
		}
		// The test creates its Services before any pod has an address,
		// so each Service's first sync found no endpoints and wrote the
		// placeholder; the pods came after. The placeholder of a portless
		// Service whose first endpoints fill a new slice stays, in
		// Kubernetes as in svcsim, so the history matters.
		if err := k.reconciler.Reconcile(k.logger, svc, nil, nil, svc.CreationTimestamp.Time); err != nil {
			return err
		}
		k.deliver()
		pods := podsOf(svc)
		t := k.triggers.ComputeEndpointLastChangeTriggerTime(svc.Namespace, svc, pods)
		if err := k.reconciler.Reconcile(k.logger, svc, pods, k.slicesOf(svc.Namespace, svc.Name), t); err != nil {
			return err
		}
		k.deliver()
	}
	return nil
}

// onPod is what the controller does when its pod informer delivers a
// change from old to cur (old nil for an addition, cur nil for a
// deletion): the cache takes it, the Services to sync are found by
// matching every Service's selector against the old and the new labels
// (GetServicesToUpdate), and each is synced.
func (k *kube) onPod(old, cur *corev1.Pod) error {
	var err error
	switch {
	case old == nil:
		err = k.pods.Add(cur)
	case cur == nil:
		err = k.pods.Delete(old)
	default:
		err = k.pods.Update(cur)
	}
	if err != nil {
		return err
	}
	keys, err := endpointsliceutil.GetServicesToUpdate(k.serviceLister, endpointsliceutil.GetPodUpdateProjectionKey(old, cur))
	if err != nil {
		return err
	}
	// The controller's work queue runs them in no particular order; sort
	// so that runs repeat.
	for _, key := range sets.List(keys) {
		if err := k.syncService(key); err != nil {
			return err
		}
	}
	return nil
}

// syncService is the controller's syncService for a Service with a
// selector: list its pods and its slices from the caches, compute the
// trigger time, reconcile, and let the informer deliver the writes.
func (k *kube) syncService(key string) error {
	ns, name, err := cache.SplitMetaNamespaceKey(key)
	if err != nil {
		return err
	}
	svc, err := k.serviceLister.Services(ns).Get(name)
	if err != nil {
		return err
	}
	pods, err := k.podLister.Pods(ns).List(labels.Set(svc.Spec.Selector).AsSelectorPreValidated())
	if err != nil {
		return err
	}
	existing, err := k.sliceLister.EndpointSlices(ns).List(labels.Set{
		discovery.LabelServiceName: name,
		discovery.LabelManagedBy:   controllerName,
	}.AsSelectorPreValidated())
	if err != nil {
		return err
	}
	if k.tracker.StaleSlices(svc, existing) {
		return fmt.Errorf("EndpointSlice cache of %s is stale", key)
	}
	t := k.triggers.ComputeEndpointLastChangeTriggerTime(ns, svc, pods)
	if err := k.reconciler.Reconcile(k.logger, svc, pods, existing, t); err != nil {
		return err
	}
	k.deliver()
	return nil
}

// slicesOf returns a Service's EndpointSlices from the cache.
func (k *kube) slicesOf(ns, name string) []*discovery.EndpointSlice {
	out, err := k.sliceLister.EndpointSlices(ns).List(labels.Set{discovery.LabelServiceName: name}.AsSelectorPreValidated())
	must(err)
	return out
}

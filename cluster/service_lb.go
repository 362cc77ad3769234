package cluster

import (
	"reflect"
	"slices"
)

// lbName is the load-balancer controller's component name.
const lbName = "service-lb-controller"

// lbController stands in for a cloud's load balancer (or MetalLB on bare
// metal): it gives every LoadBalancer Service an address from
// Config.LoadBalancerIPs and writes it to status.loadBalancer.ingress, and
// takes it back when the Service goes or stops being a LoadBalancer. It
// runs only when the pool is not empty; without it LoadBalancer Services
// stay <pending>, as on a cluster with no cloud provider.
type lbController struct {
	s     *Sim
	pool  []string
	owner []string       // pool index -> UID of the Service holding it, "" if free
	byUID map[string]int // Service UID -> pool index
}

func (s *Sim) startLoadBalancerController() {
	if len(s.cfg.LoadBalancerIPs) == 0 {
		return
	}
	c := &lbController{s: s, pool: slices.Clone(s.cfg.LoadBalancerIPs), owner: make([]string, len(s.cfg.LoadBalancerIPs)), byUID: map[string]int{}}
	s.watchShared(lbName, s.cfg.Timing.lagFor(s.cfg.Timing.Controllers), nil, c.onService, KindService)
}

func (c *lbController) onService(ev WatchEvent) {
	svc := ev.Object.(*Service)
	if ev.Type == Deleted {
		c.release(svc.UID)
		return
	}
	// Act on the Service as it is now, not as the event saw it.
	cur, ok := c.s.store.get(KindService, svc.Namespace, svc.Name)
	if !ok || cur.Meta().UID != svc.UID {
		return // deleted since; its Deleted event follows
	}
	c.sync(cur.(*Service))
}

// sync makes one Service's ingress what the pool says it should be.
func (c *lbController) sync(svc *Service) {
	if svc.Spec.Type != ServiceTypeLoadBalancer {
		// The apiserver cleared the status with the type change.
		c.release(svc.UID)
		return
	}
	i, ok := c.byUID[svc.UID]
	if !ok {
		i = slices.Index(c.owner, "")
		if i < 0 {
			c.s.emit(KindService, svc.Namespace, svc.Name, EventWarning, "SyncLoadBalancerFailed", "service-controller",
				"Error syncing load balancer: failed to ensure load balancer: no free address in the load balancer pool")
			return
		}
		c.owner[i], c.byUID[svc.UID] = svc.UID, i
		c.s.emit(KindService, svc.Namespace, svc.Name, EventNormal, "EnsuringLoadBalancer", "service-controller", "Ensuring load balancer")
		c.s.emit(KindService, svc.Namespace, svc.Name, EventNormal, "EnsuredLoadBalancer", "service-controller", "Ensured load balancer")
	}
	want := []LoadBalancerIngress{{IP: c.pool[i]}}
	if reflect.DeepEqual(svc.Status.LoadBalancer.Ingress, want) {
		return
	}
	o := svc.DeepCopy()
	o.Status.LoadBalancer.Ingress = want
	c.s.updateStatusOwned(o, svc)
}

// release frees the address a Service held and gives it to the first
// LoadBalancer Service, in namespace and name order, still waiting for one.
func (c *lbController) release(uid string) {
	i, ok := c.byUID[uid]
	if !ok {
		return
	}
	delete(c.byUID, uid)
	c.owner[i] = ""
	var waiting *Service
	c.s.store.each(KindService, "", func(o Object) bool {
		svc := o.(*Service)
		if _, has := c.byUID[svc.UID]; svc.Spec.Type == ServiceTypeLoadBalancer && !has {
			waiting = svc
			return false
		}
		return true
	})
	if waiting != nil {
		c.sync(waiting)
	}
}

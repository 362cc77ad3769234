package flow

import (
	"fmt"
	"time"

	"github.com/svcsim/svcsim"
	"github.com/svcsim/svcsim/cluster"
	"github.com/svcsim/svcsim/proxy"
)

// RollingUpdate changes a Deployment's image and lets the Deployment
// controller roll it out within MaxSurge and MaxUnavailable, as `kubectl
// set image` followed by `kubectl rollout status` does, optionally adding
// a preStop sleep and a readiness probe to the pod template in the same
// change, with a load throughout.
type RollingUpdate struct {
	// Namespace holds the Deployment; empty means "default".
	Namespace string
	// Deployment is the Deployment to update.
	Deployment string
	// Container is the container whose image changes; empty means the
	// first. Image is the new image, required.
	Container, Image string
	// MaxSurge and MaxUnavailable, if set, replace the Deployment's
	// rolling-update bounds (an integer or a percentage, as in the API).
	MaxSurge, MaxUnavailable *cluster.IntOrString
	// PreStopSleep, if positive, gives every container a preStop sleep
	// of that many whole seconds (rounded up), so that a pod keeps
	// serving while the proxies learn it is going.
	PreStopSleep time.Duration
	// ReadinessProbe, if set, becomes every container's readiness probe.
	ReadinessProbe *cluster.Probe
	// Load, if set, runs throughout, as for [BlueGreen].
	Load *proxy.Load
	// Timeout bounds the wait for the rollout in virtual time; 0 means
	// DefaultTimeout.
	Timeout time.Duration
}

// RolloutReport is what a rolling update did and what its load saw.
type RolloutReport struct {
	// Events is the flow's timeline.
	Events []Event
	// Started is when the Deployment was changed, Done when every replica
	// was updated and available and no old pod was left.
	Started, Done cluster.Time
	// Tally is the load's, nil without one.
	Tally *proxy.Tally
}

// Run carries the update out on c. A configuration it cannot run (no such
// Deployment or container, no image, a change the apiserver refuses)
// returns an error and changes nothing; a rollout that does not finish
// within Timeout returns one wrapping ErrTimeout with the report so far.
func (ru RollingUpdate) Run(c *svcsim.Cluster) (RolloutReport, error) {
	r, err := newRun(c, ru.Namespace, ru.Timeout)
	if err != nil {
		return RolloutReport{}, err
	}
	var rep RolloutReport
	d, sel, err := r.deployment(ru.Deployment)
	if err != nil {
		return rep, err
	}
	if ru.Image == "" {
		return rep, fmt.Errorf("%w: an image is required", ErrInvalid)
	}
	if err := validDuration("preStop sleep", ru.PreStopSleep); err != nil {
		return rep, err
	}
	d = d.DeepCopyObject().(*cluster.Deployment)
	spec := &d.Spec.Template.Spec
	found := false
	for i := range spec.Containers {
		ct := &spec.Containers[i]
		if ru.Container == ct.Name || ru.Container == "" && i == 0 {
			ct.Image, found = ru.Image, true
		}
		if ru.PreStopSleep > 0 {
			secs := int64((ru.PreStopSleep + time.Second - 1) / time.Second)
			ct.Lifecycle = &cluster.Lifecycle{PreStop: &cluster.LifecycleHandler{Sleep: &cluster.SleepAction{Seconds: secs}}}
		}
		if ru.ReadinessProbe != nil {
			pr := *ru.ReadinessProbe
			ct.ReadinessProbe = &pr
		}
	}
	if !found {
		return rep, fmt.Errorf("%w: deployment %s has no container %q", ErrInvalid, ru.Deployment, ru.Container)
	}
	if ru.MaxSurge != nil || ru.MaxUnavailable != nil {
		st := &d.Spec.Strategy
		if st.Type == cluster.RecreateStrategy {
			return rep, fmt.Errorf("%w: deployment %s uses the Recreate strategy", ErrInvalid, ru.Deployment)
		}
		ruSpec := cluster.RollingUpdateDeployment{}
		if st.RollingUpdate != nil {
			ruSpec = *st.RollingUpdate
		}
		if ru.MaxSurge != nil {
			v := *ru.MaxSurge
			ruSpec.MaxSurge = &v
		}
		if ru.MaxUnavailable != nil {
			v := *ru.MaxUnavailable
			ruSpec.MaxUnavailable = &v
		}
		st.RollingUpdate = &ruSpec
	}
	// The change is tried on a scratch cluster first, so that neither a
	// change the apiserver refuses nor a load Generate refuses leaves the
	// other done.
	if err := dryRun(d); err != nil {
		return rep, err
	}
	if rep.Tally, err = r.startLoad(ru.Load); err != nil {
		return rep, err
	}
	if _, err := r.c.Update(d); err != nil {
		return rep, err
	}
	rep.Started = r.c.Now()
	r.log("deployment %s: image %s", ru.Deployment, ru.Image)
	err = r.until("deployment "+ru.Deployment+" to roll out", func() bool {
		return r.available(ru.Deployment) && len(r.pods(sel, false)) == int(replicas(d))
	})
	if err == nil {
		rep.Done = r.c.Now()
		r.log("deployment %s rolled out", ru.Deployment)
		err = r.finishLoad(ru.Load, rep.Tally)
	}
	rep.Events = r.events
	return rep, err
}

// dryRun creates a copy of d in an empty cluster, where the apiserver's
// validation of its spec runs without touching the real one.
func dryRun(d *cluster.Deployment) error {
	s, err := cluster.New(cluster.Config{Nodes: 1, TraceCapacity: -1, EventCapacity: -1})
	if err != nil {
		return err
	}
	x := d.DeepCopyObject().(*cluster.Deployment)
	x.ObjectMeta = cluster.ObjectMeta{Name: d.Name, Namespace: "default", Labels: d.Labels}
	_, err = s.Create(x)
	return err
}

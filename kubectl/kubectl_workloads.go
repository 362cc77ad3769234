package kubectl

import (
	"cmp"
	"fmt"
	"slices"
	"strings"
	"text/tabwriter"

	"github.com/svcsim/svcsim/cluster"
	"github.com/svcsim/svcsim/selector"
)

// qualified is how kubectl names a resource in its messages: "pod",
// "deployment.apps", "replicaset.apps", "endpointslice.discovery.k8s.io".
func qualified(kind cluster.Kind) string {
	switch kind {
	case cluster.KindDeployment, cluster.KindReplicaSet:
		return cluster.Resource(kind) + ".apps"
	case cluster.KindEndpointSlice:
		return cluster.Resource(kind) + ".discovery.k8s.io"
	}
	return cluster.Resource(kind)
}

// DeploymentOptions are kubectl create deployment's flags.
type DeploymentOptions struct {
	// Image is the container image (--image); required.
	Image string
	// Replicas defaults to 1.
	Replicas int32
	// Port is the container port to declare (--port); 0 for none.
	Port int32
}

// CreateDeployment creates a Deployment as `kubectl create deployment NAME
// --image IMAGE [--replicas N] [--port P]` does: labels and selector
// app=NAME, one container named after the image.
func (k *Client) CreateDeployment(name string, opts DeploymentOptions) (*cluster.Deployment, error) {
	k.check()
	n := opts.Replicas
	if n == 0 {
		n = 1
	}
	c := cluster.Container{Name: imageName(opts.Image), Image: opts.Image}
	if opts.Port != 0 {
		c.Ports = []cluster.ContainerPort{{ContainerPort: opts.Port}}
	}
	labels := selector.Set{"app": name}
	d := &cluster.Deployment{
		ObjectMeta: cluster.ObjectMeta{Name: name, Namespace: k.ns, Labels: labels.Clone()},
		Spec: cluster.DeploymentSpec{
			Replicas: cluster.Ptr(n),
			Selector: &selector.LabelSelector{MatchLabels: labels.Clone()},
			Template: cluster.PodTemplateSpec{ObjectMeta: cluster.ObjectMeta{Labels: labels.Clone()}, Spec: cluster.PodSpec{Containers: []cluster.Container{c}}},
		},
	}
	o, err := k.s.Create(d)
	if err != nil {
		return nil, err
	}
	k.say("deployment.apps/%s created", name)
	return o.(*cluster.Deployment), nil
}

// imageName is the container name kubectl derives from an image:
// "registry/rxmllc/hostinfo:1.2" -> "hostinfo".
func imageName(image string) string {
	if i := strings.LastIndexByte(image, '/'); i >= 0 {
		image = image[i+1:]
	}
	if i := strings.IndexAny(image, ":@"); i >= 0 {
		image = image[:i]
	}
	return image
}

// Scale sets the replicas of a Deployment or ReplicaSet, as kubectl scale.
func (k *Client) Scale(kind cluster.Kind, name string, n int32) error {
	k.check()
	o, ok := k.s.Get(kind, k.ns, name)
	if !ok {
		return &cluster.StatusError{Op: "scale", Kind: kind, Namespace: k.ns, Name: name, Err: cluster.ErrNotFound}
	}
	switch x := o.(type) {
	case *cluster.Deployment:
		x.Spec.Replicas = cluster.Ptr(n)
	case *cluster.ReplicaSet:
		x.Spec.Replicas = cluster.Ptr(n)
	default:
		return fmt.Errorf("%w: cannot scale a %s", ErrUsage, kind)
	}
	if _, err := k.s.Update(o); err != nil {
		return err
	}
	k.say("%s/%s scaled", qualified(kind), name)
	return nil
}

// SetImage changes a container's image in a Deployment's template, which
// starts a rollout (kubectl set image deployment/NAME CONTAINER=IMAGE).
func (k *Client) SetImage(name, container, image string) error {
	k.check()
	d, ok := cluster.GetAs[*cluster.Deployment](k.s, k.ns, name)
	if !ok {
		return &cluster.StatusError{Op: "set image", Kind: cluster.KindDeployment, Namespace: k.ns, Name: name, Err: cluster.ErrNotFound}
	}
	found := false
	for i := range d.Spec.Template.Spec.Containers {
		if c := &d.Spec.Template.Spec.Containers[i]; c.Name == container || container == "*" {
			c.Image = image
			found = true
		}
	}
	if !found {
		return fmt.Errorf("%w: unable to find container named %q", ErrUsage, container)
	}
	if _, err := k.s.Update(d); err != nil {
		return err
	}
	k.say("deployment.apps/%s image updated", name)
	return nil
}

// RolloutStatus reports a Deployment's rollout as `kubectl rollout status`
// prints it at this instant, and whether the rollout is done.
func (k *Client) RolloutStatus(name string) (string, bool, error) {
	k.check()
	d, ok := cluster.GetAs[*cluster.Deployment](k.s, k.ns, name)
	if !ok {
		return "", false, &cluster.StatusError{Op: "get", Kind: cluster.KindDeployment, Namespace: k.ns, Name: name, Err: cluster.ErrNotFound}
	}
	if d.Generation > d.Status.ObservedGeneration {
		return "Waiting for deployment spec update to be observed...", false, nil
	}
	if c, ok := deploymentCondition(d.Status, "Progressing"); ok && c.Reason == "ProgressDeadlineExceeded" {
		return "", false, fmt.Errorf("deployment %q exceeded its progress deadline", name)
	}
	want := int32(0)
	if d.Spec.Replicas != nil {
		want = *d.Spec.Replicas
	}
	st := d.Status
	switch {
	case st.UpdatedReplicas < want:
		return fmt.Sprintf("Waiting for deployment %q rollout to finish: %d out of %d new replicas have been updated...", name, st.UpdatedReplicas, want), false, nil
	case st.Replicas > st.UpdatedReplicas:
		return fmt.Sprintf("Waiting for deployment %q rollout to finish: %d old replicas are pending termination...", name, st.Replicas-st.UpdatedReplicas), false, nil
	case st.AvailableReplicas < st.UpdatedReplicas:
		return fmt.Sprintf("Waiting for deployment %q rollout to finish: %d of %d updated replicas are available...", name, st.AvailableReplicas, st.UpdatedReplicas), false, nil
	}
	return fmt.Sprintf("deployment %q successfully rolled out", name), true, nil
}

// ownedReplicaSets returns the ReplicaSets a Deployment controls, oldest first.
func (k *Client) ownedReplicaSets(d *cluster.Deployment) []*cluster.ReplicaSet {
	var out []*cluster.ReplicaSet
	for _, rs := range cluster.ListAs[*cluster.ReplicaSet](k.s, d.Namespace, selector.Everything()) {
		if ref, ok := rs.ControllerRef(); ok && ref.UID == d.UID {
			out = append(out, rs)
		}
	}
	slices.SortFunc(out, func(a, b *cluster.ReplicaSet) int {
		return cmp.Or(cmp.Compare(a.CreationTimestamp, b.CreationTimestamp), cmp.Compare(a.Name, b.Name))
	})
	return out
}

// RolloutHistory renders `kubectl rollout history deployment/NAME`.
func (k *Client) RolloutHistory(name string) (string, error) {
	k.check()
	d, ok := cluster.GetAs[*cluster.Deployment](k.s, k.ns, name)
	if !ok {
		return "", &cluster.StatusError{Op: "get", Kind: cluster.KindDeployment, Namespace: k.ns, Name: name, Err: cluster.ErrNotFound}
	}
	type entry struct {
		rev   int64
		cause string
	}
	var entries []entry
	for _, rs := range k.ownedReplicaSets(d) {
		if r := cluster.Revision(rs); r > 0 {
			cause := rs.Annotations["kubernetes.io/change-cause"]
			if cause == "" {
				cause = "<none>"
			}
			entries = append(entries, entry{r, cause})
		}
	}
	slices.SortFunc(entries, func(a, b entry) int { return cmp.Compare(a.rev, b.rev) })
	if len(entries) == 0 {
		return "deployment.apps/" + name + " \nNo rollout history found.\n", nil
	}
	// kubectl's history viewer pads its columns by two, not by get's three.
	var b strings.Builder
	tw := tabwriter.NewWriter(&b, 0, 8, 2, ' ', 0)
	fmt.Fprintf(tw, "REVISION\tCHANGE-CAUSE\n")
	for _, e := range entries {
		fmt.Fprintf(tw, "%d\t%s\n", e.rev, e.cause)
	}
	if err := tw.Flush(); err != nil {
		return "", err
	}
	return "deployment.apps/" + name + " \n" + b.String() + "\n", nil
}

// RolloutUndo rolls a Deployment back, as `kubectl rollout undo` does: to
// revision toRevision, or with 0 to the previous one. The chosen
// ReplicaSet's template (without its pod-template-hash) becomes the
// Deployment's; the controller then scales that ReplicaSet back up and
// gives it a new revision number.
func (k *Client) RolloutUndo(name string, toRevision int64) error {
	k.check()
	d, ok := cluster.GetAs[*cluster.Deployment](k.s, k.ns, name)
	if !ok {
		return &cluster.StatusError{Op: "get", Kind: cluster.KindDeployment, Namespace: k.ns, Name: name, Err: cluster.ErrNotFound}
	}
	if d.Spec.Paused {
		return fmt.Errorf("%w: you cannot rollback a paused deployment; resume it first with 'kubectl rollout resume' and try again", ErrUsage)
	}
	rsList := k.ownedReplicaSets(d)
	var target *cluster.ReplicaSet
	if toRevision == 0 {
		// The previous revision: the second highest.
		var revs []int64
		for _, rs := range rsList {
			revs = append(revs, cluster.Revision(rs))
		}
		slices.Sort(revs)
		if len(revs) < 2 {
			return fmt.Errorf("%w: no rollout history found for deployment %q", ErrUsage, name)
		}
		toRevision = revs[len(revs)-2]
	}
	for _, rs := range rsList {
		if cluster.Revision(rs) == toRevision {
			target = rs
		}
	}
	if target == nil {
		return fmt.Errorf("%w: unable to find specified revision %d in history", ErrUsage, toRevision)
	}
	if cluster.EqualIgnoreHash(&target.Spec.Template, &d.Spec.Template) {
		k.say("deployment.apps/%s skipped rollback (current template already matches revision %d)", name, toRevision)
		return nil
	}
	t := copyTemplate(target.Spec.Template)
	delete(t.Labels, cluster.PodTemplateHashLabel)
	d.Spec.Template = t
	// kubectl carries the ReplicaSet's annotations (a change-cause, say)
	// back to the Deployment, all but the revision bookkeeping.
	for k, v := range target.Annotations {
		if skippedAnnotations[k] {
			continue
		}
		if d.Annotations == nil {
			d.Annotations = map[string]string{}
		}
		d.Annotations[k] = v
	}
	if _, err := k.s.Update(d); err != nil {
		return err
	}
	k.say("deployment.apps/%s rolled back", name)
	return nil
}

// RolloutPause pauses a Deployment's rollouts (kubectl rollout pause).
func (k *Client) RolloutPause(name string) error {
	k.check()
	return k.setPaused(name, true)
}

// RolloutResume resumes a paused Deployment (kubectl rollout resume).
func (k *Client) RolloutResume(name string) error {
	k.check()
	return k.setPaused(name, false)
}

func (k *Client) setPaused(name string, paused bool) error {
	d, ok := cluster.GetAs[*cluster.Deployment](k.s, k.ns, name)
	if !ok {
		return &cluster.StatusError{Op: "get", Kind: cluster.KindDeployment, Namespace: k.ns, Name: name, Err: cluster.ErrNotFound}
	}
	word := "paused"
	if !paused {
		word = "resumed"
	}
	if d.Spec.Paused == paused {
		if paused {
			return fmt.Errorf("%w: deployments.apps %q is already paused", ErrUsage, name)
		}
		return fmt.Errorf("%w: deployments.apps %q is not paused", ErrUsage, name)
	}
	d.Spec.Paused = paused
	if _, err := k.s.Update(d); err != nil {
		return err
	}
	k.say("deployment.apps/%s %s", name, word)
	return nil
}

// deploymentCondition returns the condition of type t in st, if present.
func deploymentCondition(st cluster.DeploymentStatus, t string) (cluster.DeploymentCondition, bool) {
	for _, c := range st.Conditions {
		if c.Type == t {
			return c, true
		}
	}
	return cluster.DeploymentCondition{}, false
}

// skippedAnnotations are the annotations rollout undo leaves on the
// Deployment rather than copying them from the ReplicaSet: revision
// bookkeeping, replica counts, and apply's record of the last manifest.
// kubectl keeps this list itself, as the Deployment controller keeps its own.
var skippedAnnotations = map[string]bool{
	"deployment.kubernetes.io/revision":                true,
	"deployment.kubernetes.io/revision-history":        true,
	"deployment.kubernetes.io/desired-replicas":        true,
	"deployment.kubernetes.io/max-replicas":            true,
	"kubectl.kubernetes.io/last-applied-configuration": true,
	"deprecated.deployment.rollback.to":                true,
}

// copyTemplate deep-copies a pod template, by way of the pod it stamps out.
func copyTemplate(t cluster.PodTemplateSpec) cluster.PodTemplateSpec {
	p := (&cluster.Pod{ObjectMeta: t.ObjectMeta, Spec: t.Spec}).DeepCopy()
	return cluster.PodTemplateSpec{ObjectMeta: p.ObjectMeta, Spec: p.Spec}
}

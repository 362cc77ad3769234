package cluster

import (
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/svcsim/svcsim/selector"
)

// qualified is how kubectl names a resource in its messages: "pod",
// "deployment.apps", "replicaset.apps", "endpointslice.discovery.k8s.io".
func qualified(kind Kind) string {
	switch kind {
	case KindDeployment, KindReplicaSet:
		return resource(kind) + ".apps"
	case KindEndpointSlice:
		return resource(kind) + ".discovery.k8s.io"
	}
	return resource(kind)
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
func (k *Kubectl) CreateDeployment(name string, opts DeploymentOptions) (*Deployment, error) {
	k.check()
	n := opts.Replicas
	if n == 0 {
		n = 1
	}
	c := Container{Name: imageName(opts.Image), Image: opts.Image}
	if opts.Port != 0 {
		c.Ports = []ContainerPort{{ContainerPort: opts.Port}}
	}
	labels := selector.Set{"app": name}
	d := &Deployment{
		ObjectMeta: ObjectMeta{Name: name, Namespace: k.ns, Labels: labels.Clone()},
		Spec: DeploymentSpec{
			Replicas: Ptr(n),
			Selector: &selector.LabelSelector{MatchLabels: labels.Clone()},
			Template: PodTemplateSpec{ObjectMeta: ObjectMeta{Labels: labels.Clone()}, Spec: PodSpec{Containers: []Container{c}}},
		},
	}
	o, err := k.s.Create(d)
	if err != nil {
		return nil, err
	}
	k.say("deployment.apps/%s created", name)
	return o.(*Deployment), nil
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
func (k *Kubectl) Scale(kind Kind, name string, n int32) error {
	k.check()
	o, ok := k.s.Get(kind, k.ns, name)
	if !ok {
		return &StatusError{Op: "scale", Kind: kind, Namespace: k.ns, Name: name, Err: ErrNotFound}
	}
	switch x := o.(type) {
	case *Deployment:
		x.Spec.Replicas = Ptr(n)
	case *ReplicaSet:
		x.Spec.Replicas = Ptr(n)
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
func (k *Kubectl) SetImage(name, container, image string) error {
	k.check()
	d, ok := GetAs[*Deployment](k.s, k.ns, name)
	if !ok {
		return &StatusError{Op: "set image", Kind: KindDeployment, Namespace: k.ns, Name: name, Err: ErrNotFound}
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
func (k *Kubectl) RolloutStatus(name string) (string, bool, error) {
	k.check()
	d, ok := GetAs[*Deployment](k.s, k.ns, name)
	if !ok {
		return "", false, &StatusError{Op: "get", Kind: KindDeployment, Namespace: k.ns, Name: name, Err: ErrNotFound}
	}
	if d.Generation > d.Status.ObservedGeneration {
		return "Waiting for deployment spec update to be observed...", false, nil
	}
	if c, ok := deploymentCondition(d.Status, "Progressing"); ok && c.Reason == "ProgressDeadlineExceeded" {
		return "", false, fmt.Errorf("deployment %q exceeded its progress deadline", name)
	}
	want := replicas(d.Spec.Replicas)
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
func (k *Kubectl) ownedReplicaSets(d *Deployment) []*ReplicaSet {
	var out []*ReplicaSet
	for _, rs := range ListAs[*ReplicaSet](k.s, d.Namespace, everything) {
		if ref, ok := rs.ControllerRef(); ok && ref.UID == d.UID {
			out = append(out, rs)
		}
	}
	slices.SortFunc(out, byCreation)
	return out
}

// RolloutHistory renders `kubectl rollout history deployment/NAME`.
func (k *Kubectl) RolloutHistory(name string) (string, error) {
	k.check()
	d, ok := GetAs[*Deployment](k.s, k.ns, name)
	if !ok {
		return "", &StatusError{Op: "get", Kind: KindDeployment, Namespace: k.ns, Name: name, Err: ErrNotFound}
	}
	type entry struct {
		rev   int64
		cause string
	}
	var entries []entry
	for _, rs := range k.ownedReplicaSets(d) {
		if r := revision(rs); r > 0 {
			cause := rs.Annotations["kubernetes.io/change-cause"]
			if cause == "" {
				cause = "<none>"
			}
			entries = append(entries, entry{r, cause})
		}
	}
	slices.SortFunc(entries, func(a, b entry) int { return int(a.rev - b.rev) })
	var b strings.Builder
	b.WriteString("deployment.apps/" + name + " \n")
	var rows [][]string
	for _, e := range entries {
		rows = append(rows, []string{strconv.FormatInt(e.rev, 10), e.cause})
	}
	if err := writeTable(&b, []string{"REVISION", "CHANGE-CAUSE"}, rows); err != nil {
		return "", err
	}
	return b.String() + "\n", nil
}

// RolloutUndo rolls a Deployment back, as `kubectl rollout undo` does: to
// revision toRevision, or with 0 to the previous one. The chosen
// ReplicaSet's template (without its pod-template-hash) becomes the
// Deployment's; the controller then scales that ReplicaSet back up and
// gives it a new revision number.
func (k *Kubectl) RolloutUndo(name string, toRevision int64) error {
	k.check()
	d, ok := GetAs[*Deployment](k.s, k.ns, name)
	if !ok {
		return &StatusError{Op: "get", Kind: KindDeployment, Namespace: k.ns, Name: name, Err: ErrNotFound}
	}
	if d.Spec.Paused {
		return fmt.Errorf("%w: you cannot rollback a paused deployment; resume it first with 'kubectl rollout resume' and try again", ErrUsage)
	}
	rsList := k.ownedReplicaSets(d)
	var target *ReplicaSet
	if toRevision == 0 {
		// The previous revision: the second highest.
		var revs []int64
		for _, rs := range rsList {
			revs = append(revs, revision(rs))
		}
		slices.Sort(revs)
		if len(revs) < 2 {
			return fmt.Errorf("%w: no rollout history found for deployment %q", ErrUsage, name)
		}
		toRevision = revs[len(revs)-2]
	}
	for _, rs := range rsList {
		if revision(rs) == toRevision {
			target = rs
		}
	}
	if target == nil {
		return fmt.Errorf("%w: unable to find specified revision %d in history", ErrUsage, toRevision)
	}
	if sameTemplate(&target.Spec.Template, &d.Spec.Template) {
		k.say("deployment.apps/%s skipped rollback (current template already matches revision %d)", name, toRevision)
		return nil
	}
	t := target.Spec.Template.deepCopy()
	delete(t.Labels, PodTemplateHashLabel)
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
func (k *Kubectl) RolloutPause(name string) error {
	k.check()
	return k.setPaused(name, true)
}

// RolloutResume resumes a paused Deployment (kubectl rollout resume).
func (k *Kubectl) RolloutResume(name string) error {
	k.check()
	return k.setPaused(name, false)
}

func (k *Kubectl) setPaused(name string, paused bool) error {
	d, ok := GetAs[*Deployment](k.s, k.ns, name)
	if !ok {
		return &StatusError{Op: "get", Kind: KindDeployment, Namespace: k.ns, Name: name, Err: ErrNotFound}
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

package cluster

import (
	"encoding/json"
	"fmt"
	"math"
	"strconv"
	"strings"

	"github.com/svcsim/svcsim/selector"
)

// IntOrString holds either an integer or a string, as maxSurge and
// maxUnavailable do ("1" or "25%"). In JSON it is a bare number or string.
type IntOrString struct {
	IsString bool
	IntVal   int32
	StrVal   string
}

// FromInt returns an IntOrString holding n.
func FromInt(n int32) IntOrString { return IntOrString{IntVal: n} }

// FromString returns an IntOrString holding s, such as "25%".
func FromString(s string) IntOrString { return IntOrString{IsString: true, StrVal: s} }

// String renders the value as written: "3" or "25%".
func (v IntOrString) String() string {
	if v.IsString {
		return v.StrVal
	}
	return strconv.Itoa(int(v.IntVal))
}

// MarshalJSON writes a number or a string.
func (v IntOrString) MarshalJSON() ([]byte, error) {
	if v.IsString {
		return json.Marshal(v.StrVal)
	}
	return json.Marshal(v.IntVal)
}

// UnmarshalJSON reads a number or a string.
func (v *IntOrString) UnmarshalJSON(b []byte) error {
	if len(b) > 0 && b[0] == '"' {
		v.IsString = true
		return json.Unmarshal(b, &v.StrVal)
	}
	v.IsString = false
	return json.Unmarshal(b, &v.IntVal)
}

// scaled resolves v against total as Kubernetes' GetScaledValueFromIntOrPercent
// does: an int as given, a percentage of total rounded up or down.
func (v IntOrString) scaled(total int32, roundUp bool) (int32, error) {
	if !v.IsString {
		return v.IntVal, nil
	}
	pct, ok := strings.CutSuffix(v.StrVal, "%")
	n, err := strconv.Atoi(pct)
	if !ok || err != nil {
		return 0, fmt.Errorf("invalid value for IntOrString: invalid value %q: must be an integer or a percentage", v.StrVal)
	}
	x := float64(n) * float64(total) / 100
	// Kubernetes rounds to an int and narrows that to int32 (wrapping, for
	// a percentage far above 100); going through int64 does the same,
	// where converting the float straight to int32 would give whatever the
	// platform's conversion gives.
	if roundUp {
		return int32(int64(math.Ceil(x))), nil
	}
	return int32(int64(math.Floor(x))), nil
}

// PodTemplateSpec is the pod a ReplicaSet or Deployment stamps out.
type PodTemplateSpec struct {
	ObjectMeta `json:"metadata,omitempty"`
	Spec       PodSpec `json:"spec"`
}

func (t PodTemplateSpec) deepCopy() PodTemplateSpec {
	p := (&Pod{ObjectMeta: t.ObjectMeta, Spec: t.Spec}).DeepCopy()
	return PodTemplateSpec{ObjectMeta: p.ObjectMeta, Spec: p.Spec}
}

// ReplicaSet keeps a number of pods matching its selector running: it
// creates pods from its template, adopts matching orphans, releases pods
// that stop matching, and deletes the surplus.
type ReplicaSet struct {
	ObjectMeta `json:"metadata"`
	Spec       ReplicaSetSpec   `json:"spec"`
	Status     ReplicaSetStatus `json:"status,omitempty"`
}

// ReplicaSetSpec is how many pods, selected how, made from what template.
type ReplicaSetSpec struct {
	// Replicas defaults to 1.
	Replicas *int32 `json:"replicas,omitempty"`
	// MinReadySeconds is how long a pod must be ready to count as available.
	MinReadySeconds int32 `json:"minReadySeconds,omitempty"`
	// Selector is required, must not be empty, must match the template's
	// labels and cannot change.
	Selector *selector.LabelSelector `json:"selector"`
	// Template is the pod to create.
	Template PodTemplateSpec `json:"template"`
}

// ReplicaSetStatus counts the ReplicaSet's pods, as the controller last saw them.
type ReplicaSetStatus struct {
	Replicas             int32                 `json:"replicas"`
	FullyLabeledReplicas int32                 `json:"fullyLabeledReplicas,omitempty"`
	ReadyReplicas        int32                 `json:"readyReplicas,omitempty"`
	AvailableReplicas    int32                 `json:"availableReplicas,omitempty"`
	ObservedGeneration   int64                 `json:"observedGeneration,omitempty"`
	Conditions           []ReplicaSetCondition `json:"conditions,omitempty"`
}

// ReplicaSetCondition reports a problem such as ReplicaFailure.
type ReplicaSetCondition struct {
	Type               string          `json:"type"`
	Status             ConditionStatus `json:"status"`
	LastTransitionTime Time            `json:"lastTransitionTime,omitempty"`
	Reason             string          `json:"reason,omitempty"`
	Message            string          `json:"message,omitempty"`
}

// Meta returns the ReplicaSet's metadata.
func (r *ReplicaSet) Meta() *ObjectMeta { return &r.ObjectMeta }

// Kind returns KindReplicaSet.
func (*ReplicaSet) Kind() Kind { return KindReplicaSet }

// DeepCopyObject returns an independent copy.
func (r *ReplicaSet) DeepCopyObject() Object { return r.DeepCopy() }

// DeepCopy returns an independent copy.
func (r *ReplicaSet) DeepCopy() *ReplicaSet {
	c := *r
	c.ObjectMeta = r.ObjectMeta.deepCopy()
	c.Spec.Replicas = clonePtr(r.Spec.Replicas)
	c.Spec.Selector = cloneLabelSelector(r.Spec.Selector)
	c.Spec.Template = r.Spec.Template.deepCopy()
	c.Status.Conditions = append([]ReplicaSetCondition(nil), r.Status.Conditions...)
	return &c
}

func (*ReplicaSet) sealed() {}

func cloneLabelSelector(ls *selector.LabelSelector) *selector.LabelSelector {
	if ls == nil {
		return nil
	}
	c := &selector.LabelSelector{MatchLabels: ls.MatchLabels.Clone()}
	for _, e := range ls.MatchExpressions {
		e.Values = append([]string(nil), e.Values...)
		c.MatchExpressions = append(c.MatchExpressions, e)
	}
	return c
}

// Deployment declares a pod template and a replica count, and rolls changes
// to the template out by moving pods from old ReplicaSets to a new one.
type Deployment struct {
	ObjectMeta `json:"metadata"`
	Spec       DeploymentSpec   `json:"spec"`
	Status     DeploymentStatus `json:"status,omitempty"`
}

// DeploymentSpec is the desired state and the rollout strategy.
type DeploymentSpec struct {
	// Replicas defaults to 1.
	Replicas *int32 `json:"replicas,omitempty"`
	// Selector is required, must not be empty, must match the template's
	// labels and cannot change.
	Selector *selector.LabelSelector `json:"selector"`
	Template PodTemplateSpec         `json:"template"`
	Strategy DeploymentStrategy      `json:"strategy,omitempty"`
	// MinReadySeconds is how long a pod must be ready to count as available.
	MinReadySeconds int32 `json:"minReadySeconds,omitempty"`
	// RevisionHistoryLimit is how many old, scaled-down ReplicaSets to keep;
	// default 10.
	RevisionHistoryLimit *int32 `json:"revisionHistoryLimit,omitempty"`
	// Paused stops rollouts (scaling still happens).
	Paused bool `json:"paused,omitempty"`
	// ProgressDeadlineSeconds is how long a rollout may make no progress
	// before it is reported as failed; default 600.
	ProgressDeadlineSeconds *int32 `json:"progressDeadlineSeconds,omitempty"`
}

// Deployment strategy types.
const (
	RollingUpdateStrategy = "RollingUpdate"
	RecreateStrategy      = "Recreate"
)

// DeploymentStrategy is RollingUpdate (the default) or Recreate.
type DeploymentStrategy struct {
	Type          string                   `json:"type,omitempty"`
	RollingUpdate *RollingUpdateDeployment `json:"rollingUpdate,omitempty"`
}

// RollingUpdateDeployment bounds a rolling update: how many pods above the
// desired count may exist (MaxSurge) and how many below it may be
// unavailable (MaxUnavailable). Both default to 25%.
type RollingUpdateDeployment struct {
	MaxUnavailable *IntOrString `json:"maxUnavailable,omitempty"`
	MaxSurge       *IntOrString `json:"maxSurge,omitempty"`
}

// DeploymentStatus is the rollout's progress.
type DeploymentStatus struct {
	ObservedGeneration  int64                 `json:"observedGeneration,omitempty"`
	Replicas            int32                 `json:"replicas,omitempty"`
	UpdatedReplicas     int32                 `json:"updatedReplicas,omitempty"`
	ReadyReplicas       int32                 `json:"readyReplicas,omitempty"`
	AvailableReplicas   int32                 `json:"availableReplicas,omitempty"`
	UnavailableReplicas int32                 `json:"unavailableReplicas,omitempty"`
	Conditions          []DeploymentCondition `json:"conditions,omitempty"`
	CollisionCount      *int32                `json:"collisionCount,omitempty"`
}

// DeploymentCondition is Available or Progressing.
type DeploymentCondition struct {
	Type               string          `json:"type"`
	Status             ConditionStatus `json:"status"`
	LastUpdateTime     Time            `json:"lastUpdateTime,omitempty"`
	LastTransitionTime Time            `json:"lastTransitionTime,omitempty"`
	Reason             string          `json:"reason,omitempty"`
	Message            string          `json:"message,omitempty"`
}

// Meta returns the Deployment's metadata.
func (d *Deployment) Meta() *ObjectMeta { return &d.ObjectMeta }

// Kind returns KindDeployment.
func (*Deployment) Kind() Kind { return KindDeployment }

// DeepCopyObject returns an independent copy.
func (d *Deployment) DeepCopyObject() Object { return d.DeepCopy() }

// DeepCopy returns an independent copy.
func (d *Deployment) DeepCopy() *Deployment {
	c := *d
	c.ObjectMeta = d.ObjectMeta.deepCopy()
	c.Spec.Replicas = clonePtr(d.Spec.Replicas)
	c.Spec.Selector = cloneLabelSelector(d.Spec.Selector)
	c.Spec.Template = d.Spec.Template.deepCopy()
	c.Spec.RevisionHistoryLimit = clonePtr(d.Spec.RevisionHistoryLimit)
	c.Spec.ProgressDeadlineSeconds = clonePtr(d.Spec.ProgressDeadlineSeconds)
	if ru := d.Spec.Strategy.RollingUpdate; ru != nil {
		c.Spec.Strategy.RollingUpdate = &RollingUpdateDeployment{MaxUnavailable: clonePtr(ru.MaxUnavailable), MaxSurge: clonePtr(ru.MaxSurge)}
	}
	c.Status.Conditions = append([]DeploymentCondition(nil), d.Status.Conditions...)
	c.Status.CollisionCount = clonePtr(d.Status.CollisionCount)
	return &c
}

func (*Deployment) sealed() {}

package cluster

import "slices"

// Pod is one or more containers sharing an IP, scheduled onto a node. Its
// spec says what to run; its status is written by the scheduler and the
// node's kubelet as the pod goes through its lifecycle.
type Pod struct {
	ObjectMeta `json:"metadata"`
	Spec       PodSpec   `json:"spec"`
	Status     PodStatus `json:"status,omitempty"`
}

// PodSpec is what the pod should run and how it should stop.
type PodSpec struct {
	// NodeName is set by the scheduler when it binds the pod to a node.
	NodeName string `json:"nodeName,omitempty"`
	// Containers must hold at least one container.
	Containers []Container `json:"containers"`
	// RestartPolicy is Always (the default), OnFailure or Never.
	RestartPolicy string `json:"restartPolicy,omitempty"`
	// TerminationGracePeriodSeconds defaults to 30; a negative value is
	// changed to 1, as the apiserver does.
	TerminationGracePeriodSeconds *int64 `json:"terminationGracePeriodSeconds,omitempty"`
	// Hostname and Subdomain give the pod a DNS name under a headless Service.
	Hostname  string `json:"hostname,omitempty"`
	Subdomain string `json:"subdomain,omitempty"`
	// EnableServiceLinks controls Service environment variables; default true.
	EnableServiceLinks *bool `json:"enableServiceLinks,omitempty"`
	// DNSPolicy is ClusterFirst, ClusterFirstWithHostNet, Default or None,
	// checked as the apiserver checks it. svcsim stores it; its pods always
	// resolve through the cluster DNS.
	DNSPolicy string `json:"dnsPolicy,omitempty"`
	// OnSIGTERM is svcsim's model of how the pod's app reacts to SIGTERM;
	// Kubernetes has no such field. See [SigtermBehavior].
	OnSIGTERM SigtermBehavior `json:"x-svcsim-onSIGTERM,omitempty"`
	// DrainSeconds is how long an app with OnSIGTERM Drain keeps running
	// after SIGTERM before it exits.
	DrainSeconds int64 `json:"x-svcsim-drainSeconds,omitempty"`
}

// SigtermBehavior is how a pod's app reacts to SIGTERM, a svcsim extension
// that decides whether requests arriving during termination are refused.
type SigtermBehavior string

const (
	// SigtermExit stops accepting connections and exits at once, as most
	// servers do on SIGTERM. It is the default.
	SigtermExit SigtermBehavior = "Exit"
	// SigtermDrain stops accepting new connections at once but keeps
	// running for DrainSeconds (bounded by the grace period) before exiting.
	SigtermDrain SigtermBehavior = "Drain"
	// SigtermIgnore keeps serving as if nothing happened, until SIGKILL.
	SigtermIgnore SigtermBehavior = "Ignore"
)

// Container is one container of a pod.
type Container struct {
	Name           string          `json:"name"`
	Image          string          `json:"image"`
	Ports          []ContainerPort `json:"ports,omitempty"`
	Env            []EnvVar        `json:"env,omitempty"`
	ReadinessProbe *Probe          `json:"readinessProbe,omitempty"`
	Lifecycle      *Lifecycle      `json:"lifecycle,omitempty"`

	// The fields below are plain data that manifests carry: svcsim stores,
	// checks and prints them, but runs no process and enforces no limit.

	// Command and Args replace the image's entrypoint and its arguments.
	Command []string `json:"command,omitempty"`
	Args    []string `json:"args,omitempty"`
	// WorkingDir is the container's working directory.
	WorkingDir string `json:"workingDir,omitempty"`
	// Resources are the container's requests and limits; nil when the
	// manifest has none, and printed as {} when it had an empty one.
	Resources *ResourceRequirements `json:"resources,omitempty"`
	// ImagePullPolicy is Always, IfNotPresent or Never.
	ImagePullPolicy string `json:"imagePullPolicy,omitempty"`
	// TerminationMessagePath and TerminationMessagePolicy (File or
	// FallbackToLogsOnError) say where the container's last words go.
	TerminationMessagePath   string `json:"terminationMessagePath,omitempty"`
	TerminationMessagePolicy string `json:"terminationMessagePolicy,omitempty"`
}

// ContainerPort is a port the container listens on, optionally named so a
// Service can target it by name.
type ContainerPort struct {
	Name          string   `json:"name,omitempty"`
	ContainerPort int32    `json:"containerPort"`
	Protocol      Protocol `json:"protocol,omitempty"`
}

// Protocol is TCP (the default), UDP or SCTP.
type Protocol string

// Protocols.
const (
	ProtocolTCP  Protocol = "TCP"
	ProtocolUDP  Protocol = "UDP"
	ProtocolSCTP Protocol = "SCTP"
)

// EnvVar is an environment variable set on a container.
type EnvVar struct {
	Name  string `json:"name"`
	Value string `json:"value,omitempty"`
}

// Probe configures a readiness probe. svcsim does not run a real check:
// the probe passes unless a fault makes it fail (see [Sim.FailReadiness]).
// Zero values take Kubernetes' defaults: period 10 s, timeout 1 s, success
// threshold 1, failure threshold 3, no initial delay.
type Probe struct {
	// Exec, HTTPGet and TCPSocket say how a real kubelet would probe; at
	// most one may be set. svcsim stores them and runs none.
	Exec      *ExecAction      `json:"exec,omitempty"`
	HTTPGet   *HTTPGetAction   `json:"httpGet,omitempty"`
	TCPSocket *TCPSocketAction `json:"tcpSocket,omitempty"`

	InitialDelaySeconds int32 `json:"initialDelaySeconds,omitempty"`
	PeriodSeconds       int32 `json:"periodSeconds,omitempty"`
	TimeoutSeconds      int32 `json:"timeoutSeconds,omitempty"`
	SuccessThreshold    int32 `json:"successThreshold,omitempty"`
	FailureThreshold    int32 `json:"failureThreshold,omitempty"`
}

// Lifecycle holds the container's lifecycle hooks; svcsim models preStop.
type Lifecycle struct {
	PreStop *LifecycleHandler `json:"preStop,omitempty"`
}

// LifecycleHandler is what a hook does. Exec and HTTPGet hooks take no
// virtual time; a Sleep hook takes its Seconds.
type LifecycleHandler struct {
	Exec    *ExecAction    `json:"exec,omitempty"`
	HTTPGet *HTTPGetAction `json:"httpGet,omitempty"`
	Sleep   *SleepAction   `json:"sleep,omitempty"`
}

// ExecAction runs a command in the container.
type ExecAction struct {
	Command []string `json:"command,omitempty"`
}

// HTTPGetAction sends an HTTP GET to the container.
type HTTPGetAction struct {
	Path string `json:"path,omitempty"`
	Port int32  `json:"port"`
}

// SleepAction pauses for Seconds.
type SleepAction struct {
	Seconds int64 `json:"seconds"`
}

// PodPhase is the coarse state of a pod: Pending, Running, Succeeded,
// Failed or Unknown.
type PodPhase string

// Pod phases.
const (
	PodPending   PodPhase = "Pending"
	PodRunning   PodPhase = "Running"
	PodSucceeded PodPhase = "Succeeded"
	PodFailed    PodPhase = "Failed"
	PodUnknown   PodPhase = "Unknown"
)

// Pod condition types, in the order the kubelet reports them.
const (
	PodReadyToStartContainers = "PodReadyToStartContainers"
	PodInitialized            = "Initialized"
	PodReady                  = "Ready"
	ContainersReady           = "ContainersReady"
	PodScheduled              = "PodScheduled"
)

// PodStatus is what the scheduler and the kubelet report about the pod.
type PodStatus struct {
	Phase             PodPhase          `json:"phase,omitempty"`
	Conditions        []PodCondition    `json:"conditions,omitempty"`
	Reason            string            `json:"reason,omitempty"`
	Message           string            `json:"message,omitempty"`
	HostIP            string            `json:"hostIP,omitempty"`
	PodIP             string            `json:"podIP,omitempty"`
	StartTime         *Time             `json:"startTime,omitempty"`
	ContainerStatuses []ContainerStatus `json:"containerStatuses,omitempty"`
}

// PodCondition is one condition of a pod, such as Ready.
type PodCondition struct {
	Type               string          `json:"type"`
	Status             ConditionStatus `json:"status"`
	LastTransitionTime Time            `json:"lastTransitionTime,omitempty"`
	Reason             string          `json:"reason,omitempty"`
	Message            string          `json:"message,omitempty"`
}

// ContainerStatus is the kubelet's report on one container.
type ContainerStatus struct {
	Name                 string         `json:"name"`
	Image                string         `json:"image"`
	Ready                bool           `json:"ready"`
	Started              bool           `json:"started"`
	RestartCount         int32          `json:"restartCount"`
	State                ContainerState `json:"state,omitempty"`
	LastTerminationState ContainerState `json:"lastState,omitempty"`
}

// ContainerState holds exactly one of Waiting, Running or Terminated, or
// none before the kubelet has reported.
type ContainerState struct {
	Waiting    *ContainerStateWaiting    `json:"waiting,omitempty"`
	Running    *ContainerStateRunning    `json:"running,omitempty"`
	Terminated *ContainerStateTerminated `json:"terminated,omitempty"`
}

// ContainerStateWaiting says why a container is not running yet, such as
// ContainerCreating or CrashLoopBackOff.
type ContainerStateWaiting struct {
	Reason  string `json:"reason,omitempty"`
	Message string `json:"message,omitempty"`
}

// ContainerStateRunning says since when a container runs.
type ContainerStateRunning struct {
	StartedAt Time `json:"startedAt,omitempty"`
}

// ContainerStateTerminated says how and when a container stopped.
type ContainerStateTerminated struct {
	ExitCode   int32  `json:"exitCode"`
	Signal     int32  `json:"signal,omitempty"`
	Reason     string `json:"reason,omitempty"`
	StartedAt  Time   `json:"startedAt,omitempty"`
	FinishedAt Time   `json:"finishedAt,omitempty"`
}

// Condition returns the pod's condition of type t and whether it exists.
func (p *Pod) Condition(t string) (PodCondition, bool) {
	for _, c := range p.Status.Conditions {
		if c.Type == t {
			return c, true
		}
	}
	return PodCondition{}, false
}

// IsReady reports whether the pod's Ready condition is True, the one test
// the Endpoints controllers apply.
func (p *Pod) IsReady() bool {
	c, ok := p.Condition(PodReady)
	return ok && c.Status == ConditionTrue
}

// Terminating reports whether a delete of the pod has begun.
func (p *Pod) Terminating() bool { return p.DeletionTimestamp != nil }

// Meta returns the pod's metadata.
func (p *Pod) Meta() *ObjectMeta { return &p.ObjectMeta }

// Kind returns KindPod.
func (*Pod) Kind() Kind { return KindPod }

// DeepCopyObject returns an independent copy.
func (p *Pod) DeepCopyObject() Object { return p.DeepCopy() }

// DeepCopy returns an independent copy.
func (p *Pod) DeepCopy() *Pod {
	c := *p
	c.ObjectMeta = p.ObjectMeta.deepCopy()
	c.Spec.TerminationGracePeriodSeconds = clonePtr(p.Spec.TerminationGracePeriodSeconds)
	c.Spec.EnableServiceLinks = clonePtr(p.Spec.EnableServiceLinks)
	if p.Spec.Containers != nil {
		c.Spec.Containers = make([]Container, len(p.Spec.Containers))
		for i := range p.Spec.Containers {
			c.Spec.Containers[i] = p.Spec.Containers[i].deepCopy()
		}
	}
	c.Status = p.Status.deepCopy()
	return &c
}

func (st *PodStatus) deepCopy() PodStatus {
	c := *st
	c.Conditions = append([]PodCondition(nil), st.Conditions...)
	c.StartTime = clonePtr(st.StartTime)
	if st.ContainerStatuses != nil {
		c.ContainerStatuses = make([]ContainerStatus, len(st.ContainerStatuses))
		for i, cs := range st.ContainerStatuses {
			cs.State = cs.State.deepCopy()
			cs.LastTerminationState = cs.LastTerminationState.deepCopy()
			c.ContainerStatuses[i] = cs
		}
	}
	return c
}

// withOwnStatus returns a copy of a stored pod for a built-in component
// to change the status (or the node) of and hand back to the store: its
// status is its own, while its metadata and the spec's lists and maps are
// shared with the stored version, which nobody modifies.
func (p *Pod) withOwnStatus() *Pod {
	c := *p
	c.Status = p.Status.deepCopy()
	return &c
}

func (c Container) deepCopy() Container {
	c.Ports = append([]ContainerPort(nil), c.Ports...)
	c.Env = append([]EnvVar(nil), c.Env...)
	c.ReadinessProbe = c.ReadinessProbe.deepCopy()
	c.Command = slices.Clone(c.Command)
	c.Args = slices.Clone(c.Args)
	c.Resources = c.Resources.deepCopy()
	if c.Lifecycle != nil {
		l := &Lifecycle{}
		if h := c.Lifecycle.PreStop; h != nil {
			l.PreStop = &LifecycleHandler{HTTPGet: clonePtr(h.HTTPGet), Sleep: clonePtr(h.Sleep)}
			if h.Exec != nil {
				l.PreStop.Exec = &ExecAction{Command: append([]string(nil), h.Exec.Command...)}
			}
		}
		c.Lifecycle = l
	}
	return c
}

func (s ContainerState) deepCopy() ContainerState {
	return ContainerState{Waiting: clonePtr(s.Waiting), Running: clonePtr(s.Running), Terminated: clonePtr(s.Terminated)}
}

func (*Pod) sealed() {}

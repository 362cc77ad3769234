package cluster

// The tests that drive the cluster through kubectl are in package
// cluster_test, since kubectl imports this package. These names give them
// the package's own test helpers and the internals they check.

const (
	AnnDesiredReplicas = annDesiredReplicas
	AnnMaxReplicas     = annMaxReplicas
	AnnRevision        = annRevision
	AnnRevisionHistory = annRevisionHistory
	WlMaxActions       = wlMaxActions
)

var (
	AssertAllocations       = assertAllocations
	AssertUnchanged         = assertUnchanged
	CheckReplicaSetPods     = checkReplicaSetPods
	CheckRolling            = checkRolling
	CheckRollingStep        = checkRollingStep
	CloneLabelSelector      = cloneLabelSelector
	ControllerRef           = controllerRef
	FindDeploymentCondition = deploymentCondition
	FaultErr                = faultErr
	DeploymentFenceposts    = fenceposts
	Images                  = images
	IntOrPercentGen         = intOrPercentGen
	IsZero                  = isZero
	MaxRestarts             = maxRestarts
	MustCreateSvc           = mustCreateSvc
	MustDeployment          = mustDeployment
	MustDeploymentR         = mustDeploymentR
	MustPod                 = mustPod
	MustSvc                 = mustSvc
	NewDeployment           = newDeployment
	NewPropSim              = newPropSim
	NewRSOracle             = newRSOracle
	NewSim                  = newSim
	NginxTemplate           = nginxTemplate
	OwnedActive             = ownedActive
	OwnedBy                 = ownedBy
	PodImages               = podImages
	PodNames                = podNames
	PodsWith                = podsWith
	ProbeGen                = probeGen
	ProgressingReasons      = progressingReasons
	PropNodes               = propNodes
	ReadySince              = readySince
	RecordScaling           = recordScaling
	Replicas                = replicas
	RsByImage               = rsByImage
	RsReplicas              = rsReplicas
	RsUID                   = rsUID
	RunningImages           = runningImages
	ScaleTwoReplicaSets     = scaleTwoReplicaSets
	ScaledFor               = scaledFor
	SetDeletionCost         = setDeletionCost
	SetUnschedulable        = setUnschedulable
	StepInstants            = stepInstants
	SvcWeb                  = svcWeb
	TakeSnapshot            = takeSnapshot
	TemplateHash            = templateHash
	TimingGen               = timingGen
	WebPod                  = webPod
	WithPorts               = withPorts
	WithType                = withType
	WlReplicaSet            = wlReplicaSet
)

// Accessors for the tests of package cluster_test, which drive the cluster
// through kubectl and so cannot be internal tests.

// Busy is the number of pending events that are not idle.
func Busy(s *Sim) int { return s.busy }

// NextEventIsNow reports whether the next event runs at the current instant.
func NextEventIsNow(s *Sim) bool { return s.Pending() > 0 && s.queue[0].at == s.now }

// Dump renders the whole store, to compare before and after a failed call.
func Dump(s *Sim) string { return s.dump() }

// StoreGet reads the store's own object, with no copy.
func StoreGet(s *Sim, kind Kind, namespace, name string) (Object, bool) {
	return s.store.get(kind, namespace, name)
}

// CountedReplicaSets is the store's per-ReplicaSet pod count, by UID.
func CountedReplicaSets(s *Sim) map[string]*replicaSetPods { return s.store.replicaSetPods }

// CopyTemplate deep-copies a pod template.
func CopyTemplate(t PodTemplateSpec) PodTemplateSpec { return t.deepCopy() }

// RollingFrom is rollingFrom, for the oracle of workloads_property_test.go.
func (o *rsOracle) RollingFrom(oldImage string, maxAsked int32) { o.rollingFrom(oldImage, maxAsked) }

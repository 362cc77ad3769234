package cluster

// The kubectl package imports this one, so tests inside it cannot import
// kubectl. The invariant machine of property_test.go labels pods as a user
// would, through kubectl label; it reaches kubectl through these, which
// kubectl_hook_ext_test.go (package cluster_test, which may import
// kubectl) sets before any test runs.
var (
	kubectlLabel    func(s *Sim, namespace string, kind Kind, name string, args ...string) error
	errKubectlUsage error
)

// SetKubectlHooks installs kubectl label and kubectl.ErrUsage for the
// internal tests.
func SetKubectlHooks(label func(s *Sim, namespace string, kind Kind, name string, args ...string) error, usage error) {
	kubectlLabel, errKubectlUsage = label, usage
}

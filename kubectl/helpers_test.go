package kubectl

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/svcsim/svcsim/cluster"
	"github.com/svcsim/svcsim/selector"
)

// Facts the Deployment controller writes, spelled out for the tests that
// read them back.
const (
	annRevision              = "deployment.kubernetes.io/revision"
	deploymentControllerName = "deployment-controller"
)

func newSim(t *testing.T, cfg cluster.Config) *cluster.Sim {
	t.Helper()
	s, err := cluster.New(cfg)
	require.NoError(t, err)
	return s
}

func nginxTemplate(labels map[string]string, image string) cluster.PodTemplateSpec {
	return cluster.PodTemplateSpec{ObjectMeta: cluster.ObjectMeta{Labels: labels}, Spec: cluster.PodSpec{Containers: []cluster.Container{{Name: "nginx", Image: image, Ports: []cluster.ContainerPort{{ContainerPort: 80}}}}}}
}

// newDeployment is a Deployment of n nginx pods labelled app=name, ready
// two seconds after they start.
func newDeployment(name string, n int32, image string, mutate ...func(*cluster.Deployment)) *cluster.Deployment {
	d := &cluster.Deployment{
		ObjectMeta: cluster.ObjectMeta{Name: name},
		Spec: cluster.DeploymentSpec{Replicas: cluster.Ptr(n), Selector: &selector.LabelSelector{MatchLabels: selector.Set{"app": name}},
			Template: nginxTemplate(map[string]string{"app": name}, image)},
	}
	d.Spec.Template.Spec.Containers[0].ReadinessProbe = &cluster.Probe{InitialDelaySeconds: 2, PeriodSeconds: 1}
	for _, m := range mutate {
		m(d)
	}
	return d
}

package cluster

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// kubernetesEnv is what every container gets from the kubernetes Service
// of a cluster whose Service CIDR is 10.0.0.0/24.
var kubernetesEnv = []EnvVar{
	{Name: "KUBERNETES_PORT", Value: "tcp://10.0.0.1:443"},
	{Name: "KUBERNETES_PORT_443_TCP", Value: "tcp://10.0.0.1:443"},
	{Name: "KUBERNETES_PORT_443_TCP_ADDR", Value: "10.0.0.1"},
	{Name: "KUBERNETES_PORT_443_TCP_PORT", Value: "443"},
	{Name: "KUBERNETES_PORT_443_TCP_PROTO", Value: "tcp"},
	{Name: "KUBERNETES_SERVICE_HOST", Value: "10.0.0.1"},
	{Name: "KUBERNETES_SERVICE_PORT", Value: "443"},
	{Name: "KUBERNETES_SERVICE_PORT_HTTPS", Value: "443"},
}

// redisEnv is the example of the reference: Service redis-primary at
// 10.0.0.11:6379/TCP with an unnamed port.
var redisEnv = []EnvVar{
	{Name: "REDIS_PRIMARY_PORT", Value: "tcp://10.0.0.11:6379"},
	{Name: "REDIS_PRIMARY_PORT_6379_TCP", Value: "tcp://10.0.0.11:6379"},
	{Name: "REDIS_PRIMARY_PORT_6379_TCP_ADDR", Value: "10.0.0.11"},
	{Name: "REDIS_PRIMARY_PORT_6379_TCP_PORT", Value: "6379"},
	{Name: "REDIS_PRIMARY_PORT_6379_TCP_PROTO", Value: "tcp"},
	{Name: "REDIS_PRIMARY_SERVICE_HOST", Value: "10.0.0.11"},
	{Name: "REDIS_PRIMARY_SERVICE_PORT", Value: "6379"},
}

func redisPrimary() *Service {
	return &Service{ObjectMeta: ObjectMeta{Name: "redis-primary"}, Spec: ServiceSpec{
		ClusterIP: "10.0.0.11", Selector: map[string]string{"app": "redis"}, Ports: []ServicePort{{Port: 6379}},
	}}
}

func mustEnv(t *testing.T, s *Sim, pod, container string) []EnvVar {
	t.Helper()
	env, ok := s.ContainerEnv("default", pod, container)
	require.True(t, ok, "container %s/%s has started", pod, container)
	return env
}

func envMap(env []EnvVar) map[string]string {
	m := map[string]string{}
	for _, e := range env {
		m[e.Name] = e.Value
	}
	return m
}

func TestServiceEnvironmentVariables(t *testing.T) {
	s := newSim(t, Config{Seed: 1, ServiceCIDR: "10.0.0.0/24"})
	_, err := s.Create(webPod("before"))
	require.NoError(t, err)
	require.NoError(t, s.Settle())
	assert.Equal(t, kubernetesEnv, mustEnv(t, s, "before", "web"), "the kubernetes Service is there from the start")

	_, err = s.Create(redisPrimary())
	require.NoError(t, err)
	_, err = s.Create(webPod("after"))
	require.NoError(t, err)
	require.NoError(t, s.Settle())

	want := append(append([]EnvVar(nil), kubernetesEnv...), redisEnv...)
	assert.Equal(t, want, mustEnv(t, s, "after", "web"), "a pod created after the Service sees it")
	assert.Equal(t, kubernetesEnv, mustEnv(t, s, "before", "web"), "a pod created before it does not")

	// Until its container restarts.
	require.NoError(t, s.CrashContainer("default", "before", "web"))
	s.RunFor(11 * time.Second)
	assert.Equal(t, want, mustEnv(t, s, "before", "web"))

	// Deleting the Service changes nothing for running containers.
	require.NoError(t, s.Delete(KindService, "default", "redis-primary", DeleteOptions{}))
	assert.Equal(t, want, mustEnv(t, s, "after", "web"))
}

func TestServiceEnvironmentRules(t *testing.T) {
	s := newSim(t, Config{Seed: 1, ServiceCIDR: "10.0.0.0/24"})
	_, err := s.Create(&Namespace{ObjectMeta: ObjectMeta{Name: "shop"}})
	require.NoError(t, err)
	for _, svc := range []*Service{
		redisPrimary(),
		svcWeb("web", withType(ServiceTypeNodePort), withPorts(ServicePort{Name: "http", Port: 80}, ServicePort{Name: "dns-udp", Port: 53, Protocol: ProtocolUDP})),
		svcWeb("peers", func(s *Service) { s.Spec.ClusterIP = ClusterIPNone }),
		svcWeb("db", withType(ServiceTypeExternalName), func(s *Service) { s.Spec.ExternalName = "db.example.com" }),
		svcWeb("cart", func(s *Service) { s.Namespace = "shop" }),
		svcWeb("kubernetes", func(s *Service) { s.Namespace, s.Spec.ClusterIP = "shop", "10.0.0.99" }),
	} {
		_, err := s.Create(svc)
		require.NoError(t, err)
	}
	_, err = s.Create(webPod("app", withContainer(func(c *Container) {
		c.Env = []EnvVar{
			{Name: "REDIS_PRIMARY_SERVICE_PORT", Value: "1234"},
			{Name: "REDIS_URL", Value: "redis://$(REDIS_PRIMARY_SERVICE_HOST):$(REDIS_PRIMARY_SERVICE_PORT)/$(NOPE)/$$(X)"},
		}
	})))
	require.NoError(t, err)
	_, err = s.Create(webPod("nolinks", func(p *Pod) { p.Spec.EnableServiceLinks = Ptr(false) }))
	require.NoError(t, err)
	_, err = s.Create(webPod("shopper", func(p *Pod) { p.Namespace = "shop" }))
	require.NoError(t, err)
	require.NoError(t, s.Settle())

	env := envMap(mustEnv(t, s, "app", "web"))
	assert.Equal(t, "1234", env["REDIS_PRIMARY_SERVICE_PORT"], "a declared variable wins")
	assert.Equal(t, "redis://10.0.0.11:1234/$(NOPE)/$(X)", env["REDIS_URL"], "references expand, earlier declared ones first")
	assert.Equal(t, "80", env["WEB_SERVICE_PORT"])
	assert.Equal(t, "80", env["WEB_SERVICE_PORT_HTTP"])
	assert.Equal(t, "53", env["WEB_SERVICE_PORT_DNS_UDP"])
	assert.Equal(t, "udp://"+env["WEB_SERVICE_HOST"]+":53", env["WEB_PORT_53_UDP"])
	assert.Equal(t, "udp", env["WEB_PORT_53_UDP_PROTO"])
	assert.NotContains(t, env, "PEERS_SERVICE_HOST", "headless: no cluster IP")
	assert.NotContains(t, env, "DB_SERVICE_HOST", "ExternalName: no cluster IP")
	assert.NotContains(t, env, "CART_SERVICE_HOST", "another namespace's")

	assert.Equal(t, kubernetesEnv, mustEnv(t, s, "nolinks", "web"), "enableServiceLinks: false keeps only the kubernetes Service")

	shop, ok := s.ContainerEnv("shop", "shopper", "web")
	require.True(t, ok)
	env = envMap(shop)
	assert.Equal(t, "10.0.0.99", env["KUBERNETES_SERVICE_HOST"], "the namespace's own kubernetes Service wins")
	assert.Contains(t, env, "CART_SERVICE_HOST")
	assert.NotContains(t, env, "REDIS_PRIMARY_SERVICE_HOST")

	_, ok = s.ContainerEnv("default", "app", "nope")
	assert.False(t, ok)
	_, ok = s.ContainerEnv("default", "nope", "web")
	assert.False(t, ok)
}

func TestContainerEnvBeforeTheContainerStarts(t *testing.T) {
	s := newSim(t, Config{Seed: 1, Timing: Timing{ContainerStart: Fixed(time.Second)}})
	_, err := s.Create(webPod("web"))
	require.NoError(t, err)
	s.RunFor(500 * time.Millisecond)
	_, ok := s.ContainerEnv("default", "web", "web")
	assert.False(t, ok, "not started yet")
	s.RunFor(time.Second)
	_, ok = s.ContainerEnv("default", "web", "web")
	assert.True(t, ok)
}

func TestExpandEnv(t *testing.T) {
	vars := map[string]string{"A": "a", "EMPTY": ""}
	lookup := func(n string) (string, bool) { v, ok := vars[n]; return v, ok }
	for in, want := range map[string]string{
		"$(A)":        "a",
		"x$(A)y$(A)":  "xaya",
		"$(EMPTY)!":   "!",
		"$(B)":        "$(B)",
		"$$(A)":       "$(A)",
		"$$":          "$",
		"$x":          "$x",
		"$":           "$",
		"$(A":         "$(A",
		"100$":        "100$",
		"$(A)$(A)$$$": "aa$$",
	} {
		assert.Equal(t, want, expandEnv(in, lookup), "%q", in)
	}
}

package proxy_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/svcsim/svcsim/cluster"
	"github.com/svcsim/svcsim/dns"
	"github.com/svcsim/svcsim/kubectl"
	"github.com/svcsim/svcsim/proxy"
)

func TestStartRejectsWhatKubeProxyRejects(t *testing.T) {
	for _, tt := range []struct {
		name string
		opts proxy.Options
	}{
		{"unknown mode", proxy.Options{Mode: 7}},
		{"negative min sync period", proxy.Options{MinSyncPeriod: -time.Second}},
		{"sync period shorter than min", proxy.Options{MinSyncPeriod: 5 * time.Second, SyncPeriod: time.Second}},
		{"sync period shorter than the default min", proxy.Options{SyncPeriod: time.Millisecond}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			s, err := cluster.New(cluster.Config{Seed: 1})
			require.NoError(t, err)
			digest, pending := s.Digest(), s.Pending()
			p, err := proxy.Start(s, tt.opts)
			require.ErrorIs(t, err, proxy.ErrInvalidOptions)
			assert.Nil(t, p)
			assert.Equal(t, digest, s.Digest(), "a refused start changes nothing")
			assert.Equal(t, pending, s.Pending())
		})
	}
	for _, ok := range []proxy.Options{{}, {Mode: proxy.IPVS}, {SyncPeriod: -1}, {MinSyncPeriod: 10 * time.Second, SyncPeriod: 10 * time.Second}} {
		s, err := cluster.New(cluster.Config{Seed: 1})
		require.NoError(t, err)
		_, err = proxy.Start(s, ok)
		assert.NoError(t, err, "%+v", ok)
	}
}

func TestMisuseFailsAtTheCall(t *testing.T) {
	const notStarted = "proxy: use of Proxies not made by proxy.Start"
	for name, call := range map[string]func(p *proxy.Proxies){
		"Connect":  func(p *proxy.Proxies) { p.Connect("node-1", "", "10.0.0.1", 80) },
		"Send":     func(p *proxy.Proxies) { _ = p.Send(proxy.Request{}, nil) },
		"Do":       func(p *proxy.Proxies) { _, _ = p.Do(proxy.Request{}) },
		"Generate": func(p *proxy.Proxies) { _, _ = p.Generate(proxy.Load{}) },
		"Node":     func(p *proxy.Proxies) { p.Node("node-1") },
		"Apps":     func(p *proxy.Proxies) { p.Apps() },
	} {
		assert.PanicsWithValue(t, notStarted, func() { call(nil) }, "nil %s", name)
		assert.PanicsWithValue(t, notStarted, func() { call(&proxy.Proxies{}) }, "zero %s", name)
	}
	assert.PanicsWithValue(t, "proxy: Start with a nil *cluster.Sim", func() { _, _ = proxy.Start(nil, proxy.Options{}) })
	s, err := cluster.New(cluster.Config{})
	require.NoError(t, err)
	assert.PanicsWithValue(t, "dns: use of a Server not made by dns.Start", func() { _, _ = proxy.Start(s, proxy.Options{DNS: &dns.Server{}}) },
		"a zero DNS server fails at Start, not at the first request")

	var ty proxy.Tally
	assert.Error(t, ty.WriteTable(nil))
}

// A request sent with no callback runs and is forgotten; it does not
// panic later inside the loop.
func TestSendWithoutCallback(t *testing.T) {
	s, k, p := world(t, cluster.Config{})
	_, err := k.Run("web", kubectl.RunOptions{Image: "nginx", Port: 80})
	require.NoError(t, err)
	require.NoError(t, s.Settle())
	pod, ok := cluster.GetAs[*cluster.Pod](s, "default", "web")
	require.True(t, ok)
	require.NoError(t, p.Send(proxy.Request{From: proxy.FromNode("node-1"), URL: pod.Status.PodIP}, nil))
	before := s.TraceLen()
	require.NotPanics(t, func() { s.RunFor(10 * time.Second) })
	ended := false
	for _, e := range s.Trace()[before:] {
		ended = ended || e.Component == "client"
	}
	assert.True(t, ended, "the request ran to its end")
}

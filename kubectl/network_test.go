package kubectl

import (
	"bytes"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/svcsim/svcsim/cluster"
	"github.com/svcsim/svcsim/dns"
	"github.com/svcsim/svcsim/proxy"
)

// WithNetwork gives a copy the network and leaves the client it was
// called on as it was, so a client shared by several callers never
// changes under them.
func TestWithNetworkReturnsACopy(t *testing.T) {
	s := newSim(t, cluster.Config{Seed: 1})
	d, err := dns.Start(s, dns.Options{})
	require.NoError(t, err)
	p, err := proxy.Start(s, proxy.Options{DNS: d})
	require.NoError(t, err)
	var out bytes.Buffer
	k := New(s, "web")
	k.Out = &out

	n := k.WithNetwork(p, d)
	require.NotSame(t, k, n)
	assert.Same(t, p, n.proxies)
	assert.Same(t, d, n.dns)
	assert.Equal(t, "web", n.Namespace())
	assert.Same(t, &out, n.Out)
	assert.Nil(t, k.proxies, "the original has no network")
	assert.Nil(t, k.dns)

	none := n.WithNetwork(nil, nil)
	assert.Nil(t, none.proxies)
	assert.Nil(t, none.dns)
	assert.Same(t, p, n.proxies, "taking the network away from a copy leaves n as it was")
}

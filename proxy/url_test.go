package proxy

import (
	"errors"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestParseURL(t *testing.T) {
	cases := []struct {
		in   string
		want target
	}{
		{"web", target{host: "web", port: 80, path: "/"}},
		{"http://web", target{host: "web", port: 80, path: "/"}},
		{"HTTPS://web", target{host: "web", port: 443, path: "/"}},
		{"https://web:8443/x?y=1", target{host: "web", port: 8443, path: "/x?y=1"}},
		{"web.other:8080/a/b", target{host: "web.other", port: 8080, path: "/a/b"}},
		{"web?q", target{host: "web", port: 80, path: "/?q"}},
		{"10.96.0.10", target{host: "10.96.0.10", port: 80, path: "/", ip: true}},
		{"10.96.0.10:9898/", target{host: "10.96.0.10", port: 9898, path: "/", ip: true}},
		{"web.default.svc.cluster.local.", target{host: "web.default.svc.cluster.local.", port: 80, path: "/"}},
	}
	for _, c := range cases {
		got, err := parseURL(c.in)
		require.NoError(t, err, c.in)
		assert.Equal(t, c.want, got, c.in)
	}
}

// FuzzParseURL holds the URL parser to its contract on any input: no
// panic, and either an ErrInvalidURL or a host and a port in range.
func FuzzParseURL(f *testing.F) {
	for _, s := range []string{"web", "http://web:80/", "https://10.0.0.1:443/x", "web:0", "[::1]", "://", "a:b:c", "ftp://x"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got, err := parseURL(s)
		if err != nil {
			if !errors.Is(err, ErrInvalidURL) {
				t.Fatalf("%q: %v does not wrap ErrInvalidURL", s, err)
			}
			return
		}
		if got.host == "" || got.port < 1 || got.port > 65535 || got.path == "" || got.path[0] != '/' {
			t.Fatalf("%q parsed to %+v", s, got)
		}
	})
}

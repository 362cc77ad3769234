package proxy

import (
	"strconv"
	"strings"
	"testing"

	"pgregory.net/rapid"
)

// The endpoint order is kube-proxy's: the strings "IP:port", compared
// byte by byte. compareEndpoints must agree with building them.
func TestCompareEndpointsIsStringOrder(t *testing.T) {
	ip := rapid.StringMatching(`10\.24[0-9]\.[0-9]{1,3}\.[0-9]{1,3}`)
	rapid.Check(t, func(t *rapid.T) {
		a := Endpoint{IP: ip.Draw(t, "a"), Port: rapid.Int32Range(1, 65535).Draw(t, "ap")}
		b := Endpoint{IP: ip.Draw(t, "b"), Port: rapid.Int32Range(1, 65535).Draw(t, "bp")}
		s := func(e Endpoint) string { return e.IP + ":" + strconv.Itoa(int(e.Port)) }
		want := strings.Compare(s(a), s(b))
		got := compareEndpoints(a, b)
		if sign(got) != want {
			t.Fatalf("%s vs %s: got %d, want %d", s(a), s(b), got, want)
		}
	})
}

func sign(n int) int {
	switch {
	case n < 0:
		return -1
	case n > 0:
		return 1
	}
	return 0
}

package dns_test

import (
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/svcsim/svcsim/dns"
)

func TestMisuseFailsAtTheCall(t *testing.T) {
	const notStarted = "dns: use of a Server not made by dns.Start"
	for name, call := range map[string]func(sv *dns.Server){
		"Lookup":     func(sv *dns.Server) { _, _ = sv.Lookup("default", "web") },
		"LookupWith": func(sv *dns.Server) { _, _ = sv.LookupWith("default", "web", nil) },
		"Query":      func(sv *dns.Server) { _, _ = sv.Query("web.default.svc.cluster.local.", dns.A) },
		"Zone":       func(sv *dns.Server) { sv.Zone() },
	} {
		assert.PanicsWithValue(t, notStarted, func() { call(nil) }, "nil %s", name)
		assert.PanicsWithValue(t, notStarted, func() { call(&dns.Server{}) }, "zero %s", name)
	}
	assert.PanicsWithValue(t, "dns: Start with a nil *cluster.Sim", func() { _, _ = dns.Start(nil, dns.Options{}) })
}

func TestZeroErrorReads(t *testing.T) {
	assert.Equal(t, "lookup : failed", (&dns.Error{}).Error())
	assert.Equal(t, "lookup web: failed: empty label", (&dns.Error{Name: "web", Reason: "empty label"}).Error())
}

package main

import (
	"errors"
	"io"
	"os"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/svcsim/svcsim/selector"
)

// Example_lesson pins the whole session, narration and tables, byte for byte.
func Example_lesson() {
	run(os.Stdout)
	// Output:
	// # Labels and selectors: how a Service finds its Pods.
	// #
	// # Nine Pods run in the default namespace. kubectl would also show READY,
	// # STATUS, RESTARTS and AGE; this session keeps only the columns that
	// # selection depends on.
	// $ kubectl get pods --show-labels
	// NAME       LABELS
	// api-1      env=prod,tier=backend,zone=prod
	// api-2      env=qa,tier=backend
	// cache-1    env=prod,tier=cache,zone=prod
	// report-1   app=report
	// web-1      version=1,zone=prod
	// web-2      version=1,zone=prod
	// web-3      version=1,zone=prod
	// web-4      canary=true,env=prod,tier=frontend,version=2,zone=prod
	// web-5      env=dev,tier=frontend,version=1
	//
	// # Figure 6.3. A Service declares the selector {zone: prod, version: "1"}.
	// # Written in kubectl's -l syntax that is version=1,zone=prod: one requirement
	// # per key, keys sorted. Listing with it shows the Pods the Service picks.
	// $ kubectl get pods -l 'version=1,zone=prod' --show-labels
	// NAME    LABELS
	// web-1   version=1,zone=prod
	// web-2   version=1,zone=prod
	// web-3   version=1,zone=prod
	//
	// # web-1, web-2 and web-3 carry both labels. web-4 is in zone prod but
	// # runs version 2, and web-5 runs version 1 outside any zone: each has
	// # only one of the two, so the Service leaves both alone.
	//
	// # Figure 6.4. Take version=1 off the three web Pods so that each keeps
	// # zone=prod alone. The Service itself does not change.
	// $ kubectl label pods web-1 web-2 web-3 version-
	// pod/web-1 unlabeled
	// pod/web-2 unlabeled
	// pod/web-3 unlabeled
	// $ kubectl get pods -l 'version=1,zone=prod' --show-labels
	// No resources found in default namespace.
	//
	// # Nothing is selected. The requirements of a selector are joined by a
	// # Boolean AND: a Pod must hold every label the selector names, and
	// # zone=prod satisfies only half of this one. The Service is left with no
	// # Pods to send traffic to.
	//
	// # Figure 6.5. Put version=1 back, together with two labels the Service
	// # never mentions.
	// $ kubectl label pods web-1 web-2 web-3 version=1 env=prod tier=frontend
	// pod/web-1 labeled
	// pod/web-2 labeled
	// pod/web-3 labeled
	// $ kubectl get pods -l 'version=1,zone=prod' --show-labels
	// NAME    LABELS
	// web-1   env=prod,tier=frontend,version=1,zone=prod
	// web-2   env=prod,tier=frontend,version=1,zone=prod
	// web-3   env=prod,tier=frontend,version=1,zone=prod
	//
	// # Selected again. Matching looks only at the keys the selector names;
	// # env and tier ride along unnoticed. The Service was never edited: the
	// # Pods' labels alone decided which Pods it picks. That is the loose
	// # coupling between the two.
	//
	// # A Service selector can only demand exact values. kubectl's -l flag,
	// # like the matchExpressions of a Deployment, also takes set-based
	// # requirements. "in" wants the key present with one of the listed
	// # values: web-5 (env=dev) and report-1 (no env at all) drop out.
	// $ kubectl get pods -l 'env in (prod,qa)' --show-labels
	// NAME      LABELS
	// api-1     env=prod,tier=backend,zone=prod
	// api-2     env=qa,tier=backend
	// cache-1   env=prod,tier=cache,zone=prod
	// web-1     env=prod,tier=frontend,version=1,zone=prod
	// web-2     env=prod,tier=frontend,version=1,zone=prod
	// web-3     env=prod,tier=frontend,version=1,zone=prod
	// web-4     canary=true,env=prod,tier=frontend,version=2,zone=prod
	//
	// # "!key" wants no such label at all, whatever its value. Only web-4
	// # has a canary label.
	// $ kubectl get pods -l '!canary' --show-labels
	// NAME       LABELS
	// api-1      env=prod,tier=backend,zone=prod
	// api-2      env=qa,tier=backend
	// cache-1    env=prod,tier=cache,zone=prod
	// report-1   app=report
	// web-1      env=prod,tier=frontend,version=1,zone=prod
	// web-2      env=prod,tier=frontend,version=1,zone=prod
	// web-3      env=prod,tier=frontend,version=1,zone=prod
	// web-5      env=dev,tier=frontend,version=1
	//
	// # "notin" is satisfied by any other value and also by a missing key:
	// # report-1 has no tier and still matches. Only cache-1 is excluded.
	// $ kubectl get pods -l 'tier notin (cache)' --show-labels
	// NAME       LABELS
	// api-1      env=prod,tier=backend,zone=prod
	// api-2      env=qa,tier=backend
	// report-1   app=report
	// web-1      env=prod,tier=frontend,version=1,zone=prod
	// web-2      env=prod,tier=frontend,version=1,zone=prod
	// web-3      env=prod,tier=frontend,version=1,zone=prod
	// web-4      canary=true,env=prod,tier=frontend,version=2,zone=prod
	// web-5      env=dev,tier=frontend,version=1
	//
	// # Commas still mean AND, and exact and set-based requirements mix
	// # freely. api-2 has no zone and web-4 is a canary, so four Pods remain.
	// $ kubectl get pods -l 'zone=prod,env in (prod,qa),tier notin (cache),!canary' --show-labels
	// NAME    LABELS
	// api-1   env=prod,tier=backend,zone=prod
	// web-1   env=prod,tier=frontend,version=1,zone=prod
	// web-2   env=prod,tier=frontend,version=1,zone=prod
	// web-3   env=prod,tier=frontend,version=1,zone=prod
	//
	// # svcsim prints a parsed selector back in canonical form, sorted by key:
	// #   !canary,env in (prod,qa),tier notin (cache),zone=prod
	//
	// # A malformed selector is an error, never a silent match of nothing or
	// # everything. A set needs its parentheses even for a single value:
	// $ kubectl get pods -l 'env in prod' --show-labels
	// error: selector: cannot parse "env in prod": at offset 7: found "prod", expected '('
	//
	// # A trailing comma promises a requirement that never comes:
	// $ kubectl get pods -l 'app=web,' --show-labels
	// error: selector: cannot parse "app=web,": at offset 8: found end of input, expected '!' or a label key after ','
	//
	// # The messages are svcsim's own, giving the byte offset of the fault;
	// # kubectl words them differently but rejects the same strings.
}

// stage is a point in the session at which the cluster's labels are checked.
type stage int

const (
	figure63 stage = iota // as the session starts
	figure64              // after the web Pods lose version=1
	figure65              // after they get it back with extra labels, and from then on
)

// clusterAt replays the session's relabelling up to st, without output.
func clusterAt(st stage) []pod {
	s := &session{w: io.Discard, pods: newCluster()}
	if st >= figure64 {
		s.label(webPods, dropVersion...)
	}
	if st >= figure65 {
		s.label(webPods, addVersionAndExtras...)
	}
	return s.pods
}

// names returns the names of pods, in order.
func names(pods []pod) []string {
	var out []string
	for _, p := range pods {
		out = append(out, p.name)
	}
	return out
}

// TestSelection checks what each selector of the lesson selects, apart from
// how the session prints it. The expected names are worked out from the
// labels by hand, not taken from the program's output.
func TestSelection(t *testing.T) {
	svc, err := selector.FromSet(serviceSelector)
	require.NoError(t, err)
	require.Equal(t, "version=1,zone=prod", svc.String())

	parse := func(expr string) selector.Selector {
		sel, err := selector.Parse(expr)
		require.NoError(t, err, expr)
		return sel
	}
	web := []string{"web-1", "web-2", "web-3"}

	tests := []struct {
		name  string
		stage stage
		sel   selector.Selector
		want  []string
	}{
		{"figure 6.3: both labels held", figure63, svc, web},
		{"figure 6.4: only zone=prod held", figure64, svc, nil},
		{"figure 6.4: each half alone still matches", figure64, parse("zone=prod"),
			[]string{"api-1", "cache-1", "web-1", "web-2", "web-3", "web-4"}},
		{"figure 6.5: extra labels ignored", figure65, svc, web},
		{"in", figure65, parse("env in (prod,qa)"),
			[]string{"api-1", "api-2", "cache-1", "web-1", "web-2", "web-3", "web-4"}},
		{"does not exist", figure65, parse("!canary"),
			[]string{"api-1", "api-2", "cache-1", "report-1", "web-1", "web-2", "web-3", "web-5"}},
		{"notin matches a missing key", figure65, parse("tier notin (cache)"),
			[]string{"api-1", "api-2", "report-1", "web-1", "web-2", "web-3", "web-4", "web-5"}},
		{"combined", figure65, parse("zone=prod,env in (prod,qa),tier notin (cache),!canary"),
			[]string{"api-1", "web-1", "web-2", "web-3"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			require.Equal(t, tt.want, names(selectPods(clusterAt(tt.stage), tt.sel)))
		})
	}
}

// TestFigure65Labels checks that the relabelling leaves the web Pods as the
// figures draw them: one of the two labels in Figure 6.4, both and more in
// Figure 6.5.
func TestFigure65Labels(t *testing.T) {
	fig64 := &session{pods: clusterAt(figure64)}
	fig65 := &session{pods: clusterAt(figure65)}
	for _, name := range webPods {
		require.Equal(t, selector.Set{"zone": "prod"}, fig64.find(name).labels, name)
		require.Equal(t, selector.Set{"env": "prod", "tier": "frontend", "version": "1", "zone": "prod"}, fig65.find(name).labels, name)
	}
}

// TestCanonicalForm checks the form the lesson says svcsim prints back.
func TestCanonicalForm(t *testing.T) {
	sel, err := selector.Parse("zone=prod,env in (prod,qa),tier notin (cache),!canary")
	require.NoError(t, err)
	require.Equal(t, "!canary,env in (prod,qa),tier notin (cache),zone=prod", sel.String())
}

// TestBadSelectors checks that the lesson's malformed selectors are syntax
// errors located where the narration says.
func TestBadSelectors(t *testing.T) {
	tests := []struct {
		expr   string
		offset int
		found  string
	}{
		{"env in prod", 7, "prod"},
		{"app=web,", 8, ""},
	}
	for _, tt := range tests {
		t.Run(tt.expr, func(t *testing.T) {
			sel, err := selector.Parse(tt.expr)
			require.ErrorIs(t, err, selector.ErrSyntax)
			var pe *selector.ParseError
			require.True(t, errors.As(err, &pe))
			require.Equal(t, tt.offset, pe.Offset)
			require.Equal(t, tt.found, pe.Found)
			require.True(t, sel.Empty(), "a failed parse yields the zero Selector")
		})
	}
}

// TestLabelMessages checks the per-Pod messages of the simulated kubectl label.
func TestLabelMessages(t *testing.T) {
	tests := []struct {
		old, new selector.Set
		want     string
	}{
		{selector.Set{"a": "1"}, selector.Set{"a": "1", "b": "2"}, "labeled"},
		{selector.Set{"a": "1"}, selector.Set{"a": "2"}, "labeled"},
		{selector.Set{"a": "1", "b": "2"}, selector.Set{"a": "1"}, "unlabeled"},
		{selector.Set{"a": "1"}, selector.Set{"b": "2"}, "label(s) changed"},
		{selector.Set{"a": "1"}, selector.Set{"a": "1"}, "not labeled"},
	}
	for _, tt := range tests {
		require.Equal(t, tt.want, changeMessage(tt.old, tt.new), "%v -> %v", tt.old, tt.new)
	}
}

// TestRunTwice checks that the session does not leak state between runs:
// the example and these tests each start from a fresh cluster.
func TestRunTwice(t *testing.T) {
	var a, b strings.Builder
	run(&a)
	run(&b)
	require.Equal(t, a.String(), b.String())
}

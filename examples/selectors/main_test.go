package main

import (
	"bytes"
	"os"
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// Example_lesson pins the whole session, narration, commands and output,
// byte for byte.
func Example_lesson() {
	if err := run(os.Stdout); err != nil {
		panic(err)
	}
	// Output:
	//
	// Labels and selectors: how a Service finds its Pods.
	//
	// Nine Pods start in the default namespace, each with its own labels.
	// $ kubectl run api-1 --image=nginx -l env=prod,tier=backend,zone=prod
	// pod/api-1 created
	// $ kubectl run api-2 --image=nginx -l env=qa,tier=backend
	// pod/api-2 created
	// $ kubectl run cache-1 --image=nginx -l env=prod,tier=cache,zone=prod
	// pod/cache-1 created
	// $ kubectl run report-1 --image=nginx -l app=report
	// pod/report-1 created
	// $ kubectl run web-1 --image=nginx -l version=1,zone=prod
	// pod/web-1 created
	// $ kubectl run web-2 --image=nginx -l version=1,zone=prod
	// pod/web-2 created
	// $ kubectl run web-3 --image=nginx -l version=1,zone=prod
	// pod/web-3 created
	// $ kubectl run web-4 --image=nginx -l canary=true,env=prod,tier=frontend,version=2,zone=prod
	// pod/web-4 created
	// $ kubectl run web-5 --image=nginx -l env=dev,tier=frontend,version=1
	// pod/web-5 created
	// $ kubectl get pods --show-labels
	// NAME       READY   STATUS    RESTARTS   AGE   LABELS
	// api-1      1/1     Running   0          0s    env=prod,tier=backend,zone=prod
	// api-2      1/1     Running   0          0s    env=qa,tier=backend
	// cache-1    1/1     Running   0          0s    env=prod,tier=cache,zone=prod
	// report-1   1/1     Running   0          0s    app=report
	// web-1      1/1     Running   0          0s    version=1,zone=prod
	// web-2      1/1     Running   0          0s    version=1,zone=prod
	// web-3      1/1     Running   0          0s    version=1,zone=prod
	// web-4      1/1     Running   0          0s    canary=true,env=prod,tier=frontend,version=2,zone=prod
	// web-5      1/1     Running   0          0s    env=dev,tier=frontend,version=1
	//
	// Figure 6.3. A Service declares the selector {zone: prod, version: "1"}.
	// Written in kubectl's -l syntax that is version=1,zone=prod: one
	// requirement per key. Listing with it shows the Pods the Service picks,
	// and the Service's endpoints are exactly those Pods.
	// $ kubectl create service clusterip web --tcp=80
	// service/web created
	// $ kubectl set selector service web 'zone=prod,version=1'
	// service/web selector updated
	// $ kubectl get pods -l 'version=1,zone=prod' --show-labels
	// NAME    READY   STATUS    RESTARTS   AGE   LABELS
	// web-1   1/1     Running   0          2s    version=1,zone=prod
	// web-2   1/1     Running   0          2s    version=1,zone=prod
	// web-3   1/1     Running   0          2s    version=1,zone=prod
	// $ kubectl get endpoints web
	// Warning: v1 Endpoints is deprecated in v1.33+; use discovery.k8s.io/v1 EndpointSlice
	// NAME   ENDPOINTS                                   AGE
	// web    10.244.0.4:80,10.244.1.3:80,10.244.2.3:80   2s
	//
	// web-1, web-2 and web-3 carry both labels. web-4 is in zone prod but runs
	// version 2, and web-5 runs version 1 outside any zone: each has only one
	// of the two, so the Service leaves both alone.
	// Figure 6.4. Take version=1 off the three web Pods so that each keeps
	// zone=prod alone. The Service itself does not change.
	// $ kubectl label pods web-1 web-2 web-3 version-
	// pod/web-1 unlabeled
	// pod/web-2 unlabeled
	// pod/web-3 unlabeled
	// $ kubectl get pods -l 'version=1,zone=prod' --show-labels
	// No resources found in default namespace.
	// $ kubectl get endpoints web
	// Warning: v1 Endpoints is deprecated in v1.33+; use discovery.k8s.io/v1 EndpointSlice
	// NAME   ENDPOINTS   AGE
	// web    <none>      3s
	//
	// Nothing is selected. The requirements of a selector are joined by a
	// Boolean AND: a Pod must hold every label the selector names, and
	// zone=prod satisfies only half of this one. The Service has no endpoints.
	// Figure 6.5. Put version=1 back, together with two labels the Service
	// never mentions.
	// $ kubectl label pods web-1 web-2 web-3 version=1 env=prod tier=frontend
	// pod/web-1 labeled
	// pod/web-2 labeled
	// pod/web-3 labeled
	// $ kubectl get pods -l 'version=1,zone=prod' --show-labels
	// NAME    READY   STATUS    RESTARTS   AGE   LABELS
	// web-1   1/1     Running   0          4s    env=prod,tier=frontend,version=1,zone=prod
	// web-2   1/1     Running   0          4s    env=prod,tier=frontend,version=1,zone=prod
	// web-3   1/1     Running   0          4s    env=prod,tier=frontend,version=1,zone=prod
	// $ kubectl get endpoints web
	// Warning: v1 Endpoints is deprecated in v1.33+; use discovery.k8s.io/v1 EndpointSlice
	// NAME   ENDPOINTS                                   AGE
	// web    10.244.0.4:80,10.244.1.3:80,10.244.2.3:80   4s
	//
	// Selected again. Matching looks only at the keys the selector names; env
	// and tier ride along unnoticed. The Service was never edited: the Pods'
	// labels alone decided which Pods it picks. That is the loose coupling
	// between the two.
	// A Service selector can only demand exact values. kubectl's -l flag, like
	// the matchExpressions of a Deployment, also takes set-based requirements.
	// "in" wants the key present with one of the listed values: web-5
	// (env=dev) and report-1 (no env at all) drop out.
	// $ kubectl get pods -l 'env in (prod,qa)' --show-labels
	// NAME      READY   STATUS    RESTARTS   AGE   LABELS
	// api-1     1/1     Running   0          4s    env=prod,tier=backend,zone=prod
	// api-2     1/1     Running   0          4s    env=qa,tier=backend
	// cache-1   1/1     Running   0          4s    env=prod,tier=cache,zone=prod
	// web-1     1/1     Running   0          4s    env=prod,tier=frontend,version=1,zone=prod
	// web-2     1/1     Running   0          4s    env=prod,tier=frontend,version=1,zone=prod
	// web-3     1/1     Running   0          4s    env=prod,tier=frontend,version=1,zone=prod
	// web-4     1/1     Running   0          4s    canary=true,env=prod,tier=frontend,version=2,zone=prod
	//
	// "!key" wants no such label at all, whatever its value. Only web-4 has a
	// canary label.
	// $ kubectl get pods -l '!canary' --show-labels
	// NAME       READY   STATUS    RESTARTS   AGE   LABELS
	// api-1      1/1     Running   0          4s    env=prod,tier=backend,zone=prod
	// api-2      1/1     Running   0          4s    env=qa,tier=backend
	// cache-1    1/1     Running   0          4s    env=prod,tier=cache,zone=prod
	// report-1   1/1     Running   0          4s    app=report
	// web-1      1/1     Running   0          4s    env=prod,tier=frontend,version=1,zone=prod
	// web-2      1/1     Running   0          4s    env=prod,tier=frontend,version=1,zone=prod
	// web-3      1/1     Running   0          4s    env=prod,tier=frontend,version=1,zone=prod
	// web-5      1/1     Running   0          4s    env=dev,tier=frontend,version=1
	//
	// "notin" is satisfied by any other value and also by a missing key:
	// report-1 has no tier and still matches. Only cache-1 is excluded.
	// $ kubectl get pods -l 'tier notin (cache)' --show-labels
	// NAME       READY   STATUS    RESTARTS   AGE   LABELS
	// api-1      1/1     Running   0          4s    env=prod,tier=backend,zone=prod
	// api-2      1/1     Running   0          4s    env=qa,tier=backend
	// report-1   1/1     Running   0          4s    app=report
	// web-1      1/1     Running   0          4s    env=prod,tier=frontend,version=1,zone=prod
	// web-2      1/1     Running   0          4s    env=prod,tier=frontend,version=1,zone=prod
	// web-3      1/1     Running   0          4s    env=prod,tier=frontend,version=1,zone=prod
	// web-4      1/1     Running   0          4s    canary=true,env=prod,tier=frontend,version=2,zone=prod
	// web-5      1/1     Running   0          4s    env=dev,tier=frontend,version=1
	//
	// Commas still mean AND, and exact and set-based requirements mix freely.
	// api-2 has no zone and web-4 is a canary, so four Pods remain.
	// $ kubectl get pods -l 'zone=prod,env in (prod,qa),tier notin (cache),!canary' --show-labels
	// NAME    READY   STATUS    RESTARTS   AGE   LABELS
	// api-1   1/1     Running   0          4s    env=prod,tier=backend,zone=prod
	// web-1   1/1     Running   0          4s    env=prod,tier=frontend,version=1,zone=prod
	// web-2   1/1     Running   0          4s    env=prod,tier=frontend,version=1,zone=prod
	// web-3   1/1     Running   0          4s    env=prod,tier=frontend,version=1,zone=prod
	//
	// A malformed selector is an error, never a silent match of nothing or
	// everything. A set needs its parentheses even for a single value:
	// $ kubectl get pods -l 'env in prod' --show-labels || true
	// Error from server (BadRequest): Unable to find "/v1, Resource=pods" that match label selector "env in prod", field selector "": found 'prod', expected: '('
	//
	// A trailing comma promises a requirement that never comes:
	// $ kubectl get pods -l 'app=web,' --show-labels || true
	// Error from server (BadRequest): Unable to find "/v1, Resource=pods" that match label selector "app=web,", field selector "": found '', expected: '!' or a label key after ','
}

var command = regexp.MustCompile(`^\$ (.*)$`)

// selected returns, for each command of the session that starts with
// prefix, the first column of the table it printed (nil for none).
func selected(session, prefix string) [][]string {
	var all [][]string
	lines := strings.Split(session, "\n")
	for i, l := range lines {
		m := command.FindStringSubmatch(l)
		if m == nil || !strings.HasPrefix(m[1], prefix) {
			continue
		}
		var names []string
		for _, row := range lines[i+1:] {
			if row == "" || strings.HasPrefix(row, "$ ") {
				break
			}
			f := strings.Fields(row)
			if len(f) == 0 || f[0] == "NAME" || f[0] == "Warning:" || f[0] == "No" {
				continue
			}
			names = append(names, f[0]+" "+f[1])
		}
		all = append(all, names)
	}
	return all
}

// The facts the lesson teaches, read back from the session.
func TestLessonFacts(t *testing.T) {
	var b bytes.Buffer
	require.NoError(t, run(&b))
	s := b.String()

	// The Service's endpoints: the three web pods, none, the three again.
	eps := selected(s, "kubectl get endpoints web")
	require.Len(t, eps, 3)
	assert.Regexp(t, `^web (\d+\.){3}\d+:80(,(\d+\.){3}\d+:80){2}$`, eps[0][0])
	assert.Equal(t, []string{"web <none>"}, eps[1])
	assert.Equal(t, eps[0], eps[2], "the same pods, the same addresses")

	pods := func(expr string) []string {
		got := selected(s, "kubectl get pods -l '"+expr+"'")
		require.NotEmpty(t, got, expr)
		var names []string
		for _, n := range got[0] {
			names = append(names, strings.Fields(n)[0])
		}
		return names
	}
	assert.Equal(t, []string{"web-1", "web-2", "web-3"}, pods("version=1,zone=prod"))
	assert.Equal(t, []string{"api-1", "api-2", "cache-1", "web-1", "web-2", "web-3", "web-4"}, pods("env in (prod,qa)"))
	assert.Equal(t, []string{"api-1", "api-2", "cache-1", "report-1", "web-1", "web-2", "web-3", "web-5"}, pods("!canary"))
	assert.Equal(t, []string{"api-1", "api-2", "report-1", "web-1", "web-2", "web-3", "web-4", "web-5"}, pods("tier notin (cache)"))
	assert.Equal(t, []string{"api-1", "web-1", "web-2", "web-3"}, pods("zone=prod,env in (prod,qa),tier notin (cache),!canary"))
	assert.Contains(t, s, "$ kubectl get pods -l 'version=1,zone=prod' --show-labels\nNo resources found in default namespace.\n")

	// Bad selectors are refused, naming what was wrong.
	assert.Contains(t, s, `label selector "env in prod", field selector "": found 'prod', expected: '('`)
	assert.Contains(t, s, `label selector "app=web,"`)
}

// The same session twice, byte for byte.
func TestRunTwice(t *testing.T) {
	var a, b bytes.Buffer
	require.NoError(t, run(&a))
	require.NoError(t, run(&b))
	assert.Equal(t, a.String(), b.String())
}

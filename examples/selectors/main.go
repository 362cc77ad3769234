package main

import (
	"fmt"
	"io"
	"os"
	"strings"
	"text/tabwriter"

	"github.com/svcsim/svcsim/selector"
)

func main() { run(os.Stdout) }

// pod is all of a Pod that label selection can see: its name and its labels.
type pod struct {
	name   string
	labels selector.Set
}

// newCluster returns the Pods of the default namespace as the session begins.
// It builds fresh label maps on every call because the session relabels Pods,
// and the example and the tests must each start from the same cluster. The
// Pods are listed in name order because that is the order the API server,
// and so kubectl, returns them in.
func newCluster() []pod {
	return []pod{
		{"api-1", selector.Set{"env": "prod", "tier": "backend", "zone": "prod"}},
		{"api-2", selector.Set{"env": "qa", "tier": "backend"}},
		{"cache-1", selector.Set{"env": "prod", "tier": "cache", "zone": "prod"}},
		{"report-1", selector.Set{"app": "report"}},
		{"web-1", selector.Set{"version": "1", "zone": "prod"}},
		{"web-2", selector.Set{"version": "1", "zone": "prod"}},
		{"web-3", selector.Set{"version": "1", "zone": "prod"}},
		{"web-4", selector.Set{"canary": "true", "env": "prod", "tier": "frontend", "version": "2", "zone": "prod"}},
		{"web-5", selector.Set{"env": "dev", "tier": "frontend", "version": "1"}},
	}
}

// serviceSelector is the spec.selector of the Service in Figures 6.3 to 6.5.
// A Service can only hold a map of exact labels, never set-based
// expressions, which is why the lesson builds it with FromSet and not Parse.
var serviceSelector = selector.Set{"zone": "prod", "version": "1"}

// webPods are the three Pods the figures are about.
var webPods = []string{"web-1", "web-2", "web-3"}

// The relabelling that turns the cluster of Figure 6.3 into that of Figure
// 6.4 (each web Pod keeps zone=prod only) and then into that of Figure 6.5
// (version=1 is back, along with labels the Service never asks about), in
// the syntax of kubectl label.
var (
	dropVersion         = []string{"version-"}
	addVersionAndExtras = []string{"version=1", "env=prod", "tier=frontend"}
)

// run prints the lesson: a narrated terminal session against a simulated
// cluster.
func run(w io.Writer) {
	s := &session{w: w, pods: newCluster()}

	svc, err := selector.FromSet(serviceSelector)
	if err != nil {
		// serviceSelector is fixed in this file, so an error here is a bug
		// in the lesson rather than something a reader could cause.
		panic(err)
	}

	s.say("Labels and selectors: how a Service finds its Pods.",
		"",
		"Nine Pods run in the default namespace. kubectl would also show READY,",
		"STATUS, RESTARTS and AGE; this session keeps only the columns that",
		"selection depends on.")
	s.getAll()

	s.say("Figure 6.3. A Service declares the selector {zone: prod, version: \"1\"}.",
		"Written in kubectl's -l syntax that is "+svc.String()+": one requirement",
		"per key, keys sorted. Listing with it shows the Pods the Service picks.")
	s.getService(svc)
	s.say("web-1, web-2 and web-3 carry both labels. web-4 is in zone prod but",
		"runs version 2, and web-5 runs version 1 outside any zone: each has",
		"only one of the two, so the Service leaves both alone.")

	s.say("Figure 6.4. Take version=1 off the three web Pods so that each keeps",
		"zone=prod alone. The Service itself does not change.")
	s.label(webPods, dropVersion...)
	s.getService(svc)
	s.say("Nothing is selected. The requirements of a selector are joined by a",
		"Boolean AND: a Pod must hold every label the selector names, and",
		"zone=prod satisfies only half of this one. The Service is left with no",
		"Pods to send traffic to.")

	s.say("Figure 6.5. Put version=1 back, together with two labels the Service",
		"never mentions.")
	s.label(webPods, addVersionAndExtras...)
	s.getService(svc)
	s.say("Selected again. Matching looks only at the keys the selector names;",
		"env and tier ride along unnoticed. The Service was never edited: the",
		"Pods' labels alone decided which Pods it picks. That is the loose",
		"coupling between the two.")

	s.say("A Service selector can only demand exact values. kubectl's -l flag,",
		"like the matchExpressions of a Deployment, also takes set-based",
		"requirements. \"in\" wants the key present with one of the listed",
		"values: web-5 (env=dev) and report-1 (no env at all) drop out.")
	s.get("env in (prod,qa)")
	s.say("\"!key\" wants no such label at all, whatever its value. Only web-4",
		"has a canary label.")
	s.get("!canary")
	s.say("\"notin\" is satisfied by any other value and also by a missing key:",
		"report-1 has no tier and still matches. Only cache-1 is excluded.")
	s.get("tier notin (cache)")

	s.say("Commas still mean AND, and exact and set-based requirements mix",
		"freely. api-2 has no zone and web-4 is a canary, so four Pods remain.")
	combined := s.get("zone=prod,env in (prod,qa),tier notin (cache),!canary")
	s.say("svcsim prints a parsed selector back in canonical form, sorted by key:",
		"  "+combined.String())

	s.say("A malformed selector is an error, never a silent match of nothing or",
		"everything. A set needs its parentheses even for a single value:")
	s.get("env in prod")
	s.say("A trailing comma promises a requirement that never comes:")
	s.get("app=web,")
	s.say("The messages are svcsim's own, giving the byte offset of the fault;",
		"kubectl words them differently but rejects the same strings.")
}

// session is a simulated terminal: the commands it is given and their
// output go to w, and the commands act on pods.
type session struct {
	w       io.Writer
	pods    []pod
	started bool // whether anything has been said yet
}

// say prints a block of narration, one "# " line per argument. A blank line
// sets each block apart from the output before it; commands get none, so
// that consecutive commands read as they would in a terminal.
func (s *session) say(lines ...string) {
	if s.started {
		fmt.Fprintln(s.w)
	}
	s.started = true
	for _, l := range lines {
		// A bare "#" keeps blank narration lines free of trailing
		// whitespace, invisible in a terminal and easily lost from the
		// example's Output comment.
		fmt.Fprintln(s.w, strings.TrimSpace("# "+l))
	}
}

// getAll lists every Pod, as "kubectl get pods --show-labels" does.
func (s *session) getAll() {
	fmt.Fprintln(s.w, "$ kubectl get pods --show-labels")
	s.table(selector.Everything())
}

// getService lists the Pods that a Service with selector sel would pick. The
// command shown is the -l string that selects the same Pods, but the
// matching is done by sel itself, as the Service would do it.
func (s *session) getService(sel selector.Selector) {
	fmt.Fprintf(s.w, "$ kubectl get pods -l '%s' --show-labels\n", sel)
	s.table(sel)
}

// get parses expr as kubectl's -l flag does and lists the Pods it selects,
// or prints the parse error. It returns the parsed selector, the zero
// Selector on error. kubectl would send both the error and the "No
// resources found" line to stderr; the session interleaves everything on w,
// as a terminal would show it.
func (s *session) get(expr string) selector.Selector {
	fmt.Fprintf(s.w, "$ kubectl get pods -l '%s' --show-labels\n", expr)
	sel, err := selector.Parse(expr)
	if err != nil {
		fmt.Fprintf(s.w, "error: %v\n", err)
		return sel
	}
	s.table(sel)
	return sel
}

// table prints the Pods that sel matches in kubectl's table layout.
func (s *session) table(sel selector.Selector) {
	matched := selectPods(s.pods, sel)
	if len(matched) == 0 {
		fmt.Fprintln(s.w, "No resources found in default namespace.")
		return
	}
	// kubectl's printer settings: minimum width 6, tab width 4, padding 3.
	tw := tabwriter.NewWriter(s.w, 6, 4, 3, ' ', 0)
	fmt.Fprintln(tw, "NAME\tLABELS")
	for _, p := range matched {
		fmt.Fprintf(tw, "%s\t%s\n", p.name, p.labels.Format())
	}
	tw.Flush()
}

// label runs "kubectl label pods <names> <changes>", where a change "k=v"
// adds a label and "k-" removes one, and prints kubectl's line for each Pod.
// It models only what the lesson does with it: real kubectl also refuses to
// change an existing value without --overwrite, and warns about removing a
// label that is not there.
func (s *session) label(names []string, changes ...string) {
	fmt.Fprintf(s.w, "$ kubectl label pods %s %s\n", strings.Join(names, " "), strings.Join(changes, " "))
	for _, name := range names {
		p := s.find(name)
		old := p.labels.Clone()
		for _, c := range changes {
			if k, v, ok := strings.Cut(c, "="); ok {
				p.labels[k] = v
			} else {
				delete(p.labels, strings.TrimSuffix(c, "-"))
			}
		}
		fmt.Fprintf(s.w, "pod/%s %s\n", name, changeMessage(old, p.labels))
	}
}

// find returns the Pod called name. The lesson only names Pods it created,
// so a miss is a bug in the lesson.
func (s *session) find(name string) *pod {
	for i := range s.pods {
		if s.pods[i].name == name {
			return &s.pods[i]
		}
	}
	panic("no pod " + name)
}

// changeMessage words a label change as kubectl label reports it.
func changeMessage(old, new selector.Set) string {
	var added, removed bool
	for k, v := range old {
		if w, ok := new[k]; !ok {
			removed = true
		} else if w != v {
			added = true
		}
	}
	for k := range new {
		if _, ok := old[k]; !ok {
			added = true
		}
	}
	switch {
	case added && removed:
		return "label(s) changed"
	case added:
		return "labeled"
	case removed:
		return "unlabeled"
	}
	return "not labeled"
}

// selectPods returns the Pods that sel matches, in their listing order.
func selectPods(pods []pod, sel selector.Selector) []pod {
	var matched []pod
	for _, p := range pods {
		if sel.Matches(p.labels) {
			matched = append(matched, p)
		}
	}
	return matched
}

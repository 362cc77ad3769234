package kubectl

import (
	"errors"
	"fmt"
	"strings"

	"github.com/svcsim/svcsim/cluster"
)

// resourceType is one kind as kubectl's discovery knows it: the names a
// user may type for it and whether it lives in a namespace.
type resourceType struct {
	kind       cluster.Kind
	plural     string // what kubectl prints: pods, endpointslices.discovery.k8s.io
	singular   string
	shorts     []string
	group      string // "" for the core group
	namespaced bool
}

// resourceTypes lists the kinds svcsim serves, in the order `kubectl
// api-resources` would print them.
var resourceTypes = []resourceType{
	{kind: cluster.KindEndpoints, plural: "endpoints", singular: "endpoints", shorts: []string{"ep"}, namespaced: true},
	{kind: "Event", plural: "events", singular: "event", shorts: []string{"ev"}, namespaced: true},
	{kind: cluster.KindNamespace, plural: "namespaces", singular: "namespace", shorts: []string{"ns"}},
	{kind: cluster.KindNode, plural: "nodes", singular: "node", shorts: []string{"no"}},
	{kind: cluster.KindPod, plural: "pods", singular: "pod", shorts: []string{"po"}, namespaced: true},
	{kind: "ReplicationController", plural: "replicationcontrollers", singular: "replicationcontroller", shorts: []string{"rc"}, namespaced: true},
	{kind: cluster.KindService, plural: "services", singular: "service", shorts: []string{"svc"}, namespaced: true},
	{kind: cluster.KindDeployment, plural: "deployments", singular: "deployment", shorts: []string{"deploy"}, group: "apps", namespaced: true},
	{kind: cluster.KindReplicaSet, plural: "replicasets", singular: "replicaset", shorts: []string{"rs"}, group: "apps", namespaced: true},
	{kind: cluster.KindEndpointSlice, plural: "endpointslices", singular: "endpointslice", group: "discovery.k8s.io", namespaced: true},
}

// categoryAll is what `kubectl get all` expands to, restricted to the kinds
// svcsim has, in kubectl's order.
var categoryAll = []string{"pods", "replicationcontrollers", "services", "deployments.apps", "replicasets.apps"}

// errNoResourceType is kubectl's answer to a type discovery does not know.
type errNoResourceType struct{ name string }

func (e *errNoResourceType) Error() string {
	return fmt.Sprintf("the server doesn't have a resource type %q", e.name)
}

// lookupType resolves what a user typed for a kind: plural, singular, short
// name or Kind, optionally qualified as name.group or name.version.group.
func lookupType(s string) (*resourceType, error) {
	name, qual, _ := strings.Cut(strings.ToLower(s), ".")
	for i := range resourceTypes {
		rt := &resourceTypes[i]
		if !rt.answersTo(name) {
			continue
		}
		switch qual {
		case "", rt.group, "v1." + rt.group:
			return rt, nil
		}
		if rt.group == "" && qual == "v1" {
			return rt, nil
		}
	}
	return nil, &errNoResourceType{s}
}

func (rt *resourceType) answersTo(name string) bool {
	if name == rt.plural || name == rt.singular || name == strings.ToLower(string(rt.kind)) {
		return true
	}
	for _, s := range rt.shorts {
		if name == s {
			return true
		}
	}
	return false
}

// qualified is the name kubectl prints in `-o name` and in messages:
// pod, deployment.apps, endpointslice.discovery.k8s.io.
func (rt *resourceType) qualified() string {
	if rt.group == "" {
		return rt.singular
	}
	return rt.singular + "." + rt.group
}

// resourceRef is one TYPE or TYPE/NAME a command line named.
type resourceRef struct {
	typ  *resourceType
	name string // "" for every object of the type
}

// errMissingResource is kubectl's answer to a command that names nothing.
var errMissingResource = errors.New(`You must provide one or more resources by argument or filename.
Example resource specifications include:
   '-f rsrc.yaml'
   '--filename=rsrc.json'
   '<resource> <name>'
   '<resource>'`)

// parseResourceArgs reads the positional arguments of get, describe,
// delete, label and annotate as kubectl's resource builder does: either
// "TYPE[,TYPE...] [NAME...]" or "TYPE/NAME..." throughout, with "all"
// standing for the common workload kinds.
func parseResourceArgs(args []string) ([]resourceRef, error) {
	slashes := 0
	for _, a := range args {
		if strings.Contains(a, "/") {
			slashes++
		}
	}
	if slashes > 0 {
		if slashes != len(args) {
			return nil, errors.New("there is no need to specify a resource type as a separate argument when passing arguments in resource/name form (e.g. 'kubectl get resource/<resource_name>' instead of 'kubectl get resource resource/<resource_name>'")
		}
		refs := make([]resourceRef, 0, len(args))
		for _, a := range args {
			seg := strings.Split(a, "/")
			if len(seg) != 2 {
				return nil, errors.New("arguments in resource/name form may not have more than one slash")
			}
			if seg[0] == "" || seg[1] == "" || strings.Contains(seg[0], ",") {
				return nil, errors.New("arguments in resource/name form must have a single resource and name")
			}
			rt, err := lookupType(seg[0])
			if err != nil {
				return nil, err
			}
			refs = append(refs, resourceRef{typ: rt, name: seg[1]})
		}
		return refs, nil
	}
	if len(args) == 0 {
		return nil, nil
	}
	var types []*resourceType
	for _, t := range strings.Split(args[0], ",") {
		if t == "" {
			continue
		}
		names := []string{t}
		if t == "all" {
			names = categoryAll
		}
		for _, n := range names {
			rt, err := lookupType(n)
			if err != nil {
				return nil, err
			}
			types = append(types, rt)
		}
	}
	if len(types) == 0 {
		return nil, errMissingResource
	}
	var refs []resourceRef
	if len(args) == 1 {
		for _, rt := range types {
			refs = append(refs, resourceRef{typ: rt})
		}
		return refs, nil
	}
	for _, rt := range types {
		for _, n := range args[1:] {
			refs = append(refs, resourceRef{typ: rt, name: n})
		}
	}
	return refs, nil
}

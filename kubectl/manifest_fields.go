package kubectl

import (
	"encoding/json"
	"maps"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/svcsim/svcsim/cluster"
)

// unsupportedFields are fields Kubernetes has, by the svcsim type that
// stands for Kubernetes' own, which svcsim does not model. A manifest
// that sets one is right, so it gets [ErrUnsupported] naming the field
// rather than kubectl's "unknown field".
var unsupportedFields = map[reflect.Type][]string{
	reflect.TypeFor[cluster.ObjectMeta](): {"finalizers", "managedFields", "selfLink"},
	reflect.TypeFor[cluster.PodSpec](): {"activeDeadlineSeconds", "affinity", "automountServiceAccountToken",
		"dnsConfig", "ephemeralContainers", "hostAliases", "hostIPC", "hostNetwork", "hostPID", "hostUsers",
		"imagePullSecrets", "initContainers", "nodeSelector", "os", "overhead", "preemptionPolicy", "priority",
		"priorityClassName", "readinessGates", "resourceClaims", "resources", "runtimeClassName", "schedulerName",
		"schedulingGates", "securityContext", "serviceAccount", "serviceAccountName", "setHostnameAsFQDN",
		"shareProcessNamespace", "tolerations", "topologySpreadConstraints", "volumes"},
	reflect.TypeFor[cluster.Container](): {"envFrom", "livenessProbe", "resizePolicy", "restartPolicy",
		"securityContext", "startupProbe", "stdin", "stdinOnce", "tty", "volumeDevices", "volumeMounts"},
	reflect.TypeFor[cluster.EnvVar]():               {"valueFrom"},
	reflect.TypeFor[cluster.ContainerPort]():        {"hostIP", "hostPort"},
	reflect.TypeFor[cluster.Probe]():                {"grpc", "terminationGracePeriodSeconds"},
	reflect.TypeFor[cluster.HTTPGetAction]():        {"host", "httpHeaders", "scheme"},
	reflect.TypeFor[cluster.LifecycleHandler]():     {"tcpSocket"},
	reflect.TypeFor[cluster.Lifecycle]():            {"postStart", "stopSignal"},
	reflect.TypeFor[cluster.ResourceRequirements](): {"claims"},
	reflect.TypeFor[cluster.ServiceSpec](): {"loadBalancerClass", "loadBalancerIP", "loadBalancerSourceRanges",
		"trafficDistribution"},
	reflect.TypeFor[cluster.ServiceStatus]():       {"conditions"},
	reflect.TypeFor[cluster.LoadBalancerIngress](): {"ipMode", "ports"},
	reflect.TypeFor[cluster.Endpoint]():            {"deprecatedTopology", "hints"},
	reflect.TypeFor[cluster.ObjectReference]():     {"apiVersion", "fieldPath", "resourceVersion"},
	reflect.TypeFor[cluster.PodStatus](): {"ephemeralContainerStatuses", "hostIPs", "initContainerStatuses",
		"nominatedNodeName", "podIPs", "qosClass", "resize", "resourceClaimStatuses", "observedGeneration"},
	reflect.TypeFor[cluster.ContainerStatus](): {"allocatedResources", "containerID", "imageID", "resources",
		"user", "volumeMounts", "allocatedResourcesStatus", "stopSignal"},
	reflect.TypeFor[cluster.PodCondition]():     {"lastProbeTime", "observedGeneration"},
	reflect.TypeFor[cluster.ReplicaSetStatus](): {"terminatingReplicas"},
	reflect.TypeFor[cluster.DeploymentStatus](): {"terminatingReplicas"},
	reflect.TypeFor[cluster.NamespaceStatus]():  {"conditions"},
}

var (
	timeType        = reflect.TypeFor[cluster.Time]()
	objectMetaType  = reflect.TypeFor[cluster.ObjectMeta]()
	unmarshalerType = reflect.TypeFor[json.Unmarshaler]()
)

// fieldCheck walks a manifest's map beside the Go type it decodes into,
// finding what strict decoding would refuse, and converting the values
// whose manifest form is not their Go JSON form.
type fieldCheck struct {
	unknown     []string // paths, in the apiserver's order
	unsupported []string
	wrong       *wrongType // the first, as the apiserver reports only it
}

type wrongType struct{ path, msg string }

func (f *fieldCheck) wrongf(path, msg string) {
	if f.wrong == nil {
		f.wrong = &wrongType{path: path, msg: msg}
	}
}

// walk checks v against t at path and returns v with times and resource
// versions in the form cluster's types take in JSON. Keys are visited in
// sorted order, which is the order kubectl sends them in and so the order
// the apiserver reports them in.
func (f *fieldCheck) walk(v any, t reflect.Type, path string) any {
	return f.walkIn(v, t, path, "")
}

// walkIn is walk with the name of the struct type that holds v, which
// encoding/json's type errors name.
func (f *fieldCheck) walkIn(v any, t reflect.Type, path, owner string) any {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	if v == nil {
		return nil
	}
	switch {
	case t == timeType:
		return f.time(v, path, owner)
	case reflect.PointerTo(t).Implements(unmarshalerType):
		return v
	}
	switch t.Kind() {
	case reflect.Struct:
		m, ok := v.(map[string]any)
		if !ok {
			return v // encoding/json words the type error
		}
		fields := jsonFields(t)
		out := make(map[string]any, len(m))
		for _, k := range slices.Sorted(maps.Keys(m)) {
			p := join(path, k)
			if t == objectMetaType && k == "resourceVersion" {
				if rv, ok := f.resourceVersion(m[k], p); ok {
					out[k] = rv
				}
				continue
			}
			ft, ok := fields[k]
			switch {
			case ok:
				out[k] = f.walkIn(m[k], ft, p, t.Name())
			case slices.Contains(unsupportedFields[t], k):
				f.unsupported = append(f.unsupported, p)
			default:
				f.unknown = append(f.unknown, p)
			}
		}
		return out
	case reflect.Slice:
		s, ok := v.([]any)
		if !ok {
			return v
		}
		out := make([]any, len(s))
		for i, e := range s {
			out[i] = f.walkIn(e, t.Elem(), path+"["+strconv.Itoa(i)+"]", owner)
		}
		return out
	case reflect.Map:
		m, ok := v.(map[string]any)
		if !ok {
			return v
		}
		out := make(map[string]any, len(m))
		for _, k := range slices.Sorted(maps.Keys(m)) {
			out[k] = f.walkIn(m[k], t.Elem(), path+"["+k+"]", owner)
		}
		return out
	}
	return v
}

func join(path, k string) string {
	if path == "" {
		return k
	}
	return path + "." + k
}

// time converts an RFC 3339 timestamp to the virtual time it names, in
// nanoseconds after [cluster.Epoch]; null is the zero time.
func (f *fieldCheck) time(v any, path, owner string) any {
	s, ok := v.(string)
	if !ok {
		f.wrongf(path, "json: cannot unmarshal "+jsonKind(v)+" into Go struct field "+owner+"."+goField(path)+" of type string")
		return nil
	}
	w, err := time.Parse(time.RFC3339, s)
	if err != nil {
		f.wrongf(path, err.Error())
		return nil
	}
	return json.Number(strconv.FormatInt(int64(cluster.Time(0).Add(w.Sub(cluster.Epoch))), 10))
}

// resourceVersion converts a manifest's resourceVersion, a string as
// Kubernetes has it, to svcsim's number; "" means none.
func (f *fieldCheck) resourceVersion(v any, path string) (any, bool) {
	s, ok := v.(string)
	if !ok {
		if v != nil {
			f.wrongf(path, "json: cannot unmarshal "+jsonKind(v)+" into Go struct field ObjectMeta.metadata.resourceVersion of type string")
		}
		return nil, false
	}
	if s == "" {
		return nil, false
	}
	n, err := strconv.ParseUint(s, 10, 64)
	if err != nil {
		f.wrongf(path, "metadata.resourceVersion: Invalid value: "+strconv.Quote(s)+": must be a resource version the cluster gave, a decimal number")
		return nil, false
	}
	return json.Number(strconv.FormatUint(n, 10)), true
}

// goField names a field as encoding/json's type errors do: the path's
// names without indices ("spec.containers.image").
func goField(path string) string {
	var b strings.Builder
	for i := 0; i < len(path); i++ {
		if path[i] == '[' {
			for i < len(path) && path[i] != ']' {
				i++
			}
			continue
		}
		b.WriteByte(path[i])
	}
	return b.String()
}

// jsonKind is encoding/json's word for a JSON value's kind.
func jsonKind(v any) string {
	switch v.(type) {
	case bool:
		return "bool"
	case json.Number, float64:
		return "number"
	case []any:
		return "array"
	case map[string]any:
		return "object"
	}
	return "string"
}

// jsonFields maps the JSON names of t's fields to their types, with the
// fields of untagged embedded structs inline, as encoding/json has them.
func jsonFields(t reflect.Type) map[string]reflect.Type {
	out := map[string]reflect.Type{}
	for i := range t.NumField() {
		sf := t.Field(i)
		tag := sf.Tag.Get("json")
		name, _, _ := strings.Cut(tag, ",")
		if name == "-" || !sf.IsExported() {
			continue
		}
		if sf.Anonymous && tag == "" && sf.Type.Kind() == reflect.Struct {
			maps.Copy(out, jsonFields(sf.Type))
			continue
		}
		if name == "" {
			name = sf.Name
		}
		out[name] = sf.Type
	}
	return out
}

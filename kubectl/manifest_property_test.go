package kubectl_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"testing"

	"github.com/stretchr/testify/require"
	"pgregory.net/rapid"

	"github.com/svcsim/svcsim/cluster"
	"github.com/svcsim/svcsim/kubectl"
	"github.com/svcsim/svcsim/selector"
)

// Strings YAML would misread if they were not quoted, and others.
func str() *rapid.Generator[string] {
	return rapid.OneOf(rapid.SampledFrom([]string{"", "web", "80", "yes", "no", "null", "~", "true", "1e3", "0x10",
		"a: b", "- x", "#c", "<none>", "a&b", "\"q\"", "line\nbreak", " pad ", "é", "---", "{}", "[]"}),
		// go-yaml cannot print control characters (nor can kubectl -o yaml).
		rapid.StringOf(rapid.RuneFrom([]rune("aZ09 :-#'\"\n\t{}[]<>&%é\u00a0\u2028"))))
}

func labels() *rapid.Generator[selector.Set] {
	return rapid.Custom(func(t *rapid.T) selector.Set {
		n := rapid.IntRange(0, 3).Draw(t, "n")
		if n == 0 {
			return nil
		}
		s := selector.Set{}
		for range n {
			s[rapid.SampledFrom([]string{"app", "tier", "a.b/c"}).Draw(t, "k")] = str().Draw(t, "v")
		}
		return s
	})
}

// whole seconds: kubectl prints timestamps to the second.
func instant() *rapid.Generator[cluster.Time] {
	return rapid.Custom(func(t *rapid.T) cluster.Time {
		return cluster.Time(rapid.Int64Range(-1e9, 1e9).Draw(t, "s") * 1e9)
	})
}

func meta(t *rapid.T) cluster.ObjectMeta {
	m := cluster.ObjectMeta{Name: str().Draw(t, "name"), Namespace: str().Draw(t, "ns"), Labels: labels().Draw(t, "labels")}
	if rapid.Bool().Draw(t, "stored") {
		m.UID = "uid-" + str().Draw(t, "uid")
		m.ResourceVersion = rapid.Uint64().Draw(t, "rv")
		m.Generation = rapid.Int64().Draw(t, "gen")
		m.CreationTimestamp = instant().Draw(t, "created")
	}
	if rapid.Bool().Draw(t, "annotated") {
		m.Annotations = map[string]string{"note": str().Draw(t, "note")}
	}
	if rapid.Bool().Draw(t, "deleting") {
		m.DeletionTimestamp = cluster.Ptr(instant().Draw(t, "deleted"))
		m.DeletionGracePeriodSeconds = cluster.Ptr(rapid.Int64().Draw(t, "grace"))
	}
	return m
}

func podSpec(t *rapid.T) cluster.PodSpec {
	c := cluster.Container{Name: str().Draw(t, "c"), Image: str().Draw(t, "image"),
		Command: rapid.SliceOfN(str(), 0, 2).Draw(t, "cmd"), ImagePullPolicy: str().Draw(t, "pull")}
	if rapid.Bool().Draw(t, "port") {
		c.Ports = []cluster.ContainerPort{{Name: str().Draw(t, "pn"), ContainerPort: rapid.Int32().Draw(t, "cp"), Protocol: cluster.ProtocolTCP}}
	}
	if rapid.Bool().Draw(t, "res") {
		c.Resources = &cluster.ResourceRequirements{}
		if rapid.Bool().Draw(t, "limits") {
			c.Resources.Limits = cluster.ResourceList{"cpu": cluster.Quantity(rapid.SampledFrom([]string{"1", "100m", "0.5", "1Gi"}).Draw(t, "q"))}
		}
	}
	if rapid.Bool().Draw(t, "probe") {
		c.ReadinessProbe = &cluster.Probe{HTTPGet: &cluster.HTTPGetAction{Path: str().Draw(t, "path"), Port: rapid.Int32().Draw(t, "pp")},
			PeriodSeconds: rapid.Int32().Draw(t, "period")}
	}
	return cluster.PodSpec{Containers: []cluster.Container{c}, RestartPolicy: str().Draw(t, "restart"),
		DNSPolicy: str().Draw(t, "dns"), TerminationGracePeriodSeconds: rapid.Ptr(rapid.Int64(), true).Draw(t, "tgps"),
		NodeName: str().Draw(t, "node")}
}

func labelSelector(t *rapid.T) *selector.LabelSelector {
	return &selector.LabelSelector{MatchLabels: labels().Draw(t, "ml")}
}

// object draws an object of any kind manifests hold, with fields of every
// JSON shape: strings YAML would misread, numbers at their extremes,
// timestamps, int-or-strings, pointers to zero values, empty structs.
func object() *rapid.Generator[cluster.Object] {
	return rapid.Custom(func(t *rapid.T) cluster.Object {
		m := meta(t)
		switch rapid.IntRange(0, 6).Draw(t, "kind") {
		case 0:
			return &cluster.Namespace{ObjectMeta: m, Status: cluster.NamespaceStatus{Phase: str().Draw(t, "phase")}}
		case 1:
			p := &cluster.Pod{ObjectMeta: m, Spec: podSpec(t)}
			if rapid.Bool().Draw(t, "status") {
				p.Status = cluster.PodStatus{Phase: cluster.PodRunning, PodIP: str().Draw(t, "ip"), StartTime: cluster.Ptr(instant().Draw(t, "start")),
					Conditions: []cluster.PodCondition{{Type: cluster.PodReady, Status: cluster.ConditionTrue, LastTransitionTime: instant().Draw(t, "ltt")}}}
			}
			return p
		case 2:
			tp := cluster.FromInt(rapid.Int32().Draw(t, "tp"))
			if rapid.Bool().Draw(t, "named") {
				tp = cluster.FromString(str().Draw(t, "tps"))
			}
			return &cluster.Service{ObjectMeta: m, Spec: cluster.ServiceSpec{Type: cluster.ServiceType(str().Draw(t, "type")),
				Selector: labels().Draw(t, "sel"), ClusterIP: str().Draw(t, "cip"),
				Ports: []cluster.ServicePort{{Name: str().Draw(t, "spn"), Port: rapid.Int32().Draw(t, "sp"), TargetPort: tp, Protocol: cluster.ProtocolUDP}}}}
		case 3:
			return &cluster.Endpoints{ObjectMeta: m, Subsets: []cluster.EndpointSubset{{Addresses: []cluster.EndpointAddress{{IP: str().Draw(t, "eip"),
				TargetRef: &cluster.ObjectReference{Kind: cluster.KindPod, Name: str().Draw(t, "ref")}}}}}}
		case 4:
			return &cluster.EndpointSlice{ObjectMeta: m, AddressType: "IPv4", Endpoints: []cluster.Endpoint{{Addresses: []string{str().Draw(t, "a")},
				Conditions: cluster.EndpointConditions{Ready: rapid.Ptr(rapid.Bool(), true).Draw(t, "ready")}}},
				Ports: []cluster.EndpointSlicePort{{Port: rapid.Ptr(rapid.Int32(), true).Draw(t, "esp")}}}
		case 5:
			return &cluster.ReplicaSet{ObjectMeta: m, Spec: cluster.ReplicaSetSpec{Replicas: rapid.Ptr(rapid.Int32(), true).Draw(t, "r"),
				Selector: labelSelector(t), Template: cluster.PodTemplateSpec{ObjectMeta: cluster.ObjectMeta{Labels: labels().Draw(t, "tl")}, Spec: podSpec(t)}},
				Status: cluster.ReplicaSetStatus{Replicas: rapid.Int32().Draw(t, "sr")}}
		default:
			d := &cluster.Deployment{ObjectMeta: m, Spec: cluster.DeploymentSpec{Replicas: rapid.Ptr(rapid.Int32(), true).Draw(t, "r"),
				Selector: labelSelector(t), Template: cluster.PodTemplateSpec{Spec: podSpec(t)}, Paused: rapid.Bool().Draw(t, "paused")}}
			if rapid.Bool().Draw(t, "ru") {
				d.Spec.Strategy = cluster.DeploymentStrategy{Type: cluster.RollingUpdateStrategy, RollingUpdate: &cluster.RollingUpdateDeployment{
					MaxSurge: cluster.Ptr(cluster.FromString("25%")), MaxUnavailable: cluster.Ptr(cluster.FromInt(rapid.Int32().Draw(t, "mu")))}}
			}
			return d
		}
	})
}

// TestEncodeDecodeRoundTrip: whatever kubectl prints, -o yaml or -o json,
// alone or in a List, reads back to the same object (compared in JSON,
// where an empty map and no map are one).
func TestEncodeDecodeRoundTrip(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		objs := rapid.SliceOfN(object(), 1, 3).Draw(t, "objs")
		f := rapid.SampledFrom([]kubectl.Format{kubectl.FormatYAML, kubectl.FormatJSON}).Draw(t, "format")
		var b bytes.Buffer
		if len(objs) == 1 && rapid.Bool().Draw(t, "alone") {
			require.NoError(t, kubectl.Encode(&b, f, objs[0]))
		} else {
			require.NoError(t, kubectl.EncodeList(&b, f, objs))
		}
		back, err := kubectl.DecodeObjects("out", b.Bytes())
		require.NoError(t, err, b.String())
		require.Len(t, back, len(objs))
		for i := range objs {
			require.Equal(t, objs[i].Kind(), back[i].Kind())
			want, _ := json.Marshal(objs[i])
			got, _ := json.Marshal(back[i])
			require.JSONEq(t, string(want), string(got), b.String())
		}
	})
}

// TestDecodeNeverPanics: any stream gives documents or typed errors.
func TestDecodeNeverPanics(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		in := rapid.OneOf(rapid.String(), rapid.Custom(func(t *rapid.T) string {
			var b bytes.Buffer
			require.NoError(t, kubectl.Encode(&b, kubectl.FormatYAML, object().Draw(t, "obj")))
			s := b.String()
			i := rapid.IntRange(0, len(s)).Draw(t, "cut")
			return s[:i] + rapid.String().Draw(t, "junk") + s[i:]
		})).Draw(t, "in")
		checkDecode(t, []byte(in))
	})
}

func checkDecode(t require.TestingT, in []byte) {
	docs, err := kubectl.Decode("f", in)
	var n int
	for _, d := range docs {
		if d.Err == nil {
			require.NotNil(t, d.Object)
			continue
		}
		n++
		require.Nil(t, d.Object)
		require.NotEmpty(t, d.Err.Error())
		typed := false
		for _, s := range []error{kubectl.ErrSyntax, kubectl.ErrTypeInfo, kubectl.ErrUnknownKind, kubectl.ErrUnknownField, kubectl.ErrWrongType, kubectl.ErrUnsupported} {
			typed = typed || errors.Is(d.Err, s)
		}
		require.True(t, typed, "untyped: %v", d.Err)
	}
	if n == 0 {
		require.NoError(t, err)
	} else {
		require.Error(t, err)
		require.NotEmpty(t, kubectl.ErrorText(err))
	}
}

// FuzzDecode: Decode never panics and every failure is a typed
// *ManifestError.
func FuzzDecode(f *testing.F) {
	f.Add([]byte(podYAML))
	f.Add([]byte("apiVersion: v1\nkind: List\nitems:\n- {apiVersion: v1, kind: Namespace, metadata: {name: a}}\n"))
	f.Add([]byte(`{"apiVersion":"v1","kind":"Service","spec":{"ports":[{"port":"x"}]}}`))
	f.Add([]byte("apiVersion: apps/v1\nkind: Deployment\n\u00a0 name: my-app\n"))
	f.Fuzz(func(t *testing.T, in []byte) { checkDecode(t, in) })
}

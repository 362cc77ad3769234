package cluster

import (
	"reflect"
	"testing"

	"github.com/stretchr/testify/require"
	"pgregory.net/rapid"
)

// optional draws a nil pointer or one to a value from a small domain, so
// that two draws are often equal.
func optional[T any](t *rapid.T, label string, g *rapid.Generator[T]) *T {
	if rapid.Bool().Draw(t, label+"-nil") {
		return nil
	}
	return Ptr(g.Draw(t, label))
}

// list draws nil, an empty list or a short one.
func list[T any](t *rapid.T, label string, elem func(*rapid.T, string) T) []T {
	switch rapid.IntRange(0, 3).Draw(t, label+"-shape") {
	case 0:
		return nil
	case 1:
		return []T{}
	}
	n := rapid.IntRange(1, 3).Draw(t, label+"-len")
	out := make([]T, n)
	for i := range out {
		out[i] = elem(t, label)
	}
	return out
}

func drawSliceEndpoint(t *rapid.T, label string) Endpoint {
	word := rapid.SampledFrom([]string{"a", "b"})
	return Endpoint{
		Addresses:  list(t, label+"-addr", func(t *rapid.T, l string) string { return word.Draw(t, l) }),
		Conditions: EndpointConditions{Ready: optional(t, label+"-ready", rapid.Bool()), Serving: optional(t, label+"-serving", rapid.Bool()), Terminating: optional(t, label+"-term", rapid.Bool())},
		Hostname:   optional(t, label+"-host", word),
		TargetRef:  optional(t, label+"-ref", rapid.Custom(func(t *rapid.T) ObjectReference { return ObjectReference{Name: word.Draw(t, "name")} })),
		NodeName:   optional(t, label+"-node", word),
		Zone:       optional(t, label+"-zone", word),
	}
}

func drawAddress(t *rapid.T, label string) EndpointAddress {
	word := rapid.SampledFrom([]string{"a", "b"})
	return EndpointAddress{IP: word.Draw(t, label+"-ip"), Hostname: word.Draw(t, label+"-host"), NodeName: optional(t, label+"-node", word),
		TargetRef: optional(t, label+"-ref", rapid.Custom(func(t *rapid.T) ObjectReference { return ObjectReference{UID: word.Draw(t, "uid")} }))}
}

func drawSubset(t *rapid.T, label string) EndpointSubset {
	word := rapid.SampledFrom([]string{"a", "b"})
	return EndpointSubset{Addresses: list(t, label+"-ready", drawAddress), NotReadyAddresses: list(t, label+"-notready", drawAddress),
		Ports: list(t, label+"-ports", func(t *rapid.T, l string) EndpointPort {
			return EndpointPort{Name: word.Draw(t, l+"-name"), Port: rapid.Int32Range(1, 2).Draw(t, l+"-port"), AppProtocol: optional(t, l+"-app", word)}
		})}
}

// TestSameObjectIsDeepEqual checks the store's reflection-free comparisons
// of Endpoints and EndpointSlices against reflect.DeepEqual, on versions
// that are drawn apart, copied, or share memory: they must say the same,
// nil lists and pointers included, or an update would store (and announce)
// a change that is none, or miss one.
func TestSameObjectIsDeepEqual(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		meta := func(label string) ObjectMeta {
			return ObjectMeta{Name: rapid.SampledFrom([]string{"x", "y"}).Draw(t, label+"-name")}
		}
		slice := func(label string) *EndpointSlice {
			return &EndpointSlice{ObjectMeta: meta(label), AddressType: rapid.SampledFrom([]string{"IPv4", "IPv6"}).Draw(t, label+"-type"),
				Endpoints: list(t, label+"-eps", drawSliceEndpoint)}
		}
		eps := func(label string) *Endpoints {
			return &Endpoints{ObjectMeta: meta(label), Subsets: list(t, label+"-subsets", drawSubset)}
		}
		pod := func(label string) *Pod {
			word := rapid.SampledFrom([]string{"a", "b"})
			state := func(l string) ContainerState {
				return ContainerState{Waiting: optional(t, l+"-waiting", rapid.Custom(func(t *rapid.T) ContainerStateWaiting { return ContainerStateWaiting{Reason: word.Draw(t, "r")} })),
					Running: optional(t, l+"-running", rapid.Custom(func(t *rapid.T) ContainerStateRunning {
						return ContainerStateRunning{StartedAt: Time(rapid.IntRange(0, 1).Draw(t, "at"))}
					})),
					Terminated: optional(t, l+"-terminated", rapid.Custom(func(t *rapid.T) ContainerStateTerminated {
						return ContainerStateTerminated{ExitCode: rapid.Int32Range(0, 1).Draw(t, "code")}
					}))}
			}
			return &Pod{ObjectMeta: meta(label), Spec: PodSpec{NodeName: word.Draw(t, label+"-node")}, Status: PodStatus{
				Phase: PodPhase(word.Draw(t, label+"-phase")), PodIP: word.Draw(t, label+"-ip"),
				StartTime: optional(t, label+"-start", rapid.Custom(func(t *rapid.T) Time { return Time(rapid.IntRange(0, 1).Draw(t, "t")) })),
				Conditions: list(t, label+"-conds", func(t *rapid.T, l string) PodCondition {
					return PodCondition{Type: word.Draw(t, l+"-type"), Status: ConditionStatus(word.Draw(t, l+"-status")), LastTransitionTime: Time(rapid.IntRange(0, 1).Draw(t, l+"-at"))}
				}),
				ContainerStatuses: list(t, label+"-ctrs", func(t *rapid.T, l string) ContainerStatus {
					return ContainerStatus{Name: word.Draw(t, l+"-name"), Ready: rapid.Bool().Draw(t, l+"-ready"), State: state(l + "-state"), LastTerminationState: state(l + "-last")}
				}),
			}}
		}
		var a, b Object
		switch rapid.IntRange(0, 8).Draw(t, "case") {
		case 6:
			a, b = pod("a"), pod("b")
		case 7:
			a = pod("a")
			b = a.DeepCopyObject()
		case 8: // a status write: the status copied, the rest shared
			p := pod("a")
			a, b = p, p.withOwnStatus()
		case 0:
			a, b = slice("a"), slice("b")
		case 1:
			a = slice("a")
			b = a.DeepCopyObject()
		case 2: // a controller's next version: a new list sharing the endpoints
			s := slice("a")
			c := *s
			c.Endpoints = append(c.Endpoints[:len(c.Endpoints):len(c.Endpoints)], drawSliceEndpoint(t, "more"))
			a, b = s, &c
		case 3:
			a, b = eps("a"), eps("b")
		case 4:
			a = eps("a")
			b = a.DeepCopyObject()
		case 5:
			e := eps("a")
			c := *e
			a, b = e, &c
		}
		require.Equal(t, reflect.DeepEqual(a, b), sameObject(a, b), "sameObject(%+v, %+v)", a, b)
		require.Equal(t, reflect.DeepEqual(specOf(a), specOf(b)), sameSpec(a, b), "sameSpec")
	})
}

// TestSameObjectKnowsEveryField fails when a field is added to a type
// sameObject compares by hand: the comparison must learn it too.
func TestSameObjectKnowsEveryField(t *testing.T) {
	for _, c := range []struct {
		v      any
		fields int
	}{
		{EndpointSlice{}, 4}, {Endpoint{}, 6}, {EndpointConditions{}, 3},
		{Endpoints{}, 2}, {EndpointSubset{}, 3}, {EndpointAddress{}, 4}, {EndpointPort{}, 4},
		{Pod{}, 3}, {PodStatus{}, 8}, {ContainerStatus{}, 7}, {ContainerState{}, 3},
	} {
		require.Equal(t, c.fields, reflect.TypeOf(c.v).NumField(), "%T", c.v)
	}
}

package conformance

import (
	"fmt"
	"testing"

	"k8s.io/apimachinery/pkg/util/intstr"
	"pgregory.net/rapid"

	"github.com/svcsim/svcsim/cluster"
)

// intOrPercent draws a maxSurge or maxUnavailable value: a small integer or
// a percentage, often one that does not divide evenly.
func intOrPercent(t *rapid.T, label string) (cluster.IntOrString, intstr.IntOrString) {
	if rapid.Bool().Draw(t, label+"-isPercent") {
		p := rapid.OneOf(rapid.SampledFrom([]int{0, 1, 10, 25, 33, 50, 66, 75, 99, 100}), rapid.IntRange(0, 200)).Draw(t, label+"-percent")
		s := fmt.Sprintf("%d%%", p)
		return cluster.FromString(s), intstr.FromString(s)
	}
	n := rapid.Int32Range(0, 50).Draw(t, label+"-int")
	return cluster.FromInt(n), intstr.FromInt32(n)
}

// TestFencepostsMatchKubernetes compares cluster.Fenceposts with the
// apimachinery scaling Kubernetes' ResolveFenceposts is built on (surge
// rounded up, unavailability down) plus its both-zero rule.
func TestFencepostsMatchKubernetes(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		for range 50 {
			replicas := rapid.OneOf(rapid.Int32Range(0, 20), rapid.Int32Range(0, 100_000)).Draw(t, "replicas")
			ms, kms := intOrPercent(t, "surge")
			mu, kmu := intOrPercent(t, "unavailable")
			surge, unavailable, err := cluster.Fenceposts(replicas, ms, mu)
			if err != nil {
				t.Fatal(err)
			}
			ks, err := intstr.GetScaledValueFromIntOrPercent(&kms, int(replicas), true)
			if err != nil {
				t.Fatal(err)
			}
			ku, err := intstr.GetScaledValueFromIntOrPercent(&kmu, int(replicas), false)
			if err != nil {
				t.Fatal(err)
			}
			if ks == 0 && ku == 0 {
				ku = 1
			}
			if int(surge) != ks || int(unavailable) != ku {
				t.Fatalf("replicas %d, maxSurge %s, maxUnavailable %s: svcsim (%d, %d), Kubernetes (%d, %d)",
					replicas, ms, mu, surge, unavailable, ks, ku)
			}
		}
	})
}

// TestFencepostExamples pins the reference's worked examples.
func TestFencepostExamples(t *testing.T) {
	for _, tt := range []struct{ replicas, surge, unavailable int32 }{
		{10, 3, 2}, {4, 1, 1}, {3, 1, 0}, {1, 1, 0},
	} {
		s, u, err := cluster.Fenceposts(tt.replicas, cluster.FromString("25%"), cluster.FromString("25%"))
		if err != nil || s != tt.surge || u != tt.unavailable {
			t.Errorf("replicas %d at 25%%/25%%: got (%d, %d, %v), want (%d, %d)", tt.replicas, s, u, err, tt.surge, tt.unavailable)
		}
	}
}

// TestFencepostsNarrowAsKubernetes: a maxSurge percentage far above 100
// (valid: only maxUnavailable is capped) resolves past int32; Kubernetes'
// ResolveFenceposts narrows its int result to int32, and svcsim must give
// the same number on every platform.
func TestFencepostsNarrowAsKubernetes(t *testing.T) {
	for _, tt := range []struct {
		replicas int32
		surge    string
	}{
		{10, "1000000000000%"}, {7, "1000000000001%"}, {1000, "214748365%"}, {3, "99999999999%"},
	} {
		ms, kms := cluster.FromString(tt.surge), intstr.FromString(tt.surge)
		surge, _, err := cluster.Fenceposts(tt.replicas, ms, cluster.FromInt(1))
		if err != nil {
			t.Fatal(err)
		}
		ks, err := intstr.GetScaledValueFromIntOrPercent(&kms, int(tt.replicas), true)
		if err != nil {
			t.Fatal(err)
		}
		if surge != int32(ks) {
			t.Errorf("replicas %d, maxSurge %s: svcsim %d, Kubernetes %d", tt.replicas, tt.surge, surge, int32(ks))
		}
	}
}

package conformance

import (
	"testing"

	"k8s.io/apimachinery/pkg/labels"

	"github.com/svcsim/svcsim/selector"
)

// benchSelectors are the selector strings both sides are measured on: what
// Services, ReplicaSets and kubectl users actually write, from one equality
// to a mix of every operator.
var benchSelectors = []struct{ name, s string }{
	{"eq1", "app=web"},
	{"eq2", "app=web,tier=frontend"},
	{"rs", "app=web,pod-template-hash=5d59d67564,tier=frontend"},
	{"set", "env in (prod,qa,staging),tier notin (cache,db)"},
	{"exists", "app,!canary"},
	{"numeric", "replicas>2,replicas<10"},
	{"mix", "app=web,env in (prod,qa),!canary,tier notin (cache),version!=2"},
}

// benchSets are pod label sets of the usual size: one that every selector
// above matches or nearly matches, and two that fail early or late.
var benchSets = []selector.Set{
	{"app": "web", "tier": "frontend", "env": "prod", "pod-template-hash": "5d59d67564", "version": "1", "replicas": "5"},
	{"app": "web", "tier": "cache", "env": "dev", "canary": "true", "version": "2"},
	{"app": "db", "env": "qa", "pod-template-hash": "7c9f8d6b45", "replicas": "12"},
}

func BenchmarkMatches(b *testing.B) {
	for _, c := range benchSelectors {
		ours, err := selector.Parse(c.s)
		if err != nil {
			b.Fatal(err)
		}
		theirs, err := labels.Parse(c.s)
		if err != nil {
			b.Fatal(err)
		}
		theirSets := make([]labels.Set, len(benchSets))
		for i, s := range benchSets {
			theirSets[i] = labels.Set(s)
		}
		b.Run(c.name+"/svcsim", func(b *testing.B) {
			b.ReportAllocs()
			n := 0
			for i := 0; b.Loop(); i++ {
				if ours.Matches(benchSets[i%len(benchSets)]) {
					n++
				}
			}
			sink = n
		})
		frozen := make([]*selector.Frozen, len(benchSets))
		for i, s := range benchSets {
			frozen[i] = selector.Freeze(s)
		}
		b.Run(c.name+"/svcsim-frozen", func(b *testing.B) {
			b.ReportAllocs()
			n := 0
			for i := 0; b.Loop(); i++ {
				if ours.Matches(frozen[i%len(frozen)]) {
					n++
				}
			}
			sink = n
		})
		b.Run(c.name+"/apimachinery", func(b *testing.B) {
			b.ReportAllocs()
			n := 0
			for i := 0; b.Loop(); i++ {
				if theirs.Matches(theirSets[i%len(theirSets)]) {
					n++
				}
			}
			sink = n
		})
	}
}

func BenchmarkParse(b *testing.B) {
	for _, c := range benchSelectors {
		b.Run(c.name+"/svcsim", func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if _, err := selector.Parse(c.s); err != nil {
					b.Fatal(err)
				}
			}
		})
		b.Run(c.name+"/apimachinery", func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if _, err := labels.Parse(c.s); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// sink keeps the compiler from discarding the matching loops.
var sink int

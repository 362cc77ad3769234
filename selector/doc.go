// Package selector implements Kubernetes labels and label selectors: the
// rules for valid label keys and values, the selector syntax of kubectl's -l
// flag, the structured selector of ReplicaSets and Deployments, and matching
// a selector against a set of labels. It behaves as k8s.io/apimachinery's
// labels package does wherever a user could tell the difference, and a
// differential test in this module's conformance directory holds it to that.
//
// # Usage
//
// Parse a selector string and match it against a label set:
//
//	sel, err := selector.Parse("app=web,env in (prod,qa),!canary")
//	if err != nil {
//		// err is a *ParseError saying where and what.
//	}
//	sel.Matches(selector.Set{"app": "web", "env": "qa"}) // true
//
// A selector is the AND of its requirements: a label set matches only if it
// satisfies every one, and labels the selector does not mention do not
// matter. Requirements on an absent key follow Kubernetes: "k!=v", "k notin
// (...)" and "!k" hold when k is absent; "k=v", "k in (...)", "k", "k>n" and
// "k<n" do not.
//
// The structured form, [LabelSelector], converts with [LabelSelector.Selector]:
// a nil selector matches nothing and an empty one everything, as in the
// Kubernetes API.
//
// # Canonical form
//
// [Selector.String] prints the canonical form, byte for byte as Kubernetes
// prints it: requirements sorted by key and joined by commas, set values
// sorted, "==" kept as written. Several requirements on one key are all
// kept, ANDed, in the order written.
//
// # Errors
//
// Invalid input never panics and never yields a half-built selector. [Parse]
// returns a [*ParseError] with the input, the byte offset and what was found
// and expected; validation problems come as an [ErrorList] of [*FieldError],
// each naming the field and every rule broken in the apiserver's words. All
// errors wrap a sentinel ([ErrSyntax], [ErrInvalidKey], [ErrInvalidValue],
// [ErrInvalidOperator], [ErrInvalidValues]) for use with [errors.Is].
//
// # Differences from Kubernetes
//
// Kubernetes sorts requirements with an unstable sort, so with more than 12
// requirements and a repeated key its order among the repeats is an
// artefact; svcsim always keeps the order they were written in. Selector is
// a value type rather than an interface, and its zero value is Everything.
// [Requirement.Equal] compares set values as sets, so "a in (x,x)" (which
// NewRequirement accepts and String prints as written, as in Kubernetes)
// equals the "a in (x)" that parsing it gives back.
//
// # Performance
//
// Matching never allocates. On a [Set] it costs one map lookup per
// requirement, which is most of what apimachinery's matching costs too. On a
// [*Frozen] set, an immutable form built for matching many times, keys and
// values are compared as packed machine words behind a one-word
// Bloom filter, and matching takes under half of apimachinery's time. Parsing
// allocates only the requirements and one shared array of values, about a
// tenth of apimachinery's time. The conformance module's benchmarks measure
// both side by side.
package selector

// Package selectortest provides rapid generators of labels and selectors,
// for property tests of code that matches labels: this module's own, and
// other projects' that build on it.
//
// Each function returns a fresh *rapid.Generator. Keys and values are drawn
// mostly from small alphabets ("app", "tier", "web", "prod", ...) so that
// generated selectors and label sets actually overlap: a property that only
// ever sees selectors matching nothing tests little. A smaller share are
// arbitrary valid strings, up to the length limits, so edge cases still come
// up. The Any* and Mutated* generators also produce invalid input, for
// testing validation and error paths.
//
// # Generators
//
// Labels: [Key], [Value], [Set], [AnyKey], [AnyValue].
//
// Selectors: [Requirement], [Selector], [SelectorString], [LabelSelector],
// [MutatedSelectorString].
package selectortest

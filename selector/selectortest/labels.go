package selectortest

import (
	"strings"

	"pgregory.net/rapid"

	"github.com/svcsim/svcsim/selector"
)

var (
	commonNames  = []string{"app", "tier", "env", "version", "zone", "track", "in", "notin"}
	commonPrefix = []string{"example.com", "app.kubernetes.io", "k8s.io"}
	commonValues = []string{"", "web", "db", "prod", "qa", "blue", "green", "v1", "1", "2", "10", "in"}
)

const (
	alnum     = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
	nameInner = alnum + "-_."
	dnsInner  = "abcdefghijklmnopqrstuvwxyz0123456789-"
)

// word draws a string of n bytes whose first and last bytes come from edge
// and whose others come from inner.
func word(t *rapid.T, label string, n int, edge, inner string) string {
	var b strings.Builder
	for i := 0; i < n; i++ {
		set := inner
		if i == 0 || i == n-1 {
			set = edge
		}
		b.WriteByte(set[rapid.IntRange(0, len(set)-1).Draw(t, label)])
	}
	return b.String()
}

// name draws a valid key name or non-empty value of 1 to 63 bytes.
func name(t *rapid.T) string {
	n := rapid.OneOf(rapid.IntRange(1, 8), rapid.IntRange(1, selector.MaxNameLength)).Draw(t, "len")
	return word(t, "c", n, alnum, nameInner)
}

// prefix draws a valid DNS-1123 subdomain of up to 253 bytes.
func prefix(t *rapid.T) string {
	parts := rapid.IntRange(1, 4).Draw(t, "labels")
	var b strings.Builder
	for i := 0; i < parts; i++ {
		if i > 0 {
			b.WriteByte('.')
		}
		n := rapid.IntRange(1, 63).Draw(t, "len")
		b.WriteString(word(t, "d", n, "abcdefghijklmnopqrstuvwxyz0123456789", dnsInner))
	}
	return b.String()
}

// Key generates valid label keys, mostly from a small common set, sometimes
// with a DNS prefix, sometimes arbitrary up to the length limits.
func Key() *rapid.Generator[string] {
	return rapid.Custom(func(t *rapid.T) string {
		switch rapid.IntRange(0, 9).Draw(t, "kind") {
		case 0:
			return name(t)
		case 1:
			return prefix(t) + "/" + name(t)
		case 2:
			return rapid.SampledFrom(commonPrefix).Draw(t, "prefix") + "/" + rapid.SampledFrom(commonNames).Draw(t, "name")
		default:
			return rapid.SampledFrom(commonNames).Draw(t, "name")
		}
	})
}

// Value generates valid label values, mostly from a small common set that
// includes the empty value and small integers, sometimes arbitrary.
func Value() *rapid.Generator[string] {
	return rapid.Custom(func(t *rapid.T) string {
		if rapid.IntRange(0, 4).Draw(t, "kind") == 0 {
			return name(t)
		}
		return rapid.SampledFrom(commonValues).Draw(t, "value")
	})
}

// Set generates valid label sets of zero to six labels.
func Set() *rapid.Generator[selector.Set] {
	return rapid.Custom(func(t *rapid.T) selector.Set {
		m := rapid.MapOfN(Key(), Value(), 0, 6).Draw(t, "labels")
		return selector.Set(m)
	})
}

// invalidBytes are the bytes most likely to break a rule or confuse a lexer.
const invalidBytes = "-_./ \t=!(),<>AZaz09\x00\xff"

// AnyKey generates label keys of which about half are invalid: empty parts,
// bad first or last bytes, uppercase or too-long prefixes, extra slashes,
// names over 63 bytes, bytes outside the alphabet.
func AnyKey() *rapid.Generator[string] {
	return rapid.Custom(func(t *rapid.T) string {
		k := Key().Draw(t, "key")
		if rapid.Bool().Draw(t, "valid") {
			return k
		}
		return mutate(t, k, 3)
	})
}

// AnyValue generates label values of which about half are invalid.
func AnyValue() *rapid.Generator[string] {
	return rapid.Custom(func(t *rapid.T) string {
		v := Value().Draw(t, "value")
		if rapid.Bool().Draw(t, "valid") {
			return v
		}
		return mutate(t, v, 3)
	})
}

// mutate applies up to n random edits to s: insert, replace or delete a
// byte, or repeat a chunk (to cross length limits).
func mutate(t *rapid.T, s string, n int) string {
	edits := rapid.IntRange(1, n).Draw(t, "edits")
	b := []byte(s)
	for i := 0; i < edits; i++ {
		pos := rapid.IntRange(0, len(b)).Draw(t, "pos")
		c := invalidBytes[rapid.IntRange(0, len(invalidBytes)-1).Draw(t, "byte")]
		switch rapid.IntRange(0, 3).Draw(t, "edit") {
		case 0:
			b = append(b[:pos], append([]byte{c}, b[pos:]...)...)
		case 1:
			if pos < len(b) {
				b[pos] = c
			}
		case 2:
			if pos < len(b) {
				b = append(b[:pos], b[pos+1:]...)
			}
		case 3:
			b = append(b, []byte(strings.Repeat("a", rapid.IntRange(1, 70).Draw(t, "pad")))...)
		}
	}
	return string(b)
}

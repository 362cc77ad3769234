package conformance

import (
	"testing"

	"github.com/svcsim/svcsim/selector"
)

// FuzzParseDifferential feeds arbitrary strings to both parsers: they must
// agree on acceptance, on the canonical string and on matching.
func FuzzParseDifferential(f *testing.F) {
	for _, s := range edgeStrings {
		f.Add(s, "a", "b")
	}
	f.Fuzz(func(t *testing.T, s, k, v string) {
		sets := []selector.Set{nil, {k: v}, {k: ""}, {"a": v, k: "1"}}
		if err := compareParse(s, sets); err != nil {
			t.Fatal(err)
		}
	})
}

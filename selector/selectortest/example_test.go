package selectortest_test

import (
	"fmt"

	"github.com/svcsim/svcsim/selector/selectortest"
)

func ExampleSelectorString() {
	// Valid selectors written the many ways the grammar allows: blank
	// input, stray whitespace, empty set items.
	gen := selectortest.SelectorString()
	for i := 0; i < 4; i++ {
		fmt.Printf("%q\n", gen.Example(i))
	}
	// Output:
	// " \t"
	// "kl/rVi> \r\n1\n,tier in  ( \r\n,  in \r\n,  aHY.zbfr2bb),  tbm1nb-fzskb7abcabpmbkcpdakiqbl.9kkc8bowfylasasl/0.bJdsZ  <\t42,CgQe=\n94bz4Cma  "
	// ""
	// "  !app.kubernetes.io/in \r\n"
}

func ExampleSet() {
	// Mostly common keys and values, so that sets and selectors overlap,
	// with the occasional long prefixed key.
	gen := selectortest.Set()
	for i := 0; i < 4; i++ {
		fmt.Printf("%q\n", gen.Example(i).String())
	}
	// Output:
	// "app=web,bdgdwax.fg-2/3i=blue"
	// "k8s.io/tier=web"
	// "bj=,tier=blue"
	// "b2oq6mbb1-99qihcpbx5ga1snd-hkfaxc2es-bbrhx9hb-ea.1navhfoacagyay30cr8mpaida3xdyj7-nbb-rg3p-uih-f.r--mc7pa6zx4a9fnbran6cvot40onl7oeahh5oqb.accqcgvaku-m-f/0N4Ihed=prod,bGhEhhbad=in,ub.biaab4pibbewfmlg.91da0p0/bcgtAf=prod,xqbgmfjb5on5ai5/lJgYbwf0QMS.mgaRhhjf2dfjSK.kjNrs_v7db6ZZO6o..aafabaU5bpqrbcQ8q=web"
}

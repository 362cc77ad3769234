package selector_test

import (
	"fmt"

	"github.com/svcsim/svcsim/selector"
)

// The README's quick start, verbatim, so that the suite keeps it true.
func Example_quickStart() {
	// The selector a Service or `kubectl get pods -l` would use.
	sel, err := selector.Parse("app=web,env in (prod,qa),!canary")
	if err != nil {
		panic(err)
	}
	pod := selector.Set{"app": "web", "env": "prod", "tier": "frontend"}
	fmt.Println(sel.String())
	fmt.Println(sel.Matches(pod))
	fmt.Println(sel.Matches(selector.Set{"app": "web"}))
	// Output:
	// app=web,!canary,env in (prod,qa)
	// true
	// false
}

package selector_test

import (
	"errors"
	"fmt"

	"github.com/svcsim/svcsim/selector"
)

func ExampleParse() {
	sel, err := selector.Parse("tier in (frontend, backend), app = web, !canary")
	if err != nil {
		fmt.Println(err)
		return
	}
	// The canonical form: sorted by key, no spaces, set values sorted.
	fmt.Println(sel)
	fmt.Println(sel.Matches(selector.Set{"app": "web", "tier": "frontend"}))
	fmt.Println(sel.Matches(selector.Set{"app": "web", "tier": "frontend", "canary": "true"}))
	// Output:
	// app=web,!canary,tier in (backend,frontend)
	// true
	// false
}

func ExampleSelector_Matches() {
	sel, _ := selector.Parse("app=web,tier=frontend")
	pods := []struct {
		name   string
		labels selector.Set
	}{
		{"web-1", selector.Set{"app": "web"}},
		{"web-2", selector.Set{"app": "web", "tier": "frontend", "version": "v2"}},
		{"db-1", selector.Set{"app": "db", "tier": "frontend"}},
	}
	// Every requirement must hold; labels the selector does not mention
	// do not matter.
	for _, p := range pods {
		fmt.Printf("%-5s  %-32s  selected=%v\n", p.name, p.labels, sel.Matches(p.labels))
	}
	// Output:
	// web-1  app=web                           selected=false
	// web-2  app=web,tier=frontend,version=v2  selected=true
	// db-1   app=db,tier=frontend              selected=false
}

func ExampleParse_error() {
	_, err := selector.Parse("app=web tier=frontend")
	var pe *selector.ParseError
	if errors.As(err, &pe) {
		fmt.Println("offset:", pe.Offset)
		fmt.Printf("found: %q\n", pe.Found)
		fmt.Println("expected:", pe.Expected)
	}
	fmt.Println(errors.Is(err, selector.ErrSyntax))
	fmt.Println(err)

	// Well-formed, but a label value cannot start with '-'.
	_, err = selector.Parse("replicas>-1")
	fmt.Println(errors.Is(err, selector.ErrSyntax), errors.Is(err, selector.ErrInvalidValue))
	// Output:
	// offset: 8
	// found: "tier"
	// expected: ',' or end of input
	// true
	// selector: cannot parse "app=web tier=frontend": at offset 8: found "tier", expected ',' or end of input
	// false true
}

func ExampleLabelSelector_Selector() {
	ls := &selector.LabelSelector{
		MatchLabels: selector.Set{"app": "web"},
		MatchExpressions: []selector.Expression{
			{Key: "env", Operator: selector.OpIn, Values: []string{"qa", "prod"}},
			{Key: "canary", Operator: selector.OpDoesNotExist},
		},
	}
	sel, err := ls.Selector()
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(sel)
	fmt.Println(sel.Matches(selector.Set{"app": "web", "env": "prod", "pod-template-hash": "5d9f"}))

	// A nil selector selects nothing; an empty one selects everything.
	var none *selector.LabelSelector
	nothing, _ := none.Selector()
	everything, _ := (&selector.LabelSelector{}).Selector()
	fmt.Println(nothing.Matches(selector.Set{"app": "web"}), everything.Matches(selector.Set{"app": "web"}))
	fmt.Println(none.String(), ls.String())
	// Output:
	// app=web,!canary,env in (prod,qa)
	// true
	// false true
	// <none> app=web,!canary,env in (prod,qa)
}

func ExampleFromSet() {
	sel, err := selector.FromSet(selector.Set{"tier": "frontend", "app": "web"})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(sel)
	fmt.Println(sel.Matches(selector.Set{"app": "web", "tier": "frontend", "version": "v2"}))
	fmt.Println(sel.Matches(selector.Set{"app": "web"}))

	_, err = selector.FromSet(selector.Set{"app": "web!"})
	fmt.Println(errors.Is(err, selector.ErrInvalidValue))
	// Output:
	// app=web,tier=frontend
	// true
	// false
	// true
}

func ExampleSet_Validate() {
	labels := selector.Set{"app": "web", "Tier_": "frontend", "env": "-prod"}
	err := labels.Validate()
	var list selector.ErrorList
	if errors.As(err, &list) {
		for _, fe := range list {
			kind := "value"
			if errors.Is(fe, selector.ErrInvalidKey) {
				kind = "key"
			}
			fmt.Printf("%s %q: invalid %s (%d problem)\n", fe.Field, fe.Value, kind, len(fe.Problems))
		}
	}
	fmt.Println(selector.Set{"app": "web"}.Validate())
	// Output:
	// labels "Tier_": invalid key (1 problem)
	// labels[env] "-prod": invalid value (1 problem)
	// <nil>
}

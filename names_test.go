package svcsim_test

import (
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"reflect"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/svcsim/svcsim"
	"github.com/svcsim/svcsim/cluster"
	"github.com/svcsim/svcsim/kubectl"
)

// ownMethods returns the names of the methods the root package declares
// on Cluster, read from its source: reflection cannot tell them from the
// ones promoted from the embedded Sim.
func ownMethods(t *testing.T) []string {
	t.Helper()
	entries, err := os.ReadDir(".")
	require.NoError(t, err)
	var names []string
	fset := token.NewFileSet()
	for _, e := range entries {
		if !strings.HasSuffix(e.Name(), ".go") || strings.HasSuffix(e.Name(), "_test.go") {
			continue
		}
		f, err := parser.ParseFile(fset, e.Name(), nil, parser.SkipObjectResolution)
		require.NoError(t, err)
		for _, d := range f.Decls {
			fd, ok := d.(*ast.FuncDecl)
			if !ok || fd.Recv == nil {
				continue
			}
			recv := fd.Recv.List[0].Type
			if star, ok := recv.(*ast.StarExpr); ok {
				recv = star.X
			}
			if id, ok := recv.(*ast.Ident); ok && id.Name == "Cluster" {
				names = append(names, fd.Name.Name)
			}
		}
	}
	return names
}

// Nothing Cluster declares hides a method of the Sim it embeds: every
// Sim method is reachable on a Cluster with its own signature, and
// Cluster's own methods and fields take names Sim does not use.
func TestClusterHidesNoSimMethod(t *testing.T) {
	sim := reflect.TypeFor[*cluster.Sim]()
	c := reflect.TypeFor[*svcsim.Cluster]()
	for i := range sim.NumMethod() {
		m := sim.Method(i)
		t.Run(m.Name, func(t *testing.T) {
			got, ok := c.MethodByName(m.Name)
			require.True(t, ok, "Cluster hides Sim.%s", m.Name)
			// Drop the receivers, which differ, and compare the rest.
			assert.Equal(t, signature(m.Type), signature(got.Type), "Cluster.%s is not Sim's", m.Name)
		})
	}
	own := ownMethods(t)
	require.Contains(t, own, "Fetch", "the source scan finds Cluster's methods")
	for _, name := range own {
		_, clash := sim.MethodByName(name)
		assert.False(t, clash, "Cluster.%s hides Sim.%s", name, name)
	}
	for i := range c.Elem().NumField() {
		f := c.Elem().Field(i)
		if f.Anonymous {
			continue
		}
		_, clash := sim.MethodByName(f.Name)
		assert.False(t, clash, "the field Cluster.%s hides Sim.%s", f.Name, f.Name)
	}
}

// signature is a method's parameter and result types, receiver left out.
func signature(fn reflect.Type) []reflect.Type {
	var out []reflect.Type
	for i := 1; i < fn.NumIn(); i++ {
		out = append(out, fn.In(i))
	}
	out = append(out, nil) // between parameters and results
	for i := range fn.NumOut() {
		out = append(out, fn.Out(i))
	}
	if fn.IsVariadic() {
		out = append(out, reflect.TypeFor[[]any]())
	}
	return out
}

// Get is the Sim's again (reading an object); a pod's wget is Fetch.
func TestClusterGetIsTheSimsAndFetchIsWget(t *testing.T) {
	c, err := svcsim.New(svcsim.Config{Seed: 1})
	require.NoError(t, err)
	k := c.Kubectl("")
	_, err = k.Run("web", kubectl.RunOptions{Image: "nginx", Labels: map[string]string{"app": "web"}, Port: 80})
	require.NoError(t, err)
	require.NoError(t, c.Settle())
	o, ok := c.Get(cluster.KindPod, "default", "web")
	require.True(t, ok)
	ip := o.(*cluster.Pod).Status.PodIP
	require.NotEmpty(t, ip)
	r, err := c.Fetch("web", "http://"+ip+"/")
	require.NoError(t, err)
	assert.Equal(t, 200, r.Status)
	assert.Contains(t, r.Body, "Welcome to nginx!")
}

// The client Cluster.Kubectl gives carries the cluster's network, for
// kubectl exec; one from kubectl.New has none.
func TestClusterKubectlHasTheNetwork(t *testing.T) {
	c, err := svcsim.New(svcsim.Config{Seed: 1})
	require.NoError(t, err)
	field := func(k *kubectl.Client, name string) uintptr {
		f := reflect.ValueOf(k).Elem().FieldByName(name)
		require.True(t, f.IsValid(), "kubectl.Client has no field %s", name)
		return f.Pointer()
	}
	k := c.Kubectl("")
	assert.Equal(t, "default", k.Namespace())
	assert.Equal(t, reflect.ValueOf(c.Proxies).Pointer(), field(k, "proxies"))
	assert.Equal(t, reflect.ValueOf(c.DNS).Pointer(), field(k, "dns"))
	plain := kubectl.New(c.Sim, "")
	assert.Zero(t, field(plain, "proxies"))
	assert.Zero(t, field(plain, "dns"))
}

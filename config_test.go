package svcsim

import (
	"reflect"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/svcsim/svcsim/cluster"
	"github.com/svcsim/svcsim/selector"
)

// Config repeats cluster.Config's fields so that Config{Seed: 1} compiles;
// this keeps the two from drifting when cluster.Config gains a field.
func TestConfigHasEveryClusterField(t *testing.T) {
	ours := reflect.TypeFor[Config]()
	theirs := reflect.TypeFor[cluster.Config]()
	for i := range theirs.NumField() {
		f := theirs.Field(i)
		t.Run(f.Name, func(t *testing.T) {
			g, ok := ours.FieldByName(f.Name)
			require.True(t, ok, "svcsim.Config lacks cluster.Config's %s", f.Name)
			assert.Equal(t, f.Type, g.Type, "svcsim.Config.%s has another type than cluster.Config's", f.Name)
			assert.Len(t, g.Index, 1, "svcsim.Config.%s must be a field of its own, not promoted", f.Name)
		})
	}
}

// fill sets v, and what it holds, to values other than the zero value:
// what a forgotten field in a conversion would lose. Interfaces are left
// alone, as nothing generic can make one; a func gets one that returns
// zero values.
func fill(v reflect.Value) {
	switch v.Kind() {
	case reflect.Bool:
		v.SetBool(true)
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		v.SetInt(7)
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		v.SetUint(7)
	case reflect.String:
		v.SetString("x")
	case reflect.Slice:
		v.Set(reflect.MakeSlice(v.Type(), 1, 1))
		fill(v.Index(0))
	case reflect.Pointer:
		v.Set(reflect.New(v.Type().Elem()))
		fill(v.Elem())
	case reflect.Func:
		v.Set(reflect.MakeFunc(v.Type(), func([]reflect.Value) []reflect.Value {
			out := make([]reflect.Value, v.Type().NumOut())
			for i := range out {
				out[i] = reflect.Zero(v.Type().Out(i))
			}
			return out
		}))
	case reflect.Struct:
		for i := range v.NumField() {
			if v.Type().Field(i).IsExported() {
				fill(v.Field(i))
			}
		}
	}
}

// The conversion to cluster.Config carries every one of its fields.
func TestConfigConvertsEveryClusterField(t *testing.T) {
	var cfg Config
	fill(reflect.ValueOf(&cfg).Elem())
	got := reflect.ValueOf(cfg.cluster())
	ours := reflect.ValueOf(cfg)
	for i := range got.NumField() {
		name := got.Type().Field(i).Name
		t.Run(name, func(t *testing.T) {
			want := ours.FieldByName(name)
			require.True(t, want.IsValid(), "svcsim.Config lacks %s", name)
			require.False(t, got.Field(i).IsZero(), "the test gave %s no value", name)
			if want.Kind() == reflect.Func {
				assert.Equal(t, want.Pointer(), got.Field(i).Pointer(), "%s is another func", name)
				return
			}
			assert.Equal(t, want.Interface(), got.Field(i).Interface())
		})
	}
}

// The newcomer's first line works, and its fields reach the cluster.
func TestConfigSeedAndNodes(t *testing.T) {
	c, err := New(Config{Seed: 1, Nodes: 2, Zones: []string{"a", "b"}})
	require.NoError(t, err)
	got := c.Config()
	assert.Equal(t, uint64(1), got.Seed)
	assert.Equal(t, 2, got.Nodes)
	assert.Equal(t, []string{"a", "b"}, got.Zones)
	assert.Len(t, cluster.ListAs[*cluster.Node](c.Sim, "", selector.Everything()), 2)
}

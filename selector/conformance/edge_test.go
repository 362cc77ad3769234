package conformance

import (
	"strings"
	"testing"

	"github.com/svcsim/svcsim/selector"
)

// edgeStrings are hand-picked inputs around every corner of the grammar and
// the label rules; each is compared with apimachinery on the same label sets.
var edgeStrings = []string{
	"", " ", "\t\r\n", "a", "!a", "a,b", "a,!b", "!a,!b", "a=b", "a==b", "a!=b", "a = b", " a=b ",
	"a=", "a==", "a!=", "a=,b", "a in ()", "a in (,)", "a in (x,,y)", "a in (,x)", "a in (x,)",
	"a notin ()", "a notin (x,x,y)", "a in (z,y,x)", "in=in", "in in (in)", "notin notin (notin)",
	"a in (in,notin)", "x in (foo,,baz),y,z notin ()", "a>1", "a<1", "a>01", "a>-1", "a<-1", "a>x",
	"a>", "a<", "a>=1", "a<=1", "a gt 1", "a lt 1", "a>9223372036854775807", "a>9223372036854775808",
	"a=b c", "a=b=c", "!a=b", "!a in (x)", "a=b,", ",a=b", "a=b,,c", "a (x)", "a!b", "a in x",
	"a in (x y)", "a in (x", "a in x)", "a in ((x))", "a=(x)", "a=-1", "a=_", "a=a_", "a=a-",
	"a=" + strings.Repeat("x", 63), "a=" + strings.Repeat("x", 64), strings.Repeat("k", 63), strings.Repeat("k", 64),
	"example.com/a=b", "Example.com/a=b", "/a", "a/", "a/b/c=d", "-a=b", "a-=b", "a.b=c", "A_B.c-D=E",
	"k8s.io/app", "app.kubernetes.io/name=web", strings.Repeat("p", 253) + "/a", strings.Repeat("p", 254) + "/a",
	"a.-b/c", "a-.b/c", "a..b/c", ".a/b", "a=b\x00", "a\x00", "a \x00garbage", "!\x00a", "a\x00=b", "\x00",
	"a\x00b", "a=\x00b", "a in (\x00x)", "a,\x00", "a=b,a=c", "a=c,a=b", "b=1,a=2,b=0,a=1",
	"z,y,x,w,v,u,t,s,r,q,p,o,n,m", "a=1,a=2,a=3,a=4,a=5,a=6,a=7,a=8,a=9,a=10,a=11,a=12,a=13,a=14",
	"!!a", "! a", "!a!", "a!=!", "a===b", "a!==b", "a=!b", "a==(b)", "a,", "(", ")", ",", "=", "!",
	"é=b", "a=é", "a=b\xff", "a in (b\xff)", "a\tin\t(b)", "a\nnotin\n(b)", "a in(b)", "a notin(b)",
	"ain (b)", "a in(b,c),d", "a in (b),in", "a=b,in", "in", "notin", "in in ()", "a in () ,b",
}

func TestEdgeCases(t *testing.T) {
	sets := []selector.Set{
		nil, {}, {"a": ""}, {"a": "b"}, {"a": "x"}, {"a": "1"}, {"a": "2"}, {"a": "0"}, {"a": "-3"}, {"a": "+5"},
		{"a": "b", "b": "1"}, {"in": "in"}, {"notin": "notin"}, {"x": "foo", "y": ""}, {"x": "", "y": "", "z": ""},
		{"example.com/a": "b"}, {"a": "c"}, {"b": "0", "a": "1"}, {"a.b": "c"}, {"canary": "true"},
	}
	for _, s := range edgeStrings {
		if err := compareParse(s, sets); err != nil {
			t.Error(err)
		}
	}
}

func TestEdgeLabelSelectors(t *testing.T) {
	sets := []selector.Set{nil, {"app": "web"}, {"app": "db", "tier": "x"}, {"tier": "x"}}
	for _, ls := range []*selector.LabelSelector{
		nil,
		{},
		{MatchLabels: selector.Set{}},
		{MatchLabels: selector.Set{"app": "web"}},
		{MatchLabels: selector.Set{"app": "web"}, MatchExpressions: []selector.Expression{{Key: "app", Operator: selector.OpIn, Values: []string{"web", "db", "web"}}}},
		{MatchExpressions: []selector.Expression{{Key: "tier", Operator: selector.OpExists}}},
		{MatchExpressions: []selector.Expression{{Key: "tier", Operator: selector.OpDoesNotExist}}},
		{MatchExpressions: []selector.Expression{{Key: "tier", Operator: selector.OpNotIn, Values: []string{"x"}}}},
		{MatchExpressions: []selector.Expression{{Key: "tier", Operator: selector.OpIn}}},
		{MatchExpressions: []selector.Expression{{Key: "tier", Operator: selector.OpExists, Values: []string{"x"}}}},
		{MatchExpressions: []selector.Expression{{Key: "tier", Operator: "Gt", Values: []string{"1"}}}},
		{MatchExpressions: []selector.Expression{{Key: "tier", Operator: "in", Values: []string{"x"}}}},
		{MatchExpressions: []selector.Expression{{Key: "bad key", Operator: selector.OpExists}}},
		{MatchExpressions: []selector.Expression{{Key: "tier", Operator: selector.OpIn, Values: []string{"-x"}}}},
		{MatchLabels: selector.Set{"app": "bad value"}},
		{MatchLabels: selector.Set{"": "x"}},
		{MatchExpressions: []selector.Expression{{Key: "tier", Operator: selector.OpIn, Values: []string{""}}}},
	} {
		if err := compareLabelSelector(ls, sets); err != nil {
			t.Error(err)
		}
	}
}

package selector

import (
	"slices"
	"strconv"
	"strings"
)

// Operator relates a requirement's key to its values. The constants carry
// the same strings as Kubernetes' selection.Operator.
type Operator string

// The operators a requirement may use. In the string syntax Equals is "=",
// DoubleEquals "==", NotEquals "!=", In "in", NotIn "notin", Exists a bare
// key, DoesNotExist "!key", GreaterThan ">" and LessThan "<".
const (
	Equals       Operator = "="
	DoubleEquals Operator = "=="
	NotEquals    Operator = "!="
	In           Operator = "in"
	NotIn        Operator = "notin"
	Exists       Operator = "exists"
	DoesNotExist Operator = "!"
	GreaterThan  Operator = "gt"
	LessThan     Operator = "lt"
)

// opcode is the operator as matching sees it: the string operators above
// collapse to a handful of cases a switch can jump on.
type opcode uint8

const (
	opInvalid opcode = iota // the zero Requirement; matches nothing
	opEqual                 // =, ==, and in with a single value
	opIn
	opNotEqual // != and notin with a single value
	opNotIn
	opExists
	opDoesNotExist
	opGreater
	opLess
)

// Requirement is one condition on one label key: a key, an operator, and the
// values the operator compares against. Build one with [NewRequirement] or
// get it from a parsed [Selector]; the zero Requirement is invalid and
// matches nothing. A Requirement is immutable and safe to share.
type Requirement struct {
	key    string
	op     Operator
	values []string // sorted; never mutated after construction
	num    int64    // the integer operand of GreaterThan and LessThan
	kw     word     // the key packed, for lookups in a Frozen set
	vw     word     // the first value packed, for = and != on a Frozen set
	vws    []word   // every value packed, for in and notin on a Frozen set
	code   opcode
}

// NewRequirement builds a requirement after checking it the way the
// apiserver does: the key must be a valid label key, every value a valid
// label value, and the number of values must fit the operator (In and
// NotIn need at least one; Equals, DoubleEquals and NotEquals exactly one;
// Exists and DoesNotExist none; GreaterThan and LessThan exactly one
// integer). On failure it returns the zero Requirement and an [ErrorList]
// naming every problem.
func NewRequirement(key string, op Operator, values ...string) (Requirement, error) {
	errs := checkRequirement(nil, "", key, op, values)
	if len(errs) > 0 {
		return Requirement{}, errs
	}
	return makeRequirement(key, op, slices.Clone(values)), nil
}

// checkRequirement appends to errs every problem with the requirement; path
// prefixes the field names ("" or "matchExpressions[2].").
func checkRequirement(errs ErrorList, path, key string, op Operator, values []string) ErrorList {
	if p := KeyProblems(key); p != nil {
		errs = append(errs, &FieldError{Field: path + "key", Value: key, Problems: p, Err: ErrInvalidKey})
	}
	count := func(msg string) {
		errs = append(errs, &FieldError{Field: path + "values", Value: strings.Join(values, ","), Problems: []string{msg}, Err: ErrInvalidValues})
	}
	switch op {
	case In, NotIn:
		if len(values) == 0 {
			count("for 'in', 'notin' operators, values set can't be empty")
		}
	case Equals, DoubleEquals, NotEquals:
		if len(values) != 1 {
			count("exact-match compatibility requires one single value")
		}
	case Exists, DoesNotExist:
		if len(values) != 0 {
			count("values set must be empty for exists and does not exist")
		}
	case GreaterThan, LessThan:
		if len(values) != 1 {
			count("for 'Gt', 'Lt' operators, exactly one value is required")
		}
		for i, v := range values {
			if _, err := strconv.ParseInt(v, 10, 64); err != nil {
				errs = append(errs, &FieldError{Field: path + "values[" + strconv.Itoa(i) + "]", Value: v,
					Problems: []string{msgNotInteger}, Err: ErrInvalidValues})
			}
		}
	default:
		errs = append(errs, &FieldError{Field: path + "operator", Value: string(op),
			Problems: []string{`supported values: "=", "==", "!=", "in", "notin", "exists", "!", "gt", "lt"`}, Err: ErrInvalidOperator})
	}
	for i, v := range values {
		if p := ValueProblems(v); p != nil {
			errs = append(errs, &FieldError{Field: path + "values[" + strconv.Itoa(i) + "]", Value: v, Problems: p, Err: ErrInvalidValue})
		}
	}
	return errs
}

const msgNotInteger = "for 'Gt', 'Lt' operators, the value must be an integer"

// makeRequirement builds a requirement from parts already checked. It takes
// ownership of values, which it sorts in place.
func makeRequirement(key string, op Operator, values []string) Requirement {
	sortSmall(values)
	r := Requirement{key: key, op: op, values: values, kw: pack(key)}
	if len(values) > 0 {
		r.vw = pack(values[0])
	}
	if len(values) > 1 {
		r.vws = make([]word, len(values))
		for i, v := range values {
			r.vws[i] = pack(v)
		}
	}
	switch op {
	case Equals, DoubleEquals:
		r.code = opEqual
	case In:
		r.code = opIn
		if len(values) == 1 {
			r.code = opEqual
		}
	case NotEquals:
		r.code = opNotEqual
	case NotIn:
		r.code = opNotIn
		if len(values) == 1 {
			r.code = opNotEqual
		}
	case Exists:
		r.code = opExists
	case DoesNotExist:
		r.code = opDoesNotExist
	case GreaterThan, LessThan:
		r.code = opGreater
		if op == LessThan {
			r.code = opLess
		}
		r.num, _ = strconv.ParseInt(values[0], 10, 64)
	}
	return r
}

// sortSmall sorts a short slice of strings in place without allocating;
// requirement value lists are almost always one to a handful of items.
func sortSmall(s []string) {
	if len(s) > 12 {
		slices.Sort(s)
		return
	}
	for i := 1; i < len(s); i++ {
		for j := i; j > 0 && s[j] < s[j-1]; j-- {
			s[j], s[j-1] = s[j-1], s[j]
		}
	}
}

// Key returns the label key the requirement constrains.
func (r Requirement) Key() string { return r.key }

// Operator returns the requirement's operator.
func (r Requirement) Operator() Operator { return r.op }

// Values returns a sorted copy of the requirement's values; nil for Exists
// and DoesNotExist.
func (r Requirement) Values() []string { return slices.Clone(r.values) }

// Equal reports whether r and o have the same key, operator and values.
// Values are compared as a set, as matching treats them: "a in (x,x)",
// which [NewRequirement] accepts and String prints as written, equals
// "a in (x)".
func (r Requirement) Equal(o Requirement) bool {
	return r.key == o.key && r.op == o.op && sameSet(r.values, o.values)
}

// sameSet reports whether two sorted lists hold the same distinct values.
func sameSet(a, b []string) bool {
	i, j := 0, 0
	for i < len(a) && j < len(b) {
		if a[i] != b[j] {
			return false
		}
		for i++; i < len(a) && a[i] == a[i-1]; i++ {
		}
		for j++; j < len(b) && b[j] == b[j-1]; j++ {
		}
	}
	return i == len(a) && j == len(b)
}

// Matches reports whether the label set satisfies the requirement. A key
// that is absent satisfies NotEquals, NotIn and DoesNotExist and nothing
// else; GreaterThan and LessThan need the label's value to be an integer.
// A nil ls is an empty set.
func (r Requirement) Matches(ls Labels) bool {
	var v string
	var ok bool
	switch ls := ls.(type) {
	case *Frozen:
		if ls == nil {
			return r.match("", false)
		}
		return r.matchFrozenAt(ls, ls.index(r.key, r.kw))
	case nil:
	default:
		v, ok = ls.Lookup(r.key)
	}
	return r.match(v, ok)
}

// match decides the requirement for a label value v that is present if ok.
func (r *Requirement) match(v string, ok bool) bool {
	switch r.code {
	case opEqual:
		return ok && v == r.values[0]
	case opIn:
		return ok && r.has(v)
	case opNotEqual:
		return !ok || v != r.values[0]
	case opNotIn:
		return !ok || !r.has(v)
	case opExists:
		return ok
	case opDoesNotExist:
		return !ok
	case opGreater, opLess:
		if !ok {
			return false
		}
		n, err := strconv.ParseInt(v, 10, 64)
		if err != nil {
			return false
		}
		if r.code == opGreater {
			return n > r.num
		}
		return n < r.num
	}
	return false
}

// hasAt reports whether the value at index i of f is one of r's values.
func (r *Requirement) hasAt(f *Frozen, i int) bool {
	w := f.packed[i].value
	for k, x := range r.vws {
		if x == w && (!w.long() || r.values[k] == f.kv[2*i+1]) {
			return true
		}
	}
	return false
}

func (r *Requirement) has(v string) bool {
	for _, x := range r.values {
		if x == v {
			return true
		}
	}
	return false
}

// String renders the requirement in the selector syntax, exactly as
// Kubernetes prints it: "k=v", "k==v", "k!=v", "k in (a,b)", "k notin (a)",
// "k", "!k", "k>1", "k<1".
func (r Requirement) String() string {
	var b strings.Builder
	r.appendTo(&b)
	return b.String()
}

func (r *Requirement) appendTo(b *strings.Builder) {
	if r.op == DoesNotExist {
		b.WriteByte('!')
	}
	b.WriteString(r.key)
	switch r.op {
	case Equals, DoubleEquals, NotEquals:
		b.WriteString(string(r.op))
	case GreaterThan:
		b.WriteByte('>')
	case LessThan:
		b.WriteByte('<')
	case In, NotIn:
		b.WriteByte(' ')
		b.WriteString(string(r.op))
		b.WriteString(" (")
		for i, v := range r.values {
			if i > 0 {
				b.WriteByte(',')
			}
			b.WriteString(v)
		}
		b.WriteByte(')')
		return
	default:
		return
	}
	if len(r.values) > 0 {
		b.WriteString(r.values[0])
	}
}

// size is an upper bound on the length of String's result.
func (r *Requirement) size() int {
	n := len(r.key) + len(r.op) + 4
	for _, v := range r.values {
		n += len(v) + 1
	}
	return n
}

// matchFrozenAt decides the requirement on a Frozen set whose label r.key
// is at index i (or absent, i < 0), using only the packed words, the
// pre-parsed integers and, for strings over 15 bytes, a real comparison: no
// hashing and, usually, no call.
func (r *Requirement) matchFrozenAt(f *Frozen, i int) bool {
	switch r.code {
	case opEqual:
		return i >= 0 && f.valueIs(i, r.values[0], r.vw)
	case opNotEqual:
		return i < 0 || !f.valueIs(i, r.values[0], r.vw)
	case opIn:
		return i >= 0 && r.hasAt(f, i)
	case opNotIn:
		return i < 0 || !r.hasAt(f, i)
	case opExists:
		return i >= 0
	case opDoesNotExist:
		return i < 0
	case opGreater:
		return i >= 0 && f.packed[i].isNum && f.packed[i].num > r.num
	case opLess:
		return i >= 0 && f.packed[i].isNum && f.packed[i].num < r.num
	}
	return false
}

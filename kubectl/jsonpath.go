package kubectl

import (
	"errors"
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// This file is kubectl's JSONPath dialect (`-o jsonpath=...`): the template
// language of k8s.io/client-go/util/jsonpath, with its grammar, its quirks
// and its error texts, over the unstructured map [Unstructured] returns.
//
// A template is text with actions in braces: {.metadata.name},
// {.items[*].spec.containers[0].image}, {range .items[*]}...{end},
// {.items[?(@.status.phase=="Running")].metadata.name}, {"\n"}.

// jpKind says what a parsed JSONPath node is.
type jpKind int

const (
	jpText      jpKind = iota // literal text, outside actions or quoted inside one
	jpList                    // a sequence applied in turn: an action, a filter's side
	jpField                   // .name: a map key
	jpWildcard                // .*: every value of a map or element of a list
	jpArray                   // [i], [i:j], [i:j:k], [*]
	jpFilter                  // [?(@.a=="b")] or [?(@.a)]
	jpInt                     // a number literal
	jpFloat                   // a number literal with a fraction
	jpBool                    // true, false
	jpRecursive               // ..: the value and everything below it
	jpUnion                   // [a,b]: the results of each alternative
	jpIdent                   // range, end, or an unknown word
)

// jpParam is one bound of a slice: its value, whether the template gave it,
// and whether it was derived (the end of a single index, [i] being [i:i+1]).
type jpParam struct {
	value   int
	known   bool
	derived bool
}

// jpNode is one node of a parsed template.
type jpNode struct {
	kind   jpKind
	text   string // jpText's text, jpField's key, jpIdent's word
	num    int
	float  float64
	truth  bool
	params [3]jpParam // jpArray: start, end, step
	nodes  []*jpNode  // jpList's sequence
	alts   []*jpNode  // jpUnion's alternatives, each a jpList
	left   *jpNode    // jpFilter's left side (a jpList)
	right  *jpNode    // jpFilter's right side (a jpList; empty for "exists")
	op     string     // jpFilter's operator, or "exists"
}

// jsonPath is a parsed template.
type jsonPath struct {
	root *jpNode
}

var (
	jpDictKey   = regexp.MustCompile(`^'([^']*)'$`)
	jpSlice     = regexp.MustCompile(`^(-?[\d]*)(:-?[\d]*)?(:-?[\d]*)?$`)
	jpCondition = regexp.MustCompile(`^([^!<>=]+)([!<>=]+)(.+?)$`)
)

// parseJSONPath parses a template as kubectl does, failing with kubectl's
// texts ("unclosed action", "unrecognized character in action: U+0021 '!'").
func parseJSONPath(text string) (*jsonPath, error) {
	p := &jpParser{input: text, root: &jpNode{kind: jpList}}
	if err := p.text(); err != nil {
		return nil, err
	}
	return &jsonPath{root: p.root}, nil
}

// jpParser scans a template: pos is the next byte to read, start the first
// byte of the token being read, width the size of the last rune read.
type jpParser struct {
	input             string
	root              *jpNode
	pos, start, width int
}

// jpEOF is what next returns at the end of the input.
const jpEOF = -1

func (p *jpParser) next() rune {
	if p.pos >= len(p.input) {
		p.width = 0
		return jpEOF
	}
	r, w := utf8.DecodeRuneInString(p.input[p.pos:])
	p.width = w
	p.pos += w
	return r
}

func (p *jpParser) backup() { p.pos -= p.width }

func (p *jpParser) peek() rune {
	r := p.next()
	p.backup()
	return r
}

// take returns the token read since the last take.
func (p *jpParser) take() string {
	s := p.input[p.start:p.pos]
	p.start = p.pos
	return s
}

// text reads literal text up to the next action, which it then reads. The
// text after an action is always added to the root: actions do not nest.
func (p *jpParser) text() error {
	for {
		if strings.HasPrefix(p.input[p.pos:], "{") {
			if p.pos > p.start {
				p.root.nodes = append(p.root.nodes, &jpNode{kind: jpText, text: p.take()})
			}
			p.pos++
			p.take()
			action := &jpNode{kind: jpList}
			p.root.nodes = append(p.root.nodes, action)
			return p.action(action)
		}
		if p.next() == jpEOF {
			break
		}
	}
	if p.pos > p.start {
		p.root.nodes = append(p.root.nodes, &jpNode{kind: jpText, text: p.take()})
	}
	return nil
}

// action reads the inside of an action, one token at a time, into cur.
func (p *jpParser) action(cur *jpNode) error {
	for {
		rest := p.input[p.pos:]
		switch {
		case strings.HasPrefix(rest, "}"):
			p.pos++
			p.take()
			return p.text()
		case strings.HasPrefix(rest, "[?("):
			if err := p.filter(cur); err != nil {
				return err
			}
			continue
		case strings.HasPrefix(rest, ".."):
			if n := len(cur.nodes); n > 0 && cur.nodes[n-1].kind == jpRecursive {
				return errors.New("invalid multiple recursive descent")
			}
			p.pos += 2
			p.take()
			cur.nodes = append(cur.nodes, &jpNode{kind: jpRecursive})
			if jpAlphaNumeric(p.peek()) {
				p.field(cur)
			}
			continue
		}
		var err error
		switch r := p.next(); {
		case r == jpEOF || r == '\r' || r == '\n':
			return errors.New("unclosed action")
		case r == ' ', r == '@', r == '$':
			p.take() // '@' and '$' stand for the current value: nothing to do
		case r == '[':
			err = p.array(cur)
		case r == '"' || r == '\'':
			err = p.quote(cur, r)
		case r == '.':
			p.field(cur)
		case r == '+' || r == '-' || unicode.IsDigit(r):
			p.backup()
			err = p.number(cur)
		case jpAlphaNumeric(r):
			p.backup()
			p.identifier(cur)
		default:
			return fmt.Errorf("unrecognized character in action: %#U", r)
		}
		if err != nil {
			return err
		}
	}
}

// identifier reads a word: true and false are booleans, anything else an
// identifier that only range and end give a meaning to.
func (p *jpParser) identifier(cur *jpNode) {
	for !jpTerminator(p.next()) {
	}
	p.backup()
	word := p.take()
	if word == "true" || word == "false" {
		cur.nodes = append(cur.nodes, &jpNode{kind: jpBool, truth: word == "true"})
		return
	}
	cur.nodes = append(cur.nodes, &jpNode{kind: jpIdent, text: word})
}

// number reads a signed integer, or a float if it has a point.
func (p *jpParser) number(cur *jpNode) error {
	if r := p.peek(); r == '+' || r == '-' {
		p.next()
	}
	for {
		if r := p.next(); r != '.' && !unicode.IsDigit(r) {
			p.backup()
			break
		}
	}
	s := p.take()
	if i, err := strconv.Atoi(s); err == nil {
		cur.nodes = append(cur.nodes, &jpNode{kind: jpInt, num: i})
		return nil
	}
	if f, err := strconv.ParseFloat(s, 64); err == nil {
		cur.nodes = append(cur.nodes, &jpNode{kind: jpFloat, float: f})
		return nil
	}
	return fmt.Errorf("cannot parse number %s", s)
}

// field reads a key after '.', up to an unescaped terminator; a backslash
// escapes the next character (kubernetes\.io/name) and is dropped.
func (p *jpParser) field(cur *jpNode) {
	p.take()
	for {
		r := p.next()
		if r == '\\' {
			p.next()
			continue
		}
		if jpTerminator(r) {
			p.backup()
			break
		}
	}
	key := p.take()
	if key == "*" {
		cur.nodes = append(cur.nodes, &jpNode{kind: jpWildcard})
		return
	}
	cur.nodes = append(cur.nodes, &jpNode{kind: jpField, text: strings.ReplaceAll(key, `\`, "")})
}

// array reads what follows '[' up to ']': a union of alternatives split at
// commas, a quoted key ['name'], or an index or slice.
func (p *jpParser) array(cur *jpNode) error {
	for done := false; !done; {
		switch p.next() {
		case jpEOF, '\n':
			return errors.New("unterminated array")
		case ']':
			done = true
		}
	}
	text := p.take()
	text = text[1 : len(text)-1]
	if text == "*" {
		text = ":"
	}
	if parts := strings.Split(text, ","); len(parts) > 1 {
		union := &jpNode{kind: jpUnion}
		for _, part := range parts {
			alt, err := parseJSONPathAction("[" + strings.Trim(part, " ") + "]")
			if err != nil {
				return err
			}
			union.alts = append(union.alts, alt)
		}
		cur.nodes = append(cur.nodes, union)
		return nil
	}
	if m := jpDictKey.FindStringSubmatch(text); m != nil {
		// kubectl reads a quoted key as a field path, so a key with a dot
		// in it needs the dot escaped even inside quotes.
		keys, err := parseJSONPathAction("." + m[1])
		if err != nil {
			return err
		}
		cur.nodes = append(cur.nodes, keys.nodes...)
		return nil
	}
	m := jpSlice.FindStringSubmatch(text)
	if m == nil {
		return fmt.Errorf("invalid array index %s", text)
	}
	var params [3]jpParam
	for i, s := range m[1:] {
		switch {
		case s == "" && i == 1:
			// [i] is [i:i+1], with the end marked derived so that [-1]
			// still reaches the last element.
			params[1] = jpParam{value: params[0].value + 1, known: true, derived: true}
		case s == "":
		case i > 0 && s == ":":
		default:
			if i > 0 {
				s = s[1:]
			}
			n, err := strconv.Atoi(s)
			if err != nil {
				return fmt.Errorf("array index %s is not a number", s)
			}
			params[i] = jpParam{value: n, known: true}
		}
	}
	cur.nodes = append(cur.nodes, &jpNode{kind: jpArray, params: params})
	return nil
}

// filter reads [?(left op right)] or [?(path)], which keeps the elements
// the path finds something in.
func (p *jpParser) filter(cur *jpNode) error {
	p.pos += len("[?(")
	p.take()
	opened, closed := false, false
	var pair rune
	for done := false; !done; {
		switch r := p.next(); r {
		case jpEOF, '\n':
			return errors.New("unterminated filter")
		case '"', '\'':
			if !opened {
				opened, pair = true, r
				continue
			}
			if p.input[p.pos-2] != '\\' && r == pair {
				closed = true
			}
		case ')':
			// A quoted operand may hold a parenthesis; outside quotes
			// the first one closes the filter.
			done = opened == closed
		}
	}
	if p.next() != ']' {
		return errors.New("unclosed array expect ]")
	}
	text := p.take()
	text = text[:len(text)-2]
	m := jpCondition.FindStringSubmatch(text)
	if m == nil {
		left, err := parseJSONPathAction(text)
		if err != nil {
			return err
		}
		cur.nodes = append(cur.nodes, &jpNode{kind: jpFilter, left: left, right: &jpNode{kind: jpList}, op: "exists"})
		return nil
	}
	left, err := parseJSONPathAction(m[1])
	if err != nil {
		return err
	}
	right, err := parseJSONPathAction(m[3])
	if err != nil {
		return err
	}
	cur.nodes = append(cur.nodes, &jpNode{kind: jpFilter, left: left, right: right, op: m[2]})
	return nil
}

// quote reads a quoted string inside an action into a text node.
func (p *jpParser) quote(cur *jpNode, end rune) error {
	for done := false; !done; {
		switch p.next() {
		case jpEOF, '\n':
			return errors.New("unterminated quoted string")
		case end:
			done = p.input[p.pos-2] != '\\'
		}
	}
	raw := p.take()
	s, err := jpUnquote(raw)
	if err != nil {
		return fmt.Errorf("unquote string %s error %v", raw, err)
	}
	cur.nodes = append(cur.nodes, &jpNode{kind: jpText, text: s})
	return nil
}

// parseJSONPathAction parses text as the inside of one action, for the
// parts of unions, quoted keys and filters.
func parseJSONPathAction(text string) (*jpNode, error) {
	jp, err := parseJSONPath("{" + text + "}")
	if err != nil {
		return nil, err
	}
	return jp.root.nodes[0], nil
}

// jpUnquote is strconv.Unquote that also takes single-quoted strings of
// any length, as kubectl's templates allow.
func jpUnquote(s string) (string, error) {
	n := len(s)
	if n < 2 || s[0] != s[n-1] || (s[0] != '"' && s[0] != '\'') {
		return "", strconv.ErrSyntax
	}
	q := s[0]
	s = s[1 : n-1]
	if !strings.ContainsRune(s, '\\') && !strings.ContainsRune(s, rune(q)) {
		return s, nil
	}
	var b []byte
	for len(s) > 0 {
		c, multibyte, rest, err := strconv.UnquoteChar(s, q)
		if err != nil {
			return "", err
		}
		s = rest
		if c < utf8.RuneSelf || !multibyte {
			b = append(b, byte(c))
		} else {
			b = utf8.AppendRune(b, c)
		}
	}
	return string(b), nil
}

// jpTerminator reports whether r ends a field or a word.
func jpTerminator(r rune) bool {
	switch r {
	case jpEOF, ' ', '\t', '\r', '\n', '.', ',', '[', ']', '$', '@', '{', '}':
		return true
	}
	return false
}

func jpAlphaNumeric(r rune) bool { return r == '_' || unicode.IsLetter(r) || unicode.IsDigit(r) }

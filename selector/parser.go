package selector

import (
	"strconv"
	"strings"
)

// Parse reads a selector in the syntax of kubectl's -l flag and returns it
// in canonical order. The grammar is Kubernetes':
//
//	selector    = [ requirement { "," requirement } ]
//	requirement = "!" key                          (DoesNotExist)
//	            | key                              (Exists)
//	            | key ( "=" | "==" | "!=" ) [value] (a missing value means "")
//	            | key ( ">" | "<" ) integer
//	            | key ( "in" | "notin" ) "(" [ value { "," [value] } ] ")"
//
// Whitespace separates tokens and is otherwise ignored. "in" and "notin"
// are operators only where an operator is expected, so "in=in" is a valid
// requirement. Set values may be empty ("()" and "(,x)" hold ""), and are
// deduplicated and sorted. Keys and values are validated as labels; the
// operands of > and < must also be decimal integers, so negative numbers
// cannot be written. Several requirements on one key are all kept.
//
// An empty or blank string parses to [Everything]. On any problem Parse
// returns a zero Selector and a [*ParseError] locating it.
func Parse(s string) (Selector, error) {
	p := parser{lex: lexer{s: s}}
	p.advance()
	reqs, err := p.parse()
	if err != nil {
		return Selector{}, err
	}
	sortByKey(reqs)
	return Selector{reqs: reqs}, nil
}

// parser is a recursive-descent parser over a one-token lookahead.
type parser struct {
	lex lexer
	tok token // the current, not yet consumed, token
	// vals is a shared backing array for every requirement's values;
	// each requirement keeps a capacity-limited window of it.
	vals []string
}

func (p *parser) advance() { p.tok = p.lex.next() }

// syntax builds the error for an unexpected current token.
func (p *parser) syntax(t token, expected string) error {
	return &ParseError{Input: p.lex.s, Offset: t.pos, Found: t.text, Expected: expected, Err: ErrSyntax}
}

// invalid builds the error for a well-placed token whose content breaks a rule.
func (p *parser) invalid(t token, fe *FieldError) error {
	return &ParseError{Input: p.lex.s, Offset: t.pos, Found: t.text, Err: ErrorList{fe}}
}

func (p *parser) parse() ([]Requirement, error) {
	switch p.tok.kind {
	case tokEnd:
		return nil, nil
	case tokIdent, tokNot:
	default:
		return nil, p.syntax(p.tok, "'!', a label key, or end of input")
	}
	reqs := make([]Requirement, 0, 1+strings.Count(p.lex.s, ","))
	p.vals = make([]string, 0, cap(reqs))
	for {
		r, err := p.requirement()
		if err != nil {
			return nil, err
		}
		reqs = append(reqs, r)
		switch p.tok.kind {
		case tokEnd:
			return reqs, nil
		case tokComma:
			p.advance()
			if p.tok.kind != tokIdent && p.tok.kind != tokNot {
				return nil, p.syntax(p.tok, "'!' or a label key after ','")
			}
		default:
			return nil, p.syntax(p.tok, "',' or end of input")
		}
	}
}

func (p *parser) requirement() (Requirement, error) {
	negated := p.tok.kind == tokNot
	if negated {
		p.advance()
	}
	keyTok := p.tok
	if keyTok.kind != tokIdent {
		return Requirement{}, p.syntax(keyTok, "a label key")
	}
	if problems := KeyProblems(keyTok.text); problems != nil {
		return Requirement{}, p.invalid(keyTok, &FieldError{Field: "key", Value: keyTok.text, Problems: problems, Err: ErrInvalidKey})
	}
	key := keyTok.text
	p.advance()
	if negated {
		// "!key" takes no operator; whatever follows must end the requirement.
		return makeRequirement(key, DoesNotExist, nil), nil
	}
	if p.tok.kind == tokEnd || p.tok.kind == tokComma {
		return makeRequirement(key, Exists, nil), nil
	}
	var op Operator
	switch opTok := p.tok; {
	case opTok.kind == tokIdent && opTok.text == "in":
		op = In
	case opTok.kind == tokIdent && opTok.text == "notin":
		op = NotIn
	case opTok.kind == tokEq:
		op = Equals
	case opTok.kind == tokEqEq:
		op = DoubleEquals
	case opTok.kind == tokNotEq:
		op = NotEquals
	case opTok.kind == tokGreater:
		op = GreaterThan
	case opTok.kind == tokLess:
		op = LessThan
	default:
		return Requirement{}, p.syntax(opTok, "one of in, notin, =, ==, !=, >, <")
	}
	p.advance()
	start := len(p.vals)
	var err error
	if op == In || op == NotIn {
		err = p.valueSet()
	} else {
		err = p.exactValue(op)
	}
	if err != nil {
		return Requirement{}, err
	}
	values := p.vals[start:len(p.vals):len(p.vals)]
	if op == In || op == NotIn {
		values = dedupSorted(values)
	}
	return makeRequirement(key, op, values), nil
}

// value records one value token after checking it is a valid label value.
func (p *parser) value(t token, text string) error {
	if problems := ValueProblems(text); problems != nil {
		return p.invalid(t, &FieldError{Field: "values[0]", Value: text, Problems: problems, Err: ErrInvalidValue})
	}
	p.vals = append(p.vals, text)
	return nil
}

// exactValue reads the single, possibly empty, operand of =, ==, !=, > or <.
func (p *parser) exactValue(op Operator) error {
	t := p.tok
	text := ""
	switch t.kind {
	case tokEnd, tokComma:
	case tokIdent:
		text = t.text
		p.advance()
	default:
		return p.syntax(t, "a label value")
	}
	if err := p.value(t, text); err != nil {
		return err
	}
	if op == GreaterThan || op == LessThan {
		if _, err := strconv.ParseInt(text, 10, 64); err != nil {
			return p.invalid(t, &FieldError{Field: "values[0]", Value: text, Problems: []string{msgNotInteger}, Err: ErrInvalidValues})
		}
	}
	return nil
}

// valueSet reads "(" values ")". Empty items stand for the empty value, so
// "()", "(,)" and "(,x)" all contain "".
func (p *parser) valueSet() error {
	if p.tok.kind != tokOpen {
		return p.syntax(p.tok, "'('")
	}
	p.advance()
	switch p.tok.kind {
	case tokClose:
		p.advance()
		p.vals = append(p.vals, "")
		return nil
	case tokIdent, tokComma:
	default:
		return p.syntax(p.tok, "a label value, ',' or ')'")
	}
	start := len(p.vals)
	for {
		t := p.tok
		p.advance()
		switch t.kind {
		case tokIdent:
			if err := p.value(t, t.text); err != nil {
				return err
			}
			switch p.tok.kind {
			case tokComma:
			case tokClose:
				p.advance()
				return nil
			default:
				return p.syntax(p.tok, "',' or ')'")
			}
		case tokComma:
			// An empty item before this comma, or after it when the list
			// ends or another comma follows.
			if len(p.vals) == start || p.tok.kind == tokClose || p.tok.kind == tokComma {
				p.vals = append(p.vals, "")
			}
			if p.tok.kind == tokClose {
				p.advance()
				return nil
			}
		default:
			return p.syntax(t, "a label value or ','")
		}
	}
}

// dedupSorted sorts values in place and removes repeats, as Kubernetes'
// parser does by collecting them into a set.
func dedupSorted(values []string) []string {
	sortSmall(values)
	out := values[:0]
	for i, v := range values {
		if i == 0 || v != values[i-1] {
			out = append(out, v)
		}
	}
	return out[:len(out):len(out)]
}

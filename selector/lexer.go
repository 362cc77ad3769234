package selector

// tokenKind is the class of a lexical token in the selector syntax.
type tokenKind uint8

const (
	tokEnd     tokenKind = iota // end of input
	tokIdent                    // a run of other bytes: a key, a value, or the words in/notin
	tokNot                      // !
	tokEq                       // =
	tokEqEq                     // ==
	tokNotEq                    // !=
	tokGreater                  // >
	tokLess                     // <
	tokOpen                     // (
	tokClose                    // )
	tokComma                    // ,
)

// token is one lexeme: its kind, its text (a slice of the input) and where
// it starts.
type token struct {
	kind tokenKind
	text string
	pos  int
}

// lexer splits a selector string into tokens, one at a time.
//
// It reproduces Kubernetes' lexer exactly, including how it treats a NUL
// byte, which its reader also uses to mean "end of input": a NUL where a
// token would start ends the input there, and a NUL right after a token ends
// that token and is skipped. Nothing else in the grammar depends on this,
// but an input accepted by one and rejected by the other would be a
// difference a user could see.
type lexer struct {
	s   string
	pos int
}

func isSpace(c byte) bool { return c == ' ' || c == '\t' || c == '\r' || c == '\n' }

func isSymbol(c byte) bool {
	switch c {
	case '=', '!', '(', ')', ',', '>', '<':
		return true
	}
	return false
}

// next returns the next token and advances past it.
func (l *lexer) next() token {
	for l.pos < len(l.s) && isSpace(l.s[l.pos]) {
		l.pos++
	}
	start := l.pos
	if start >= len(l.s) || l.s[start] == 0 {
		l.pos = len(l.s)
		return token{kind: tokEnd, pos: start}
	}
	kind := tokIdent
	switch c := l.s[start]; c {
	case '!', '=':
		kind, l.pos = tokNot, start+1
		if c == '=' {
			kind = tokEq
		}
		if l.pos < len(l.s) && l.s[l.pos] == '=' {
			kind, l.pos = tokNotEq, l.pos+1
			if c == '=' {
				kind = tokEqEq
			}
		}
	case '>':
		kind, l.pos = tokGreater, start+1
	case '<':
		kind, l.pos = tokLess, start+1
	case '(':
		kind, l.pos = tokOpen, start+1
	case ')':
		kind, l.pos = tokClose, start+1
	case ',':
		kind, l.pos = tokComma, start+1
	default:
		for l.pos < len(l.s) {
			c := l.s[l.pos]
			if c == 0 || isSpace(c) || isSymbol(c) {
				break
			}
			l.pos++
		}
	}
	text := l.s[start:l.pos]
	if l.pos < len(l.s) && l.s[l.pos] == 0 {
		l.pos++
	}
	return token{kind: kind, text: text, pos: start}
}

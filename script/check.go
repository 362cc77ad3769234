package script

import (
	"context"
	"runtime"
	"strings"

	"mvdan.cc/sh/v3/syntax"
)

// check finds the first construct in f that svcsim will not run.
func check(name string, f *syntax.File) error {
	var found *UnsupportedError
	syntax.Walk(f, func(n syntax.Node) bool {
		if found != nil || n == nil {
			return false
		}
		what := unsupported(n)
		if what == "" {
			return true
		}
		found = &UnsupportedError{Name: name, Line: n.Pos().Line(), Col: n.Pos().Col(), What: what}
		return false
	})
	if found != nil {
		return found
	}
	return nil
}

// unsupported names n if svcsim refuses it, and why.
func unsupported(n syntax.Node) string {
	switch n := n.(type) {
	case *syntax.ProcSubst:
		// The interpreter makes a named pipe on the host for it.
		return "process substitution " + n.Op.String() + "...)"
	case *syntax.Stmt:
		if n.Background {
			// A job running beside the next commands would race them for
			// the cluster, and the run would depend on scheduling.
			return "a background job (&)"
		}
		if n.Coprocess {
			return "a coprocess (|&)"
		}
	case *syntax.CoprocClause:
		return "coproc"
	case *syntax.TimeClause:
		return "time (it reads the host's clock)"
	case *syntax.ParamExp:
		if n.Param != nil {
			switch n.Param.Value {
			case "$", "PPID", "BASHPID":
				return "$" + n.Param.Value + " (the host's process ids)"
			case "SRANDOM":
				return "$SRANDOM (unseeded randomness)"
			}
		}
	}
	return ""
}

// checkText applies check to shell text that a builtin will parse when it
// runs (eval, trap, alias), and names the first thing refused.
func checkText(text string) string {
	f, err := parser().Parse(strings.NewReader(text), "")
	if err != nil {
		return "" // the builtin reports the syntax error itself
	}
	if err := check("", f); err != nil {
		return err.(*UnsupportedError).What
	}
	return ""
}

// notSimulated is the command name the call handler substitutes for a
// builtin it refuses; exec reports it. A script cannot type it: the shell
// has no way to put a NUL byte in a word.
const notSimulated = "\x00svcsim-not-simulated"

// maxStack is how deep, in Go frames, the interpreter may go before a
// command is refused: a function that calls itself forever would otherwise
// overflow the goroutine's stack, which no recover catches. A shell
// function call takes about a dozen frames, so this allows about a
// thousand nested calls; Go's stack would hold a hundred times more.
const maxStack = 12_000

// stackEvery is how often, in commands, call measures the stack: walking
// it costs time in proportion to its depth.
const stackEvery = 32

// call runs before every simple command, builtins included: it refuses
// the builtins that would reach the host (type, hash and command -v look
// programs up in the host's PATH; source reads the host) or parse shell
// text that check has not seen, and stops runaway recursion.
func (s *session) call(_ context.Context, args []string) ([]string, error) {
	var pc [1]uintptr
	if s.calls.Add(1)%stackEvery == 0 && runtime.Callers(maxStack, pc[:]) > 0 {
		return []string{notSimulated, args[0], "commands nested too deeply (a function that calls itself forever?)"}, nil
	}
	refuse := func(why string) ([]string, error) {
		return []string{notSimulated, args[0], why}, nil
	}
	switch args[0] {
	case "source", ".":
		return refuse("sourcing a file is not simulated; pass every script to svcsim run instead")
	case "type", "hash", "which":
		return refuse("looking up programs is not simulated")
	case "command":
		for _, a := range args[1:] {
			if a == "-v" || a == "-V" || strings.HasPrefix(a, "-") && strings.ContainsAny(a, "vV") {
				return refuse("looking up programs is not simulated")
			}
			if !strings.HasPrefix(a, "-") {
				break
			}
		}
	case "eval":
		if what := checkText(strings.Join(args[1:], " ")); what != "" {
			return refuse(what + " is not supported in the simulation")
		}
	case "trap", "alias":
		for _, a := range args[1:] {
			if _, v, ok := strings.Cut(a, "="); ok && args[0] == "alias" {
				a = v
			}
			if what := checkText(a); what != "" {
				return refuse(what + " is not supported in the simulation")
			}
		}
	}
	return args, nil
}

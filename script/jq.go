package script

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"math/big"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/itchyny/gojq"
	"mvdan.cc/sh/v3/expand"

	"github.com/svcsim/svcsim/cluster"
)

// jq is jq 1.7's command line over gojq's language. The filter sees
// only what the script gives it: its standard input and files, the
// script's exported variables as $ENV, and the simulation's clock as
// now; modules cannot be loaded.

// jqVersion is what jq --version prints: the jq whose command line this
// one follows.
const jqVersion = "jq-1.7.1"

// jq's exit statuses, as its main loop keeps them: the negative ones
// become 0 unless -e is given.
const (
	jqOK         = 0
	jqNullOutput = -1 // the last output was null or false
	jqUsage      = 2  // a usage problem, or an input that cannot be opened
	jqCompile    = 3
	jqNoOutput   = -4 // no output at all
	jqRuntime    = 5  // an uncaught error, or input that is not JSON
)

// jqMaxProgram bounds a filter's length: gojq compiles a filter by
// recursion, and a filter nested a few hundred thousand deep would
// exhaust the goroutine's stack, which no recover catches.
const jqMaxProgram = 64 << 10

// jqMaxPrintDepth is how deep jq prints a value before it writes
// "<skipped: too deep>" instead, as jq does.
const jqMaxPrintDepth = 256

// jqOptions are jq's command-line options.
type jqOptions struct {
	nullInput, rawInput, slurp     bool
	raw, join, nul, ascii, sortKey bool
	exitStatus, fromFile           bool
	indent                         int // spaces; 0 is compact
	tab                            bool
	program                        string
	haveProgram                    bool
	files                          []string
	named                          []jqNamed
	positional                     []any
}

// jqNamed is one --arg, --argjson, --rawfile or --slurpfile variable.
type jqNamed struct {
	name  string
	value any
}

func (c *cmdCtx) jq() int {
	o, status, ok := c.jqParseArgs()
	if !ok {
		return status
	}
	w := bufio.NewWriter(c.out)
	defer w.Flush()
	run := &jqRun{c: c, o: o, w: w}
	return run.main()
}

// jqUsageError prints msg and jq's hint, and returns status 2.
func (c *cmdCtx) jqUsageError(format string, a ...any) (jqOptions, int, bool) {
	fmt.Fprintf(c.err, "jq: "+format+"\n", a...)
	fmt.Fprint(c.err, "Use jq --help for help with command-line options,\nor see the jq manpage, or online docs  at https://jqlang.github.io/jq\n")
	return jqOptions{}, jqUsage, false
}

// jqParseArgs reads jq's arguments as jq does: options anywhere, the first
// other argument the filter, the rest files (or, after --args or
// --jsonargs, $ARGS.positional). A word is an option if it starts with
// "--" or with "-" and a letter.
func (c *cmdCtx) jqParseArgs() (jqOptions, int, bool) {
	o := jqOptions{indent: 2}
	args := c.args[1:]
	named := map[string]bool{}
	addNamed := func(name string, v any) {
		// The first definition of a name wins, as in jq.
		if !named[name] {
			named[name] = true
			o.named = append(o.named, jqNamed{name, v})
		}
	}
	stringArgs, jsonArgs, done := false, false, false
	for i := 0; i < len(args); i++ {
		a := args[i]
		optish := len(a) >= 2 && a[0] == '-' && (a[1] == '-' || isLetter(a[1]))
		if done || !optish {
			switch {
			case !o.haveProgram:
				o.program, o.haveProgram = a, true
			case stringArgs:
				o.positional = append(o.positional, a)
			case jsonArgs:
				v, err := jqParseText(a)
				if err != nil {
					return c.jqUsageError("invalid JSON text passed to --jsonargs")
				}
				o.positional = append(o.positional, v)
			default:
				o.files = append(o.files, a)
			}
			continue
		}
		if a == "--" {
			done = true
			continue
		}
		// twoArgs takes the two words after the option.
		twoArgs := func() (string, string, bool) {
			if i+2 >= len(args) {
				return "", "", false
			}
			i += 2
			return args[i-1], args[i], true
		}
		if long, ok := strings.CutPrefix(a, "--"); ok {
			switch long {
			case "slurp":
				o.slurp = true
			case "raw-output":
				o.raw = true
			case "raw-output0":
				o.raw, o.join, o.nul = true, true, true
			case "join-output":
				o.raw, o.join = true, true
			case "compact-output":
				o.indent, o.tab = 0, false
			case "color-output", "monochrome-output", "unbuffered":
				// Output is never a terminal here, so never coloured;
				// and every write reaches the script in order anyway.
			case "ascii-output":
				o.ascii = true
			case "sort-keys":
				o.sortKey = true
			case "raw-input":
				o.rawInput = true
			case "null-input":
				o.nullInput = true
			case "from-file":
				o.fromFile = true
			case "exit-status":
				o.exitStatus = true
			case "tab":
				o.indent, o.tab = 1, true
			case "indent":
				if i+1 >= len(args) {
					return c.jqUsageError("--indent takes one parameter")
				}
				i++
				n := atoi(args[i])
				if n < -1 || n > 7 {
					return c.jqUsageError("--indent takes a number between -1 and 7")
				}
				o.indent, o.tab = max(n, 0), false
			case "args":
				stringArgs, jsonArgs = true, false
			case "jsonargs":
				stringArgs, jsonArgs = false, true
			case "arg":
				name, value, ok := twoArgs()
				if !ok {
					return c.jqUsageError("--arg takes two parameters (e.g. --arg varname value)")
				}
				addNamed(name, value)
			case "argjson":
				name, text, ok := twoArgs()
				if !ok {
					return c.jqUsageError("--argjson takes two parameters (e.g. --argjson varname text)")
				}
				v, err := jqParseText(text)
				if err != nil {
					return c.jqUsageError("invalid JSON text passed to --argjson")
				}
				addNamed(name, v)
			case "rawfile", "slurpfile":
				name, file, ok := twoArgs()
				if !ok {
					return c.jqUsageError("--%s takes two parameters (e.g. --%s varname filename)", long, long)
				}
				v, err := c.jqLoadFile(file, long == "rawfile")
				if err != nil {
					fmt.Fprintf(c.err, "jq: Bad JSON in --%s %s %s: %s\n", long, name, file, err)
					return jqOptions{}, jqUsage, false
				}
				addNamed(name, v)
			case "help":
				fmt.Fprint(c.out, jqHelp)
				return jqOptions{}, 0, false
			case "version":
				fmt.Fprintln(c.out, jqVersion)
				return jqOptions{}, 0, false
			case "seq", "stream", "stream-errors", "library-path", "run-tests", "debug-dump-disasm", "debug-trace", "debug-trace=all", "build-configuration":
				fmt.Fprintf(c.err, "jq: --%s is not supported in the simulation\n", long)
				return jqOptions{}, jqUsage, false
			default:
				return c.jqUsageError("Unknown option --%s", long)
			}
			continue
		}
		for j := 1; j < len(a); j++ {
			switch a[j] {
			case 's':
				o.slurp = true
			case 'r':
				o.raw = true
			case 'j':
				o.raw, o.join = true, true
			case 'c':
				o.indent, o.tab = 0, false
			case 'C', 'M':
			case 'a':
				o.ascii = true
			case 'S':
				o.sortKey = true
			case 'R':
				o.rawInput = true
			case 'n':
				o.nullInput = true
			case 'f':
				o.fromFile = true
			case 'e':
				o.exitStatus = true
			case 'h':
				fmt.Fprint(c.out, jqHelp)
				return jqOptions{}, 0, false
			case 'V':
				fmt.Fprintln(c.out, jqVersion)
				return jqOptions{}, 0, false
			case 'L':
				fmt.Fprintf(c.err, "jq: -L is not supported in the simulation\n")
				return jqOptions{}, jqUsage, false
			default:
				return c.jqUsageError("Unknown option -%c", a[j])
			}
		}
	}
	if !o.haveProgram {
		// Standard input and output are never a terminal in a script, so
		// jq with no filter is jq '.', as jq does in a pipe.
		if o.fromFile {
			fmt.Fprint(c.err, jqShortHelp)
			return jqOptions{}, jqUsage, false
		}
		o.program, o.haveProgram = ".", true
	}
	if o.fromFile {
		b, err := c.s.fs.read(abs(c.dir, o.program))
		if err != nil {
			fmt.Fprintf(c.err, "jq: error: Could not open %s: %s\n", o.program, errText(err))
			return jqOptions{}, jqUsage, false
		}
		o.program = string(b)
	}
	return o, 0, true
}

func isLetter(b byte) bool { return 'a' <= b && b <= 'z' || 'A' <= b && b <= 'Z' }

// atoi reads a leading decimal integer as C's atoi does: 0 when there is
// none, no error.
func atoi(s string) int {
	s = strings.TrimLeft(s, " \t\n")
	neg := false
	if s != "" && (s[0] == '-' || s[0] == '+') {
		neg = s[0] == '-'
		s = s[1:]
	}
	n := 0
	for i := 0; i < len(s) && '0' <= s[i] && s[i] <= '9' && n < 1<<20; i++ {
		n = n*10 + int(s[i]-'0')
	}
	if neg {
		return -n
	}
	return n
}

// jqLoadFile reads a file for --rawfile (its text) or --slurpfile (an
// array of the JSON values in it).
func (c *cmdCtx) jqLoadFile(name string, raw bool) (any, error) {
	b, err := c.s.fs.read(abs(c.dir, name))
	if err != nil {
		return nil, fmt.Errorf("Could not open %s: %s", name, errText(err))
	}
	if raw {
		return string(b), nil
	}
	dec := newJQDecoder(b)
	vals := []any{}
	for {
		v, err := dec.next()
		if err == io.EOF {
			return vals, nil
		}
		if err != nil {
			return nil, err
		}
		vals = append(vals, v)
	}
}

// jqParseText parses one JSON text, as --argjson takes it.
func jqParseText(s string) (any, error) {
	dec := newJQDecoder([]byte(s))
	v, err := dec.next()
	if err != nil {
		if err == io.EOF {
			err = errors.New("no JSON text")
		}
		return nil, err
	}
	if _, err := dec.next(); err != io.EOF {
		return nil, errors.New("more than one JSON text")
	}
	return v, nil
}

// jqRun is one run of jq's main loop.
type jqRun struct {
	c    *cmdCtx
	o    jqOptions
	w    *bufio.Writer
	in   *jqInputs
	code *gojq.Code
	vals []any // the named variables' values, in order
}

func (r *jqRun) main() int {
	c := r.c
	if len(r.o.program) > jqMaxProgram {
		return r.compileError(fmt.Sprintf("program too long (more than %d bytes)", jqMaxProgram), 1)
	}
	query, err := gojq.Parse(r.o.program)
	if err != nil {
		var perr *gojq.ParseError
		if errors.As(err, &perr) {
			msg := strings.Replace(perr.Error(), "unexpected EOF", "unexpected end of file", 1)
			return r.compileError("syntax error, "+msg+" (Unix shell quoting issues?)", lineAt(r.o.program, perr.Offset))
		}
		return r.compileError(err.Error(), 1)
	}
	r.in = &jqInputs{c: c, files: r.o.files, raw: r.o.rawInput, slurp: r.o.slurp}
	if len(r.in.files) == 0 {
		r.in.files = []string{"-"}
	}
	var names []string
	args := map[string]any{}
	for _, n := range r.o.named {
		args[n.name] = n.value
		if validVarName(n.name) {
			names = append(names, "$"+n.name)
			r.vals = append(r.vals, n.value)
		}
	}
	positional := r.o.positional
	if positional == nil {
		positional = []any{}
	}
	names = append(names, "$ARGS")
	r.vals = append(r.vals, map[string]any{"positional": positional, "named": args})
	r.code, err = gojq.Compile(query,
		gojq.WithVariables(names),
		gojq.WithEnvironLoader(r.environ),
		gojq.WithModuleLoader(jqModules{now: r.now()}),
		gojq.WithInputIter(r.in),
		gojq.WithFunction("debug", 0, 0, r.debug),
		gojq.WithFunction("stderr", 0, 0, r.stderr),
		gojq.WithFunction("input_filename", 0, 0, func(any, []any) any { return r.in.filename() }),
		gojq.WithFunction("input_line_number", 0, 0, func(any, []any) any { return r.in.lines }),
	)
	if err != nil {
		return r.compileError(jqCompileMessage(err), lineOf(r.o.program, err))
	}
	ret, last := jqNoOutput, -1
	if r.o.nullInput {
		ret, _ = r.process(nil)
	} else {
		for {
			v, err := r.in.nextInput()
			if err == io.EOF {
				break
			}
			if err != nil {
				r.w.Flush()
				fmt.Fprintf(c.err, "jq: parse error: %v\n", err)
				ret = jqRuntime
				break
			}
			var halted bool
			ret, halted = r.process(v)
			if ret <= 0 && ret != jqNoOutput {
				last = 0
				if ret != jqNullOutput {
					last = 1
				}
			}
			if halted || c.ctx.Err() != nil {
				break
			}
		}
	}
	if r.in.openFailed {
		ret = jqUsage
	}
	if err := r.w.Flush(); err != nil {
		fmt.Fprintf(c.err, "jq: error: writing output failed: %v\n", err)
		ret = jqUsage
	}
	if c.ctx.Err() != nil {
		return 1
	}
	if !r.o.exitStatus {
		return max(ret, 0)
	}
	if ret != jqNoOutput {
		return min(abs0(ret), 255)
	}
	switch last {
	case -1:
		return -jqNoOutput
	case 0:
		return -jqNullOutput
	}
	return jqOK
}

func abs0(n int) int {
	if n < 0 {
		return -n
	}
	return n
}

// process runs the filter on one input and writes what it yields. It
// returns jq's status for that input, and whether the filter halted.
func (r *jqRun) process(v any) (int, bool) {
	ret := jqNoOutput
	iter := r.code.RunWithContext(r.c.ctx, v, r.vals...)
	for {
		out, ok := iter.Next()
		if !ok {
			return ret, false
		}
		if err, ok := out.(error); ok {
			r.w.Flush()
			var halt *gojq.HaltError
			if errors.As(err, &halt) {
				switch msg := halt.Value().(type) {
				case nil:
				case string:
					io.WriteString(r.c.err, msg)
				default:
					fmt.Fprintf(r.c.err, "%s\n", r.encode(msg, 0))
				}
				return halt.ExitCode(), true
			}
			if r.c.ctx.Err() != nil {
				return jqRuntime, true
			}
			fmt.Fprintf(r.c.err, "jq: error (at %s)%s\n", r.in.position(), jqErrorText(err))
			return jqRuntime, false
		}
		if s, ok := out.(string); ok && r.o.raw {
			if r.o.ascii {
				r.w.WriteString(r.encode(s, 0))
			} else {
				if r.o.nul && strings.IndexByte(s, 0) >= 0 {
					r.w.Flush()
					fmt.Fprintf(r.c.err, "jq: error (at %s): Cannot dump a string containing NUL with --raw-output0 option\n", r.in.position())
					return jqRuntime, false
				}
				r.w.WriteString(s)
			}
			ret = jqOK
		} else {
			ret = jqOK
			if out == nil || out == false {
				ret = jqNullOutput
			}
			r.w.WriteString(r.encode(out, r.o.indent))
		}
		if !r.o.join {
			r.w.WriteByte('\n')
		}
		if r.o.nul {
			r.w.WriteByte(0)
		}
	}
}

// jqErrorText is an uncaught error as jq prints it after "(at ...)": the
// message of error(string), or the JSON of any other error value.
func jqErrorText(err error) string {
	var verr gojq.ValueError
	if errors.As(err, &verr) {
		if s, ok := verr.Value().(string); ok {
			return ": " + s
		}
		return " (not a string): " + encodeJQ(verr.Value(), 0, false, false)
	}
	if err.Error() == "break" {
		// gojq's input at the end of the inputs.
		return ": No more inputs"
	}
	return ": " + err.Error()
}

// compileError prints a compile error as jq does and returns status 3.
func (r *jqRun) compileError(msg string, line int) int {
	lines := strings.Split(r.o.program, "\n")
	text := ""
	if line >= 1 && line <= len(lines) {
		text = lines[line-1]
	}
	fmt.Fprintf(r.c.err, "jq: error: %s at <top-level>, line %d:\n%s\njq: 1 compile error\n", msg, line, text)
	return jqCompile
}

// jqCompileMessage words gojq's compile errors as jq does where the two
// differ in wording only.
func jqCompileMessage(err error) string {
	msg := err.Error()
	for _, p := range []string{"function not defined: ", "variable not defined: "} {
		if name, ok := strings.CutPrefix(msg, p); ok {
			return name + " is not defined"
		}
	}
	return msg
}

// lineOf finds the line of the program a compile error is about: that
// of the first mention of the name it reports, or 1.
func lineOf(program string, err error) int {
	msg := err.Error()
	for _, p := range []string{"function not defined: ", "variable not defined: "} {
		if name, ok := strings.CutPrefix(msg, p); ok {
			if i := strings.LastIndexByte(name, '/'); i > 0 && p[0] == 'f' {
				name = name[:i]
			}
			if i := strings.Index(program, name); i >= 0 {
				return lineAt(program, i)
			}
		}
	}
	return 1
}

// lineAt is the 1-based line of byte offset off in s.
func lineAt(s string, off int) int {
	off = min(max(off, 0), len(s))
	return 1 + strings.Count(s[:off], "\n")
}

func validVarName(name string) bool {
	if name == "" || !(isLetter(name[0]) || name[0] == '_') {
		return false
	}
	for i := 1; i < len(name); i++ {
		b := name[i]
		if !(isLetter(b) || b == '_' || '0' <= b && b <= '9') {
			return false
		}
	}
	return true
}

// environ is $ENV and env: the script's exported variables, never the
// host's environment.
func (r *jqRun) environ() []string {
	var env []string
	if r.c.hc.Env == nil {
		return nil
	}
	r.c.hc.Env.Each(func(name string, vr expand.Variable) bool {
		if vr.Exported && vr.IsSet() && vr.Kind == expand.String {
			env = append(env, name+"="+vr.Str)
		}
		return true
	})
	slices.Sort(env)
	return env
}

// now is the simulation's wall clock as of its last move: jq's now must
// not read the host's.
func (r *jqRun) now() time.Time {
	if t := r.c.s.clock.Load(); t != nil {
		return *t
	}
	return cluster.Epoch
}

func (r *jqRun) debug(v any, _ []any) any {
	r.w.Flush()
	fmt.Fprintf(r.c.err, "%s\n", r.encode([]any{"DEBUG:", v}, 0))
	return v
}

func (r *jqRun) stderr(v any, _ []any) any {
	r.w.Flush()
	if s, ok := v.(string); ok {
		io.WriteString(r.c.err, s)
	} else {
		io.WriteString(r.c.err, r.encode(v, 0))
	}
	return v
}

// jqModules is gojq's module loader for a run: it defines the builtins
// that would read the host's clock or time zone in terms of the
// simulation's (whose zone is UTC), and finds no module to import.
type jqModules struct{ now time.Time }

// LoadInitModules defines now, localtime, strflocaltime and mktime
// before the filter, shadowing gojq's own.
func (m jqModules) LoadInitModules() ([]*gojq.Query, error) {
	now := float64(m.now.Unix()) + float64(m.now.Nanosecond())/1e9
	q, err := gojq.Parse("def now: " + strconv.FormatFloat(now, 'f', -1, 64) + "; " +
		"def localtime: gmtime; def strflocaltime(f): strftime(f); .")
	if err != nil {
		return nil, err
	}
	return []*gojq.Query{q}, nil
}

// LoadModule finds no module: there is no ~/.jq or library path.
func (jqModules) LoadModule(name string) (*gojq.Query, error) {
	return nil, fmt.Errorf("module not found: %s", name)
}

// LoadJSON finds no data file to import.
func (jqModules) LoadJSON(name string) (any, error) {
	return nil, fmt.Errorf("module not found: %s", name)
}

// jqInputs are jq's inputs: the files named (standard input for none or
// "-"), one after the other, as JSON texts, lines with -R, or all in one
// with -s. It is also gojq's input iterator, so input and inputs read
// on from where the main loop is.
type jqInputs struct {
	c          *cmdCtx
	files      []string
	raw, slurp bool
	next       int // the next file to open
	name       string
	data       []byte
	dec        *jqDecoder
	rawOff     int // with -R, where the next line starts
	lines      int // lines of the current file read so far, for positions
	opened     bool
	slurped    bool
	openFailed bool
}

// Next implements gojq.Iter for input and inputs: a parse error is a
// runtime error there.
func (in *jqInputs) Next() (any, bool) {
	v, err := in.nextInput()
	if err == io.EOF {
		return nil, false
	}
	if err != nil {
		return err, true
	}
	return v, true
}

// nextInput returns the next input value, io.EOF after the last, or a
// parse error.
func (in *jqInputs) nextInput() (any, error) {
	if in.slurp {
		if in.slurped {
			return nil, io.EOF
		}
		in.slurped = true
		if in.raw {
			var b strings.Builder
			for in.openNext() {
				b.Write(in.data)
				in.lines = bytes.Count(in.data, []byte{'\n'})
			}
			return b.String(), nil
		}
		all := []any{}
		for {
			v, err := in.nextValue()
			if err == io.EOF {
				return all, nil
			}
			if err != nil {
				return nil, err
			}
			all = append(all, v)
		}
	}
	return in.nextValue()
}

// nextValue returns the next JSON value, or line with -R, of the files.
func (in *jqInputs) nextValue() (any, error) {
	for {
		if in.c.ctx.Err() != nil {
			return nil, io.EOF
		}
		if !in.opened && !in.openNext() {
			return nil, io.EOF
		}
		if in.raw {
			if in.rawOff < len(in.data) {
				rest := in.data[in.rawOff:]
				line := rest
				if i := bytes.IndexByte(rest, '\n'); i >= 0 {
					line = rest[:i]
					in.rawOff += i + 1
					in.lines++
				} else {
					in.rawOff = len(in.data)
				}
				return string(line), nil
			}
		} else {
			v, err := in.dec.next()
			if err != io.EOF {
				in.lines = in.dec.linesRead()
				return v, err
			}
			in.lines = bytes.Count(in.data, []byte{'\n'})
		}
		in.opened = false
	}
}

// openNext reads the next file that can be read, reporting those that
// cannot; it returns false after the last.
func (in *jqInputs) openNext() bool {
	for in.next < len(in.files) {
		name := in.files[in.next]
		in.next++
		var b []byte
		var err error
		if name == "-" {
			b, err = io.ReadAll(io.LimitReader(stdinOf(in.c.hc), MaxFileBytes+1))
			if err == nil && len(b) > MaxFileBytes {
				err = errors.New("input larger than the simulation's files may be")
			}
		} else {
			b, err = in.c.s.fs.read(abs(in.c.dir, name))
		}
		if err != nil {
			fmt.Fprintf(in.c.err, "jq: error: Could not open %s: %s\n", name, errText(err))
			in.openFailed = true
			continue
		}
		in.name, in.data, in.rawOff, in.lines, in.opened = name, b, 0, 0, true
		in.dec = newJQDecoder(b)
		return true
	}
	return false
}

// filename is input_filename: the file being read, null for standard
// input or before any.
func (in *jqInputs) filename() any {
	if in.name == "" || in.name == "-" {
		return nil
	}
	return in.name
}

// position is where jq says an error happened: the input being read and
// how many of its lines have been read.
func (in *jqInputs) position() string {
	if in.name == "" {
		return "<unknown>"
	}
	name := in.name
	if name == "-" {
		name = "<stdin>"
	}
	return name + ":" + strconv.Itoa(in.lines)
}

// jqDecoder reads a stream of JSON texts and words its errors as jq's
// parser does.
type jqDecoder struct {
	data []byte
	dec  *json.Decoder
	end  int // offset after the last value read
}

func newJQDecoder(b []byte) *jqDecoder {
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	return &jqDecoder{data: b, dec: dec}
}

func (d *jqDecoder) next() (any, error) {
	var v any
	err := d.dec.Decode(&v)
	if err == io.EOF {
		return nil, io.EOF
	}
	if err != nil {
		return nil, d.parseError(err)
	}
	d.end = int(d.dec.InputOffset())
	return v, nil
}

// linesRead is how many lines jq has read when it has parsed the value
// that ends at d.end: it reads a line at a time, so the rest of that
// line too.
func (d *jqDecoder) linesRead() int {
	end := len(d.data)
	if i := bytes.IndexByte(d.data[d.end:], '\n'); i >= 0 {
		end = d.end + i + 1
	}
	return bytes.Count(d.data[:end], []byte{'\n'})
}

// parseError words a decoding error as jq does: what was wrong, at which
// line and column.
func (d *jqDecoder) parseError(err error) error {
	pos := len(d.data)
	msg := "Unfinished JSON term at EOF"
	var syn *json.SyntaxError
	if errors.As(err, &syn) {
		pos = min(int(syn.Offset), len(d.data))
		text := syn.Error()
		bad := byte(0)
		if pos > 0 {
			bad = d.data[pos-1]
		}
		switch {
		case strings.Contains(text, "unexpected end of JSON input"):
		case strings.Contains(text, "after object key:value pair"), strings.Contains(text, "after array element"):
			msg = "Expected separator between values"
		case strings.Contains(text, "after object key"):
			msg = "Objects must consist of key:value pairs"
		case strings.Contains(text, "looking for beginning of object key string"):
			msg = "Object keys must be strings"
		case strings.Contains(text, "in string"):
			msg = "Invalid string"
		case strings.Contains(text, "looking for beginning of value") && strings.IndexByte("]},:", bad) >= 0:
			msg = "Expected value before '" + string(bad) + "'"
		default:
			// A bare word: jq reads it to its end, then finds it is no
			// literal it knows.
			start := pos - 1
			for start > 0 && !jqDelimiter(d.data[start-1]) {
				start--
			}
			end := max(start, 0)
			for end < len(d.data) && !jqDelimiter(d.data[end]) {
				end++
			}
			pos = min(end+1, len(d.data))
			msg = "Invalid numeric literal"
			if start >= 0 && start < len(d.data) && strings.IndexByte("tfn", d.data[start]) >= 0 {
				msg = "Invalid literal"
			}
		}
	} else if !errors.Is(err, io.ErrUnexpectedEOF) {
		msg = err.Error()
	}
	line := 1 + bytes.Count(d.data[:pos], []byte{'\n'})
	col := pos - (bytes.LastIndexByte(d.data[:pos], '\n') + 1)
	return fmt.Errorf("%s at line %d, column %d", msg, line, col)
}

func jqDelimiter(b byte) bool {
	return strings.IndexByte(" \t\r\n[]{},:\"", b) >= 0
}

// encode is v as jq prints it with r's options; indent 0 is compact.
func (r *jqRun) encode(v any, indent int) string {
	return encodeJQ(v, indent, r.o.tab, r.o.ascii)
}

// encodeJQ is v as jq prints it: compact for indent 0.
func encodeJQ(v any, indent int, tab, ascii bool) string {
	e := jqEncoder{indent: indent, tab: tab, ascii: ascii}
	e.value(v, 0)
	return e.b.String()
}

// jqEncoder writes values as jq 1.7 prints them: two-space indentation
// (or the options'), ": " after keys, strings escaped as jq escapes them,
// numbers in jq's shortest form. gojq keeps an object's keys unordered,
// so they are always printed sorted, as -S would.
type jqEncoder struct {
	b      strings.Builder
	indent int
	tab    bool
	ascii  bool
}

func (e *jqEncoder) newline(level int) {
	if e.indent == 0 {
		return
	}
	e.b.WriteByte('\n')
	if e.tab {
		e.b.WriteString(strings.Repeat("\t", level))
	} else {
		e.b.WriteString(strings.Repeat(" ", level*e.indent))
	}
}

func (e *jqEncoder) value(v any, level int) {
	if level > jqMaxPrintDepth {
		e.b.WriteString("<skipped: too deep>")
		return
	}
	switch v := v.(type) {
	case nil:
		e.b.WriteString("null")
	case bool:
		e.b.WriteString(strconv.FormatBool(v))
	case int:
		e.b.WriteString(strconv.Itoa(v))
	case float64:
		e.b.WriteString(jqFloat(v))
	case *big.Int:
		e.b.WriteString(v.String())
	case json.Number:
		// An input number the filter passed through: jq 1.7 prints its
		// literal as read.
		e.b.WriteString(v.String())
	case string:
		e.string(v)
	case []any:
		if len(v) == 0 {
			e.b.WriteString("[]")
			return
		}
		e.b.WriteByte('[')
		for i, x := range v {
			if i > 0 {
				e.b.WriteByte(',')
			}
			e.newline(level + 1)
			e.value(x, level+1)
		}
		e.newline(level)
		e.b.WriteByte(']')
	case map[string]any:
		if len(v) == 0 {
			e.b.WriteString("{}")
			return
		}
		keys := make([]string, 0, len(v))
		for k := range v {
			keys = append(keys, k)
		}
		slices.Sort(keys)
		e.b.WriteByte('{')
		for i, k := range keys {
			if i > 0 {
				e.b.WriteByte(',')
			}
			e.newline(level + 1)
			e.string(k)
			e.b.WriteByte(':')
			if e.indent > 0 {
				e.b.WriteByte(' ')
			}
			e.value(v[k], level+1)
		}
		e.newline(level)
		e.b.WriteByte('}')
	default:
		// gojq yields only the types above; anything else is printed as
		// its JSON rather than dropped.
		b, _ := json.Marshal(v)
		e.b.Write(b)
	}
}

// string writes s quoted as jq does: \" \\ \b \f \n \r \t, other control
// characters and DEL as \u00XX, invalid UTF-8 as U+FFFD, and with -a
// everything beyond ASCII as \uXXXX.
func (e *jqEncoder) string(s string) {
	const hex = "0123456789abcdef"
	e.b.WriteByte('"')
	for _, r := range s {
		switch {
		case r == '"':
			e.b.WriteString(`\"`)
		case r == '\\':
			e.b.WriteString(`\\`)
		case r == '\b':
			e.b.WriteString(`\b`)
		case r == '\f':
			e.b.WriteString(`\f`)
		case r == '\n':
			e.b.WriteString(`\n`)
		case r == '\r':
			e.b.WriteString(`\r`)
		case r == '\t':
			e.b.WriteString(`\t`)
		case r < 0x20 || r == 0x7f:
			e.b.WriteString(`\u00`)
			e.b.WriteByte(hex[r>>4])
			e.b.WriteByte(hex[r&0xf])
		case r >= utf8.RuneSelf && e.ascii:
			if r > 0xffff {
				r -= 0x10000
				fmt.Fprintf(&e.b, `\u%04x\u%04x`, 0xd800+(r>>10), 0xdc00+(r&0x3ff))
			} else {
				fmt.Fprintf(&e.b, `\u%04x`, r)
			}
		default:
			e.b.WriteRune(r) // an invalid byte reads as U+FFFD
		}
	}
	e.b.WriteByte('"')
}

// jqFloat formats f as jq does: the shortest digits that read back as f,
// in exponent form when the point would be more than 15 places past the
// digits or 4 or more places before them; NaN as null, infinities as
// the largest finite numbers.
func jqFloat(f float64) string {
	if math.IsNaN(f) {
		return "null"
	}
	f = min(max(f, -math.MaxFloat64), math.MaxFloat64)
	if f == 0 {
		if math.Signbit(f) {
			return "-0"
		}
		return "0"
	}
	sign := ""
	if f < 0 {
		sign, f = "-", -f
	}
	mant, exp, _ := strings.Cut(strconv.FormatFloat(f, 'e', -1, 64), "e")
	digits := strings.Replace(mant, ".", "", 1)
	e, _ := strconv.Atoi(exp)
	decpt, nd := e+1, len(digits)
	switch {
	case decpt <= -4 || decpt > nd+15:
		out := digits[:1]
		if nd > 1 {
			out += "." + digits[1:]
		}
		esign := "+"
		if e < 0 {
			esign, e = "-", -e
		}
		return fmt.Sprintf("%s%se%s%02d", sign, out, esign, e)
	case decpt <= 0:
		return sign + "0." + strings.Repeat("0", -decpt) + digits
	case decpt >= nd:
		return sign + digits + strings.Repeat("0", decpt-nd)
	}
	return sign + digits[:decpt] + "." + digits[decpt:]
}

// jqShortHelp is what jq prints for a usage mistake.
const jqShortHelp = `Usage:	jq [OPTIONS] FILTER [FILES...]
	jq [OPTIONS] --args FILTER [STRINGS...]
	jq [OPTIONS] --jsonargs FILTER [JSON_TEXTS...]
For listing the command options, use jq --help.
`

// jqHelp lists the options this jq takes.
const jqHelp = `Usage:	jq [OPTIONS] FILTER [FILES...]
	jq [OPTIONS] --args FILTER [STRINGS...]
	jq [OPTIONS] --jsonargs FILTER [JSON_TEXTS...]

jq applies FILTER to each JSON text of its input (standard input, or the
FILES of the script's in-memory file system) and prints the results. This
is jq 1.7's command line over gojq's implementation of the language, run
inside the simulation: no module can be imported, $ENV holds the script's
exported variables, and now is the simulation's clock.

Options:
  -n, --null-input          run FILTER once, with null as input
  -R, --raw-input           read each line as a string instead of JSON
  -s, --slurp               read all inputs into one array
  -c, --compact-output      print each result on one line
  -r, --raw-output          print strings without quotes or escapes
      --raw-output0         like -r, with a NUL after each result
  -j, --join-output         like -r, with no newline after each result
  -a, --ascii-output        escape every non-ASCII character
  -S, --sort-keys           sort objects' keys (they always are here)
      --tab                 indent with tabs
      --indent N            indent with N spaces (0 to 7)
  -f, --from-file FILE      read FILTER from FILE
      --arg NAME VALUE      set $NAME to the string VALUE
      --argjson NAME TEXT   set $NAME to the JSON TEXT
      --slurpfile NAME FILE set $NAME to the array of JSON texts in FILE
      --rawfile NAME FILE   set $NAME to FILE's contents
      --args                take the remaining arguments as strings
      --jsonargs            take the remaining arguments as JSON texts
  -e, --exit-status         exit 1 if the last result is false or null,
                            4 if there is none
  -C, -M                    accepted; output is never coloured
  -V, --version             print jq's version
  -h, --help                print this help
`

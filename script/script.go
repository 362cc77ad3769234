package script

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"path"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"mvdan.cc/sh/v3/expand"
	"mvdan.cc/sh/v3/interp"
	"mvdan.cc/sh/v3/syntax"
)

// Env is the simulated cluster a script runs against, as four functions
// and the files it may read. The functions are called one at a time (see
// the package doc on pipelines), from the goroutine of the pipeline stage
// that runs the command.
type Env struct {
	// Kubectl runs `kubectl ARGS` and returns its exit status.
	Kubectl func(c Call) int
	// Advance moves virtual time on by d, running what falls due.
	Advance func(d time.Duration) error
	// Settle runs the cluster until nothing is left to happen.
	Settle func() error
	// Files are the files a script starts with, mounted read-only at
	// [Home]; nil means none.
	Files fs.FS
	// Now, if set, is the simulation's wall clock, for jq's now. It is
	// called, like the others, one call at a time: after each call that
	// can move the clock. Nil means the clock stands at [cluster.Epoch];
	// a script never sees the host's clock.
	Now func() time.Time
}

// Call is one run of a command the simulation provides, kubectl's: its
// arguments, its standard streams and the script's files.
type Call struct {
	// Args are the arguments after the command's name.
	Args []string
	// Stdin is the command's standard input, read to its end before the
	// call when Args ask kubectl to read it (-f -, -i); otherwise empty.
	Stdin io.Reader
	// Stdout and Stderr receive the command's output.
	Stdout, Stderr io.Writer
	// Dir is the shell's working directory, an absolute slash path.
	Dir string
	// Files is the script's whole file system, rooted at "/": what
	// [Env.Files] holds under [Home], and what the script wrote. Use
	// [Call.Name] to find a file named on the command line.
	Files fs.FS
}

// Name returns the name in c.Files of p, a path as given on the command
// line: relative to c.Dir unless absolute.
func (c Call) Name(p string) string {
	dir := c.Dir
	if !path.IsAbs(dir) {
		dir = "/"
	}
	rel := strings.TrimPrefix(abs(dir, p), "/")
	if rel == "" {
		return "."
	}
	return rel
}

// DefaultThink is the virtual time [Options.Think] takes when left zero:
// about what it takes a person to read the last output and type the next
// command.
const DefaultThink = 3 * time.Second

// Options tune a run.
type Options struct {
	// ExitOnError stops the script at the first command that fails, as
	// `set -e` does (commands tested by if, while, && and || do not count).
	ExitOnError bool
	// Echo prints each top-level command, after Prompt, before running
	// it, as a lab transcript shows it; continuation lines start "> ".
	Echo bool
	// Prompt precedes echoed commands and, in [Shell], each line read.
	// "\w" in it is the working directory with $HOME shown as "~". Empty
	// means "$ " for [Run] and "svcsim$ " for [Shell].
	Prompt string
	// Think is the virtual time that passes after each top-level command,
	// once the cluster has settled. Zero means [DefaultThink]; a negative
	// value means none.
	Think time.Duration
	// NoSettle skips settling after each top-level command, so only Think
	// (and sleep) moves the cluster on.
	NoSettle bool
	// Narrate prints the "## " comment lines that precede a top-level
	// command, without their marks and after a blank line, before the
	// command runs: a lesson's narration between its steps. Other comments
	// stay silent.
	Narrate bool
	// Workspace, when set, is the file system the script's files live in,
	// shared by every Run given it, as files on disk outlive one `sh
	// a.sh`; nil gives each Run a fresh one.
	Workspace *Workspace
}

// Workspace holds the in-memory files of a series of scripts, so that a
// later script reads what an earlier one wrote. Make it with
// [NewWorkspace]; the first Run that uses it mounts its Env.Files.
type Workspace struct {
	mu sync.Mutex
	fs *memFS
}

// NewWorkspace returns an empty workspace.
func NewWorkspace() *Workspace { return &Workspace{} }

// files returns the workspace's file system, made over base on first use.
func (w *Workspace) files(base fs.FS) *memFS {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.fs == nil {
		w.fs = newMemFS(base)
	}
	return w.fs
}

// Sentinel errors; Run and Shell wrap them, so errors.Is works.
var (
	// ErrInvalid means Run or Shell was called with a nil context,
	// source or Env function.
	ErrInvalid = errors.New("script: invalid argument")
	// ErrUnsupported is wrapped by [*UnsupportedError].
	ErrUnsupported = errors.New("not supported in the simulation")
)

// UnsupportedError reports shell syntax that svcsim refuses to run because
// it would reach the host or the wall clock, or make a run depend on
// goroutine scheduling: process substitution, background jobs, coproc,
// time, and $$, $PPID and $SRANDOM. Nothing of the script runs.
type UnsupportedError struct {
	Name      string // the script's name
	Line, Col uint   // where the construct starts
	What      string // the construct, e.g. "process substitution <(...)"
}

// Error says what and where.
func (e *UnsupportedError) Error() string {
	return fmt.Sprintf("%s:%d:%d: %s is %v", e.Name, e.Line, e.Col, e.What, ErrUnsupported)
}

// Unwrap returns [ErrUnsupported].
func (e *UnsupportedError) Unwrap() error { return ErrUnsupported }

// ExitError reports that a script ended with a non-zero status: that of
// its last command, of `exit N`, or of the command that stopped it under
// [Options.ExitOnError].
type ExitError struct {
	Name   string // the script's name
	Line   uint   // the line of the top-level command that ran last
	Status int    // 1-255
}

// Error says which script, where and what status.
func (e *ExitError) Error() string {
	return fmt.Sprintf("script: %s:%d: exit status %d", e.Name, e.Line, e.Status)
}

// Run parses the shell script src (bash syntax, named name in messages)
// and runs it against env, one top-level command at a time, writing what
// it prints to stdout and stderr (nil discards). Its commands read an
// empty standard input unless it redirects them. Between top-level
// commands the cluster settles and Think passes (see the package doc).
//
// It returns nil if the script ends with status 0, an [*ExitError] if it
// ends otherwise, a [syntax.ParseError] (wrapped) or [*UnsupportedError]
// before running anything if the script cannot be run, ctx's error if ctx
// is done first, and env's Advance or Settle error, wrapped, if the
// cluster fails to move on.
func Run(ctx context.Context, env Env, name string, src io.Reader, stdout, stderr io.Writer, opts Options) error {
	if err := env.check(ctx); err != nil {
		return err
	}
	if src == nil {
		return fmt.Errorf("%w: nil script source", ErrInvalid)
	}
	text, err := io.ReadAll(src)
	if err != nil {
		return fmt.Errorf("script: reading %s: %w", name, err)
	}
	file, err := parser().Parse(bytes.NewReader(text), name)
	if err != nil {
		return fmt.Errorf("script: %w", err)
	}
	if err := check(name, file); err != nil {
		return err
	}
	if opts.Prompt == "" {
		opts.Prompt = "$ "
	}
	s, err := newSession(env, name, stdout, stderr, opts, false)
	if err != nil {
		return err
	}
	done, err := s.run(ctx, text, file.Stmts)
	if err != nil {
		return err
	}
	return s.finish(ctx, done)
}

// Shell runs an interactive shell against env: it prints the prompt, reads
// a line from stdin (more, after "> ", while a command is incomplete), runs
// it as [Run] runs a top-level command, and repeats until stdin ends or
// the script runs exit. A syntax error or unsupported construct is
// reported on stderr and the shell goes on. Commands read an empty
// standard input: stdin is the shell's. It returns what [Run] does, for
// the last command.
func Shell(ctx context.Context, env Env, stdin io.Reader, stdout, stderr io.Writer, opts Options) error {
	if err := env.check(ctx); err != nil {
		return err
	}
	if stdin == nil {
		return fmt.Errorf("%w: nil shell input", ErrInvalid)
	}
	if opts.Prompt == "" {
		opts.Prompt = "svcsim$ "
	}
	opts.Echo = false
	s, err := newSession(env, "shell", stdout, stderr, opts, true)
	if err != nil {
		return err
	}
	in := bufio.NewReader(stdin)
	var buf []byte
	for {
		if len(buf) == 0 {
			s.out.WriteString(s.prompt())
		} else {
			s.out.WriteString("> ")
		}
		line, rerr := in.ReadString('\n')
		buf = append(buf, line...)
		if rerr != nil && rerr != io.EOF {
			return fmt.Errorf("script: reading the shell's input: %w", rerr)
		}
		if rerr == io.EOF && len(buf) == 0 {
			s.out.WriteString("\n")
			return s.finish(ctx, false)
		}
		file, perr := parser().Parse(bytes.NewReader(buf), "shell")
		if perr != nil && syntax.IsIncomplete(perr) && rerr == nil {
			continue
		}
		text := buf
		buf = nil
		if perr == nil {
			perr = check("shell", file)
		}
		if perr != nil {
			fmt.Fprintf(s.err, "svcsim: %v\n", perr)
			s.status, s.line = 2, 0
		} else if done, err := s.run(ctx, text, file.Stmts); err != nil || done {
			if err != nil {
				return err
			}
			return s.result()
		}
		if rerr == io.EOF {
			s.out.WriteString("\n")
			return s.finish(ctx, false)
		}
	}
}

func parser() *syntax.Parser { return syntax.NewParser(syntax.Variant(syntax.LangBash)) }

func (env Env) check(ctx context.Context) error {
	switch {
	case ctx == nil:
		return fmt.Errorf("%w: nil context", ErrInvalid)
	case env.Kubectl == nil:
		return fmt.Errorf("%w: Env.Kubectl is nil", ErrInvalid)
	case env.Advance == nil:
		return fmt.Errorf("%w: Env.Advance is nil", ErrInvalid)
	case env.Settle == nil:
		return fmt.Errorf("%w: Env.Settle is nil", ErrInvalid)
	}
	return nil
}

// session is one run: the interpreter, its files, and the lock that lets
// one simulation command run at a time.
type session struct {
	env    Env
	opts   Options
	name   string
	fs     *memFS
	runner *interp.Runner
	out    *lockedWriter
	err    *lockedWriter
	sim    sync.Mutex                // held while env's functions run
	clock  atomic.Pointer[time.Time] // env.Now as of the last simulation call; nil without Now
	calls  atomic.Uint64             // commands run, for call's stack checks
	status int                       // of the last top-level command
	line   uint                      // of the last top-level command
}

func newSession(env Env, name string, stdout, stderr io.Writer, opts Options, interactive bool) (*session, error) {
	files := newMemFS(env.Files)
	if opts.Workspace != nil {
		files = opts.Workspace.files(env.Files)
	}
	s := &session{env: env, opts: opts, name: name, fs: files,
		out: &lockedWriter{w: stdout}, err: &lockedWriter{w: stderr}}
	if stdout == nil {
		s.out.w = io.Discard
	}
	if stderr == nil {
		s.err.w = io.Discard
	}
	environ := expand.ListEnviron(
		"HOME="+Home, "PWD="+Home, "USER=svcsim", "LOGNAME=svcsim", "SHELL=/bin/sh",
		"UID=1000", "EUID=1000", "GID=1000", "PATH=/usr/local/bin:/usr/bin:/bin",
		"TERM=dumb", "LANG=C.UTF-8",
		// Only process substitution uses TMPDIR, and check refuses that;
		// a directory that cannot exist keeps it off the host regardless.
		"TMPDIR=/nonexistent/svcsim-tmp",
	)
	params := "+e"
	if opts.ExitOnError {
		params = "-e"
	}
	r, err := interp.New(
		interp.Env(environ),
		interp.Dir("/"),
		interp.StdIO(nil, s.out, s.err),
		interp.Params(params),
		interp.Interactive(interactive),
		interp.OpenHandler(s.fs.openHandler),
		interp.StatHandler(s.fs.statHandler),
		interp.ReadDirHandler2(s.fs.readDirHandler),
		interp.AccessHandler(s.fs.accessHandler),
		interp.CallHandler(s.call),
		interp.ExecHandlers(func(interp.ExecHandlerFunc) interp.ExecHandlerFunc { return s.exec }),
	)
	if err != nil {
		return nil, fmt.Errorf("script: starting the interpreter: %w", err)
	}
	s.readClock()
	// interp.Dir checks its directory on the host; ours exists only in
	// memory, so it is set after that check, before the first Reset.
	r.Dir = Home
	s.runner = r
	// $RANDOM draws from a seeded generator, the same in every run.
	if err := r.Run(context.Background(), assignRandom); err != nil {
		return nil, fmt.Errorf("script: seeding $RANDOM: %w", err)
	}
	return s, nil
}

var (
	assignRandom = mustParse("RANDOM=1")
	exitStmt     = mustParse("exit")
)

func mustParse(src string) *syntax.File {
	f, err := parser().Parse(strings.NewReader(src), "")
	if err != nil {
		panic(err)
	}
	return f
}

// run runs top-level statements of src one at a time. It reports whether
// the shell should stop (exit, or a failure under ExitOnError).
func (s *session) run(ctx context.Context, src []byte, stmts []*syntax.Stmt) (bool, error) {
	var from uint
	for _, st := range stmts {
		s.line = st.Pos().Line()
		if s.opts.Narrate {
			s.narrate(src[from:st.Pos().Offset()])
		}
		from = st.End().Offset()
		if s.opts.Echo {
			s.out.WriteString(s.prompt() + echoText(src, st) + "\n")
		}
		err := s.runner.Run(ctx, st)
		var status interp.ExitStatus
		switch {
		case err == nil:
			s.status = 0
		case errors.As(err, &status):
			s.status = int(status)
		case ctx.Err() != nil:
			return true, fmt.Errorf("script: %s:%d: %w", s.name, s.line, ctx.Err())
		default:
			return true, fmt.Errorf("script: %s:%d: %w", s.name, s.line, err)
		}
		if s.runner.Exited() {
			return true, nil
		}
		if err := s.between(); err != nil {
			return true, fmt.Errorf("script: %s:%d: after the command: %w", s.name, s.line, err)
		}
	}
	return false, nil
}

// narrate prints the "## " lines of the text between two commands.
func (s *session) narrate(gap []byte) {
	var said []string
	for _, line := range strings.Split(string(gap), "\n") {
		line = strings.TrimSpace(line)
		if line == "##" || strings.HasPrefix(line, "## ") {
			said = append(said, strings.TrimSpace(strings.TrimPrefix(line, "##")))
		}
	}
	if len(said) > 0 {
		s.out.WriteString("\n" + strings.Join(said, "\n") + "\n")
	}
}

// between is what happens between two top-level commands: the cluster
// settles, then a person takes Think to read and type.
func (s *session) between() error {
	s.sim.Lock()
	defer s.sim.Unlock()
	defer s.readClock()
	if !s.opts.NoSettle {
		if err := s.env.Settle(); err != nil {
			return err
		}
	}
	think := s.opts.Think
	if think == 0 {
		think = DefaultThink
	}
	if think > 0 {
		return s.env.Advance(think)
	}
	return nil
}

// readClock notes the simulation's clock for jq's now, which cannot take
// s.sim itself: in `kubectl get ... | jq`, kubectl may hold it while it
// waits for jq to read its output. Call it with s.sim held, or before the
// run starts; only simulation calls move the clock, and each calls it.
func (s *session) readClock() {
	if s.env.Now != nil {
		t := s.env.Now()
		s.clock.Store(&t)
	}
}

// finish ends a run that reached its end without exit (done false): it
// runs `exit`, keeping the last status, so an EXIT trap runs as it would
// at the end of a file.
func (s *session) finish(ctx context.Context, done bool) error {
	if !done {
		err := s.runner.Run(ctx, exitStmt)
		var status interp.ExitStatus
		if err != nil && !errors.As(err, &status) {
			return fmt.Errorf("script: %s: at exit: %w", s.name, err)
		}
	}
	return s.result()
}

func (s *session) result() error {
	if s.status == 0 {
		return nil
	}
	return &ExitError{Name: s.name, Line: s.line, Status: s.status}
}

// prompt expands \w in the prompt to the working directory.
func (s *session) prompt() string {
	if !strings.Contains(s.opts.Prompt, `\w`) {
		return s.opts.Prompt
	}
	dir := s.runner.Dir
	if dir == Home {
		dir = "~"
	} else if rest, ok := strings.CutPrefix(dir, Home+"/"); ok {
		dir = "~/" + rest
	}
	return strings.ReplaceAll(s.opts.Prompt, `\w`, dir)
}

// echoText is a statement's source as typed: its lines, here-documents
// included, with "> " before each line after the first.
func echoText(src []byte, st *syntax.Stmt) string {
	start, end := int(st.Pos().Offset()), int(st.End().Offset())
	if st.Semicolon.IsValid() && int(st.Semicolon.Offset()) == end-1 {
		end-- // "a; b" echoes as "a" then "b"
	}
	heredoc := false
	syntax.Walk(st, func(n syntax.Node) bool {
		if r, ok := n.(*syntax.Redirect); ok && r.Hdoc != nil {
			heredoc = true
			end = max(end, int(r.Hdoc.End().Offset()))
		}
		return true
	})
	end = min(end, len(src))
	if heredoc {
		// The body ends where the delimiter's line starts or ends; the
		// delimiter belongs to the transcript too.
		if i := bytes.IndexByte(src[end:], '\n'); i >= 0 {
			end += i
		} else {
			end = len(src)
		}
	}
	if start > end {
		return ""
	}
	return strings.ReplaceAll(strings.TrimRight(string(src[start:end]), " \t\n"), "\n", "\n> ")
}

// lockedWriter serialises writes: pipeline stages share stderr.
type lockedWriter struct {
	mu sync.Mutex
	w  io.Writer
}

func (l *lockedWriter) Write(b []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.w.Write(b)
}

func (l *lockedWriter) WriteString(s string) {
	_, _ = l.Write([]byte(s))
}

package script

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"
	"time"

	"mvdan.cc/sh/v3/interp"
)

// command is one program of the simulation's small userland.
type command func(c *cmdCtx) int

// commands are the programs a script can run besides the interpreter's
// builtins. Anything else is "command not found in the simulation".
var commands map[string]command

func init() {
	commands = map[string]command{
		"kubectl": (*cmdCtx).kubectl,
		"sleep":   (*cmdCtx).sleep,
		"cat":     (*cmdCtx).cat,
		"grep":    (*cmdCtx).grep,
		"wc":      (*cmdCtx).wc,
		"head":    (*cmdCtx).head,
		"tail":    (*cmdCtx).tail,
		"sort":    (*cmdCtx).sort,
		"uniq":    (*cmdCtx).uniq,
		"tr":      (*cmdCtx).tr,
		"cut":     (*cmdCtx).cut,
		"seq":     (*cmdCtx).seq,
		"mkdir":   (*cmdCtx).mkdir,
		"rm":      (*cmdCtx).rm,
		"touch":   (*cmdCtx).touch,
		"ls":      (*cmdCtx).ls,
		"jq":      (*cmdCtx).jq,
		"apt":     (*cmdCtx).apt,
		"apt-get": (*cmdCtx).apt,
		"clear":   func(*cmdCtx) int { return 0 },
	}
	for e := range editors {
		commands[e] = (*cmdCtx).editor
	}
}

// editors are the programs that only explain that editing is not
// simulated.
var editors = map[string]bool{"vi": true, "vim": true, "nvim": true, "nano": true, "pico": true, "emacs": true, "ed": true, "edit": true}

// cmdCtx is what a command runs with.
type cmdCtx struct {
	ctx   context.Context
	s     *session
	dir   string
	args  []string // args[0] is the command's name
	hc    interp.HandlerContext
	out   io.Writer
	err   io.Writer
	fatal error // stops the whole run: the cluster could not move on
}

func (c *cmdCtx) errorf(format string, a ...any) {
	fmt.Fprintf(c.err, c.args[0]+": "+format+"\n", a...)
}

// exec runs a command that is not a builtin or function. Nothing runs on
// the host: the simulation's own commands or "command not found".
func (s *session) exec(ctx context.Context, args []string) error {
	hc := interp.HandlerCtx(ctx)
	c := &cmdCtx{ctx: ctx, s: s, dir: hc.Dir, args: args, hc: hc, out: hc.Stdout, err: hc.Stderr}
	if c.out == nil {
		c.out = io.Discard
	}
	if c.err == nil {
		c.err = io.Discard
	}
	if args[0] == notSimulated {
		fmt.Fprintf(c.err, "svcsim: %s: %s\n", args[1], args[2])
		return interp.ExitStatus(2)
	}
	if args[0] == "sudo" {
		return s.sudo(ctx, c)
	}
	run, ok := commands[args[0]]
	if !ok {
		fmt.Fprintf(c.err, "svcsim: %s: command not found in the simulation\n", args[0])
		return interp.ExitStatus(127)
	}
	status := run(c)
	if c.fatal != nil {
		return c.fatal
	}
	if status != 0 {
		return interp.ExitStatus(uint8(status))
	}
	return nil
}

// kubectl hands the command to [Env.Kubectl], one simulation call at a
// time. Its input is read to the end first when kubectl would read it, so
// the stage that feeds it has finished; otherwise it reads nothing.
func (c *cmdCtx) kubectl() int {
	stdin := io.Reader(strings.NewReader(""))
	if readsStdin(c.args[1:]) {
		b, err := io.ReadAll(io.LimitReader(stdinOf(c.hc), MaxFileBytes+1))
		if err != nil {
			c.errorf("error reading standard input: %v", err)
			return 1
		}
		if len(b) > MaxFileBytes {
			c.errorf("error: standard input is larger than %d bytes", MaxFileBytes)
			return 1
		}
		stdin = bytes.NewReader(b)
	}
	call := Call{Args: c.args[1:], Stdin: stdin, Stdout: c.out, Stderr: c.err, Dir: c.dir, Files: c.s.fs}
	c.s.sim.Lock()
	code := c.s.env.Kubectl(call)
	c.s.readClock()
	c.s.sim.Unlock()
	if code < 0 || code > 255 {
		// An exit status is a byte; keep a failure a failure.
		return 255
	}
	return code
}

// readsStdin reports whether kubectl, given args, reads its standard
// input: a file named "-", or -i/--stdin (exec, run, attach).
func readsStdin(args []string) bool {
	for i, a := range args {
		if a == "--" {
			return false
		}
		switch {
		case a == "-f-" || a == "-f=-" || a == "--filename=-":
			return true
		case (a == "-f" || a == "--filename") && i+1 < len(args) && args[i+1] == "-":
			return true
		case a == "--stdin" || a == "--stdin=true" || a == "-i" || a == "-it" || a == "-ti":
			return true
		}
	}
	return false
}

// sleep advances virtual time by the sum of its arguments: seconds,
// fractions of them, a unit suffix s, m, h or d, or a Go duration.
func (c *cmdCtx) sleep() int {
	if len(c.args) < 2 {
		c.errorf("missing operand")
		return 1
	}
	var total time.Duration
	for _, a := range c.args[1:] {
		d, ok := parseSleep(a)
		if !ok || total > math.MaxInt64-d {
			c.errorf("invalid time interval '%s'", a)
			return 1
		}
		total += d
	}
	c.s.sim.Lock()
	err := c.s.env.Advance(total)
	c.s.readClock()
	c.s.sim.Unlock()
	if err != nil {
		c.fatal = fmt.Errorf("sleep %s: %w", total, err)
		return 1
	}
	return 0
}

func parseSleep(a string) (time.Duration, bool) {
	unit := time.Second
	num := a
	if n := len(a); n > 1 {
		switch a[n-1] {
		case 's':
			num = a[:n-1]
		case 'm':
			unit, num = time.Minute, a[:n-1]
		case 'h':
			unit, num = time.Hour, a[:n-1]
		case 'd':
			unit, num = 24*time.Hour, a[:n-1]
		}
	}
	if f, err := strconv.ParseFloat(num, 64); err == nil && !strings.ContainsAny(num, "xXpPnNiI_") {
		v := f * float64(unit)
		if f < 0 || math.IsNaN(v) || v >= math.MaxInt64 {
			return 0, false
		}
		return time.Duration(v), true
	}
	d, err := time.ParseDuration(a)
	if err != nil || d < 0 {
		return 0, false
	}
	return d, true
}

func (c *cmdCtx) editor() int {
	fmt.Fprintf(c.err, "svcsim: %s: editing files is not simulated; write the file with a here-document instead:\n"+
		"  cat > FILE <<'EOF'\n  ...\n  EOF\n", c.args[0])
	return 1
}

// files of the simulation's file system.

func (c *cmdCtx) mkdir() int {
	parents, names, ok := c.flags("p")
	if !ok {
		return 1
	}
	if len(names) == 0 {
		c.errorf("missing operand")
		return 1
	}
	status := 0
	for _, n := range names {
		if err := c.s.fs.mkdir(abs(c.dir, n), parents['p']); err != nil {
			c.errorf("cannot create directory '%s': %s", n, errText(err))
			status = 1
		}
	}
	return status
}

func (c *cmdCtx) rm() int {
	set, names, ok := c.flags("rRf")
	if !ok {
		return 1
	}
	if len(names) == 0 && !set['f'] {
		c.errorf("missing operand")
		return 1
	}
	status := 0
	for _, n := range names {
		err := c.s.fs.remove(abs(c.dir, n), set['r'] || set['R'])
		if err != nil && !(set['f'] && !c.s.fs.exists(abs(c.dir, n))) {
			c.errorf("cannot remove '%s': %s", n, errText(err))
			status = 1
		}
	}
	return status
}

func (c *cmdCtx) touch() int {
	_, names, ok := c.flags("")
	if !ok {
		return 1
	}
	status := 0
	for _, n := range names {
		if err := c.s.fs.write(abs(c.dir, n), nil, true); err != nil {
			c.errorf("cannot touch '%s': %s", n, errText(err))
			status = 1
		}
	}
	return status
}

func (c *cmdCtx) ls() int {
	set, names, ok := c.flags("1a")
	if !ok {
		return 1
	}
	_ = set
	if len(names) == 0 {
		names = []string{"."}
	}
	w := bufio.NewWriter(c.out)
	defer w.Flush()
	status := 0
	for i, n := range names {
		p := abs(c.dir, n)
		fi, err := c.s.fs.stat(p)
		if err != nil {
			c.errorf("cannot access '%s': %s", n, errText(err))
			status = 2
			continue
		}
		if !fi.IsDir() {
			fmt.Fprintln(w, n)
			continue
		}
		des, _ := c.s.fs.list(p)
		if len(names) > 1 {
			if i > 0 {
				fmt.Fprintln(w)
			}
			fmt.Fprintf(w, "%s:\n", n)
		}
		for _, de := range des {
			fmt.Fprintln(w, de.Name())
		}
	}
	return status
}

// flags splits c.args[1:] into single-letter flags from allowed and
// operands, as getopt does; "--" ends the flags. It reports an unknown
// flag on stderr.
func (c *cmdCtx) flags(allowed string) (map[byte]bool, []string, bool) {
	set := map[byte]bool{}
	var rest []string
	for i, a := range c.args[1:] {
		if a == "--" {
			rest = append(rest, c.args[i+2:]...)
			break
		}
		if len(a) < 2 || a[0] != '-' {
			rest = append(rest, a)
			continue
		}
		for j := 1; j < len(a); j++ {
			if !strings.ContainsRune(allowed, rune(a[j])) {
				c.errorf("invalid option -- '%c'", a[j])
				return nil, nil, false
			}
			set[a[j]] = true
		}
	}
	return set, rest, true
}

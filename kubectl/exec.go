package kubectl

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"sort"
	"strings"
)

// IO is where a command line reads its input (for `apply -f -`) and
// writes its output and its errors.
type IO struct {
	In  io.Reader
	Out io.Writer
	Err io.Writer
	// ReadFile reads a file a command names (`apply -f web.yaml`); nil
	// refuses every file, so only "-f -" works. svcsim run gives a
	// script's in-memory files here, never the host's.
	ReadFile func(name string) ([]byte, error)
	// ReadDir lists a directory a command names (`apply -f manifests/`),
	// sorted by name; nil (or an error) means the name is not a directory.
	ReadDir func(name string) ([]fs.DirEntry, error)
}

// command is one verb (or sub-verb) of kubectl's command line.
type command struct {
	name    string
	aliases []string
	short   string // one line for the help listing
	usage   string // the synopsis `kubectl help VERB` shows
	flags   []flagDef
	subs    []*command
	// run carries out the command; nil for a group such as `rollout`,
	// which only dispatches to its sub-verbs.
	run func(c *Client, x *call) error
}

// call is one command line being run: its streams, its words and flags.
type call struct {
	io    IO
	path  string // "kubectl get", for messages
	args  []string
	dash  int // positional arguments before "--"; -1 without "--"
	flags *flagValues
	ns    string // the namespace -n chose, or the client's
}

// exitError ends a command with a status once the command has printed
// what it had to say.
type exitError struct{ code int }

func (e *exitError) Error() string { return fmt.Sprintf("exit status %d", e.code) }

// errUsage is a command line kubectl refuses before doing anything; it
// prints the message and a pointer to the command's help.
type errUsage struct{ msg string }

func (e *errUsage) Error() string { return e.msg }

// usageErrorf builds the error kubectl's UsageErrorf gives.
func usageErrorf(format string, args ...any) error {
	return &errUsage{fmt.Sprintf(format, args...)}
}

// globalFlags are kubectl's persistent flags that svcsim honours.
var globalFlags = []flagDef{
	{name: "namespace", short: 'n', typ: stringFlag},
	{name: "help", short: 'h', typ: boolFlag},
}

// commands is kubectl's verb table. Each verb lives in a file of its own.
func commands() []*command {
	return []*command{
		getCommand(),
		describeCommand(),
		createCommand(),
		runCommand(),
		exposeCommand(),
		execCommand(),
		applyCommand(),
		deleteCommand(),
		labelCommand(),
		annotateCommand(),
		scaleCommand(),
		setCommand(),
		patchCommand(),
		rolloutCommand(),
	}
}

// Exec runs one kubectl command line, given without the leading "kubectl"
// (Exec(io, "get", "pods", "-o", "wide")), and returns kubectl's exit
// status: 0 on success, 1 when kubectl would fail. It writes what kubectl
// prints to io.Out and io.Err; a nil writer discards, a nil reader reads
// nothing.
func (c *Client) Exec(stdio IO, args ...string) int {
	c.check()
	if stdio.In == nil {
		stdio.In = strings.NewReader("")
	}
	if stdio.Out == nil {
		stdio.Out = io.Discard
	}
	if stdio.Err == nil {
		stdio.Err = io.Discard
	}
	cmd, path, rest, err := findCommand(args)
	if err != nil {
		return report(stdio.Err, "kubectl", err)
	}
	defs := append(append([]flagDef(nil), globalFlags...), cmd.flags...)
	pos, dash, fv, err := parseFlags(defs, rest)
	if err != nil {
		return report(stdio.Err, path, err)
	}
	if fv.Bool("help") || cmd.run == nil {
		printHelp(stdio.Out, path, cmd)
		return 0
	}
	k := *c
	k.Out = stdio.Out
	x := &call{io: stdio, path: path, args: pos, dash: dash, flags: fv, ns: c.Namespace()}
	if fv.Changed("namespace") {
		x.ns = fv.String("namespace")
	}
	return report(stdio.Err, path, cmd.run(&k, x))
}

// findCommand picks the verb and sub-verbs out of args, wherever flags
// sit among them, as cobra does; it returns the remaining words.
func findCommand(args []string) (*command, string, []string, error) {
	root := &command{name: "kubectl", subs: commands()}
	cmd, path := root, "kubectl"
	rest := append([]string(nil), args...)
	for {
		i := firstWord(rest)
		if i < 0 || (len(cmd.subs) == 0 && cmd != root) {
			break
		}
		sub := cmd.sub(rest[i])
		if sub == nil {
			if cmd == root {
				return nil, "", nil, fmt.Errorf("unknown command %q for %q", rest[i], path)
			}
			break
		}
		cmd, path = sub, path+" "+sub.name
		rest = append(rest[:i:i], rest[i+1:]...)
	}
	return cmd, path, rest, nil
}

// firstWord finds the first argument that is not a flag or a global
// flag's value, stopping at "--".
func firstWord(args []string) int {
	for i := 0; i < len(args); i++ {
		a := args[i]
		switch {
		case a == "--":
			return -1
		case a == "-n" || a == "--namespace":
			i++
		case len(a) > 1 && a[0] == '-':
		default:
			return i
		}
	}
	return -1
}

func (cmd *command) sub(name string) *command {
	for _, s := range cmd.subs {
		if s.name == name {
			return s
		}
		for _, a := range s.aliases {
			if a == name {
				return s
			}
		}
	}
	return nil
}

// printHelp lists a command's sub-verbs or shows its synopsis.
func printHelp(w io.Writer, path string, cmd *command) {
	if cmd.short != "" {
		fmt.Fprintf(w, "%s\n\n", cmd.short)
	}
	if len(cmd.subs) > 0 {
		fmt.Fprintln(w, "Available Commands:")
		subs := append([]*command(nil), cmd.subs...)
		sort.Slice(subs, func(i, j int) bool { return subs[i].name < subs[j].name })
		for _, s := range subs {
			fmt.Fprintf(w, "  %-14s %s\n", s.name, s.short)
		}
		fmt.Fprintln(w)
	}
	if cmd.usage != "" {
		fmt.Fprintf(w, "Usage:\n  %s\n", cmd.usage)
	} else {
		fmt.Fprintf(w, "Usage:\n  %s [flags] [options]\n", path)
	}
}

// report prints err as kubectl's CheckErr would and returns the exit
// status.
func report(w io.Writer, path string, err error) int {
	if err == nil {
		return 0
	}
	var exit *exitError
	if errors.As(err, &exit) {
		return exit.code
	}
	fmt.Fprint(w, errorText(path, err))
	return 1
}

// errorText renders an error in kubectl's words, ending in a newline:
// command-line mistakes point at the command's help, everything else is
// as [ErrorText] prints it.
func errorText(path string, err error) string {
	var fe *flagError
	var ue *errUsage
	switch {
	case errors.As(err, &fe):
		return fmt.Sprintf("error: %s\nSee '%s --help' for usage.\n", fe.msg, path)
	case errors.As(err, &ue):
		return fmt.Sprintf("error: %s\nSee '%s -h' for help and examples\n", ue.msg, path)
	}
	return ErrorText(err)
}

// Command svcsim runs shell scripts, and an interactive shell, against one
// simulated Kubernetes cluster: kubectl, sleep, jq and a small userland run
// inside the simulation, in virtual time, and nothing runs on the host.
//
// Usage:
//
//	svcsim run [flags] FILE...   run the scripts in order ("-" reads standard input)
//	svcsim shell [flags]         read commands from standard input at a svcsim$ prompt
//
// Flags:
//
//	--seed N            seed of every random choice (default 0)
//	--timing PROFILE    instant or realistic (default instant)
//	--nodes N           number of nodes (default 3)
//	--think DURATION    virtual time a person takes between commands (default 3s; 0 for none)
//	--files DIR         directory the scripts find as their home, read-only (default .)
//	--keep-going        run: go on after a failing command (also -continue)
//	--echo              run: print each command after the prompt (default true)
//	--narrate           run: print a script's "## " comment lines before the command they precede
//	--prompt TEXT       run: the prompt echoed commands follow (default "$ ")
//
// After each top-level command the cluster settles and the think time
// passes; sleep advances virtual time exactly. See package
// github.com/svcsim/svcsim/script for the details.
//
// svcsim run exits with the status of the first script that fails (as
// set -e would end it, unless --keep-going), 2 for a usage, syntax or
// configuration error, and 1 if the cluster fails to settle.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"os"
	"strings"
	"time"

	"github.com/svcsim/svcsim"
	"github.com/svcsim/svcsim/cluster"
	"github.com/svcsim/svcsim/script"
	"mvdan.cc/sh/v3/syntax"
)

func main() {
	os.Exit(run(os.Args[1:], os.Stdin, os.Stdout, os.Stderr))
}

const usage = `usage: svcsim run [flags] FILE...
       svcsim shell [flags]
Run 'svcsim run -h' or 'svcsim shell -h' for the flags.
`

// settings are the flags of both subcommands.
type settings struct {
	seed      uint64
	timing    string
	nodes     int
	think     time.Duration
	files     string
	keepGoing bool
	echo      bool
	narrate   bool
	prompt    string
}

// run is main without the process: it returns the exit status.
func run(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		fmt.Fprint(stderr, usage)
		return 2
	}
	cmd := args[0]
	if cmd == "help" || cmd == "-h" || cmd == "--help" {
		fmt.Fprint(stdout, usage)
		return 0
	}
	if cmd != "run" && cmd != "shell" {
		fmt.Fprintf(stderr, "svcsim: unknown command %q\n%s", cmd, usage)
		return 2
	}
	var st settings
	fl := flag.NewFlagSet("svcsim "+cmd, flag.ContinueOnError)
	fl.SetOutput(stderr)
	fl.Uint64Var(&st.seed, "seed", 0, "seed of every random choice")
	fl.StringVar(&st.timing, "timing", "instant", "timing profile: instant or realistic")
	fl.IntVar(&st.nodes, "nodes", 3, "number of nodes")
	fl.DurationVar(&st.think, "think", script.DefaultThink, "virtual time between commands (0 for none)")
	fl.StringVar(&st.files, "files", ".", "directory the scripts find as their home, read-only")
	if cmd == "run" {
		fl.BoolVar(&st.keepGoing, "keep-going", false, "go on after a failing command")
		fl.BoolVar(&st.keepGoing, "continue", false, "same as --keep-going")
		fl.BoolVar(&st.echo, "echo", true, "print each command after the prompt before running it")
		fl.BoolVar(&st.narrate, "narrate", false, `print a script's "## " comment lines before the command they precede`)
		fl.StringVar(&st.prompt, "prompt", "$ ", "the prompt echoed commands follow")
	}
	if err := fl.Parse(args[1:]); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
		return 2
	}
	if cmd == "run" && fl.NArg() == 0 {
		fmt.Fprintf(stderr, "svcsim run: no script given\n%s", usage)
		return 2
	}
	if cmd == "shell" && fl.NArg() > 0 {
		fmt.Fprintf(stderr, "svcsim shell: unexpected argument %q\n", fl.Arg(0))
		return 2
	}
	env, err := newEnv(st)
	if err != nil {
		fmt.Fprintf(stderr, "svcsim: %v\n", err)
		return 2
	}
	// The scripts of one run share their files, as scripts run one after
	// another share a disk.
	opts := script.Options{ExitOnError: !st.keepGoing, Echo: st.echo, Narrate: st.narrate, Prompt: st.prompt, Think: st.think, Workspace: script.NewWorkspace()}
	if st.think == 0 {
		opts.Think = -1 // the flag's 0 means none; the Options' zero means the default
	}
	ctx := context.Background()
	if cmd == "shell" {
		opts.Prompt, opts.ExitOnError = "", false // a prompt goes on after a failure
		return status(stderr, script.Shell(ctx, env, stdin, stdout, stderr, opts))
	}
	first := 0
	for _, name := range fl.Args() {
		src, err := open(name, stdin)
		if err != nil {
			fmt.Fprintf(stderr, "svcsim: %v\n", err)
			return 2
		}
		code := status(stderr, script.Run(ctx, env, name, src, stdout, stderr, opts))
		if code != 0 && first == 0 {
			first = code
		}
		if code != 0 && !st.keepGoing {
			break
		}
	}
	return first
}

// open opens a script: a file, or standard input for "-".
func open(name string, stdin io.Reader) (io.Reader, error) {
	if name == "-" {
		return stdin, nil
	}
	b, err := os.ReadFile(name)
	if err != nil {
		return nil, err
	}
	return strings.NewReader(string(b)), nil
}

// status turns what a script returned into an exit status, reporting
// anything but a plain non-zero exit.
func status(stderr io.Writer, err error) int {
	var exit *script.ExitError
	switch {
	case err == nil:
		return 0
	case errors.As(err, &exit):
		return exit.Status
	}
	fmt.Fprintf(stderr, "svcsim: %v\n", err)
	var perr syntax.ParseError
	if errors.Is(err, script.ErrUnsupported) || errors.As(err, &perr) {
		return 2
	}
	return 1
}

// newEnv builds the cluster the scripts run against and the Env that
// drives it.
func newEnv(st settings) (script.Env, error) {
	c, err := newCluster(st)
	if err != nil {
		return script.Env{}, err
	}
	var files fs.FS
	if st.files != "" {
		info, err := os.Stat(st.files)
		if err != nil || !info.IsDir() {
			return script.Env{}, fmt.Errorf("--files %s: not a directory", st.files)
		}
		files = os.DirFS(st.files)
	}
	return script.ClusterEnv(c, files), nil
}

// newCluster is the one place that turns flags into a cluster.
func newCluster(st settings) (*svcsim.Cluster, error) {
	var timing cluster.Timing
	switch st.timing {
	case "instant":
		timing = cluster.Instant()
	case "realistic":
		timing = cluster.Realistic()
	default:
		return nil, fmt.Errorf("--timing %q: want instant or realistic", st.timing)
	}
	if st.nodes <= 0 {
		return nil, fmt.Errorf("--nodes %d: want at least 1", st.nodes)
	}
	return svcsim.New(svcsim.Config{Seed: st.seed, Nodes: st.nodes, Timing: timing})
}

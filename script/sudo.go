package script

import (
	"context"
	"fmt"
	"strings"

	"mvdan.cc/sh/v3/interp"
)

// sudo and apt: lab instructions say `sudo apt install jq` before using
// jq. The simulation has one user, who may do everything, and its
// programs cannot be added to; so sudo runs its command as it is, and apt
// says whether the program is already here. Neither touches the host.

// sudoBuiltins are the builtins that are also programs in /bin, which
// sudo can run: sudo runs programs, never the shell's own builtins
// (`sudo cd` fails on a real system too).
var sudoBuiltins = map[string]bool{"echo": true, "printf": true, "true": true, "false": true, "test": true, "[": true, "pwd": true}

// sudo runs the command after sudo's options as the simulation's only
// user: a simulation command, or a builtin that is also a program.
func (s *session) sudo(ctx context.Context, c *cmdCtx) error {
	fail := func(status uint8, format string, a ...any) error {
		fmt.Fprintf(c.err, format+"\n", a...)
		return interp.ExitStatus(status)
	}
	const usage = "usage: sudo [-EHkSn] [-u user] [-g group] command [arg ...]"
	args := c.args[1:]
	shell := false
	for len(args) > 0 && strings.HasPrefix(args[0], "-") && args[0] != "-" {
		a := args[0]
		args = args[1:]
		if a == "--" {
			break
		}
		switch a {
		case "--preserve-env", "--set-home", "--non-interactive", "--stdin", "--login", "--shell", "--reset-timestamp":
			shell = shell || a == "--login" || a == "--shell"
			continue
		case "--user", "--group":
			if len(args) == 0 {
				return fail(1, "sudo: option '%s' requires an argument\n%s", a, usage)
			}
			if err := sudoTarget(a == "--user", args[0]); err != "" {
				return fail(1, "sudo: %s", err)
			}
			args = args[1:]
			continue
		}
		if strings.HasPrefix(a, "--") {
			return fail(1, "sudo: unrecognized option '%s'\n%s", a, usage)
		}
		for j := 1; j < len(a); j++ {
			switch f := a[j]; f {
			case 'E', 'H', 'k', 'S', 'n', 'P':
			case 'i', 's':
				shell = true
			case 'u', 'g':
				v := a[j+1:]
				if v == "" {
					if len(args) == 0 {
						return fail(1, "sudo: option requires an argument -- '%c'\n%s", f, usage)
					}
					v, args = args[0], args[1:]
				}
				if err := sudoTarget(f == 'u', v); err != "" {
					return fail(1, "sudo: %s", err)
				}
				j = len(a)
			case 'v', 'K':
				// Refresh or forget cached credentials: there are none.
				if len(args) == 0 && j == len(a)-1 {
					return nil
				}
			case 'b':
				return fail(2, "svcsim: sudo: -b runs the command in the background, which is not supported in the simulation")
			default:
				return fail(1, "sudo: invalid option -- '%c'\n%s", f, usage)
			}
		}
	}
	if len(args) == 0 {
		if shell {
			return fail(1, "svcsim: sudo: a root shell is not simulated; you already are the only user, run the commands directly")
		}
		return fail(1, "%s", usage)
	}
	if sudoBuiltins[args[0]] {
		return c.hc.Builtin(ctx, args)
	}
	return s.exec(ctx, args)
}

// sudoTarget checks the user (or group) sudo is to run as: the
// simulation has root and svcsim, both the one user who may do
// everything. It returns sudo's complaint, or "".
func sudoTarget(user bool, name string) string {
	switch name {
	case "root", "#0", "svcsim", "#1000":
		return ""
	}
	if user {
		return "unknown user " + name
	}
	return "unknown group " + name
}

// apt (and apt-get) install nothing: `apt install X` says that X is
// already here when the simulation has a command X, and fails as apt does
// for a package it cannot find otherwise; update and upgrade do nothing.
func (c *cmdCtx) apt() int {
	var op string
	var pkgs []string
	for _, a := range c.args[1:] {
		switch {
		case strings.HasPrefix(a, "-"):
			// -y, -q, --no-install-recommends, ...: nothing to ask or
			// fetch, so they change nothing.
		case op == "":
			op = a
		default:
			pkgs = append(pkgs, a)
		}
	}
	switch op {
	case "":
		fmt.Fprintf(c.err, "%s: a command is required: install, update or upgrade (nothing is installed in the simulation)\n", c.args[0])
		return 1
	case "update", "upgrade", "full-upgrade", "dist-upgrade", "autoremove", "autoclean", "clean":
		// The simulation's programs are all there is, and up to date.
		return 0
	case "install", "reinstall":
		status := 0
		for _, p := range pkgs {
			name, _, _ := strings.Cut(p, "=") // jq=1.7.1-3 names a version
			if available(name) {
				fmt.Fprintf(c.out, "%s is already available in the simulation.\n", name)
				continue
			}
			fmt.Fprintf(c.err, "E: Unable to locate package %s (packages cannot be installed in the simulation)\n", p)
			status = 100
		}
		return status
	case "remove", "purge":
		for _, p := range pkgs {
			if !available(p) {
				fmt.Fprintf(c.err, "E: Unable to locate package %s\n", p)
				return 100
			}
		}
		if len(pkgs) > 0 {
			fmt.Fprintf(c.err, "E: %s cannot be removed from the simulation\n", strings.Join(pkgs, ", "))
			return 100
		}
		return 0
	}
	fmt.Fprintf(c.err, "E: Invalid operation %s\n", op)
	return 100
}

// available reports whether the simulation has the program name: one of
// its commands, other than the editors that only explain themselves.
func available(name string) bool {
	switch name {
	case "sudo":
		return true
	}
	_, ok := commands[name]
	return ok && !editors[name]
}

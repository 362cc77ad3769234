// Package script runs shell scripts, as a person would type them at a
// terminal, against one simulated cluster. The shell is a real POSIX (and
// bash) interpreter, mvdan.cc/sh/v3: variables, $(...), word splitting,
// pipes, here-documents, if/for/while, functions and set -e behave as in
// bash. What it runs is the simulation's: nothing is ever executed on the
// host, and no host file is read or written.
//
// # Usage
//
//	c, err := svcsim.New(svcsim.Config{Seed: 1})
//	...
//	env := script.ClusterEnv(c, os.DirFS("lab"))
//	err = script.Run(ctx, env, "lab.sh", strings.NewReader(src), os.Stdout, os.Stderr,
//		script.Options{ExitOnError: true, Echo: true})
//
// [ClusterEnv] is the one call that wires a script to a cluster, as svcsim
// run and the lessons do. Underneath, [Env] is a few functions and a file
// system, so the shell itself knows nothing of how the cluster is built:
// `kubectl ARGS` calls [Env.Kubectl], `sleep N` calls [Env.Advance],
// [Env.Settle] runs between commands and jq's now reads [Env.Now]; tests
// can pass functions of their own.
//
// # Time between commands
//
// Virtual time moves only when the script makes it, in three ways:
//
//   - After each top-level command (each command of the script's outermost
//     list: a line, or each part of `a; b`, with a whole `a && b`, loop or
//     function definition counting as one) the cluster settles: it runs
//     until nothing is left to happen, however much virtual time that takes
//     (containers start, a deleted pod finishes its grace period, a rollout
//     completes). Then [Options.Think] passes, [DefaultThink] unless set:
//     the time a person takes to read the output and type the next command.
//     So a `kubectl get` sees the cluster the previous command left, at
//     rest, a few seconds later, and AGE grows by a few seconds a command,
//     as it does in the lab's transcripts.
//   - `sleep N` advances exactly N (seconds, fractions of them, a suffix s,
//     m, h or d, or a Go duration such as 1m30s), running what falls due.
//   - Nothing else: the commands inside one top-level command see each
//     other's effects at the same instant, unsettled. To watch a change
//     happen, put the commands in one list (`kubectl scale ... && kubectl
//     get po`) or set [Options.NoSettle] and use sleep.
//
// # Commands
//
// Besides the interpreter's builtins (echo, printf, test, [, read, export,
// set, cd, pwd, true, false, ...), the simulation has these commands, and
// no others:
//
//   - kubectl, sleep, jq, sudo, apt and apt-get;
//   - small versions of cat, grep (-v, -c, -i, -q, -n, -w, -e, -E, -F),
//     wc, head, tail, sort (-r, -n, -u), uniq (-c), tr (-d), cut (-d, -f,
//     -c), seq, mkdir (-p), rm (-r, -f), touch, ls and clear;
//   - editors (vi, vim, nvim, nano, pico, emacs, ed, edit), which explain
//     that editing is not simulated and fail.
//
// Anything else, a path such as /bin/ls included, fails with status 127
// and "svcsim: NAME: command not found in the simulation".
//
// # jq
//
// jq is jq 1.7's command line over gojq (github.com/itchyny/gojq), a Go
// implementation of the jq language: `kubectl get po web -o json | jq -r
// '.status | .podIP, .hostIP'` works as in a lab. It reads standard input
// or files of the script's file system, and takes -n, -r, -j, -c, -s, -R,
// -e, -a, -S, -f, --tab, --indent, --arg, --argjson, --rawfile,
// --slurpfile, --args, --jsonargs and --raw-output0 (-C and -M are
// accepted; output is never coloured). It prints as jq 1.7 does (two-space
// indentation, numbers in jq's shortest form, an input number's literal
// kept) and exits as jq does: 5 for an error the filter does not catch
// ("jq: error (at <stdin>:N): ...") or input that is not JSON ("jq: parse
// error: ..."), 3 for a filter that does not compile, 2 for a usage
// mistake or a file that cannot be read, and with -e 1 when the last
// result is false or null, 4 when there is none. Like any exit status, it
// is that of the last input jq read.
//
// The filter sees nothing of the host: $ENV and env hold the script's
// exported variables; now is the simulation's clock ([Env.Now]) and local
// time is UTC; import and include find no module; input_filename names the
// script's files. Known differences from jq 1.7: gojq's, that an object's
// keys are printed sorted, as with -S, where jq keeps their input order,
// and that some runtime errors are worded differently ("expected an object
// but got: number (1)" for jq's "Cannot index number with \"b\""); and
// ours, that --stream, --seq and -L are refused with status 2.
//
// # sudo and apt
//
// The simulation has one user, who may do everything, and its programs
// are all it has. `sudo CMD ...` runs CMD (a simulation command, or echo,
// printf, test, [, true, false or pwd) as it is; sudo's -u and -g accept
// root and svcsim only. `apt install X ...` (or apt-get) prints that X is
// already available in the simulation when the simulation has a command X,
// and otherwise fails, as apt does for a package it cannot find, with
// status 100; `apt update` and `apt upgrade` do nothing. Neither ever
// reaches the host.
//
// # Files
//
// Each run has a file system of its own, in memory: redirections (`>`,
// `>>`, `<`), cat, kubectl -f and globs all use it. It starts with the
// directories /, /home, [Home], /tmp and /dev (/dev/null and friends work),
// and [Env.Files], read-only, at [Home], where the script starts. Writes go
// to memory, at most [MaxFileBytes] in all; they are gone when the run
// ends.
//
// # Refused constructs
//
// A few things would reach the host or make a run depend on goroutine
// scheduling or the wall clock; [Run] refuses the whole script with an
// [*UnsupportedError] before running any of it: process substitution
// <(...), background jobs (&), coproc, time, and $$, $PPID, $BASHPID and
// $SRANDOM. At run time, source and ., type, hash and command -v fail with
// status 2, as do eval, trap and alias with text holding a refused
// construct. $RANDOM is seeded, the same in every run.
//
// # Pipelines and determinism
//
// The interpreter runs the stages of a pipeline concurrently, each in a
// goroutine, as a shell runs processes. The simulation is not safe for
// concurrent use, so [Env]'s functions are called under one lock, one at a
// time. kubectl reads its standard input to the end before it is called
// when its arguments say it reads it (-f -, -i), so in `cat <<EOF | kubectl
// apply -f -` the manifest is complete, and the stage before has finished,
// when kubectl runs. Two simulation commands in one pipeline that do not
// feed each other, as in `kubectl delete po x | kubectl get po`, run in an
// order the scheduler picks, just as in a real shell; avoid that, and a
// script's run, output and trace are the same every time.
package script

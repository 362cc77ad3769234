package kubectl

import (
	"errors"
	"fmt"
	"io"
	"net/netip"
	"path"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/svcsim/svcsim/cluster"
	"github.com/svcsim/svcsim/dns"
)

// toolFor returns the command svcsim runs inside a pod under name, or
// nil.
func toolFor(name string) func(sh *podShell, args []string) (int, error) {
	switch name {
	case "wget":
		return (*podShell).wget
	case "curl":
		return (*podShell).curl
	case "nslookup":
		return (*podShell).nslookup
	case "hostname":
		return (*podShell).hostname
	case "cat":
		return (*podShell).cat
	case "env":
		return (*podShell).env
	case "printenv":
		return (*podShell).printenv
	case "echo":
		return (*podShell).echo
	case "sleep":
		return (*podShell).sleep
	case "true":
		return func(*podShell, []string) (int, error) { return 0, nil }
	case "false":
		return func(*podShell, []string) (int, error) { return 1, nil }
	case "sh":
		return (*podShell).sh
	}
	return nil
}

// simulated reports whether svcsim can run the command (a name or a
// path) inside a pod.
func simulated(cmd string) bool { return toolFor(path.Base(cmd)) != nil }

// Images whose contents svcsim knows: which commands are on their PATH.
// A command missing from a known image is "executable file not found",
// as it would be; an image svcsim does not know gets every command it
// simulates, since it cannot tell.
var (
	busyboxCmds = []string{"wget", "nslookup", "hostname", "cat", "env", "printenv", "echo", "sleep", "true", "false",
		"sh", "ash", "ls", "ps", "ping", "top", "vi", "mkdir", "rm", "cp", "mv", "grep", "sed", "awk", "head", "tail",
		"date", "id", "kill", "netstat", "nc", "traceroute", "ip", "ifconfig", "telnet", "whoami", "uname", "df", "du"}
	debianCmds = []string{"hostname", "cat", "env", "printenv", "echo", "sleep", "true", "false", "sh", "bash", "dash",
		"ls", "mkdir", "rm", "cp", "mv", "grep", "sed", "head", "tail", "date", "id", "kill", "whoami", "uname", "df", "du"}
	imageCmds = map[string][]string{
		"busybox":         busyboxCmds,
		"alpine":          busyboxCmds,
		"curlimages/curl": append(slices.Clone(busyboxCmds), "curl"),
		"nginx":           append(slices.Clone(debianCmds), "curl"),
		"httpd":           debianCmds,
	}
)

// imageRepo is an image's repository without registry, tag or digest:
// "docker.io/library/busybox:1.27" -> "busybox".
func imageRepo(image string) string {
	repo, _, _ := strings.Cut(image, "@")
	if i := strings.LastIndexByte(repo, ':'); i > strings.LastIndexByte(repo, '/') {
		repo = repo[:i]
	}
	repo = strings.TrimPrefix(repo, "docker.io/")
	return strings.TrimPrefix(repo, "library/")
}

// oldBusybox reports whether the image's busybox is 1.27 or older, the
// lab's, whose wget and nslookup print differently from later ones.
func (sh *podShell) oldBusybox() bool {
	if imageRepo(sh.ctr.Image) != "busybox" {
		return false
	}
	_, tag, _ := strings.Cut(strings.TrimPrefix(sh.ctr.Image, imageRepo(sh.ctr.Image)), ":")
	var major, minor int
	if n, _ := fmt.Sscanf(tag, "%d.%d", &major, &minor); n < 2 {
		return false
	}
	return major < 1 || major == 1 && minor <= 27
}

// run runs one command line.
func (sh *podShell) run(argv []string) (int, error) {
	name := path.Base(argv[0])
	cmds, known := imageCmds[imageRepo(sh.ctr.Image)]
	exists := slices.Contains(cmds, name)
	if !known {
		exists = toolFor(name) != nil || slices.Contains(busyboxCmds, name) || slices.Contains(debianCmds, name)
	}
	tool := toolFor(name)
	switch {
	case !exists && sh.nested:
		fmt.Fprintf(sh.err, "sh: %s: not found\n", argv[0])
		return 127, nil
	case !exists:
		return 0, &errNotFound{argv[0]}
	case tool == nil:
		return 0, fmt.Errorf("svcsim does not simulate %q inside pods; kubectl exec runs wget, curl, nslookup, hostname, cat, env, printenv, echo, sleep, true, false and sh -c", argv[0])
	}
	return tool(sh, argv[1:])
}

// hostname prints the pod's host name: spec.hostname, or its name.
func (sh *podShell) hostname(args []string) (int, error) {
	fmt.Fprintln(sh.out, sh.podHostname())
	return 0, nil
}

func (sh *podShell) podHostname() string {
	if sh.pod.Spec.Hostname != "" {
		return sh.pod.Spec.Hostname
	}
	return sh.pod.Name
}

// serviceIP is a Service's cluster IP.
func serviceIP(o cluster.Object) string {
	if svc, ok := o.(*cluster.Service); ok {
		return svc.Spec.ClusterIP
	}
	return ""
}

// addIP returns the IPv4 address n past ip.
func addIP(ip string, n int) (string, bool) {
	a, err := netip.ParseAddr(ip)
	if err != nil || !a.Is4() {
		return "", false
	}
	for range n {
		a = a.Next()
	}
	return a.String(), a.IsValid()
}

// dnsServer is the cluster DNS Service's address as kubeadm sets it: the
// tenth address of the Service range, nine past the kubernetes Service's.
func (sh *podShell) dnsServer() string {
	ip := "10.96.0.10"
	if o, ok := sh.c.s.Get(cluster.KindService, "default", "kubernetes"); ok {
		if a, ok := addIP(serviceIP(o), 9); ok {
			ip = a
		}
	}
	return ip
}

// zone is the cluster domain the pod's resolver searches.
func (sh *podShell) zone() string {
	if sh.c.dns != nil {
		return strings.TrimSuffix(sh.c.dns.Zone(), ".")
	}
	return "cluster.local"
}

// files are the files the kubelet writes into every container.
func (sh *podShell) file(name string) (string, bool) {
	switch path.Clean(name) {
	case "/etc/resolv.conf":
		search := dns.SearchPath(sh.pod.Namespace, sh.zone())
		for i := range search {
			search[i] = strings.TrimSuffix(search[i], ".")
		}
		return "search " + strings.Join(search, " ") + "\nnameserver " + sh.dnsServer() + "\noptions ndots:5\n", true
	case "/etc/hostname":
		return sh.podHostname() + "\n", true
	case "/etc/hosts":
		return "# Kubernetes-managed hosts file.\n127.0.0.1\tlocalhost\n::1\tlocalhost ip6-localhost ip6-loopback\n" +
			"fe00::0\tip6-localnet\nfe00::0\tip6-mcastprefix\nfe00::1\tip6-allnodes\nfe00::2\tip6-allrouters\n" +
			sh.pod.Status.PodIP + "\t" + sh.podHostname() + "\n", true
	}
	return "", false
}

// cat prints the files the kubelet writes (resolv.conf, hosts,
// hostname), or with no file what -i passes in.
func (sh *podShell) cat(args []string) (int, error) {
	if len(args) == 0 || len(args) == 1 && args[0] == "-" {
		if sh.in != nil {
			_, _ = io.Copy(sh.out, sh.in)
		}
		return 0, nil
	}
	code := 0
	for _, a := range args {
		body, ok := sh.file(a)
		if !ok {
			if !sh.busybox() {
				fmt.Fprintf(sh.err, "cat: %s: No such file or directory\n", a)
			} else {
				fmt.Fprintf(sh.err, "cat: can't open '%s': No such file or directory\n", a)
			}
			code = 1
			continue
		}
		fmt.Fprint(sh.out, body)
	}
	return code, nil
}

// busybox reports whether the image's tools are busybox's.
func (sh *podShell) busybox() bool {
	cmds, known := imageCmds[imageRepo(sh.ctr.Image)]
	return !known || slices.Contains(cmds, "wget")
}

// environ is the container's environment as its process sees it: the
// image's PATH, HOSTNAME, what Kubernetes sets (the container's own
// variables and those of the Services that existed when it started), HOME.
func (sh *podShell) environ() []string {
	env := []string{"PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin", "HOSTNAME=" + sh.podHostname()}
	vars, _ := sh.c.s.ContainerEnv(sh.pod.Namespace, sh.pod.Name, sh.ctr.Name)
	for _, v := range vars {
		env = append(env, v.Name+"="+v.Value)
	}
	return append(env, "HOME=/root")
}

func (sh *podShell) env(args []string) (int, error) {
	if len(args) > 0 {
		return 0, errors.New("svcsim simulates env without arguments only")
	}
	for _, e := range sh.environ() {
		fmt.Fprintln(sh.out, e)
	}
	return 0, nil
}

// printenv prints the whole environment, or the named variables' values;
// one missing makes it exit 1.
func (sh *podShell) printenv(args []string) (int, error) {
	if len(args) == 0 {
		return sh.env(nil)
	}
	code := 0
	for _, name := range args {
		v, ok := sh.lookupEnv(name)
		if !ok {
			code = 1
			continue
		}
		fmt.Fprintln(sh.out, v)
	}
	return code, nil
}

func (sh *podShell) lookupEnv(name string) (string, bool) {
	for _, e := range sh.environ() {
		if k, v, _ := strings.Cut(e, "="); k == name {
			return v, true
		}
	}
	return "", false
}

func (sh *podShell) echo(args []string) (int, error) {
	newline := true
	if len(args) > 0 && args[0] == "-n" {
		newline, args = false, args[1:]
	}
	fmt.Fprint(sh.out, strings.Join(args, " "))
	if newline {
		fmt.Fprintln(sh.out)
	}
	return 0, nil
}

// sleep waits in virtual time: the cluster goes on meanwhile.
func (sh *podShell) sleep(args []string) (int, error) {
	if len(args) != 1 {
		fmt.Fprintln(sh.err, "sleep: missing operand")
		return 1, nil
	}
	secs, err := strconv.ParseFloat(args[0], 64)
	if err != nil || secs < 0 || secs > maxSleep.Seconds() {
		fmt.Fprintf(sh.err, "sleep: invalid number '%s'\n", args[0])
		return 1, nil
	}
	if err := sh.c.s.RunFor(time.Duration(secs * float64(time.Second))); err != nil {
		return 0, err
	}
	return 0, nil
}

// maxSleep bounds a sleep inside a pod to a day of virtual time.
const maxSleep = 24 * time.Hour

// sh runs `sh -c 'COMMAND ARGS'`: one simple command, its words split as
// the shell splits them, with $VAR and ${VAR} taken from the container's
// environment. Pipes, lists and redirections are beyond it, and so is an
// interactive shell, which would need a terminal.
func (sh *podShell) sh(args []string) (int, error) {
	if len(args) < 2 || args[0] != "-c" {
		return 0, errors.New("svcsim has no terminal to run an interactive shell in a pod: give the command itself, `kubectl exec POD -- wget -qO- URL`, or one command with sh -c")
	}
	words, err := shellWords(args[1], sh.lookupEnv)
	if err != nil {
		return 0, err
	}
	if len(words) == 0 {
		return 0, nil
	}
	inner := *sh
	inner.nested = true
	return inner.run(words)
}

// shellWords splits a simple command as sh does: blanks separate words,
// quotes group them, $VAR expands outside single quotes.
func shellWords(s string, lookup func(string) (string, bool)) ([]string, error) {
	var words []string
	var cur strings.Builder
	inWord := false
	var quote byte
	for i := 0; i < len(s); i++ {
		ch := s[i]
		switch {
		case quote == '\'':
			if ch == '\'' {
				quote = 0
			} else {
				cur.WriteByte(ch)
			}
		case ch == '\'' || ch == '"':
			if quote == ch {
				quote = 0
			} else if quote == 0 {
				quote = ch
			} else {
				cur.WriteByte(ch)
			}
			inWord = true
		case ch == '\\' && i+1 < len(s):
			i++
			cur.WriteByte(s[i])
			inWord = true
		case ch == '$':
			n, val := expandVar(s[i+1:], lookup)
			if n == 0 {
				cur.WriteByte(ch)
			}
			cur.WriteString(val)
			i += n
			inWord = true
		case quote == 0 && (ch == ' ' || ch == '\t' || ch == '\n'):
			if inWord {
				words = append(words, cur.String())
				cur.Reset()
				inWord = false
			}
		case quote == 0 && strings.IndexByte("|&;<>()`", ch) >= 0:
			return nil, fmt.Errorf("svcsim's sh -c runs one simple command; %q needs a real shell", string(ch))
		default:
			cur.WriteByte(ch)
			inWord = true
		}
	}
	if quote != 0 {
		return nil, errors.New("sh: syntax error: unterminated quoted string")
	}
	if inWord {
		words = append(words, cur.String())
	}
	return words, nil
}

// expandVar reads a variable reference after "$": NAME or {NAME}. It
// returns how many bytes it used (0 if none) and the value.
func expandVar(s string, lookup func(string) (string, bool)) (int, string) {
	if strings.HasPrefix(s, "{") {
		end := strings.IndexByte(s, '}')
		if end < 0 {
			return 0, ""
		}
		v, _ := lookup(s[1:end])
		return end + 1, v
	}
	n := 0
	for n < len(s) && (s[n] == '_' || s[n] >= 'a' && s[n] <= 'z' || s[n] >= 'A' && s[n] <= 'Z' || n > 0 && s[n] >= '0' && s[n] <= '9') {
		n++
	}
	if n == 0 {
		return 0, ""
	}
	v, _ := lookup(s[:n])
	return n, v
}

package kubectl

import (
	"errors"
	"fmt"
	"net/http"
	"path"
	"strconv"
	"strings"
	"time"

	"github.com/svcsim/svcsim/proxy"
)

// errNoNetwork is a network command run by a client that was given no
// network.
var errNoNetwork = errors.New("svcsim: this client has no network to run the command on: make it with svcsim.New(...).Kubectl(namespace), or give it one with Client.WithNetwork")

// kernelConnectTimeout is how long Linux keeps retrying a connection that
// gets no answer (6 SYN retries) before connect fails with ETIMEDOUT:
// what a client with no timeout of its own waits.
const kernelConnectTimeout = 127 * time.Second

// urlHost splits what a client was asked to fetch into the host and port
// it connects to, as wget and curl print them.
func urlHost(u string) (string, int32) {
	rest, port := u, int32(80)
	if scheme, r, ok := strings.Cut(rest, "://"); ok {
		rest = r
		if strings.EqualFold(scheme, "https") {
			port = 443
		}
	}
	if i := strings.IndexAny(rest, "/?#"); i >= 0 {
		rest = rest[:i]
	}
	if h, p, ok := strings.Cut(rest, ":"); ok {
		if n, err := strconv.Atoi(p); err == nil {
			port = int32(n)
		}
		rest = h
	}
	return rest, port
}

// fetch sends one GET from the pod and runs the simulation until it ends.
func (sh *podShell) fetch(url string, timeout time.Duration) (proxy.Response, error) {
	if sh.c.proxies == nil {
		return proxy.Response{}, errNoNetwork
	}
	return sh.c.proxies.Do(proxy.Request{From: proxy.FromPod(sh.pod.Namespace, sh.pod.Name), URL: url, Timeout: timeout})
}

// wgetOpts is a busybox wget command line.
type wgetOpts struct {
	quiet, spider, headers bool
	output                 string // -O; "" to save under the URL's name
	timeout                time.Duration
	urls                   []string
}

// wgetUsage is the head of busybox wget's help, which it prints after a
// mistake on its command line.
const wgetUsage = `BusyBox v1.27.2 (2017-12-12 10:41:50 UTC) multi-call binary.

Usage: wget [-c|--continue] [--spider] [-q|--quiet] [-O|--output-document FILE]
	[--header 'header: value'] [-Y|--proxy on/off] [-P DIR]
	[-S|--server-response] [-U|--user-agent AGENT] [-T SEC] URL...

Retrieve files via HTTP or FTP
`

// parseWget reads wget's options as busybox's getopt does: short ones
// bundled (-qO-), long ones with "=" or a separate value, URLs anywhere.
func parseWget(args []string) (*wgetOpts, string) {
	o := &wgetOpts{}
	withValue := map[string]bool{"O": true, "o": true, "P": true, "Y": true, "U": true, "T": true,
		"output-document": true, "directory-prefix": true, "proxy": true, "user-agent": true, "timeout": true,
		"header": true, "post-data": true}
	long := map[string]string{"quiet": "q", "spider": "spider", "continue": "c", "server-response": "S",
		"output-document": "O", "directory-prefix": "P", "proxy": "Y", "user-agent": "U", "timeout": "T",
		"header": "header", "post-data": "post-data", "no-check-certificate": "no-check-certificate"}
	set := func(opt, val string) string {
		switch opt {
		case "q":
			o.quiet = true
		case "spider":
			o.spider = true
		case "S":
			o.headers = true
		case "O":
			o.output = val
		case "T":
			n, err := strconv.ParseUint(val, 10, 32)
			if err != nil || n > uint64(proxy.MaxTimeout/time.Second) {
				return fmt.Sprintf("wget: invalid number '%s'\n", val)
			}
			o.timeout = time.Duration(n) * time.Second
		}
		return ""
	}
	for i := 0; i < len(args); i++ {
		a := args[i]
		switch {
		case a == "--":
			o.urls = append(o.urls, args[i+1:]...)
			return o, ""
		case strings.HasPrefix(a, "--"):
			name, val, hasVal := strings.Cut(a[2:], "=")
			opt, ok := long[name]
			if !ok {
				return nil, fmt.Sprintf("wget: unrecognized option '%s'\n%s", a, wgetUsage)
			}
			if withValue[name] && !hasVal {
				if i+1 >= len(args) {
					return nil, fmt.Sprintf("wget: option '--%s' requires an argument\n%s", name, wgetUsage)
				}
				i++
				val = args[i]
			}
			if msg := set(opt, val); msg != "" {
				return nil, msg
			}
		case len(a) > 1 && a[0] == '-':
			for j := 1; j < len(a); j++ {
				opt := a[j : j+1]
				if !strings.Contains("cqSsOoPYUT", opt) {
					return nil, fmt.Sprintf("wget: invalid option -- '%s'\n%s", opt, wgetUsage)
				}
				if opt == "s" {
					opt = "spider"
				}
				val := ""
				if withValue[opt] {
					switch {
					case j+1 < len(a):
						val = a[j+1:]
					case i+1 < len(args):
						i++
						val = args[i]
					default:
						return nil, fmt.Sprintf("wget: option requires an argument -- '%s'\n%s", opt, wgetUsage)
					}
					j = len(a)
				}
				if msg := set(opt, val); msg != "" {
					return nil, msg
				}
			}
		default:
			o.urls = append(o.urls, a)
		}
	}
	return o, ""
}

// wget is busybox's wget: "Connecting to HOST (IP:PORT)", a progress line
// and the body, or its error and exit status 1.
func (sh *podShell) wget(args []string) (int, error) {
	o, msg := parseWget(args)
	if msg != "" {
		fmt.Fprint(sh.err, msg)
		return 1, nil
	}
	if len(o.urls) == 0 {
		fmt.Fprint(sh.err, wgetUsage)
		return 1, nil
	}
	for _, u := range o.urls {
		if code, err := sh.wgetOne(o, u); code != 0 || err != nil {
			return code, err
		}
	}
	return 0, nil
}

func (sh *podShell) wgetOne(o *wgetOpts, url string) (int, error) {
	timeout := o.timeout
	if timeout == 0 {
		timeout = kernelConnectTimeout
	}
	resp, err := sh.fetch(url, timeout)
	host, port := urlHost(url)
	switch {
	case errors.Is(err, proxy.ErrInvalidURL):
		if scheme, _, ok := strings.Cut(url, "://"); ok && !strings.EqualFold(scheme, "http") && !strings.EqualFold(scheme, "https") {
			fmt.Fprintf(sh.err, "wget: not an http or ftp url: %s\n", url)
		} else {
			fmt.Fprintf(sh.err, "wget: bad address '%s'\n", host)
		}
		return 1, nil
	case err != nil:
		return 0, err
	}
	fail := func(format string, args ...any) (int, error) {
		fmt.Fprintf(sh.err, "wget: "+format+"\n", args...)
		return 1, nil
	}
	if resp.Outcome == proxy.Unresolved {
		return fail("bad address '%s'", host)
	}
	if !o.quiet {
		fmt.Fprintf(sh.err, "Connecting to %s (%s:%d)\n", host, resp.Addr, port)
	}
	switch resp.Outcome {
	case proxy.Refused:
		return fail("can't connect to remote host (%s): Connection refused", resp.Addr)
	case proxy.TimedOut:
		if o.timeout == 0 {
			return fail("can't connect to remote host (%s): Connection timed out", resp.Addr)
		}
		return fail("download timed out")
	case proxy.Reset:
		return fail("error getting response: Connection reset by peer")
	}
	if o.headers && !o.quiet {
		fmt.Fprintf(sh.err, "  HTTP/1.1 %d %s\n", resp.Status, http.StatusText(resp.Status))
	}
	if resp.Status >= 300 {
		return fail("server returned error: HTTP/1.1 %d %s", resp.Status, http.StatusText(resp.Status))
	}
	if o.spider {
		if !sh.oldBusybox() && !o.quiet {
			fmt.Fprintln(sh.err, "remote file exists")
		}
		return 0, nil
	}
	name := o.output
	if name == "" {
		name = urlFileName(url)
	}
	if !o.quiet {
		if !sh.oldBusybox() {
			if name == "-" {
				fmt.Fprintln(sh.err, "writing to stdout")
			} else {
				fmt.Fprintf(sh.err, "saving to '%s'\n", name)
			}
		}
		fmt.Fprint(sh.err, wgetProgress(path.Base(name), len(resp.Body)))
		if !sh.oldBusybox() {
			if name == "-" {
				fmt.Fprintln(sh.err, "written to stdout")
			} else {
				fmt.Fprintf(sh.err, "'%s' saved\n", name)
			}
		}
	}
	if name == "-" {
		fmt.Fprint(sh.out, resp.Body)
	}
	return 0, nil
}

// urlFileName is the file wget saves a URL to without -O: the last part
// of its path, or index.html.
func urlFileName(url string) string {
	rest := url
	if _, r, ok := strings.Cut(rest, "://"); ok {
		rest = r
	}
	rest, _, _ = strings.Cut(rest, "?")
	rest, _, _ = strings.Cut(rest, "#")
	_, p, ok := strings.Cut(rest, "/")
	if !ok || p == "" || strings.HasSuffix(p, "/") {
		return "index.html"
	}
	return path.Base(p)
}

// wgetProgress is busybox's progress line once a download is done, as it
// prints it when stderr is not a terminal (80 columns assumed, so a bar
// of 31 stars).
func wgetProgress(file string, size int) string {
	n, unit := size, 0
	for n >= 100000 {
		unit++
		n >>= 10
	}
	return fmt.Sprintf("%-20.20s%4d%% |%s|%6d%c%3d:%02d:%02d ETA\n", file, 100, strings.Repeat("*", 31), n, " kMGTPEZY"[unit], 0, 0, 0)
}

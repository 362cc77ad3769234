package kubectl

import (
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/svcsim/svcsim/proxy"
)

// curlOpts is a curl command line.
type curlOpts struct {
	silent, showError, fail bool
	maxTime, connectTimeout time.Duration
	output                  string // -o; "" for stdout
	writeOut                string // -w
	urls                    []string
}

// curlTry is curl's hint after a mistake on its command line.
const curlTry = "curl: try 'curl --help' or 'curl --manual' for more information\n"

// parseCurl reads curl's options: short ones bundled (-sS) or with their
// value attached (-m5), long ones with a separate value.
func parseCurl(args []string) (*curlOpts, string) {
	o := &curlOpts{}
	short := map[byte]string{'s': "silent", 'S': "show-error", 'f': "fail", 'm': "max-time", 'o': "output",
		'L': "location", 'k': "insecure", 'w': "write-out"}
	valued := map[string]bool{"max-time": true, "connect-timeout": true, "output": true, "write-out": true}
	known := map[string]bool{"silent": true, "show-error": true, "fail": true, "location": true, "insecure": true}
	seconds := func(flag, v string) (time.Duration, string) {
		f, err := strconv.ParseFloat(v, 64)
		if err != nil || f < 0 || f > proxy.MaxTimeout.Seconds() {
			return 0, fmt.Sprintf("curl: option %s: expected a proper numerical parameter\n%s", flag, curlTry)
		}
		return time.Duration(f * float64(time.Second)), ""
	}
	set := func(flag, name, v string) string {
		var msg string
		switch name {
		case "silent":
			o.silent = true
		case "show-error":
			o.showError = true
		case "fail":
			o.fail = true
		case "max-time":
			o.maxTime, msg = seconds(flag, v)
		case "connect-timeout":
			o.connectTimeout, msg = seconds(flag, v)
		case "output":
			o.output = v
		case "write-out":
			o.writeOut = v
		}
		return msg
	}
	for i := 0; i < len(args); i++ {
		a := args[i]
		switch {
		case strings.HasPrefix(a, "--") && len(a) > 2:
			name := a[2:]
			if !known[name] && !valued[name] {
				return nil, fmt.Sprintf("curl: option %s: is unknown\n%s", a, curlTry)
			}
			v := ""
			if valued[name] {
				if i+1 >= len(args) {
					return nil, fmt.Sprintf("curl: option %s: requires parameter\n%s", a, curlTry)
				}
				i++
				v = args[i]
			}
			if msg := set(a, name, v); msg != "" {
				return nil, msg
			}
		case len(a) > 1 && a[0] == '-':
			for j := 1; j < len(a); j++ {
				name, ok := short[a[j]]
				flag := "-" + a[j:j+1]
				if !ok {
					return nil, fmt.Sprintf("curl: option %s: is unknown\n%s", flag, curlTry)
				}
				v := ""
				if valued[name] {
					switch {
					case j+1 < len(a):
						v = a[j+1:]
					case i+1 < len(args):
						i++
						v = args[i]
					default:
						return nil, fmt.Sprintf("curl: option %s: requires parameter\n%s", flag, curlTry)
					}
					j = len(a)
				}
				if msg := set(flag, name, v); msg != "" {
					return nil, msg
				}
			}
		default:
			o.urls = append(o.urls, a)
		}
	}
	return o, ""
}

// curl is curl 8: the body on stdout, the progress meter on stderr when
// stdout is not a terminal, and "curl: (N) ..." with exit status N when
// the transfer fails.
func (sh *podShell) curl(args []string) (int, error) {
	o, msg := parseCurl(args)
	if msg != "" {
		fmt.Fprint(sh.err, msg)
		return 2, nil
	}
	if len(o.urls) == 0 {
		fmt.Fprint(sh.err, "curl: no URL specified!\n"+curlTry)
		return 2, nil
	}
	code := 0
	for _, u := range o.urls {
		c, err := sh.curlOne(o, u)
		if err != nil {
			return 0, err
		}
		if c != 0 {
			code = c
		}
	}
	return code, nil
}

func (sh *podShell) curlOne(o *curlOpts, url string) (int, error) {
	timeout := kernelConnectTimeout
	for _, t := range []time.Duration{o.connectTimeout, o.maxTime} {
		if t > 0 && t < timeout {
			timeout = t
		}
	}
	meter := !o.silent && (!sh.tty || o.output != "")
	fail := func(code int, format string, args ...any) (int, error) {
		if meter {
			fmt.Fprint(sh.err, curlMeter(0, 0, 0)+"\n")
		}
		if !o.silent || o.showError {
			fmt.Fprintf(sh.err, "curl: (%d) "+format+"\n", append([]any{code}, args...)...)
		}
		return code, nil
	}
	if meter {
		fmt.Fprint(sh.err, "  % Total    % Received % Xferd  Average Speed   Time    Time     Time  Current\n"+
			"                                 Dload  Upload   Total   Spent    Left  Speed\n")
	}
	resp, err := sh.fetch(url, timeout)
	host, port := urlHost(url)
	switch {
	case errors.Is(err, proxy.ErrInvalidURL):
		if scheme, _, ok := strings.Cut(url, "://"); ok && !strings.EqualFold(scheme, "http") && !strings.EqualFold(scheme, "https") {
			return fail(1, "Protocol %q not supported", scheme)
		}
		return fail(3, "URL rejected: Bad hostname")
	case err != nil:
		return 0, err
	}
	ms := resp.Latency().Milliseconds()
	switch resp.Outcome {
	case proxy.Unresolved:
		return fail(6, "Could not resolve host: %s", host)
	case proxy.Refused:
		return fail(7, "Failed to connect to %s port %d after %d ms: Couldn't connect to server", host, port, ms)
	case proxy.TimedOut:
		if timeout == kernelConnectTimeout {
			// The kernel gave up: curl words it as a failed connection,
			// and exits as for a timeout.
			return fail(28, "Failed to connect to %s port %d after %d ms: Couldn't connect to server", host, port, ms)
		}
		return fail(28, "Failed to connect to %s port %d after %d ms: Timeout was reached", host, port, ms)
	case proxy.Reset:
		return fail(56, "Recv failure: Connection reset by peer")
	}
	if o.fail && resp.Status >= 400 {
		return fail(22, "The requested URL returned error: %d", resp.Status)
	}
	if meter {
		fmt.Fprint(sh.err, curlMeter(0, 0, 0)+curlMeter(len(resp.Body), resp.Latency(), 100)+"\n")
	}
	var w io.Writer = sh.out
	if o.output != "" && o.output != "-" {
		w = io.Discard // svcsim keeps no files in pods
	}
	fmt.Fprint(w, resp.Body)
	if o.writeOut != "" {
		fmt.Fprint(sh.out, curlWriteOut(o.writeOut, resp))
	}
	return 0, nil
}

// curlMeter is one line of curl's progress meter, after a carriage
// return: size bytes received in d, percent done.
func curlMeter(size int, d time.Duration, percent int) string {
	speed := int64(size) * 1_000_000
	if us := d.Microseconds(); us >= 1 {
		speed /= us
	}
	if size == 0 {
		speed = 0
	}
	dash := "--:--:--"
	return fmt.Sprintf("\r%3d %s  %3d %s  %3d %s  %s  %s %s %s %s %s",
		percent, curlSize(int64(size)), percent, curlSize(int64(size)), 0, curlSize(0),
		curlSize(speed), curlSize(0), dash, dash, dash, curlSize(speed))
}

// curlSize prints a byte count in curl's five columns.
func curlSize(n int64) string {
	const kb, mb = 1024, 1024 * 1024
	switch {
	case n < 100000:
		return fmt.Sprintf("%5d", n)
	case n < 10000*kb:
		return fmt.Sprintf("%4dk", n/kb)
	case n < 100*mb:
		return fmt.Sprintf("%2d.%dM", n/mb, (n%mb)/(mb/10))
	case n < 10000*mb:
		return fmt.Sprintf("%4dM", n/mb)
	}
	return fmt.Sprintf("%4dG", n/(1024*mb))
}

// curlWriteOut expands -w's variables svcsim knows and its escapes.
func curlWriteOut(format string, r proxy.Response) string {
	return strings.NewReplacer(
		"%{http_code}", fmt.Sprintf("%03d", r.Status),
		"%{response_code}", fmt.Sprintf("%03d", r.Status),
		"%{remote_ip}", r.Addr,
		"%{size_download}", strconv.Itoa(len(r.Body)),
		"%{time_total}", fmt.Sprintf("%.6f", r.Latency().Seconds()),
		`\n`, "\n", `\t`, "\t",
	).Replace(format)
}

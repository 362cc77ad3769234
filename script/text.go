package script

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"regexp"
	"slices"
	"strconv"
	"strings"
)

// The text tools: small, in-simulation versions of what the labs pipe
// kubectl's output through. They read operands from the script's files,
// or standard input for none or "-".

// input is one operand's contents, or ok=false after an error is printed.
func (c *cmdCtx) input(name string) (io.Reader, bool) {
	if name == "-" {
		return stdinOf(c.hc), true
	}
	b, err := c.s.fs.read(abs(c.dir, name))
	if err != nil {
		c.errorf("%s: %s", name, errText(err))
		return nil, false
	}
	return bytes.NewReader(b), true
}

// lines calls fn with each line of r, without its newline, until fn
// returns false or the run is cancelled.
func (c *cmdCtx) lines(r io.Reader, fn func(string) bool) {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64<<10), MaxFileBytes)
	for sc.Scan() {
		if c.ctx.Err() != nil || !fn(sc.Text()) {
			return
		}
	}
}

// operands are the files named, or "-" for standard input.
func operands(names []string) []string {
	if len(names) == 0 {
		return []string{"-"}
	}
	return names
}

func (c *cmdCtx) cat() int {
	_, names, ok := c.flags("u")
	if !ok {
		return 1
	}
	status := 0
	for _, n := range operands(names) {
		r, ok := c.input(n)
		if !ok {
			status = 1
			continue
		}
		if _, err := io.Copy(c.out, r); err != nil {
			return 1
		}
	}
	return status
}

// grep matches basic regular expressions by default, extended ones with
// -E and fixed strings with -F; -v, -c, -i, -q, -n, -w and -e as usual.
func (c *cmdCtx) grep() int {
	var (
		set      = map[byte]bool{}
		patterns []string
		names    []string
	)
	args := c.args[1:]
	for i := 0; i < len(args); i++ {
		a := args[i]
		if a == "--" {
			names = append(names, args[i+1:]...)
			break
		}
		if len(a) < 2 || a[0] != '-' {
			names = append(names, a)
			continue
		}
		for j := 1; j < len(a); j++ {
			f := a[j]
			if f == 'e' {
				switch {
				case j+1 < len(a):
					patterns = append(patterns, a[j+1:])
				case i+1 < len(args):
					i++
					patterns = append(patterns, args[i])
				default:
					c.errorf("option requires an argument -- 'e'")
					return 2
				}
				break
			}
			if !strings.ContainsRune("vciqnowEFGHhsl", rune(f)) {
				c.errorf("invalid option -- '%c'", f)
				return 2
			}
			set[f] = true
		}
	}
	if len(patterns) == 0 {
		if len(names) == 0 {
			fmt.Fprintln(c.err, "Usage: grep [OPTION]... PATTERNS [FILE]...")
			return 2
		}
		patterns, names = strings.Split(names[0], "\n"), names[1:]
	}
	var res []*regexp.Regexp
	var alts []string // for -o: every pattern as one alternation
	for _, p := range patterns {
		switch {
		case set['F']:
			p = regexp.QuoteMeta(p)
		case !set['E']:
			p = basicToExtended(p)
		}
		if set['w'] {
			p = `(?:^|\W)(?:` + p + `)(?:\W|$)`
		}
		if set['i'] {
			p = "(?i)" + p
		}
		re, err := regexp.Compile(p)
		if err != nil {
			c.errorf("invalid regular expression: %s", patterns[0])
			return 2
		}
		res = append(res, re)
		alts = append(alts, "(?:"+p+")")
	}
	// -o prints each non-empty match on a line of its own, leftmost
	// first, whichever pattern it matched.
	only := regexp.MustCompile(strings.Join(alts, "|"))
	match := func(line string) bool {
		return slices.ContainsFunc(res, func(re *regexp.Regexp) bool { return re.MatchString(line) }) != set['v']
	}
	files := operands(names)
	w := bufio.NewWriter(c.out)
	defer w.Flush()
	found, status := false, 1
	for _, n := range files {
		r, ok := c.input(n)
		if !ok {
			status = 2
			continue
		}
		prefix := ""
		if (len(files) > 1 || set['H']) && !set['h'] {
			prefix = n + ":"
			if n == "-" {
				prefix = "(standard input):"
			}
		}
		count, lineNo := 0, 0
		c.lines(r, func(line string) bool {
			lineNo++
			if !match(line) {
				return true
			}
			count++
			found = true
			switch {
			case set['q']:
				return false
			case set['c'], set['l']:
			case set['o']:
				if set['v'] {
					break
				}
				for _, m := range only.FindAllString(line, -1) {
					if m == "" {
						continue
					}
					if set['n'] {
						fmt.Fprintf(w, "%s%d:%s\n", prefix, lineNo, m)
					} else {
						fmt.Fprintf(w, "%s%s\n", prefix, m)
					}
				}
			case set['n']:
				fmt.Fprintf(w, "%s%d:%s\n", prefix, lineNo, line)
			default:
				fmt.Fprintf(w, "%s%s\n", prefix, line)
			}
			return true
		})
		if set['q'] && found {
			return 0
		}
		if set['l'] && count > 0 {
			fmt.Fprintln(w, n)
		} else if set['c'] {
			fmt.Fprintf(w, "%s%d\n", prefix, count)
		}
	}
	if found && status != 2 {
		return 0
	}
	return status
}

// basicToExtended rewrites a POSIX basic regular expression as Go's
// syntax: in a BRE, + ? | ( ) { } are literal unless escaped.
func basicToExtended(p string) string {
	var b strings.Builder
	for i := 0; i < len(p); i++ {
		ch := p[i]
		switch {
		case ch == '\\' && i+1 < len(p) && strings.IndexByte("+?|(){}", p[i+1]) >= 0:
			b.WriteByte(p[i+1])
			i++
		case ch == '\\' && i+1 < len(p):
			b.WriteByte(ch)
			b.WriteByte(p[i+1])
			i++
		case strings.IndexByte("+?|(){}", ch) >= 0:
			b.WriteByte('\\')
			b.WriteByte(ch)
		default:
			b.WriteByte(ch)
		}
	}
	return b.String()
}

// wc counts lines, words and bytes; -l, -w and -c pick.
func (c *cmdCtx) wc() int {
	set, names, ok := c.flags("lwc")
	if !ok {
		return 1
	}
	if len(set) == 0 {
		set = map[byte]bool{'l': true, 'w': true, 'c': true}
	}
	status := 0
	var total [3]int
	for _, n := range operands(names) {
		r, ok := c.input(n)
		if !ok {
			status = 1
			continue
		}
		b, err := io.ReadAll(io.LimitReader(r, MaxFileBytes))
		if err != nil {
			return 1
		}
		counts := [3]int{bytes.Count(b, []byte("\n")), len(bytes.Fields(b)), len(b)}
		for i := range total {
			total[i] += counts[i]
		}
		c.printCounts(set, counts, n, len(names) == 0)
	}
	if len(names) > 1 {
		c.printCounts(set, total, "total", false)
	}
	return status
}

func (c *cmdCtx) printCounts(set map[byte]bool, counts [3]int, name string, stdin bool) {
	var fields []string
	for i, f := range []byte("lwc") {
		if set[f] {
			fields = append(fields, strconv.Itoa(counts[i]))
		}
	}
	if len(fields) > 1 {
		for i, f := range fields {
			fields[i] = fmt.Sprintf("%7s", f)
		}
	}
	line := strings.Join(fields, " ")
	if !stdin {
		line += " " + name
	}
	fmt.Fprintln(c.out, line)
}

// count parses head's and tail's -n N, -nN and -N; a leading + (tail)
// counts from the start.
func (c *cmdCtx) count() (n int, fromStart bool, names []string, ok bool) {
	n = 10
	args := c.args[1:]
	for i := 0; i < len(args); i++ {
		a := args[i]
		val := ""
		switch {
		case a == "--":
			return n, fromStart, append(names, args[i+1:]...), true
		case a == "-n" || a == "--lines":
			if i+1 >= len(args) {
				c.errorf("option requires an argument -- 'n'")
				return 0, false, nil, false
			}
			i++
			val = args[i]
		case strings.HasPrefix(a, "-n"):
			val = a[2:]
		case strings.HasPrefix(a, "--lines="):
			val = a[len("--lines="):]
		case len(a) > 1 && a[0] == '-' && a[1] >= '0' && a[1] <= '9':
			val = a[1:]
		case len(a) > 1 && a[0] == '-':
			c.errorf("invalid option -- '%c'", a[1])
			return 0, false, nil, false
		default:
			names = append(names, a)
			continue
		}
		fromStart = strings.HasPrefix(val, "+")
		v, err := strconv.Atoi(strings.TrimPrefix(val, "+"))
		if err != nil || v < 0 {
			c.errorf("invalid number of lines: '%s'", val)
			return 0, false, nil, false
		}
		n = v
	}
	return n, fromStart, names, true
}

func (c *cmdCtx) head() int {
	n, _, names, ok := c.count()
	if !ok {
		return 1
	}
	status := 0
	w := bufio.NewWriter(c.out)
	defer w.Flush()
	for _, name := range operands(names) {
		r, ok := c.input(name)
		if !ok {
			status = 1
			continue
		}
		seen := 0
		c.lines(r, func(line string) bool {
			if seen >= n {
				return false
			}
			seen++
			fmt.Fprintln(w, line)
			return seen < n
		})
	}
	return status
}

func (c *cmdCtx) tail() int {
	n, fromStart, names, ok := c.count()
	if !ok {
		return 1
	}
	status := 0
	w := bufio.NewWriter(c.out)
	defer w.Flush()
	for _, name := range operands(names) {
		r, ok := c.input(name)
		if !ok {
			status = 1
			continue
		}
		var keep []string
		lineNo := 0
		c.lines(r, func(line string) bool {
			lineNo++
			switch {
			case fromStart && lineNo >= n:
				fmt.Fprintln(w, line)
			case !fromStart && n > 0:
				if len(keep) == n {
					keep = keep[1:]
				}
				keep = append(keep, line)
			}
			return true
		})
		for _, l := range keep {
			fmt.Fprintln(w, l)
		}
	}
	return status
}

// readLines reads every line of the operands.
func (c *cmdCtx) readLines(names []string) ([]string, int) {
	var all []string
	status := 0
	for _, n := range operands(names) {
		r, ok := c.input(n)
		if !ok {
			status = 2
			continue
		}
		c.lines(r, func(l string) bool { all = append(all, l); return true })
	}
	return all, status
}

// sort orders lines bytewise (as LC_ALL=C does); -r reverses, -n compares
// leading numbers, -u drops repeats.
func (c *cmdCtx) sort() int {
	set, names, ok := c.flags("rnu")
	if !ok {
		return 2
	}
	lines, status := c.readLines(names)
	cmp := strings.Compare
	if set['n'] {
		cmp = func(a, b string) int {
			if x, y := leadingNumber(a), leadingNumber(b); x != y {
				if x < y {
					return -1
				}
				return 1
			}
			return strings.Compare(a, b)
		}
	}
	slices.SortStableFunc(lines, cmp)
	if set['r'] {
		slices.Reverse(lines)
	}
	if set['u'] {
		lines = slices.CompactFunc(lines, func(a, b string) bool { return cmp(a, b) == 0 })
	}
	w := bufio.NewWriter(c.out)
	defer w.Flush()
	for _, l := range lines {
		fmt.Fprintln(w, l)
	}
	return status
}

func leadingNumber(s string) float64 {
	s = strings.TrimLeft(s, " \t")
	end := 0
	for end < len(s) && (s[end] >= '0' && s[end] <= '9' || s[end] == '.' || end == 0 && s[end] == '-') {
		end++
	}
	f, _ := strconv.ParseFloat(s[:end], 64)
	return f
}

// uniq drops adjacent repeated lines; -c prefixes counts.
func (c *cmdCtx) uniq() int {
	set, names, ok := c.flags("c")
	if !ok {
		return 1
	}
	if len(names) > 1 {
		names = names[:1] // uniq's second operand is an output file; not simulated
	}
	lines, status := c.readLines(names)
	w := bufio.NewWriter(c.out)
	defer w.Flush()
	for i := 0; i < len(lines); {
		j := i
		for j < len(lines) && lines[j] == lines[i] {
			j++
		}
		if set['c'] {
			fmt.Fprintf(w, "%7d %s\n", j-i, lines[i])
		} else {
			fmt.Fprintln(w, lines[i])
		}
		i = j
	}
	return min(status, 1)
}

// tr translates or (-d) deletes bytes of its input; sets take ranges
// (a-z) and the escapes \n, \t and \\.
func (c *cmdCtx) tr() int {
	set, ops, ok := c.flags("d")
	if !ok {
		return 1
	}
	want := 2
	if set['d'] {
		want = 1
	}
	if len(ops) != want {
		c.errorf("expected %d operands, got %d", want, len(ops))
		return 1
	}
	from := expandSet(ops[0])
	var table [256]int
	for i := range table {
		table[i] = i
	}
	if set['d'] {
		for _, b := range from {
			table[b] = -1
		}
	} else {
		to := expandSet(ops[1])
		if len(to) == 0 && len(from) > 0 {
			c.errorf("when not truncating set1, string2 must be non-empty")
			return 1
		}
		for i, b := range from {
			table[b] = int(to[min(i, len(to)-1)])
		}
	}
	in := bufio.NewReader(stdinOf(c.hc))
	w := bufio.NewWriter(c.out)
	defer w.Flush()
	for c.ctx.Err() == nil {
		b, err := in.ReadByte()
		if err != nil {
			break
		}
		if t := table[b]; t >= 0 {
			if w.WriteByte(byte(t)) != nil {
				return 1
			}
		}
	}
	return 0
}

func expandSet(s string) []byte {
	var raw []byte
	for i := 0; i < len(s); i++ {
		if s[i] == '\\' && i+1 < len(s) {
			i++
			switch s[i] {
			case 'n':
				raw = append(raw, '\n')
			case 't':
				raw = append(raw, '\t')
			default:
				raw = append(raw, s[i])
			}
			continue
		}
		raw = append(raw, s[i])
	}
	var out []byte
	for i := 0; i < len(raw); i++ {
		if i+2 < len(raw) && raw[i+1] == '-' && raw[i] <= raw[i+2] {
			for b := int(raw[i]); b <= int(raw[i+2]); b++ {
				out = append(out, byte(b))
			}
			i += 2
			continue
		}
		out = append(out, raw[i])
	}
	return out
}

// cut prints selected fields (-f, split on -d, default tab) or bytes
// (-c) of each line.
func (c *cmdCtx) cut() int {
	delim, list, byChar := "\t", "", false
	var names []string
	args := c.args[1:]
	for i := 0; i < len(args); i++ {
		a := args[i]
		take := func() (string, bool) {
			if len(a) > 2 {
				return a[2:], true
			}
			if i+1 < len(args) {
				i++
				return args[i], true
			}
			c.errorf("option requires an argument -- '%c'", a[1])
			return "", false
		}
		var ok bool
		switch {
		case strings.HasPrefix(a, "-d"):
			if delim, ok = take(); !ok {
				return 1
			}
			if len(delim) != 1 {
				c.errorf("the delimiter must be a single character")
				return 1
			}
		case strings.HasPrefix(a, "-f"), strings.HasPrefix(a, "-c"):
			byChar = a[1] == 'c'
			if list, ok = take(); !ok {
				return 1
			}
		case len(a) > 1 && a[0] == '-':
			c.errorf("invalid option -- '%c'", a[1])
			return 1
		default:
			names = append(names, a)
		}
	}
	ranges, ok := parseList(list)
	if !ok {
		c.errorf("invalid field list '%s'", list)
		return 1
	}
	pick := func(i int) bool {
		return slices.ContainsFunc(ranges, func(r [2]int) bool { return i >= r[0] && i <= r[1] })
	}
	w := bufio.NewWriter(c.out)
	defer w.Flush()
	status := 0
	for _, n := range operands(names) {
		r, ok := c.input(n)
		if !ok {
			status = 1
			continue
		}
		c.lines(r, func(line string) bool {
			var parts []string
			sep := ""
			if byChar {
				for i := range len(line) {
					if pick(i + 1) {
						parts = append(parts, line[i:i+1])
					}
				}
			} else {
				sep = delim
				fields := strings.Split(line, delim)
				if len(fields) == 1 {
					parts = fields // a line without the delimiter passes whole
				} else {
					for i, f := range fields {
						if pick(i + 1) {
							parts = append(parts, f)
						}
					}
				}
			}
			fmt.Fprintln(w, strings.Join(parts, sep))
			return true
		})
	}
	return status
}

// parseList parses cut's LIST: N, N-M, N-, -M, comma separated, 1-based.
func parseList(list string) ([][2]int, bool) {
	if list == "" {
		return nil, false
	}
	var out [][2]int
	for _, part := range strings.Split(list, ",") {
		lo, hi, isRange := strings.Cut(part, "-")
		r := [2]int{1, int(^uint(0) >> 1)}
		var err error
		if lo != "" {
			if r[0], err = strconv.Atoi(lo); err != nil || r[0] < 1 {
				return nil, false
			}
		}
		switch {
		case !isRange:
			r[1] = r[0]
		case hi != "":
			if r[1], err = strconv.Atoi(hi); err != nil || r[1] < r[0] {
				return nil, false
			}
		case lo == "":
			return nil, false
		}
		out = append(out, r)
	}
	return out, true
}

// seq prints integers: seq LAST, seq FIRST LAST, seq FIRST STEP LAST.
func (c *cmdCtx) seq() int {
	args := c.args[1:]
	nums := make([]int64, len(args))
	for i, a := range args {
		v, err := strconv.ParseInt(a, 10, 64)
		if err != nil {
			c.errorf("invalid argument: '%s' (only integers are simulated)", a)
			return 1
		}
		nums[i] = v
	}
	first, step, last := int64(1), int64(1), int64(0)
	switch len(nums) {
	case 1:
		last = nums[0]
	case 2:
		first, last = nums[0], nums[1]
	case 3:
		first, step, last = nums[0], nums[1], nums[2]
	default:
		c.errorf("expected 1 to 3 operands, got %d", len(nums))
		return 1
	}
	if step == 0 {
		c.errorf("invalid Zero increment value: '0'")
		return 1
	}
	w := bufio.NewWriter(c.out)
	defer w.Flush()
	for v := first; step > 0 && v <= last || step < 0 && v >= last; v += step {
		if c.ctx.Err() != nil {
			return 1
		}
		if _, err := fmt.Fprintln(w, v); err != nil {
			return 1
		}
		if step > 0 && v > last-step || step < 0 && v < last-step {
			break // the next value would pass last, or overflow
		}
	}
	return 0
}

package kubectl

import (
	"fmt"
	"strconv"
	"strings"
	"time"
)

// flagType says how a flag's text becomes a value. The kinds are pflag's,
// because kubectl's flags are pflag flags and users type them that way.
type flagType int

const (
	boolFlag     flagType = iota // --force, --force=false, -A
	stringFlag                   // -o yaml, -o=yaml, -oyaml, --output yaml
	int32Flag                    // --replicas 3 (base prefixes as strconv's base 0)
	int64Flag                    // --grace-period 30
	durationFlag                 // --timeout 5s
	arrayFlag                    // --env A=1 --env B=2: each use is one item
	sliceFlag                    // --tcp 80,443 --tcp 8080: each use is split on commas
)

// flagDef declares one flag of one command.
type flagDef struct {
	name  string   // long name, without dashes
	short byte     // one-letter shorthand, 0 for none
	typ   flagType // how its text is read
	def   string   // default value as text ("" for none)
	// noOpt is the value a flag takes when it is given without one
	// (--dry-run means --dry-run=unchanged); bool flags take "true".
	noOpt string
}

// flagValues holds one command line's parsed flags.
type flagValues struct {
	defs    map[string]*flagDef
	vals    map[string]string
	lists   map[string][]string
	changed map[string]bool
}

// flagError is a command-line syntax error: kubectl prints it followed by
// a hint to read the command's help.
type flagError struct{ msg string }

func (e *flagError) Error() string { return e.msg }

// parseFlags splits args into flags and positional arguments the way pflag
// does with interspersed flags: flags may come anywhere, "--" ends them, and
// a lone "-" is an argument. dash is the number of positional arguments
// before "--", or -1 when there was none.
func parseFlags(defs []flagDef, args []string) (pos []string, dash int, fv *flagValues, err error) {
	fv = &flagValues{
		defs:    map[string]*flagDef{},
		vals:    map[string]string{},
		lists:   map[string][]string{},
		changed: map[string]bool{},
	}
	shorts := map[byte]*flagDef{}
	for i := range defs {
		d := &defs[i]
		if d.typ == boolFlag && d.noOpt == "" {
			d.noOpt = "true"
		}
		fv.defs[d.name] = d
		if d.short != 0 {
			shorts[d.short] = d
		}
	}
	dash = -1
	for len(args) > 0 {
		a := args[0]
		args = args[1:]
		switch {
		case a == "--":
			dash = len(pos)
			pos = append(pos, args...)
			return pos, dash, fv, nil
		case len(a) < 2 || a[0] != '-':
			pos = append(pos, a)
		case a[1] == '-':
			if args, err = fv.parseLong(a, args); err != nil {
				return nil, -1, nil, err
			}
		default:
			if args, err = fv.parseShorts(a, args, shorts); err != nil {
				return nil, -1, nil, err
			}
		}
	}
	return pos, dash, fv, nil
}

func (fv *flagValues) parseLong(a string, args []string) ([]string, error) {
	name := a[2:]
	if name == "" || name[0] == '-' || name[0] == '=' {
		return nil, &flagError{"bad flag syntax: " + a}
	}
	name, value, hasValue := strings.Cut(name, "=")
	d, ok := fv.defs[name]
	if !ok {
		return nil, &flagError{"unknown flag: --" + name}
	}
	switch {
	case hasValue:
	case d.noOpt != "":
		value = d.noOpt
	case len(args) > 0:
		value, args = args[0], args[1:]
	default:
		return nil, &flagError{"flag needs an argument: --" + name}
	}
	return args, fv.set(d, value)
}

func (fv *flagValues) parseShorts(a string, args []string, shorts map[byte]*flagDef) ([]string, error) {
	rest := a[1:]
	for rest != "" {
		c := rest[0]
		d, ok := shorts[c]
		if !ok {
			return nil, &flagError{fmt.Sprintf("unknown shorthand flag: %q in %s", c, a)}
		}
		var value string
		switch {
		case len(rest) > 2 && rest[1] == '=':
			value, rest = rest[2:], ""
		case d.noOpt != "":
			value, rest = d.noOpt, rest[1:]
		case len(rest) > 1:
			value, rest = rest[1:], ""
		case len(args) > 0:
			value, args, rest = args[0], args[1:], ""
		default:
			return nil, &flagError{fmt.Sprintf("flag needs an argument: %q in %s", c, a)}
		}
		if err := fv.set(d, value); err != nil {
			return nil, err
		}
	}
	return args, nil
}

// set records one use of a flag, checking its value as pflag would.
func (fv *flagValues) set(d *flagDef, value string) error {
	var cause error
	switch d.typ {
	case boolFlag:
		_, cause = strconv.ParseBool(value)
	case int32Flag:
		_, cause = strconv.ParseInt(value, 0, 32)
	case int64Flag:
		_, cause = strconv.ParseInt(value, 0, 64)
	case durationFlag:
		_, cause = time.ParseDuration(value)
	case arrayFlag:
		fv.lists[d.name] = append(fv.lists[d.name], value)
	case sliceFlag:
		if value != "" {
			fv.lists[d.name] = append(fv.lists[d.name], strings.Split(value, ",")...)
		}
	}
	if cause != nil {
		flag := "--" + d.name
		if d.short != 0 {
			flag = "-" + string(d.short) + ", " + flag
		}
		return &flagError{fmt.Sprintf("invalid argument %q for %q flag: %v", value, flag, cause)}
	}
	fv.vals[d.name] = value
	fv.changed[d.name] = true
	return nil
}

// Changed reports whether the flag was given on the command line.
func (fv *flagValues) Changed(name string) bool { return fv.changed[name] }

// String returns the flag's value, or its default.
func (fv *flagValues) String(name string) string {
	if v, ok := fv.vals[name]; ok {
		return v
	}
	return fv.lookup(name).def
}

// Bool returns the flag's value as a bool; parseFlags has checked it.
func (fv *flagValues) Bool(name string) bool {
	b, _ := strconv.ParseBool(fv.String(name))
	return b
}

// Int returns an int32 or int64 flag's value; parseFlags has checked it.
func (fv *flagValues) Int(name string) int64 {
	n, _ := strconv.ParseInt(fv.String(name), 0, 64)
	return n
}

// Duration returns the flag's value as a duration; parseFlags has checked it.
func (fv *flagValues) Duration(name string) time.Duration {
	d, _ := time.ParseDuration(fv.String(name))
	return d
}

// List returns every item of an array or slice flag, in the order given.
func (fv *flagValues) List(name string) []string {
	fv.lookup(name)
	return fv.lists[name]
}

// lookup finds a declared flag; asking for an undeclared one is a bug in
// a command's table, not a user's mistake.
func (fv *flagValues) lookup(name string) *flagDef {
	d, ok := fv.defs[name]
	if !ok {
		panic("kubectl: flag --" + name + " is not declared")
	}
	return d
}

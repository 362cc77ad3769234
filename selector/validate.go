package selector

import "strings"

// Limits on label keys and values, in bytes, as the apiserver enforces them.
const (
	// MaxNameLength is the longest name part of a label key.
	MaxNameLength = 63
	// MaxPrefixLength is the longest prefix part of a label key, a DNS subdomain.
	MaxPrefixLength = 253
	// MaxValueLength is the longest label value.
	MaxValueLength = 63
)

// The apiserver's wording for each broken rule. These strings are what
// kubectl shows a user whose label is rejected, so they are kept verbatim:
// a reader comparing svcsim with a real cluster sees the same words.
const (
	nameRegex      = "([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]"
	valueRegex     = "(" + nameRegex + ")?"
	subdomainRegex = "[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*"

	msgEmpty      = "must be non-empty"
	msgNameChars  = "must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character"
	msgNameRegex  = msgNameChars + " (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '" + nameRegex + "')"
	msgValueRegex = "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '" + valueRegex + "')"
	msgSubdomain  = "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '" + subdomainRegex + "')"
	msgKeyShape   = "a valid label key " + msgNameRegex + " with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')"
	msgTooLong63  = "must be no more than 63 bytes"
	msgTooLong253 = "must be no more than 253 bytes"
)

// KeyProblems returns every rule the label key k breaks, in the apiserver's
// words, or nil if k is a valid key. A key is an optional DNS-1123 subdomain
// prefix of at most 253 bytes and a slash, then a name of 1 to 63 bytes of
// alphanumerics with '-', '_' or '.' inside.
func KeyProblems(k string) []string {
	name := k
	var problems []string
	if i := strings.IndexByte(k, '/'); i >= 0 {
		prefix := k[:i]
		name = k[i+1:]
		if strings.IndexByte(name, '/') >= 0 {
			// Two or more slashes: the key as a whole has the wrong shape,
			// and Kubernetes says so once rather than per part.
			return []string{msgKeyShape}
		}
		switch {
		case prefix == "":
			problems = append(problems, "prefix part "+msgEmpty)
		default:
			if len(prefix) > MaxPrefixLength {
				problems = append(problems, "prefix part "+msgTooLong253)
			}
			if !isSubdomain(prefix) {
				problems = append(problems, "prefix part "+msgSubdomain)
			}
		}
	}
	switch {
	case name == "":
		problems = append(problems, "name part "+msgEmpty)
	case len(name) > MaxNameLength:
		problems = append(problems, "name part "+msgTooLong63)
	}
	if !isName(name) {
		problems = append(problems, "name part "+msgNameRegex)
	}
	return problems
}

// ValueProblems returns every rule the label value v breaks, in the
// apiserver's words, or nil if v is valid. A value is empty, or 1 to 63 bytes
// of alphanumerics with '-', '_' or '.' inside.
func ValueProblems(v string) []string {
	var problems []string
	if len(v) > MaxValueLength {
		problems = append(problems, msgTooLong63)
	}
	if v != "" && !isName(v) {
		problems = append(problems, msgValueRegex)
	}
	return problems
}

// IsValidKey reports whether k is a valid label key. It does not allocate.
func IsValidKey(k string) bool {
	name := k
	if i := strings.IndexByte(k, '/'); i >= 0 {
		prefix := k[:i]
		name = k[i+1:]
		if len(prefix) > MaxPrefixLength || !isSubdomain(prefix) {
			return false
		}
	}
	return len(name) <= MaxNameLength && isName(name)
}

// IsValidValue reports whether v is a valid label value. It does not allocate.
func IsValidValue(v string) bool {
	return v == "" || (len(v) <= MaxValueLength && isName(v))
}

func isAlnum(c byte) bool {
	return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9'
}

// isName reports whether s matches ([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9],
// ignoring length.
func isName(s string) bool {
	if s == "" || !isAlnum(s[0]) || !isAlnum(s[len(s)-1]) {
		return false
	}
	for i := 1; i < len(s)-1; i++ {
		c := s[i]
		if !isAlnum(c) && c != '-' && c != '_' && c != '.' {
			return false
		}
	}
	return true
}

// isSubdomain reports whether s is a lowercase DNS-1123 subdomain, ignoring
// length: dot-separated labels of [a-z0-9-] that start and end alphanumeric.
func isSubdomain(s string) bool {
	start := 0
	for i := 0; i <= len(s); i++ {
		if i < len(s) && s[i] != '.' {
			c := s[i]
			if !('a' <= c && c <= 'z' || '0' <= c && c <= '9' || c == '-') {
				return false
			}
			continue
		}
		if i == start || s[start] == '-' || s[i-1] == '-' {
			return false
		}
		start = i + 1
	}
	return true
}

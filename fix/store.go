package fix

import (
	"bytes"
	"fmt"
	"strings"
	"unicode"
)

// envName turns a name from code (stripe_key, stripeKey, api-key, "Api Key")
// into an environment variable name (STRIPE_KEY, API_KEY); "" when nothing
// usable is left.
func envName(s string) string {
	var b strings.Builder
	rs := []rune(s)
	for i, r := range rs {
		switch {
		case r < unicode.MaxASCII && (unicode.IsLetter(r) || unicode.IsDigit(r)):
			// camelCase and HTTPServer: a word starts at an upper-case letter
			// after a lower-case one or a digit, or before a lower-case one.
			if unicode.IsUpper(r) && i > 0 && b.Len() > 0 {
				prev := rs[i-1]
				nextLower := i+1 < len(rs) && unicode.IsLower(rs[i+1])
				if unicode.IsLower(prev) || unicode.IsDigit(prev) || (unicode.IsUpper(prev) && nextLower) {
					b.WriteByte('_')
				}
			}
			b.WriteRune(unicode.ToUpper(r))
		default:
			if b.Len() > 0 && !strings.HasSuffix(b.String(), "_") {
				b.WriteByte('_')
			}
		}
	}
	out := strings.Trim(b.String(), "_")
	if out != "" && out[0] >= '0' && out[0] <= '9' {
		out = "KEY_" + out
	}
	return out
}

// providerName is the fallback name for a key no rule or variable names:
// the provider's name and _KEY (STRIPE_KEY), or SECRET_KEY.
func providerName(provider string) string {
	n := envName(provider)
	switch {
	case n == "", n == "GENERIC":
		return "SECRET_KEY"
	case strings.HasSuffix(n, "_KEY"), strings.HasSuffix(n, "_TOKEN"), strings.HasSuffix(n, "_SECRET"):
		return n
	}
	return n + "_KEY"
}

// valueFormat is how a destination file writes one variable.
type valueFormat int

const (
	dotenv valueFormat = iota // NAME=value
	toml                      // NAME = "value" (Streamlit's secrets.toml)
)

// store is a destination file (.env or .streamlit/secrets.toml): what it
// held, and what the fix adds. Names are reserved per source file and
// committed only when that file's rewrite succeeds.
type store struct {
	path    string // repo-relative
	format  valueFormat
	old     []byte
	exists  bool
	values  map[string]string // NAME -> value, as read and as added
	added   []string          // NAMEs added, in order
	pending map[string]string
}

func newStore(path string, f valueFormat, old []byte, exists bool) *store {
	s := &store{path: path, format: f, old: old, exists: exists, values: map[string]string{}, pending: map[string]string{}}
	parse := parseDotenv
	if f == toml {
		parse = parseTOML
	}
	for name, v := range parse(old) {
		s.values[name] = v
	}
	return s
}

// name picks the variable for value: base, or base_2, base_3, ... The first
// one already holding value is reused; otherwise the first free one is
// reserved. It fails for a value the file's format cannot hold on one line.
func (s *store) name(base, value string) (string, error) {
	if err := s.checkValue(value); err != nil {
		return "", err
	}
	for i := 1; ; i++ {
		n := base
		if i > 1 {
			n = fmt.Sprintf("%s_%d", base, i)
		}
		v, ok := s.values[n]
		if !ok {
			v, ok = s.pending[n]
		}
		if !ok {
			s.pending[n] = value
			return n, nil
		}
		if v == value {
			return n, nil
		}
	}
}

// claim reserves exactly name for value, as a template line names it: the
// program reads that name, so another one will not do. It fails when the
// file already gives name another value.
func (s *store) claim(name, value string) error {
	if err := s.checkValue(value); err != nil {
		return err
	}
	v, ok := s.values[name]
	if !ok {
		v, ok = s.pending[name]
	}
	switch {
	case !ok:
		s.pending[name] = value
	case v != value:
		return refuse(fmt.Sprintf("%s already sets %s to another value", s.path, name))
	}
	return nil
}

// commit keeps the names reserved since the last commit or discard.
func (s *store) commit() {
	for n, v := range s.pending {
		s.values[n] = v
		s.added = append(s.added, n)
	}
	clear(s.pending)
}

// discard drops the names reserved since the last commit.
func (s *store) discard() { clear(s.pending) }

func (s *store) checkValue(v string) error {
	if strings.ContainsFunc(v, func(r rune) bool { return r < 0x20 || r == 0x7f }) {
		return refuse("the value holds control characters")
	}
	if s.format == toml && strings.ContainsAny(v, `"\`) {
		return refuse("the value holds characters a secrets.toml string would need to escape")
	}
	if s.format == dotenv && !dotenvBare(v) && strings.Contains(v, "'") {
		return refuse("the value holds characters a .env line cannot carry")
	}
	return nil
}

// content returns the file with the added variables: appended to .env,
// inserted before the first table of secrets.toml (after it, they would
// belong to that table). The file's line ending is kept, and a missing
// final newline added first.
func (s *store) content() []byte {
	if len(s.added) == 0 {
		return s.old
	}
	eol := "\n"
	if i := bytes.IndexByte(s.old, '\n'); i > 0 && s.old[i-1] == '\r' {
		eol = "\r\n"
	}
	var lines strings.Builder
	for _, n := range s.added {
		if s.format == toml {
			fmt.Fprintf(&lines, "%s = \"%s\"%s", n, s.values[n], eol)
		} else {
			fmt.Fprintf(&lines, "%s=%s%s", n, dotenvValue(s.values[n]), eol)
		}
	}
	if s.format == toml {
		if at := firstTable(s.old); at >= 0 {
			return append(append(append([]byte(nil), s.old[:at]...), lines.String()...), s.old[at:]...)
		}
	}
	out := append([]byte(nil), s.old...)
	if len(out) > 0 && out[len(out)-1] != '\n' {
		out = append(out, eol...)
	}
	return append(out, lines.String()...)
}

// verify re-reads what the file holds and checks every added variable.
func (s *store) verify(data []byte) error {
	parse := parseDotenv
	if s.format == toml {
		parse = parseTOML
	}
	got := parse(data)
	for _, n := range s.added {
		if v, ok := got[n]; !ok || v != s.values[n] {
			return fmt.Errorf("%s does not hold %s after writing it; no source file was changed", s.path, n)
		}
	}
	return nil
}

// dotenvBare reports whether a value can be written unquoted and read back
// the same by dotenv libraries and by sh's "set -a; . ./.env".
func dotenvBare(v string) bool {
	if v == "" {
		return false
	}
	for i := 0; i < len(v); i++ {
		c := v[i]
		if !(isIdentByte(c) && c != '$' || strings.IndexByte("-./+=:@,%", c) >= 0) {
			return false
		}
	}
	return true
}

func dotenvValue(v string) string {
	if dotenvBare(v) {
		return v
	}
	return "'" + v + "'"
}

// parseDotenv reads NAME=value lines (optionally "export NAME=value",
// values optionally quoted). It reads well enough to find a name's value;
// it is not a full dotenv parser.
func parseDotenv(data []byte) map[string]string {
	out := map[string]string{}
	for _, line := range strings.Split(string(data), "\n") {
		line = strings.TrimSpace(strings.TrimSuffix(line, "\r"))
		if line == "" || line[0] == '#' {
			continue
		}
		line = strings.TrimPrefix(line, "export ")
		name, value, ok := strings.Cut(line, "=")
		if !ok {
			continue
		}
		name, value = strings.TrimSpace(name), strings.TrimSpace(value)
		if len(value) >= 2 && (value[0] == '"' || value[0] == '\'') && value[len(value)-1] == value[0] {
			value = value[1 : len(value)-1]
		} else if i := strings.Index(value, " #"); i >= 0 {
			value = strings.TrimSpace(value[:i])
		}
		out[name] = value
	}
	return out
}

// parseTOML reads the top-level NAME = "value" lines of a secrets.toml,
// before its first table.
func parseTOML(data []byte) map[string]string {
	out := map[string]string{}
	for _, line := range strings.Split(string(data), "\n") {
		line = strings.TrimSpace(strings.TrimSuffix(line, "\r"))
		if strings.HasPrefix(line, "[") {
			break
		}
		name, value, ok := strings.Cut(line, "=")
		if !ok || strings.HasPrefix(line, "#") {
			continue
		}
		name, value = strings.TrimSpace(name), strings.TrimSpace(value)
		if len(value) >= 2 && (value[0] == '"' || value[0] == '\'') && value[len(value)-1] == value[0] {
			out[strings.Trim(name, `"'`)] = value[1 : len(value)-1]
		}
	}
	return out
}

// firstTable is the offset of the first line opening a TOML table, or -1.
func firstTable(data []byte) int {
	off := 0
	for _, line := range bytes.SplitAfter(data, []byte("\n")) {
		if bytes.HasPrefix(bytes.TrimLeft(line, " \t"), []byte("[")) {
			return off
		}
		off += len(line)
	}
	return -1
}

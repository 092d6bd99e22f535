package coverage

import (
	"bytes"
	"errors"
	"fmt"
	"strings"
)

// Header is the comment line Append writes once above the lines it adds.
const Header = "# keyguard: keep secrets out of git"

// EscapeLiteral returns a .gitignore pattern that matches exactly the name
// path: it escapes \ * ? [ anywhere, a leading ! or #, and trailing spaces,
// per gitignore(5). It does not anchor the pattern; prefix "/" for that.
// A name holding a newline, carriage return or NUL cannot be written as a
// .gitignore line, and is an error.
func EscapeLiteral(path string) (string, error) {
	if path == "" {
		return "", errors.New("escape for .gitignore: empty name")
	}
	if strings.ContainsAny(path, "\n\r\x00") {
		return "", fmt.Errorf("escape %q for .gitignore: a .gitignore line cannot hold a newline, carriage return or NUL", path)
	}
	body := strings.TrimRight(path, " ")
	var b strings.Builder
	for i := 0; i < len(body); i++ {
		c := body[i]
		if c == '\\' || c == '*' || c == '?' || c == '[' || (i == 0 && (c == '!' || c == '#')) {
			b.WriteByte('\\')
		}
		b.WriteByte(c)
	}
	// git drops trailing spaces unless escaped; escaping each keeps them all.
	b.WriteString(strings.Repeat(`\ `, len(path)-len(body)))
	return b.String(), nil
}

// IgnoreLines returns the lines that make git ignore path when added to the
// .gitignore at the root of the work tree. An always-sensitive entry gives
// its name patterns (".env", ".env.*") followed by negations that keep its
// templates committable ("!.env.example"); a by-content entry gives an
// anchored, escaped literal for that one file ("/app/settings.py"), because
// a bare "settings.py" would ignore it at every depth. When the patterns do
// not match path as written (they are case-sensitive in git, Classify is
// not), the literal is added too. It is an error when only a literal would
// do and the name cannot be written in .gitignore.
func (c *Catalogue) IgnoreLines(path string, e Entry) ([]string, error) {
	if path == "" || strings.HasSuffix(path, "/") {
		return nil, fmt.Errorf("ignore lines for %q: not a file path", path)
	}
	var lines []string
	if e.Kind == ByName {
		lines = append(lines, e.patterns...)
		for _, x := range e.except {
			for _, p := range e.patterns {
				if matchPattern(p, x, false) {
					lines = append(lines, "!"+x)
					break
				}
			}
		}
		if ignores(lines, path) {
			return lines, nil
		}
	}
	lit, err := EscapeLiteral(path)
	if err != nil {
		return nil, fmt.Errorf("ignore lines for %s entry: %w", e.ID, err)
	}
	// Behind the anchoring "/" a leading ! or # is plain text; keep it readable.
	if strings.HasPrefix(lit, `\!`) || strings.HasPrefix(lit, `\#`) {
		lit = lit[1:]
	}
	return append(lines, "/"+lit), nil
}

// ignores reports whether .gitignore lines at the root ignore file path,
// evaluated like git: the last matching line wins and "!" negates.
func ignores(lines []string, path string) bool {
	ignored := false
	for _, l := range lines {
		neg := strings.HasPrefix(l, "!")
		if neg {
			l = l[1:]
		}
		if matchPattern(trimTrailingSpaces(l), path, false) {
			ignored = !neg
		}
	}
	return ignored
}

// trimTrailingSpaces drops unescaped trailing spaces the way git does when it
// reads a .gitignore line (dir.c: trim_trailing_spaces).
func trimTrailingSpaces(s string) string {
	end := -1
	for i := 0; i < len(s); i++ {
		switch s[i] {
		case ' ':
			if end < 0 {
				end = i
			}
		case '\\':
			i++
			if i == len(s) {
				return s
			}
			end = -1
		default:
			end = -1
		}
	}
	if end >= 0 {
		return s[:end]
	}
	return s
}

// normLine is how git sees a .gitignore line: one trailing CR removed, then
// unescaped trailing spaces.
func normLine(s string) string {
	return trimTrailingSpaces(strings.TrimSuffix(s, "\r"))
}

// Append returns existing with the missing lines appended, and the lines it
// added, in order. It edits like a careful person: existing is an unchanged
// prefix of out; a missing final newline is added first; the file's line
// ending (taken from its first line) is kept; new lines go under Header,
// written once; a line already present (ignoring trailing spaces and CR) is
// not repeated. A negation ("!.env.example") qualifies the nearest pattern
// before it in lines, and is added only after that pattern: it counts as
// present only when it already follows the pattern's last occurrence. Blank
// lines, comments, and lines holding a newline, CR or NUL are never added.
// When nothing is added, out is existing and added is empty.
func Append(existing []byte, lines []string) (out []byte, added []string) {
	// seq is the file as git will read it, growing as lines are planned.
	var seq []string
	hasHeader := false
	if len(existing) > 0 {
		for _, l := range strings.Split(strings.TrimSuffix(string(existing), "\n"), "\n") {
			n := normLine(l)
			seq = append(seq, n)
			hasHeader = hasHeader || n == Header
		}
	}
	lastIndex := func(s string) int {
		for i := len(seq) - 1; i >= 0; i-- {
			if seq[i] == s {
				return i
			}
		}
		return -1
	}
	qualifier := -1 // index in seq of the pattern the next negation qualifies
	for _, raw := range lines {
		if strings.ContainsAny(raw, "\n\r\x00") {
			qualifier = -1
			continue
		}
		n := normLine(raw)
		if n == "" || n[0] == '#' {
			continue
		}
		if n[0] == '!' {
			if qualifier < 0 || lastIndex(n) > qualifier {
				continue
			}
		} else {
			if qualifier = lastIndex(n); qualifier >= 0 {
				continue
			}
			qualifier = len(seq)
		}
		seq = append(seq, n)
		added = append(added, raw)
	}
	if len(added) == 0 {
		return existing, nil
	}

	eol := "\n"
	if i := bytes.IndexByte(existing, '\n'); i > 0 && existing[i-1] == '\r' {
		eol = "\r\n"
	}
	var b bytes.Buffer
	b.Grow(len(existing) + len(Header) + 2*len(eol) + 64*len(added))
	b.Write(existing)
	if n := len(existing); n > 0 && existing[n-1] != '\n' {
		if eol == "\r\n" && existing[n-1] == '\r' {
			b.WriteString("\n")
		} else {
			b.WriteString(eol)
		}
	}
	if !hasHeader {
		// Set the section apart from the user's lines with one blank line.
		if len(seq) > len(added) && seq[len(seq)-len(added)-1] != "" {
			b.WriteString(eol)
		}
		b.WriteString(Header + eol)
	}
	for _, l := range added {
		b.WriteString(l + eol)
	}
	return b.Bytes(), added
}

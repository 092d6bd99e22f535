package fix

import (
	"bytes"
	"path"
	"regexp"
	"strings"
	"sync"
)

// lang is a language whose environment read keyguard knows how to write.
type lang int

const (
	langUnknown lang = iota
	langPython
	langJS // JavaScript and TypeScript
	langGo
	langShell
	langDocker
)

func (l lang) String() string {
	switch l {
	case langPython:
		return "Python"
	case langJS:
		return "JavaScript"
	case langGo:
		return "Go"
	case langShell:
		return "shell"
	case langDocker:
		return "Dockerfile"
	}
	return "unknown"
}

// shebangShell matches the first line of an extension-less shell script.
var shebangShell = lazyRegexp(`^#!\s*/(?:usr/)?bin/(?:env\s+)?(?:sh|bash|zsh|dash|ksh)\b`)

// langOf tells the language of a repository path from its name, and for a
// file without an extension, from its shebang line.
func langOf(p string, src []byte) lang {
	base := path.Base(p)
	ext := strings.ToLower(path.Ext(base))
	switch ext {
	case ".py":
		return langPython
	case ".js", ".mjs", ".cjs", ".jsx", ".ts", ".mts", ".cts", ".tsx":
		return langJS
	case ".go":
		return langGo
	case ".sh", ".bash", ".zsh":
		return langShell
	case ".dockerfile":
		return langDocker
	}
	if base == "Dockerfile" || strings.HasPrefix(base, "Dockerfile.") {
		return langDocker
	}
	if ext == "" && shebangShell().Match(src) {
		return langShell
	}
	return langUnknown
}

// tokKind is what a lexed span of source is.
type tokKind int

const (
	tokString tokKind = iota
	tokComment
)

// lexeme is a string literal or a comment. For a string, [start, end) spans
// the whole literal including any prefix and its quotes, and [lo, hi) its
// content.
type lexeme struct {
	kind       tokKind
	start, end int
	lo, hi     int
	prefix     string // Python string prefix (r, b, f, ...); "$" for shell $'...'
	quote      string // the opening quote: ", ', `, """ or '''
}

// lex finds the string literals and comments of a Python, JS/TS, shell or
// Dockerfile source. It is a light lexer, not a parser: enough to tell
// whether a key sits alone in a literal, in a comment, or in code. Regex
// literals in JS and heredocs in shell are not understood; a literal they
// confuse fails the shape checks that follow and is left to the user.
func lex(l lang, src []byte) []lexeme {
	var toks []lexeme
	n := len(src)
	wordStart := func(i int) bool { // for shell '#': a comment only at the start of a word
		return i == 0 || strings.IndexByte(" \t\r\n;&|()", src[i-1]) >= 0
	}
	for i := 0; i < n; {
		c := src[i]
		switch {
		case c == '#' && (l == langPython || ((l == langShell || l == langDocker) && wordStart(i))):
			end := lineEnd(src, i)
			toks = append(toks, lexeme{kind: tokComment, start: i, end: end, lo: i, hi: end})
			i = end
		case l == langJS && c == '/' && i+1 < n && src[i+1] == '/':
			end := lineEnd(src, i)
			toks = append(toks, lexeme{kind: tokComment, start: i, end: end, lo: i, hi: end})
			i = end
		case l == langJS && c == '/' && i+1 < n && src[i+1] == '*':
			end := bytes.Index(src[i+2:], []byte("*/"))
			if end < 0 {
				end = n
			} else {
				end += i + 4
			}
			toks = append(toks, lexeme{kind: tokComment, start: i, end: end, lo: i, hi: end})
			i = end
		case c == '"' || c == '\'' || (c == '`' && l == langJS):
			t := lexString(l, src, i)
			toks = append(toks, t)
			i = max(t.end, i+1)
		default:
			i++
		}
	}
	return toks
}

// lexString reads the string literal whose opening quote is at q.
func lexString(l lang, src []byte, q int) lexeme {
	n := len(src)
	t := lexeme{kind: tokString, start: q, quote: string(src[q])}
	if l == langPython {
		// A prefix is the identifier run just before the quote, if it is one.
		p := q
		for p > 0 && isIdentByte(src[p-1]) {
			p--
		}
		if pre := strings.ToLower(string(src[p:q])); pre != "" && len(pre) <= 2 && strings.Trim(pre, "rbuf") == "" {
			t.start, t.prefix = p, string(src[p:q])
		}
		if q+2 < n && src[q+1] == src[q] && src[q+2] == src[q] {
			t.quote = strings.Repeat(string(src[q]), 3)
		}
	}
	if (l == langShell || l == langDocker) && src[q] == '\'' && q > 0 && src[q-1] == '$' {
		t.start, t.prefix = q-1, "$"
	}
	t.lo = q + len(t.quote)
	// Single-line quotes end at the line in Python and JS; shell quotes, JS
	// template literals and Python triple quotes may span lines.
	multiLine := len(t.quote) == 3 || t.quote == "`" || l == langShell || l == langDocker
	escapes := !(src[q] == '\'' && (l == langShell || l == langDocker) && t.prefix == "")
	for i := t.lo; i < n; i++ {
		switch {
		case src[i] == '\\' && escapes:
			i++
		case src[i] == '\n' && !multiLine:
			t.hi, t.end = i, i // unterminated: stop at the line's end
			return t
		case bytes.HasPrefix(src[i:], []byte(t.quote)):
			t.hi, t.end = i, i+len(t.quote)
			return t
		}
	}
	t.hi, t.end = n, n
	return t
}

func lineEnd(src []byte, i int) int {
	if j := bytes.IndexByte(src[i:], '\n'); j >= 0 {
		return i + j
	}
	return len(src)
}

func isIdentByte(c byte) bool {
	return c == '_' || c == '$' || 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9'
}

// tokenAt returns the token holding offset off, if any.
func tokenAt(toks []lexeme, off int) (lexeme, bool) {
	lo, hi := 0, len(toks)
	for lo < hi {
		m := (lo + hi) / 2
		switch {
		case toks[m].end <= off:
			lo = m + 1
		case toks[m].start > off:
			hi = m
		default:
			return toks[m], true
		}
	}
	return lexeme{}, false
}

// site is where a key's literal is and what replaces it.
type site struct {
	start, end int    // the bytes to replace: the literal with its quotes
	hint       string // the variable the code assigns it to, "" if none
}

// unsupported explains why keyguard leaves a key to the user.
type unsupported struct {
	reason string // what keyguard saw, e.g. "the key is part of a larger string"
}

func (u *unsupported) Error() string { return u.reason }

func refuse(format string) *unsupported { return &unsupported{reason: format} }

// locateText finds the literal holding the key at [s, e) in a Python, JS/TS,
// shell or Dockerfile source, and checks that it is a shape keyguard
// rewrites: a string literal that is exactly the key, in an assignment, an
// argument or a key-value pair.
func locateText(l lang, src []byte, s, e int) (site, error) {
	toks := lex(l, src)
	t, ok := tokenAt(toks, s)
	shell := l == langShell || l == langDocker
	if !ok {
		if shell {
			return locateShellWord(l, src, s, e)
		}
		return site{}, refuse("the key is not in a string literal")
	}
	if t.kind == tokComment {
		return site{}, refuse("the key is in a comment")
	}
	if t.lo != s || t.hi != e {
		return site{}, refuse("the key is part of a larger string")
	}
	secret := src[s:e]
	switch {
	case len(t.quote) == 3:
		return site{}, refuse("the key is in a triple-quoted string")
	case bytes.IndexByte(secret, '\\') >= 0:
		return site{}, refuse("the literal holds escapes")
	case strings.ContainsAny(strings.ToLower(t.prefix), "b"):
		return site{}, refuse("the key is a bytes literal")
	case t.prefix == "$":
		return site{}, refuse("the key is in a $'...' string")
	case strings.ContainsAny(strings.ToLower(t.prefix), "f") && bytes.ContainsAny(secret, "{}"):
		return site{}, refuse("the key is in an f-string with fields")
	case t.quote == "`" && bytes.Contains(secret, []byte("${")):
		return site{}, refuse("the key is in a template literal with fields")
	case shell && t.quote == `"` && bytes.ContainsAny(secret, "$`"):
		return site{}, refuse("the string expands variables")
	}
	if shell {
		if !shellWordBoundary(src, t.start, t.end) {
			return site{}, refuse("the string is part of a larger shell word")
		}
		return site{start: t.start, end: t.end, hint: shellHint(src, t.start)}, nil
	}
	prev, pi := prevSignificant(toks, src, t.start)
	next := nextSignificant(toks, src, t.end)
	switch prev {
	case '=':
		if pi > 0 && strings.IndexByte("=!<>+-*/%&|^", src[pi-1]) >= 0 {
			return site{}, refuse("the key is compared or combined, not assigned")
		}
	case ':', '(', ',':
	default:
		return site{}, refuse("the literal is not assigned, passed or paired with a key")
	}
	switch next {
	case 0, ',', ')', ';', '}', ']':
	default:
		return site{}, refuse("the literal is part of a larger expression")
	}
	hint := ""
	if prev == '=' || prev == ':' {
		hint = nameBefore(toks, src, pi, prev)
	}
	return site{start: t.start, end: t.end, hint: hint}, nil
}

// prevSignificant returns the last code byte before off, skipping
// whitespace, newlines and comments, and its offset (0 and -1 at the start).
func prevSignificant(toks []lexeme, src []byte, off int) (byte, int) {
	for i := off - 1; i >= 0; i-- {
		switch c := src[i]; c {
		case ' ', '\t', '\r', '\n':
			continue
		default:
			if t, ok := tokenAt(toks, i); ok && t.kind == tokComment {
				i = t.start
				continue
			}
			return c, i
		}
	}
	return 0, -1
}

// nextSignificant returns the first code byte after off on the same line,
// or 0 when the line ends (or only a comment follows).
func nextSignificant(toks []lexeme, src []byte, off int) byte {
	for i := off; i < len(src); i++ {
		switch c := src[i]; c {
		case ' ', '\t', '\r':
			continue
		case '\n':
			return 0
		default:
			if t, ok := tokenAt(toks, i); ok && t.kind == tokComment {
				return 0
			}
			return c
		}
	}
	return 0
}

// nameBefore reads the name an '=' or ':' at op gives the value: an
// identifier (the last part of a dotted name), a quoted key, or a subscript
// with a quoted key. A type annotation (name: type = value) is skipped.
func nameBefore(toks []lexeme, src []byte, op int, kind byte) string {
	ls := bytes.LastIndexByte(src[:op], '\n') + 1
	left := src[ls:op]
	if kind == '=' {
		// "api_key: str = ..." and "const apiKey: string = ...": the name is
		// before the annotation's colon (a colon outside any string).
		for i := range left {
			if left[i] == ':' {
				if t, ok := tokenAt(toks, ls+i); !ok || t.kind != tokString {
					left = left[:i]
					break
				}
			}
		}
	}
	left = bytes.TrimRight(left, " \t")
	if len(left) == 0 {
		return ""
	}
	end := ls + len(left)
	// A quoted key: "api_key": ... or cfg["api_key"] = ...
	last := left[len(left)-1]
	if last == ']' {
		end--
		last = 0
		if end > ls {
			last = src[end-1]
		}
	}
	if last == '"' || last == '\'' || last == '`' {
		if t, ok := tokenAt(toks, end-1); ok && t.kind == tokString {
			return string(src[t.lo:t.hi])
		}
		return ""
	}
	i := end
	for i > ls && (isIdentByte(src[i-1]) || src[i-1] == '-') {
		i--
	}
	return string(src[i:end])
}

// shellWordBoundary reports whether [start, end) is a whole shell word or
// the value of an assignment-like word (NAME=..., --flag=...).
func shellWordBoundary(src []byte, start, end int) bool {
	before := start == 0 || strings.IndexByte(" \t\n=", src[start-1]) >= 0
	after := end == len(src) || strings.IndexByte(" \t\r\n;&|)", src[end]) >= 0
	return before && after
}

// shellSafe are the bytes an unquoted shell word may hold for keyguard to
// replace it: no expansions, globs or quotes.
func shellSafe(b []byte) bool {
	for _, c := range b {
		if !(isIdentByte(c) && c != '$' || strings.IndexByte("-./+=:@,%", c) >= 0) {
			return false
		}
	}
	return len(b) > 0
}

// locateShellWord checks an unquoted key in a shell script or Dockerfile:
// it must be a whole word, or the value of NAME= or --flag=.
func locateShellWord(l lang, src []byte, s, e int) (site, error) {
	if !shellWordBoundary(src, s, e) || !shellSafe(src[s:e]) {
		return site{}, refuse("the key is part of a larger shell word")
	}
	ls := bytes.LastIndexByte(src[:s], '\n') + 1
	if l == langDocker && bytes.HasPrefix(bytes.TrimLeft(src[ls:s], " \t"), []byte("[")) {
		return site{}, refuse("the key is in an exec-form instruction (no shell expands variables there)")
	}
	return site{start: s, end: e, hint: shellHint(src, s)}, nil
}

// dockerEnvForm matches Dockerfile's legacy "ENV NAME value" form.
var dockerEnvForm = lazyRegexp(`(?i)^\s*(?:ENV|ARG)\s+([A-Za-z_][A-Za-z0-9_]*)\s+$`)

// shellHint is the variable a shell word at off is assigned to: the word
// before "=", or the name in "ENV NAME value".
func shellHint(src []byte, off int) string {
	if off > 0 && src[off-1] == '=' {
		i := off - 1
		for i > 0 && (isIdentByte(src[i-1]) || src[i-1] == '-') && src[i-1] != '$' {
			i--
		}
		return strings.TrimLeft(string(src[i:off-1]), "-")
	}
	ls := bytes.LastIndexByte(src[:off], '\n') + 1
	if m := dockerEnvForm().FindSubmatch(src[ls:off]); m != nil {
		return string(m[1])
	}
	return ""
}

// lazyRegexp compiles pattern the first time it is used: most commands
// never fix anything, and every process start would pay for compiling
// them all (0.3-0.5 ms).
func lazyRegexp(pattern string) func() *regexp.Regexp {
	return sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(pattern) })
}

package coverage

import (
	"strings"
	"unicode/utf8"

	"github.com/bmatcuk/doublestar/v4"
)

// wildmatch reports whether text matches pattern as git's globs do for
// .gitignore and :(glob) pathspecs: '*' and '?' never match '/', and "**/"
// spans zero or more directories. doublestar implements that syntax; the few
// places where git differs are translated first (see toDoublestar). fold
// compares ASCII letters case-insensitively, like the :(icase) magic.
func wildmatch(pattern, text string, fold bool) bool {
	if fold {
		pattern, text = asciiLower(pattern), asciiLower(text)
	}
	pattern, text = bytesAsRunes(pattern), bytesAsRunes(text)
	ds, ok := toDoublestar(pattern)
	if !ok {
		return false
	}
	matched, err := doublestar.Match(ds, text)
	return err == nil && matched
}

// invalidByteBase maps each byte of an invalid UTF-8 sequence to its own
// private-use rune: doublestar compares runes and would take every invalid
// byte for the same U+FFFD, where git compares bytes.
const invalidByteBase = 0xF700

// bytesAsRunes returns s with every byte that is not part of valid UTF-8
// replaced by a distinct private-use rune; valid strings come back as is.
func bytesAsRunes(s string) string {
	if utf8.ValidString(s) {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 {
			b.WriteRune(rune(invalidByteBase + int(s[i])))
		} else {
			b.WriteString(s[i : i+size])
		}
		i += size
	}
	return b.String()
}

// toDoublestar rewrites a git glob for doublestar: braces are literal in git
// (alternation in doublestar), a ']' first in a class is a member in git,
// and a '/' in a class never matches in git. ok is false for a pattern that
// can match nothing (a class left empty).
func toDoublestar(p string) (string, bool) {
	var b strings.Builder
	for i := 0; i < len(p); i++ {
		c := p[i]
		switch {
		case c == '\\' && i+1 < len(p):
			b.WriteByte(c)
			b.WriteByte(p[i+1])
			i++
		case c == '{' || c == '}':
			b.WriteByte('\\')
			b.WriteByte(c)
		case c == '[':
			end, class, ok := readClass(p, i)
			if !ok { // no closing bracket: git takes '[' literally
				b.WriteString(`\[`)
				continue
			}
			if class == "" {
				return "", false
			}
			b.WriteString(class)
			i = end
		default:
			b.WriteByte(c)
		}
	}
	return b.String(), true
}

// readClass reads the bracket expression starting at p[start] == '['. It
// returns the index of its closing ']' and the class rewritten for
// doublestar ("" when no member is left).
func readClass(p string, start int) (end int, class string, ok bool) {
	i := start + 1
	negate := false
	if i < len(p) && (p[i] == '!' || p[i] == '^') {
		negate = true
		i++
	}
	var members strings.Builder
	first := true
	for ; i < len(p); i++ {
		c := p[i]
		switch {
		case c == ']' && !first:
			if members.Len() == 0 {
				if negate { // "[!/]": any character but '/', which is '?'
					return i, "?", true
				}
				return i, "", true
			}
			prefix := "["
			if negate {
				prefix = "[^"
			}
			return i, prefix + members.String() + "]", true
		case c == '\\' && i+1 < len(p):
			members.WriteByte(c)
			members.WriteByte(p[i+1])
			i++
		case c == '/':
			// git never lets a class match '/': drop it.
		case c == ']' || c == '{' || c == '}' || c == '[':
			members.WriteByte('\\')
			members.WriteByte(c)
		default:
			members.WriteByte(c)
		}
		first = false
	}
	return 0, "", false
}

// asciiLower folds only ASCII letters, as git's icase matching does; folding
// other letters would make Classify accept names git's pathspecs do not.
func asciiLower(s string) string {
	for i := 0; i < len(s); i++ {
		if 'A' <= s[i] && s[i] <= 'Z' {
			b := []byte(s)
			for j := i; j < len(b); j++ {
				if 'A' <= b[j] && b[j] <= 'Z' {
					b[j] += 'a' - 'A'
				}
			}
			return string(b)
		}
	}
	return s
}

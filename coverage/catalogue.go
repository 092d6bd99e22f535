// Package coverage knows which files in a repository are sensitive, which git
// pathspecs find them cheaply, and which .gitignore lines make git ignore them.
//
// It is pure: no git, no files. Callers list files with git (restricted by
// Pathspecs), keep those Classify accepts, ask git whether they are ignored,
// and fix the ones that are not with IgnoreLines and Append.
//
// Names are matched case-insensitively (ASCII only), because a "KEY.PEM"
// committed from Windows leaks as much as a "key.pem"; Pathspecs and
// IgnoreLines account for that.
package coverage

import (
	"errors"
	"fmt"
	"path"
	"strings"
)

// Kind says when a catalogued file is sensitive.
type Kind int

const (
	// ByName files are always sensitive, whatever they hold.
	ByName Kind = iota
	// ByContent files are sensitive only when the caller finds a key in them.
	ByContent
)

// String returns "by name" or "by content".
func (k Kind) String() string {
	switch k {
	case ByName:
		return "by name"
	case ByContent:
		return "by content"
	}
	return fmt.Sprintf("Kind(%d)", int(k))
}

// Entry is one kind of sensitive file, such as environment files.
type Entry struct {
	// ID names the entry in .keyguard.yaml (e.g. "env"); for a user-added
	// glob it is the glob itself.
	ID string
	// Description is a short lowercase noun phrase, e.g. "environment file".
	Description string
	// Kind says whether the file is sensitive by name or only by content.
	Kind Kind

	// patterns are gitignore-style globs; a pattern without a '/' matches the
	// base name at any depth, one with a '/' matches the whole path.
	patterns []string
	// except are base names a pattern matches that stay committable
	// (templates such as ".env.example").
	except []string
	// sensitive and safe are examples that a test checks, so every rule
	// carries proof of what it matches and what it must not.
	sensitive, safe []string
}

// Catalogue is an immutable set of entries; use Default and With to build one.
type Catalogue struct {
	entries []Entry
	hints   []nameHint // one per pattern; nil when some pattern gives none
	// The same hints for mayMatch: the exact names in a set, the others.
	exact map[string]bool
	loose []nameHint
}

// nameHint is a necessary condition on a path's (lowercased) base name for
// one pattern to match: it starts with prefix, holds the middle literals in
// order, and ends with suffix. Checking hints first keeps Classify cheap
// over a hundred thousand tracked paths, almost none of which are
// sensitive: a repository's JSON files pass the hint of
// "*service-account*.json" only if "service-account" is in their name.
type nameHint struct {
	prefix, suffix string
	middle         []string
	exact          bool // the name is the literal prefix
}

// allows reports whether a lowercased base name passes the hint.
func (h *nameHint) allows(base string) bool {
	if h.exact {
		return base == h.prefix
	}
	if len(base) < len(h.prefix)+len(h.suffix) || !strings.HasPrefix(base, h.prefix) || !strings.HasSuffix(base, h.suffix) {
		return false
	}
	rest := base[len(h.prefix) : len(base)-len(h.suffix)]
	for _, m := range h.middle {
		i := strings.Index(rest, m)
		if i < 0 {
			return false
		}
		rest = rest[i+len(m):]
	}
	return true
}

// newCatalogue derives the hints for entries.
func newCatalogue(entries []Entry) *Catalogue {
	c := &Catalogue{entries: entries}
	for _, e := range entries {
		for _, pat := range e.patterns {
			h, ok := hintFor(pat)
			if !ok {
				c.hints = nil
				return c
			}
			c.hints = append(c.hints, h)
		}
	}
	c.exact = map[string]bool{}
	for _, h := range c.hints {
		if h.exact {
			c.exact[h.prefix] = true
		} else {
			c.loose = append(c.loose, h)
		}
	}
	return c
}

// hintFor takes the last path element of a pattern and keeps its literal
// head and tail around any glob characters. A last element that is "**" or
// holds an escape gives no hint.
func hintFor(pat string) (nameHint, bool) {
	last := pat[strings.LastIndexByte(pat, '/')+1:]
	if last == "" || strings.Contains(last, "**") || strings.ContainsRune(last, '\\') {
		return nameHint{}, false
	}
	last = asciiLower(last)
	i := strings.IndexAny(last, "*?[")
	if i < 0 {
		return nameHint{prefix: last, exact: true}, true
	}
	j := strings.LastIndexAny(last, "*?]")
	if j < i {
		return nameHint{}, false // a '[' without its ']' (validGlob refuses it)
	}
	h := nameHint{prefix: last[:i], suffix: last[j+1:]}
	// The literals between the wildcards; a class ends one, as '*' and '?'
	// do, since it matches a character that is not known.
	var lit strings.Builder
	flush := func() {
		if lit.Len() > 0 {
			h.middle = append(h.middle, lit.String())
			lit.Reset()
		}
	}
	for k := i; k <= j; k++ {
		switch c := last[k]; c {
		case '*', '?':
			flush()
		case '[':
			end, _, ok := readClass(last, k)
			if !ok {
				// No closing bracket (validGlob refuses it): no hint.
				return nameHint{}, false
			}
			flush()
			k = end
		default:
			lit.WriteByte(c)
		}
	}
	flush()
	return h, true
}

// mayMatch reports whether some pattern could match a path whose
// lowercased base name is base, by its hints.
func (c *Catalogue) mayMatch(base string) bool {
	if c.hints == nil {
		return true
	}
	if c.exact[base] {
		return true
	}
	for i := range c.loose {
		if c.loose[i].allows(base) {
			return true
		}
	}
	return false
}

// Default returns the built-in catalogue.
func Default() *Catalogue {
	return newCatalogue(builtin())
}

// Entries returns a copy of the catalogue's entries, in match order.
func (c *Catalogue) Entries() []Entry {
	out := make([]Entry, len(c.entries))
	for i, e := range c.entries {
		out[i] = e.clone()
	}
	return out
}

// Patterns returns the entry's gitignore-style name globs, e.g. ".env.*".
func (e Entry) Patterns() []string {
	return append([]string(nil), e.patterns...)
}

func (e Entry) clone() Entry {
	e.patterns = append([]string(nil), e.patterns...)
	e.except = append([]string(nil), e.except...)
	e.sensitive = append([]string(nil), e.sensitive...)
	e.safe = append([]string(nil), e.safe...)
	return e
}

// With returns a new catalogue with the entries or globs in remove trimmed
// and the globs in add appended as always-sensitive entries. A glob is
// gitignore-style: "*.secret" matches that name at any depth, "deploy/keys.txt"
// (with a '/') matches from the repository root. Removing a glob removes that
// exact pattern from whichever entries hold it. c is not changed.
func (c *Catalogue) With(add, remove []string) (*Catalogue, error) {
	entries := make([]Entry, 0, len(c.entries)+len(add))
	for _, e := range c.entries {
		entries = append(entries, e.clone())
	}
	for _, r := range remove {
		if r == "" {
			return nil, errors.New("catalogue: remove: empty entry or glob")
		}
		found := false
		kept := entries[:0]
		for _, e := range entries {
			if e.ID == r {
				found = true
				continue
			}
			pats := e.patterns[:0]
			for _, p := range e.patterns {
				if p == r {
					found = true
					continue
				}
				pats = append(pats, p)
			}
			e.patterns = pats
			if len(e.patterns) > 0 {
				kept = append(kept, e)
			}
		}
		entries = kept
		if !found {
			// A typo here would silently keep flagging files; say so instead.
			return nil, fmt.Errorf("catalogue: remove %q: no entry ID or pattern by that name", r)
		}
	}
	for _, a := range add {
		if err := validGlob(a); err != nil {
			return nil, fmt.Errorf("catalogue: add %q: %w", a, err)
		}
		dup := false
		for _, e := range entries {
			dup = dup || e.ID == a
		}
		if dup {
			continue
		}
		entries = append(entries, Entry{
			ID:          a,
			Description: "file listed in .keyguard.yaml",
			Kind:        ByName,
			patterns:    []string{a},
		})
	}
	return newCatalogue(entries), nil
}

// validGlob rejects globs that .gitignore would read differently from
// Classify, or that can never match a file path.
func validGlob(g string) error {
	switch {
	case strings.TrimSpace(g) == "":
		return errors.New("empty glob")
	case strings.ContainsAny(g, "\n\r\x00"):
		return errors.New("glob holds a newline, carriage return or NUL")
	case strings.HasPrefix(g, "!"):
		return errors.New("negated glob: list the pattern under remove instead")
	case strings.HasPrefix(g, "#"):
		return errors.New("glob starts with '#', which .gitignore reads as a comment; write \\# instead")
	case strings.HasSuffix(g, "/"):
		return errors.New("glob names a directory; write dir/** to cover the files in it")
	case strings.Contains(g, "[:"):
		return errors.New("POSIX character classes such as [:alpha:] are not supported")
	case trimTrailingSpaces(g) != g:
		return errors.New("trailing space, which .gitignore drops; escape it as '\\ '")
	}
	for _, part := range strings.Split(strings.TrimPrefix(g, "/"), "/") {
		if part == "" || part == "." || part == ".." {
			return errors.New("empty, '.' or '..' path element never matches a file git lists")
		}
	}
	for i := 0; i < len(g); i++ {
		switch g[i] {
		case '\\':
			i++
			if i == len(g) {
				return errors.New("trailing backslash")
			}
		case '[':
			// Mirror dowild: an optional negation, then one member that may
			// be ']', then members up to the closing ']'.
			j := i + 1
			if j < len(g) && (g[j] == '!' || g[j] == '^') {
				j++
			}
			for first := true; ; first = false {
				if j >= len(g) {
					return errors.New("unterminated '['")
				}
				if g[j] == ']' && !first {
					break
				}
				if g[j] == '\\' {
					j++
				}
				j++
			}
			i = j
		}
	}
	return nil
}

// matchPattern reports whether a catalogue pattern matches a repository
// path, with gitignore's rule for where a pattern applies.
func matchPattern(pattern, p string, fold bool) bool {
	if !strings.Contains(pattern, "/") {
		return wildmatch(pattern, path.Base(p), fold)
	}
	return wildmatch(strings.TrimPrefix(pattern, "/"), p, fold)
}

// matches reports whether path p is in the entry. hints, when not nil,
// are its patterns' hints, and base p's lowercased base name: a pattern
// whose hint rejects the name is not matched at all.
func (e *Entry) matches(p, base string, hints []nameHint) bool {
	found := false
	for i, pat := range e.patterns {
		if hints != nil && !hints[i].allows(base) {
			continue
		}
		if matchPattern(pat, p, true) {
			found = true
			break
		}
	}
	if !found {
		return false
	}
	for _, x := range e.except {
		if matchPattern(x, p, true) {
			return false
		}
	}
	return true
}

// Classify returns the entry for a repository-relative, '/'-separated path as
// `git ls-files -z` prints it. An always-sensitive entry wins over a
// by-content one, so a user's "config.py" glob makes that file ByName.
func (c *Catalogue) Classify(p string) (Entry, bool) {
	if p == "" || strings.HasSuffix(p, "/") {
		return Entry{}, false
	}
	base := asciiLower(p[strings.LastIndexByte(p, '/')+1:])
	if !c.mayMatch(base) {
		return Entry{}, false
	}
	var content *Entry
	k := 0 // the hint of the entry's first pattern
	for i := range c.entries {
		e := &c.entries[i]
		var hints []nameHint
		if c.hints != nil {
			hints = c.hints[k : k+len(e.patterns)]
			k += len(e.patterns)
		}
		if !e.matches(p, base, hints) {
			continue
		}
		if e.Kind == ByName {
			return e.clone(), true
		}
		if content == nil {
			content = e
		}
	}
	if content != nil {
		return content.clone(), true
	}
	return Entry{}, false
}

// Pathspecs returns git pathspecs that together match every path Classify
// accepts, and possibly more, so callers filter git's answer with Classify.
// They carry the top magic, so they work from any directory of the work
// tree, and icase, because Classify ignores ASCII case.
func (c *Catalogue) Pathspecs() []string {
	var out []string
	seen := map[string]bool{}
	for _, e := range c.entries {
		for _, p := range e.patterns {
			// Lowercase the pattern: git's icase folds the path but not the
			// members of a [...] class.
			p = asciiLower(p)
			if strings.Contains(p, "/") {
				p = strings.TrimPrefix(p, "/")
			} else {
				p = "**/" + p
			}
			spec := ":(top,glob,icase)" + p
			if !seen[spec] {
				seen[spec] = true
				out = append(out, spec)
			}
		}
	}
	return out
}

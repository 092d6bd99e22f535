// Package detect finds API keys and other secrets in text: bytes in,
// findings out. It runs no git, reads no files and prints nothing, so it can
// be fuzzed and benchmarked alone.
//
// A scan lowercases the text once, runs one Aho-Corasick automaton holding
// every rule's keywords over it, and runs a rule's regex only on the lines
// where one of its keywords occurs. Matches then pass the inline allow
// comments, an entropy floor and a placeholder filter. Secrets are redacted
// whenever they are printed or serialised (see Secret).
package detect

import (
	"bytes"
	"cmp"
	"fmt"
	"regexp"
	"slices"
	"sort"
	"strings"
	"unicode/utf8"

	// coregx/ahocorasick: compiles a flat DFA (fastest of the candidates we
	// measured: 566 MB/s vs 482 for BobuSumisu and 258 for petar-dambovaliev
	// on 4 MB of code with our keywords), reports overlapping matches with a
	// pattern id, has no dependencies and is actively released (v0.3.1, 2026).
	"github.com/coregx/ahocorasick"
)

// multiLineWindow is how many lines, starting at a keyword's line, a rule
// whose regex can match a newline searches. It bounds the cost of such rules
// and is ample for a private key block (a 4096-bit RSA key is 51 lines).
const multiLineWindow = 200

// maxGenericLine is the longest line generic rules look at: longer lines are
// minified or generated code, where "key = value" shapes are noise.
const maxGenericLine = 1000

// Options configures an Engine beyond the built-in catalogue.
type Options struct {
	Extra    []RuleSpec // user rules, appended after the built-ins
	Disabled []string   // ids of rules to skip; an unknown id is an error
	// AllowSecrets are regexes (RE2); a secret matching any is not a finding.
	AllowSecrets []string
	// StopWords are literals; a secret containing any (case-insensitively)
	// is not a finding.
	StopWords []string
}

// Engine scans text with a fixed set of rules. It is immutable after New
// and safe for concurrent use.
type Engine struct {
	rules     []*Rule                // enabled rules, catalogue order
	ac        *ahocorasick.Automaton // all keywords; nil when no rule has one
	byKeyword [][]int                // automaton pattern id -> indexes into rules
	allow     []*regexp.Regexp       // Options.AllowSecrets, compiled
	stopWords []string               // Options.StopWords, lowercased
}

// Finding is one secret found in the scanned text.
type Finding struct {
	Rule *Rule
	// Line is the 1-based line of the secret's first character.
	Line int
	// Column is the 1-based column of the secret's first character, counted
	// in runes (UTF-8) from the start of Line.
	Column int
	// EndColumn is the 1-based rune column just after the secret's last
	// character on Line. For a secret that continues onto later lines (a
	// private key block) it is the column just after the end of Line.
	EndColumn   int
	Secret      Secret
	Fingerprint string // Fingerprint(secret)
}

// New returns an Engine with the embedded catalogue plus opts.Extra, minus
// opts.Disabled. Every rule is validated (unique ids, non-empty regex, sane
// group and entropy). User rules compile here, so a bad pattern is an error
// naming the rule; built-in rules compile on first use, so start-up does not
// pay for rules the input never triggers.
func New(opts Options) (*Engine, error) {
	builtin, err := loadBuiltin()
	if err != nil {
		return nil, fmt.Errorf("detect: built-in catalogue: %w", err)
	}
	return newEngine(builtin, opts)
}

// newEngine is New with the built-in rules given, for tests.
func newEngine(builtin []RuleSpec, opts Options) (*Engine, error) {
	disabled := make(map[string]bool, len(opts.Disabled))
	for _, id := range opts.Disabled {
		disabled[id] = true
	}
	seen := make(map[string]bool)
	e := &Engine{}
	add := func(s *RuleSpec, n int, user bool) error {
		name := s.ID
		if name == "" {
			name = fmt.Sprintf("#%d", n+1)
		}
		if err := validateSpec(s); err != nil {
			return fmt.Errorf("detect: rule %q: %w", name, err)
		}
		if seen[s.ID] {
			return fmt.Errorf("detect: rule %q: duplicate id", s.ID)
		}
		seen[s.ID] = true
		if disabled[s.ID] {
			return nil
		}
		r := newRule(s, len(e.rules))
		if user {
			if err := r.compile(); err != nil {
				return fmt.Errorf("detect: rule %q: %w", s.ID, err)
			}
		}
		e.rules = append(e.rules, r)
		return nil
	}
	for i := range builtin {
		if err := add(&builtin[i], i, false); err != nil {
			return nil, err
		}
	}
	for i := range opts.Extra {
		if opts.Extra[i].family == "" {
			opts.Extra[i].family = "user"
		}
		if err := add(&opts.Extra[i], i, true); err != nil {
			return nil, err
		}
	}
	// Generic rules go last, after user rules too, so that on equal spans
	// any provider rule wins over a generic "name = value" match.
	slices.SortStableFunc(e.rules, func(a, b *Rule) int {
		return cmp.Compare(boolInt(a.generic), boolInt(b.generic))
	})
	for i, r := range e.rules {
		r.index = i
	}
	for _, id := range opts.Disabled {
		if !seen[id] {
			return nil, fmt.Errorf("detect: cannot disable rule %q: no such rule", id)
		}
	}
	for _, pat := range opts.AllowSecrets {
		re, err := regexp.Compile(pat)
		if err != nil {
			return nil, fmt.Errorf("detect: allowed secret pattern %q: %w", pat, err)
		}
		e.allow = append(e.allow, re)
	}
	for _, w := range opts.StopWords {
		if w == "" {
			return nil, fmt.Errorf("detect: empty stop word")
		}
		e.stopWords = append(e.stopWords, strings.ToLower(w))
	}
	if err := e.buildPrefilter(); err != nil {
		return nil, err
	}
	return e, nil
}

// buildPrefilter puts every distinct keyword into one automaton.
func (e *Engine) buildPrefilter() error {
	ids := make(map[string]int)
	var patterns []string
	for ri, r := range e.rules {
		for _, k := range r.keywords {
			id, ok := ids[k]
			if !ok {
				id = len(patterns)
				ids[k] = id
				patterns = append(patterns, k)
				e.byKeyword = append(e.byKeyword, nil)
			}
			if rs := e.byKeyword[id]; len(rs) == 0 || rs[len(rs)-1] != ri {
				e.byKeyword[id] = append(rs, ri)
			}
		}
	}
	if len(patterns) == 0 {
		return nil
	}
	ac, err := ahocorasick.NewBuilder().AddStrings(patterns).Build()
	if err != nil {
		return fmt.Errorf("detect: build keyword prefilter: %w", err)
	}
	e.ac = ac
	return nil
}

// Rules returns the enabled rules in catalogue order.
func (e *Engine) Rules() []*Rule {
	return slices.Clone(e.rules)
}

// span is a half-open byte range of the scanned text.
type span struct{ start, end int }

// candidate is a regex match that passed the filters, before deduplication.
type candidate struct {
	rule       int
	start, end int // the secret
}

// Scan returns the secrets in text, sorted by line, column and rule id.
// text holds one or more lines separated by "\n" (a trailing "\r" is
// ignored). A span reported by two rules is kept once, for the earlier rule
// in the catalogue, and a finding lying inside another's span is dropped (an
// id-shaped string inside a key block is part of that key).
func (e *Engine) Scan(text []byte) []Finding {
	return e.scan(text, true)
}

// ScanFile is Scan for the content of the named file (a repository path):
// in minified and generated files (lockfiles, *.min.js, go.sum, ...) only
// provider rules run, since generic "name = value" matches there are noise.
func (e *Engine) ScanFile(name string, text []byte) []Finding {
	return e.scan(text, !IsGenerated(name))
}

func (e *Engine) scan(text []byte, generic bool) []Finding {
	if len(text) == 0 {
		return nil
	}
	lines := newLineIndex(text)
	hits := e.keywordLines(text, lines)
	var cands []candidate
	for ri, r := range e.rules {
		if r.generic && !generic {
			continue
		}
		var regions []span
		if len(r.keywords) == 0 {
			// No keyword to wait for: such a (user) rule runs on everything.
			regions = []span{{0, len(text)}}
		} else if len(hits[ri]) > 0 {
			regions = r.regions(hits[ri], lines)
		} else {
			continue
		}
		cands = e.match(r, text, regions, lines, ri, cands)
	}
	return e.findings(text, lines, dedupe(cands))
}

// keywordLines runs the prefilter and returns, per rule, the sorted 0-based
// lines on which one of its keywords occurs.
func (e *Engine) keywordLines(text []byte, lines *lineIndex) [][]int {
	hits := make([][]int, len(e.rules))
	if e.ac == nil {
		return hits
	}
	lower := lowerASCII(text)
	for _, m := range e.ac.FindAllOverlapping(lower) {
		ln := lines.of(m.Start)
		for _, ri := range e.byKeyword[m.PatternID] {
			if h := hits[ri]; len(h) == 0 || h[len(h)-1] != ln {
				hits[ri] = append(h, ln)
			}
		}
	}
	for ri := range hits {
		// Overlapping matches come in end order, so starts can step back.
		slices.Sort(hits[ri])
		hits[ri] = slices.Compact(hits[ri])
	}
	return hits
}

// regions turns keyword lines into merged byte ranges to search: the line
// itself, or multiLineWindow lines from it for a multi-line rule.
func (r *Rule) regions(hitLines []int, lines *lineIndex) []span {
	r.compiled() // multiLine is known only after compiling
	extra := 0
	if r.multiLine {
		extra = multiLineWindow - 1
	}
	var out []span
	for _, ln := range hitLines {
		s := span{lines.start(ln), lines.start(min(ln+extra+1, lines.count()))}
		if n := len(out); n > 0 && s.start <= out[n-1].end {
			out[n-1].end = max(out[n-1].end, s.end)
			continue
		}
		out = append(out, s)
	}
	return out
}

// match runs the rule's regex over regions and appends the matches that
// survive the allow comment, entropy, placeholder, validation and allowlist
// filters.
func (e *Engine) match(r *Rule, text []byte, regions []span, lines *lineIndex, ri int, out []candidate) []candidate {
	re := r.compiled()
	for _, reg := range regions {
		for _, m := range re.FindAllSubmatchIndex(text[reg.start:reg.end], -1) {
			start, end := m[2*r.group], m[2*r.group+1]
			if start < 0 || start == end {
				continue // the secret group did not take part
			}
			start, end = start+reg.start, end+reg.start
			// The line where the match starts decides, even for a
			// multi-line match, since that is where a comment can go.
			line := lines.line(lines.of(m[0] + reg.start))
			if hasAllowMarker(line) || (r.generic && len(line) > maxGenericLine) {
				continue
			}
			secret := string(text[start:end])
			if r.entropy > 0 && shannonEntropy(secret) < r.entropy {
				continue
			}
			if isPlaceholder(secret) {
				continue
			}
			if r.validate != nil && !r.validate(secret) {
				continue
			}
			if e.allowed(secret) {
				continue
			}
			out = append(out, candidate{rule: ri, start: start, end: end})
		}
	}
	return out
}

// allowed reports whether the user's configuration allows this secret.
func (e *Engine) allowed(secret string) bool {
	for _, re := range e.allow {
		if re.MatchString(secret) {
			return true
		}
	}
	if len(e.stopWords) > 0 {
		lower := strings.ToLower(secret)
		for _, w := range e.stopWords {
			if strings.Contains(lower, w) {
				return true
			}
		}
	}
	return false
}

// dedupe drops a candidate whose span equals or lies inside a kept one; on
// equal spans the earlier rule wins.
func dedupe(cands []candidate) []candidate {
	slices.SortFunc(cands, func(a, b candidate) int {
		return cmp.Or(cmp.Compare(a.start, b.start), cmp.Compare(b.end, a.end), cmp.Compare(a.rule, b.rule))
	})
	kept := cands[:0]
	maxEnd := -1
	for _, c := range cands {
		if c.end <= maxEnd {
			continue
		}
		kept = append(kept, c)
		maxEnd = c.end
	}
	return kept
}

// findings converts candidates into positioned, sorted findings.
func (e *Engine) findings(text []byte, lines *lineIndex, cands []candidate) []Finding {
	if len(cands) == 0 {
		return nil
	}
	out := make([]Finding, 0, len(cands))
	for _, c := range cands {
		ln := lines.of(c.start)
		col := utf8.RuneCount(text[lines.start(ln):c.start]) + 1
		firstEnd := c.end
		if i := bytes.IndexByte(text[c.start:c.end], '\n'); i >= 0 {
			firstEnd = c.start + i
			if firstEnd > c.start && text[firstEnd-1] == '\r' {
				firstEnd--
			}
		}
		secret := string(text[c.start:c.end])
		out = append(out, Finding{
			Rule:        e.rules[c.rule],
			Line:        ln + 1,
			Column:      col,
			EndColumn:   col + utf8.RuneCount(text[c.start:firstEnd]),
			Secret:      Secret(secret),
			Fingerprint: Fingerprint(secret),
		})
	}
	slices.SortFunc(out, func(a, b Finding) int {
		return cmp.Or(cmp.Compare(a.Line, b.Line), cmp.Compare(a.Column, b.Column), cmp.Compare(a.Rule.ID, b.Rule.ID))
	})
	return out
}

// lineIndex maps byte offsets to 0-based lines.
type lineIndex struct {
	text   []byte
	starts []int // byte offset where each line begins
}

func newLineIndex(text []byte) *lineIndex {
	starts := make([]int, 1, 1+bytes.Count(text, []byte{'\n'}))
	for i := 0; ; {
		j := bytes.IndexByte(text[i:], '\n')
		if j < 0 {
			break
		}
		i += j + 1
		starts = append(starts, i)
	}
	return &lineIndex{text: text, starts: starts}
}

// count is the number of lines (a final "\n" starts an empty last line).
func (l *lineIndex) count() int { return len(l.starts) }

// start returns the offset where line n begins, or len(text) for n == count.
func (l *lineIndex) start(n int) int {
	if n >= len(l.starts) {
		return len(l.text)
	}
	return l.starts[n]
}

// of returns the line holding byte offset off.
func (l *lineIndex) of(off int) int {
	return sort.SearchInts(l.starts, off+1) - 1
}

// line returns the bytes of line n without its "\n".
func (l *lineIndex) line(n int) []byte {
	end := l.start(n + 1)
	if end > l.starts[n] && l.text[end-1] == '\n' {
		end--
	}
	return l.text[l.starts[n]:end]
}

// lowerASCII returns a lowercased copy of b. Only ASCII letters fold, so
// offsets in the copy are offsets in b (unicode.ToLower can change lengths).
func lowerASCII(b []byte) []byte {
	out := make([]byte, len(b))
	for i, c := range b {
		if 'A' <= c && c <= 'Z' {
			c += 'a' - 'A'
		}
		out[i] = c
	}
	return out
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}

package detect

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"sync"
	"testing"

	"github.com/coregx/ahocorasick"
	"github.com/keyguard/keyguard/internal/fakekey"
)

// This file keeps the scan as it was before the prefilter learnt to skip
// regex runs (required runs, anchored tries at keyword hits): every rule's
// whole regex over every line a keyword touched. Scan must give exactly the
// same findings, which TestScanMatchesReference and FuzzScanMatchesReference
// check.

// refScan is Scan done the simple way.
func (e *Engine) refScan(text []byte) []Finding {
	if len(text) == 0 {
		return nil
	}
	lines := newLineIndex(text)
	hits := make([][]int, len(e.rules))
	offs := make([][]int, len(e.rules)) // keyword offsets, for context rules
	if e.hasKeywords() {
		lower := lowerASCII(text)
		for _, m := range refAutomaton(e).FindAllOverlapping(lower) {
			ln := lines.of(m.Start)
			for _, ri := range e.quick.byKeyword[m.PatternID] {
				if h := hits[ri]; len(h) == 0 || h[len(h)-1] != ln {
					hits[ri] = append(h, ln)
				}
				offs[ri] = append(offs[ri], m.Start)
			}
		}
	}
	var cands []candidate
	for ri, r := range e.rules {
		var regions []span
		switch {
		case len(r.keywords) == 0:
			regions = []span{{0, len(text)}}
		case len(hits[ri]) > 0:
			slices.Sort(hits[ri])
			regions = r.refRegions(slices.Compact(hits[ri]), lines)
		default:
			continue
		}
		if r.generic && !r.multiLine {
			// Such matches keep to one line, and none on a long line counts:
			// search line by line, skipping long lines, as accept drops them.
			var short []span
			for _, reg := range regions {
				for ln := lines.of(reg.start); ln < lines.count() && lines.start(ln) < reg.end; ln++ {
					if l := lines.line(ln); len(l) <= maxGenericLine {
						short = append(short, span{lines.start(ln), lines.start(ln) + len(l)})
					}
				}
			}
			regions = short
		}
		for _, reg := range regions {
			// A refused match of a retry rule resumes the search at its
			// secret's start (Rule.resume), a kept one cut short at its
			// end (Rule.resumeKept); any other, after the match.
			b := text[reg.start:reg.end]
			for off := 0; off <= len(b); {
				again := -1
				for _, m := range r.compiled().FindAllSubmatchIndex(b[off:], -1) {
					n := len(cands)
					s := reg.start + off + m[2*r.group]
					if r.context == 0 || m[2*r.group] < 0 || refInContext(lines, offs[ri], s, r.context) {
						cands = e.keep(r, ri, text, reg.start+off, m, cands)
					}
					if p := r.resumeAfter(m, b[off:], cands, n, reg.start+off); p < m[1] {
						again = off + p
						break
					}
				}
				if again < 0 {
					break
				}
				off = again
			}
		}
	}
	return e.findings(text, dedupe(cands))
}

var refAutomata sync.Map // *Engine -> *ahocorasick.Automaton

// refAutomaton returns an automaton of e's whole keywords (not stems), with
// keyword ids as pattern ids.
func refAutomaton(e *Engine) *ahocorasick.Automaton {
	if ac, ok := refAutomata.Load(e); ok {
		return ac.(*ahocorasick.Automaton)
	}
	ac, err := ahocorasick.NewBuilder().AddStrings(e.quick.keywords).Build()
	if err != nil {
		panic(err)
	}
	refAutomata.Store(e, ac)
	return ac
}

// refRegions turns keyword lines into merged byte ranges to search: the line
// itself, or multiLineWindow lines from it for a multi-line rule.
func (r *Rule) refRegions(hitLines []int, lines *lineIndex) []span {
	r.compiled()
	extra := 0
	if r.multiLine {
		extra = multiLineWindow - 1
	}
	if r.context > 0 {
		extra = r.context
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

// refInContext is inContext by its definition: some keyword offset lies on
// the secret's line before it, or on a line at most n above whose indent is
// less than that of every non-blank line after it up to the secret's (a
// lone "{" counts as blank), or in
// the value of a sibling: one of the maxSiblings non-blank lines just
// above, all indented as the secret's line is, or on an INI or TOML
// section header indented no more than it with no other header between.
func refInContext(lines *lineIndex, offs []int, secret, n int) bool {
	ln := lines.of(secret)
	own := refIndent(lines.line(ln))
	for _, o := range offs {
		k := lines.of(o)
		if k == ln && o < secret {
			return true
		}
		if k >= ln || k < ln-n {
			continue
		}
		ind := refIndent(lines.line(k))
		ok := ind >= 0
		for j := k + 1; j <= ln && ok; j++ {
			if d := refIndent(lines.line(j)); d >= 0 && d <= ind {
				ok = false
			}
		}
		if ok {
			return true
		}
		if ind >= 0 && ind <= own && isSectionHeader(lines.line(k)[ind:]) && !refHeaderBetween(lines, k, ln, own) {
			return true
		}
		if ind != own || !inValue(lines.line(k), o-lines.start(k)) {
			continue
		}
		sib, between := true, 0
		for j := k + 1; j < ln && sib; j++ {
			switch d := refIndent(lines.line(j)); {
			case d < 0:
			case d == own:
				between++
			default:
				sib = false
			}
		}
		if sib && between < maxSiblings {
			return true
		}
	}
	return false
}

// refHeaderBetween reports a section header indented at most own on a
// line strictly between k and ln.
func refHeaderBetween(lines *lineIndex, k, ln, own int) bool {
	for j := k + 1; j < ln; j++ {
		if d := refIndent(lines.line(j)); d >= 0 && d <= own && isSectionHeader(lines.line(j)[d:]) {
			return true
		}
	}
	return false
}

// refIndent is the width of line's leading blanks, or -1 for a blank line.
func refIndent(line []byte) int {
	trimmed := bytes.TrimLeft(line, " \t")
	if len(bytes.TrimRight(trimmed, "\r")) == 0 || isOpenerLine(trimmed) {
		return -1 // blank, or a lone "{" that opens the block of the line above
	}
	return len(line) - len(trimmed)
}

// line returns line n without its "\n".
func (l *lineIndex) line(n int) []byte {
	end := l.start(n + 1)
	if end > l.starts[n] && l.text[end-1] == '\n' {
		end--
	}
	return l.text[l.starts[n]:end]
}

// lineIndex maps byte offsets to 0-based lines.
type lineIndex struct {
	text   []byte
	starts []int // byte offset where each line begins
}

func newLineIndex(text []byte) *lineIndex {
	starts := []int{0}
	for i, c := range text {
		if c == '\n' {
			starts = append(starts, i+1)
		}
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

// sameFindings reports the first difference between two scans, without
// printing secrets.
func sameFindings(got, want []Finding) error {
	if len(got) != len(want) {
		return fmt.Errorf("%d findings, reference has %d", len(got), len(want))
	}
	for i := range got {
		g, w := got[i], want[i]
		if g.Rule != w.Rule || g.Line != w.Line || g.Column != w.Column || g.EndColumn != w.EndColumn || g.Fingerprint != w.Fingerprint {
			return fmt.Errorf("finding %d: %s at %d:%d-%d, reference has %s at %d:%d-%d",
				i, g.Rule.ID, g.Line, g.Column, g.EndColumn, w.Rule.ID, w.Line, w.Column, w.EndColumn)
		}
	}
	return nil
}

// equivalenceTexts are inputs on which Scan must agree with refScan: every
// catalogue example alone and all of them joined (so rules meet each other's
// lines), the benchmark text, this package's sources, and the corpus.
func equivalenceTexts(t *testing.T) map[string][]byte {
	texts := map[string][]byte{}
	var all bytes.Buffer
	for _, s := range builtinSpecs(t) {
		for i, tmpl := range append(slices.Clone(s.Examples.Match), s.Examples.NoMatch...) {
			text := fakekey.Expand(tmpl)
			texts[fmt.Sprintf("%s example %d", s.ID, i)] = []byte(text)
			all.WriteString(text)
			all.WriteString("\n")
		}
	}
	texts["all examples"] = all.Bytes()
	texts["all examples, CRLF"] = bytes.ReplaceAll(all.Bytes(), []byte("\n"), []byte("\r\n"))
	texts["all examples, no newlines"] = bytes.ReplaceAll(all.Bytes(), []byte("\n"), []byte(" "))
	texts["benchmark text"] = benchText(1 << 20)
	files, _ := filepath.Glob("*.go")
	more, _ := filepath.Glob("rules/*.yaml")
	for _, name := range append(files, more...) {
		data, err := os.ReadFile(name)
		if err != nil {
			t.Fatal(err)
		}
		texts[name] = data
	}
	for i, p := range loadPositives(t) {
		if i%3 == 0 { // every seed repeats the contexts; one in three covers them
			texts[fmt.Sprintf("positive %d", i)] = p.Text
		}
	}
	for _, n := range loadNegatives(t) {
		texts["negative "+n.Archive+"/"+n.Path] = []byte(fakekey.ExpandSeed(n.Template, 1))
	}
	return texts
}

// equivalenceEngines are the built-in catalogue alone and with user rules
// that take the other paths: no keyword (whole text), a keyword that is not
// where matches start, case-insensitive literal starts (the Kelvin sign
// folds to k), a leading \b before a non-word byte, multi-line matches, and
// a name before its keyword in any case (lead prefixes; the long s folds
// to s).
func equivalenceEngines(t testing.TB) map[string]*Engine {
	extra := []RuleSpec{
		{ID: "user-no-keyword", Regex: `\bkg-[0-9a-f]{24}\b`},
		{ID: "user-mid-keyword", Keywords: []string{"corp"}, Regex: `[a-z]{2}_corp_([a-z0-9]{20})`, SecretGroup: 1},
		{ID: "user-fold", Keywords: []string{"kelvin_"}, Regex: `(?i)\bkelvin_[a-z0-9]{16}\b`},
		{ID: "user-dash", Keywords: []string{"-tok-"}, Regex: `\b-tok-[0-9]{12}`},
		{ID: "user-multiline", Keywords: []string{"begin blob"}, Regex: `BEGIN BLOB\n([A-Za-z0-9]{20,}\n)+END`},
		{ID: "user-name-first", Keywords: []string{"_key="}, Regex: `(?i)(?:api|sec)_key=([a-z0-9]{12})`, SecretGroup: 1},
		{ID: "user-context", Keywords: []string{"acme"}, Context: 3, Regex: `(?i)token[ \t]*[:=][ \t]*([a-z0-9]{12})\b`, SecretGroup: 1},
		{ID: "user-alt-boundary", Keywords: []string{"ibx", "zz_key"}, Regex: `(?i:ibx|\bzz_key)[ \t]*=[ \t]*([a-z0-9]{12})`, SecretGroup: 1},
		{ID: "user-lead-boundary", Keywords: []string{"_sec="}, Regex: `\b(?:app|srv)_sec=([a-z0-9]{12})`, SecretGroup: 1},
		{ID: "user-boundary", Keywords: []string{"bd_"}, Regex: `(?:(?m:^)|[^A-Za-z0-9_\n])(bd_[a-z0-9]{12})(?:[^a-z0-9\n]|(?m:$))`, SecretGroup: 1},
	}
	engines := map[string]*Engine{"built-in": newTestEngine(t)}
	e, err := New(Options{Extra: extra})
	if err != nil {
		t.Fatal(err)
	}
	engines["with user rules"] = e
	return engines
}

func TestScanMatchesReference(t *testing.T) {
	texts := equivalenceTexts(t)
	texts["user rules"] = []byte("kg-0123456789abcdef01234567 x\nab_corp_q8r7s6t5u4v3w2x1y0z9 ab_CORP_q8r7s6t5u4v3w2x1y0z9\n" +
		"KELVIN_Q8R7S6T5U4V3W2X1 \u212aelvin_q8r7s6t5u4v3w2x1 kelvin_q8r7s6t5u4v3w2x1\n" +
		"a-tok-012345678901 -tok-012345678901 x-tok-012345678901\nBEGIN BLOB\nabcdefghijklmnopqrstuvwxyz\nEND\n" +
		"api_key=q8r7s6t5u4v3 SEC_KEY=q8r7s6t5u4v3 \u017fec_key=q8r7s6t5u4v3\nx \u017fec_key=q8r7s6t5u4v3\n" +
		"acme_token=q8r7s6t5u4v3 token=q8r7s6t5u4v3 acme\nacme:\n  x: 1\n\n  token: q8r7s6t5u4v3\n  \t\n    token: q8r7s6t5u4v3\n" +
		"token: q8r7s6t5u4v3\n  acme:\n token: q8r7s6t5u4v3\n\tacme {\r\n\t\ttoken = q8r7s6t5u4v3\r\n  \r\n\t\t\ttoken = q8r7s6t5u4v3\n" +
		"acme:\n  a:\n    b:\n      c:\n        token: q8r7s6t5u4v3\n" +
		"bd_q8r7s6t5u4v3 bd_q8r7s6t5u4v3,bd_q8r7s6t5u4v3 xbd_q8r7s6t5u4v3 _bd_q8r7s6t5u4v3\n" +
		"ibx = q8r7s6t5u4v3 xzz_key = q8r7s6t5u4v3 zz_key = q8r7s6t5u4v3 Zz_KEY=q8r7s6t5u4v3 xibx=q8r7s6t5u4v3\n" +
		"app_sec=q8r7s6t5u4v3 xapp_sec=q8r7s6t5u4v3 \u00e9srv_sec=q8r7s6t5u4v3 -srv_sec=q8r7s6t5u4v3\n" +
		"\u00e9bd_q8r7s6t5u4v3 \"bd_q8r7s6t5u4v3\"bd_q8r7s6t5u4v3\nbd_q8r7s6t5u4v3\r\n\tbd_q8r7s6t5u4v3")
	for name, e := range equivalenceEngines(t) {
		found := 0
		for what, text := range texts {
			got, want := e.Scan(text), e.refScan(text)
			found += len(want)
			if err := sameFindings(got, want); err != nil {
				t.Errorf("%s, %s: %v", name, what, err)
			}
		}
		if found == 0 {
			t.Errorf("%s: no findings at all; the comparison proves nothing", name)
		}
	}
}

// FuzzScanMatchesReference mutates the same inputs.
func FuzzScanMatchesReference(f *testing.F) {
	seeds := 0
	for _, s := range builtinSpecs(f) {
		for _, tmpl := range append(slices.Clone(s.Examples.Match), s.Examples.NoMatch...) {
			f.Add([]byte(fakekey.Expand(tmpl)))
			seeds++
		}
	}
	if seeds == 0 {
		f.Fatal("empty seed corpus: the catalogue has no examples")
	}
	engines := equivalenceEngines(f)
	f.Fuzz(func(t *testing.T, text []byte) {
		for name, e := range engines {
			if err := sameFindings(e.Scan(text), e.refScan(text)); err != nil {
				t.Errorf("%s: %v", name, err)
			}
		}
	})
}

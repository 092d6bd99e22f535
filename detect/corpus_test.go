package detect

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/keyguard/keyguard/internal/corpus"
	"github.com/keyguard/keyguard/internal/fakekey"
)

// The corpus (internal/corpus) is the oracle the catalogue is measured
// against: provider key shapes in realistic contexts, and whole files that
// must produce no finding, all fakekey templates expanded with several
// seeds.

var updateCorpus = flag.Bool("update", false, "rewrite testdata/corpus/RESULTS.md with the corpus results, and ../docs/providers.md")

const corpusDir = "testdata/corpus"

var (
	corpusSeeds    = corpus.Seeds()
	corpusFamilies = corpus.Families()
)

// recallBar is the minimum recall (percent) per family; maxCorpusFPs the
// most findings allowed on the negatives.
var recallBar = map[string]float64{
	"ai": 90, "cloud": 90, "code": 90, "messaging": 90, "saas": 90, "structure": 90, "frameworks": 90, "generic": 80,
}

const maxCorpusFPs = 0

// loadPositives reads the positive corpus, expanded with every seed.
func loadPositives(t *testing.T) []corpus.Positive {
	t.Helper()
	ps, err := corpus.Positives(corpusDir)
	if err != nil {
		t.Fatal(err)
	}
	return ps
}

// normProvider folds case and punctuation (corpus.NormProvider).
func normProvider(p string) string { return corpus.NormProvider(p) }

// findingSpan returns the byte span of f's secret in text.
func findingSpan(text []byte, f Finding) span {
	lines := newLineIndex(text)
	off := lines.start(f.Line - 1)
	for i := 1; i < f.Column && off < len(text); i++ {
		_, size := utf8.DecodeRune(text[off:])
		off += size
	}
	return span{off, off + len(f.Secret.Reveal())}
}

func overlaps(a, b span) bool { return a.start < b.end && b.start < a.end }

// loadNegatives reads the negative corpus's files, as templates.
func loadNegatives(t *testing.T) []corpus.Negative {
	t.Helper()
	ns, err := corpus.Negatives(corpusDir)
	if err != nil {
		t.Fatal(err)
	}
	return ns
}

// familyStats is one row of the results table.
type familyStats struct {
	positives, detected, fps int
}

// miss is a positive no finding of its provider covered.
type miss struct {
	family, provider, shape, path string
	seed                          uint64
	secret                        string // redacted
	others                        []string
}

// flagged is a finding on the negative corpus.
type flagged struct {
	where, rule, family, secret string
}

type corpusResults struct {
	stats      map[string]*familyStats
	negLines   int
	misses     []miss
	flags      []flagged
	extra      int // findings in positive contexts that cover no label
	cases      map[string]int
	ruleCounts map[string]int
}

// TestCorpus measures the catalogue against the corpus: recall per family on
// the positives, false positives on the negatives. With -update it writes
// the table to testdata/corpus/RESULTS.md.
func TestCorpus(t *testing.T) {
	e := newTestEngine(t)
	res := corpusResults{stats: map[string]*familyStats{}, cases: map[string]int{}, ruleCounts: map[string]int{}}
	for _, fam := range corpusFamilies {
		res.stats[fam] = &familyStats{}
	}

	pos := loadPositives(t)
	if len(pos) == 0 {
		t.Fatal("the positive corpus is empty")
	}
	// Scan each expanded context once; several labels may share it.
	type scanKey struct {
		path string
		text string
	}
	cache := map[scanKey][]Finding{}
	labelled := map[scanKey][]span{}
	seenCase := map[string]bool{}
	for _, p := range pos {
		k := scanKey{p.Path, string(p.Text)}
		fs, ok := cache[k]
		if !ok {
			fs = e.ScanFile(p.Path, p.Text)
			cache[k] = fs
		}
		labelled[k] = append(labelled[k], span{p.Start, p.End})
		if id := p.Family + "/" + p.Provider + "/" + p.Shape; !seenCase[id] {
			seenCase[id] = true
			res.cases[p.Family]++
		}
		st := res.stats[p.Family]
		st.positives++
		want := span{p.Start, p.End}
		hit := false
		var others []string
		for _, f := range fs {
			if !overlaps(findingSpan(p.Text, f), want) {
				continue
			}
			if slices.Contains(p.Accept, normProvider(f.Rule.Provider)) ||
				(p.Family == "generic" && f.Rule.Family == "generic") {
				hit = true
				res.ruleCounts[f.Rule.ID]++
				break
			}
			others = append(others, f.Rule.ID+" ("+f.Rule.Provider+")")
		}
		if hit {
			st.detected++
			continue
		}
		res.misses = append(res.misses, miss{
			family: p.Family, provider: p.Provider, shape: p.Shape, path: p.Path, seed: p.Seed,
			secret: Redact(string(p.Text[p.Start:p.End])), others: others,
		})
	}
	for k, fs := range cache {
		for _, f := range fs {
			covered := false
			for _, s := range labelled[k] {
				if overlaps(findingSpan([]byte(k.text), f), s) {
					covered = true
				}
			}
			if !covered {
				res.extra++
			}
		}
	}

	negs := loadNegatives(t)
	type lineKey struct {
		archive, path string
		line          int
	}
	flaggedLines := map[lineKey]bool{}
	for _, nf := range negs {
		for _, seed := range corpusSeeds {
			text := []byte(fakekey.ExpandSeed(nf.Template, seed))
			if seed == corpusSeeds[0] {
				for _, l := range strings.Split(string(text), "\n") {
					if strings.TrimSpace(l) != "" {
						res.negLines++
					}
				}
			}
			for _, f := range e.ScanFile(nf.Path, text) {
				k := lineKey{nf.Archive, nf.Path, f.Line}
				if flaggedLines[k] {
					continue
				}
				flaggedLines[k] = true
				fam := f.Rule.Family
				if res.stats[fam] == nil {
					res.stats[fam] = &familyStats{}
				}
				res.stats[fam].fps++
				res.flags = append(res.flags, flagged{
					where:  fmt.Sprintf("%s: %s:%d", nf.Archive, nf.Path, f.Line),
					rule:   f.Rule.ID,
					family: fam,
					secret: f.Secret.String(),
				})
			}
		}
	}
	if res.negLines < 400 {
		t.Errorf("the negative corpus has %d non-blank lines, want at least 400", res.negLines)
	}

	table := res.markdown()
	t.Log("\n" + table)
	if *updateCorpus {
		if err := os.WriteFile(filepath.Join(corpusDir, "RESULTS.md"), []byte(table), 0o644); err != nil {
			t.Fatal(err)
		}
	}

	for _, fam := range corpusFamilies {
		st := res.stats[fam]
		if st.positives == 0 {
			t.Errorf("family %s: no positives in the corpus", fam)
			continue
		}
		if r := pct(st.detected, st.positives); r < recallBar[fam] {
			t.Errorf("family %s: recall %.1f%% (%d/%d) is below %.0f%%", fam, r, st.detected, st.positives, recallBar[fam])
			for _, m := range res.misses {
				if m.family == fam && m.seed == corpusSeeds[0] {
					t.Logf("  missed %s %s in %s: %s%s", m.provider, m.shape, m.path, m.secret, m.othersNote())
				}
			}
		}
	}
	if len(res.flags) > maxCorpusFPs {
		for _, f := range res.flags {
			t.Errorf("false positive: %s: %s (%s) flagged %s", f.where, f.rule, f.family, f.secret)
		}
		t.Errorf("%d false positives on the negative corpus, want at most %d", len(res.flags), maxCorpusFPs)
	}
}

func (m miss) othersNote() string {
	if len(m.others) == 0 {
		return ""
	}
	return "; covered instead by " + strings.Join(m.others, ", ")
}

func pct(n, d int) float64 {
	if d == 0 {
		return 0
	}
	return 100 * float64(n) / float64(d)
}

// markdown renders the results; it names providers, shapes and redacted
// values only.
func (r *corpusResults) markdown() string {
	var b strings.Builder
	b.WriteString("# Corpus results\n\n")
	b.WriteString("Written by `go test ./detect/ -run TestCorpus -update`. Positives are labelled key\n")
	b.WriteString("shapes in code contexts, each expanded with ")
	fmt.Fprintf(&b, "%d seeds; negatives are non-blank lines that must\n", len(corpusSeeds))
	b.WriteString("produce no finding (a flagged line counts once, under the family of the rule that flagged it).\n\n")
	b.WriteString("| family | cases | positives | detected | recall | bar | FPs | FP rate |\n")
	b.WriteString("|---|---:|---:|---:|---:|---:|---:|---:|\n")
	var tp, td, tf, tc int
	fams := slices.Clone(corpusFamilies)
	for fam := range r.stats {
		if !slices.Contains(fams, fam) {
			fams = append(fams, fam)
		}
	}
	for _, fam := range fams {
		st := r.stats[fam]
		bar := "-"
		if v, ok := recallBar[fam]; ok {
			bar = fmt.Sprintf("%.0f%%", v)
		}
		fmt.Fprintf(&b, "| %s | %d | %d | %d | %.1f%% | %s | %d | %.2f%% |\n",
			fam, r.cases[fam], st.positives, st.detected, pct(st.detected, st.positives), bar, st.fps, pct(st.fps, r.negLines))
		tp += st.positives
		td += st.detected
		tf += st.fps
		tc += r.cases[fam]
	}
	fmt.Fprintf(&b, "| **total** | %d | %d | %d | %.1f%% | | %d | %.2f%% |\n\n", tc, tp, td, pct(td, tp), tf, pct(tf, r.negLines))
	fmt.Fprintf(&b, "Negative lines: %d. Findings in positive contexts that cover no label: %d.\n", r.negLines, r.extra)

	b.WriteString("\n## Missed positives\n\n")
	if len(r.misses) == 0 {
		b.WriteString("None.\n")
	}
	// One line per family, provider, shape and path; seeds are summed.
	type key struct{ family, provider, shape, path, others string }
	counts := map[key]int{}
	var order []key
	for _, m := range r.misses {
		k := key{m.family, m.provider, m.shape, m.path, m.othersNote()}
		if counts[k] == 0 {
			order = append(order, k)
		}
		counts[k]++
	}
	for _, k := range order {
		fmt.Fprintf(&b, "- %s: %s %s in `%s` (%d of %d seeds)%s\n", k.family, k.provider, k.shape, k.path, counts[k], len(corpusSeeds), k.others)
	}

	b.WriteString("\n## Flagged negatives\n\n")
	if len(r.flags) == 0 {
		b.WriteString("None.\n")
	}
	for _, f := range r.flags {
		fmt.Fprintf(&b, "- %s: `%s` (%s) flagged %s\n", f.where, f.rule, f.family, f.secret)
	}
	return b.String()
}

// TestCorpusTemplatesAreClean proves the corpus stores templates only: its
// raw files hold no finding.
func TestCorpusTemplatesAreClean(t *testing.T) {
	e := newTestEngine(t)
	var files []string
	err := filepath.WalkDir(corpusDir, func(path string, d os.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			files = append(files, path)
		}
		return err
	})
	if err != nil || len(files) == 0 {
		t.Fatalf("walk %s: %v (%d files)", corpusDir, err, len(files))
	}
	for _, name := range files {
		data, err := os.ReadFile(name)
		if err != nil {
			t.Fatal(err)
		}
		for _, f := range e.Scan(data) {
			t.Errorf("%s:%d:%d: holds a %s (%v)", name, f.Line, f.Column, f.Rule.ID, f.Secret)
		}
	}
}

// TestCorpusLineColumn checks that the line and column corpus.LineColumn
// gives each labelled secret (what bench/cmd/corpusdump writes to
// labels.json) read back as keyguard's findings are read.
func TestCorpusLineColumn(t *testing.T) {
	ps, err := corpus.Positives(corpusDir)
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range ps {
		line, col := corpus.LineColumn(p.Text, p.Start)
		if got := findingSpan(p.Text, Finding{Line: line, Column: col, Secret: Secret(p.Text[p.Start:p.End])}); got != (span{p.Start, p.End}) {
			t.Fatalf("%s %s in %s: line %d column %d reads back as bytes %v, want %v", p.Provider, p.Shape, p.Path, line, col, got, span{p.Start, p.End})
		}
	}
}

package detect

import (
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/rogpeppe/go-internal/txtar"
	"gopkg.in/yaml.v3"

	"github.com/keyguard/keyguard/internal/fakekey"
)

// The corpus is the oracle the catalogue is measured against, written from
// the providers' documented key formats rather than from our regexes (see
// testdata/corpus/README.md):
//
//   - positives/<family>.yaml: provider key shapes, each in a few realistic
//     code contexts, with the secret marked «…» (or «KEY», the case's secret);
//   - negatives/*.txtar: whole files (the txtar names are their paths) whose
//     every line must produce no finding.
//
// Everything key-shaped is a fakekey template, expanded here with several
// seeds, so the repository itself never holds a realistic key.

var updateCorpus = flag.Bool("update", false, "rewrite testdata/corpus/RESULTS.md with the corpus results, and ../docs/providers.md")

const (
	corpusDir = "testdata/corpus"
	// markOpen and markClose delimit a labelled secret in a positive context.
	markOpen  = "«"
	markClose = "»"
	// keyMark stands for the case's secret template, marked.
	keyMark = "«KEY»"
)

// corpusSeeds expand every template several times, so a rule is measured on
// several random values, not one lucky draw.
var corpusSeeds = []uint64{1, 2, 3}

// corpusFamilies are the catalogue families, in table order.
var corpusFamilies = []string{"ai", "cloud", "code", "messaging", "saas", "structure", "generic"}

// recallBar is the minimum recall (percent) per family; maxCorpusFPs the
// most findings allowed on the negatives.
var recallBar = map[string]float64{
	"ai": 90, "cloud": 90, "code": 90, "messaging": 90, "saas": 90, "structure": 90, "generic": 80,
}

const maxCorpusFPs = 0

// corpusCase is one provider key shape and the contexts it is written in.
type corpusCase struct {
	Provider string   `yaml:"provider"` // compared with Rule.Provider, case- and punctuation-insensitively
	Also     []string `yaml:"also"`     // other names the provider's rules may carry
	Shape    string   `yaml:"shape"`    // what kind of key, for reports (never the value)
	Secret   string   `yaml:"secret"`   // template that «KEY» stands for
	// Contexts are [path, text] pairs: the file the text sits in and the
	// text, with each secret marked «…».
	Contexts [][]string `yaml:"contexts"`
}

type corpusFile struct {
	Cases []corpusCase `yaml:"cases"`
}

// positive is one labelled secret in one expanded context.
type positive struct {
	family, provider, shape, path string
	accept                        []string // normalised provider names that count
	seed                          uint64
	text                          []byte
	start, end                    int // byte span of the secret in text
	// caseIdx and ctxIdx place the positive in its family file: the case's
	// and the context's 0-based index.
	caseIdx, ctxIdx int
}

// loadPositives reads positives/*.yaml and expands every context with every
// seed.
func loadPositives(t *testing.T) []positive {
	t.Helper()
	files, err := filepath.Glob(filepath.Join(corpusDir, "positives", "*.yaml"))
	if err != nil || len(files) == 0 {
		t.Fatalf("glob positives: %v (%d files)", err, len(files))
	}
	var out []positive
	for _, name := range files {
		family := strings.TrimSuffix(filepath.Base(name), ".yaml")
		if !slices.Contains(corpusFamilies, family) {
			t.Fatalf("%s: unknown family %q (want one of %v)", name, family, corpusFamilies)
		}
		data, err := os.ReadFile(name)
		if err != nil {
			t.Fatal(err)
		}
		dec := yaml.NewDecoder(bytes.NewReader(data))
		dec.KnownFields(true)
		var f corpusFile
		if err := dec.Decode(&f); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if len(f.Cases) == 0 {
			t.Fatalf("%s: no cases", name)
		}
		for ci, c := range f.Cases {
			where := fmt.Sprintf("%s: %s %s", name, c.Provider, c.Shape)
			if c.Provider == "" || c.Shape == "" || len(c.Contexts) == 0 {
				t.Fatalf("%s: a case needs provider, shape and contexts", where)
			}
			accept := []string{normProvider(c.Provider)}
			for _, a := range c.Also {
				accept = append(accept, normProvider(a))
			}
			for xi, ctx := range c.Contexts {
				if len(ctx) != 2 {
					t.Fatalf("%s: a context is [path, text], got %d items", where, len(ctx))
				}
				tmpl := ctx[1]
				if strings.Contains(tmpl, keyMark) {
					if c.Secret == "" {
						t.Fatalf("%s: context uses %s but the case has no secret", where, keyMark)
					}
					tmpl = strings.ReplaceAll(tmpl, keyMark, markOpen+c.Secret+markClose)
				}
				checkMarkedTemplates(t, where, tmpl)
				for _, seed := range corpusSeeds {
					text, spans := unmark(fakekey.ExpandSeed(tmpl, seed))
					for _, s := range spans {
						out = append(out, positive{
							family: family, provider: c.Provider, shape: c.Shape, path: ctx[0],
							accept: accept, seed: seed, text: text, start: s.start, end: s.end,
							caseIdx: ci, ctxIdx: xi,
						})
					}
				}
			}
		}
	}
	return out
}

// checkMarkedTemplates fails unless tmpl marks at least one secret and every
// marked secret is a template: a literal there would be a real-looking key.
func checkMarkedTemplates(t *testing.T, where, tmpl string) {
	t.Helper()
	rest := tmpl
	n := 0
	for {
		i := strings.Index(rest, markOpen)
		if i < 0 {
			break
		}
		j := strings.Index(rest[i:], markClose)
		if j < 0 {
			t.Fatalf("%s: unclosed %s", where, markOpen)
		}
		if inner := rest[i+len(markOpen) : i+j]; !fakekey.IsTemplate(inner) {
			t.Fatalf("%s: marked secret %q is not a fakekey template", where, inner)
		}
		rest = rest[i+j+len(markClose):]
		n++
	}
	if n == 0 {
		t.Fatalf("%s: context marks no secret with %s…%s", where, markOpen, markClose)
	}
}

// unmark removes the «…» marks from s and returns the byte spans they held.
func unmark(s string) ([]byte, []span) {
	var b strings.Builder
	var spans []span
	for {
		i := strings.Index(s, markOpen)
		if i < 0 {
			b.WriteString(s)
			break
		}
		b.WriteString(s[:i])
		s = s[i+len(markOpen):]
		j := strings.Index(s, markClose)
		start := b.Len()
		b.WriteString(s[:j])
		spans = append(spans, span{start, b.Len()})
		s = s[j+len(markClose):]
	}
	return []byte(b.String()), spans
}

// normProvider folds case and drops everything but letters and digits, so
// "Hugging Face" and "HuggingFace" compare equal.
func normProvider(p string) string {
	var b strings.Builder
	for _, r := range strings.ToLower(p) {
		if ('a' <= r && r <= 'z') || ('0' <= r && r <= '9') {
			b.WriteRune(r)
		}
	}
	return b.String()
}

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

// negativeFile is one file of the negative corpus, as a template.
type negativeFile struct {
	archive, path, tmpl string
}

func loadNegatives(t *testing.T) []negativeFile {
	t.Helper()
	files, err := filepath.Glob(filepath.Join(corpusDir, "negatives", "*.txtar"))
	if err != nil || len(files) == 0 {
		t.Fatalf("glob negatives: %v (%d files)", err, len(files))
	}
	var out []negativeFile
	for _, name := range files {
		ar, err := txtar.ParseFile(name)
		if err != nil {
			t.Fatal(err)
		}
		if len(ar.Files) == 0 {
			t.Fatalf("%s: no files", name)
		}
		for _, f := range ar.Files {
			out = append(out, negativeFile{archive: filepath.Base(name), path: f.Name, tmpl: string(f.Data)})
		}
	}
	return out
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
		k := scanKey{p.path, string(p.text)}
		fs, ok := cache[k]
		if !ok {
			fs = e.ScanFile(p.path, p.text)
			cache[k] = fs
		}
		labelled[k] = append(labelled[k], span{p.start, p.end})
		if id := p.family + "/" + p.provider + "/" + p.shape; !seenCase[id] {
			seenCase[id] = true
			res.cases[p.family]++
		}
		st := res.stats[p.family]
		st.positives++
		want := span{p.start, p.end}
		hit := false
		var others []string
		for _, f := range fs {
			if !overlaps(findingSpan(p.text, f), want) {
				continue
			}
			if slices.Contains(p.accept, normProvider(f.Rule.Provider)) ||
				(p.family == "generic" && f.Rule.Family == "generic") {
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
			family: p.family, provider: p.provider, shape: p.shape, path: p.path, seed: p.seed,
			secret: Redact(string(p.text[p.start:p.end])), others: others,
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
			text := []byte(fakekey.ExpandSeed(nf.tmpl, seed))
			if seed == corpusSeeds[0] {
				for _, l := range strings.Split(string(text), "\n") {
					if strings.TrimSpace(l) != "" {
						res.negLines++
					}
				}
			}
			for _, f := range e.ScanFile(nf.path, text) {
				k := lineKey{nf.archive, nf.path, f.Line}
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
					where:  fmt.Sprintf("%s: %s:%d", nf.archive, nf.path, f.Line),
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

var corpusDump = flag.String("corpus-dump", "", "write the expanded corpus and its labels.json to this `dir` (absolute, outside the repository: it holds key-shaped fakes) for scoring other scanners; see bench/corpus-vs-gitleaks.sh")

// dumpLabels is the labels.json that -corpus-dump writes beside the
// expanded corpus. It locates every labelled secret by span and
// fingerprint, never by value, so it can be read and printed freely.
type dumpLabels struct {
	Families  []string       `json:"families"` // in table order
	Seeds     []uint64       `json:"seeds"`
	Positives []dumpPositive `json:"positives"`
	Negatives []dumpNegative `json:"negatives"`
}

// dumpPositive is one labelled secret in a dumped positive file.
type dumpPositive struct {
	File     string `json:"file"` // '/'-separated, relative to the dump directory
	Family   string `json:"family"`
	Provider string `json:"provider"`
	Shape    string `json:"shape"`
	Seed     uint64 `json:"seed"`
	// Start and End are the secret's byte span [Start, End) in the file.
	Start int `json:"start"`
	End   int `json:"end"`
	// Line and Column (1-based, columns in runes, as keyguard reports them)
	// locate the first character; EndLine and EndColumn the position just
	// after the last.
	Line        int    `json:"line"`
	Column      int    `json:"column"`
	EndLine     int    `json:"end_line"`
	EndColumn   int    `json:"end_column"`
	Fingerprint string `json:"fingerprint"` // detect.Fingerprint of the secret
}

// dumpNegative is one dumped negative file: one txtar member expanded with
// one seed. Every line of it must produce no finding.
type dumpNegative struct {
	File    string `json:"file"`
	Archive string `json:"archive"`
	Path    string `json:"path"` // the member's name in the archive
	Seed    uint64 `json:"seed"`
	Lines   int    `json:"lines"` // non-blank lines
}

// TestCorpusDump writes, with -corpus-dump DIR, the texts TestCorpus scans
// as files, so other scanners can be measured on the same corpus:
//
//	DIR/positives/<family>/<case>-<n>/<path>    one expanded context each
//	DIR/negatives/<archive>/s<seed>/<path>      one txtar member and seed each
//	DIR/labels.json                             dumpLabels
//
// <case> is the case's 1-based index in its family file and <n> numbers its
// contexts times seeds. DIR must be absolute, outside the repository, and
// empty or absent; delete it after use.
func TestCorpusDump(t *testing.T) {
	if *corpusDump == "" {
		t.Skip("set -corpus-dump DIR to write the expanded corpus")
	}
	dir := filepath.Clean(*corpusDump)
	if !filepath.IsAbs(dir) {
		t.Fatalf("-corpus-dump %s: want an absolute path (go test runs in the package directory)", dir)
	}
	root, err := filepath.Abs("..")
	if err != nil {
		t.Fatal(err)
	}
	if rel, err := filepath.Rel(root, dir); err == nil && (rel == "." || filepath.IsLocal(rel)) {
		t.Fatalf("-corpus-dump %s is inside the repository; the dump holds key-shaped fakes, write it elsewhere", dir)
	}
	if entries, err := os.ReadDir(dir); err == nil && len(entries) > 0 {
		t.Fatalf("-corpus-dump %s is not empty; stale files would be scored", dir)
	}

	written := map[string][]byte{} // slash path relative to dir -> content
	write := func(rel string, data []byte) {
		t.Helper()
		if old, ok := written[rel]; ok {
			if !bytes.Equal(old, data) {
				t.Fatalf("two corpus texts map to %s", rel)
			}
			return
		}
		written[rel] = data
		name := filepath.Join(dir, filepath.FromSlash(rel))
		if err := os.MkdirAll(filepath.Dir(name), 0o700); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(name, data, 0o600); err != nil {
			t.Fatal(err)
		}
	}
	local := func(where, p string) {
		t.Helper()
		if !filepath.IsLocal(filepath.FromSlash(p)) || strings.Contains(p, "\\") {
			t.Fatalf("%s: path %q is not a local relative path", where, p)
		}
	}

	labels := dumpLabels{Families: corpusFamilies, Seeds: corpusSeeds}
	for _, p := range loadPositives(t) {
		local(p.family+": "+p.provider+" "+p.shape, p.path)
		n := p.ctxIdx*len(corpusSeeds) + slices.Index(corpusSeeds, p.seed) + 1
		rel := fmt.Sprintf("positives/%s/%03d-%d/%s", p.family, p.caseIdx+1, n, p.path)
		write(rel, p.text)
		line, col := lineColumn(p.text, p.start)
		endLine, endCol := lineColumn(p.text, p.end)
		// The position must read back as keyguard's findings are read.
		if got := findingSpan(p.text, Finding{Line: line, Column: col, Secret: Secret(p.text[p.start:p.end])}); got != (span{p.start, p.end}) {
			t.Fatalf("%s: line %d column %d reads back as bytes %v, want %v", rel, line, col, got, span{p.start, p.end})
		}
		labels.Positives = append(labels.Positives, dumpPositive{
			File: rel, Family: p.family, Provider: p.provider, Shape: p.shape, Seed: p.seed,
			Start: p.start, End: p.end, Line: line, Column: col, EndLine: endLine, EndColumn: endCol,
			Fingerprint: Fingerprint(string(p.text[p.start:p.end])),
		})
	}
	for _, nf := range loadNegatives(t) {
		local(nf.archive, nf.path)
		for _, seed := range corpusSeeds {
			text := []byte(fakekey.ExpandSeed(nf.tmpl, seed))
			rel := fmt.Sprintf("negatives/%s/s%d/%s", strings.TrimSuffix(nf.archive, ".txtar"), seed, nf.path)
			write(rel, text)
			lines := 0
			for _, l := range strings.Split(string(text), "\n") {
				if strings.TrimSpace(l) != "" {
					lines++
				}
			}
			labels.Negatives = append(labels.Negatives, dumpNegative{
				File: rel, Archive: nf.archive, Path: nf.path, Seed: seed, Lines: lines,
			})
		}
	}

	data, err := json.MarshalIndent(labels, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "labels.json"), append(data, '\n'), 0o600); err != nil {
		t.Fatal(err)
	}
	t.Logf("wrote %d files (%d labelled secrets) and labels.json to %s", len(written), len(labels.Positives), dir)
}

// lineColumn returns the 1-based line and rune column of byte offset off in
// text, counted as Finding.Line and Finding.Column are.
func lineColumn(text []byte, off int) (line, col int) {
	before := text[:off]
	start := bytes.LastIndexByte(before, '\n') + 1
	return bytes.Count(before, []byte{'\n'}) + 1, utf8.RuneCount(before[start:]) + 1
}

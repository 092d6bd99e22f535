// Command corpusscore scores scanners' JSON reports against the expanded
// detection corpus that `go run ./bench/cmd/corpusdump DIR` writes, and
// prints a Markdown comparison. It is run by
// bench/corpus-vs-gitleaks.sh:
//
//	corpusscore -dir DIR -keyguard kg.json [-keyguard-ms N]
//	            [-gitleaks gl.json -gitleaks-ms N -gitleaks-version V]
//
// A labelled secret counts as detected by a tool when one of its findings in
// the same file covers the secret's first line and its captured value
// contains the secret (equal fingerprints, or the value read back from the
// file, or gitleaks' Secret or Match field). Secrets are read from the dumped
// files into memory to compare and are never printed: the output names
// families, providers, shapes, files, lines and rule ids only.
package main

import (
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"github.com/keyguard/keyguard/bench/internal/blind"
	"io"
	"os"
	"path"
	"path/filepath"
	"slices"
	"strings"

	"github.com/keyguard/keyguard/detect"
)

// labels mirrors corpusdump's labels.json.
type labels struct {
	Families  []string `json:"families"`
	Seeds     []uint64 `json:"seeds"`
	Positives []struct {
		File        string `json:"file"`
		Family      string `json:"family"`
		Provider    string `json:"provider"`
		Shape       string `json:"shape"`
		Start       int    `json:"start"`
		End         int    `json:"end"`
		Line        int    `json:"line"`
		Fingerprint string `json:"fingerprint"`
	} `json:"positives"`
	Negatives []struct {
		File    string `json:"file"`
		Archive string `json:"archive"`
		Path    string `json:"path"`
		Seed    uint64 `json:"seed"`
		Lines   int    `json:"lines"`
	} `json:"negatives"`
}

// keyguardFinding is the part of `keyguard scan --format json` used here.
type keyguardFinding struct {
	Rule        string `json:"rule"`
	File        string `json:"file"`
	Line        int    `json:"line"`
	Column      int    `json:"column"`
	Redacted    string `json:"redacted"` // "sk-p…(164 chars)": gives the length
	Fingerprint string `json:"fingerprint"`
}

// gitleaksFinding is the part of gitleaks' JSON report used here. Secret
// and Match hold raw values: they stay in memory.
type gitleaksFinding struct {
	RuleID    string
	File      string
	StartLine int
	EndLine   int
	Secret    string
	Match     string
}

// finding is one tool's finding, normalised.
type finding struct {
	rule               string
	file               string // '/'-separated, relative to the dump directory
	startLine, endLine int
	// contains reports whether the finding's captured value contains secret.
	contains func(secret string) bool
}

// tool is one scanner's findings and timing.
type tool struct {
	name     string
	version  string
	ms       int64
	findings map[string][]finding // by file
	other    int                  // findings in files that are not corpus files
}

func main() {
	if err := run(os.Args[1:], os.Stdout); err != nil {
		fmt.Fprintf(os.Stderr, "corpusscore: %v\n", err)
		os.Exit(1)
	}
}

func run(args []string, w io.Writer) error {
	fs := flag.NewFlagSet("corpusscore", flag.ContinueOnError)
	dir := fs.String("dir", "", "the dump directory (holds labels.json)")
	kgPath := fs.String("keyguard", "", "keyguard scan --format json output")
	kgMS := fs.Int64("keyguard-ms", -1, "keyguard's wall time in milliseconds")
	kgVersion := fs.String("keyguard-version", "", "keyguard's version, for the report")
	glPath := fs.String("gitleaks", "", "gitleaks JSON report (omit when gitleaks did not run)")
	glMS := fs.Int64("gitleaks-ms", -1, "gitleaks' wall time in milliseconds")
	glVersion := fs.String("gitleaks-version", "", "gitleaks' version, for the report")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *dir == "" || *kgPath == "" {
		return errors.New("usage: corpusscore -dir DIR -keyguard FILE [-gitleaks FILE]")
	}
	var lab labels
	if err := readJSON(filepath.Join(*dir, "labels.json"), &lab); err != nil {
		return err
	}
	texts := map[string][]byte{}
	read := func(rel string) ([]byte, error) {
		if t, ok := texts[rel]; ok {
			return t, nil
		}
		t, err := os.ReadFile(filepath.Join(*dir, filepath.FromSlash(rel)))
		if err != nil {
			return nil, err
		}
		texts[rel] = t
		return t, nil
	}
	corpusFiles := map[string]bool{}
	for _, p := range lab.Positives {
		corpusFiles[p.File] = true
	}
	for _, n := range lab.Negatives {
		corpusFiles[n.File] = true
	}

	kg, err := loadKeyguard(*kgPath, *dir, corpusFiles, read)
	if err != nil {
		return err
	}
	kg.ms, kg.version = *kgMS, *kgVersion
	tools := []*tool{kg}
	if *glPath != "" {
		gl, err := loadGitleaks(*glPath, *dir, corpusFiles)
		if err != nil {
			return err
		}
		gl.ms, gl.version = *glMS, *glVersion
		tools = append(tools, gl)
	}
	s, err := score(&lab, tools, read)
	if err != nil {
		return err
	}
	s.markdown(w, tools, *glPath != "")
	return nil
}

func readJSON(name string, v any) error {
	data, err := os.ReadFile(name)
	if err != nil {
		return err
	}
	if err := json.Unmarshal(data, v); err != nil {
		return fmt.Errorf("%s: %w", name, err)
	}
	return nil
}

// relPath turns a reported path into one relative to dir, '/'-separated.
func relPath(dir, p string) string {
	if filepath.IsAbs(p) {
		if r, err := filepath.Rel(dir, p); err == nil {
			p = r
		}
	}
	return path.Clean(filepath.ToSlash(p))
}

func newTool(name string) *tool { return &tool{name: name, findings: map[string][]finding{}} }

func (t *tool) add(corpusFiles map[string]bool, f finding) {
	if !corpusFiles[f.file] {
		t.other++
		return
	}
	t.findings[f.file] = append(t.findings[f.file], f)
}

func loadKeyguard(name, dir string, corpusFiles map[string]bool, read func(string) ([]byte, error)) (*tool, error) {
	var fs []keyguardFinding
	if err := readJSON(name, &fs); err != nil {
		return nil, err
	}
	t := newTool("keyguard")
	for _, f := range fs {
		file := relPath(dir, f.File)
		endLine := f.Line
		var value string // the finding's secret, read back from the file
		if corpusFiles[file] {
			text, err := read(file)
			if err != nil {
				return nil, err
			}
			value, endLine = readBack(text, f)
		}
		fp := f.Fingerprint
		t.add(corpusFiles, finding{
			rule: f.Rule, file: file, startLine: f.Line, endLine: endLine,
			contains: func(secret string) bool {
				return fp == detect.Fingerprint(secret) || (value != "" && strings.Contains(value, secret))
			},
		})
	}
	return t, nil
}

func loadGitleaks(name, dir string, corpusFiles map[string]bool) (*tool, error) {
	var fs []gitleaksFinding
	if err := readJSON(name, &fs); err != nil {
		return nil, err
	}
	t := newTool("gitleaks")
	for _, f := range fs {
		secret, match := f.Secret, f.Match
		fp := detect.Fingerprint(secret)
		t.add(corpusFiles, finding{
			rule: f.RuleID, file: relPath(dir, f.File), startLine: f.StartLine, endLine: max(f.StartLine, f.EndLine),
			contains: func(s string) bool {
				return fp == detect.Fingerprint(s) || strings.Contains(secret, s) || strings.Contains(match, s)
			},
		})
	}
	return t, nil
}

// readBack recovers a keyguard finding's secret from the file (see
// blind.ReadBack, which both scorers share).
func readBack(text []byte, f keyguardFinding) (value string, endLine int) {
	return blind.ReadBack(text, f.Line, f.Column, f.Redacted, f.Fingerprint)
}

// familyRow is one family's counts, per tool.
type familyRow struct {
	positives int
	detected  []int
	partial   []int // covered on the line, but the value captured does not contain the secret
}

// missKey groups missed positives by case.
type missKey struct{ family, provider, shape string }

type scores struct {
	families []string // labels.json's order
	rows     map[string]*familyRow
	negLines int
	flagged  [][]string // per tool: "archive: path:line (rule)" for each flagged line
	extra    []int      // per tool: findings in positive files covering no label
	misses   []map[missKey]int
	nearby   []map[missKey][]string // per tool: rules that fired on a missed secret's line
	cases    map[missKey]int        // positives per case
	order    []missKey
}

func score(lab *labels, tools []*tool, read func(string) ([]byte, error)) (*scores, error) {
	n := len(tools)
	s := &scores{rows: map[string]*familyRow{}, flagged: make([][]string, n), extra: make([]int, n),
		misses: make([]map[missKey]int, n), nearby: make([]map[missKey][]string, n), cases: map[missKey]int{},
		families: slices.Clone(lab.Families)}
	for i := range tools {
		s.misses[i] = map[missKey]int{}
		s.nearby[i] = map[missKey][]string{}
	}
	used := make([]map[*finding]bool, n) // findings that cover a label
	for i := range tools {
		used[i] = map[*finding]bool{}
	}
	for _, p := range lab.Positives {
		text, err := read(p.File)
		if err != nil {
			return nil, err
		}
		if p.Start < 0 || p.End > len(text) || p.Start >= p.End {
			return nil, fmt.Errorf("%s: label span %d-%d is outside the file", p.File, p.Start, p.End)
		}
		secret := string(text[p.Start:p.End])
		if detect.Fingerprint(secret) != p.Fingerprint {
			return nil, fmt.Errorf("%s: the labelled span does not match its fingerprint; was the dump changed?", p.File)
		}
		row := s.rows[p.Family]
		if row == nil {
			row = &familyRow{detected: make([]int, n), partial: make([]int, n)}
			s.rows[p.Family] = row
			if !slices.Contains(s.families, p.Family) {
				s.families = append(s.families, p.Family)
			}
		}
		row.positives++
		k := missKey{p.Family, p.Provider, p.Shape}
		if s.cases[k] == 0 {
			s.order = append(s.order, k)
		}
		s.cases[k]++
		for i, t := range tools {
			hit, onLine := false, false
			var rules []string
			fs := t.findings[p.File]
			for j := range fs {
				f := &fs[j]
				if f.startLine > p.Line || p.Line > f.endLine {
					continue
				}
				onLine = true
				rules = append(rules, f.rule)
				if f.contains(secret) {
					hit = true
					used[i][f] = true
				}
			}
			switch {
			case hit:
				row.detected[i]++
			case onLine:
				row.partial[i]++
				s.misses[i][k]++
				for _, r := range rules {
					if !slices.Contains(s.nearby[i][k], r) {
						s.nearby[i][k] = append(s.nearby[i][k], r)
					}
				}
			default:
				s.misses[i][k]++
			}
		}
	}
	positiveFiles := map[string]bool{}
	for _, p := range lab.Positives {
		positiveFiles[p.File] = true
	}
	type lineKey struct {
		archive, path string
		line          int
	}
	for i, t := range tools {
		for file, fs := range t.findings {
			if !positiveFiles[file] {
				continue
			}
			for j := range fs {
				if !used[i][&fs[j]] {
					s.extra[i]++
				}
			}
		}
		seen := map[lineKey]bool{}
		for _, ng := range lab.Negatives {
			for _, f := range t.findings[ng.File] {
				k := lineKey{ng.Archive, ng.Path, f.startLine}
				if seen[k] {
					continue
				}
				seen[k] = true
				s.flagged[i] = append(s.flagged[i], fmt.Sprintf("%s: %s:%d (%s)", ng.Archive, ng.Path, f.startLine, f.rule))
			}
		}
		slices.Sort(s.flagged[i])
	}
	// Non-blank negative lines, counted once across seeds as TestCorpus does.
	first := uint64(0)
	if len(lab.Seeds) > 0 {
		first = lab.Seeds[0]
	}
	for _, ng := range lab.Negatives {
		if ng.Seed == first {
			s.negLines += ng.Lines
		}
	}
	return s, nil
}

func pct(n, d int) float64 {
	if d == 0 {
		return 0
	}
	return 100 * float64(n) / float64(d)
}

func (s *scores) markdown(w io.Writer, tools []*tool, haveGitleaks bool) {
	na := func(i int, v string) string {
		if i >= len(tools) {
			return "n/a"
		}
		return v
	}
	cell := func(i int, row *familyRow) (string, string) {
		if i >= len(tools) {
			return "n/a", "n/a"
		}
		return fmt.Sprint(row.detected[i]), fmt.Sprintf("%.1f%%", pct(row.detected[i], row.positives))
	}
	fmt.Fprintln(w, "| family | positives | keyguard detected | keyguard recall | gitleaks detected | gitleaks recall |")
	fmt.Fprintln(w, "|---|---:|---:|---:|---:|---:|")
	total := &familyRow{detected: make([]int, len(tools)), partial: make([]int, len(tools))}
	for _, fam := range s.families {
		row := s.rows[fam]
		kd, kr := cell(0, row)
		gd, gr := cell(1, row)
		fmt.Fprintf(w, "| %s | %d | %s | %s | %s | %s |\n", fam, row.positives, kd, kr, gd, gr)
		total.positives += row.positives
		for i := range tools {
			total.detected[i] += row.detected[i]
			total.partial[i] += row.partial[i]
		}
	}
	kd, kr := cell(0, total)
	gd, gr := cell(1, total)
	fmt.Fprintf(w, "| **total** | %d | **%s** | **%s** | **%s** | **%s** |\n\n", total.positives, kd, kr, gd, gr)

	fmt.Fprintln(w, "| | keyguard | gitleaks |")
	fmt.Fprintln(w, "|---|---:|---:|")
	// both renders one value per tool, "n/a" for a tool that did not run.
	both := func(label string, f func(i int) string) {
		fmt.Fprintf(w, "| %s | %s | %s |\n", label, f(0), na(1, func() string {
			if len(tools) < 2 {
				return ""
			}
			return f(1)
		}()))
	}
	both(fmt.Sprintf("negative lines flagged (of %d)", s.negLines), func(i int) string {
		return fmt.Sprintf("%d (%.2f%%)", len(s.flagged[i]), pct(len(s.flagged[i]), s.negLines))
	})
	both("positives found on their line but not whole (not counted)", func(i int) string { return fmt.Sprint(total.partial[i]) })
	both("other findings in positive files", func(i int) string { return fmt.Sprint(s.extra[i]) })
	both("wall time, whole corpus", func(i int) string {
		if tools[i].ms < 0 {
			return "?"
		}
		return fmt.Sprintf("%d ms", tools[i].ms)
	})
	both("version", func(i int) string { return orDash(tools[i].version) })
	for _, t := range tools {
		if t.other > 0 {
			fmt.Fprintf(w, "\n%s also reported %d finding(s) outside the corpus files (ignored).\n", t.name, t.other)
		}
	}
	if !haveGitleaks {
		fmt.Fprintln(w, "\ngitleaks did not run: install it with `go install github.com/zricethezav/gitleaks/v8@v8.30.1`.")
	}

	for i, t := range tools {
		fmt.Fprintf(w, "\n### Missed by %s\n\n", t.name)
		if len(s.misses[i]) == 0 {
			fmt.Fprintln(w, "None.")
		}
		for _, k := range s.order {
			if m := s.misses[i][k]; m > 0 {
				note := ""
				if r := s.nearby[i][k]; len(r) > 0 {
					note = "; on its line, a partial match by " + strings.Join(r, ", ")
				}
				fmt.Fprintf(w, "- %s: %s %s (%d of %d)%s\n", k.family, k.provider, k.shape, m, s.cases[k], note)
			}
		}
		fmt.Fprintf(w, "\n### Negative lines flagged by %s\n\n", t.name)
		if len(s.flagged[i]) == 0 {
			fmt.Fprintln(w, "None.")
		}
		for _, f := range s.flagged[i] {
			fmt.Fprintf(w, "- %s\n", f)
		}
	}
}

func orDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

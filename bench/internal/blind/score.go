package blind

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"path"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/keyguard/keyguard/detect"
)

// Finding is one scanner finding, normalised. Contains reports whether the
// value the scanner captured contains a key; it compares in memory.
type Finding struct {
	Rule               string
	Path               string // '/'-separated, relative to the expanded corpus
	StartLine, EndLine int
	Contains           func(key string) bool
}

// Tool is one scanner's findings over an expanded corpus.
type Tool struct {
	Name, Version string
	Findings      []Finding
}

// keyguardJSON is the part of `keyguard scan --format json` used here.
type keyguardJSON struct {
	Rule        string `json:"rule"`
	File        string `json:"file"`
	Line        int    `json:"line"`
	EndLine     int    `json:"end_line"` // since 2026-12-07; 0 from older builds
	Column      int    `json:"column"`
	EndColumn   int    `json:"end_column"`
	Redacted    string `json:"redacted"` // "sk-p…(164 chars)": gives the length
	Fingerprint string `json:"fingerprint"`
}

// gitleaksJSON is the part of gitleaks' JSON report used here. Secret and
// Match hold raw values: they stay in memory.
type gitleaksJSON struct {
	RuleID    string
	File      string
	StartLine int
	EndLine   int
	Secret    string
	Match     string
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

// ParseKeyguard reads keyguard's JSON report of a scan of x.Dir. keyguard
// reports a fingerprint and the secret's place and length, not the value:
// the value is read back from the file and counts when its fingerprint is
// the reported one.
func ParseKeyguard(report []byte, x *Expanded, read func(rel string) ([]byte, error)) ([]Finding, error) {
	var fs []keyguardJSON
	if err := json.Unmarshal(report, &fs); err != nil {
		return nil, fmt.Errorf("keyguard's report: %w", err)
	}
	out := make([]Finding, 0, len(fs))
	for _, f := range fs {
		file := relPath(x.Dir, f.File)
		end, value := f.Line, ""
		if text, err := read(file); err == nil {
			value, end = ReadBack(text, f.Line, f.Column, f.Redacted, f.Fingerprint)
			if value == "" && f.EndLine > f.Line {
				// A key block stored with indentation or escapes: the
				// report gives its lines, the value is the text they hold.
				value, end = readLines(text, f.Line, f.Column, f.EndLine), f.EndLine
			}
			if value == "" && f.EndColumn > f.Column {
				// Found decoded (base64, escapes): the finding's span is the
				// value as stored, which is what the label holds.
				value = readSpan(text, f.Line, f.Column, f.EndColumn)
			}
		}
		fp := f.Fingerprint
		out = append(out, Finding{Rule: f.Rule, Path: file, StartLine: f.Line, EndLine: end,
			Contains: func(key string) bool {
				return fp == detect.Fingerprint(key) || (value != "" && strings.Contains(value, key))
			}})
	}
	return out, nil
}

// ParseGitleaks reads gitleaks' JSON report of a scan of x.Dir.
func ParseGitleaks(report []byte, x *Expanded) ([]Finding, error) {
	var fs []gitleaksJSON
	if err := json.Unmarshal(report, &fs); err != nil {
		return nil, fmt.Errorf("gitleaks' report: %w", err)
	}
	out := make([]Finding, 0, len(fs))
	for _, f := range fs {
		secret, match := f.Secret, f.Match
		out = append(out, Finding{Rule: f.RuleID, Path: relPath(x.Dir, f.File), StartLine: f.StartLine, EndLine: max(f.StartLine, f.EndLine),
			Contains: func(key string) bool {
				return strings.Contains(secret, key) || strings.Contains(match, key)
			}})
	}
	return out, nil
}

// redactedLen matches the length that ends keyguard's redacted form.
var redactedLen = regexp.MustCompile(`\((\d+) chars\)$`)

// lineOffset returns the offset in text where line (1-based) starts, and
// false when text has fewer lines.
func lineOffset(text []byte, line int) (int, bool) {
	off := 0
	for l := 1; l < line; l++ {
		i := bytes.IndexByte(text[off:], '\n')
		if i < 0 {
			return 0, false
		}
		off += i + 1
	}
	return off, true
}

// readSpan returns the runes of line (1-based) from column up to endColumn.
func readSpan(text []byte, line, column, endColumn int) string {
	off, ok := lineOffset(text, line)
	if !ok {
		return ""
	}
	lineEnd := len(text)
	if i := bytes.IndexByte(text[off:], '\n'); i >= 0 {
		lineEnd = off + i
	}
	runes := []rune(string(text[off:lineEnd]))
	if column < 1 || endColumn-1 > len(runes) || column >= endColumn {
		return ""
	}
	return string(runes[column-1 : endColumn-1])
}

// readLines returns the text from line's rune column to the end of
// endLine, or "" when the file has no such lines.
func readLines(text []byte, line, column, endLine int) string {
	off, ok := lineOffset(text, line)
	if !ok {
		return ""
	}
	end, ok := lineOffset(text, endLine+1)
	if !ok {
		end = len(text)
	}
	runes := []rune(string(text[off:end]))
	if column < 1 || column > len(runes) {
		return ""
	}
	return string(runes[column-1:])
}

// ReadBack recovers a keyguard finding's value from the scanned file: the
// JSON gives its start (line, rune column) and, in the redacted form, its
// length in runes, but not where a multi-line value ends. The value counts
// only if its fingerprint is the reported one; otherwise it is "" and the
// finding covers its first line only.
func ReadBack(text []byte, line, column int, redacted, fingerprint string) (value string, endLine int) {
	m := redactedLen.FindStringSubmatch(redacted)
	if m == nil {
		return "", line
	}
	n, err := strconv.Atoi(m[1])
	if err != nil {
		return "", line
	}
	off, ok := lineOffset(text, line)
	if !ok {
		return "", line
	}
	for c := 1; c < column && off < len(text); c++ {
		_, size := utf8.DecodeRune(text[off:])
		off += size
	}
	end := off
	for i := 0; i < n && end < len(text); i++ {
		_, size := utf8.DecodeRune(text[end:])
		end += size
	}
	v := string(text[off:end])
	if detect.Fingerprint(v) != fingerprint {
		return "", line
	}
	return v, line + strings.Count(v, "\n")
}

// Result is one tool's score.
type Result struct {
	Tool       *Tool
	Found      []bool   // per Expanded.Keys: a finding covers the key's line and contains it
	OnLine     []bool   // a finding covers the line but does not contain the whole key
	Flagged    []string // must-not-flag lines flagged: "path:line (rule)"
	Near       []string // near-miss lines flagged, the same way
	Unlabelled int      // findings in positive files that cover no labelled key
	// UnlabelledAt lists them: "path:line (rule)", for reviewing the labels.
	UnlabelledAt []string
}

// Score scores each tool on x. A key is found when one of the tool's
// findings in its file covers its line and contains it.
func Score(x *Expanded, tools []*Tool, read func(rel string) ([]byte, error)) ([]*Result, error) {
	lines := make([]int, len(x.Keys))
	for i, k := range x.Keys {
		text, err := read(k.Path)
		if err != nil {
			return nil, err
		}
		if k.End > len(text) || string(text[k.Start:k.End]) != k.Value {
			return nil, fmt.Errorf("%s: the expanded file changed since Expand", k.Path)
		}
		lines[i] = LineOf(string(text), k.Start)
	}
	negative := map[string]bool{}
	near := map[string]bool{}
	for _, n := range x.Negatives {
		negative[n.Path] = true
		near[n.Path] = n.NearMiss
	}
	var out []*Result
	for _, t := range tools {
		r := &Result{Tool: t, Found: make([]bool, len(x.Keys)), OnLine: make([]bool, len(x.Keys))}
		byFile := map[string][]int{}
		for j, f := range t.Findings {
			byFile[f.Path] = append(byFile[f.Path], j)
		}
		used := make([]bool, len(t.Findings))
		for i, k := range x.Keys {
			for _, j := range byFile[k.Path] {
				f := t.Findings[j]
				if f.StartLine > lines[i] || lines[i] > f.EndLine {
					continue
				}
				r.OnLine[i] = true
				if f.Contains(k.Value) {
					r.Found[i], used[j] = true, true
				}
			}
		}
		seen := map[string]bool{}
		for j, f := range t.Findings {
			switch {
			case negative[f.Path]:
				where := fmt.Sprintf("%s:%d", f.Path, f.StartLine)
				if !seen[where] {
					seen[where] = true
					if near[f.Path] {
						r.Near = append(r.Near, fmt.Sprintf("%s (%s)", where, f.Rule))
					} else {
						r.Flagged = append(r.Flagged, fmt.Sprintf("%s (%s)", where, f.Rule))
					}
				}
			case x.positive[f.Path] && !used[j]:
				r.Unlabelled++
				r.UnlabelledAt = append(r.UnlabelledAt, fmt.Sprintf("%s:%d (%s)", f.Path, f.StartLine, f.Rule))
			}
		}
		slices.Sort(r.Flagged)
		slices.Sort(r.Near)
		slices.Sort(r.UnlabelledAt)
		out = append(out, r)
	}
	return out, nil
}

// Recall is found of total, for one slice of the keys.
type Recall struct{ Found, Total int }

func (r Recall) String() string {
	if r.Total == 0 {
		return "-"
	}
	return fmt.Sprintf("%.1f%% (%d/%d)", 100*float64(r.Found)/float64(r.Total), r.Found, r.Total)
}

// RecallBy counts r's found keys of x for the keys where keep is true.
func (r *Result) RecallBy(x *Expanded, keep func(Key) bool) Recall {
	var rc Recall
	for i, k := range x.Keys {
		if keep(k) {
			rc.Total++
			if r.Found[i] {
				rc.Found++
			}
		}
	}
	return rc
}

// NegativeLines is the number of non-blank must-not-flag lines, near
// misses aside.
func (x *Expanded) NegativeLines() int { return x.lines(false) }

// NearMissLines is the number of non-blank near-miss lines.
func (x *Expanded) NearMissLines() int { return x.lines(true) }

func (x *Expanded) lines(near bool) int {
	n := 0
	for _, f := range x.Negatives {
		if f.NearMiss == near {
			n += f.Lines
		}
	}
	return n
}

// Markdown writes the comparison: the summary, recall per family and per
// provider, then what each tool missed and flagged. It names providers,
// files, lines and rules, never a key.
func Markdown(w io.Writer, x *Expanded, rs []*Result) {
	all := func(Key) bool { return true }
	tier := func(t string) func(Key) bool { return func(k Key) bool { return k.Tier == t } }
	files := map[string]bool{}
	providers := map[string]bool{}
	for _, k := range x.Keys {
		files[k.Path] = true
		providers[k.Provider] = true
	}
	n := max(1, len(x.Seeds))
	seeds := make([]string, len(x.Seeds))
	for i, s := range x.Seeds {
		seeds[i] = fmt.Sprint(s)
	}
	fmt.Fprintf(w, "Blind corpus expanded with seeds %s: %d labelled keys from %d providers in %d files, %d must-not-flag lines and %d near-miss lines in %d files, per seed.\n",
		strings.Join(seeds, ", "), len(x.Keys)/n, len(providers), len(files)/n, x.NegativeLines()/n, x.NearMissLines()/n, len(x.Negatives)/n)
	fmt.Fprintf(w, "Counts below add up all seeds.\n\n")
	fmt.Fprintln(w, "| tool | recall, all | recall, common tier | recall, long tail | must-not-flag lines flagged | near-miss lines flagged | unlabelled findings in positive files |")
	fmt.Fprintln(w, "|---|---:|---:|---:|---:|---:|---:|")
	for _, r := range rs {
		name := r.Tool.Name
		if r.Tool.Version != "" {
			name += " " + r.Tool.Version
		}
		fmt.Fprintf(w, "| %s | %s | %s | %s | %d (%.2f%%) | %d (%.1f%%) | %d |\n", name, r.RecallBy(x, all), r.RecallBy(x, tier(TierCommon)),
			r.RecallBy(x, tier(TierLongTail)), len(r.Flagged), pct(len(r.Flagged), x.NegativeLines()),
			len(r.Near), pct(len(r.Near), x.NearMissLines()), r.Unlabelled)
	}

	header := func(first string) {
		fmt.Fprintf(w, "\n| %s | keys |", first)
		for _, r := range rs {
			fmt.Fprintf(w, " %s |", r.Tool.Name)
		}
		fmt.Fprint(w, "\n|---|---:|")
		for range rs {
			fmt.Fprint(w, "---:|")
		}
		fmt.Fprintln(w)
	}
	row := func(name string, keep func(Key) bool) {
		fmt.Fprintf(w, "| %s | %d |", name, rs[0].RecallBy(x, keep).Total)
		for _, r := range rs {
			rc := r.RecallBy(x, keep)
			fmt.Fprintf(w, " %d (%.0f%%) |", rc.Found, pct(rc.Found, rc.Total))
		}
		fmt.Fprintln(w)
	}
	if len(rs) == 0 {
		return
	}
	fmt.Fprintln(w, "\n### Recall per family")
	header("family")
	for _, fam := range distinct(x, func(k Key) string { return k.Family }) {
		row(fam, func(k Key) bool { return k.Family == fam })
	}
	fmt.Fprintln(w, "\n### Recall per provider")
	header("provider (tier)")
	for _, p := range distinct(x, func(k Key) string { return k.Provider + " (" + k.Tier + ")" }) {
		row(p, func(k Key) bool { return k.Provider+" ("+k.Tier+")" == p })
	}
	for _, r := range rs {
		fmt.Fprintf(w, "\n### Missed by %s\n\n", r.Tool.Name)
		type kind struct{ provider, kind string }
		missed, partial := map[kind]int{}, map[kind]int{}
		var order []kind
		total := map[kind]int{}
		for i, k := range x.Keys {
			kk := kind{k.Provider, k.Kind}
			if total[kk] == 0 {
				order = append(order, kk)
			}
			total[kk]++
			if !r.Found[i] {
				missed[kk]++
				if r.OnLine[i] {
					partial[kk]++
				}
			}
		}
		slices.SortFunc(order, func(a, b kind) int {
			return strings.Compare(strings.ToLower(a.provider+a.kind), strings.ToLower(b.provider+b.kind))
		})
		none := true
		for _, kk := range order {
			if missed[kk] == 0 {
				continue
			}
			none = false
			note := ""
			if partial[kk] > 0 {
				note = fmt.Sprintf("; %d with a finding on the line that does not hold the whole key", partial[kk])
			}
			fmt.Fprintf(w, "- %s, %s: %d of %d%s\n", kk.provider, kk.kind, missed[kk], total[kk], note)
		}
		if none {
			fmt.Fprintln(w, "None.")
		}
		fmt.Fprintf(w, "\n### Must-not-flag lines flagged by %s\n\n", r.Tool.Name)
		if len(r.Flagged) == 0 {
			fmt.Fprintln(w, "None.")
		}
		for _, f := range r.Flagged {
			fmt.Fprintf(w, "- %s\n", f)
		}
		fmt.Fprintf(w, "\n### Near-miss lines flagged by %s\n\n", r.Tool.Name)
		if len(r.Near) == 0 {
			fmt.Fprintln(w, "None.")
		}
		for _, f := range r.Near {
			fmt.Fprintf(w, "- %s\n", f)
		}
		fmt.Fprintf(w, "\n### Unlabelled findings in positive files, %s\n\n", r.Tool.Name)
		fmt.Fprintln(w, "Neither counted for nor against: a key the labels missed, a part of a labelled key, or a false finding.")
		fmt.Fprintln(w)
		if len(r.UnlabelledAt) == 0 {
			fmt.Fprintln(w, "None.")
		}
		for _, f := range r.UnlabelledAt {
			fmt.Fprintf(w, "- %s\n", f)
		}
	}
}

func distinct(x *Expanded, key func(Key) string) []string {
	var out []string
	for _, k := range x.Keys {
		if s := key(k); !slices.Contains(out, s) {
			out = append(out, s)
		}
	}
	slices.SortFunc(out, func(a, b string) int { return strings.Compare(strings.ToLower(a), strings.ToLower(b)) })
	return out
}

func pct(n, d int) float64 {
	if d == 0 {
		return 0
	}
	return 100 * float64(n) / float64(d)
}

// Command corpusdump writes keyguard's labelled detection corpus
// (detect/testdata/corpus, read by internal/corpus) out as files, expanded
// with every seed, so other scanners can be measured on the texts keyguard's
// TestCorpus scans. bench/corpus-vs-gitleaks.sh runs it, then
// bench/cmd/corpusscore scores the reports:
//
//	corpusdump [-corpus DIR] OUT
//
// It writes
//
//	OUT/positives/<family>/<case>-<n>/<path>    one expanded context each
//	OUT/negatives/<archive>/s<seed>/<path>      one txtar member and seed each
//	OUT/labels.json                             every labelled secret by span and fingerprint
//
// <case> is the case's 1-based index in its family file and <n> numbers its
// contexts times seeds. OUT must be outside the repository (the dump holds
// key-shaped fakes) and empty or absent; delete it after use. No secret is
// printed. Exit status: 0 written, 2 error.
package main

import (
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"

	"github.com/keyguard/keyguard/detect"
	"github.com/keyguard/keyguard/internal/corpus"
	"github.com/keyguard/keyguard/internal/fakekey"
)

// labels is labels.json. It locates every labelled secret by span and
// fingerprint, never by value, so it can be read and printed freely.
type labels struct {
	Families  []string   `json:"families"` // in table order
	Seeds     []uint64   `json:"seeds"`
	Positives []positive `json:"positives"`
	Negatives []negative `json:"negatives"`
}

// positive is one labelled secret in a dumped positive file.
type positive struct {
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

// negative is one dumped negative file: one txtar member expanded with one
// seed. Every line of it must produce no finding.
type negative struct {
	File    string `json:"file"`
	Archive string `json:"archive"`
	Path    string `json:"path"` // the member's name in the archive
	Seed    uint64 `json:"seed"`
	Lines   int    `json:"lines"` // non-blank lines
}

func main() {
	if err := run(os.Args[1:], os.Stderr); err != nil {
		fmt.Fprintf(os.Stderr, "corpusdump: %v\n", err)
		os.Exit(2)
	}
}

func run(args []string, stderr io.Writer) error {
	fs := flag.NewFlagSet("corpusdump", flag.ContinueOnError)
	fs.SetOutput(stderr)
	src := fs.String("corpus", "", "the corpus `dir` (default: detect/testdata/corpus of the repository around the working directory)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() != 1 {
		return fmt.Errorf("usage: corpusdump [-corpus DIR] OUT")
	}
	out, err := filepath.Abs(fs.Arg(0))
	if err != nil {
		return err
	}
	top, err := repoTop()
	if err != nil {
		return err
	}
	if *src == "" {
		*src = filepath.Join(top, "detect", "testdata", "corpus")
	}
	if rel, err := filepath.Rel(top, out); err == nil && (rel == "." || filepath.IsLocal(rel)) {
		return fmt.Errorf("%s is inside the repository; the dump holds key-shaped fakes, write it elsewhere", out)
	}
	if entries, err := os.ReadDir(out); err == nil && len(entries) > 0 {
		return fmt.Errorf("%s is not empty; stale files would be scored", out)
	}
	n, secrets, err := dump(*src, out)
	if err != nil {
		return err
	}
	fmt.Fprintf(stderr, "corpusdump: wrote %d files (%d labelled secrets) and labels.json to %s\n", n, secrets, out)
	return nil
}

// repoTop is the top of the repository around the working directory.
func repoTop() (string, error) {
	b, err := exec.Command("git", "rev-parse", "--show-toplevel").Output()
	if err != nil {
		return "", fmt.Errorf("run corpusdump inside keyguard's repository: git rev-parse: %w", err)
	}
	return strings.TrimSpace(string(b)), nil
}

// dump writes the expanded corpus from src into out and returns how many
// files and labelled secrets it wrote.
func dump(src, out string) (files, secrets int, err error) {
	written := map[string][]byte{} // slash path relative to out -> content
	write := func(rel string, data []byte) error {
		if !filepath.IsLocal(filepath.FromSlash(rel)) || strings.Contains(rel, "\\") {
			return fmt.Errorf("path %q is not a local relative path", rel)
		}
		if old, ok := written[rel]; ok {
			if !bytes.Equal(old, data) {
				return fmt.Errorf("two corpus texts map to %s", rel)
			}
			return nil
		}
		written[rel] = data
		name := filepath.Join(out, filepath.FromSlash(rel))
		if err := os.MkdirAll(filepath.Dir(name), 0o700); err != nil {
			return err
		}
		return os.WriteFile(name, data, 0o600)
	}
	seeds := corpus.Seeds()
	l := labels{Families: corpus.Families(), Seeds: seeds}
	ps, err := corpus.Positives(src)
	if err != nil {
		return 0, 0, err
	}
	for _, p := range ps {
		n := p.CtxIdx*len(seeds) + slices.Index(seeds, p.Seed) + 1
		rel := fmt.Sprintf("positives/%s/%03d-%d/%s", p.Family, p.CaseIdx+1, n, p.Path)
		if err := write(rel, p.Text); err != nil {
			return 0, 0, fmt.Errorf("%s: %s %s: %w", p.Family, p.Provider, p.Shape, err)
		}
		line, col := corpus.LineColumn(p.Text, p.Start)
		endLine, endCol := corpus.LineColumn(p.Text, p.End)
		l.Positives = append(l.Positives, positive{
			File: rel, Family: p.Family, Provider: p.Provider, Shape: p.Shape, Seed: p.Seed,
			Start: p.Start, End: p.End, Line: line, Column: col, EndLine: endLine, EndColumn: endCol,
			Fingerprint: detect.Fingerprint(string(p.Text[p.Start:p.End])),
		})
	}
	ns, err := corpus.Negatives(src)
	if err != nil {
		return 0, 0, err
	}
	for _, nf := range ns {
		for _, seed := range seeds {
			text := []byte(fakekey.ExpandSeed(nf.Template, seed))
			rel := fmt.Sprintf("negatives/%s/s%d/%s", strings.TrimSuffix(nf.Archive, ".txtar"), seed, nf.Path)
			if err := write(rel, text); err != nil {
				return 0, 0, fmt.Errorf("%s: %w", nf.Archive, err)
			}
			lines := 0
			for _, ln := range strings.Split(string(text), "\n") {
				if strings.TrimSpace(ln) != "" {
					lines++
				}
			}
			l.Negatives = append(l.Negatives, negative{File: rel, Archive: nf.Archive, Path: nf.Path, Seed: seed, Lines: lines})
		}
	}
	data, err := json.MarshalIndent(l, "", "  ")
	if err != nil {
		return 0, 0, err
	}
	if err := os.WriteFile(filepath.Join(out, "labels.json"), append(data, '\n'), 0o600); err != nil {
		return 0, 0, err
	}
	return len(written), len(l.Positives), nil
}

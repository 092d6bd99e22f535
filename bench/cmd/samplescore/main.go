// Command samplescore measures keyguard on the third-party yardstick in
// ../shared/corpus: gitleaks 8.30.1's rule examples, one JSON object a line
// ({"rule", "kind": "tp"|"fp", "text", "context", "path"}). It writes each
// example to a file of its own in a temporary directory (named as its path,
// or by its language), runs `keyguard scan --format json` over them once,
// and prints the share of "tp" examples with a finding and of "fp" examples
// flagged, overall and for the rules with the most misses.
//
// An example counts as found when keyguard reports anything in its file:
// the examples carry no label of where their secret is, and each file holds
// one example. The examples are never copied into this repository; the
// command reads them where shared/ keeps them.
//
// Usage:
//
//	go build -o /tmp/kg . && go run ./bench/cmd/samplescore -keyguard /tmp/kg [-samples FILE] [-misses N]
package main

import (
	"bufio"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
)

// sample is one line of the samples file.
type sample struct {
	Rule    string `json:"rule"`
	Kind    string `json:"kind"`
	Text    string `json:"text"`
	Context string `json:"context"`
	Path    string `json:"path"`
}

// extensions name a file by the language of the example's context, so that
// rules and filters that look at the file name see a plausible one.
var extensions = map[string]string{
	"go": ".go", "java": ".java", "C#": ".cs", "python": ".py", "ini": ".ini",
	"yaml": ".yaml", "json": ".json", "toml": ".toml", "xml": ".xml",
	"php": ".php", "js": ".js", "bash": ".sh", "ruby": ".rb", "make": ".mk",
}

func main() {
	if err := run(os.Args[1:], os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "samplescore:", err)
		os.Exit(2)
	}
}

func run(args []string, w io.Writer) error {
	fs := flag.NewFlagSet("samplescore", flag.ContinueOnError)
	kg := fs.String("keyguard", "", "the keyguard binary to measure (required)")
	path := fs.String("samples", filepath.Join("..", "shared", "corpus", "gitleaks-8.30.1-samples.jsonl"), "the samples file")
	misses := fs.Int("misses", 20, "how many rules with the most misses to list")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *kg == "" {
		return fmt.Errorf("-keyguard is required")
	}
	samples, err := load(*path)
	if err != nil {
		return err
	}
	dir, err := os.MkdirTemp("", "samplescore-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	for i, s := range samples {
		sub := filepath.Join(dir, fmt.Sprintf("%05d", i))
		if err := os.Mkdir(sub, 0o700); err != nil {
			return err
		}
		if err := os.WriteFile(filepath.Join(sub, fileName(s)), []byte(s.Text+"\n"), 0o600); err != nil {
			return err
		}
	}
	hit, err := scan(*kg, dir)
	if err != nil {
		return err
	}
	type count struct{ tp, found, fp, flagged int }
	byRule := map[string]*count{}
	var all count
	for i, s := range samples {
		c := byRule[s.Rule]
		if c == nil {
			c = &count{}
			byRule[s.Rule] = c
		}
		for _, c := range []*count{c, &all} {
			if s.Kind == "tp" {
				c.tp++
				if hit[i] {
					c.found++
				}
			} else {
				c.fp++
				if hit[i] {
					c.flagged++
				}
			}
		}
	}
	fmt.Fprintf(w, "tp found %d of %d (%.1f%%); fp flagged %d of %d (%.1f%%)\n",
		all.found, all.tp, pct(all.found, all.tp), all.flagged, all.fp, pct(all.flagged, all.fp))
	rules := make([]string, 0, len(byRule))
	for r := range byRule {
		rules = append(rules, r)
	}
	sort.Slice(rules, func(i, j int) bool {
		a, b := byRule[rules[i]], byRule[rules[j]]
		if ma, mb := a.tp-a.found, b.tp-b.found; ma != mb {
			return ma > mb
		}
		return rules[i] < rules[j]
	})
	fmt.Fprintln(w, "rules with the most misses (gitleaks's rule id: missed of tp):")
	for _, r := range rules[:min(*misses, len(rules))] {
		if c := byRule[r]; c.tp > c.found {
			fmt.Fprintf(w, "  %-45s %d of %d\n", r, c.tp-c.found, c.tp)
		}
	}
	return nil
}

// load reads the samples file.
func load(path string) ([]sample, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("read samples: %w", err)
	}
	defer f.Close()
	var out []sample
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<20), 16<<20)
	for sc.Scan() {
		var s sample
		if err := json.Unmarshal(sc.Bytes(), &s); err != nil {
			return nil, fmt.Errorf("%s:%d: %w", path, len(out)+1, err)
		}
		out = append(out, s)
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("read samples: %w", err)
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("%s holds no samples", path)
	}
	return out, nil
}

// fileName is the example's own path's base name, or "sample" with the
// extension of its language.
func fileName(s sample) string {
	if base := filepath.Base(s.Path); s.Path != "" && base != "." && base != "/" {
		return base
	}
	lang, _, _ := strings.Cut(s.Context, " ")
	if ext, ok := extensions[lang]; ok {
		return "sample" + ext
	}
	return "sample.txt"
}

// scan runs keyguard over dir and says which sample directories hold a
// finding. keyguard exits 1 when it finds something; only 2 is a failure.
func scan(kg, dir string) (map[int]bool, error) {
	cmd := exec.Command(kg, "scan", "--format", "json", "-q", dir)
	cmd.Stderr = os.Stderr
	out, err := cmd.Output()
	if ee, ok := err.(*exec.ExitError); err != nil && (!ok || ee.ExitCode() != 1) {
		return nil, fmt.Errorf("keyguard scan: %w", err)
	}
	var findings []struct {
		File string `json:"file"`
	}
	if err := json.Unmarshal(out, &findings); err != nil {
		return nil, fmt.Errorf("keyguard's JSON: %w", err)
	}
	hit := map[int]bool{}
	for _, f := range findings {
		rel, err := filepath.Rel(dir, f.File)
		if err != nil || strings.HasPrefix(rel, "..") {
			rel = f.File
		}
		var i int
		if _, err := fmt.Sscanf(filepath.ToSlash(rel), "%05d/", &i); err == nil {
			hit[i] = true
		}
	}
	return hit, nil
}

func pct(n, d int) float64 {
	if d == 0 {
		return 0
	}
	return 100 * float64(n) / float64(d)
}

// Package blind loads, expands and scores the blind-authored detection
// corpus (detect/testdata/blind): files written as people write them
// (settings.py, .env, CI files, notebooks, manifests...) by someone who had
// not read keyguard's rules, with a label for every key.
//
// The files are fakekey templates, so the repository never holds a
// key-shaped value: keys become real-looking only when Expand writes the
// files into a temporary directory, with a seed. Labels name the template
// file, the line, the provider, its family and tier, and the key's own
// template as it appears on that line; Expand reports where each key landed
// in the expanded text, so a scanner's finding can be checked against it.
//
// A labelled line is never edited to make a scanner pass: the corpus
// measures what keyguard does not know yet.
package blind

import (
	"bytes"
	"errors"
	"fmt"
	"hash/fnv"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"regexp"
	"slices"
	"strings"

	"gopkg.in/yaml.v3"

	"github.com/keyguard/keyguard/internal/fakekey"
)

// Tiers a label may name: the providers most people use, and the rest.
const (
	TierCommon   = "common"
	TierLongTail = "long tail"
)

// LabelsFile is the labels' file name inside the corpus directory.
const LabelsFile = "labels.yaml"

// Label marks one key in one template file.
type Label struct {
	File     string `yaml:"file"`     // template path, '/'-separated, relative to the corpus directory
	Line     int    `yaml:"line"`     // 1-based line of the key in the template (and in the expanded file)
	Provider string `yaml:"provider"` // who issued the key, e.g. "Stripe"
	Kind     string `yaml:"kind"`     // which of the provider's keys, e.g. "secret key"
	Family   string `yaml:"family"`   // a group of providers, e.g. "payments"
	Tier     string `yaml:"tier"`     // TierCommon or TierLongTail
	// Secret is the key's template exactly as it appears on Line; it must
	// occur there once and hold at least one fakekey token.
	Secret string `yaml:"secret"`
}

// Corpus is a loaded, validated corpus directory.
type Corpus struct {
	Dir       string
	Labels    []Label
	Positives []string          // template files with keys (under positive/)
	Negatives []string          // template files that must not be flagged (under negative/)
	text      map[string]string // template text by path
	spans     []span            // Labels[i]'s byte span in its template
}

type span struct{ start, end int }

// tokenish is any {{...}} run; a label may not cut one in two.
var tokenish = regexp.MustCompile(`\{\{[^{}]*\}\}`)

// Load reads and validates the corpus in dir. Every problem found is
// reported, one per line, so a malformed labels file is fixed in one go.
func Load(dir string) (*Corpus, error) {
	c := &Corpus{Dir: dir, text: map[string]string{}}
	data, err := os.ReadFile(filepath.Join(dir, LabelsFile))
	if err != nil {
		return nil, fmt.Errorf("read the labels: %w", err)
	}
	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true)
	if err := dec.Decode(&c.Labels); err != nil {
		return nil, fmt.Errorf("%s: %w", LabelsFile, err)
	}
	for _, top := range []string{"positive", "negative"} {
		err := filepath.WalkDir(filepath.Join(dir, top), func(p string, d fs.DirEntry, err error) error {
			if err != nil || d.IsDir() {
				return err
			}
			rel, err := filepath.Rel(dir, p)
			if err != nil {
				return err
			}
			rel = filepath.ToSlash(rel)
			b, err := os.ReadFile(p)
			if err != nil {
				return err
			}
			c.text[rel] = string(b)
			if top == "positive" {
				c.Positives = append(c.Positives, rel)
			} else {
				c.Negatives = append(c.Negatives, rel)
			}
			return nil
		})
		if err != nil {
			return nil, fmt.Errorf("list the %s files: %w", top, err)
		}
	}
	if errs := c.validate(); len(errs) > 0 {
		return nil, errors.Join(errs...)
	}
	return c, nil
}

// validate checks every label and file, and records the labels' spans.
func (c *Corpus) validate() []error {
	var errs []error
	bad := func(i int, format string, args ...any) {
		errs = append(errs, fmt.Errorf("%s: label %d (%s:%d): %s", LabelsFile, i+1, c.Labels[i].File, c.Labels[i].Line, fmt.Sprintf(format, args...)))
	}
	for _, f := range append(slices.Clone(c.Positives), c.Negatives...) {
		if !strings.HasSuffix(f, ".tmpl") {
			errs = append(errs, fmt.Errorf("%s: a template file's name must end in .tmpl (so the repository holds no file a scanner takes for a secret file)", f))
		}
		if func() (panicked bool) {
			defer func() { panicked = recover() != nil }()
			fakekey.ExpandSeed(c.text[f], 1)
			return false
		}() {
			errs = append(errs, fmt.Errorf("%s: the template does not expand (an unknown {{...}} token)", f))
		}
	}
	labelled := map[string]bool{}
	c.spans = make([]span, len(c.Labels))
	for i, l := range c.Labels {
		switch {
		case l.Provider == "" || l.Kind == "" || l.Family == "":
			bad(i, "provider, kind and family are required")
		case l.Tier != TierCommon && l.Tier != TierLongTail:
			bad(i, "tier is %q; want %q or %q", l.Tier, TierCommon, TierLongTail)
		}
		text, ok := c.text[l.File]
		if !ok {
			bad(i, "no such template file")
			continue
		}
		if !strings.HasPrefix(l.File, "positive/") {
			bad(i, "a labelled key must be in a file under positive/")
		}
		labelled[l.File] = true
		if !fakekey.IsTemplate(l.Secret) {
			bad(i, "the secret holds no fakekey token: the repository must never hold a key-shaped value")
			continue
		}
		lines := strings.SplitAfter(text, "\n")
		if l.Line < 1 || l.Line > len(lines) {
			bad(i, "line out of range (the file has %d lines)", len(lines))
			continue
		}
		line := lines[l.Line-1]
		if n := strings.Count(line, l.Secret); n != 1 {
			bad(i, "the secret occurs %d times on the line, want 1", n)
			continue
		}
		col := strings.Index(line, l.Secret)
		for _, m := range tokenish.FindAllStringIndex(line, -1) {
			if m[0] < col && col < m[1] || m[0] < col+len(l.Secret) && col+len(l.Secret) < m[1] {
				bad(i, "the secret cuts a {{...}} token in two")
			}
		}
		start := len(strings.Join(lines[:l.Line-1], "")) + col
		c.spans[i] = span{start, start + len(l.Secret)}
	}
	// Overlaps, and duplicates of one key.
	order := make([]int, len(c.Labels))
	for i := range order {
		order[i] = i
	}
	slices.SortFunc(order, func(a, b int) int {
		if c.Labels[a].File != c.Labels[b].File {
			return strings.Compare(c.Labels[a].File, c.Labels[b].File)
		}
		return c.spans[a].start - c.spans[b].start
	})
	for k := 1; k < len(order); k++ {
		a, b := order[k-1], order[k]
		if c.Labels[a].File == c.Labels[b].File && c.spans[b].start < c.spans[a].end && c.spans[a].end > 0 {
			bad(b, "overlaps label %d", a+1)
		}
	}
	for _, f := range c.Positives {
		if !labelled[f] {
			errs = append(errs, fmt.Errorf("%s: a positive file without a label", f))
		}
	}
	return errs
}

// Expanded is the corpus written out with one seed.
type Expanded struct {
	Dir       string
	Seeds     []uint64 // the seeds expanded
	Keys      []Key
	Negatives []NegativeFile
	positive  map[string]bool // expanded paths of positive files
}

// Key is one labelled key in the expanded corpus. Value is the key itself:
// compare it, never print it.
type Key struct {
	Label
	Path       string // expanded path, '/'-separated, relative to Expanded.Dir
	Start, End int    // byte span in the expanded file
	Value      string
}

// NearMissDir holds must-not-flag files of near misses: values shaped
// almost like a provider's key (a known prefix with the wrong length or
// alphabet, a public identifier, a placeholder in a URL). They are scored
// apart from the other must-not-flag lines.
const NearMissDir = "negative/near-misses/"

// NegativeFile is a must-not-flag file and how many non-blank lines it has.
type NegativeFile struct {
	Path     string
	Lines    int
	NearMiss bool // under NearMissDir
}

// OutPath is where a template file lands: ".tmpl" dropped, and a leading
// "dot_" on any part of the path turned into "." (".env", ".npmrc").
func OutPath(template string) string {
	parts := strings.Split(strings.TrimSuffix(template, ".tmpl"), "/")
	for i, p := range parts {
		if rest, ok := strings.CutPrefix(p, "dot_"); ok {
			parts[i] = "." + rest
		}
	}
	return path.Join(parts...)
}

// Expand writes every template into out with seed and returns where the
// keys are. The same seed always gives the same files.
func (c *Corpus) Expand(seed uint64, out string) (*Expanded, error) {
	x := &Expanded{Dir: out, positive: map[string]bool{}, Seeds: []uint64{seed}}
	byFile := map[string][]int{}
	for i, l := range c.Labels {
		byFile[l.File] = append(byFile[l.File], i)
	}
	for _, f := range append(slices.Clone(c.Positives), c.Negatives...) {
		text := c.text[f]
		idx := byFile[f]
		slices.SortFunc(idx, func(a, b int) int { return c.spans[a].start - c.spans[b].start })
		var b strings.Builder
		part := 0
		emit := func(s string) string {
			v := fakekey.ExpandSeed(s, segmentSeed(seed, f, part))
			part++
			b.WriteString(v)
			return v
		}
		prev := 0
		outPath := OutPath(f)
		for _, i := range idx {
			sp := c.spans[i]
			emit(text[prev:sp.start])
			start := b.Len()
			v := emit(text[sp.start:sp.end])
			x.Keys = append(x.Keys, Key{Label: c.Labels[i], Path: outPath, Start: start, End: start + len(v), Value: v})
			prev = sp.end
		}
		emit(text[prev:])
		dst := filepath.Join(out, filepath.FromSlash(outPath))
		if err := os.MkdirAll(filepath.Dir(dst), 0o755); err != nil {
			return nil, err
		}
		if err := os.WriteFile(dst, []byte(b.String()), 0o644); err != nil {
			return nil, err
		}
		if strings.HasPrefix(f, "negative/") {
			x.Negatives = append(x.Negatives, NegativeFile{Path: outPath, Lines: nonBlank(b.String()), NearMiss: strings.HasPrefix(f, NearMissDir)})
		} else {
			x.positive[outPath] = true
		}
	}
	return x, nil
}

// ExpandSeeds expands the corpus once per seed, each into its own
// directory under out ("seed-1", ...), and returns them as one corpus whose
// paths are relative to out: several seeds make a score less dependent on
// the values one seed happened to draw.
func (c *Corpus) ExpandSeeds(seeds []uint64, out string) (*Expanded, error) {
	if len(seeds) == 0 {
		return nil, errors.New("no seed")
	}
	all := &Expanded{Dir: out, positive: map[string]bool{}, Seeds: seeds}
	for _, seed := range seeds {
		sub := fmt.Sprintf("seed-%d", seed)
		x, err := c.Expand(seed, filepath.Join(out, sub))
		if err != nil {
			return nil, err
		}
		for _, k := range x.Keys {
			k.Path = sub + "/" + k.Path
			all.Keys = append(all.Keys, k)
		}
		for _, n := range x.Negatives {
			n.Path = sub + "/" + n.Path
			all.Negatives = append(all.Negatives, n)
		}
		for p := range x.positive {
			all.positive[sub+"/"+p] = true
		}
	}
	return all, nil
}

// segmentSeed gives each piece of each file its own stream of randomness.
func segmentSeed(seed uint64, file string, part int) uint64 {
	h := fnv.New64a()
	fmt.Fprintf(h, "%d\x00%s\x00%d", seed, file, part)
	return h.Sum64()
}

func nonBlank(s string) int {
	n := 0
	for _, l := range strings.Split(s, "\n") {
		if strings.TrimSpace(l) != "" {
			n++
		}
	}
	return n
}

// LineOf returns the 1-based line of byte offset off in text.
func LineOf(text string, off int) int { return 1 + strings.Count(text[:off], "\n") }

// Package corpus reads keyguard's labelled detection corpus
// (detect/testdata/corpus): the oracle the catalogue is measured against,
// written from the providers' documented key formats rather than from
// keyguard's regexes:
//
//   - positives/<family>.yaml: provider key shapes, each in a few realistic
//     code contexts, with the secret marked «…» (or «KEY», the case's secret);
//   - negatives/*.txtar: whole files (the txtar names are their paths) whose
//     every line must produce no finding.
//
// Everything key-shaped is a fakekey template, expanded here with several
// seeds, so the repository itself never holds a realistic key. detect's
// tests score the catalogue on it; bench/cmd/corpusdump writes it out for
// other scanners.
package corpus

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/rogpeppe/go-internal/txtar"
	"gopkg.in/yaml.v3"

	"github.com/keyguard/keyguard/internal/fakekey"
)

const (
	// markOpen and markClose delimit a labelled secret in a positive context.
	markOpen  = "«"
	markClose = "»"
	// keyMark stands for the case's secret template, marked.
	keyMark = "«KEY»"
)

// Seeds expand every template several times, so a rule is measured on
// several random values, not one lucky draw.
func Seeds() []uint64 { return []uint64{1, 2, 3} }

// Families are the catalogue families, in table order.
func Families() []string {
	return []string{"ai", "cloud", "code", "messaging", "saas", "structure", "frameworks", "generic"}
}

// Case is one provider key shape and the contexts it is written in.
type Case struct {
	Provider string   `yaml:"provider"` // compared with Rule.Provider, case- and punctuation-insensitively
	Also     []string `yaml:"also"`     // other names the provider's rules may carry
	Shape    string   `yaml:"shape"`    // what kind of key, for reports (never the value)
	Secret   string   `yaml:"secret"`   // template that «KEY» stands for
	// Contexts are [path, text] pairs: the file the text sits in and the
	// text, with each secret marked «…».
	Contexts [][]string `yaml:"contexts"`
}

type file struct {
	Cases []Case `yaml:"cases"`
}

// Positive is one labelled secret in one expanded context.
type Positive struct {
	Family, Provider, Shape, Path string
	Accept                        []string // normalised provider names that count (NormProvider)
	Seed                          uint64
	Text                          []byte
	Start, End                    int // byte span of the secret in Text
	// CaseIdx and CtxIdx place the positive in its family file: the case's
	// and the context's 0-based index.
	CaseIdx, CtxIdx int
}

// Positives reads dir/positives/*.yaml and expands every context with
// every seed.
func Positives(dir string) ([]Positive, error) {
	files, err := filepath.Glob(filepath.Join(dir, "positives", "*.yaml"))
	if err != nil || len(files) == 0 {
		return nil, fmt.Errorf("glob positives in %s: %v (%d files)", dir, err, len(files))
	}
	var out []Positive
	for _, name := range files {
		family := strings.TrimSuffix(filepath.Base(name), ".yaml")
		if !slices.Contains(Families(), family) {
			return nil, fmt.Errorf("%s: unknown family %q (want one of %v)", name, family, Families())
		}
		data, err := os.ReadFile(name)
		if err != nil {
			return nil, err
		}
		dec := yaml.NewDecoder(bytes.NewReader(data))
		dec.KnownFields(true)
		var f file
		if err := dec.Decode(&f); err != nil {
			return nil, fmt.Errorf("%s: %w", name, err)
		}
		if len(f.Cases) == 0 {
			return nil, fmt.Errorf("%s: no cases", name)
		}
		for ci, c := range f.Cases {
			where := fmt.Sprintf("%s: %s %s", name, c.Provider, c.Shape)
			if c.Provider == "" || c.Shape == "" || len(c.Contexts) == 0 {
				return nil, fmt.Errorf("%s: a case needs provider, shape and contexts", where)
			}
			accept := []string{NormProvider(c.Provider)}
			for _, a := range c.Also {
				accept = append(accept, NormProvider(a))
			}
			for xi, ctx := range c.Contexts {
				if len(ctx) != 2 {
					return nil, fmt.Errorf("%s: a context is [path, text], got %d items", where, len(ctx))
				}
				tmpl := ctx[1]
				if strings.Contains(tmpl, keyMark) {
					if c.Secret == "" {
						return nil, fmt.Errorf("%s: context uses %s but the case has no secret", where, keyMark)
					}
					tmpl = strings.ReplaceAll(tmpl, keyMark, markOpen+c.Secret+markClose)
				}
				if err := checkMarkedTemplates(where, tmpl); err != nil {
					return nil, err
				}
				for _, seed := range Seeds() {
					text, spans := unmark(fakekey.ExpandSeed(tmpl, seed))
					for _, s := range spans {
						out = append(out, Positive{
							Family: family, Provider: c.Provider, Shape: c.Shape, Path: ctx[0],
							Accept: accept, Seed: seed, Text: text, Start: s[0], End: s[1],
							CaseIdx: ci, CtxIdx: xi,
						})
					}
				}
			}
		}
	}
	return out, nil
}

// checkMarkedTemplates fails unless tmpl marks at least one secret and every
// marked secret is a template: a literal there would be a real-looking key.
func checkMarkedTemplates(where, tmpl string) error {
	rest := tmpl
	n := 0
	for {
		i := strings.Index(rest, markOpen)
		if i < 0 {
			break
		}
		j := strings.Index(rest[i:], markClose)
		if j < 0 {
			return fmt.Errorf("%s: unclosed %s", where, markOpen)
		}
		if inner := rest[i+len(markOpen) : i+j]; !fakekey.IsTemplate(inner) {
			return fmt.Errorf("%s: a marked secret is not a fakekey template", where)
		}
		rest = rest[i+j+len(markClose):]
		n++
	}
	if n == 0 {
		return fmt.Errorf("%s: context marks no secret with %s…%s", where, markOpen, markClose)
	}
	return nil
}

// unmark removes the «…» marks from s and returns the byte spans they held.
func unmark(s string) ([]byte, [][2]int) {
	var b strings.Builder
	var spans [][2]int
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
		spans = append(spans, [2]int{start, b.Len()})
		s = s[j+len(markClose):]
	}
	return []byte(b.String()), spans
}

// NormProvider folds case and drops everything but letters and digits, so
// "Hugging Face" and "HuggingFace" compare equal.
func NormProvider(p string) string {
	var b strings.Builder
	for _, r := range strings.ToLower(p) {
		if ('a' <= r && r <= 'z') || ('0' <= r && r <= '9') {
			b.WriteRune(r)
		}
	}
	return b.String()
}

// Negative is one file of the negative corpus, as a template.
type Negative struct {
	Archive, Path, Template string
}

// Negatives reads dir/negatives/*.txtar.
func Negatives(dir string) ([]Negative, error) {
	files, err := filepath.Glob(filepath.Join(dir, "negatives", "*.txtar"))
	if err != nil || len(files) == 0 {
		return nil, fmt.Errorf("glob negatives in %s: %v (%d files)", dir, err, len(files))
	}
	var out []Negative
	for _, name := range files {
		ar, err := txtar.ParseFile(name)
		if err != nil {
			return nil, err
		}
		if len(ar.Files) == 0 {
			return nil, fmt.Errorf("%s: no files", name)
		}
		for _, f := range ar.Files {
			out = append(out, Negative{Archive: filepath.Base(name), Path: f.Name, Template: string(f.Data)})
		}
	}
	return out, nil
}

// LineColumn returns the 1-based line and rune column of byte offset off in
// text, counted as keyguard's findings count them.
func LineColumn(text []byte, off int) (line, col int) {
	before := text[:off]
	start := bytes.LastIndexByte(before, '\n') + 1
	return bytes.Count(before, []byte{'\n'}) + 1, utf8.RuneCount(before[start:]) + 1
}

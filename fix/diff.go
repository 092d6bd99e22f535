package fix

import (
	"cmp"
	"fmt"
	"io"
	"slices"
	"strings"

	// go-udiff is the unified-diff code of golang.org/x/tools (gopls),
	// exported and kept current; go-difflib, the alternative, has been
	// archived since 2018.
	udiff "github.com/aymanbagabas/go-udiff"

	"github.com/keyguard/keyguard/detect"
)

// WriteDiff writes a unified diff of every change in the plan, sources
// first, then the destinations, with every key redacted.
func (p *Plan) WriteDiff(w io.Writer) error {
	for _, c := range slices.Concat(p.Sources, p.Stores) {
		if err := WriteFileDiff(w, c, p.secrets); err != nil {
			return err
		}
	}
	return nil
}

// Secrets returns the values of every key the plan was given, for callers
// that diff other files (the .gitignore preview) and must redact too.
func (p *Plan) Secrets() []string { return slices.Clone(p.secrets) }

// WriteFileDiff writes the unified diff of one change, replacing each of
// secrets with its redacted form (detect.Redact) wherever it appears.
func WriteFileDiff(w io.Writer, c Change, secrets []string) error {
	from, to := "a/"+c.Path, "b/"+c.Path
	if !c.Exists {
		from = "/dev/null"
	}
	edits := udiff.Strings(string(c.Old), string(c.New))
	if len(edits) == 0 {
		return nil
	}
	d, err := udiff.ToUnified(from, to, string(c.Old), edits, udiff.DefaultContextLines)
	if err != nil {
		return fmt.Errorf("diff %s: %w", c.Path, err)
	}
	_, err = io.WriteString(w, redact(d, secrets))
	return err
}

// redact replaces every secret in text with its redacted form, longest
// first so that a secret holding another is replaced whole.
func redact(text string, secrets []string) string {
	sorted := slices.Clone(secrets)
	slices.SortFunc(sorted, func(a, b string) int { return cmp.Compare(len(b), len(a)) })
	var pairs []string
	for _, s := range slices.Compact(sorted) {
		if s != "" {
			pairs = append(pairs, s, detect.Redact(s))
		}
	}
	if len(pairs) == 0 {
		return text
	}
	return strings.NewReplacer(pairs...).Replace(text)
}

package fix

import (
	"bytes"
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
// first, then the destinations, with every key redacted (see WriteFileDiff).
func (p *Plan) WriteDiff(w io.Writer) error {
	for _, c := range slices.Concat(p.Sources, p.Stores) {
		if err := p.WriteFileDiff(w, c); err != nil {
			return err
		}
	}
	return nil
}

// WriteFileDiff writes the unified diff of one change, which may be a file
// the plan does not own (the .gitignore preview). No key reaches the
// output: in .env and secrets.toml every value shows as NAME=<redacted>
// (a value the plan moves, by its redacted form), and elsewhere every key
// the engines find in the files or in the lines shown is redacted, not
// only the keys the plan moves: the context lines around a moved key can
// hold keys that are baselined or marked keyguard:allow.
func (p *Plan) WriteFileDiff(w io.Writer, c Change) error {
	from, to := "a/"+c.Path, "b/"+c.Path
	if !c.Exists {
		from = "/dev/null"
	}
	old, updated := string(c.Old), string(c.New)
	if f, ok := storeFormat(c.Path); ok {
		old, updated = p.maskStore(f, c.Old), p.maskStore(f, c.New)
	}
	edits := udiff.Strings(old, updated)
	if len(edits) == 0 {
		return nil
	}
	d, err := udiff.ToUnified(from, to, old, edits, udiff.DefaultContextLines)
	if err != nil {
		return fmt.Errorf("diff %s: %w", c.Path, err)
	}
	secrets := slices.Clone(p.secrets)
	texts := append([][]byte{c.Old, c.New}, hunkTexts(d)...)
	for _, t := range texts {
		secrets = append(secrets, p.keysIn(c.Path, t)...)
	}
	_, err = io.WriteString(w, redact(d, secrets))
	return err
}

// storeFormat reports whether rel is a destination file, and its format.
func storeFormat(rel string) (valueFormat, bool) {
	switch rel {
	case EnvFile:
		return dotenv, true
	case SecretsFile:
		return toml, true
	}
	return 0, false
}

// allowMarkers are detect's inline allow comments (detect/filter.go). The
// engines must find the keys they silence too, since a diff prints them.
var allowMarkers = [][]byte{
	[]byte("keyguard:allow"),
	[]byte("gitleaks:allow"),
	[]byte("pragma: allowlist secret"),
}

// keysIn returns every key the plan's engines find in text, allow comments
// ignored. A key spanning lines (a private key block) is also returned line
// by line, as a diff prints it.
func (p *Plan) keysIn(rel string, text []byte) []string {
	blanked := text
	for _, m := range allowMarkers {
		if bytes.Contains(text, m) {
			// Blanks keep every offset, so the findings stay the same keys.
			blanked = bytes.ReplaceAll(blanked, m, bytes.Repeat([]byte(" "), len(m)))
		}
	}
	var out []string
	for _, e := range p.engines {
		for _, f := range e.ScanFile(rel, blanked) {
			v := f.Secret.Reveal()
			out = append(out, v)
			if strings.Contains(v, "\n") {
				for _, l := range strings.Split(v, "\n") {
					// Short pieces (a base64 tail) would blank unrelated text.
					if l = strings.TrimSpace(l); len(l) >= 8 {
						out = append(out, l)
					}
				}
			}
		}
	}
	return out
}

// hunkTexts returns the old and the new text of each hunk of a unified
// diff.
func hunkTexts(d string) [][]byte {
	var out [][]byte
	var old, updated []byte
	in := false
	flush := func() {
		if in {
			out = append(out, old, updated)
		}
		old, updated = nil, nil
	}
	for _, l := range strings.SplitAfter(d, "\n") {
		switch {
		case strings.HasPrefix(l, "@@"):
			flush()
			in = true
		case !in || l == "":
		case l[0] == ' ':
			old = append(old, l[1:]...)
			updated = append(updated, l[1:]...)
		case l[0] == '-':
			old = append(old, l[1:]...)
		case l[0] == '+':
			updated = append(updated, l[1:]...)
		}
	}
	flush()
	return out
}

// storeName is a variable name in .env or a key in secrets.toml (dotted
// or quoted).
var storeName = lazyRegexp(`^(?:[A-Za-z0-9_.-]+|"[^"]*"|'[^']*')(?:\.(?:[A-Za-z0-9_-]+|"[^"]*"|'[^']*'))*$`)

// maskStore returns a destination file with no value in it: a variable's
// line becomes NAME=<redacted> (NAME=sk-p…(164 chars) for a value the plan
// moves, so the diff shows which key goes where), a multi-line value's
// lines and any line keyguard does not read become <redacted>; blank lines,
// comments and TOML table headers stay. Line endings are kept.
func (p *Plan) maskStore(f valueFormat, data []byte) string {
	moved := map[string]bool{}
	for _, s := range p.secrets {
		moved[s] = true
	}
	sep := "="
	if f == toml {
		sep = " = "
	}
	var b strings.Builder
	closing := "" // the quote that ends the multi-line value being read
	for _, line := range strings.SplitAfter(string(data), "\n") {
		body := strings.TrimRight(line, "\r\n")
		eol := line[len(body):]
		t := strings.TrimSpace(body)
		if closing != "" {
			if strings.Contains(t, closing) {
				closing = ""
			}
			b.WriteString("<redacted>" + eol)
			continue
		}
		if t == "" || t[0] == '#' || (f == toml && t[0] == '[') {
			b.WriteString(line)
			continue
		}
		name, value, ok := strings.Cut(strings.TrimPrefix(t, "export "), "=")
		name, value = strings.TrimSpace(name), strings.TrimSpace(value)
		if !ok || !storeName().MatchString(name) {
			b.WriteString("<redacted>" + eol)
			continue
		}
		closing = openQuote(f, value)
		shown := "<redacted>"
		if v, ok := unquote(value); ok && closing == "" && moved[v] {
			shown = detect.Redact(v)
		}
		b.WriteString(name + sep + shown + eol)
	}
	return b.String()
}

// openQuote returns the quote that closes value on a later line, or "" when
// value ends on its line.
func openQuote(f valueFormat, value string) string {
	if f == toml {
		for _, q := range []string{`"""`, `'''`} {
			if strings.HasPrefix(value, q) && !strings.Contains(value[len(q):], q) {
				return q
			}
		}
		return ""
	}
	if value != "" && (value[0] == '"' || value[0] == '\'') && !strings.Contains(value[1:], value[:1]) {
		return value[:1]
	}
	return ""
}

// unquote strips one pair of matching quotes.
func unquote(v string) (string, bool) {
	if len(v) >= 2 && (v[0] == '"' || v[0] == '\'') && v[len(v)-1] == v[0] {
		return v[1 : len(v)-1], true
	}
	return v, v != ""
}

// redact replaces every secret in text with its redacted form, longest
// first so that a secret holding another is replaced whole.
func redact(text string, secrets []string) string {
	sorted := slices.Clone(secrets)
	slices.SortFunc(sorted, func(a, b string) int { return cmp.Or(cmp.Compare(len(b), len(a)), strings.Compare(a, b)) })
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

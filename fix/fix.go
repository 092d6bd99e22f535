// Package fix moves keys out of source files: each value goes to .env (or,
// for a Streamlit app, to .streamlit/secrets.toml) and the literal in the
// code becomes the language's read of that variable. It only rewrites
// shapes it understands and lists the rest with the step to take by hand.
//
// The value is never lost: the destination file is written atomically and
// read back before any source file changes. Sources keep their line endings
// and modes. Plans are printed as unified diffs with every key redacted.
package fix

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/keyguard/keyguard/detect"
	"github.com/keyguard/keyguard/internal/atomicfile"
	"github.com/keyguard/keyguard/reader"
	"github.com/keyguard/keyguard/report"
)

// ErrManual means the fix did what it could and some keys still need the
// user; main turns it into exit status 1.
var ErrManual = errors.New("some keys need your action")

// The files values move to, relative to the top of the work tree.
const (
	EnvFile     = ".env"
	SecretsFile = ".streamlit/secrets.toml"
)

// Key is one key found in a working-tree file.
type Key struct {
	Path    string // repo-relative, '/'-separated
	Finding detect.Finding
	// Where in a notebook (see report.Finding): 1-based cell and output (0
	// for the source), and the line in it (0 for metadata).
	Cell, Output, CellLine int
	// Encoding is how the key is stored when the scan found it decoded.
	Encoding string
}

// Options configures NewPlan.
type Options struct {
	Top  string // top of the work tree
	Keys []Key
	// Blocked maps a destination (EnvFile, SecretsFile) to why keyguard must
	// not write to it, e.g. because git tracks it; keys bound there are left
	// to the user.
	Blocked map[string]string
	// Engine (the user's configured one; may be nil) finds, with the
	// built-in catalogue, the keys a diff must redact besides the plan's.
	Engine *detect.Engine
}

// Change is a new content for one file.
type Change struct {
	Path     string // repo-relative
	Old, New []byte
	Exists   bool
}

// Move is a key the plan moves: its value goes to Dest as Name and the code
// reads it with Read.
type Move struct {
	Key  Key
	Name string
	Dest string // EnvFile or SecretsFile
	Read string // e.g. os.environ["OPENAI_API_KEY"]; "" for a template, whose line keeps the name with an empty value
}

// Manual is a key the plan leaves where it is, with why and what to do.
type Manual struct {
	Key    Key
	Reason string
	Hint   string
}

// Plan is every change a fix makes. Nothing is written until Apply.
type Plan struct {
	Top     string
	Stores  []Change // destinations, written and verified first
	Sources []Change
	Moved   []Move
	Cleared []Key // notebook outputs that showed a key, dropped
	Manual  []Manual

	stores  []*store
	secrets []string         // every value moved or seen, for redaction
	engines []*detect.Engine // find the other keys a diff shows
}

// NewPlan decides, for every key, where its value goes and how its source
// changes.
func NewPlan(o Options) (*Plan, error) {
	p := &Plan{Top: o.Top}
	builtin, err := detect.New(detect.Options{})
	if err != nil {
		return nil, fmt.Errorf("load the built-in rules: %w", err)
	}
	// The built-in catalogue too: rules or allowlists the user's
	// configuration disables still hide keys in what keyguard prints.
	p.engines = append(p.engines, builtin)
	if o.Engine != nil {
		p.engines = append(p.engines, o.Engine)
	}
	env, err := p.openStore(EnvFile, dotenv)
	if err != nil {
		return nil, err
	}
	secrets, err := p.openStore(SecretsFile, toml)
	if err != nil {
		return nil, err
	}
	byFile := map[string][]Key{}
	var files []string
	for _, k := range o.Keys {
		p.secrets = append(p.secrets, k.Finding.Secret.Reveal())
		if _, ok := byFile[k.Path]; !ok {
			files = append(files, k.Path)
		}
		byFile[k.Path] = append(byFile[k.Path], k)
	}
	slices.Sort(files)
	for _, f := range files {
		keys := byFile[f]
		slices.SortFunc(keys, func(a, b Key) int {
			if a.Finding.Line != b.Finding.Line {
				return a.Finding.Line - b.Finding.Line
			}
			return a.Finding.Column - b.Finding.Column
		})
		if err := p.planFile(f, keys, env, secrets, o.Blocked); err != nil {
			return nil, err
		}
	}
	for _, s := range []*store{env, secrets} {
		if len(s.added) > 0 {
			p.stores = append(p.stores, s)
			p.Stores = append(p.Stores, Change{Path: s.path, Old: s.old, New: s.content(), Exists: s.exists})
		}
	}
	return p, nil
}

func (p *Plan) openStore(rel string, f valueFormat) (*store, error) {
	data, err := os.ReadFile(p.abs(rel))
	switch {
	case err == nil:
		return newStore(rel, f, data, true), nil
	case errors.Is(err, fs.ErrNotExist):
		return newStore(rel, f, nil, false), nil
	}
	return nil, fmt.Errorf("read %s: %w", rel, err)
}

func (p *Plan) abs(rel string) string { return filepath.Join(p.Top, filepath.FromSlash(rel)) }

// edit replaces src[start:end] with text.
type edit struct {
	start, end int
	text       string
}

// planFile plans the moves of the keys found in one source file.
func (p *Plan) planFile(rel string, keys []Key, env, secrets *store, blocked map[string]string) error {
	src, err := os.ReadFile(p.abs(rel))
	if err != nil {
		return fmt.Errorf("read %s: %w", rel, err)
	}
	if reader.IsNotebook(rel) {
		return p.planNotebook(rel, src, keys, env, blocked)
	}
	manual := func(k Key, reason string) {
		p.Manual = append(p.Manual, Manual{Key: k, Reason: reason, Hint: manualHint(rel, k, reason)})
	}
	keys = slices.DeleteFunc(keys, func(k Key) bool {
		if k.Encoding != "" {
			manual(k, "the key is stored "+encodingWords(k.Encoding))
			return true
		}
		return false
	})
	if report.IsEnvTemplate(rel) {
		p.planTemplate(rel, src, keys, env, blocked, manual)
		return nil
	}
	l := langOf(rel, src)
	if l == langUnknown {
		for _, k := range keys {
			manual(k, unknownReason(rel))
		}
		return nil
	}
	var g *goFile
	if l == langGo {
		if g, err = parseGo(src); err != nil {
			for _, k := range keys {
				manual(k, "the Go file does not parse")
			}
			return nil
		}
	}
	st, streamlit := env, ""
	if l == langPython {
		if alias, ok := streamlitAlias(src); ok {
			st, streamlit = secrets, alias
		}
	}
	osName := "os"
	if g != nil {
		name, _, err := g.osName()
		if err != nil {
			for _, k := range keys {
				manual(k, err.Error())
			}
			return nil
		}
		osName = name
	}
	var edits []edit
	var moved []Move
	for _, k := range keys {
		f := k.Finding
		value := f.Secret.Reveal()
		if why, ok := blocked[st.path]; ok {
			manual(k, fmt.Sprintf("%s %s", st.path, why))
			continue
		}
		if strings.ContainsAny(value, "\r\n") {
			manual(k, "the key spans several lines")
			continue
		}
		s, e, ok := byteSpan(src, f.Line, f.Column, value)
		if !ok {
			manual(k, "the key is not where the scan found it (did the file change?)")
			continue
		}
		var loc site
		if g != nil {
			loc, err = g.locate(s, e)
		} else {
			loc, err = locateText(l, src, s, e)
		}
		if err != nil {
			manual(k, err.Error())
			continue
		}
		name, err := st.name(baseName(f, loc.hint), value)
		if err != nil {
			manual(k, err.Error())
			continue
		}
		read := readExpr(l, name, osName, streamlit)
		edits = append(edits, edit{loc.start, loc.end, read})
		moved = append(moved, Move{Key: k, Name: name, Dest: st.path, Read: read})
	}
	if len(edits) == 0 {
		st.discard()
		return nil
	}
	out := applyEdits(src, edits)
	switch l {
	case langPython:
		if streamlit == "" && !importsOS(out) {
			out = insertPythonImport(out, "import os")
		} else if streamlit == "st" && !importsStreamlitAs(out, "st") {
			out = insertPythonImport(out, "import streamlit as st")
		}
	case langGo:
		_, imported, _ := g.osName()
		if out, err = finishGo(src, out, !imported); err != nil {
			st.discard()
			for _, m := range moved {
				manual(m.Key, err.Error())
			}
			return nil
		}
	}
	st.commit()
	p.Moved = append(p.Moved, moved...)
	p.Sources = append(p.Sources, Change{Path: rel, Old: src, New: out, Exists: true})
	return nil
}

// templateLine is one NAME=value line of an environment file: the value,
// quoted or bare, then an optional comment.
var templateLine = lazyRegexp(`^[ \t]*(?:export[ \t]+)?([A-Za-z_][A-Za-z0-9_.]*)[ \t]*=[ \t]*("[^"]*"|'[^']*'|[^ \t#]*)`)

// planTemplate plans the fix of keys in an environment template such as
// .env.example, which stays committed: each NAME=value line that holds a
// key gets an empty value and the value moves to .env under the same NAME,
// the name the program reads.
func (p *Plan) planTemplate(rel string, src []byte, keys []Key, env *store, blocked map[string]string, manual func(Key, string)) {
	var edits []edit
	var moved []Move
	for _, k := range keys {
		f := k.Finding
		if why, ok := blocked[env.path]; ok {
			manual(k, fmt.Sprintf("%s %s", env.path, why))
			continue
		}
		s, e, ok := byteSpan(src, f.Line, f.Column, f.Secret.Reveal())
		if !ok {
			manual(k, "the key is not where the scan found it (did the file change?)")
			continue
		}
		ls := bytes.LastIndexByte(src[:s], '\n') + 1
		le := lineEnd(src, s)
		line := bytes.TrimSuffix(src[ls:le], []byte("\r"))
		m := templateLine().FindSubmatchIndex(line)
		if m == nil || ls+m[4] > s || ls+m[5] < e {
			manual(k, "the key is not the value of a NAME=value line")
			continue
		}
		name := string(line[m[2]:m[3]])
		value := string(line[m[4]:m[5]])
		if len(value) >= 2 && (value[0] == '"' || value[0] == '\'') {
			value = value[1 : len(value)-1]
		}
		if err := env.claim(name, value); err != nil {
			manual(k, err.Error())
			continue
		}
		edits = append(edits, edit{ls + m[4], ls + m[5], ""})
		moved = append(moved, Move{Key: k, Name: name, Dest: env.path})
	}
	if len(edits) == 0 {
		env.discard()
		return
	}
	env.commit()
	p.Moved = append(p.Moved, moved...)
	p.Sources = append(p.Sources, Change{Path: rel, Old: src, New: applyEdits(src, edits), Exists: true})
}

// baseName is the variable a key's value goes to: the rule's, else one
// made from the name the code gives the value, else the provider's.
func baseName(f detect.Finding, hint string) string {
	if f.Rule.EnvVar != "" {
		return f.Rule.EnvVar
	}
	if name := envName(hint); name != "" {
		return name
	}
	return providerName(f.Rule.Provider)
}

// encodingWords says how a key found decoded is stored.
func encodingWords(enc string) string {
	return report.EncodingPhrase(enc) + ", which keyguard does not rewrite"
}

// byteSpan turns a finding's 1-based line and rune column into byte offsets
// and checks the value is there.
func byteSpan(src []byte, line, col int, value string) (int, int, bool) {
	off := 0
	for i := 1; i < line; i++ {
		j := bytes.IndexByte(src[off:], '\n')
		if j < 0 {
			return 0, 0, false
		}
		off += j + 1
	}
	for i := 1; i < col && off < len(src); i++ {
		_, size := utf8.DecodeRune(src[off:])
		off += size
	}
	end := off + len(value)
	if end > len(src) || string(src[off:end]) != value {
		return 0, 0, false
	}
	return off, end, true
}

// applyEdits applies non-overlapping edits; overlapping ones (two rules on
// one literal) are applied once.
func applyEdits(src []byte, edits []edit) []byte {
	slices.SortFunc(edits, func(a, b edit) int { return a.start - b.start })
	var out []byte
	at := 0
	for _, e := range edits {
		if e.start < at {
			continue
		}
		out = append(append(out, src[at:e.start]...), e.text...)
		at = e.end
	}
	return append(out, src[at:]...)
}

// readExpr is how code in language l reads the variable name.
func readExpr(l lang, name, osName, streamlit string) string {
	switch l {
	case langPython:
		if streamlit != "" {
			return fmt.Sprintf(`%s.secrets["%s"]`, streamlit, name)
		}
		return fmt.Sprintf(`os.environ["%s"]`, name)
	case langJS:
		return "process.env." + name
	case langGo:
		return fmt.Sprintf(`%s.Getenv("%s")`, osName, name)
	}
	return fmt.Sprintf(`"${%s}"`, name)
}

var (
	pyImportStreamlit = lazyRegexp(`(?m)^[ \t]*import[ \t]+streamlit(?:[ \t]+as[ \t]+([A-Za-z_][A-Za-z0-9_]*))?[ \t]*(?:#.*)?\r?$`)
	pyFromStreamlit   = lazyRegexp(`(?m)^[ \t]*from[ \t]+streamlit[ \t.]`)
	pyImportLine      = lazyRegexp(`(?m)^import[ \t]+([^#\r\n]+)`)
	pyTopImport       = lazyRegexp(`(?m)^(?:import|from)[ \t]+`)
	pyFuture          = lazyRegexp(`(?m)^from[ \t]+__future__[ \t]+import[^\n]*\n`)
)

// streamlitAlias reports whether a Python file imports streamlit, and the
// name it calls it by ("st" when it only imports names from it).
func streamlitAlias(src []byte) (string, bool) {
	if m := pyImportStreamlit().FindSubmatch(src); m != nil {
		if len(m[1]) > 0 {
			return string(m[1]), true
		}
		return "streamlit", true
	}
	if pyFromStreamlit().Match(src) {
		return "st", true
	}
	return "", false
}

func importsStreamlitAs(src []byte, alias string) bool {
	for _, m := range pyImportStreamlit().FindAllSubmatch(src, -1) {
		if string(m[1]) == alias {
			return true
		}
	}
	return false
}

// importsOS reports whether a Python module binds the name os at the top
// level ("import os", "import sys, os").
func importsOS(src []byte) bool {
	for _, m := range pyImportLine().FindAllSubmatch(src, -1) {
		for _, part := range strings.Split(string(m[1]), ",") {
			if strings.Join(strings.Fields(part), " ") == "os" {
				return true
			}
		}
	}
	return false
}

// insertPythonImport adds an import line before the module's first import,
// or after its docstring, comments and __future__ imports when it has none,
// in the file's line ending.
func insertPythonImport(src []byte, line string) []byte {
	eol := "\n"
	if isAllCRLF(src) {
		eol = "\r\n"
	}
	at := -1
	toks := lex(langPython, src)
	for _, loc := range pyTopImport().FindAllIndex(src, -1) {
		if t, ok := tokenAt(toks, loc[0]); ok && t.kind == tokString {
			continue // inside a docstring
		}
		if !bytes.HasPrefix(src[loc[0]:], []byte("from __future__")) {
			at = loc[0]
			break
		}
	}
	if at < 0 {
		// After leading comments, blank lines, a docstring and __future__.
		at = 0
		for at < len(src) {
			rest := src[at:]
			le := lineEnd(src, at)
			trimmed := bytes.TrimSpace(src[at:le])
			switch {
			case len(trimmed) == 0 || trimmed[0] == '#':
			case pyFuture().Match(rest) && bytes.HasPrefix(rest, []byte("from")):
			case trimmed[0] == '"' || trimmed[0] == '\'':
				if t, ok := tokenAt(toks, at+bytes.Index(src[at:le], trimmed[:1])); ok {
					le = lineEnd(src, max(t.end-1, at))
				}
			default:
				return slices.Concat(src[:at], []byte(line+eol), src[at:])
			}
			at = min(le+1, len(src))
		}
		if len(src) > 0 && src[len(src)-1] != '\n' {
			return slices.Concat(src, []byte(eol+line+eol))
		}
	}
	return slices.Concat(src[:at], []byte(line+eol), src[at:])
}

// unknownReason says why a file of this kind is not rewritten.
func unknownReason(rel string) string {
	ext := strings.ToLower(path.Ext(rel))
	switch ext {
	case ".yml", ".yaml", ".json", ".toml", ".ini", ".cfg", ".conf", ".properties", ".xml":
		return "keyguard does not rewrite " + strings.TrimPrefix(ext, ".") + " config files"
	}
	base := path.Base(rel)
	if base == ".env" || strings.HasPrefix(base, ".env.") {
		return "this is an environment file already"
	}
	if ext == "" {
		return "keyguard does not know this file's language"
	}
	return "keyguard does not rewrite " + strings.TrimPrefix(ext, ".") + " files"
}

// manualHint is the step the user takes for a key keyguard leaves.
func manualHint(rel string, k Key, reason string) string {
	f := k.Finding
	name := f.Rule.EnvVar
	if name == "" {
		name = providerName(f.Rule.Provider)
	}
	base := path.Base(rel)
	switch {
	case f.Rule.EnvVar == "" && strings.ContainsAny(f.Secret.Reveal(), "\n"):
		return "store it in a file outside the work tree or in a secret store, and load it by path"
	case report.IsEnvTemplate(rel):
		return fmt.Sprintf("keep the value that is current in .env, then leave the line in %s with an empty value", base)
	case base == ".env" || strings.HasPrefix(base, ".env."):
		return "keep this file out of git: keyguard fix-ignore"
	}
	read := report.EnvRead(rel, name)
	if read == "" {
		return fmt.Sprintf("put %s=... in .env and have the program read %s from the environment", name, name)
	}
	if strings.Contains(reason, "larger string") {
		return fmt.Sprintf("put %s=... in .env and build the string from %s", name, read)
	}
	return fmt.Sprintf("put %s=... in .env and replace the key with %s", name, read)
}

// Apply writes the destinations, reads them back and checks they hold every
// moved value, and only then rewrites the sources. Every write is atomic.
func (p *Plan) Apply() error {
	for i, s := range p.stores {
		abs := p.abs(s.path)
		if err := os.MkdirAll(filepath.Dir(abs), 0o755); err != nil {
			return fmt.Errorf("create %s: %w", path.Dir(s.path), err)
		}
		if err := atomicfile.WriteWithin(p.Top, abs, p.Stores[i].New, 0o600); err != nil {
			return err
		}
		data, err := os.ReadFile(abs)
		if err != nil {
			return fmt.Errorf("read back %s: %w", s.path, err)
		}
		if err := s.verify(data); err != nil {
			return err
		}
	}
	for _, c := range p.Sources {
		// The source may have changed since it was planned; never overwrite
		// an edit the plan did not see.
		cur, err := os.ReadFile(p.abs(c.Path))
		if err != nil {
			return fmt.Errorf("read %s: %w", c.Path, err)
		}
		if !bytes.Equal(cur, c.Old) {
			return fmt.Errorf("%s changed while keyguard was fixing it; run keyguard fix again", c.Path)
		}
		if err := atomicfile.WriteWithin(p.Top, p.abs(c.Path), c.New, 0o644); err != nil {
			return err
		}
	}
	return nil
}

// Package report renders keyguard's findings for people.
//
// Output policy: everything goes to the writer the caller gives (stderr for
// the hook), each message line starts with "keyguard: ", is lowercase and has
// no trailing period; a fix the user can run is on a "hint: " line. Secrets
// are only ever shown through detect.Secret, which redacts itself.
package report

import (
	"cmp"
	"fmt"
	"io"
	"path"
	"slices"
	"strconv"
	"strings"

	"github.com/keyguard/keyguard/detect"
)

// FileState says why a sensitive file is a problem.
type FileState int

// The states a sensitive file can be reported in.
const (
	NotIgnored FileState = iota // present, untracked, and git does not ignore it
	Staged                      // added or changed in the commit being made
	Tracked                     // already committed; .gitignore cannot help
)

// Finding is one problem: a key in a line, or a sensitive file.
type Finding struct {
	Path   string
	Line   int // 1-based; 0 for a file finding
	Column int // 1-based, in characters; 0 for a file finding
	// EndLine is the 1-based line of the secret's last character: Line for
	// a key on one line, more for a private key block; 0 when not known.
	EndLine int

	Secret *detect.Finding // set for a key found in content
	Commit *Commit         // set for a key found in history

	// Set for a key in a notebook (see reader.Notebook): the 1-based cell,
	// the output of that cell (0 for its source) and the line in that
	// source or output (0 for metadata). Line and Column stay the file's.
	Cell, Output, CellLine int
	// Encoding names how the key was stored when it was found decoded
	// ("base64", "json", "url", "concatenated"); "" when stored as is.
	Encoding string

	// Set for a sensitive file.
	FileKind  string    // what the file is, e.g. "environment file"
	FileState FileState // why it is a problem
	HoldsKeys int       // keys found in it, for files sensitive by content
}

// Commit says where in history a finding was added.
type Commit struct {
	Hash   string
	Author string
	Email  string
	Date   string // ISO 8601, author date
}

// Summary counts what a scan covered, so a clean result is never silent
// about having scanned nothing.
type Summary struct {
	Files  int // files whose staged content was read
	Lines  int // added lines scanned
	Binary int // binary files skipped
	AsText int // files git calls binary that were decoded and scanned as text
}

// Blocked writes the report for a refused commit: one block per finding,
// then the hints that apply to all of them. A quiet Output still gets all of
// it: a refused commit must say why.
func Blocked(w io.Writer, findings []Finding, sum Summary) {
	w, flush := buffered(w)
	defer flush()
	p := painter(w)
	keys, files := 0, 0
	for _, f := range findings {
		if f.Secret != nil {
			keys++
		} else {
			files++
		}
	}
	fmt.Fprintf(w, "keyguard: %s\n", p.alarm("commit refused: "+countPhrase(keys, files)))
	for _, f := range findings {
		fmt.Fprintln(w)
		if f.Secret != nil {
			writeKey(w, f)
		} else {
			writeFile(w, f)
		}
	}
	fmt.Fprintln(w)
	fmt.Fprintf(w, "keyguard: %s\n", summaryPhrase(sum))
	if keys > 0 {
		fmt.Fprintf(w, "%s a false positive? add a comment containing keyguard:allow on that line\n", p.label("hint:"))
	}
	fmt.Fprintf(w, "%s to commit anyway this once (not recommended): git commit --no-verify\n", p.label("hint:"))
}

// Warnings writes findings that do not block the commit.
func Warnings(w io.Writer, findings []Finding) {
	p := painter(w)
	for _, f := range findings {
		switch f.FileState {
		case Tracked:
			fmt.Fprintf(w, "keyguard: %s %s (%s) is already committed; ignoring it cannot remove it from git\n", p.warn("warning:"), DisplayPath(f.Path), f.FileKind)
			fmt.Fprintf(w, "%s git rm --cached -- %s   (stop tracking it; your copy stays), then revoke and rotate any key it held\n", p.label("hint:"), ShellQuote(f.Path))
		}
	}
}

// Clean writes the one line that says the commit was checked; a quiet
// Output gets nothing.
func Clean(w io.Writer, sum Summary) {
	if Quiet(w) {
		return
	}
	fmt.Fprintf(w, "keyguard: %s; %s\n", painter(w).ok("no secrets found"), summaryPhrase(sum))
}

// advice is what to do about a key: the fix lines, then how to rotate it.
type advice struct {
	fix    []string
	rotate string
}

// keyAdvice says how to fix a key finding, in the file's language, and how
// to rotate the key; the text and SARIF reports share it.
func keyAdvice(f Finding) advice {
	s := f.Secret
	var a advice
	name := s.Rule.EnvVar
	if name == "" {
		// A private key or the like has no variable of its own: it belongs in
		// a file outside the repository or in a secret store.
		a.fix = []string{"keep it out of the repository: store it outside the work tree or in a secret store, and load it by path"}
	} else if read := EnvRead(f.Path, name); read != "" {
		a.fix = []string{
			"read it from the environment instead: " + read,
			fmt.Sprintf("put %s=... in .env and run keyguard fix-ignore so .env is never committed", name),
		}
	} else if IsEnvTemplate(f.Path) {
		// A template stays committed (fix-ignore keeps it so): the value
		// moves to .env and the template keeps the name with no value.
		a.fix = []string{"a template stays in git without values: keyguard fix moves the value to .env and leaves the name here empty"}
	} else if isDotEnv(f.Path) {
		a.fix = []string{"keep this file out of git: keyguard fix-ignore, then git rm --cached -- " + ShellQuote(f.Path)}
	} else {
		a.fix = []string{fmt.Sprintf("move the key out of this file into an environment variable (%s) or a secret store", name)}
	}
	revoke := "revoke it at the provider and create a new one"
	if s.Rule.Revoke != "" {
		revoke = "revoke it and create a new one at " + s.Rule.Revoke
	}
	if f.Commit != nil {
		a.rotate = "it is in git history, so deleting it is not enough: " + revoke
	} else {
		a.rotate = "if this key was ever pushed or shared, " + revoke
	}
	return a
}

func writeKey(w io.Writer, f Finding) {
	p := painter(w)
	s := f.Secret
	where := ""
	if f.Commit != nil {
		where = ShortHash(f.Commit.Hash) + " "
	}
	place := fmt.Sprintf("%s%s:%d:%d", where, DisplayPath(f.Path), f.Line, f.Column)
	if cell := CellPlace(f); cell != "" {
		place = fmt.Sprintf("%s%s: %s", where, DisplayPath(f.Path), cell)
	}
	encoded := ""
	if f.Encoding != "" {
		encoded = ", " + EncodingPhrase(f.Encoding)
	}
	fmt.Fprintf(w, "%s: %s (%s%s)\n", p.bold(place), s.Rule.Description, s.Rule.ID, encoded)
	if c := f.Commit; c != nil {
		fmt.Fprintf(w, "    %s   %s by %s <%s> on %s\n", p.label("commit"), c.Hash, c.Author, c.Email, c.Date)
	}
	fmt.Fprintf(w, "    %s   %s, fingerprint %s\n", p.label("secret"), p.secret(s.Secret.String()), s.Fingerprint)
	a := keyAdvice(f)
	for i, line := range a.fix {
		label := "   "
		if i == 0 {
			label = p.label("fix")
		}
		fmt.Fprintf(w, "    %s      %s\n", label, line)
	}
	fmt.Fprintf(w, "    %s   %s\n", p.label("rotate"), a.rotate)
}

// CellPlace says where in a notebook a finding is ("cell 3, line 2",
// "cell 3, output 1, line 4", "cell 3 metadata, file line 40"), or "" for
// a finding outside a notebook's cells.
func CellPlace(f Finding) string {
	if f.Cell == 0 {
		return ""
	}
	place := fmt.Sprintf("cell %d", f.Cell)
	if f.Output > 0 {
		place += fmt.Sprintf(", output %d", f.Output)
	}
	if f.CellLine == 0 {
		return fmt.Sprintf("%s metadata, file line %d", place, f.Line)
	}
	return fmt.Sprintf("%s, line %d", place, f.CellLine)
}

// EncodingPhrase says in words how a key found decoded was stored
// ("base64", "json in base64", ...; see reader.Decode).
func EncodingPhrase(enc string) string {
	words := map[string]string{"base64": "base64", "json": "JSON-escaped", "url": "URL-escaped",
		"concatenated": "split over string literals", "unwrapped": "inside a conversion call",
		"element": "on its own line inside an XML element", "pair": "as the value of a name and value pair",
		"continued": "on a continuation line of a curl command",
		"call":      "as an argument on its own line of a multi-line call",
		"row":       "in a row of a multi-line SQL INSERT",
		"table":     "in a Markdown table column named like a key",
		"seq":       "as an item of a YAML list under a key's name (a cassette's header)",
		"block":     "as a YAML block scalar under a key's name",
		"arg":       "as the YAML list item after its flag (a container's args)",
		"plist":     "as a property list value", "csv": "in a CSV column named like a key"}
	var out []string
	for _, k := range strings.Split(enc, " in ") {
		if w, ok := words[k]; ok {
			k = w
		}
		out = append(out, k)
	}
	if out[0] == "base64" {
		out[0] = "base64-encoded"
	}
	return strings.Join(out, " in ")
}

// ShortHash is a commit's name shortened for people, as in git log --oneline.
func ShortHash(h string) string {
	if len(h) > 12 {
		return h[:12]
	}
	return h
}

func writeFile(w io.Writer, f Finding) {
	pt := painter(w)
	p := pt.bold(DisplayPath(f.Path))
	q := ShellQuote(f.Path)
	fix := pt.label("fix")
	switch f.FileState {
	case Staged:
		fmt.Fprintf(w, "%s: %s is staged for commit\n", p, f.FileKind)
		fmt.Fprintf(w, "    %s      git rm --cached -- %s   (unstage it; your copy stays)\n", fix, q)
		fmt.Fprintf(w, "             keyguard fix-ignore   (add it to .gitignore)\n")
	case NotIgnored:
		what := f.FileKind
		if f.HoldsKeys > 0 {
			what = fmt.Sprintf("%s holding %s", f.FileKind, plural(f.HoldsKeys, "key"))
		}
		fmt.Fprintf(w, "%s: %s is not ignored by git (git add . would commit it)\n", p, what)
		fmt.Fprintf(w, "    %s      keyguard fix-ignore   (add it to .gitignore)\n", fix)
	default:
		fmt.Fprintf(w, "%s: %s\n", p, f.FileKind)
	}
}

func countPhrase(keys, files int) string {
	var parts []string
	if keys > 0 {
		parts = append(parts, plural(keys, "secret")+" in staged changes")
	}
	if files > 0 {
		parts = append(parts, plural(files, "secret file")+" not kept out of git")
	}
	return strings.Join(parts, " and ")
}

func summaryPhrase(s Summary) string {
	p := fmt.Sprintf("checked %s, %s added", plural(s.Files, "staged file"), plural(s.Lines, "line"))
	var notes []string
	if s.Binary > 0 {
		notes = append(notes, plural(s.Binary, "binary file")+" skipped")
	}
	if s.AsText > 0 {
		notes = append(notes, plural(s.AsText, "file")+" decoded as text")
	}
	if len(notes) > 0 {
		p += " (" + strings.Join(notes, "; ") + ")"
	}
	return p
}

// Plural is one when n is 1 and many otherwise: the word to put after a
// count.
func Plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}

// plural is n and the noun, with an s unless n is 1.
func plural(n int, noun string) string {
	return strconv.Itoa(n) + " " + Plural(n, noun, noun+"s")
}

// DisplayPath shows a repository path on one line: names with control
// characters or quotes are shown Go-quoted, as git quotes them.
func DisplayPath(p string) string {
	for _, r := range p {
		if r < 0x20 || r == 0x7f || r == '"' || r == '\\' {
			return strconv.Quote(p)
		}
	}
	return p
}

// ShellQuote quotes a path for a POSIX shell command line when it needs it.
func ShellQuote(p string) string {
	safe := p != ""
	for _, r := range p {
		if !(r == '/' || r == '.' || r == '_' || r == '-' || r == '+' || r == ',' || r == '@' || r == '%' ||
			(r >= 'a' && r <= 'z') || (r >= 'A' && r <= 'Z') || (r >= '0' && r <= '9') || r > 0x7f) {
			safe = false
			break
		}
	}
	// A leading dash needs no quoting: every hint puts "--" before the path.
	if safe {
		return p
	}
	return "'" + strings.ReplaceAll(p, "'", `'\''`) + "'"
}

// envTemplates are the environment files meant to be committed: a
// template of the names, with no values (the catalogue's exceptions to
// .env.*, which fix-ignore keeps committable).
var envTemplates = []string{".env.example", ".env.sample", ".env.template", ".env.dist", ".env.defaults", ".env.schema"}

// IsEnvTemplate reports whether a path names an environment template such as
// .env.example: committed on purpose, so its fix is an empty value, not
// .gitignore.
func IsEnvTemplate(p string) bool {
	return slices.Contains(envTemplates, strings.ToLower(path.Base(p)))
}

func isDotEnv(p string) bool {
	base := path.Base(p)
	return base == ".env" || strings.HasPrefix(base, ".env.")
}

// EnvRead returns how code in the file's language reads an environment
// variable, or "" when keyguard does not know the language.
func EnvRead(file, name string) string {
	base := path.Base(file)
	ext := strings.ToLower(path.Ext(base))
	switch {
	case ext == ".py" || ext == ".ipynb":
		return fmt.Sprintf(`os.environ["%s"]`, name)
	case ext == ".js" || ext == ".mjs" || ext == ".cjs" || ext == ".jsx" || ext == ".ts" || ext == ".tsx" || ext == ".vue" || ext == ".svelte":
		return "process.env." + name
	case ext == ".go":
		return fmt.Sprintf(`os.Getenv("%s")`, name)
	case ext == ".rb":
		return fmt.Sprintf(`ENV["%s"]`, name)
	case ext == ".java" || ext == ".kt" || ext == ".kts" || ext == ".scala":
		return fmt.Sprintf(`System.getenv("%s")`, name)
	case ext == ".cs":
		return fmt.Sprintf(`Environment.GetEnvironmentVariable("%s")`, name)
	case ext == ".php":
		return fmt.Sprintf(`getenv('%s')`, name)
	case ext == ".rs":
		return fmt.Sprintf(`std::env::var("%s")`, name)
	case ext == ".swift":
		return fmt.Sprintf(`ProcessInfo.processInfo.environment["%s"]`, name)
	case ext == ".sh" || ext == ".bash" || ext == ".zsh" || base == "Dockerfile" || strings.HasPrefix(base, "Dockerfile.") || ext == ".dockerfile":
		return fmt.Sprintf(`"${%s}"`, name)
	case ext == ".yml" || ext == ".yaml" || ext == ".toml" || ext == ".json" || ext == ".ini" || ext == ".cfg" || ext == ".conf" || ext == ".properties":
		return fmt.Sprintf("${%s} (let the program that reads this file take it from the environment)", name)
	case ext == ".tf":
		return fmt.Sprintf("var.%s (set TF_VAR_%s in the environment)", strings.ToLower(name), strings.ToLower(name))
	}
	return ""
}

// SortByPlace orders findings by path, line and column, keeping the order of
// findings at the same place (a file finding before the keys in it).
func SortByPlace(fs []Finding) {
	slices.SortStableFunc(fs, func(a, b Finding) int {
		return cmp.Or(cmp.Compare(a.Path, b.Path), cmp.Compare(a.Line, b.Line), cmp.Compare(a.Column, b.Column))
	})
}

package detect

import (
	"bytes"
	"os"
	"path/filepath"
	"regexp"
	"regexp/syntax"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/keyguard/keyguard/internal/fakekey"
)

// newTestEngine returns an Engine with the built-in catalogue only.
func newTestEngine(t testing.TB) *Engine {
	t.Helper()
	e, err := New(Options{})
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	return e
}

// builtinSpecs decodes the embedded catalogue, examples included.
func builtinSpecs(t testing.TB) []RuleSpec {
	t.Helper()
	specs, err := loadBuiltin()
	if err != nil {
		t.Fatalf("parse the catalogue: %v", err)
	}
	if len(specs) == 0 {
		t.Fatal("the catalogue holds no rules")
	}
	return specs
}

func TestBuiltinRulesCompile(t *testing.T) {
	e := newTestEngine(t)
	for _, r := range e.Rules() {
		if err := r.compile(); err != nil {
			t.Errorf("rule %s: %v", r.ID, err)
			continue
		}
		// Only the key-block rules may span lines; every other regex keeps to
		// one line (see the guard convention in rules/README.md).
		if want := r.ID == "private-key" || r.ID == "putty-private-key" || r.ID == "openvpn-static-key"; r.multiLine != want {
			t.Errorf("rule %s: multiLine = %v, want %v", r.ID, r.multiLine, want)
		}
	}
}

// maxProgram bounds a built-in regex's compiled size, in instructions of
// the anchored form the engine tries at keyword hits. Go compiles a counted
// run as one step per count: [A-Za-z0-9_-]{50,1000} made a 1,979-step
// program whose compilation cost 2-3 ms in a fresh process (a commit pays
// it for each rule its keywords wake), and the backtracker takes only short
// inputs for large programs. A run ended by a guard carries no upper
// bound. A gap between two parts of a match keeps its bound (curl's
// `[^\n]{0,300}?`): it caps what one try reads, and the two curl rules
// without it read to the end of each long line at every "curl", 54 s
// instead of 6 on lefthook's history.
const maxProgram = 1024

func TestBuiltinRegexesSmall(t *testing.T) {
	for _, r := range newTestEngine(t).Rules() {
		tree, err := syntax.Parse("^(?:"+r.pattern+")", syntax.Perl)
		if err != nil {
			t.Errorf("rule %s: %v", r.ID, err)
			continue
		}
		prog, err := syntax.Compile(tree.Simplify())
		if err != nil {
			t.Errorf("rule %s: %v", r.ID, err)
			continue
		}
		if n := len(prog.Inst); n > maxProgram {
			t.Errorf("rule %s compiles to %d instructions (at most %d): drop the upper bound of a run ended by a guard ({20,} for {20,1000})", r.ID, n, maxProgram)
		}
	}
}

// TestBuiltinGapsBounded: no built-in regex holds an unbounded lazy
// repeat. A lazy gap between two parts of a match (`[^\n]*?`) reads to the
// end of the line at every try where the second part is absent: the curl
// rules with one took scan --history of lefthook's mirror from 5.8 to
// 54.6 s. A gap keeps its bound ([^\n]{0,300}?).
func TestBuiltinGapsBounded(t *testing.T) {
	parse := func(p string) *syntax.Regexp {
		re, err := syntax.Parse(p, syntax.Perl)
		if err != nil {
			t.Fatal(err)
		}
		return re
	}
	if lazyGap(parse(`\bcurl\b[^\n]*?-u`)) == "" || lazyGap(parse(`\bcurl\b[^\n]{0,300}?-u`)) != "" {
		t.Fatal("lazyGap does not tell an unbounded lazy gap from a bounded one")
	}
	for _, r := range newTestEngine(t).Rules() {
		tree, err := syntax.Parse(r.pattern, syntax.Perl)
		if err != nil {
			t.Errorf("rule %s: %v", r.ID, err)
			continue
		}
		if gap := lazyGap(tree); gap != "" {
			t.Errorf("rule %s: unbounded lazy gap %s: give it an upper bound", r.ID, gap)
		}
	}
}

// lazyGap returns the first unbounded lazy repeat in re, printed, or "".
func lazyGap(re *syntax.Regexp) string {
	unbounded := re.Op == syntax.OpStar || re.Op == syntax.OpPlus || re.Op == syntax.OpRepeat && re.Max < 0
	if unbounded && re.Flags&syntax.NonGreedy != 0 {
		return re.String()
	}
	for _, sub := range re.Sub {
		if gap := lazyGap(sub); gap != "" {
			return gap
		}
	}
	return ""
}

var kebab = regexp.MustCompile(`^[a-z0-9]+(-[a-z0-9]+)*$`)

func TestCatalogueMetadata(t *testing.T) {
	wantEnv := map[string]string{
		"openai-api-key":          "OPENAI_API_KEY",
		"anthropic-api-key":       "ANTHROPIC_API_KEY",
		"aws-access-key-id":       "AWS_ACCESS_KEY_ID",
		"aws-secret-access-key":   "AWS_SECRET_ACCESS_KEY",
		"github-token":            "GITHUB_TOKEN",
		"github-fine-grained-pat": "GITHUB_TOKEN",
		"gitlab-pat":              "GITLAB_TOKEN",
		"slack-token":             "SLACK_BOT_TOKEN",
		"slack-webhook-url":       "SLACK_WEBHOOK_URL",
		"stripe-live-key":         "STRIPE_SECRET_KEY",
		"google-api-key":          "GOOGLE_API_KEY",
		"huggingface-token":       "HF_TOKEN",
		"private-key":             "",
	}
	seen := map[string]bool{}
	for _, s := range builtinSpecs(t) {
		seen[s.ID] = true
		if !kebab.MatchString(s.ID) {
			t.Errorf("rule %q: id is not kebab-case", s.ID)
		}
		if s.Description == "" || s.Provider == "" {
			t.Errorf("rule %s: needs a description and a provider", s.ID)
		}
		if !strings.HasPrefix(s.Revoke, "https://") {
			t.Errorf("rule %s: revoke %q is not an https URL", s.ID, s.Revoke)
		}
		if len(s.Keywords) == 0 {
			t.Errorf("rule %s: built-in rules need at least one keyword", s.ID)
		}
		for _, k := range s.Keywords {
			if k != strings.ToLower(k) {
				t.Errorf("rule %s: keyword %q is not lowercase", s.ID, k)
			}
		}
		if env, ok := wantEnv[s.ID]; ok && s.EnvVar != env {
			t.Errorf("rule %s: env = %q, want %q", s.ID, s.EnvVar, env)
		}
	}
	for id := range wantEnv {
		if !seen[id] {
			t.Errorf("catalogue lacks rule %s", id)
		}
	}
}

// TestCatalogueExamples is where every rule proves its shape: each expanded
// match example yields a finding of that rule, each nomatch example none.
func TestCatalogueExamples(t *testing.T) {
	e := newTestEngine(t)
	for _, s := range builtinSpecs(t) {
		t.Run(s.ID, func(t *testing.T) {
			if len(s.Examples.Match) < 2 || len(s.Examples.NoMatch) < 2 {
				t.Fatalf("rule %s: has %d match and %d nomatch examples, want at least 2 of each",
					s.ID, len(s.Examples.Match), len(s.Examples.NoMatch))
			}
			for _, tmpl := range s.Examples.Match {
				// A match example without a template token would be a literal key.
				if !fakekey.IsTemplate(tmpl) {
					t.Errorf("rule %s: match example %q is not a fakekey template", s.ID, tmpl)
					continue
				}
				text := []byte(fakekey.Expand(tmpl))
				got := findingsOf(e.Scan(text), s.ID)
				if len(got) == 0 {
					t.Errorf("rule %s: no finding for match example %q", s.ID, tmpl)
					continue
				}
				for _, f := range got {
					checkPosition(t, text, f)
				}
			}
			for _, tmpl := range s.Examples.NoMatch {
				text := []byte(fakekey.Expand(tmpl))
				for _, f := range findingsOf(e.Scan(text), s.ID) {
					t.Errorf("rule %s: nomatch example %q gave finding %v at %d:%d", s.ID, tmpl, f.Secret, f.Line, f.Column)
				}
			}
		})
	}
}

func findingsOf(fs []Finding, id string) []Finding {
	var out []Finding
	for _, f := range fs {
		if f.Rule.ID == id {
			out = append(out, f)
		}
	}
	return out
}

// checkPosition verifies that f.Secret really sits at f.Line, f.Column of
// text and that EndColumn is consistent, without printing the secret.
func checkPosition(t testing.TB, text []byte, f Finding) {
	t.Helper()
	lines := bytes.Split(text, []byte("\n"))
	if f.Line < 1 || f.Line > len(lines) {
		t.Errorf("%s: line %d outside 1..%d", f.Rule.ID, f.Line, len(lines))
		return
	}
	line := bytes.TrimSuffix(lines[f.Line-1], []byte("\r"))
	off := 0
	for i := 1; i < f.Column; i++ {
		if off >= len(line) {
			t.Errorf("%s: column %d beyond line %d (%d runes)", f.Rule.ID, f.Column, f.Line, utf8.RuneCount(line))
			return
		}
		_, size := utf8.DecodeRune(line[off:])
		off += size
	}
	secret := f.Secret.Reveal()
	first, _, _ := strings.Cut(secret, "\n")
	first = strings.TrimSuffix(first, "\r")
	if !bytes.HasPrefix(line[off:], []byte(first)) {
		t.Errorf("%s: secret %v not found at %d:%d", f.Rule.ID, f.Secret, f.Line, f.Column)
	}
	if want := f.Column + utf8.RuneCountInString(first); f.EndColumn != want {
		t.Errorf("%s: EndColumn = %d, want %d", f.Rule.ID, f.EndColumn, want)
	}
	if f.Fingerprint != Fingerprint(secret) {
		t.Errorf("%s: Fingerprint = %s, want Fingerprint(secret)", f.Rule.ID, f.Fingerprint)
	}
}

// TestCatalogueFileIsClean proves the examples are templates: the raw
// catalogue, and this package's own sources, must not look like a leak.
func TestCatalogueFileIsClean(t *testing.T) {
	e := newTestEngine(t)
	files, err := filepath.Glob("*.go")
	if err != nil || len(files) == 0 {
		t.Fatalf("glob *.go: %v (%d files)", err, len(files))
	}
	catalogue, err := filepath.Glob("rules/*.yaml")
	if err != nil || len(catalogue) < 2 {
		t.Fatalf("glob rules/*.yaml: %v (%d files)", err, len(catalogue))
	}
	for _, name := range append(files, catalogue...) {
		data, err := os.ReadFile(name)
		if err != nil {
			t.Fatal(err)
		}
		for _, f := range e.Scan(data) {
			t.Errorf("%s:%d:%d: holds a %s (%v)", name, f.Line, f.Column, f.Rule.ID, f.Secret)
		}
	}
}

package report

import (
	"strings"
	"testing"

	"github.com/keyguard/keyguard/detect"
	"github.com/keyguard/keyguard/internal/fakekey"
)

func TestEnvRead(t *testing.T) {
	tests := []struct{ file, want string }{
		{"app/config.py", `os.environ["OPENAI_API_KEY"]`},
		{"web/server.ts", "process.env.OPENAI_API_KEY"},
		{"index.mjs", "process.env.OPENAI_API_KEY"},
		{"main.go", `os.Getenv("OPENAI_API_KEY")`},
		{"Main.java", `System.getenv("OPENAI_API_KEY")`},
		{"deploy.sh", `"${OPENAI_API_KEY}"`},
		{"Dockerfile", `"${OPENAI_API_KEY}"`},
		{"app.rb", `ENV["OPENAI_API_KEY"]`},
		{"lib.rs", `std::env::var("OPENAI_API_KEY")`},
		{"notes.md", ""},
		{".env", ""},
	}
	for _, tt := range tests {
		if got := EnvRead(tt.file, "OPENAI_API_KEY"); got != tt.want {
			t.Errorf("EnvRead(%q) = %q, want %q", tt.file, got, tt.want)
		}
	}
}

func TestShellQuoteAndDisplayPath(t *testing.T) {
	tests := []struct{ path, quoted, shown string }{
		{".env", ".env", ".env"},
		{"-dash.env", "-dash.env", "-dash.env"},
		{"my app/.env", `'my app/.env'`, "my app/.env"},
		{"it's.pem", `'it'\''s.pem'`, "it's.pem"},
		{"a\nb.pem", "'a\nb.pem'", `"a\nb.pem"`},
		{"ünï.key", "ünï.key", "ünï.key"},
		{"$(rm -rf).pem", `'$(rm -rf).pem'`, "$(rm -rf).pem"},
	}
	for _, tt := range tests {
		if got := ShellQuote(tt.path); got != tt.quoted {
			t.Errorf("ShellQuote(%q) = %q, want %q", tt.path, got, tt.quoted)
		}
		if got := DisplayPath(tt.path); got != tt.shown {
			t.Errorf("DisplayPath(%q) = %q, want %q", tt.path, got, tt.shown)
		}
	}
}

// TestBlockedNeverPrintsTheSecret renders a real finding and checks the
// report redacts it and carries the fix, rotation and hints.
func TestBlockedNeverPrintsTheSecret(t *testing.T) {
	engine, err := detect.New(detect.Options{})
	if err != nil {
		t.Fatal(err)
	}
	line, tokens := fakekey.ExpandTokens(`OPENAI_API_KEY = "sk-proj-{{alnum 74}}{{lit T3Blbk}}FJ{{alnum 74}}"` + "\n")
	found := engine.Scan([]byte(line))
	if len(found) != 1 {
		t.Fatalf("want 1 finding, got %d", len(found))
	}
	var b strings.Builder
	Blocked(&b, []Finding{
		{Path: "config.py", Line: 7, Column: found[0].Column, Secret: &found[0]},
		{Path: ".env", FileKind: "environment file", FileState: Staged},
		{Path: "app/config.py", FileKind: "config file", FileState: NotIgnored, HoldsKeys: 2},
	}, Summary{Files: 2, Lines: 9, Binary: 1})
	out := b.String()
	for _, tok := range tokens {
		if strings.Contains(out, tok) {
			t.Fatal("the report contains the secret unredacted")
		}
	}
	for _, want := range []string{
		"keyguard: commit refused: 1 secret in staged changes and 2 secret files not kept out of git\n",
		"config.py:7:19: OpenAI",
		"secret   sk-p…",
		`os.environ["OPENAI_API_KEY"]`,
		"rotate   if this key was ever pushed or shared",
		".env: environment file is staged for commit\n",
		"git rm --cached -- .env",
		"app/config.py: config file holding 2 keys is not ignored by git",
		"keyguard: checked 2 staged files, 9 lines added (1 binary file skipped)\n",
		"hint: a false positive? add a comment containing keyguard:allow on that line\n",
		"hint: to commit anyway this once (not recommended): git commit --no-verify\n",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("report lacks %q", want)
		}
	}
}

// TestSummaryPhrase: the summary says what was read and how, never only
// what was skipped.
func TestSummaryPhrase(t *testing.T) {
	tests := []struct {
		sum  Summary
		want string
	}{
		{Summary{Files: 1, Lines: 1}, "checked 1 staged file, 1 line added"},
		{Summary{Files: 3, Lines: 9, Binary: 1}, "checked 3 staged files, 9 lines added (1 binary file skipped)"},
		{Summary{Files: 1, Lines: 4, AsText: 1}, "checked 1 staged file, 4 lines added (1 file decoded as text)"},
		{Summary{Files: 4, Lines: 4, Binary: 2, AsText: 2}, "checked 4 staged files, 4 lines added (2 binary files skipped; 2 files decoded as text)"},
	}
	for _, tt := range tests {
		if got := summaryPhrase(tt.sum); got != tt.want {
			t.Errorf("summaryPhrase(%+v) = %q, want %q", tt.sum, got, tt.want)
		}
	}
	var b strings.Builder
	ScanSummaryLine(&b, 0, ScanSummary{Files: 2, Bytes: 10, AsText: 1})
	if got := b.String(); !strings.Contains(got, "2 files scanned (10 bytes), 1 file decoded as text in ") {
		t.Errorf("ScanSummaryLine: %q", got)
	}
}

func TestPlural(t *testing.T) {
	for n, want := range map[int]string{0: "entries", 1: "entry", 2: "entries"} {
		if got := Plural(n, "entry", "entries"); got != want {
			t.Errorf("Plural(%d) = %q, want %q", n, got, want)
		}
	}
}

func TestCleanAndWarnings(t *testing.T) {
	var b strings.Builder
	Clean(&b, Summary{Files: 1, Lines: 1})
	if got := b.String(); got != "keyguard: no secrets found; checked 1 staged file, 1 line added\n" {
		t.Errorf("Clean: %q", got)
	}
	b.Reset()
	Warnings(&b, []Finding{{Path: "it's/.env", FileKind: "environment file", FileState: Tracked}})
	if got := b.String(); !strings.Contains(got, "warning: it's/.env (environment file) is already committed") ||
		!strings.Contains(got, `git rm --cached -- 'it'\''s/.env'`) {
		t.Errorf("Warnings: %q", got)
	}
}

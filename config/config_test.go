package config

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/keyguard/keyguard/internal/fakekey"
)

func TestCompileErrors(t *testing.T) {
	tests := []struct {
		name, yaml string
		line       int
		msg        string
	}{
		{"not yaml", "rules: [\n", 1, "did not find expected"},
		{"unknown field", "allow:\n  path: [x]\n", 2, "field path not found"},
		{"unknown top field", "rulez: []\n", 1, "field rulez not found"},
		{"wrong type", "disable: 3\n", 1, "cannot unmarshal"},
		{"bad user regex", "rules:\n  - id: acme\n    regex: 'acme_[a-z'\n    keywords: [acme_]\n", 2, `rule "acme"`},
		{"duplicate builtin id", "rules:\n  - id: openai-api-key\n    regex: x\n    keywords: [x]\n", 2, "duplicate id"},
		{"unknown disabled rule", "disable: [no-such-rule]\n", 0, "no-such-rule"},
		{"bad secret regex", "allow:\n  secrets: ['(']\n", 2, "allow.secrets: pattern #1: error parsing regexp: missing closing )"},
		{"empty stop word", "allow:\n  stopwords: ['']\n", 0, "empty stop word"},
		{"negated allow path", "allow:\n  paths:\n    - docs/**\n    - '!docs/keep'\n", 4, "negations"},
		{"regex char in allow path", "allow:\n  paths: ['a(b']\n", 2, "not supported"},
		{"unknown sensitive entry", "sensitive:\n  remove: [nothing-like-this]\n", 1, "sensitive:"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Compile(".keyguard.yaml", []byte(tt.yaml))
			var ce *Error
			if !errors.As(err, &ce) {
				t.Fatalf("got %v, want a *config.Error", err)
			}
			if ce.Line != tt.line || !strings.Contains(ce.Msg, tt.msg) {
				t.Fatalf("got line %d %q, want line %d containing %q", ce.Line, ce.Msg, tt.line, tt.msg)
			}
			if !strings.HasPrefix(err.Error(), ".keyguard.yaml:") {
				t.Fatalf("error does not name the file: %v", err)
			}
		})
	}
}

func TestCompileApplies(t *testing.T) {
	cfg := `
rules:
  - id: acme-token
    description: ACME internal token
    provider: ACME
    keywords: [acme_]
    regex: '\b(acme_[a-z0-9]{24})\b'
    secretGroup: 1
    env: ACME_TOKEN
disable: [slack-webhook-url]
allow:
  paths: ["testdata/**", "docs/*.md", "/fixtures/"]
  secrets: ['^sk_live_0fixture']
  stopwords: [notreal]
sensitive:
  add: ["*.secret"]
  remove: [pem]
`
	c, err := Compile(".keyguard.yaml", []byte(cfg))
	if err != nil {
		t.Fatal(err)
	}
	tok := fakekey.Expand("acme_{{lalnum 24}}")
	if f := c.Engine.Scan([]byte(`t = "` + tok + `"`)); len(f) != 1 || f[0].Rule.ID != "acme-token" || f[0].Rule.Family != "user" {
		t.Fatalf("user rule: %+v", f)
	}
	hook := fakekey.Expand("https://hooks.slack.com/services/T{{ualnum 10}}/B{{ualnum 10}}/{{alnum 24}}")
	if f := c.Engine.Scan([]byte(hook)); len(f) != 0 {
		t.Fatalf("disabled rule still reports: %d findings", len(f))
	}
	if f := c.Engine.Scan([]byte(fakekey.Expand(`k = "sk_live_{{alnum 10}}notreal{{alnum 10}}"`))); len(f) != 0 {
		t.Fatal("stop word not applied")
	}
	if _, ok := c.Catalogue.Classify("deploy/prod.secret"); !ok {
		t.Fatal("added sensitive glob not applied")
	}
	if _, ok := c.Catalogue.Classify("server.pem"); ok {
		t.Fatal("removed sensitive entry still applies")
	}
	allowed := map[string]bool{
		"testdata/x/config.py": true, "docs/keys.md": true, "fixtures/a.env": true,
		"src/testdata.py": false, "docs/sub/keys.md": false, "app/fixtures/a": false, "config.py": false,
	}
	for p, want := range allowed {
		if got := c.PathAllowed(p); got != want {
			t.Errorf("PathAllowed(%q) = %v, want %v", p, got, want)
		}
	}
}

// TestGoGitignoreKnownGaps pins what go-gitignore does with the globs
// allow.paths accepts, and the gaps that made us reject some characters.
func TestGoGitignoreKnownGaps(t *testing.T) {
	for _, p := range []string{"a?b", "a+b", "a(b)", "{a,b}", "a$", "x|y"} {
		if _, err := Compile("k", []byte("allow:\n  paths: ['"+p+"']\n")); err == nil {
			t.Errorf("%q accepted, but go-gitignore cannot match it faithfully", p)
		}
	}
}

func TestLoad(t *testing.T) {
	dir := t.TempDir()
	c, err := Load(dir)
	if err != nil || c.Path != "" || c.Engine == nil || c.Catalogue == nil {
		t.Fatalf("no file: %+v, %v", c, err)
	}
	if err := os.WriteFile(filepath.Join(dir, FileName), []byte("disable: [private-key]\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if c, err = Load(dir); err != nil || c.Path != FileName {
		t.Fatalf("with file: %+v, %v", c, err)
	}
	if err := os.WriteFile(filepath.Join(dir, FileName), make([]byte, MaxSize+1), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := Load(dir); err == nil || !strings.Contains(err.Error(), "larger than") {
		t.Fatalf("oversized: %v", err)
	}
}

// FuzzCompile: any bytes give a config or an error, never a panic.
func FuzzCompile(f *testing.F) {
	seeds := []string{
		"", "rules: []\n", "disable: [private-key]\n", "allow:\n  paths: [a/**]\n  secrets: [x]\n",
		"rules:\n  - id: a\n    regex: '('\n", "sensitive:\n  add: ['*.x']\n", ":\n- [", "allow: {paths: [\"[\"]}\n",
	}
	if len(seeds) == 0 {
		f.Fatal("empty seed corpus")
	}
	for _, s := range seeds {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		c, err := Compile("k", data)
		if (c == nil) == (err == nil) {
			t.Fatalf("Compile returned config %v and error %v", c != nil, err)
		}
		if c != nil {
			c.PathAllowed("a/b/c")
		}
	})
}

// TestLoadRefusesSymlink: a cloned repository cannot point its config at a
// file elsewhere on the machine.
func TestLoadRefusesSymlink(t *testing.T) {
	dir := t.TempDir()
	outside := filepath.Join(t.TempDir(), "secret.txt")
	if err := os.WriteFile(outside, []byte("password: hunter2\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(outside, filepath.Join(dir, FileName)); err != nil {
		t.Fatal(err)
	}
	_, err := Load(dir)
	if err == nil || !strings.Contains(err.Error(), "not a regular file") || strings.Contains(err.Error(), "hunter2") {
		t.Fatalf("got %v", err)
	}
}

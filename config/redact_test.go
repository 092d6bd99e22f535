package config

import (
	"strings"
	"testing"

	"github.com/keyguard/keyguard/internal/fakekey"
)

// TestErrorsNeverQuoteKeys: a config error names the file, the line and what
// is wrong, but never echoes a key-shaped literal that sits in the config:
// not from a broken rule regex, a broken allow.secrets pattern, a field
// name yaml.v3 quotes, or a value a check rejects.
func TestErrorsNeverQuoteKeys(t *testing.T) {
	const key = "sk_live_{{alnum 40}}"
	tests := []struct {
		name, yaml string // fakekey templates; KEY marks where the key goes
		line       int
		msg        string
	}{
		{"rule regex with the key and an unclosed group", "rules:\n  - id: acme\n    regex: '(KEY|acme_[a-z]{32}'\n    keywords: [acme_]\n", 2, "missing closing )"},
		{"rule regex with the key and an unclosed class", "rules:\n  - id: acme\n    regex: 'KEY[a-z'\n    keywords: [acme_]\n", 2, "missing closing ]"},
		{"allow.secrets pattern with the key", "allow:\n  secrets:\n    - '^KEY)$'\n", 3, "unexpected )"},
		{"key pasted as a field name", "allow:\n  KEY: [x]\n", 2, "not found"},
		{"key pasted as a rule id", "rules:\n  - id: KEY\n    regex: x\n    keywords: [x]\n    validate: KEY\n", 2, "unknown validate"},
		{"key as an allow path", "allow:\n  paths: ['KEY(']\n", 2, "not supported"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			secret := fakekey.Expand(key)
			_, err := Compile(FileName, []byte(strings.ReplaceAll(tt.yaml, "KEY", secret)))
			if err == nil {
				t.Fatal("Compile succeeded; want an error")
			}
			msg := err.Error()
			if strings.Contains(msg, secret) || strings.Contains(msg, secret[8:]) {
				t.Errorf("the error quotes the key (%d chars)", len(secret))
			}
			if ce, ok := err.(*Error); !ok || ce.Line != tt.line || !strings.Contains(msg, tt.msg) {
				t.Errorf("error %q; want line %d and %q", redact(msg), tt.line, tt.msg)
			}
		})
	}
}

// TestRulesCannotInject: fields a cloned repository's config controls are
// printed in reports and written into .env, so those that could inject a
// command (env) or a terminal escape (any control character) are refused,
// without quoting them; ordinary values pass.
func TestRulesCannotInject(t *testing.T) {
	const base = "rules:\n  - id: acme\n    regex: 'acme_[a-z]{32}'\n    keywords: [acme_]\n"
	tests := []struct {
		name, extra string
		msg         string // "" = accepted
	}{
		{"plain env and https revoke", "    env: ACME_TOKEN\n    revoke: https://acme.invalid/tokens?a=1&b=2\n", ""},
		{"command substitution in env", "    env: '$(touch pwned)'\n", "env must be a variable name"},
		{"backticks in env", "    env: '`touch pwned`'\n", "env must be a variable name"},
		{"assignment in env", "    env: 'A=1; touch pwned; B'\n", "env must be a variable name"},
		{"env starting with a digit", "    env: 1TOKEN\n", "env must be a variable name"},
		{"revoke is not a web URL", "    revoke: 'javascript:alert(1)'\n", "revoke must be an http(s) URL"},
		{"revoke with a space", "    revoke: 'https://a.invalid/ x'\n", "revoke must be an http(s) URL"},
		{"escape sequence in description", "    description: \"ok\\e]52;c;aGk=\\a\"\n", "description holds a control character"},
		{"newline in provider", "    provider: \"ACME\\nkeyguard: no secrets found\"\n", "provider holds a control character"},
		{"escape in a keyword", "    keywords: [\"acme_\\e[2J\"]\n", "keywords holds a control character"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			yaml := base + tt.extra
			if strings.Contains(tt.extra, "keywords:") {
				yaml = strings.Replace(base, "    keywords: [acme_]\n", "", 1) + tt.extra
			}
			_, err := Compile(FileName, []byte(yaml))
			if tt.msg == "" {
				if err != nil {
					t.Fatalf("rejected: %v", err)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tt.msg) || !strings.HasPrefix(err.Error(), FileName+":2: rule #1: ") {
				t.Fatalf("got %v; want %s:2: ... %q", err, FileName, tt.msg)
			}
			if strings.Contains(err.Error(), "pwned") || strings.ContainsAny(err.Error(), "\x1b\x07\n") {
				t.Errorf("the error quotes the rejected value: %q", err)
			}
		})
	}
}

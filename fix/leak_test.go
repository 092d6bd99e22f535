package fix

import (
	"bytes"
	"errors"
	"go/scanner"
	"slices"
	"strings"
	"testing"

	"github.com/keyguard/keyguard/internal/fakekey"
)

// TestDryRunDiffHidesOtherKeys: the dry-run diff shows no key at all, not
// only the ones the plan moves: a key already in .env and keys next to the
// moved one that the scan left out (baselined, marked keyguard:allow) sit
// in the diff's context lines.
func TestDryRunDiffHidesOtherKeys(t *testing.T) {
	files := map[string]string{
		EnvFile: "DEBUG=1\nSTRIPE_OLD=sk_live_{{alnum 40}}\nexport GH_TOKEN='ghp_{{b62crc 30}}'\n",
		"app.py": "import os\n" +
			"LEGACY = \"sk_live_{{alnum 30}}\"  # keyguard:allow\n" +
			"BASELINED = \"ghp_{{b62crc 30}}\"\n" +
			"OPENAI_API_KEY = \"" + openaiKey + "\"\n" +
			"print(1)\n",
	}
	p, expanded := planFor(t, files)
	// The fix is given only the key the scan reports, as hook.Fix does.
	p, err := NewPlan(Options{Top: p.Top, Keys: onlyRule(p, "openai")})
	if err != nil {
		t.Fatal(err)
	}
	if len(p.Moved) != 1 {
		t.Fatalf("moved %d keys, want 1", len(p.Moved))
	}
	var out bytes.Buffer
	if err := p.WriteDiff(&out); err != nil {
		t.Fatal(err)
	}
	diff := out.String()
	hide := slices.Clone(p.secrets)
	for name, tmpl := range files {
		text, tokens := fakekey.ExpandTokens(tmpl)
		hide = append(hide, tokens...)
		if text != expanded[name] {
			t.Fatalf("%s: the expansion is not deterministic", name)
		}
		for i, tok := range tokens {
			if !strings.Contains(expanded[name], tok) {
				t.Fatalf("%s: token %d is not in the file", name, i)
			}
			if strings.Contains(diff, tok) {
				t.Errorf("%s: the diff shows generated run %d of the file's keys", name, i)
			}
		}
	}
	for _, want := range []string{
		"+++ b/.env",
		" DEBUG=<redacted>\n",
		" STRIPE_OLD=<redacted>\n",
		" GH_TOKEN=<redacted>\n",
		"+OPENAI_API_KEY=sk-p…(164 chars)\n",
		"+++ b/app.py",
		" LEGACY = \"sk_l…(38 chars)\"  # keyguard:allow\n",
		" BASELINED = \"ghp_…(40 chars)\"\n",
		"-OPENAI_API_KEY = \"sk-p…(164 chars)\"\n",
		"+OPENAI_API_KEY = os.environ[\"OPENAI_API_KEY\"]\n",
	} {
		if !strings.Contains(diff, want) {
			t.Errorf("the diff lacks %q", want)
		}
	}
	if t.Failed() {
		t.Logf("diff, redacted:\n%s", redact(diff, hide))
	}
}

// onlyRule returns the keys of p found by rules whose id starts with prefix.
func onlyRule(p *Plan, prefix string) []Key {
	var keys []Key
	for _, m := range p.Moved {
		if strings.HasPrefix(m.Key.Finding.Rule.ID, prefix) {
			keys = append(keys, m.Key)
		}
	}
	for _, m := range p.Manual {
		if strings.HasPrefix(m.Key.Finding.Rule.ID, prefix) {
			keys = append(keys, m.Key)
		}
	}
	return keys
}

// TestRewriteParseErrorHidesSource: a rewrite that does not parse is
// reported by position only, since go/parser quotes the offending token,
// which can be the key.
func TestRewriteParseErrorHidesSource(t *testing.T) {
	key := fakekey.Expand("sk_live_{{alnum 40}}")
	broken := "package p\n\nvar x = 1 " + key + "\n"
	tests := []struct {
		name       string
		orig       string
		needImport bool
	}{
		{"adding the os import", "package p\n\nvar x = 1\n", true},
		{"formatting a gofmt-clean file", "package p\n\nvar x = 1\n", false},
		{"checking a file left unformatted", "package p\nvar   x = 1\n", false},
	}
	_, perr := parseGo([]byte(broken))
	var list scanner.ErrorList
	if !errors.As(perr, &list) || !strings.Contains(perr.Error(), key) {
		t.Fatal("go/parser no longer quotes the offending token; this test checks nothing")
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := finishGo([]byte(tt.orig), []byte(broken), tt.needImport)
			if err == nil {
				t.Fatal("the broken rewrite was accepted")
			}
			if strings.Contains(err.Error(), key[:12]) {
				t.Errorf("the reason quotes the source: %s", redact(err.Error(), []string{key}))
			}
			if want := "the rewritten file does not parse (line 3, column 11)"; err.Error() != want {
				t.Errorf("reason %q, want %q", redact(err.Error(), []string{key}), want)
			}
		})
	}
}

package detect

import (
	"encoding/hex"
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/keyguard/keyguard/internal/fakekey"
)

func TestRedactShape(t *testing.T) {
	tests := []struct {
		in, want string
	}{
		{"", "…(0 chars)"},
		{"abc", "…(3 chars)"},
		{"abcdefgh", "ab…(8 chars)"},
		{"abcdefghijklmnop", "abcd…(16 chars)"},
		{strings.Repeat("é", 12), "ééé…(12 chars)"}, // counts and cuts runes, not bytes
	}
	for _, tt := range tests {
		if got := Redact(tt.in); got != tt.want {
			t.Errorf("Redact(%d-byte input) = %q, want %q", len(tt.in), got, tt.want)
		}
	}
}

// testSecrets returns many key-shaped values: every catalogue match example
// as found by the engine, and random strings of many lengths.
func testSecrets(t *testing.T) []Secret {
	e := newTestEngine(t)
	var out []Secret
	for _, s := range builtinSpecs(t) {
		for _, m := range s.Examples.Match {
			for _, f := range e.Scan([]byte(fakekey.Expand(m))) {
				out = append(out, f.Secret)
			}
		}
	}
	for n := 8; n <= 300; n += 7 {
		for _, alpha := range []string{"alnum", "hex", "b64", "digit"} {
			out = append(out, Secret(fakekey.ExpandSeed(fmt.Sprintf("{{%s %d}}", alpha, n), uint64(n))))
		}
	}
	if len(out) < 100 {
		t.Fatalf("only %d test secrets", len(out))
	}
	return out
}

func TestRedactNeverReveals(t *testing.T) {
	for _, s := range testSecrets(t) {
		v := s.Reveal()
		r := Redact(v)
		if strings.Contains(r, v) {
			t.Errorf("Redact of a %d-char secret contains it: %s", len(v), r)
		}
		n := utf8.RuneCountInString(v)
		shown, _, _ := strings.Cut(r, "…")
		if k := utf8.RuneCountInString(shown); k > 4 || k > n/4 {
			t.Errorf("Redact shows %d of %d chars", k, n)
		}
		if !strings.Contains(r, fmt.Sprintf("(%d chars)", n)) {
			t.Errorf("Redact %q lacks the length %d", r, n)
		}
	}
}

// TestSecretNeverPrinted formats findings every way a renderer or a log line
// might, and checks the secret (or its hex) never comes out.
func TestSecretNeverPrinted(t *testing.T) {
	rule := &Rule{ID: "test-rule"}
	verbs := []string{"%s", "%v", "%q", "%+v", "%#v", "%x", "%X", "%30s", "%-8q", "%.3s", "%d", "%T %v"}
	for _, s := range testSecrets(t) {
		v := s.Reveal()
		f := Finding{Rule: rule, Line: 1, Column: 1, EndColumn: 2, Secret: s, Fingerprint: Fingerprint(v)}
		outputs := map[string]string{"String": s.String(), "GoString": s.GoString(), "Error-style": fmt.Sprint("found ", s)}
		for _, verb := range verbs {
			for name, arg := range map[string]any{"Secret": s, "Finding": f, "*Finding": &f, "[]Finding": []Finding{f}, "map": map[string]Secret{"k": s}} {
				outputs[verb+" "+name] = fmt.Sprintf(verb, arg)
			}
		}
		for name, arg := range map[string]any{"Finding": f, "[]Finding": []Finding{f}, "map value": map[string]Secret{"k": s}} {
			b, err := json.Marshal(arg)
			if err != nil {
				t.Fatalf("json.Marshal(%s): %v", name, err)
			}
			outputs["json "+name] = string(b)
		}
		txt, _ := s.MarshalText()
		outputs["MarshalText"] = string(txt)
		for how, out := range outputs {
			if strings.Contains(out, v) || strings.Contains(strings.ToLower(out), hex.EncodeToString([]byte(v))) {
				t.Errorf("%s leaks a %d-char secret: %s", how, len(v), Redact(out))
			}
			// Verbs that print text must print the redacted form, not nothing.
			textual := strings.HasPrefix(how, "json") || strings.HasPrefix(how, "%s") || strings.HasPrefix(how, "%v") ||
				strings.HasPrefix(how, "%q") || strings.HasPrefix(how, "%+v") || strings.HasPrefix(how, "%#v")
			if textual && !strings.Contains(out, "chars)") {
				t.Errorf("%s does not show the redacted form: %s", how, Redact(out))
			}
		}
	}
}

func TestFingerprint(t *testing.T) {
	a := fakekey.Expand(ghpTmpl)
	b := fakekey.ExpandSeed(ghpTmpl, 7)
	fa := Fingerprint(a)
	if len(fa) != 12 || strings.Trim(fa, "0123456789abcdef") != "" {
		t.Errorf("Fingerprint = %q, want 12 lowercase hex chars", fa)
	}
	if Fingerprint(a) != fa {
		t.Error("Fingerprint is not deterministic")
	}
	if Fingerprint(b) == fa {
		t.Error("two different secrets share a fingerprint")
	}
	// sha256("") starts e3b0c44298fc: pins the algorithm.
	if got := Fingerprint(""); got != "e3b0c44298fc" {
		t.Errorf("Fingerprint(\"\") = %s, want e3b0c44298fc", got)
	}
}

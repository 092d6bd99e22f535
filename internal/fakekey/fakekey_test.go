package fakekey

import (
	"encoding/base64"
	"encoding/json"
	"regexp"
	"strings"
	"testing"
)

func TestExpand(t *testing.T) {
	tests := []struct {
		name     string
		template string
		prefix   string
		length   int
		charset  string
	}{
		{"alnum", "sk-proj-{{alnum 48}}", "sk-proj-", 56, alphabets["alnum"]},
		{"hex", "{{hex 40}}", "", 40, alphabets["hex"]},
		{"upper", "AKIA{{ualnum 16}}", "AKIA", 20, alphabets["ualnum"]},
		{"lit", "{{lit T3Blbk}}FJ", "T3BlbkFJ", 8, ""},
		{"none", "plain text", "plain text", 10, ""},
		{"django", "django-insecure-{{django 50}}", "django-insecure-", 66, alphabets["django"]},
		{"b32", "AKIA{{b32 16}}", "AKIA", 20, alphabets["b32"]},
		{"bech32u", "AGE-SECRET-KEY-1{{bech32u 58}}", "AGE-SECRET-KEY-1", 74, alphabets["bech32u"]},
		{"wpsalt", "{{wpsalt 64}}", "", 64, alphabets["wpsalt"]},
		{"base64", "base64:{{base64 32}}", "base64:", 51, alphabets["b64"] + "="},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := Expand(tt.template)
			if !strings.HasPrefix(got, tt.prefix) || len(got) != tt.length {
				t.Fatalf("Expand(%q): len %d, want prefix %q and len %d", tt.template, len(got), tt.prefix, tt.length)
			}
			for _, c := range got[len(tt.prefix):] {
				if !strings.ContainsRune(tt.charset, c) {
					t.Fatalf("Expand(%q): character %q outside the alphabet", tt.template, c)
				}
			}
			if again := Expand(tt.template); again != got {
				t.Fatalf("Expand(%q) is not deterministic", tt.template)
			}
		})
	}
}

func TestExpandSeedDiffers(t *testing.T) {
	a, b := ExpandSeed("{{alnum 32}}", 1), ExpandSeed("{{alnum 32}}", 2)
	if a == b {
		t.Fatal("different seeds gave the same value")
	}
}

func TestUnknownAlphabetPanics(t *testing.T) {
	defer func() {
		if recover() == nil {
			t.Fatal("no panic for an unknown alphabet")
		}
	}()
	Expand("{{nope 3}}")
}

func TestIsTemplate(t *testing.T) {
	if !IsTemplate("x{{hex 4}}") || IsTemplate("x{{}}") || IsTemplate("plain") {
		t.Fatal("IsTemplate misjudged a string")
	}
}

func TestExpandTokens(t *testing.T) {
	out, tokens := ExpandTokens("a={{hex 12}} b={{lit x}} c={{upper 5}}")
	if len(tokens) != 2 || len(tokens[0]) != 12 || len(tokens[1]) != 5 {
		t.Fatalf("tokens: %d %v", len(tokens), len(tokens))
	}
	if out != "a="+tokens[0]+" b=x c="+tokens[1] {
		t.Fatalf("tokens do not reassemble the output")
	}
	if out != Expand("a={{hex 12}} b={{lit x}} c={{upper 5}}") {
		t.Fatal("ExpandTokens and Expand disagree")
	}
}

// TestB62CRC pins the checksum on a value computed independently: Python's
// binascii.crc32 of thirty "0"s is 0x77e5db82, "2C8GjS" in base62 digits
// 0-9A-Za-z.
func TestB62CRC(t *testing.T) {
	if got := base62CRC32("000000000000000000000000000000"); got != "2C8GjS" {
		t.Fatalf("checksum %q, want 2C8GjS", got)
	}
	out := Expand("ghp_{{b62crc 30}}")
	if len(out) != 40 || out[34:] != base62CRC32(out[4:34]) {
		t.Fatalf("b62crc token malformed (len %d)", len(out))
	}
}

func TestBareTokens(t *testing.T) {
	uuidRE := regexp.MustCompile(`^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$`)
	if got := Expand("{{uuid}}"); !uuidRE.MatchString(got) {
		t.Errorf("{{uuid}} gave %d characters that are not a version 4 UUID", len(got))
	}
	if got := Expand("{{UUID}}"); !uuidRE.MatchString(strings.ToLower(got)) || got != strings.ToUpper(got) {
		t.Errorf("{{UUID}} is not an upper-case version 4 UUID")
	}
	jwt := Expand("{{jwt}}")
	parts := strings.Split(jwt, ".")
	if len(parts) != 3 {
		t.Fatalf("{{jwt}} has %d parts, want 3", len(parts))
	}
	for i, p := range parts[:2] {
		raw, err := base64.RawURLEncoding.DecodeString(p)
		if err != nil || !json.Valid(raw) {
			t.Errorf("{{jwt}} part %d is not base64url JSON (%v)", i, err)
		}
	}
	if sig, err := base64.RawURLEncoding.DecodeString(parts[2]); err != nil || len(sig) != 32 {
		t.Errorf("{{jwt}} signature: %d bytes, %v; want 32", len(sig), err)
	}
	if IsTemplate("${{ secrets.TOKEN }}") || IsTemplate("{{ .Values.token }}") {
		t.Error("an Actions or Helm expression was taken for a token")
	}
}

func TestExpandEncodings(t *testing.T) {
	tests := []struct{ template, want string }{
		{"a {{enc base64}}user:pass{{enc end}} b", "a dXNlcjpwYXNz b"},
		{"{{enc base64}}x{{enc base64}}y{{enc end}}{{enc end}}", "eGVRPT0="},
		{"{{enc url}}a+b/c d{{enc end}}", "a%2Bb%2Fc%20d"},
		{"{{enc base64url}}??>{{enc end}}", "Pz8-"},
	}
	for _, tt := range tests {
		if got := Expand(tt.template); got != tt.want {
			t.Errorf("Expand(%q) = %q, want %q", tt.template, got, tt.want)
		}
	}
}

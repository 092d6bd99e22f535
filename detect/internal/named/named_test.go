package named

import (
	"regexp"
	"strings"
	"testing"
)

func TestRuleErrors(t *testing.T) {
	ok := Entry{ID: "acme-api-key", Provider: "Acme", Kind: "API key", Keywords: []string{"acme"}, Shape: "hex 32", Revoke: "https://acme.example/keys"}
	with := func(f func(*Entry)) Entry { e := ok; f(&e); return e }
	tests := []struct {
		name  string
		entry Entry
		want  string // substring of the error
	}{
		{"no kind", with(func(e *Entry) { e.Kind = "" }), "needs id, provider and kind"},
		{"no keywords", with(func(e *Entry) { e.Keywords = nil }), "needs keywords"},
		{"short keyword", with(func(e *Entry) { e.Keywords = []string{"box"} }), "not distinctive"},
		{"unknown class", with(func(e *Entry) { e.Shape = "hexx 32" }), "unknown class"},
		{"bad shape", with(func(e *Entry) { e.Shape = "hex" }), "want"},
		{"too short", with(func(e *Entry) { e.Shape = "hex 4" }), "length out of"},
		{"value without example", with(func(e *Entry) { e.Shape = ""; e.Value = "[a-z]{20}" }), "a value with an example"},
		{"bad value", with(func(e *Entry) { e.Shape = ""; e.Value = "[a-z"; e.Example = "{{lower 20}}" }), "value:"},
		{"bad names", with(func(e *Entry) { e.Names = "(key" }), "names:"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := tt.entry.Rule()
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("error %v, want one containing %q", err, tt.want)
			}
		})
	}
	if _, err := ok.Rule(); err != nil {
		t.Errorf("valid entry rejected: %v", err)
	}
}

// TestRuleShape pins what an entry expands to: a context rule, generic,
// whose regex takes a key-like name and the value of exactly the shape.
func TestRuleShape(t *testing.T) {
	e := Entry{ID: "acme-api-key", Provider: "Acme", Kind: "API key", Keywords: []string{"acme"}, Shape: "hex 32", Env: "ACME_API_KEY", Revoke: "https://acme.example/keys"}
	r, err := e.Rule()
	if err != nil {
		t.Fatal(err)
	}
	if r.Context != Context || !r.Generic || r.SecretGroup != 1 || r.Description != "Acme API key" || r.Validate != "named-secret" {
		t.Errorf("rule = %+v", r)
	}
	re := regexp.MustCompile(r.Regex)
	hex32 := strings.Repeat("0123456789abcdef", 2)
	for line, want := range map[string]bool{
		`api_key = "` + hex32 + `"`:                          true,
		`ACME_API_KEY=` + hex32:                              true,
		`apiKey: '` + hex32 + `'`:                            true,
		`ACME_TOKEN ?= ` + hex32:                             true,
		`api_key = "` + hex32 + `0"`:                         false, // 33 characters
		`api_key_id = "` + hex32 + `"`:                       false,
		`sort_key = "` + hex32 + `"`:                         false,
		`api_key = "` + hex32[:31] + `g"`:                    false,
		`ACME_KEY=` + hex32:                                  true, // the provider qualifies the key
		`acmeKey := "` + hex32 + `"`:                         true,
		`"acme": "` + hex32 + `",`:                           true, // the provider as the name
		`acme key: ` + hex32:                                 true,
		`acme_id: ` + hex32:                                  false,
		`acme_keys: ` + hex32:                                false,
		"acme:\n  id: 42\n  key: " + hex32:                   true, // a bare key under the provider
		"acme:\n  sort_key: " + hex32:                        false,
		`cache_key = "` + hex32 + `"`:                        false,
		`<acmeApiKey>` + hex32 + `</acmeApiKey>`:             true, // XML elements and attributes
		`<string name="acme_api_key">` + hex32 + `</string>`: true,
		`<add key="AcmeApiKey" value="` + hex32 + `"/>`:      true,
		`ACME_TOKEN ::= ` + hex32:                            true, // make
		`$acmeToken .= "` + hex32 + `";`:                     true, // PHP
		`var acmeToken string = "` + hex32 + `"`:             true, // Go, Kotlin and Python declarations
		`val acmeApiKey: String = "` + hex32 + `"`:           true,
		`acme_api_key: str = "` + hex32 + `"`:                true,
	} {
		if got := re.MatchString(line); got != want {
			t.Errorf("%q: match = %v, want %v", line, got, want)
		}
	}
	if len(r.Match) < 3 || len(r.NoMatch) < 4 {
		t.Errorf("generated %d match and %d nomatch examples", len(r.Match), len(r.NoMatch))
	}
}

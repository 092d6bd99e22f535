package blind

import (
	"bytes"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/keyguard/keyguard/detect"
)

// scoreCorpus expands a corpus of one positive file (two keys) and one
// negative file.
func scoreCorpus(t *testing.T) (*Expanded, func(string) ([]byte, error)) {
	t.Helper()
	dir := writeCorpus(t, map[string]string{
		"positive/app/dot_env.tmpl":        "A=1\nTOKEN=tok_{{alnum 20}}\nOTHER=oth_{{hex 16}}\n",
		"negative/app/go.sum.tmpl":         "mod v1 h1:{{b64 43}}=\n\nmod v1/go.mod h1:{{b64 43}}=\n",
		"negative/near-misses/ids.go.tmpl": "sid := \"AC{{hex 32}}\"\n",
	}, `- {file: positive/app/dot_env.tmpl, line: 2, provider: Acme, kind: token, family: saas, tier: common, secret: "tok_{{alnum 20}}"}
- {file: positive/app/dot_env.tmpl, line: 3, provider: Other, kind: key, family: saas, tier: long tail, secret: "oth_{{hex 16}}"}
`)
	c, err := Load(dir)
	if err != nil {
		t.Fatal(err)
	}
	out := t.TempDir()
	x, err := c.Expand(3, out)
	if err != nil {
		t.Fatal(err)
	}
	return x, func(rel string) ([]byte, error) { return os.ReadFile(filepath.Join(out, filepath.FromSlash(rel))) }
}

func TestScore(t *testing.T) {
	x, read := scoreCorpus(t)
	tok, oth := x.Keys[0].Value, x.Keys[1].Value
	has := func(v string) func(string) bool { return func(k string) bool { return strings.Contains(v, k) } }
	tools := []*Tool{
		{Name: "finds one, half of the other", Findings: []Finding{
			{Rule: "acme", Path: "positive/app/.env", StartLine: 2, EndLine: 2, Contains: has("TOKEN=" + tok)},
			{Rule: "generic", Path: "positive/app/.env", StartLine: 3, EndLine: 3, Contains: has(oth[:8])},
			{Rule: "generic", Path: "positive/app/.env", StartLine: 1, EndLine: 1, Contains: has("1")},
			{Rule: "hash", Path: "negative/app/go.sum", StartLine: 3, EndLine: 3, Contains: has("x")},
			{Rule: "hash2", Path: "negative/app/go.sum", StartLine: 3, EndLine: 3, Contains: has("x")},
			{Rule: "sid", Path: "negative/near-misses/ids.go", StartLine: 1, EndLine: 1, Contains: has("x")},
		}},
		{Name: "right value, wrong line", Findings: []Finding{
			{Rule: "acme", Path: "positive/app/.env", StartLine: 1, EndLine: 1, Contains: has(tok)},
		}},
	}
	rs, err := Score(x, tools, read)
	if err != nil {
		t.Fatal(err)
	}
	r := rs[0]
	if !r.Found[0] || r.Found[1] || !r.OnLine[1] {
		t.Errorf("found %v, on line %v; want the first key found and the second only on its line", r.Found, r.OnLine)
	}
	if len(r.Flagged) != 1 || !strings.HasPrefix(r.Flagged[0], "negative/app/go.sum:3 ") {
		t.Errorf("flagged %q, want go.sum:3 once", r.Flagged)
	}
	if len(r.Near) != 1 || x.NearMissLines() != 1 {
		t.Errorf("near misses flagged %q of %d lines, want ids.go:1 of 1", r.Near, x.NearMissLines())
	}
	if r.Unlabelled != 2 {
		t.Errorf("%d unlabelled findings, want 2 (line 1, and the partial one on line 3)", r.Unlabelled)
	}
	if got := r.RecallBy(x, func(k Key) bool { return k.Tier == TierCommon }); got != (Recall{1, 1}) {
		t.Errorf("common-tier recall %v, want 1 of 1", got)
	}
	if rs[1].Found[0] {
		t.Error("a finding on another line counted")
	}
	if x.NegativeLines() != 2 {
		t.Errorf("%d negative lines, want 2 (blank lines do not count)", x.NegativeLines())
	}

	var md bytes.Buffer
	Markdown(&md, x, rs)
	for _, want := range []string{"| finds one, half of the other | 50.0% (1/2) | 100.0% (1/1) | 0.0% (0/1) | 1 (50.00%) | 1 (100.0%) | 2 |",
		"- Other, key: 1 of 1; 1 with a finding on the line that does not hold the whole key"} {
		if !strings.Contains(md.String(), want) {
			t.Errorf("the Markdown lacks %q:\n%s", want, md.String())
		}
	}
	for _, k := range x.Keys {
		if strings.Contains(md.String(), k.Value) {
			t.Fatal("the Markdown holds a key")
		}
	}
}

func TestParseKeyguard(t *testing.T) {
	x, read := scoreCorpus(t)
	tok := x.Keys[0].Value
	col := strings.Index("TOKEN="+tok, tok) + 1
	report := `[{"rule":"acme","file":"positive/app/.env","line":2,"column":` + strconv.Itoa(col) +
		`,"redacted":"tok_…(` + strconv.Itoa(len(tok)) + ` chars)","fingerprint":"` + detect.Fingerprint(tok) + `"},
	{"rule":"short","file":"positive/app/.env","line":3,"column":7,"redacted":"oth…(5 chars)","fingerprint":"000000000000"}]`
	fs, err := ParseKeyguard([]byte(report), x, read)
	if err != nil {
		t.Fatal(err)
	}
	if len(fs) != 2 || !fs[0].Contains(tok) || fs[1].Contains(x.Keys[1].Value) {
		t.Fatalf("parsed %d findings; the first must contain its key and the second must not", len(fs))
	}
	if _, err := ParseKeyguard([]byte("not json"), x, read); err == nil {
		t.Error("a report that is not JSON was accepted")
	}
}

func TestParseGitleaks(t *testing.T) {
	x, _ := scoreCorpus(t)
	tok := x.Keys[0].Value
	report := `[{"RuleID":"generic-api-key","File":"` + filepath.Join(x.Dir, "positive", "app", ".env") + `","StartLine":2,"EndLine":2,"Secret":"` + tok + `","Match":"TOKEN=` + tok + `"}]`
	fs, err := ParseGitleaks([]byte(report), x)
	if err != nil {
		t.Fatal(err)
	}
	if len(fs) != 1 || fs[0].Path != "positive/app/.env" || !fs[0].Contains(tok) {
		t.Fatalf("parsed %+v", fs)
	}
}

func TestReadSpan(t *testing.T) {
	text := []byte("a: 1\n  KEY: ÄGVsbG8=\n")
	tests := []struct {
		line, col, end int
		want           string
	}{
		{2, 8, 16, "ÄGVsbG8="},
		{2, 8, 40, ""}, // past the line's end
		{3, 1, 2, ""},  // no such line
		{2, 9, 9, ""},  // empty span
	}
	for _, tt := range tests {
		if got := readSpan(text, tt.line, tt.col, tt.end); got != tt.want {
			t.Errorf("readSpan(%d, %d, %d) = %q, want %q", tt.line, tt.col, tt.end, got, tt.want)
		}
	}
}

func TestReadLines(t *testing.T) {
	text := []byte("key: |\n  -----BEGIN-----\n  QUJD\n  -----END-----\nnext: 1\n")
	tests := []struct {
		line, col, end int
		want           string
	}{
		{2, 3, 4, "-----BEGIN-----\n  QUJD\n  -----END-----\n"},
		{2, 3, 9, "-----BEGIN-----\n  QUJD\n  -----END-----\nnext: 1\n"}, // past the end: to the end of the file
		{7, 1, 8, ""}, // no such line
		{2, 40, 3, ""},
	}
	for _, tt := range tests {
		if got := readLines(text, tt.line, tt.col, tt.end); got != tt.want {
			t.Errorf("readLines(%d, %d, %d) = %q, want %q", tt.line, tt.col, tt.end, got, tt.want)
		}
	}
}

package detect

import (
	"reflect"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/keyguard/keyguard/internal/fakekey"
)

// Key templates shared by the tests below; never literal keys.
const (
	ghpTmpl    = "ghp_{{b62crc 30}}"
	openaiTmpl = "sk-proj-{{b64url 74}}{{lit T3Blbk}}FJ{{b64url 74}}"
	pemTmpl    = "-----{{lit BEGIN}} RSA PRIVATE KEY-----\nMIIE{{b64 60}}\n{{b64 64}}\n-----{{lit END}} RSA PRIVATE KEY-----"
)

type pos struct {
	rule                    string
	line, column, endColumn int
}

func TestScanPositions(t *testing.T) {
	e := newTestEngine(t)
	tests := []struct {
		name string
		tmpl string
		want []pos
	}{
		{"second line", "x = 1\nGITHUB_TOKEN=" + ghpTmpl + "\n",
			[]pos{{"github-token", 2, 14, 54}}},
		{"last line without newline", "a\nb\n\tt=" + ghpTmpl,
			[]pos{{"github-token", 3, 4, 44}}},
		{"CRLF lines", "a\r\nb\r\ntoken: " + ghpTmpl + "\r\nc\r\n",
			[]pos{{"github-token", 3, 8, 48}}},
		// "// café ключ: " is 14 runes but 19 bytes: columns count runes.
		{"unicode before key", "// café ключ: " + ghpTmpl,
			[]pos{{"github-token", 1, 15, 55}}},
		{"emoji before key", "msg = \"🔑\"; k = '" + ghpTmpl + "'",
			[]pos{{"github-token", 1, 17, 57}}},
		{"two keys on a line, sorted by column", "a=" + openaiTmpl + " b=" + ghpTmpl,
			[]pos{{"openai-api-key", 1, 3, 167}, {"github-token", 1, 170, 210}}},
		{"keys on several lines, sorted by line", "k1 = 'AIza{{alnum 35}}'\n\nk2 = 'hf_{{lower 34}}'\n",
			[]pos{{"google-api-key", 1, 7, 46}, {"huggingface-token", 3, 7, 44}}},
		// A key block is reported on its header line; EndColumn stops at
		// the end of that line.
		{"private key block", "# deploy key\n  " + pemTmpl + "\n",
			[]pos{{"private-key", 2, 3, 34}}},
		{"private key block CRLF", "x\r\n" + strings.ReplaceAll(pemTmpl, "\n", "\r\n") + "\r\n",
			[]pos{{"private-key", 2, 1, 32}}},
		{"AWS key id and secret together",
			"[default]\naws_access_key_id = AKIA{{upper 16}}\naws_secret_access_key = {{b64 40}}\n",
			[]pos{{"aws-access-key-id", 2, 21, 41}, {"aws-secret-access-key", 3, 25, 65}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			text := []byte(fakekey.Expand(tt.tmpl))
			got := e.Scan(text)
			if len(got) != len(tt.want) {
				t.Fatalf("got %d findings %v, want %d", len(got), got, len(tt.want))
			}
			for i, f := range got {
				p := pos{f.Rule.ID, f.Line, f.Column, f.EndColumn}
				if p != tt.want[i] {
					t.Errorf("finding %d = %+v, want %+v", i, p, tt.want[i])
				}
				checkPosition(t, text, f)
				if strings.ContainsAny(f.Secret.Reveal(), "\r") && f.Rule.ID != "private-key" {
					t.Errorf("finding %d: secret holds a carriage return", i)
				}
			}
		})
	}
}

// TestScanFilters pairs each thing that must not be a finding with the
// nearest thing that must, so a filter that drops everything fails too.
func TestScanFilters(t *testing.T) {
	e := newTestEngine(t)
	tests := []struct {
		name string
		tmpl string
		want []string // rule ids, in order
	}{
		// Reading a key from the environment is the fix, not a leak.
		{"python getenv", `api_key = os.getenv("OPENAI_API_KEY")`, nil},
		{"python environ", `key = os.environ["ANTHROPIC_API_KEY"]`, nil},
		{"node process.env", `const stripe = Stripe(process.env.STRIPE_SECRET_KEY);`, nil},
		{"shell expansion", `curl -H "Authorization: Bearer ${GITHUB_TOKEN}" https://api.github.com`, nil},
		{"dotenv reference", "OPENAI_API_KEY=${OPENAI_API_KEY}", nil},
		{"actions secret", "  AWS_SECRET_ACCESS_KEY: ${{ secrets.AWS_SECRET_ACCESS_KEY }}", nil},
		{"the real thing", `api_key = "` + openaiTmpl + `"`, []string{"openai-api-key"}},

		// Placeholders.
		{"YOUR_API_KEY", `api_key = "YOUR_API_KEY"`, nil},
		{"angle brackets", "Authorization: Bearer <key>", nil},
		{"sk-xxxx", "OPENAI_API_KEY=sk-xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx", nil},
		{"word inside key shape", "GITHUB_TOKEN=ghp_your{{alnum 32}}", nil},
		{"Title word inside key shape", "GITHUB_TOKEN=ghp_Dummy{{alnum 31}}", nil},
		{"redacted marker", "HF_TOKEN=hf_REDACTED{{lower 26}}", nil},
		{"digit sequence", "STRIPE_SECRET_KEY=sk_live_{{lit 1234567890}}{{alnum 14}}", nil},
		{"letter sequence", "GITLAB_TOKEN=glpat-{{lit abcdefghij}}{{alnum 10}}", nil},
		{"one repeated character", "STRIPE_SECRET_KEY=sk_live_{{lit 000000000000000000000000}}", nil},
		{"AWS documented key id", "aws_access_key_id = {{lit AKIA}}IOSFODNN7{{lit EXAMPLE}}", nil},
		{"AWS documented secret", "aws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCY{{lit EXAMPLEKEY}}", nil},
		{"low entropy key id", "aws_access_key_id = AKIA{{lit ABABABABABABABAB}}", nil},
		{"random key id", "aws_access_key_id = AKIA{{upper 16}}", []string{"aws-access-key-id"}},
		{"test-mode Stripe key", "STRIPE_SECRET_KEY=sk_test_{{alnum 24}}", []string{"stripe-test-key"}},
		{"live Stripe key", "STRIPE_SECRET_KEY=sk_live_{{alnum 24}}", []string{"stripe-live-key"}},
		{"lone key header in docs", "Paste the -----{{lit BEGIN}} OPENSSH PRIVATE KEY----- block here.", nil},
		{"key header with elided body", "-----{{lit BEGIN}} RSA PRIVATE KEY-----\nMIIEpAIBAAKCAQEA...\n-----{{lit END}} RSA PRIVATE KEY-----", nil},
		{"key block", pemTmpl, []string{"private-key"}},
		{"test vector's key", `    {"tcId": 4, "comment": "long key", "key": "{{hex 64}}", "msg": "{{hex 32}}", "tag": "{{hex 64}}"},`, nil},
		{"Midtrans client key", "MIDTRANS_SANDBOX_KEY=SB-Mid-client-{{alnum 16}}", nil},
		{"public SDK key", `adapty_key: "public_live_{{alnum 8}}.{{alnum 20}}"`, nil},
		{"key beside other fields", `    {"id": 4, "name": "billing", "key": "{{alnum 20}}7aQ{{alnum 12}}"},`, []string{"generic-bare-key"}},

		// Inline allow comments silence their own line only.
		{"keyguard:allow", "GITHUB_TOKEN=" + ghpTmpl + " # keyguard:allow", nil},
		{"gitleaks:allow", "const t = '" + ghpTmpl + "'; // gitleaks:allow", nil},
		{"detect-secrets pragma", "token = '" + ghpTmpl + "'  # pragma: allowlist secret", nil},
		{"allow on another line", "# keyguard:allow\nGITHUB_TOKEN=" + ghpTmpl, []string{"github-token"}},
		{"allow on key header line", "-----{{lit BEGIN}} RSA PRIVATE KEY----- keyguard:allow\nMIIE{{b64 60}}\n{{b64 64}}", nil},
		{"allow on a later line of the key", "-----{{lit BEGIN}} RSA PRIVATE KEY-----\nMIIE{{b64 60}}\n{{b64 64}}\n-----{{lit END}} RSA PRIVATE KEY----- keyguard:allow", []string{"private-key"}},
		{"misspelt allow", "GITHUB_TOKEN=" + ghpTmpl + " # keyguard:alow", []string{"github-token"}},

		// Shapes: lengths are exact where the provider documents them.
		{"token inside identifier", "my_ghp_{{b62crc 30}}", nil},
		{"token one char too long", "GITHUB_TOKEN=ghp_{{alnum 37}}", nil},
		{"webhook", "url = 'https://hooks.slack.com/services/T{{ualnum 9}}/B{{ualnum 9}}/{{alnum 24}}'", []string{"slack-webhook-url"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var got []string
			for _, f := range e.Scan([]byte(fakekey.Expand(tt.tmpl))) {
				got = append(got, f.Rule.ID)
			}
			if strings.Join(got, ",") != strings.Join(tt.want, ",") {
				t.Errorf("template %q: got rules %v, want %v", tt.tmpl, got, tt.want)
			}
		})
	}
}

func TestScanDedupe(t *testing.T) {
	ghp := RuleSpec{ID: "copy-a", Keywords: []string{"ghp_"}, Regex: `\b(gh[pousr]_[A-Za-z0-9]{36})\b`, SecretGroup: 1}
	tests := []struct {
		name    string
		builtin []RuleSpec
		extra   []RuleSpec
		want    []string
	}{
		{"same span: earlier rule wins",
			[]RuleSpec{ghp, {ID: "copy-b", Keywords: []string{"ghp_"}, Regex: `(ghp_[A-Za-z0-9]{36})`, SecretGroup: 1}}, nil,
			[]string{"copy-a"}},
		{"same span: order decides, not the id",
			[]RuleSpec{{ID: "z-first", Keywords: []string{"ghp_"}, Regex: `ghp_[A-Za-z0-9]{36}`}, ghp}, nil,
			[]string{"z-first"}},
		{"span inside another is dropped, whatever the order",
			nil, []RuleSpec{{ID: "inner", Keywords: []string{"ghp_"}, Regex: `ghp_([A-Za-z0-9]{10})`, SecretGroup: 1}, ghp},
			[]string{"copy-a"}},
	}
	text := []byte(fakekey.Expand("t = " + ghpTmpl))
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e, err := newEngine(tt.builtin, Options{Extra: tt.extra})
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, f := range e.Scan(text) {
				got = append(got, f.Rule.ID)
			}
			if strings.Join(got, ",") != strings.Join(tt.want, ",") {
				t.Errorf("got %v, want %v", got, tt.want)
			}
		})
	}
}

func TestNewErrors(t *testing.T) {
	ok := RuleSpec{ID: "corp-token", Keywords: []string{"corp_"}, Regex: `corp_[a-z0-9]{32}`}
	with := func(f func(*RuleSpec)) RuleSpec { s := ok; f(&s); return s }
	tests := []struct {
		name string
		opts Options
		want string // substring of the error
	}{
		{"bad regex names the rule", Options{Extra: []RuleSpec{with(func(s *RuleSpec) { s.Regex = `corp_(` })}}, `"corp-token"`},
		{"group out of range", Options{Extra: []RuleSpec{with(func(s *RuleSpec) { s.SecretGroup = 1 })}}, "secretGroup 1 out of range"},
		{"negative group", Options{Extra: []RuleSpec{with(func(s *RuleSpec) { s.SecretGroup = -1 })}}, "negative"},
		{"empty regex", Options{Extra: []RuleSpec{with(func(s *RuleSpec) { s.Regex = "" })}}, "empty regex"},
		{"missing id", Options{Extra: []RuleSpec{with(func(s *RuleSpec) { s.ID = "" })}}, `rule "#1": missing id`},
		{"empty keyword", Options{Extra: []RuleSpec{with(func(s *RuleSpec) { s.Keywords = []string{""} })}}, "empty keyword"},
		{"entropy out of range", Options{Extra: []RuleSpec{with(func(s *RuleSpec) { s.Entropy = 9 })}}, "entropy"},
		{"context out of range", Options{Extra: []RuleSpec{with(func(s *RuleSpec) { s.Context = maxContext + 1 })}}, "context"},
		{"context without keywords", Options{Extra: []RuleSpec{with(func(s *RuleSpec) { s.Context = 2; s.Keywords = nil })}}, "context needs keywords"},
		{"multi-line context rule", Options{Extra: []RuleSpec{with(func(s *RuleSpec) { s.Context = 2; s.Regex = `corp_\n[a-z]{32}` })}}, "keep to one line"},
		{"duplicate of a built-in", Options{Extra: []RuleSpec{with(func(s *RuleSpec) { s.ID = "github-token" })}}, `"github-token": duplicate id`},
		{"duplicate user rules", Options{Extra: []RuleSpec{ok, ok}}, `"corp-token": duplicate id`},
		{"unknown disabled id", Options{Disabled: []string{"github-tokens"}}, `"github-tokens": no such rule`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e, err := New(tt.opts)
			if err == nil {
				t.Fatalf("New succeeded (%d rules), want error containing %q", len(e.Rules()), tt.want)
			}
			if !strings.Contains(err.Error(), tt.want) {
				t.Errorf("error %q does not contain %q", err, tt.want)
			}
		})
	}
	// The same options minus the fault are accepted.
	if _, err := New(Options{Extra: []RuleSpec{ok}, Disabled: []string{"github-token"}}); err != nil {
		t.Errorf("valid options rejected: %v", err)
	}
}

// TestContextRule pins where a context rule's keyword may stand: on the
// value's line before it, or on a line up to Context lines above that
// encloses the value's (a parent key, a block header).
func TestContextRule(t *testing.T) {
	rule := RuleSpec{
		ID: "acme-key", Keywords: []string{"acme"}, Context: 3, SecretGroup: 1,
		Regex: `(?i)key[ \t]*[:=][ \t]*"?([a-z0-9]{12})\b`,
	}
	e, err := newEngine(nil, Options{Extra: []RuleSpec{rule}})
	if err != nil {
		t.Fatal(err)
	}
	const v = "q8r7s6t5u4v3"
	tests := []struct {
		name, text string
		want       int // line of the finding; 0 = none
	}{
		{"same line, before", "ACME_KEY=" + v, 1},
		{"same line, after", "key=" + v + " # acme", 0},
		{"nested YAML", "acme:\n  key: " + v, 2},
		{"deeper YAML, siblings between", "acme:\n  site: eu\n  opts:\n    x: 1\n  key: " + v, 0}, // 4 lines up: beyond Context
		{"siblings within reach", "acme:\n  site: eu\n\n  key: " + v, 4},
		{"Terraform block", "provider \"acme\" {\n  key = \"" + v + "\"\n}", 2},
		{"CRLF and tabs", "acme {\r\n\tkey = " + v + "\r\n}", 2},
		{"sibling, not parent", "acme: 1\nkey: " + v, 0},
		{"closed block", "acme:\n  a: 1\nother:\n  key: " + v, 0},
		{"less indented value", "  acme:\nkey: " + v, 0},
		{"comment above at the same indent", "# acme\nkey = " + v, 0},
		{"INI section", "[acme]\nregion = eu\nkey = " + v, 3},
		{"TOML table, keys indented", "[acme]\n  site = 1\n  key = \"" + v + "\"", 3},
		{"section beyond reach", "[acme]\na = 1\nb = 2\nc = 3\nkey = " + v, 0},
		{"another section between", "[acme]\na = 1\n[other]\nkey = " + v, 0},
		{"JSON array line is no header", "[\n  {\"acme\": 1},\n  {\"key\": \"" + v + "\"}\n]", 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := e.Scan([]byte(tt.text))
			if err := sameFindings(got, e.refScan([]byte(tt.text))); err != nil {
				t.Errorf("differs from the reference scan: %v", err)
			}
			switch {
			case tt.want == 0 && len(got) > 0:
				t.Errorf("finding at line %d, want none", got[0].Line)
			case tt.want > 0 && (len(got) != 1 || got[0].Line != tt.want):
				t.Errorf("%d findings, want one at line %d", len(got), tt.want)
			}
		})
	}
	// A file named after the provider is context for all its lines.
	text := []byte("site: eu\nkey: " + v + "\n")
	if got := e.ScanFile("deploy/ACME.yaml", text); len(got) != 1 || got[0].Line != 2 {
		t.Errorf("acme.yaml: %d findings, want one at line 2", len(got))
	}
	if got := e.ScanFile("deploy/other.yaml", text); len(got) != 0 {
		t.Errorf("other.yaml: %d findings, want none", len(got))
	}
}

// TestNewLeavesOptionsAlone: New reads the caller's rules and never writes
// to them, so one Options can build several engines, concurrently too.
func TestNewLeavesOptionsAlone(t *testing.T) {
	extra := []RuleSpec{{ID: "corp-token", Keywords: []string{"CORP_"}, Regex: `corp_[a-z0-9]{32}`}}
	before := slices.Clone(extra)
	before[0].Keywords = slices.Clone(extra[0].Keywords)
	e, err := New(Options{Extra: extra})
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(extra, before) {
		t.Errorf("New changed Options.Extra: %+v, was %+v", extra, before)
	}
	var family string
	for _, r := range e.Rules() {
		if r.ID == "corp-token" {
			family = r.Family
		}
	}
	if family != "user" {
		t.Errorf("user rule family %q, want %q", family, "user")
	}
}

func TestParseCatalogueStrict(t *testing.T) {
	tests := []struct {
		name, yaml, wantErr string
	}{
		{"known fields", "rules:\n  - id: a\n    regex: b\n    secretGroup: 0\n", ""},
		{"misspelt field", "rules:\n  - id: a\n    regex: b\n    secretgroup: 1\n", "secretgroup"},
		{"unknown top level", "rule:\n  - id: a\n", "rule"},
		{"wrong type", "rules:\n  - id: a\n    keywords: abc\n", "cannot unmarshal"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := parseCatalogue([]byte(tt.yaml))
			switch {
			case tt.wantErr == "" && err != nil:
				t.Errorf("unexpected error: %v", err)
			case tt.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tt.wantErr)):
				t.Errorf("error %v, want one mentioning %q", err, tt.wantErr)
			}
		})
	}
}

func TestOptions(t *testing.T) {
	corp := RuleSpec{ID: "corp-token", Keywords: []string{"CORP_"}, Regex: `\b(corp_[a-z0-9]{32})\b`, SecretGroup: 1, Entropy: 3}
	noKeyword := RuleSpec{ID: "no-keyword", Regex: `\bkg-[0-9a-f]{24}\b`}
	overlapA := RuleSpec{ID: "overlap-a", Keywords: []string{"tokab"}, Regex: `tokab[a-z0-9]{20}`}
	overlapB := RuleSpec{ID: "overlap-b", Keywords: []string{"abcd"}, Regex: `(abcd[0-9]{20})`, SecretGroup: 1}
	tests := []struct {
		name string
		opts Options
		tmpl string
		want []string
	}{
		{"user rule, keyword case-insensitive", Options{Extra: []RuleSpec{corp}}, "x = 'corp_{{lalnum 32}}'", []string{"corp-token"}},
		{"user rule entropy floor", Options{Extra: []RuleSpec{corp}}, "x = 'corp_{{lit abababababababababababababababab}}'", nil},
		{"rule without keywords always runs", Options{Extra: []RuleSpec{noKeyword}}, "a\nid: kg-{{hex 24}}\n", []string{"no-keyword"}},
		// The keywords "tokab" and "abcd" overlap in "tokabcd": both must fire
		// (their spans overlap without nesting, so both are kept).
		{"overlapping keywords", Options{Extra: []RuleSpec{overlapA, overlapB}}, "tokabcd{{digit 20}}", []string{"overlap-a", "overlap-b"}},
		{"disabled built-in", Options{Disabled: []string{"github-token"}}, "t = " + ghpTmpl, nil},
		{"not disabled", Options{Disabled: []string{"stripe-live-key"}}, "t = " + ghpTmpl, []string{"github-token"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e, err := New(tt.opts)
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, f := range e.Scan([]byte(fakekey.Expand(tt.tmpl))) {
				got = append(got, f.Rule.ID)
			}
			if strings.Join(got, ",") != strings.Join(tt.want, ",") {
				t.Errorf("got %v, want %v", got, tt.want)
			}
			for _, id := range tt.opts.Disabled {
				for _, r := range e.Rules() {
					if r.ID == id {
						t.Errorf("Rules() still lists disabled %s", id)
					}
				}
			}
		})
	}
}

// TestLazyCompile checks that New compiles no built-in regex and a scan
// compiles only the rules its keywords trigger.
func TestLazyCompile(t *testing.T) {
	e := newTestEngine(t)
	compiled := func() (ids []string) {
		for _, r := range e.Rules() {
			if r.derived != nil && (r.re != nil || r.anchored != nil) {
				ids = append(ids, r.ID)
			}
		}
		return ids
	}
	if got := compiled(); len(got) != 0 {
		t.Fatalf("after New, compiled %v, want none", got)
	}
	e.Scan([]byte("nothing to see here\n"))
	if got := compiled(); len(got) != 0 {
		t.Fatalf("after a clean scan, compiled %v, want none", got)
	}
	e.Scan([]byte(fakekey.Expand("t = " + ghpTmpl)))
	if got := strings.Join(compiled(), ","); got != "github-token" {
		t.Fatalf("after a GitHub token, compiled %v, want github-token", got)
	}
}

// TestConcurrentScan races first use of every rule (run with -race).
func TestConcurrentScan(t *testing.T) {
	e := newTestEngine(t)
	var texts [][]byte
	for _, s := range builtinSpecs(t) {
		for _, m := range s.Examples.Match {
			texts = append(texts, []byte(fakekey.Expand(m)))
		}
	}
	want := make([]int, len(texts))
	var wg sync.WaitGroup
	got := make([][]int, 8)
	for g := range got {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for _, text := range texts {
				got[g] = append(got[g], len(e.Scan(text)))
			}
		}()
	}
	wg.Wait()
	for i, text := range texts {
		want[i] = len(e.Scan(text))
	}
	for g := range got {
		for i := range want {
			if got[g][i] != want[i] {
				t.Errorf("goroutine %d, text %d: %d findings, want %d", g, i, got[g][i], want[i])
			}
		}
	}
}

// TestSharedBuiltinPrefilter: engines of the built-in catalogue alone share
// one keyword automaton; one with a user rule or a disabled rule has its
// own, holding exactly its rules' keywords.
func TestSharedBuiltinPrefilter(t *testing.T) {
	a, err := New(Options{})
	if err != nil {
		t.Fatal(err)
	}
	b, _ := New(Options{})
	extra, err := New(Options{Extra: []RuleSpec{{ID: "user-zz", Keywords: []string{"zzqq_"}, Regex: `zzqq_[a-z]{8}`}}})
	if err != nil {
		t.Fatal(err)
	}
	disabled, err := New(Options{Disabled: []string{a.Rules()[0].ID}})
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range []*Engine{a, b, extra, disabled} {
		e.hasKeywords()
	}
	if a.quick != b.quick {
		t.Error("two engines of the built-in catalogue built two automata")
	}
	if extra.quick == a.quick || disabled.quick == a.quick {
		t.Fatal("an engine with a user or disabled rule uses the built-in automaton")
	}
	if !slices.Contains(extra.quick.keywords, "zzqq_") || slices.Contains(a.quick.keywords, "zzqq_") {
		t.Error("the user rule's keyword is not in its engine's automaton alone")
	}
	if got := extra.Scan([]byte("x = zzqq_qkrvsmtx")); len(got) != 1 || got[0].Rule.ID != "user-zz" {
		t.Errorf("user rule findings = %v", got)
	}
}

// TestFullPrefilterAfterLargeInput: after fullAfter bytes an engine builds
// the automaton of long stems in the background and scans with it once it
// is ready; the findings are the same as with the quick one.
func TestFullPrefilterAfterLargeInput(t *testing.T) {
	for name, opts := range map[string]Options{"built-in": {}, "own rules": {Disabled: []string{"jwt"}}} {
		e, err := New(opts)
		if err != nil {
			t.Fatal(err)
		}
		text := benchText(1 << 20)
		before := e.Scan(text)
		if len(before) == 0 {
			t.Fatal("no findings in the benchmark text; the comparison proves nothing")
		}
		for scanned := len(text); scanned <= fullAfter; scanned += len(text) {
			e.Scan(text)
		}
		deadline := time.Now().Add(30 * time.Second)
		for e.full.Load() == nil && time.Now().Before(deadline) {
			time.Sleep(10 * time.Millisecond)
			e.Scan(text[:100])
		}
		full := e.full.Load()
		if full == nil || full == e.quick || len(full.stems) <= len(e.quick.stems) {
			t.Fatalf("%s: no automaton of longer stems after %d bytes", name, fullAfter)
		}
		if err := sameFindings(e.Scan(text), before); err != nil {
			t.Errorf("%s: with the full automaton: %v", name, err)
		}
	}
}

// TestDataURIPayload checks that a key prefix inside the base64 payload of
// a data URI (a font inlined in an SVG) is not a finding, while the same
// token on its own line is.
func TestDataURIPayload(t *testing.T) {
	e := newTestEngine(t)
	token := fakekey.Expand("EAAB{{alnum 180}}")
	blob := fakekey.Expand("{{b64 400}}")
	tests := []struct {
		name, line string
		want       int
	}{
		{"in a data URI", `src: url("data:font/woff2;base64,` + blob + "/" + token + blob + `")`, 0},
		{"assigned", "FACEBOOK_ACCESS_TOKEN=" + token, 1},
	}
	for _, tt := range tests {
		if got := len(e.ScanFile("a.svg", []byte(tt.line+"\n"))); got != tt.want {
			t.Errorf("%s: %d findings, want %d", tt.name, got, tt.want)
		}
	}
}

// TestRailsMasterKeyFile checks the rule that reads a file by its name:
// 32 hex digits alone are Rails's master key in config/master.key and in
// config/credentials/<env>.key, and nothing in a file of another name.
func TestRailsMasterKeyFile(t *testing.T) {
	e := newTestEngine(t)
	key := fakekey.Expand("{{hex 32}}")
	checkFileRule(t, e, "rails-master-key-file", []fileCase{
		{"config/master.key", key + "\n", true},
		{"config/master.key", key, true},
		{"config/credentials/production.key", key + "\r\n", true},
		{"config/settings.txt", key + "\n", false},
		{"config/master.key", "# " + key + "\n", false},
	})
}

// fileCase is a file's name and text, and whether a rule that takes the
// file's name as its context must report it.
type fileCase struct {
	name, text string
	want       bool
}

// checkFileRule scans each case as the named file and checks whether rule
// id reports it.
func checkFileRule(t *testing.T, e *Engine, id string, tests []fileCase) {
	t.Helper()
	for _, tt := range tests {
		found := false
		for _, f := range e.ScanFile(tt.name, []byte(tt.text)) {
			found = found || f.Rule.ID == id
		}
		if found != tt.want {
			t.Errorf("%s %q: found %v, want %v", tt.name, tt.text, found, tt.want)
		}
	}
}

// TestGemCredentialsFile checks that ~/.gem/credentials is read whole, its
// file name the context: a host's line or a :name: line holds a key.
func TestGemCredentialsFile(t *testing.T) {
	e := newTestEngine(t)
	key := fakekey.Expand("{{alnum 14}}7aQ{{alnum 6}}")
	checkFileRule(t, e, "gem-credentials-host-key", []fileCase{
		{".gem/credentials", "---\nhttps://gem.fury.io/acme/: " + key + "\n", true},
		{".gem/credentials", "---\n\"https://gems.acme.test/private\": " + key + "\n", true},
		{".gem/credentials", "---\n:gemfury: " + key + "\n", true},
		{".gem/credentials", "---\nhttps://gem.fury.io/acme/: ${GEMFURY_TOKEN}\n", false},
		{"config/hosts.yml", "---\nhttps://gem.fury.io/acme/: " + key + "\n", false},
	})
}

// TestSiblingContext checks the context a line of the secret's own block
// gives: the provider in a sibling's value ("host: smtp.postmarkapp.com")
// describes the block; in a sibling's name it is another key; a nested
// line between, or more than maxSiblings lines, ends the block.
func TestSiblingContext(t *testing.T) {
	e := newTestEngine(t)
	token := fakekey.Expand("{{hex 8}}-{{hex 4}}-{{hex 4}}-{{hex 4}}-{{hex 12}}")
	tests := []struct {
		name, text string
		want       bool
	}{
		{"provider in a sibling's value", "smtp:\n  host: smtp.postmarkapp.com\n  user: me\n  password: " + token + "\n", true},
		{"top-level .env lines", "SMTP_HOST=smtp.postmarkapp.com\nSMTP_PASSWORD=" + token + "\n", true},
		{"provider in a sibling's name", "smtp:\n  postmark_enabled: true\n  password: " + token + "\n", false},
		{"nested line between", "smtp:\n  host: smtp.postmarkapp.com\n  tls:\n    verify: true\n  password: " + token + "\n", false},
		{"too far up the block", "smtp:\n  host: smtp.postmarkapp.com\n  a: 1\n  b: 2\n  c: 3\n  d: 4\n  password: " + token + "\n", false},
		{"a sibling below", "smtp:\n  password: " + token + "\n  host: smtp.postmarkapp.com\n", false},
	}
	for _, tt := range tests {
		found := false
		for _, f := range e.ScanFile("config.yml", []byte(tt.text)) {
			found = found || f.Rule.Provider == "Postmark"
		}
		if found != tt.want {
			t.Errorf("%s: found %v, want %v", tt.name, found, tt.want)
		}
	}
}

// A generic match its checks refuse must not hide a key inside its value:
// the search resumes at the refused value's start.
func TestRefusedMatchResumesInsideIt(t *testing.T) {
	e := newTestEngine(t)
	tests := []struct {
		name string
		tmpl string
		want int // findings
	}{
		{"form body after a token path", `  .post("/oauth/token", "grant_type=client_credentials&client_secret={{alnum 20}}7aQ{{alnum 20}}")`, 1},
		{"form body alone", `body = "grant_type=client_credentials&client_secret={{alnum 20}}7aQ{{alnum 20}}"`, 1},
		{"nothing inside", `  .post("/oauth/token", "grant_type=client_credentials&scope=read")`, 0},
		// A kept value cut at the "&" of the next pair resumes there
		// (Rule.resumeKept): both keys of the query string are found.
		{"two keys in a query string", `GET https://api.acme.dev/v2/items?apiKey={{alnum 20}}7aQ{{alnum 10}}&secretKey={{alnum 20}}7aQ{{alnum 9}} -> 200`, 2},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			text := fakekey.Expand(tt.tmpl)
			if got := e.Scan([]byte(text)); len(got) != tt.want {
				t.Errorf("%d findings, want %d", len(got), tt.want)
			}
		})
	}
}

func TestHasLineAnchor(t *testing.T) {
	tests := []struct {
		pattern string
		want    bool
	}{
		{`(?m:^)[ \t]*key=(\w+)`, true},
		{`^key=(\w+)`, true},
		{`key=([^"\s]+)`, false},
		{`key=([]^a-z]+)`, false},
		{`key=\^([a-z]+)`, false},
		{`[(\[{]["']([a-z]+)`, false},
	}
	for _, tt := range tests {
		if got := hasLineAnchor(tt.pattern); got != tt.want {
			t.Errorf("hasLineAnchor(%q) = %v, want %v", tt.pattern, got, tt.want)
		}
	}
}

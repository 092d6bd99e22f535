package report

import (
	"encoding/json"
	"runtime"
	"strings"
	"testing"

	"github.com/keyguard/keyguard/detect"
	"github.com/keyguard/keyguard/internal/fakekey"
)

// sarifLog is the part of SARIF 2.1.0 that GitHub code scanning requires,
// decoded independently of the library that wrote it.
type sarifLog struct {
	Version string `json:"version"`
	Schema  string `json:"$schema"`
	Runs    []struct {
		Tool struct {
			Driver struct {
				Name           string `json:"name"`
				Version        string `json:"version"`
				InformationURI string `json:"informationUri"`
				Rules          []struct {
					ID               string                          `json:"id"`
					Name             string                          `json:"name"`
					ShortDescription struct{ Text string }           `json:"shortDescription"`
					FullDescription  struct{ Text string }           `json:"fullDescription"`
					Help             struct{ Text, Markdown string } `json:"help"`
					Properties       struct {
						Tags             []string `json:"tags"`
						SecuritySeverity string   `json:"security-severity"`
					} `json:"properties"`
				} `json:"rules"`
			} `json:"driver"`
		} `json:"tool"`
		ColumnKind string `json:"columnKind"`
		Results    []struct {
			RuleID    string                `json:"ruleId"`
			RuleIndex *int                  `json:"ruleIndex"`
			Level     string                `json:"level"`
			Message   struct{ Text string } `json:"message"`
			Locations []struct {
				PhysicalLocation struct {
					ArtifactLocation struct {
						URI       string `json:"uri"`
						URIBaseID string `json:"uriBaseId"`
					} `json:"artifactLocation"`
					Region struct {
						StartLine   int `json:"startLine"`
						StartColumn int `json:"startColumn"`
						EndColumn   int `json:"endColumn"`
					} `json:"region"`
				} `json:"physicalLocation"`
			} `json:"locations"`
			PartialFingerprints map[string]string `json:"partialFingerprints"`
			Properties          map[string]string `json:"properties"`
		} `json:"results"`
	} `json:"runs"`
}

// scanFake expands a template, scans it and returns the findings and the
// random runs that must never reach the output.
func scanFake(t *testing.T, template string) ([]detect.Finding, []string) {
	t.Helper()
	engine, err := detect.New(detect.Options{})
	if err != nil {
		t.Fatal(err)
	}
	text, tokens := fakekey.ExpandTokens(template)
	return engine.Scan([]byte(text)), tokens
}

func TestSARIFForCodeScanning(t *testing.T) {
	found, tokens := scanFake(t, "import os\n"+
		`TOKEN = "ghp_{{b62crc 30}}"`+"\n"+
		`stripe.api_key = "sk_live_{{alnum 40}}"`+"\n"+
		`OTHER = "ghp_{{b62crc 30}}"`+"\n")
	if len(found) != 3 {
		t.Fatalf("want 3 findings, got %d", len(found))
	}
	path := `src\my app\app.py` // a Windows-style display path, with a space
	var findings []Finding
	for i := range found {
		findings = append(findings, Finding{Path: path, Line: found[i].Line, Column: found[i].Column, Secret: &found[i]})
	}
	findings[2].Commit = &Commit{Hash: strings.Repeat("ab", 20), Author: "A", Email: "a@b", Date: "2024-01-02T03:04:05Z"}
	rel := func(p string) (string, bool) { return strings.ReplaceAll(p, `\`, "/"), true }

	var b strings.Builder
	if err := SARIF(&b, findings, SARIFOptions{Version: "1.2.3", Rel: rel}); err != nil {
		t.Fatal(err)
	}
	out := b.String()
	for i, tok := range tokens {
		if strings.Contains(out, tok) {
			t.Fatalf("the SARIF log contains expanded secret #%d unredacted", i+1)
		}
	}
	var log sarifLog
	if err := json.Unmarshal([]byte(out), &log); err != nil {
		t.Fatalf("not JSON: %v", err)
	}
	if log.Version != "2.1.0" || !strings.Contains(log.Schema, "sarif-schema-2.1.0") || len(log.Runs) != 1 {
		t.Fatalf("version %q, schema %q, %d runs; want one 2.1.0 run", log.Version, log.Schema, len(log.Runs))
	}
	run := log.Runs[0]
	d := run.Tool.Driver
	if d.Name != "keyguard" || d.Version != "1.2.3" || d.InformationURI != InformationURI {
		t.Errorf("driver %q %q %q", d.Name, d.Version, d.InformationURI)
	}
	if run.ColumnKind != "unicodeCodePoints" {
		t.Errorf("columnKind %q: detect counts columns in characters", run.ColumnKind)
	}
	// One rule per rule that fired, however often it fired.
	if len(d.Rules) != 2 || d.Rules[0].ID != "github-token" || d.Rules[1].ID != "stripe-live-key" {
		t.Fatalf("rules: %+v", d.Rules)
	}
	for _, r := range d.Rules {
		if r.Name == "" || r.ShortDescription.Text == "" || r.FullDescription.Text == "" {
			t.Errorf("rule %s lacks name or descriptions", r.ID)
		}
		if !strings.Contains(r.Help.Text, "https://") || !strings.Contains(r.Help.Text, "environment variable") ||
			!strings.Contains(r.Help.Markdown, "**Fix.**") {
			t.Errorf("rule %s help lacks the fix or the revoke URL: %q", r.ID, r.Help.Text)
		}
		if r.Properties.SecuritySeverity != severityProvider || !contains(r.Properties.Tags, "security") || !contains(r.Properties.Tags, "secret") {
			t.Errorf("rule %s properties: %+v", r.ID, r.Properties)
		}
	}
	if len(run.Results) != 3 {
		t.Fatalf("%d results, want 3", len(run.Results))
	}
	wantIndex := []int{0, 1, 0}
	for i, res := range run.Results {
		if res.RuleID != found[i].Rule.ID || res.RuleIndex == nil || *res.RuleIndex != wantIndex[i] || res.Level != "error" {
			t.Errorf("result %d: rule %q index %v level %q", i, res.RuleID, res.RuleIndex, res.Level)
		}
		if !strings.Contains(res.Message.Text, found[i].Secret.String()) || !strings.Contains(res.Message.Text, found[i].Fingerprint) {
			t.Errorf("result %d message lacks the redacted secret or fingerprint: %q", i, res.Message.Text)
		}
		if len(res.Locations) != 1 {
			t.Fatalf("result %d: %d locations", i, len(res.Locations))
		}
		loc := res.Locations[0].PhysicalLocation
		if loc.ArtifactLocation.URI != "src/my%20app/app.py" || loc.ArtifactLocation.URIBaseID != SRCROOT {
			t.Errorf("result %d artifact %+v; want a relative, forward-slashed, escaped uri under %s", i, loc.ArtifactLocation, SRCROOT)
		}
		if r := loc.Region; r.StartLine != found[i].Line || r.StartColumn != found[i].Column || r.EndColumn != found[i].EndColumn {
			t.Errorf("result %d region %+v", i, r)
		}
		if fp := res.PartialFingerprints[FingerprintKey]; fp != found[i].Fingerprint+":src/my%20app/app.py" {
			t.Errorf("result %d fingerprint %q", i, fp)
		}
	}
	// Only the history finding carries its commit.
	if run.Results[0].Properties["commit"] != "" {
		t.Errorf("a work-tree finding has a commit: %v", run.Results[0].Properties)
	}
	if got := run.Results[2].Properties["commit"]; got != strings.Repeat("ab", 20) {
		t.Errorf("history finding commit %q", got)
	}
	if !strings.Contains(run.Results[2].Message.Text, "added in commit abababababab") {
		t.Errorf("history message: %q", run.Results[2].Message.Text)
	}
}

// TestSARIFClean checks a clean scan still gives GitHub the arrays it wants:
// results and rules present and empty, never null.
func TestSARIFClean(t *testing.T) {
	var b strings.Builder
	if err := SARIF(&b, nil, SARIFOptions{Version: "1.2.3"}); err != nil {
		t.Fatal(err)
	}
	var raw struct {
		Runs []struct {
			Tool    struct{ Driver struct{ Rules []any } }
			Results []any
		}
	}
	if err := json.Unmarshal([]byte(b.String()), &raw); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(b.String(), `"results": []`) || !strings.Contains(b.String(), `"rules": []`) {
		t.Errorf("clean log lacks empty results or rules arrays:\n%s", b.String())
	}
	if len(raw.Runs) != 1 || len(raw.Runs[0].Results) != 0 {
		t.Errorf("clean log: %+v", raw)
	}
}

func TestRelativeURI(t *testing.T) {
	tests := []struct{ rel, want string }{
		{"app.py", "app.py"},
		{"./src/app.py", "src/app.py"},
		{`a\b.py`, "a%5Cb.py"}, // a backslash is a name character outside Windows
		{"my app/ü.py", "my%20app/%C3%BC.py"},
		{"a:b/c.py", "./a:b/c.py"}, // not a URI scheme
		{"100%.py", "100%25.py"},
		{"q?#.py", "q%3F%23.py"},
	}
	for _, tt := range tests {
		if runtime.GOOS == "windows" && strings.Contains(tt.rel, `\`) {
			continue
		}
		if got := relativeURI(tt.rel); got != tt.want {
			t.Errorf("relativeURI(%q) = %q, want %q", tt.rel, got, tt.want)
		}
	}
}

func TestRuleName(t *testing.T) {
	tests := []struct{ id, want string }{
		{"github-token", "GithubToken"},
		{"aws_secret.key", "AwsSecretKey"},
		{"über-key", "ÜberKey"},
		{"x", "X"},
	}
	for _, tt := range tests {
		if got := ruleName(tt.id); got != tt.want {
			t.Errorf("ruleName(%q) = %q, want %q", tt.id, got, tt.want)
		}
	}
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

package scan

import (
	"fmt"
	"path/filepath"
	"testing"

	"golang.org/x/tools/txtar"

	"github.com/keyguard/keyguard/detect"
	"github.com/keyguard/keyguard/internal/fakekey"
)

func testEngine(t *testing.T) *detect.Engine {
	t.Helper()
	e, err := testEngineB()
	if err != nil {
		t.Fatal(err)
	}
	return e
}

func testEngineB() (*detect.Engine, error) { return detect.New(detect.Options{}) }

// TestDecodedFindings checks that keys stored encoded are found with the
// decoded secret's rule at the encoded span, and how they were stored.
func TestDecodedFindings(t *testing.T) {
	e := testEngine(t)
	tests := []struct {
		name, path, text string
		rule, encoding   string
		line, col        int
	}{
		{"k8s secret data", "secret.yaml",
			"data:\n  OPENAI_API_KEY: {{enc base64}}sk-proj-{{alnum 74}}{{lit T3Blbk}}FJ{{alnum 74}}{{enc end}}\n",
			"openai-api-key", "base64", 2, 19},
		{"base64url without padding", "app.env",
			"X={{enc base64url}}ghp_{{b62crc 30}}{{enc end}}\n", "github-token", "base64", 1, 3},
		{"docker auth", "config.json",
			`{"auths": {"r.acme.dev": {"auth": "{{enc base64}}ci:{{alnum 24}}{{enc end}}"}}}`,
			"docker-config-auth", "base64", 1, 36},
		{"docker config inside a k8s secret", "pull.yaml",
			"data:\n  .dockerconfigjson: {{enc base64}}{\"auths\":{\"r.acme.dev\":{\"auth\":\"{{enc base64}}ci:{{alnum 24}}{{enc end}}\"}}}{{enc end}}\n",
			"docker-config-auth", "base64 in base64", 2, 22},
		{"token in base64 in base64", "x.yaml",
			"v: {{enc base64}}token={{enc base64}}ghp_{{b62crc 30}}{{enc end}}{{enc end}}\n",
			"github-token", "base64 in base64", 1, 4},
		// Outside a curl command line (curl-auth-header takes the stored
		// value there), the header's value is decoded.
		{"basic auth header", "call.py",
			`r = get(url, headers={"Authorization": "Basic {{enc base64}}deploy:{{alnum 22}}{{enc end}}"})`,
			"http-basic-auth", "base64", 1, 47},
		// The stored base64 is itself a finding (npm-basic-auth checks that it
		// decodes to a credential); it wins the span over the decoded one.
		{"npmrc _auth", ".npmrc", "_auth={{enc base64}}ci:{{alnum 24}}{{enc end}}\n", "npm-basic-auth", "", 1, 7},
		{"escaped quotes", "cfg.json",
			`{"code": "api_key = \"{{alnum 40}}\""}`, "generic-api-key", "json", 1, 23},
		{"escaped slashes", "ci.json",
			`{"env": "https:\/\/hooks.slack.com\/services\/T{{ualnum 10}}\/B{{ualnum 10}}\/{{alnum 24}}"}`,
			"slack-webhook-url", "json", 1, 10},
		{"URL-escaped key in a connection string", "storage.env",
			"STORAGE=https://acme.blob.core.windows.net/?{{enc url}}AccountKey={{b64 40}}+/{{b64 43}}w=={{enc end}}\n",
			"azure-storage-account-key", "url", 1, 58},
		{"concatenated PEM (Go)", "key.go",
			"const k = \"-----{{lit BEGIN}} RSA PRIVATE KEY-----\\n\" +\n\t\"MIIE{{b64 60}}\\n\" +\n\t\"{{b64 64}}\\n\" +\n\t\"-----{{lit END}} RSA PRIVATE KEY-----\\n\"\n",
			"private-key", "concatenated", 1, 12},
		{"PEM continued with backslashes (shell)", "key.sh",
			"KEY=\"-----{{lit BEGIN}} OPENSSH PRIVATE KEY-----\\\n{{b64 70}}\\\n{{b64 70}}\\\n-----{{lit END}} OPENSSH PRIVATE KEY-----\"\n",
			"private-key", "concatenated", 1, 6},
		{"PuTTY key in literals (Python)", "ppk.py",
			"PPK = (\"PuTTY-User-Key-File-3: ssh-ed25519\\n\"\n  \"Encryption: none\\n\"\n  \"Comment: ci\\n\"\n  \"Public-Lines: 2\\n\"\n  \"AAAAC3NzaC1lZDI1NTE5AAAA{{b64 44}}\\n\"\n  \"{{b64 20}}\\n\"\n  \"Private-Lines: 1\\n\"\n  \"AAAAI{{b64 43}}\\n\"\n  \"Private-MAC: {{hex 64}}\\n\")\n",
			"putty-private-key", "concatenated", 1, 9},
		{"XML element over three lines (Maven settings)", "settings.xml",
			"<server>\n  <id>deploy</id>\n  <password>\n    {{alnum 14}}#{{alnum 6}}\n  </password>\n</server>\n",
			"generic-password", "element", 4, 5},
		{"XML element over three lines, CRLF", "app.config",
			"<appSettings>\r\n\t<apiToken>\r\n\t\t{{alnum 40}}\r\n\t</apiToken>\r\n</appSettings>\r\n",
			"generic-api-key", "element", 3, 3},
		{"Kubernetes env list", "deploy.yaml",
			"spec:\n  containers:\n    - env:\n        - name: DD_API_KEY\n          value: \"{{hex 32}}\"\n",
			"datadog-api-key", "pair", 5, 19},
		{"ECS task definition", "task.json",
			`{"environment": [{"name": "LOG_LEVEL", "value": "info"}, {"name": "SERVICE_TOKEN", "value": "{{alnum 40}}"}]}`,
			"generic-api-key", "pair", 1, 94},
		{"Info.plist entry", "Info.plist",
			"<dict>\n\t<key>StreamChatSecret</key>\n\t<string>{{lalnum 64}}</string>\n</dict>\n",
			"generic-api-key", "plist", 3, 10},
		{"Info.plist entry with a PascalCase *Key name", "Info.plist",
			"<dict>\n\t<key>FreshaPartnerKey</key>\n\t<string>{{alnum 20}}7aQ{{alnum 25}}</string>\n</dict>\n",
			"generic-pascal-key", "plist", 3, 10},
		{"Postman variable", "api.postman_collection.json",
			`{"variable": [{ "key": "api_token", "value": "{{alnum 40}}", "type": "string" }]}`,
			"generic-api-key", "pair", 1, 47},
		{"curl continued over lines (README)", "README.md",
			"```sh\ncurl -X POST https://api.acme.dev/v1/token \\\n  -H 'Content-Type: application/json' \\\n  -u deploy:{{alnum 20}}\n```\n",
			"curl-basic-auth", "continued", 4, 13},
		{"CSV export with a key column", "api_credentials.csv",
			"Service,Owner,Environment,Key,Created\nAcme,finance-ops,production,{{hex 80}},2024-02-11\n",
			"generic-bare-key", "csv", 2, 29},
		{"CSV row naming its provider in another cell", "api-keys-inventory.csv",
			"Team,Service,Owner,Key,Created\nGrowth,Clearbit,ops,sk_{{hex 32}},2024-02-11\n",
			"clearbit-secret-api-key", "csv", 2, 21},
		{"TSV export with a secret column", "connectors.tsv",
			"connector\ttenant\tclient_id\tsecret\tscope\nacme\tacme\t{{alnum 16}}\t{{alnum 43}}\temployees:read\n",
			"generic-api-key", "csv", 2, 28},
		{"key alone on its line in a multi-line call (Python)", "geo.py",
			"geocoder = OpenCage(\n    \"{{hex 32}}\"\n)\n",
			"generic-client-variable", "call", 2, 6},
		{"second argument of a multi-line constructor (C#)", "Sms.cs",
			"var sms = new AcmeSms(\r\n\t\"acme-ops\",\r\n\t\"{{alnum 30}}\");\r\n",
			"generic-constructor-key", "call", 3, 3},
		{"row of a multi-line INSERT", "seed.sql",
			"INSERT INTO integrations (user_id, provider, api_key) VALUES\n  (1, 'Acme', '{{alnum 32}}'),\n  (2, 'beta', NULL);\n",
			"generic-sql-insert-key", "row", 2, 16},
		{"Markdown table with a key column", "docs/integrations.md",
			"## Virtual tours\n| vendor | key |\n|---|---|\n| Acme Tours | `{{alnum 32}}` |\n",
			"generic-bare-key", "table", 4, 17},
		{"curl header continued, CRLF", "call.sh",
			"curl https://api.acme.dev \\\r\n\t--header \"X-Api-Key: {{alnum 32}}\"\r\n",
			"curl-auth-header", "continued", 2, 23},
	}
	// Each case is scanned afresh and by one decoding that a pool worker
	// would keep from text to text: the cases run in turn through it.
	var reused decoding
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			text := fakekey.Expand(tt.text)
			for how, hits := range map[string][]hit{
				"fresh":  scanText(e, tt.path, []byte(text)),
				"reused": reused.scanText(e, tt.path, []byte(text)),
			} {
				var got []string
				found := false
				for _, h := range hits {
					found = found || h.Rule.ID == tt.rule && h.encoding == tt.encoding && h.Line == tt.line && h.Column == tt.col
					got = append(got, fmt.Sprintf("%s (%s) at %d:%d", h.Rule.ID, h.encoding, h.Line, h.Column))
				}
				if !found {
					t.Errorf("%s: want %s (%s) at %d:%d; got %v", how, tt.rule, tt.encoding, tt.line, tt.col, got)
				}
			}
		})
	}
}

// TestOneFindingPerDecodedSecret checks that a secret reached through two
// readings of one value (a HAR header's base64, decoded as it stands and
// as a name/value pair) is reported once.
func TestOneFindingPerDecodedSecret(t *testing.T) {
	e := testEngine(t)
	text := fakekey.Expand(`      { "name": "Authorization", "value": "Basic {{enc base64}}{{hex 32}}:{{enc end}}" }` + "\n")
	var got []string
	for _, h := range scanText(e, "recording.har", []byte(text)) {
		got = append(got, fmt.Sprintf("%s (%s) at %d:%d", h.Rule.ID, h.encoding, h.Line, h.Column))
	}
	if len(got) != 1 {
		t.Errorf("want one finding, got %v", got)
	}
}

// TestDecodingAddsNoNoise runs the whole negative corpus of detect (lock
// files, hashes, images, source maps, bundles, encoded lookalikes) through
// the decoding scan: nothing it holds is a key, decoded or not.
func TestDecodingAddsNoNoise(t *testing.T) {
	e := testEngine(t)
	files, err := filepath.Glob("../detect/testdata/corpus/negatives/*.txtar")
	if err != nil || len(files) == 0 {
		t.Fatalf("glob negatives: %v (%d files)", err, len(files))
	}
	n := 0
	for _, name := range files {
		ar, err := txtar.ParseFile(name)
		if err != nil {
			t.Fatal(err)
		}
		for _, f := range ar.Files {
			for seed := range uint64(3) {
				text := fakekey.ExpandSeed(string(f.Data), seed+1)
				jobs := []Job{{Path: f.Name, StartLine: 1, Text: []byte(text)}}
				if nb, ok := notebookJobs(f.Name, []byte(text), nil, nil); ok {
					jobs = nb
				}
				for _, j := range jobs {
					for _, h := range scanText(e, j.Path, j.Text) {
						t.Errorf("%s: %s: %s (%q) at line %d", filepath.Base(name), f.Name, h.Rule.ID, h.encoding, h.Line)
					}
				}
				n++
			}
		}
	}
	if n == 0 {
		t.Fatal("no negative files scanned")
	}
}

// TestDecodedSpan checks where a decoded finding ends: a base64 value has
// no finer place than its encoded span, so the finding covers all of it
// (a report or a scorer that reads the columns sees the whole stored
// value), while an escape maps the secret's own end.
func TestDecodedSpan(t *testing.T) {
	e := testEngine(t)
	b64 := fakekey.Expand("{{enc base64}}sk-proj-{{alnum 74}}{{lit T3Blbk}}FJ{{alnum 74}}{{enc end}}")
	tests := []struct {
		name, path, text string
		col, end         int // 1-based, end just after
	}{
		{"base64 in a k8s secret", "secret.yaml", "  OPENAI_API_KEY: " + b64 + "\n", 19, 19 + len(b64)},
		{"curl continued", "call.sh", "curl https://api.acme.dev \\\n  -u ci:" + fakekey.Expand("{{alnum 20}}") + "\n", 9, 29},
	}
	for _, tt := range tests {
		hits := scanText(e, tt.path, []byte(tt.text))
		if len(hits) != 1 {
			t.Errorf("%s: %d findings, want 1", tt.name, len(hits))
			continue
		}
		if h := hits[0]; h.Column != tt.col || h.EndColumn != tt.end {
			t.Errorf("%s: %s at columns %d-%d, want %d-%d", tt.name, h.Rule.ID, h.Column, h.EndColumn, tt.col, tt.end)
		}
	}
}

package blind

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// writeCorpus writes a corpus of files (path -> content) and labels.
func writeCorpus(t *testing.T, files map[string]string, labels string) string {
	t.Helper()
	dir := t.TempDir()
	for p, content := range files {
		full := filepath.Join(dir, filepath.FromSlash(p))
		if err := os.MkdirAll(filepath.Dir(full), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(full, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.WriteFile(filepath.Join(dir, LabelsFile), []byte(labels), 0o644); err != nil {
		t.Fatal(err)
	}
	return dir
}

func TestLoadRejectsMalformedLabels(t *testing.T) {
	good := map[string]string{
		"positive/app/dot_env.tmpl": "A=1\nTOKEN=tok_{{alnum 20}}\n",
		"negative/app/main.go.tmpl": "package main\n",
	}
	label := func(fields string) string {
		return "- {file: positive/app/dot_env.tmpl, line: 2, provider: Acme, kind: API token, family: saas, tier: common, " + fields + "}\n"
	}
	with := func(extra map[string]string) map[string]string {
		m := map[string]string{}
		for k, v := range good {
			m[k] = v
		}
		for k, v := range extra {
			m[k] = v
		}
		return m
	}
	tests := []struct {
		name   string
		files  map[string]string
		labels string
		want   string // in the error; "" means Load succeeds
	}{
		{"well formed", good, label(`secret: "tok_{{alnum 20}}"`), ""},
		{"unknown field", good, label(`secret: "tok_{{alnum 20}}", note: x`), "not found"},
		{"bad tier", good, strings.Replace(label(`secret: "tok_{{alnum 20}}"`), "tier: common", "tier: popular", 1), "tier"},
		{"no provider", good, strings.Replace(label(`secret: "tok_{{alnum 20}}"`), "provider: Acme", "provider: ''", 1), "required"},
		{"wrong line", good, strings.Replace(label(`secret: "tok_{{alnum 20}}"`), "line: 2", "line: 1", 1), "occurs 0 times"},
		{"line out of range", good, strings.Replace(label(`secret: "tok_{{alnum 20}}"`), "line: 2", "line: 9", 1), "out of range"},
		{"literal secret", good, label(`secret: "A=1"`), "no fakekey token"},
		{"cuts a token", good, label(`secret: "tok_{{alnum"`), "no fakekey token"},
		{"cuts a token after its start", good, label(`secret: "alnum 20}}"`), "no fakekey token"},
		{"twice on the line", with(map[string]string{"positive/app/dot_env.tmpl": "A=1\nT={{hex 4}} U={{hex 4}}\n"}), label(`secret: "{{hex 4}}"`), "occurs 2 times"},
		{"missing file", good, strings.Replace(label(`secret: "tok_{{alnum 20}}"`), "positive/app/dot_env.tmpl", "positive/app/nope.tmpl", 1) + label(`secret: "tok_{{alnum 20}}"`), "no such template file"},
		{"label in a negative file", with(map[string]string{"negative/app/k.tmpl": "A=1\nk={{hex 8}}\n"}),
			label(`secret: "tok_{{alnum 20}}"`) + strings.Replace(label(`secret: "{{hex 8}}"`), "positive/app/dot_env.tmpl", "negative/app/k.tmpl", 1), "under positive/"},
		{"unlabelled positive file", with(map[string]string{"positive/app/other.tmpl": "x\n"}), label(`secret: "tok_{{alnum 20}}"`), "without a label"},
		{"not a .tmpl file", with(map[string]string{"negative/app/.env": "x\n"}), label(`secret: "tok_{{alnum 20}}"`), "must end in .tmpl"},
		{"unknown token", with(map[string]string{"negative/app/x.tmpl": "{{nope 3}}\n"}), label(`secret: "tok_{{alnum 20}}"`), "does not expand"},
		{"starts inside a token", with(map[string]string{"positive/app/dot_env.tmpl": "A=1\nT={{hex 4}}{{hex 6}}\n"}), label(`secret: "4}}{{hex 6}}"`), "cuts a {{...}} token"},
		{"overlap", with(map[string]string{"positive/app/dot_env.tmpl": "A=1\nT=ab{{hex 4}}cd\n"}), label(`secret: "ab{{hex 4}}"`) + label(`secret: "{{hex 4}}cd"`), "overlaps"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Load(writeCorpus(t, tt.files, tt.labels))
			switch {
			case tt.want == "" && err != nil:
				t.Fatalf("Load: %v", err)
			case tt.want != "" && err == nil:
				t.Fatalf("Load accepted a corpus with a %s", tt.name)
			case tt.want != "" && !strings.Contains(err.Error(), tt.want):
				t.Fatalf("Load error %q does not say %q", err, tt.want)
			}
		})
	}
}

func TestOutPath(t *testing.T) {
	tests := []struct{ in, want string }{
		{"positive/app/dot_env.tmpl", "positive/app/.env"},
		{"positive/home/dot_aws/credentials.tmpl", "positive/home/.aws/credentials"},
		{"negative/app/main.go.tmpl", "negative/app/main.go"},
		{"positive/app/not_dot_x.tmpl", "positive/app/not_dot_x"},
	}
	for _, tt := range tests {
		if got := OutPath(tt.in); got != tt.want {
			t.Errorf("OutPath(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

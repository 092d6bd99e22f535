package secretfiles

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestDetectEcosystems(t *testing.T) {
	tests := []struct {
		name  string
		files map[string]string
		want  string // names, comma-separated, in order
	}{
		{"empty", nil, "project"},
		{"streamlit requirements", map[string]string{"requirements.txt": "Streamlit>=1\n"}, "Streamlit app"},
		{"streamlit pyproject", map[string]string{"pyproject.toml": "dependencies = [\"streamlit\"]\n"}, "Streamlit app"},
		{"streamlit import in a subfolder", map[string]string{"pages/home.py": "from streamlit import write\n"}, "Streamlit app"},
		{"streamlit import too deep", map[string]string{"a/b/home.py": "import streamlit\n"}, "project"},
		{"streamlit only mentioned", map[string]string{"app.py": "# not import streamlit here\n"}, "project"},
		{"python", map[string]string{"setup.py": "x"}, "Python project"},
		{"node", map[string]string{"package.json": "{}"}, "Node project"},
		{"rails gemfile", map[string]string{"Gemfile": "gem 'rails', '~> 7'\n"}, "Rails app"},
		{"ruby without rails", map[string]string{"Gemfile": "gem 'sinatra'\n"}, "project"},
		{"terraform in a module folder", map[string]string{"infra/main.tf": "x"}, "Terraform configuration"},
		{"several", map[string]string{"package.json": "{}", "requirements.txt": "flask", "main.tf": "x"}, "Python project, Node project, Terraform configuration"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			for name, content := range tt.files {
				p := filepath.Join(dir, name)
				if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
					t.Fatal(err)
				}
				if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			var names []string
			for _, e := range DetectEcosystems(dir) {
				names = append(names, e.Name)
				if e.Reason == "" || len(e.probes) == 0 || e.probes[0].path != dotenv.path {
					t.Errorf("%s: reason %q, probes %v: every ecosystem needs a reason and the dotenv entries first", e.Name, e.Reason, e.probes)
				}
			}
			if got := strings.Join(names, ", "); got != tt.want {
				t.Errorf("got %q, want %q", got, tt.want)
			}
		})
	}
}

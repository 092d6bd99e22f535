package secretfiles

// Standard entries: the secret files a project of a given kind will have
// sooner or later (the .env made five minutes after git init), ignored
// before they exist, so the first `git add .` cannot commit them.

import (
	"bytes"
	"context"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/keyguard/keyguard/coverage"
	"github.com/keyguard/keyguard/git"
)

// Ecosystem is one kind of project found in the repository, with the
// secret files such projects keep.
type Ecosystem struct {
	Name   string // "Streamlit app", "Rails app", ...
	Reason string // what showed it: "requirements.txt names streamlit"
	// probes are paths the project's secret files take; an entry is added
	// only when git would not ignore its probe already.
	probes []probe
}

// probe is one standard secret file: a path it takes, and the .gitignore
// lines for it ("" lines: the catalogue's lines for the path).
type probe struct {
	path  string
	lines []string
}

// Standard is what fix-ignore adds for one ecosystem: the lines, and why.
type Standard struct {
	Ecosystem Ecosystem
	Lines     []string
}

// dotenv is every project's: .env and its variants (templates stay
// committable), as the catalogue writes them.
var dotenv = probe{path: ".env.local"}

// DetectEcosystems names the kinds of project in the work tree at top,
// from their manifests and, for Streamlit, their imports. Every project
// gets the dotenv entries; it is listed first.
func DetectEcosystems(top string) []Ecosystem {
	read := func(name string) []byte {
		b, _ := os.ReadFile(filepath.Join(top, name))
		return bytes.ToLower(b)
	}
	has := func(name string) bool { _, err := os.Lstat(filepath.Join(top, name)); return err == nil }
	var found []Ecosystem
	add := func(name, reason string, probes ...probe) {
		found = append(found, Ecosystem{Name: name, Reason: reason, probes: probes})
	}

	pyManifests := []string{"requirements.txt", "requirements-dev.txt", "pyproject.toml", "Pipfile", "setup.py", "setup.cfg", "environment.yml"}
	streamlit := ""
	python := ""
	for _, m := range pyManifests {
		if !has(m) {
			continue
		}
		if python == "" {
			python = m
		}
		if streamlit == "" && bytes.Contains(read(m), []byte("streamlit")) {
			streamlit = m + " names streamlit"
		}
	}
	if streamlit == "" {
		streamlit = importsStreamlit(top)
	}
	if python == "" && streamlit != "" {
		python = "Python files"
	}
	switch {
	case streamlit != "":
		add("Streamlit app", streamlit, dotenv, probe{path: ".streamlit/secrets.toml"})
	case python != "":
		add("Python project", "found "+python, dotenv)
	}
	if has("package.json") {
		add("Node project", "found package.json", dotenv)
	}
	if has("config/application.rb") || bytes.Contains(read("Gemfile"), []byte("rails")) {
		reason := "found config/application.rb"
		if !has("config/application.rb") {
			reason = "Gemfile names rails"
		}
		add("Rails app", reason, dotenv,
			probe{path: "config/master.key", lines: []string{"/config/master.key"}},
			probe{path: "config/credentials/production.key", lines: []string{"/config/credentials/*.key"}})
	}
	if tf := terraformFile(top); tf != "" {
		add("Terraform configuration", "found "+tf, dotenv,
			probe{path: "terraform.tfvars"},
			probe{path: "terraform.tfstate"})
	}
	if len(found) == 0 {
		add("project", "every project ends up with a .env", dotenv)
	}
	return found
}

// importsStreamlit looks for "import streamlit" in the Python files at the
// top and one level down (where apps live), and names the first.
func importsStreamlit(top string) string {
	var hit string
	_ = filepath.WalkDir(top, func(p string, d fs.DirEntry, err error) error {
		if err != nil || hit != "" {
			return filepath.SkipDir
		}
		rel, _ := filepath.Rel(top, p)
		if d.IsDir() {
			if p != top && (strings.HasPrefix(d.Name(), ".") || d.Name() == "node_modules" || strings.Count(rel, string(filepath.Separator)) >= 1) {
				return filepath.SkipDir
			}
			return nil
		}
		if !strings.HasSuffix(d.Name(), ".py") {
			return nil
		}
		b, err := os.ReadFile(p)
		if err != nil || len(b) > 1<<20 {
			return nil
		}
		for _, l := range strings.Split(string(b), "\n") {
			l = strings.TrimSpace(l)
			if strings.HasPrefix(l, "import streamlit") || strings.HasPrefix(l, "from streamlit") {
				hit = filepath.ToSlash(rel) + " imports streamlit"
				return filepath.SkipAll
			}
		}
		return nil
	})
	return hit
}

// terraformFile names a .tf file at the top or one level down, "" if none.
func terraformFile(top string) string {
	for _, pat := range []string{"*.tf", "*/*.tf"} {
		if m, _ := filepath.Glob(filepath.Join(top, pat)); len(m) > 0 {
			rel, _ := filepath.Rel(top, m[0])
			return filepath.ToSlash(rel)
		}
	}
	return ""
}

// MissingStandard returns, per ecosystem, the standard lines git would not
// already honour: a probe that git ignores (by any rule, shared or not)
// adds nothing, so running it again adds nothing.
func MissingStandard(ctx context.Context, repo *git.Repo, cat *coverage.Catalogue) ([]Standard, error) {
	if cat == nil {
		cat = coverage.Default()
	}
	ecos := DetectEcosystems(repo.Top)
	var paths []string
	for _, e := range ecos {
		for _, p := range e.probes {
			paths = append(paths, p.path)
		}
	}
	src, err := repo.CheckIgnore(ctx, paths)
	if err != nil {
		return nil, fmt.Errorf("check the standard entries: %w", err)
	}
	ignored := map[string]bool{}
	for _, s := range src {
		ignored[s.Path] = ignored[s.Path] || (s.Ignored && s.Shared)
	}
	seen := map[string]bool{}
	var out []Standard
	for _, e := range ecos {
		st := Standard{Ecosystem: e}
		for _, p := range e.probes {
			if ignored[p.path] || seen[p.path] {
				continue
			}
			seen[p.path] = true
			lines := p.lines
			if lines == nil {
				entry, ok := cat.Classify(p.path)
				if !ok {
					continue // the configuration took this kind of file out
				}
				if lines, err = cat.IgnoreLines(p.path, entry); err != nil {
					return nil, err
				}
			}
			st.Lines = append(st.Lines, lines...)
		}
		if len(st.Lines) > 0 {
			out = append(out, st)
		}
	}
	return out, nil
}

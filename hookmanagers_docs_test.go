package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/rogpeppe/go-internal/txtar"
)

// TestHookManagerDocs checks that the setups docs/hook-managers.md shows
// are the ones the scenarios run with the real tools, so a reader who
// copies a snippet gets what was tested.
func TestHookManagerDocs(t *testing.T) {
	doc, err := os.ReadFile(filepath.Join("docs", "hook-managers.md"))
	if err != nil {
		t.Fatal(err)
	}
	blocks := fencedBlocks(string(doc))
	tests := []struct {
		name     string
		start    string // how the docs' block starts
		drop     string // a first line the docs show but the file does not hold
		script   string // the scenario
		file     string // the file in it
		wantKeys []string
	}{
		{"lefthook team setup", "# lefthook.yml\n", "# lefthook.yml\n", "lefthook_per_docs_minimal_env.txtar", "lefthook.yml", []string{"assert_lefthook_installed: true", "use_stdin: true", "pre-merge-commit:"}},
		{"pre-commit config", "repos:\n", "", "precommit_framework_config.txtar", ".pre-commit-config.yaml", []string{"id: keyguard-pre-push", "pre-merge-commit"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var block string
			for _, b := range blocks {
				if strings.HasPrefix(b, tt.start) {
					block = strings.TrimPrefix(b, tt.drop)
					break
				}
			}
			if block == "" {
				t.Fatalf("docs/hook-managers.md has no block starting %q", tt.start)
			}
			for _, k := range tt.wantKeys {
				if !strings.Contains(block, k) {
					t.Errorf("the docs' block lacks %q", k)
				}
			}
			ar, err := txtar.ParseFile(filepath.Join("testdata", "script", tt.script))
			if err != nil {
				t.Fatal(err)
			}
			for _, f := range ar.Files {
				if f.Name == tt.file {
					if string(f.Data) != block {
						t.Errorf("%s in %s differs from the docs' block:\n%s\nwant (docs):\n%s", tt.file, tt.script, f.Data, block)
					}
					return
				}
			}
			t.Fatalf("%s holds no %s", tt.script, tt.file)
		})
	}
}

// fencedBlocks returns the content of every ``` block in a Markdown text.
func fencedBlocks(md string) []string {
	var out []string
	var cur *strings.Builder
	for _, l := range strings.SplitAfter(md, "\n") {
		if strings.HasPrefix(l, "```") {
			if cur == nil {
				cur = &strings.Builder{}
			} else {
				out = append(out, cur.String())
				cur = nil
			}
			continue
		}
		if cur != nil {
			cur.WriteString(l)
		}
	}
	return out
}

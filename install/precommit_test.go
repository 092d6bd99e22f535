package install

import (
	"os"
	"path/filepath"
	"testing"
)

func TestPreCommitConfigRuns(t *testing.T) {
	pre, push, merge := managedHooks()[0], managedHooks()[1], managedHooks()[2]
	head := "repos:\n  - repo: https://github.com/keyguard/keyguard\n    rev: v0.1.0\n    hooks:\n"
	tests := []struct {
		name   string
		config string // "" for no file
		h      hookDef
		want   bool
	}{
		{"no config", "", pre, false},
		{"keyguard id", head + "      - id: keyguard\n", pre, true},
		{"default stage is pre-commit only", head + "      - id: keyguard\n", merge, false},
		{"stage named", head + "      - id: keyguard\n        stages: [pre-commit, pre-merge-commit]\n", merge, true},
		{"old stage name", head + "      - id: keyguard\n        stages: [commit]\n", pre, true},
		{"stages exclude it", head + "      - id: keyguard\n        stages: [pre-merge-commit]\n", pre, false},
		{"push id", head + "      - id: keyguard-pre-push\n", push, true},
		{"push id is not the commit hook", head + "      - id: keyguard-pre-push\n", pre, false},
		{"other ids", head + "      - id: gitleaks\n", pre, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			if tt.config != "" {
				if err := os.WriteFile(filepath.Join(dir, ".pre-commit-config.yaml"), []byte(tt.config), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			got, err := preCommitConfigRuns(dir, tt.h)
			if err != nil {
				t.Fatal(err)
			}
			if got != tt.want {
				t.Errorf("preCommitConfigRuns(%s) = %v, want %v", tt.h.Name, got, tt.want)
			}
		})
	}
}

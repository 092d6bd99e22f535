package main

import (
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"gopkg.in/yaml.v3"

	"github.com/keyguard/keyguard/internal/fakekey"
	"github.com/keyguard/keyguard/internal/gittest"
)

// preCommitHook is one entry of .pre-commit-hooks.yaml, as the pre-commit
// framework reads it.
type preCommitHook struct {
	ID            string   `yaml:"id"`
	Name          string   `yaml:"name"`
	Language      string   `yaml:"language"`
	Entry         string   `yaml:"entry"`
	PassFilenames *bool    `yaml:"pass_filenames"`
	AlwaysRun     bool     `yaml:"always_run"`
	Stages        []string `yaml:"stages"`
}

func loadPreCommitHooks(t *testing.T) map[string]preCommitHook {
	t.Helper()
	data, err := os.ReadFile(".pre-commit-hooks.yaml")
	if err != nil {
		t.Fatal(err)
	}
	var list []preCommitHook
	if err := yaml.Unmarshal(data, &list); err != nil {
		t.Fatalf(".pre-commit-hooks.yaml: %v", err)
	}
	hooks := map[string]preCommitHook{}
	for _, h := range list {
		hooks[h.ID] = h
	}
	return hooks
}

// TestPreCommitHooksFile checks what the pre-commit framework needs to build
// and run keyguard: a Go hook, no file names (keyguard judges the whole
// commit or push), one hook per stage.
func TestPreCommitHooksFile(t *testing.T) {
	hooks := loadPreCommitHooks(t)
	tests := []struct{ id, entryPrefix, stage string }{
		{"keyguard", "keyguard hook pre-commit", "pre-commit"},
		{"keyguard-pre-push", "sh -c ", "pre-push"},
	}
	if len(hooks) != len(tests) {
		t.Errorf("%d hooks, want %d", len(hooks), len(tests))
	}
	for _, tt := range tests {
		h, ok := hooks[tt.id]
		if !ok {
			t.Errorf("no hook %q", tt.id)
			continue
		}
		if h.Language != "golang" || h.Name == "" || !strings.HasPrefix(h.Entry, tt.entryPrefix) {
			t.Errorf("%s: language %q, name %q, entry %q", tt.id, h.Language, h.Name, h.Entry)
		}
		if h.PassFilenames == nil || *h.PassFilenames || !h.AlwaysRun {
			t.Errorf("%s: pass_filenames must be false and always_run true", tt.id)
		}
		if len(h.Stages) != 1 || h.Stages[0] != tt.stage {
			t.Errorf("%s: stages %v, want [%s]", tt.id, h.Stages, tt.stage)
		}
	}
}

// runEntry runs a hook's entry the way the pre-commit framework does: split
// like a POSIX shell (shlex), no file names appended, in the repository,
// with the framework's variables. keyguard is on PATH (see TestMain).
func runEntry(t *testing.T, r *gittest.Repo, entry string, env ...string) (int, string) {
	t.Helper()
	cmd := exec.Command("sh", "-c", entry)
	cmd.Dir = r.Dir
	cmd.Env = append(append([]string(nil), r.Env...), env...)
	out, err := cmd.CombinedOutput()
	var exit *exec.ExitError
	switch {
	case err == nil:
		return 0, string(out)
	case errors.As(err, &exit):
		return exit.ExitCode(), string(out)
	}
	t.Fatalf("run %q: %v", entry, err)
	return 0, ""
}

func TestPreCommitFrameworkRunsTheHooks(t *testing.T) {
	if _, err := exec.LookPath("sh"); err != nil {
		t.Skip("no sh")
	}
	hooks := loadPreCommitHooks(t)
	key, tokens := fakekey.ExpandTokens(`TOKEN = "ghp_{{b62crc 30}}"` + "\n")
	noLeak := func(t *testing.T, out string) {
		t.Helper()
		for i, tok := range tokens {
			if strings.Contains(out, tok) {
				t.Fatalf("output contains expanded secret #%d unredacted", i+1)
			}
		}
	}

	t.Run("pre-commit", func(t *testing.T) {
		r := gittest.New(t)
		r.Write("app.py", "print(1)\n")
		r.Git("add", ".")
		if code, out := runEntry(t, r, hooks["keyguard"].Entry); code != 0 || !strings.Contains(out, "no secrets found") {
			t.Fatalf("clean commit: exit %d\n%s", code, out)
		}
		r.Write("key.py", key)
		r.Git("add", ".")
		code, out := runEntry(t, r, hooks["keyguard"].Entry)
		if code != 1 || !strings.Contains(out, "commit refused") {
			t.Fatalf("commit with a key: exit %d\n%s", code, out)
		}
		noLeak(t, out)
	})

	// pre-commit hands pre-push hooks the first pushed ref as variables.
	entry := hooks["keyguard-pre-push"].Entry
	remote := gittest.New(t, "--bare")
	refVars := func(from, to string) []string {
		v := []string{"PRE_COMMIT_REMOTE_NAME=origin", "PRE_COMMIT_REMOTE_URL=" + remote.Dir,
			"PRE_COMMIT_LOCAL_BRANCH=refs/heads/main", "PRE_COMMIT_REMOTE_BRANCH=refs/heads/main"}
		if from != "" {
			v = append(v, "PRE_COMMIT_FROM_REF="+from, "PRE_COMMIT_TO_REF="+to)
		}
		return v
	}
	r := gittest.New(t)
	r.Write("app.py", "print(1)\n")
	r.Git("add", ".")
	r.Git("commit", "-q", "-m", "clean")
	r.Git("remote", "add", "origin", remote.Dir)
	r.Git("push", "-q", "--no-verify", "origin", "main")
	base := strings.TrimSpace(r.Git("rev-parse", "HEAD"))
	r.Write("key.py", key)
	r.Git("add", ".")
	r.Git("commit", "-q", "--no-verify", "-m", "key")
	withKey := strings.TrimSpace(r.Git("rev-parse", "HEAD"))
	r.Git("rm", "-q", "key.py")
	r.Git("commit", "-q", "--no-verify", "-m", "no key")
	head := strings.TrimSpace(r.Git("rev-parse", "HEAD"))

	t.Run("pre-push sends a key", func(t *testing.T) {
		code, out := runEntry(t, r, entry, refVars(base, head)...)
		if code != 1 || !strings.Contains(out, "key.py") {
			t.Fatalf("exit %d\n%s", code, out)
		}
		noLeak(t, out)
	})
	t.Run("pre-push sends no key", func(t *testing.T) {
		if code, out := runEntry(t, r, entry, refVars(withKey, head)...); code != 0 {
			t.Fatalf("exit %d\n%s", code, out)
		}
	})
	t.Run("pre-push of a new root branch", func(t *testing.T) {
		fresh := gittest.New(t)
		fresh.Write("app.py", "print(1)\n")
		fresh.Git("add", ".")
		fresh.Git("commit", "-q", "-m", "clean")
		if code, out := runEntry(t, fresh, entry, refVars("", "")...); code != 0 {
			t.Fatalf("clean new branch: exit %d\n%s", code, out)
		}
		fresh.Write(filepath.Join("lib", "key.py"), key)
		fresh.Git("add", ".")
		fresh.Git("commit", "-q", "--no-verify", "-m", "key")
		code, out := runEntry(t, fresh, entry, refVars("", "")...)
		if code != 1 || !strings.Contains(out, "lib/key.py") {
			t.Fatalf("new branch with a key: exit %d\n%s", code, out)
		}
		noLeak(t, out)
	})
}

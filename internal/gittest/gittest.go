// Package gittest creates real git repositories for tests: keyguard's tests
// drive the real git, never a mock.
package gittest

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// Repo is a temporary repository with an isolated git configuration.
type Repo struct {
	t   testing.TB
	Dir string
	Env []string
}

// New runs `git init` in a fresh temporary directory with extra init args.
func New(t testing.TB, initArgs ...string) *Repo {
	t.Helper()
	home := t.TempDir()
	cfg := filepath.Join(home, ".gitconfig")
	if err := os.WriteFile(cfg, []byte("[user]\n\tname = Keyguard Test\n\temail = test@keyguard.invalid\n[init]\n\tdefaultBranch = main\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	r := &Repo{t: t, Dir: t.TempDir()}
	r.Env = append(os.Environ(), "HOME="+home, "GIT_CONFIG_GLOBAL="+cfg, "GIT_CONFIG_NOSYSTEM=1", "LC_ALL=C")
	r.Git(append([]string{"init", "-q"}, initArgs...)...)
	// Tests that chdir into the repository see the same isolated config.
	t.Setenv("HOME", home)
	t.Setenv("GIT_CONFIG_GLOBAL", cfg)
	t.Setenv("GIT_CONFIG_NOSYSTEM", "1")
	return r
}

// Git runs git in the repository and returns its stdout; it fails the test
// on error.
func (r *Repo) Git(args ...string) string {
	r.t.Helper()
	cmd := exec.Command("git", args...)
	cmd.Dir = r.Dir
	cmd.Env = r.Env
	out, err := cmd.CombinedOutput()
	if err != nil {
		r.t.Fatalf("git %s: %v\n%s", strings.Join(args, " "), err, out)
	}
	return string(out)
}

// Write creates a file (and its parents) relative to the repository root.
func (r *Repo) Write(name, content string) {
	r.t.Helper()
	path := filepath.Join(r.Dir, filepath.FromSlash(name))
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		r.t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
		r.t.Fatal(err)
	}
}

// WithEnv returns a view of the repository whose git commands run with extra
// environment variables.
func (r *Repo) WithEnv(kv ...string) *Repo {
	env := append(append([]string(nil), r.Env...), kv...)
	return &Repo{t: r.t, Dir: r.Dir, Env: env}
}

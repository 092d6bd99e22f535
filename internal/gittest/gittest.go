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

// GitConfig is the only configuration the tests' git reads: an identity,
// a fixed default branch, and nothing of the developer's. testscript
// scenarios get it too (main_test.go); testscript passes them no GIT_*
// variable of the shell's.
const GitConfig = "[user]\n\tname = Keyguard Test\n\temail = test@keyguard.invalid\n[init]\n\tdefaultBranch = main\n[advice]\n\tdetachedHead = false\n"

// New runs `git init` in a fresh temporary directory with extra init args.
// It pins the environment first (see Pin).
func New(t testing.TB, initArgs ...string) *Repo {
	t.Helper()
	Pin(t)
	r := &Repo{t: t, Dir: t.TempDir(), Env: append(os.Environ(), "LC_ALL=C")}
	r.Git(append([]string{"init", "-q"}, initArgs...)...)
	return r
}

// Pin makes the test process's git environment the tests' own, whatever
// shell ran go test: every GIT_* variable is removed (an author, a GIT_DIR
// left by a hook, GIT_CONFIG_COUNT injections), and HOME, XDG_CONFIG_HOME
// and GIT_CONFIG_GLOBAL point at a fresh configuration, so a developer's
// commit.gpgsign, core.hooksPath, init.defaultBranch or color.ui cannot
// change what a test sees. Everything is restored when the test ends.
// Tests that call Pin cannot run in parallel.
func Pin(t testing.TB) {
	t.Helper()
	for _, kv := range os.Environ() {
		name, _, _ := strings.Cut(kv, "=")
		if strings.HasPrefix(name, "GIT_") {
			t.Setenv(name, "") // restores the value at cleanup
			if err := os.Unsetenv(name); err != nil {
				t.Fatal(err)
			}
		}
	}
	home := t.TempDir()
	cfg := filepath.Join(home, ".gitconfig")
	if err := os.WriteFile(cfg, []byte(GitConfig), 0o644); err != nil {
		t.Fatal(err)
	}
	t.Setenv("HOME", home)
	t.Setenv("XDG_CONFIG_HOME", filepath.Join(home, ".config"))
	t.Setenv("GIT_CONFIG_GLOBAL", cfg)
	t.Setenv("GIT_CONFIG_NOSYSTEM", "1")
}

// Git runs git in the repository and returns its stdout; it fails the test
// on error.
func (r *Repo) Git(args ...string) string {
	r.t.Helper()
	out, err := r.Try(args...)
	if err != nil {
		r.t.Fatalf("git %s: %v\n%s", strings.Join(args, " "), err, out)
	}
	return out
}

// Try runs git in the repository and returns its combined output and
// error, for a command that may fail on purpose (a merge that stops on a
// conflict).
func (r *Repo) Try(args ...string) (string, error) {
	cmd := exec.Command("git", args...)
	cmd.Dir = r.Dir
	cmd.Env = r.Env
	out, err := cmd.CombinedOutput()
	return string(out), err
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

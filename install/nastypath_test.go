package install

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/keyguard/keyguard/git"
	"github.com/keyguard/keyguard/internal/gittest"
)

// TestInstallAtNastyPath installs into real repositories whose paths hold
// what breaks shell quoting (spaces, quotes, $, backticks, a newline,
// unicode), with the keyguard binary at such a path too, and commits: the
// hook must run keyguard with the right arguments, and its refusal must
// stop the commit.
func TestInstallAtNastyPath(t *testing.T) {
	dirs := []string{
		"with space",
		`it's "quoted"`,
		"$HOME ${X} $(id)",
		"`id` back\\slash",
		"new\nline",
		"ünïcødé 鍵 -dash",
		"semi;colon|pipe&*?[x] #!~",
	}
	for _, name := range dirs {
		t.Run(strings.ReplaceAll(name, "\n", `\n`), func(t *testing.T) {
			g := gittest.New(t)
			g.Dir = filepath.Join(t.TempDir(), name, "repo "+name)
			mustMkdir(t, g.Dir)
			g.Git("init", "-q")
			log := filepath.Join(t.TempDir(), name+" log")
			g.Env = append(g.Env, "KG_LOG="+log)
			self := filepath.Join(t.TempDir(), "bin "+name, "keyguard")
			// Refuses the commit when a staged file is named "refuse".
			mustWrite(t, self, fakeKeyguard+`if [ "$1" = hook ] && git diff --cached --name-only | grep -qx refuse; then exit 1; fi
`, 0o755)

			if strings.Contains(name, "\n") {
				// git cannot print such a path unambiguously: keyguard refuses
				// rather than write hooks where a shifted field points, with
				// or without a first commit.
				for _, commit := range []bool{false, true} {
					if commit {
						g.Git("commit", "-q", "--allow-empty", "-m", "first")
					}
					if _, err := git.Open(context.Background(), g.Dir); err == nil || !strings.Contains(err.Error(), "newline") {
						t.Fatalf("Open with a newline in the path (commit %v): %v", commit, err)
					}
				}
				return
			}
			repo, err := git.Open(context.Background(), g.Dir)
			if err != nil {
				t.Fatal(err)
			}
			var out strings.Builder
			if err := Install(context.Background(), Options{Repo: repo, Self: self, Version: "9.9.9", Out: &out}); err != nil {
				t.Fatalf("install: %v\n%s", err, out.String())
			}

			g.Write("ok.txt", "fine\n")
			g.Git("add", "ok.txt")
			g.Git("commit", "-q", "-m", "allowed")
			got, err := os.ReadFile(log)
			if err != nil || string(got) != "keyguard hook pre-commit\n" {
				t.Fatalf("hook log %q (%v), want keyguard run once as a pre-commit hook", got, err)
			}

			g.Write("refuse", "x\n")
			g.Git("add", "refuse")
			cmd := exec.Command("git", "commit", "-q", "-m", "refused")
			cmd.Dir, cmd.Env = g.Dir, g.Env
			if out, err := cmd.CombinedOutput(); err == nil {
				t.Fatalf("the hook's refusal did not stop the commit:\n%s", out)
			}
			if n := strings.Count(g.Git("log", "--format=%s"), "\n"); n != 1 {
				t.Fatalf("%d commits, want only the allowed one", n)
			}
		})
	}
}

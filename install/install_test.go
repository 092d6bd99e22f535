package install

import (
	"context"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"syscall"
	"testing"

	"github.com/keyguard/keyguard/git"
	"github.com/keyguard/keyguard/internal/gittest"
)

// fakeKeyguard stands in for the keyguard binary: it reports a version and
// logs each hook run to $KG_LOG.
const fakeKeyguard = `#!/bin/sh
case "$1" in
version) echo "keyguard 9.9.9" ;;
hook) printf '%s\n' "keyguard $*" >> "$KG_LOG" ;;
esac
`

// fixture is a real repository with keyguard's options pointed at it.
type fixture struct {
	t    *testing.T
	repo *gittest.Repo
	out  *strings.Builder
	self string
	log  string
}

func newFixture(t *testing.T) *fixture {
	t.Helper()
	r := gittest.New(t)
	self := filepath.Join(t.TempDir(), "build", "keyguard")
	mustWrite(t, self, fakeKeyguard, 0o755)
	log := filepath.Join(t.TempDir(), "log")
	r.Env = append(r.Env, "KG_LOG="+log)
	return &fixture{t: t, repo: r, out: &strings.Builder{}, self: self, log: log}
}

func (f *fixture) path(rel string) string { return filepath.Join(f.repo.Dir, filepath.FromSlash(rel)) }

func (f *fixture) options(force bool) Options {
	f.t.Helper()
	repo, err := git.Open(context.Background(), f.repo.Dir)
	if err != nil {
		f.t.Fatal(err)
	}
	f.out.Reset()
	return Options{Repo: repo, Self: f.self, Version: "9.9.9", Force: force, Out: f.out}
}

func (f *fixture) install(force bool) {
	f.t.Helper()
	if err := Install(context.Background(), f.options(force)); err != nil {
		f.t.Fatalf("install: %v\noutput:\n%s", err, f.out)
	}
	f.checkOutput()
}

func (f *fixture) uninstall() {
	f.t.Helper()
	if err := Uninstall(context.Background(), f.options(false)); err != nil {
		f.t.Fatalf("uninstall: %v\noutput:\n%s", err, f.out)
	}
	f.checkOutput()
}

// checkOutput enforces the output policy on every line keyguard printed.
func (f *fixture) checkOutput() {
	f.t.Helper()
	for _, l := range strings.Split(strings.TrimSuffix(f.out.String(), "\n"), "\n") {
		if l == "" {
			continue
		}
		if !strings.HasPrefix(l, "keyguard: ") && !strings.HasPrefix(l, "hint: ") {
			f.t.Errorf("output line lacks the keyguard: or hint: prefix: %q", l)
		}
		if strings.HasSuffix(l, ".") {
			f.t.Errorf("output line ends with a period: %q", l)
		}
	}
}

func (f *fixture) wantOutput(sub string) {
	f.t.Helper()
	if !strings.Contains(f.out.String(), sub) {
		f.t.Errorf("output lacks %q:\n%s", sub, f.out)
	}
}

// snapshot describes every file below dir: mode, then content or link
// target; with ids, also inode and mtime, which change on any rewrite.
func snapshot(t *testing.T, dir string, ids bool) map[string]string {
	t.Helper()
	snap := map[string]string{}
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			if os.IsNotExist(err) && p == dir {
				return filepath.SkipDir
			}
			return err
		}
		fi, err := os.Lstat(p)
		if err != nil {
			return err
		}
		desc := fi.Mode().String()
		switch {
		case fi.Mode()&fs.ModeSymlink != 0:
			target, _ := os.Readlink(p)
			desc += " -> " + target
		case fi.Mode().IsRegular():
			data, _ := os.ReadFile(p)
			desc += " " + string(data)
		}
		if ids {
			st := fi.Sys().(*syscall.Stat_t)
			desc += fmt.Sprintf(" ino=%d mtime=%d", st.Ino, fi.ModTime().UnixNano())
		}
		rel, _ := filepath.Rel(dir, p)
		snap[rel] = desc
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return snap
}

func diffSnapshots(a, b map[string]string) string {
	var keys []string
	for k := range a {
		keys = append(keys, k)
	}
	for k := range b {
		if _, ok := a[k]; !ok {
			keys = append(keys, k)
		}
	}
	sort.Strings(keys)
	var d strings.Builder
	for _, k := range keys {
		if a[k] != b[k] {
			fmt.Fprintf(&d, "%s:\n  before %.120q\n  after  %.120q\n", k, a[k], b[k])
		}
	}
	return d.String()
}

// TestInstallUninstallRoundTrip installs over each kind of existing hook,
// checks the hook runs as designed, installs again (nothing may change), and
// uninstalls: the hooks directory must be exactly as it was.
func TestInstallUninstallRoundTrip(t *testing.T) {
	tests := []struct {
		name     string
		setup    func(f *fixture)
		wantKept bool   // a kept hook is chained
		wantSay  string // a line install prints
		wantLog  string // what one commit logs
	}{
		{name: "no hook", setup: func(*fixture) {}, wantLog: "keyguard hook pre-commit\n"},
		{name: "executable hook", wantKept: true,
			setup: func(f *fixture) {
				mustWrite(t, f.path(".git/hooks/pre-commit"), "#!/bin/sh\necho user >> \"$KG_LOG\"\n", 0o700)
			},
			wantSay: "it runs before keyguard", wantLog: "user\nkeyguard hook pre-commit\n"},
		{name: "non-executable hook", wantKept: true,
			setup: func(f *fixture) {
				mustWrite(t, f.path(".git/hooks/pre-commit"), "#!/bin/sh\necho user >> \"$KG_LOG\"\n", 0o644)
			},
			wantSay: "it is not executable, so git did not run it and keyguard will not either", wantLog: "keyguard hook pre-commit\n"},
		{name: "relative symlink hook", wantKept: true,
			setup: func(f *fixture) {
				mustWrite(t, f.path("tools/hook"), "#!/bin/sh\necho linked >> \"$KG_LOG\"\n", 0o755)
				if err := os.Symlink("../../tools/hook", f.path(".git/hooks/pre-commit")); err != nil {
					t.Fatal(err)
				}
			},
			wantSay: "it runs before keyguard", wantLog: "linked\nkeyguard hook pre-commit\n"},
		{name: "dangling symlink hook", wantKept: true,
			setup: func(f *fixture) {
				if err := os.Symlink("../../nowhere", f.path(".git/hooks/pre-commit")); err != nil {
					t.Fatal(err)
				}
			},
			wantSay: "not executable", wantLog: "keyguard hook pre-commit\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFixture(t)
			tt.setup(f)
			hooks := f.path(".git/hooks")
			before := snapshot(t, hooks, false)

			f.install(false)
			f.wantOutput("keyguard: installed the pre-commit hook at .git/hooks/pre-commit")
			f.wantOutput(tt.wantSay)
			slot, _ := os.ReadFile(f.path(".git/hooks/pre-commit"))
			if !isOurHook(slot) {
				t.Fatalf("slot does not hold keyguard's hook:\n%s", slot)
			}
			if got := lexists(f.path(".git/hooks/pre-commit.keyguard-chained")); got != tt.wantKept {
				t.Fatalf("kept hook present = %v, want %v", got, tt.wantKept)
			}
			if tt.wantKept && before["pre-commit"] != snapshot(t, hooks, false)["pre-commit.keyguard-chained"] {
				t.Fatalf("kept hook differs from the original")
			}

			// The build folder goes away; the hook still finds keyguard.
			if err := os.RemoveAll(filepath.Dir(f.self)); err != nil {
				t.Fatal(err)
			}
			f.repo.Git("commit", "-q", "--allow-empty", "-m", "one")
			if got, _ := os.ReadFile(f.log); string(got) != tt.wantLog {
				t.Fatalf("one commit logged %q, want %q", got, tt.wantLog)
			}

			// Installing again (from the installed copy) rewrites nothing.
			f.self = f.path(".git/keyguard/keyguard")
			installed := snapshot(t, f.path(".git"), true)
			f.install(false)
			f.wantOutput("keyguard: already installed: .git/hooks/pre-commit runs keyguard 9.9.9, nothing changed")
			if d := diffSnapshots(installed, snapshot(t, f.path(".git"), true)); d != "" {
				t.Fatalf("second install changed files:\n%s", d)
			}

			f.uninstall()
			if d := diffSnapshots(before, snapshot(t, hooks, false)); d != "" {
				t.Fatalf("uninstall did not restore the hooks directory:\n%s", d)
			}
			if lexists(f.path(".git/keyguard")) {
				t.Fatalf(".git/keyguard survived uninstall")
			}
			f.uninstall()
			f.wantOutput("keyguard: keyguard is not installed in this repository, nothing to remove")
		})
	}
}

// TestInstallBlockRoundTrip covers a core.hooksPath inside the work tree:
// keyguard's block is added to the user's script and removed byte for byte.
func TestInstallBlockRoundTrip(t *testing.T) {
	tests := []struct {
		name     string
		husky    bool
		script   string // "" for no script
		mode     os.FileMode
		wantSay  string
		wantGone bool // uninstall deletes the script keyguard created
		noDir    bool // the hooks directory does not exist either
	}{
		{name: "shell script", script: "#!/bin/sh\necho user >> \"$KG_LOG\"\n", mode: 0o755, wantSay: "added keyguard's block to the end of .githooks/pre-commit"},
		{name: "no final newline", script: "#!/bin/sh\necho user >> \"$KG_LOG\"", mode: 0o755, wantSay: "added keyguard's block"},
		{name: "crlf", script: "#!/bin/sh\r\necho user\r\n", mode: 0o755, wantSay: "added keyguard's block"},
		{name: "missing script", wantSay: "created .githooks/pre-commit", wantGone: true},
		{name: "missing directory", wantSay: "created .githooks/pre-commit", wantGone: true, noDir: true},
		{name: "husky script", husky: true, script: "echo user >> \"$KG_LOG\"\n", mode: 0o644, wantSay: "added keyguard's block to the end of .husky/pre-commit"},
		{name: "husky without script", husky: true, wantSay: "created .husky/pre-commit", wantGone: true},
		{name: "ends with exit", script: "#!/bin/sh\nexit 0\n", mode: 0o755, wantSay: "may end it before keyguard's block runs"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFixture(t)
			script := f.path(".githooks/pre-commit")
			if tt.husky {
				mustWrite(t, f.path(".husky/_/h"), "#!/bin/sh\nsh -e \"$(dirname \"$(dirname \"$0\")\")/$(basename \"$0\")\" \"$@\"\n", 0o644)
				mustWrite(t, f.path(".husky/_/pre-commit"), "#!/bin/sh\n. \"$(dirname \"$0\")/h\"\n", 0o755)
				f.repo.Git("config", "core.hooksPath", ".husky/_")
				script = f.path(".husky/pre-commit")
			} else {
				if !tt.noDir {
					mustMkdir(t, f.path(".githooks"))
				}
				f.repo.Git("config", "core.hooksPath", ".githooks")
			}
			if tt.script != "" {
				mustWrite(t, script, tt.script, tt.mode)
			}
			before := snapshot(t, filepath.Dir(script), false)

			f.install(false)
			f.wantOutput(tt.wantSay)
			f.wantOutput("so your teammates' commits are checked too")
			content, err := os.ReadFile(script)
			if err != nil {
				t.Fatal(err)
			}
			if _, ok := findBlock(content, managedHooks()[0]); !ok {
				t.Fatalf("no block in %s:\n%s", script, content)
			}
			if !strings.HasPrefix(string(content), tt.script) && !strings.HasPrefix(string(content), tt.script+"\n") {
				t.Fatalf("the user's lines were changed:\n%q", content)
			}
			fi, _ := os.Stat(script)
			if tt.script != "" && fi.Mode().Perm() != tt.mode {
				t.Fatalf("mode %v, want the user's %v", fi.Mode().Perm(), tt.mode)
			}
			if tt.script == "" && fi.Mode().Perm() != 0o755 {
				t.Fatalf("created script mode %v, want 0755", fi.Mode().Perm())
			}
			// No binary or state among the user's files.
			for _, p := range []string{".githooks/keyguard", ".husky/keyguard", ".husky/_/keyguard"} {
				if lexists(f.path(p)) {
					t.Fatalf("%s written in the work tree", p)
				}
			}
			if !isExecutable(f.path(".git/keyguard/keyguard")) {
				t.Fatalf("binary missing from .git/keyguard")
			}

			installed := snapshot(t, f.repo.Dir, true)
			f.install(false)
			f.wantOutput("already installed")
			if d := diffSnapshots(installed, snapshot(t, f.repo.Dir, true)); d != "" {
				t.Fatalf("second install changed files:\n%s", d)
			}

			f.uninstall()
			if tt.wantGone {
				if lexists(script) {
					t.Fatalf("uninstall kept the script keyguard created")
				}
				f.wantOutput("which keyguard created")
				if got := lexists(filepath.Dir(script)); got == tt.noDir {
					t.Fatalf("%s exists = %v after uninstall; keyguard created it: %v", filepath.Dir(script), got, tt.noDir)
				}
			} else {
				f.wantOutput("removed keyguard's block from")
				if d := diffSnapshots(before, snapshot(t, filepath.Dir(script), false)); d != "" {
					t.Fatalf("uninstall did not restore the script:\n%s", d)
				}
			}
		})
	}
}

// TestInstallRefuses checks the refusals: they change nothing at all.
func TestInstallRefuses(t *testing.T) {
	tests := []struct {
		name    string
		setup   func(f *fixture)
		wantErr string
		wantOut string
	}{
		{
			name: "python hook in the work tree",
			setup: func(f *fixture) {
				mustWrite(t, f.path(".githooks/pre-commit"), "#!/usr/bin/env python3\nprint('x')\n", 0o755)
				f.repo.Git("config", "core.hooksPath", ".githooks")
			},
			wantErr: ".githooks/pre-commit is a python3 script, not a POSIX shell script; keyguard left it unchanged",
			wantOut: "\t\"$(git rev-parse --git-common-dir)/keyguard/keyguard\" hook pre-commit \"$@\" || exit $?\n",
		},
		{
			name: "symlinked hook in the work tree",
			setup: func(f *fixture) {
				mustWrite(t, f.path("tools/hook"), "#!/bin/sh\n", 0o755)
				mustMkdir(t, f.path(".githooks"))
				if err := os.Symlink("../tools/hook", f.path(".githooks/pre-commit")); err != nil {
					t.Fatal(err)
				}
				f.repo.Git("config", "core.hooksPath", ".githooks")
			},
			wantErr: ".githooks/pre-commit is a symlink; keyguard left it unchanged",
			wantOut: "hint: add keyguard to .githooks/pre-commit by hand",
		},
		{
			name: "foreign hook beside a kept one",
			setup: func(f *fixture) {
				mustWrite(t, f.path(".git/hooks/pre-commit"), "#!/bin/sh\necho new\n", 0o755)
				mustWrite(t, f.path(".git/hooks/pre-commit.keyguard-chained"), "#!/bin/sh\necho old\n", 0o755)
			},
			wantErr: ".git/hooks/pre-commit is not keyguard's hook and .git/hooks/pre-commit.keyguard-chained already holds a hook keyguard kept; changed neither",
			wantOut: "hint: keep both with keyguard install --force",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFixture(t)
			tt.setup(f)
			before := snapshot(t, f.repo.Dir, true)
			err := Install(context.Background(), f.options(false))
			if err == nil || err.Error() != tt.wantErr {
				t.Fatalf("install error %v, want %q", err, tt.wantErr)
			}
			f.wantOutput(tt.wantOut)
			if d := diffSnapshots(before, snapshot(t, f.repo.Dir, true)); d != "" {
				t.Fatalf("a refused install changed files:\n%s", d)
			}
		})
	}
}

// TestInstallForceKeepsBoth resolves the replaced-hook conflict with --force:
// no file is lost, both hooks run, and uninstall restores the newer one.
func TestInstallForceKeepsBoth(t *testing.T) {
	f := newFixture(t)
	mustWrite(t, f.path(".git/hooks/pre-commit"), "#!/bin/sh\necho old >> \"$KG_LOG\"\n", 0o755)
	f.install(false)
	mustWrite(t, f.path(".git/hooks/pre-commit"), "#!/bin/sh\necho new >> \"$KG_LOG\"\n", 0o755)

	f.install(true)
	f.wantOutput("kept your pre-commit hook as .git/hooks/pre-commit.keyguard-chained.2")
	f.repo.Git("commit", "-q", "--allow-empty", "-m", "one")
	if got, _ := os.ReadFile(f.log); string(got) != "old\nnew\nkeyguard hook pre-commit\n" {
		t.Fatalf("commit logged %q", got)
	}
	f.uninstall()
	if got, _ := os.ReadFile(f.path(".git/hooks/pre-commit")); string(got) != "#!/bin/sh\necho new >> \"$KG_LOG\"\n" {
		t.Fatalf("slot holds %q after uninstall, want the newer hook", got)
	}
	if got, _ := os.ReadFile(f.path(".git/hooks/pre-commit.keyguard-chained")); string(got) != "#!/bin/sh\necho old >> \"$KG_LOG\"\n" {
		t.Fatalf("the older kept hook is gone or changed: %q", got)
	}
	f.wantOutput("left .git/hooks/pre-commit.keyguard-chained in place")
}

// TestInstallUpdates rewrites an outdated hook or binary, and --force
// rewrites current ones; each says what it did.
func TestInstallUpdates(t *testing.T) {
	tests := []struct {
		name    string
		change  func(f *fixture)
		force   bool
		wantSay []string
	}{
		{"edited hook", func(f *fixture) {
			appendFile(t, f.path(".git/hooks/pre-commit"), "# edit\n")
		}, false, []string{"updated keyguard's pre-commit hook at .git/hooks/pre-commit"}},
		{"hook lost its execute bit", func(f *fixture) {
			os.Chmod(f.path(".git/hooks/pre-commit"), 0o644)
		}, false, []string{"updated keyguard's pre-commit hook"}},
		{"new keyguard build", func(f *fixture) {
			appendFile(t, f.self, "# v2\n")
		}, false, []string{"updated the keyguard binary at .git/keyguard/keyguard to 9.9.9"}},
		{"force", func(*fixture) {}, true, []string{"rewrote the keyguard binary", "rewrote keyguard's pre-commit hook"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFixture(t)
			f.install(false)
			tt.change(f)
			f.install(tt.force)
			for _, s := range tt.wantSay {
				f.wantOutput(s)
			}
			if !isExecutable(f.path(".git/hooks/pre-commit")) {
				t.Fatalf("hook not executable after update")
			}
			if lexists(f.path(".git/hooks/pre-commit.keyguard-chained")) {
				t.Fatalf("keyguard's own outdated hook was chained")
			}
		})
	}
}

func TestInspect(t *testing.T) {
	tests := []struct {
		name        string
		setup       func(f *fixture)
		wantWiring  Wiring
		wantRuns    bool
		wantVersion string
		wantKept    int
		wantProblem string // substring of one problem; "" for none at all
	}{
		{name: "not installed", setup: func(*fixture) {},
			wantWiring: WiringNone, wantProblem: "keyguard's pre-commit hook is not installed"},
		{name: "installed", setup: func(f *fixture) { f.install(false) },
			wantWiring: WiringScript, wantRuns: true, wantVersion: "9.9.9"},
		{name: "kept non-executable hook", setup: func(f *fixture) {
			mustWrite(t, f.path(".git/hooks/pre-commit"), "#!/bin/sh\n", 0o644)
			f.install(false)
		}, wantWiring: WiringScript, wantRuns: true, wantVersion: "9.9.9", wantKept: 1, wantProblem: "is not executable, so it does not run"},
		{name: "binary missing", setup: func(f *fixture) {
			f.install(false)
			os.Remove(f.path(".git/keyguard/keyguard"))
		}, wantWiring: WiringScript, wantRuns: true, wantProblem: "is missing, so commits are refused"},
		{name: "replaced by a foreign hook", setup: func(f *fixture) {
			mustWrite(t, f.path(".git/hooks/pre-commit"), "#!/bin/sh\n", 0o755)
			f.install(false)
			mustWrite(t, f.path(".git/hooks/pre-commit"), "#!/bin/sh\necho other\n", 0o755)
		}, wantWiring: WiringNone, wantVersion: "9.9.9", wantKept: 1, wantProblem: "something replaced keyguard's"},
		{name: "hooksPath hides the old hook", setup: func(f *fixture) {
			f.install(false)
			f.repo.Git("config", "core.hooksPath", filepath.Join(f.repo.Dir, ".git", "elsewhere"))
		}, wantWiring: WiringNone, wantVersion: "9.9.9", wantProblem: "earlier keyguard hook that git ignores"},
		{name: "block not committed", setup: func(f *fixture) {
			f.repo.Git("config", "core.hooksPath", ".githooks")
			f.install(false)
		}, wantWiring: WiringBlock, wantRuns: true, wantVersion: "9.9.9", wantProblem: "is not committed"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFixture(t)
			tt.setup(f)
			all, err := Inspect(context.Background(), f.options(false))
			if err != nil {
				t.Fatal(err)
			}
			if len(all) != len(managedHooks()) {
				t.Fatalf("%d statuses for %d hooks", len(all), len(managedHooks()))
			}
			s := all[0]
			if s.Wiring != tt.wantWiring || s.GitRuns != tt.wantRuns || s.BinaryVersion != tt.wantVersion || len(s.Kept) != tt.wantKept {
				t.Fatalf("got wiring %s, git runs %v, version %q, %d kept; want %s, %v, %q, %d\n%+v",
					s.Wiring, s.GitRuns, s.BinaryVersion, len(s.Kept), tt.wantWiring, tt.wantRuns, tt.wantVersion, tt.wantKept, s)
			}
			if tt.wantProblem == "" && len(s.Problems) > 0 {
				t.Fatalf("unexpected problems: %+v", s.Problems)
			}
			found := tt.wantProblem == ""
			for _, p := range s.Problems {
				if p.Fix == "" {
					t.Errorf("problem without a fix: %q", p.Problem)
				}
				found = found || strings.Contains(p.Problem, tt.wantProblem)
			}
			if !found {
				t.Fatalf("no problem mentions %q: %+v", tt.wantProblem, s.Problems)
			}
		})
	}
}

func appendFile(t *testing.T, name, text string) {
	t.Helper()
	fh, err := os.OpenFile(name, os.O_APPEND|os.O_WRONLY, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer fh.Close()
	if _, err := fh.WriteString(text); err != nil {
		t.Fatal(err)
	}
}

package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/rogpeppe/go-internal/testscript"

	"github.com/keyguard/keyguard/detect"
	"github.com/keyguard/keyguard/internal/fakekey"
	"github.com/keyguard/keyguard/internal/gittest"
)

// TestMain lets the test binary act as keyguard inside scripts (and inside
// the hooks those scripts install), so a stale installed keyguard can never
// be what gets tested.
func TestMain(m *testing.M) {
	testscript.Main(m, map[string]func(){
		"keyguard": func() {
			code := run(context.Background(), os.Args, os.Stdout, os.Stderr)
			recordPeak()
			os.Exit(code)
		},
	})
}

// peakEnv names a file where keyguard, run by a scenario (directly or as a
// hook), appends its own peak resident memory in KiB when it exits: what
// getrusage says of this process alone, never git's.
const peakEnv = "KEYGUARD_TEST_PEAK_FILE"

// recordPeak appends this process's peak RSS to the file peakEnv names.
func recordPeak() {
	name := os.Getenv(peakEnv)
	if name == "" {
		return
	}
	kib, err := peakRSS()
	if err != nil {
		fmt.Fprintf(os.Stderr, "keyguard test: peak RSS: %v\n", err)
		os.Exit(2)
	}
	f, err := os.OpenFile(name, os.O_APPEND|os.O_CREATE|os.O_WRONLY, 0o644)
	if err == nil {
		_, err = fmt.Fprintf(f, "%d\n", kib)
		err = errors.Join(err, f.Close())
	}
	if err != nil {
		fmt.Fprintf(os.Stderr, "keyguard test: record peak RSS: %v\n", err)
		os.Exit(2)
	}
}

// cmdPeak checks the peaks keyguard recorded in a file (see peakEnv): there
// must be at least one, and each at most MAX MiB. It logs the largest.
//
//	peak FILE MAX-MIB
func cmdPeak(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) != 2 {
		ts.Fatalf("usage: peak FILE MAX-MIB")
	}
	limit, err := strconv.Atoi(args[1])
	ts.Check(err)
	var largest int
	fields := strings.Fields(ts.ReadFile(args[0]))
	if len(fields) == 0 {
		ts.Fatalf("peak: %s records no keyguard run", args[0])
	}
	for _, f := range fields {
		kib, err := strconv.Atoi(f)
		ts.Check(err)
		largest = max(largest, kib)
	}
	ts.Logf("keyguard: measured: keyguard's own peak RSS %.1f MiB over %d run(s) (limit %d MiB)", float64(largest)/1024, len(fields), limit)
	if largest > limit<<10 {
		ts.Fatalf("peak: keyguard peaked at %.1f MiB, over the %d MiB limit", float64(largest)/1024, limit)
	}
}

// TestScripts runs every scenario in testdata/script: one file per behaviour,
// real git in a temporary repository.
func TestScripts(t *testing.T) {
	files, err := filepath.Glob(filepath.Join("testdata", "script", "*.txtar"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no scripts found in testdata/script (err %v): the suite would test nothing", err)
	}
	testscript.Run(t, testscript.Params{
		Dir:   filepath.Join("testdata", "script"),
		Setup: setupGit,
		Cmds: map[string]func(ts *testscript.TestScript, neg bool, args []string){
			"expand": cmdExpand,
			"noleak": cmdNoLeak,
			"peak":   cmdPeak,
		},
		RequireExplicitExec: true,
		UpdateScripts:       os.Getenv("KEYGUARD_UPDATE_SCRIPTS") == "1",
		Condition:           scriptCondition,
	})
}

// scriptCondition adds [env:NAME] to testscript's conditions: true when the
// test process has NAME set non-empty, e.g. KEYGUARD_LONG_TESTS=1 for the
// gigabyte-sized variants.
func scriptCondition(cond string) (bool, error) {
	if name, ok := strings.CutPrefix(cond, "env:"); ok {
		return os.Getenv(name) != "", nil
	}
	return false, fmt.Errorf("unknown condition %q", cond)
}

// setupGit gives each script a private git identity and configuration, so a
// developer's global settings cannot change what the scenario tests.
func setupGit(env *testscript.Env) error {
	home := filepath.Join(env.WorkDir, ".home")
	if err := os.MkdirAll(home, 0o755); err != nil {
		return err
	}
	if err := os.WriteFile(filepath.Join(home, ".gitconfig"), []byte(gittest.GitConfig), 0o644); err != nil {
		return err
	}
	env.Setenv("HOME", home)
	env.Setenv("XDG_CONFIG_HOME", filepath.Join(home, ".config"))
	env.Setenv("GIT_CONFIG_NOSYSTEM", "1")
	env.Setenv("GIT_CONFIG_GLOBAL", filepath.Join(home, ".gitconfig"))
	env.Setenv("NO_COLOR", "1")
	// The husky and simple-git-hooks packages (installed from npm by
	// .ci/run) for the scenarios that run the real tools.
	for _, name := range []string{"KEYGUARD_HUSKY", "KEYGUARD_SIMPLE_GIT_HOOKS"} {
		if v := os.Getenv(name); v != "" {
			env.Setenv(name, v)
		}
	}
	return nil
}

// secretsVar is the script variable where expand records the random runs it
// generated, for noleak to look for.
const secretsVar = "KEYGUARD_TEST_SECRETS"

// maxRecordedRun is how much of a generated run expand records (see
// cmdExpand).
const maxRecordedRun = 256

// cmdExpand rewrites files in place, expanding fakekey templates such as
// {{alnum 48}}: scripts hold templates, never key-shaped text.
//
//	expand FILE...
func cmdExpand(ts *testscript.TestScript, neg bool, args []string) {
	if neg {
		ts.Fatalf("unsupported: ! expand")
	}
	if len(args) > 0 && args[0] == "--" {
		args = args[1:]
	}
	if len(args) == 0 {
		ts.Fatalf("usage: expand [--] FILE...")
	}
	for _, name := range args {
		path := ts.MkAbs(name)
		data, err := os.ReadFile(path)
		ts.Check(err)
		if !fakekey.IsTemplate(string(data)) {
			ts.Fatalf("expand %s: no template in the file", name)
		}
		out, tokens := fakekey.ExpandTokens(string(data))
		info, err := os.Stat(path)
		ts.Check(err)
		ts.Check(os.WriteFile(path, []byte(out), info.Mode().Perm()))
		recorded := strings.Fields(ts.Getenv(secretsVar))
		for _, tok := range tokens {
			if len(tok) >= 8 { // shorter runs are not secret material on their own
				// A long run is recorded by its start: the variable that
				// carries the runs to noleak goes to every command's
				// environment, where one variable holds at most 128 KiB.
				recorded = append(recorded, tok[:min(len(tok), maxRecordedRun)])
			}
		}
		ts.Setenv(secretsVar, strings.Join(recorded, " "))
	}
}

// cmdNoLeak fails if the last command's stdout or stderr (or the named
// files) contain any random run that expand generated: output must redact.
// It names the run's position only, never the run itself.
//
//	noleak [FILE...]
func cmdNoLeak(ts *testscript.TestScript, neg bool, args []string) {
	if neg {
		ts.Fatalf("unsupported: ! noleak")
	}
	secrets := strings.Fields(ts.Getenv(secretsVar))
	if len(secrets) == 0 {
		ts.Fatalf("noleak: no expanded secrets to look for (run expand first)")
	}
	if len(args) == 0 {
		args = []string{"stdout", "stderr"}
	}
	for _, name := range args {
		text := ts.ReadFile(name)
		for i, s := range secrets {
			if strings.Contains(text, s) {
				ts.Fatalf("noleak: %s contains expanded secret #%d unredacted", name, i+1)
			}
		}
	}
}

// TestRunExitCodes checks the documented exit codes in-process, over run.
func TestRunExitCodes(t *testing.T) {
	notRepo := t.TempDir()
	bare := gittest.New(t, "--bare").Dir
	clean := gittest.New(t)
	clean.Write("app.py", "print(1)\n")
	clean.Git("add", ".")
	blocked := gittest.New(t)
	blocked.Write("app.py", fakekey.Expand(`TOKEN = "ghp_{{b62crc 30}}"`)+"\n")
	blocked.Git("add", ".")
	guarded := gittest.New(t)
	tracked := gittest.New(t)
	tracked.Write(".env", "A=1\n")
	tracked.Git("add", ".")
	tracked.Git("commit", "-q", "-m", "x")
	broken := gittest.New(t)
	broken.Write("app.py", "print(1)\n")
	broken.Git("add", ".")
	broken.Write(".git/index", "not an index")
	// A directory with no file, and a repository whose only file git ignores.
	empty := gittest.New(t)
	if err := os.Mkdir(filepath.Join(empty.Dir, "empty"), 0o755); err != nil {
		t.Fatal(err)
	}
	allIgnored := gittest.New(t)
	allIgnored.Write("build/out.txt", "x\n")
	allIgnored.Write(".git/info/exclude", "/build/\n")
	// A history whose first version of app.py is gone from the object store.
	lost := gittest.New(t)
	lost.Write("app.py", "print(1)\n")
	lost.Git("add", ".")
	lost.Git("commit", "-q", "-m", "one")
	lost.Write("app.py", "print(2)\n")
	lost.Git("commit", "-q", "-am", "two")
	id := strings.TrimSpace(lost.Git("rev-parse", "HEAD~1:app.py"))
	if err := os.Remove(filepath.Join(lost.Dir, ".git", "objects", id[:2], id[2:])); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		args []string
		dir  string
		want int
		msg  string
	}{
		{"version", []string{"keyguard", "version"}, "", exitClean, ""},
		{"help", []string{"keyguard", "--help"}, "", exitClean, ""},
		{"no command", []string{"keyguard"}, "", exitError, "no command given"},
		{"unknown command", []string{"keyguard", "frobnicate"}, "", exitError, `unknown command "frobnicate"`},
		{"unknown flag", []string{"keyguard", "install", "--nope"}, "", exitError, "usage:"},
		{"not a repo", []string{"keyguard", "hook", "pre-commit"}, notRepo, exitError, "not a git repository"},
		{"stray argument", []string{"keyguard", "status", "extra"}, notRepo, exitError, "takes no arguments"},
		{"bare repository", []string{"keyguard", "install"}, bare, exitError, "bare repository"},
		{"clean", []string{"keyguard", "hook", "pre-commit"}, clean.Dir, exitClean, "no secrets found"},
		{"blocked", []string{"keyguard", "hook", "pre-commit"}, blocked.Dir, exitBlocked, "commit refused"},
		{"unreadable index", []string{"keyguard", "hook", "pre-commit"}, broken.Dir, exitError, "cannot read what is staged"},
		{"fix-ignore clean", []string{"keyguard", "fix-ignore"}, clean.Dir, exitClean, ""},
		{"status, not installed", []string{"keyguard", "status"}, clean.Dir, exitBlocked, ""},
		{"install", []string{"keyguard", "install"}, guarded.Dir, exitClean, ""},
		{"status, in force", []string{"keyguard", "status"}, guarded.Dir, exitClean, ""},
		{"fix-ignore needs the user", []string{"keyguard", "fix-ignore"}, tracked.Dir, exitBlocked, ""},
		{"scan clean", []string{"keyguard", "scan"}, clean.Dir, exitClean, ""},
		{"scan finds", []string{"keyguard", "scan", "app.py"}, blocked.Dir, exitBlocked, ""},
		{"scan empty directory", []string{"keyguard", "scan", "empty"}, empty.Dir, exitClean, ""},
		{"scan reads nothing", []string{"keyguard", "scan"}, filepath.Join(allIgnored.Dir, "build"), exitError, "nothing scanned"},
		{"scan ignored directory named", []string{"keyguard", "scan", "build"}, allIgnored.Dir, exitClean, ""},
		{"scan missing path", []string{"keyguard", "scan", "nope"}, clean.Dir, exitError, "no such file"},
		{"scan bad format", []string{"keyguard", "scan", "--format", "xml"}, clean.Dir, exitError, "usage:"},
		{"history with a lost object", []string{"keyguard", "scan", "--history"}, lost.Dir, exitError, "is not a readable blob"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if tt.dir != "" {
				t.Chdir(tt.dir)
			}
			var stdout, stderr strings.Builder
			got := run(context.Background(), tt.args, &stdout, &stderr)
			if got != tt.want {
				t.Fatalf("exit %d, want %d; stderr:\n%s", got, tt.want, stderr.String())
			}
			if tt.msg != "" && !strings.Contains(stderr.String(), tt.msg) {
				t.Fatalf("stderr lacks %q:\n%s", tt.msg, stderr.String())
			}
		})
	}
}

// TestRepositoryHoldsNoSecrets scans every file of keyguard's own source with
// its own engine: fixtures and rule examples must be templates, so the
// repository never looks like a leak to any scanner or push protection.
func TestRepositoryHoldsNoSecrets(t *testing.T) {
	engine, err := detect.New(detect.Options{})
	if err != nil {
		t.Fatal(err)
	}
	scanned := 0
	err = filepath.WalkDir(".", func(path string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			if d.Name() == ".git" {
				return filepath.SkipDir
			}
			return nil
		}
		if !d.Type().IsRegular() || path == "keyguard" {
			return nil
		}
		data, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		scanned++
		for _, f := range engine.Scan(data) {
			t.Errorf("%s:%d:%d: %s looks like a real key (%s): store it as a fakekey template", path, f.Line, f.Column, f.Rule.ID, f.Secret)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if scanned < 20 {
		t.Fatalf("scanned only %d files: the walk is broken", scanned)
	}
}

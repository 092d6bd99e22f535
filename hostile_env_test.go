package main

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// hostileChild marks the go test run that TestSuiteInHostileEnvironment
// starts, so it does not start another.
const hostileChild = "KEYGUARD_HOSTILE_ENV_CHILD"

// hostileSample is the part of the suite run under a hostile environment:
// tests from each package that drives git, and scenarios that commit, push
// and scan history. One go test run for the packages (their test names
// are distinct, so one -run serves them all), one for the scenarios and
// one for the exit codes (a -run with a slash filters every subtest).
var hostileSample = []struct {
	pkgs []string
	run  string
}{
	{[]string{"./git/", "./scan/", "./hook/", "./fix/", "./install/", "./secretfiles/"},
		"^(TestCommitDiffsParse|TestStagedDiffRealGit|TestListFilesAndIgnores|TestChangeTexts|" +
			"TestPathsRespectsGitignoreAndPolicy|TestPathsOutsideRepository|TestPushRevs|TestFixDryRunShowsNoKey|" +
			"TestInstallUninstallRoundTrip|TestHookScriptRuns|TestFixIgnore|TestInventoryStates)$"},
	{[]string{"."}, "^TestScripts$/^(precommit_blocks_key|scan_history_finds_removed_key|prepush_blocks_no_verify_commit|install_basic)$"},
	{[]string{"."}, "^TestRunExitCodes$"},
}

// TestSuiteInHostileEnvironment runs a sample of the suite as a developer's
// shell might run it: an author and committer in GIT_* variables, config
// injected through GIT_CONFIG_COUNT, a GIT_DIR and GIT_INDEX_FILE left by a
// hook, and a global gitconfig that signs every commit with a gpg that
// fails, sends hooks to a directory whose hooks refuse everything, names
// the first branch trunk and colours all output. internal/gittest and the
// scenarios' setup must pin all of it away.
func TestSuiteInHostileEnvironment(t *testing.T) {
	if os.Getenv(hostileChild) != "" {
		t.Skip("already inside the hostile run")
	}
	if testing.Short() {
		t.Skip("runs go test as a subprocess")
	}
	goBin, err := exec.LookPath("go")
	if err != nil {
		t.Skip("no go command on PATH")
	}
	home := t.TempDir()
	hooks := filepath.Join(home, "hooks")
	if err := os.MkdirAll(hooks, 0o755); err != nil {
		t.Fatal(err)
	}
	for _, h := range []string{"pre-commit", "pre-push", "commit-msg", "post-checkout"} {
		if err := os.WriteFile(filepath.Join(hooks, h), []byte("#!/bin/sh\necho hostile hook ran >&2\nexit 1\n"), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	gitconfig := strings.Join([]string{
		"[user]", "\tname = Hostile Developer", "\temail = hostile@example.invalid", "\tsigningkey = 0000DEADBEEF",
		"[commit]", "\tgpgsign = true", "[tag]", "\tgpgsign = true", "[gpg]", "\tprogram = false",
		"[core]", "\thooksPath = " + hooks, "\tautocrlf = true", "\tquotePath = false",
		"[init]", "\tdefaultBranch = trunk",
		"[color]", "\tui = always", "\tdiff = always",
		"[diff]", "\tnoprefix = true", "\trenames = copies", "\texternal = false",
		"[log]", "\tshowSignature = true", "[status]", "\tshort = true",
		"[push]", "\tdefault = nothing",
		"",
	}, "\n")
	if err := os.WriteFile(filepath.Join(home, ".gitconfig"), []byte(gitconfig), 0o644); err != nil {
		t.Fatal(err)
	}
	// The module and build caches stay the developer's: only git's world is
	// hostile, and a cold cache would make this test slow.
	goEnv, err := exec.Command(goBin, "env", "GOCACHE", "GOMODCACHE", "GOPATH").Output()
	if err != nil {
		t.Fatalf("go env: %v", err)
	}
	vals := strings.Split(strings.TrimSpace(string(goEnv)), "\n")
	if len(vals) != 3 {
		t.Fatalf("go env printed %q", goEnv)
	}
	var env []string
	for _, kv := range os.Environ() {
		name, _, _ := strings.Cut(kv, "=")
		if strings.HasPrefix(name, "GIT_") || name == "HOME" || name == "XDG_CONFIG_HOME" {
			continue
		}
		env = append(env, kv)
	}
	env = append(env, "GOCACHE="+vals[0], "GOMODCACHE="+vals[1], "GOPATH="+vals[2],
		"HOME="+home, hostileChild+"=1",
		"GIT_AUTHOR_NAME=Shell Author", "GIT_AUTHOR_EMAIL=author@example.invalid",
		"GIT_COMMITTER_NAME=Shell Committer", "GIT_COMMITTER_EMAIL=committer@example.invalid",
		"GIT_AUTHOR_DATE=2001-02-03T04:05:06Z",
		"GIT_CONFIG_COUNT=2", "GIT_CONFIG_KEY_0=color.ui", "GIT_CONFIG_VALUE_0=always",
		"GIT_CONFIG_KEY_1=commit.gpgsign", "GIT_CONFIG_VALUE_1=true",
		"GIT_DIR="+filepath.Join(home, "not-a-repo.git"), "GIT_INDEX_FILE="+filepath.Join(home, "index"),
		"GIT_PAGER=false", "GIT_EDITOR=false",
	)
	// Prove the environment is hostile before trusting a pass: a commit made
	// with it, outside the tests' pinning, fails.
	probe := t.TempDir()
	cmd := exec.Command("git", "init", "-q", probe)
	cmd.Env = withoutGitDir(env)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("git init: %v\n%s", err, out)
	}
	cmd = exec.Command("git", "commit", "-q", "--allow-empty", "-m", "probe")
	cmd.Dir, cmd.Env = probe, withoutGitDir(env)
	if out, err := cmd.CombinedOutput(); err == nil {
		t.Fatalf("a commit succeeded in the hostile environment, so it tests nothing:\n%s", out)
	}

	start := time.Now()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	for _, s := range hostileSample {
		args := append([]string{"test", "-count=1", "-run", s.run}, s.pkgs...)
		began := time.Now()
		cmd := exec.CommandContext(ctx, goBin, args...)
		cmd.Env = env
		out, err := cmd.CombinedOutput()
		if err != nil {
			t.Errorf("go %s in a hostile environment: %v\n%s", strings.Join(args, " "), err, out)
			continue
		}
		if strings.Contains(string(out), "no tests to run") {
			t.Errorf("go %s ran no test in some package: the sample is stale\n%s", strings.Join(args, " "), out)
		}
		t.Logf("go %s: %v", strings.Join(args, " "), time.Since(began).Round(time.Second))
	}
	t.Logf("sample ran in %v", time.Since(start).Round(time.Second))
}

// withoutGitDir drops GIT_DIR and GIT_INDEX_FILE, for the probe that runs
// git outside any test.
func withoutGitDir(env []string) []string {
	var out []string
	for _, kv := range env {
		if !strings.HasPrefix(kv, "GIT_DIR=") && !strings.HasPrefix(kv, "GIT_INDEX_FILE=") {
			out = append(out, kv)
		}
	}
	return out
}

package install

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// nastyStrings are paths and messages that break naive sh quoting.
var nastyStrings = []string{
	"",
	"plain",
	"with space",
	"it's",
	"''",
	`double "quote"`,
	"$HOME and ${HOME}",
	"`id` and $(id)",
	`back\slash \n`,
	"semi;colon|pipe&amp*glob?[x]",
	"new\nline",
	"tab\there",
	"ünïcødé 鍵",
	"-dash-first",
	"!bang #hash ~tilde",
}

func TestShQuote(t *testing.T) {
	for _, s := range nastyStrings {
		t.Run(s, func(t *testing.T) {
			out, err := exec.Command("sh", "-c", "printf '%s' "+shQuote(s)).Output()
			if err != nil {
				t.Fatalf("sh rejected %s: %v", shQuote(s), err)
			}
			if string(out) != s {
				t.Fatalf("sh read %q back as %q", s, out)
			}
		})
	}
}

func TestShWord(t *testing.T) {
	tests := []struct{ in, want string }{
		{".husky/pre-commit", ".husky/pre-commit"},
		{"/a/b-c_d.e", "/a/b-c_d.e"},
		{"with space", "'with space'"},
		{"it's", `'it'\''s'`},
		{"", "''"},
		{"$x", "'$x'"},
	}
	for _, tt := range tests {
		if got := shWord(tt.in); got != tt.want {
			t.Errorf("shWord(%q) = %s, want %s", tt.in, got, tt.want)
		}
	}
}

func TestIsOurHook(t *testing.T) {
	tests := []struct {
		name    string
		content string
		want    bool
	}{
		{"generated", hookScript(managedHooks()[0], "/x/keyguard", []string{"pre-commit.keyguard-chained"}), true},
		{"minimal", "#!/bin/sh\n" + marker + "\n", true},
		{"marker on line three", "#!/bin/sh\n# my hook\n" + marker + "\n", false},
		{"marker first", marker + "\n#!/bin/sh\n", false},
		{"marker without newline", "#!/bin/sh\n" + marker, false},
		{"other shell", "#!/bin/bash\n" + marker + "\n", false},
		{"crlf", "#!/bin/sh\r\n" + marker + "\r\n", false},
		{"trailing space", "#!/bin/sh\n" + marker + " \n", false},
		{"other version", "#!/bin/sh\n# keyguard-managed-hook v2: do not edit; keyguard uninstall removes it\n", false},
		{"mentions keyguard", "#!/bin/sh\n# runs keyguard-managed-hook v1 too\nkeyguard hook pre-commit\n", false},
		{"empty", "", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := isOurHook([]byte(tt.content)); got != tt.want {
				t.Fatalf("isOurHook = %v, want %v", got, tt.want)
			}
		})
	}
}

func TestHookScriptSyntax(t *testing.T) {
	for _, h := range []hookDef{managedHooks()[0], {Name: "pre-push", Stdin: true, Bypass: "git push --no-verify"}} {
		for _, s := range nastyStrings {
			script := hookScript(h, "/repo/"+s+"/.git/keyguard/keyguard", []string{h.Name + chainedSuffix, h.Name + chainedSuffix + ".2"})
			if !isOurHook([]byte(script)) {
				t.Fatalf("%s: generated script is not recognised as keyguard's", h.Name)
			}
			if out, err := exec.Command("sh", "-n", "-c", script).CombinedOutput(); err != nil {
				t.Errorf("%s with binary path %q: sh -n: %v\n%s", h.Name, s, err, out)
			}
		}
	}
}

// TestHookScriptRuns runs the generated hook with sh against fake kept hooks
// and a fake keyguard that log how they were called.
func TestHookScriptRuns(t *testing.T) {
	preCommit := managedHooks()[0]
	prePush := hookDef{Name: "pre-push", Stdin: true, Bypass: "git push --no-verify"}
	logger := func(name, extra string) string {
		return "#!/bin/sh\nprintf '%s' \"" + name + " $*|\" >> \"$LOG\"\ncat >> \"$LOG\"\nprintf '\\n' >> \"$LOG\"\n" + extra
	}
	tests := []struct {
		name     string
		hook     hookDef
		kept     map[string]string // file name -> content; "-x:" prefix means not executable
		binary   bool              // the fake keyguard exists
		env      []string
		stdin    string
		wantCode int
		wantLog  string
		wantErr  string // substring of stderr
	}{
		{name: "no kept hook", hook: preCommit, binary: true,
			wantLog: "keyguard hook pre-commit a b|\n"},
		{name: "kept hook runs first", hook: preCommit, binary: true,
			kept:    map[string]string{"pre-commit.keyguard-chained": logger("kept", "")},
			wantLog: "kept a b|\nkeyguard hook pre-commit a b|\n"},
		{name: "kept hook failure stops keyguard", hook: preCommit, binary: true,
			kept:     map[string]string{"pre-commit.keyguard-chained": logger("kept", "exit 3\n")},
			wantCode: 3, wantLog: "kept a b|\n"},
		{name: "numbered kept hooks run in order", hook: preCommit, binary: true,
			kept:    map[string]string{"pre-commit.keyguard-chained": logger("one", ""), "pre-commit.keyguard-chained.2": logger("two", "")},
			wantLog: "one a b|\ntwo a b|\nkeyguard hook pre-commit a b|\n"},
		{name: "non-executable kept hook is not run", hook: preCommit, binary: true,
			kept:    map[string]string{"pre-commit.keyguard-chained": "-x:" + logger("kept", "")},
			wantLog: "keyguard hook pre-commit a b|\n", wantErr: "pre-commit.keyguard-chained is not executable, so it was not run"},
		{name: "escape hatch skips keyguard only", hook: preCommit, binary: true, env: []string{"KEYGUARD=0"},
			kept:    map[string]string{"pre-commit.keyguard-chained": logger("kept", "")},
			wantLog: "kept a b|\n", wantErr: "keyguard: KEYGUARD=0 is set, pre-commit check skipped\n"},
		{name: "missing binary fails closed", hook: preCommit, binary: false,
			wantCode: 1, wantErr: "keyguard: the keyguard binary behind this hook is missing ("},
		{name: "stdin reaches both, byte for byte", hook: prePush, binary: true,
			kept:    map[string]string{"pre-push.keyguard-chained": logger("kept", "")},
			stdin:   "refs/heads/main 1 refs/heads/main 0\n\n",
			wantLog: "kept a b|refs/heads/main 1 refs/heads/main 0\n\n\nkeyguard hook pre-push a b|refs/heads/main 1 refs/heads/main 0\n\n\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			hooks := filepath.Join(dir, "hook's dir")
			bin := filepath.Join(dir, "bin $x", "keyguard")
			mustMkdir(t, hooks)
			mustMkdir(t, filepath.Dir(bin))
			if tt.binary {
				mustWrite(t, bin, logger("keyguard", ""), 0o755)
			}
			names := []string{tt.hook.Name + chainedSuffix}
			for name, content := range tt.kept {
				mode := os.FileMode(0o755)
				if c, ok := strings.CutPrefix(content, "-x:"); ok {
					content, mode = c, 0o644
				}
				mustWrite(t, filepath.Join(hooks, name), content, mode)
				if name != names[0] {
					names = append(names, name)
				}
			}
			slot := filepath.Join(hooks, tt.hook.Name)
			mustWrite(t, slot, hookScript(tt.hook, bin, names), 0o755)

			log := filepath.Join(dir, "log")
			cmd := exec.Command(slot, "a", "b")
			cmd.Dir = dir // not a repository: the fallback finds nothing
			cmd.Env = append(os.Environ(), append([]string{"LOG=" + log, "GIT_CEILING_DIRECTORIES=" + dir}, tt.env...)...)
			cmd.Stdin = strings.NewReader(tt.stdin)
			var stderr bytes.Buffer
			cmd.Stderr = &stderr
			err := cmd.Run()
			code := 0
			if ee, ok := err.(*exec.ExitError); ok {
				code = ee.ExitCode()
			} else if err != nil {
				t.Fatal(err)
			}
			if code != tt.wantCode {
				t.Errorf("exit code %d, want %d; stderr:\n%s", code, tt.wantCode, stderr.String())
			}
			gotLog, _ := os.ReadFile(log)
			if string(gotLog) != tt.wantLog {
				t.Errorf("log:\n%q\nwant:\n%q", gotLog, tt.wantLog)
			}
			if !strings.Contains(stderr.String(), tt.wantErr) {
				t.Errorf("stderr %q lacks %q", stderr.String(), tt.wantErr)
			}
			if tt.wantErr == "" && stderr.Len() > 0 {
				t.Errorf("unexpected stderr %q", stderr.String())
			}
		})
	}
}

func TestScriptShell(t *testing.T) {
	tests := []struct {
		content string
		shell   string
		ok      bool
	}{
		{"npm test\n", "sh", true},
		{"", "sh", true},
		{"#!/bin/sh\n", "sh", true},
		{"#!/bin/bash -e\n", "bash", true},
		{"#! /usr/bin/env sh\n", "sh", true},
		{"#!/usr/bin/env -S bash -eu\n", "bash", true},
		{"#!/usr/bin/env zsh\r\n", "zsh", true},
		{"#!/usr/bin/env python3\n", "python3", false},
		{"#!/usr/bin/node\n", "node", false},
		{"#!/usr/bin/env\n", "env", false},
		{"\x7fELF\x00\x00", "a binary file", false},
	}
	for _, tt := range tests {
		shell, ok := scriptShell([]byte(tt.content))
		if shell != tt.shell || ok != tt.ok {
			t.Errorf("scriptShell(%q) = %q, %v; want %q, %v", tt.content, shell, ok, tt.shell, tt.ok)
		}
	}
}

func TestFindBlock(t *testing.T) {
	h := managedHooks()[0]
	block := blockText(h, "\n")
	tests := []struct {
		name    string
		content string
		want    string // the span's text, "" for none
	}{
		{"absent", "#!/bin/sh\nnpm test\n", ""},
		{"at end", "npm test\n" + block, block},
		{"in the middle", "a\n" + block + "b\n", block},
		{"crlf", "a\r\n" + blockText(h, "\r\n"), blockText(h, "\r\n")},
		{"begin only", "a\n" + blockBegin(h) + "\nb\n", ""},
		{"end before begin", blockEnd(h) + "\n" + blockBegin(h) + "\n", ""},
		{"no final newline", "a\n" + strings.TrimSuffix(block, "\n"), strings.TrimSuffix(block, "\n")},
		{"indented marker is not ours", "a\n  " + block, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			sp, ok := findBlock([]byte(tt.content), h)
			got := ""
			if ok {
				got = tt.content[sp.start:sp.end]
			}
			if got != tt.want {
				t.Fatalf("findBlock span %q, want %q", got, tt.want)
			}
		})
	}
}

func TestBlockSyntax(t *testing.T) {
	for _, h := range managedHooks() {
		if out, err := exec.Command("sh", "-n", "-c", blockText(h, "\n")).CombinedOutput(); err != nil {
			t.Errorf("%s block: sh -n: %v\n%s", h.Name, err, out)
		}
	}
}

func TestTopLevelExit(t *testing.T) {
	tests := []struct {
		content string
		want    bool
	}{
		{"npm test\n", false},
		{"npm test\nexit 0\n", true},
		{"exec lint-staged\n", true},
		{"if x; then\n  exit 1\nfi\n", false},
		{"exiting=1\n", false},
	}
	for _, tt := range tests {
		if _, got := topLevelExit([]byte(tt.content)); got != tt.want {
			t.Errorf("topLevelExit(%q) = %v, want %v", tt.content, got, tt.want)
		}
	}
}

func mustMkdir(t *testing.T, dir string) {
	t.Helper()
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
}

func mustWrite(t *testing.T, name, content string, mode os.FileMode) {
	t.Helper()
	mustMkdir(t, filepath.Dir(name))
	if err := os.WriteFile(name, []byte(content), mode); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(name, mode); err != nil {
		t.Fatal(err)
	}
}

// FuzzShQuote checks that sh reads every quoted string back unchanged, and
// that a hook script built around it still parses.
func FuzzShQuote(f *testing.F) {
	if len(nastyStrings) == 0 {
		f.Fatal("empty seed corpus")
	}
	for _, s := range nastyStrings {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if strings.IndexByte(s, 0) >= 0 {
			t.Skip("a NUL cannot be in a path or an argument")
		}
		out, err := exec.Command("sh", "-c", "printf '%s' "+shQuote(s)).Output()
		if err != nil || string(out) != s {
			t.Fatalf("sh read %q back as %q (%v)", s, out, err)
		}
		script := hookScript(managedHooks()[0], s, []string{"pre-commit" + chainedSuffix})
		if out, err := exec.Command("sh", "-n", "-c", script).CombinedOutput(); err != nil {
			t.Fatalf("hook script for binary %q does not parse: %v\n%s", s, err, out)
		}
	})
}

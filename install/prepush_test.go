package install

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// TestInstallSkipPrePush covers install --no-pre-push: no pre-push hook, and
// status does not call it missing; a plain install adds it afterwards.
func TestInstallSkipPrePush(t *testing.T) {
	f := newFixture(t)
	o := f.options(false)
	o.Skip = []string{"pre-push"}
	if err := Install(context.Background(), o); err != nil {
		t.Fatalf("install: %v\n%s", err, f.out)
	}
	f.checkOutput()
	if !lexists(f.path(".git/hooks/pre-commit")) || lexists(f.path(".git/hooks/pre-push")) {
		t.Fatalf("want pre-commit and no pre-push; output:\n%s", f.out)
	}
	hs, err := Inspect(context.Background(), f.options(false))
	if err != nil {
		t.Fatal(err)
	}
	for _, h := range hs {
		want := h.Name == "pre-push"
		if h.OptedOut != want || (want && len(h.Problems) > 0) {
			t.Errorf("%s: OptedOut = %v, problems %v", h.Name, h.OptedOut, h.Problems)
		}
	}

	f.install(false)
	f.wantOutput("installed the pre-push hook at .git/hooks/pre-push: every push runs keyguard 9.9.9")
	if !isExecutable(f.path(".git/hooks/pre-push")) {
		t.Fatal("plain install did not add the pre-push hook")
	}
	f.uninstall()
	if lexists(f.path(".git/hooks/pre-push")) || lexists(f.path(".git/hooks/pre-commit")) {
		t.Fatalf("uninstall left hooks:\n%s", f.out)
	}
}

// TestPrePushScriptStdin runs keyguard's pre-push script: the kept hook and
// keyguard each get git's stdin byte for byte, trailing newlines included.
func TestPrePushScriptStdin(t *testing.T) {
	dir := t.TempDir()
	keyguard := filepath.Join(dir, "keyguard")
	mustWrite(t, keyguard, "#!/bin/sh\ncat > \"$0.stdin\"\necho \"$*\" > \"$0.args\"\n", 0o755)
	mustWrite(t, filepath.Join(dir, "pre-push.keyguard-chained"), "#!/bin/sh\ncat > \"$0.stdin\"\n", 0o755)
	var h hookDef
	for _, m := range managedHooks() {
		if m.Name == "pre-push" {
			h = m
		}
	}
	slot := filepath.Join(dir, "pre-push")
	mustWrite(t, slot, hookScript(h, keyguard, []string{"pre-push.keyguard-chained"}), 0o755)
	for _, in := range []string{"", "a b c d\n", "a b c d\ne f g h\n\n\n", "no newline"} {
		cmd := exec.Command(slot, "origin", "url with space")
		cmd.Stdin = strings.NewReader(in)
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("hook: %v\n%s", err, out)
		}
		for _, got := range []string{keyguard + ".stdin", filepath.Join(dir, "pre-push.keyguard-chained.stdin")} {
			data, err := os.ReadFile(got)
			if err != nil {
				t.Fatal(err)
			}
			if string(data) != in {
				t.Errorf("%s read %q, want %q", filepath.Base(got), data, in)
			}
		}
		args, _ := os.ReadFile(keyguard + ".args")
		if string(args) != "hook pre-push origin url with space\n" {
			t.Errorf("keyguard ran with %q", args)
		}
	}
}

// TestTemplateRoundTrip installs and uninstalls the template in a private
// data directory and global config.
func TestTemplateRoundTrip(t *testing.T) {
	f := newFixture(t) // isolates HOME and the global config
	cfg := os.Getenv("GIT_CONFIG_GLOBAL")
	before, err := os.ReadFile(cfg)
	if err != nil {
		t.Fatal(err)
	}
	data := filepath.Join(t.TempDir(), "data")
	o := TemplateOptions{Self: f.self, Version: "9.9.9", Out: f.out, DataDir: data}
	if err := InstallTemplate(context.Background(), o); err != nil {
		t.Fatalf("install --template: %v\n%s", err, f.out)
	}
	f.checkOutput()
	for _, h := range managedHooks() {
		content, err := os.ReadFile(filepath.Join(data, "template", "hooks", h.Name))
		if err != nil || !isOurHook(content) || !strings.Contains(string(content), shQuote(filepath.Join(data, "keyguard"))) {
			t.Errorf("template hook %s: %v\n%s", h.Name, err, content)
		}
	}
	f.out.Reset()
	if err := InstallTemplate(context.Background(), o); err != nil {
		t.Fatal(err)
	}
	f.wantOutput("already installed")

	f.out.Reset()
	if err := UninstallTemplate(context.Background(), o); err != nil {
		t.Fatalf("uninstall --template: %v\n%s", err, f.out)
	}
	f.checkOutput()
	after, _ := os.ReadFile(cfg)
	if string(after) != string(before) {
		t.Errorf("global config changed:\nbefore %q\nafter  %q", before, after)
	}
	if lexists(filepath.Join(data, "template")) || lexists(filepath.Join(data, templateStateFile)) {
		t.Error("uninstall --template left the template or its state")
	}
	if !isExecutable(filepath.Join(data, "keyguard")) {
		t.Error("uninstall --template removed the binary that template-made repositories run")
	}
}

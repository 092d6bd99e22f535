package install

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/keyguard/keyguard/internal/atomicfile"
)

// tempLeftovers lists the temporary files atomicfile left under dir.
func tempLeftovers(t *testing.T, dir string) []string {
	t.Helper()
	out, err := atomicfile.Leftovers(dir)
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// TestInstallFaults: when the disk fills up or permission is denied while
// install writes a hook, the binary or its state, the user's hooks survive
// byte for byte where they were, no temporary file is left, and the error
// names the file. Once the fault is gone, install and then uninstall give
// back exactly the hooks the user had.
func TestInstallFaults(t *testing.T) {
	const userHook = "#!/bin/sh\necho user >> \"$KG_LOG\"\n"
	tests := []struct {
		name      string
		githooks  bool   // hooks in a tracked .githooks (a block is added to the script)
		fault     string // atomicfile.FaultEnv
		wantFile  string // base name the error names
		want      string
		chmodOnly bool // a real permission test: skipped as root
	}{
		{name: "disk full writing pre-commit over a user hook", fault: "ENOSPC:pre-commit", wantFile: "pre-commit", want: "no space left on device"},
		{name: "permission denied writing pre-commit", fault: "EACCES:pre-commit", wantFile: "pre-commit", want: "permission denied"},
		{name: "rename of pre-push fails after pre-commit went in", fault: "EIO@rename:pre-push", wantFile: "pre-push", want: "input/output error"},
		{name: "disk full copying the binary", fault: "ENOSPC:keyguard", wantFile: "keyguard", want: "no space left on device"},
		{name: "disk full saving the state", fault: "ENOSPC:" + stateFile, wantFile: stateFile, want: "no space left on device"},
		{name: "disk full adding the block to a tracked script", githooks: true, fault: "ENOSPC:pre-commit", wantFile: "pre-commit", want: "no space left on device"},
		{name: "read-only hooks directory", chmodOnly: true, wantFile: "pre-commit", want: "permission denied"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if tt.chmodOnly && os.Geteuid() == 0 {
				t.Skip("root ignores directory permissions; the injected EACCES case covers this")
			}
			f := newFixture(t)
			hooks := f.path(".git/hooks")
			if tt.githooks {
				hooks = f.path(".githooks")
				f.repo.Git("config", "core.hooksPath", ".githooks")
			}
			mustWrite(t, filepath.Join(hooks, "pre-commit"), userHook, 0o755)
			mustWrite(t, filepath.Join(hooks, "pre-push"), userHook, 0o700)
			before := snapshot(t, hooks, false)
			if tt.fault != "" {
				t.Setenv(atomicfile.FaultEnv, tt.fault)
			}
			if tt.chmodOnly {
				if err := os.Chmod(hooks, 0o555); err != nil {
					t.Fatal(err)
				}
				t.Cleanup(func() { os.Chmod(hooks, 0o755) })
			}

			err := Install(context.Background(), f.options(false))
			if err == nil {
				t.Fatalf("install succeeded; want an error\n%s", f.out)
			}
			if !strings.Contains(err.Error(), string(filepath.Separator)+tt.wantFile) || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("error %q does not name %s and %q", err, tt.wantFile, tt.want)
			}
			if l := tempLeftovers(t, f.path(".")); len(l) > 0 {
				t.Errorf("temporary files left: %v", l)
			}
			after := snapshot(t, hooks, false)
			for _, name := range []string{"pre-commit", "pre-push"} {
				// The user's hook is either untouched in its place, or kept
				// whole beside keyguard's hook, which runs it.
				if after[name] != before[name] && after[name+chainedSuffix] != before[name] {
					t.Errorf("the user's %s hook was lost:\n%s", name, diffSnapshots(before, after))
				}
			}

			// Without the fault, install goes through; uninstall restores
			// exactly what the user had.
			os.Unsetenv(atomicfile.FaultEnv)
			os.Chmod(hooks, 0o755)
			f.install(false)
			f.uninstall()
			if d := diffSnapshots(before, snapshot(t, hooks, false)); d != "" {
				t.Errorf("after the failed install, install and uninstall, the hooks differ:\n%s", d)
			}
		})
	}
}

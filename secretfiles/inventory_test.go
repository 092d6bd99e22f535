//go:build unix

package secretfiles

import (
	"context"
	"os"
	"path/filepath"
	"syscall"
	"testing"
	"time"

	"github.com/keyguard/keyguard/coverage"
	"github.com/keyguard/keyguard/internal/fakekey"
	"github.com/keyguard/keyguard/internal/gittest"
)

// TestInventorySkipsWhatIsNotOnDisk: a tracked config file deleted in the
// work tree, and config files that are symlinks (to a key outside the
// repository, to a FIFO nobody writes), hold nothing on disk that a commit
// could leak. Inventory lists none of them, neither fails nor hangs, and
// still finds the key in a regular config file beside them.
func TestInventorySkipsWhatIsNotOnDisk(t *testing.T) {
	outside := t.TempDir()
	fifo := filepath.Join(outside, "fifo")
	if err := syscall.Mkfifo(fifo, 0o600); err != nil {
		t.Skipf("mkfifo: %v", err)
	}
	keyFile := filepath.Join(outside, "real_config.py")
	keyLine := fakekey.Expand(`KEY = "ghp_{{b62crc 30}}"`) + "\n"
	if err := os.WriteFile(keyFile, []byte(keyLine), 0o644); err != nil {
		t.Fatal(err)
	}
	s := newSetup(t, func(g *gittest.Repo) {
		g.Write("gone/config.py", keyLine)
		g.Write("kept/config.py", "DEBUG = 1\n")
		link := func(target, name string) {
			if err := os.MkdirAll(filepath.Join(g.Dir, filepath.Dir(name)), 0o755); err != nil {
				t.Fatal(err)
			}
			if err := os.Symlink(target, filepath.Join(g.Dir, name)); err != nil {
				t.Fatal(err)
			}
		}
		link(fifo, "pipe/config.py")
		link(keyFile, "linked/config.py")
		g.Git("add", ".")
		g.Git("commit", "-q", "-m", "init")
		if err := os.Remove(filepath.Join(g.Dir, "gone/config.py")); err != nil {
			t.Fatal(err)
		}
		link(fifo, "untracked-pipe/settings.py")
		g.Write("kept/config.py", keyLine) // tracked, changed on disk: read
		g.Write("new/config.py", keyLine)  // untracked: read
	})
	for _, ignored := range []bool{true, false} {
		done := make(chan struct{})
		var files []File
		var err error
		go func() {
			defer close(done)
			files, err = Inventory(context.Background(), Options{Repo: s.repo, Catalogue: coverage.Default(), Engine: s.engine, Ignored: ignored})
		}()
		select {
		case <-done:
		case <-time.After(20 * time.Second):
			t.Fatal("Inventory hangs on a symlink to a FIFO")
		}
		if err != nil {
			t.Fatalf("Ignored %v: %v", ignored, err)
		}
		got := map[string]State{}
		for _, f := range files {
			got[f.Path] = f.State
		}
		want := map[string]State{"kept/config.py": Tracked, "new/config.py": Untracked}
		if len(got) != len(want) || got["kept/config.py"] != Tracked || got["new/config.py"] != Untracked {
			t.Errorf("Ignored %v: got %v, want %v", ignored, got, want)
		}
	}
}

//go:build unix

package git

import (
	"errors"
	"path/filepath"
	"syscall"
	"testing"
	"time"

	"github.com/keyguard/keyguard/internal/gittest"
)

// TestReadStagedFIFONeverBlocks: a FIFO that took a new file's place after
// WorkTreeSize looked is neither waited on nor read.
func TestReadStagedFIFONeverBlocks(t *testing.T) {
	gittest.Pin(t)
	g := gittest.New(t)
	g.Write("new.txt", "staged\n")
	g.Git("add", "-A")
	repo := open(t, g.Dir)
	c := &Change{Status: 'A', Path: "new.txt", DstMode: "100644", DstBlob: g.Git("rev-parse", ":new.txt")[:40]}
	if _, err := repo.ReadStaged(c, 7, 1<<20, nil, nil); err != nil {
		t.Fatalf("the staged file itself: %v", err)
	}
	path := filepath.Join(g.Dir, "new.txt")
	if err := syscall.Unlink(path); err != nil {
		t.Fatal(err)
	}
	if err := syscall.Mkfifo(path, 0o644); err != nil {
		t.Skipf("mkfifo: %v", err)
	}
	done := make(chan error, 1)
	go func() {
		_, err := repo.ReadStaged(c, 7, 1<<20, nil, nil)
		done <- err
	}()
	select {
	case err := <-done:
		if !errors.Is(err, ErrNotStaged) {
			t.Errorf("a FIFO in the file's place: %v, want ErrNotStaged", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("ReadStaged waits on a FIFO")
	}
}

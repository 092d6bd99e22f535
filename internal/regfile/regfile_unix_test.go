//go:build unix

package regfile

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"syscall"
	"testing"
	"time"
)

// TestReadSymlinkToFIFO: a link to a pipe nobody writes must not hang.
func TestReadSymlinkToFIFO(t *testing.T) {
	dir := t.TempDir()
	fifo := filepath.Join(dir, "fifo")
	if err := syscall.Mkfifo(fifo, 0o600); err != nil {
		t.Skipf("mkfifo: %v", err)
	}
	link := filepath.Join(dir, ".env")
	if err := os.Symlink(fifo, link); err != nil {
		t.Fatal(err)
	}
	for _, p := range []string{fifo, link} {
		done := make(chan error, 1)
		go func() { _, _, err := Read(p, 10); done <- err }()
		select {
		case err := <-done:
			if !errors.Is(err, fs.ErrNotExist) {
				t.Errorf("Read(%s): %v, want an error matching fs.ErrNotExist", filepath.Base(p), err)
			}
		case <-time.After(5 * time.Second):
			t.Fatalf("Read(%s) hangs", filepath.Base(p))
		}
	}
}

package git

import (
	"io"
	"os"
	"testing"

	"golang.org/x/sys/unix"
)

// TestGrowPipe: the pipe a diff is read from holds pipeSize bytes after
// growPipe, where the system lets a process size its pipes at all.
func TestGrowPipe(t *testing.T) {
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	defer w.Close()
	before, err := unix.FcntlInt(r.Fd(), unix.F_GETPIPE_SZ, 0)
	if err != nil {
		t.Skipf("F_GETPIPE_SZ: %v", err)
	}
	if before >= pipeSize {
		t.Skipf("pipes already hold %d bytes", before)
	}
	growPipe(r)
	after, err := unix.FcntlInt(r.Fd(), unix.F_GETPIPE_SZ, 0)
	if err != nil {
		t.Fatal(err)
	}
	if after != pipeSize {
		// A limit (fs.pipe-max-size, or the user's pipe memory) may refuse.
		if _, err := unix.FcntlInt(w.Fd(), unix.F_SETPIPE_SZ, pipeSize); err != nil {
			t.Skipf("this system refuses %d-byte pipes: %v", pipeSize, err)
		}
		t.Fatalf("pipe holds %d bytes after growPipe, want %d", after, pipeSize)
	}
	growPipe(io.MultiReader(r)) // a reader that is not a pipe: left alone
}

package git

import (
	"crypto/sha1"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"hash"
	"io"
	"os"
	"path/filepath"
	"strconv"

	"github.com/keyguard/keyguard/internal/regfile"
)

// A file that git's staged diff would print whole (a new file) is often in
// the work tree exactly as it is staged, and git's own diff reads it from
// there rather than from the object store. Printing it as a patch costs git
// more than the file itself: on the staged diff of 10 MiB of new files,
// `git diff-index -p` took 50 ms of CPU where listing the same changes
// took 10, and keyguard then parsed 10 MiB of patch lines (docs/performance.md).
// So the hook reads such files itself, and trusts a copy only when its
// content hashes to the staged blob's object name: what is scanned is
// then byte for byte what the commit will hold, whatever happened to the
// work tree since `git add` (an edit, a line-ending or clean filter, an LFS
// pointer, a sparse checkout, a symbolic link in its place).

// ErrNotStaged means the work tree does not hold a change's staged content
// as a regular file of at most the size asked for; its content must be
// read from git.
var ErrNotStaged = errors.New("the work tree's copy is not the staged content")

// WorkTreeSize returns the size of the work tree's copy of a change that
// adds a regular file (status A, mode 100644 or 100755), or ErrNotStaged
// when there is none to read: another kind of change, a symbolic link or a
// directory at its path, or no file. It does not check the content (see
// ReadStaged).
func (r *Repo) WorkTreeSize(c *Change) (int64, error) {
	if r.Bare || c.Status != 'A' || (c.DstMode != "100644" && c.DstMode != "100755") {
		return 0, ErrNotStaged
	}
	fi, err := os.Lstat(filepath.Join(r.Top, filepath.FromSlash(c.Path)))
	if err != nil || !fi.Mode().IsRegular() {
		return 0, ErrNotStaged
	}
	return fi.Size(), nil
}

// ReadStaged reads the work tree's copy of a change that adds a regular
// file (see WorkTreeSize) into memory from buffer (as DiffHandler.Buffer)
// and returns it when it is exactly the staged content: as many bytes as
// expected, at most limit, whose blob hash in the repository's object
// format is the change's DstBlob. Otherwise the error wraps ErrNotStaged,
// and the memory is handed to release when it is not nil.
func (r *Repo) ReadStaged(c *Change, size, limit int64, buffer func(n int) []byte, release func([]byte)) ([]byte, error) {
	if size > limit {
		return nil, fmt.Errorf("%w: %d bytes", ErrNotStaged, size)
	}
	// regfile: a FIFO or link that took the file's place since
	// WorkTreeSize looked is neither waited on nor followed.
	f, fi, err := regfile.Open(filepath.Join(r.Top, filepath.FromSlash(c.Path)))
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrNotStaged, err)
	}
	defer f.Close()
	if fi.Size() != size {
		return nil, fmt.Errorf("%w: %d bytes now, not %d", ErrNotStaged, fi.Size(), size)
	}
	var text []byte
	if buffer != nil {
		text = buffer(int(size))
	}
	if int64(cap(text)) < size {
		text = make([]byte, size)
	}
	text = text[:size]
	// One more byte than expected must not be there: the file grew.
	n, err := io.ReadFull(f, text)
	if err == nil {
		var one [1]byte
		if m, _ := f.Read(one[:]); m > 0 {
			err = errors.New("the file grew while it was read")
		}
	}
	if err != nil || !r.isBlob(text[:n], c.DstBlob) {
		if release != nil {
			release(text)
		}
		if err == nil {
			err = errors.New("content differs")
		}
		return nil, fmt.Errorf("%w: %w", ErrNotStaged, err)
	}
	return text, nil
}

// isBlob reports whether content is the blob named name: whether git's
// hash of it ("blob <size>\0" and the bytes, in the object format) is name.
func (r *Repo) isBlob(content []byte, name string) bool {
	var h hash.Hash
	switch r.ObjectFormat {
	case "sha256":
		h = sha256.New()
	case "sha1", "":
		h = sha1.New()
	default:
		return false // an object format this keyguard does not know
	}
	h.Write([]byte("blob " + strconv.Itoa(len(content)) + "\x00"))
	h.Write(content)
	var sum [sha256.Size]byte
	return hex.EncodeToString(h.Sum(sum[:0])) == name
}

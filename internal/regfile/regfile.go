// Package regfile reads files from the work tree the way keyguard scans
// them: regular files only, symlinks not followed, bounded in size. A
// symlink or a FIFO is never opened, so a scan cannot read outside the
// repository or hang on a pipe.
package regfile

import (
	"fmt"
	"io"
	"io/fs"
	"os"
)

// Read reads up to limit bytes of the regular file at path and reports
// whether the file was longer. A path that is missing, or is not a regular
// file (a symlink, a FIFO, a device), gives an error matching
// fs.ErrNotExist: there is no file content there to scan.
func Read(path string, limit int64) (data []byte, truncated bool, err error) {
	fi, err := os.Lstat(path)
	if err != nil {
		return nil, false, err
	}
	if !fi.Mode().IsRegular() {
		return nil, false, fmt.Errorf("read %s: not a regular file: %w", path, fs.ErrNotExist)
	}
	fh, err := os.Open(path)
	if err != nil {
		return nil, false, fmt.Errorf("read %s: %w", path, err)
	}
	defer fh.Close()
	// The path may have been swapped between Lstat and Open: read only the
	// file that was checked.
	if opened, err := fh.Stat(); err != nil {
		return nil, false, fmt.Errorf("read %s: %w", path, err)
	} else if !os.SameFile(fi, opened) {
		return nil, false, fmt.Errorf("read %s: changed while being read: %w", path, fs.ErrNotExist)
	}
	data, err = io.ReadAll(io.LimitReader(fh, limit+1))
	if err != nil {
		return nil, false, fmt.Errorf("read %s: %w", path, err)
	}
	if int64(len(data)) > limit {
		return data[:limit], true, nil
	}
	return data, false, nil
}

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
	"syscall"
)

// Read reads up to limit bytes of the regular file at path and reports
// whether the file was longer. A path that is missing, or is not a regular
// file (a symlink, a FIFO, a device), gives an error matching
// fs.ErrNotExist: there is no file content there to scan.
func Read(path string, limit int64) (data []byte, truncated bool, err error) {
	fh, _, err := Open(path)
	if err != nil {
		return nil, false, err
	}
	defer fh.Close()
	data, err = io.ReadAll(io.LimitReader(fh, limit+1))
	if err != nil {
		return nil, false, fmt.Errorf("read %s: %w", path, err)
	}
	if int64(len(data)) > limit {
		return data[:limit], true, nil
	}
	return data, false, nil
}

// Open opens the regular file at path for reading and returns it with its
// information, for a caller that reads it its own way (into memory it
// already has). What is not a regular file gives an error matching
// fs.ErrNotExist, as in Read. The open does not block: if a FIFO took the
// path's place after it was checked, opening it does not wait for a
// writer, and the file opened must be the one checked.
func Open(path string) (*os.File, fs.FileInfo, error) {
	fi, err := os.Lstat(path)
	if err != nil {
		return nil, nil, err
	}
	if !fi.Mode().IsRegular() {
		return nil, nil, fmt.Errorf("read %s: not a regular file: %w", path, fs.ErrNotExist)
	}
	fh, err := os.OpenFile(path, os.O_RDONLY|syscall.O_NONBLOCK, 0)
	if err != nil {
		return nil, nil, fmt.Errorf("read %s: %w", path, err)
	}
	// The path may have been swapped between Lstat and Open: read only the
	// file that was checked.
	if opened, err := fh.Stat(); err != nil {
		fh.Close()
		return nil, nil, fmt.Errorf("read %s: %w", path, err)
	} else if !os.SameFile(fi, opened) {
		fh.Close()
		return nil, nil, fmt.Errorf("read %s: changed while being read: %w", path, fs.ErrNotExist)
	}
	return fh, fi, nil
}

// Package atomicfile replaces files so that a reader, or a crash, sees either
// the old content or the new, never a half-written file.
package atomicfile

import (
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
)

// maxLinks bounds symlink resolution, as the kernel's ELOOP limit does.
const maxLinks = 40

// Write replaces the file at path with data: it writes a temporary file in
// the same directory, syncs it, gives it the existing file's permissions
// (defaultPerm, less the umask, for a new file) and renames it over path. If
// path is a symlink, the link's target is replaced and the link kept. On any
// error the old file is untouched and the temporary file removed. The
// temporary file is created with the final mode (never more open), so a
// secret written to a 0600 file is never readable by others, even briefly.
func Write(path string, data []byte, defaultPerm os.FileMode) error {
	return write(path, data, defaultPerm, false, envFault(path))
}

// ErrOutside is returned by WriteWithin for a path that is, or leads
// through a symlink to, a file outside the directory it must stay in.
var ErrOutside = errors.New("resolves outside the repository (through a symlink); refusing to write there")

// WriteWithin is Write for a file that must stay inside root (a repository's
// work tree): if the path, or a directory on the way to it, is a symlink
// that leads outside root, nothing is written. A cloned repository could
// otherwise commit ".gitignore -> ~/.bashrc" and have keyguard append to it.
func WriteWithin(root, path string, data []byte, defaultPerm os.FileMode) error {
	if err := checkWithin(root, path); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	return write(path, data, defaultPerm, false, envFault(path))
}

// checkWithin resolves the directory path is in, and path itself when it is
// a symlink, and checks both stay inside root.
func checkWithin(root, path string) error {
	realRoot, err := filepath.EvalSymlinks(root)
	if err != nil {
		return err
	}
	dir, err := filepath.EvalSymlinks(filepath.Dir(path))
	if err != nil {
		return err
	}
	target, err := resolve(filepath.Join(dir, filepath.Base(path)))
	if err != nil {
		return err
	}
	if t, err := filepath.EvalSymlinks(filepath.Dir(target)); err == nil {
		target = filepath.Join(t, filepath.Base(target))
	}
	rel, err := filepath.Rel(realRoot, target)
	if err != nil || !filepath.IsLocal(rel) {
		return ErrOutside
	}
	return nil
}

// WriteMode is Write that gives the file exactly perm, whatever its mode was
// and whatever the umask: for scripts that must stay executable.
func WriteMode(path string, data []byte, perm os.FileMode) error {
	return write(path, data, perm, true, envFault(path))
}

// TempInfix is in the name of every temporary file Write creates, so a
// leftover one (after a crash) is recognisably keyguard's.
const TempInfix = ".keyguard-tmp-"

// write is Write with a fault seam (see fault.go): a nil fault is a normal
// write; tests use one to make any step fail, even when running as root.
func write(path string, data []byte, perm os.FileMode, exact bool, fault fault) error {
	if err := writeTarget(path, data, perm, exact, fault); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	return nil
}

func writeTarget(path string, data []byte, defaultPerm os.FileMode, exact bool, fault fault) (err error) {
	target, err := resolve(path)
	if err != nil {
		return err
	}
	perm, exists := defaultPerm.Perm(), false
	if fi, err := os.Stat(target); err == nil {
		if !fi.Mode().IsRegular() {
			return fmt.Errorf("%s is not a regular file", target)
		}
		exists = true
		if !exact {
			perm = fi.Mode().Perm()
		}
	} else if !errors.Is(err, fs.ErrNotExist) {
		return err
	}

	dir := filepath.Dir(target)
	if err = fault.at(stageCreate, filepath.Join(dir, "."+filepath.Base(target)+TempInfix+"XXXXXXXXXXXX")); err != nil {
		return err
	}
	f, tmp, err := createTemp(dir, filepath.Base(target), perm)
	if err != nil {
		return err
	}
	defer func() {
		if err != nil {
			f.Close()
			os.Remove(tmp)
		}
	}()
	if fault != nil {
		// A fault while writing strikes half way, as a full disk does, so
		// tests see a partly written temporary file cleaned up.
		if _, err = f.Write(data[:len(data)/2]); err != nil {
			return err
		}
		if err = fault.at(stageWrite, tmp); err != nil {
			return err
		}
		data = data[len(data)/2:]
	}
	if _, err = f.Write(data); err != nil {
		return err
	}
	// OpenFile applied the umask; an existing file's mode is kept exactly,
	// and an exact mode is set as asked.
	if exists || exact {
		if err = f.Chmod(perm); err != nil {
			return err
		}
	}
	if err = f.Sync(); err != nil {
		return err
	}
	if err = fault.at(stageSync, tmp); err != nil {
		return err
	}
	if err = f.Close(); err != nil {
		return err
	}
	if err = fault.at(stageRename, tmp); err != nil {
		return err
	}
	if err = os.Rename(tmp, target); err != nil {
		return err
	}
	// Make the rename itself durable; some file systems cannot sync a
	// directory, and the new content is already safe in place, so ignore that.
	if d, derr := os.Open(dir); derr == nil {
		_ = d.Sync()
		d.Close()
	}
	return nil
}

// createTemp makes a new file next to the target, named so that a leftover
// one is recognisable, created with perm so the umask applies to new files.
func createTemp(dir, base string, perm os.FileMode) (*os.File, string, error) {
	for range 10000 {
		var b [6]byte
		if _, err := rand.Read(b[:]); err != nil {
			return nil, "", err
		}
		name := filepath.Join(dir, "."+base+TempInfix+hex.EncodeToString(b[:]))
		f, err := os.OpenFile(name, os.O_WRONLY|os.O_CREATE|os.O_EXCL, perm)
		if errors.Is(err, fs.ErrExist) {
			continue
		}
		if err != nil {
			return nil, "", err
		}
		return f, name, nil
	}
	return nil, "", errors.New("cannot create a unique temporary file")
}

// resolve follows symlinks at path until it reaches a file or a name that
// does not exist yet (a dangling link is written through, creating the
// target). Unlike filepath.EvalSymlinks it accepts a missing final target.
func resolve(path string) (string, error) {
	for range maxLinks {
		fi, err := os.Lstat(path)
		if errors.Is(err, fs.ErrNotExist) {
			return path, nil
		}
		if err != nil {
			return "", err
		}
		if fi.Mode()&fs.ModeSymlink == 0 {
			return path, nil
		}
		link, err := os.Readlink(path)
		if err != nil {
			return "", err
		}
		if !filepath.IsAbs(link) {
			link = filepath.Join(filepath.Dir(path), link)
		}
		path = link
	}
	return "", fmt.Errorf("too many levels of symbolic links")
}

// Leftovers lists the temporary files Write left anywhere under dir (after a
// crash or a kill): tests assert there are none, and a cleanup can remove
// them.
func Leftovers(dir string) ([]string, error) {
	var out []string
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if strings.Contains(d.Name(), TempInfix) {
			out = append(out, p)
		}
		return nil
	})
	return out, err
}

package atomicfile

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// noTemps fails if a temporary file was left in dir.
func noTemps(t *testing.T, dir string) {
	t.Helper()
	ents, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range ents {
		if strings.Contains(e.Name(), ".tmp-") {
			t.Errorf("temporary file %s left behind", e.Name())
		}
	}
}

func readFile(t *testing.T, p string) string {
	t.Helper()
	b, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func TestWrite(t *testing.T) {
	tests := []struct {
		name     string
		old      *string // nil: no file before
		oldPerm  os.FileMode
		defPerm  os.FileMode
		wantPerm os.FileMode
	}{
		{name: "new file gets default mode", defPerm: 0o600, wantPerm: 0o600},
		{name: "existing mode kept", old: ptr("old\n"), oldPerm: 0o640, defPerm: 0o600, wantPerm: 0o640},
		{name: "existing executable kept", old: ptr("#!/bin/sh\n"), oldPerm: 0o755, defPerm: 0o644, wantPerm: 0o755},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			p := filepath.Join(dir, ".gitignore")
			if tt.old != nil {
				if err := os.WriteFile(p, []byte(*tt.old), 0o600); err != nil {
					t.Fatal(err)
				}
				if err := os.Chmod(p, tt.oldPerm); err != nil {
					t.Fatal(err)
				}
			}
			if err := Write(p, []byte("new\n"), tt.defPerm); err != nil {
				t.Fatal(err)
			}
			if got := readFile(t, p); got != "new\n" {
				t.Errorf("content = %q; want %q", got, "new\n")
			}
			fi, err := os.Stat(p)
			if err != nil {
				t.Fatal(err)
			}
			if fi.Mode().Perm() != tt.wantPerm {
				t.Errorf("mode = %v; want %v", fi.Mode().Perm(), tt.wantPerm)
			}
			noTemps(t, dir)
		})
	}
}

func ptr(s string) *string { return &s }

func TestWriteFailureKeepsOldFile(t *testing.T) {
	tests := []struct {
		name  string
		setup func(t *testing.T, dir, p string) func(string) error
	}{
		{name: "read-only directory", setup: func(t *testing.T, dir, p string) func(string) error {
			if os.Geteuid() == 0 {
				t.Skip("root writes to read-only directories; the rename failure case covers this")
			}
			if err := os.Chmod(dir, 0o555); err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { os.Chmod(dir, 0o755) })
			return nil
		}},
		{name: "rename fails", setup: func(t *testing.T, dir, p string) func(string) error {
			return func(tmp string) error {
				if _, err := os.Stat(tmp); err != nil {
					t.Errorf("temporary file missing before rename: %v", err)
				}
				return errors.New("injected failure")
			}
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			p := filepath.Join(dir, ".gitignore")
			if err := os.WriteFile(p, []byte("old\n"), 0o644); err != nil {
				t.Fatal(err)
			}
			hook := tt.setup(t, dir, p)
			err := write(p, []byte("new\n"), 0o644, false, hook)
			if err == nil {
				t.Fatal("write succeeded; want an error")
			}
			if !strings.Contains(err.Error(), "write "+p+": ") {
				t.Errorf("error %q does not name the file", err)
			}
			if got := readFile(t, p); got != "old\n" {
				t.Errorf("old file changed to %q", got)
			}
			noTemps(t, dir)
		})
	}
}

// Writing to a directory's path fails at the rename, even as root, and
// leaves no temporary file.
func TestWriteOverDirectory(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "d")
	if err := os.Mkdir(p, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := Write(p, []byte("x"), 0o644); err == nil {
		t.Fatal("Write over a directory succeeded")
	}
	noTemps(t, dir)
}

func TestWriteSymlink(t *testing.T) {
	tests := []struct {
		name   string
		target string // relative to the temp dir
		link   string // what the link holds; relative links resolve from the link's dir
		exists bool
	}{
		{name: "relative link", target: "real/.gitignore", link: "real/.gitignore", exists: true},
		{name: "link to absolute path", target: "abs/.gitignore", link: "", exists: true},
		{name: "dangling link", target: "real/new.txt", link: "real/new.txt", exists: false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			target := filepath.Join(dir, tt.target)
			if err := os.MkdirAll(filepath.Dir(target), 0o755); err != nil {
				t.Fatal(err)
			}
			if tt.exists {
				if err := os.WriteFile(target, []byte("old\n"), 0o600); err != nil {
					t.Fatal(err)
				}
			}
			link := filepath.Join(dir, ".gitignore")
			dest := tt.link
			if dest == "" {
				dest = target
			}
			if err := os.Symlink(dest, link); err != nil {
				t.Fatal(err)
			}
			if err := Write(link, []byte("new\n"), 0o644); err != nil {
				t.Fatal(err)
			}
			fi, err := os.Lstat(link)
			if err != nil {
				t.Fatal(err)
			}
			if fi.Mode()&os.ModeSymlink == 0 {
				t.Fatal("symlink replaced by a regular file")
			}
			if got := readFile(t, target); got != "new\n" {
				t.Errorf("target content = %q; want %q", got, "new\n")
			}
			if tt.exists {
				if fi, _ := os.Stat(target); fi.Mode().Perm() != 0o600 {
					t.Errorf("target mode = %v; want 0600", fi.Mode().Perm())
				}
			}
			noTemps(t, dir)
			noTemps(t, filepath.Dir(target))
		})
	}
}

func TestWriteModeSetsExactMode(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "hook")
	if err := os.WriteFile(p, []byte("old"), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := WriteMode(p, []byte("new"), 0o755); err != nil {
		t.Fatal(err)
	}
	fi, err := os.Stat(p)
	if err != nil {
		t.Fatal(err)
	}
	if fi.Mode().Perm() != 0o755 {
		t.Fatalf("mode %v, want 0755", fi.Mode().Perm())
	}
	fresh := filepath.Join(dir, "fresh")
	if err := WriteMode(fresh, []byte("x"), 0o755); err != nil {
		t.Fatal(err)
	}
	if fi, _ := os.Stat(fresh); fi.Mode().Perm() != 0o755 {
		t.Fatalf("new file mode %v, want 0755 despite the umask", fi.Mode().Perm())
	}
}

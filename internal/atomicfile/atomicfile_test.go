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
		if strings.Contains(e.Name(), TempInfix) {
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
		setup func(t *testing.T, dir, p string) fault
		want  string // in the error
	}{
		{name: "read-only directory", want: "permission denied", setup: func(t *testing.T, dir, p string) fault {
			if os.Geteuid() == 0 {
				t.Skip("root writes to read-only directories; the injected EACCES cases cover this")
			}
			if err := os.Chmod(dir, 0o555); err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { os.Chmod(dir, 0o755) })
			return nil
		}},
		{name: "rename fails", want: "injected failure", setup: func(t *testing.T, dir, p string) fault {
			return func(stage, tmp string) error {
				if stage != stageRename {
					return nil
				}
				if _, err := os.Stat(tmp); err != nil {
					t.Errorf("temporary file missing before rename: %v", err)
				}
				return errors.New("injected failure")
			}
		}},
	}
	for _, spec := range []string{"EACCES", "EPERM@create", "ENOSPC", "EDQUOT@write", "EIO@sync", "EROFS@rename"} {
		tests = append(tests, struct {
			name  string
			setup func(t *testing.T, dir, p string) fault
			want  string
		}{name: spec, want: "", setup: func(t *testing.T, dir, p string) fault {
			f, err := parseFault("ENOSPC:other,"+spec+":.git*", ".gitignore")
			if err != nil || f == nil {
				t.Fatalf("parseFault(%q) = %v, %v", spec, f != nil, err)
			}
			return f
		}})
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			p := filepath.Join(dir, ".gitignore")
			if err := os.WriteFile(p, []byte("old\n"), 0o644); err != nil {
				t.Fatal(err)
			}
			f := tt.setup(t, dir, p)
			err := write(p, []byte("new content\n"), 0o644, false, f)
			if err == nil {
				t.Fatal("write succeeded; want an error")
			}
			if !strings.Contains(err.Error(), "write "+p+": ") || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("error %q does not name the file and %q", err, tt.want)
			}
			if got := readFile(t, p); got != "old\n" {
				t.Errorf("old file changed to %q", got)
			}
			noTemps(t, dir)
			// The same write without the fault succeeds: the failure above
			// was the fault's, not the fixture's.
			if tt.name != "read-only directory" {
				if err := write(p, []byte("new\n"), 0o644, false, nil); err != nil || readFile(t, p) != "new\n" {
					t.Errorf("write without the fault: %v", err)
				}
			}
		})
	}
}

// TestFaultEnv: the variable reaches Write and WriteMode in a test binary,
// strikes only the files its glob names, and a malformed value fails every
// write rather than passing silently.
func TestFaultEnv(t *testing.T) {
	dir := t.TempDir()
	env := filepath.Join(dir, ".env")
	src := filepath.Join(dir, "app.py")
	for _, p := range []string{env, src} {
		if err := os.WriteFile(p, []byte("old\n"), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	t.Setenv(FaultEnv, "ENOSPC:.env")
	err := Write(env, []byte("A=1\n"), 0o600)
	if err == nil || !strings.Contains(err.Error(), "write "+env+": ") || !strings.Contains(err.Error(), "no space left on device") {
		t.Errorf("Write(.env) = %v; want a disk-full error naming the file", err)
	}
	if got := readFile(t, env); got != "old\n" {
		t.Errorf(".env changed to %q", got)
	}
	if err := WriteMode(src, []byte("new\n"), 0o644); err != nil {
		t.Errorf("a file the glob does not name failed: %v", err)
	}
	if got := readFile(t, src); got != "new\n" {
		t.Errorf("app.py = %q; want the new content", got)
	}
	noTemps(t, dir)

	for _, bad := range []string{"ENOSPC", "ENOPE:*", "ENOSPC@later:*", "ENOSPC:["} {
		t.Setenv(FaultEnv, bad)
		if err := Write(src, []byte("x"), 0o644); err == nil || !strings.Contains(err.Error(), FaultEnv) {
			t.Errorf("%s=%q: Write = %v; want an error about the variable", FaultEnv, bad, err)
		}
		noTemps(t, dir)
	}
}

// TestTempFileMode: the temporary file already has the final mode when the
// first byte is written, so a secret bound for a 0600 .env is never in a
// file others can read, not even for a moment.
func TestTempFileMode(t *testing.T) {
	tests := []struct {
		name     string
		oldPerm  os.FileMode // 0: no file before
		defPerm  os.FileMode
		wantPerm os.FileMode
	}{
		{name: "new .env", defPerm: 0o600, wantPerm: 0o600},
		{name: "existing private .env", oldPerm: 0o600, defPerm: 0o644, wantPerm: 0o600},
		{name: "existing shared file", oldPerm: 0o640, defPerm: 0o600, wantPerm: 0o640},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			p := filepath.Join(dir, ".env")
			if tt.oldPerm != 0 {
				if err := os.WriteFile(p, []byte("old\n"), 0o600); err != nil {
					t.Fatal(err)
				}
				if err := os.Chmod(p, tt.oldPerm); err != nil {
					t.Fatal(err)
				}
			}
			seen := map[string]os.FileMode{}
			probe := func(stage, tmp string) error {
				if stage == stageCreate {
					return nil
				}
				fi, err := os.Stat(tmp)
				if err != nil {
					t.Fatalf("%s: %v", stage, err)
				}
				seen[stage] = fi.Mode().Perm()
				return nil
			}
			if err := write(p, []byte("A=1\n"), tt.defPerm, false, probe); err != nil {
				t.Fatal(err)
			}
			for _, stage := range []string{stageWrite, stageSync, stageRename} {
				if got, ok := seen[stage]; !ok || got&^tt.wantPerm != 0 {
					t.Errorf("temporary file at %s: mode %v; want no more than %v", stage, got, tt.wantPerm)
				}
			}
			if fi, err := os.Stat(p); err != nil || fi.Mode().Perm() != tt.wantPerm {
				t.Errorf("final mode = %v (%v); want %v", fi.Mode().Perm(), err, tt.wantPerm)
			}
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

func TestWriteWithinRefusesEscapes(t *testing.T) {
	root := t.TempDir()
	outside := t.TempDir()
	victim := filepath.Join(outside, "rc")
	if err := os.WriteFile(victim, []byte("original\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(victim, filepath.Join(root, ".gitignore")); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(outside, filepath.Join(root, ".streamlit")); err != nil {
		t.Fatal(err)
	}
	if err := os.MkdirAll(filepath.Join(root, "sub"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink("../.gitignore", filepath.Join(root, "sub", "chain")); err != nil {
		t.Fatal(err)
	}
	for _, p := range []string{".gitignore", ".streamlit/secrets.toml", "sub/chain"} {
		err := WriteWithin(root, filepath.Join(root, p), []byte("pwned\n"), 0o644)
		if !errors.Is(err, ErrOutside) {
			t.Errorf("%s: got %v, want ErrOutside", p, err)
		}
	}
	if got, _ := os.ReadFile(victim); string(got) != "original\n" {
		t.Fatalf("the file outside was changed: %q", got)
	}
	if _, err := os.Stat(filepath.Join(outside, "secrets.toml")); err == nil {
		t.Fatal("a file was created outside the root")
	}
	// Inside the root, including through an inside symlink, writes work.
	if err := os.WriteFile(filepath.Join(root, "real"), []byte("a\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink("real", filepath.Join(root, "link")); err != nil {
		t.Fatal(err)
	}
	for _, p := range []string{"new.txt", "link", "sub/new.txt"} {
		if err := WriteWithin(root, filepath.Join(root, p), []byte("ok\n"), 0o644); err != nil {
			t.Errorf("%s: %v", p, err)
		}
	}
	if got, _ := os.ReadFile(filepath.Join(root, "real")); string(got) != "ok\n" {
		t.Fatalf("write through an inside link: %q", got)
	}
}

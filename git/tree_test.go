package git

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/keyguard/keyguard/internal/gittest"
)

// TestCommittedFile reads files from a bare repository's HEAD: a regular
// file, a missing one, and refuses a symlink and a file over the limit.
func TestCommittedFile(t *testing.T) {
	g := gittest.New(t)
	g.Write("conf.yaml", "a: 1\n")
	g.Write("dir/inner.txt", "x\n")
	if err := os.Symlink("/etc/passwd", filepath.Join(g.Dir, "link.yaml")); err != nil {
		t.Fatal(err)
	}
	g.Git("add", ".")
	g.Git("commit", "-q", "-m", "files")
	bare := filepath.Join(t.TempDir(), "b.git")
	g.Git("clone", "-q", "--bare", g.Dir, bare)

	r, err := OpenHistory(context.Background(), bare)
	if err != nil {
		t.Fatal(err)
	}
	if !r.Bare || r.Top != "" || r.Head == "" {
		t.Fatalf("OpenHistory: Bare %v, Top %q, Head %q; want a bare repository with a HEAD", r.Bare, r.Top, r.Head)
	}
	if _, err := Open(context.Background(), bare); err != ErrBare {
		t.Fatalf("Open in a bare repository: %v, want ErrBare", err)
	}
	tests := []struct {
		path      string
		limit     int64
		want      string
		wantFound bool
		wantErr   string
	}{
		{"conf.yaml", 100, "a: 1\n", true, ""},
		{"dir/inner.txt", 100, "x\n", true, ""},
		{"missing.yaml", 100, "", false, ""},
		{"inner.txt", 100, "", false, ""}, // only at the top
		{"link.yaml", 100, "", false, "not a regular file"},
		{"dir", 100, "", false, "not a regular file"},
		{"conf.yaml", 3, "", false, "larger than 3 bytes"},
	}
	for _, tt := range tests {
		data, found, err := r.CommittedFile(context.Background(), "HEAD", tt.path, tt.limit)
		if tt.wantErr != "" {
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Errorf("%s: error %v, want %q", tt.path, err, tt.wantErr)
			}
			continue
		}
		if err != nil || found != tt.wantFound || string(data) != tt.want {
			t.Errorf("%s: %q, %v, %v; want %q, %v", tt.path, data, found, err, tt.want, tt.wantFound)
		}
	}
}

// TestRefOption: the options that choose refs pass; anything else that
// starts with '-' could change git's output and is refused.
func TestRefOption(t *testing.T) {
	tests := []struct {
		arg  string
		want bool
	}{
		{"--all", true},
		{"--branches", true},
		{"--branches=release/*", true},
		{"--tags", true},
		{"--remotes=origin/*", true},
		{"--glob=refs/heads/*", true},
		{"--exclude=refs/pull/*", true},
		{"--not", true},
		{"--exclude", false},
		{"--glob=", false},
		{"--all=x", false},
		{"--output=x", false},
		{"-p", false},
		{"--format=%H", false},
		{"--ext-diff", false},
	}
	for _, tt := range tests {
		if got := refOption(tt.arg); got != tt.want {
			t.Errorf("refOption(%q) = %v, want %v", tt.arg, got, tt.want)
		}
	}
}

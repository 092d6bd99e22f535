package git

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"testing"

	"github.com/keyguard/keyguard/internal/gittest"
)

// TestReadStagedOnlyTheStagedContent: the work tree's copy is read only
// when it is the staged blob, byte for byte, and a regular file.
func TestReadStagedOnlyTheStagedContent(t *testing.T) {
	for _, format := range []string{"sha1", "sha256"} {
		t.Run(format, func(t *testing.T) {
			gittest.Pin(t)
			g := gittest.New(t, "--object-format="+format)
			g.Write("same.txt", "hello\n")
			for _, name := range []string{"edited.txt", "grown.txt", "gone.txt", "dir.txt"} {
				g.Write(name, "staged\n")
			}
			g.Git("add", "-A")
			g.Write("edited.txt", "edited\n") // same size, other bytes
			g.Write("grown.txt", "staged\nmore\n")
			if err := os.Remove(filepath.Join(g.Dir, "gone.txt")); err != nil {
				t.Fatal(err)
			}
			if err := os.Remove(filepath.Join(g.Dir, "dir.txt")); err != nil {
				t.Fatal(err)
			}
			g.Write("dir.txt/inner", "x\n")
			repo := open(t, g.Dir)
			var changes []*Change
			listed := errors.New("listed")
			err := repo.StagedDiff(context.Background(), DiffHandler{Raw: func(cs []*Change) error {
				changes = cs
				return listed
			}})
			if !errors.Is(err, listed) || len(changes) != 5 {
				t.Fatalf("staged diff: %v, %d changes", err, len(changes))
			}
			for _, c := range changes {
				size, err := repo.WorkTreeSize(c)
				if err == nil {
					var text []byte
					text, err = repo.ReadStaged(c, size, 1<<20, nil, nil)
					if err == nil && string(text) != "hello\n" {
						t.Errorf("%s: read %q", c.Path, text)
					}
				}
				if ok := err == nil; ok != (c.Path == "same.txt") {
					t.Errorf("%s: read from the work tree: %v (%v)", c.Path, ok, err)
				}
			}
			for _, c := range changes {
				if c.Path == "same.txt" {
					if _, err := repo.ReadStaged(c, 6, 5, nil, nil); err == nil {
						t.Error("a file over the limit was read")
					}
				}
			}
		})
	}
}

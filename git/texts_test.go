package git

import (
	"bytes"
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/keyguard/keyguard/internal/gittest"
)

// historyChanges lists every change of every commit but merges, as
// CommitChanges gives them.
func historyChanges(t *testing.T, r *Repo) []CommitChange {
	t.Helper()
	ctx := context.Background()
	commits, err := r.Commits(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	var hashes []string
	for _, c := range commits {
		if !c.Merge {
			hashes = append(hashes, c.Hash)
		}
	}
	var all []CommitChange
	err = r.CommitChanges(ctx, hashes, func(hash string, changes []*Change) error {
		for _, c := range changes {
			all = append(all, CommitChange{Commit: hash, Change: c})
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return all
}

// feed gives changes one by one, for ChangeTexts.
func feed(changes []CommitChange) func() (CommitChange, bool) {
	return func() (CommitChange, bool) {
		if len(changes) == 0 {
			return CommitChange{}, false
		}
		c := changes[0]
		changes = changes[1:]
		return c, true
	}
}

// readTexts runs ChangeTexts over changes in the given order and returns
// what it gave, by commit and path.
func readTexts(t *testing.T, r *Repo, changes []CommitChange) (texts, olds map[string]string, large []string) {
	t.Helper()
	texts, olds = map[string]string{}, map[string]string{}
	err := r.ChangeTexts(context.Background(), feed(changes), TextHandler{
		Text: func(c CommitChange, text, old []byte) error {
			key := c.Commit + ":" + c.Path
			if _, dup := texts[key]; dup {
				t.Errorf("%s given twice", key)
			}
			texts[key] = string(text)
			if old != nil {
				olds[key] = string(old)
			}
			return nil
		},
		Large: func(c CommitChange) DiffHandler {
			return DiffHandler{Fragment: func(f Fragment) error {
				large = append(large, c.Commit+":"+f.Change.Path)
				return nil
			}}
		},
	})
	if err != nil {
		t.Fatal(err)
	}
	return texts, olds, large
}

// TestChangeTexts builds a history with every shape of change and checks
// what each one reads: the new content, the content it replaced, nothing
// for what carries no new content.
func TestChangeTexts(t *testing.T) {
	g := gittest.New(t)
	g.Write("a.txt", "one\n")
	kept := strings.Repeat("kept line\n", 10)
	g.Write("keep.txt", kept)
	g.Write("utf16.txt", "\xff\xfeh\x00i\x00\n\x00")
	g.Git("add", ".")
	g.Git("commit", "-q", "-m", "root")
	g.Write("a.txt", "one\ntwo")
	g.Write("bin.dat", "x\x00y")
	g.Git("add", ".")
	g.Git("commit", "-q", "-m", "edit and a binary")
	g.Git("mv", "keep.txt", "renamed.txt")
	g.Git("commit", "-q", "-m", "pure rename")
	g.Git("mv", "renamed.txt", "renamed-again.txt")
	g.Write("renamed-again.txt", kept+"and more\n")
	g.Git("add", ".")
	g.Git("commit", "-q", "-m", "rename with an edit")
	g.Git("update-index", "--chmod=+x", "a.txt")
	g.Git("commit", "-q", "-m", "mode only")
	if err := os.Symlink("a.txt", filepath.Join(g.Dir, "link")); err != nil {
		t.Skip("no symbolic links here:", err)
	}
	g.Git("rm", "-q", "bin.dat")
	g.Git("add", ".")
	g.Git("commit", "-q", "-m", "a link and a deletion")
	big := strings.Repeat("0123456789abcdef\n", maxHeldBlob/17+1)
	g.Write("big.txt", big)
	g.Git("add", ".")
	g.Git("commit", "-q", "-m", "too large to hold")

	r := open(t, g.Dir)
	changes := historyChanges(t, r)
	texts, olds, large := readTexts(t, r, changes)
	rev := func(spec string) string { return strings.TrimSpace(g.Git("rev-parse", spec)) }
	want := map[string]string{
		rev("HEAD~6") + ":a.txt":             "one\n",
		rev("HEAD~6") + ":keep.txt":          kept,
		rev("HEAD~6") + ":utf16.txt":         "hi\n", // decoded
		rev("HEAD~5") + ":a.txt":             "one\ntwo",
		rev("HEAD~3") + ":renamed-again.txt": kept + "and more\n",
	}
	if len(texts) != len(want) {
		t.Errorf("read %d texts, want %d: %q", len(texts), len(want), texts)
	}
	for key, w := range want {
		if texts[key] != w {
			t.Errorf("%s: %q, want %q", key, texts[key], w)
		}
	}
	wantOld := map[string]string{
		rev("HEAD~5") + ":a.txt":             "one\n",
		rev("HEAD~3") + ":renamed-again.txt": kept, // found as a rename
	}
	if len(olds) != len(wantOld) {
		t.Errorf("old versions %q, want %q", olds, wantOld)
	}
	for key, w := range wantOld {
		if olds[key] != w {
			t.Errorf("%s replaced %q, want %q", key, olds[key], w)
		}
	}
	if len(large) == 0 || large[0] != rev("HEAD")+":big.txt" {
		t.Errorf("large file read as %q, want git's diff of %s:big.txt", large, rev("HEAD"))
	}
}

// TestChangeTextsEveryVersion reads random histories in two orders (each
// file's versions oldest first, as history scans give them, and git's own
// order) and checks every change against `git cat-file`. Versions are big
// enough to fill the pipes, so the pipelined requests and the cache are
// both exercised.
func TestChangeTextsEveryVersion(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 8))
	g := gittest.New(t)
	files := map[string][]string{}
	for commit := range 40 {
		for range 1 + rng.IntN(4) {
			name := fmt.Sprintf("d%d/f%d.txt", rng.IntN(3), rng.IntN(12))
			lines := mutate(rng, files[name])
			if rng.IntN(5) == 0 {
				lines = append(lines, strings.Repeat("filler line\n", 4000)) // 48 KB
			}
			files[name] = lines
			g.Write(name, join(lines, false))
		}
		g.Git("add", ".")
		g.Git("commit", "-q", "--allow-empty", "-m", fmt.Sprint("commit ", commit))
	}
	r := open(t, g.Dir)
	changes := historyChanges(t, r)
	byFile := map[string][]CommitChange{}
	var paths []string
	for i := len(changes) - 1; i >= 0; i-- { // oldest first
		c := changes[i]
		if byFile[c.Path] == nil {
			paths = append(paths, c.Path)
		}
		byFile[c.Path] = append(byFile[c.Path], c)
	}
	var grouped []CommitChange
	for _, p := range paths {
		grouped = append(grouped, byFile[p]...)
	}
	for name, order := range map[string][]CommitChange{"by file": grouped, "git's order": changes} {
		t.Run(name, func(t *testing.T) {
			texts, olds, _ := readTexts(t, r, order)
			if len(texts) != len(changes) {
				t.Fatalf("read %d texts for %d changes", len(texts), len(changes))
			}
			for _, c := range changes {
				key := c.Commit + ":" + c.Path
				if got, want := texts[key], blob(t, g, key); !bytes.Equal([]byte(got), want) {
					t.Fatalf("%s: %d bytes, want %d", key, len(got), len(want))
				}
				if c.Status == 'A' {
					if _, ok := olds[key]; ok {
						t.Fatalf("%s is new but replaced something", key)
					}
					continue
				}
				if got, want := olds[key], blob(t, g, c.Commit+"^:"+c.Path); !bytes.Equal([]byte(got), want) {
					t.Fatalf("%s replaced %d bytes, want %d", key, len(got), len(want))
				}
			}
		})
	}
}

// TestChangeTextsFailsClosed: a blob git cannot read is an error, not a
// change quietly skipped, and nothing hangs.
func TestChangeTextsFailsClosed(t *testing.T) {
	g := gittest.New(t)
	g.Write("a.txt", "one\n")
	g.Git("add", ".")
	g.Git("commit", "-q", "-m", "root")
	r := open(t, g.Dir)
	changes := historyChanges(t, r)
	changes[0].Change.DstBlob = strings.Repeat("e", len(changes[0].DstBlob))
	err := r.ChangeTexts(context.Background(), feed(changes), TextHandler{Text: func(CommitChange, []byte, []byte) error {
		t.Error("a missing blob was read as text")
		return nil
	}})
	if err == nil || !strings.Contains(err.Error(), "not a readable blob") {
		t.Fatalf("error %v, want one naming the unreadable blob", err)
	}
}

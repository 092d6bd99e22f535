package scan

import (
	"context"
	"os"
	"path/filepath"
	"slices"
	"testing"

	"github.com/keyguard/keyguard/git"
	"github.com/keyguard/keyguard/internal/fakekey"
	"github.com/keyguard/keyguard/internal/gittest"
)

func policy(t *testing.T, top string) *Policy {
	t.Helper()
	p, err := LoadPolicy(top)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func openRepo(t *testing.T, dir string) *git.Repo {
	t.Helper()
	r, err := git.Open(context.Background(), dir)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

func key() string { return fakekey.Expand(`TOKEN = "ghp_{{b62crc 30}}"`) + "\n" }

func TestPathsRespectsGitignoreAndPolicy(t *testing.T) {
	g := gittest.New(t)
	g.Write(".gitignore", "ignored/\n")
	g.Write(".keyguard.yaml", "allow:\n  paths: [fixtures/**]\n")
	g.Write("src/app.py", key())
	g.Write("ignored/local.py", key())
	g.Write("fixtures/f.py", key())
	g.Write("logo.png", "\x89PNG\x00\x00")
	repo := openRepo(t, g.Dir)
	res, err := Paths(context.Background(), Options{Policy: policy(t, g.Dir), Repo: repo, Paths: []string{g.Dir}})
	if err != nil {
		t.Fatal(err)
	}
	var paths []string
	for _, f := range res.Findings {
		paths = append(paths, f.Path)
	}
	if want := []string{filepath.Join(g.Dir, "src/app.py")}; !slices.Equal(paths, want) {
		t.Fatalf("findings in %q, want %q", paths, want)
	}
	if res.Binary != 1 {
		t.Errorf("binary files %d, want 1", res.Binary)
	}
}

func TestPathsOutsideRepository(t *testing.T) {
	dir := t.TempDir()
	if err := os.MkdirAll(filepath.Join(dir, ".git"), 0o755); err != nil {
		t.Fatal(err)
	}
	for name, content := range map[string]string{"a.txt": key(), ".git/config.txt": key(), "b.txt": "clean\n"} {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.Symlink(filepath.Join(dir, "a.txt"), filepath.Join(dir, "link.txt")); err != nil {
		t.Fatal(err)
	}
	res, err := Paths(context.Background(), Options{Policy: policy(t, dir), Paths: []string{dir}})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Findings) != 1 || filepath.Base(res.Findings[0].Path) != "a.txt" || res.Files != 2 {
		t.Fatalf("got %d findings over %d files; want only a.txt (no .git, no symlink)", len(res.Findings), res.Files)
	}
}

func TestHistoryAttributesCommits(t *testing.T) {
	g := gittest.New(t)
	for i := range 200 { // several blocks, so every git worker gets work
		g.Write("f.txt", fakekey.ExpandSeed("line {{alnum 8}}\n", uint64(i)))
		g.Git("add", ".")
		g.Git("commit", "-q", "-m", "c")
	}
	g.Write("app.py", key())
	g.Git("add", ".")
	g.Git("commit", "-q", "-m", "key")
	keyCommit := g.Git("rev-parse", "HEAD")
	g.Git("rm", "-q", "app.py")
	g.Git("commit", "-q", "-m", "remove")

	repo := openRepo(t, g.Dir)
	var last, total int
	res, err := History(context.Background(), HistoryOptions{Policy: policy(t, g.Dir), Repo: repo,
		Progress: func(done, n int) { last, total = done, n }})
	if err != nil {
		t.Fatal(err)
	}
	if res.Commits != 202 || last != total || total != 202 {
		t.Fatalf("commits %d, progress %d/%d; want 202", res.Commits, last, total)
	}
	if len(res.Findings) != 1 {
		t.Fatalf("%d findings, want 1", len(res.Findings))
	}
	f := res.Findings[0]
	if f.Commit == nil || f.Commit.Hash+"\n" != keyCommit || f.Path != "app.py" || f.Line != 1 {
		t.Fatalf("finding attributed to %+v at %s:%d", f.Commit, f.Path, f.Line)
	}

	// A range narrows the scan.
	res, err = History(context.Background(), HistoryOptions{Policy: policy(t, g.Dir), Repo: repo, Revs: []string{"HEAD~1..HEAD"}})
	if err != nil || res.Commits != 1 || len(res.Findings) != 0 {
		t.Fatalf("range: %d commits, %d findings, %v", res.Commits, len(res.Findings), err)
	}
}

// TestStagedReadsTextThatGitCallsBinary: git reports a change as binary when
// the old version was binary, or when .gitattributes says so; the text the
// commit adds is still scanned.
func TestStagedReadsTextThatGitCallsBinary(t *testing.T) {
	tests := []struct {
		name    string
		prepare func(g *gittest.Repo)
	}{
		{"binary replaced by text", func(g *gittest.Repo) {
			g.Write("data", "a\x00b\n")
			g.Git("add", ".")
			g.Git("commit", "-q", "-m", "binary")
			g.Write("data", key())
		}},
		{"gitattributes -diff", func(g *gittest.Repo) {
			g.Write(".gitattributes", "data -diff\n")
			g.Git("add", ".")
			g.Git("commit", "-q", "-m", "attrs")
			g.Write("data", key())
		}},
		{"real binary stays skipped", func(g *gittest.Repo) {
			g.Write("data", "\x00"+key())
		}},
	}
	for i, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			g := gittest.New(t)
			tt.prepare(g)
			g.Git("add", ".")
			res, err := Staged(context.Background(), policy(t, g.Dir), openRepo(t, g.Dir))
			if err != nil {
				t.Fatal(err)
			}
			want := 1
			if i == 2 {
				want = 0
			}
			if len(res.Findings) != want {
				t.Fatalf("%d findings, want %d", len(res.Findings), want)
			}
		})
	}
}

// TestHistoryReadsTextThatGitCallsBinary: a key committed in a UTF-16 file
// is found by history (and so pre-push) scans too, in its commit.
func TestHistoryReadsTextThatGitCallsBinary(t *testing.T) {
	g := gittest.New(t)
	g.Write("a.txt", "a\n")
	g.Git("add", ".")
	g.Git("commit", "-q", "-m", "base")
	utf16 := []byte{0xFF, 0xFE} // little-endian byte order mark
	for _, r := range "note\r\n" + key() {
		utf16 = append(utf16, byte(r), 0)
	}
	g.Write("notes.txt", string(utf16))
	g.Git("add", ".")
	g.Git("commit", "-q", "-m", "utf16")
	keyCommit := g.Git("rev-parse", "HEAD")
	res, err := History(context.Background(), HistoryOptions{Policy: policy(t, g.Dir), Repo: openRepo(t, g.Dir)})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Findings) != 1 {
		t.Fatalf("%d findings, want 1", len(res.Findings))
	}
	if f := res.Findings[0]; f.Path != "notes.txt" || f.Line != 2 || f.Commit == nil || f.Commit.Hash+"\n" != keyCommit {
		t.Fatalf("finding at %s:%d in %+v", f.Path, f.Line, f.Commit)
	}
}

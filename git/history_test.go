package git

import (
	"context"
	"io"
	"strings"
	"testing"

	"github.com/keyguard/keyguard/internal/gittest"
)

// TestCommitDiffsParse builds a history with every shape a commit can have and
// checks each commit's added lines are attributed to it.
func TestCommitDiffsParse(t *testing.T) {
	g := gittest.New(t)
	g.Write("a.txt", "one\n")
	g.Git("add", ".")
	g.Git("commit", "-q", "-m", "root")
	g.Write("a.txt", "one\ntwo") // no final newline
	g.Write("b.bin", "x\x00y")
	g.Git("add", ".")
	g.Git("commit", "-q", "-m", "edit")
	g.Git("rm", "-q", "b.bin")
	g.Git("commit", "-q", "-m", "only a deletion")
	g.Git("mv", "a.txt", "moved.txt")
	g.Git("commit", "-q", "-m", "pure rename")
	g.Git("checkout", "-q", "-b", "side")
	g.Write("side.txt", "from side\n")
	g.Git("add", ".")
	g.Git("commit", "-q", "-m", "side")
	g.Git("checkout", "-q", "main")
	g.Write("main.txt", "from main\n")
	g.Git("add", ".")
	g.Git("commit", "-q", "-m", "main")
	g.Git("merge", "-q", "--no-edit", "side")

	r := open(t, g.Dir)
	ctx := context.Background()
	commits, err := r.Commits(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(commits) != 7 || !commits[0].Merge || commits[1].Merge {
		t.Fatalf("%d commits (first a merge: %v), want 7 with the merge first", len(commits), len(commits) > 0 && commits[0].Merge)
	}
	commits = commits[1:] // the merge's own changes are MergeDiffs' job
	if c := commits[0]; c.Author != "Keyguard Test" || c.Email != "test@keyguard.invalid" || !strings.Contains(c.Date, "T") {
		t.Fatalf("metadata: %+v", c)
	}
	hashes := make([]string, len(commits))
	for i, c := range commits {
		hashes[i] = c.Hash
	}
	added := map[string]string{} // hash -> all added text
	var current string
	var seen []string
	err = r.commitDiffs(ctx, hashes, func(h string) error {
		current = h
		seen = append(seen, h)
		return nil
	}, DiffHandler{Fragment: func(f Fragment) error {
		added[current] += f.Change.Path + ":" + string(f.Text) + "|"
		return nil
	}})
	if err != nil {
		t.Fatal(err)
	}
	subject := map[string]string{}
	for _, c := range commits {
		out := g.Git("log", "-1", "--format=%s", c.Hash)
		subject[strings.TrimSpace(out)] = c.Hash
	}
	want := map[string]string{
		"root": "a.txt:one\n|",
		"edit": "a.txt:two|", // the binary file adds no lines
		"side": "side.txt:from side\n|",
		"main": "main.txt:from main\n|",
	}
	for subj, text := range want {
		if got := added[subject[subj]]; got != text {
			t.Errorf("%s: added %q, want %q", subj, got, text)
		}
	}
	for _, subj := range []string{"only a deletion", "pure rename"} {
		if got := added[subject[subj]]; got != "" {
			t.Errorf("%s: added %q, want nothing", subj, got)
		}
	}
	if len(seen) != 5 { // the deletion-only commit has no output at all
		t.Errorf("%d commits in the diff stream, want 5", len(seen))
	}
}

func TestCommitsRefusesOptions(t *testing.T) {
	g := gittest.New(t)
	g.Git("commit", "-q", "--allow-empty", "-m", "x")
	r := open(t, g.Dir)
	if _, err := r.Commits(context.Background(), []string{"--output=/tmp/x"}); err == nil {
		t.Fatal("an option was accepted as a revision")
	}
	if c, err := r.Commits(context.Background(), []string{"HEAD"}); err != nil || len(c) != 1 {
		t.Fatalf("HEAD: %v %v", c, err)
	}
}

// commitDiffs streams the added lines of each commit against its first
// parent (the empty tree for a root commit) from one git process fed the
// commit names on stdin. Deletions are skipped (they add nothing) and
// renames detected, as for the staged diff. History scans read texts
// instead (ChangeTexts); the tests use it to check ParseCommits on real
// git output.
func (r *Repo) commitDiffs(ctx context.Context, hashes []string, commit func(hash string) error, h DiffHandler) error {
	args := []string{"diff-tree", "--stdin", "-r", "--root", "--raw", "-p", "-z", "-M", "--diff-filter=d",
		"--no-color", "--no-ext-diff", "--no-textconv", "--no-relative", "-U0",
		"--src-prefix=a/", "--dst-prefix=b/"}
	return r.stream(ctx, lines(hashes), args, func(out io.Reader) error { return ParseCommits(out, commit, h) })
}

// TestMergesWithOwnFiles: a merge counts when its result holds a file that
// differs from every parent's version at that path (an evil merge, a
// conflict resolved by hand); a clean merge, one that keeps a side's file
// whole, or one that only deletes does not.
func TestMergesWithOwnFiles(t *testing.T) {
	g := gittest.New(t)
	g.Write("a.txt", "a\n")
	g.Write("b.txt", "b\n")
	g.Git("add", ".")
	g.Git("commit", "-q", "-m", "base")
	branch := func(name, file, content string) {
		g.Git("checkout", "-q", "-b", name, "main")
		g.Write(file, content)
		g.Git("add", ".")
		g.Git("commit", "-q", "-m", name)
	}
	merge := func(into, from string, resolve func()) string {
		g.Git("checkout", "-q", into)
		g.Git("merge", "-q", "--no-commit", "--no-ff", from)
		if resolve != nil {
			resolve()
		}
		g.Git("commit", "-q", "--no-edit", "-m", "merge "+from)
		return strings.TrimSpace(g.Git("rev-parse", "HEAD"))
	}
	branch("clean", "c.txt", "c\n")
	clean := merge("main", "clean", nil)
	branch("evil", "d.txt", "d\n")
	evil := merge("main", "evil", func() {
		g.Write("a.txt", "a\nslipped in\n")
		g.Git("add", "a.txt")
	})
	branch("gone", "e.txt", "e\n")
	deleting := merge("main", "gone", func() { g.Git("rm", "-q", "b.txt") })

	r := open(t, g.Dir)
	own, err := r.MergesWithOwnFiles(context.Background(), []string{clean, evil, deleting})
	if err != nil {
		t.Fatal(err)
	}
	if !own[evil] || own[clean] || own[deleting] || len(own) != 1 {
		t.Errorf("merges with own files = %v; want only the evil merge %s", own, evil)
	}
}

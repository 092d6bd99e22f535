package scan

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/keyguard/keyguard/git"
	"github.com/keyguard/keyguard/internal/fakekey"
	"github.com/keyguard/keyguard/internal/gittest"
)

// shape builds one merge shape with real git; keys it plants are bound to
// the commit that must report them.
type shape struct {
	t    *testing.T
	g    *gittest.Repo
	keys map[string]string // key line -> label
	want map[string]string // label -> commit that adds it
	n    uint64
}

// key returns a fresh key line, labelled for failure messages (the key
// itself is never printed).
func (s *shape) key(label string) string {
	s.n++
	line := fakekey.ExpandSeed(`TOKEN = "ghp_{{b62crc 30}}"`, 1000+s.n)
	s.keys[line] = label
	return line + "\n"
}

// at binds the keys named to the commit HEAD is at.
func (s *shape) at(labels ...string) {
	s.t.Helper()
	head := s.head()
	for _, l := range labels {
		s.want[l] = head
	}
}

func (s *shape) head() string { return strings.TrimSpace(s.g.Git("rev-parse", "HEAD")) }

// commit stages everything and commits; it returns the commit.
func (s *shape) commit(msg string) string {
	s.t.Helper()
	s.g.Git("add", "-A")
	s.g.Git("commit", "-q", "--no-verify", "-m", msg)
	return s.head()
}

// try runs git and reports whether it succeeded: a merge that stops on a
// conflict is expected.
func (s *shape) try(args ...string) bool {
	out, err := s.g.Try(args...)
	if err != nil && !strings.Contains(out, "CONFLICT") && !strings.Contains(out, "fix conflicts") {
		s.t.Fatalf("git %s: %v\n%s", strings.Join(args, " "), err, out)
	}
	return err == nil
}

// conflict runs a merge that must stop on a conflict.
func (s *shape) conflict(args ...string) {
	s.t.Helper()
	if s.try(append([]string{"merge", "-q", "--no-edit"}, args...)...) {
		s.t.Fatalf("git merge %s: no conflict", strings.Join(args, " "))
	}
}

// finish commits a resolved merge.
func (s *shape) finish() string {
	s.t.Helper()
	s.g.Git("add", "-A")
	s.g.Git("commit", "-q", "--no-edit", "--no-verify")
	return s.head()
}

// base commits app.py, a file the branches change, and makes branch side.
func (s *shape) base() {
	s.g.Write("app.py", "x = 1\n")
	s.g.Write("keep.txt", "unchanged\n")
	s.commit("base")
	s.g.Git("branch", "side")
}

func (s *shape) on(branch string) { s.g.Git("checkout", "-q", branch) }

func (s *shape) rm(paths ...string) {
	s.g.Git(append([]string{"rm", "-q", "-r", "--cached", "--ignore-unmatch", "--"}, paths...)...)
	for _, p := range paths {
		_ = os.RemoveAll(s.g.Dir + "/" + p)
	}
}

// gitlink records a submodule entry pointing at commit, without a
// submodule repository (what a clone without --recurse-submodules holds).
func (s *shape) gitlink(path, commit string) {
	s.g.Git("update-index", "--add", "--cacheinfo", "160000,"+commit+","+path)
}

func (s *shape) chmod(path string, mode os.FileMode) {
	if err := os.Chmod(s.g.Dir+"/"+path, mode); err != nil {
		s.t.Fatal(err)
	}
}

func (s *shape) symlink(target, path string) {
	_ = os.Remove(s.g.Dir + "/" + path)
	if err := os.Symlink(target, s.g.Dir+"/"+path); err != nil {
		s.t.Fatal(err)
	}
}

// mergeShapes is every shape of merge git can record, each with a key
// typed into the resolution where the shape allows one, and keys on the
// parents' sides that must be reported there and not again.
var mergeShapes = []struct {
	name  string
	build func(s *shape)
}{
	{"content conflict", func(s *shape) {
		s.base()
		s.on("side")
		sideKey := s.key("side")
		s.g.Write("app.py", "x = 2\n"+sideKey)
		s.commit("side")
		s.at("side")
		s.on("main")
		s.g.Write("app.py", "x = 3\n")
		s.commit("main")
		s.conflict("side")
		s.g.Write("app.py", "x = 4\n"+s.key("resolution")+sideKey)
		s.finish()
		s.at("resolution")
	}},
	{"modify/delete, resolved by deleting (issue 10)", func(s *shape) {
		s.base()
		s.on("side")
		s.g.Git("rm", "-q", "app.py")
		s.commit("side")
		s.on("main")
		s.g.Write("app.py", "x = 3\n"+s.key("main"))
		s.commit("main")
		s.at("main")
		s.conflict("side")
		s.rm("app.py")
		s.g.Write("new.py", s.key("resolution"))
		s.finish()
		s.at("resolution")
	}},
	{"modify/delete, modified file kept", func(s *shape) {
		s.base()
		s.on("side")
		s.g.Git("rm", "-q", "app.py")
		s.commit("side")
		s.on("main")
		mainKey := s.key("main")
		s.g.Write("app.py", "x = 3\n"+mainKey)
		s.commit("main")
		s.at("main")
		s.conflict("side")
		s.g.Write("app.py", "x = 3\n"+mainKey+s.key("resolution"))
		s.finish()
		s.at("resolution")
	}},
	{"delete/modify, modified file kept", func(s *shape) {
		s.base()
		s.on("side")
		sideKey := s.key("side")
		s.g.Write("app.py", "x = 2\n"+sideKey)
		s.commit("side")
		s.at("side")
		s.on("main")
		s.g.Git("rm", "-q", "app.py")
		s.commit("main")
		s.conflict("side")
		s.g.Write("app.py", s.key("resolution")+"x = 2\n"+sideKey)
		s.finish()
		s.at("resolution")
	}},
	{"rename/rename one to two", func(s *shape) {
		s.base()
		s.on("side")
		s.g.Git("mv", "app.py", "one.py")
		s.commit("side")
		s.on("main")
		s.g.Git("mv", "app.py", "two.py")
		s.commit("main")
		s.conflict("side")
		s.rm("app.py", "one.py", "two.py")
		s.g.Write("one.py", "x = 1\n"+s.key("resolution"))
		s.finish()
		s.at("resolution")
	}},
	{"rename/rename two to one", func(s *shape) {
		s.base()
		s.on("side")
		s.g.Write("other.py", "y = 1\n")
		s.commit("other")
		s.g.Git("branch", "-f", "main")
		s.g.Git("mv", "app.py", "both.py")
		s.commit("side")
		s.on("main")
		s.g.Git("mv", "other.py", "both.py")
		s.commit("main")
		s.conflict("side")
		s.rm("app.py", "other.py", "both.py")
		s.g.Write("both.py", "x = 1\ny = 1\n"+s.key("resolution"))
		s.finish()
		s.at("resolution")
	}},
	{"rename/delete", func(s *shape) {
		s.base()
		s.on("side")
		s.g.Git("mv", "app.py", "moved.py")
		s.commit("side")
		s.on("main")
		s.g.Git("rm", "-q", "app.py")
		s.commit("main")
		s.conflict("side")
		s.g.Write("moved.py", "x = 1\n"+s.key("resolution"))
		s.finish()
		s.at("resolution")
	}},
	{"rename/delete, resolved by deleting", func(s *shape) {
		s.base()
		s.on("side")
		s.g.Git("mv", "app.py", "moved.py")
		s.commit("side")
		s.on("main")
		s.g.Git("rm", "-q", "app.py")
		s.commit("main")
		s.conflict("side")
		s.rm("moved.py")
		s.finish()
	}},
	{"add/add", func(s *shape) {
		s.base()
		s.on("side")
		sideKey := s.key("side")
		s.g.Write("new.py", "a = 1\n"+sideKey)
		s.commit("side")
		s.at("side")
		s.on("main")
		s.g.Write("new.py", "a = 2\n")
		s.commit("main")
		s.conflict("side")
		s.g.Write("new.py", "a = 3\n"+sideKey+s.key("resolution"))
		s.finish()
		s.at("resolution")
	}},
	{"directory/file", func(s *shape) {
		s.base()
		s.on("side")
		sideKey := s.key("side")
		s.g.Write("d", sideKey)
		s.commit("side")
		s.at("side")
		s.on("main")
		s.g.Write("d/inner.txt", "inner\n")
		s.commit("main")
		s.conflict("side")
		s.rm("d~side")
		s.g.Write("d.txt", sideKey+s.key("resolution"))
		s.finish()
		s.at("resolution")
	}},
	{"binary conflict resolved to text", func(s *shape) {
		s.g.Write("data.bin", "\x00\x01base")
		s.base()
		s.on("side")
		s.g.Write("data.bin", "\x00\x01side")
		s.commit("side")
		s.on("main")
		s.g.Write("data.bin", "\x00\x01main")
		s.commit("main")
		s.conflict("side")
		s.g.Write("data.bin", "now text\n"+s.key("resolution"))
		s.finish()
		s.at("resolution")
	}},
	{"-diff conflict", func(s *shape) {
		s.g.Write(".gitattributes", "app.py -diff\n")
		s.base()
		s.on("side")
		sideKey := s.key("side")
		s.g.Write("app.py", "x = 2\n"+sideKey)
		s.commit("side")
		s.at("side")
		s.on("main")
		s.g.Write("app.py", "x = 3\n")
		s.commit("main")
		s.conflict("side")
		s.g.Write("app.py", "x = 4\n"+sideKey+s.key("resolution"))
		s.finish()
		s.at("resolution")
	}},
	{"symlink conflict", func(s *shape) {
		s.symlink("keep.txt", "link")
		s.base()
		s.on("side")
		s.symlink("app.py", "link")
		s.commit("side")
		s.on("main")
		s.symlink("nowhere", "link")
		s.commit("main")
		s.conflict("side")
		s.symlink("app.py", "link")
		s.g.Write("notes.txt", s.key("resolution"))
		s.finish()
		s.at("resolution")
	}},
	{"file replaced by a symlink on one side (distinct types)", func(s *shape) {
		s.base()
		s.on("side")
		s.rm("app.py")
		s.symlink("keep.txt", "app.py")
		s.commit("side")
		s.on("main")
		s.g.Write("app.py", "x = 3\n")
		s.commit("main")
		s.conflict("side")
		s.rm("app.py", "app.py~side", "app.py~HEAD", "app.py~main")
		s.g.Write("app.py", "x = 3\n"+s.key("resolution"))
		s.finish()
		s.at("resolution")
	}},
	{"submodule conflict", func(s *shape) {
		s.base()
		// Gitlinks without a submodule repository, as a clone without
		// --recurse-submodules holds them; commit names are only recorded.
		if err := os.Mkdir(s.g.Dir+"/sub", 0o755); err != nil {
			s.t.Fatal(err)
		}
		s.gitlink("sub", strings.Repeat("1", 40))
		s.g.Git("commit", "-q", "-m", "add sub")
		s.g.Git("branch", "-f", "side")
		s.on("side")
		s.gitlink("sub", strings.Repeat("2", 40))
		s.g.Git("commit", "-q", "-m", "side")
		s.on("main")
		s.g.Write("keep.txt", "changed on main\n")
		s.g.Git("add", "keep.txt")
		s.gitlink("sub", strings.Repeat("3", 40))
		s.g.Git("commit", "-q", "-m", "main")
		s.conflict("side")
		s.gitlink("sub", strings.Repeat("2", 40))
		s.g.Write("notes.txt", s.key("resolution"))
		s.g.Git("add", "notes.txt")
		s.g.Git("commit", "-q", "--no-edit", "--no-verify")
		s.at("resolution")
	}},
	{"mode change on one side, content conflict", func(s *shape) {
		s.base()
		s.on("side")
		s.g.Write("app.py", "x = 2\n")
		s.chmod("app.py", 0o755)
		s.commit("side")
		s.on("main")
		s.g.Write("app.py", "x = 3\n")
		s.commit("main")
		s.conflict("side")
		s.g.Write("app.py", "x = 4\n"+s.key("resolution"))
		s.chmod("app.py", 0o755)
		s.finish()
		s.at("resolution")
	}},
	{"mode-only changes, resolution flips the mode", func(s *shape) {
		s.base()
		s.on("side")
		s.chmod("app.py", 0o755)
		s.commit("side")
		s.on("main")
		s.g.Write("keep.txt", "changed\n")
		s.commit("main")
		if !s.try("merge", "-q", "--no-edit", "--no-commit", "side") {
			s.t.Fatal("mode-only merge conflicted")
		}
		s.chmod("app.py", 0o644)
		s.finish()
	}},
	{"octopus", func(s *shape) {
		s.base()
		for _, b := range []string{"x", "y"} {
			s.g.Git("checkout", "-q", "-b", b, "main")
			s.g.Write(b+".py", s.key(b))
			s.commit(b)
			s.at(b)
		}
		s.on("main")
		s.g.Write("keep.txt", "main\n")
		s.commit("main")
		if !s.try("merge", "-q", "--no-edit", "x", "y") {
			s.t.Fatal("octopus merge failed")
		}
	}},
	{"octopus with an evil edit", func(s *shape) {
		s.base()
		var keys []string
		for _, b := range []string{"x", "y", "z"} {
			s.g.Git("checkout", "-q", "-b", b, "main")
			k := s.key(b)
			keys = append(keys, k)
			s.g.Write(b+".py", k)
			s.commit(b)
			s.at(b)
		}
		s.on("main")
		s.g.Write("keep.txt", "main\n")
		s.commit("main")
		if !s.try("merge", "-q", "--no-commit", "x", "y", "z") {
			s.t.Fatal("octopus merge failed")
		}
		s.g.Write("y.py", keys[1]+s.key("resolution"))
		s.finish()
		s.at("resolution")
	}},
	{"criss-cross (virtual merge base)", func(s *shape) {
		s.base()
		s.on("side")
		s.g.Write("s.txt", "side\n")
		s.commit("side 1")
		s.on("main")
		s.g.Write("m.txt", "main\n")
		s.commit("main 1")
		mainTip := s.head()
		s.g.Git("merge", "-q", "--no-edit", "side")
		s.on("side")
		s.g.Git("merge", "-q", "--no-edit", mainTip)
		s.g.Write("app.py", "x = side\n"+s.key("side"))
		s.commit("side 2")
		s.at("side")
		s.on("main")
		s.g.Write("app.py", "x = main\n")
		s.commit("main 2")
		s.conflict("side")
		s.g.Write("app.py", "x = both\n"+s.key("resolution"))
		s.finish()
		s.at("resolution")
	}},
	{"subtree merges (-s subtree, -Xsubtree=)", func(s *shape) {
		s.base()
		s.g.Git("checkout", "-q", "--orphan", "lib")
		s.g.Git("rm", "-q", "-r", "--cached", ".")
		s.rm("app.py", "keep.txt")
		s.g.Write("README", "the library\n")
		s.g.Write("lib.py", "def f():\n    return 1\n"+s.key("lib"))
		s.commit("lib")
		s.at("lib")
		s.on("main")
		s.g.Write("README", "the project\n")
		s.commit("readme")
		// How the git manual adds a subtree: an "ours" merge, then the
		// library's tree read in under its prefix.
		s.g.Git("merge", "-q", "-s", "ours", "--no-commit", "--allow-unrelated-histories", "lib")
		s.g.Git("read-tree", "--prefix=vendor/lib/", "-u", "lib")
		s.g.Git("commit", "-q", "--no-verify", "-m", "add lib as a subtree")
		s.on("lib")
		s.g.Write("lib.py", "def f():\n    return 2\n"+s.key("lib 2"))
		s.commit("lib 2")
		s.at("lib 2")
		s.on("main")
		s.g.Git("merge", "-q", "--no-edit", "-s", "subtree", "lib")
		s.on("lib")
		s.g.Write("lib.py", "def f():\n    return 3\n")
		s.commit("lib 3")
		s.on("main")
		s.g.Write("vendor/lib/lib.py", "def f():\n    return 4\n")
		s.commit("local change")
		s.conflict("-Xsubtree=vendor/lib", "lib")
		s.g.Write("vendor/lib/lib.py", "def f():\n    return 5\n"+s.key("resolution"))
		s.finish()
		s.at("resolution")
	}},
	{"squashed subtree (git subtree --squash)", func(s *shape) {
		lib := gittest.New(s.t)
		lib.Write("README", "the library\n")
		lib.Write("lib.py", "v = 1\n"+s.key("lib"))
		lib.Git("add", ".")
		lib.Git("commit", "-q", "-m", "lib")
		s.base()
		s.g.Write("README", "the project\n")
		s.commit("readme")
		s.subtree("add", "--prefix=vendor/lib", "--squash", lib.Dir, "main")
		// The squash commit, not the library's, adds the key here.
		s.want["lib"] = strings.TrimSpace(s.g.Git("rev-parse", "HEAD^2"))
		lib.Write("lib.py", "v = 2\n"+s.key("lib 2"))
		lib.Git("commit", "-q", "-am", "lib 2")
		s.subtree("pull", "--prefix=vendor/lib", "--squash", "-m", "pull lib", lib.Dir, "main")
		s.want["lib 2"] = strings.TrimSpace(s.g.Git("rev-parse", "HEAD^2"))
	}},
	{"-s ours", func(s *shape) {
		s.base()
		s.on("side")
		s.g.Write("app.py", "x = 2\n"+s.key("side"))
		s.commit("side")
		s.at("side")
		s.on("main")
		mainKey := s.key("main")
		s.g.Write("app.py", "x = 3\n"+mainKey)
		s.commit("main")
		s.at("main")
		s.g.Git("merge", "-q", "--no-edit", "-s", "ours", "side")
	}},
	{"-s ours with an evil edit", func(s *shape) {
		s.base()
		s.on("side")
		s.g.Write("side.py", s.key("side"))
		s.commit("side")
		s.at("side")
		s.on("main")
		s.g.Write("keep.txt", "main\n")
		s.commit("main")
		s.g.Git("merge", "-q", "--no-commit", "-s", "ours", "side")
		s.g.Write("app.py", "x = 1\n"+s.key("resolution"))
		s.finish()
		s.at("resolution")
	}},
	{"evil merge (no conflict)", func(s *shape) {
		s.base()
		s.on("side")
		sideKey := s.key("side")
		s.g.Write("side.py", sideKey)
		s.commit("side")
		s.at("side")
		s.on("main")
		s.g.Write("main.py", "m = 1\n")
		s.commit("main")
		if !s.try("merge", "-q", "--no-commit", "side") {
			s.t.Fatal("merge failed")
		}
		s.g.Write("keep.txt", "unchanged\n"+s.key("resolution"))
		s.g.Write("side.py", sideKey+"s = 1\n")
		s.finish()
		s.at("resolution")
	}},
	{"unrelated histories", func(s *shape) {
		s.base()
		s.g.Git("checkout", "-q", "--orphan", "other")
		s.g.Git("rm", "-q", "-r", "--cached", ".")
		s.rm("app.py", "keep.txt")
		otherKey := s.key("other")
		s.g.Write("other.py", otherKey)
		s.g.Write("app.py", "x = other\n")
		s.commit("other")
		s.at("other")
		s.on("main")
		s.conflict("--allow-unrelated-histories", "other")
		s.g.Write("app.py", "x = 1\nx = other\n"+s.key("resolution"))
		s.finish()
		s.at("resolution")
	}},
	{"conflict resolved with a rename, odd names", func(s *shape) {
		s.g.Write("z\tab.py", "z = 1\n")
		s.g.Write("sp b/ace.py", "s = 1\n")
		s.g.Write("caf\u00e9 \"q\".py", "c = 1\n")
		s.base()
		s.on("side")
		s.g.Write("app.py", "x = 2\n")
		s.g.Write("caf\u00e9 \"q\".py", "c = 2\n")
		s.commit("side")
		s.on("main")
		s.g.Write("app.py", "x = 3\n")
		s.g.Write("caf\u00e9 \"q\".py", "c = 3\n")
		s.commit("main")
		s.conflict("side")
		s.g.Write("app.py", "x = 4\n")
		s.g.Write("caf\u00e9 \"q\".py", "c = 4\n"+s.key("odd name"))
		s.rm("z\tab.py", "sp b/ace.py")
		s.g.Write("a\u00e9 b/moved.py", "z = 1\n"+s.key("moved"))
		s.g.Write("b b/ace.py", "s = 1\n")
		s.finish()
		s.at("odd name", "moved")
	}},
}

// subtree runs git subtree, skipping the test where git has no subtree
// command (some packagers ship it apart).
func (s *shape) subtree(args ...string) {
	s.t.Helper()
	if out, _ := exec.Command("git", "subtree", "-h").CombinedOutput(); !strings.Contains(string(out), "git subtree add") {
		s.t.Skip("git subtree is not available")
	}
	s.g.Git(append([]string{"subtree", "-q"}, args...)...)
}

// TestHistoryMergeShapes: for every merge shape, a history scan (all refs,
// and the range a push of the merge sends) succeeds, finds each key once
// at the commit that added it (a key typed into the resolution at the
// merge), and reports nothing the parents brought again at the merge.
func TestHistoryMergeShapes(t *testing.T) {
	for _, tt := range mergeShapes {
		t.Run(tt.name, func(t *testing.T) {
			s := &shape{t: t, g: gittest.New(t), keys: map[string]string{}, want: map[string]string{}}
			tt.build(s)
			merge := s.head()
			if parents := strings.Fields(s.g.Git("log", "-1", "--format=%P", merge)); len(parents) < 2 {
				t.Fatalf("HEAD is not a merge (%d parents)", len(parents))
			}
			repo := openRepo(t, s.g.Dir)

			got := map[string][]string{} // label -> commits reporting it
			res, err := History(context.Background(), HistoryOptions{Policy: policy(t, s.g.Dir), Repo: repo})
			if err != nil {
				t.Fatalf("scan --history failed (exit 2): %v", err)
			}
			for _, f := range res.Findings {
				label, ok := s.keys[lineOf(t, s, f.Commit.Hash, f.Path, f.Line)]
				if !ok {
					t.Errorf("unexpected finding at %s %s:%d", f.Commit.Hash[:12], f.Path, f.Line)
					continue
				}
				got[label] = append(got[label], f.Commit.Hash)
			}
			for label, commit := range s.want {
				if !slices.Equal(got[label], []string{commit}) {
					t.Errorf("key %q reported at %v, want once at %s (merge %s)", label, got[label], commit, merge)
				}
			}
			for label := range got {
				if _, ok := s.want[label]; !ok {
					t.Errorf("key %q reported at %v, want nowhere", label, got[label])
				}
			}

			// The push of the merge alone sends what its first parent lacks.
			push, err := History(context.Background(), HistoryOptions{Policy: policy(t, s.g.Dir), Repo: repo,
				Revs: []string{merge, "^" + merge + "^1"}})
			if err != nil {
				t.Fatalf("pre-push range failed (exit 2): %v", err)
			}
			sent := map[string]bool{}
			for _, c := range strings.Fields(s.g.Git("rev-list", merge, "^"+merge+"^1")) {
				sent[c] = true
			}
			var want, have []string
			for label, commit := range s.want {
				if sent[commit] {
					want = append(want, label+"@"+commit)
				}
			}
			for _, f := range push.Findings {
				have = append(have, s.keys[lineOf(t, s, f.Commit.Hash, f.Path, f.Line)]+"@"+f.Commit.Hash)
			}
			slices.Sort(want)
			slices.Sort(have)
			if !slices.Equal(want, have) {
				t.Errorf("push range reports %q, want %q", have, want)
			}
		})
	}
}

// lineOf returns line n of path as commit holds it.
func lineOf(t *testing.T, s *shape, commit, path string, n int) string {
	t.Helper()
	cmd := exec.Command("git", "cat-file", "blob", commit+":"+path)
	cmd.Dir = s.g.Dir
	cmd.Env = s.g.Env
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("finding at %s:%d of %s, which does not hold it: %v", path, n, commit, err)
	}
	lines := strings.Split(string(out), "\n")
	if n < 1 || n > len(lines) {
		t.Fatalf("finding at %s:%d of %s, which has %d lines", path, n, commit, len(lines))
	}
	return fmt.Sprint(lines[n-1])
}

func TestMergeRuns(t *testing.T) {
	merges := make([]git.CommitInfo, 1000)
	for i := range merges {
		merges[i].Hash = strconv.Itoa(i)
	}
	tests := []struct{ n, procs, runs int }{
		{0, 4, 0}, {1, 4, 1}, {63, 4, 1}, {128, 4, 2}, {1000, 2, 2}, {1000, 8, 8}, {1000, 32, 15},
	}
	for _, tt := range tests {
		runs := mergeRuns(merges[:tt.n], tt.procs)
		if len(runs) != tt.runs {
			t.Errorf("%d merges, %d procs: %d runs, want %d", tt.n, tt.procs, len(runs), tt.runs)
		}
		next := 0 // every merge once, in order
		for _, r := range runs {
			for _, m := range r {
				if m.Hash != strconv.Itoa(next) {
					t.Fatalf("%d merges, %d procs: merge %s where %d was due", tt.n, tt.procs, m.Hash, next)
				}
				next++
			}
		}
		if next != tt.n {
			t.Errorf("%d merges, %d procs: runs hold %d", tt.n, tt.procs, next)
		}
	}
}

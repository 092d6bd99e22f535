package git

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/keyguard/keyguard/internal/fakekey"
	"github.com/keyguard/keyguard/internal/gittest"
)

type collected struct {
	changes   []Change
	fragments map[string][]Fragment
}

func collect(t *testing.T, r *Repo) collected {
	t.Helper()
	got := collected{fragments: map[string][]Fragment{}}
	err := r.StagedDiff(context.Background(), DiffHandler{
		Change: func(c *Change) error { got.changes = append(got.changes, *c); return nil },
		Fragment: func(f Fragment) error {
			f.Text = append([]byte(nil), f.Text...)
			got.fragments[f.Change.Path] = append(got.fragments[f.Change.Path], f)
			return nil
		},
	})
	if err != nil {
		t.Fatalf("StagedDiff: %v", err)
	}
	return got
}

func open(t *testing.T, dir string) *Repo {
	t.Helper()
	r, err := Open(context.Background(), dir)
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	return r
}

// TestStagedDiffRealGit stages odd names, binaries, symlinks, renames and
// deletions in a real repository and checks exactly what is reported.
func TestStagedDiffRealGit(t *testing.T) {
	g := gittest.New(t)
	g.Write("old.txt", "a\nb\n")
	g.Write("gone.txt", "x\n")
	g.Write("edit.txt", "one\ntwo\nthree\n")
	g.Git("add", ".")
	g.Git("commit", "-q", "-m", "init")

	g.Git("mv", "old.txt", "new name.txt")
	g.Git("rm", "-q", "gone.txt")
	g.Write("edit.txt", "one\nTWO\nthree\nfour")
	g.Write("we\nird \"q\".txt", "line1\r\nkey\n")
	g.Write("b.bin", "bin\x00ary")
	g.Write("-dash.txt", "noeol")
	g.Write("ünï.txt", "ü\n")
	if err := os.Symlink("target", filepath.Join(g.Dir, "link")); err != nil {
		t.Fatal(err)
	}
	g.Git("add", "-A")

	got := collect(t, open(t, g.Dir))
	byPath := map[string]Change{}
	for _, c := range got.changes {
		byPath[c.Path] = c
	}
	if len(got.changes) != 7 {
		t.Fatalf("got %d changes, want 7: %+v", len(got.changes), got.changes)
	}
	if _, ok := byPath["gone.txt"]; ok {
		t.Error("a deletion was reported")
	}
	if c := byPath["new name.txt"]; c.Status != 'R' || c.OldPath != "old.txt" {
		t.Errorf("rename: got %+v", c)
	}
	if len(got.fragments["new name.txt"]) != 0 {
		t.Error("a pure rename produced added lines")
	}
	if c := byPath["b.bin"]; !c.Binary {
		t.Errorf("binary not detected: %+v", c)
	}
	if c := byPath["link"]; !c.Symlink() || len(got.fragments["link"]) != 0 {
		t.Errorf("symlink scanned or not recognised: %+v", c)
	}
	tests := []struct {
		path  string
		start int
		text  string
	}{
		{"edit.txt", 2, "TWO\n"},
		{"-dash.txt", 1, "noeol"},
		{"we\nird \"q\".txt", 1, "line1\r\nkey\n"},
		{"ünï.txt", 1, "ü\n"},
	}
	for _, tt := range tests {
		frags := got.fragments[tt.path]
		if len(frags) == 0 {
			t.Errorf("%q: no fragments", tt.path)
			continue
		}
		if frags[0].AddedLine() != tt.start || string(frags[0].Added()) != tt.text {
			t.Errorf("%q: fragment at %d %q, want at %d %q", tt.path, frags[0].AddedLine(), frags[0].Added(), tt.start, tt.text)
		}
	}
	// edit.txt: line 2 changed and line 4 added (with no final newline),
	// each with the unchanged lines around it as context.
	f := got.fragments["edit.txt"]
	if len(f) != 2 || f[1].AddedLine() != 4 || string(f[1].Added()) != "four" {
		t.Errorf("edit.txt fragments: %+v", f)
	}
	if len(f) == 2 && (f[0].StartLine != 1 || string(f[0].Text) != "one\nTWO\nthree\n" || string(f[1].Text) != "one\nTWO\nthree\nfour") {
		t.Errorf("edit.txt context: %d %q and %d %q", f[0].StartLine, f[0].Text, f[1].StartLine, f[1].Text)
	}
}

// TestStagedDiffFirstCommit checks the repository without HEAD compares with
// the empty tree.
func TestStagedDiffFirstCommit(t *testing.T) {
	for _, format := range []string{"sha1", "sha256"} {
		t.Run(format, func(t *testing.T) {
			g := gittest.New(t, "--object-format="+format)
			g.Write("a.txt", "hello\n")
			g.Git("add", "a.txt")
			r := open(t, g.Dir)
			if r.Head != "" || r.ObjectFormat != format {
				t.Fatalf("Head %q format %q", r.Head, r.ObjectFormat)
			}
			got := collect(t, r)
			if len(got.changes) != 1 || string(got.fragments["a.txt"][0].Text) != "hello\n" {
				t.Fatalf("got %+v %+v", got.changes, got.fragments)
			}
		})
	}
}

// TestStagedDiffIgnoresUserConfig: configuration that changes diff output
// must not change what keyguard reads.
func TestStagedDiffIgnoresUserConfig(t *testing.T) {
	g := gittest.New(t)
	g.Write("a.txt", "x\n")
	g.Git("add", ".")
	g.Git("commit", "-q", "-m", "init")
	g.Write(".gitattributes", "*.py diff=hide\n")
	g.Write("sub/app.py", "token = 1\n")
	for _, kv := range [][2]string{
		{"color.ui", "always"}, {"color.diff", "always"}, {"diff.noprefix", "true"},
		{"diff.mnemonicPrefix", "true"}, {"diff.external", "false"}, {"diff.hide.textconv", "true"},
		{"diff.relative", "true"}, {"diff.context", "10"}, {"core.quotePath", "true"},
	} {
		g.Git("config", kv[0], kv[1])
	}
	g.Git("add", ".")
	t.Setenv("GIT_EXTERNAL_DIFF", "false")
	t.Setenv("GIT_DIFF_OPTS", "--unified=20")
	got := collect(t, open(t, filepath.Join(g.Dir, "sub")))
	if f := got.fragments["sub/app.py"]; len(f) != 1 || string(f[0].Text) != "token = 1\n" {
		t.Fatalf("user config changed the scan: %+v", got.fragments)
	}
}

// TestStagedDiffReadsGitIndexFile: `git commit -a` and `git commit <path>`
// hand the hook a temporary index through GIT_INDEX_FILE.
func TestStagedDiffReadsGitIndexFile(t *testing.T) {
	g := gittest.New(t)
	g.Write("a.txt", "x\n")
	g.Git("add", ".")
	g.Git("commit", "-q", "-m", "init")
	g.Write("a.txt", "x\nfrom-other-index\n")
	// Build a second index holding the change, as `git commit -a` does; the
	// default index keeps nothing staged.
	other := filepath.Join(g.Dir, ".git", "other-index")
	g.Git("read-tree", "HEAD", "--index-output="+other)
	withIndex := g.WithEnv("GIT_INDEX_FILE=" + other)
	withIndex.Git("update-index", "--add", "a.txt")
	if out := g.Git("diff", "--cached", "--name-only"); out != "" {
		t.Fatalf("default index has staged changes: %q", out)
	}
	t.Setenv("GIT_INDEX_FILE", ".git/other-index") // relative, as git may pass it
	got := collect(t, open(t, g.Dir))
	if f := got.fragments["a.txt"]; len(f) != 1 || string(f[0].Added()) != "from-other-index\n" {
		t.Fatalf("GIT_INDEX_FILE not honoured: %+v", got.fragments)
	}
}

func TestOpenRefusals(t *testing.T) {
	bare := gittest.New(t, "--bare")
	if _, err := Open(context.Background(), bare.Dir); !errors.Is(err, ErrBare) {
		t.Errorf("bare: got %v", err)
	}
	if _, err := Open(context.Background(), t.TempDir()); !errors.Is(err, ErrNotRepo) {
		t.Errorf("not a repo: got %v", err)
	}
	g := gittest.New(t)
	if _, err := Open(context.Background(), filepath.Join(g.Dir, ".git")); !errors.Is(err, ErrNotWorkTree) {
		t.Errorf("inside .git: got %v", err)
	}
}

func TestParseDiffMalformed(t *testing.T) {
	tests := []struct{ name, in, want string }{
		{"no colon", "x", "does not start"},
		{"short record", ":100644 100644 a b\x00p\x00\x00", "malformed raw record"},
		{"missing patch", ":000000 100644 0 1 A\x00p\x00\x00", "missing patch header"},
		{"hunk too short", ":000000 100644 0 1 A\x00p\x00\x00diff --git a/p b/p\n@@ -0,0 +1,2 @@\n+one\n", "hunk ends early"},
		{"bad hunk header", ":000000 100644 0 1 A\x00p\x00\x00diff --git a/p b/p\n@@ -x +1 @@\n", "malformed hunk header"},
		{"trailing garbage", ":000000 100644 0 1 A\x00p\x00\x00diff --git a/p b/p\n@@ -0,0 +1 @@\n+a\ndiff --git a/q b/q\n", "unexpected output"},
		{"secret never quoted", ":000000 100644 0 1 A\x00p\x00\x00diff --git a/p b/p\n@@ -0,0 +1 @@\nSECRETVALUE\n", "byte 0x53"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := ParseDiff(strings.NewReader(tt.in), DiffHandler{})
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("got %v, want an error containing %q", err, tt.want)
			}
			if strings.Contains(err.Error(), "SECRETVALUE") {
				t.Fatal("error message quotes hunk content")
			}
		})
	}
}

// TestDiffErrorsShowNoKey feeds malformed diffs with a key where the error
// message used to quote the line: a header shows at most 8 bytes, hunk
// content none.
func TestDiffErrorsShowNoKey(t *testing.T) {
	key := fakekey.Expand("AKIA{{ualnum 16}}") // generated: no key is stored here
	raw := ":000000 100644 0 1 A\x00p\x00:000000 100644 0 1 A\x00q\x00\x00"
	tests := []struct{ name, in, want string }{
		{"hunk header context", raw + "diff --git a/p b/p\n@@ -x +1 @@ " + key + "\n", `malformed hunk header "@@ -x +1"…`},
		{"bad range", raw + "diff --git a/p b/p\n@@ -" + key + " +1 @@\n", `malformed hunk header "@@ -AKIA"…: bad line number`},
		{"content where a header belongs", raw + "+" + key + "\n", "got a diff content line of 21 bytes"},
		{"header-like line", raw + key + "\n", `got "AKIA` + key[4:8] + `"…`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := ParseDiff(strings.NewReader(tt.in), DiffHandler{})
			if err == nil {
				t.Fatal("no error")
			}
			msg := strings.ReplaceAll(err.Error(), key, "<key>")
			if !strings.Contains(msg, tt.want) {
				t.Errorf("error %q, want it to contain %q", msg, tt.want)
			}
			if strings.Contains(err.Error(), key[:9]) {
				t.Errorf("error %q shows more than 8 bytes of the key", msg)
			}
		})
	}
}

func TestClip(t *testing.T) {
	tests := []struct{ in, want string }{
		{"diff --git a/p b/p\n", `"diff --g"…`},
		{"@@ -1 +1 @@ func f() {}\n", `"@@ -1 +1"…`},
		{"index 1\n", `"index 1"`},
		{"+token = value\n", "a diff content line of 14 bytes"},
		{"-old\n", "a diff content line of 4 bytes"},
		{" context\n", "a diff content line of 8 bytes"},
		{"\\ No newline at end of file\n", "a diff content line of 27 bytes"},
		{"\n", `""`},
	}
	for _, tt := range tests {
		if got := clip([]byte(tt.in)); got != tt.want {
			t.Errorf("clip(%q) = %s, want %s", tt.in, got, tt.want)
		}
	}
}

func TestParseDiffSplitsHugeRuns(t *testing.T) {
	line := strings.Repeat("a", 1000) + "\n"
	n := maxFragment/len(line) + 10
	in := ":000000 100644 0 1 A\x00big\x00\x00diff --git a/big b/big\n@@ -0,0 +1," + strconv.Itoa(n) + " @@\n" + strings.Repeat("+"+line, n)
	frags := parseFragments(t, in)
	if len(frags) != 2 {
		t.Fatalf("got %d fragments, want 2", len(frags))
	}
	if frags[1].StartLine != 1+len(frags[0].Text)/len(line) {
		t.Fatalf("second fragment starts at %d after %d lines", frags[1].StartLine, len(frags[0].Text)/len(line))
	}
	if total := len(frags[0].Text) + len(frags[1].Text); total != n*len(line) {
		t.Fatalf("lost bytes: %d of %d", total, n*len(line))
	}
}

// TestParseDiffLongLines: lines longer than the read buffer arrive whole.
func TestParseDiffLongLines(t *testing.T) {
	long := strings.Repeat("x", 200<<10)
	in := ":000000 100644 0 1 A\x00min.js\x00\x00diff --git a/min.js b/min.js\n@@ -0,0 +1,3 @@\n+" + long + "\n+short\n+" + long
	var got []byte
	err := ParseDiff(strings.NewReader(in), DiffHandler{Fragment: func(f Fragment) error {
		got = append(got, f.Text...)
		return nil
	}})
	if err != nil {
		t.Fatal(err)
	}
	if want := long + "\nshort\n" + long; string(got) != want {
		t.Fatalf("got %d bytes, want %d", len(got), len(want))
	}
}

// TestParseDiffSplitsHugeLine: one line longer than a fragment arrives in
// overlapping pieces with their columns; together they rebuild the line.
func TestParseDiffSplitsHugeLine(t *testing.T) {
	line := strings.Repeat("ab€", (maxFragment*5/2)/5) // 2.5 fragments, multi-byte runes
	in := ":000000 100644 0 1 A\x00min.js\x00\x00diff --git a/min.js b/min.js\n@@ -0,0 +1,2 @@\n+" + line + "\n+next\n"
	frags := parseFragments(t, in)
	if len(frags) < 3 {
		t.Fatalf("%d fragments, want at least 3", len(frags))
	}
	var rebuilt []byte
	col := 1
	for i, f := range frags {
		if f.StartLine != 1 && i < len(frags)-1 {
			t.Fatalf("fragment %d starts at line %d", i, f.StartLine)
		}
		if !utf8.Valid(f.Text[:f.Overlap]) || !utf8.Valid(f.Text) {
			t.Fatalf("fragment %d splits a character", i)
		}
		if f.StartLine == 1 {
			if f.StartColumn != col {
				t.Fatalf("fragment %d: column %d, want %d", i, f.StartColumn, col)
			}
			col = f.StartColumn + utf8.RuneCount(f.Text[:len(f.Text)-lineOverlapOrZero(f, frags, i)])
		}
		rebuilt = append(rebuilt, f.Text[f.Overlap:]...)
		if len(f.Text) > maxFragment {
			t.Fatalf("fragment %d holds %d bytes", i, len(f.Text))
		}
	}
	if string(rebuilt) != line+"\nnext\n" {
		t.Fatalf("rebuilt %d bytes, want %d", len(rebuilt), len(line)+6)
	}
}

// lineOverlapOrZero is how many bytes of fragment i the next one repeats.
func lineOverlapOrZero(f Fragment, frags []Fragment, i int) int {
	if i+1 < len(frags) {
		return frags[i+1].Overlap
	}
	return 0
}

// parseFragments parses a diff and returns copies of its fragments.
func parseFragments(t *testing.T, in string) []Fragment {
	t.Helper()
	var frags []Fragment
	err := ParseDiff(strings.NewReader(in), DiffHandler{Fragment: func(f Fragment) error {
		f.Text = append([]byte(nil), f.Text...)
		frags = append(frags, f)
		return nil
	}})
	if err != nil {
		t.Fatal(err)
	}
	return frags
}

// TestParseCommitsSections feeds history streams in the shapes git log
// --remerge-diff writes: sections matched to their raw records by their
// "diff --git" line, whatever the order; a conflict message's section with
// no record read past; a change of type in two halves.
func TestParseCommitsSections(t *testing.T) {
	hash := strings.Repeat("a", 40) + "\x00\n"
	modified := ":100644 100644 1111111 2222222 M\x00m.txt\x00"
	renamed := ":100644 100644 3333333 4444444 R090\x00z.txt\x00a.txt\x00"
	typed := ":120000 100644 5555555 6666666 T\x00link\x00"
	conflictOnly := "diff --git a/gone.txt b/gone.txt\nremerge CONFLICT (modify/delete): gone.txt deleted in x and modified in y.\n"
	mSection := "diff --git a/m.txt b/m.txt\nindex 1111111..2222222 100644\n--- a/m.txt\n+++ b/m.txt\n@@ -1,0 +2 @@\n+in m\n"
	rSection := "diff --git a/z.txt b/a.txt\nsimilarity index 90%\nrename from z.txt\nrename to a.txt\n--- a/z.txt\n+++ b/a.txt\n@@ -1,0 +2 @@\n+in a\n"
	tSections := "diff --git a/link b/link\ndeleted file mode 120000\n--- a/link\n+++ /dev/null\n@@ -1 +0,0 @@\n-target\n\\ No newline at end of file\n" +
		"diff --git a/link b/link\nnew file mode 100644\n--- /dev/null\n+++ b/link\n@@ -0,0 +1 @@\n+in link\n"
	odd := ":000000 100644 0000000 7777777 A\x00caf\u00e9 \"q\"\tb/x\x00"
	oddSection := func(quoted string) string {
		return "diff --git " + quoted + "\nnew file mode 100644\n@@ -0,0 +1 @@\n+odd\n"
	}
	tests := []struct {
		name, in string
		want     string // path:added text, in order
		err      string
	}{
		{"only a conflict message (issue 10)", hash + "\x00" + conflictOnly, "", ""},
		{"message first, then a change", hash + modified + "\x00" + conflictOnly + mSection, "m.txt:in m\n", ""},
		{"sections sorted by source path", hash + renamed + modified + "\x00" + mSection + conflictOnly + rSection, "m.txt:in m\n|a.txt:in a\n", ""},
		{"change of type in two halves", hash + typed + "\x00" + tSections, "link:in link\n", ""},
		{"quoted name", hash + odd + "\x00" + oddSection(`"a/caf\303\251 \"q\"\tb/x" "b/caf\303\251 \"q\"\tb/x"`), "caf\u00e9 \"q\"\tb/x:odd\n", ""},
		{"quoted name, core.quotePath off", hash + odd + "\x00" + oddSection("\"a/caf\u00e9 \\\"q\\\"\\tb/x\" \"b/caf\u00e9 \\\"q\\\"\\tb/x\""), "caf\u00e9 \"q\"\tb/x:odd\n", ""},
		{"two commits", hash + "\x00" + conflictOnly + strings.Repeat("b", 40) + "\x00\n" + modified + "\x00" + mSection, "m.txt:in m\n", ""},
		{"a record without its section", hash + modified + renamed + "\x00" + mSection, "", "missing patch header"},
		{"content with no record", hash + "\x00" + mSection, "", "has content but no raw record"},
		{"a bare header with no record", hash + "\x00diff --git a/x b/x\n", "", "no raw record"},
		{"octopus warning", hash + "diff: warning: Skipping remerge-diff for octopus merges.\n", "", "raw record does not start"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var got []string
			announced := map[*Change]int{}
			err := ParseCommits(strings.NewReader(tt.in), func(string) error { return nil }, DiffHandler{
				Change: func(c *Change) error { announced[c]++; return nil },
				Fragment: func(f Fragment) error {
					got = append(got, f.Change.Path+":"+string(f.Text))
					return nil
				},
			})
			if tt.err != "" {
				if err == nil || !strings.Contains(err.Error(), tt.err) {
					t.Fatalf("error %v, want one containing %q", err, tt.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if s := strings.Join(got, "|"); s != tt.want {
				t.Errorf("added %q, want %q", s, tt.want)
			}
			for c, n := range announced {
				if n != 1 {
					t.Errorf("%s announced %d times", c.Path, n)
				}
			}
		})
	}
}

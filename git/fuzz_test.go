package git

import (
	"bytes"
	"fmt"
	"strings"
	"testing"
)

// diffSeeds are shapes git emits: quoted names, a missing final newline,
// binary markers, renames, mode changes, several hunks.
var diffSeeds = []string{
	"",
	":000000 100644 0000000 1111111 A\x00a.txt\x00\x00diff --git a/a.txt b/a.txt\nnew file mode 100644\nindex 0000000..1111111\n--- /dev/null\n+++ b/a.txt\n@@ -0,0 +1,2 @@\n+one\n+two\n",
	":100644 100644 1111111 2222222 M\x00we\nird.txt\x00\x00diff --git \"a/we\\nird.txt\" \"b/we\\nird.txt\"\n--- \"a/we\\nird.txt\"\n+++ \"b/we\\nird.txt\"\n@@ -1 +1 @@\n-old\n\\ No newline at end of file\n+new\n\\ No newline at end of file\n",
	":000000 100644 0000000 3333333 A\x00b.bin\x00\x00diff --git a/b.bin b/b.bin\nnew file mode 100644\nindex 0000000..3333333\nBinary files /dev/null and b/b.bin differ\n",
	":100644 100644 4444444 4444444 R100\x00old\x00new name\x00\x00diff --git a/old b/new name\nsimilarity index 100%\nrename from old\nrename to new name\n",
	":100644 100755 5555555 5555555 M\x00run.sh\x00\x00diff --git a/run.sh b/run.sh\nold mode 100644\nnew mode 100755\n",
	":100644 100644 6666666 7777777 M\x00x\x00:000000 160000 0000000 8888888 A\x00sub\x00\x00diff --git a/x b/x\n@@ -2,0 +3,2 @@\n+a\r\n+b\n@@ -9 +10,0 @@\n-gone\ndiff --git a/sub b/sub\nnew file mode 160000\n@@ -0,0 +1 @@\n+Subproject commit 8888888\n",
	// Content that looks like structure: only the hunk header's counts decide.
	":100644 100644 1111111 2222222 R087\x00a b\x00c\td\x00\x00diff --git a/a b \"b/c\\td\"\nsimilarity index 87%\nrename from a b\nrename to \"c\\td\"\n@@ -1,0 +2,3 @@\n+diff --git a/x b/x\n+@@ -1 +1 @@\n+\\ No newline\n",
}

// historySeeds are `git diff-tree --stdin -z --raw -p` streams: one or more
// commits, each a name, a NUL and a diff.
var historySeeds = []string{
	"",
	strings.Repeat("a", 40) + "\x00" + diffSeeds[1],
	strings.Repeat("b", 40) + "\x00" + diffSeeds[2] + strings.Repeat("c", 40) + "\x00" + diffSeeds[3],
	strings.Repeat("0123456789abcdef", 4) + "\x00" + diffSeeds[6] + strings.Repeat("d", 40) + "\x00" + diffSeeds[4],
	// A commit whose last hunk ends without a newline, followed at once by the next commit.
	strings.Repeat("e", 40) + "\x00:000000 100644 0000000 1111111 A\x00n\x00\x00diff --git a/n b/n\n@@ -0,0 +1 @@\n+last\n\\ No newline at end of file\n" +
		strings.Repeat("f", 40) + "\x00" + diffSeeds[7],
	// git log --remerge-diff: a conflict message's section with no record,
	// sections in source-path order, a change of type in two halves.
	strings.Repeat("a", 40) + "\x00\n\x00diff --git a/g b/g\nremerge CONFLICT (modify/delete): g deleted in x and modified in y.\n" +
		strings.Repeat("b", 40) + "\x00\n:100644 100644 3333333 4444444 R090\x00z\x00a\x00:120000 100644 5555555 6666666 T\x00l\x00\x00" +
		"diff --git a/l b/l\ndeleted file mode 120000\n@@ -1 +0,0 @@\n-t\n\\ No newline at end of file\ndiff --git a/l b/l\nnew file mode 100644\n@@ -0,0 +1 @@\n+l\n" +
		"diff --git a/z b/a\nsimilarity index 90%\nrename from z\nrename to a\n@@ -1,0 +2 @@\n+a\n",
}

// parsed is everything a handler saw, in order, as one comparable string.
type parsed struct {
	log     strings.Builder
	commits []string
	current map[string]*bytes.Buffer // path -> added text of the current commit
}

// handler records the parse and checks the invariants every stream must
// keep, however malformed: fragments are non-empty, belong to the change
// announced just before, and their positions are sane.
func (p *parsed) handler(t *testing.T) DiffHandler {
	var announced *Change
	return DiffHandler{
		Change: func(c *Change) error {
			if c == nil {
				t.Fatal("announced an empty change")
			}
			announced = c
			fmt.Fprintf(&p.log, "C:%c:%q:%q:%v\x00", c.Status, c.OldPath, c.Path, c.Binary)
			return nil
		},
		Fragment: func(fr Fragment) error {
			if len(fr.Text) == 0 {
				t.Fatal("empty fragment")
			}
			if fr.Change == nil || fr.Change != announced {
				t.Fatal("fragment without its change, or before it was announced")
			}
			if fr.StartLine < 0 || fr.StartColumn < 1 || fr.Overlap < 0 || fr.Overlap > len(fr.Text) {
				t.Fatalf("fragment at line %d column %d with overlap %d of %d bytes", fr.StartLine, fr.StartColumn, fr.Overlap, len(fr.Text))
			}
			fmt.Fprintf(&p.log, "F:%d:%d:%d:%q\x00", fr.StartLine, fr.StartColumn, fr.Overlap, fr.Text)
			if p.current != nil {
				b := p.current[fr.Change.Path]
				if b == nil {
					b = &bytes.Buffer{}
					p.current[fr.Change.Path] = b
				}
				b.Write(fr.Text[fr.Overlap:])
			}
			return nil
		},
	}
}

// addedFile is a diff that adds path with content, as git writes it with
// -U0: every line "+"-prefixed, and a marker when the last has no newline.
func addedFile(path string, content []byte) string {
	var b strings.Builder
	fmt.Fprintf(&b, ":000000 100644 0000000 1111111 A\x00%s\x00\x00diff --git a/%s b/%s\nnew file mode 100644\n--- /dev/null\n+++ b/%s\n", path, path, path, path)
	lines := bytes.SplitAfter(content, []byte("\n"))
	if len(lines[len(lines)-1]) == 0 {
		lines = lines[:len(lines)-1]
	}
	fmt.Fprintf(&b, "@@ -0,0 +1,%d @@\n", len(lines))
	for _, l := range lines {
		b.WriteString("+")
		b.Write(l)
	}
	if len(content) > 0 && content[len(content)-1] != '\n' {
		b.WriteString("\n\\ No newline at end of file\n")
	}
	return b.String()
}

// followUp is a second, fixed file after the fuzzed one: the parser must
// find its way back to structure and report exactly its added line.
const followUp = "diff --git a/tail b/tail\n@@ -2,0 +3 @@\n+tail\n"

func FuzzParseDiff(f *testing.F) {
	if len(diffSeeds) == 0 {
		f.Fatal("empty seed corpus")
	}
	for _, s := range diffSeeds {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, in []byte) {
		// Any byte stream: parsed or rejected, the same way twice, without a panic.
		parse := func() (string, error) {
			var p parsed
			err := ParseDiff(bytes.NewReader(in), p.handler(t))
			return p.log.String(), err
		}
		a, errA := parse()
		b, errB := parse()
		if a != b || (errA == nil) != (errB == nil) {
			t.Fatal("ParseDiff is not deterministic")
		}
		if len(a) > 8*len(in)+64 {
			t.Fatalf("handed out %d bytes from %d of input", len(a), len(in))
		}
		if errA != nil && bytes.Contains([]byte(errA.Error()), in) && len(in) > 24 {
			t.Fatal("the error quotes the whole input; diff content may be a secret")
		}

		// The same bytes as a file's content: added text reassembles to it.
		if bytes.IndexByte(in, 0) >= 0 {
			return // a path holding the content is not the point; NULs in content are fine below
		}
		stream := addedFile("f", in)
		stream = strings.Replace(stream, "\x00\x00diff", "\x00:100644 100644 2222222 3333333 M\x00tail\x00\x00diff", 1) + followUp
		p := parsed{current: map[string]*bytes.Buffer{}}
		if err := ParseDiff(strings.NewReader(stream), p.handler(t)); err != nil {
			t.Fatalf("well-formed diff of %d bytes rejected: %v", len(in), err)
		}
		checkReassembled(t, p.current, in)
	})
}

func checkReassembled(t *testing.T, got map[string]*bytes.Buffer, content []byte) {
	t.Helper()
	var f []byte
	if b := got["f"]; b != nil {
		f = b.Bytes()
	}
	if !bytes.Equal(f, content) {
		t.Fatalf("added text of f is %d bytes, differs from the %d-byte content", len(f), len(content))
	}
	if tail := got["tail"]; tail == nil || tail.String() != "tail\n" {
		t.Fatalf("the file after the fuzzed one lost its added line: %v", tail)
	}
}

// FuzzParseCommits: any history stream is parsed or rejected without a
// panic, deterministically; every commit name handed out is a full object
// name; no fragment comes before a commit; and a well-formed history
// carrying the fuzzed bytes as a file reassembles them, per commit.
func FuzzParseCommits(f *testing.F) {
	if len(historySeeds) == 0 {
		f.Fatal("empty seed corpus")
	}
	for _, s := range historySeeds {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, in []byte) {
		parse := func() (string, error) {
			var p parsed
			h := p.handler(t)
			frag := h.Fragment
			h.Fragment = func(fr Fragment) error {
				if len(p.commits) == 0 {
					t.Fatal("fragment before any commit")
				}
				return frag(fr)
			}
			err := ParseCommits(bytes.NewReader(in), func(hash string) error {
				if len(hash) != 40 && len(hash) != 64 || strings.Trim(hash, "0123456789abcdef") != "" {
					t.Fatalf("commit name %q is not a full object name", hash)
				}
				p.commits = append(p.commits, hash)
				fmt.Fprintf(&p.log, "H:%s\x00", hash)
				return nil
			}, h)
			return p.log.String(), err
		}
		a, errA := parse()
		b, errB := parse()
		if a != b || (errA == nil) != (errB == nil) {
			t.Fatal("ParseCommits is not deterministic")
		}

		if bytes.IndexByte(in, 0) >= 0 {
			return
		}
		first, second := strings.Repeat("1", 40), strings.Repeat("2", 64)
		stream := first + "\x00" + addedFile("f", in) + second + "\x00" +
			":100644 100644 2222222 3333333 M\x00tail\x00\x00" + followUp
		perCommit := map[string]map[string]*bytes.Buffer{}
		var p parsed
		h := p.handler(t)
		err := ParseCommits(strings.NewReader(stream), func(hash string) error {
			p.commits = append(p.commits, hash)
			p.current = map[string]*bytes.Buffer{}
			perCommit[hash] = p.current
			return nil
		}, h)
		if err != nil {
			t.Fatalf("well-formed history rejected: %v", err)
		}
		if len(p.commits) != 2 || p.commits[0] != first || p.commits[1] != second {
			t.Fatalf("commits %q, want the two in the stream", p.commits)
		}
		var f []byte
		if b := perCommit[first]["f"]; b != nil {
			f = b.Bytes()
		}
		if !bytes.Equal(f, in) || len(perCommit[first]) > 1 {
			t.Fatalf("first commit: added text of f is %d bytes, differs from the %d-byte content", len(f), len(in))
		}
		if tail := perCommit[second]["tail"]; tail == nil || tail.String() != "tail\n" || len(perCommit[second]) != 1 {
			t.Fatal("second commit: its added line is lost or misattributed")
		}
	})
}

// TestDiffSeedsParse pins that every well-formed seed parses cleanly.
func TestDiffSeedsParse(t *testing.T) {
	for i, s := range diffSeeds {
		if err := ParseDiff(strings.NewReader(s), DiffHandler{}); err != nil {
			t.Errorf("seed %d: %v", i, err)
		}
	}
	for i, s := range historySeeds {
		if err := ParseCommits(strings.NewReader(s), func(string) error { return nil }, DiffHandler{}); err != nil {
			t.Errorf("history seed %d: %v", i, err)
		}
	}
}

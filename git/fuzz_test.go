package git

import (
	"bytes"
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
}

// FuzzParseDiff: any byte stream is parsed or rejected without a panic,
// deterministically, and the added text handed out never exceeds the input.
func FuzzParseDiff(f *testing.F) {
	if len(diffSeeds) == 0 {
		f.Fatal("empty seed corpus")
	}
	for _, s := range diffSeeds {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, in []byte) {
		parse := func() (string, error) {
			var b strings.Builder
			err := ParseDiff(bytes.NewReader(in), DiffHandler{
				Change: func(c *Change) error {
					b.WriteString("C:" + c.Path + "\x00")
					return nil
				},
				Fragment: func(fr Fragment) error {
					if len(fr.Text) == 0 {
						t.Fatal("empty fragment")
					}
					if fr.Change == nil {
						t.Fatal("fragment without its change")
					}
					b.WriteString("F:")
					b.Write(fr.Text)
					return nil
				},
			})
			return b.String(), err
		}
		a, errA := parse()
		b, errB := parse()
		if a != b || (errA == nil) != (errB == nil) {
			t.Fatal("ParseDiff is not deterministic")
		}
		if len(a) > 4*len(in)+16 {
			t.Fatalf("handed out %d bytes from %d of input", len(a), len(in))
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
}

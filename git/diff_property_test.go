package git

import (
	"bytes"
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/keyguard/keyguard/internal/gittest"
)

// TestStagedDiffReassemblesStagedContent edits files at random in a real
// repository and checks the parser's promise: every added line it reports
// is exactly the staged file's line at that number, and together with the
// lines the old version kept, they account for every line of the new one.
func TestStagedDiffReassemblesStagedContent(t *testing.T) {
	g := gittest.New(t)
	rng := rand.New(rand.NewPCG(7, 11))
	const files = 12
	old := make([][]string, files)
	for i := range old {
		old[i] = randomLines(rng, 1+rng.IntN(40))
		g.Write(name(i), join(old[i], rng.IntN(4) == 0))
	}
	g.Git("add", ".")
	g.Git("commit", "-q", "-m", "base")
	staged := make([][]string, files)
	for i := range staged {
		staged[i] = mutate(rng, old[i])
		g.Write(name(i), join(staged[i], rng.IntN(3) == 0))
	}
	g.Git("add", ".")
	// Change the work tree again: only the index counts.
	for i := range files {
		g.Write(name(i), "work tree only\n")
	}

	r := open(t, g.Dir)
	addedAt := map[string]map[int]string{}
	err := r.StagedDiff(context.Background(), DiffHandler{Fragment: func(f Fragment) error {
		m := addedAt[f.Change.Path]
		if m == nil {
			m = map[int]string{}
			addedAt[f.Change.Path] = m
		}
		for i, line := range strings.Split(strings.TrimSuffix(string(f.Text), "\n"), "\n") {
			m[f.StartLine+i] = line
		}
		return nil
	}})
	if err != nil {
		t.Fatal(err)
	}
	for i := range files {
		blob := g.Git("show", ":"+name(i))
		lines := strings.Split(strings.TrimSuffix(blob, "\n"), "\n")
		for n, text := range addedAt[name(i)] {
			if n < 1 || n > len(lines) || lines[n-1] != text {
				t.Fatalf("%s: added line %d does not match the staged blob", name(i), n)
			}
		}
		// Lines not reported as added must come from the old version, in order.
		var kept []string
		for n, line := range lines {
			if _, ok := addedAt[name(i)][n+1]; !ok {
				kept = append(kept, line)
			}
		}
		if !isSubsequence(kept, old[i]) {
			t.Fatalf("%s: lines not reported as added are not old lines in order", name(i))
		}
	}
}

func name(i int) string { return filepath.ToSlash(fmt.Sprintf("dir%d/f%d.txt", i%3, i)) }

func randomLines(rng *rand.Rand, n int) []string {
	words := []string{"alpha", "beta", "token", "x", "", "  indented", "key = 1", "é ü", "\ttab"}
	out := make([]string, n)
	for i := range out {
		out[i] = words[rng.IntN(len(words))] + fmt.Sprint(rng.IntN(5))
	}
	return out
}

func mutate(rng *rand.Rand, lines []string) []string {
	out := append([]string(nil), lines...)
	for range 1 + rng.IntN(6) {
		switch pos := rng.IntN(len(out) + 1); rng.IntN(3) {
		case 0: // insert
			out = append(out[:pos], append(randomLines(rng, 1+rng.IntN(3)), out[pos:]...)...)
		case 1: // delete
			if pos < len(out) {
				out = append(out[:pos], out[pos+1:]...)
			}
		default: // replace
			if pos < len(out) {
				out[pos] = randomLines(rng, 1)[0] + "!"
			}
		}
	}
	if len(out) == 0 {
		out = []string{"only"}
	}
	return out
}

func join(lines []string, noFinalNewline bool) string {
	s := strings.Join(lines, "\n")
	if !noFinalNewline {
		s += "\n"
	}
	return s
}

func isSubsequence(sub, seq []string) bool {
	j := 0
	for _, s := range sub {
		for j < len(seq) && seq[j] != s {
			j++
		}
		if j == len(seq) {
			return false
		}
		j++
	}
	return true
}

// oddNames are paths git quotes or that break naive parsing of patch headers.
var oddNames = []string{
	"plain.txt", "dir/é ü.txt", "tab\tname.txt", `quo"te.txt`, `back\slash.txt`,
	"new\nline.txt", "-dash.txt", "sp ace/x y.txt", "日本/鍵.txt", "a b/c\td/e.txt",
}

// TestDiffShapesReassemble drives real git through the shapes a commit can
// take (edits, renames with edits, CRLF lines, missing final newlines, lines
// longer than the read buffer and than a fragment, binary files, mode
// changes, quoted and unicode names) over several commits, and checks for
// the staged diff and then for the history of every commit: each added
// line is the new blob's line at that number, byte for byte with its line
// ending; the lines not reported come from the old blob in order; binary
// files add no lines; renames name their source.
func TestDiffShapesReassemble(t *testing.T) {
	g := gittest.New(t)
	rng := rand.New(rand.NewPCG(3, 5))
	r := open(t, g.Dir)
	ctx := context.Background()
	present := map[string]bool{} // paths in the work tree
	var free []string            // odd names not yet used
	free = append(free, oddNames...)
	var hashes []string
	long := 0 // how many long-line files were added
	for round := range 5 {
		for op := range 6 {
			var live []string
			for p := range present {
				live = append(live, p)
			}
			slices.Sort(live)
			switch k := rng.IntN(6); {
			case len(live) == 0 || k == 0 && len(free) > 0: // add
				if len(free) == 0 {
					continue
				}
				p := free[0]
				free = free[1:]
				g.Write(p, shapedText(rng, 3+rng.IntN(20)))
				present[p] = true
			case k == 1: // rename with a small edit
				old := live[rng.IntN(len(live))]
				to := fmt.Sprintf("moved %d-%d/%s", round, op, filepath.Base(old))
				if isBinaryFile(t, g, old) {
					continue
				}
				body := readFile(t, g, old)
				if err := os.Remove(filepath.Join(g.Dir, filepath.FromSlash(old))); err != nil {
					t.Fatal(err)
				}
				if !strings.HasSuffix(body, "\n") {
					body += "\n"
				}
				g.Write(to, body+"renamed\n")
				delete(present, old)
				present[to] = true
			case k == 2 && round > 0 && long < 2: // a line longer than the read buffer, then one longer than a fragment
				size := []int{100 << 10, maxFragment + lineOverlap + 12345}[long]
				long++
				line := longLine(rng, size)
				p := fmt.Sprintf("long%d.min.js", long)
				g.Write(p, "head\n"+line+"\ntail")
				present[p] = true
			case k == 3: // binary
				p := live[rng.IntN(len(live))]
				g.Write(p, "bin\x00ary\n"+shapedText(rng, 2))
			case k == 4: // mode change only
				p := live[rng.IntN(len(live))]
				if err := os.Chmod(filepath.Join(g.Dir, filepath.FromSlash(p)), 0o755); err != nil {
					t.Fatal(err)
				}
			default: // edit
				p := live[rng.IntN(len(live))]
				lines := strings.SplitAfter(readFile(t, g, p), "\n")
				g.Write(p, strings.Join(mutateShaped(rng, lines), ""))
			}
		}
		g.Git("add", "-A")
		base := "HEAD"
		if round == 0 {
			base = ""
		}
		changes, added := collectDiff(t, func(h DiffHandler) error { return r.StagedDiff(ctx, h) })
		checkDiff(t, g, fmt.Sprintf("round %d, staged", round), changes, added, ":", base)
		g.Git("commit", "-q", "-m", fmt.Sprintf("round %d", round))
		hashes = append(hashes, strings.TrimSpace(g.Git("rev-parse", "HEAD")))
		r = open(t, g.Dir) // HEAD moved
	}
	if long < 2 {
		t.Fatalf("only %d long-line files were made; change the seed", long)
	}

	// The same commits through history: one stream, every commit checked.
	streams := map[string]*recorder{}
	seen := map[string]int{}
	var cur *recorder
	err := r.commitDiffs(ctx, hashes, func(h string) error {
		cur = newRecorder(t)
		streams[h] = cur
		return nil
	}, DiffHandler{
		Change:   func(c *Change) error { return cur.handler().Change(c) },
		Fragment: func(f Fragment) error { return cur.handler().Fragment(f) },
	})
	if err != nil {
		t.Fatal(err)
	}
	for i, h := range hashes {
		rec := streams[h]
		if rec == nil {
			t.Fatalf("commit %d is missing from the history stream", i)
		}
		base := h + "^"
		if i == 0 {
			base = ""
		}
		checkDiff(t, g, fmt.Sprintf("commit %d", i), rec.changes, rec.added, h+":", base)
		for k, n := range rec.shapes {
			seen[k] += n
		}
	}
	for _, shape := range []string{"A", "M", "R", "binary", "mode", "crlf", "long line piece", "quoted or unicode name"} {
		if seen[shape] == 0 {
			t.Errorf("no %s in the history: the test did not cover it (change the seed)", shape)
		}
	}
}

// recorder gathers one diff's changes and added lines, checking the line
// and column arithmetic of pieces of long lines as they arrive.
type recorder struct {
	t       *testing.T
	shapes  map[string]int // what was seen, so the test can prove it covered each shape
	changes map[string]*Change
	added   map[string]map[int][]byte // path -> line number -> bytes, with '\n' if the line has one
}

func newRecorder(t *testing.T) *recorder {
	return &recorder{t: t, shapes: map[string]int{}, changes: map[string]*Change{}, added: map[string]map[int][]byte{}}
}

func (rec *recorder) handler() DiffHandler {
	t := rec.t
	return DiffHandler{
		Change: func(c *Change) error {
			if rec.changes[c.Path] != nil {
				t.Fatalf("%q announced twice", c.Path)
			}
			rec.changes[c.Path] = c
			rec.shapes[string(c.Status)]++
			if c.Binary {
				rec.shapes["binary"]++
			}
			if c.SrcMode != c.DstMode && c.Status == 'M' {
				rec.shapes["mode"]++
			}
			if strings.ContainsAny(c.Path, "\t\n\"\\") || utf8.RuneCountInString(c.Path) != len(c.Path) {
				rec.shapes["quoted or unicode name"]++
			}
			return nil
		},
		Fragment: func(f Fragment) error {
			lines := rec.added[f.Change.Path]
			if lines == nil {
				lines = map[int][]byte{}
				rec.added[f.Change.Path] = lines
			}
			text, n := f.Text, f.StartLine
			if bytes.Contains(f.Text, []byte("\r\n")) {
				rec.shapes["crlf"]++
			}
			if f.StartColumn > 1 {
				rec.shapes["long line piece"]++
				// A later piece of a long line: it repeats the previous
				// piece's last Overlap bytes and starts at their column.
				prev := lines[n]
				if f.Overlap > len(prev) || !bytes.Equal(prev[len(prev)-f.Overlap:], text[:f.Overlap]) {
					t.Fatalf("%q line %d: overlap of %d bytes does not repeat the previous piece", f.Change.Path, n, f.Overlap)
				}
				if col := utf8.RuneCount(prev[:len(prev)-f.Overlap]) + 1; col != f.StartColumn {
					t.Fatalf("%q line %d: piece at column %d, want %d", f.Change.Path, n, f.StartColumn, col)
				}
				seg, rest, ok := bytes.Cut(text[f.Overlap:], []byte("\n"))
				if ok {
					seg = append(seg, '\n')
				}
				lines[n] = append(prev, seg...)
				if !ok {
					return nil
				}
				text, n = rest, n+1
			} else if f.Overlap != 0 {
				t.Fatalf("%q: overlap %d on a piece at column 1", f.Change.Path, f.Overlap)
			}
			for len(text) > 0 {
				seg, rest, ok := bytes.Cut(text, []byte("\n"))
				if ok {
					seg = append(bytes.Clone(seg), '\n')
				} else {
					seg = bytes.Clone(seg)
				}
				if _, dup := lines[n]; dup {
					t.Fatalf("%q: line %d reported twice", f.Change.Path, n)
				}
				lines[n] = seg
				text, n = rest, n+1
			}
			return nil
		},
	}
}

func collectDiff(t *testing.T, run func(DiffHandler) error) (map[string]*Change, map[string]map[int][]byte) {
	t.Helper()
	rec := newRecorder(t)
	if err := run(rec.handler()); err != nil {
		t.Fatal(err)
	}
	return rec.changes, rec.added
}

// checkDiff compares a parsed diff with the blobs git holds: newRev is the
// prefix naming the new side (":" for the index, "<hash>:"), oldRev the old
// tree ("" for none).
func checkDiff(t *testing.T, g *gittest.Repo, what string, changes map[string]*Change, added map[string]map[int][]byte, newRev, oldRev string) {
	t.Helper()
	for p := range added {
		if changes[p] == nil {
			t.Fatalf("%s: lines added to %q, which was never announced", what, p)
		}
	}
	for p, c := range changes {
		newBlob := blob(t, g, newRev+p)
		var oldBlob []byte
		src := p
		if c.Status == 'R' || c.Status == 'C' {
			src = c.OldPath
			if changes[c.OldPath] != nil || c.OldPath == "" {
				t.Fatalf("%s: rename of %q from %q", what, p, c.OldPath)
			}
		}
		if oldRev != "" && c.Status != 'A' {
			oldBlob = blob(t, g, oldRev+":"+src)
		}
		// git calls a pair binary when either side is (see
		// TestBinaryToTextIsScanned for what that means for the new side).
		if binary := bytes.IndexByte(newBlob, 0) >= 0 || bytes.IndexByte(oldBlob, 0) >= 0; c.Binary != binary {
			t.Fatalf("%s: %q: Binary is %v, want %v", what, p, c.Binary, binary)
		}
		if c.Binary {
			if len(added[p]) > 0 {
				t.Fatalf("%s: %q: binary with %d added lines", what, p, len(added[p]))
			}
			continue
		}
		newLines, oldLines := splitLines(newBlob), splitLines(oldBlob)
		for n, line := range added[p] {
			if n < 1 || n > len(newLines) || !bytes.Equal(newLines[n-1], line) {
				t.Fatalf("%s: %q: added line %d (%d bytes) is not the new blob's line", what, p, n, len(line))
			}
		}
		var kept []string
		for n, line := range newLines {
			if _, ok := added[p][n+1]; !ok {
				kept = append(kept, string(bytes.TrimSuffix(line, []byte("\n"))))
			}
		}
		var old []string
		for _, l := range oldLines {
			old = append(old, string(bytes.TrimSuffix(l, []byte("\n"))))
		}
		if !isSubsequence(kept, old) {
			t.Fatalf("%s: %q (%c from %q): lines not reported as added are not old lines in order", what, p, c.Status, src)
		}
	}
}

// blob is the content git holds for rev:path, read with plumbing.
func blob(t *testing.T, g *gittest.Repo, spec string) []byte {
	t.Helper()
	cmd := exec.Command("git", "cat-file", "blob", spec)
	cmd.Dir, cmd.Env = g.Dir, g.Env
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("git cat-file blob %q: %v", spec, err)
	}
	return out
}

func splitLines(b []byte) [][]byte {
	lines := bytes.SplitAfter(b, []byte("\n"))
	if len(lines[len(lines)-1]) == 0 {
		lines = lines[:len(lines)-1]
	}
	return lines
}

func readFile(t *testing.T, g *gittest.Repo, p string) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(g.Dir, filepath.FromSlash(p)))
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func isBinaryFile(t *testing.T, g *gittest.Repo, p string) bool {
	return strings.IndexByte(readFile(t, g, p), 0) >= 0
}

// shapedText is n lines, some ending in CRLF, the last sometimes without a
// newline.
func shapedText(rng *rand.Rand, n int) string {
	var b strings.Builder
	for i, l := range randomLines(rng, n) {
		b.WriteString(l)
		switch {
		case i == n-1 && rng.IntN(3) == 0:
		case rng.IntN(4) == 0:
			b.WriteString("\r\n")
		default:
			b.WriteString("\n")
		}
	}
	return b.String()
}

// mutateShaped edits lines (each with its own ending): inserts, deletes,
// replacements, a dropped or added final newline.
func mutateShaped(rng *rand.Rand, lines []string) []string {
	if n := len(lines); n > 0 && lines[n-1] == "" {
		lines = lines[:n-1]
	}
	out := slices.Clone(lines)
	for range 1 + rng.IntN(4) {
		pos := rng.IntN(len(out) + 1)
		switch rng.IntN(3) {
		case 0:
			out = slices.Insert(out, pos, shapedText(rng, 1)+"\n")
		case 1:
			if pos < len(out) && len(out) > 1 {
				out = slices.Delete(out, pos, pos+1)
			}
		default:
			if pos < len(out) {
				out[pos] = "changed " + out[pos]
			}
		}
	}
	// Every line but the last must end in a newline to stay a line.
	for i := range out[:len(out)-1] {
		if !strings.HasSuffix(out[i], "\n") {
			out[i] += "\n"
		}
	}
	if last := &out[len(out)-1]; rng.IntN(2) == 0 {
		*last = strings.TrimSuffix(*last, "\n")
	} else if !strings.HasSuffix(*last, "\n") {
		*last += "\n"
	}
	return out
}

// longLine is size bytes of varied text with multi-byte characters, so
// pieces must be cut on character boundaries.
func longLine(rng *rand.Rand, size int) string {
	var b strings.Builder
	b.Grow(size + 8)
	for b.Len() < size {
		switch rng.IntN(5) {
		case 0:
			b.WriteString("é")
		case 1:
			b.WriteString("鍵")
		default:
			b.WriteByte(byte('a' + rng.IntN(26)))
		}
	}
	return b.String()
}

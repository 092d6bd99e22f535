package scan

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/keyguard/keyguard/internal/fakekey"
	"github.com/keyguard/keyguard/internal/gittest"
)

// TestHistoryMatchesGit runs the differential test against git on a few
// random histories; FuzzHistoryMatchesGit explores more seeds (its corpus,
// testdata/fuzz/FuzzHistoryMatchesGit, runs in every go test too).
func TestHistoryMatchesGit(t *testing.T) {
	var total historyStats
	for _, seed := range []uint64{2, 3} {
		t.Run(fmt.Sprint("seed ", seed), func(t *testing.T) {
			s := historyMatchesGit(t, seed, 28)
			total.merges += s.merges
			total.conflicts += s.conflicts
			total.mergeKeys += s.mergeKeys
		})
	}
	if total.conflicts == 0 || total.mergeKeys == 0 {
		t.Errorf("the seeds made %d merges, %d with conflicts, %d keys planted in merges: they must exercise conflicts and keys in merges", total.merges, total.conflicts, total.mergeKeys)
	}
}

// FuzzHistoryMatchesGit: `go test ./scan -run XXX -fuzz
// FuzzHistoryMatchesGit` builds a random history from each generator seed
// and compares keyguard with git. Histories are shorter than the test's:
// a fuzzing worker gives up on an input after 10 seconds, and every step
// runs git a few times.
func FuzzHistoryMatchesGit(f *testing.F) {
	f.Fuzz(func(t *testing.T, seed uint64) { historyMatchesGit(t, seed, 14) })
}

// historyMatchesGit builds a random history (historyGen) and checks, for
// every commit and path, the lines keyguard's history scan treats as
// added (addedLines) against the "+" lines of `git log -p` (a merge:
// --remerge-diff), compared as sets of distinct line texts:
//
//   - every line keyguard treats as added is a "+" line of git's, and sits
//     at the line number keyguard gives;
//   - every "+" line of git's that keyguard leaves out is one the file
//     already held before the commit, in a parent's version of it:
//     keyguard compares line sets, so a line that only moved, or repeats
//     one the changed part held, is not new (README, how new lines are
//     found); and a merge's line that a parent held was brought by that
//     parent and is reported where it was added;
//   - every key planted is among the added lines of the commit that
//     planted it.
func historyMatchesGit(t *testing.T, seed uint64, steps int) historyStats {
	g := gittest.New(t)
	gen := &historyGen{t: t, g: g, rng: rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15)), planted: map[string]string{}}
	gen.run(steps)

	// keyguard: commit -> path -> line text -> line numbers
	type place struct {
		commit, path string
		line         int
	}
	var mu sync.Mutex
	var added []place
	texts := map[place]string{}
	_, err := addedLines(context.Background(), HistoryOptions{Repo: openRepo(t, g.Dir)}, nil, func(j Job) {
		mu.Lock()
		defer mu.Unlock()
		if j.StartColumn > 1 || j.Overlap > 0 {
			t.Errorf("a piece of a long line in a small history: %s", j.Path)
			return
		}
		n := j.StartLine
		for rest := j.Text; len(rest) > 0; n++ {
			var line []byte
			line, rest = nextLine(rest)
			p := place{j.Commit.Hash, j.Path, n}
			added = append(added, p)
			texts[p] = string(bytes.TrimRight(line, "\n"))
		}
	})
	if err != nil {
		t.Fatalf("seed %d: history scan: %v", seed, err)
		return historyStats{}
	}
	kg := map[string]map[string]map[string]bool{} // commit -> path -> texts
	for _, p := range added {
		if kg[p.commit] == nil {
			kg[p.commit] = map[string]map[string]bool{}
		}
		if kg[p.commit][p.path] == nil {
			kg[p.commit][p.path] = map[string]bool{}
		}
		kg[p.commit][p.path][texts[p]] = true
	}
	files := fileLines(t, g)
	// Line numbers: each added line is that line of the file.
	for _, p := range added {
		if lines := files[p.commit][p.path]; p.line < 1 || p.line > len(lines) || lines[p.line-1] != texts[p] {
			t.Errorf("seed %d: commit %.12s: %s:%d is not the line keyguard read there", seed, p.commit, p.path, p.line)
		}
	}

	git, sources := gitAdded(t, g)
	parents := map[string][]string{}
	for _, line := range strings.Split(strings.TrimSpace(g.Git("rev-list", "--all", "--parents")), "\n") {
		f := strings.Fields(line)
		parents[f[0]] = f[1:]
	}
	held := map[string]map[string]map[string]bool{} // commit -> path -> line texts
	for commit, paths := range files {
		held[commit] = map[string]map[string]bool{}
		for path, lines := range paths {
			held[commit][path] = map[string]bool{}
			for _, l := range lines {
				held[commit][path][l] = true
			}
		}
	}
	for commit, ps := range parents {
		paths := map[string]bool{}
		for p := range git[commit] {
			paths[p] = true
		}
		for p := range kg[commit] {
			paths[p] = true
		}
		for path := range paths {
			for text := range kg[commit][path] {
				if !git[commit][path][text] {
					t.Errorf("seed %d: commit %.12s (%d parents): keyguard adds %s to %s, git does not", seed, commit, len(ps), shown(text), path)
				}
			}
			for text := range git[commit][path] {
				if kg[commit][path][text] {
					continue
				}
				// The file before: at its path, or at the path git's
				// diff renamed it from. (A merge's lines are also looked
				// for at those paths less leading directories, where a
				// subtree merge puts them; no two paths here end alike.)
				var before bool
				for _, parent := range ps {
					before = before || held[parent][path][text] || held[parent][sources[commit][path]][text]
				}
				if !before {
					t.Errorf("seed %d: commit %.12s (%d parents): git adds %s to %s, keyguard does not, and no parent held it", seed, commit, len(ps), shown(text), path)
				}
			}
		}
	}
	for line, commit := range gen.planted {
		found := false
		for _, texts := range kg[commit] {
			found = found || texts[line]
		}
		if !found {
			t.Errorf("seed %d: a key planted at %.12s (%d parents) is not among its added lines", seed, commit, len(parents[commit]))
		}
	}
	merges, conflicts, mergeKeys := 0, 0, 0
	for commit, ps := range parents {
		if len(ps) > 1 {
			merges++
			if strings.Contains(g.Git("log", "-1", "--format=%b", commit), "Conflicts:") {
				conflicts++
			}
		}
	}
	for _, commit := range gen.planted {
		if len(parents[commit]) > 1 {
			mergeKeys++
		}
	}
	t.Logf("seed %d: %d commits, %d merges (%d with conflicts), %d keys planted (%d in merges), %d lines added",
		seed, len(parents), merges, conflicts, len(gen.planted), mergeKeys, len(added))
	return historyStats{merges: merges, conflicts: conflicts, mergeKeys: mergeKeys}
}

// historyStats says what a random history held, so that the test can
// check its seeds exercise what it is about.
type historyStats struct{ merges, conflicts, mergeKeys int }

// shown quotes a line for a failure message; a key line is not shown.
func shown(line string) string {
	if strings.Contains(line, "ghp_") {
		return "a key line"
	}
	return strconv.Quote(line)
}

// gitAdded parses `git log -p -U0` of every commit (a merge with
// --remerge-diff): commit -> path -> the texts of its "+" lines, and
// commit -> path -> the path it had before (a rename's source).
func gitAdded(t *testing.T, g *gittest.Repo) (map[string]map[string]map[string]bool, map[string]map[string]string) {
	t.Helper()
	args := []string{"log", "-p", "-M", "--remerge-diff", "-U0", "--no-color", "--no-ext-diff", "--no-textconv",
		"--src-prefix=a/", "--dst-prefix=b/", "--format=commit %H"}
	added, sources := parseGitLog(t, g.Git(append(args, "--all")...))
	// In one walk over every commit, git 2.39 now and then shows a merge
	// that had a conflict as a plain diff against a parent, without its
	// "remerge CONFLICT" lines; asked about that merge alone, it gives the
	// recreated merge's diff every time. So each merge is asked alone.
	for _, m := range strings.Fields(g.Git("rev-list", "--all", "--merges")) {
		a, s := parseGitLog(t, g.Git(append(args, "-1", m)...))
		added[m], sources[m] = a[m], s[m]
	}
	return added, sources
}

// parseGitLog reads the added lines and rename sources of each commit from
// `git log -p -U0 --format="commit %H"` output.
func parseGitLog(t *testing.T, out string) (map[string]map[string]map[string]bool, map[string]map[string]string) {
	t.Helper()
	added := map[string]map[string]map[string]bool{}
	sources := map[string]map[string]string{}
	var commit, src, dst string
	lines := strings.Split(out, "\n")
	for i := 0; i < len(lines); i++ {
		line := lines[i]
		switch {
		case strings.HasPrefix(line, "commit "):
			commit = strings.TrimPrefix(line, "commit ")
			added[commit] = map[string]map[string]bool{}
			sources[commit] = map[string]string{}
		case strings.HasPrefix(line, "diff --git "):
			src, dst = "", ""
		case strings.HasPrefix(line, "--- "):
			src = strings.TrimPrefix(strings.TrimPrefix(line, "--- "), "a/")
		case strings.HasPrefix(line, "+++ "):
			dst = strings.TrimPrefix(strings.TrimPrefix(line, "+++ "), "b/")
			sources[commit][dst] = src
		case strings.HasPrefix(line, "@@ -"):
			// -U0: exactly the counts the header gives, so content is
			// never taken for structure.
			f := strings.Fields(line)
			removed, plus := count(t, f[1]), count(t, f[2])
			for plus+removed > 0 {
				i++
				l := lines[i]
				switch {
				case strings.HasPrefix(l, "+"):
					plus--
					if added[commit][dst] == nil {
						added[commit][dst] = map[string]bool{}
					}
					added[commit][dst][l[1:]] = true
				case strings.HasPrefix(l, "-"):
					removed--
				case strings.HasPrefix(l, `\`):
				default:
					t.Fatalf("unexpected line in a hunk of %.12s", commit)
				}
			}
		}
	}
	return added, sources
}

// count reads the line count of a hunk range ("-a,b" or "+c").
func count(t *testing.T, r string) int {
	t.Helper()
	_, n, ok := strings.Cut(r, ",")
	if !ok {
		return 1
	}
	c, err := strconv.Atoi(n)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// fileLines returns, for every commit, the lines of each file it holds.
func fileLines(t *testing.T, g *gittest.Repo) map[string]map[string][]string {
	t.Helper()
	files := map[string]map[string][]string{}
	var names []string
	for _, c := range strings.Fields(g.Git("rev-list", "--all")) {
		files[c] = map[string][]string{}
		for _, p := range strings.Split(strings.TrimRight(g.Git("ls-tree", "-r", "-z", "--name-only", c), "\x00"), "\x00") {
			if p != "" {
				names = append(names, c+":"+p)
			}
		}
	}
	cmd := exec.Command("git", "cat-file", "--batch")
	cmd.Dir, cmd.Env = g.Dir, g.Env
	cmd.Stdin = strings.NewReader(strings.Join(names, "\n") + "\n")
	out, err := cmd.Output()
	if err != nil {
		t.Fatal(err)
	}
	r := bufio.NewReader(bytes.NewReader(out))
	for _, name := range names {
		header, err := r.ReadString('\n')
		if err != nil {
			t.Fatal(err)
		}
		f := strings.Fields(header)
		size, err := strconv.Atoi(f[len(f)-1])
		if err != nil || len(f) != 3 {
			t.Fatalf("git cat-file: %q", header)
		}
		body := make([]byte, size+1) // and the newline after it
		if _, err := ioReadFull(r, body); err != nil {
			t.Fatal(err)
		}
		commit, path, _ := strings.Cut(name, ":")
		files[commit][path] = strings.Split(string(body[:size]), "\n")
	}
	return files
}

func ioReadFull(r *bufio.Reader, b []byte) (int, error) {
	n := 0
	for n < len(b) {
		m, err := r.Read(b[n:])
		n += m
		if err != nil {
			return n, err
		}
	}
	return n, nil
}

// historyGen makes a random history: branches, edits (insertions,
// deletions, moved blocks, a missing final newline), added, deleted and
// renamed files, merges with their conflicts resolved at random, and
// "evil" edits in merges; keys are planted at random, in commits and in
// resolutions.
type historyGen struct {
	t        *testing.T
	g        *gittest.Repo
	rng      *rand.Rand
	planted  map[string]string // key line -> commit that adds it
	pending  []string          // keys written but not yet committed
	branches []string
	keys     uint64
	unique   int
}

var (
	genPaths = []string{"a.txt", "b.txt", "dir/c.txt", "dir/d.txt", "dir/sub/e.txt", "f.txt"}
	genWords = []string{"alpha", "beta", "gamma", "{", "}", "return x", "", "x = 1", "y = 2", "alpha"}
)

func (h *historyGen) run(steps int) {
	h.write("a.txt", h.lines(4))
	h.write("dir/c.txt", h.lines(3))
	h.commit("root")
	h.branches = []string{"main"}
	for range steps {
		switch r := h.rng.IntN(10); {
		case r < 2 && len(h.branches) < 4:
			name := fmt.Sprint("b", len(h.branches))
			h.g.Git("checkout", "-q", "-b", name, h.branches[h.rng.IntN(len(h.branches))])
			h.branches = append(h.branches, name)
		case r < 5:
			h.checkout(h.branches[h.rng.IntN(len(h.branches))])
			h.merge(h.branches[h.rng.IntN(len(h.branches))])
		default:
			h.checkout(h.branches[h.rng.IntN(len(h.branches))])
			for range 1 + h.rng.IntN(3) {
				h.change()
			}
			h.commit("change")
		}
	}
}

func (h *historyGen) checkout(b string) { h.g.Git("checkout", "-q", b) }

// line returns a random line: a word that repeats (so that git's diff and
// keyguard's line sets have duplicates and moves to disagree on), a line
// of its own, or a key.
func (h *historyGen) line() string {
	switch r := h.rng.IntN(8); {
	case r == 0:
		return h.key()
	case r < 4:
		h.unique++
		return fmt.Sprint("line ", h.unique)
	}
	return genWords[h.rng.IntN(len(genWords))]
}

// key returns a new key line, planted once committed.
func (h *historyGen) key() string {
	h.keys++
	k := fakekey.ExpandSeed(`TOKEN = "ghp_{{b62crc 30}}"`, h.rng.Uint64()^h.keys)
	h.pending = append(h.pending, k)
	return k
}

func (h *historyGen) lines(n int) []string {
	var out []string
	for range n {
		out = append(out, h.line())
	}
	return out
}

func (h *historyGen) path(p string) string { return filepath.Join(h.g.Dir, filepath.FromSlash(p)) }

func (h *historyGen) read(p string) ([]string, bool) {
	b, err := os.ReadFile(h.path(p))
	if err != nil {
		return nil, false
	}
	s := strings.TrimSuffix(string(b), "\n")
	if s == "" {
		return nil, true
	}
	return strings.Split(s, "\n"), true
}

// write writes lines, now and then without the final newline.
func (h *historyGen) write(p string, lines []string) {
	text := strings.Join(lines, "\n")
	if len(lines) > 0 && h.rng.IntN(6) > 0 {
		text += "\n"
	}
	h.g.Write(p, text)
}

func (h *historyGen) existing() []string {
	var out []string
	for _, p := range genPaths {
		if _, ok := h.read(p); ok {
			out = append(out, p)
		}
	}
	return out
}

// change makes one random change to the work tree.
func (h *historyGen) change() {
	files := h.existing()
	p := genPaths[h.rng.IntN(len(genPaths))]
	if len(files) > 0 && h.rng.IntN(4) > 0 {
		p = files[h.rng.IntN(len(files))]
	}
	lines, ok := h.read(p)
	if !ok {
		h.write(p, h.lines(1+h.rng.IntN(5)))
		return
	}
	switch h.rng.IntN(7) {
	case 0: // delete the file
		if len(files) > 1 {
			h.g.Git("rm", "-q", "-f", "--ignore-unmatch", "--", p)
			_ = os.Remove(h.path(p))
			return
		}
	case 1: // rename it, perhaps with an edit
		dst := genPaths[h.rng.IntN(len(genPaths))]
		if _, taken := h.read(dst); !taken {
			if err := os.MkdirAll(filepath.Dir(h.path(dst)), 0o755); err != nil {
				h.t.Fatal(err)
			}
			// A file written since the last commit is not tracked yet, and
			// git mv refuses it; the commit's git add -A records either.
			if err := os.Rename(h.path(p), h.path(dst)); err != nil {
				h.t.Fatal(err)
			}
			if h.rng.IntN(2) == 0 {
				lines = slices.Insert(lines, h.rng.IntN(len(lines)+1), h.line())
				h.write(dst, lines)
			}
			return
		}
	case 2: // move a block
		if len(lines) > 2 {
			i := h.rng.IntN(len(lines) - 1)
			j := i + 1 + h.rng.IntN(min(3, len(lines)-i-1))
			block := slices.Clone(lines[i:j])
			lines = slices.Delete(lines, i, j)
			lines = slices.Insert(lines, h.rng.IntN(len(lines)+1), block...)
			h.write(p, lines)
			return
		}
	case 3: // delete lines
		if len(lines) > 1 {
			i := h.rng.IntN(len(lines))
			lines = slices.Delete(lines, i, min(len(lines), i+1+h.rng.IntN(2)))
			h.write(p, lines)
			return
		}
	case 4: // replace a line
		if len(lines) > 0 {
			lines[h.rng.IntN(len(lines))] = h.line()
			h.write(p, lines)
			return
		}
	}
	lines = slices.Insert(lines, h.rng.IntN(len(lines)+1), h.lines(1+h.rng.IntN(3))...)
	h.write(p, lines)
}

// commit commits everything; the keys written since the last commit are
// this commit's.
func (h *historyGen) commit(msg string) {
	h.g.Git("add", "-A")
	if strings.TrimSpace(h.g.Git("status", "--porcelain")) == "" {
		h.pending = nil
		return
	}
	h.g.Git("commit", "-q", "--no-verify", "-m", msg)
	h.bind()
}

// bind gives the keys written since the last commit to HEAD, when HEAD
// still holds them (a resolution may drop a line).
func (h *historyGen) bind() {
	head := strings.TrimSpace(h.g.Git("rev-parse", "HEAD"))
	cmd := exec.Command("git", "grep", "-h", "-F", "ghp_", head, "--")
	cmd.Dir, cmd.Env = h.g.Dir, h.g.Env
	tree, _ := cmd.Output() // exit 1: no key in the tree
	for _, k := range h.pending {
		if bytes.Contains(tree, []byte(k)) {
			h.planted[k] = head
		}
	}
	h.pending = nil
}

// merge merges branch into the current one, resolving conflicts at random
// and now and then adding an edit of its own.
func (h *historyGen) merge(branch string) {
	out, err := h.g.Try("merge", "-q", "--no-ff", "--no-commit", branch)
	if err != nil && !strings.Contains(out, "CONFLICT") {
		h.t.Fatalf("git merge %s: %v\n%s", branch, err, out)
	}
	check := exec.Command("git", "rev-parse", "-q", "--verify", "MERGE_HEAD")
	check.Dir, check.Env = h.g.Dir, h.g.Env
	if check.Run() != nil {
		return // already up to date
	}
	unmerged := strings.Split(strings.TrimRight(h.g.Git("diff", "--name-only", "-z", "--diff-filter=U"), "\x00"), "\x00")
	for _, p := range unmerged {
		if p == "" {
			continue
		}
		if lines, ok := h.read(p); ok && h.rng.IntN(5) > 0 {
			h.write(p, h.resolve(lines))
			h.g.Git("add", "--", p)
		} else {
			h.g.Git("rm", "-q", "--cached", "--ignore-unmatch", "--", p)
			_ = os.Remove(h.path(p))
		}
	}
	if h.rng.IntN(4) == 0 { // an evil edit
		h.change()
	}
	h.g.Git("add", "-A")
	h.g.Git("commit", "-q", "--no-verify", "--no-edit")
	h.bind()
}

// resolve takes a side of each conflict, or both, or neither, and may type
// a new line in.
func (h *historyGen) resolve(lines []string) []string {
	var out []string
	side := 0 // 0 outside a conflict, 1 ours, 2 theirs
	choice := 0
	for _, l := range lines {
		switch {
		case strings.HasPrefix(l, "<<<<<<< "):
			side, choice = 1, h.rng.IntN(4)
			continue
		case l == "=======" && side == 1:
			side = 2
			continue
		case strings.HasPrefix(l, ">>>>>>> ") && side == 2:
			side = 0
			switch h.rng.IntN(4) {
			case 0:
				out = append(out, h.key())
			case 1:
				out = append(out, h.line())
			}
			continue
		}
		if side == 0 || choice == 3 || side == choice {
			out = append(out, l)
		}
	}
	return out
}

package workload

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path"
	"path/filepath"
	"sort"
	"strings"
	"time"
)

// genVersion changes whenever generation changes, so that a kept work
// directory never mixes repositories from two generators.
const genVersion = 2

// Kinds of workload.
const (
	Typical  = "typical"  // a few thousand committed files, 3 files staged
	Huge     = "huge"     // a new repository with a large tree staged
	History  = "history"  // thousands of commits
	Coverage = "coverage" // many files, one staged, untracked and ignored files around
	Encoded  = "encoded"  // a new repository of notebooks, base64 YAML and lockfiles staged
)

// Params describes a workload; equal Params generate identical repositories.
type Params struct {
	Kind    string
	Seed    uint64
	Files   int // files in the tree (huge: derived from SizeMB when 0)
	SizeMB  int // huge: total size of the staged tree, MiB
	Commits int // history: commits after the initial one
	PatchMB int // history: approximate size of `git log -p -U0`, MiB
}

// Meta records what was generated, written next to the repository.
type Meta struct {
	Params     Params
	Version    int
	Files      int   // files in the tree (tracked or staged)
	Bytes      int64 // their total size
	Commits    int
	PatchBytes int64 // history: bytes of `git log -p -U0`
	Keys       int   // fake keys planted
	Staged     int   // files staged for the benchmarked commit
	Ignored    int   // ignored files in the working tree
	Untracked  int   // untracked, not ignored files
	Seconds    float64
}

// Name is the directory name of the workload under the work directory.
func (p Params) Name() string {
	switch p.Kind {
	case Huge:
		if p.Files != 0 {
			return fmt.Sprintf("huge-%dmib-%df-s%d-g%d", p.SizeMB, p.Files, p.Seed, genVersion)
		}
		return fmt.Sprintf("huge-%dmib-s%d-g%d", p.SizeMB, p.Seed, genVersion)
	case Encoded:
		return fmt.Sprintf("encoded-%dmib-s%d-g%d", p.SizeMB, p.Seed, genVersion)
	case History:
		return fmt.Sprintf("history-%dc-%dmib-%df-s%d-g%d", p.Commits, p.PatchMB, p.Files, p.Seed, genVersion)
	}
	return fmt.Sprintf("%s-%df-s%d-g%d", p.Kind, p.Files, p.Seed, genVersion)
}

// Env is the environment every git command of the benchmarks runs with:
// no system or global configuration (so a user's color.diff or hooks do not
// change what is measured) and fixed identities and dates.
func Env() []string {
	const date = "2024-01-02T03:04:05Z"
	env := []string{
		"GIT_CONFIG_NOSYSTEM=1", "GIT_CONFIG_GLOBAL=" + os.DevNull, "LC_ALL=C",
		"GIT_AUTHOR_NAME=Bench Author", "GIT_AUTHOR_EMAIL=author@example.com", "GIT_AUTHOR_DATE=" + date,
		"GIT_COMMITTER_NAME=Bench Committer", "GIT_COMMITTER_EMAIL=committer@example.com", "GIT_COMMITTER_DATE=" + date,
	}
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "GIT_") && !strings.HasPrefix(kv, "LC_ALL=") {
			env = append(env, kv)
		}
	}
	return env
}

// Ensure returns the repository for p under root, generating it unless a
// complete one (its meta.json written) is already there.
func Ensure(ctx context.Context, root string, p Params, log io.Writer) (string, Meta, error) {
	dir := filepath.Join(root, p.Name())
	repo := filepath.Join(dir, "repo")
	var m Meta
	if b, err := os.ReadFile(filepath.Join(dir, "meta.json")); err == nil {
		if json.Unmarshal(b, &m) == nil && m.Params == p && m.Version == genVersion {
			fmt.Fprintf(log, "reusing %s\n", dir)
			return repo, m, nil
		}
	}
	if err := os.RemoveAll(dir); err != nil {
		return "", m, err
	}
	if err := os.MkdirAll(repo, 0o755); err != nil {
		return "", m, err
	}
	fmt.Fprintf(log, "generating %s\n", dir)
	start := time.Now()
	var err error
	switch p.Kind {
	case Typical:
		m, err = typical(ctx, repo, p)
	case Huge:
		m, err = huge(ctx, repo, p)
	case History:
		m, err = history(ctx, repo, p)
	case Coverage:
		m, err = coverage(ctx, repo, p)
	case Encoded:
		m, err = encoded(ctx, repo, p)
	default:
		err = fmt.Errorf("unknown workload kind %q", p.Kind)
	}
	if err != nil {
		return "", m, fmt.Errorf("generate %s: %w", p.Name(), err)
	}
	m.Params, m.Version, m.Seconds = p, genVersion, time.Since(start).Seconds()
	b, _ := json.MarshalIndent(m, "", "  ")
	if err := os.WriteFile(filepath.Join(dir, "meta.json"), append(b, '\n'), 0o644); err != nil {
		return "", m, err
	}
	fmt.Fprintf(log, "generated %s in %.1fs\n", dir, m.Seconds)
	return repo, m, nil
}

// git runs a git command in dir; stdin may be nil.
func git(ctx context.Context, dir string, stdin io.Reader, args ...string) error {
	cmd := exec.CommandContext(ctx, "git", args...)
	cmd.Dir, cmd.Env, cmd.Stdin = dir, Env(), stdin
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Run(); err != nil {
		return fmt.Errorf("git %s: %w: %s", args[0], err, strings.TrimSpace(stderr.String()))
	}
	return nil
}

// initRepo creates an empty repository on branch main.
func initRepo(ctx context.Context, dir string) error {
	return git(ctx, dir, nil, "init", "-q", "-b", "main")
}

// commitAll stages everything and commits it.
func commitAll(ctx context.Context, dir, msg string) error {
	if err := git(ctx, dir, nil, "add", "-A"); err != nil {
		return err
	}
	return git(ctx, dir, nil, "commit", "-q", "--no-verify", "-m", msg)
}

// stageEdits edits n files of the layout (code files, spread through it)
// in the working tree and stages them.
func stageEdits(ctx context.Context, dir string, seed uint64, files []genFile, n int) error {
	r := newRnd(seed, 1<<41)
	args := []string{"add", "--"}
	for i, k := len(files)/(2*n), 0; k < n && i < len(files); i++ {
		f := files[i]
		if f.Lang != Go && f.Lang != Python && f.Lang != JS {
			continue
		}
		p := filepath.Join(dir, filepath.FromSlash(f.Path))
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		b, _, _ = editFile(r, b, f.Lang, 600+r.IntN(1500))
		b, _, _ = editFile(r, b, f.Lang, 80)
		if err := os.WriteFile(p, b, 0o644); err != nil {
			return err
		}
		args = append(args, f.Path)
		k++
		i += len(files) / n
	}
	return git(ctx, dir, nil, args...)
}

func typical(ctx context.Context, dir string, p Params) (Meta, error) {
	files := layout(p.Seed, p.Files, 6000)
	m := Meta{Files: p.Files, Commits: 1, Staged: 3}
	var err error
	if m.Bytes, err = writeTree(dir, p.Seed, files, 0); err != nil {
		return m, err
	}
	if m.Ignored, m.Untracked, err = writeExtras(dir, p.Seed, 400, 5); err != nil {
		return m, err
	}
	if err := initRepo(ctx, dir); err != nil {
		return m, err
	}
	if err := commitAll(ctx, dir, "initial import"); err != nil {
		return m, err
	}
	return m, stageEdits(ctx, dir, p.Seed, files, m.Staged)
}

func coverage(ctx context.Context, dir string, p Params) (Meta, error) {
	files := layout(p.Seed, p.Files, 1000)
	m := Meta{Files: p.Files, Commits: 1, Staged: 1}
	var err error
	if m.Bytes, err = writeTree(dir, p.Seed, files, 0); err != nil {
		return m, err
	}
	if m.Ignored, m.Untracked, err = writeExtras(dir, p.Seed, p.Files/10, 20); err != nil {
		return m, err
	}
	if err := initRepo(ctx, dir); err != nil {
		return m, err
	}
	if err := commitAll(ctx, dir, "initial import"); err != nil {
		return m, err
	}
	return m, stageEdits(ctx, dir, p.Seed, files, m.Staged)
}

// HugeFiles is the file count of a huge tree of sizeMB MiB: the default
// 400 MiB holds 39,000 files, and smaller trees keep the same shape.
func HugeFiles(sizeMB int) int { return max(50, sizeMB*39000/400) }

func huge(ctx context.Context, dir string, p Params) (Meta, error) {
	n := p.Files
	if n == 0 {
		n = HugeFiles(p.SizeMB)
	}
	files := layout(p.Seed, n, int(int64(p.SizeMB)<<20/int64(n)))
	m := Meta{Files: n, Keys: 5, Staged: n}
	var err error
	if m.Bytes, err = writeTree(dir, p.Seed, files, m.Keys); err != nil {
		return m, err
	}
	if m.Ignored, m.Untracked, err = writeExtras(dir, p.Seed, 100, 0); err != nil {
		return m, err
	}
	if err := initRepo(ctx, dir); err != nil {
		return m, err
	}
	return m, git(ctx, dir, nil, "add", "-A")
}

// history streams a linear history into git fast-import: an initial tree,
// then p.Commits commits that edit, add and delete files until the patches
// add up to about p.PatchMB, with a fake key planted every few hundred
// commits. Dates advance an hour a commit from a fixed start.
func history(ctx context.Context, dir string, p Params) (Meta, error) {
	m := Meta{Files: p.Files, Commits: p.Commits + 1}
	if err := initRepo(ctx, dir); err != nil {
		return m, err
	}
	files := layout(p.Seed, p.Files, 4000)
	content := make([][]byte, len(files))
	var initial int64
	for i, f := range files {
		content[i] = f.content(p.Seed, i)
		initial += int64(len(content[i]))
	}
	m.Bytes = initial
	// Edits are budgeted in bytes added plus removed; headers and hunk
	// lines make git log -p -U0 about a fifth larger than that.
	perCommit := max(2000, (int64(p.PatchMB)<<20-initial)*5/6/int64(max(1, p.Commits)))
	keyEvery := max(1, p.Commits/10)

	pr, pw := io.Pipe()
	done := make(chan error, 1)
	go func() { done <- git(ctx, dir, pr, "fast-import", "--quiet", "--force") }()
	w := bufio.NewWriterSize(pw, 1<<20)
	authors := []string{"Ada Lovelace <ada@example.com>", "Alan Turing <alan@example.com>",
		"Grace Hopper <grace@example.com>", "Edsger Dijkstra <edsger@example.com>", "Barbara Liskov <barbara@example.com>"}
	const start = 1577836800 // 2020-01-01T00:00:00Z
	writeCommit := func(n int, msg string, r rnd, changed map[int]bool, deleted []string) {
		who := authors[r.IntN(len(authors))]
		fmt.Fprintf(w, "commit refs/heads/main\nmark :%d\nauthor %s %d +0000\ncommitter %s %d +0000\ndata %d\n%s\n",
			n+1, who, start+n*3600, who, start+n*3600+60, len(msg), msg)
		if n > 0 {
			fmt.Fprintf(w, "from :%d\n", n)
		}
		for _, d := range deleted {
			fmt.Fprintf(w, "D %s\n", d)
		}
		for _, i := range sortedKeys(changed) {
			if content[i] != nil {
				fmt.Fprintf(w, "M 100644 inline %s\ndata %d\n", files[i].Path, len(content[i]))
				w.Write(content[i])
				w.WriteString("\n")
			}
		}
	}
	all := map[int]bool{}
	for i := range files {
		all[i] = true
	}
	writeCommit(0, "initial import", newRnd(p.Seed, 1<<42), all, nil)

	live := len(files)
	for c := 1; c <= p.Commits; c++ {
		r := newRnd(p.Seed, 1<<43+uint64(c))
		budget := int64(float64(perCommit) * (0.3 + 1.4*r.Float64()))
		changed := map[int]bool{}
		var deleted []string
		for spent := int64(0); spent < budget; {
			switch k := r.IntN(200); {
			case k < 4: // a new file
				f := genFile{Path: fmt.Sprintf("%s/%s%d", path.Dir(files[r.IntN(len(files))].Path), r.snake(), c), Lang: Go, Pkg: r.word(), Size: 500 + r.IntN(6000)}
				f.Lang = files[r.IntN(len(files))].Lang
				if f.Lang == MinJS || f.Lang == Lock {
					f.Lang = JS
				}
				f.Path += exts[f.Lang]
				files = append(files, f)
				content = append(content, f.content(p.Seed, len(files)+1<<30))
				changed[len(files)-1] = true
				spent += int64(len(content[len(content)-1]))
				live++
			case k < 5 && live > p.Files/2: // a deleted file
				i := r.IntN(len(files))
				if content[i] == nil || changed[i] {
					continue
				}
				spent += int64(len(content[i]))
				deleted = append(deleted, files[i].Path)
				content[i] = nil
				live--
			default: // an edit
				i := r.IntN(len(files))
				if content[i] == nil {
					continue
				}
				var add, del int
				content[i], add, del = editFile(r, content[i], files[i].Lang, 200+r.IntN(3000))
				changed[i] = true
				spent += int64(add + del)
			}
		}
		if c%keyEvery == keyEvery/2 {
			for _, i := range sortedKeys(changed) {
				if _, ok := keyLines[files[i].Lang]; ok && content[i] != nil {
					content[i] = plantKey(content[i], files[i].Lang, p.Seed+uint64(c))
					m.Keys++
					break
				}
			}
		}
		msg := fmt.Sprintf("%s: %s %s", r.word(), r.pick("fix", "add", "update", "refactor", "remove", "speed up"), r.phrase(3))
		writeCommit(c, msg, r, changed, deleted)
	}
	werr := w.Flush()
	pw.CloseWithError(werr)
	if err := <-done; err != nil {
		return m, err
	}
	if werr != nil {
		return m, werr
	}
	m.Files = live
	if err := git(ctx, dir, nil, "reset", "-q", "--hard", "main"); err != nil {
		return m, err
	}
	// The size of the floor's output, the work every history scan does.
	cmd := exec.CommandContext(ctx, "git", "log", "-p", "-U0")
	cmd.Dir, cmd.Env = dir, Env()
	out, err := cmd.StdoutPipe()
	if err != nil {
		return m, err
	}
	if err := cmd.Start(); err != nil {
		return m, err
	}
	m.PatchBytes, err = io.Copy(io.Discard, out)
	return m, errors.Join(err, cmd.Wait())
}

// sortedKeys returns a set's members in order, for deterministic choices.
func sortedKeys(set map[int]bool) []int {
	keys := make([]int, 0, len(set))
	for k := range set {
		keys = append(keys, k)
	}
	sort.Ints(keys)
	return keys
}

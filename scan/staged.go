package scan

import (
	"bytes"
	"context"
	"errors"
	"runtime"
	"sync"
	"sync/atomic"

	"github.com/keyguard/keyguard/git"
	"github.com/keyguard/keyguard/reader"
	"github.com/keyguard/keyguard/report"
)

// StagedResult is what a scan of the staged changes found and covered.
type StagedResult struct {
	Findings []report.Finding // keys in added lines, allowed ones removed
	Changes  []*git.Change    // every staged file that adds or changes content
	Lines    int              // added lines scanned
	Bytes    int64            // bytes of added lines scanned
	Binary   int              // binary files skipped
	AsText   int              // files git calls binary that are text after all, scanned (not in Binary)
	// FromWorkTree counts the new files read from the work tree, where
	// they are the staged content, rather than from git's patch (see
	// planDirect); they are in Changes too.
	FromWorkTree int
}

// Staged scans the added lines of what the next commit would contain (the
// index against HEAD), on every core while git streams the diff. It is the
// content half of the pre-commit check, and `keyguard scan --staged`.
//
// A file git calls binary is skipped and counted, unless its staged content
// is text after all (UTF-16 with a byte order mark, decoded; or text that
// git called binary for its old version or a .gitattributes setting): then
// its lines that the old content does not hold are scanned. A notebook is
// read as cells, and only the lines of its cells and outputs that the
// version it replaces does not hold are scanned; one that is not valid
// JSON is scanned as text. A commit that adds enough new files has them
// read from the work tree where the copy there is the staged content (see
// planDirect), and git diffs the rest. While git runs a large diff,
// GOMAXPROCS is one lower (see leaveCPU).
func Staged(ctx context.Context, p *Policy, repo *git.Repo) (StagedResult, error) {
	return StagedNotify(ctx, p, repo, nil)
}

// leaveCPU lowers GOMAXPROCS by one, when there is more than one CPU, and
// returns the function that sets it back. The scan of staged changes can
// only go as fast as git writes the diff, in one process; on two CPUs,
// keyguard's second scanner slowed git more than it helped: alternating
// runs on two CPUs, a 41 MiB commit 0.82 -> 0.75 s, 10 MiB 0.25 -> 0.23 s
// (docs/performance.md). The staged scan starts one scanner fewer and
// lowers GOMAXPROCS only once leaveCPUAfter bytes of added lines have come:
// a change of GOMAXPROCS stops the world and flushes a processor's caches
// (1-2 ms of CPU here), which a small commit does not win back.
func leaveCPU() (restore func()) {
	return setProcs(runtime.GOMAXPROCS(0) - 1)
}

// leaveCPUAfter is how many bytes of added lines a staged scan reads
// before it lowers GOMAXPROCS (see leaveCPU). Alternating runs on two
// CPUs, against GOMAXPROCS lowered from the start: a typical commit (3
// files, 172 lines) 1.5-1.7 ms faster (60 and 80 rounds); 7 MiB of
// modified lines in 450 files 4 ms slower of 250 (30 rounds; lowered
// after 1 MiB instead: 5.6 ms). The common commit has the thinner margin.
const leaveCPUAfter = 64 << 10

// setProcs sets GOMAXPROCS to n (at least 1) and returns the function that
// sets it back.
func setProcs(n int) (restore func()) {
	was := runtime.GOMAXPROCS(max(1, n))
	return func() { runtime.GOMAXPROCS(was) }
}

// StagedNotify is Staged that calls midScan (when not nil) once, when the
// first part of the diff has been handed to the scanners and more may
// follow: fault tests kill the hook at that moment.
func StagedNotify(ctx context.Context, p *Policy, repo *git.Repo, midScan func()) (StagedResult, error) {
	return staged(ctx, p, repo, midScan, true)
}

// staged is StagedNotify; direct says whether new files may be read from
// the work tree (see planDirect) rather than from git's patch.
func staged(ctx context.Context, p *Policy, repo *git.Repo, midScan func(), direct bool) (StagedResult, error) {
	var res StagedResult
	restore, lowered := func() {}, false // see leaveCPU
	defer func() { restore() }()
	pool := newPool(p, runtime.GOMAXPROCS(0)-1)
	open := false // the last fragment ended inside a line (see lines)
	var binary, notebooks []*git.Change
	// Notebooks are read as cells (see notebookJobs). A new notebook's
	// added lines are its whole text: they gather here until the diff has
	// given them all. Any other notebook is read whole through git cat-file
	// while git goes on with the diff, and the diff's copy of its lines is
	// skipped.
	held := map[*git.Change][]git.Fragment{}
	toRead := make(chan *git.Change, 64)
	var readMu sync.Mutex
	read := map[*git.Change]bool{} // notebooks read whole
	submit := func(jobs []Job) {
		for _, j := range jobs {
			pool.Submit(j)
		}
	}
	// New notebooks are read as cells as soon as the diff has given all
	// their lines, while it goes on with the next files.
	type gathered struct {
		c     *git.Change
		frags []git.Fragment
	}
	fromDiff := make(chan gathered, 16)
	diffCellsDone := make(chan struct{})
	go func() {
		defer close(diffCellsDone)
		for g := range fromDiff {
			if jobs, ok := newNotebookJobs(pool, g.c.Path, g.frags); ok {
				submit(jobs)
				continue
			}
			// Not a notebook after all: its lines as the diff gave them.
			for _, f := range g.frags {
				pool.Submit(fragmentJob(f))
			}
		}
	}()
	var gathering *git.Change // the new notebook whose lines the diff is giving
	handOver := func() {
		if gathering != nil {
			fromDiff <- gathered{gathering, held[gathering]}
			held[gathering] = nil // the key stays: it marks the notebook new
			gathering = nil
		}
	}
	cellsRead := make(chan error, 1)
	go func() {
		cellsRead <- repo.WholeTextStream(ctx, toRead, func(c *git.Change, text, old []byte) error {
			readMu.Lock()
			read[c] = true
			readMu.Unlock()
			if jobs, ok := notebookJobs(c.Path, text, old, nil); ok {
				submit(jobs)
				return nil
			}
			// Not a notebook after all: its lines that old lacks, as text.
			var jobs []Job
			newLines(text, old, func(start int, run []byte) {
				jobs = append(jobs, Job{Path: c.Path, StartLine: start, Text: run}) // newLines gives each run in its own memory
			})
			submit(jobs)
			return nil
		})
	}()
	var (
		plan         []directFile
		rest         []*git.Change
		fromWorkTree = map[string]bool{} // paths of new files read from the work tree
	)
	h := git.DiffHandler{
		Raw: func(changes []*git.Change) error {
			if direct {
				if plan, rest = planDirect(repo, changes); plan != nil {
					return errDirect
				}
			}
			return nil
		},
		Change: func(c *git.Change) error {
			if fromWorkTree[c.Path] {
				return nil // a second diff's literal path is also a directory prefix
			}
			handOver()
			res.Changes = append(res.Changes, c)
			switch {
			case c.Binary:
				res.Binary++
				binary = append(binary, c)
			case reader.IsNotebook(c.Path):
				notebooks = append(notebooks, c)
				if c.Status == 'A' {
					held[c] = nil
					gathering = c
				} else {
					toRead <- c
				}
			}
			return nil
		},
		Lines: func(c *git.Change) bool {
			_, isNew := held[c]
			return !fromWorkTree[c.Path] && (!reader.IsNotebook(c.Path) || isNew)
		},
		Fragment: func(f git.Fragment) error {
			if _, ok := held[f.Change]; ok {
				held[f.Change] = append(held[f.Change], f)
				return nil
			}
			res.count(f, &open)
			if !lowered && res.Bytes >= leaveCPUAfter {
				restore, lowered = leaveCPU(), true
			}
			pool.Submit(fragmentJob(f))
			if midScan != nil {
				midScan()
				midScan = nil
			}
			return nil
		},
		Buffer:  pool.Buffer,
		Release: pool.Recycle,
	}
	err := repo.StagedDiff(ctx, h)
	if errors.Is(err, errDirect) {
		// git has stopped after listing the changes: both CPUs are the
		// hook's while it reads the new files.
		restore()
		restore, lowered = func() {}, true
		pool.grow(runtime.GOMAXPROCS(0) - pool.workers)
		for _, f := range plan {
			fromWorkTree[f.c.Path] = true
		}
		failed := readDirect(repo, pool, plan, &res, &midScan)
		for _, c := range failed {
			fromWorkTree[c.Path] = false
		}
		err = nil
		h.Raw = nil
		// The other changes, and those whose copy was not the staged
		// content: at most directMaxRest at a time on git's command line.
		for rest = append(rest, failed...); len(rest) > 0 && err == nil; {
			n := min(len(rest), directMaxRest)
			err = repo.StagedDiffOf(ctx, restPaths(rest[:n]), h)
			handOver()
			rest = rest[n:]
		}
	}
	if open {
		res.Lines++
	}
	handOver()
	close(fromDiff)
	close(toRead)
	if err == nil {
		err = repo.ChangedText(ctx, binary, func(c *git.Change, text, old []byte) error {
			res.Binary--
			res.AsText++
			lines, n := newLines(text, old, func(start int, run []byte) {
				pool.Submit(Job{Path: c.Path, StartLine: start, Text: run})
			})
			res.Lines += lines
			res.Bytes += n
			return nil
		})
	}
	if cerr := <-cellsRead; err == nil {
		err = cerr
	}
	<-diffCellsDone
	if err == nil {
		// A notebook git diffed as text but cat-file could not read as text
		// (a NUL byte, its diff forced by .gitattributes): its diff lines.
		var unread []*git.Change
		for _, c := range notebooks {
			if _, isNew := held[c]; !isNew && !read[c] && !c.Symlink() && !c.Submodule() {
				unread = append(unread, c)
			}
		}
		if len(unread) > 0 {
			err = stagedLinesOf(ctx, repo, unread, pool)
		}
	}
	// A notebook's lines are counted as git's diff gives them, whichever
	// way it was read.
	for _, c := range notebooks {
		res.Lines += c.AddedLines
		res.Bytes += c.AddedBytes
	}
	res.Findings = pool.Wait()
	return res, err
}

// count adds a fragment's lines and bytes to res; open says whether the
// last fragment counted ended inside a line, whose end is not counted twice.
func (res *StagedResult) count(f git.Fragment, open *bool) {
	text := f.Added()[f.Overlap:]
	if *open && f.StartColumn <= 1 {
		res.Lines++ // that line ended without a newline
	}
	res.Lines += bytes.Count(text, []byte{'\n'})
	*open = len(text) > 0 && text[len(text)-1] != '\n'
	res.Bytes += int64(len(text))
}

// newNotebookJobs reads a new notebook, gathered from the fragments of the
// diff, into jobs (see notebookJobs) whose text goes back to pool once all
// of them are scanned; fragments joined into a copy go back at once. ok is
// false when it is not a notebook: the fragments are the caller's still.
func newNotebookJobs(pool *Pool, path string, frags []git.Fragment) (jobs []Job, ok bool) {
	text, joined := fragmentsText(frags, pool.Buffer)
	jobs, ok = notebookJobs(path, text, nil, nil)
	if !ok {
		if joined {
			pool.Recycle(text)
		}
		return nil, false
	}
	if joined {
		for _, f := range frags {
			pool.Recycle(f.Text)
		}
	}
	return releasing(jobs, func() { pool.Recycle(text) }), true
}

// releasing sets jobs to call release once all of them are scanned (at
// once when there are none).
func releasing(jobs []Job, release func()) []Job {
	if len(jobs) == 0 {
		release()
		return jobs
	}
	var left atomic.Int32
	left.Store(int32(len(jobs)))
	done := func() {
		if left.Add(-1) == 0 {
			release()
		}
	}
	for i := range jobs {
		jobs[i].Done = done
	}
	return jobs
}

// fragmentJob is the job that scans a fragment of the diff.
func fragmentJob(f git.Fragment) Job {
	return Job{Path: f.Change.Path, StartLine: f.StartLine, Text: f.Text,
		StartColumn: f.StartColumn, Overlap: f.Overlap, Lead: f.Lead, Trail: f.Trail}
}

// fragmentsText joins a new file's fragments into its text: the one
// fragment's own text when there is one (joined is false then), else a
// copy into memory from buffer (see Pool.Buffer).
func fragmentsText(frags []git.Fragment, buffer func(n int) []byte) (text []byte, joined bool) {
	if len(frags) == 1 && frags[0].Overlap == 0 {
		return frags[0].Text, false
	}
	n := 0
	for _, f := range frags {
		n += len(f.Text) - f.Overlap
	}
	text = buffer(n)
	for _, f := range frags {
		text = append(text, f.Text[f.Overlap:]...)
	}
	return text, true
}

// stagedLinesOf scans the staged added lines of the given changes alone,
// from a second diff restricted to their paths. They are counted already.
func stagedLinesOf(ctx context.Context, repo *git.Repo, changes []*git.Change, pool *Pool) error {
	want := make(map[string]bool, len(changes))
	paths := make([]string, len(changes))
	for i, c := range changes {
		want[c.Path] = true
		paths[i] = c.Path
	}
	return repo.StagedDiffOf(ctx, paths, git.DiffHandler{
		Fragment: func(f git.Fragment) error {
			if !want[f.Change.Path] {
				return nil
			}
			pool.Submit(fragmentJob(f))
			return nil
		},
	})
}

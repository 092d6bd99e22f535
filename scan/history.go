package scan

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"runtime"
	"slices"
	"sync"
	"sync/atomic"

	"github.com/keyguard/keyguard/git"
	"github.com/keyguard/keyguard/reader"
	"github.com/keyguard/keyguard/report"
)

// HistoryOptions configures History.
type HistoryOptions struct {
	Policy *Policy
	Repo   *git.Repo
	Revs   []string // revisions and ranges for git log; none means every ref
	// Progress, when set, is called as commits are read (from any goroutine).
	Progress func(done, total int)
}

// historyWindow is how many commits a history scan lists the changes of
// at a time. The list of a window's changes is most of a history scan's
// memory: with 20,000 commits keyguard's own peak was 190 MiB on
// trufflehog (18,348 commits) and 173 MiB on hugo (27,789); with 5,000 it
// is 130 and 99 MiB, for 7% more CPU (a file's first version in a window
// is read again).
const historyWindow = 5000

// HistoryResult is what a history scan found and covered.
type HistoryResult struct {
	Findings []report.Finding
	Commits  int   // commits in the range, merges included
	Bytes    int64 // bytes of added lines scanned
	Fetched  int   // objects a partial clone lacked, fetched from its promisor remote
	// Shallow lists the scanned commits where a shallow clone's history is
	// cut: their whole content counts as added by them, and nothing older
	// was scanned.
	Shallow []string
}

// History scans the lines every commit added, without asking git for a
// single diff (the cost of a `git log -p`): one `git diff-tree --raw` per
// core lists what the commits changed; the changes are grouped by file, so
// that each one replaces the version the one before created; each core's
// `git cat-file` inflates every version once (git.ChangeTexts); the added
// lines are found here, by comparing each version with the one before
// (newLines), and scanned on every core as they come. A merge commit's
// own lines, what its result adds beyond what its parents brought, come
// from git's recreated merge (mergeChanges).
func History(ctx context.Context, o HistoryOptions) (HistoryResult, error) {
	pool := NewPool(o.Policy)
	res, err := addedLines(ctx, o, pool, pool.Submit)
	res.Findings = pool.Wait()
	if err != nil {
		return res, err
	}
	if o.Progress != nil {
		o.Progress(res.Commits, res.Commits)
	}
	return res, nil
}

// addedLines hands submit, from several goroutines, the lines each commit
// in the range added (History's work short of scanning them), in jobs
// whose text may be memory that bufs, when set, supplied. It returns how
// many commits and bytes that was.
func addedLines(ctx context.Context, o HistoryOptions, bufs *Pool, submit func(Job)) (HistoryResult, error) {
	var res HistoryResult
	commits, err := o.Repo.Commits(ctx, o.Revs)
	if err != nil {
		return res, err
	}
	res.Commits = len(commits)
	if res.Fetched, err = prefetch(ctx, o.Repo, o.Revs); err != nil {
		return res, err
	}
	cut, err := o.Repo.Shallow()
	if err != nil {
		return res, err
	}
	info := make(map[string]*report.Commit, len(commits))
	age := make(map[string]int, len(commits)) // higher is older
	var plain []string
	var merges []git.CommitInfo
	inRange := make(map[string]bool, len(commits))
	for _, c := range commits {
		inRange[c.Hash] = true
	}
	for _, id := range cut {
		if inRange[id] {
			res.Shallow = append(res.Shallow, id)
		}
	}
	for i, c := range commits {
		info[c.Hash] = &report.Commit{Hash: c.Hash, Author: c.Author, Email: c.Email, Date: c.Date}
		age[c.Hash] = i
		if c.Merge {
			merges = append(merges, c)
		} else {
			plain = append(plain, c.Hash)
		}
	}
	procs := runtime.GOMAXPROCS(0)

	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	var bytes atomic.Int64
	var errMu sync.Mutex
	var firstErr error
	fail := func(err error) {
		errMu.Lock()
		if firstErr == nil {
			firstErr = err
		}
		errMu.Unlock()
		cancel()
	}

	// A merge's own changes (conflict resolutions, "evil merges") come from
	// git log --remerge-diff. Remerging is git's costliest work in a
	// history with thousands of merges (on hugo, 58% of what a whole
	// git log -p costs), so the merges are split into runs of consecutive
	// merges, one git process per core, each with its own memory.
	var wg sync.WaitGroup
	for _, run := range mergeRuns(merges, procs) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if err := mergeChanges(ctx, o.Repo, run, info, &bytes, submit); err != nil {
				fail(err)
			}
		}()
	}

	// The commits go in windows, so that the list of their changes stays
	// small whatever the length of the history.
	for first := 0; first < len(plain) && ctx.Err() == nil; first += historyWindow {
		window := plain[first:min(first+historyWindow, len(plain))]
		files, total, err := changesByFile(ctx, o.Repo, window, procs, age)
		if err != nil {
			fail(err)
			break
		}
		var handled atomic.Int64
		err = readVersions(ctx, o.Repo, files, procs, git.TextHandler{
			Text: func(c git.CommitChange, text, old []byte) error {
				if reader.IsNotebook(c.Path) {
					if old == nil {
						old = []byte{}
					}
					// text is only valid during the call; the jobs outlive it.
					if jobs, ok := notebookJobs(c.Path, slices.Clone(text), old, info[c.Commit]); ok {
						_, n := jobLines(jobs)
						for _, j := range jobs {
							submit(j)
						}
						bytes.Add(n)
						return nil
					}
				}
				_, n := newLines(text, old, func(start int, run []byte) {
					submit(Job{Path: c.Path, StartLine: start, Text: run, Commit: info[c.Commit]})
				})
				bytes.Add(n)
				if o.Progress != nil {
					o.Progress(first+int(handled.Add(1))*len(window)/max(total, 1), len(commits))
				}
				return nil
			},
			// A file too large to hold: its added lines from git's own diff.
			Large: func(c git.CommitChange) git.DiffHandler {
				commit := info[c.Commit]
				h := git.DiffHandler{
					Fragment: func(f git.Fragment) error {
						bytes.Add(int64(len(f.Text) - f.Overlap))
						j := fragmentJob(f)
						j.Commit = commit
						submit(j)
						return nil
					},
				}
				if bufs != nil {
					h.Buffer, h.Release = bufs.Buffer, bufs.Recycle
				}
				return h
			},
		})
		if err != nil {
			fail(err)
		}
	}
	wg.Wait()
	res.Bytes = bytes.Load()
	return res, firstErr
}

// prefetch fetches, in one git fetch, every object of the scanned history
// that a partial clone lacks: left to itself, git would fetch each blob as
// it is read, one process and one connection each (a 1,100-commit history:
// 9.5 minutes against 1.6 seconds). It returns how many it fetched. When the
// promisor remote cannot send them, the error names a commit and path that
// need one, and what to do.
func prefetch(ctx context.Context, repo *git.Repo, revs []string) (int, error) {
	remotes, err := repo.Promisors(ctx)
	if err != nil || len(remotes) == 0 {
		return 0, err
	}
	missing, err := repo.MissingObjects(ctx, revs)
	if err != nil || len(missing) == 0 {
		return 0, err
	}
	var fetchErr error
	for _, remote := range remotes {
		if fetchErr = repo.FetchObjects(ctx, remote, missing); fetchErr == nil {
			return len(missing), nil
		}
	}
	where := ""
	if commit, path, ok, err := repo.FirstChange(ctx, revs, missing[0]); err == nil && ok {
		where = fmt.Sprintf("commit %s %s: ", commit, path)
	}
	remote := remotes[len(remotes)-1]
	return 0, fmt.Errorf("%sblob %s (and %d more) is %w, and the promisor remote %s could not send it: %v; make %s reachable (git remote set-url %s URL) and run keyguard again: it fetches what is missing",
		where, missing[0], len(missing)-1, git.ErrPartialMissing, remote, fetchErr, remote, remote)
}

// minMergeRun is the fewest merges worth a git process of their own.
const minMergeRun = 64

// mergeRuns splits merges into at most procs runs of consecutive merges
// of about equal length, none shorter than minMergeRun (one run for few).
func mergeRuns(merges []git.CommitInfo, procs int) [][]git.CommitInfo {
	if len(merges) == 0 {
		return nil
	}
	n := max(1, min(procs, len(merges)/minMergeRun))
	runs := make([][]git.CommitInfo, 0, n)
	for i := range n {
		runs = append(runs, merges[i*len(merges)/n:(i+1)*len(merges)/n])
	}
	return runs
}

// readVersions reads the versions of files with one git.ChangeTexts per
// core; each takes the next file when it is done with one, so the cores
// stay busy to the end.
func readVersions(ctx context.Context, repo *git.Repo, files [][]git.CommitChange, procs int, h git.TextHandler) error {
	var mu sync.Mutex
	next := 0 // the next file to take
	take := func() []git.CommitChange {
		mu.Lock()
		defer mu.Unlock()
		if next == len(files) {
			return nil
		}
		next++
		return files[next-1]
	}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	var first error // the first reader's failure stops the others
	var wg sync.WaitGroup
	for range min(procs, len(files)) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			var versions []git.CommitChange
			err := repo.ChangeTexts(ctx, func() (git.CommitChange, bool) {
				if len(versions) == 0 {
					if versions = take(); len(versions) == 0 {
						return git.CommitChange{}, false
					}
				}
				c := versions[0]
				versions = versions[1:]
				return c, true
			}, h)
			if err != nil {
				mu.Lock()
				if first == nil {
					first = err
				}
				mu.Unlock()
				cancel()
			}
		}()
	}
	wg.Wait()
	return first
}

// changesByFile lists what the commits changed, with one git process per
// core over consecutive commits, and groups the changes by file, each
// file's oldest first, so that a change replaces the version the one before
// it created. Files with more versions come first. It also returns how many
// changes there are.
func changesByFile(ctx context.Context, repo *git.Repo, commits []string, procs int, age map[string]int) ([][]git.CommitChange, int, error) {
	workers := max(1, min(procs, len(commits)/minRun))
	lists := make([][]git.CommitChange, workers)
	errs := make([]error, workers)
	var wg sync.WaitGroup
	for w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			share := commits[w*len(commits)/workers : (w+1)*len(commits)/workers]
			errs[w] = repo.CommitChanges(ctx, share, func(hash string, changes []*git.Change) error {
				for _, c := range changes {
					lists[w] = append(lists[w], git.CommitChange{Commit: hash, Change: c})
				}
				return nil
			})
		}()
	}
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		return nil, 0, err
	}
	index := map[string]int{}
	var files [][]git.CommitChange
	total := 0
	for _, list := range lists {
		for _, c := range list {
			i, ok := index[c.Path]
			if !ok {
				i = len(files)
				index[c.Path] = i
				files = append(files, nil)
			}
			files[i] = append(files[i], c)
			total++
		}
	}
	for _, versions := range files {
		slices.SortStableFunc(versions, func(a, b git.CommitChange) int { return cmp.Compare(age[b.Commit], age[a.Commit]) })
	}
	slices.SortStableFunc(files, func(a, b []git.CommitChange) int { return cmp.Compare(len(b), len(a)) })
	return files, total, nil
}

// minRun is the fewest commits worth a git process of their own.
const minRun = 200

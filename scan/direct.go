package scan

import (
	"bytes"
	"errors"

	"github.com/keyguard/keyguard/git"
	"github.com/keyguard/keyguard/reader"
)

// A commit that adds files is scanned faster from the work tree than from
// git's patch of it (see git.ReadStaged): once git has listed the changes,
// the hook stops it when enough of what is staged is new files whose work
// tree copy it can read, reads those itself, and has git diff only the
// other changes. The bounds below keep a small commit, and one of many
// modified files, on the one diff: a second git process costs about as
// much as git's patch of a few megabytes.
const (
	// directAlone is the size of new files from which they are read from
	// the work tree when they are all the commit holds.
	directAlone = 64 << 10
	// directMixed is that size when other changes are staged too, which
	// a second diff then reads.
	directMixed = 2 << 20
	// directMaxFile bounds a file read whole: larger ones stay in git's
	// diff, which hands them over in bounded pieces (git.Fragment).
	directMaxFile = 4 << 20
	// directMaxRest bounds the other changes a second diff is given on
	// its command line (two paths for a rename).
	directMaxRest = 256
)

// errDirect stops the staged diff after its list of changes: the new files
// are read from the work tree instead (see planDirect).
var errDirect = errors.New("reading new files from the work tree")

// directFile is a new file to read from the work tree, of size bytes there.
type directFile struct {
	c    *git.Change
	size int64
}

// planDirect decides, from the changes a staged diff lists, whether to read
// new files from the work tree: it returns them and the changes left for
// git to diff, or nil when the diff should go on as it is.
func planDirect(repo *git.Repo, changes []*git.Change) (files []directFile, rest []*git.Change) {
	var total int64
	for _, c := range changes {
		if size, err := repo.WorkTreeSize(c); err == nil && size <= directMaxFile {
			files = append(files, directFile{c, size})
			total += size
			continue
		}
		rest = append(rest, c)
	}
	if len(files) == 0 || len(rest) > directMaxRest {
		return nil, nil
	}
	if (len(rest) == 0 && total >= directAlone) || total >= directMixed {
		return files, rest
	}
	return nil, nil
}

// readDirect reads the planned files from the work tree into the pool's
// memory and submits each whole (a notebook as cells), counting them in
// res; it calls *midScan (when not nil) after the first, and clears it. It
// returns the changes whose work tree copy is not their staged content, or
// is binary to git: the diff must give those.
func readDirect(repo *git.Repo, pool *Pool, files []directFile, res *StagedResult, midScan *func()) (failed []*git.Change) {
	for _, f := range files {
		c := f.c
		text, err := repo.ReadStaged(c, f.size, directMaxFile, pool.Buffer, pool.Recycle)
		if err != nil {
			failed = append(failed, c)
			continue
		}
		if git.Binary(text) {
			pool.Recycle(text)
			failed = append(failed, c)
			continue
		}
		c.AddedBytes = int64(len(text))
		c.AddedLines = bytes.Count(text, []byte{'\n'})
		if len(text) > 0 && text[len(text)-1] != '\n' {
			c.AddedLines++
		}
		res.Changes = append(res.Changes, c)
		res.FromWorkTree++
		res.Lines += c.AddedLines
		res.Bytes += c.AddedBytes
		var jobs []Job
		notebook := false
		if reader.IsNotebook(c.Path) {
			jobs, notebook = notebookJobs(c.Path, text, nil, nil)
		}
		switch {
		case notebook:
			for _, j := range releasing(jobs, func() { pool.Recycle(text) }) {
				pool.Submit(j)
			}
		case len(text) > 0:
			// One job owns the file's memory and hands it back once scanned.
			pool.Submit(Job{Path: c.Path, StartLine: 1, Text: text})
		default:
			pool.Recycle(text)
		}
		if *midScan != nil {
			(*midScan)()
			*midScan = nil
		}
	}
	return failed
}

// restPaths lists the paths a diff of changes alone must be given: each
// change's, and a rename's or copy's source, so that git pairs them again.
func restPaths(changes []*git.Change) []string {
	paths := make([]string, 0, len(changes))
	for _, c := range changes {
		paths = append(paths, c.Path)
		if c.OldPath != "" {
			paths = append(paths, c.OldPath)
		}
	}
	return paths
}

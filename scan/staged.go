package scan

import (
	"bytes"
	"context"
	"sync"

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
}

// Staged scans the added lines of what the next commit would contain (the
// index against HEAD), on every core while git streams the diff. It is the
// content half of the pre-commit check, and `keyguard scan --staged`.
//
// A file git calls binary is skipped and counted, unless its staged content
// is text after all (UTF-16 with a byte order mark, decoded; or text that
// git called binary for its old version or a .gitattributes setting): then
// its lines that the old content does not hold are scanned.
func Staged(ctx context.Context, p *Policy, repo *git.Repo) (StagedResult, error) {
	return StagedNotify(ctx, p, repo, nil)
}

// StagedNotify is Staged that calls midScan (when not nil) once, when the
// first part of the diff has been handed to the scanners and more may
// follow: fault tests kill the hook at that moment.
func StagedNotify(ctx context.Context, p *Policy, repo *git.Repo, midScan func()) (StagedResult, error) {
	var res StagedResult
	pool := NewPool(p)
	open := false // the last fragment ended inside a line (see lines)
	var binary, notebooks []*git.Change
	// A notebook's added JSON lines wait here until its cells are read.
	held := map[*git.Change][]git.Fragment{}
	// Read as cells, a notebook's added lines are its cells' (see
	// notebookJobs). Notebooks are read as the diff announces them, while
	// git goes on with it; one that is not a notebook after all, or too
	// large to read whole, is scanned as the diff's JSON lines.
	toRead := make(chan *git.Change, 64)
	var readMu sync.Mutex
	asCells := map[*git.Change]bool{}
	cellsRead := make(chan error, 1)
	go func() {
		cellsRead <- repo.WholeTextStream(ctx, toRead, func(c *git.Change, text, old []byte) error {
			if old == nil {
				old = []byte{} // a new notebook: every line is added
			}
			jobs, ok := notebookJobs(c.Path, text, old, nil)
			if !ok {
				return nil
			}
			readMu.Lock()
			asCells[c] = true
			readMu.Unlock()
			for _, j := range jobs {
				pool.Submit(j)
			}
			return nil
		})
	}()
	err := repo.StagedDiff(ctx, git.DiffHandler{
		Change: func(c *git.Change) error {
			res.Changes = append(res.Changes, c)
			switch {
			case c.Binary:
				res.Binary++
				binary = append(binary, c)
			case reader.IsNotebook(c.Path):
				notebooks = append(notebooks, c)
				held[c] = nil
				toRead <- c
			}
			return nil
		},
		Fragment: func(f git.Fragment) error {
			text := f.Text[f.Overlap:]
			if open && f.StartColumn <= 1 {
				res.Lines++ // that line ended without a newline
			}
			res.Lines += bytes.Count(text, []byte{'\n'})
			open = len(text) > 0 && text[len(text)-1] != '\n'
			res.Bytes += int64(len(text))
			if _, ok := held[f.Change]; ok {
				held[f.Change] = append(held[f.Change], f)
				return nil
			}
			pool.Submit(Job{Path: f.Change.Path, StartLine: f.StartLine, Text: f.Text,
				StartColumn: f.StartColumn, Overlap: f.Overlap})
			if midScan != nil {
				midScan()
				midScan = nil
			}
			return nil
		},
		Buffer: pool.Buffer,
	})
	if open {
		res.Lines++
	}
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
	close(toRead)
	if cerr := <-cellsRead; err == nil {
		err = cerr
	}
	for _, c := range notebooks {
		if asCells[c] {
			continue
		}
		for _, f := range held[c] {
			pool.Submit(Job{Path: f.Change.Path, StartLine: f.StartLine, Text: f.Text,
				StartColumn: f.StartColumn, Overlap: f.Overlap})
		}
	}
	res.Findings = pool.Wait()
	return res, err
}

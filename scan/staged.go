package scan

import (
	"bytes"
	"context"

	"github.com/keyguard/keyguard/git"
	"github.com/keyguard/keyguard/report"
)

// StagedResult is what a scan of the staged changes found and covered.
type StagedResult struct {
	Findings []report.Finding // keys in added lines, allowed ones removed
	Changes  []*git.Change    // every staged file that adds or changes content
	Lines    int              // added lines scanned
	Bytes    int64            // bytes of added lines scanned
	Binary   int              // binary files skipped
}

// Staged scans the added lines of what the next commit would contain (the
// index against HEAD), on every core while git streams the diff. It is the
// content half of the pre-commit check, and `keyguard scan --staged`.
func Staged(ctx context.Context, p *Policy, repo *git.Repo) (StagedResult, error) {
	var res StagedResult
	pool := NewPool(p)
	open := false // the last fragment ended inside a line (see lines)
	err := repo.StagedDiff(ctx, git.DiffHandler{
		Change: func(c *git.Change) error {
			res.Changes = append(res.Changes, c)
			if c.Binary {
				res.Binary++
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
			pool.Submit(Job{Path: f.Change.Path, StartLine: f.StartLine, Text: f.Text,
				StartColumn: f.StartColumn, Overlap: f.Overlap})
			return nil
		},
		Buffer: pool.Buffer,
	})
	res.Findings = pool.Wait()
	if open {
		res.Lines++
	}
	return res, err
}

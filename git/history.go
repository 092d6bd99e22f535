package git

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"strings"
)

// CommitInfo describes one commit of a history scan.
type CommitInfo struct {
	Hash   string
	Author string
	Email  string
	Date   string // author date, strict ISO 8601
}

// Commits lists the non-merge commits reachable from revs (all refs when
// revs is empty), newest first, with their authors, in one git process.
// Merges are skipped: their own changes are conflict resolutions, and every
// line they bring in was added by a commit that is scanned.
func (r *Repo) Commits(ctx context.Context, revs []string) ([]CommitInfo, error) {
	args := []string{"log", "--no-merges", "-z", "--no-color", "--format=%H%x1f%an%x1f%ae%x1f%aI"}
	if len(revs) == 0 {
		args = append(args, "--all")
	}
	for _, rev := range revs {
		if strings.HasPrefix(rev, "-") {
			return nil, fmt.Errorf("revision %q: must not start with '-'", rev)
		}
	}
	args = append(args, revs...)
	args = append(args, "--")
	out, err := r.output(ctx, nil, args...)
	if err != nil {
		return nil, err
	}
	var commits []CommitInfo
	for _, rec := range splitZ(out) {
		f := strings.Split(rec, "\x1f")
		if len(f) != 4 {
			return nil, fmt.Errorf("git log: unexpected record")
		}
		commits = append(commits, CommitInfo{Hash: f[0], Author: f[1], Email: f[2], Date: f[3]})
	}
	return commits, nil
}

// CommitDiffs streams the added lines of each commit against its first
// parent (the empty tree for a root commit) from one git process fed the
// commit names on stdin. Deletions are skipped (they add nothing) and
// renames detected, as for the staged diff.
func (r *Repo) CommitDiffs(ctx context.Context, hashes []string, commit func(hash string) error, h DiffHandler) error {
	args := []string{"diff-tree", "--stdin", "-r", "--root", "--raw", "-p", "-z", "-M", "--diff-filter=d",
		"--no-color", "--no-ext-diff", "--no-textconv", "--no-relative", "-U0",
		"--src-prefix=a/", "--dst-prefix=b/"}
	var stdin bytes.Buffer
	for _, hash := range hashes {
		stdin.WriteString(hash)
		stdin.WriteByte('\n')
	}
	return r.stream(ctx, &stdin, args, func(out io.Reader) error { return ParseCommits(out, commit, h) })
}

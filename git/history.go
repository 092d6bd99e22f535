package git

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"strings"
)

// CommitInfo describes one commit of a history scan.
type CommitInfo struct {
	Hash    string
	Author  string
	Email   string
	Date    string   // author date, strict ISO 8601
	Parents []string // object names, first parent first
	Merge   bool     // it has more than one parent
}

// Commits lists the commits reachable from revs (all refs when revs is
// empty), newest first, with their authors, in one git process. A merge's
// own changes (what it adds beyond what its parents brought) are read with
// MergeDiffs; every other line it brings in was added by a commit listed.
func (r *Repo) Commits(ctx context.Context, revs []string) ([]CommitInfo, error) {
	args := []string{"log", "-z", "--no-color", "--no-show-signature", "--format=%H%x1f%an%x1f%ae%x1f%aI%x1f%P"}
	if len(revs) == 0 {
		args = append(args, "--all")
	}
	if err := checkRevs(revs); err != nil {
		return nil, err
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
		if len(f) != 5 {
			return nil, fmt.Errorf("git log: unexpected record")
		}
		parents := strings.Fields(f[4])
		commits = append(commits, CommitInfo{Hash: f[0], Author: f[1], Email: f[2], Date: f[3],
			Parents: parents, Merge: len(parents) > 1})
	}
	return commits, nil
}

// refOptions are the git log options a history scan passes on: they choose
// which refs to start from (--exclude=refs/pull/* --all: every ref but
// GitHub's pull requests), and none can change the output keyguard parses.
var refOptions = []string{"--all", "--branches[=PATTERN]", "--tags[=PATTERN]", "--remotes[=PATTERN]", "--glob=PATTERN", "--exclude=PATTERN", "--not"}

// checkRevs refuses a revision that git would take for an option, unless
// it is one of refOptions.
func checkRevs(revs []string) error {
	for _, rev := range revs {
		if strings.HasPrefix(rev, "-") && !refOption(rev) {
			return fmt.Errorf("revision %q: must not start with '-' (the options that choose refs are %s)", rev, strings.Join(refOptions, ", "))
		}
	}
	return nil
}

// refOption reports whether arg is one of refOptions.
func refOption(arg string) bool {
	name, value, hasValue := strings.Cut(arg, "=")
	switch name {
	case "--all", "--not":
		return !hasValue
	case "--branches", "--tags", "--remotes":
		return true
	case "--glob", "--exclude":
		return hasValue && value != ""
	}
	return false
}

// MergeDiffs streams what each merge commit adds beyond a plain merge of its
// parents: git recreates the automatic merge and diffs it against the
// recorded result (--remerge-diff), so a key typed while resolving a
// conflict, or slipped into an "evil merge", is an added line. git cannot
// recreate an octopus merge (more than two parents): for those, the diff
// against the first parent is given. Either way some added lines may be
// ones a parent already held (an octopus's other parents, a merge made
// with -s ours or -s subtree, which git recreates as a plain merge): the
// caller tells them apart with the parents' versions (Versions).
func (r *Repo) MergeDiffs(ctx context.Context, merges []CommitInfo, commit func(hash string) error, h DiffHandler) error {
	var pairs, octopus []string
	for _, m := range merges {
		if len(m.Parents) > 2 {
			octopus = append(octopus, m.Hash)
		} else {
			pairs = append(pairs, m.Hash)
		}
	}
	for _, run := range []struct {
		hashes []string
		diff   string
	}{{pairs, "--remerge-diff"}, {octopus, "--diff-merges=first-parent"}} {
		if len(run.hashes) == 0 {
			continue
		}
		args := []string{"log", "--no-walk=unsorted", "--stdin", "--no-show-signature", run.diff, "--raw", "-p", "-z", "-M",
			"--diff-filter=d", "--no-color", "--no-ext-diff", "--no-textconv", "--no-relative", "-U0",
			"--no-abbrev", "--src-prefix=a/", "--dst-prefix=b/", "--format=%H"}
		err := r.stream(ctx, lines(run.hashes), args, func(out io.Reader) error { return ParseCommits(out, commit, h) })
		if err != nil {
			return err
		}
	}
	return nil
}

// MergesWithOwnFiles returns the merges among hashes whose result holds a
// file at a path where it differs from every parent's version (git's
// combined diff, `git diff-tree -c --raw`, which compares trees and reads
// no blob). Only those can add a line of their own: in any other merge,
// each file is one of its parents' versions at the same path, so each line
// is one that parent held, and MergeDiffs need not recreate it. Most merges
// are of that kind (three in four on pallets/flask), and recreating a merge
// is the costliest thing a history scan asks of git.
func (r *Repo) MergesWithOwnFiles(ctx context.Context, hashes []string) (map[string]bool, error) {
	own := make(map[string]bool)
	if len(hashes) == 0 {
		return own, nil
	}
	args := []string{"diff-tree", "--stdin", "-r", "-c", "--raw", "--no-abbrev", "--no-color"}
	err := r.stream(ctx, lines(hashes), args, func(out io.Reader) error {
		sc := bufio.NewScanner(out)
		sc.Buffer(make([]byte, 64<<10), 16<<20)
		current := ""
		for sc.Scan() {
			line := sc.Text()
			if !strings.HasPrefix(line, ":") {
				current = strings.TrimSpace(line) // the commit a record list is for
				continue
			}
			// "::mode mode mode id id id status\tpath": the last mode is the
			// result's; 000000 means the merge deleted the file.
			colons := len(line) - len(strings.TrimLeft(line, ":"))
			fields := strings.Fields(line[colons:])
			if current == "" || len(fields) <= colons {
				return fmt.Errorf("git diff-tree -c: unexpected line %q", line)
			}
			if fields[colons] != "000000" {
				own[current] = true
			}
		}
		return sc.Err()
	})
	if err != nil {
		return nil, err
	}
	return own, nil
}

// lines gives hashes one per line, for a git command that reads them on
// stdin.
func lines(hashes []string) io.Reader {
	if len(hashes) == 0 {
		return strings.NewReader("")
	}
	return strings.NewReader(strings.Join(hashes, "\n") + "\n")
}

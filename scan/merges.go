package scan

import (
	"bytes"
	"context"
	"slices"
	"strings"
	"sync/atomic"

	"github.com/keyguard/keyguard/git"
	"github.com/keyguard/keyguard/report"
)

// mergeChanges hands submit the lines each merge commit adds of its own:
// the added lines of git.MergeDiffs (what the recorded result adds to the
// merge git recreates; for an octopus, to the first parent) and the text
// git calls binary there, less every line that one of the merge's parents
// already held in that file (mergeKnown). What is left was typed while
// resolving a conflict, or slipped into an "evil merge"; what the parents
// brought was found at the commits that added it.
//
// Only the merges git's combined diff shows a file of their own in are
// read (git.MergesWithOwnFiles): in the others every line is a parent's.
func mergeChanges(ctx context.Context, repo *git.Repo, merges []git.CommitInfo, info map[string]*report.Commit,
	bytes *atomic.Int64, submit func(Job)) error {
	hashes := make([]string, len(merges))
	for i, m := range merges {
		hashes[i] = m.Hash
	}
	withOwn, err := repo.MergesWithOwnFiles(ctx, hashes)
	if err != nil {
		return err
	}
	merges = slices.DeleteFunc(slices.Clone(merges), func(m git.CommitInfo) bool { return !withOwn[m.Hash] })
	if len(merges) == 0 {
		return nil
	}
	versions, err := repo.OpenVersions(ctx)
	if err != nil {
		return err
	}
	known := mergeKnown{versions: versions, parents: make(map[string][]string, len(merges))}
	for _, m := range merges {
		known.parents[m.Hash] = m.Parents
	}
	err = readMerges(ctx, repo, merges, info, &known, bytes, submit)
	if err != nil {
		_ = versions.Close()
		return err
	}
	return versions.Close()
}

func readMerges(ctx context.Context, repo *git.Repo, merges []git.CommitInfo, info map[string]*report.Commit,
	known *mergeKnown, bytes *atomic.Int64, submit func(Job)) error {
	var current string // the merge being read
	// Changes git calls binary may be text after all (UTF-16, an old
	// binary version, .gitattributes): read them afterwards.
	var binary []*git.Change
	mergeOf := map[*git.Change]string{}
	h := git.DiffHandler{
		Change: func(c *git.Change) error {
			if c.Binary {
				binary = append(binary, c)
				mergeOf[c] = current
			}
			return nil
		},
		Fragment: func(f git.Fragment) error {
			if f.StartColumn > 1 || f.Overlap > 0 {
				// A later piece of a very long line: never a parent's line.
				bytes.Add(int64(len(f.Text) - f.Overlap))
				j := fragmentJob(f)
				j.Commit = info[current]
				submit(j)
				return nil
			}
			held, err := known.lines(current, f.Change)
			if err != nil {
				return err
			}
			own(f.Text, f.StartLine, held, func(start int, run []byte) {
				bytes.Add(int64(len(run)))
				submit(Job{Path: f.Change.Path, StartLine: start, Text: run, Commit: info[current]})
			})
			return nil
		},
	}
	err := repo.MergeDiffs(ctx, merges, func(hash string) error {
		current = hash
		return nil
	}, h)
	if err != nil {
		return err
	}
	return repo.MergeChangedText(ctx, binary, func(c *git.Change) string { return mergeOf[c] }, func(c *git.Change, text, old []byte) error {
		held, err := known.lines(mergeOf[c], c)
		if err != nil {
			return err
		}
		var runs []Job
		newLines(text, old, func(start int, run []byte) {
			own(run, start, held, func(start int, run []byte) {
				runs = append(runs, Job{Path: c.Path, StartLine: start, Text: run, Commit: info[mergeOf[c]]})
			})
		})
		for _, j := range runs {
			bytes.Add(int64(len(j.Text)))
			submit(j)
		}
		return nil
	})
}

// maxHeldLine is the longest line looked up among the parents' lines;
// longer ones (a piece of a minified bundle) always count as the merge's.
const maxHeldLine = 1 << 20

// own hands emit the runs of consecutive lines of text (starting at line
// start) that held does not hold, numbered as in text. When every line is
// the merge's own, text goes whole and uncopied; otherwise each run is a
// copy, so that the receiver owns it.
func own(text []byte, start int, held map[string]struct{}, emit func(start int, run []byte)) {
	if len(held) == 0 {
		emit(start, text)
		return
	}
	isHeld := func(line []byte) bool {
		key := bytes.TrimRight(line, "\r\n")
		if len(key) > maxHeldLine {
			return false
		}
		_, ok := held[string(key)]
		return ok
	}
	dropped := false
	for rest := text; len(rest) > 0; {
		var line []byte
		line, rest = nextLine(rest)
		if isHeld(line) {
			dropped = true
			break
		}
	}
	if !dropped {
		emit(start, text)
		return
	}
	var run []byte
	runStart := 0
	lineNo := start
	for rest := text; len(rest) > 0; lineNo++ {
		var line []byte
		line, rest = nextLine(rest)
		if isHeld(line) {
			if len(run) > 0 {
				emit(runStart, run)
				run = nil
			}
			continue
		}
		if len(run) == 0 {
			runStart = lineNo
		}
		run = append(run, line...)
	}
	if len(run) > 0 {
		emit(runStart, run)
	}
}

// maxSuffixes bounds the shorter paths looked at for one path (see
// mergeKnown).
const maxSuffixes = 8

// mergeKnown holds the lines a merge's parents already had in the file a
// change of the merge is about: at its path, at its old path for a rename,
// and at those paths with leading directories taken off, which is where a
// subtree merge (-s subtree, -Xsubtree=, git subtree) finds the file in
// the merged project. A line in any of those was reported, if it held a
// key, at the commit that added it to that parent's history.
type mergeKnown struct {
	versions *git.Versions
	parents  map[string][]string
	merge    string
	change   *git.Change
	held     map[string]struct{}
}

// lines returns the parents' lines for change c of merge, reading them
// once per change.
func (k *mergeKnown) lines(merge string, c *git.Change) (map[string]struct{}, error) {
	if merge == k.merge && c == k.change {
		return k.held, nil
	}
	k.merge, k.change, k.held = merge, c, map[string]struct{}{}
	var paths []string
	for _, p := range []string{c.Path, c.OldPath} {
		for i := 0; p != "" && i <= maxSuffixes; i++ {
			paths = append(paths, p)
			_, rest, ok := strings.Cut(p, "/")
			if !ok {
				break
			}
			p = rest
		}
	}
	seen := map[string]bool{}
	for _, parent := range k.parents[merge] {
		for _, p := range paths {
			if seen[parent+":"+p] {
				continue
			}
			seen[parent+":"+p] = true
			text, ok, err := k.versions.Text(parent, p)
			if err != nil {
				return nil, err
			}
			if !ok {
				continue
			}
			for rest := text; len(rest) > 0; {
				var line []byte
				line, rest = nextLine(rest)
				if key := bytes.TrimRight(line, "\r\n"); len(key) <= maxHeldLine {
					k.held[string(key)] = struct{}{}
				}
			}
		}
	}
	return k.held, nil
}

package git

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"io"
	"strings"
)

// PushUpdate is one line git feeds a pre-push hook on stdin: a ref the push
// will update, create or delete.
type PushUpdate struct {
	LocalRef  string // e.g. refs/heads/main; "(delete)" for a deletion
	LocalSHA  string // all zeros for a deletion
	RemoteRef string // e.g. refs/heads/main
	RemoteSHA string // all zeros when the remote ref does not exist yet
}

// Deletion reports whether the update deletes the remote ref: it sends no
// commits.
func (u PushUpdate) Deletion() bool { return isZeroID(u.LocalSHA) }

// NewRef reports whether the remote ref does not exist yet.
func (u PushUpdate) NewRef() bool { return isZeroID(u.RemoteSHA) }

// isZeroID reports whether id is git's null object name (any object format).
func isZeroID(id string) bool { return id != "" && strings.Trim(id, "0") == "" }

// isObjectID reports whether id looks like a full object name (SHA-1 or
// SHA-256, lowercase hex).
func isObjectID(id string) bool {
	if len(id) != 40 && len(id) != 64 {
		return false
	}
	return strings.Trim(id, "0123456789abcdef") == ""
}

// ParsePushUpdates reads the pre-push hook's stdin: one
// "<local ref> <local sha> <remote ref> <remote sha>" line per ref. Anything
// else is an error, so a hook never reports "clean" for lines it could not
// read. Empty input (nothing to push) gives no updates.
func ParsePushUpdates(r io.Reader) ([]PushUpdate, error) {
	var ups []PushUpdate
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 0, 4096), 1<<20)
	n := 0
	for sc.Scan() {
		n++
		line := strings.TrimSuffix(sc.Text(), "\r")
		if line == "" {
			continue
		}
		// Ref names cannot hold spaces, so the four fields split cleanly.
		f := strings.Split(line, " ")
		if len(f) != 4 || f[0] == "" || f[2] == "" || !isObjectID(f[1]) || !isObjectID(f[3]) {
			return nil, fmt.Errorf("pre-push input line %d: want \"<local ref> <local sha> <remote ref> <remote sha>\"", n)
		}
		ups = append(ups, PushUpdate{LocalRef: f[0], LocalSHA: f[1], RemoteRef: f[2], RemoteSHA: f[3]})
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("read pre-push input: %w", err)
	}
	return ups, nil
}

// PushRevs returns, for each update, the revisions (for Commits, or
// scan.HistoryOptions.Revs) that select exactly the commits the push sends
// and the remote does not have yet; nil for a deletion, which sends none.
//
//   - An update of an existing remote ref: <remote sha>..<local sha>, as
//     "<local>" "^<remote>".
//   - A new remote ref, or a remote sha this repository does not have (a
//     force push over a state never fetched): the commits on no
//     remote-tracking ref, `<local> --not --remotes`, spelt as "^<sha>" for
//     every remote-tracking ref. All remotes, not just the one pushed to:
//     a commit on any of them has already left this machine, rewriting it is
//     no longer a local fix, and the first push to a fresh fork would
//     otherwise scan (and block on) the whole upstream history.
//     `keyguard scan --history` covers what is already published.
//
// Revisions are object names only, so a ref named like an option can never
// reach git's command line.
func (r *Repo) PushRevs(ctx context.Context, ups []PushUpdate) ([][]string, error) {
	var check []string
	for _, u := range ups {
		if !u.Deletion() && !u.NewRef() {
			check = append(check, u.RemoteSHA)
		}
	}
	have, err := r.haveCommits(ctx, check)
	if err != nil {
		return nil, err
	}
	var remotes []string // loaded at most once
	loaded := false
	out := make([][]string, len(ups))
	for i, u := range ups {
		switch {
		case u.Deletion():
			continue
		case !u.NewRef() && have[u.RemoteSHA]:
			out[i] = []string{u.LocalSHA, "^" + u.RemoteSHA}
		default:
			if !loaded {
				if remotes, err = r.remoteTrackingTips(ctx); err != nil {
					return nil, err
				}
				loaded = true
			}
			revs := []string{u.LocalSHA}
			for _, t := range remotes {
				revs = append(revs, "^"+t)
			}
			out[i] = revs
		}
	}
	return out, nil
}

// haveCommits reports which of ids name commits present in this repository,
// with one git cat-file process.
func (r *Repo) haveCommits(ctx context.Context, ids []string) (map[string]bool, error) {
	have := map[string]bool{}
	if len(ids) == 0 {
		return have, nil
	}
	var in bytes.Buffer
	for _, id := range ids {
		in.WriteString(id + "^{commit}\n")
	}
	out, err := r.output(ctx, &in, "cat-file", "--batch-check=%(objectname) %(objecttype)")
	if err != nil {
		return nil, err
	}
	// One answer line per query, in order: "<id> commit" or "<query> missing".
	lines := strings.Split(strings.TrimSuffix(string(out), "\n"), "\n")
	if len(lines) != len(ids) {
		return nil, fmt.Errorf("git cat-file: %d answers for %d objects", len(lines), len(ids))
	}
	for i, l := range lines {
		if strings.HasSuffix(l, " commit") {
			have[ids[i]] = true
		}
	}
	return have, nil
}

// remoteTrackingTips lists the distinct object names under refs/remotes/.
func (r *Repo) remoteTrackingTips(ctx context.Context) ([]string, error) {
	out, err := r.output(ctx, nil, "for-each-ref", "--format=%(objectname)", "refs/remotes/")
	if err != nil {
		return nil, err
	}
	seen := map[string]bool{}
	var tips []string
	for _, l := range strings.Split(string(out), "\n") {
		if l != "" && !seen[l] {
			seen[l] = true
			tips = append(tips, l)
		}
	}
	return tips, nil
}

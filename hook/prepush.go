package hook

import (
	"context"
	"fmt"
	"io"
	"strings"

	"github.com/keyguard/keyguard/git"
	"github.com/keyguard/keyguard/report"
	"github.com/keyguard/keyguard/scan"
)

// PrePushOptions configures PrePush.
type PrePushOptions struct {
	Repo   *git.Repo
	Remote string    // the remote's name, or its URL when pushing to a URL
	Stdin  io.Reader // git's ref lines
	Stderr io.Writer
}

// PrePush judges exactly the commits a push sends that the remote does not
// have yet (see git.Repo.PushRevs): the lines they added are scanned with
// the repository's configuration and baseline. A key there blocks the push
// with ErrBlocked, so a commit made with --no-verify is still stopped before
// it leaves the machine.
func PrePush(ctx context.Context, o PrePushOptions) error {
	policy, err := scan.LoadRepoPolicy(ctx, o.Repo)
	if err != nil {
		return fmt.Errorf("the push is refused until the configuration is fixed: %w", err)
	}
	ups, err := git.ParsePushUpdates(o.Stdin)
	if err != nil {
		return fmt.Errorf("cannot read what git is pushing, so the push is refused: %w", err)
	}
	revs, err := o.Repo.PushRevs(ctx, ups)
	if err != nil {
		return fmt.Errorf("cannot list the commits to push, so the push is refused: %w", err)
	}
	where := remoteName(o.Remote)

	// Updates that exclude the same commits scan as one range (their union):
	// pushing several new branches scans each commit once.
	type group struct{ tips, not []string }
	var groups []*group
	byNot := map[string]*group{}
	for _, r := range revs {
		if len(r) == 0 {
			continue // a deletion sends nothing
		}
		key := strings.Join(r[1:], " ")
		g := byNot[key]
		if g == nil {
			g = &group{not: r[1:]}
			byNot[key] = g
			groups = append(groups, g)
		}
		g.tips = append(g.tips, r[0])
	}
	if len(groups) == 0 {
		if !report.Quiet(o.Stderr) {
			fmt.Fprintf(o.Stderr, "keyguard: this push to %s sends no commits, nothing to check\n", where)
		}
		return nil
	}

	var findings []report.Finding
	seen := map[string]bool{}
	commits := 0
	var bytes int64
	for _, g := range groups {
		// Never empty: HistoryOptions.Revs empty would mean every ref.
		res, err := scan.History(ctx, scan.HistoryOptions{Policy: policy, Repo: o.Repo, Revs: append(g.tips, g.not...)})
		if err != nil {
			return fmt.Errorf("cannot read the commits to push, so the push is refused: %w", err)
		}
		commits += res.Commits
		bytes += res.Bytes
		for _, f := range res.Findings {
			k := fmt.Sprintf("%s\x00%s\x00%d\x00%d", f.Commit.Hash, f.Path, f.Line, f.Column)
			if !seen[k] {
				seen[k] = true
				findings = append(findings, f)
			}
		}
	}
	sum := report.ScanSummary{History: true, Commits: commits, Bytes: bytes}
	if len(findings) == 0 {
		if !report.Quiet(o.Stderr) {
			fmt.Fprintf(o.Stderr, "keyguard: no secrets found; checked %d %s to push to %s\n", commits, report.Plural(commits, "commit", "commits"), where)
		}
		return nil
	}

	sortHistory(findings)
	fmt.Fprintf(o.Stderr, "keyguard: push refused: %d %s in %s not yet on %s\n\n",
		len(findings), report.Plural(len(findings), "secret", "secrets"), report.Plural(commits, "the commit", "the commits"), where)
	report.ScanText(o.Stderr, findings, sum)
	writePushHints(o.Stderr, findings)
	return ErrBlocked
}

// writePushHints says how to get the key out of the commits before pushing:
// they are local, so rewriting them is still possible.
func writePushHints(w io.Writer, findings []report.Finding) {
	var hashes []string
	have := map[string]bool{}
	for _, f := range findings {
		if !have[f.Commit.Hash] {
			have[f.Commit.Hash] = true
			hashes = append(hashes, report.ShortHash(f.Commit.Hash))
		}
	}
	oldest := hashes[len(hashes)-1] // findings are sorted newest commit first
	fmt.Fprintf(w, "hint: the key is in local history (%s): rewrite %s before pushing\n",
		strings.Join(hashes, ", "), report.Plural(len(hashes), "that commit", "those commits"))
	fmt.Fprintf(w, "hint: the last commit: fix the file, git add it, git commit --amend; an older one: git rebase -i %s^ (or --root), mark it edit, fix, git commit --amend, git rebase --continue\n", oldest)
	fmt.Fprintln(w, "hint: to push anyway this once (not recommended): git push --no-verify")
}

// remoteName is the remote as the user may see it: its name, or its URL
// without credentials (git passes the URL as the name when there is none).
func remoteName(s string) string {
	if s == "" {
		return "the remote"
	}
	if scheme, rest, ok := strings.Cut(s, "://"); ok {
		// Plain string work, not url.Parse: a password holding '#', '?' or a
		// bad '%' escape fails to parse, and the URL must still lose it.
		host := rest
		if slash := strings.IndexByte(rest, '/'); slash >= 0 {
			host = rest[:slash]
		}
		if at := strings.LastIndexByte(host, '@'); at >= 0 {
			return scheme + "://" + rest[at+1:]
		}
		return s
	}
	if at := strings.LastIndex(s, "@"); at >= 0 && strings.Contains(s[:at], ":") {
		return s[at+1:] // user:token@host:path, an scp-like URL with a password
	}
	return s
}

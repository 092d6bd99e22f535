// Package hook is what each git hook keyguard installs does, composed from
// the packages that read git (git), scan content (detect), know secret files
// (coverage, secretfiles) and print (report).
package hook

import (
	"context"
	"errors"
	"fmt"
	"io"

	"github.com/keyguard/keyguard/git"
	"github.com/keyguard/keyguard/report"
	"github.com/keyguard/keyguard/scan"
	"github.com/keyguard/keyguard/secretfiles"
)

// ErrBlocked means findings were reported and the commit must be refused;
// main turns it into exit status 1.
var ErrBlocked = errors.New("blocked")

// Options configures PreCommit.
type Options struct {
	Repo   *git.Repo
	Stderr io.Writer
	// MidScan, when set, is called once while the staged diff is being
	// scanned (for fault tests; see scan.StagedNotify).
	MidScan func()
}

// PreCommit judges exactly what the commit will contain: the added lines of
// the staged diff, and the sensitive files that are staged or present and
// not ignored. It returns ErrBlocked after reporting findings; any error
// reading the index is returned as is, which also refuses the commit.
func PreCommit(ctx context.Context, o Options) error {
	// git lists the work tree's files while the policy is read and the
	// diff streams (the untracked walk is the longest git process of a
	// typical commit); returning early cancels the listing's git process.
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	type listed struct {
		l   git.Listing
		err error
	}
	listing := make(chan listed, 1)
	go func() {
		l, err := o.Repo.ListFiles(ctx)
		listing <- listed{l, err}
	}()

	policy, err := scan.LoadPolicy(o.Repo.Top)
	if err != nil {
		return fmt.Errorf("the commit is refused until the configuration is fixed: %w", err)
	}
	engine, cat := policy.Engine(), policy.Config.Catalogue

	// Fragments are scanned on every core while git streams the rest.
	res, err := scan.StagedNotify(ctx, policy, o.Repo, o.MidScan)
	if err != nil {
		return fmt.Errorf("cannot read what is staged, so the commit is refused: %w", err)
	}
	findings := res.Findings
	sum := report.Summary{Files: len(res.Changes), Lines: res.Lines, Binary: res.Binary, AsText: res.AsText}
	staged := make(map[string]bool, len(res.Changes))
	for _, c := range res.Changes {
		if !c.Submodule() {
			staged[c.Path] = true
		}
	}

	ls := <-listing
	if ls.err != nil {
		return fmt.Errorf("cannot check secret files, so the commit is refused: %w", ls.err)
	}
	files, err := secretfiles.Inventory(ctx, secretfiles.Options{
		Repo: o.Repo, Catalogue: cat, Engine: engine, Staged: staged, Listing: &ls.l,
		Skip: policy.PathAllowed, Keep: policy.Keep, UntrackedContentOnly: true,
	})
	if err != nil {
		return fmt.Errorf("cannot check secret files, so the commit is refused: %w", err)
	}
	var warnings []report.Finding
	for _, f := range files {
		rf := report.Finding{Path: f.Path, FileKind: f.Entry.Description, HoldsKeys: len(f.Keys)}
		switch f.State {
		case secretfiles.Staged:
			rf.FileState = report.Staged
			findings = append(findings, rf)
		case secretfiles.Untracked:
			rf.FileState = report.NotIgnored
			findings = append(findings, rf)
		case secretfiles.Tracked:
			rf.FileState = report.Tracked
			warnings = append(warnings, rf)
		}
	}

	report.SortByPlace(findings)
	report.Warnings(o.Stderr, warnings)
	if len(findings) > 0 {
		report.Blocked(o.Stderr, findings, sum)
		return ErrBlocked
	}
	report.Clean(o.Stderr, sum)
	return nil
}

package hook

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"time"

	"github.com/keyguard/keyguard/baseline"
	"github.com/keyguard/keyguard/git"
	"github.com/keyguard/keyguard/report"
	"github.com/keyguard/keyguard/scan"
)

// ScanOptions configures Scan.
type ScanOptions struct {
	Paths   []string // files and directories; none means "."
	History bool     // scan the lines every commit added instead of files
	Revs    []string // with History: revisions and ranges; none means all refs
	Format  string   // "text" or "json"
	Stdout  io.Writer
}

// Scan scans paths with the configuration of the repository around the
// working directory (or none) and reports on stdout; ErrBlocked when it
// found something.
func Scan(ctx context.Context, o ScanOptions) error {
	env, err := scanEnv(ctx)
	if err != nil {
		return err
	}
	var findings []report.Finding
	var sum report.ScanSummary
	start := time.Now()
	if o.History {
		if env.repo == nil {
			return git.ErrNotRepo
		}
		res, err := scan.History(ctx, scan.HistoryOptions{Policy: env.policy, Repo: env.repo, Revs: o.Revs})
		if err != nil {
			return err
		}
		findings = res.Findings
		sortHistory(findings)
		sum = report.ScanSummary{Commits: res.Commits, Bytes: res.Bytes, History: true}
	} else {
		res, err := scan.Paths(ctx, scan.Options{Policy: env.policy, Repo: env.repo, Paths: o.Paths, Display: env.display})
		if err != nil {
			return err
		}
		findings = res.Findings
		sum = report.ScanSummary{Files: res.Files, Bytes: res.Bytes, Binary: res.Binary, Large: res.Large}
	}
	sum.Elapsed = time.Since(start)
	if o.Format == "json" {
		if err := report.JSON(o.Stdout, findings); err != nil {
			return err
		}
	} else {
		report.ScanText(o.Stdout, findings, sum)
	}
	if len(findings) > 0 {
		return ErrBlocked
	}
	return nil
}

// sortHistory orders history findings newest commit first, then by place.
func sortHistory(fs []report.Finding) {
	slices.SortStableFunc(fs, func(a, b report.Finding) int {
		return cmp.Or(
			cmp.Compare(b.Commit.Date, a.Commit.Date), cmp.Compare(a.Commit.Hash, b.Commit.Hash),
			cmp.Compare(a.Path, b.Path), cmp.Compare(a.Line, b.Line), cmp.Compare(a.Column, b.Column))
	})
}

// Baseline records every current finding under paths (default: the work
// tree) in .keyguard-baseline.json, replacing what was there.
func Baseline(ctx context.Context, paths []string, out io.Writer) error {
	env, err := scanEnv(ctx)
	if err != nil {
		return err
	}
	if env.repo == nil {
		return git.ErrNotRepo
	}
	all := &scan.Policy{Config: env.policy.Config} // without the old baseline
	res, err := scan.Paths(ctx, scan.Options{Policy: all, Repo: env.repo, Paths: paths, Display: env.display})
	if err != nil {
		return err
	}
	entries := make([]baseline.Entry, 0, len(res.Findings))
	for _, f := range res.Findings {
		rel := f.Path
		if abs, err := filepath.Abs(f.Path); err == nil {
			if r, ok := env.repo.Rel(abs); ok {
				rel = r
			}
		}
		entries = append(entries, baseline.Entry{Rule: f.Secret.Rule.ID, Fingerprint: f.Secret.Fingerprint, File: rel})
	}
	if err := baseline.Write(env.repo.Top, entries); err != nil {
		return err
	}
	fmt.Fprintf(out, "keyguard: recorded %d %s in %s; commit it so the team shares it\n",
		len(entries), pluralWord(len(entries), "finding", "findings"), baseline.FileName)
	if len(entries) > 0 {
		fmt.Fprintln(out, "hint: baselined keys are still exposed: revoke and rotate them")
	}
	return nil
}

type scanEnvironment struct {
	repo    *git.Repo // nil outside a repository
	policy  *scan.Policy
	display func(abs string) string
}

// scanEnv finds the repository around the working directory, if any, and
// its configuration; findings are shown relative to the working directory.
func scanEnv(ctx context.Context) (scanEnvironment, error) {
	var env scanEnvironment
	wd, err := os.Getwd()
	if err != nil {
		return env, fmt.Errorf("working directory: %w", err)
	}
	top := wd
	repo, err := git.Open(ctx, ".")
	switch {
	case err == nil:
		env.repo, top = repo, repo.Top
	case errors.Is(err, git.ErrNotRepo), errors.Is(err, git.ErrBare), errors.Is(err, git.ErrNotWorkTree), errors.Is(err, git.ErrNoGit):
		// scan works on plain directories too
	default:
		return env, err
	}
	if env.policy, err = scan.LoadPolicy(top); err != nil {
		return env, err
	}
	env.display = func(abs string) string {
		if rel, err := filepath.Rel(wd, abs); err == nil && filepath.IsLocal(rel) {
			return filepath.ToSlash(rel)
		}
		return abs
	}
	return env, nil
}

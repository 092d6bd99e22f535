package hook

import (
	"bytes"
	"cmp"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/keyguard/keyguard/baseline"
	"github.com/keyguard/keyguard/git"
	"github.com/keyguard/keyguard/internal/atomicfile"
	"github.com/keyguard/keyguard/report"
	"github.com/keyguard/keyguard/scan"
)

// ScanOptions configures Scan.
type ScanOptions struct {
	Paths   []string // files and directories; none means "."
	History bool     // scan the lines every commit added instead of files
	Staged  bool     // scan the added lines of what is staged instead of files
	Revs    []string // with History: revisions and ranges; none means all refs
	// NoIgnore reads files git ignores too (--no-ignore); a directory
	// named in Paths that git ignores is read whole without it.
	NoIgnore bool
	Format   string // "text", "json" or "sarif"
	// Stdout gets the report, unless OutputFile names a file. A
	// *report.Output carries colour and quiet.
	Stdout io.Writer
	// Stderr gets the summary line when the report is for machines (JSON,
	// SARIF) or goes to a file, so stdout stays parseable; nil: none.
	Stderr io.Writer
	// OutputFile, when set, receives the report instead of Stdout, written
	// atomically and without colour.
	OutputFile string
	// Progress, when set, is the terminal where a history scan draws its
	// progress bar; main sets it only when stderr is a terminal.
	Progress io.Writer
	Version  string // keyguard's version, for SARIF
}

// Scan scans paths with the configuration of the repository around the
// working directory (or none) and reports on stdout; ErrBlocked when it
// found something.
func Scan(ctx context.Context, o ScanOptions) error {
	env, err := scanEnv(ctx, o.History)
	if err != nil {
		return err
	}
	var findings []report.Finding
	var sum report.ScanSummary
	start := time.Now()
	switch {
	case o.Staged:
		if env.repo == nil {
			return git.ErrNotRepo
		}
		res, err := scan.Staged(ctx, env.policy, env.repo)
		if err != nil {
			return err
		}
		findings = res.Findings // paths from the top of the repository, as in the hook
		report.SortByPlace(findings)
		sum = report.ScanSummary{Files: len(res.Changes), Bytes: res.Bytes, Binary: res.Binary, AsText: res.AsText}
		if len(res.Changes) == 0 {
			sum.Nothing = "nothing is staged"
		}
	case o.History:
		if env.repo == nil {
			return git.ErrNotRepo
		}
		ho := scan.HistoryOptions{Policy: env.policy, Repo: env.repo, Revs: o.Revs}
		var bar *report.Progress
		if o.Progress != nil {
			bar = report.NewProgress(o.Progress)
		}
		if bar != nil {
			ho.Progress = bar.Update
		}
		res, err := scan.History(ctx, ho)
		bar.Done()
		if err != nil {
			return err
		}
		findings = res.Findings
		sortHistory(findings)
		sum = report.ScanSummary{Commits: res.Commits, Bytes: res.Bytes, History: true, Fetched: res.Fetched, Shallow: res.Shallow}
		if res.Commits == 0 {
			sum.Nothing = "no commits in the given range"
			if len(o.Revs) == 0 {
				sum.Nothing = "the repository has no commits"
			}
		}
	default:
		res, err := scan.Paths(ctx, scan.Options{Policy: env.policy, Repo: env.repo, Paths: o.Paths, NoIgnore: o.NoIgnore, NamedWhole: true, Display: env.display})
		if err != nil {
			return err
		}
		findings = res.Findings
		sum = report.ScanSummary{Files: res.Files, Bytes: res.Bytes, Binary: res.Binary, Large: res.Large}
		if res.Files == 0 {
			if err := nothingRead(o, res.Skipped); err != nil {
				return err
			}
			sum.Nothing = "no files under " + where(o.Paths)
		}
	}
	sum.Elapsed = time.Since(start)
	if err := writeScanReport(o, env, findings, sum); err != nil {
		return err
	}
	if len(findings) > 0 {
		return ErrBlocked
	}
	return nil
}

// nothingRead is the error for a path scan that read no file although the
// paths held some: it must not pass as clean (fail closed), so it exits 2
// and says what kept the files out. A scan of paths that hold no file at
// all is not an error: there is nothing a key could hide in.
func nothingRead(o ScanOptions, s scan.Skipped) error {
	if !s.Any() {
		return nil
	}
	var why []string
	if s.Ignored > 0 {
		cmd := "keyguard scan --no-ignore"
		for _, p := range o.Paths {
			cmd += " " + report.ShellQuote(p)
		}
		why = append(why, fmt.Sprintf("%s ignored by git (%s reads %s)", countFiles(s.Ignored), cmd, report.Plural(s.Ignored, "it", "them")))
	}
	if s.Allowed > 0 {
		why = append(why, countFiles(s.Allowed)+" allowlisted by .keyguard.yaml (paths)")
	}
	if s.Gone > 0 {
		why = append(why, countFiles(s.Gone)+" listed by git but missing from the work tree")
	}
	return fmt.Errorf("nothing scanned under %s: %s", where(o.Paths), strings.Join(why, "; "))
}

// countFiles is "1 file" or "n files".
func countFiles(n int) string {
	return fmt.Sprintf("%d %s", n, report.Plural(n, "file", "files"))
}

// where names the scanned paths in a message.
func where(paths []string) string {
	if len(paths) == 0 {
		return "the working directory"
	}
	q := make([]string, len(paths))
	for i, p := range paths {
		q[i] = report.DisplayPath(p)
	}
	return strings.Join(q, ", ")
}

// writeScanReport renders the findings in the asked format to stdout or to
// the output file, and the summary line to stderr when stdout is not where
// people read it.
func writeScanReport(o ScanOptions, env scanEnvironment, findings []report.Finding, sum report.ScanSummary) error {
	var file bytes.Buffer
	out := o.Stdout
	if o.OutputFile != "" {
		out = &file
	}
	switch o.Format {
	case "json":
		if err := report.JSON(out, findings); err != nil {
			return err
		}
	case "sarif":
		rel := env.rel
		if o.History {
			rel = nil // git's paths are relative to the top already
		}
		if err := report.SARIF(out, findings, report.SARIFOptions{Version: o.Version, Rel: rel}); err != nil {
			return err
		}
	default:
		report.ScanText(out, findings, sum)
	}
	if o.OutputFile != "" {
		if err := atomicfile.Write(o.OutputFile, file.Bytes(), 0o644); err != nil {
			return fmt.Errorf("write the report: %w", err)
		}
	}
	if (o.Format != "text" && o.Format != "") || o.OutputFile != "" {
		if o.Stderr != nil {
			report.ScanSummaryLine(o.Stderr, len(findings), sum)
		}
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
	env, err := scanEnv(ctx, false)
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
		if r, ok := env.rel(f.Path); ok {
			rel = r
		}
		entries = append(entries, baseline.Entry{Rule: f.Secret.Rule.ID, Fingerprint: f.Secret.Fingerprint, File: rel})
	}
	if err := baseline.Write(env.repo.Top, entries); err != nil {
		return err
	}
	fmt.Fprintf(out, "keyguard: recorded %d %s in %s; commit it so the team shares it\n",
		len(entries), report.Plural(len(entries), "finding", "findings"), baseline.FileName)
	if len(entries) > 0 {
		fmt.Fprintln(out, "hint: baselined keys are still exposed: revoke and rotate them")
	}
	return nil
}

type scanEnvironment struct {
	repo    *git.Repo // nil outside a repository
	policy  *scan.Policy
	display func(abs string) string
	// rel maps a displayed path to a slash-separated path relative to the
	// top of the work tree (the working directory outside a repository).
	rel func(path string) (string, bool)
}

// scanEnv finds the repository around the working directory, if any, and
// its configuration; findings are shown relative to the working directory.
// A history scan also works in a bare repository (a mirror); a scan of
// files does not, since its files are git's own.
func scanEnv(ctx context.Context, history bool) (scanEnvironment, error) {
	var env scanEnvironment
	wd, err := os.Getwd()
	if err != nil {
		return env, fmt.Errorf("working directory: %w", err)
	}
	top := wd
	open := git.Open
	if history {
		open = git.OpenHistory
	}
	repo, err := open(ctx, ".")
	switch {
	case err == nil:
		env.repo, top = repo, repo.Top
	case errors.Is(err, git.ErrBare):
		return env, err
	case errors.Is(err, git.ErrNotRepo), errors.Is(err, git.ErrNotWorkTree), errors.Is(err, git.ErrNoGit):
		// scan works on plain directories too
	default:
		return env, err
	}
	if env.repo != nil {
		env.policy, err = scan.LoadRepoPolicy(ctx, env.repo)
	} else {
		env.policy, err = scan.LoadPolicy(top)
	}
	if err != nil {
		return env, err
	}
	env.display = func(abs string) string {
		if rel, err := filepath.Rel(wd, abs); err == nil && filepath.IsLocal(rel) {
			return filepath.ToSlash(rel)
		}
		return abs
	}
	env.rel = func(p string) (string, bool) {
		if !filepath.IsAbs(p) {
			p = filepath.Join(wd, filepath.FromSlash(p))
		}
		if rel, ok := relInside(top, p); ok {
			return rel, true
		}
		// The working directory may be reached through a symlink git resolved.
		rp, err1 := filepath.EvalSymlinks(p)
		rt, err2 := filepath.EvalSymlinks(top)
		if err1 != nil || err2 != nil {
			return "", false
		}
		return relInside(rt, rp)
	}
	return env, nil
}

// relInside returns path relative to top, slash-separated, when it lies
// inside top.
func relInside(top, path string) (string, bool) {
	rel, err := filepath.Rel(top, path)
	if err != nil || !filepath.IsLocal(rel) {
		return "", false
	}
	return filepath.ToSlash(rel), true
}

package hook

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path"
	"path/filepath"
	"slices"
	"strings"

	"github.com/keyguard/keyguard/coverage"
	"github.com/keyguard/keyguard/fix"
	"github.com/keyguard/keyguard/git"
	"github.com/keyguard/keyguard/report"
	"github.com/keyguard/keyguard/scan"
	"github.com/keyguard/keyguard/secretfiles"
)

// FixOptions configures Fix.
type FixOptions struct {
	Repo   *git.Repo
	Paths  []string // files and directories; none means the whole work tree
	DryRun bool
	Out    io.Writer
}

// Fix moves the keys found in working-tree files into .env (or a Streamlit
// app's secrets.toml), makes the code read them from there, and makes sure
// git ignores those files. It returns fix.ErrManual when some keys need the
// user. With DryRun it prints the diff of every change and writes nothing.
func Fix(ctx context.Context, o FixOptions) error {
	policy, err := scan.LoadPolicy(o.Repo.Top)
	if err != nil {
		return err
	}
	res, err := scan.Paths(ctx, scan.Options{Policy: policy, Repo: o.Repo, Paths: o.Paths})
	if err != nil {
		return err
	}
	var keys []fix.Key
	for _, f := range res.Findings {
		rel, ok := o.Repo.Rel(f.Path)
		if !ok { // the path may reach the work tree through a symlink (macOS /tmp)
			if real, err := filepath.EvalSymlinks(f.Path); err == nil {
				rel, ok = o.Repo.Rel(real)
			}
		}
		if !ok {
			return fmt.Errorf("%s is outside the repository; keyguard fix only edits files in the work tree", f.Path)
		}
		if rel == fix.EnvFile || rel == fix.SecretsFile {
			continue // already where keys belong; ignoring it is done below
		}
		keys = append(keys, fix.Key{Path: rel, Finding: *f.Secret, Cell: f.Cell, Output: f.Output, CellLine: f.CellLine, Encoding: f.Encoding})
	}
	dests := []string{fix.EnvFile, fix.SecretsFile}
	tracked, err := o.Repo.Tracked(ctx, dests...)
	if err != nil {
		return err
	}
	blocked := map[string]string{}
	for _, t := range tracked {
		blocked[t] = "is tracked by git, so keyguard will not put keys in it (git rm --cached -- " + report.ShellQuote(t) + ", then run keyguard fix again)"
	}
	plan, err := fix.NewPlan(fix.Options{Top: o.Repo.Top, Keys: keys, Blocked: blocked, Engine: policy.Engine()})
	if err != nil {
		return err
	}

	// Keys in an environment file other than .env (.env.local) stay there:
	// that is where keys belong, so like .env it needs only to be ignored,
	// which this run does unless git tracks the file.
	kept, err := envKept(ctx, o.Repo, plan)
	if err != nil {
		return err
	}

	// The destinations git must ignore: those that exist or will.
	var ignore []string
	for _, k := range kept {
		if !slices.Contains(ignore, k.Key.Path) {
			ignore = append(ignore, k.Key.Path)
		}
	}
	for _, d := range dests {
		if _, err := os.Lstat(filepath.Join(o.Repo.Top, filepath.FromSlash(d))); err == nil {
			ignore = append(ignore, d)
			continue
		}
		for _, c := range plan.Stores {
			if c.Path == d {
				ignore = append(ignore, d)
			}
		}
	}
	ignore = slices.DeleteFunc(ignore, func(d string) bool { return slices.Contains(tracked, d) })
	notIgnored, err := notSharedIgnored(ctx, o.Repo, ignore)
	if err != nil {
		return err
	}

	if o.DryRun {
		if err := plan.WriteDiff(o.Out); err != nil {
			return err
		}
		if err := previewIgnore(o.Repo, policy.Config.Catalogue, notIgnored, plan, o.Out); err != nil {
			return err
		}
		writeFixItems(o.Out, plan, kept, true)
		writeFixSummary(o.Out, plan, len(kept), true)
		fmt.Fprintln(o.Out, "keyguard: dry run: nothing was changed")
		if len(plan.Manual) > 0 {
			return fix.ErrManual
		}
		return nil
	}

	if err := plan.Apply(); err != nil {
		return err
	}
	writeFixItems(o.Out, plan, kept, false)
	manual := len(plan.Manual) > 0
	if len(notIgnored) > 0 {
		only := map[string]bool{}
		for _, d := range notIgnored {
			only[d] = true
		}
		err := secretfiles.FixIgnore(ctx, secretfiles.FixOptions{
			Repo: o.Repo, Catalogue: policy.Config.Catalogue, Engine: policy.Engine(), Out: o.Out,
			Skip: func(rel string) bool { return !only[rel] },
		})
		if errors.Is(err, secretfiles.ErrUnresolved) {
			manual = true
		} else if err != nil {
			return err
		}
		// git has the last word on what it ignores.
		still, err := notSharedIgnored(ctx, o.Repo, notIgnored)
		if err != nil {
			return err
		}
		for _, d := range still {
			manual = true
			fmt.Fprintf(o.Out, "keyguard: %s is still not ignored by the repository's .gitignore\n", d)
			fmt.Fprintf(o.Out, "hint: add /%s to .gitignore before you commit\n", d)
		}
	}
	writeFixSummary(o.Out, plan, len(kept), false)
	if manual {
		return fix.ErrManual
	}
	return nil
}

// notSharedIgnored returns the paths that no .gitignore in the repository
// ignores (ignored only on this machine counts as not ignored: teammates'
// clones would commit the file).
func notSharedIgnored(ctx context.Context, repo *git.Repo, paths []string) ([]string, error) {
	srcs, err := repo.CheckIgnore(ctx, paths)
	if err != nil {
		return nil, err
	}
	var out []string
	for _, s := range srcs {
		if !s.Ignored || !s.Shared {
			out = append(out, s.Path)
		}
	}
	return out, nil
}

// previewIgnore prints the .gitignore change fix-ignore would make for the
// destinations, from the same catalogue lines and appender.
func previewIgnore(repo *git.Repo, cat *coverage.Catalogue, paths []string, plan *fix.Plan, out io.Writer) error {
	var lines []string
	for _, p := range paths {
		entry, ok := cat.Classify(p)
		if !ok {
			fmt.Fprintf(out, "keyguard: %s is not in the sensitive-file list (.keyguard.yaml removes it): add it to .gitignore yourself\n", p)
			continue
		}
		l, err := cat.IgnoreLines(p, entry)
		if err != nil {
			return fmt.Errorf("%s: %w", p, err)
		}
		lines = append(lines, l...)
	}
	if len(lines) == 0 {
		return nil
	}
	path := filepath.Join(repo.Top, ".gitignore")
	old, err := os.ReadFile(path)
	if err != nil && !errors.Is(err, os.ErrNotExist) {
		return fmt.Errorf("read .gitignore: %w", err)
	}
	updated, _ := coverage.Append(old, lines)
	return plan.WriteFileDiff(out, fix.Change{Path: ".gitignore", Old: old, New: updated, Exists: err == nil})
}

// envKept takes out of the plan's manual keys those in an untracked
// environment file (not a template): they stay where they are, and the file
// is ignored with the destinations.
func envKept(ctx context.Context, repo *git.Repo, plan *fix.Plan) ([]fix.Manual, error) {
	var paths []string
	for _, m := range plan.Manual {
		base := path.Base(m.Key.Path)
		if (base == ".env" || strings.HasPrefix(base, ".env.")) && !report.IsEnvTemplate(m.Key.Path) && m.Key.Cell == 0 {
			paths = append(paths, m.Key.Path)
		}
	}
	if len(paths) == 0 {
		return nil, nil
	}
	tracked, err := repo.Tracked(ctx, paths...)
	if err != nil {
		return nil, err
	}
	var kept []fix.Manual
	plan.Manual = slices.DeleteFunc(plan.Manual, func(m fix.Manual) bool {
		if !slices.Contains(paths, m.Key.Path) || slices.Contains(tracked, m.Key.Path) {
			return false
		}
		kept = append(kept, m)
		return true
	})
	return kept, nil
}

// writeFixItems lists what moved, what stays in an ignored environment
// file, and what is left to the user; keys show only redacted.
func writeFixItems(w io.Writer, p *fix.Plan, kept []fix.Manual, dryRun bool) {
	moved, will := "moved", "now reads"
	if dryRun {
		moved, will = "would move", "would read"
	}
	for _, m := range p.Moved {
		f := m.Key.Finding
		if m.Read == "" {
			left := "now leaves"
			if dryRun {
				left = "would leave"
			}
			fmt.Fprintf(w, "keyguard: %s: %s %s to %s as %s; the template %s %s empty\n",
				fixPlace(m.Key), moved, f.Rule.Description, m.Dest, m.Name, left, m.Name)
			continue
		}
		fmt.Fprintf(w, "keyguard: %s: %s %s to %s as %s; the code %s %s\n",
			fixPlace(m.Key), moved, f.Rule.Description, m.Dest, m.Name, will, m.Read)
	}
	cleared := "cleared"
	if dryRun {
		cleared = "would clear"
	}
	for _, k := range p.Cleared {
		fmt.Fprintf(w, "keyguard: %s: cell %d, output %d: %s the output that shows %s (run the cell again once the key is in the environment)\n",
			report.DisplayPath(k.Path), k.Cell, k.Output, cleared, k.Finding.Rule.Description)
	}
	stays := "stays in %s, an environment file that git ignores"
	if dryRun {
		stays = "would stay in %s, an environment file that git would ignore"
	}
	for _, m := range kept {
		f := m.Key.Finding
		fmt.Fprintf(w, "keyguard: %s: %s (%s, %s) "+stays+"\n",
			fixPlace(m.Key), f.Rule.Description, f.Rule.ID, f.Secret, report.DisplayPath(m.Key.Path))
	}
	for _, m := range p.Manual {
		f := m.Key.Finding
		fmt.Fprintf(w, "keyguard: %s: %s (%s, %s) needs your action: %s\n",
			fixPlace(m.Key), f.Rule.Description, f.Rule.ID, f.Secret, m.Reason)
		fmt.Fprintf(w, "hint: %s\n", m.Hint)
	}
}

// fixPlace says where a key is: path:line:column, or its notebook cell.
func fixPlace(k fix.Key) string {
	f := report.Finding{Path: k.Path, Line: k.Finding.Line, Column: k.Finding.Column,
		Cell: k.Cell, Output: k.Output, CellLine: k.CellLine}
	if cell := report.CellPlace(f); cell != "" {
		return report.DisplayPath(k.Path) + ": " + cell
	}
	return fmt.Sprintf("%s:%d:%d", report.DisplayPath(k.Path), k.Finding.Line, k.Finding.Column)
}

// writeFixSummary counts what was (or would be) fixed.
func writeFixSummary(w io.Writer, p *fix.Plan, kept int, dryRun bool) {
	fixed := len(p.Moved) + len(p.Cleared) + kept
	total := fixed + len(p.Manual)
	switch {
	case total == 0:
		fmt.Fprintln(w, "keyguard: no keys found in the files scanned; nothing to move")
	case dryRun:
		fmt.Fprintf(w, "keyguard: would fix %d of %d %s\n", fixed, total, report.Plural(total, "key", "keys"))
	default:
		fmt.Fprintf(w, "keyguard: fixed %d of %d %s\n", fixed, total, report.Plural(total, "key", "keys"))
	}
	if fixed > 0 {
		fmt.Fprintln(w, "hint: a key that was ever committed or shared is exposed: revoke and rotate it as well")
	}
}

package secretfiles

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/keyguard/keyguard/coverage"
	"github.com/keyguard/keyguard/detect"
	"github.com/keyguard/keyguard/git"
	"github.com/keyguard/keyguard/internal/atomicfile"
	"github.com/keyguard/keyguard/internal/filelock"
	"github.com/keyguard/keyguard/report"
)

// ErrUnresolved is returned when fix-ignore did all it could but some
// sensitive file still needs the user's action (a tracked file, or a file a
// deeper "!" rule re-includes).
var ErrUnresolved = errors.New("some secret files still need your action")

// FixOptions configures FixIgnore.
type FixOptions struct {
	Repo      *git.Repo
	Catalogue *coverage.Catalogue // nil: the default catalogue
	Engine    *detect.Engine      // nil: the built-in rules
	DryRun    bool
	Out       io.Writer
	Skip      func(rel string) bool                   // paths the configuration allows
	Keep      func(rel string, f detect.Finding) bool // keys the configuration allows

	afterRead func() // tests widen the read-modify-write window with it
}

// plan is what fix-ignore will do.
type plan struct {
	targets []File   // files the new lines must make git ignore
	lines   []string // lines for the root .gitignore, in order, deduplicated
	tracked []File   // files that stay committed whatever .gitignore says
}

// FixIgnore appends to the root .gitignore the entries that make git ignore
// every sensitive file it does not ignore yet, then verifies each with git.
func FixIgnore(ctx context.Context, o FixOptions) error {
	if o.Catalogue == nil {
		o.Catalogue = coverage.Default()
	}
	if o.Engine == nil {
		e, err := detect.New(detect.Options{})
		if err != nil {
			return err
		}
		o.Engine = e
	}
	// Ignored files are listed too: one ignored only on this machine gets a
	// shared entry, so teammates' clones ignore it as well.
	files, err := Inventory(ctx, Options{Repo: o.Repo, Catalogue: o.Catalogue, Engine: o.Engine, Ignored: true, Skip: o.Skip, Keep: o.Keep})
	if err != nil {
		return err
	}
	p, err := makePlan(o.Catalogue, files)
	if err != nil {
		return err
	}
	// The project's standard secret files are ignored before they exist.
	std, err := MissingStandard(ctx, o.Repo, o.Catalogue)
	if err != nil {
		return err
	}
	fileLines := map[string]bool{}
	for _, l := range p.lines {
		fileLines[l] = true
	}
	for _, s := range std {
		p.lines = append(p.lines, s.Lines...)
	}
	// Two runs at once must not both append the same entries: the read,
	// the append and the write happen under a lock in the git directory.
	unlock, err := filelock.Lock(filepath.Join(o.Repo.GitDir, "keyguard-fix-ignore.lock"))
	if err != nil {
		return err
	}
	defer unlock()
	gitignore := filepath.Join(o.Repo.Top, ".gitignore")
	old, err := os.ReadFile(gitignore)
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("read .gitignore: %w", err)
	}
	if o.afterRead != nil {
		o.afterRead()
	}
	updated, added := coverage.Append(old, p.lines)

	if len(added) == 0 && len(p.targets) == 0 && len(p.tracked) == 0 {
		fmt.Fprintln(o.Out, "keyguard: every secret file is already ignored; nothing to do")
		return nil
	}
	if o.DryRun {
		return describeDryRun(ctx, o, p, added, func() { writeWhy(o.Out, std, added, fileLines, "would add") })
	}
	if len(added) > 0 {
		if err := atomicfile.WriteWithin(o.Repo.Top, gitignore, updated, 0o644); err != nil {
			return fmt.Errorf("update .gitignore: %w", err)
		}
		fmt.Fprintf(o.Out, "keyguard: added %d %s to .gitignore:\n", len(added), report.Plural(len(added), "entry", "entries"))
		for _, l := range added {
			fmt.Fprintf(o.Out, "    %s\n", l)
		}
		writeWhy(o.Out, std, added, fileLines, "added")
	}
	return verify(ctx, o, p)
}

// makePlan picks the .gitignore lines for every sensitive file that git does
// not ignore through the repository's own rules.
func makePlan(cat *coverage.Catalogue, files []File) (plan, error) {
	var p plan
	seen := map[string]bool{}
	for _, f := range files {
		switch f.State {
		case Ignored:
			continue
		case Tracked, Staged:
			p.tracked = append(p.tracked, f)
			if f.Ignore.Ignored && f.Ignore.Shared {
				continue // already covered; only untracking is left
			}
		}
		lines, err := cat.IgnoreLines(f.Path, f.Entry)
		if err != nil {
			return p, fmt.Errorf("%s: %w", report.DisplayPath(f.Path), err)
		}
		p.targets = append(p.targets, f)
		for _, l := range lines {
			if !seen[l] {
				seen[l] = true
				p.lines = append(p.lines, l)
			}
		}
	}
	return p, nil
}

// describeDryRun prints the lines that would be added and, for each, which
// other files git says it would also ignore.
func describeDryRun(ctx context.Context, o FixOptions, p plan, added []string, why func()) error {
	if len(added) > 0 {
		fmt.Fprintf(o.Out, "keyguard: would add %d %s to .gitignore:\n", len(added), report.Plural(len(added), "entry", "entries"))
		for _, l := range added {
			fmt.Fprintf(o.Out, "    %s\n", l)
			if strings.HasPrefix(l, "!") || strings.HasPrefix(l, "#") {
				continue
			}
			matched, err := o.Repo.MatchIgnorePattern(ctx, l)
			if err != nil {
				return err
			}
			if len(matched.Untracked) > 0 {
				fmt.Fprintf(o.Out, "        would ignore: %s\n", listPaths(matched.Untracked))
			}
			if len(matched.Tracked) > 0 {
				fmt.Fprintf(o.Out, "        matches tracked files (they stay tracked): %s\n", listPaths(matched.Tracked))
			}
		}
	}
	why()
	for _, f := range p.tracked {
		writeTracked(o.Out, f)
	}
	fmt.Fprintln(o.Out, "keyguard: dry run: nothing was changed")
	return nil
}

// verify asks git whether every target is now ignored and explains the ones
// that are not.
func verify(ctx context.Context, o FixOptions, p plan) error {
	var paths []string
	for _, f := range p.targets {
		paths = append(paths, f.Path)
	}
	sources, err := o.Repo.CheckIgnore(ctx, paths)
	if err != nil {
		return fmt.Errorf("verify .gitignore: %w", err)
	}
	shared, err := o.Repo.SharedIgnored(ctx, paths)
	if err != nil {
		return fmt.Errorf("verify .gitignore: %w", err)
	}
	unresolved := false
	var ok []string
	for i, src := range sources {
		f := p.targets[i]
		switch {
		case src.Ignored && !shared[f.Path]:
			unresolved = true
			fmt.Fprintf(o.Out, "keyguard: %s is ignored only on this machine (%s:%d %q): a .gitignore rule in the repository re-includes it for every clone\n",
				report.DisplayPath(f.Path), src.File, src.Line, src.Pattern)
			fmt.Fprintf(o.Out, "hint: find the \"!\" rule in a .gitignore in its directory or above (git check-ignore -v on a fresh clone names it), remove or narrow it, then run keyguard fix-ignore again\n")
		case src.Ignored:
			if f.State != Tracked && f.State != Staged {
				ok = append(ok, f.Path)
			}
		case src.File != "":
			unresolved = true
			fmt.Fprintf(o.Out, "keyguard: %s is still not ignored: %s:%d %q re-includes it\n",
				report.DisplayPath(f.Path), src.File, src.Line, src.Pattern)
			fmt.Fprintf(o.Out, "hint: remove or narrow that rule, then run keyguard fix-ignore again\n")
		default:
			unresolved = true
			fmt.Fprintf(o.Out, "keyguard: %s is still not ignored, and no rule explains why\n", report.DisplayPath(f.Path))
		}
	}
	if len(ok) > 0 {
		fmt.Fprintf(o.Out, "keyguard: now ignored: %s\n", listPaths(ok))
	}
	for _, f := range p.tracked {
		writeTracked(o.Out, f)
		unresolved = true
	}
	if unresolved {
		return ErrUnresolved
	}
	return nil
}

// writeWhy says which added lines are standard entries for the project,
// and why: the files they are for may not exist yet.
func writeWhy(w io.Writer, std []Standard, added []string, fileLines map[string]bool, verb string) {
	isAdded := map[string]bool{}
	for _, l := range added {
		isAdded[l] = !fileLines[l] // lines for files that exist are explained by them
	}
	for _, s := range std {
		var mine []string
		for _, l := range s.Lines {
			if isAdded[l] {
				mine = append(mine, l)
				isAdded[l] = false // name each line once
			}
		}
		if len(mine) > 0 {
			fmt.Fprintf(w, "keyguard: %s %s for this %s (%s), before those files exist: a secret file created later cannot be committed by git add\n",
				verb, strings.Join(mine, " "), s.Ecosystem.Name, s.Ecosystem.Reason)
		}
	}
}

func writeTracked(w io.Writer, f File) {
	fmt.Fprintf(w, "keyguard: %s is %s: .gitignore does not stop git from committing it\n", report.DisplayPath(f.Path), f.State)
	fmt.Fprintf(w, "hint: git rm --cached -- %s   (stop tracking it; your copy stays), then commit\n", report.ShellQuote(f.Path))
	if f.State == Tracked {
		fmt.Fprintln(w, "hint: it is in history already: revoke and rotate every key it holds")
	}
}

func listPaths(paths []string) string {
	const max = 10
	shown := make([]string, 0, len(paths))
	for i, p := range paths {
		if i == max {
			shown = append(shown, fmt.Sprintf("and %d more", len(paths)-max))
			break
		}
		shown = append(shown, report.DisplayPath(p))
	}
	return strings.Join(shown, ", ")
}

package hook

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/keyguard/keyguard/git"
	"github.com/keyguard/keyguard/install"
	"github.com/keyguard/keyguard/report"
	"github.com/keyguard/keyguard/scan"
	"github.com/keyguard/keyguard/secretfiles"
)

// ErrUnguarded means status found a hook that keyguard is not in force on:
// git will commit (or push, or merge) without keyguard's check. status
// exits 1 for it.
var ErrUnguarded = errors.New("unguarded")

// StatusOptions configures Status.
type StatusOptions struct {
	Install install.Options
	Out     io.Writer
}

// Status reports whether git will run the guard, and where every sensitive
// file in the repository stands: ignored (by the repository or only on this
// machine), untracked and not ignored, staged, or tracked.
func Status(ctx context.Context, o StatusOptions) error {
	hooks, err := install.Inspect(ctx, o.Install)
	if err != nil {
		return err
	}
	var gaps []string
	problems := 0
	for _, h := range hooks {
		writeHookStatus(o.Out, h)
		problems += len(h.Problems)
		if !h.OptedOut && !h.InForce() {
			gaps = append(gaps, h.Name)
		}
	}

	policy, err := scan.LoadPolicy(o.Install.Repo.Top)
	if err != nil {
		return err
	}
	files, err := secretfiles.Inventory(ctx, secretfiles.Options{
		Repo: o.Install.Repo, Catalogue: policy.Config.Catalogue, Engine: policy.Engine(), Ignored: true,
		Skip: policy.PathAllowed, Keep: policy.Keep,
	})
	if err != nil {
		return err
	}
	if len(files) == 0 {
		fmt.Fprintln(o.Out, "keyguard: no secret files found in the work tree")
		return unguarded(o.Out, gaps, problems)
	}
	fmt.Fprintf(o.Out, "keyguard: %d secret %s:\n", len(files), report.Plural(len(files), "file", "files"))
	needFix, needUntrack := false, false
	for _, f := range files {
		detail := f.Entry.Description
		if len(f.Keys) > 0 {
			detail += fmt.Sprintf(", %d %s", len(f.Keys), report.Plural(len(f.Keys), "key", "keys"))
		}
		var state string
		switch f.State {
		case secretfiles.Ignored:
			state = "ignored"
			detail += fmt.Sprintf("; %s:%d %s", f.Ignore.File, f.Ignore.Line, f.Ignore.Pattern)
		case secretfiles.LocalIgnored:
			state = "LOCAL ONLY"
			detail += fmt.Sprintf("; ignored only on this machine by %s:%d %s", f.Ignore.File, f.Ignore.Line, f.Ignore.Pattern)
			needFix = true
		case secretfiles.Untracked:
			state = "NOT IGNORED"
			needFix = true
		case secretfiles.Staged:
			state = "STAGED"
			needUntrack = true
		case secretfiles.Tracked:
			state = "TRACKED"
			needUntrack = true
		}
		fmt.Fprintf(o.Out, "    %-12s %s  (%s)\n", state, report.DisplayPath(f.Path), detail)
	}
	if needFix {
		fmt.Fprintln(o.Out, "hint: keyguard fix-ignore adds the missing .gitignore entries")
	}
	if needUntrack {
		fmt.Fprintln(o.Out, "hint: git rm --cached -- <file> stops tracking a file (your copy stays); revoke and rotate keys that were committed")
	}
	return unguarded(o.Out, gaps, problems)
}

// unguarded ends status: a summary line, and ErrUnguarded when a hook is
// not in force. A problem that leaves the hook in force (a file teammates
// lack, a fragile binary path) is reported but exits 0.
func unguarded(w io.Writer, gaps []string, problems int) error {
	if len(gaps) == 0 {
		if problems > 0 {
			fmt.Fprintf(w, "keyguard: every hook is in force; %d %s above %s a fix\n", problems, report.Plural(problems, "problem", "problems"), report.Plural(problems, "needs", "need"))
			return nil
		}
		fmt.Fprintln(w, "keyguard: every hook is in force")
		return nil
	}
	fmt.Fprintf(w, "keyguard: not in force: %s (each problem above has its fix)\n", joinNames(gaps))
	return ErrUnguarded
}

// joinNames lists names as "a, b and c".
func joinNames(names []string) string {
	if len(names) == 1 {
		return names[0]
	}
	out := ""
	for i, n := range names {
		switch {
		case i == 0:
		case i == len(names)-1:
			out += " and "
		default:
			out += ", "
		}
		out += n
	}
	return out
}

// WarnUnguarded prints, for a command other than status, that hooks keyguard
// installed in this repository are no longer in force and how to restore
// them: whatever a hook manager did, the guard's absence is never silent.
// It says nothing where keyguard was never installed.
func WarnUnguarded(ctx context.Context, o install.Options, w io.Writer) {
	if !install.WasInstalled(o) {
		return
	}
	hooks, err := install.Inspect(ctx, o)
	if err != nil {
		return
	}
	for _, h := range hooks {
		if h.OptedOut || h.InForce() || !h.WasInstalled {
			continue // install already said why a hook it never wired is not guarded
		}
		for _, p := range h.Problems {
			fmt.Fprintf(w, "keyguard: warning: %s: %s\n", h.Name, p.Problem)
			if p.Fix != "" {
				fmt.Fprintf(w, "hint: %s\n", p.Fix)
			}
			break // the first problem is why it is not in force
		}
	}
}

func writeHookStatus(w io.Writer, h install.HookStatus) {
	switch {
	case !h.Installed():
		fmt.Fprintf(w, "keyguard: %s: not installed\n", h.Name)
	case h.GitRuns:
		fmt.Fprintf(w, "keyguard: %s: installed in %s, git runs it", h.Name, h.Script)
		if h.Manager != "" {
			fmt.Fprintf(w, " through %s", h.Manager)
		}
		if h.BinaryVersion != "" {
			fmt.Fprintf(w, " (keyguard %s)", h.BinaryVersion)
		}
		fmt.Fprintln(w)
	default:
		fmt.Fprintf(w, "keyguard: %s: installed in %s, but git does not run it\n", h.Name, h.Script)
	}
	if h.HooksPath != "" {
		fmt.Fprintf(w, "    core.hooksPath = %s\n", h.HooksPath)
	}
	for _, k := range h.Kept {
		runs := "runs first"
		if !k.Runs {
			runs = "not executable, so it does not run"
		}
		fmt.Fprintf(w, "    your previous hook is kept: %s (%s)\n", k.Path, runs)
	}
	if h.Installed() && h.Binary != "" {
		fmt.Fprintf(w, "    binary: %s\n", h.Binary)
	}
	switch {
	case h.FromTemplate:
		fmt.Fprintln(w, "    from keyguard's git template (install --template): runs the per-user keyguard; keyguard install gives this repository its own copy")
	case h.Moved:
		fmt.Fprintln(w, "    the repository moved since install: the hook finds its keyguard through git")
	}
	for _, p := range h.Problems {
		fmt.Fprintf(w, "keyguard: problem: %s\n", p.Problem)
		if p.Fix != "" {
			fmt.Fprintf(w, "hint: %s\n", p.Fix)
		}
	}
}

// FixIgnore runs fix-ignore with the repository's configuration: its
// sensitive-file list, rules and allowlists.
func FixIgnore(ctx context.Context, repo *git.Repo, dryRun bool, out io.Writer) error {
	policy, err := scan.LoadPolicy(repo.Top)
	if err != nil {
		return err
	}
	return secretfiles.FixIgnore(ctx, secretfiles.FixOptions{
		Repo: repo, Catalogue: policy.Config.Catalogue, Engine: policy.Engine(), DryRun: dryRun, Out: out,
		Skip: policy.PathAllowed, Keep: policy.Keep,
	})
}

// SuggestStandard tells the user of install which standard .gitignore
// entries the project lacks (a Streamlit app's secrets.toml, every
// project's .env), before those files exist. It only suggests: install
// never edits .gitignore. A failure to tell is silent; install succeeded.
func SuggestStandard(ctx context.Context, repo *git.Repo, out io.Writer) {
	policy, err := scan.LoadPolicy(repo.Top)
	if err != nil {
		return
	}
	std, err := secretfiles.MissingStandard(ctx, repo, policy.Config.Catalogue)
	if err != nil || len(std) == 0 {
		return
	}
	for _, s := range std {
		fmt.Fprintf(out, "keyguard: .gitignore does not yet cover the secret files of this %s (%s): %s\n",
			s.Ecosystem.Name, s.Ecosystem.Reason, strings.Join(s.Lines, " "))
	}
	fmt.Fprintln(out, "hint: keyguard fix-ignore adds them now, before the files exist")
}

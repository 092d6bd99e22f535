// Package install puts keyguard where git runs it, and takes it away again.
//
// Where git runs hooks from a directory outside the work tree (.git/hooks,
// or a core.hooksPath elsewhere), keyguard writes its own small hook script
// there; a user's existing hook is renamed to <hook>.keyguard-chained and
// runs first. Where core.hooksPath points inside the work tree (husky, a
// committed .githooks), keyguard never writes a binary among the user's files:
// it appends a marked block to the user's hook script instead, which runs
// keyguard when the clone has it installed. Either way the keyguard binary is
// copied to <common git dir>/keyguard/keyguard, so the hook needs neither
// PATH nor the build folder, and a state file beside it records what was
// written so that uninstall removes exactly that.
//
// Output policy: messages go to Options.Out, one line each, prefixed
// "keyguard: ", lowercase, no trailing period; the fix for a problem follows
// on a line starting "hint: ". Errors are returned, not printed: main prints
// them as the one-line reason.
package install

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/keyguard/keyguard/git"
	"github.com/keyguard/keyguard/internal/atomicfile"
)

// Options is what install, uninstall and status need.
type Options struct {
	Repo    *git.Repo
	Self    string // absolute path of the running keyguard binary (symlinks resolved)
	Version string // keyguard's version
	// Force rewrites keyguard's hook and binary even when they look current.
	// It also settles one conflict without losing a file: when a foreign hook
	// sits in the slot and a kept hook already exists, the foreign one is kept
	// too (as <hook>.keyguard-chained.2, .3, ...) and every kept hook runs.
	Force bool
	// Skip names managed hooks not to install (install --no-pre-push); a
	// skipped hook keyguard installed earlier is left as it is.
	Skip []string
	Out  io.Writer
}

// skips reports whether this install leaves hook name out.
func (o Options) skips(name string) bool {
	for _, s := range o.Skip {
		if s == name {
			return true
		}
	}
	return false
}

// run is one install or uninstall in progress: the options and the places
// derived from them.
type run struct {
	Options
	binDir string // <common dir>/keyguard
	binary string // <common dir>/keyguard/keyguard
	// createdDirs are the script directories this run created, so a second
	// hook's script there records them as created too, and uninstall removes
	// the directory with whichever script goes last.
	createdDirs map[string]bool
}

func newRun(o Options) (*run, error) {
	if o.Repo == nil {
		return nil, errors.New("install: no repository given")
	}
	if o.Out == nil {
		o.Out = io.Discard
	}
	binDir := filepath.Join(o.Repo.CommonDir, "keyguard")
	return &run{Options: o, binDir: binDir, binary: filepath.Join(binDir, "keyguard"), createdDirs: map[string]bool{}}, nil
}

func (r *run) say(format string, args ...any) {
	fmt.Fprintf(r.Out, "keyguard: "+format+"\n", args...)
}

func (r *run) hint(format string, args ...any) {
	fmt.Fprintf(r.Out, "hint: "+format+"\n", args...)
}

// show returns p as the user should read it: relative to the top of the work
// tree when it lies inside, absolute otherwise.
func (r *run) show(p string) string {
	if rel, ok := r.Repo.Rel(p); ok {
		return rel
	}
	return p
}

// layout is how keyguard is wired into one hook.
type layout int

const (
	layoutScript layout = iota // keyguard's own script in the hook slot
	layoutBlock                // keyguard's block inside the user's hook script
)

// target is where one hook goes in this repository.
type target struct {
	hook   hookDef
	layout layout
	dir    string // the directory git runs hooks from
	slot   string // the file git runs: dir/<hook>
	script string // layoutBlock: the user script holding the block
	husky  bool   // dir is husky v9's .husky/_, whose shims run .husky/<hook>
}

// resolve decides where hook h goes. A hooks directory inside the work tree
// holds the user's (usually committed) files, so it gets a block, never a
// script or binary of keyguard's own.
func resolve(repo *git.Repo, h hookDef) target {
	t := target{hook: h, dir: repo.HooksDir, slot: filepath.Join(repo.HooksDir, h.Name)}
	if !insideWorkTree(repo, repo.HooksDir) {
		if legacy, ok := preCommitLegacy(t.slot); ok {
			t.slot = legacy
		}
		return t
	}
	t.layout, t.script = layoutBlock, t.slot
	if isHusky(repo.HooksDir) {
		t.husky = true
		t.script = filepath.Join(filepath.Dir(repo.HooksDir), h.Name)
	}
	return t
}

// insideWorkTree reports whether p lies in the work tree proper, not in a git
// directory nested in it.
func insideWorkTree(repo *git.Repo, p string) bool {
	if _, ok := repo.Rel(p); !ok {
		return false
	}
	return !within(repo.CommonDir, p) && !within(repo.GitDir, p)
}

// defaultHooksDir is where git looks when core.hooksPath is unset.
func defaultHooksDir(repo *git.Repo) string { return filepath.Join(repo.CommonDir, "hooks") }

// Install makes every managed git hook run keyguard, keeping and chaining
// the hooks the user already had. Run again, it changes nothing unless
// keyguard's hook or binary is outdated (or Force is set).
func Install(ctx context.Context, o Options) error {
	r, err := newRun(o)
	if err != nil {
		return err
	}
	if r.Self == "" {
		return errors.New("install: the path of the keyguard binary is unknown")
	}
	old, err := loadState(r.binDir)
	if err != nil {
		return err
	}
	if m := detectManager(r.Repo); m.name != "" && m.guide != "" {
		r.say("%s", m.guide)
		if m.name == "pre-commit" {
			r.hint("to have pre-commit run keyguard instead, add these lines under repos: in .pre-commit-config.yaml, run pre-commit install --hook-type pre-commit --hook-type pre-push --hook-type pre-merge-commit, then keyguard uninstall")
			for _, l := range preCommitConfigLines(r.Version) {
				fmt.Fprintln(r.Out, l)
			}
		}
	}
	if usesLefthook(r) {
		var hooks []hookDef
		for _, h := range managedHooks() {
			if !r.skips(h.Name) {
				hooks = append(hooks, h)
			}
		}
		return r.installLefthook(ctx, old, hooks)
	}
	var targets []target
	next := state{Format: 1, Keyguard: r.Version}
	for _, h := range managedHooks() {
		if r.skips(h.Name) {
			if _, ok := old.installed(h.Name); !ok {
				next.Skipped = append(next.Skipped, h.Name)
			}
			continue
		}
		t := resolve(r.Repo, h)
		if t.layout == layoutBlock && !h.Create && !lexists(t.script) {
			r.say("%s does not exist, so keyguard does not check %s", r.show(t.script), h.events())
			r.hint("to check %s too: %s", h.events(), createScriptFix(r.Repo, t))
			continue
		}
		if t.layout == layoutBlock {
			if c, err := os.ReadFile(t.script); err == nil {
				if _, ok := findBlock(c, h); !ok && scriptRunsKeyguard(c, h) {
					r.say("%s already runs keyguard %s by hand, so keyguard adds no block (it would run twice)", r.show(t.script), h.command())
					continue
				}
			}
		}
		targets = append(targets, t)
	}
	// Refuse before writing anything, so a refusal leaves no half install.
	for _, t := range targets {
		if err := r.preflight(t); err != nil {
			return err
		}
	}

	bc, err := placeBinary(r.Self, r.binary, r.Force)
	if err != nil {
		return err
	}
	changed := bc != binaryKept
	switch bc {
	case binaryCreated:
		r.say("copied keyguard %s to %s, where the hook runs it", r.Version, r.show(r.binary))
	case binaryUpdated:
		r.say("updated the keyguard binary at %s to %s", r.show(r.binary), r.Version)
	case binaryRewritten:
		r.say("rewrote the keyguard binary at %s", r.show(r.binary))
	}

	for _, t := range targets {
		var rec hookRecord
		var c bool
		if t.layout == layoutScript {
			rec, c, err = r.installScript(t)
		} else {
			prev, _ := old.record(t.hook.Name, t.script)
			rec, c, err = r.installBlock(ctx, t, prev)
		}
		if err != nil {
			return err
		}
		changed = changed || c
		next.Hooks = append(next.Hooks, rec)
		r.noteStale(t)
	}
	// Keep records of earlier installs elsewhere (core.hooksPath changed since),
	// so uninstall still finds them.
	for _, rec := range old.Hooks {
		if _, ok := next.record(rec.Name, rec.Path); !ok {
			next.Hooks = append(next.Hooks, rec)
		}
	}
	if _, err := saveState(r.binDir, next); err != nil {
		return err
	}

	if !changed {
		for _, t := range targets {
			where := t.slot
			if t.layout == layoutBlock {
				where = t.script
			}
			r.say("already installed: %s runs keyguard %s, nothing changed", r.show(where), r.Version)
		}
	}
	return nil
}

// preflight refuses the conflicts that install must not resolve on its own.
func (r *run) preflight(t target) error {
	if t.layout == layoutBlock {
		return r.preflightBlock(t)
	}
	fi, err := os.Lstat(t.slot)
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("inspect %s: %w", t.slot, err)
	}
	if fi.IsDir() {
		return fmt.Errorf("%s is a directory, not a hook; move it away and run keyguard install again", r.show(t.slot))
	}
	if ours, err := holdsOurHook(t.slot, fi); err != nil || ours {
		return err
	}
	if isPreCommitHook(t.slot) {
		// .legacy holds a hook that is not keyguard's: pre-commit runs it,
		// and chaining pre-commit's own script would run pre-commit twice.
		r.hint("add keyguard to .pre-commit-config.yaml (docs/hook-managers.md), or make %s run keyguard hook %s at its end", r.show(t.slot+".legacy"), t.hook.command())
		return fmt.Errorf("%s is pre-commit's hook and %s holds another hook; keyguard does not chain pre-commit's hook, changed neither",
			r.show(t.slot), r.show(t.slot+".legacy"))
	}
	kept := t.slot + chainedSuffix
	if lexists(kept) && !r.Force && !sameFile(t.slot, kept) {
		r.hint("keep both with keyguard install --force (each runs before keyguard, %s first), or merge them into %s, delete %s and run keyguard install",
			filepath.Base(kept), filepath.Base(t.slot), filepath.Base(kept))
		return fmt.Errorf("%s is not keyguard's hook and %s already holds a hook keyguard kept; changed neither",
			r.show(t.slot), r.show(kept))
	}
	return nil
}

// sameFile reports whether a and b are regular files with the same bytes.
func sameFile(a, b string) bool {
	ca, err := os.ReadFile(a)
	if err != nil {
		return false
	}
	cb, err := os.ReadFile(b)
	return err == nil && bytes.Equal(ca, cb)
}

// holdsOurHook reports whether the regular file name (described by fi) is
// keyguard's own hook script. A symlink is never ours: keyguard writes files.
func holdsOurHook(name string, fi fs.FileInfo) (bool, error) {
	if !fi.Mode().IsRegular() {
		return false, nil
	}
	content, err := os.ReadFile(name)
	if err != nil {
		return false, fmt.Errorf("read %s: %w", name, err)
	}
	return isOurHook(content), nil
}

// installScript puts keyguard's own script in the hook slot, keeping a
// user's hook that is there under the .keyguard-chained name.
func (r *run) installScript(t target) (hookRecord, bool, error) {
	rec := hookRecord{Name: t.hook.Name, Kind: kindScript, Path: t.slot}
	if err := os.MkdirAll(t.dir, 0o755); err != nil {
		return rec, false, fmt.Errorf("create hooks directory %s: %w", t.dir, err)
	}
	var content []byte
	var mode fs.FileMode
	fi, err := os.Lstat(t.slot)
	exists := err == nil
	ours := false
	if exists {
		mode = fi.Mode()
		if mode.IsRegular() {
			if content, err = os.ReadFile(t.slot); err != nil {
				return rec, false, fmt.Errorf("read %s: %w", t.slot, err)
			}
			ours = isOurHook(content)
		}
	}

	// A foreign hook moves aside; rename keeps its bytes, its mode, and a
	// relative symlink's target (same directory).
	kept := ""
	if exists && !ours && sameFile(t.slot, t.slot+chainedSuffix) {
		// A manager wrote the same hook again: it is kept already, and
		// keeping it twice would run it twice.
		if err := os.Remove(t.slot); err != nil {
			return rec, false, fmt.Errorf("remove %s: %w", t.slot, err)
		}
		r.say("%s was the same hook keyguard already keeps as %s, so it is not kept twice", r.show(t.slot), r.show(t.slot+chainedSuffix))
		exists = false
	}
	if exists && !ours {
		kept = t.slot + chainedSuffix
		if lexists(kept) { // only with --force: preflight refused otherwise
			kept = freeKeptSlot(t.dir, t.hook.Name)
		}
		if err := os.Rename(t.slot, kept); err != nil {
			return rec, false, fmt.Errorf("keep the existing hook %s as %s: %w", t.slot, kept, err)
		}
	}
	if strings.HasSuffix(t.slot, ".legacy") {
		if err := r.dropPreCommitCopies(t); err != nil {
			return rec, false, err
		}
	}
	names, err := keptHooks(t.dir, t.hook.Name)
	if err != nil {
		return rec, false, err
	}
	if len(names) == 0 || names[0] != t.hook.Name+chainedSuffix {
		// The first slot is always listed, so the script is the same with or
		// without a user hook.
		names = append([]string{t.hook.Name + chainedSuffix}, names...)
	}
	if ours {
		// Lines another tool appended to keyguard's script become a kept
		// hook of their own, which runs before keyguard like any other.
		if extra := appendedLines(t.hook, content, names); extra != "" {
			p := filepath.Join(t.dir, t.hook.Name+chainedSuffix)
			if lexists(p) {
				p = freeKeptSlot(t.dir, t.hook.Name)
			}
			if err := atomicfile.WriteMode(p, []byte("#!/bin/sh\n"+extra), 0o755); err != nil {
				return rec, false, err
			}
			r.say("moved the lines appended to keyguard's %s hook to %s, which runs before keyguard", t.hook.Name, r.show(p))
			if names, err = keptHooks(t.dir, t.hook.Name); err != nil {
				return rec, false, err
			}
			if names[0] != t.hook.Name+chainedSuffix {
				names = append([]string{t.hook.Name + chainedSuffix}, names...)
			}
		}
	}
	want := hookScript(t.hook, r.binary, names)
	if ours && string(content) == want && mode.Perm()&0o111 != 0 && !r.Force {
		return rec, false, nil
	}
	if err := atomicfile.WriteMode(t.slot, []byte(want), 0o755); err != nil {
		if kept != "" {
			_ = os.Rename(kept, t.slot) // put the user's hook back where it was
		}
		return rec, false, err
	}

	switch {
	case ours && r.Force && string(content) == want:
		r.say("rewrote keyguard's %s hook at %s", t.hook.Name, r.show(t.slot))
	case ours:
		r.say("updated keyguard's %s hook at %s", t.hook.Name, r.show(t.slot))
	default:
		r.say("installed the %s hook at %s: every %s runs keyguard %s", t.hook.Name, r.show(t.slot), t.hook.Event, r.Version)
	}
	if strings.HasSuffix(t.slot, ".legacy") && !ours {
		r.say("pre-commit's hook %s runs %s first and keeps it when pre-commit install runs again", r.show(filepath.Join(t.dir, t.hook.Name)), filepath.Base(t.slot))
	}
	if kept != "" {
		if isExecutable(kept) {
			r.say("kept your %s hook as %s; it runs before keyguard, as before", t.hook.Name, r.show(kept))
		} else {
			r.say("kept your %s hook as %s; it is not executable, so git did not run it and keyguard will not either", t.hook.Name, r.show(kept))
			r.hint("chmod +x %s to run it before keyguard", shWord(r.show(kept)))
		}
	}
	if hp := r.hooksPathNote(); hp != "" {
		r.say("%s", hp)
	}
	return rec, true, nil
}

// hooksPathNote explains why the hook went somewhere other than .git/hooks.
func (r *run) hooksPathNote() string {
	if r.Repo.HooksDir == defaultHooksDir(r.Repo) {
		return ""
	}
	return "core.hooksPath is set, so the hook went to " + r.show(r.Repo.HooksDir) + ", where git runs hooks from"
}

// preflightBlock refuses a user script that keyguard must not edit, and
// prints the lines to add by hand instead.
func (r *run) preflightBlock(t target) error {
	fi, err := os.Lstat(t.script)
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("inspect %s: %w", t.script, err)
	}
	reason := ""
	switch {
	case fi.Mode()&fs.ModeSymlink != 0:
		reason = "is a symlink"
	case !fi.Mode().IsRegular():
		reason = "is not a regular file"
	default:
		content, err := os.ReadFile(t.script)
		if err != nil {
			return fmt.Errorf("read %s: %w", t.script, err)
		}
		if _, ok := findBlock(content, t.hook); ok {
			return nil
		}
		if shell, ok := scriptShell(content); !ok {
			reason = "is a " + shell + " script, not a POSIX shell script"
			if shell == "a binary file" {
				reason = "is a binary file, not a shell script"
			}
		}
	}
	if reason == "" {
		return nil
	}
	r.hint("add keyguard to %s by hand: run these lines (or their equivalent) at its end, then commit it", r.show(t.script))
	for _, l := range blockLines(t.hook) {
		fmt.Fprintln(r.Out, l)
	}
	return fmt.Errorf("%s %s; keyguard left it unchanged", r.show(t.script), reason)
}

// installBlock adds keyguard's block to the user's hook script, or creates
// the script holding just the block. prev is the state's earlier record.
func (r *run) installBlock(ctx context.Context, t target, prev hookRecord) (hookRecord, bool, error) {
	rec := hookRecord{Name: t.hook.Name, Kind: kindBlock, Path: t.script, Created: prev.Created, CreatedDir: prev.CreatedDir, AddedNewline: prev.AddedNewline}
	content, err := os.ReadFile(t.script)
	missing := errors.Is(err, fs.ErrNotExist)
	if err != nil && !missing {
		return rec, false, fmt.Errorf("read %s: %w", t.script, err)
	}
	if missing {
		dir := filepath.Dir(t.script)
		createdDir := !lexists(dir) || r.createdDirs[dir]
		r.createdDirs[dir] = createdDir
		if err := os.MkdirAll(dir, 0o755); err != nil {
			return rec, false, fmt.Errorf("create %s: %w", dir, err)
		}
		if err := atomicfile.WriteMode(t.script, []byte(createdScript(t.hook)), 0o755); err != nil {
			return rec, false, err
		}
		rec.Created, rec.CreatedDir, rec.AddedNewline = true, createdDir, false
		r.say("created %s, which runs keyguard on every %s", r.show(t.script), t.hook.Event)
		r.afterBlock(ctx, t)
		return rec, true, nil
	}

	fi, err := os.Stat(t.script)
	if err != nil {
		return rec, false, fmt.Errorf("inspect %s: %w", t.script, err)
	}
	eol := lineEnding(content)
	want := blockText(t.hook, eol)
	var next []byte
	if sp, ok := findBlock(content, t.hook); ok {
		if string(content[sp.start:sp.end]) == want {
			return rec, false, nil
		}
		next = append(append(append([]byte{}, content[:sp.start]...), want...), content[sp.end:]...)
		r.say("updated keyguard's block in %s", r.show(t.script))
	} else {
		next = append([]byte{}, content...)
		rec.AddedNewline = len(content) > 0 && content[len(content)-1] != '\n'
		if rec.AddedNewline {
			next = append(next, eol...)
		}
		next = append(next, want...)
		rec.Created, rec.CreatedDir = false, false
		r.say("added keyguard's block to the end of %s; it runs after your commands", r.show(t.script))
		if l, ok := topLevelExit(content); ok {
			r.say("%s has a line %q that may end it before keyguard's block runs", r.show(t.script), l)
			r.hint("move keyguard's block (between its # >>> and # <<< lines) above that line")
		}
	}
	// Keep the user's mode: this is their file.
	if err := atomicfile.WriteMode(t.script, next, fi.Mode().Perm()); err != nil {
		return rec, false, err
	}
	r.afterBlock(ctx, t)
	return rec, true, nil
}

// createScriptFix is the step that lets keyguard guard hook t when its user
// script does not exist and keyguard will not create it.
func createScriptFix(repo *git.Repo, t target) string {
	rel, ok := repo.Rel(t.script)
	if !ok {
		rel = t.script
	}
	mode := " && chmod +x " + shWord(rel)
	if t.husky {
		mode = "" // husky runs its scripts with sh
	}
	return fmt.Sprintf("printf '#!/bin/sh\\n' > %s%s && keyguard install, then commit it", shWord(rel), mode)
}

// createdScript is the whole hook script keyguard creates when the user had
// none: a shebang and the block.
func createdScript(h hookDef) string { return "#!/bin/sh\n" + blockText(h, "\n") }

// afterBlock says what a block install still needs: a commit, so teammates
// are guarded too, and a hook that git will actually run.
func (r *run) afterBlock(ctx context.Context, t target) {
	for _, p := range blockProblems(t, r.show) {
		r.say("%s", p.Problem)
		r.hint("%s", p.Fix)
	}
	rel, _ := r.Repo.Rel(t.script)
	if dirty, err := r.Repo.Uncommitted(ctx, rel); err == nil && !dirty {
		return // as committed already (a block put back in place): nothing to commit
	}
	tracked, err := r.Repo.Tracked(ctx, rel)
	verb := "commit"
	if err == nil && len(tracked) == 0 {
		verb = "add and commit"
	}
	r.say("%s %s so your teammates' %s are checked too; clones without keyguard installed skip the check with a note", verb, r.show(t.script), t.hook.events())
	r.hint("git add %s && git commit -m 'run keyguard before each %s'", shWord(rel), t.hook.Event)
}

// blockProblems lists what stops git from running a block-layout hook; show
// formats paths for the user.
func blockProblems(t target, show func(string) string) []Problem {
	var ps []Problem
	if t.husky {
		// husky's shim runs .husky/<hook> with sh, so only the shim needs +x.
		if !isExecutable(t.slot) {
			ps = append(ps, Problem{
				Problem: fmt.Sprintf("husky's shim %s is missing or not executable, so git does not run %s", show(t.slot), show(t.script)),
				Fix:     "run npx husky (or npm install) to recreate husky's shims",
			})
		}
		return ps
	}
	if lexists(t.script) && !isExecutable(t.script) {
		ps = append(ps, Problem{
			Problem: fmt.Sprintf("%s is not executable, so git does not run it", show(t.script)),
			Fix:     fmt.Sprintf("chmod +x %s and commit the mode change", shWord(show(t.script))),
		})
	}
	return ps
}

// noteStale mentions a keyguard hook left in .git/hooks that git ignores
// because core.hooksPath now points elsewhere.
func (r *run) noteStale(t target) {
	if p, ok := staleHook(r.Repo, t); ok {
		r.say("%s is an earlier keyguard hook that git ignores, because core.hooksPath points to %s", r.show(p), r.show(t.dir))
		r.hint("it does no harm; keyguard uninstall removes it together with this install")
	}
}

// staleHook finds keyguard's own script in the default hooks directory when
// git runs hooks from somewhere else.
func staleHook(repo *git.Repo, t target) (string, bool) {
	def := defaultHooksDir(repo)
	if filepath.Clean(t.dir) == filepath.Clean(def) {
		return "", false
	}
	p := filepath.Join(def, t.hook.Name)
	fi, err := os.Lstat(p)
	if err != nil {
		return "", false
	}
	ours, err := holdsOurHook(p, fi)
	return p, err == nil && ours
}

// Uninstall removes what keyguard installed, and only that: its hook
// scripts, its blocks in user scripts, its binary and state. It restores the
// hooks it kept, and never removes a hook that is not keyguard's.
func Uninstall(ctx context.Context, o Options) error {
	r, err := newRun(o)
	if err != nil {
		return err
	}
	st, err := loadState(r.binDir)
	if err != nil {
		return err
	}
	did := false
	for _, h := range managedHooks() {
		t := resolve(r.Repo, h)
		// Every place keyguard may have written this hook: where git runs it
		// now, the default directory, and whatever the state recorded.
		var dirs, scripts []string
		addDir := func(d string) {
			for _, x := range dirs {
				if x == d {
					return
				}
			}
			dirs = append(dirs, d)
		}
		addScript := func(s string) {
			for _, x := range scripts {
				if x == s {
					return
				}
			}
			scripts = append(scripts, s)
		}
		if t.layout == layoutScript {
			addDir(t.dir)
		} else {
			addScript(t.script)
		}
		addDir(defaultHooksDir(r.Repo))
		for _, rec := range st.Hooks {
			if rec.Name != h.Name {
				continue
			}
			if rec.Kind == kindBlock {
				addScript(rec.Path)
			} else if rec.Kind == kindScript {
				addDir(filepath.Dir(rec.Path))
			}
		}
		if legacy, ok := preCommitLegacy(filepath.Join(t.dir, h.Name)); ok {
			if fi, err := os.Lstat(legacy); err == nil {
				if ours, _ := holdsOurHook(legacy, fi); ours {
					if err := os.Remove(legacy); err != nil {
						return fmt.Errorf("remove %s: %w", legacy, err)
					}
					r.say("removed keyguard's %s hook from %s", h.Name, r.show(legacy))
					did = true
				}
			}
		}
		for _, d := range dirs {
			d2, err := r.uninstallScript(d, h)
			if err != nil {
				return err
			}
			did = did || d2
		}
		for _, s := range scripts {
			rec, _ := st.record(h.Name, s)
			d2, err := r.uninstallBlock(ctx, s, h, rec)
			if err != nil {
				return err
			}
			did = did || d2
		}
	}
	for _, rec := range st.Hooks {
		if rec.Kind != kindLefthook {
			continue
		}
		d2, err := r.uninstallLefthook(ctx, rec)
		if err != nil {
			return err
		}
		did = did || d2
		break // one block holds every hook's command
	}
	d2, err := r.removeBinDir()
	if err != nil {
		return err
	}
	did = did || d2
	if !did {
		r.say("keyguard is not installed in this repository, nothing to remove")
	}
	return nil
}

// uninstallScript removes keyguard's script from dir and puts the hook it
// kept back in the slot. A foreign hook in the slot is left alone.
func (r *run) uninstallScript(dir string, h hookDef) (bool, error) {
	slot := filepath.Join(dir, h.Name)
	kept, err := keptHooks(dir, h.Name)
	if err != nil {
		return false, err
	}
	did := false
	if fi, err := os.Lstat(slot); err == nil {
		ours, err := holdsOurHook(slot, fi)
		if err != nil {
			return false, err
		}
		if !ours {
			if len(kept) > 0 {
				r.say("%s is not keyguard's hook, so it stays; so do the hooks keyguard kept beside it (%s)", r.show(slot), strings.Join(kept, ", "))
				r.hint("merge them into %s by hand if they should still run", r.show(slot))
				return true, nil
			}
			return false, nil
		}
		if err := os.Remove(slot); err != nil {
			return false, fmt.Errorf("remove %s: %w", slot, err)
		}
		r.say("removed keyguard's %s hook from %s", h.Name, r.show(slot))
		did = true
	} else if !errors.Is(err, fs.ErrNotExist) {
		return false, fmt.Errorf("inspect %s: %w", slot, err)
	}
	if len(kept) == 0 {
		return did, nil
	}
	// The last kept hook is the one that sat in the slot most recently.
	latest := filepath.Join(dir, kept[len(kept)-1])
	if err := os.Rename(latest, slot); err != nil {
		return did, fmt.Errorf("restore %s to %s: %w", latest, slot, err)
	}
	r.say("restored your %s hook to %s", h.Name, r.show(slot))
	for _, k := range kept[:len(kept)-1] {
		r.say("left %s in place: keyguard also kept it, and ran it before %s", r.show(filepath.Join(dir, k)), h.Name)
		r.hint("merge it into %s or delete it", r.show(slot))
	}
	return true, nil
}

// uninstallBlock removes keyguard's block from a user script, byte for byte
// as it was added, and deletes a script that keyguard created and nobody
// changed.
func (r *run) uninstallBlock(ctx context.Context, script string, h hookDef, rec hookRecord) (bool, error) {
	content, err := os.ReadFile(script)
	if errors.Is(err, fs.ErrNotExist) {
		return false, nil
	}
	if err != nil {
		return false, fmt.Errorf("read %s: %w", script, err)
	}
	sp, ok := findBlock(content, h)
	if !ok {
		return false, nil
	}
	next := append(append([]byte{}, content[:sp.start]...), content[sp.end:]...)
	if sp.end == len(content) && rec.AddedNewline {
		eol := lineEnding(content)
		next = []byte(strings.TrimSuffix(string(next), eol))
	}
	rel, _ := r.Repo.Rel(script)
	tracked, _ := r.Repo.Tracked(ctx, rel)
	if rec.Created && string(next) == "#!/bin/sh\n" {
		if err := os.Remove(script); err != nil {
			return false, fmt.Errorf("remove %s: %w", script, err)
		}
		if rec.CreatedDir {
			_ = os.Remove(filepath.Dir(script)) // only succeeds if nothing else is there
		}
		r.say("removed %s, which keyguard created", r.show(script))
		if len(tracked) > 0 {
			r.hint("commit the removal so teammates stop running keyguard: git rm -q --cached %s && git commit", shWord(rel))
		}
		return true, nil
	}
	fi, err := os.Stat(script)
	if err != nil {
		return false, fmt.Errorf("inspect %s: %w", script, err)
	}
	if err := atomicfile.WriteMode(script, next, fi.Mode().Perm()); err != nil {
		return false, err
	}
	r.say("removed keyguard's block from %s", r.show(script))
	if len(tracked) > 0 {
		r.hint("commit the change so teammates stop running keyguard: git commit %s", shWord(rel))
	}
	return true, nil
}

// removeBinDir removes the keyguard binary, the state file and any temporary
// files keyguard left, then the directory if that emptied it.
func (r *run) removeBinDir() (bool, error) {
	entries, err := os.ReadDir(r.binDir)
	if errors.Is(err, fs.ErrNotExist) {
		return false, nil
	}
	if err != nil {
		return false, fmt.Errorf("read %s: %w", r.binDir, err)
	}
	did := false
	for _, e := range entries {
		if n := e.Name(); n == "keyguard" || n == stateFile || strings.Contains(n, atomicfile.TempInfix) {
			p := filepath.Join(r.binDir, n)
			if err := os.Remove(p); err != nil {
				return did, fmt.Errorf("remove %s: %w", p, err)
			}
			did = true
		}
	}
	if err := os.Remove(r.binDir); err != nil {
		r.say("left %s in place: it holds files keyguard did not write", r.show(r.binDir))
		return did, nil
	}
	if did {
		r.say("removed the keyguard binary and its state from %s", r.show(r.binDir))
	}
	return did, nil
}

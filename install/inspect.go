package install

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"time"
)

// Wiring says how keyguard is wired into one git hook.
type Wiring string

// The ways keyguard can be wired into a hook.
const (
	WiringNone   Wiring = "none"   // keyguard is not in this hook
	WiringScript Wiring = "script" // keyguard's own hook script is in the hook slot
	WiringBlock  Wiring = "block"  // keyguard's block is in the user's hook script (core.hooksPath inside the work tree)
	// WiringManager: a hook manager's script is in the slot and the
	// manager's config runs keyguard (lefthook).
	WiringManager Wiring = "manager"
)

// HookStatus is one managed hook's state, for keyguard status.
type HookStatus struct {
	Name      string // the git hook, e.g. "pre-commit"
	HooksDir  string // the directory git runs hooks from
	HooksPath string // core.hooksPath as configured, "" when unset
	Path      string // the file git runs for this hook
	Script    string // the file holding keyguard's part: Path, or the user script (husky's .husky/<hook>)

	Wiring     Wiring // how keyguard is there, if at all
	Manager    string // the hook manager whose script git runs ("lefthook", "husky", "pre-commit", ...), "" for none
	Current    bool   // keyguard's script or block is exactly what this keyguard would write
	Foreign    bool   // Path holds a hook that is not keyguard's (WiringScript layout only)
	Executable bool   // Path is a file with an execute bit, which git requires
	GitRuns    bool   // git will run keyguard's part on this hook

	Kept []KeptHook // user hooks keyguard kept and runs before itself, in order

	Binary        string // the keyguard binary the hook runs
	BinaryVersion string // the version that binary reports, "" when missing or silent

	Problems []Problem // what is wrong, each with its fix

	// FromTemplate is set when the hook is the one git copied from keyguard's
	// template (install --template): it runs the per-user binary.
	FromTemplate bool
	// Moved is set when the hook names a binary path that is gone (the
	// repository moved since install): it runs this repository's own.
	Moved bool
	// OtherRepo is set when the hook runs a binary that is neither this
	// repository's nor the per-user one: another repository's private copy.
	OtherRepo bool
	// BinaryOK is set when the binary the hook runs is there and answers.
	BinaryOK bool

	// WasInstalled is set when keyguard install put keyguard in this hook
	// (its state records it): a gap here is news to the user.
	WasInstalled bool

	// OptedOut is set when the last install left this hook out on request
	// (--no-pre-push): it is not installed, and that is not a problem.
	OptedOut bool
}

// InForce reports whether git runs keyguard's check on this hook: the
// hook is wired, git runs it, and its binary is there.
func (s HookStatus) InForce() bool { return s.Installed() && s.GitRuns && s.BinaryOK }

// Installed reports whether keyguard's script or block is present.
func (s HookStatus) Installed() bool { return s.Wiring != WiringNone }

// KeptHook is a user's hook that keyguard moved aside and chains.
type KeptHook struct {
	Path string // where it is kept
	Runs bool   // it is executable, so keyguard's hook runs it
}

// Problem is one thing that stops keyguard from guarding commits as intended.
type Problem struct {
	Problem string // what is wrong, one line
	Fix     string // the command or step that fixes it
}

// Inspect reports the state of every hook keyguard manages. It changes
// nothing; it runs the installed binary once to ask its version.
func Inspect(ctx context.Context, o Options) ([]HookStatus, error) {
	r, err := newRun(o)
	if err != nil {
		return nil, err
	}
	hooksPath, err := r.Repo.Config(ctx, "core.hooksPath")
	if err != nil {
		return nil, err
	}
	st, err := loadState(r.binDir)
	if err != nil {
		return nil, err
	}
	version := binaryVersion(ctx, r.Repo.Top, r.binary)
	var all []HookStatus
	for _, h := range managedHooks() {
		t := resolve(r.Repo, h)
		s := HookStatus{
			Name: h.Name, HooksDir: t.dir, HooksPath: hooksPath, Path: t.slot, Script: t.slot,
			Wiring: WiringNone, Executable: isExecutable(t.slot),
			Binary: r.binary, BinaryVersion: version,
		}
		if t.husky {
			s.Manager = "husky"
		}
		if content, rerr := os.ReadFile(t.slot); t.layout == layoutScript && rerr == nil && isLefthookHook(content) {
			err = r.inspectLefthook(ctx, t, content, &s)
		} else if t.layout == layoutScript && rerr != nil && usesLefthook(r) {
			err = r.inspectLefthook(ctx, t, nil, &s)
		} else if t.layout == layoutScript {
			err = r.inspectScript(ctx, t, &s)
		} else {
			err = r.inspectBlock(ctx, t, &s)
		}
		if err != nil {
			return nil, err
		}
		if t.layout == layoutScript {
			if err := r.preCommitStatus(t, &s); err != nil {
				return nil, err
			}
		}
		_, s.WasInstalled = st.installed(h.Name)
		if s.Wiring == WiringNone && st.skipped(h.Name) {
			s.OptedOut, s.Problems = true, nil
		}
		if s.Wiring == WiringManager && s.Binary == "" {
			s.BinaryOK = true // the manager builds and runs keyguard itself
		} else {
			r.binaryProblems(t, &s)
		}
		if p, ok := staleHook(r.Repo, t); ok {
			s.Problems = append(s.Problems, Problem{
				Problem: fmt.Sprintf("%s is an earlier keyguard hook that git ignores, because core.hooksPath is %s", r.show(p), hooksPath),
				Fix:     "nothing needed; to clean it up run keyguard uninstall, then keyguard install",
			})
		}
		all = append(all, s)
	}
	return all, nil
}

// inspectScript fills in s for a hook slot outside the work tree.
func (r *run) inspectScript(ctx context.Context, t target, s *HookStatus) error {
	names, err := keptHooks(t.dir, t.hook.Name)
	if err != nil {
		return err
	}
	for _, n := range names {
		p := filepath.Join(t.dir, n)
		k := KeptHook{Path: p, Runs: isExecutable(p)}
		s.Kept = append(s.Kept, k)
		if !k.Runs {
			s.Problems = append(s.Problems, Problem{
				Problem: fmt.Sprintf("your kept %s hook %s is not executable, so it does not run", t.hook.Name, r.show(p)),
				Fix:     "chmod +x " + shWord(r.show(p)),
			})
		}
	}
	fi, err := os.Lstat(t.slot)
	if errors.Is(err, fs.ErrNotExist) {
		p := Problem{
			Problem: fmt.Sprintf("keyguard's %s hook is not installed, so %s are not checked", t.hook.Name, t.hook.events()),
			Fix:     "keyguard install",
		}
		if m := detectManager(r.Repo); m.name == "simple-git-hooks" {
			s.Manager = m.name
			p.Problem = fmt.Sprintf("simple-git-hooks manages the hooks here and has no %s hook, so %s are not checked", t.hook.Name, t.hook.events())
			p.Fix = simpleGitHooksFix(t.hook)
		}
		s.Problems = append(s.Problems, p)
		return nil
	}
	if err != nil {
		return fmt.Errorf("inspect %s: %w", t.slot, err)
	}
	ours, err := holdsOurHook(t.slot, fi)
	if err != nil {
		return err
	}
	if !ours {
		s.Foreign = true
		m := detectManager(r.Repo)
		if c, err := os.ReadFile(t.slot); err == nil && fi.Mode().IsRegular() && runsKeyguard(string(c), t.hook) {
			// A hook (a manager's, or the user's) that runs keyguard by hand.
			s.Wiring, s.Current, s.Manager = WiringManager, true, m.name
			s.Binary, s.BinaryVersion = "keyguard", ""
			if p, err := exec.LookPath("keyguard"); err == nil {
				s.Binary, s.BinaryVersion = p, binaryVersion(ctx, r.Repo.Top, p)
			}
			s.GitRuns = s.Executable
			if !s.Executable {
				s.Problems = append(s.Problems, Problem{
					Problem: fmt.Sprintf("%s runs keyguard but is not executable, so git does not run it and %s are not checked", r.show(t.slot), t.hook.events()),
					Fix:     "chmod +x " + shWord(r.show(t.slot)),
				})
			}
			return nil
		}
		p := Problem{
			Problem: fmt.Sprintf("%s is not keyguard's hook, so %s are not checked", r.show(t.slot), t.hook.events()),
			Fix:     "keyguard install (it keeps your hook and runs it first)",
		}
		if len(names) > 0 {
			p.Problem = fmt.Sprintf("%s is not keyguard's hook: something replaced keyguard's, so %s are not checked", r.show(t.slot), t.hook.events())
			p.Fix = "keyguard install --force (keeps both hooks and runs them before keyguard)"
			for _, n := range names {
				if sameFile(t.slot, filepath.Join(t.dir, n)) {
					// A manager's installer wrote its hook again: install needs
					// no --force, and there is one hook to keep, not two.
					p.Fix = "keyguard install (keyguard keeps this hook already and runs it first)"
				}
			}
		}
		if m.name == "simple-git-hooks" {
			s.Manager = m.name
			p.Problem = fmt.Sprintf("%s is simple-git-hooks' hook and does not run keyguard, so %s are not checked", r.show(t.slot), t.hook.events())
			p.Fix = simpleGitHooksFix(t.hook)
		}
		s.Problems = append(s.Problems, p)
		return nil
	}
	s.Wiring = WiringScript
	content, err := os.ReadFile(t.slot)
	if err != nil {
		return fmt.Errorf("read %s: %w", t.slot, err)
	}
	if len(names) == 0 || names[0] != t.hook.Name+chainedSuffix {
		names = append([]string{t.hook.Name + chainedSuffix}, names...)
	}
	if extra := appendedLines(t.hook, content, names); extra != "" {
		s.Problems = append(s.Problems, Problem{
			Problem: fmt.Sprintf("lines were appended to keyguard's hook %s (ggshield install --append does this); keyguard's hook does not run them as a hook of yours", r.show(t.slot)),
			Fix:     "keyguard install (moves them to a hook of their own that runs before keyguard)",
		})
		content = content[:len(content)-len(extra)]
	}
	s.Current = string(content) == hookScript(t.hook, r.binary, names)
	if !s.Current {
		r.otherBinary(ctx, t, content, names, s)
	}
	s.GitRuns = s.Executable
	switch {
	case !s.Executable:
		s.Problems = append(s.Problems, Problem{
			Problem: fmt.Sprintf("keyguard's hook %s is not executable, so git does not run it and %s are not checked", r.show(t.slot), t.hook.events()),
			Fix:     "keyguard install --force",
		})
	case s.Current || s.FromTemplate || s.Moved:
	case s.OtherRepo:
		s.Problems = append(s.Problems, Problem{
			Problem: fmt.Sprintf("keyguard's hook %s runs another repository's keyguard (%s): it breaks when that repository is deleted", r.show(t.slot), s.Binary),
			Fix:     "keyguard install (gives this repository its own copy of keyguard)",
		})
	default:
		s.Problems = append(s.Problems, Problem{
			Problem: fmt.Sprintf("keyguard's hook %s differs from what keyguard %s writes", r.show(t.slot), r.Version),
			Fix:     "keyguard install (updates it in place)",
		})
	}
	if m := lefthookMain(r.Repo.Top); m != "" {
		s.Problems = append(s.Problems, Problem{
			Problem: fmt.Sprintf("%s is lefthook's config: lefthook's next sync moves keyguard's %s hook aside and never runs it", r.show(m), t.hook.Name),
			Fix:     "keyguard install (moves keyguard into lefthook-local.yml, which lefthook runs)",
		})
	}
	return nil
}

// otherBinary recognises keyguard's current script written for another
// binary path: git's template (the per-user keyguard), a repository that
// moved since install (the hook finds its own binary through git), or a
// repository copied from another one (it runs that one's private binary).
func (r *run) otherBinary(ctx context.Context, t target, content []byte, names []string, s *HookStatus) {
	bin, ok := scriptBinary(content)
	if !ok || string(content) != hookScript(t.hook, bin, names) {
		return
	}
	if d, err := dataDir(); err == nil && filepath.Clean(bin) == filepath.Join(d, "keyguard") {
		s.FromTemplate = true
		if isExecutable(bin) {
			s.Binary, s.BinaryVersion = bin, binaryVersion(ctx, r.Repo.Top, bin)
		}
		return
	}
	if isExecutable(bin) || lexists(bin) {
		// The hook runs that binary first (or fails closed on it).
		s.OtherRepo = true
		s.Binary, s.BinaryVersion = bin, binaryVersion(ctx, r.Repo.Top, bin)
		return
	}
	s.Moved = true // the hook falls back to this repository's own binary
}

// scriptBinary reads the binary path out of keyguard's hook script (the
// keyguard='...' line hookScript writes).
func scriptBinary(content []byte) (string, bool) {
	for _, l := range strings.Split(string(content), "\n") {
		v, ok := strings.CutPrefix(l, "keyguard='")
		if !ok || !strings.HasSuffix(v, "'") {
			continue
		}
		return strings.ReplaceAll(strings.TrimSuffix(v, "'"), `'\''`, "'"), true
	}
	return "", false
}

// scriptRunsKeyguard reports whether a user's hook script runs keyguard's
// check for h by hand ("keyguard hook pre-commit", as the docs show).
func scriptRunsKeyguard(content []byte, h hookDef) bool {
	return runsKeyguard(string(content), h)
}

// inspectBlock fills in s for a hooks directory inside the work tree.
func (r *run) inspectBlock(ctx context.Context, t target, s *HookStatus) error {
	s.Script = t.script
	content, err := os.ReadFile(t.script)
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("read %s: %w", t.script, err)
	}
	sp, ok := findBlock(content, t.hook)
	manual := !ok && scriptRunsKeyguard(content, t.hook)
	switch {
	case manual:
		// Wired by hand, as the docs show: the script runs keyguard from PATH.
		s.Wiring, s.Current = WiringManager, true
		s.Binary = "keyguard"
		if p, err := exec.LookPath("keyguard"); err == nil {
			s.Binary = p
			s.BinaryVersion = binaryVersion(ctx, r.Repo.Top, p)
		}
	case !ok && !t.hook.Create && !lexists(t.script):
		s.Problems = append(s.Problems, Problem{
			Problem: fmt.Sprintf("%s does not exist, so keyguard does not check %s", r.show(t.script), t.hook.events()),
			Fix:     createScriptFix(r.Repo, t),
		})
		return nil
	case !ok:
		s.Problems = append(s.Problems, Problem{
			Problem: fmt.Sprintf("%s does not run keyguard", r.show(t.script)),
			Fix:     "keyguard install (adds keyguard's block to it)",
		})
		return nil
	}
	if !manual {
		s.Wiring = WiringBlock
		s.Current = string(content[sp.start:sp.end]) == blockText(t.hook, lineEnding(content))
	}
	if !s.Current {
		s.Problems = append(s.Problems, Problem{
			Problem: fmt.Sprintf("keyguard's block in %s differs from what keyguard %s writes", r.show(t.script), r.Version),
			Fix:     "keyguard install (updates the block in place)",
		})
	}
	bp := blockProblems(t, r.show)
	s.GitRuns = len(bp) == 0 && (t.husky || s.Executable)
	s.Problems = append(s.Problems, bp...)
	if rel, ok := r.Repo.Rel(t.script); ok {
		if dirty, err := r.Repo.Uncommitted(ctx, rel); err == nil && dirty {
			what := "has changes that are not committed"
			if tracked, err := r.Repo.Tracked(ctx, rel); err == nil && len(tracked) == 0 {
				what = "is not committed"
			}
			s.Problems = append(s.Problems, Problem{
				Problem: fmt.Sprintf("%s %s, so teammates' %s are not checked", rel, what, t.hook.events()),
				Fix:     "git add " + shWord(rel) + " && git commit -m " + shQuote("run keyguard before each "+t.hook.Event),
			})
		}
	}
	return nil
}

// binaryProblems checks the binary that the hook runs.
func (r *run) binaryProblems(t target, s *HookStatus) {
	if s.Wiring == WiringNone {
		return
	}
	s.BinaryOK = false
	effect := t.hook.events() + " are refused"
	if s.Wiring == WiringBlock {
		effect = t.hook.events() + " are not checked"
	}
	switch {
	case lexists(s.Binary) && !isExecutable(s.Binary):
		s.Problems = append(s.Problems, Problem{
			Problem: fmt.Sprintf("the keyguard binary %s is not executable, so %s", r.show(s.Binary), effect),
			Fix:     "keyguard install",
		})
	case !isExecutable(s.Binary):
		s.Problems = append(s.Problems, Problem{
			Problem: fmt.Sprintf("the keyguard binary %s is missing, so %s", r.show(s.Binary), effect),
			Fix:     "keyguard install",
		})
	case s.BinaryVersion == "":
		s.Problems = append(s.Problems, Problem{
			Problem: fmt.Sprintf("%s does not report a keyguard version", r.show(s.Binary)),
			Fix:     "keyguard install --force",
		})
	case s.BinaryVersion != r.Version:
		s.BinaryOK = true
		s.Problems = append(s.Problems, Problem{
			Problem: fmt.Sprintf("the hook runs keyguard %s, not this keyguard %s", s.BinaryVersion, r.Version),
			Fix:     "keyguard install (updates the binary)",
		})
	default:
		s.BinaryOK = true
	}
}

// binaryVersion asks an installed keyguard for its version ("keyguard X.Y.Z");
// "" when it is missing, fails or says something else.
func binaryVersion(ctx context.Context, dir, bin string) string {
	if !isExecutable(bin) {
		return ""
	}
	// A hung binary must not hang status.
	ctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, bin, "version")
	cmd.Dir = dir
	out, err := cmd.Output()
	if err != nil {
		return ""
	}
	line, _, _ := bytes.Cut(out, []byte("\n"))
	v, ok := strings.CutPrefix(strings.TrimSpace(string(line)), "keyguard ")
	if !ok {
		return ""
	}
	return v
}

// WasInstalled reports whether keyguard install ran in this repository (its
// state file is there), so a missing hook is news, not a fresh clone.
func WasInstalled(o Options) bool {
	if o.Repo == nil {
		return false
	}
	return lexists(filepath.Join(o.Repo.CommonDir, "keyguard", stateFile))
}

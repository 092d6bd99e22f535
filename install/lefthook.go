package install

// lefthook keeps git's hooks in step with its config: after any edit to
// lefthook.yml, its next run rewrites every hook it manages and moves a
// hook that is not its own to <hook>.old, which it never runs (a second
// sync overwrites that .old). A keyguard script in the slot would vanish
// without a word. So in a lefthook repository keyguard goes through
// lefthook's own mechanism: it adds its commands to lefthook-local.yml
// (lefthook's personal, uncommitted config, merged over lefthook.yml),
// between marker comments, and has lefthook install the hooks.

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

	"gopkg.in/yaml.v3"

	"github.com/keyguard/keyguard/internal/atomicfile"
)

// kindLefthook records keyguard's commands in a lefthook local config.
const kindLefthook = "lefthook"

// lefthookExts are the config formats lefthook reads, in its order.
var lefthookExts = []string{".yml", ".yaml", ".json", ".toml"}

// lefthookMainBases and lefthookLocalBases are lefthook's config names
// (v1.13), without extension, in the order it looks for them.
var (
	lefthookMainBases  = []string{"lefthook", ".lefthook", filepath.Join(".config", "lefthook")}
	lefthookLocalBases = []string{"lefthook-local", ".lefthook-local", filepath.Join(".config", "lefthook-local")}
)

// findConfig returns the first of bases × lefthookExts that exists in top,
// "" when none does.
func findConfig(top string, bases []string) string {
	for _, b := range bases {
		for _, e := range lefthookExts {
			if p := filepath.Join(top, b+e); lexists(p) {
				return p
			}
		}
	}
	return ""
}

// lefthookMain is lefthook's main config in the repository, "" if none.
func lefthookMain(top string) string { return findConfig(top, lefthookMainBases) }

// lefthookLocal is lefthook's local config: the existing one, or the
// default name keyguard creates.
func lefthookLocal(top string) (string, bool) {
	if p := findConfig(top, lefthookLocalBases); p != "" {
		return p, true
	}
	return filepath.Join(top, "lefthook-local.yml"), false
}

// isLefthookHook reports whether content is a hook script lefthook wrote.
func isLefthookHook(content []byte) bool {
	return bytes.Contains(content, []byte("call_lefthook run "))
}

// lefthookAsserts reports whether lefthook's hook script fails when it
// cannot find lefthook (assert_lefthook_installed: true), instead of
// letting the commit through.
func lefthookAsserts(content []byte) bool {
	return bytes.Contains(content, []byte("Operation is aborted due to lefthook settings"))
}

// usesLefthook reports whether lefthook manages this repository's hooks:
// it has a lefthook config, or a hook slot holds lefthook's script.
func usesLefthook(r *run) bool {
	if lefthookMain(r.Repo.Top) != "" {
		return true
	}
	for _, h := range managedHooks() {
		if c, err := os.ReadFile(filepath.Join(r.Repo.HooksDir, h.Name)); err == nil && isLefthookHook(c) {
			return true
		}
	}
	return false
}

const (
	lefthookBegin = "# >>> keyguard: added by keyguard install, removed by keyguard uninstall >>>"
	lefthookEnd   = "# <<< keyguard <<<"
)

// lefthookRun is the command lefthook runs for hook h: the repository's own
// keyguard, found through git as the hook scripts find it, failing closed
// when it is missing.
func lefthookRun(h hookDef) string {
	args := ""
	if h.Stdin {
		args = " {1} {2}" // the remote's name and URL; the ref lines come on stdin
	}
	return `k="$(git rev-parse --git-common-dir)/keyguard/keyguard"; ` +
		`if [ ! -x "$k" ]; then echo "keyguard: the keyguard binary behind this hook is missing ($k); run keyguard install again, or bypass once with ` + h.Bypass + `" >&2; exit 1; fi; ` +
		`"$k" hook ` + h.command() + args
}

// yamlQuote quotes s as a YAML single-quoted scalar.
func yamlQuote(s string) string { return "'" + strings.ReplaceAll(s, "'", "''") + "'" }

// lefthookBlock is keyguard's part of lefthook-local.yml. assert adds
// assert_lefthook_installed, so a hook that cannot find lefthook refuses the
// commit instead of passing it unchecked.
func lefthookBlock(hooks []hookDef, assert bool) string {
	var b strings.Builder
	b.WriteString(lefthookBegin + "\n")
	if assert {
		b.WriteString("assert_lefthook_installed: true\n")
	}
	for _, h := range hooks {
		fmt.Fprintf(&b, "%s:\n  commands:\n    keyguard:\n      run: %s\n", h.Name, yamlQuote(lefthookRun(h)))
		if h.Stdin {
			b.WriteString("      use_stdin: true\n")
		}
	}
	b.WriteString(lefthookEnd + "\n")
	return b.String()
}

// findLefthookBlock locates keyguard's block in a lefthook config.
func findLefthookBlock(content []byte) (span, bool) {
	start := bytes.Index(content, []byte(lefthookBegin+"\n"))
	if start < 0 || (start > 0 && content[start-1] != '\n') {
		return span{}, false
	}
	end := bytes.Index(content[start:], []byte(lefthookEnd+"\n"))
	if end < 0 {
		return span{}, false
	}
	return span{start, start + end + len(lefthookEnd) + 1}, true
}

// lefthookConfig is what keyguard reads from one lefthook config file.
type lefthookConfig struct {
	top      map[string]any
	keyguard map[string]bool // hook name -> a command or job there runs keyguard's check
	asserts  bool            // assert_lefthook_installed: true
}

// readLefthookConfig parses a YAML or JSON lefthook config; a missing file
// is empty. TOML is not read: keyguard says so rather than guess.
func readLefthookConfig(path string) (lefthookConfig, error) {
	cfg := lefthookConfig{keyguard: map[string]bool{}}
	data, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return cfg, nil
	}
	if err != nil {
		return cfg, fmt.Errorf("read %s: %w", path, err)
	}
	if filepath.Ext(path) == ".toml" {
		return cfg, fmt.Errorf("%s is TOML, which keyguard does not read; use lefthook.yml, or add keyguard's commands by hand (docs/hook-managers.md)", filepath.Base(path))
	}
	if err := yaml.Unmarshal(data, &cfg.top); err != nil {
		return cfg, fmt.Errorf("read %s: %w", path, err)
	}
	cfg.asserts, _ = cfg.top["assert_lefthook_installed"].(bool)
	for _, h := range managedHooks() {
		sec, _ := cfg.top[h.Name].(map[string]any)
		var runs []any
		if cmds, ok := sec["commands"].(map[string]any); ok {
			for _, c := range cmds {
				runs = append(runs, c)
			}
		}
		if jobs, ok := sec["jobs"].([]any); ok {
			runs = append(runs, jobs...)
		}
		for _, c := range runs {
			m, _ := c.(map[string]any)
			run, _ := m["run"].(string)
			if skip, _ := m["skip"].(bool); skip {
				continue
			}
			if run == lefthookRun(h) || runsKeyguard(run, h) {
				cfg.keyguard[h.Name] = true
			}
		}
	}
	return cfg, nil
}

// runsKeyguard reports whether a manager's command line runs keyguard's
// check for hook h: "keyguard hook <cmd>", or the installed binary's path.
func runsKeyguard(line string, h hookDef) bool {
	for _, f := range strings.Split(line, "\n") {
		f = strings.TrimSpace(f)
		if strings.HasPrefix(f, "#") {
			continue
		}
		for _, w := range []string{"keyguard hook " + h.command(), `keyguard" hook ` + h.command(), "keyguard' hook " + h.command()} {
			if i := strings.Index(f, w); i >= 0 {
				rest := f[i+len(w):]
				if rest == "" || rest[0] == ' ' || rest[0] == ';' || rest[0] == '\t' {
					return true
				}
			}
		}
	}
	return false
}

// lefthookBinary finds the lefthook that keyguard runs to sync hooks:
// $LEFTHOOK_BIN (as lefthook's own hook does), then PATH, then the
// project's node_modules. "" when there is none.
func lefthookBinary(top string) string {
	if b := os.Getenv("LEFTHOOK_BIN"); b != "" && isExecutable(b) {
		return b
	}
	if p, err := exec.LookPath("lefthook"); err == nil {
		return p
	}
	if p := filepath.Join(top, "node_modules", ".bin", "lefthook"); isExecutable(p) {
		return p
	}
	return ""
}

// installLefthook guards the hooks through lefthook: keyguard's commands go
// into the local config, keyguard's own scripts leave the slots (a chained
// lefthook hook goes back), and lefthook installs its hooks.
func (r *run) installLefthook(ctx context.Context, old state, hooks []hookDef) error {
	local, exists := lefthookLocal(r.Repo.Top)
	content, err := os.ReadFile(local)
	if err != nil && exists {
		return fmt.Errorf("read %s: %w", local, err)
	}
	mainCfg, err := readLefthookConfig(lefthookMain(r.Repo.Top))
	if err != nil {
		return err
	}
	var own []hookDef
	for _, h := range hooks {
		if mainCfg.keyguard[h.Name] {
			r.say("%s already runs keyguard on %s, so keyguard adds no command for it (it would run twice)", r.show(lefthookMain(r.Repo.Top)), h.events())
			continue
		}
		own = append(own, h)
	}
	hooks = own
	sp, hasBlock := findLefthookBlock(content)
	rest := content
	if hasBlock {
		rest = append(append([]byte{}, content[:sp.start]...), content[sp.end:]...)
	}
	var restCfg lefthookConfig
	if exists {
		if filepath.Ext(local) != ".yml" && filepath.Ext(local) != ".yaml" {
			r.printLefthookBlock(local, hooks)
			return fmt.Errorf("%s is not YAML, so keyguard left it unchanged", r.show(local))
		}
		if err := yaml.Unmarshal(rest, &restCfg.top); err != nil {
			return fmt.Errorf("read %s: %w", r.show(local), err)
		}
	}
	_, localAsserts := restCfg.top["assert_lefthook_installed"]
	_, mainAsserts := mainCfg.top["assert_lefthook_installed"]
	var clash []string
	for _, h := range hooks {
		if _, ok := restCfg.top[h.Name]; ok {
			clash = append(clash, h.Name)
		}
	}
	if len(clash) > 0 {
		r.printLefthookBlock(local, hooks)
		return fmt.Errorf("%s already has a %s section, and YAML allows a key once; keyguard left it unchanged", r.show(local), joinAnd(clash))
	}
	block := lefthookBlock(hooks, !localAsserts && !mainAsserts)

	bc, err := placeBinary(r.Self, r.binary, r.Force)
	if err != nil {
		return err
	}
	changed := bc != binaryKept
	if bc == binaryCreated || bc == binaryUpdated {
		r.say("copied keyguard %s to %s, where lefthook runs it", r.Version, r.show(r.binary))
	}

	// keyguard's own scripts from an earlier install leave the slots, and
	// copies lefthook made of them (.old) go too: lefthook runs neither.
	for _, h := range managedHooks() {
		c, err := r.leaveSlotToLefthook(h)
		if err != nil {
			return err
		}
		changed = changed || c
	}

	var next []byte
	switch {
	case hasBlock && string(content[sp.start:sp.end]) == block:
		next = nil
	case hasBlock:
		next = append(append(append([]byte{}, content[:sp.start]...), block...), content[sp.end:]...)
		r.say("updated keyguard's commands in %s", r.show(local))
	default:
		next = append([]byte{}, content...)
		if len(next) > 0 && next[len(next)-1] != '\n' {
			next = append(next, '\n')
		}
		next = append(next, block...)
		names := make([]string, len(hooks))
		for i, h := range hooks {
			names[i] = h.Name
		}
		r.say("lefthook manages this repository's hooks, so keyguard added its %s commands to %s (your own lefthook config, not committed)", joinAnd(names), r.show(local))
	}
	if next != nil {
		if err := atomicfile.WriteMode(local, next, 0o644); err != nil {
			return err
		}
		changed = true
	}
	if err := r.excludeLocal(ctx, local); err != nil {
		return err
	}

	st := state{Format: 1, Keyguard: r.Version}
	for _, h := range hooks {
		st.Hooks = append(st.Hooks, hookRecord{Name: h.Name, Kind: kindLefthook, Path: local, Created: !exists || old.createdLefthook(local)})
	}
	for _, h := range managedHooks() {
		if r.skips(h.Name) {
			st.Skipped = append(st.Skipped, h.Name)
		}
	}
	if _, err := saveState(r.binDir, st); err != nil {
		return err
	}

	synced, err := r.syncLefthook(ctx)
	if err != nil {
		return err
	}
	if !changed && synced {
		r.say("already installed: lefthook runs keyguard %s from %s, nothing changed", r.Version, r.show(local))
	}
	return nil
}

// createdLefthook reports whether an earlier install created the local
// config at path.
func (st state) createdLefthook(path string) bool {
	for _, h := range st.Hooks {
		if h.Kind == kindLefthook && h.Path == path && h.Created {
			return true
		}
	}
	return false
}

// printLefthookBlock prints what to add by hand when keyguard cannot.
func (r *run) printLefthookBlock(local string, hooks []hookDef) {
	r.hint("add keyguard's commands to %s by hand (merge them into your sections), then run lefthook install:", r.show(local))
	fmt.Fprint(r.Out, lefthookBlock(hooks, false))
}

// leaveSlotToLefthook removes keyguard's own script for h from the hook
// slot (restoring the hook it kept, lefthook's) and from lefthook's .old,
// and drops kept copies of lefthook's hook. It reports whether it changed
// anything.
func (r *run) leaveSlotToLefthook(h hookDef) (bool, error) {
	dir := r.Repo.HooksDir
	slot := filepath.Join(dir, h.Name)
	changed := false
	if fi, err := os.Lstat(slot); err == nil {
		if ours, err := holdsOurHook(slot, fi); err != nil {
			return false, err
		} else if ours {
			if err := os.Remove(slot); err != nil {
				return false, fmt.Errorf("remove %s: %w", slot, err)
			}
			r.say("removed keyguard's own %s hook from %s: lefthook runs keyguard now", h.Name, r.show(slot))
			changed = true
		}
	}
	kept, err := keptHooks(dir, h.Name)
	if err != nil {
		return false, err
	}
	// Kept copies of lefthook's hook: lefthook writes its own again, so the
	// newest goes back into an empty slot and the rest are dropped.
	for i := len(kept) - 1; i >= 0; i-- {
		p := filepath.Join(dir, kept[i])
		c, err := os.ReadFile(p)
		if err != nil || !isLefthookHook(c) {
			continue
		}
		if !lexists(slot) {
			if err := os.Rename(p, slot); err != nil {
				return false, fmt.Errorf("restore %s to %s: %w", p, slot, err)
			}
			r.say("restored lefthook's %s hook to %s", h.Name, r.show(slot))
		} else if err := os.Remove(p); err != nil {
			return false, fmt.Errorf("remove %s: %w", p, err)
		}
		changed = true
	}
	if kept, _ := keptHooks(dir, h.Name); len(kept) > 0 {
		r.say("%s holds a hook keyguard kept that is not lefthook's; lefthook does not run it", r.show(filepath.Join(dir, kept[0])))
		r.hint("add it to lefthook.yml as a command if it should still run, then delete it")
	}
	oldCopy := slot + ".old"
	if fi, err := os.Lstat(oldCopy); err == nil {
		if ours, err := holdsOurHook(oldCopy, fi); err == nil && ours {
			if err := os.Remove(oldCopy); err != nil {
				return false, fmt.Errorf("remove %s: %w", oldCopy, err)
			}
			r.say("removed %s: lefthook moved keyguard's hook there and never ran it", r.show(oldCopy))
			changed = true
		}
	}
	return changed, nil
}

// excludeLocal keeps the personal lefthook config out of commits: when git
// does not ignore it, its name goes into .git/info/exclude (this clone only).
// A committed one is excluded too, so that once the user untracks it as the
// hint says, git add -A does not commit it again.
func (r *run) excludeLocal(ctx context.Context, local string) error {
	rel, ok := r.Repo.Rel(local)
	if !ok {
		return nil
	}
	if tracked, err := r.Repo.Tracked(ctx, rel); err == nil && len(tracked) > 0 {
		r.say("%s is committed, so keyguard's commands reach every clone, and fail where keyguard is not installed", rel)
		defer r.hint("git rm --cached %s && git commit, so it stays personal", shWord(rel))
	}
	src, err := r.Repo.CheckIgnore(ctx, []string{rel})
	if err != nil {
		return err
	}
	if len(src) > 0 && src[0].Ignored {
		return nil
	}
	exclude := filepath.Join(r.Repo.CommonDir, "info", "exclude")
	content, err := os.ReadFile(exclude)
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("read %s: %w", exclude, err)
	}
	if len(content) > 0 && content[len(content)-1] != '\n' {
		content = append(content, '\n')
	}
	content = append(content, "/"+rel+"\n"...)
	if err := os.MkdirAll(filepath.Dir(exclude), 0o755); err != nil {
		return fmt.Errorf("create %s: %w", filepath.Dir(exclude), err)
	}
	if err := atomicfile.WriteMode(exclude, content, 0o644); err != nil {
		return err
	}
	r.say("added /%s to .git/info/exclude, so git add -A never commits your personal lefthook config", rel)
	return nil
}

// syncLefthook runs lefthook install, so lefthook writes a hook for every
// hook its config (now with keyguard's) names. It reports whether the sync
// ran: false when lefthook cannot be found here.
func (r *run) syncLefthook(ctx context.Context) (bool, error) {
	bin := lefthookBinary(r.Repo.Top)
	if bin == "" {
		r.say("lefthook is not on PATH here, so keyguard could not have it install its hooks; commits are not checked until it does")
		r.hint("lefthook install")
		return false, nil
	}
	cmd := exec.CommandContext(ctx, bin, "install")
	cmd.Dir = r.Repo.Top
	out, err := cmd.CombinedOutput()
	if err != nil {
		return false, fmt.Errorf("lefthook install: %w: %s", err, strings.TrimSpace(string(out)))
	}
	r.say("ran lefthook install: lefthook's hooks now run keyguard")
	return true, nil
}

// uninstallLefthook removes keyguard's block from the local config (the file
// too, if keyguard created it and nothing else is in it).
func (r *run) uninstallLefthook(ctx context.Context, rec hookRecord) (bool, error) {
	content, err := os.ReadFile(rec.Path)
	if errors.Is(err, fs.ErrNotExist) {
		return false, nil
	}
	if err != nil {
		return false, fmt.Errorf("read %s: %w", rec.Path, err)
	}
	sp, ok := findLefthookBlock(content)
	if !ok {
		return false, nil
	}
	next := append(append([]byte{}, content[:sp.start]...), content[sp.end:]...)
	if rec.Created && len(bytes.TrimSpace(next)) == 0 {
		if err := os.Remove(rec.Path); err != nil {
			return false, fmt.Errorf("remove %s: %w", rec.Path, err)
		}
		r.say("removed %s, which keyguard created", r.show(rec.Path))
	} else {
		if err := atomicfile.WriteMode(rec.Path, next, 0o644); err != nil {
			return false, err
		}
		r.say("removed keyguard's commands from %s", r.show(rec.Path))
	}
	if bin := lefthookBinary(r.Repo.Top); bin != "" {
		cmd := exec.CommandContext(ctx, bin, "install")
		cmd.Dir = r.Repo.Top
		_ = cmd.Run() // lefthook resyncs on its next run anyway
	}
	return true, nil
}

// inspectLefthook fills in s when lefthook's script is in the hook slot:
// keyguard is in force when lefthook's config runs keyguard for this hook
// and lefthook's hook can find lefthook (or refuses when it cannot).
func (r *run) inspectLefthook(ctx context.Context, t target, hookContent []byte, s *HookStatus) error {
	main := lefthookMain(r.Repo.Top)
	local, _ := lefthookLocal(r.Repo.Top)
	mc, err := readLefthookConfig(main)
	if err != nil {
		return err
	}
	lc, err := readLefthookConfig(local)
	if err != nil {
		return err
	}
	s.Manager = "lefthook"
	switch {
	case lc.keyguard[t.hook.Name]:
		s.Script = local
	case mc.keyguard[t.hook.Name]:
		s.Script = main
		// Wired by hand as the docs show: lefthook runs keyguard from PATH.
		s.Binary, s.BinaryVersion = "keyguard", ""
		if p, err := exec.LookPath("keyguard"); err == nil {
			s.Binary, s.BinaryVersion = p, binaryVersion(ctx, r.Repo.Top, p)
		}
	case hookContent == nil:
		s.Problems = append(s.Problems, Problem{
			Problem: fmt.Sprintf("lefthook manages the hooks here and has no %s hook, so %s are not checked", t.hook.Name, t.hook.events()),
			Fix:     "keyguard install (adds keyguard's commands to lefthook-local.yml)",
		})
		return nil
	default:
		p := fmt.Sprintf("lefthook runs %s and its config has no keyguard command for it, so %s are not checked", r.show(t.slot), t.hook.events())
		if c, err := os.ReadFile(t.slot + ".old"); err == nil && isOurHook(c) {
			p = fmt.Sprintf("lefthook replaced keyguard's %s hook (now %s, which lefthook never runs), so %s are not checked", t.hook.Name, r.show(t.slot+".old"), t.hook.events())
		}
		s.Problems = append(s.Problems, Problem{Problem: p, Fix: "keyguard install (adds keyguard's commands to lefthook-local.yml)"})
		return nil
	}
	s.Wiring = WiringManager
	s.Current = true
	if hookContent == nil {
		s.Problems = append(s.Problems, Problem{
			Problem: fmt.Sprintf("lefthook has not installed its %s hook, so %s are not checked", t.hook.Name, t.hook.events()),
			Fix:     "lefthook install",
		})
		return nil
	}
	s.GitRuns = s.Executable
	if !s.Executable {
		s.Problems = append(s.Problems, Problem{
			Problem: fmt.Sprintf("lefthook's hook %s is not executable, so git does not run it and %s are not checked", r.show(t.slot), t.hook.events()),
			Fix:     "lefthook install --force",
		})
		return nil
	}
	if lefthookBinary(r.Repo.Top) == "" && !lefthookAsserts(hookContent) {
		s.GitRuns = false
		s.Problems = append(s.Problems, Problem{
			Problem: fmt.Sprintf("lefthook is not on PATH, and its %s hook then lets %s through unchecked", t.hook.Name, t.hook.events()),
			Fix:     "put lefthook on PATH (or set LEFTHOOK_BIN), then keyguard install",
		})
		return nil
	}
	if (lc.asserts || mc.asserts) && !lefthookAsserts(hookContent) {
		s.Problems = append(s.Problems, Problem{
			Problem: fmt.Sprintf("lefthook's %s hook predates its config: without lefthook on PATH (a GUI client, env -i) it lets %s through unchecked", r.show(t.slot), t.hook.events()),
			Fix:     "lefthook install",
		})
	}
	return nil
}

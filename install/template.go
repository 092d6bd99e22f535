package install

import (
	"context"
	"encoding/json"
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

// templateKey is the git setting that names the directory git init and git
// clone copy into every new repository's git directory. keyguard never sets
// a global core.hooksPath instead: that would silence every repository's own
// hooks.
const templateKey = "init.templateDir"

// templateStateFile records what install --template changed, beside the
// binary, so uninstall --template restores exactly that.
const templateStateFile = "template.json"

// TemplateOptions is what install --template and uninstall --template need.
type TemplateOptions struct {
	Self    string // absolute path of the running keyguard binary
	Version string // keyguard's version
	Force   bool   // rewrite the binary and hooks even when they look current
	Out     io.Writer
	// DataDir is where keyguard keeps its per-user files; "" means
	// $XDG_DATA_HOME/keyguard, or ~/.local/share/keyguard.
	DataDir string
}

// templateState is the content of the template state file.
type templateState struct {
	Format int `json:"format"` // 1
	// Dir is the template directory keyguard set init.templateDir to.
	Dir string `json:"dir"`
	// CreatedConfig is the global git config file that setting the value
	// created; uninstall removes it again if that leaves it empty.
	CreatedConfig string `json:"created_config,omitempty"`
}

// templateRun is one install or uninstall --template in progress.
type templateRun struct {
	TemplateOptions
	binary string // <data dir>/keyguard
	dir    string // <data dir>/template: what init.templateDir names
	state  string // <data dir>/template.json
}

func newTemplateRun(o TemplateOptions) (*templateRun, error) {
	if o.Out == nil {
		o.Out = io.Discard
	}
	if o.DataDir == "" {
		d, err := dataDir()
		if err != nil {
			return nil, err
		}
		o.DataDir = d
	}
	return &templateRun{
		TemplateOptions: o,
		binary:          filepath.Join(o.DataDir, "keyguard"),
		dir:             filepath.Join(o.DataDir, "template"),
		state:           filepath.Join(o.DataDir, templateStateFile),
	}, nil
}

// dataDir is keyguard's per-user directory, which outlives any build folder
// and any repository: $XDG_DATA_HOME/keyguard, or ~/.local/share/keyguard.
func dataDir() (string, error) {
	if x := os.Getenv("XDG_DATA_HOME"); filepath.IsAbs(x) {
		return filepath.Join(x, "keyguard"), nil
	}
	home, err := os.UserHomeDir()
	if err != nil || home == "" {
		return "", fmt.Errorf("find your home directory for keyguard's per-user files: %w", err)
	}
	return filepath.Join(home, ".local", "share", "keyguard"), nil
}

func (r *templateRun) say(format string, args ...any) {
	fmt.Fprintf(r.Out, "keyguard: "+format+"\n", args...)
}

func (r *templateRun) hint(format string, args ...any) {
	fmt.Fprintf(r.Out, "hint: "+format+"\n", args...)
}

// sameDir reports whether a configured init.templateDir value names dir.
func sameDir(value, dir string) bool {
	if strings.HasPrefix(value, "~/") {
		if home, err := os.UserHomeDir(); err == nil {
			value = filepath.Join(home, value[2:])
		}
	}
	return filepath.Clean(value) == filepath.Clean(dir)
}

// InstallTemplate makes every repository that git init or git clone creates
// from now on run keyguard on commit and push: it copies the running binary
// to the per-user data directory, writes keyguard's hooks into a template
// directory there, and points the global init.templateDir at it. A template
// directory the user already has (global or system) is never replaced: git
// copies from one template directory only, and it belongs to someone else.
// Run again, it changes nothing.
func InstallTemplate(ctx context.Context, o TemplateOptions) error {
	r, err := newTemplateRun(o)
	if err != nil {
		return err
	}
	if r.Self == "" {
		return errors.New("install: the path of the keyguard binary is unknown")
	}
	values, err := git.UserConfig(ctx, templateKey)
	if err != nil {
		return err
	}
	ours := false
	var other *git.ConfigValue
	for i, v := range values {
		if !sameDir(v.Value, r.dir) {
			other = &values[i]
			break
		}
		ours = ours || v.Scope == "global"
	}
	if other != nil {
		return r.adviseOtherTemplate(*other)
	}

	bc, err := placeBinary(r.Self, r.binary, r.Force)
	if err != nil {
		return err
	}
	changed := bc != binaryKept
	if changed {
		r.say("copied keyguard %s to %s, where new repositories' hooks run it", r.Version, r.binary)
	}

	hooksDir := filepath.Join(r.dir, "hooks")
	wrote, err := r.writeHooks(hooksDir)
	if err != nil {
		return err
	}
	if len(wrote) > 0 {
		changed = true
		r.say("wrote keyguard's %s hooks to %s", joinAnd(wrote), hooksDir)
	}

	if !ours {
		st := templateState{Format: 1, Dir: r.dir}
		created := globalConfigPath()
		if created != "" && lexists(created) {
			created = ""
		}
		if err := git.SetGlobalConfig(ctx, templateKey, r.dir); err != nil {
			return err
		}
		if created != "" && lexists(created) {
			st.CreatedConfig = created
		}
		if err := r.saveState(st); err != nil {
			_ = git.UnsetGlobalConfig(ctx, templateKey) // leave the config as it was
			return err
		}
		changed = true
		r.say("set %s to %s in your global git config: every git init and git clone from now on runs keyguard on each commit and push", templateKey, r.dir)
		r.hint("repositories you already have: run keyguard install in each")
	}
	if env := os.Getenv("GIT_TEMPLATE_DIR"); env != "" {
		r.say("GIT_TEMPLATE_DIR is set (%s) and overrides %s while it is set", env, templateKey)
		r.hint("unset GIT_TEMPLATE_DIR so new repositories get keyguard's hooks")
	}
	if !changed {
		r.say("already installed: %s is %s, whose hooks run keyguard %s, nothing changed", templateKey, r.dir, r.Version)
	}
	return nil
}

// writeHooks writes keyguard's template hooks, which run the per-user
// binary, into hooksDir; it returns the names it wrote.
func (r *templateRun) writeHooks(hooksDir string) ([]string, error) {
	var wrote []string
	for _, h := range managedHooks() {
		slot := filepath.Join(hooksDir, h.Name)
		want := hookScript(h, r.binary, []string{h.Name + chainedSuffix})
		if have, err := os.ReadFile(slot); err == nil && string(have) == want && isExecutable(slot) && !r.Force {
			continue
		}
		if err := os.MkdirAll(hooksDir, 0o755); err != nil {
			return wrote, fmt.Errorf("create %s: %w", hooksDir, err)
		}
		if err := atomicfile.WriteMode(slot, []byte(want), 0o755); err != nil {
			return wrote, err
		}
		wrote = append(wrote, h.Name)
	}
	return wrote, nil
}

// adviseOtherTemplate answers install --template when init.templateDir
// already names someone else's template: keyguard never replaces it. It
// puts the per-user binary and keyguard's template hooks in its own data
// directory (they run that binary, never a repository's private copy),
// and prints the one command that adds them to the other template, every
// managed hook included, keeping a hook already there as
// <hook>.keyguard-chained, which keyguard's hook runs first.
func (r *templateRun) adviseOtherTemplate(v git.ConfigValue) error {
	if _, err := placeBinary(r.Self, r.binary, r.Force); err != nil {
		return err
	}
	src := filepath.Join(r.dir, "hooks")
	if _, err := r.writeHooks(src); err != nil {
		return err
	}
	dst := filepath.Join(expandHome(v.Value), "hooks")
	steps := []string{"mkdir -p " + shWord(dst)}
	var files []string
	for _, h := range managedHooks() {
		theirs := filepath.Join(dst, h.Name)
		if fi, err := os.Lstat(theirs); err == nil {
			if ours, err := holdsOurHook(theirs, fi); err != nil || !ours {
				steps = append(steps, "mv "+shWord(theirs)+" "+shWord(theirs+chainedSuffix))
			}
		}
		files = append(files, shWord(filepath.Join(src, h.Name)))
	}
	steps = append(steps, "cp "+strings.Join(files, " ")+" "+shWord(dst+"/"))
	r.hint("to use keyguard's template instead: git config --%s --unset %s && keyguard install --template", v.Scope, templateKey)
	r.hint("to keep yours and add keyguard's hooks to it (they run the per-user keyguard at %s): %s", r.binary, strings.Join(steps, " && "))
	return fmt.Errorf("%s is already set to %s in your %s git config; keyguard does not replace another template directory and left your git config unchanged",
		templateKey, v.Value, v.Scope)
}

// expandHome expands a leading ~/ as git does for init.templateDir.
func expandHome(p string) string {
	if strings.HasPrefix(p, "~/") {
		if home, err := os.UserHomeDir(); err == nil {
			return filepath.Join(home, p[2:])
		}
	}
	return p
}

// globalConfigPath is the file `git config --global` writes: the one
// GIT_CONFIG_GLOBAL names, else ~/.gitconfig unless only the XDG file exists.
// "" when it cannot tell.
func globalConfigPath() string {
	if p := os.Getenv("GIT_CONFIG_GLOBAL"); p != "" {
		return p
	}
	home, err := os.UserHomeDir()
	if err != nil || home == "" {
		return ""
	}
	dot := filepath.Join(home, ".gitconfig")
	xdg := os.Getenv("XDG_CONFIG_HOME")
	if !filepath.IsAbs(xdg) {
		xdg = filepath.Join(home, ".config")
	}
	if x := filepath.Join(xdg, "git", "config"); !lexists(dot) && lexists(x) {
		return x
	}
	return dot
}

func (r *templateRun) saveState(st templateState) error {
	data, err := json.MarshalIndent(st, "", "  ")
	if err != nil {
		return fmt.Errorf("encode %s: %w", templateStateFile, err)
	}
	if err := os.MkdirAll(filepath.Dir(r.state), 0o755); err != nil {
		return fmt.Errorf("create %s: %w", filepath.Dir(r.state), err)
	}
	return atomicfile.WriteMode(r.state, append(data, '\n'), 0o644)
}

// loadState reads the template state; ok is false when there is none.
func (r *templateRun) loadState() (templateState, bool, error) {
	data, err := os.ReadFile(r.state)
	if errors.Is(err, fs.ErrNotExist) {
		return templateState{}, false, nil
	}
	if err != nil {
		return templateState{}, false, fmt.Errorf("read %s: %w", r.state, err)
	}
	var st templateState
	if err := json.Unmarshal(data, &st); err != nil {
		return templateState{}, false, fmt.Errorf("read %s: %w", r.state, err)
	}
	return st, true, nil
}

// UninstallTemplate stops guarding new repositories: it restores the global
// init.templateDir as it was before install --template (unset: install
// refuses to replace a value) and removes keyguard's template hooks. It keeps the binary:
// repositories created from the template run it until keyguard uninstall
// (or keyguard install) is run in them.
func UninstallTemplate(ctx context.Context, o TemplateOptions) error {
	r, err := newTemplateRun(o)
	if err != nil {
		return err
	}
	st, hasState, err := r.loadState()
	if err != nil {
		return err
	}
	if !hasState {
		st = templateState{Format: 1, Dir: r.dir}
	}
	values, err := git.UserConfig(ctx, templateKey)
	if err != nil {
		return err
	}
	did := false
	for _, v := range values {
		switch {
		case v.Scope != "global":
		case !sameDir(v.Value, st.Dir):
			r.say("%s is %s in your global git config, not keyguard's template, so it stays", templateKey, v.Value)
		default:
			if err := git.UnsetGlobalConfig(ctx, templateKey); err != nil {
				return err
			}
			if p := st.CreatedConfig; p != "" {
				if fi, err := os.Stat(p); err == nil && fi.Mode().IsRegular() && fi.Size() == 0 {
					_ = os.Remove(p) // keyguard's setting created it; it holds nothing else
				}
			}
			r.say("unset %s in your global git config, as it was before keyguard: new repositories are no longer guarded", templateKey)
			did = true
		}
		if did {
			break // --unset-all removed every global value
		}
	}

	hooksDir := filepath.Join(st.Dir, "hooks")
	removed := false
	for _, h := range managedHooks() {
		slot := filepath.Join(hooksDir, h.Name)
		fi, err := os.Lstat(slot)
		if err != nil {
			continue
		}
		if ours, err := holdsOurHook(slot, fi); err != nil || !ours {
			continue // not keyguard's: leave it
		}
		if err := os.Remove(slot); err != nil {
			return fmt.Errorf("remove %s: %w", slot, err)
		}
		removed = true
	}
	_ = os.Remove(hooksDir) // only succeed when empty
	_ = os.Remove(st.Dir)
	if hasState {
		if err := os.Remove(r.state); err != nil && !errors.Is(err, fs.ErrNotExist) {
			return fmt.Errorf("remove %s: %w", r.state, err)
		}
	}
	if removed {
		r.say("removed keyguard's template hooks from %s", hooksDir)
	}
	if !did && !removed {
		r.say("keyguard's template is not installed, nothing to remove")
		return nil
	}
	if isExecutable(r.binary) {
		r.say("kept %s: repositories created while the template was set still run it", r.binary)
		r.hint("run keyguard uninstall (or keyguard install) in those repositories, then delete it: rm %s", shWord(r.binary))
	}
	return nil
}

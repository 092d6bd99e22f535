package install

// Hook managers that write git's hook files themselves. lefthook has its
// own file (lefthook.go) and husky its block layout (install.go); the
// others are recognised here, so install can say what the manager will do
// to keyguard's hook and what the safe setup is.

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"

	"github.com/keyguard/keyguard/git"
)

// manager is a hook manager found in a repository.
type manager struct {
	name  string // "pre-commit", "simple-git-hooks", ...
	guide string // what install says about it, "" for nothing
}

// detectManager names the hook manager whose files or hooks are in repo,
// "" when there is none that install must warn about.
func detectManager(repo *git.Repo) manager {
	slots := [][]byte{}
	for _, h := range managedHooks() {
		if c, err := os.ReadFile(filepath.Join(repo.HooksDir, h.Name)); err == nil {
			slots = append(slots, c)
		}
	}
	inSlot := func(s string) bool {
		for _, c := range slots {
			if bytes.Contains(c, []byte(s)) {
				return true
			}
		}
		return false
	}
	has := func(name string) bool { return lexists(filepath.Join(repo.Top, name)) }
	pkg, _ := os.ReadFile(filepath.Join(repo.Top, "package.json"))
	switch {
	case has(".pre-commit-config.yaml") || inSlot(preCommitMarker):
		return manager{"pre-commit", "pre-commit manages hooks here: keyguard's hook goes to <hook>.legacy, which pre-commit runs first and keeps across pre-commit install (pre-commit install --overwrite deletes it; keyguard status then says so). To have pre-commit build and run keyguard instead, see docs/hook-managers.md"}
	case bytes.Contains(pkg, []byte(`"simple-git-hooks"`)) || has(".simple-git-hooks.json") || has("simple-git-hooks.json") || has(".simple-git-hooks.js") || has("simple-git-hooks.js"):
		return manager{"simple-git-hooks", `simple-git-hooks manages hooks here and rewrites them on every npm install, dropping keyguard's hooks: add keyguard to its config in package.json ("pre-commit": "keyguard hook pre-commit", "pre-push": "keyguard hook pre-push \"$@\"", "pre-merge-commit": "keyguard hook pre-commit"), then npx simple-git-hooks (docs/hook-managers.md); until then keyguard status says when the guard is gone`}
	case has(".overcommit.yml") || inSlot("overcommit"):
		return manager{"overcommit", "overcommit manages hooks here; overcommit --install replaces keyguard's hook. Run keyguard install after it; keyguard status says when the guard is gone"}
	case inSlot("talisman"):
		return manager{"talisman", "Talisman's hook is kept and runs before keyguard; re-running Talisman's installer replaces keyguard's hook, then run keyguard install again"}
	case inSlot("ggshield"):
		return manager{"ggshield", "ggshield's hook is kept and runs before keyguard; ggshield install --force replaces keyguard's hook (use ggshield install --append instead)"}
	}
	return manager{}
}

// simpleGitHooksFix is the step that makes simple-git-hooks run keyguard's
// check for h: its own config, in package.json, then its command that
// rewrites the hooks. simple-git-hooks rewrites every hook on each run
// (and deletes those not in its config), so a script of keyguard's own
// does not survive there.
func simpleGitHooksFix(h hookDef) string {
	cmd := "keyguard hook " + h.command()
	if h.Stdin {
		cmd += ` "$@"`
	}
	return fmt.Sprintf("add %q (after && if the hook has a command) to %q under \"simple-git-hooks\" in package.json, then npx simple-git-hooks", cmd, h.Name)
}

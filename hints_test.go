package main

import (
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
)

// hintCommand finds a command a report suggests in one of its strings.
var hintCommand = regexp.MustCompile(`\b(?:keyguard (?:fix-ignore|fix|scan|baseline|install|uninstall|status)|git (?:commit|rm|push|add|rebase|check-ignore|reset|restore))\b`)

// hintRuns says, for every string in hintDirs that suggests a
// command, which scenario shows that hint and then runs the command in that
// state (and checks it does what the hint says). shown is a fragment of the
// scenario's assertion on the hint; runs are the command lines it executes.
// A string that names a command but is no advice has no script.
var hintRuns = []struct {
	literal string // a fragment of the string in the source; "=" then the whole string
	script  string // testdata/script/<script>.txtar; "" for no advice
	shown   string
	runs    []string
}{
	{"git commit --no-verify", "precommit_blocks_key", "git commit --no-verify", []string{"exec git commit -q --no-verify"}},
	{"git rm --cached -- %s   (stop tracking it; your copy stays), then revoke", "precommit_tracked_secret_file_warns",
		`git rm --cached -- \.env`, []string{"exec git rm -q --cached -- .env"}},
	{"run keyguard fix-ignore so .env is never committed", "precommit_blocks_key",
		`run keyguard fix-ignore so \.env is never committed`, []string{"exec keyguard fix-ignore"}},
	{"keyguard fix moves the value to .env", "fix_env_template_value_moves_to_env",
		`keyguard fix moves the value to \.env`, []string{"exec keyguard fix\n"}},
	{"keep this file out of git: keyguard fix-ignore, then git rm --cached -- ", "precommit_key_in_env_file_hint",
		`keep this file out of git: keyguard fix-ignore, then git rm --cached -- \.env`,
		[]string{"exec keyguard fix-ignore", "exec git rm -q --cached -- .env"}},
	{"git rm --cached -- %s   (unstage it", "precommit_env_file", `git rm --cached -- \.env`, []string{"exec git rm -q --cached .env"}},
	{"keyguard fix-ignore   (add it to .gitignore)", "precommit_env_file", "keyguard fix-ignore", []string{"exec keyguard fix-ignore"}},
	{"keyguard fix-ignore adds .env to .gitignore", "precommit_blocks_key", // SARIF's wording of the same advice
		`run keyguard fix-ignore so \.env is never committed`, []string{"exec keyguard fix-ignore"}},
	{"keyguard baseline records them", "baseline_skips_known_findings", "keyguard baseline records them", []string{"exec keyguard baseline"}},
	{"so keyguard will not put keys in it (git rm --cached -- ", "fix_tracked_env_not_written", "git rm --cached -- .env",
		[]string{"exec git rm -q --cached -- .env", "exec keyguard fix\n"}},
	{"then run keyguard fix again", "fix_tracked_env_not_written", "git rm --cached -- .env",
		[]string{"exec git rm -q --cached -- .env", "exec keyguard fix\n"}},
	{"git commit --amend; an older one: git rebase -i", "prepush_blocks_no_verify_commit", "git commit --amend",
		[]string{"exec git commit -q -a --amend"}},
	{"git push --no-verify", "prepush_blocks_no_verify_commit", "git push --no-verify", []string{"exec git push -q --no-verify"}},
	{"keyguard scan --no-ignore", "scan_nothing_read_says_why", `keyguard scan --no-ignore reads it`, []string{"exec keyguard scan --no-ignore"}},
	{"hint: keyguard fix-ignore adds the missing", "status_secret_files", "hint: keyguard fix-ignore", []string{"exec keyguard fix-ignore"}},
	{"hint: git rm --cached -- <file> stops tracking", "status_secret_files", "git rm --cached -- <file> stops tracking",
		[]string{"exec git rm -q --cached -- tracked.pem"}},
	{"keyguard install gives this repository its own copy", "install_template_guards_new_repos",
		`from keyguard''s git template \(install --template\): runs the per-user keyguard`, []string{"exec keyguard install"}},
	{"hint: keyguard fix-ignore adds them now, before the files exist", "fixignore_standard_entries_before_files_exist",
		`hint: keyguard fix-ignore adds them now, before the files exist`, []string{"exec keyguard fix-ignore"}},
	// status and install on keyguard's own hooks and binary (install/).
	{"=keyguard install", "status_before_install_names_install", `^hint: keyguard install$'`, []string{"exec keyguard install\n"}},
	{"=keyguard install", "status_binary_not_executable", `^hint: keyguard install$'`, []string{"exec keyguard install\n"}},
	{"=keyguard install", "install_missing_binary", `^hint: keyguard install$'`, []string{"exec keyguard install\n"}},
	{"keyguard install (it keeps your hook and runs it first)", "status_before_install_names_install",
		`hint: keyguard install \(it keeps your hook and runs it first\)`, []string{"exec keyguard install\n"}},
	{"=keyguard install --force", "status_hook_changed_after_install", `^hint: keyguard install --force$'`, []string{"exec keyguard install --force\n"}},
	{"=keyguard install --force", "status_binary_wrong_version", `^hint: keyguard install --force$'`, []string{"exec keyguard install --force\n"}},
	{"keyguard install (updates it in place)", "status_hook_changed_after_install",
		`hint: keyguard install \(updates it in place\)`, []string{"exec keyguard install\n"}},
	{"keyguard install (updates the binary)", "status_binary_wrong_version",
		`hint: keyguard install \(updates the binary\)`, []string{"exec keyguard install\n"}},
	{"nothing needed; to clean it up run keyguard uninstall, then keyguard install", "install_hookspath_outside",
		"hint: nothing needed; to clean it up run keyguard uninstall, then keyguard install",
		[]string{"exec keyguard uninstall\n", "exec keyguard install\n"}},
	{"it does no harm; keyguard uninstall removes it together with this install", "install_hookspath_outside",
		"hint: it does no harm; keyguard uninstall removes it together with this install", []string{"exec keyguard uninstall\n"}},
	// A hooks directory inside the work tree: keyguard's block in the user's script.
	{"keyguard install (adds keyguard's block to it)", "install_hooks_dir_in_worktree_hints",
		`hint: keyguard install \(adds keyguard''s block to it\)`, []string{"exec keyguard install\n"}},
	{"printf '#!/bin/sh\\n' > %s%s && keyguard install, then commit it", "install_hooks_dir_in_worktree_hints",
		`hint: printf ''#!/bin/sh\\n'' > \.githooks/pre-push && chmod \+x \.githooks/pre-push && keyguard install, then commit it`,
		[]string{"exec sh $WORK/create.sh", "exec sh $WORK/commit.sh"}},
	{"git add %s && git commit -m 'run keyguard before each %s'", "install_hooks_dir_in_worktree_hints",
		`hint: git add \.githooks/pre-commit && git commit -m ''run keyguard before each commit''`, []string{"exec sh $WORK/commit.sh"}},
	{"=git add ", "install_hooks_dir_in_worktree_hints", // status's wording, built with shWord and shQuote
		`problem: \.githooks/pre-push is not committed`, []string{"exec sh $WORK/commit.sh"}},
	{"= && git commit -m ", "install_hooks_dir_in_worktree_hints",
		`problem: \.githooks/pre-push is not committed`, []string{"exec sh $WORK/commit.sh"}},
	{"keyguard install (updates the block in place)", "install_hooks_dir_in_worktree_hints",
		`hint: keyguard install \(updates the block in place\)`, []string{"exec keyguard install\n"}},
	{"commit the change so teammates stop running keyguard: git commit %s", "install_hooks_dir_in_worktree_hints",
		"hint: commit the change so teammates stop running keyguard", []string{"exec sh $WORK/uncommit.sh"}},
	{"commit the removal so teammates stop running keyguard: git rm -q --cached %s && git commit", "install_hooks_dir_in_worktree_hints",
		"hint: commit the removal so teammates stop running keyguard", []string{"exec sh $WORK/remove.sh"}},
	{"keyguard install (moves them to a hook of their own that runs before keyguard)", "install_appended_lines_kept",
		`hint: keyguard install \(moves them to a hook of their own`, []string{"exec keyguard install\n"}},
	{"keyguard install (gives this repository its own copy of keyguard)", "status_repo_moved",
		`hint: keyguard install \(gives this repository its own copy of keyguard\)`, []string{"exec keyguard install\n"}},
	{"keyguard install --force (keeps both hooks and runs them before keyguard)", "install_replaced_hook_conflict",
		`hint: keyguard install --force \(keeps both hooks`, []string{"exec keyguard install --force\n"}},
	{"keep both with keyguard install --force (each runs before keyguard, %s first), or merge them into %s, delete %s and run keyguard install",
		"install_replaced_hook_conflict", "hint: keep both with keyguard install --force",
		[]string{"exec keyguard install --force\n", "rm .git/hooks/pre-commit.keyguard-chained\n", "exec keyguard install\n"}},
	{"keyguard: the keyguard binary behind this hook is not executable (%s); run keyguard install again", "state_keyguard_binary_not_executable",
		"run keyguard install again, or bypass once with git commit --no-verify", []string{"exec keyguard install\n", "exec git commit -q -m one"}},
	{"keyguard: the keyguard binary behind this hook is missing (%s); run keyguard install again", "install_missing_binary",
		"run keyguard install again, or bypass once with git commit --no-verify",
		[]string{"exec git commit -q --no-verify -m one", "exec keyguard install\n", "exec git commit -q -m two"}},
	{" check did not run (run keyguard install)", "install_husky", `check did not run \(run keyguard install\)`,
		[]string{"exec keyguard install\nexec git commit -q --allow-empty -m guarded"}},
	{"%s is a directory, not a hook; move it away and run keyguard install again", "install_damaged_slot_or_state",
		"move it away and run keyguard install again", []string{"exec mv .git/hooks/pre-push $WORK/moved-away", "exec keyguard install\n"}},
	{"(delete it and run keyguard install again)", "install_damaged_slot_or_state",
		`\(delete it and run keyguard install again\)`, []string{"rm .git/keyguard/state.json", "exec keyguard install\n"}},
	{"keyguard install (keyguard keeps this hook already and runs it first)", "install_manager_rewrites_hook",
		`hint: keyguard install \(keyguard keeps this hook already and runs it first\)`, []string{"exec keyguard install\n"}},
	{"overcommit manages hooks here; overcommit --install replaces keyguard's hook. Run keyguard install after it", "install_manager_rewrites_hook",
		"overcommit manages hooks here", []string{"! exec keyguard status", "exec keyguard install\n"}},
	{"Talisman's hook is kept and runs before keyguard; re-running Talisman's installer replaces keyguard's hook, then run keyguard install again",
		"install_manager_rewrites_hook", "Talisman''s hook is kept", []string{"! exec keyguard status", "exec keyguard install\n"}},
	// Hook managers (install/): the real pre-commit and simple-git-hooks.
	{"keyguard install (puts keyguard's hook in ", "precommit_framework_legacy",
		`hint: keyguard install \(puts keyguard''s hook in \.git/hooks/pre-commit\.legacy\)`, []string{"exec keyguard install\n"}},
	{"pre-commit manages hooks here: keyguard's hook goes to <hook>.legacy", "precommit_framework_legacy",
		"pre-commit manages hooks here: keyguard''s hook goes to <hook>\\.legacy",
		[]string{"exec pre-commit install\n", "exec pre-commit install --overwrite", "! exec keyguard status"}},
	{"to have pre-commit run keyguard instead, add these lines under repos:", "precommit_framework_legacy",
		"hint: to have pre-commit run keyguard instead",
		[]string{"exec pre-commit install --hook-type pre-commit --hook-type pre-push --hook-type pre-merge-commit\n", "exec keyguard uninstall\n"}},
	{"simple-git-hooks manages hooks here and rewrites them on every npm install", "simple_git_hooks_rewrites",
		"simple-git-hooks manages hooks here and rewrites them on every npm install",
		[]string{"exec node $KEYGUARD_SIMPLE_GIT_HOOKS/cli.js", "! exec keyguard status", "cp $WORK/guarded.json package.json"}},
	// lefthook (install/lefthook.go): the real lefthook.
	{"keyguard install (adds keyguard's commands to lefthook-local.yml)", "lefthook_hints_followed",
		`hint: keyguard install \(adds keyguard''s commands to lefthook-local\.yml\)`, []string{"exec keyguard install\n"}},
	{"keyguard install (adds keyguard's commands to lefthook-local.yml)", "lefthook_sync_removed_guard",
		`hint: keyguard install \(adds keyguard''s commands to lefthook-local\.yml\)`, []string{"exec keyguard install\n"}},
	{"git rm --cached %s && git commit, so it stays personal", "lefthook_hints_followed",
		"hint: git rm --cached lefthook-local\\.yml && git commit, so it stays personal", []string{"exec sh $WORK/untrack.sh", "exec git add -A"}},
	{"if [ ! -x \"$k\" ]; then echo \"keyguard: the keyguard binary behind this hook is missing ($k); run keyguard install again", "lefthook_hints_followed",
		"keyguard: the keyguard binary behind this hook is missing", []string{"exec git commit -q --no-verify -m one", "exec keyguard install\n"}},
	{"# >>> keyguard: added by keyguard install, removed by keyguard uninstall >>>", "lefthook_hints_followed",
		"# >>> keyguard: added by keyguard install, removed by keyguard uninstall >>>", []string{"exec keyguard uninstall\n! exec grep -q keyguard lefthook-local.yml"}},
	{"added /%s to .git/info/exclude, so git add -A never commits your personal lefthook config", "lefthook_hints_followed",
		"hint: git rm --cached lefthook-local", []string{"exec git add -A\nexec git status --porcelain --untracked-files=all\n! stdout 'lefthook-local'"}},
	{"keyguard install (moves keyguard into lefthook-local.yml, which lefthook runs)", "lefthook_hints_followed",
		`hint: keyguard install \(moves keyguard into lefthook-local\.yml, which lefthook runs\)`, []string{"exec keyguard install\n"}},
	{"put lefthook on PATH (or set LEFTHOOK_BIN), then keyguard install", "lefthook_not_on_path_named",
		`hint: put lefthook on PATH \(or set LEFTHOOK_BIN\), then keyguard install`, []string{"env LEFTHOOK_BIN=$WORK/lbin/lefthook\nexec keyguard install\n"}},
	// The markers keyguard writes into hook scripts promise that uninstall removes them.
	{"# keyguard-managed-hook v1: do not edit; keyguard uninstall removes it", "install_replaced_hook_conflict",
		"# keyguard-managed-hook v1", []string{"exec keyguard uninstall\n"}},
	{": added by keyguard install, removed by keyguard uninstall >>>", "install_husky",
		"added by keyguard install", []string{"exec keyguard uninstall\nstdout '^keyguard: removed keyguard''s block from \\.husky/pre-commit$'\ncmp .husky/pre-commit $WORK/husky/pre-commit"}},
	// Template (install --template).
	{"repositories you already have: run keyguard install in each", "install_template_guards_new_repos",
		"hint: repositories you already have: run keyguard install in each", []string{"exec keyguard install\n"}},
	{"run keyguard uninstall (or keyguard install) in those repositories, then delete it: rm %s", "install_template_guards_new_repos",
		`hint: run keyguard uninstall \(or keyguard install\)`, []string{"exec keyguard uninstall\n", "exec sh $WORK/rm.sh"}},
	{"to use keyguard's template instead: git config --%s --unset %s && keyguard install --template", "install_template_refuses_other_template",
		"hint: to use keyguard''s template instead", []string{"exec sh use.sh"}},
	// fix-ignore (secretfiles/).
	{"hint: remove or narrow that rule, then run keyguard fix-ignore again", "fixignore_negation_wins",
		"hint: remove or narrow that rule", []string{"rm app/.gitignore", "exec keyguard fix-ignore"}},
	{"(git check-ignore -v on a fresh clone names it), remove or narrow it, then run keyguard fix-ignore again", "fixignore_only_ignored_here",
		`\(git check-ignore -v on a fresh clone names it\)`,
		[]string{"exec git -C $WORK/fresh check-ignore -v app/.env", "exec git rm -q app/.gitignore", "exec keyguard fix-ignore"}},
	{"hint: git rm --cached -- %s   (stop tracking it; your copy stays), then commit\n", "fixignore_tracked_file",
		`\(stop tracking it; your copy stays\), then commit`, []string{"exec git rm -q --cached -- .env", "exec git commit -q"}},
	// The one-line refusal in a bare repository (git/).
	{"keyguard scan --history scans a bare repository's commits", "bare_commands_need_worktree",
		"keyguard scan --history scans a bare repository''s commits", []string{"exec keyguard scan --history"}},
	// keyguard fix (fix/).
	{"=keep this file out of git: keyguard fix-ignore", "fix_env_local_key_stays_ignored",
		"hint: keep this file out of git: keyguard fix-ignore$'", []string{"! exec keyguard fix-ignore", "exec git rm -q --cached -- .env.local"}},
	// Reached only by a race between planning and writing: fix/fix_test.go
	// TestChangedSourceFixedAgain makes the edit, gets this error, and plans
	// and applies again as keyguard fix would.
	{"%s changed while keyguard was fixing it; run keyguard fix again", "", "", nil},
	// Explanations, not advice.
	{"is not ignored by git (git add . would commit it)", "", "", nil},
	{"keyguard fix only edits files in the work tree", "", "", nil},
	{"guard this repository: run keyguard on every git commit and push", "", "", nil},                     // install's usage line
	{"before those files exist: a secret file created later cannot be committed by git add", "", "", nil}, // why fix-ignore adds a line
	{"git check-ignore: %d fields for %d paths", "", "", nil},                                             // git's output could not be parsed
	{"git check-ignore: line number %q for %s is not a number", "", "", nil},                              // likewise
}

// TestEveryHintIsRun checks that every command the reports suggest is
// covered by a scenario that shows the hint and then runs the command: a
// new hint without such a scenario fails here. A literal in hintRuns covers
// every string that contains it; one written "=keyguard install" covers only
// the string "keyguard install", so a short fix cannot cover every longer
// hint that quotes it.
func TestEveryHintIsRun(t *testing.T) {
	type hint struct {
		s   string
		pos token.Position
	}
	var hints []hint
	for _, dir := range hintDirs {
		files, err := filepath.Glob(filepath.Join(dir, "*.go"))
		if err != nil || len(files) == 0 {
			t.Fatalf("no Go files in %s (%v)", dir, err)
		}
		for _, name := range files {
			if strings.HasSuffix(name, "_test.go") {
				continue
			}
			fset := token.NewFileSet()
			f, err := parser.ParseFile(fset, name, nil, 0)
			if err != nil {
				t.Fatal(err)
			}
			ast.Inspect(f, func(n ast.Node) bool {
				lit, ok := n.(*ast.BasicLit)
				if !ok || lit.Kind != token.STRING {
					return true
				}
				s, err := strconv.Unquote(lit.Value)
				if err == nil && hintCommand.MatchString(s) {
					hints = append(hints, hint{s, fset.Position(lit.Pos())})
				}
				return true
			})
		}
	}
	if len(hints) < 50 {
		t.Fatalf("found only %d hints in %v: the search is broken", len(hints), hintDirs)
	}
	var found []string
	for _, h := range hints {
		found = append(found, h.s)
	}
	covers := func(literal, s string) bool {
		if whole, ok := strings.CutPrefix(literal, "="); ok {
			return s == whole
		}
		return strings.Contains(s, literal)
	}
	for _, h := range hints {
		covered := false
		for _, r := range hintRuns {
			covered = covered || covers(r.literal, h.s)
		}
		if !covered {
			t.Errorf("%s: %q suggests a command that no scenario runs: add a scenario that shows it and runs the command, and list it in hintRuns", h.pos, h.s)
		}
	}
	for _, h := range hintRuns {
		used := false
		for _, s := range found {
			used = used || covers(h.literal, s)
		}
		if !used {
			t.Errorf("hintRuns lists %q, which no longer appears in %v", h.literal, hintDirs)
		}
		if h.script == "" {
			continue
		}
		data, err := os.ReadFile(filepath.Join("testdata", "script", h.script+".txtar"))
		if err != nil {
			t.Errorf("hint %q: %v", h.literal, err)
			continue
		}
		script := string(data)
		if i := strings.Index(script, "\n-- "); i >= 0 {
			script = script[:i+1] // the commands, not the files
		}
		at := strings.Index(script, h.shown)
		if at < 0 {
			t.Errorf("hint %q: %s.txtar never checks the hint is shown (%q)", h.literal, h.script, h.shown)
			continue
		}
		for _, r := range h.runs {
			if !strings.Contains(script[at:], r) {
				t.Errorf("hint %q: %s.txtar does not run %q after showing it", h.literal, h.script, strings.TrimSpace(r))
			}
		}
	}
}

// hintDirs are the packages whose strings reach the user: the root package
// (commands, completion) and every package that writes a message or an error.
var hintDirs = []string{".", "report", "hook", "install", "fix", "secretfiles", "scan", "git"}

package install

// husky v9 sets core.hooksPath to .husky/_, whose shims run the user's
// .husky/<hook> with sh -e; running husky again (npm install runs its
// prepare script) rewrites only .husky/_. So keyguard's part goes into the
// user's .husky/<hook> as a marked block (install.go, layoutBlock), or the
// user writes "keyguard hook pre-commit" there by hand, which status and
// install recognise (scriptRunsKeyguard).

import "path/filepath"

// isHusky reports whether dir is husky v9's shim directory (core.hooksPath
// .husky/_), where each shim runs the user's .husky/<hook> with sh.
func isHusky(dir string) bool {
	if filepath.Base(dir) != "_" {
		return false
	}
	return lexists(filepath.Join(dir, "h")) || filepath.Base(filepath.Dir(dir)) == ".husky"
}

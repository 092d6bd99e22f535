package detect

import (
	"path"
	"strings"
)

// generatedNames are files written by tools, never by hand: lockfiles and
// checksum databases full of hashes that look like secrets to generic rules.
var generatedNames = map[string]bool{
	"package-lock.json": true, "npm-shrinkwrap.json": true, "yarn.lock": true, "pnpm-lock.yaml": true,
	"bun.lock": true, "go.sum": true, "Cargo.lock": true, "poetry.lock": true, "Pipfile.lock": true,
	"uv.lock": true, "pdm.lock": true, "Gemfile.lock": true, "composer.lock": true, "mix.lock": true,
	"pubspec.lock": true, "Podfile.lock": true, "packages.lock.json": true, "gradle.lockfile": true,
	"flake.lock": true, "deno.lock": true, "go.work.sum": true, ".terraform.lock.hcl": true,
}

// generatedSuffixes mark minified bundles, source maps and snapshots.
var generatedSuffixes = []string{
	".min.js", ".min.mjs", ".min.css", ".js.map", ".css.map", ".map", ".snap", ".pb.go", "_pb2.py", ".lock",
}

// IsGenerated reports whether the file at name (a '/'-separated path) is
// minified or generated, where only provider rules apply.
func IsGenerated(name string) bool {
	base := path.Base(name)
	if generatedNames[base] {
		return true
	}
	lower := strings.ToLower(base)
	for _, s := range generatedSuffixes {
		if strings.HasSuffix(lower, s) {
			return true
		}
	}
	return false
}

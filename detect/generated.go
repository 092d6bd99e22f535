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
	"Package.resolved": true,                          // SwiftPM
	".pnp.cjs":         true, ".pnp.loader.mjs": true, // Yarn Plug'n'Play maps
}

// generatedSuffixes mark minified bundles, source maps, snapshots and
// protobuf/gRPC stubs.
var generatedSuffixes = []string{
	".min.js", ".min.mjs", ".min.css", ".bundle.js", ".chunk.js", ".js.map", ".css.map", ".map",
	".snap", ".lock",
	".pb.go", ".pb.h", ".pb.cc", "_pb2.py", "_pb2.pyi", "_pb2_grpc.py", "_pb.js", "_pb.d.ts", "_grpc_pb.js",
}

// generatedPrefixes mark code generators' output by name (Kubernetes
// deepcopy and friends).
var generatedPrefixes = []string{"zz_generated."}

// generatedDirs hold third-party or tool-written trees: vendored code and
// bundles (its test fixtures are not the project's secrets) and snapshot
// directories.
var generatedDirs = map[string]bool{"node_modules": true, "bower_components": true, "vendor": true, "__snapshots__": true}

// IsGenerated reports whether the file at name (a '/'-separated path) is
// minified, generated or vendored, where only provider rules apply.
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
	for _, p := range generatedPrefixes {
		if strings.HasPrefix(lower, p) {
			return true
		}
	}
	// The directories, one at a time, without building strings: this runs
	// for every fragment of a commit.
	for rest := path.Dir(name); rest != ""; {
		seg, after, _ := strings.Cut(rest, "/")
		if generatedDirs[seg] {
			return true
		}
		if seg == ".yarn" {
			if next, _, _ := strings.Cut(after, "/"); next == "releases" {
				return true
			}
		}
		rest = after
	}
	return false
}

#!/usr/bin/env bash
# realcode.sh: false findings per MB of real code. Scans checkouts of
# public projects (which hold no live keys, so every finding is a false
# alarm or a test fixture) with keyguard and, when installed, gitleaks, and
# prints one Markdown row per checkout and a total.
#
#   bench/realcode.sh DIR...            # checkouts you already have
#   GITLEAKS=/path/to/gitleaks bench/realcode.sh DIR...
#
# The checkouts stay outside this repository: nothing of them is committed.
# docs/detection.md lists the projects and commits behind the quoted figures.
set -euo pipefail

if [ $# -eq 0 ]; then
	echo "usage: bench/realcode.sh DIR..." >&2
	exit 2
fi
root=$(cd "$(dirname "$0")/.." && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
(cd "$root" && go build -o "$work/keyguard" .)
gitleaks=${GITLEAKS:-$(command -v gitleaks || true)}

count() { python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); print(len(d or []))' "$1"; }

echo "| checkout | MB | keyguard findings | per MB | gitleaks findings | per MB |"
echo "|---|---:|---:|---:|---:|---:|"
total_mb=0 total_kg=0 total_gl=0
for dir in "$@"; do
	if [ ! -d "$dir" ]; then
		echo "realcode.sh: $dir: not a directory" >&2
		exit 2
	fi
	bytes=$(du -sb "$dir" | cut -f1)
	mb=$(python3 -c "print(f'{$bytes/1e6:.1f}')")
	# Exit status 1 means findings: a normal run here.
	"$work/keyguard" scan --quiet --format json "$dir" >"$work/kg.json" || [ $? -eq 1 ]
	kg=$(count "$work/kg.json")
	gl="n/a" glmb="n/a"
	if [ -n "$gitleaks" ]; then
		"$gitleaks" dir "$dir" --no-banner --redact --log-level error -f json -r "$work/gl.json" >/dev/null || true
		gl=$(count "$work/gl.json")
		glmb=$(python3 -c "print(f'{$gl/$mb:.3f}')")
		total_gl=$((total_gl + gl))
	fi
	echo "| $(basename "$dir") | $mb | $kg | $(python3 -c "print(f'{$kg/$mb:.3f}')") | $gl | $glmb |"
	total_mb=$(python3 -c "print($total_mb + $mb)")
	total_kg=$((total_kg + kg))
done
gltotal="n/a" glper="n/a"
if [ -n "$gitleaks" ]; then
	gltotal=$total_gl
	glper=$(python3 -c "print(f'{$total_gl/$total_mb:.3f}')")
fi
echo "| **all** | $(python3 -c "print(f'{$total_mb:.1f}')") | $total_kg | $(python3 -c "print(f'{$total_kg/$total_mb:.3f}')") | $gltotal | $glper |"

#!/usr/bin/env bash
# history-real.sh runs `keyguard scan --history` over real repositories and
# prints one Markdown row per repository: commits and merges in the scan,
# keyguard's exit status and findings, its wall time against one
# `git log -p -U0 --all` of the same repository in the same run, the ratio,
# and keyguard's peak RSS. See docs/history.md for the figures and method.
#
# usage: bench/history-real.sh [-k KEYGUARD] REPO...
#
#   bench/history-real.sh /tmp/hist/*.git            # mirrors or bare clones
#   bench/history-real.sh -k /tmp/kg ~/src/project   # a given keyguard binary
#
# Without -k, keyguard is built from this tree. Each REPO is a local
# repository (bare, mirror or with a work tree); it is only read. Both
# commands read the same refs (--all) after the pack files were read once,
# so both start with a warm page cache. Needs GNU time (/usr/bin/time).
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
kg=""
if [[ ${1:-} == -k ]]; then
	kg=$(cd "$(dirname "$2")" && pwd)/$(basename "$2")
	shift 2
fi
if [[ $# -eq 0 ]]; then
	sed -n '8,11p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//' >&2
	exit 2
fi
if [[ ! -x /usr/bin/time ]]; then
	echo "history-real.sh: needs GNU time at /usr/bin/time (apt-get install time)" >&2
	exit 2
fi
tmp=$(mktemp -d "${TMPDIR:-/tmp}/kghist.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
trap 'exit 130' INT TERM
if [[ -z $kg ]]; then
	(cd "$here" && go build -o "$tmp/keyguard" .)
	kg=$tmp/keyguard
fi

# secs FILE: the elapsed seconds GNU time wrote (format "%e %M").
secs() { awk 'END { print $1 }' "$1"; }
# rss FILE: the peak RSS in MiB.
rss() { awk 'END { printf "%.0f", $2 / 1024 }' "$1"; }

echo "keyguard: $("$kg" version), git: $(git --version | cut -d' ' -f3), $(nproc) cores"
echo
echo "| repository | commits | merges | exit | findings | keyguard | git log -p -U0 --all | ratio | keyguard peak RSS |"
echo "|---|--:|--:|--:|--:|--:|--:|--:|--:|"
for repo in "$@"; do
	name=$(basename "$repo")
	gitdir=$(git -C "$repo" rev-parse --absolute-git-dir)
	commits=$(git -C "$repo" rev-list --all --count)
	merges=$(git -C "$repo" rev-list --all --merges --count)
	# Read the packs once so neither command pays for a cold cache.
	cat "$gitdir"/objects/pack/*.pack >/dev/null 2>&1 || true

	/usr/bin/time -o "$tmp/git.time" -f '%e %M' \
		git -C "$repo" -c core.pager=cat log -p -U0 --all --no-color --no-ext-diff --no-textconv >/dev/null
	set +e
	(cd "$repo" && /usr/bin/time -o "$tmp/kg.time" -f '%e %M' \
		"$kg" scan --history --format json --output "$tmp/findings.json" 2>"$tmp/kg.err")
	code=$?
	set -e
	findings=-
	if [[ $code -le 1 && -s $tmp/findings.json ]]; then
		findings=$(jq length "$tmp/findings.json")
	fi
	kgs=$(secs "$tmp/kg.time")
	gits=$(secs "$tmp/git.time")
	ratio=$(awk -v a="$kgs" -v b="$gits" 'BEGIN { if (b > 0) printf "%.2fx", a / b; else print "-" }')
	echo "| $name | $commits | $merges | $code | $findings | ${kgs} s | ${gits} s | $ratio | $(rss "$tmp/kg.time") MiB |"
	if [[ $code -gt 1 ]]; then
		echo "$name: exit $code: $(grep -v '^\s*$' "$tmp/kg.err" | grep -v 'Command exited' | head -1)" >&2
	fi
	rm -f "$tmp/findings.json"
done

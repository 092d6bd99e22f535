#!/usr/bin/env bash
# history-real.sh runs `keyguard scan --history` over real repositories and
# prints one Markdown row per repository: commits and merges in the scan,
# keyguard's exit status and findings, its wall time against one
# `git log -p -U0 --all` of the same repository in the same run, the ratio,
# the CPU time of both (git's children included), and keyguard's peak
# RSS: its own (VmHWM, sampled every 0.2 s) and that of
# the largest process of the run, git's children included (GNU time). See
# docs/history.md for the figures and the method.
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
	sed -n '11,14p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//' >&2
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

# secs FILE: the elapsed seconds GNU time wrote (format "%e %M %U %S").
secs() { awk 'END { print $1 }' "$1"; }
# cpu FILE: the CPU seconds, user and system, of the process and its children.
cpu() { awk 'END { printf "%.1f", $3 + $4 }' "$1"; }
# rss FILE: the peak RSS in MiB.
rss() { awk 'END { printf "%.0f", $2 / 1024 }' "$1"; }

echo "keyguard: $("$kg" version), git: $(git --version | cut -d' ' -f3), $(nproc) cores"
echo
echo "| repository | commits | merges | exit | findings | keyguard | git log -p -U0 --all | ratio | CPU: keyguard / git log | keyguard's own peak RSS | peak RSS with git children |"
echo "|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|"
for repo in "$@"; do
	name=$(basename "$repo")
	gitdir=$(git -C "$repo" rev-parse --absolute-git-dir)
	commits=$(git -C "$repo" rev-list --all --count)
	merges=$(git -C "$repo" rev-list --all --merges --count)
	# Read the packs once so neither command pays for a cold cache.
	cat "$gitdir"/objects/pack/*.pack >/dev/null 2>&1 || true

	/usr/bin/time -o "$tmp/git.time" -f '%e %M %U %S' \
		git -C "$repo" -c core.pager=cat log -p -U0 --all --no-color --no-ext-diff --no-textconv >/dev/null
	# GNU time's peak RSS is that of the largest process in the tree, git
	# children included; keyguard's own peak (VmHWM) is sampled until it ends.
	(cd "$repo" && exec /usr/bin/time -o "$tmp/kg.time" -f '%e %M %U %S' \
		"$kg" scan --history --format json --output "$tmp/findings.json" 2>"$tmp/kg.err") &
	timer=$!
	own=0
	while kill -0 "$timer" 2>/dev/null; do
		for child in $(pgrep -P "$timer"); do
			hwm=$(awk '/^VmHWM:/ { print $2 }' "/proc/$child/status" 2>/dev/null || true)
			if [[ -n $hwm && $hwm -gt $own ]]; then own=$hwm; fi
		done
		sleep 0.2
	done
	set +e
	wait "$timer"
	code=$?
	set -e
	findings=-
	if [[ $code -le 1 && -s $tmp/findings.json ]]; then
		findings=$(jq length "$tmp/findings.json")
	fi
	kgs=$(secs "$tmp/kg.time")
	gits=$(secs "$tmp/git.time")
	ratio=$(awk -v a="$kgs" -v b="$gits" 'BEGIN { if (b > 0) printf "%.2fx", a / b; else print "-" }')
	echo "| $name | $commits | $merges | $code | $findings | ${kgs} s | ${gits} s | $ratio | $(cpu "$tmp/kg.time") s / $(cpu "$tmp/git.time") s | $((own / 1024)) MiB | $(rss "$tmp/kg.time") MiB |"
	if [[ $code -gt 1 ]]; then
		echo "$name: exit $code: $(grep -v '^\s*$' "$tmp/kg.err" | grep -v 'Command exited' | head -1)" >&2
	fi
	rm -f "$tmp/findings.json"
done

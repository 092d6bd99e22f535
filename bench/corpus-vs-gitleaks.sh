#!/usr/bin/env bash
# corpus-vs-gitleaks.sh measures keyguard and gitleaks on keyguard's labelled
# detection corpus (detect/testdata/corpus) and prints a Markdown table:
# recall per family, negative lines flagged, wall time.
#
# usage: bench/corpus-vs-gitleaks.sh
#
# gitleaks is taken from $GITLEAKS, else from PATH; without it only
# keyguard's numbers are printed. The expanded corpus holds key-shaped fakes,
# so it lives in a temporary directory that is removed on exit, and no secret
# is ever printed (the scorer compares values in memory).
set -euo pipefail

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
tmp=$(mktemp -d "${TMPDIR:-/tmp}/keyguard-corpus.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
trap 'exit 130' INT TERM

log() { printf 'corpus-vs-gitleaks: %s\n' "$*" >&2; }
now_ms() { date +%s%3N; }

cd "$repo"
log "building keyguard and the scorer"
go build -o "$tmp/keyguard" .
go build -o "$tmp/corpusscore" ./bench/cmd/corpusscore

log "expanding the corpus"
corpus="$tmp/corpus"
go run ./bench/cmd/corpusdump "$corpus" >"$tmp/dump.log" 2>&1 || {
	cat "$tmp/dump.log" >&2
	exit 1
}
# The reports sit beside the corpus, not in it, so neither tool scans them.
cd "$corpus"

kg_version=$("$tmp/keyguard" version | awk '{print $2}')
log "running keyguard $kg_version"
start=$(now_ms)
rc=0
"$tmp/keyguard" scan --format json . >"$tmp/keyguard.json" 2>"$tmp/keyguard.err" || rc=$?
kg_ms=$(($(now_ms) - start))
if [ "$rc" -ne 0 ] && [ "$rc" -ne 1 ]; then # 1: secrets found
	log "keyguard scan failed (exit $rc):"
	cat "$tmp/keyguard.err" >&2
	exit 1
fi

gitleaks=${GITLEAKS:-$(command -v gitleaks || true)}
gl_args=()
if [ -n "$gitleaks" ] && [ -x "$gitleaks" ]; then
	gl_version=$("$gitleaks" version 2>/dev/null | tr -d '\n')
	case $gl_version in
	v[0-9]* | [0-9]*) ;;
	*) # `go install` leaves the version unset; the module version is in the binary.
		gl_version=$(go version -m "$gitleaks" 2>/dev/null |
			awk '$1 == "mod" && $2 == "github.com/zricethezav/gitleaks/v8" {print $3}')
		gl_version=${gl_version:-unknown}
		;;
	esac
	if [ "${gl_version#v}" != "8.30.1" ]; then
		log "warning: gitleaks $gl_version, the README compares against 8.30.1"
	fi
	log "running gitleaks $gl_version ($gitleaks)"
	start=$(now_ms)
	rc=0
	# Its default rules only: a config from the environment would skew the
	# comparison. Exit code 0 even on leaks; errors still fail.
	env -u GITLEAKS_CONFIG -u GITLEAKS_CONFIG_TOML \
		"$gitleaks" dir --no-banner --log-level error --exit-code 0 \
		--report-format json --report-path "$tmp/gitleaks.json" . \
		>"$tmp/gitleaks.out" 2>&1 || rc=$?
	gl_ms=$(($(now_ms) - start))
	if [ "$rc" -ne 0 ]; then
		log "gitleaks failed (exit $rc):"
		cat "$tmp/gitleaks.out" >&2
		exit 1
	fi
	gl_args=(-gitleaks "$tmp/gitleaks.json" -gitleaks-ms "$gl_ms" -gitleaks-version "$gl_version")
else
	log "gitleaks not found (set GITLEAKS or put it on PATH); showing keyguard only. Install it with:"
	log "  go install github.com/zricethezav/gitleaks/v8@v8.30.1   (or GOBIN=/tmp/gl go install ...)"
fi

"$tmp/corpusscore" -dir "$corpus" \
	-keyguard "$tmp/keyguard.json" -keyguard-ms "$kg_ms" -keyguard-version "$kg_version" \
	${gl_args[@]+"${gl_args[@]}"}

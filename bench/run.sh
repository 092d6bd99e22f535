#!/usr/bin/env bash
# run.sh runs keyguard's performance benchmarks on generated repositories and
# prints one Markdown table per workload (see bench/README.md).
#
# usage: bench/run.sh [-quick] [kgbench flags...]
#
#   bench/run.sh -quick                       # small sizes, a few minutes
#   bench/run.sh                              # the issue's sizes (400 MiB commit, 3,000 commits, 100,000 files)
#   bench/run.sh -work /tmp/kgwork -only history   # keep the repositories and reuse them
#
# keyguard is built from this tree; gitleaks comes from $GITLEAKS or PATH.
# Progress goes to stderr, the tables to stdout.
set -euo pipefail

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
bin=$(mktemp -d "${TMPDIR:-/tmp}/kgbench-bin.XXXXXX")
trap 'rm -rf "$bin"' EXIT
trap 'exit 130' INT TERM

cd "$repo"
go build -o "$bin/kgbench" ./bench/cmd/kgbench
"$bin/kgbench" -repo "$repo" "$@"

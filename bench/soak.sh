#!/bin/sh
# Soak: 1,000 consecutive commits through the installed hook, mixed clean and
# blocked. Reports the median time per commit for each block of 100 (it must
# not grow), and checks that no keyguard process, temporary file or lock is
# left behind. Usage: bench/soak.sh [COMMITS]
set -eu
commits=${1:-1000}
here=$(cd "$(dirname "$0")/.." && pwd)
work=$(mktemp -d)
trap 'chmod -R u+w "$work" 2>/dev/null; rm -rf "$work"' EXIT INT TERM
export GIT_CONFIG_NOSYSTEM=1 GIT_CONFIG_GLOBAL="$work/gitconfig" HOME="$work"
printf '[user]\n\tname = Soak\n\temail = soak@keyguard.invalid\n[init]\n\tdefaultBranch = main\n' > "$work/gitconfig"

(cd "$here" && go build -o "$work/keyguard" . && go build -o "$work/fakekey" ./bench/cmd/fakekey)
# The fake key is built at run time from a template, never stored in the repo.
key=$("$work/fakekey" 'sk_live_{{alnum 40}}')
tmp_before=$(ls "${TMPDIR:-/tmp}" | wc -l)

git init -q "$work/repo"
cd "$work/repo"
"$work/keyguard" install > /dev/null
echo start > log.txt
git add log.txt && git commit -q -m start

ms() { date +%s%N | cut -c1-13; }
block=100
i=1
blocked=0
times=""
report() {
  sorted=$(printf '%s\n' $times | sort -n)
  n=$(printf '%s\n' $times | wc -l)
  med=$(printf '%s\n' "$sorted" | sed -n "$(( (n + 1) / 2 ))p")
  printf '| %5d-%5d | %4d ms |\n' $(( $1 - block + 1 )) "$1" "$med"
  times=""
}
printf '| commits | median per commit |\n|---|---:|\n'
while [ "$i" -le "$commits" ]; do
  echo "line $i" >> log.txt
  if [ $(( i % 10 )) -eq 0 ]; then
    printf 'k = "%s"\n' "$key" > "key$i.py"
    git add log.txt "key$i.py"
  else
    git add log.txt
  fi
  t0=$(ms)
  if git commit -q -m "c$i" 2>/dev/null; then :; else
    blocked=$(( blocked + 1 ))
    git rm -q --cached "key$i.py" && rm "key$i.py"
    git commit -q -m "c$i" 2>/dev/null
  fi
  times="$times $(( $(ms) - t0 ))"
  [ $(( i % block )) -eq 0 ] && report "$i"
  i=$(( i + 1 ))
done

left=$(pgrep -f "$work/repo/.git/keyguard/keyguard" | wc -l || true)
locks=$(find .git -name '*.lock' | wc -l)
temps=$(find .git -name '*keyguard-tmp*' | wc -l)
tmp_after=$(ls "${TMPDIR:-/tmp}" | wc -l)
echo
echo "commits: $commits, blocked and retried: $blocked (expected $(( commits / 10 )))"
echo "leftover keyguard processes: $left, .git locks: $locks, keyguard temp files: $temps, new entries in ${TMPDIR:-/tmp}: $(( tmp_after - tmp_before ))"
[ "$blocked" -eq $(( commits / 10 )) ] && [ "$left" -eq 0 ] && [ "$locks" -eq 0 ] && [ "$temps" -eq 0 ]

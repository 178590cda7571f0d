#!/usr/bin/env bash
# Differential check: re-runs every lua-tests program that has an .expected file on the
# reference interpreter (lua5.1) and reports any expectation that no longer matches it.
# Exit status 1 if some differ. Needs lua5.1 on PATH.
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cp -r "$here" "$tmp/t"
fails=0; total=0
while read -r e; do
  rel=${e#"$tmp/t/"}
  cp "$e" "$e.orig"
  "$tmp/t/regen.sh" "${e%.expected}.lua" 2>/dev/null
  total=$((total + 1))
  if ! cmp -s "$e" "$e.orig"; then
    echo "differs from lua5.1: lua-tests/$rel"; fails=$((fails + 1))
  fi
done < <(find "$tmp/t" -name '*.expected' -not -path '*/golden/*')
echo "lua5.1 differential: $((total - fails)) of $total expectations match"
[ "$fails" -eq 0 ]

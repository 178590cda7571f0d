#!/usr/bin/env bash
# Regenerates .expected files from the reference interpreter (lua5.1, PUC-Rio 5.1.5).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
gen() {
  local f=$1 dir base
  dir=$(dirname "$f"); base=$(basename "$f" .lua)
  ( cd "$dir" && { lua5.1 "$base.lua" 2> "/tmp/regen.err.$$" || head -n 1 "/tmp/regen.err.$$" | sed 's/^lua5.1: /lua: /'; } ) > "$dir/$base.expected"
  rm -f "/tmp/regen.err.$$"
}
if [ $# -gt 0 ]; then
  for f in "$@"; do gen "$f"; done
else
  find "$here" -name '*.expected' | while read -r e; do gen "${e%.expected}.lua"; done
fi

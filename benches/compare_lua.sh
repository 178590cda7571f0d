#!/usr/bin/env bash
# Runs each benches/lua/*.lua on rlua51 (release build) and on the reference lua5.1,
# prints the time ratio rlua51/lua5.1 per program and the geometric mean.
# Usage: benches/compare_lua.sh [names...]     (needs lua5.1 on PATH)
# Ratios below 1.0 mean rlua51 is faster. Quote ratios from one run: machines are noisy.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cargo build --release -q -p rlua51 --manifest-path "$root/Cargo.toml"
bin="${CARGO_TARGET_DIR:-$root/target}/release/rlua51"
ref=${LUA_REF:-lua5.1}
runs=${RUNS:-3}
cd "$root/benches/lua"
names=("$@")
if [ ${#names[@]} -eq 0 ]; then names=($(ls *.lua | sed 's/\.lua$//')); fi
best() { # best wall time of $runs runs, in seconds
  local b=999999 t
  for _ in $(seq "$runs"); do
    local s=$(date +%s.%N)
    "$@" > /dev/null
    local e=$(date +%s.%N)
    t=$(echo "$e - $s" | bc -l)
    b=$(echo "if ($t < $b) $t else $b" | bc -l)
  done
  echo "$b"
}
logsum=0; n=0
printf "%-16s %10s %10s %8s\n" program lua5.1 rlua51 ratio
for name in "${names[@]}"; do
  out_ref=$("$ref" "$name.lua" 2>&1 || true)
  out_new=$("$bin" "$name.lua" 2>&1 || true)
  if [ "$out_ref" != "$out_new" ]; then
    printf "%-16s OUTPUT DIFFERS\n" "$name"; continue
  fi
  tr=$(best "$ref" "$name.lua")
  tn=$(best "$bin" "$name.lua")
  ratio=$(echo "$tn / $tr" | bc -l)
  printf "%-16s %10.3f %10.3f %8.2f\n" "$name" "$tr" "$tn" "$ratio"
  logsum=$(echo "$logsum + l($ratio)" | bc -l); n=$((n + 1))
done
if [ "$n" -gt 0 ]; then
  printf "geometric mean ratio (rlua51/lua5.1): %.2f over %d programs\n" "$(echo "e($logsum / $n)" | bc -l)" "$n"
fi

#!/usr/bin/env bash
# Cost of the server's busy-script hook, measured in the Lua crate: runs the CPU-bound
# program of crates/lua/examples/hook_cost.rs under callgrind with the instruction-count
# hook armed as the server arms it and without it, and prints the instruction ratio
# (deterministic; the target is at most 1.02). Needs valgrind.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cargo build --release -q -p lua51 --example hook_cost --manifest-path "$root/Cargo.toml"
bin="${CARGO_TARGET_DIR:-$root/target}/release/examples/hook_cost"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
count() { # instructions executed by `hook_cost $1`
  valgrind --tool=callgrind --callgrind-out-file="$tmp/cg.$1" "$bin" "$1" 2>/dev/null >/dev/null
  grep -m1 '^summary:' "$tmp/cg.$1" | awk '{print $2}'
}
off=$(count off)
on=$(count on)
printf "instructions: hook off %d, hook on %d, ratio on/off %.4f\n" "$off" "$on" "$(echo "$on / $off" | bc -l)"

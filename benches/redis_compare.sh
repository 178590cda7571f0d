#!/usr/bin/env bash
# Runs redis-benchmark against rlua51-server and redis-server 7.0.15 with the same
# parameters, in the same run, and prints requests/second and the ratio per test, with
# and without pipelining (-P 16), each test alternating between the servers. Then compares used_memory after DEBUG POPULATE 1000000.
#
# Usage: benches/redis_compare.sh [requests]   (default 200000)
set -euo pipefail
cd "$(dirname "$0")/.."
N=${1:-200000}
TESTS=${TESTS:-ping,set,get,incr,mset,lpush,lpop,sadd,hset,zadd,lrange_100}
cargo build --release -p server >/dev/null
BIN=${CARGO_TARGET_DIR:-target}/release/rlua51-server
freeport() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
P_OURS=$(freeport); P_REDIS=$(freeport)
tmp=$(mktemp -d)
"$BIN" --port "$P_OURS" --save "" --enable-debug-command yes --dir "$tmp" >"$tmp/ours.log" 2>&1 &
PID_OURS=$!
redis-server --port "$P_REDIS" --bind 127.0.0.1 --save "" --appendonly no --enable-debug-command yes --dir "$tmp" >"$tmp/redis.log" 2>&1 &
PID_REDIS=$!
trap 'kill $PID_OURS $PID_REDIS 2>/dev/null || true; rm -rf "$tmp"' EXIT
for p in "$P_OURS" "$P_REDIS"; do
  for _ in $(seq 1 50); do redis-cli -p "$p" ping >/dev/null 2>&1 && break; sleep 0.1; done
done

REPS=${REPS:-3}
bench() { # port pipeline test -> "name rps" lines
  redis-benchmark -p "$1" -t "$3" -n "$N" -P "$2" -q --csv 2>/dev/null |
    tail -n +2 | tr -d '"' | awk -F, '{gsub(/ /,"_",$1); print $1, $2}'
}
# The machine may be shared: each test runs on both servers alternately, REPS times, and
# the best figure of each side is kept, so a burst of outside load does not decide a ratio.
best() { # file -> best "name rps" per name, in first-seen order
  awk '{ if (!($1 in m) || $2 > m[$1]) m[$1] = $2; if (!($1 in o)) { o[$1] = n++ } }
       END { for (k in o) print o[k], k, m[k] }' "$1" | sort -n | cut -d' ' -f2-
}
for P in 1 16; do
  echo "== redis-benchmark -t $TESTS -n $N -P $P (best of $REPS, alternating)"
  printf "%-36s %14s %14s %7s\n" test rlua51 redis ratio
  for T in ${TESTS//,/ }; do
    : >"$tmp/ours.csv"; : >"$tmp/redis.csv"
    for _ in $(seq 1 "$REPS"); do
      bench "$P_OURS" "$P" "$T" >>"$tmp/ours.csv"
      bench "$P_REDIS" "$P" "$T" >>"$tmp/redis.csv"
    done
    paste -d' ' <(best "$tmp/ours.csv") <(best "$tmp/redis.csv") |
      awk '{printf "%-36s %14.0f %14.0f %7.2f\n", $1, $2, $4, $2/$4}'
  done
done

# Scripting: EVAL of a trivial script, of one SET, EVALSHA of the same, a 1,000-step
# Lua loop, and FCALL of a function doing one SET, pipelined 16 deep.
SCRIPT_SET="return redis.call('set',KEYS[1],ARGV[1])"
SCRIPT_LOOP="local x = 0 for i = 1, 1000 do x = x + i end return x"
for p in "$P_OURS" "$P_REDIS"; do redis-cli -p "$p" script load "$SCRIPT_SET" >/dev/null; done
SHA_SET=$(redis-cli -p "$P_REDIS" script load "$SCRIPT_SET")
LIB_SET=$'#!lua name=bench\nredis.register_function("setf", function(keys, args) return redis.call("set", keys[1], args[1]) end)'
for p in "$P_OURS" "$P_REDIS"; do redis-cli -p "$p" function load replace "$LIB_SET" >/dev/null; done
ebench() { # port name args... -> "name rps"
  local port=$1 name=$2; shift 2
  # Plain -q output: the script text may hold commas, which would break the CSV columns.
  redis-benchmark -p "$port" -n "$N" -P 16 -q "$@" 2>/dev/null | tr '\r' '\n' |
    grep -o '[0-9.]* requests per second' | tail -n 1 | awk -v n="$name" '{print n, $1}'
}
echo "== scripting, -n $N -P 16 (best of $REPS, alternating)"
printf "%-36s %14s %14s %7s\n" test rlua51 redis ratio
for T in eval_return_1 eval_set evalsha_set eval_loop_1000 fcall_set; do
  : >"$tmp/ours.csv"; : >"$tmp/redis.csv"
  for _ in $(seq 1 "$REPS"); do
    for side in ours redis; do
      port=$P_OURS; [ "$side" = redis ] && port=$P_REDIS
      case $T in
        eval_return_1) ebench "$port" "$T" eval "return 1" 0 ;;
        eval_set) ebench "$port" "$T" eval "$SCRIPT_SET" 1 key:__rand_int__ v ;;
        evalsha_set) ebench "$port" "$T" evalsha "$SHA_SET" 1 key:__rand_int__ v ;;
        eval_loop_1000) ebench "$port" "$T" eval "$SCRIPT_LOOP" 0 ;;
        fcall_set) ebench "$port" "$T" fcall setf 1 key:__rand_int__ v ;;
      esac >>"$tmp/$side.csv"
    done
  done
  paste -d' ' <(best "$tmp/ours.csv") <(best "$tmp/redis.csv") |
    awk '{printf "%-36s %14.0f %14.0f %7.2f\n", $1, $2, $4, $2/$4}'
done

echo "== memory after DEBUG POPULATE 1000000"
for p in "$P_OURS" "$P_REDIS"; do
  redis-cli -p "$p" flushall >/dev/null
  base=$(redis-cli -p "$p" info memory | tr -d '\r' | awk -F: '/^used_memory:/{print $2}')
  redis-cli -p "$p" debug populate 1000000 >/dev/null
  used=$(redis-cli -p "$p" info memory | tr -d '\r' | awk -F: '/^used_memory:/{print $2}')
  rss=$(redis-cli -p "$p" info memory | tr -d '\r' | awk -F: '/^used_memory_rss:/{print $2}')
  echo "$p $((used-base)) $rss"
done | paste -s -d' ' | awk '{printf "used_memory delta: rlua51 %d  redis %d  ratio %.2f\nrss:               rlua51 %d  redis %d  ratio %.2f\n", $2, $5, $2/$5, $3, $6, $3/$6}'

#!/usr/bin/env bash
# Writes redis-7.0.15.rdb: a dataset saved by redis-server 7.0.15 (every value encoding,
# TTLs, two databases, a stream with a deleted entry and a consumer group, a function
# library), loaded by crates/server/tests/persistence.rs.
# Run from anywhere; needs redis-server and redis-cli 7.0.15.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
tmp=$(mktemp -d)
redis-server --port "$port" --bind 127.0.0.1 --save "" --appendonly no --dir "$tmp" \
  --daemonize no > "$tmp/redis.log" 2>&1 &
pid=$!
trap 'kill "$pid" 2>/dev/null || true; rm -rf "$tmp"' EXIT
for _ in $(seq 1 50); do redis-cli -p "$port" ping >/dev/null 2>&1 && break; sleep 0.1; done
r() { redis-cli -p "$port" "$@" > /dev/null; }
r set str hello
r set int 12345
r set neg -7
r set long "$(printf 'x%.0s' $(seq 1 100))"
r set ttl v EXAT 4102444800
r rpush list a b c 1 2 3
for i in $(seq 1 200); do echo "RPUSH biglist element-$i"; echo "HSET bighash field-$i value-$i"; \
  echo "SADD bigset member-$i"; echo "ZADD bigzset $i.5 member-$i"; done | redis-cli -p "$port" > /dev/null
r hset hash f1 v1 f2 2
r sadd intset 1 2 3 100000
r sadd set x y z
r zadd zset 1 a 2.5 b -3 c
r pfadd hll a b c d
r xadd stream 1-1 a 1 b 2
r xadd stream 1-2 a 3 b 4
r xadd stream 2-0 c 5
r xdel stream 1-2
r xgroup create stream grp 0
r xreadgroup group grp alice count 1 streams stream '>'
r xgroup createconsumer stream grp bob
r -n 5 set in-db-5 five
r function load "#!lua name=goldlib
redis.register_function{function_name='gold', callback=function() return 'gold' end, flags={'no-writes'}}"
r save
cp "$tmp/dump.rdb" "$here/redis-7.0.15.rdb"
echo "wrote $here/redis-7.0.15.rdb"

#!/usr/bin/env bash
# Re-records the expected replies in redis-tests/*.txt from redis-server 7.0.15.
set -euo pipefail
cd "$(dirname "$0")/.."
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
tmp=$(mktemp -d)
redis-server --port "$port" --bind 127.0.0.1 --save "" --appendonly no \
  --enable-debug-command yes --dir "$tmp" --daemonize no > "$tmp/redis.log" 2>&1 &
pid=$!
trap 'kill "$pid" 2>/dev/null || true; rm -rf "$tmp"' EXIT
for _ in $(seq 1 50); do redis-cli -p "$port" ping >/dev/null 2>&1 && break; sleep 0.1; done
redis-cli -p "$port" info server | grep -q 'redis_version:7.0.15' || { echo "need redis-server 7.0.15" >&2; exit 1; }
RECORD_PORT="$port" cargo test -p server --test transcripts -- --nocapture
echo "recorded against redis-server on port $port"

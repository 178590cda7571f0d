#!/usr/bin/env python3
"""Busy-script latencies of rlua51-server next to redis-server (issue: busy scripts).

For each server (started here on a free loopback port with --busy-reply-threshold 100,
stopped by PID at the end) and each script shape it prints:
  busy_after_ms  time from the threshold to the first -BUSY reply seen by a second
                 client that sends PING in a loop (goal: <= 5 ms);
  kill_ms        time from sending SCRIPT KILL to the caller's error reply (goal <= 5 ms).
Then the cost of the preemption hook: a CPU-bound EVAL timed with the threshold enabled
(5000) and disabled (0), best of 5 (goal: <= 2 % apart).

Usage: benches/busy_latency.py [path/to/rlua51-server]   (redis-server from PATH)
"""
import os, socket, subprocess, sys, time

THRESHOLD_MS = 100
REPS = 5
SCRIPTS = {
    "lua loop": "while true do end",
    "string.find (native)": "local s = string.rep('a', 100000)\nreturn string.find(s, '.-.-.-b')",
}
CPU = "local x = 0 for i = 1, 30000000 do x = x + i end return x"

def enc(*a):
    out = b"*%d\r\n" % len(a)
    for x in a:
        x = x.encode()
        out += b"$%d\r\n%s\r\n" % (len(x), x)
    return out

def free_port():
    while True:
        s = socket.socket(); s.bind(("127.0.0.1", 0)); p = s.getsockname()[1]; s.close()
        if not 21079 <= p <= 21110:
            return p

def start(binary, port):
    p = subprocess.Popen([binary, "--port", str(port), "--bind", "127.0.0.1", "--save", "",
                          "--busy-reply-threshold", str(THRESHOLD_MS)],
                         stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    for _ in range(200):
        try:
            socket.create_connection(("127.0.0.1", port)).close(); return p
        except OSError:
            time.sleep(0.02)
    p.kill(); raise SystemExit(f"{binary} did not start")

def conn(port):
    s = socket.create_connection(("127.0.0.1", port)); s.settimeout(10)
    s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1); return s

def line(s):
    buf = b""
    while not buf.endswith(b"\r\n"):
        d = s.recv(1)
        if not d: raise SystemExit("connection closed")
        buf += d
    return buf

def measure(port, body):
    """Median over REPS runs; None when the server never answered -BUSY (Redis inside a
    native) or the kill did not stop the script."""
    got = [measure_once(port, body) for _ in range(REPS)]
    if any(g[0] is None or g[1] is None for g in got):
        return None, None
    busy = sorted(g[0] for g in got); kill = sorted(g[1] for g in got)
    return busy[REPS // 2], kill[REPS // 2]

def measure_once(port, body):
    a, b = conn(port), conn(port)
    b.settimeout(3)
    t0 = time.perf_counter()
    a.sendall(enc("EVAL", body, "0"))
    busy_at = None
    for _ in range(100000):
        b.sendall(enc("PING"))
        try:
            r = line(b)
        except socket.timeout:
            break
        if r.startswith(b"-BUSY"):
            busy_at = time.perf_counter(); break
        if time.perf_counter() - t0 > 10: break
    if busy_at is None:
        return None, None
    t2 = time.perf_counter()
    b.sendall(enc("SCRIPT", "KILL")); line(b)
    r = line(a); t3 = time.perf_counter()
    a.close(); b.close()
    return (busy_at - t0) * 1000 - THRESHOLD_MS, (t3 - t2) * 1000 if r.startswith(b"-ERR Script killed") else None

def cpu_times(port):
    """Best of 7 runs of the CPU-bound script with the threshold on (5000) and off (0),
    interleaved so machine noise hits both alike."""
    a = conn(port)
    best = {5000: None, 0: None}
    for _ in range(7):
        for threshold in (5000, 0):
            a.sendall(enc("CONFIG", "SET", "busy-reply-threshold", str(threshold))); line(a)
            t = time.perf_counter(); a.sendall(enc("EVAL", CPU, "0")); line(a)
            d = time.perf_counter() - t
            best[threshold] = d if best[threshold] is None else min(best[threshold], d)
    a.close(); return best[5000], best[0]

def main():
    ours = sys.argv[1] if len(sys.argv) > 1 else "target/release/rlua51-server"
    for name, binary in (("rlua51-server", ours), ("redis-server", "redis-server")):
        port = free_port(); p = start(binary, port)
        try:
            for shape, body in SCRIPTS.items():
                if binary == "redis-server" and "native" in shape:
                    # Redis cannot interrupt a native: it would stay busy for good.
                    print(f"{name:14} {shape:22} cannot be interrupted")
                    continue
                busy, kill = measure(port, body)
                fmt = lambda v: "n/a" if v is None else f"{v:.2f}"
                print(f"{name:14} {shape:22} busy_after_ms={fmt(busy)} kill_ms={fmt(kill)}")
            on, off = cpu_times(port)
            print(f"{name:14} hook cost: enabled {on*1000:.1f} ms, disabled {off*1000:.1f} ms, {100*(on-off)/off:+.1f} %")
        finally:
            p.kill(); p.wait()

main()

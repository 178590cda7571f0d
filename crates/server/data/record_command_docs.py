#!/usr/bin/env python3
"""Records `COMMAND DOCS` of a running redis-server 7.0.15 into command_docs.txt.

Usage: start redis-server 7.0.15 on a loopback port, then
    python3 crates/server/data/record_command_docs.py PORT > crates/server/data/command_docs.txt

The RESP3 reply is written as one token per line, in prefix order:
    %N  map of N pairs        *N  array of N        ~N  set of N
    :N  integer               +s  simple string     $s  bulk string
Strings escape backslash as \\\\ and newline as \\n. The top level is the reply of
`COMMAND DOCS` (every command, in the server's order); the server reads this file at
first use and replies from it for the commands it implements.
"""
import socket
import sys


def read_reply(f):
    line = f.readline()
    if not line.endswith(b"\r\n"):
        raise EOFError("short reply")
    t, rest = line[:1], line[1:-2]
    if t in (b"%", b"*", b"~"):
        n = int(rest)
        count = 2 * n if t == b"%" else n
        return (t.decode(), [read_reply(f) for _ in range(count)])
    if t in (b"$", b"="):
        n = int(rest)
        data = f.read(n + 2)[:-2]
        return ("$", data)
    if t in (b"+", b":"):
        return (t.decode(), rest)
    raise ValueError("unexpected reply type %r" % line)


def esc(b):
    return b.decode("utf-8").replace("\\", "\\\\").replace("\n", "\\n")


def dump(node, out):
    t, v = node
    if t in ("%", "*", "~"):
        n = len(v) // 2 if t == "%" else len(v)
        out.append("%s%d" % (t, n))
        for c in v:
            dump(c, out)
    else:
        out.append(t + esc(v))


def connect(port):
    """A RESP3 connection to redis-server 7.0.15 on `port`: (socket, reader)."""
    s = socket.create_connection(("127.0.0.1", port))
    f = s.makefile("rb")
    s.sendall(b"HELLO 3\r\n")
    read_reply(f)
    s.sendall(b"INFO server\r\n")
    info = read_reply(f)[1]
    if b"redis_version:7.0.15" not in info:
        sys.exit("need redis-server 7.0.15")
    return s, f


def main():
    s, f = connect(int(sys.argv[1]))
    s.sendall(b"COMMAND DOCS\r\n")
    out = []
    dump(read_reply(f), out)
    sys.stdout.write("\n".join(out) + "\n")


if __name__ == "__main__":
    main()

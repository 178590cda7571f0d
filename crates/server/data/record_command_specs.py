#!/usr/bin/env python3
"""Records the tips and key specifications of `COMMAND INFO` from a running
redis-server 7.0.15 into command_specs.txt.

Usage: start redis-server 7.0.15 on a loopback port, then
    python3 crates/server/data/record_command_specs.py PORT > crates/server/data/command_specs.txt

The file uses the token format of record_command_docs.py: a map from each command's full
name (`get`, `xgroup|create`) to a two-element array: its tips (COMMAND INFO element 8)
and its key specifications (element 9), as sent in RESP3. The server takes arity, flags,
key positions and ACL categories from its own command table and these two parts from the
recording.
"""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from record_command_docs import connect, dump, read_reply  # noqa: E402


def main():
    s, f = connect(int(sys.argv[1]))
    s.sendall(b"COMMAND\r\n")
    entries = []

    def walk(cmd):
        _, parts = cmd
        name = parts[0][1].decode()
        entries.append((name, parts[7], parts[8]))
        for sub in parts[9][1]:
            walk(sub)

    for cmd in read_reply(f)[1]:
        walk(cmd)
    entries.sort(key=lambda e: e[0])
    out = ["%%%d" % len(entries)]
    for name, tips, specs in entries:
        out.append("$" + name)
        out.append("*2")
        dump(tips, out)
        dump(specs, out)
    sys.stdout.write("\n".join(out) + "\n")


if __name__ == "__main__":
    main()

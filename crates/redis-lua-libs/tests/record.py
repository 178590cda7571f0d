#!/usr/bin/env python3
"""Records the expected outputs of the Lua cases from a real redis-server 7.0.15.

Usage: python3 record.py PORT [LIB...]   (from this folder; redis-server listening on
127.0.0.1:PORT). For each cases/LIB.lua it writes golden/LIB.txt: one line per case,
"name<TAB>reply" where reply is what `redis-cli --no-raw EVAL script 0` prints. The
script is prelude.lua + the case body + harness.lua (the case runs as a function under
pcall and its results are rendered into one printable line). SCRIPT FLUSH before each
case gives it a fresh Lua VM (fresh cjson settings), like the Rust side.
"""
import os
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))


def read(name):
    with open(os.path.join(HERE, name), encoding="latin-1") as f:
        return f.read()


def cases(lib):
    """[(name, body)] from cases/LIB.lua; each case starts with a line `--- name`."""
    out = []
    for line in read(os.path.join("cases", lib + ".lua")).split("\n"):
        if line.startswith("--- "):
            out.append([line[4:].strip(), []])
        elif out:
            out[-1][1].append(line)
    return [(n, "\n".join(b).rstrip("\n")) for n, b in out]


def main():
    port = sys.argv[1]
    libs = sys.argv[2:] or ["cjson", "cmsgpack", "bit", "struct"]
    prelude, harness = read("prelude.lua"), read("harness.lua")
    cli = ["redis-cli", "-h", "127.0.0.1", "-p", port, "--no-raw"]
    for lib in libs:
        lines = []
        for name, body in cases(lib):
            subprocess.run(cli + ["SCRIPT", "FLUSH"], check=True, capture_output=True)
            script = prelude + body + "\n" + harness
            r = subprocess.run(cli + ["EVAL", script, "0"], check=True, capture_output=True,
                               timeout=60)
            reply = r.stdout.decode("latin-1").rstrip("\n")
            assert "\n" not in reply, (name, reply)
            lines.append(name + "\t" + reply)
        with open(os.path.join(HERE, "golden", lib + ".txt"), "w", encoding="latin-1") as f:
            f.write("\n".join(lines) + "\n")
        print(lib, len(lines), "cases")


if __name__ == "__main__":
    main()

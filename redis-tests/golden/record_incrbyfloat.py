#!/usr/bin/env python3
"""Records INCRBYFLOAT results of redis-server 7.0.15 into incrbyfloat-f80.txt.

Usage: start redis-server 7.0.15 on a loopback port, then
    python3 redis-tests/golden/record_incrbyfloat.py PORT > redis-tests/golden/incrbyfloat-f80.txt

Each line is `current<TAB>increment<TAB>reply`: the server ran `SET k current` and
`INCRBYFLOAT k increment`; the reply is the new value or the error text. The cases are
hand-picked edge cases plus pseudo-random ones from a fixed seed, so the file is
reproducible. The f80 module's unit test replays them.
"""
import random
import socket
import sys

FIXED = [
    ("10.5", "0.1"), ("0", "0.1"), ("0.1", "0.2"), ("1e308", "1e308"), ("2e308", "1e308"),
    ("0", "5.0e3"), ("5", "-5"), ("1", "1e-17"), ("1", "1e-18"), ("1", "5e-18"),
    ("0", "1e-17"), ("0", "5e-18"), ("0", "4.9e-18"), ("0", "-5e-18"), ("0", "-1e-17"),
    ("0", "0.000003814697265625"), ("0", "0.000011444091796875"), ("0", "0.000019073486328125"),
    ("9223372036854775807", "1"), ("-9223372036854775808", "-1"), ("18446744073709551615", "1"),
    ("18446744073709551617", "0"), ("36893488147419103233", "0"), ("12345678901234567890", "0.5"),
    ("1.2345678901234567", "0"), ("1.23456789012345678", "0"), ("1.234567890123456789", "0"),
    ("0.1234567890123456789", "0.0000000000000000001"), ("3.0", "0"), ("3.", "0"), (".5", "0"),
    ("0x1p3", "1"), ("0X1.8P1", "0"), ("0x.8", "0"), ("0x1p-1", "0x1p-70"), ("0x", "1"),
    ("inf", "1"), ("1", "inf"), ("-inf", "inf"), ("infinity", "0"), ("nan", "1"), ("1", "nan"),
    ("1", "NaN"), ("abc", "1"), ("1", "abc"), (" 1", "1"), ("1 ", "1"), ("1", " 1"), ("", "1"),
    ("1", "1e5000"), ("1", "1e-5000"), ("1", "1e4932"), ("1", "1.18e4932"), ("1", "1.19e4932"),
    ("1.1e4932", "1.1e4932"), ("1", "1e-4940"), ("0", "1e-4950"), ("0", "1e-4952"),
    ("1", "+1"), ("+1", "-1"), ("-0", "0"), ("-0", "-0"), ("1e", "1"), ("1e+", "1"), ("1e-2", "1e+2"),
    ("00000.0000100", "0"), ("1", "0.99999999999999999"), ("1", "0.999999999999999999"),
    ("-1", "0.999999999999999999"), ("100", "-99.99999999999999999"), ("1e20", "1"),
    ("1e19", "-1"), ("1e19", "0.5"), ("123.456", "-123.456"), ("0.3", "-0.1"),
    ("1.5", "1.5"), ("99999999999999999999", "1"), ("1e-300", "1e-300"),
]


def rand_num(r):
    kind = r.random()
    sign = "-" if r.random() < 0.4 else ""
    if kind < 0.35:
        digits = "".join(r.choice("0123456789") for _ in range(r.randint(1, 20)))
        point = r.randint(0, len(digits))
        return sign + digits[:point] + "." + digits[point:] if point < len(digits) else sign + digits
    if kind < 0.6:
        m = "%d.%d" % (r.randint(0, 999), r.randint(0, 10 ** r.randint(1, 19)))
        return sign + m + "e" + str(r.randint(-30, 30))
    if kind < 0.7:
        return sign + "%de%d" % (r.randint(1, 99999), r.randint(-4960, 4940))
    if kind < 0.8:
        return sign + str(r.randint(0, 2 ** 70))
    if kind < 0.9:
        return sign + "0." + "".join(r.choice("0123456789") for _ in range(r.randint(15, 25)))
    return sign + "%.*f" % (r.randint(0, 20), r.uniform(0, 1000))


def main():
    port = int(sys.argv[1])
    s = socket.create_connection(("127.0.0.1", port))
    f = s.makefile("rb")
    r = random.Random(20240601)
    cases = list(FIXED) + [(rand_num(r), rand_num(r)) for _ in range(3000)]
    print("# current\tincrement\treply of INCRBYFLOAT, from redis-server 7.0.15 "
          "(redis-tests/golden/record_incrbyfloat.py)")
    for cur, by in cases:
        def cmd(*args):
            out = b"*%d\r\n" % len(args)
            for a in args:
                a = a.encode()
                out += b"$%d\r\n%s\r\n" % (len(a), a)
            s.sendall(out)
            line = f.readline()
            if line[:1] == b"$":
                n = int(line[1:])
                return f.read(n + 2)[:-2].decode()
            return line[1:-2].decode()
        cmd("SET", "k", cur)
        print("%s\t%s\t%s" % (cur, by, cmd("INCRBYFLOAT", "k", by)))


if __name__ == "__main__":
    main()

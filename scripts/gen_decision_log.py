#!/usr/bin/env python3
"""Writes a synthetic decision log for timing `devoguard log` (docs/BENCHMARKS.md): N lines,
3 % devolved names answered NXDOMAIN (with devolved_from), the rest forwarded, clients spread
over 10.0.0.0/14. Deterministic (seeded), so runs compare.

  scripts/gen_decision_log.py [--lines N] OUT"""
import argparse
import random

WORDS = ["mail", "intranet", "files", "portal", "wiki", "www", "vpn", "api", "login", "cdn"]


def line(r, i):
    s, ms = i // 10, i % 1000
    ts = f"2026-12-05T{(s // 3600) % 24:02d}:{(s // 60) % 60:02d}:{s % 60:02d}.{ms:03d}000Z"
    head = (f'{{"ts":"{ts}","client":"10.{r.randrange(4)}.{r.randrange(256)}.'
            f'{r.randrange(1, 255)}","proto":"udp","id":{i % 65536},')
    if r.random() < 0.03:
        p = "".join(r.choice("abcdefghijklmnopqrstuvwxyz") for _ in range(12))
        return (head + f'"qname":"{p}.co.jp","qtype":"A","rule":"devolved","action":"nxdomain",'
                f'"rcode":"NXDOMAIN","ancount":0,"latency_us":41,'
                f'"devolved_from":"{p}.example.co.jp"}}\n')
    return (head + f'"qname":"{r.choice(WORDS)}.example.com","qtype":"A","rule":"default",'
            f'"action":"forward","upstream":"169.254.169.253:53","rcode":"NOERROR","ancount":1,'
            f'"latency_us":{r.randrange(200, 3000)}}}\n')


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--lines", type=int, default=2_000_000)
    ap.add_argument("out")
    args = ap.parse_args()
    r = random.Random(7)
    with open(args.out, "w") as f:
        for i in range(args.lines):
            f.write(line(r, i))


if __name__ == "__main__":
    main()

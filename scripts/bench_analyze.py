#!/usr/bin/env python3
"""Benchmark for `devoguard analyze` (INVESTIGATE.md §1): writes a synthetic Windows DNS server
debug log (a DC answering and forwarding for many clients, with devolution pairs and probes
mixed in), then times `devoguard analyze --json` on it and reports lines/s and peak RSS.

  scripts/bench_analyze.py [--queries N] [--bin build/devoguard] [--keep FILE]

Each client query is 4 lines (Rcv, forward Snd, forwarder Rcv, answer Snd), so N queries are
4N lines. Deterministic (seeded), so runs compare."""
import argparse
import os
import random
import resource
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
WORDS = ["mail", "intranet", "files", "portal", "wiki", "sharepoint", "printer", "vpn", "www",
         "update", "login", "teams", "crm", "erp", "backup", "monitor"]


def name_field(name):
    return "".join(f"({len(label)}){label}" for label in name.split(".")) + "(0)"


def write_log(path, queries, seed=20251001):
    rng = random.Random(seed)
    letters = "abcdefghijklmnopqrstuvwxyz"
    t0 = 9 * 3600
    with open(path, "w") as f:
        f.write("DNS Server log file creation at 10/1/2025 9:00:00 AM\n")
        f.write("Message logging key (for packets - other items use a subset of these fields):\n")
        i = 0
        while i < queries:
            sec = t0 + i // 2000
            ts = f"2025/10/01 {sec // 3600}:{sec % 3600 // 60:02d}:{sec % 60:02d}"
            client = f"10.143.{rng.randrange(1, 40)}.{rng.randrange(1, 250)}"
            r = rng.random()
            if r < 0.01:  # a probe under the suffix, then its devolved twin
                label = "".join(rng.choice(letters) for _ in range(rng.randrange(7, 16)))
                names = [f"{label}.example.co.jp", f"{label}.co.jp"]
            else:
                names = [f"{rng.choice(WORDS)}{rng.randrange(100)}.example.co.jp" if r < 0.5
                         else f"{rng.choice(WORDS)}.vendor{rng.randrange(500)}.com"]
            for name in names:
                xid = rng.randrange(65536)
                fxid = rng.randrange(65536)
                q = name_field(name)
                rc, fl, letters_ = ("NXDOMAIN", "8381", "DR") if len(names) == 2 else (
                    "NOERROR", "8081", "DR")
                f.write(f"{ts} 0D28 PACKET  00000292D65BCC80 UDP Rcv {client:<15} {xid:04x}   Q "
                        f"[0001   D   NOERROR] A      {q}\n")
                f.write(f"{ts} 0D28 PACKET  00000292D56DCD10 UDP Snd 10.143.0.2      {fxid:04x}   Q "
                        f"[0001   D   NOERROR] A      {q}\n")
                f.write(f"{ts} 0D28 PACKET  00000292D5A0AD90 UDP Rcv 10.143.0.2      {fxid:04x} R Q "
                        f"[{fl}   {letters_} {rc}] A      {q}\n")
                f.write(f"{ts} 0D28 PACKET  00000292D65BCC80 UDP Snd {client:<15} {xid:04x} R Q "
                        f"[{fl}   {letters_} {rc}] A      {q}\n")
                i += 1


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--queries", type=int, default=1_000_000)
    p.add_argument("--bin", default=os.path.join(HERE, "..", "build", "devoguard"))
    p.add_argument("--keep", help="write the log here and keep it")
    a = p.parse_args()
    path = a.keep or os.path.join(tempfile.mkdtemp(), "dns.log")
    if not os.path.exists(path):
        write_log(path, a.queries)
    with open(path) as f:
        lines = sum(1 for _ in f)
    size = os.path.getsize(path)
    start = time.monotonic()
    r = subprocess.run([a.bin, "analyze", "--json", "--top", "0", path], capture_output=True)
    elapsed = time.monotonic() - start
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    rss = usage.ru_maxrss
    cpu = usage.ru_utime + usage.ru_stime
    if r.returncode != 0:
        sys.exit(f"analyze failed ({r.returncode}): {r.stderr.decode()[:500]}")
    print(f"{lines} lines, {size / 2**20:.0f} MiB in {elapsed:.2f} s: "
          f"{lines / elapsed / 1000:.0f}k lines/s, {size / 2**20 / elapsed:.0f} MiB/s, "
          f"peak RSS {rss / 1024:.0f} MiB; CPU {cpu:.2f} s = {lines / cpu / 1000:.0f}k lines per "
          f"CPU second (the machine's load shows in the wall time, not here)")
    if not a.keep:
        os.remove(path)


if __name__ == "__main__":
    main()

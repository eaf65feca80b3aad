#!/usr/bin/env python3
"""A Windows-like DNS client for the devoguard demo (docker/compose.yaml) and its test
(tests/e2e/test_deploy.py): it resolves names the way a Windows client with primary DNS
suffix SUFFIX and devolution does, then proves that no devolved name reached the upstream.

  1. single labels, suffix first: the fixed `dglvrrerxokcxc` of the GuardDuty write-ups and
     --probes random Chromium-shaped ones (7 to 15 letters, as Chromium's intranet redirect
     detector makes them). Each P is asked as P.SUFFIX; on no data, Windows devolves and asks
     P.PARENT for each devolution parent of SUFFIX (example.co.jp, level 2: co.jp).
     Expected: P.SUFFIX gets no data from the DC, P.PARENT gets NXDOMAIN with EDE 15 from
     devoguard itself.
  2. `dc01` (dc01.SUFFIX) and `realshop.co.jp`: real names, expected to resolve.
  3. the proof, from the logs it is given:
     --upstream-log: the upstream's query log (unbound, log-queries: yes). Once the last name
       asked (realshop.co.jp) shows there, every earlier forwarded query does too (unbound
       logs on receipt, in order); the P.SUFFIX names must be there, no P.PARENT name may be.
     --decision-log: devoguard's decision log; every P.PARENT has a line with rule
       `devolved`, action `nxdomain` and devolved_from P.SUFFIX.

Prints one line per step and exits 0 when every check passed, 1 otherwise.
Needs python3 and dnspython only (Debian: python3-dnspython)."""
import argparse
import json
import os
import random
import re
import string
import sys
import time

import dns.exception
import dns.flags
import dns.message
import dns.query
import dns.rcode

EDE = 15                 # EDNS option code of Extended DNS Errors (RFC 8914)
EDE_BLOCKED = 15         # info code "Blocked": devoguard's local answers
FIXED_LABEL = "dglvrrerxokcxc"
REAL_SHOP = "realshop.co.jp"
# "[1700000000] unbound[12:0] info: 172.30.53.53 dc01.example.co.jp. A IN"
UNBOUND_QUERY = re.compile(r"info: \S+ (\S+) \S+ IN\s*$")


def devolution_parents(suffix, level):
    """Windows devolution: the suffix with leading labels removed, keeping at least `level`
    labels. example.co.jp at level 2 → [co.jp]."""
    labels = suffix.split(".")
    return [".".join(labels[i:]) for i in range(1, len(labels) - level + 1)]


def chromium_probe(rng):
    return "".join(rng.choice(string.ascii_lowercase) for _ in range(rng.randint(7, 15)))


class Client:
    def __init__(self, server, port, timeout):
        self.server, self.port, self.timeout = server, port, timeout
        self.failures = []

    def ask(self, name, rdtype="A"):
        """(rcode text, answer count, EDE info codes); a UDP reply with TC=1 is asked again
        over TCP, as Windows does."""
        q = dns.message.make_query(name, rdtype, use_edns=0, payload=1232)
        q.flags |= dns.flags.RD
        try:
            r = dns.query.udp(q, self.server, port=self.port, timeout=self.timeout)
            if r.flags & dns.flags.TC:
                r = dns.query.tcp(q, self.server, port=self.port, timeout=self.timeout)
        except (dns.exception.Timeout, OSError) as e:
            return f"no answer ({type(e).__name__})", 0, []
        edes = [int(o.code) for o in r.options if int(o.otype) == EDE and hasattr(o, "code")]
        return dns.rcode.to_text(r.rcode()), sum(len(rrset) for rrset in r.answer), edes

    def check(self, ok, line):
        print(("ok    " if ok else "FAIL  ") + line, flush=True)
        if not ok:
            self.failures.append(line)


def describe(name, result):
    rcode, count, edes = result
    ede = f" EDE {','.join(map(str, edes))}" if edes else ""
    return f"{name} A -> {rcode}, {count} answer(s){ede}"


def resolve_single_label(client, label, suffix, parents):
    """Suffix first, then each devolution parent after no data; returns the devolved names."""
    first = f"{label}.{suffix}"
    result = client.ask(first)
    client.check(result[0] in ("NXDOMAIN", "NOERROR") and result[1] == 0,
                 describe(first, result) + " (no data from the DC: Windows devolves)")
    devolved = []
    for parent in parents:
        name = f"{label}.{parent}"
        devolved.append(name)
        result = client.ask(name)
        client.check(result[0] == "NXDOMAIN" and result[1] == 0 and EDE_BLOCKED in result[2],
                     describe(name, result) + " (devolved: devoguard answers NXDOMAIN, EDE 15)")
    return first, devolved


def wait_until(condition, timeout):
    deadline = time.monotonic() + timeout
    while True:
        value = condition()
        if value or time.monotonic() >= deadline:
            return value
        time.sleep(0.05)


def read_from(path, offset):
    try:
        with open(path, "rb") as f:
            f.seek(offset)
            return f.read().decode("utf-8", "replace")
    except FileNotFoundError:
        return ""


def size_of(path):
    try:
        return os.path.getsize(path)
    except OSError:
        return 0


def upstream_names(text):
    names = []
    for line in text.splitlines():
        m = UNBOUND_QUERY.search(line)
        if m:
            names.append(m.group(1).lower().rstrip("."))
    return names


def prove_upstream(client, path, offset, asked, devolved, last, wait):
    def arrived():
        names = upstream_names(read_from(path, offset))
        return names if last in names else None
    seen = wait_until(arrived, wait)
    client.check(bool(seen), f"upstream log {path}: shows the last forwarded name {last}")
    seen = set(seen or [])
    missing = [n for n in asked if n not in seen]
    client.check(not missing, f"upstream log: every name asked under the suffix arrived "
                              f"({len(asked) - len(missing)}/{len(asked)})")
    leaked = [n for n in devolved if n in seen]
    client.check(not leaked, f"upstream log: none of the {len(devolved)} devolved names arrived"
                             + (f"; leaked: {', '.join(leaked)}" if leaked else ""))


def decision_lines(path, offset):
    out = []
    for line in read_from(path, offset).splitlines():
        try:
            out.append(json.loads(line))
        except ValueError:
            continue  # a half-written last line
    return out


def prove_decisions(client, path, offset, pairs, wait):
    def complete():
        lines = {d.get("qname"): d for d in decision_lines(path, offset)
                 if d.get("rule") == "devolved"}
        return lines if all(name in lines for name, _ in pairs) else None
    lines = wait_until(complete, wait) or {}
    for name, source in pairs:
        d = lines.get(name, {})
        client.check(d.get("action") == "nxdomain" and d.get("devolved_from") == source,
                     f"decision log {path}: {name} rule devolved, action "
                     f"{d.get('action')}, devolved_from {d.get('devolved_from')}")


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--server", required=True, help="devoguard's address")
    p.add_argument("--port", type=int, default=53)
    p.add_argument("--suffix", required=True, help="the clients' primary DNS suffix")
    p.add_argument("--devolution-level", type=int, default=2)
    p.add_argument("--probes", type=int, default=3, help="random Chromium-shaped labels")
    p.add_argument("--upstream-log", help="the upstream's query log (unbound log-queries)")
    p.add_argument("--decision-log", help="devoguard's decision log")
    p.add_argument("--timeout", type=float, default=3.0, help="seconds per query")
    p.add_argument("--wait", type=float, default=10.0, help="seconds to wait for log lines")
    p.add_argument("--seed", type=int, help="for repeatable probe labels")
    args = p.parse_args(argv)

    suffix = args.suffix.lower().rstrip(".")
    parents = devolution_parents(suffix, args.devolution_level)
    if not parents:
        p.error(f"{suffix} has no devolution parents at level {args.devolution_level}")
    rng = random.Random(args.seed) if args.seed is not None else random.SystemRandom()
    labels = [FIXED_LABEL] + [chromium_probe(rng) for _ in range(args.probes)]
    upstream_offset = size_of(args.upstream_log) if args.upstream_log else 0
    decision_offset = size_of(args.decision_log) if args.decision_log else 0

    client = Client(args.server, args.port, args.timeout)
    asked, devolved, pairs = [], [], []
    for label in labels:
        first, names = resolve_single_label(client, label, suffix, parents)
        asked.append(first)
        devolved += names
        pairs += [(n, first) for n in names]
    dc = f"dc01.{suffix}"
    for name in (dc, REAL_SHOP):  # realshop.co.jp last: the upstream log's end marker
        result = client.ask(name)
        client.check(result[0] == "NOERROR" and result[1] > 0, describe(name, result))
    asked.append(dc)

    if args.upstream_log:
        prove_upstream(client, args.upstream_log, upstream_offset, asked, devolved, REAL_SHOP,
                       args.wait)
    if args.decision_log:
        prove_decisions(client, args.decision_log, decision_offset, pairs, args.wait)
    if client.failures:
        print(f"{len(client.failures)} check(s) failed", flush=True)
        return 1
    print(f"all checks passed: {len(devolved)} devolved name(s) answered by devoguard, "
          "none forwarded", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())

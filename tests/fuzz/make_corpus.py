#!/usr/bin/python3
"""Writes the seed corpora of the fuzz targets into tests/fuzz/corpus/<target>/ (committed;
rerun after changing this file). Seeds are small, valid or nearly valid inputs: libFuzzer
mutates from them, so each seed opens a path (EDNS, compression, bad framing, each config
section)."""
import os
import shutil
import struct

import dns.edns
import dns.flags
import dns.message
import dns.name
import dns.opcode
import dns.rcode
import dns.rrset

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.abspath(os.path.join(HERE, "..", ".."))


def queries():
    out = {
        "a": dns.message.make_query("www.example.com", "A"),
        "aaaa_upper": dns.message.make_query("WwW.ExAmPlE.CoM", "AAAA"),
        "srv_ad": dns.message.make_query("_ldap._tcp.dc._msdcs.example.co.jp", "SRV"),
        "devolved": dns.message.make_query("dglvrrerxokcxc.co.jp", "A"),
        "root": dns.message.make_query(".", "NS"),
        "edns_do": dns.message.make_query("example.org", "A", use_edns=0, want_dnssec=True,
                                          payload=1232),
        "edns_option": dns.message.make_query(
            "opt.example.org", "TXT", use_edns=0,
            options=[dns.edns.GenericOption(10, b"\x01\x02\x03\x04\x05\x06\x07\x08")]),
        "type65280": dns.message.make_query("x.example", 65280),
    }
    wires = {k: q.to_wire() for k, q in out.items()}
    notify = dns.message.make_query("example.com", "SOA")
    notify.set_opcode(dns.opcode.NOTIFY)
    wires["notify"] = notify.to_wire()
    wires["escaped_label"] = (b"\x12\x34\x01\x00\x00\x01\x00\x00\x00\x00\x00\x00"
                              b"\x03a.b\x04\\x\x00y\x07example\x00\x00\x01\x00\x01")
    # qdcount 2, and a question with a (forbidden) compression pointer.
    wires["two_questions"] = (b"\x00\x01\x01\x00\x00\x02\x00\x00\x00\x00\x00\x00"
                              b"\x01a\x00\x00\x01\x00\x01\xc0\x0c\x00\x01\x00\x01")
    wires["pointer_in_question"] = (b"\x00\x01\x01\x00\x00\x01\x00\x00\x00\x00\x00\x00"
                                    b"\xc0\x0c\x00\x01\x00\x01")
    return wires


def response_to(wire, mutate=None):
    q = dns.message.from_wire(wire)
    r = dns.message.make_response(q)
    if q.question and q.question[0].rdtype == 1:
        r.answer.append(dns.rrset.from_text(q.question[0].name, 60, "IN", "A", "192.0.2.1"))
    if mutate:
        mutate(r)
    return r.to_wire()


def replies(qs):
    out = {}
    for name in ("a", "aaaa_upper", "srv_ad", "edns_do", "root"):
        q = qs[name]
        out[name] = struct.pack("!H", len(q)) + q + response_to(q)
    q = qs["a"]
    upper = dns.message.from_wire(q)
    upper.question[0].name = dns.name.from_text("WWW.EXAMPLE.COM")
    out["case_differs"] = struct.pack("!H", len(q)) + q + response_to(upper.to_wire())
    out["other_name"] = struct.pack("!H", len(q)) + q + response_to(qs["devolved"])
    out["nxdomain"] = struct.pack("!H", len(q)) + q + response_to(
        q, lambda r: r.set_rcode(dns.rcode.NXDOMAIN))
    out["short_reply"] = struct.pack("!H", len(q)) + q + b"\x12\x34\x81\x80\x00\x01"
    return out


def frames(qs):
    f = lambda w: struct.pack("!H", len(w)) + w  # noqa: E731
    return {
        "one": b"\x00" + f(qs["a"]),
        "pipelined": b"\x05" + f(qs["a"]) + f(qs["edns_do"]) + f(qs["srv_ad"]),
        "split_seed": b"\x03" + f(qs["aaaa_upper"]) + f(qs["root"]),
        "zero_length": b"\x07" + f(qs["a"]) + b"\x00\x00" + f(qs["a"]),
        "short_frame": b"\x09" + b"\x00\x05hello",
        "oversized_prefix": b"\x0b" + b"\xff\xff" + qs["a"],
        "partial": b"\x0d" + f(qs["a"])[:-3],
    }


CONFIGS = {
    "minimal": "upstreams:\n  main: {servers: [192.0.2.1]}\nrules:\n  - {name: all, forward: main}\n",
    "system": "upstreams:\n  sys: {servers: [system], timeout: 2s}\n",
    "bad_duration": "tcp: {idle_timeout: 10x}\n",
    "unknown_key": "listen: [\"127.0.0.1:53\"]\nbogus: 1\n",
    "rules": (
        "domain: {suffixes: [example.co.jp, corp.example.co.jp], devolution_level: 2,\n"
        "  correlation_window: 30s, max_tracked: 1000}\n"
        "upstreams:\n  aws: {servers: [\"169.254.169.253\", \"[::1]:5300\"], max_failures: 3,\n"
        "    probe_interval: 1s}\n  ad: {servers: [10.0.0.10, \"10.0.1.10:53\"]}\n"
        "rules:\n  - name: ad\n    match: {suffix: [example.co.jp], qtype: [SRV, A]}\n"
        "    forward: ad\n  - name: probes\n    match: {regex: ['^[a-z]{7,15}$'], "
        "not: {client: [10.0.0.0/8]}}\n    answer: nxdomain\n    dry_run: true\n"
        "  - name: devolved\n    match: {devolved: true}\n    answer: nxdomain\n"
        "  - name: default\n    forward: aws\n"),
    "sections": (
        "listen: [\"0.0.0.0:53\", \"[::]:53\"]\nthreads: auto\n"
        "clients: {allow: [10.0.0.0/8, \"::1/128\"]}\n"
        "tcp: {idle_timeout: 500ms, max_connections: 10}\nanswers: {negative_ttl: 30}\n"
        "decision_log: {path: /var/log/devoguard/decisions.jsonl, max_size: 100MiB, keep: 10}\n"
        "metrics: {listen: \"127.0.0.1:9153\"}\n"),
    "anchors": "a: &x {servers: [192.0.2.1]}\nupstreams: {g: *x}\n",
    "two_documents": "threads: 1\n---\nthreads: 2\n",
}


def write(target, items):
    d = os.path.join(HERE, "corpus", target)
    shutil.rmtree(d, ignore_errors=True)
    os.makedirs(d)
    for name, data in items.items():
        with open(os.path.join(d, name), "wb") as f:
            f.write(data if isinstance(data, bytes) else data.encode())


def main():
    qs = queries()
    write("dns_query", qs)
    write("dns_reply", replies(qs))
    write("tcp_framing", frames(qs))
    configs = dict(CONFIGS)
    for name in ("devoguard.yaml",):
        with open(os.path.join(ROOT, "conf", name)) as f:
            configs["shipped_" + name.split(".")[0]] = f.read()
    write("conf_load", configs)


if __name__ == "__main__":
    main()

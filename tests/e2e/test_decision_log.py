"""The decision log: one JSON line per query with the contract's fields; rotation."""
import datetime
import gzip
import json
import re
import subprocess

from harness import client as c
from harness.devoguard import forward_all, group, run_command
from harness.load import udp_load

TS = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$")


def test_forwarded_query_line(unbound, devoguard):
    dg = devoguard(forward_all(unbound.server))
    c.udp(c.make_query("Host1.Example.CO.JP.", "A", id=14830), dg.port)
    (line,) = dg.wait_decisions(1)
    assert TS.match(line["ts"]), line["ts"]
    ts = datetime.datetime.strptime(line["ts"], "%Y-%m-%dT%H:%M:%S.%fZ")
    now = datetime.datetime.utcnow()
    assert abs((now - ts).total_seconds()) < 60, f"ts {line['ts']} is not UTC now ({now})"
    assert line["client"] == "127.0.0.1"
    assert line["proto"] == "udp"
    assert line["id"] == 14830
    assert line["qname"] == "host1.example.co.jp"
    assert line["qtype"] == "A"
    assert line["rule"] == "default"
    assert line["action"] == "forward"
    assert line["upstream"] == unbound.server
    assert line["rcode"] == "NOERROR"
    assert isinstance(line["latency_us"], int) and 0 <= line["latency_us"] < 5_000_000


def test_tcp_proto_and_qtype_mnemonics(unbound, devoguard):
    dg = devoguard(forward_all(unbound.server))
    c.tcp(c.make_query("_ldap._tcp.dc._msdcs.example.co.jp", "SRV", id=1), dg.port)
    c.udp(c.make_query("host1.example.co.jp", "TYPE65280", id=2), dg.port)
    lines = {d["id"]: d for d in dg.wait_decisions(2)}
    assert lines[1]["proto"] == "tcp" and lines[1]["qtype"] == "SRV"
    assert lines[1]["qname"] == "_ldap._tcp.dc._msdcs.example.co.jp"
    assert lines[2]["proto"] == "udp" and lines[2]["qtype"] == "TYPE65280"
    assert lines[2]["rcode"] == "NOERROR"


def test_one_line_per_query(unbound, devoguard):
    dg = devoguard(forward_all(unbound.server))
    ids = list(range(100, 107))
    for id in ids:
        send = c.tcp if id % 2 else c.udp
        send(c.make_query(f"n{id}.example.com", id=id), dg.port)
    dg.wait_decisions(len(ids))
    assert dg.stop() == 0  # drains the log writer: nothing more can come
    lines = dg.decisions()
    assert sorted(d["id"] for d in lines) == ids, lines
    assert all(d["rcode"] == "NXDOMAIN" for d in lines)


def local_config(unbound, answer):
    cfg = forward_all(unbound.server)
    cfg["rules"].insert(0, {"name": "block", "match": {"qname": ["blocked.example.com"]},
                            "answer": answer})
    return cfg


def test_local_answer_line(unbound, devoguard):
    dg = devoguard(local_config(unbound, "nxdomain"))
    r = c.udp(c.make_query("blocked.example.com", id=77), dg.port)
    assert c.rcode(r) == "NXDOMAIN"
    (line,) = dg.wait_decisions(1)
    assert (line["rule"], line["action"], line["rcode"]) == ("block", "nxdomain", "NXDOMAIN")
    assert not line.get("upstream"), "a local answer names no upstream"
    assert "blocked.example.com" not in unbound.seen_names()


def test_dropped_query_line_has_null_rcode(unbound, devoguard):
    dg = devoguard(local_config(unbound, "drop"))
    q = c.make_query("blocked.example.com", id=78)
    assert c.raw_udp(q.to_wire(), dg.port, timeout=0.5) is None
    (line,) = dg.wait_decisions(1)
    assert line["action"] == "drop" and line["rule"] == "block"
    assert "rcode" in line and line["rcode"] is None


def test_servfail_after_failover_line(fault_upstream, devoguard):
    servers = [fault_upstream(mode="silent"), fault_upstream(mode="silent")]
    dg = devoguard(forward_all(*(s.server for s in servers), timeout="200ms"))
    r = c.udp(c.make_query("dead.example.com", id=99), dg.port, timeout=5)
    assert c.rcode(r) == "SERVFAIL"
    (line,) = dg.wait_decisions(1)
    assert line["action"] == "forward" and line["rule"] == "default"
    assert line["rcode"] == "SERVFAIL"


def test_devolved_line(unbound, devoguard):
    dg = devoguard({
        "domain": {"suffixes": ["example.co.jp"], "devolution_level": 2,
                   "correlation_window": "30s"},
        "upstreams": {"ad": group(unbound.server), "aws": group(unbound.server)},
        "rules": [{"name": "ad-zones", "match": {"suffix": ["example.co.jp"]}, "forward": "ad"},
                  {"name": "devolved", "match": {"devolved": True}, "answer": "nxdomain"},
                  {"name": "default", "forward": "aws"}],
    })
    assert c.rcode(c.udp(c.make_query("dglvrrerxokcxc.example.co.jp", id=1), dg.port)) == \
        "NXDOMAIN"
    r = c.udp(c.make_query("dglvrrerxokcxc.co.jp", id=2), dg.port)
    assert c.rcode(r) == "NXDOMAIN"
    lines = {d["id"]: d for d in dg.wait_decisions(2)}
    assert lines[1]["rule"] == "ad-zones" and lines[1]["action"] == "forward"
    assert lines[2]["rule"] == "devolved" and lines[2]["action"] == "nxdomain"
    assert lines[2]["devolved_from"] == "dglvrrerxokcxc.example.co.jp"
    assert "dglvrrerxokcxc.co.jp" not in unbound.seen_names()


def test_dry_run_rule_listed(unbound, devoguard):
    cfg = forward_all(unbound.server)
    cfg["rules"].insert(0, {"name": "probes", "match": {"regex": ["^[a-z]{7,15}$"]},
                            "answer": "nxdomain", "dry_run": True})
    dg = devoguard(cfg)
    r = c.udp(c.make_query("qwertyuiop", id=5), dg.port)
    assert c.rcode(r) == "NXDOMAIN"  # unbound's answer: the dry-run rule did not act
    assert ("qwertyuiop.", "A") in unbound.seen()
    (line,) = dg.wait_decisions(1)
    assert line["dry_run"] == ["probes"]
    assert line["rule"] == "default" and line["action"] == "forward"


def test_acl_refusal_line(unbound, devoguard):
    cfg = forward_all(unbound.server)
    cfg["clients"] = {"allow": ["127.0.0.2/32"]}
    dg = devoguard(cfg, probe_source="127.0.0.2")
    assert c.rcode(c.udp(c.make_query("acl.example.com", id=18), dg.port)) == "REFUSED"
    (line,) = dg.wait_decisions(1)
    assert (line["id"], line["client"]) == (18, "127.0.0.1")
    assert line["action"] == "refused" and line["rcode"] == "REFUSED"


def test_rotated_file_is_gzip_every_reader_reads(unbound, devoguard, tmp_path):
    """Past max_size the live file becomes decisions.jsonl.1.gz: gzip members of 1 MiB each
    (libdeflate), which Python's gzip, zcat and `devoguard log` read as one stream. Every query
    is in exactly one of the files, each line whole."""
    cfg = forward_all(unbound.server)
    cfg["rules"].insert(0, {"name": "rot", "match": {"suffix": ["rot.example"]},
                            "answer": "nxdomain"})
    live = str(tmp_path / "decisions.jsonl")
    cfg["decision_log"] = {"path": live, "max_size": "3MiB", "keep": 2}
    dg = devoguard(cfg)
    # ~300-byte lines: 3 MiB rotates after ~10 500 of them.
    sent = [f"{i:05d}-{'x' * 50}.{'y' * 60}.rot.example" for i in range(13000)]
    r = udp_load(dg.port, sent, rate=8000, settle=3)
    assert r.rcodes() == {"NXDOMAIN": len(sent)}, r.summary()
    assert dg.stop() == 0  # drains the writer
    rotated = live + ".1.gz"
    with gzip.open(rotated, "rb") as f:
        old = f.read()
    assert len(old) > 2 << 20 and old.endswith(b"\n"), len(old)
    zcat = subprocess.run(["zcat", rotated], capture_output=True, check=True)
    assert zcat.stdout == old
    with open(live, "rb") as f:
        new = f.read()
    seen = [json.loads(line)["qname"] for line in (old + new).splitlines()]
    seen = [q for q in seen if q.endswith(".rot.example")]
    assert sorted(seen) == sorted(sent)
    shown = run_command(["log", "--json", rotated, live])
    assert shown.returncode == 0, shown.stderr
    assert sum(1 for line in shown.stdout.splitlines() if ".rot.example" in line) == len(sent)

"""Metrics: /healthz, and the counters the contract names (queries by action/rule/proto,
upstream timeouts and up/down by server, dropped decision-log lines, failed rotations)."""
import json

from harness import client as c
from harness.devoguard import forward_all
from harness.metrics import http_get, scrape, value, with_metrics
from harness.wait import wait_for


def test_healthz_and_query_counters(fault_upstream, devoguard):
    cfg, base = with_metrics(forward_all(fault_upstream().server))
    cfg["rules"].insert(0, {"name": "block", "match": {"qname": ["blocked.example.com"]},
                            "answer": "nxdomain"})
    dg = devoguard(cfg)
    assert wait_for(lambda: http_get(base + "/healthz")[0] == 200, timeout=5,
                    message="/healthz to answer 200")
    for i in range(3):
        c.udp(c.make_query(f"m{i}.example.com"), dg.port)
    c.tcp(c.make_query("m3.example.com"), dg.port)
    c.udp(c.make_query("blocked.example.com"), dg.port)

    def counted():
        s = scrape(base)
        return s if (value(s, "devoguard_queries_total", action="forward", rule="default",
                           proto="udp") == 3
                     and value(s, "devoguard_queries_total", action="forward", rule="default",
                               proto="tcp") == 1
                     and value(s, "devoguard_queries_total", action="nxdomain", rule="block",
                               proto="udp") == 1) else None
    s = wait_for(counted, timeout=5, message="query counters 3 udp + 1 tcp forward, 1 nxdomain")
    assert value(s, "devoguard_decision_log_dropped_total") == 0


def test_upstream_timeouts_and_up_gauge(fault_upstream, devoguard):
    dead, live = fault_upstream(mode="silent"), fault_upstream()
    cfg, base = with_metrics(forward_all(dead.server, live.server, timeout="300ms",
                                         max_failures=2, probe_interval="200ms"))
    dg = devoguard(cfg)
    wait_for(lambda: http_get(base + "/metrics")[0] == 200, timeout=5, message="/metrics")
    assert value(scrape(base), "devoguard_upstream_up", server=dead.server) == 1
    for i in range(2):
        c.udp(c.make_query(f"t{i}.example.com"), dg.port)
    s = scrape(base)
    assert value(s, "devoguard_upstream_timeouts_total", server=dead.server) >= 2
    assert value(s, "devoguard_upstream_up", server=dead.server) == 0
    assert value(s, "devoguard_upstream_up", server=live.server) == 1
    dead.set_mode("normal")
    wait_for(lambda: value(scrape(base), "devoguard_upstream_up", server=dead.server) == 1,
             timeout=5, message="the probed server to be reported up again")


def test_failed_rotation_is_counted_and_logging_goes_on(fault_upstream, devoguard, tmp_path):
    """A directory where the rotated file must go: each rotation loses its compressed copy,
    counts it, and the live file goes on taking every line."""
    cfg, base = with_metrics(forward_all(fault_upstream().server))
    cfg["rules"].insert(0, {"name": "rot", "match": {"suffix": ["rot.example"]},
                            "answer": "nxdomain"})
    live = tmp_path / "decisions.jsonl"
    (tmp_path / "decisions.jsonl.1.gz").mkdir()
    cfg["decision_log"] = {"path": str(live), "max_size": "16KiB", "keep": 1}
    dg = devoguard(cfg)
    # ~200-byte lines: 16 KiB rotates every ~80 of them.
    for i in range(200):
        assert c.rcode(c.udp(c.make_query(f"r{i}.rot.example"), dg.port)) == "NXDOMAIN"
    s = wait_for(lambda: (lambda s: s if value(s, "devoguard_decision_log_written_total") >= 200
                          else None)(scrape(base)), timeout=5,
                 message="the 200 lines to be written")
    assert value(s, "devoguard_decision_log_rotation_failures_total") >= 1
    assert value(s, "devoguard_decision_log_dropped_total") == 0
    assert (tmp_path / "decisions.jsonl.1.gz").is_dir()
    # The live file holds the lines since the last (failed) rotation, whole and in order.
    last = [json.loads(line)["qname"] for line in live.read_bytes().splitlines()]
    assert last and last[-1] == "r199.rot.example", last[-3:]

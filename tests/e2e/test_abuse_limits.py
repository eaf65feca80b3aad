"""Abuse limits: clients.rate_limit (a token bucket per client address: REFUSED with EDE 18, or
dropped, beyond it, counted in the metrics, other clients unaffected) and the outstanding bound
per upstream group (test_faults.py loads it against a slow upstream)."""
import dns.message
import pytest

from harness import client as c
from harness.devoguard import forward_all
from harness.load import udp_load
from harness.metrics import scrape, value
from harness.ports import free_port

ANSWER_IP = "192.0.2.77"
PROHIBITED = 18


def limited_config(up, action, qps=50, burst=100):
    port = free_port()
    cfg = forward_all(up.server, timeout="1s")
    cfg["clients"] = {"allow": ["127.0.0.0/8"],
                      "rate_limit": {"qps": qps, "burst": burst, "action": action}}
    cfg["metrics"] = {"listen": f"127.0.0.1:{port}"}
    return cfg, f"http://127.0.0.1:{port}"


@pytest.mark.parametrize("action", ["refused", "drop"])
def test_rate_limit_per_client(fault_upstream, devoguard, action):
    up = fault_upstream(answer_ip=ANSWER_IP)
    cfg, base = limited_config(up, action)
    dg = devoguard(cfg)
    # 600 queries in 0.3 s from one client: the burst (100) and ~15 earned tokens pass.
    flood = udp_load(dg.port, [f"f{i}.example.com" for i in range(600)], rate=2000,
                     source="127.0.0.2", settle=2)
    passed = flood.rcodes().get("NOERROR", 0)
    assert 100 <= passed <= 100 + 50 * 1 + 10, flood.summary()
    limited = flood.sent - passed
    if action == "refused":
        assert flood.rcodes() == {"NOERROR": passed, "REFUSED": limited}, flood.summary()
    else:  # the deliberate drop: no reply at all for the queries over the limit
        assert flood.rcodes() == {"NOERROR": passed, None: limited}, flood.summary()
    assert len(up.received()) == passed, "a limited query went upstream"
    # Another client is not limited by the first one's flood.
    other = udp_load(dg.port, [f"o{i}.example.com" for i in range(80)], rate=2000,
                     source="127.0.0.3", settle=2)
    assert other.rcodes() == {"NOERROR": 80}, other.summary()
    s = scrape(base)
    assert value(s, "devoguard_rate_limited_total", action=action) == limited
    assert value(s, "devoguard_rate_limit_clients") == 2
    # Each limited query has its decision-log line: rule null, action refused/drop.
    lines = dg.wait_decisions(limited, action=action, client="127.0.0.2")
    assert all(d.get("rule") is None for d in lines)
    # Tokens come back at qps: seconds later the flooding client is served again.
    reply = c.raw_udp(c.make_query("later.example.com").to_wire(), dg.port, source="127.0.0.2",
                      timeout=2)
    assert reply is not None and dns.message.from_wire(reply).rcode() == 0


def test_rate_limited_answer_carries_ede_18(fault_upstream, devoguard):
    up = fault_upstream(answer_ip=ANSWER_IP)
    cfg, _ = limited_config(up, "refused", qps=1, burst=1)
    dg = devoguard(cfg)
    first = c.udp(c.make_query("a.example.com", edns=True), dg.port)
    assert c.rcode(first) == "NOERROR"
    second = c.udp(c.make_query("b.example.com", edns=True), dg.port)
    assert c.rcode(second) == "REFUSED"
    assert [code for code, _ in c.ede(second)] == [PROHIBITED], c.ede(second)
    assert "rate limit" in c.ede(second)[0][1]
    # Without EDNS: REFUSED and no OPT (RFC 6891).
    third = c.udp(c.make_query("c.example.com"), dg.port)
    assert c.rcode(third) == "REFUSED" and third.edns == -1
    # Over TCP alike.
    assert c.rcode(c.tcp(c.make_query("d.example.com"), dg.port)) == "REFUSED"

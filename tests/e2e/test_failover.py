"""Failover inside a group: timeouts move on to the next server, all failing gives SERVFAIL with
EDE 22 in good time, dead servers are marked down, probed and brought back, and replies that do
not match (ID, question, source) are ignored (RFC 5452)."""
import pytest

from harness import client as c
from harness.devoguard import forward_all
from harness.fault import POISON_IP
from harness.wait import wait_for

TIMEOUT = 0.3
NO_REACHABLE_AUTHORITY = 22


def test_first_server_silent_second_answers(fault_upstream, devoguard):
    first = fault_upstream(mode="silent", answer_ip="192.0.2.1")
    second = fault_upstream(answer_ip="192.0.2.2")
    dg = devoguard(forward_all(first.server, second.server, timeout="300ms"))
    r = c.udp(c.make_query("failover.example.com"), dg.port)
    assert c.rcode(r) == "NOERROR" and c.addresses(r) == ["192.0.2.2"]
    assert first.received("failover.example.com"), "the first server was not tried first"
    assert second.received("failover.example.com")


def test_first_live_server_gets_every_query(fault_upstream, devoguard):
    first = fault_upstream(answer_ip="192.0.2.1")
    second = fault_upstream(answer_ip="192.0.2.2")
    dg = devoguard(forward_all(first.server, second.server))
    for i in range(5):
        assert c.addresses(c.udp(c.make_query(f"order{i}.example.com"), dg.port)) == ["192.0.2.1"]
    assert not second.received(), "queries went to the second server while the first was up"


def test_nxdomain_is_an_answer_not_a_failure(fault_upstream, devoguard):
    first = fault_upstream(mode="nxdomain")
    second = fault_upstream()
    dg = devoguard(forward_all(first.server, second.server))
    r = c.udp(c.make_query("nx.example.com"), dg.port)
    assert c.rcode(r) == "NXDOMAIN"
    assert not second.received("nx.example.com")


def test_tcp_reset_moves_on_to_next_server(fault_upstream, devoguard):
    first = fault_upstream(mode="tcp_reset", answer_ip="192.0.2.1")
    second = fault_upstream(answer_ip="192.0.2.2")
    dg = devoguard(forward_all(first.server, second.server, timeout="1s"))
    r, took = c.timed(c.tcp, c.make_query("reset.example.com"), dg.port, timeout=5)
    assert c.addresses(r) == ["192.0.2.2"]
    assert first.received("reset.example.com", transport="tcp")
    assert took < 1.0 + 1.0


@pytest.mark.parametrize("send", [c.udp, c.tcp], ids=["udp", "tcp"])
def test_all_servers_silent_servfail_with_ede22_in_time(fault_upstream, devoguard, send):
    servers = [fault_upstream(mode="silent"), fault_upstream(mode="silent")]
    dg = devoguard(forward_all(*(s.server for s in servers), timeout="300ms"))
    r, took = c.timed(send, c.make_query("dead.example.com", edns=True), dg.port, timeout=5)
    assert c.rcode(r) == "SERVFAIL"
    assert took < len(servers) * TIMEOUT + 1.0, f"SERVFAIL after {took:.2f}s"
    codes = [code for code, _ in c.ede(r)]
    assert NO_REACHABLE_AUTHORITY in codes, f"EDE {c.ede(r)}"
    for s in servers:
        assert s.received("dead.example.com"), f"{s.server} was not tried"


def test_all_servers_silent_servfail_without_edns(fault_upstream, devoguard):
    up = fault_upstream(mode="silent")
    dg = devoguard(forward_all(up.server, timeout="300ms"))
    r, took = c.timed(c.udp, c.make_query("dead.example.com"), dg.port, timeout=5)
    assert c.rcode(r) == "SERVFAIL" and took < TIMEOUT + 1.0
    assert r.edns == -1, "no OPT in a reply to a query without EDNS (RFC 6891)"


def mark_first_down(fault_upstream, devoguard, max_failures=2):
    """A group [dead, live] where `dead` has just been marked down by `max_failures` timeouts."""
    dead = fault_upstream(mode="silent", answer_ip="192.0.2.1")
    live = fault_upstream(answer_ip="192.0.2.2")
    dg = devoguard(forward_all(dead.server, live.server, timeout="400ms",
                               max_failures=max_failures, probe_interval="200ms"))
    for i in range(max_failures):
        r, took = c.timed(c.udp, c.make_query(f"fail{i}.example.com"), dg.port)
        assert c.addresses(r) == ["192.0.2.2"]
        assert took >= 0.35, f"fail{i} answered in {took:.3f}s: the dead server was not tried"
    return dead, live, dg


def test_server_marked_down_after_max_failures_is_skipped(fault_upstream, devoguard):
    dead, live, dg = mark_first_down(fault_upstream, devoguard)
    for i in range(5):
        name = f"fast{i}.example.com"
        r, took = c.timed(c.udp, c.make_query(name), dg.port)
        assert c.addresses(r) == ["192.0.2.2"]
        assert took < 0.2, f"{name} took {took:.3f}s: still waiting for the down server"
        assert not dead.received(name), f"{name} was sent to the down server"
    assert dg.alive()


def test_down_server_probed_and_brought_back(fault_upstream, devoguard):
    dead, live, dg = mark_first_down(fault_upstream, devoguard)
    dead.set_mode("normal")
    names = iter(f"back{i}.example.com" for i in range(1000))

    def answered_by_first():
        return c.addresses(c.udp(c.make_query(next(names)), dg.port)) == ["192.0.2.1"]
    wait_for(answered_by_first, timeout=5, interval=0.1,
             message="the first server to be probed and used again")


@pytest.mark.parametrize("send", [c.udp, c.tcp], ids=["udp", "tcp"])
def test_spoofed_id_and_wrong_question_replies_ignored(fault_upstream, devoguard, send):
    up = fault_upstream(mode="spoofed")
    dg = devoguard(forward_all(up.server, timeout="1s"))
    q = c.make_query("spoof.example.com")
    if send is c.udp:
        replies = c.udp_collect(q, dg.port, window=1.0)
        assert len(replies) == 1, f"expected exactly one reply, got {replies}"
        r = replies[0]
    else:
        r = c.tcp(q, dg.port)
    assert r.id == q.id and r.question == q.question
    assert c.addresses(r) == ["192.0.2.77"], f"a spoofed reply got through: {r}"
    assert POISON_IP not in str(r)


def test_reply_from_wrong_source_port_ignored(fault_upstream, devoguard):
    up = fault_upstream(mode="wrong_source")
    dg = devoguard(forward_all(up.server, timeout="300ms"))
    r, took = c.timed(c.udp, c.make_query("source.example.com", edns=True), dg.port, timeout=5)
    assert up.received("source.example.com")
    assert c.rcode(r) == "SERVFAIL", f"accepted a reply from the wrong port: {r}"
    assert not r.answer
    assert took < TIMEOUT + 1.0

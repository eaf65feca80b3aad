"""TCP (RFC 7766): pipelining, concurrent processing, idle timeout, the connection bound and
bad framing."""
import struct
import time

import dns.message

from harness import client as c
from harness.devoguard import forward_all
from harness.wait import wait_for


def tcp_config(up, **tcp):
    cfg = forward_all(up.server, timeout="3s")
    if tcp:
        cfg["tcp"] = tcp
    return cfg


def ask(sock, name, id):
    q = c.make_query(name, id=id)
    sock.sendall(c.frame(q.to_wire()))
    wire = c.read_frame(sock)
    assert wire is not None, f"connection closed instead of answering {name}"
    r = dns.message.from_wire(wire)
    assert r.id == id and c.addresses(r) == ["192.0.2.77"]
    return r


def test_pipelined_queries_on_one_connection(fault_upstream, devoguard):
    up = fault_upstream()
    dg = devoguard(tcp_config(up))
    queries = {1000 + i: c.make_query(f"pipe{i}.example.com", id=1000 + i) for i in range(5)}
    with c.tcp_connect(dg.port) as s:
        s.sendall(b"".join(c.frame(q.to_wire()) for q in queries.values()))
        answers = {}
        for _ in queries:
            wire = c.read_frame(s)
            assert wire is not None, f"closed after {len(answers)} answers"
            r = dns.message.from_wire(wire)
            answers[r.id] = r
    assert sorted(answers) == sorted(queries)
    for id, r in answers.items():
        assert r.question == queries[id].question
        assert c.addresses(r) == ["192.0.2.77"]


def test_slow_query_does_not_block_a_fast_one(fault_upstream, devoguard):
    up = fault_upstream()
    up.qname_delay["slow.example.com"] = 1000
    dg = devoguard(tcp_config(up))
    slow, fast = c.make_query("slow.example.com", id=1), c.make_query("fast.example.com", id=2)
    with c.tcp_connect(dg.port) as s:
        start = time.monotonic()
        s.sendall(c.frame(slow.to_wire()) + c.frame(fast.to_wire()))
        first = dns.message.from_wire(c.read_frame(s))
        first_at = time.monotonic() - start
        second = dns.message.from_wire(c.read_frame(s))
    assert first.id == 2, "the fast answer waited behind the slow one"
    assert first_at < 0.6, f"fast answer after {first_at:.2f}s"
    assert second.id == 1 and c.addresses(second) == ["192.0.2.77"]


def test_idle_timeout_closes_connection(fault_upstream, devoguard):
    up = fault_upstream()
    dg = devoguard(tcp_config(up, idle_timeout="300ms"))
    with c.tcp_connect(dg.port) as used, c.tcp_connect(dg.port) as unused:
        ask(used, "idle.example.com", 7)
        answered = time.monotonic()
        assert c.wait_closed(used, timeout=3), "connection still open after the idle timeout"
        idle = time.monotonic() - answered
        assert 0.2 <= idle <= 2.0, f"closed after {idle:.2f}s idle (idle_timeout 300ms)"
        assert c.wait_closed(unused, timeout=3), "a silent connection stays open"
    # The listener still serves.
    assert c.addresses(c.tcp(c.make_query("after.example.com"), dg.port)) == ["192.0.2.77"]


def test_max_connections_bound(fault_upstream, devoguard):
    up = fault_upstream()
    dg = devoguard(tcp_config(up, max_connections=2, idle_timeout="10s"))
    first, second = c.tcp_connect(dg.port), c.tcp_connect(dg.port)
    try:
        ask(first, "c1.example.com", 1)
        ask(second, "c2.example.com", 2)
        try:
            extra = c.tcp_connect(dg.port, timeout=2)
        except OSError:
            extra = None  # refused: fine
        if extra is not None:
            with extra:
                try:
                    extra.sendall(c.frame(c.make_query("c3.example.com", id=3).to_wire()))
                except OSError:
                    pass
                assert c.wait_closed(extra, timeout=3), "a third connection was served"
        # The two admitted connections keep working.
        ask(first, "c1b.example.com", 4)
        ask(second, "c2b.example.com", 5)
        assert not up.received("c3.example.com")
        # A closed connection frees its slot.
        first.close()

        def new_connection_served():
            with c.tcp_connect(dg.port, timeout=1) as s:
                s.sendall(c.frame(c.make_query("c4.example.com", id=6).to_wire()))
                return c.read_frame(s) is not None
        wait_for(new_connection_served, timeout=5, message="a free slot to be reused")
    finally:
        first.close()
        second.close()


def bad_frame_closes(dg, data):
    with c.tcp_connect(dg.port) as s:
        s.sendall(data)
        assert c.wait_closed(s, timeout=3), f"connection not closed after {data!r}"
    assert dg.alive()
    assert c.addresses(c.tcp(c.make_query("after.example.com"), dg.port)) == ["192.0.2.77"]
    assert c.addresses(c.udp(c.make_query("after.example.com"), dg.port)) == ["192.0.2.77"]


def test_zero_length_frame_closes_connection(fault_upstream, devoguard):
    dg = devoguard(tcp_config(fault_upstream()))
    bad_frame_closes(dg, b"\x00\x00")


def test_frame_shorter_than_header_closes_connection(fault_upstream, devoguard):
    dg = devoguard(tcp_config(fault_upstream()))
    bad_frame_closes(dg, struct.pack("!H", 5) + b"\x12\x34\x01\x00\x00")


def test_frame_split_across_writes(fault_upstream, devoguard):
    dg = devoguard(tcp_config(fault_upstream()))
    framed = c.frame(c.make_query("split.example.com", id=9).to_wire())
    with c.tcp_connect(dg.port) as s:
        for piece in (framed[:1], framed[1:7], framed[7:]):
            s.sendall(piece)
        r = dns.message.from_wire(c.read_frame(s))
    assert r.id == 9 and c.addresses(r) == ["192.0.2.77"]


def test_client_closing_mid_query_does_not_hurt(fault_upstream, devoguard):
    up = fault_upstream()
    up.qname_delay["gone.example.com"] = 300
    dg = devoguard(tcp_config(up))
    with c.tcp_connect(dg.port) as s:
        s.sendall(c.frame(c.make_query("gone.example.com").to_wire()))
        up.wait_received("gone.example.com")
    # The answer arrives for a closed connection (its decision is logged); the service carries on.
    dg.wait_decisions(1, qname="gone.example.com")
    assert dg.alive()
    assert c.addresses(c.tcp(c.make_query("next.example.com"), dg.port)) == ["192.0.2.77"]

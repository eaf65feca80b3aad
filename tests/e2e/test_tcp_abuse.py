"""TCP abuse (RFC 7766 section 6.2): slow-loris clients, thousands of idle connections, oversized
length prefixes, half-closed connections and clients that never read. Each is bounded by
tcp.max_connections, tcp.max_connections_per_client, the idle timeout or the reply queue bound,
and a well-behaved client keeps being served meanwhile. Abusive clients come from other
loopback addresses (127.0.0.2 and up) than the well-behaved one (127.0.0.1)."""
import os
import resource
import socket
import struct
import time

import dns.message

from harness import client as c
from harness.devoguard import memory_budget_kb
from harness.load import RssSampler, query_wire
from harness.metrics import scrape, value
from harness.ports import free_port
from harness.wait import wait_for

ANSWER_IP = "192.0.2.77"


def config(up, **tcp):
    port = free_port()
    cfg = {"upstreams": {"main": {"servers": [up.server], "timeout": "2s"}},
           "rules": [{"name": "local", "match": {"suffix": ["local.example"]},
                      "answer": "nxdomain"},
                     {"name": "default", "forward": "main"}],
           "tcp": tcp,
           "metrics": {"listen": f"127.0.0.1:{port}"}}
    return cfg, f"http://127.0.0.1:{port}"


def connect(port, source, timeout=5.0):
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    s.settimeout(timeout)
    s.bind((source, 0))
    s.connect(("127.0.0.1", port))
    return s


def well_behaved_client_is_served(dg, name="good.example.com"):
    """One TCP and one UDP query from 127.0.0.1, both answered."""
    with c.tcp_connect(dg.port) as s:
        wire = query_wire(name, 4242)
        s.sendall(c.frame(wire))
        reply = c.read_frame(s)
        assert reply is not None, "the well-behaved TCP client was not answered"
        r = dns.message.from_wire(reply)
        assert r.id == 4242 and c.addresses(r) == [ANSWER_IP]
    assert c.addresses(c.udp(c.make_query(name), dg.port)) == [ANSWER_IP]


def closed_by_server(sock):
    """True when the server has closed `sock` (EOF or reset); no waiting."""
    sock.setblocking(False)
    try:
        data = sock.recv(65535)
        return data == b""
    except BlockingIOError:
        return False
    except (ConnectionResetError, BrokenPipeError):
        return True
    finally:
        sock.setblocking(True)


def raise_own_fd_limit(needed):
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft < needed:
        resource.setrlimit(resource.RLIMIT_NOFILE, (min(hard, max(needed, soft)), hard))
    assert resource.getrlimit(resource.RLIMIT_NOFILE)[0] >= needed, "the test needs more fds"


def test_slow_loris_is_closed_by_the_idle_timeout(fault_upstream, devoguard):
    up = fault_upstream(answer_ip=ANSWER_IP)
    cfg, _ = config(up, idle_timeout="2s")
    dg = devoguard(cfg)
    frame = c.frame(query_wire("loris.example.com", 7))
    lorises = [connect(dg.port, "127.0.0.2") for _ in range(20)]
    opened = time.monotonic()
    sent = 0
    try:
        # A byte a second: the frame would be complete after ~35 s; the idle timeout (2 s)
        # counts whole messages only, so the trickle does not keep the connections.
        while any(not closed_by_server(s) for s in lorises):
            assert time.monotonic() - opened < 2 + 2, \
                f"slow-loris connections still open after {time.monotonic() - opened:.1f}s"
            for s in lorises:
                try:
                    s.send(frame[sent:sent + 1])
                except (BrokenPipeError, ConnectionResetError):
                    pass
            sent += 1
            well_behaved_client_is_served(dg, f"during-loris{sent}.example.com")
            time.sleep(1)  # the trickle is the behaviour under test
    finally:
        for s in lorises:
            s.close()
    assert sent < len(frame), "the trickle completed a frame: the test proves nothing"
    assert dg.alive()


def test_thousands_of_idle_connections_are_bounded(fault_upstream, devoguard):
    up = fault_upstream(answer_ip=ANSWER_IP)
    cfg, base = config(up, idle_timeout="3s", max_connections=300,
                       max_connections_per_client=100000)
    dg = devoguard(cfg)
    limits = open(f"/proc/{dg.pid}/limits").read()
    max_files = int(next(l for l in limits.splitlines() if l.startswith("Max open files"))
                    .split()[3])
    assert max_files >= 300 + 100, f"devoguard's fd limit {max_files} is below its bound"
    well_behaved_client_is_served(dg)  # upstream sockets are opened on first use
    fds_before = dg.open_fds()
    raise_own_fd_limit(3000 + 200)
    socks = []
    try:
        with RssSampler(dg.pid) as rss:
            for i in range(3000):
                try:
                    socks.append(connect(dg.port, f"127.0.0.{2 + i // 300}"))
                except OSError:
                    pass  # a full accept queue may refuse one: the bound is what is tested
            # Beyond the bound each connection is accepted and closed at once.
            rejected = wait_for(lambda: (lambda n: n if n >= len(socks) - 300 else None)(
                sum(closed_by_server(s) for s in socks)), timeout=10,
                message="connections beyond max_connections to be closed")
            assert len(socks) - rejected <= 300
            assert dg.open_fds() <= fds_before + 300 + 10, "more descriptors than the bound"
            s = scrape(base)
            assert value(s, "devoguard_tcp_connections") <= 300
            assert value(s, "devoguard_tcp_rejected_total", limit="max_connections") >= \
                len(socks) - 300
            # UDP is served while TCP is full.
            assert c.addresses(c.udp(c.make_query("udp-during.example.com"), dg.port)) == \
                [ANSWER_IP]
            # The idle ones go after the idle timeout, and TCP serves again.
            wait_for(lambda: all(closed_by_server(s) for s in socks), timeout=3 + 5,
                     message="idle connections to be closed")
            wait_for(lambda: value(scrape(base), "devoguard_tcp_connections") == 0, timeout=5,
                     message="the connection count to drop to 0")
            well_behaved_client_is_served(dg)
    finally:
        for s in socks:
            s.close()
    assert rss.peak - rss.samples[0] < memory_budget_kb(32)
    assert dg.open_fds() <= fds_before + 5


def test_per_client_limit_keeps_room_for_others(fault_upstream, devoguard):
    up = fault_upstream(answer_ip=ANSWER_IP)
    cfg, base = config(up, idle_timeout="30s", max_connections=1000,
                       max_connections_per_client=10)
    dg = devoguard(cfg)
    hog = [connect(dg.port, "127.0.0.2") for _ in range(200)]
    try:
        wait_for(lambda: sum(closed_by_server(s) for s in hog) >= 190, timeout=10,
                 message="connections beyond the per-client limit to be closed")
        assert sum(not closed_by_server(s) for s in hog) == 10
        for i in range(5):
            well_behaved_client_is_served(dg, f"other{i}.example.com")
        s = scrape(base)
        assert value(s, "devoguard_tcp_rejected_total", limit="max_connections_per_client") == 190
        assert value(s, "devoguard_tcp_connections") == 10
    finally:
        for s in hog:
            s.close()


def test_oversized_length_prefixes(fault_upstream, devoguard):
    up = fault_upstream(answer_ip=ANSWER_IP)
    cfg, _ = config(up, idle_timeout="1s")
    dg = devoguard(cfg)
    baseline = dg.rss_kb()
    with RssSampler(dg.pid) as rss:
        # A prefix promising 65535 bytes, a few of them, then nothing: held until the idle
        # timeout, at most one frame's worth of memory each.
        waiting = [connect(dg.port, "127.0.0.2") for _ in range(100)]
        for s in waiting:
            s.sendall(b"\xff\xff" + os.urandom(60000))
        well_behaved_client_is_served(dg)
        wait_for(lambda: all(closed_by_server(s) for s in waiting), timeout=1 + 5,
                 message="connections with a partial giant frame to be closed")
        for s in waiting:
            s.close()
    assert rss.peak - baseline < memory_budget_kb(48)
    # A complete frame of 65535 bytes of noise is a bad query (FORMERR, NOTIMP or dropped),
    # and the stream stays in step: the next query on the connection is answered.
    for _ in range(5):
        with connect(dg.port, "127.0.0.3") as s:
            noise = bytearray(os.urandom(65535))
            noise[2] &= 0x7F  # QR clear: a query, so that a reply (FORMERR/NOTIMP) may come
            s.sendall(b"\xff\xff" + bytes(noise) + c.frame(query_wire("after.example.com", 99)))
            for _ in range(2):
                reply = c.read_frame(s)
                assert reply is not None, "connection closed after a full-size frame"
                if struct.unpack("!H", reply[:2])[0] == 99:
                    break
            else:
                raise AssertionError("the query after the noise frame was not answered")
            assert c.addresses(dns.message.from_wire(reply)) == [ANSWER_IP]
    assert dg.alive()


def test_half_closed_client_still_gets_its_answers(fault_upstream, devoguard):
    up = fault_upstream(answer_ip=ANSWER_IP)
    up.qname_delay["half1.example.com"] = 300
    cfg, _ = config(up)
    dg = devoguard(cfg)
    with c.tcp_connect(dg.port) as s:
        s.sendall(c.frame(query_wire("half1.example.com", 1)) +
                  c.frame(query_wire("half2.example.com", 2)))
        s.shutdown(socket.SHUT_WR)  # the client is done sending (RFC 7766 6.2.3)
        ids = set()
        for _ in range(2):
            reply = c.read_frame(s)
            assert reply is not None, f"closed before every answer (got {ids})"
            ids.add(struct.unpack("!H", reply[:2])[0])
        assert ids == {1, 2}
        assert c.wait_closed(s, timeout=3), "the server kept the half-closed connection"
    well_behaved_client_is_served(dg)


def test_client_that_never_reads_is_cut_off(fault_upstream, devoguard):
    up = fault_upstream(answer_ip=ANSWER_IP)
    cfg, base = config(up, idle_timeout="60s")
    dg = devoguard(cfg)
    with c.tcp_connect(dg.port) as probe:
        probe.sendall(c.frame(query_wire("n0.local.example", 0)))
        reply_size = 2 + len(c.read_frame(probe))
    baseline = dg.rss_kb()
    count = 100000  # ~10 MB of NXDOMAIN replies: more than the kernel buffers hold
    queries = b"".join(c.frame(query_wire(f"n{i}.local.example", i & 0xFFFF))
                       for i in range(count))
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)  # before connect: a small window
    s.bind(("127.0.0.2", 0))
    s.settimeout(30)
    try:
        with RssSampler(dg.pid) as rss:
            s.connect(("127.0.0.1", dg.port))
            try:
                s.sendall(queries)
            except (BrokenPipeError, ConnectionResetError):
                pass  # cut off while still sending: fine
            # Not a byte read: the server closes the connection once 256 KiB of replies wait,
            # long before the 60 s idle timeout.
            wait_for(lambda: value(scrape(base), "devoguard_tcp_connections") == 0, timeout=20,
                     message="the server to close the connection of a client that never reads")
        received = 0
        try:
            while chunk := s.recv(1 << 20):
                received += len(chunk)
        except ConnectionResetError:
            pass
    finally:
        s.close()
    assert received < 0.9 * count * reply_size, \
        f"{received} of {count * reply_size} reply bytes delivered: the queue bound was not hit"
    assert rss.peak - baseline < memory_budget_kb(64), \
        f"RSS grew by {(rss.peak - baseline) // 1024} MiB"
    well_behaved_client_is_served(dg)

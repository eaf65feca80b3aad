"""Bad input and the ACL: short packets and responses are dropped, other opcodes get NOTIMP,
malformed questions FORMERR, clients outside clients.allow REFUSED (EDE 18 with EDNS). Nothing
crashes and the service keeps answering."""
import random
import socket
import struct

import dns.message
import dns.opcode
import dns.query
import dns.rcode
import pytest

from harness import client as c
from harness.devoguard import forward_all

PROHIBITED = 18
QUESTION = b"\x04host\x07example\x03com\x00" + struct.pack("!HH", 1, 1)


def header(id=0x1234, flags=0x0100, qd=1, an=0, ns=0, ar=0):
    return struct.pack("!HHHHHH", id, flags, qd, an, ns, ar)


def still_serving(dg):
    assert dg.alive(), "devoguard died"
    r = c.udp(c.make_query("alive.example.com"), dg.port)
    assert c.addresses(r) == ["192.0.2.77"]


@pytest.fixture
def dg(fault_upstream, devoguard):
    return devoguard(forward_all(fault_upstream().server))


def test_packet_shorter_than_header_dropped(dg):
    assert c.raw_udp(b"\x12\x34\x01\x00\x00", dg.port, timeout=0.5) is None
    still_serving(dg)


def test_response_dropped(dg):
    wire = header(flags=0x8180) + QUESTION  # QR=1
    assert c.raw_udp(wire, dg.port, timeout=0.5) is None
    still_serving(dg)


@pytest.mark.parametrize("opcode", [dns.opcode.NOTIFY, dns.opcode.STATUS, dns.opcode.UPDATE],
                         ids=dns.opcode.to_text)
@pytest.mark.parametrize("proto", ["udp", "tcp"])
def test_opcode_other_than_query_notimp(dg, opcode, proto):
    q = c.make_query("host.example.com")
    q.set_opcode(opcode)
    r = (c.udp if proto == "udp" else c.tcp)(q, dg.port)
    assert r.id == q.id
    assert c.rcode(r) == "NOTIMP"
    still_serving(dg)


@pytest.mark.parametrize("wire", [
    pytest.param(header(qd=0), id="qdcount-0"),
    pytest.param(header(qd=2) + QUESTION + QUESTION, id="qdcount-2"),
    pytest.param(header() + b"\x3fabc", id="label-past-end"),
    pytest.param(header() + b"\xc0\x0c" + struct.pack("!HH", 1, 1), id="pointer-loop"),
    pytest.param(header() + b"\x41abc\x00" + struct.pack("!HH", 1, 1), id="bad-label-type"),
    pytest.param(header() + b"\x04host\x07example\x03com\x00\x00", id="question-cut-short"),
])
def test_malformed_query_formerr(dg, wire):
    reply = c.raw_udp(wire, dg.port, timeout=2)
    assert reply is not None, "no reply to a malformed query"
    assert len(reply) >= 12
    id, flags = struct.unpack("!HH", reply[:4])
    assert id == 0x1234
    assert flags & 0x8000, "QR not set"
    assert flags & 0x000F == dns.rcode.FORMERR, f"rcode {flags & 0xF}"
    still_serving(dg)


def test_random_garbage_survives(dg):
    rnd = random.Random(5452)
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        for _ in range(300):
            size = rnd.choice([1, 11, 12, 13, 30, 100, 512, 1500])
            data = bytearray(rnd.getrandbits(8) for _ in range(size))
            if size >= 4 and rnd.random() < 0.7:
                data[2] &= 0x7F  # mostly "queries", so the parser gets past the QR check
            s.sendto(bytes(data), ("127.0.0.1", dg.port))
    still_serving(dg)


@pytest.fixture
def acl_dg(fault_upstream, devoguard):
    up = fault_upstream()
    cfg = forward_all(up.server)
    cfg["clients"] = {"allow": ["127.0.0.2/32"]}
    return up, devoguard(cfg, probe_source="127.0.0.2")


@pytest.mark.parametrize("proto", ["udp", "tcp"])
def test_client_outside_allow_refused(acl_dg, proto):
    up, dg = acl_dg
    q = c.make_query("acl.example.com")
    send = dns.query.udp if proto == "udp" else dns.query.tcp
    r = send(q, "127.0.0.1", port=dg.port, timeout=3)
    assert r.id == q.id and c.rcode(r) == "REFUSED"
    assert not r.answer
    assert not up.received("acl.example.com"), "a refused query went upstream"
    # The allowed client is served.
    r = send(c.make_query("ok.example.com"), "127.0.0.1", port=dg.port, timeout=3,
             source="127.0.0.2")
    assert c.addresses(r) == ["192.0.2.77"]


def test_refused_carries_ede18_with_edns(acl_dg):
    up, dg = acl_dg
    r = c.udp(c.make_query("acl.example.com", edns=True), dg.port)
    assert c.rcode(r) == "REFUSED"
    assert PROHIBITED in [code for code, _ in c.ede(r)], c.ede(r)

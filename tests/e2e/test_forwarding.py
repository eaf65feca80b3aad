"""Forwarding core: answers via a real upstream over UDP and TCP, IPv4 and IPv6, a suffix rule
sending AD zones to a second group, EDNS kept, fresh IDs and ports upstream (RFC 5452), and
truncation handled end to end."""
import subprocess

import dns.edns
import dns.flags
import dns.message
import dns.rdatatype

from harness import client as c
from harness.devoguard import forward_all

EXPERIMENTAL_OPTION = 65001  # RFC 6891 local/experimental range: no forwarder has a reason to know it


def txt_strings(resp):
    return sorted(s.decode() for rrset in resp.answer if rrset.rdtype == dns.rdatatype.TXT
                  for rd in rrset for s in rd.strings)


def test_udp_answer_via_upstream(unbound, devoguard):
    dg = devoguard(forward_all(unbound.server))
    q = c.make_query("host1.example.co.jp", "A")
    r = c.udp(q, dg.port)
    assert r.id == q.id and c.rcode(r) == "NOERROR"
    assert c.addresses(r) == ["192.0.2.1"]
    assert r.flags & dns.flags.QR
    assert ("host1.example.co.jp.", "A") in unbound.seen()


def test_tcp_answer_via_upstream(unbound, devoguard):
    dg = devoguard(forward_all(unbound.server))
    r = c.tcp(c.make_query("host1.example.co.jp", "AAAA"), dg.port)
    assert c.rcode(r) == "NOERROR" and c.addresses(r) == ["2001:db8::1"]
    assert ("host1.example.co.jp.", "AAAA") in unbound.seen()


def test_ipv6_listener_udp_and_tcp(unbound, devoguard):
    dg = devoguard(forward_all(unbound.server), ipv6=True)
    r = c.udp(c.make_query("host1.example.co.jp", "A"), dg.port, host="::1")
    assert c.addresses(r) == ["192.0.2.1"]
    r = c.tcp(c.make_query("www.example.com", "A"), dg.port, host="::1")
    assert c.addresses(r) == ["192.0.2.80"]
    # The IPv4 listener of the same config keeps working.
    assert c.addresses(c.udp(c.make_query("www.example.com"), dg.port)) == ["192.0.2.80"]


def test_ipv6_upstream(unbound, devoguard):
    dg = devoguard(forward_all(unbound.server6))
    for send in (c.udp, c.tcp):
        r = send(c.make_query("host1.example.co.jp", "A"), dg.port)
        assert c.addresses(r) == ["192.0.2.1"], send.__name__


def test_dig_over_udp(unbound, devoguard):
    dg = devoguard(forward_all(unbound.server))
    out = subprocess.run(["dig", "@127.0.0.1", "-p", str(dg.port), "+tries=1", "+time=3",
                          "host1.example.co.jp", "A"],
                         capture_output=True, text=True, timeout=10).stdout
    assert "status: NOERROR" in out, out
    assert "192.0.2.1" in out, out


def test_kdig_over_tcp(unbound, devoguard):
    dg = devoguard(forward_all(unbound.server))
    out = subprocess.run(["kdig", "@127.0.0.1", "-p", str(dg.port), "+tcp", "+retry=0",
                          "+time=3", "_ldap._tcp.dc._msdcs.example.co.jp", "SRV"],
                         capture_output=True, text=True, timeout=10).stdout
    assert "status: NOERROR" in out, out
    assert "389 dc1.example.co.jp." in out, out
    assert "(TCP)" in out, out


def test_suffix_rule_forwards_ad_zone_to_second_group(unbound, fault_upstream, devoguard):
    aws = fault_upstream()
    dg = devoguard({
        "domain": {"suffixes": ["example.co.jp"]},
        "upstreams": {"aws": {"servers": [aws.server], "timeout": "300ms"},
                      "ad": {"servers": [unbound.server], "timeout": "300ms"}},
        "rules": [{"name": "ad-zones", "match": {"suffix": ["example.co.jp"]}, "forward": "ad"},
                  {"name": "default", "forward": "aws"}],
    })
    r = c.udp(c.make_query("_ldap._tcp.dc._msdcs.example.co.jp", "SRV"), dg.port)
    assert c.rcode(r) == "NOERROR"
    assert [rd.to_text() for rrset in r.answer for rd in rrset] == ["0 100 389 dc1.example.co.jp."]
    # Case and the final dot do not matter for matching.
    r = c.udp(c.make_query("Host1.EXAMPLE.co.JP.", "A"), dg.port)
    assert c.addresses(r) == ["192.0.2.1"]
    r = c.udp(c.make_query("example.co.jp", "SOA"), dg.port)
    assert c.rcode(r) == "NOERROR" and r.answer
    # Everything else goes to the default group, including names that merely end alike.
    for name in ("www.example.com", "notexample.co.jp"):
        assert c.addresses(c.udp(c.make_query(name), dg.port)) == ["192.0.2.77"], name
    ad_seen = unbound.seen_names()
    assert "_ldap._tcp.dc._msdcs.example.co.jp" in ad_seen
    assert "host1.example.co.jp" in ad_seen
    assert "www.example.com" not in ad_seen and "notexample.co.jp" not in ad_seen
    aws_seen = [r.qname for r in aws.received()]
    assert sorted(aws_seen) == ["notexample.co.jp", "www.example.com"], aws_seen


def test_edns_do_bit_and_option_reach_upstream(fault_upstream, devoguard):
    up = fault_upstream()
    dg = devoguard(forward_all(up.server))
    option = dns.edns.GenericOption(EXPERIMENTAL_OPTION, b"devoguard-e2e")
    r = c.udp(c.make_query("edns.example.com", edns=True, do=True, options=[option]), dg.port)
    assert c.rcode(r) == "NOERROR" and r.edns == 0, "the client sent EDNS: the reply has OPT"
    (seen,) = up.received("edns.example.com")
    assert seen.edns == 0
    assert seen.do, "DO bit lost on the way upstream"
    assert (EXPERIMENTAL_OPTION, b"devoguard-e2e") in seen.options, seen.options
    # And without DO the upstream sees no DO either.
    c.udp(c.make_query("nodo.example.com", edns=True), dg.port)
    (seen,) = up.received("nodo.example.com")
    assert not seen.do


def test_fresh_random_id_and_source_port_per_upstream_query(fault_upstream, devoguard):
    up = fault_upstream()
    dg = devoguard(forward_all(up.server))
    n = 12
    for i in range(n):
        r = c.udp(c.make_query(f"id{i}.example.com", id=4242), dg.port)
        assert r.id == 4242, "the client gets its own ID back"
    seen = [up.received(f"id{i}.example.com")[0] for i in range(n)]
    ids = [s.id for s in seen]
    ports = [s.source[1] for s in seen]
    assert 4242 not in ids, f"client ID passed upstream: {ids}"
    assert len(set(ids)) >= n - 1, f"upstream IDs repeat: {ids}"
    steps = sum(1 for a, b in zip(ids, ids[1:]) if (b - a) % 65536 == 1)
    assert steps < n // 2, f"upstream IDs are sequential, not random: {ids}"
    assert len(set(ports)) >= n - 1, f"source ports repeat: {ports}"


def test_truncated_upstream_reply_reaches_client_with_tc(fault_upstream, devoguard):
    up = fault_upstream(mode="truncate")
    dg = devoguard(forward_all(up.server))
    q = c.make_query("tc.example.com")
    r = c.udp(q, dg.port)
    assert r.flags & dns.flags.TC, "TC bit lost"
    assert r.id == q.id and r.question == q.question
    assert up.received("tc.example.com", transport="udp")


def test_client_tcp_retry_forwarded_over_tcp(fault_upstream, devoguard):
    up = fault_upstream(mode="truncate")
    dg = devoguard(forward_all(up.server))
    assert c.udp(c.make_query("retry.example.com"), dg.port).flags & dns.flags.TC
    r = c.tcp(c.make_query("retry.example.com"), dg.port)
    assert not r.flags & dns.flags.TC
    assert c.addresses(r) == ["192.0.2.77"]
    assert up.received("retry.example.com", transport="tcp"), "retry did not go upstream over TCP"


def test_big_txt_over_tcp(unbound, devoguard):
    dg = devoguard(forward_all(unbound.server))
    r = c.tcp(c.make_query("big.example.co.jp", "TXT", edns=True), dg.port)
    strings = txt_strings(r)
    assert len(strings) == 10 and all(len(s) == 250 for s in strings), strings
    assert len(r.to_wire()) > 2500
    # Over UDP the same answer is either whole or flagged TC, never silently cut.
    r = c.udp(c.make_query("big.example.co.jp", "TXT", edns=True, payload=4096), dg.port)
    assert r.flags & dns.flags.TC or len(txt_strings(r)) == 10


def test_udp_without_edns_never_exceeds_512(unbound, devoguard):
    dg = devoguard(forward_all(unbound.server))
    q = c.make_query("mid.example.co.jp", "TXT")  # ~0.8 KB answer, client without EDNS
    wire = c.raw_udp(q.to_wire(), dg.port, timeout=3)
    assert wire is not None, "no reply"
    r = dns.message.from_wire(wire)
    assert len(wire) <= 512, f"{len(wire)}-byte UDP reply to a client without EDNS"
    assert r.flags & dns.flags.TC


def test_several_worker_threads(unbound, devoguard):
    cfg = forward_all(unbound.server)
    cfg["threads"] = 2
    dg = devoguard(cfg)
    for i in range(20):  # a fresh socket each: SO_REUSEPORT spreads them over the workers
        send = c.tcp if i % 4 == 0 else c.udp
        r = send(c.make_query("host1.example.co.jp", id=i), dg.port)
        assert r.id == i and c.addresses(r) == ["192.0.2.1"]

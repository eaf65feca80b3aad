"""Answers decided by a rule: ID, question and RD echoed, RA set; NXDOMAIN/NODATA carry the
parent zone's SOA with minimum = answers.negative_ttl (RFC 2308); EDE 15 naming the rule when the
client sent EDNS, no OPT when it did not; nothing reaches the upstream."""
import dns.flags
import dns.rdatatype
import pytest

from harness import client as c
from harness.devoguard import forward_all

BLOCKED = 15
NEGATIVE_TTL = 7
RULES = [
    # (rule name, answer, qname, rcode, SOA owner or None)
    ("nx-rule", "nxdomain", "nx.example.com", "NXDOMAIN", "example.com."),
    ("nodata-rule", "nodata", "nodata.a.example.com", "NOERROR", "a.example.com."),
    ("refused-rule", "refused", "refused.example.com", "REFUSED", None),
    ("servfail-rule", "servfail", "servfail.example.com", "SERVFAIL", None),
]


@pytest.fixture
def setup(fault_upstream, devoguard):
    up = fault_upstream()
    cfg = forward_all(up.server)
    cfg["rules"][:0] = [{"name": name, "match": {"qname": [qname]}, "answer": answer}
                        for name, answer, qname, _, _ in RULES]
    cfg["answers"] = {"negative_ttl": NEGATIVE_TTL}
    return up, devoguard(cfg)


@pytest.mark.parametrize("rule,answer,qname,rcode,soa_owner", RULES, ids=[r[1] for r in RULES])
@pytest.mark.parametrize("send", [c.udp, c.tcp], ids=["udp", "tcp"])
def test_local_answer_with_edns(setup, send, rule, answer, qname, rcode, soa_owner):
    up, dg = setup
    q = c.make_query(qname, "A", edns=True, id=31337)
    r = send(q, dg.port)
    assert r.id == 31337 and r.question == q.question
    assert r.flags & dns.flags.QR and r.flags & dns.flags.RD and r.flags & dns.flags.RA
    assert c.rcode(r) == rcode
    assert not r.answer
    soa = [rrset for rrset in r.authority if rrset.rdtype == dns.rdatatype.SOA]
    if soa_owner:
        assert soa, "negative answer without SOA (RFC 2308)"
        assert soa[0].name.to_text() == soa_owner
        assert soa[0][0].minimum == NEGATIVE_TTL
    codes = c.ede(r)
    assert [code for code, _ in codes] == [BLOCKED], codes
    assert rule in codes[0][1], f"EDE text {codes[0][1]!r} does not name the rule"
    assert not up.received(qname)


@pytest.mark.parametrize("rule,answer,qname,rcode,soa_owner", RULES, ids=[r[1] for r in RULES])
def test_local_answer_without_edns_or_rd(setup, rule, answer, qname, rcode, soa_owner):
    _, dg = setup
    q = c.make_query(qname, "AAAA")
    q.flags &= ~dns.flags.RD
    r = c.udp(q, dg.port)
    assert r.id == q.id and r.question == q.question
    assert not r.flags & dns.flags.RD, "RD not echoed"
    assert r.flags & dns.flags.RA
    assert c.rcode(r) == rcode
    assert r.edns == -1, "OPT in a reply to a query without EDNS"

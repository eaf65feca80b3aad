"""Devolution end to end: devoguard in front of a real unbound, clients that behave like the
Windows DNS client (ask P.<suffix>; on NXDOMAIN ask the devolved P.<parent>). The upstream's own
query log proves what leaked and what did not."""
import time

import dns.query
import dns.rdatatype

from harness.client import ede, make_query, rcode, udp
from harness.devoguard import group
from harness.wait import wait_for

SUFFIX = "example.co.jp"


def config(unbound, window="30s", dry_run=False, extra_rules=()):
    devolved = {"name": "devolved", "match": {"devolved": True}, "answer": "nxdomain"}
    if dry_run:
        devolved["dry_run"] = True
    return {
        "domain": {"suffixes": [SUFFIX], "devolution_level": 2, "correlation_window": window},
        "upstreams": {"aws": group(unbound.server)},
        "rules": [devolved, *extra_rules, {"name": "default", "forward": "aws"}],
    }


def udp_from(q, port, source):
    return dns.query.udp(q, "127.0.0.1", port=port, timeout=3.0, source=source)


def windows_resolve(port, label, rdtype="A"):
    """What a Windows client does for a single label: the primary suffix first, then, after
    NXDOMAIN, the devolved name. Returns both responses."""
    first = udp(make_query(f"{label}.{SUFFIX}", rdtype, edns=True), port)
    assert rcode(first) == "NXDOMAIN"
    second = udp(make_query(f"{label}.co.jp", rdtype, edns=True), port)
    return first, second


def test_windows_client_devolution_never_reaches_the_upstream(devoguard, unbound):
    d = devoguard(config(unbound))
    _, devolved = windows_resolve(d.port, "dglvrrerxokcxc")
    assert rcode(devolved) == "NXDOMAIN"
    # RFC 2308: the SOA of the devolution parent, minimum = answers.negative_ttl (30).
    soa = [r for r in devolved.authority if r.rdtype == dns.rdatatype.SOA]
    assert soa and soa[0].name.to_text() == "co.jp." and soa[0][0].minimum == 30
    assert ede(devolved) == [(15, "devoguard rule devolved")]

    # Real names still resolve through devoguard.
    ok = udp(make_query(f"host1.{SUFFIX}", "A"), d.port)
    assert rcode(ok) == "NOERROR" and ok.answer

    seen = unbound.seen_names()
    assert f"dglvrrerxokcxc.{SUFFIX}" in seen
    leaked = [n for n in seen if n.endswith("co.jp") and not n.endswith(SUFFIX)]
    assert leaked == [], f"devolved names reached the upstream: {leaked}"

    line = d.wait_decisions(1, qname="dglvrrerxokcxc.co.jp")[0]
    assert line["rule"] == "devolved" and line["action"] == "nxdomain"
    assert line["devolved_from"] == f"dglvrrerxokcxc.{SUFFIX}"
    assert line["rcode"] == "NXDOMAIN"


def test_multi_label_prefix_is_devolved_with_the_parent_as_soa_owner(devoguard, unbound):
    d = devoguard(config(unbound))
    _, devolved = windows_resolve(d.port, "a.b")
    assert rcode(devolved) == "NXDOMAIN"
    assert [r.name.to_text() for r in devolved.authority] == ["co.jp."]
    assert "a.b.co.jp" not in unbound.seen_names()
    assert d.wait_decisions(1, qname="a.b.co.jp")[0]["devolved_from"] == f"a.b.{SUFFIX}"


def test_a_name_that_resolved_does_not_make_its_twin_devolved(devoguard, unbound):
    d = devoguard(config(unbound))
    assert rcode(udp(make_query(f"host1.{SUFFIX}", "A"), d.port)) == "NOERROR"
    udp(make_query("host1.co.jp", "A"), d.port)
    assert "host1.co.jp" in unbound.seen_names()  # asked on purpose: forwarded
    assert d.wait_decisions(1, qname="host1.co.jp")[0]["action"] == "forward"


def test_correlation_is_per_client(devoguard, unbound):
    d = devoguard(config(unbound))
    assert rcode(udp_from(make_query(f"perclient.{SUFFIX}", "A"), d.port, "127.0.0.1")) == "NXDOMAIN"
    udp_from(make_query("perclient.co.jp", "A"), d.port, "127.0.0.2")  # another client
    assert "perclient.co.jp" in unbound.seen_names()
    line = d.wait_decisions(1, qname="perclient.co.jp")[0]
    assert line["client"] == "127.0.0.2" and line["action"] == "forward"
    assert "devolved_from" not in line


def test_correlation_is_per_query_type(devoguard, unbound):
    d = devoguard(config(unbound))
    assert rcode(udp(make_query(f"pertype.{SUFFIX}", "A"), d.port)) == "NXDOMAIN"
    udp(make_query("pertype.co.jp", "AAAA"), d.port)
    assert "pertype.co.jp" in unbound.seen_names()


def test_correlation_expires_after_the_window(devoguard, unbound):
    d = devoguard(config(unbound, window="400ms"))
    assert rcode(udp(make_query(f"late.{SUFFIX}", "A"), d.port)) == "NXDOMAIN"
    asked = time.monotonic()
    wait_for(lambda: time.monotonic() - asked > 0.6, timeout=2, message="the window to pass")
    udp(make_query("late.co.jp", "A"), d.port)
    assert "late.co.jp" in unbound.seen_names()
    assert d.wait_decisions(1, qname="late.co.jp")[0]["action"] == "forward"


def test_a_twin_asked_first_is_not_devolved(devoguard, unbound):
    d = devoguard(config(unbound))
    udp(make_query("first.co.jp", "A"), d.port)
    assert "first.co.jp" in unbound.seen_names()


def test_dry_run_logs_what_the_rule_would_do_and_goes_on(devoguard, unbound):
    d = devoguard(config(unbound, dry_run=True))
    _, twin = windows_resolve(d.port, "dryrunlabel")
    assert rcode(twin) == "NXDOMAIN"  # from unbound: the co.jp zone has no such name
    assert "dryrunlabel.co.jp" in unbound.seen_names()
    line = d.wait_decisions(1, qname="dryrunlabel.co.jp")[0]
    assert line["action"] == "forward" and line["rule"] == "default"
    assert line["dry_run"] == ["devolved"]
    assert line["devolved_from"] == f"dryrunlabel.{SUFFIX}"


def test_nodata_answer_carries_the_parent_soa(devoguard, unbound):
    rule = {"name": "no-aaaa", "match": {"qtype": ["AAAA"], "suffix": ["blocked.example.com"]},
            "answer": "nodata"}
    d = devoguard(config(unbound, extra_rules=[rule]))
    r = udp(make_query("x.blocked.example.com", "AAAA", edns=True), d.port)
    assert rcode(r) == "NOERROR" and not r.answer
    assert [x.name.to_text() for x in r.authority] == ["blocked.example.com."]
    assert ede(r) == [(15, "devoguard rule no-aaaa")]
    plain = udp(make_query("y.blocked.example.com", "AAAA"), d.port)
    assert plain.opt is None  # no OPT to a client that sent none

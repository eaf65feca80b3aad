"""The answer cache (DEPLOY.md §1) end to end: devoguard with `cache: {enabled: true}` in front
of the fault upstream, which counts what reaches it and can go silent. What the client got, what
the upstream saw and the decision log's `cache` field are checked for each case."""
import time

import dns.flags
import dns.query
import dns.rdatatype

from harness.client import ede, make_query, rcode, udp, tcp
from harness.devoguard import group, run_command
from harness.metrics import http_get, parse, value
from harness.ports import free_port
from harness.wait import wait_for

ANSWER_IP = "192.0.2.77"
STALE_ANSWER = 3      # EDE codes, RFC 8914
STALE_NXDOMAIN = 19


def cached(up, cache=None, timeout="300ms", max_failures=None, **extra):
    c = {"upstreams": {"main": group(up.server, timeout=timeout, max_failures=max_failures)},
         "rules": [{"name": "default", "forward": "main"}],
         "cache": {"enabled": True, **(cache or {})}}
    c.update(extra)
    return c


def ttl_of(resp):
    return min(rrset.ttl for rrset in resp.answer + resp.authority)


def test_repeat_within_ttl_is_not_forwarded(fault_upstream, devoguard):
    up = fault_upstream(answer_ip=ANSWER_IP)
    dg = devoguard(cached(up))
    first = udp(make_query("www.example.com"), dg.port)
    second = udp(make_query("www.example.com"), dg.port)
    over_tcp = tcp(make_query("www.example.com"), dg.port)
    for r in (first, second, over_tcp):
        assert rcode(r) == "NOERROR" and r.answer[0][0].to_text() == ANSWER_IP
    assert 59 <= ttl_of(second) <= 60
    assert len(up.received("www.example.com")) == 1, up.received()

    lines = dg.wait_decisions(3, qname="www.example.com")
    assert [d["cache"] for d in lines] == ["miss", "hit", "hit"]
    assert lines[0]["upstream"] == up.server
    for d in lines[1:]:
        assert "upstream" in d and d["upstream"] is None, d
        assert d["action"] == "forward" and d["rule"] == "default" and d["ancount"] == 1

    # `devoguard log` shows the field in its detail column.
    shown = run_command(["log", dg.log_path])
    assert shown.returncode == 0, shown.stderr
    assert "cache=hit" in shown.stdout and "cache=miss" in shown.stdout, shown.stdout


def test_after_ttl_is_forwarded_again(fault_upstream, devoguard):
    up = fault_upstream(answer_ip=ANSWER_IP)
    dg = devoguard(cached(up, {"max_ttl": "1s"}))  # the upstream's 60 s clamped to 1 s
    start = time.monotonic()
    assert ttl_of(udp(make_query("short.example.com"), dg.port)) == 60  # relayed as it came
    assert ttl_of(udp(make_query("short.example.com"), dg.port)) <= 1   # from the entry
    assert len(up.received("short.example.com")) == 1

    sent = [2]

    def forwarded_again():
        udp(make_query("short.example.com"), dg.port)
        sent[0] += 1
        return len(up.received("short.example.com")) >= 2
    wait_for(forwarded_again, timeout=5, interval=0.1, message="the expired entry to be refreshed")
    assert time.monotonic() - start >= 1.0, "forwarded again before the TTL ran out"
    results = [d["cache"] for d in dg.wait_decisions(sent[0], qname="short.example.com")]
    assert results[0] == "miss" and results[-1] == "miss" and set(results[1:-1]) <= {"hit"}


def test_id_and_qname_case_of_each_client(fault_upstream, devoguard):
    up = fault_upstream(answer_ip=ANSWER_IP)
    dg = devoguard(cached(up))
    udp(make_query("Case.Example.COM", id=1111), dg.port)
    q = make_query("cASE.eXAMPLE.com", id=2222)
    r = udp(q, dg.port)
    assert r.id == 2222
    assert r.question[0].name.to_text() == "cASE.eXAMPLE.com."
    assert len(up.received("case.example.com")) == 1
    assert dg.wait_decisions(1, qname="case.example.com", cache="hit")[0]["id"] == 2222


def test_nxdomain_with_soa_answers_every_type(fault_upstream, devoguard):
    up = fault_upstream(mode="nxdomain")
    up.soa_ttl = 300
    dg = devoguard(cached(up))
    for rdtype in ("A", "AAAA", "MX", "TXT"):
        r = udp(make_query("gone.example.com", rdtype), dg.port)
        assert rcode(r) == "NXDOMAIN", rdtype
        assert r.question[0].rdtype == dns.rdatatype.from_text(rdtype)
        assert r.authority and r.authority[0].rdtype == dns.rdatatype.SOA
        assert 299 <= r.authority[0].ttl <= 300
    assert len(up.received("gone.example.com")) == 1, up.received()
    assert [d["cache"] for d in dg.wait_decisions(4)] == ["miss", "hit", "hit", "hit"]


def test_nxdomain_without_soa_is_not_cached(fault_upstream, devoguard):
    up = fault_upstream(mode="nxdomain")
    dg = devoguard(cached(up))
    for _ in range(2):
        assert rcode(udp(make_query("nosoa.example.com"), dg.port)) == "NXDOMAIN"
    assert len(up.received("nosoa.example.com")) == 2
    assert [d["cache"] for d in dg.wait_decisions(2)] == ["miss", "miss"]


def test_rd0_bypasses_the_cache(fault_upstream, devoguard):
    up = fault_upstream(answer_ip=ANSWER_IP)
    dg = devoguard(cached(up))
    for _ in range(2):
        q = make_query("nord.example.com")
        q.flags &= ~dns.flags.RD
        assert rcode(udp(q, dg.port)) == "NOERROR"
    assert len(up.received("nord.example.com")) == 2
    assert [d["cache"] for d in dg.wait_decisions(2)] == ["bypass", "bypass"]


def test_silent_upstream_gets_the_stale_answer_after_client_timeout(fault_upstream, devoguard):
    up = fault_upstream(answer_ip=ANSWER_IP)
    # The group's timeout is longer than client_timeout: the answer must come from the stale
    # entry at client_timeout (1800 ms, RFC 8767), while the upstream query goes on.
    dg = devoguard(cached(up, {"max_ttl": "1s", "serve_stale": {"enabled": True}},
                          timeout="5s", max_failures=100))
    assert rcode(udp(make_query("stale.example.com", edns=True), dg.port)) == "NOERROR"
    up.set_mode("silent")

    # Fresh hits come at once; the first query after the 1 s TTL goes upstream and waits.
    def stale_answer():
        start = time.monotonic()
        r = udp(make_query("stale.example.com", edns=True), dg.port, timeout=4)
        took = time.monotonic() - start
        return (r, took) if (STALE_ANSWER, "") in ede(r) else None
    r, took = wait_for(stale_answer, timeout=10, interval=0.1, message="a stale answer")
    assert 1.6 <= took <= 3.0, f"stale answer after {took:.2f}s, expected ~1.8s"
    assert rcode(r) == "NOERROR" and r.answer[0][0].to_text() == ANSWER_IP
    assert r.answer[0].ttl == 30
    line = dg.wait_decisions(1, qname="stale.example.com", cache="stale")[0]
    assert line["upstream"] is None and line["rcode"] == "NOERROR"
    assert len(up.received("stale.example.com")) >= 2  # the refresh did go out


def test_failed_upstream_then_recheck_serves_stale_without_asking(fault_upstream, devoguard):
    up = fault_upstream(answer_ip=ANSWER_IP)
    dg = devoguard(cached(up, {"max_ttl": "1s", "serve_stale": {"enabled": True,
                                                                "recheck": "30s"}},
                          timeout="1s", max_failures=100))
    udp(make_query("down.example.com"), dg.port)
    up.set_mode("silent")

    def stale():
        r = udp(make_query("down.example.com"), dg.port, timeout=4)
        return r if r.answer and r.answer[0].ttl == 30 else None
    r = wait_for(stale, timeout=10, interval=0.1, message="a stale answer after the timeout")
    assert not r.options, "no OPT (and no EDE) to a client that sent none"
    asked = len(up.received("down.example.com"))
    # Within recheck: answered stale at once, the upstream is not asked again.
    start = time.monotonic()
    again = udp(make_query("down.example.com", edns=True), dg.port)
    took = time.monotonic() - start
    assert (STALE_ANSWER, "") in ede(again) and took < 0.5, took  # the upstream timeout: 1 s
    assert len(up.received("down.example.com")) == asked


def test_stale_nxdomain_has_ede_19(fault_upstream, devoguard):
    up = fault_upstream(mode="nxdomain")
    up.soa_ttl = 1
    dg = devoguard(cached(up, {"serve_stale": {"enabled": True}}, timeout="200ms",
                          max_failures=100))
    assert rcode(udp(make_query("gone.example.com", edns=True), dg.port)) == "NXDOMAIN"
    up.set_mode("silent")

    def stale():
        r = udp(make_query("gone.example.com", "AAAA", edns=True), dg.port, timeout=4)
        return r if (STALE_NXDOMAIN, "") in ede(r) else None
    r = wait_for(stale, timeout=10, interval=0.1, message="a stale NXDOMAIN")
    assert rcode(r) == "NXDOMAIN" and r.authority[0].ttl == 30


def test_cached_nxdomain_counts_as_no_data_for_devolution(fault_upstream, devoguard):
    up = fault_upstream(mode="nxdomain")
    up.soa_ttl = 300
    cfg = cached(up, domain={"suffixes": ["example.co.jp"], "devolution_level": 2})
    cfg["rules"].insert(0, {"name": "devolved", "match": {"devolved": True}, "answer": "nxdomain"})
    dg = devoguard(cfg)
    q = make_query("wkstn.example.co.jp")
    assert rcode(dns.query.udp(q, "127.0.0.1", port=dg.port, timeout=3, source="127.0.0.1")) \
        == "NXDOMAIN"
    # Another client: its P.S is answered from the cache, then it devolves.
    for name in ("wkstn.example.co.jp", "wkstn.co.jp"):
        r = dns.query.udp(make_query(name), "127.0.0.1", port=dg.port, timeout=3,
                          source="127.0.0.2")
        assert rcode(r) == "NXDOMAIN"
    assert not up.received("wkstn.co.jp"), "the devolved name reached the upstream"
    line = dg.wait_decisions(1, qname="wkstn.co.jp")[0]
    assert line["rule"] == "devolved" and line["devolved_from"] == "wkstn.example.co.jp"
    assert "cache" not in line  # answered by a rule: the cache is not consulted
    assert dg.wait_decisions(1, qname="wkstn.example.co.jp", client="127.0.0.2")[0]["cache"] \
        == "hit"


def test_metrics(fault_upstream, devoguard):
    up = fault_upstream(answer_ip=ANSWER_IP)
    port = free_port()
    dg = devoguard(cached(up, {"max_entries": 2}, metrics={"listen": f"127.0.0.1:{port}"}))
    for name in ("a.example.com", "a.example.com", "b.example.com", "c.example.com"):
        udp(make_query(name), dg.port)
    q = make_query("a.example.com")
    q.flags &= ~dns.flags.RD
    udp(q, dg.port)
    status, body = http_get(f"http://127.0.0.1:{port}/metrics")
    assert status == 200
    m = parse(body)
    assert value(m, "devoguard_cache_lookups_total", result="hit") == 1
    assert value(m, "devoguard_cache_lookups_total", result="miss") == 3
    assert value(m, "devoguard_cache_lookups_total", result="bypass") == 1
    assert value(m, "devoguard_cache_lookups_total", result="stale") == 0
    assert value(m, "devoguard_cache_entries", kind="positive") == 2
    assert value(m, "devoguard_cache_entries", kind="negative") == 0
    assert value(m, "devoguard_cache_evictions_total", reason="lru") == 1


def test_off_by_default_every_query_is_forwarded(fault_upstream, devoguard):
    up = fault_upstream(answer_ip=ANSWER_IP)
    cfg = cached(up)
    del cfg["cache"]
    dg = devoguard(cfg)
    for _ in range(2):
        udp(make_query("plain.example.com"), dg.port)
    assert len(up.received("plain.example.com")) == 2
    assert all("cache" not in d for d in dg.wait_decisions(2))


def check(tmp_path, text):
    path = tmp_path / "devoguard.yaml"
    path.write_text(text)
    return str(path), run_command(["check", "-c", str(path)])


AWS_CONFIG = """\
listen: ["127.0.0.1:5399"]
upstreams:
  aws: {servers: ["169.254.169.253"]}
rules:
  - {name: default, forward: aws}
"""


def test_check_notes_an_amazon_upstream_without_cache(binary, tmp_path):
    _, r = check(tmp_path, AWS_CONFIG)
    assert r.returncode == 0, r.stderr
    assert "cache: off" in r.stdout
    assert "note: cache off with an Amazon resolver upstream (169.254.169.253:53 in group aws)" \
        in r.stdout, r.stdout
    assert not r.stderr.strip(), r.stderr


def test_check_prints_the_cache(binary, tmp_path):
    _, r = check(tmp_path, AWS_CONFIG + "cache:\n  enabled: true\n  serve_stale: {enabled: true}\n")
    assert r.returncode == 0, r.stderr
    assert ("cache: max_entries 100000, ttl 0s..1h, negative ttl 0s..15m, serve_stale max_stale "
            "1d, answer_ttl 30s, client_timeout 1800ms, recheck 30s") in r.stdout, r.stdout
    assert "note:" not in r.stdout


def test_check_reports_a_bad_cache_value_with_its_position(binary, tmp_path):
    path, r = check(tmp_path, AWS_CONFIG + "cache:\n  enabled: true\n  max_ttl: 1500ms\n")
    assert r.returncode == 2
    assert f"{path}:8:12: cache.max_ttl: a TTL is whole seconds, got \"1500ms\"" in r.stderr, \
        r.stderr


def test_central_tier_example_caches(fault_upstream, devoguard):
    """conf/examples/clients-secondary.yaml (DEPLOY.md: the cache on in the shipped central
    configuration), its groups pointed at fault upstreams."""
    import os
    import yaml
    from harness.devoguard import SOURCE_DIR
    with open(os.path.join(SOURCE_DIR, "conf", "examples", "clients-secondary.yaml")) as f:
        cfg = yaml.safe_load(f)
    assert cfg["cache"]["enabled"] is True and cfg["cache"]["serve_stale"]["enabled"] is True
    for key in ("listen", "threads", "clients", "decision_log", "metrics"):
        cfg.pop(key, None)
    ad, aws = fault_upstream(answer_ip="192.0.2.10"), fault_upstream(answer_ip=ANSWER_IP)
    cfg["upstreams"]["ad"].update(servers=[ad.server], timeout="300ms")
    cfg["upstreams"]["aws"].update(servers=[aws.server], timeout="300ms")
    dg = devoguard(cfg)
    for name, up in (("www.example.com", aws), ("dc1.example.co.jp", ad)):
        for _ in range(3):
            assert rcode(udp(make_query(name, edns=True), dg.port)) == "NOERROR"
        assert len(up.received(name)) == 1, (name, up.received())
    lines = dg.wait_decisions(6)
    assert [d["cache"] for d in lines] == ["miss", "hit", "hit"] * 2
    assert [d["rule"] for d in lines] == ["default"] * 3 + ["ad-zones"] * 3

"""dnstap output (DEPLOY.md, "dnstap"): Debian's fstrm_capture reads devoguard's Frame Streams
from a unix socket; dnstap-ldns prints the capture. A forwarded query leaves CLIENT_QUERY,
FORWARDER_QUERY, FORWARDER_RESPONSE and CLIENT_RESPONSE; a query a rule answered leaves
CLIENT_QUERY and a CLIENT_RESPONSE carrying the rule as dnstap Policy. Without a reader (absent,
or gone) devoguard keeps answering and counts the lost frames."""
import pytest

from harness import client as c
from harness import dnstap as tap
from harness.devoguard import forward_all
from harness.metrics import http_get, parse, value
from harness.ports import free_port
from harness.wait import wait_for

FORWARDED = "fwd.example.com"
DEVOLVED = "dglvrrerxokcxc.co.jp"


def config(upstream, socket, identity="e2e-devoguard"):
    cfg = forward_all(upstream.server)
    cfg["rules"][:0] = [{"name": "devolved-probe", "match": {"qname": [DEVOLVED]},
                         "answer": "nxdomain"}]
    port = free_port()
    cfg["metrics"] = {"listen": f"127.0.0.1:{port}"}
    cfg["dnstap"] = {"unix": socket, "identity": identity}
    return cfg, f"http://127.0.0.1:{port}/metrics"


def counter(url, name):
    status, body = http_get(url)
    assert status == 200, status
    return value(parse(body), name) or 0


@pytest.fixture
def captures(tmp_path):
    made = []

    def make(name="capture"):
        cap = tap.Capture(tmp_path, name)
        made.append(cap)
        return cap.start()
    yield make
    for cap in made:
        cap.stop()


def qname_of(doc):
    """The question name of a dnstap-ldns message (its query or response text)."""
    m = doc["message"]
    text = m.get("query_message") or m.get("response_message") or ""
    for line in text.splitlines():
        if line.startswith(";") and "\tIN\t" in line:
            return line[1:].split("\t")[0].rstrip(".")
    return None


@pytest.mark.parametrize("send", [c.udp, c.tcp], ids=["udp", "tcp"])
def test_capture_has_the_four_messages_and_the_policy(fault_upstream, devoguard, captures,
                                                       send):
    up = fault_upstream()
    cap = captures()
    cfg, metrics = config(up, cap.socket)
    dg = devoguard(cfg)

    assert c.rcode(send(c.make_query(FORWARDED, "A"), dg.port)) == "NOERROR"
    assert c.rcode(send(c.make_query(DEVOLVED, "A"), dg.port)) == "NXDOMAIN"
    assert not up.received(DEVOLVED)
    # CQ+FQ+FR+CR of the forwarded query, CQ+CR of the local answer.
    wait_for(lambda: counter(metrics, "devoguard_dnstap_written_total") >= 6, timeout=10,
             message="six dnstap frames written")
    assert counter(metrics, "devoguard_dnstap_dropped_total") == 0
    dg.stop()
    cap.stop()

    docs = tap.ldns_yaml(cap.output)
    seen = [(d["message"]["type"], qname_of(d)) for d in docs]
    assert seen == [
        ("CLIENT_QUERY", FORWARDED), ("FORWARDER_QUERY", FORWARDED),
        ("FORWARDER_RESPONSE", FORWARDED), ("CLIENT_RESPONSE", FORWARDED),
        ("CLIENT_QUERY", DEVOLVED), ("CLIENT_RESPONSE", DEVOLVED),
    ], seen
    proto = "TCP" if send is c.tcp else "UDP"
    for d in docs:
        assert d["identity"] == "e2e-devoguard"
        assert d["version"].startswith("devoguard ")
        m = d["message"]
        assert m["socket_family"] == "INET" and m["socket_protocol"] == proto
        if m["type"].startswith("CLIENT_"):
            assert m["query_address"] == "127.0.0.1"
        else:  # devoguard → upstream: the upstream is the responder
            assert m["response_address"] == "127.0.0.1"
            assert m["response_port"] == up.port

    # dnstap-ldns 0.2.1 predates the Policy message: read it from the frames themselves.
    frames = tap.messages(cap.output)
    assert [f["type"] for f in frames] == [5, 7, 8, 6, 5, 6]
    assert all(f["policy"] is None for f in frames[:5])
    assert frames[5]["policy"] == {"type": "devoguard", "rule": "devolved-probe",
                                   "action": "NXDOMAIN", "match": 1, "value": DEVOLVED}


def test_keeps_serving_without_a_reader_and_counts_the_loss(fault_upstream, devoguard,
                                                            captures, tmp_path):
    up = fault_upstream()
    socket = str(tmp_path / "late.sock")  # no reader yet
    cfg, metrics = config(up, socket)
    dg = devoguard(cfg)

    for i in range(5):
        assert c.rcode(c.udp(c.make_query(f"n{i}.{FORWARDED}", "A"), dg.port)) == "NOERROR"
    wait_for(lambda: counter(metrics, "devoguard_dnstap_dropped_total") >= 20, timeout=10,
             message="the 20 frames of 5 queries counted as dropped")
    assert counter(metrics, "devoguard_dnstap_written_total") == 0

    # The reader arrives: devoguard connects within its reconnect interval.
    cap = tap.Capture(tmp_path, "late")
    cap.start()
    try:
        def delivered():
            c.udp(c.make_query(f"late.{FORWARDED}", "A"), dg.port)
            return counter(metrics, "devoguard_dnstap_written_total") > 0
        wait_for(delivered, timeout=10, interval=0.2, message="frames written to the new reader")
    finally:
        cap.stop()  # the reader goes away

    dropped = counter(metrics, "devoguard_dnstap_dropped_total")
    for i in range(5):
        assert c.rcode(c.udp(c.make_query(f"gone{i}.{FORWARDED}", "A"), dg.port)) == "NOERROR"
    assert c.rcode(c.udp(c.make_query(DEVOLVED, "A"), dg.port)) == "NXDOMAIN"
    wait_for(lambda: counter(metrics, "devoguard_dnstap_dropped_total") > dropped, timeout=10,
             message="frames after the reader left counted as dropped")
    assert dg.alive()
    dg.stop()


def test_check_prints_and_rejects_dnstap(devoguard, tmp_path):
    from harness.devoguard import run_command
    good = tmp_path / "good.yaml"
    good.write_text("listen: 127.0.0.1:5399\ndnstap:\n  unix: /run/devoguard/dnstap.sock\n"
                    "upstreams:\n  main: {servers: [127.0.0.2]}\nrules:\n"
                    "  - {name: default, forward: main}\n")
    out = run_command(["check", "-c", str(good)])
    assert out.returncode == 0, out.stderr
    bad = tmp_path / "bad.yaml"
    bad.write_text("dnstap:\n  unix: /s\n  file: /f\n")
    out = run_command(["check", "-c", str(bad)])
    assert out.returncode == 2
    assert f"{bad}:3:9: dnstap.file: give either unix: or file:, not both" in out.stderr

"""A mixed query load from four Windows-like clients through devoguard and a real unbound, then
read back three ways: `devoguard log` (table filters, --json, --summary, --devolved) and
/metrics must all agree with what was sent, query for query."""
import json
import random
import re
import string

import dns.query

from harness.client import make_query, rcode
from harness.devoguard import group, run_command
from harness.metrics import http_get, parse, value
from harness.ports import free_port
from harness.wait import wait_for

SUFFIX = "example.co.jp"
CLIENTS = [f"127.0.0.{i}" for i in range(10, 14)]
PROBES, REAL, BLOCKED = 5, 3, 2  # per client


def ask(port, client, name):
    return rcode(dns.query.udp(make_query(name), "127.0.0.1", port=port, timeout=3.0,
                               source=client))


def send_load(port):
    """Per client: PROBES single labels resolved Windows-style (P.S forwarded and NXDOMAIN,
    then the devolved P.D answered locally), REAL names that resolve, BLOCKED refused names.
    Returns {(client, qname): action} of every query sent."""
    rng = random.Random(20261205)
    sent = {}
    for client in CLIENTS:
        for _ in range(PROBES):
            label = "".join(rng.choice(string.ascii_lowercase) for _ in range(12))
            assert ask(port, client, f"{label}.{SUFFIX}") == "NXDOMAIN"
            sent[(client, f"{label}.{SUFFIX}")] = "forward"
            assert ask(port, client, f"{label}.co.jp") == "NXDOMAIN"
            sent[(client, f"{label}.co.jp")] = "nxdomain"
        for i in range(REAL):
            name = ["host1", "dc1", "host1"][i] + f".{SUFFIX}"
            assert ask(port, client, name) == "NOERROR"
        sent[(client, f"host1.{SUFFIX}")] = "forward"
        sent[(client, f"dc1.{SUFFIX}")] = "forward"
        for i in range(BLOCKED):
            assert ask(port, client, f"b{i}.blocked.test") == "REFUSED"
            sent[(client, f"b{i}.blocked.test")] = "refused"
    return sent


def log(*args):
    r = run_command(["log", *args])
    assert r.returncode == 0, r.stderr
    return r.stdout


def test_log_and_metrics_agree_with_the_queries_sent(devoguard, unbound):
    metrics_port = free_port()
    d = devoguard({
        "domain": {"suffixes": [SUFFIX], "devolution_level": 2},
        "upstreams": {"aws": group(unbound.server)},
        "rules": [{"name": "devolved", "match": {"devolved": True}, "answer": "nxdomain"},
                  {"name": "blocked", "match": {"suffix": ["blocked.test"]}, "answer": "refused"},
                  {"name": "default", "forward": "aws"}],
        "metrics": {"listen": f"127.0.0.1:{metrics_port}"},
    })
    sent = send_load(d.port)
    per_client = 2 * PROBES + REAL + BLOCKED
    total = per_client * len(CLIENTS)
    forwarded = (PROBES + REAL) * len(CLIENTS)
    devolved = PROBES * len(CLIENTS)
    refused = BLOCKED * len(CLIENTS)
    d.wait_decisions(total, timeout=10)

    # --json: one line per query, each with the action that was decided for it.
    lines = [json.loads(x) for x in log("--json", d.log_path).splitlines()]
    assert len(lines) == total
    assert {(x["client"], x["qname"]): x["action"] for x in lines} == sent

    # --summary: the counts per action, rule and client.
    summary = log("--summary", d.log_path)
    counts = dict(re.findall(r"^(\w[\w.-]*)\s+(\d+)\s+[\d.]+%", summary, re.M))
    assert counts["forward"] == str(forwarded) and counts["default"] == str(forwarded)
    assert counts["nxdomain"] == str(devolved) and counts["devolved"] == str(devolved)
    assert counts["refused"] == str(refused) and counts["blocked"] == str(refused)
    for client in CLIENTS:
        assert counts[client] == str(per_client)
    assert f"{total} lines from" in summary

    # --devolved: exactly the P.D names, each naming the P.S it came from.
    pairs = [json.loads(x) for x in log("--devolved", "--json", d.log_path).splitlines()]
    assert len(pairs) == devolved
    for p in pairs:
        assert p["devolved_from"] == p["qname"].removesuffix(".co.jp") + f".{SUFFIX}"
        assert sent[(p["client"], p["devolved_from"])] == "forward"

    # Filters combine: one client's refused queries.
    table = log("--client", f"{CLIENTS[0]}/32", "--action", "refused", d.log_path).splitlines()
    assert len(table) == 1 + BLOCKED  # header + rows
    assert all(CLIENTS[0] in row and "refused" in row for row in table[1:])

    # /metrics: the same counts, and the answers by rcode as the clients saw them.
    status, body = http_get(f"http://127.0.0.1:{metrics_port}/metrics")
    assert status == 200
    s = parse(body)
    assert value(s, "devoguard_queries_total", action="forward") == forwarded
    assert value(s, "devoguard_queries_total", action="nxdomain", rule="devolved") == devolved
    assert value(s, "devoguard_queries_total", action="refused", rule="blocked") == refused
    assert value(s, "devoguard_answers_total", rcode="NXDOMAIN") == 2 * devolved
    assert value(s, "devoguard_answers_total", rcode="NOERROR") == REAL * len(CLIENTS)
    assert value(s, "devoguard_answers_total", rcode="REFUSED") == refused
    assert value(s, "devoguard_upstream_queries_total", server=unbound.server) == forwarded
    assert value(s, "devoguard_upstream_latency_seconds_count",
                 server=unbound.server) == forwarded
    assert value(s, "devoguard_devolution_tracked") >= devolved
    assert value(s, "devoguard_devolution_evictions_total") == 0
    assert value(s, "devoguard_decision_log_dropped_total") == 0

"""Process lifecycle: SIGHUP reloads (a bad file keeps the old config), SIGTERM/SIGINT drain
in-flight queries and exit 0."""
import re
import signal
import threading

import pytest

from harness import client as c
from harness.devoguard import forward_all
from harness.wait import wait_for

BLOCK_RULE = {"name": "block", "match": {"qname": ["blocked.example.com"]}, "answer": "nxdomain"}


def with_block_rule(dg):
    cfg = dict(dg.config)
    cfg["rules"] = [BLOCK_RULE] + dg.config["rules"]
    return cfg


def rcode_of(dg, name):
    return c.rcode(c.udp(c.make_query(name), dg.port))


def test_sighup_applies_changed_rule(fault_upstream, devoguard):
    dg = devoguard(forward_all(fault_upstream().server))
    assert rcode_of(dg, "blocked.example.com") == "NOERROR"
    dg.write_config(with_block_rule(dg))
    dg.sighup()
    wait_for(lambda: rcode_of(dg, "blocked.example.com") == "NXDOMAIN", timeout=5,
             message="the new rule to take effect")
    assert rcode_of(dg, "other.example.com") == "NOERROR"
    assert dg.alive()


def test_sighup_with_invalid_config_keeps_old_one(fault_upstream, devoguard):
    dg = devoguard(forward_all(fault_upstream().server))
    before = len(dg.stderr())
    dg.write_config(text="listen: [\"127.0.0.1:1\"]\nno_such_key: 1\n")
    dg.sighup()
    error = re.compile(re.escape(dg.config_path) + r":\d+:\d+:")
    wait_for(lambda: error.search(dg.stderr()[before:]), timeout=5,
             message="an error naming the config file in the log")
    assert dg.alive(), "an invalid config stopped the service"
    r = c.udp(c.make_query("still.example.com"), dg.port)
    assert c.addresses(r) == ["192.0.2.77"], "the old config no longer serves"
    # A later good reload still works.
    dg.write_config(with_block_rule(dg))
    dg.sighup()
    wait_for(lambda: rcode_of(dg, "blocked.example.com") == "NXDOMAIN", timeout=5,
             message="the next valid config to take effect")


@pytest.mark.parametrize("send", [c.udp, c.tcp], ids=["udp", "tcp"])
def test_sigterm_drains_in_flight_query(fault_upstream, devoguard, send):
    up = fault_upstream(mode="delay")
    up.delay_ms = 500
    dg = devoguard(forward_all(up.server, timeout="2s"))
    result = {}

    def ask():
        try:
            result["reply"] = send(c.make_query("inflight.example.com"), dg.port, timeout=5)
        except Exception as e:  # noqa: BLE001 — reported by the assertion below
            result["error"] = e
    t = threading.Thread(target=ask)
    t.start()
    up.wait_received("inflight.example.com")  # the query is now in flight upstream
    dg.proc.send_signal(signal.SIGTERM)
    t.join(timeout=6)
    assert "reply" in result, f"in-flight query lost at SIGTERM: {result.get('error')!r}"
    assert c.addresses(result["reply"]) == ["192.0.2.77"]
    assert dg.proc.wait(timeout=5) == 0


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGINT], ids=["TERM", "INT"])
def test_signal_exits_zero(fault_upstream, devoguard, sig):
    dg = devoguard(forward_all(fault_upstream().server))
    assert dg.stop(sig) == 0

"""The shipped examples in conf/examples/ do what their comments promise. Each test loads an
example, keeps its domain, rules and answers, and swaps what cannot run here: the listener and
decision log (test defaults), the metrics listener (dropped) and every upstream group (one
fault upstream each, short timeouts). That `check` accepts every example is in test_cli.py."""
import os

import yaml

from harness import client as c
from harness.devoguard import SOURCE_DIR
from harness.wait import wait_for

EXAMPLES = os.path.join(SOURCE_DIR, "conf", "examples")
BLOCKED, PROHIBITED, NO_REACHABLE_AUTHORITY = 15, 18, 22


def example(name, servers):
    """The example `name` with each of its groups pointed at `servers[group]` (all of them:
    nothing may go to a real resolver) and the machine-specific keys left to the harness."""
    with open(os.path.join(EXAMPLES, name)) as f:
        config = yaml.safe_load(f)
    for key in ("listen", "threads", "clients", "decision_log", "metrics"):
        config.pop(key, None)
    assert set(servers) == set(config["upstreams"]), (
        f"{name} has groups {sorted(config['upstreams'])}; the test replaces {sorted(servers)}")
    for group, server in servers.items():
        config["upstreams"][group].update(servers=[server], timeout="300ms",
                                          probe_interval="200ms")
    return config


def ask(dg, name, rdtype="A"):
    return c.udp(c.make_query(name, rdtype, edns=True), dg.port)


def soa_owner(resp):
    return [rrset.name.to_text().lower() for rrset in resp.authority]


def line_for(dg, qname):
    return dg.wait_decisions(1, qname=qname)[-1]


# ---- secondary-dns.yaml --------------------------------------------------------------------

def test_secondary_dns_ad_names_get_servfail_not_aws_when_dcs_are_down(fault_upstream,
                                                                         devoguard):
    dcs, aws = fault_upstream(mode="silent"), fault_upstream()
    dg = devoguard(example("secondary-dns.yaml", {"ad": dcs.server, "aws": aws.server}))
    ad_names = [("_ldap._tcp.dc._msdcs.example.co.jp", "SRV"), ("dc01.example.co.jp", "A"),
                ("10.0.0.10.in-addr.arpa", "PTR")]
    for name, rdtype in ad_names:
        r = ask(dg, name, rdtype)
        assert c.rcode(r) == "SERVFAIL", (name, r)
        assert [code for code, _ in c.ede(r)] == [NO_REACHABLE_AUTHORITY], (name, r)
        assert line_for(dg, name)["rule"] == "ad-zones"
    assert dcs.received("dc01.example.co.jp"), "the DCs were never tried"
    leaked = [q.qname for q in aws.received() if q.qname in {n for n, _ in ad_names}]
    assert not leaked, f"AD names reached the AWS group: {leaked}"
    assert c.addresses(ask(dg, "www.example.com")) == ["192.0.2.77"]


def test_secondary_dns_devolved_name_answered_locally(fault_upstream, devoguard):
    dcs, aws = fault_upstream(mode="nxdomain"), fault_upstream()
    dg = devoguard(example("secondary-dns.yaml", {"ad": dcs.server, "aws": aws.server}))
    assert c.rcode(ask(dg, "dglvrrerxokcxc.example.co.jp")) == "NXDOMAIN"
    r = ask(dg, "dglvrrerxokcxc.co.jp")
    assert c.rcode(r) == "NXDOMAIN"
    assert c.ede(r) == [(BLOCKED, "devoguard rule devolved")]
    assert soa_owner(r) == ["co.jp."]
    line = line_for(dg, "dglvrrerxokcxc.co.jp")
    assert line["rule"] == "devolved" and line["devolved_from"] == "dglvrrerxokcxc.example.co.jp"
    assert not aws.received("dglvrrerxokcxc.co.jp"), "the devolved name reached the AWS group"
    # The same name asked without the failed AD name before it is asked on purpose.
    assert c.addresses(ask(dg, "realshop.co.jp")) == ["192.0.2.77"]


# ---- dc-forwarder.yaml ---------------------------------------------------------------------

def test_dc_forwarder_serves_only_the_dcs(fault_upstream, devoguard):
    aws = fault_upstream()
    config = example("dc-forwarder.yaml", {"aws": aws.server})
    with open(os.path.join(EXAMPLES, "dc-forwarder.yaml")) as f:
        config["clients"] = yaml.safe_load(f)["clients"]  # the DCs' addresses, not 127.0.0.1
    dg = devoguard(config)
    r = ask(dg, "www.example.com")
    assert c.rcode(r) == "REFUSED"
    assert [code for code, _ in c.ede(r)] == [PROHIBITED]
    assert not aws.received("www.example.com")


def test_dc_forwarder_dry_run_rules_log_then_act_once_promoted(fault_upstream, devoguard):
    aws = fault_upstream()
    dg = devoguard(example("dc-forwarder.yaml", {"aws": aws.server}))

    # Dry run: everything the DC forwards is forwarded; the log says what would have acted.
    expected = {
        # qname: (deciding rule, dry-run rules)
        "dglvrrerxokcxc.co.jp": ("default", ["random-label-co-jp", "single-label-co-jp"]),
        "ab.co.jp": ("default", ["single-label-co-jp"]),
        "realshop.co.jp": ("known-co-jp", None),
        "www.realshop.co.jp": ("default", None),
        "a.b.co.jp": ("default", None),
    }
    for name, (rule, dry_run) in expected.items():
        assert c.addresses(ask(dg, name)) == ["192.0.2.77"], name
        line = line_for(dg, name)
        assert (line["rule"], line.get("dry_run")) == (rule, dry_run), line
    # The AD domain never goes out, not even its own name (7 letters under co.jp).
    for name in ("example.co.jp", "x.example.co.jp"):
        r = ask(dg, name)
        assert c.rcode(r) == "REFUSED" and c.ede(r) == [(BLOCKED, "devoguard rule ad-zones")]
        assert not aws.received(name), name
        assert line_for(dg, name).get("dry_run") is None, name

    # Promoted as the comments say: delete `dry_run: true`, SIGHUP.
    promoted = dict(dg.config)
    promoted["rules"] = [dict(r) for r in dg.config["rules"]]
    for rule in promoted["rules"]:
        if rule["name"] == "single-label-co-jp":
            del rule["dry_run"]
    dg.write_config(promoted)
    dg.sighup()
    wait_for(lambda: c.rcode(ask(dg, "qwertyuiop.co.jp")) == "NXDOMAIN", timeout=5,
             message="the promoted rule to take effect")
    before = len(aws.received("dglvrrerxokcxc.co.jp"))
    r = ask(dg, "dglvrrerxokcxc.co.jp")
    assert c.rcode(r) == "NXDOMAIN"
    assert c.ede(r) == [(BLOCKED, "devoguard rule single-label-co-jp")]
    assert soa_owner(r) == ["co.jp."]
    assert len(aws.received("dglvrrerxokcxc.co.jp")) == before, "a blocked name was forwarded"
    lines = dg.wait_decisions(2, qname="dglvrrerxokcxc.co.jp")
    assert (lines[-1]["rule"], lines[-1]["dry_run"]) == ("single-label-co-jp",
                                                         ["random-label-co-jp"])
    # The allow-list and deeper names still resolve.
    for name in ("realshop.co.jp", "www.realshop.co.jp"):
        assert c.addresses(ask(dg, name)) == ["192.0.2.77"], name


# ---- multi-suffix.yaml ---------------------------------------------------------------------

def test_multi_suffix_search_list_names_go_to_dcs_and_only_co_jp_is_devolved(fault_upstream,
                                                                            devoguard):
    dcs, aws = fault_upstream(mode="nxdomain"), fault_upstream()
    dg = devoguard(example("multi-suffix.yaml", {"ad": dcs.server, "aws": aws.server}))
    # A Windows client in corp.example.co.jp resolving the single label `fs1`, level 2.
    for name in ("fs1.corp.example.co.jp", "fs1.example.co.jp"):
        assert c.rcode(ask(dg, name)) == "NXDOMAIN", name
        dcs.wait_received(name)
        line = line_for(dg, name)
        assert line["rule"] == "ad-zones" and "devolved_from" not in line, line
    r = ask(dg, "fs1.co.jp")
    assert c.rcode(r) == "NXDOMAIN" and c.ede(r) == [(BLOCKED, "devoguard rule devolved")]
    line = line_for(dg, "fs1.co.jp")
    assert line["devolved_from"] in ("fs1.corp.example.co.jp", "fs1.example.co.jp"), line
    assert not aws.received("fs1.co.jp")
    assert not [q.qname for q in aws.received() if q.qname.endswith("example.co.jp")]

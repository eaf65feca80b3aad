"""AWS resolver awareness (DEPLOY.md §1 "Rate gauge, warning, spreading"): packets counted per
(server, source), the pps ratio of an interface against `aws.packet_limit` and its WARN line,
`source_addresses` spreading queries over bound sources, and `check`'s warning for sources that
share an interface. Loopback only: the fault upstream plays the Amazon resolver through
`aws.resolvers`, and 127.0.0.2/127.0.0.3 are both on lo."""
import re

from harness.devoguard import forward_all, run_command
from harness.load import udp_load
from harness.metrics import http_get, scrape, value, with_metrics
from harness.wait import wait_for

WARN = re.compile(r"interface lo \((?P<sources>[^)]*)\) sends (?P<pps>\d+) packets/s to the "
                  r"Amazon resolver \((?P<pct>\d+)% of 100 per ENI\): enable cache or add "
                  r"instances")


def test_over_packet_limit_warns_and_ratio_above_one(fault_upstream, devoguard):
    up = fault_upstream()
    cfg, base = with_metrics(forward_all(up.server, timeout="2s"))
    cfg["aws"] = {"resolvers": ["127.0.0.1"], "packet_limit": 100}
    dg = devoguard(cfg)
    names = [f"burst{i}.example.com" for i in range(2000)]
    result = udp_load(dg.port, names, rate=2000, settle=5.0)
    assert result.answered >= 1900, result.summary()

    # Every query was one packet to the upstream, from the kernel-chosen 127.0.0.1 on lo.
    s = wait_for(lambda: (lambda s: s if value(s, "devoguard_upstream_packets_total",
                                                 server=up.server) >= 2000 else None)(scrape(base)),
                 timeout=5, message="2000 packets counted")
    assert value(s, "devoguard_upstream_packets_total", server=up.server,
                 source="127.0.0.1") >= 2000
    # The gauge holds the busiest second of the last ten: well over the limit of 100.
    s = wait_for(lambda: (lambda s: s if (value(s, "devoguard_aws_pps_ratio", interface="lo")
                                          or 0) > 1 else None)(scrape(base)),
                 timeout=3, message="devoguard_aws_pps_ratio{interface=lo} > 1")
    assert value(s, "devoguard_upstream_pps", server=up.server, source="127.0.0.1") > 100

    # Five consecutive seconds at or above warn_ratio (the gauge keeps the burst for ten).
    m = wait_for(lambda: WARN.search(dg.stderr()), timeout=12,
                 message="the pps warning on stderr")
    assert m.group("sources") == "127.0.0.1"
    assert int(m.group("pct")) > 100 and int(m.group("pps")) > 100
    # Once a minute at most, and /healthz is not affected.
    assert len(WARN.findall(dg.stderr())) == 1
    assert http_get(base + "/healthz")[0] == 200


def test_without_aws_resolver_no_ratio_and_no_warning(fault_upstream, devoguard):
    up = fault_upstream()
    cfg, base = with_metrics(forward_all(up.server, timeout="2s"))
    cfg["aws"] = {"packet_limit": 100}  # the upstream is not an Amazon resolver
    dg = devoguard(cfg)
    result = udp_load(dg.port, [f"n{i}.example.com" for i in range(300)], rate=1000, settle=5.0)
    assert result.answered == 300, result.summary()
    s = wait_for(lambda: (lambda s: s if (value(s, "devoguard_upstream_pps", server=up.server)
                                          or 0) > 100 else None)(scrape(base)),
                 timeout=3, message="upstream pps counted")
    assert value(s, "devoguard_aws_pps_ratio") is None
    assert "Amazon resolver" not in dg.stderr()


def test_source_addresses_are_all_used(fault_upstream, devoguard):
    up = fault_upstream()
    cfg, base = with_metrics(forward_all(up.server, timeout="2s"))
    cfg["upstreams"]["main"]["source_addresses"] = ["127.0.0.2", "127.0.0.3"]
    dg = devoguard(cfg)
    result = udp_load(dg.port, [f"s{i}.example.com" for i in range(400)], rate=400, settle=5.0)
    assert result.answered == 400, result.summary()
    sources = {}
    for r in up.received(transport="udp"):
        sources[r.source[0]] = sources.get(r.source[0], 0) + 1
    assert set(sources) == {"127.0.0.2", "127.0.0.3"}, sources
    # Spread by the lowest recent rate: neither source carries almost everything.
    assert min(sources.values()) >= 400 // 10, sources
    s = scrape(base)
    for source in ("127.0.0.2", "127.0.0.3"):
        assert value(s, "devoguard_upstream_packets_total", server=up.server,
                     source=source) == sources[source]


def write_config(tmp_path, text):
    path = tmp_path / "devoguard.yaml"
    path.write_text(text)
    return str(path)


def test_check_warns_sources_sharing_an_interface(tmp_path):
    path = write_config(tmp_path, """\
listen: ["127.0.0.1:5399"]
upstreams:
  aws:
    servers: ["127.0.0.1:5300"]
    source_addresses: [127.0.0.2, 127.0.0.3]
rules:
  - name: default
    forward: aws
""")
    r = run_command(["check", "-c", path])
    assert r.returncode == 0, r.stderr
    assert (f"warning: {path}:5:23: upstreams.aws.source_addresses: 127.0.0.2 and 127.0.0.3 "
            f"share lo: one 1024 pps budget") in r.stderr.splitlines()


def test_check_one_source_no_warning_and_config_errors(tmp_path):
    good = write_config(tmp_path, """\
listen: ["127.0.0.1:5399"]
aws: {packet_limit: 500, warn_ratio: 0.5, resolvers: [127.0.0.1]}
upstreams:
  aws:
    servers: ["127.0.0.1:5300"]
    source_addresses: [127.0.0.2]
rules:
  - name: default
    forward: aws
""")
    r = run_command(["check", "-c", good])
    assert r.returncode == 0, r.stderr
    assert "source_addresses" not in r.stderr

    bad = write_config(tmp_path, """\
listen: ["127.0.0.1:5399"]
aws: {warn_ratio: 1.5}
""")
    r = run_command(["check", "-c", bad])
    assert r.returncode == 2
    assert r.stderr.strip() == (f"{bad}:2:19: aws.warn_ratio: expected a number above 0 and at "
                                f"most 1, e.g. 0.8, got \"1.5\"")

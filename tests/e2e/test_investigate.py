"""The investigation tools end to end (INVESTIGATE.md): `devoguard analyze` and `explain` on the
shared real-shaped samples and on fixtures, the random-label rule serving as a DC forwarder, and
a decision log written by a real run read back by `analyze` and `explain`."""
import gzip
import json
import os
import shutil

from harness.client import make_query, rcode, udp
from harness.devoguard import SOURCE_DIR, group, run_command
from harness.metrics import http_get, parse, value
from harness.ports import free_port
from harness.wait import wait_for

# Copies of ../shared/samples, kept in the repo so that a clone alone passes its tests.
SAMPLES = os.path.join(SOURCE_DIR, "tests", "fixtures", "samples")
FIX = os.path.join(SOURCE_DIR, "tests", "fixtures", "investigate")
DEBUG_LOG = os.path.join(SAMPLES, "windows-dns-debug.log")
ASFF = os.path.join(SAMPLES, "finding-asff.json")
OCSF = os.path.join(SAMPLES, "finding-ocsf.json")


def fix(name):
    return os.path.join(FIX, name)


def analyze(*args, input=None):
    r = run_command(["analyze", "--json", *args], input=input)
    doc = json.loads(r.stdout) if r.stdout.strip() else None
    return r, doc


def explain(*args):
    r = run_command(["explain", "--json", *args])
    doc = json.loads(r.stdout) if r.stdout.strip() else None
    return r, doc


# ---- analyze: Windows DNS server debug logs -------------------------------------------------

def check_sample_report(doc, source):
    assert doc["timezone_assumed"] == "UTC"
    assert doc["suffixes"][0]["name"] == "example.co.jp"
    assert doc["suffixes"][0]["source"] == "detected"
    assert doc["suffixes"][0]["evidence"] == 1
    assert doc["suffixes"][0]["parents"] == ["co.jp"]
    assert doc["suffixes"][0]["public_suffix_parents"] == ["co.jp"]
    assert doc["aws_resolvers"] == [{"address": "10.143.0.2", "source": "heuristic"}]
    [pair] = doc["devolution_pairs"]
    assert pair["client"] == "10.143.100.80" and pair["qtype"] == "A"
    assert pair["from"] == "dglvrrerxokcxc.example.co.jp" and pair["to"] == "dglvrrerxokcxc.co.jp"
    assert pair["from_ts"] == pair["to_ts"] == "2025-10-01T09:30:50Z" and pair["gap_ms"] == 0
    assert pair["from_rcode"] == pair["to_rcode"] == "NXDOMAIN"
    assert pair["from_reached_aws"] is True and pair["to_reached_aws"] is True
    assert pair["label_score"] >= 0.99
    assert pair["source"] == source
    kinds = {r["qname"]: r["kind"] for r in doc["reached_aws"]}
    assert kinds == {"dglvrrerxokcxc.co.jp": "devolved", "dglvrrerxokcxc.example.co.jp": "probe"}
    ids = [r["id"] for r in doc["recommendations"]]
    assert {"R1", "R2", "R3"} <= set(ids) and "R4" not in ids
    r3 = next(r for r in doc["recommendations"] if r["id"] == "R3")
    assert "random_label" in r3["text"] and "dry_run: true" in r3["text"]


def test_shared_sample_declares_15_bytes_for_a_14_byte_label():
    # The excerpt is hand-edited: "(15)dglvrrerxokcxc" has 14 letters. Read strictly, every
    # line is malformed and said so; --lenient-names reads it by its parentheses.
    r, doc = analyze(DEBUG_LOG)
    assert r.returncode == 0
    assert doc["inputs"][0]["malformed"] == 8 and doc["devolution_pairs"] == []
    assert f"{DEBUG_LOG}:1: name: label \"dglvrrerxokcxc\" has 14 bytes, (15) declared" in r.stderr


def test_shared_sample_gives_the_pair_with_lenient_names():
    r, doc = analyze("--lenient-names", DEBUG_LOG)
    assert r.returncode == 0, r.stderr
    check_sample_report(doc, f"{DEBUG_LOG}:5")
    assert "8 labels did not have the length their (len) declared" in r.stderr


def test_consistent_sample_gives_one_pair_and_fail_on_reached_aws():
    r, doc = analyze(fix("windows-debug-fixed.log"))
    assert r.returncode == 0, r.stderr
    check_sample_report(doc, fix("windows-debug-fixed.log") + ":5")
    assert doc["inputs"][0] | {} == {**doc["inputs"][0], "lines": 8, "events": 2, "malformed": 0}
    r = run_command(["analyze", "--fail-on", "reached-aws", fix("windows-debug-fixed.log")])
    assert r.returncode == 3
    r = run_command(["analyze", "--fail-on", "devolution", fix("windows-debug-fixed.log")])
    assert r.returncode == 3


def test_tables_have_every_section_in_order():
    r = run_command(["analyze", fix("windows-debug-fixed.log")])
    assert r.returncode == 0
    heads = [line for line in r.stdout.splitlines() if line and line[0].isupper()]
    assert heads == ["INPUTS", "SUFFIXES", "AWS RESOLVERS", "DEVOLUTION PAIRS", "PROBES",
                     "REACHED AWS", "RECOMMENDATIONS"]


def test_corrupted_line_is_reported_and_skipped():
    r, doc = analyze(fix("windows-debug-corrupted.log"))
    assert r.returncode == 0
    assert r.stderr.splitlines()[0].startswith(fix("windows-debug-corrupted.log") + ":1: ")
    assert doc["inputs"][0]["malformed"] == 1
    assert doc["devolution_pairs"] == []


def test_en_us_dates_crlf_and_ambiguous_dates():
    r, doc = analyze("--date-order", "mdy", fix("windows-debug-en-us-crlf.log"))
    assert r.returncode == 0, r.stderr
    assert len(doc["devolution_pairs"]) == 1
    assert doc["devolution_pairs"][0]["to_ts"] == "2025-10-01T09:30:50Z"
    r, _ = analyze(fix("windows-debug-ambiguous.log"))
    assert r.returncode == 2 and "--date-order" in r.stderr
    r, doc = analyze("--date-order", "dmy", fix("windows-debug-ambiguous.log"))
    assert r.returncode == 0 and doc["inputs"][0]["first_ts"] == "2025-04-03T09:30:50Z"


def test_day_first_dates_are_detected_by_a_first_field_above_12():
    # "13/04/2025" can only be day-first: --date-order auto reads it as dmy, no flag needed.
    r, doc = analyze(fix("windows-debug-dmy.log"))
    assert r.returncode == 0, r.stderr
    assert doc["inputs"][0]["first_ts"] == "2025-04-13T18:30:50Z"
    assert len(doc["devolution_pairs"]) == 1


def test_tz_converts_the_server_clock_to_utc():
    r, doc = analyze("--tz", "Asia/Tokyo", fix("windows-debug-fixed.log"))
    assert r.returncode == 0
    assert doc["timezone_assumed"] == "Asia/Tokyo"
    assert doc["devolution_pairs"][0]["to_ts"] == "2025-10-01T00:30:50Z"
    r, doc = analyze("--tz", "+09:00", fix("windows-debug-fixed.log"))
    assert doc["devolution_pairs"][0]["to_ts"] == "2025-10-01T00:30:50Z"
    r, _ = analyze("--tz", "Nowhere/Else", fix("windows-debug-fixed.log"))
    assert r.returncode == 2


def test_gzip_and_stdin(tmp_path):
    gz = tmp_path / "dns.log.gz"
    with open(fix("windows-debug-fixed.log"), "rb") as src, gzip.open(gz, "wb") as dst:
        shutil.copyfileobj(src, dst)
    r, doc = analyze(str(gz))
    assert r.returncode == 0 and len(doc["devolution_pairs"]) == 1
    with open(fix("windows-debug-fixed.log")) as f:
        r, doc = analyze("-", input=f.read())
    assert r.returncode == 0 and len(doc["devolution_pairs"]) == 1
    assert doc["devolution_pairs"][0]["source"] == "(stdin):5"


def test_given_suffix_and_unrecognised_input(tmp_path):
    r, doc = analyze("--suffix", "example.co.jp", fix("windows-debug-fixed.log"))
    assert doc["suffixes"][0]["source"] == "given" and len(doc["devolution_pairs"]) == 1
    junk = tmp_path / "junk.txt"
    junk.write_text("hello\n")
    r, _ = analyze(str(junk))
    assert r.returncode == 2 and "unrecognised input" in r.stderr
    r, _ = analyze(str(tmp_path / "missing.log"))
    assert r.returncode == 1


# ---- analyze: Route 53 query logs and decision logs -----------------------------------------

def test_route53_pair_window_and_filter_log_events():
    r, doc = analyze(fix("route53-pair.jsonl"))
    assert r.returncode == 0, r.stderr
    [pair] = doc["devolution_pairs"]
    assert pair["from"] == "x.example.co.jp" and pair["to"] == "x.co.jp" and pair["gap_ms"] == 1000
    assert any("1024" in n for n in doc["notes"])  # the throttling caveat
    r, doc = analyze(fix("route53-60s.jsonl"))
    assert doc["devolution_pairs"] == []
    r, doc = analyze("--window", "2m", fix("route53-60s.jsonl"))
    assert len(doc["devolution_pairs"]) == 1
    r, doc = analyze(fix("route53-filter-log-events.json"))
    assert r.returncode == 0 and len(doc["devolution_pairs"]) == 1


def test_decision_log_answered_locally_did_not_reach_aws():
    r, doc = analyze(fix("decisions-devolved.jsonl"))
    assert r.returncode == 0
    [pair] = doc["devolution_pairs"]
    assert pair["to_reached_aws"] is False and pair["from_reached_aws"] is False
    r, doc = analyze(fix("decisions-forwarded.jsonl"))
    assert doc["devolution_pairs"][0]["to_reached_aws"] is True


def test_filters():
    r, doc = analyze("--client", "10.0.0.0/8", fix("route53-pair.jsonl"))
    assert doc["devolution_pairs"] == [] and doc["inputs"][0]["events"] == 0
    r, doc = analyze("--since", "2025-10-01T09:30:51Z", fix("route53-pair.jsonl"))
    assert doc["inputs"][0]["events"] == 1
    r, _ = analyze("--client", "10.0.0.0/33", fix("route53-pair.jsonl"))
    assert r.returncode == 2


# ---- explain ----------------------------------------------------------------------------------

def check_sample_finding(f):
    assert f["verdict"] == "benign-devolution" and f["confidence"] == "medium"
    assert f["domain"] == "dglvrrerxokcxc.co.jp"
    assert f["instance_id"] == "i-1234567890abcdef0"
    assert f["addresses"] == ["172.31.20.100"]
    assert f["first_seen"] == "2025-10-01T09:30:00Z" and f["last_seen"] == "2025-10-01T10:00:00Z"
    assert f["count"] == 5 and f["type"] == "Trojan:EC2/DGADomainRequest.B"


def test_explain_samples_shape_only(tmp_path):
    for path in (ASFF, OCSF):
        r, doc = explain("--suffix", "example.co.jp", path)
        assert r.returncode == 0, r.stderr
        [f] = doc
        check_sample_finding(f)
    r, doc = explain("--suffix", "example.co.jp", ASFF, OCSF)
    assert r.returncode == 0 and len(doc) == 2
    r, doc = explain("--suffix", "example.co.jp", fix("findings.ndjson"))
    assert r.returncode == 0 and [f["format"] for f in doc] == ["asff", "ocsf"]
    r = run_command(["explain", ASFF])
    assert r.returncode == 2  # no suffix
    bad = tmp_path / "x.json"
    bad.write_text('{"hello": 1}\n')
    r = run_command(["explain", "--suffix", "example.co.jp", str(bad)])
    assert r.returncode == 2 and f"{bad}:1: not a GuardDuty finding" in r.stderr
    r = run_command(["explain", "--suffix", "example.co.jp", str(tmp_path / "missing.json")])
    assert r.returncode == 1 and "missing.json" in r.stderr  # unreadable file: runtime failure


def test_explain_with_log_evidence_is_high():
    r, doc = explain("--suffix", "example.co.jp", "--log", fix("decisions-forwarded.jsonl"), ASFF)
    assert r.returncode == 0
    [f] = doc
    assert f["confidence"] == "high"
    assert [(e["qname"], e["role"]) for e in f["evidence"]] == [
        ("dglvrrerxokcxc.example.co.jp", "asked-under-suffix"), ("dglvrrerxokcxc.co.jp", "devolved")]


def test_explain_tcp_and_resolved_need_a_human():
    r, doc = explain("--suffix", "example.co.jp", fix("finding-asff-tcp.json"))
    assert r.returncode == 3 and doc[0]["verdict"] == "investigate"
    assert doc[0]["reasons"] == ["not-udp"]
    r, doc = explain("--suffix", "example.co.jp", "--log", fix("decisions-resolved.jsonl"), ASFF)
    assert r.returncode == 3 and doc[0]["reasons"] == ["resolved"]


def test_explain_self_reports_origin_clients():
    r, doc = explain("--suffix", "example.co.jp", "--self", "172.31.20.100", "--log",
                     fix("decisions-origin.jsonl"), ASFF)
    assert r.returncode == 0
    assert doc[0]["on_devoguard"] is True and doc[0]["origin_clients"] == ["10.0.5.7"]


def test_explain_and_analyze_take_suffix_and_log_from_the_config(tmp_path):
    log = tmp_path / "decisions.jsonl"
    shutil.copy(fix("decisions-forwarded.jsonl"), log)
    cfg = tmp_path / "devoguard.yaml"
    cfg.write_text("domain: {suffixes: [example.co.jp], correlation_window: 5s}\n"
                   "upstreams: {aws: {servers: [169.254.169.253]}}\n"
                   "rules: [{name: default, forward: aws}]\n"
                   f"decision_log: {{path: {log}}}\n")
    r, doc = explain("-c", str(cfg), ASFF)
    assert r.returncode == 0, r.stderr
    assert doc[0]["confidence"] == "high"
    r, doc = analyze("-c", str(cfg), str(log))
    assert r.returncode == 0, r.stderr
    assert doc["suffixes"][0]["source"] == "config" and len(doc["devolution_pairs"]) == 1


def test_explain_guardduty_renderings_agree():
    docs = []
    for name in ("finding-guardduty-cli.json", "finding-guardduty-api.json",
                 "finding-eventbridge.json"):
        r, doc = explain("--suffix", "example.co.jp", fix(name))
        assert r.returncode == 0, r.stderr
        docs.append(doc)
    formats = [d[0].pop("format") for d in docs]
    assert formats == ["guardduty-cli", "guardduty-api", "eventbridge"]
    assert docs[0] == docs[1] == docs[2]


# ---- the random-label rule serving, and a real decision log read back -------------------------

def dc_forwarder_config(unbound, dry_run):
    probe = {"name": "random-under-parent",
             "match": {"devolution_parent": True, "random_label": {"min_score": 0.90}},
             "answer": "nxdomain"}
    if dry_run:
        probe["dry_run"] = True
    return {"domain": {"suffixes": ["example.co.jp"]},
            "upstreams": {"aws": group(unbound.server)},
            "rules": [probe, {"name": "default", "forward": "aws"}]}


def test_random_label_rule_as_dc_forwarder(devoguard, unbound):
    d = devoguard(dc_forwarder_config(unbound, dry_run=False))
    assert rcode(udp(make_query("dglvrrerxokcxc.co.jp"), d.port)) == "NXDOMAIN"
    udp(make_query("mercari.co.jp"), d.port)
    udp(make_query("www.xyz.co.jp"), d.port)
    seen = unbound.seen_names()
    assert "dglvrrerxokcxc.co.jp" not in seen
    assert "mercari.co.jp" in seen and "www.xyz.co.jp" in seen
    line = d.wait_decisions(1, qname="dglvrrerxokcxc.co.jp")[0]
    assert line["rule"] == "random-under-parent" and line["label_score"] >= 0.99
    assert line["ancount"] == 0
    word = d.wait_decisions(1, qname="mercari.co.jp")[0]
    assert word["action"] == "forward" and word["label_score"] < 0.90
    assert "label_score" not in d.wait_decisions(1, qname="www.xyz.co.jp")[0]


def test_random_label_dry_run_logs_the_score(devoguard, unbound):
    d = devoguard(dc_forwarder_config(unbound, dry_run=True))
    udp(make_query("dglvrrerxokcxc.co.jp"), d.port)
    line = d.wait_decisions(1, qname="dglvrrerxokcxc.co.jp")[0]
    assert line["action"] == "forward" and line["dry_run"] == ["random-under-parent"]
    assert line["label_score"] >= 0.99
    check = run_command(["check", "-c", d.config_path])
    assert "random_label(min_score=0.90, len 7-15)" in check.stdout


def test_real_decision_log_through_analyze_and_explain(devoguard, unbound):
    cfg = {"domain": {"suffixes": ["example.co.jp"], "devolution_level": 2},
           "upstreams": {"aws": group(unbound.server)},
           "rules": [{"name": "devolved", "match": {"devolved": True}, "answer": "nxdomain"},
                     {"name": "default", "forward": "aws"}]}
    d = devoguard(cfg)
    assert rcode(udp(make_query("dglvrrerxokcxc.example.co.jp"), d.port)) == "NXDOMAIN"
    assert rcode(udp(make_query("dglvrrerxokcxc.co.jp"), d.port)) == "NXDOMAIN"
    d.wait_decisions(1, qname="dglvrrerxokcxc.co.jp")
    r, doc = analyze("--suffix", "example.co.jp", d.log_path)
    assert r.returncode == 0, r.stderr
    pairs = [p for p in doc["devolution_pairs"] if p["to"] == "dglvrrerxokcxc.co.jp"]
    assert len(pairs) == 1 and pairs[0]["to_reached_aws"] is False
    assert all(line.get("ancount") is not None for line in d.decisions())


def test_label_score_histogram_per_rule(devoguard, unbound):
    """INVESTIGATE.md §3: devoguard_label_score{rule} counts every score a rule computed,
    matched (the probe) or not (the word), by bucket."""
    port = free_port()
    cfg = dc_forwarder_config(unbound, dry_run=True)
    cfg["metrics"] = {"listen": f"127.0.0.1:{port}"}
    d = devoguard(cfg)
    udp(make_query("dglvrrerxokcxc.co.jp"), d.port)
    udp(make_query("mercari.co.jp"), d.port)
    udp(make_query("www.example.com"), d.port)  # not under a parent: never scored

    def scraped():
        status, body = http_get(f"http://127.0.0.1:{port}/metrics")
        s = parse(body) if status == 200 else {}
        count = value(s, "devoguard_label_score_count", rule="random-under-parent")
        return s if count == 2 else None
    s = wait_for(scraped, timeout=5, message="two label scores counted")
    bucket = lambda le: value(s, "devoguard_label_score_bucket", rule="random-under-parent", le=le)
    assert bucket("0.9") == 1      # mercari
    assert bucket("0.99") == 1     # the probe scores above 0.99
    assert bucket("1") == 2 and bucket("+Inf") == 2
    assert value(s, "devoguard_label_score_bucket", rule="default") is None
    total = value(s, "devoguard_label_score_sum", rule="random-under-parent")
    assert 0.99 < total < 1.9

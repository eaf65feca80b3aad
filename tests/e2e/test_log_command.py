"""`devoguard log`: a decision log written by hand (a live file and a gzip-compressed rotated
one), read with each filter and output mode; malformed lines, exit codes, stdin, -c CONFIG;
--follow printing appended lines across rotation and exiting 0 on SIGINT/SIGTERM."""
import datetime
import gzip
import json
import os
import signal
import subprocess

import pytest

from harness.devoguard import BINARY, run_command
from harness.wait import wait_for


def ts(dt):
    return dt.strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def record(id, when, client, qname, action, rule="default", qtype="A", proto="udp",
           upstream=None, rcode="NOERROR", latency_us=40, devolved_from=None, dry_run=None):
    """One line as record.cpp writes it: field order of PRODUCT.md, optional fields left out."""
    r = {"ts": ts(when), "client": client, "proto": proto, "id": id, "qname": qname,
         "qtype": qtype, "rule": rule, "action": action}
    if upstream:
        r["upstream"] = upstream
    r["rcode"] = rcode
    r["latency_us"] = latency_us
    if devolved_from:
        r["devolved_from"] = devolved_from
    if dry_run:
        r["dry_run"] = dry_run
    return json.dumps(r, separators=(",", ":"))


T0 = datetime.datetime(2026, 11, 23, 7, 30, 0)
AWS = "169.254.169.253:53"

# The rotated file (older): ids 1-3. The live file: ids 4-8.
ROTATED = [
    record(1, T0, "10.143.100.80", "www.example.com", "forward", upstream=AWS),
    record(2, T0 + datetime.timedelta(seconds=30), "10.143.100.80",
           "dglvrrerxokcxc.example.co.jp", "forward", rule="ad-zones", upstream="10.0.0.10:53",
           rcode="NXDOMAIN"),
    record(3, T0 + datetime.timedelta(seconds=31), "10.143.100.80", "dglvrrerxokcxc.co.jp",
           "nxdomain", rule="devolved", rcode="NXDOMAIN",
           devolved_from="dglvrrerxokcxc.example.co.jp"),
]
LIVE = [
    record(4, T0 + datetime.timedelta(minutes=2), "10.143.101.7", "DC1.Example.CO.JP",
           "forward", rule="ad-zones", qtype="SRV", proto="tcp", upstream="10.0.0.10:53"),
    record(5, T0 + datetime.timedelta(minutes=2, seconds=5), "10.143.101.7", "badexample.co.jp",
           "forward", upstream=AWS),
    record(6, T0 + datetime.timedelta(minutes=3), "192.168.5.5", "x", "refused", rule=None,
           qtype="TYPE65280", rcode="REFUSED"),
    record(7, T0 + datetime.timedelta(minutes=4), "2001:db8::7", "qwertyuiop.co.jp", "nxdomain",
           rule="devolved", rcode="NXDOMAIN", devolved_from="qwertyuiop.example.co.jp",
           dry_run=["probes"]),
    record(8, T0 + datetime.timedelta(minutes=4, seconds=1), "10.143.100.81", "dropme.example",
           "drop", rule="blackhole", rcode=None),
]


@pytest.fixture
def logs(tmp_path):
    """(live path, rotated path) of a hand-written decision log."""
    live = tmp_path / "decisions.jsonl"
    live.write_text("\n".join(LIVE) + "\n")
    rotated = tmp_path / "decisions.jsonl.1.gz"
    with gzip.open(rotated, "wt") as f:
        f.write("\n".join(ROTATED) + "\n")
    return str(live), str(rotated)


def log(*args, input=None, env=None):
    return run_command(["log", *args], input=input, env=env)


def ids_of(stdout):
    """The ids of --json output, checking each line is one of ours, unchanged."""
    out = []
    for line in stdout.splitlines():
        assert line in ROTATED + LIVE, f"not an input line, unchanged: {line!r}"
        out.append(json.loads(line)["id"])
    return out


# ---- output modes --------------------------------------------------------------------------

def test_json_prints_matching_lines_unchanged_in_file_order(binary, logs):
    live, rotated = logs
    r = log("--json", rotated, live)
    assert r.returncode == 0, r.stderr
    assert r.stdout == "\n".join(ROTATED + LIVE) + "\n"
    assert r.stderr == ""


def test_gzip_detected_by_content_not_name(binary, logs, tmp_path):
    live, rotated = logs
    renamed = tmp_path / "rotated-without-suffix"
    os.link(rotated, renamed)
    plain_named_gz = tmp_path / "plain.gz"
    plain_named_gz.write_text(open(live).read())
    r = log("--json", str(renamed), str(plain_named_gz))
    assert r.returncode == 0, r.stderr
    assert ids_of(r.stdout) == [1, 2, 3, 4, 5, 6, 7, 8]


def test_stdin(binary, logs):
    live, _ = logs
    r = log("--json", "--action", "nxdomain", "-", input=open(live).read())
    assert r.returncode == 0, r.stderr
    assert ids_of(r.stdout) == [7]


def test_table(binary, logs):
    live, rotated = logs
    r = log(rotated, live)
    assert r.returncode == 0, r.stderr
    rows = r.stdout.splitlines()
    assert len(rows) == 1 + 8, r.stdout
    header = rows[0].split()
    assert header == ["ts", "client", "proto", "qtype", "qname", "action", "rule", "rcode",
                      "latency_us", "detail"], rows[0]
    # Aligned: each column starts at the same offset on every row.
    for column in ("client", "qname", "action", "rule"):
        at = rows[0].index(column)
        for row in rows[1:]:
            assert row[at - 2:at] == "  " and row[at] != " ", f"{column} misaligned:\n{r.stdout}"
    by_id = dict(zip([1, 2, 3, 4, 5, 6, 7, 8], rows[1:]))
    assert by_id[3].startswith("2026-11-23T07:30:31.000000Z  10.143.100.80"), by_id[3]
    assert by_id[3].endswith("from dglvrrerxokcxc.example.co.jp"), by_id[3]
    assert by_id[1].endswith(f"via {AWS}"), by_id[1]
    assert "dry_run=probes" in by_id[7] and "from qwertyuiop.example.co.jp" in by_id[7]
    row6 = by_id[6].split()
    assert row6[5:9] == ["refused", "-", "REFUSED", "40"], by_id[6]  # null rule shown as -
    row8 = by_id[8].split()
    assert row8[5:8] == ["drop", "blackhole", "-"], by_id[8]  # null rcode shown as -


def test_summary(binary, logs):
    live, rotated = logs
    r = log("--summary", rotated, live)
    assert r.returncode == 0, r.stderr
    out = r.stdout
    assert out.startswith("8 lines from 2026-11-23T07:30:00.000000Z to "
                          "2026-11-23T07:34:01.000000Z"), out

    def count(section, name):
        block = out.split("\n\n")
        rows = next(b for b in block if b.startswith(section)).splitlines()[1:]
        for row in rows:
            if row.split()[0] == name:
                return int(row.split()[1])
        return 0
    assert count("action", "forward") == 4
    assert count("action", "nxdomain") == 2
    assert count("action", "refused") == 1
    assert count("action", "drop") == 1
    assert count("rule", "devolved") == 2
    assert count("rule", "(none)") == 1
    assert count("client", "10.143.100.80") == 3
    assert count("client", "2001:db8::7") == 1
    assert count("devolved name", "dglvrrerxokcxc.co.jp") == 1
    assert "dglvrrerxokcxc.co.jp" in out and "from dglvrrerxokcxc.example.co.jp (1)" in out
    hist = out[out.index("queries per minute (UTC)"):].splitlines()[1:]
    assert hist == ["2026-11-23T07:30Z  3 " + "#" * 40,
                    "2026-11-23T07:31Z  0",
                    "2026-11-23T07:32Z  2 " + "#" * 27,
                    "2026-11-23T07:33Z  1 " + "#" * 14,
                    "2026-11-23T07:34Z  2 " + "#" * 27], out


# ---- filters --------------------------------------------------------------------------------

@pytest.mark.parametrize("args,want", [
    pytest.param([], [1, 2, 3, 4, 5, 6, 7, 8], id="none"),
    pytest.param(["--since", "2026-11-23T07:32:00Z"], [4, 5, 6, 7, 8], id="since"),
    pytest.param(["--since", "2026-11-23T16:32:05+09:00"], [5, 6, 7, 8], id="since-offset"),
    pytest.param(["--until", "2026-11-23T07:30:31Z"], [1, 2, 3], id="until-inclusive"),
    pytest.param(["--since", "2026-11-23T07:30:30Z", "--until", "2026-11-23T07:32:00Z"],
                 [2, 3, 4], id="since-and-until"),
    pytest.param(["--client", "10.143.100.0/24"], [1, 2, 3, 8], id="client-cidr"),
    pytest.param(["--client", "10.143.100.80"], [1, 2, 3], id="client-bare-ip"),
    pytest.param(["--client", "192.168.0.0/16", "--client", "2001:db8::/32"], [6, 7],
                 id="client-repeated"),
    pytest.param(["--action", "nxdomain"], [3, 7], id="action"),
    pytest.param(["--action", "refused", "--action", "drop"], [6, 8], id="action-repeated"),
    pytest.param(["--rule", "ad-zones"], [2, 4], id="rule"),
    pytest.param(["--rule", "devolved", "--rule", "blackhole"], [3, 7, 8], id="rule-repeated"),
    pytest.param(["--qname", "example.co.jp"], [2, 4], id="qname-label-aware"),
    pytest.param(["--qname", "EXAMPLE.CO.JP."], [2, 4], id="qname-case-final-dot"),
    pytest.param(["--qname", "co.jp"], [2, 3, 4, 5, 7], id="qname-parent"),
    pytest.param(["--qname", "example.com", "--qname", "x"], [1, 6], id="qname-repeated"),
    pytest.param(["--devolved"], [3, 7], id="devolved"),
    pytest.param(["--devolved", "--client", "10.0.0.0/8"], [3], id="and-across-options"),
    pytest.param(["--action", "servfail"], [], id="nothing-matches"),
])
def test_filter(binary, logs, args, want):
    live, rotated = logs
    r = log("--json", *args, rotated, live)
    assert r.returncode == 0, r.stderr
    assert ids_of(r.stdout) == want


def test_relative_since(binary, tmp_path):
    now = datetime.datetime.utcnow()
    path = tmp_path / "decisions.jsonl"
    lines = [record(1, now - datetime.timedelta(days=2), "10.0.0.1", "a.example", "forward"),
             record(2, now - datetime.timedelta(hours=3), "10.0.0.1", "b.example", "forward"),
             record(3, now - datetime.timedelta(minutes=20), "10.0.0.1", "c.example", "forward"),
             record(4, now - datetime.timedelta(seconds=5), "10.0.0.1", "d.example", "forward")]
    path.write_text("\n".join(lines) + "\n")
    for since, want in (("1d", [2, 3, 4]), ("2h", [3, 4]), ("30m", [3, 4]), ("60s", [4])):
        r = log("--json", "--since", since, str(path))
        assert r.returncode == 0, r.stderr
        assert [json.loads(x)["id"] for x in r.stdout.splitlines()] == want, since
    r = log("--json", "--until", "1h", str(path))
    assert [json.loads(x)["id"] for x in r.stdout.splitlines()] == [1, 2]


# ---- errors and exit codes ------------------------------------------------------------------

def test_malformed_line_reported_and_skipped(binary, tmp_path):
    path = tmp_path / "decisions.jsonl"
    path.write_text(LIVE[0] + "\n" + "{\"ts\":\"2026-11-23T07:30:00Z\"\n" + LIVE[1] + "\n"
                    + "garbage\n")
    r = log("--json", str(path))
    assert r.returncode == 0, r.stderr
    assert ids_of(r.stdout) == [4, 5]
    errors = r.stderr.splitlines()
    assert len(errors) == 2, r.stderr
    assert errors[0].startswith(f"{path}:2: malformed decision-log line: "), r.stderr
    assert errors[1].startswith(f"{path}:4: malformed decision-log line: "), r.stderr


@pytest.mark.parametrize("args,message", [
    pytest.param(["--client", "10.0.0.0/33"], "10.0.0.0/33", id="bad-cidr"),
    pytest.param(["--client", "nope"], "nope", id="bad-client"),
    pytest.param(["--since", "yesterday"], "yesterday", id="bad-since"),
    pytest.param(["--until", "2026-11-23"], "2026-11-23", id="bad-until"),
    pytest.param(["--action", "block"], "block", id="unknown-action"),
    pytest.param(["--json", "--summary"], "--summary", id="json-and-summary"),
    pytest.param(["--no-such-option"], "", id="unknown-option"),
])
def test_bad_usage_exits_2(binary, logs, args, message):
    live, _ = logs
    r = log(*args, live)
    assert r.returncode == 2, (r.returncode, r.stdout, r.stderr)
    assert message in r.stderr, r.stderr
    assert r.stdout == ""


def test_no_file_and_no_config_exits_2(binary):
    r = log()
    assert r.returncode == 2, (r.returncode, r.stderr)
    assert "FILE" in r.stderr, r.stderr


def test_unreadable_file_exits_1_after_reading_the_others(binary, logs, tmp_path):
    live, _ = logs
    missing = str(tmp_path / "missing.jsonl")
    r = log("--json", missing, live)
    assert r.returncode == 1, (r.returncode, r.stderr)
    assert missing in r.stderr
    assert ids_of(r.stdout) == [4, 5, 6, 7, 8]


def test_corrupt_gzip_exits_1(binary, logs, tmp_path):
    _, rotated = logs
    cut = tmp_path / "cut.gz"
    data = open(rotated, "rb").read()
    cut.write_bytes(data[:len(data) - 20])
    r = log("--json", str(cut))
    assert r.returncode == 1, (r.returncode, r.stderr)
    assert str(cut) in r.stderr


def test_config_decision_log_path(binary, logs, tmp_path):
    live, _ = logs
    config = tmp_path / "devoguard.yaml"
    config.write_text(f"""\
listen: ["127.0.0.1:5353"]
upstreams:
  aws:
    servers: ["192.0.2.53"]
rules:
  - name: default
    forward: aws
decision_log:
  path: {live}
""")
    r = log("--json", "-c", str(config), "--action", "drop")
    assert r.returncode == 0, r.stderr
    assert ids_of(r.stdout) == [8]


def test_invalid_config_exits_2(binary, tmp_path):
    config = tmp_path / "devoguard.yaml"
    config.write_text("listen: [\n")
    r = log("-c", str(config))
    assert r.returncode == 2, (r.returncode, r.stderr)
    assert str(config) in r.stderr


# ---- --follow -------------------------------------------------------------------------------

class Follow:
    """`devoguard log --follow ARGS…` with stdout and stderr in files (read while it runs)."""

    def __init__(self, tmp_path, *args):
        self.out_path = tmp_path / "follow.out"
        self.err_path = tmp_path / "follow.err"
        self._out = open(self.out_path, "w")
        self._err = open(self.err_path, "w")
        self.proc = subprocess.Popen([BINARY, "log", "--follow", *args], stdout=self._out,
                                     stderr=self._err)
        wait_for(lambda: "following" in self.stderr() or self.proc.poll() is not None,
                 timeout=10, message="devoguard log --follow to start")
        assert self.proc.poll() is None, f"exited {self.proc.returncode}: {self.stderr()}"

    def stdout(self):
        return self.out_path.read_text()

    def stderr(self):
        return self.err_path.read_text()

    def wait_output(self, text, timeout=5):
        wait_for(lambda: text in self.stdout(), timeout=timeout,
                 message=f"{text!r} in the --follow output")

    def stop(self, sig=signal.SIGTERM):
        self.proc.send_signal(sig)
        try:
            return self.proc.wait(timeout=5)
        finally:
            self.close()

    def close(self):
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait(timeout=5)
        self._out.close()
        self._err.close()


@pytest.fixture
def follow(tmp_path):
    made = []

    def start(*args):
        f = Follow(tmp_path, *args)
        made.append(f)
        return f
    yield start
    for f in made:
        f.close()


def append(path, *lines):
    with open(path, "a") as f:
        f.write("".join(line + "\n" for line in lines))


def test_follow_prints_appended_lines_across_rotation(binary, logs, follow):
    live, rotated = logs
    f = follow("--json", "--action", "nxdomain", rotated, live)  # follows the live file
    new = [record(20, T0, "10.0.0.1", "a.co.jp", "nxdomain", rule="devolved"),
           record(21, T0, "10.0.0.1", "b.example", "forward"),
           record(22, T0, "10.0.0.1", "c.co.jp", "nxdomain", rule="devolved")]
    append(live, new[0], new[1])
    f.wait_output(new[0])
    # Rotation as the writer does it: the live file moved away, a new one created.
    os.rename(live, live + ".1")
    append(live, new[2])
    f.wait_output(new[2])
    assert f.stop(signal.SIGTERM) == 0
    assert f.stdout() == new[0] + "\n" + new[2] + "\n"  # nothing old, nothing filtered out


def test_follow_table_and_sigint(binary, logs, follow):
    live, _ = logs
    f = follow(live)
    line = record(30, T0, "10.0.0.9", "follow.example", "forward", upstream=AWS)
    append(live, line)
    f.wait_output("follow.example")
    assert f.stop(signal.SIGINT) == 0
    rows = f.stdout().splitlines()
    assert rows[0].split()[0] == "ts" and len(rows) == 2, f.stdout()
    assert rows[1].endswith(f"via {AWS}")


def test_follow_summary_at_stop(binary, logs, follow):
    live, _ = logs
    f = follow("--summary", live)
    append(live, *[record(40 + i, T0, "10.0.0.5", "s.example", "forward") for i in range(3)])
    assert f.stop(signal.SIGINT) == 0
    assert f.stdout().startswith("3 lines from "), f.stdout()


def test_follow_stdin_is_bad_usage(binary):
    r = log("--follow", "-", input="")
    assert r.returncode == 2, (r.returncode, r.stderr)

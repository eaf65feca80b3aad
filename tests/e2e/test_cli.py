"""The command line: `check` (plan and error positions), `version`, `--help`, exit codes, and
every shipped config passing `check`."""
import glob
import os
import re

import pytest

from harness.devoguard import SOURCE_DIR, run_command
from harness.ports import free_port

PLAN_CONFIG = """\
listen: ["127.0.0.1:5353", "[::1]:5353"]
threads: 1
clients:
  allow: [10.0.0.0/8, 127.0.0.0/8, "::1/128"]
domain:
  suffixes: [a.b.example.co.jp, example.co.jp]
  devolution_level: 2
upstreams:
  aws:
    servers: ["169.254.169.253"]
    timeout: 1500ms
  ad:
    servers: ["10.0.0.10", "10.0.1.10:5300"]
rules:
  - name: ad-zones
    match: { suffix: [example.co.jp] }
    forward: ad
  - name: devolved-names
    match: { devolved: true }
    answer: nxdomain
  - name: to-aws
    forward: aws
decision_log:
  path: {log}
"""


def write(tmp_path, text, name="devoguard.yaml"):
    path = tmp_path / name
    path.write_text(text)
    return str(path)


def word(text, token):
    """`token` as a whole name in `text` (not as the tail of a longer name)."""
    return re.search(r"(?<![\w.-])" + re.escape(token) + r"(?![\w-])", text) is not None


def test_check_prints_plan(binary, tmp_path):
    path = write(tmp_path, PLAN_CONFIG.replace("{log}", str(tmp_path / "d.jsonl")))
    r = run_command(["check", "-c", path])
    assert r.returncode == 0, r.stderr
    out = r.stdout
    for listener in ("127.0.0.1:5353", "[::1]:5353"):
        assert listener in out, f"listener {listener} missing from plan:\n{out}"
    for text in ("aws", "ad", "169.254.169.253", "10.0.0.10", "10.0.1.10:5300"):
        assert word(out, text), f"{text} missing from plan:\n{out}"
    positions = [out.find(rule) for rule in ("ad-zones", "devolved-names", "to-aws")]
    assert -1 not in positions, f"a rule is missing from the plan:\n{out}"
    assert positions == sorted(positions), f"rules not in file order:\n{out}"
    # a.b.example.co.jp (level 2) devolves to b.example.co.jp and co.jp; example.co.jp is a
    # suffix itself, so it is no devolution parent.
    for parent in ("b.example.co.jp", "co.jp"):
        assert word(out, parent), f"devolution parent {parent} missing from plan:\n{out}"


def error_case(name, text, key, word_in_message):
    return pytest.param(text, key, word_in_message, id=name)


# Each case marks its faulty line with "# <-"; the error must point at that line, at a column
# within the entry, and name `key`.
BAD_CONFIGS = [
    error_case("unknown-key", """\
listen: ["127.0.0.1:{port}"]
upstreams:
  aws:
    servers: ["192.0.2.53"]
    timeuot: 300ms   # <-
rules:
  - name: default
    forward: aws
""", "timeuot", "timeuot"),
    error_case("bad-duration", """\
listen: ["127.0.0.1:{port}"]
upstreams:
  aws:
    servers: ["192.0.2.53"]
    timeout: 300 parsecs   # <-
rules:
  - name: default
    forward: aws
""", "timeout", "timeout"),
    error_case("zero-duration", """\
listen: ["127.0.0.1:{port}"]
tcp:
  idle_timeout: 0s   # <-
upstreams:
  aws:
    servers: ["192.0.2.53"]
rules:
  - name: default
    forward: aws
""", "idle_timeout", "idle_timeout"),
    error_case("forward-to-unknown-group", """\
listen: ["127.0.0.1:{port}"]
upstreams:
  aws:
    servers: ["192.0.2.53"]
rules:
  - name: default
    forward: nosuch   # <-
""", "forward", "forward"),
    error_case("upstream-is-own-listener", """\
listen: ["127.0.0.1:{port}"]
upstreams:
  aws:
    servers: ["192.0.2.53", "127.0.0.1:{port}"]   # <-
rules:
  - name: default
    forward: aws
""", "servers", "servers"),
    error_case("upstream-is-own-wildcard-listener", """\
listen: ["0.0.0.0:{port}"]
upstreams:
  aws:
    servers: ["127.0.0.1:{port}"]   # <-
rules:
  - name: default
    forward: aws
""", "servers", "servers"),
    error_case("yaml-syntax", """\
listen: ["127.0.0.1:{port}"
upstreams:   # <-
  aws: {servers: ["192.0.2.53"]}
""", None, None),
]


def expected_position(text, key):
    lines = text.splitlines()
    line = next(i for i, s in enumerate(lines) if "# <-" in s)
    content = lines[line].split("#")[0].rstrip()
    first = (content.index(key) if key else len(content) - len(content.lstrip())) + 1
    return line + 1, first, len(content) + 1


@pytest.mark.parametrize("template,key,word_in_message", BAD_CONFIGS)
def test_check_rejects_bad_config_with_position(binary, tmp_path, template, key,
                                                 word_in_message):
    text = template.replace("{port}", str(free_port()))
    path = write(tmp_path, text)
    r = run_command(["check", "-c", path])
    assert r.returncode == 2, f"exit {r.returncode}; stdout:\n{r.stdout}\nstderr:\n{r.stderr}"
    m = re.search(r"^" + re.escape(path) + r":(\d+):(\d+): (.+)$", r.stderr, re.M)
    assert m, f"no '{path}:LINE:COL: message' line in stderr:\n{r.stderr}"
    line, col, message = int(m.group(1)), int(m.group(2)), m.group(3)
    want_line, first_col, last_col = expected_position(text, key)
    if key is None:  # a YAML syntax error: the parser may notice it a line early or late
        assert want_line - 1 <= line <= want_line + 1, r.stderr
    else:
        assert line == want_line, f"error on line {line}, expected {want_line}:\n{r.stderr}"
        assert first_col <= col <= last_col, (
            f"column {col} outside the entry ({first_col}..{last_col}):\n{r.stderr}")
        assert word_in_message in message, f"message does not name `{key}`:\n{r.stderr}"


def test_check_loop_through_system_resolver(binary, tmp_path):
    """`system` reading a resolv.conf that points back at our own listener is a loop."""
    resolv = write(tmp_path, "nameserver 127.0.0.1\n", "resolv.conf")
    text = """\
listen: ["127.0.0.1:53"]
upstreams:
  aws:
    servers: [system]   # <-
rules:
  - name: default
    forward: aws
"""
    path = write(tmp_path, text)
    r = run_command(["check", "-c", path], env={"DEVOGUARD_RESOLV_CONF": resolv})
    assert r.returncode == 2, f"exit {r.returncode}; stdout:\n{r.stdout}\nstderr:\n{r.stderr}"
    assert re.search(r"^" + re.escape(path) + r":4:\d+: .*servers", r.stderr, re.M), r.stderr


def test_check_system_resolver_expanded(binary, tmp_path):
    resolv = write(tmp_path, "# test\nnameserver 192.0.2.53\nnameserver 192.0.2.54\n",
                   "resolv.conf")
    path = write(tmp_path, """\
listen: ["127.0.0.1:5353"]
upstreams:
  aws:
    servers: [system]
rules:
  - name: default
    forward: aws
""")
    r = run_command(["check", "-c", path], env={"DEVOGUARD_RESOLV_CONF": resolv})
    assert r.returncode == 0, r.stderr
    assert "192.0.2.53" in r.stdout and "192.0.2.54" in r.stdout, r.stdout


def test_check_missing_file_exits_2(binary, tmp_path):
    path = str(tmp_path / "nonexistent.yaml")
    r = run_command(["check", "-c", path])
    assert r.returncode == 2, (r.returncode, r.stderr)
    assert path in r.stderr, r.stderr


def test_version(binary):
    r = run_command(["version"])
    assert r.returncode == 0, r.stderr
    assert re.search(r"devoguard\D*\d+\.\d+", r.stdout, re.I), r.stdout
    for lib in ("ldns", "libuv", "yaml-cpp", "spdlog"):
        assert lib in r.stdout.lower(), f"{lib} version missing:\n{r.stdout}"


@pytest.mark.parametrize("args,mentions", [
    pytest.param(["--help"], ["run", "check", "log", "version"], id="top"),
    pytest.param(["run", "--help"], ["-c"], id="run"),
    pytest.param(["check", "--help"], ["-c"], id="check"),
    pytest.param(["log", "--help"], ["--since", "--until", "--client", "--action", "--rule",
                                     "--qname", "--devolved", "--json", "--summary",
                                     "--follow"], id="log"),
    pytest.param(["version", "--help"], [], id="version"),
])
def test_help(binary, args, mentions):
    r = run_command(args)
    assert r.returncode == 0, r.stderr
    assert "usage" in r.stdout.lower(), r.stdout
    for m in mentions:
        assert m in r.stdout, f"{' '.join(args)} does not mention {m}:\n{r.stdout}"


@pytest.mark.parametrize("args", [
    pytest.param(["no-such-command"], id="unknown-command"),
    pytest.param(["run", "--no-such-flag"], id="unknown-flag"),
    pytest.param([], id="no-command"),
])
def test_bad_usage_exits_2(binary, args):
    r = run_command(args)
    assert r.returncode == 2, (r.returncode, r.stdout, r.stderr)


def shipped_configs():
    found = []
    for folder in ("conf", os.path.join("conf", "examples")):
        for ext in ("yaml", "yml"):
            found += glob.glob(os.path.join(SOURCE_DIR, folder, f"*.{ext}"))
    return sorted(found)


# Files the README and docs/CONFIGURATION.md point at: the glob above must find them.
DOCUMENTED_CONFIGS = ["conf/devoguard.yaml", "conf/examples/secondary-dns.yaml",
                      "conf/examples/dc-forwarder.yaml", "conf/examples/multi-suffix.yaml"]

# The one warning a shipped file may print: its AD suffix devolves to a public suffix (co.jp),
# which is the very case devoguard exists for. Anything else (an unused group, an unreachable
# rule, no catch-all) is a mistake in the example.
PUBLIC_SUFFIX_WARNING = re.compile(r"^warning: .*: domain\.suffixes: devolution parent \S+ of "
                                   r"\S+ is a public suffix")


def test_documented_configs_are_shipped():
    configs = shipped_configs()
    for rel in DOCUMENTED_CONFIGS:
        assert os.path.join(SOURCE_DIR, rel) in configs, (rel, configs)


@pytest.mark.parametrize("path", shipped_configs(),
                         ids=lambda p: os.path.relpath(p, SOURCE_DIR))
def test_every_shipped_config_passes_check(binary, tmp_path, path):
    # `system` reads this file: an address that is neither loopback nor one of devoguard's
    # own, so it works behind a wildcard listener too.
    resolv = write(tmp_path, "nameserver 10.0.0.2\n", "resolv.conf")
    r = run_command(["check", "-c", path], env={"DEVOGUARD_RESOLV_CONF": resolv})
    assert r.returncode == 0, f"exit {r.returncode}\n{r.stderr}"
    assert r.stdout.startswith(f"{path}: configuration is valid"), r.stdout
    assert "rules (first match wins):" in r.stdout, r.stdout
    unexpected = [line for line in r.stderr.splitlines()
                  if line.strip() and not PUBLIC_SUFFIX_WARNING.match(line)]
    assert not unexpected, "\n".join(unexpected)


PUBLIC_PARENT_CONFIG = """\
listen: ["127.0.0.1:{port}"]
domain: {{suffixes: [example.co.jp], devolution_level: 2}}
upstreams:
  aws: {{servers: ["192.0.2.53"]}}
rules:
{rules}
  - name: default
    forward: aws
"""


def test_check_warns_of_a_public_devolution_parent_until_a_rule_answers_devolved(binary,
                                                                                tmp_path):
    # co.jp is a public suffix: with no rule answering devolved queries, every devolved name
    # goes to the resolver and on to the internet, and check says so with the fix. With such
    # a rule the plan still marks the parent, and the warning (nothing to fix) is gone.
    port = free_port()
    bare = write(tmp_path, PUBLIC_PARENT_CONFIG.format(port=port, rules=""), "bare.yaml")
    r = run_command(["check", "-c", str(bare)])
    assert r.returncode == 0, r.stderr
    warnings = [x for x in (r.stdout + r.stderr).splitlines() if PUBLIC_SUFFIX_WARNING.match(x)]
    assert len(warnings) == 1 and "co.jp of example.co.jp" in warnings[0]
    assert "match: {devolved: true}" in warnings[0]
    assert "devolution parents: co.jp (public suffix)" in r.stdout

    caught = "  - name: devolved\n    match: {devolved: true}\n    answer: nxdomain\n"
    handled = write(tmp_path, PUBLIC_PARENT_CONFIG.format(port=port, rules=caught), "ok.yaml")
    r = run_command(["check", "-c", str(handled)])
    assert r.returncode == 0, r.stderr
    assert not any(PUBLIC_SUFFIX_WARNING.match(x) for x in (r.stdout + r.stderr).splitlines())
    assert "devolution parents: co.jp (public suffix)" in r.stdout

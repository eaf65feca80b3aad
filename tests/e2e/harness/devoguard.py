"""The devoguard binary under test: config writing, `run` as a child process, readiness,
decision log reading, signals, and `check`/other commands as one-shot runs."""
import json
import os
import signal
import socket
import subprocess

import dns.flags
import dns.message
import dns.opcode

from .ports import free_port
from .wait import wait_for

HERE = os.path.dirname(os.path.abspath(__file__))
SOURCE_DIR = os.environ.get("DEVOGUARD_SOURCE_DIR") or os.path.abspath(
    os.path.join(HERE, "..", "..", ".."))
BINARY = os.environ.get("DEVOGUARD_BIN") or os.path.join(SOURCE_DIR, "build", "devoguard")



def _sanitized(path):
    """Whether the binary under test is built with AddressSanitizer (DEVOGUARD_SANITIZE=ON):
    its allocator keeps freed memory in quarantine and pads every block, so memory budgets
    are larger and the process is slower."""
    try:
        with open(path, "rb") as f:
            return b"__asan_init" in f.read()
    except OSError:
        return False


SANITIZED = _sanitized(BINARY)


def memory_budget_kb(mib):
    """A bound on RSS growth of `mib` MiB for the normal build; four times that under ASan
    (quarantine, redzones and shadow memory grow with the traffic, then stop)."""
    return mib * 1024 * (4 if SANITIZED else 1)


# Readiness probe: an opcode STATUS query is answered (NOTIMP) without rules or upstreams, so
# it works whatever the test configured. Decision-log lines for it are filtered out.
READY_NAME = "ready.devoguard.test"


def run_command(args, env=None, timeout=20, input=None):
    """A one-shot `devoguard ARGS…` run: CompletedProcess with text stdout/stderr."""
    full_env = dict(os.environ)
    full_env.update(env or {})
    return subprocess.run([BINARY, *args], capture_output=True, text=True, timeout=timeout,
                          env=full_env, input=input)


def group(*servers, timeout="300ms", max_failures=None, probe_interval="200ms"):
    """An upstreams: entry with small timeouts, as tests want them."""
    g = {"servers": list(servers), "timeout": timeout, "probe_interval": probe_interval}
    if max_failures is not None:
        g["max_failures"] = max_failures
    return g


def forward_all(*servers, **group_kw):
    """Config fragment: one group `main` holding `servers`, one rule `default` forwarding all."""
    return {"upstreams": {"main": group(*servers, **group_kw)},
            "rules": [{"name": "default", "forward": "main"}]}


class Devoguard:
    """One `devoguard run -c FILE` process listening on a free port of 127.0.0.1 (and ::1 when
    `ipv6`). `config` is a dict dumped as YAML; `listen`, `threads`, `clients` and
    `decision_log` get test defaults unless given."""

    def __init__(self, workdir, config, ipv6=False, env=None, probe_source="127.0.0.1",
                 wrapper=(), binary=None):
        import yaml  # python3-yaml; imported here so one-shot commands don't need it
        self._yaml = yaml
        self.dir = str(workdir)
        self.host = "127.0.0.1"
        hosts = ("127.0.0.1", "::1") if ipv6 else ("127.0.0.1",)
        self.port = free_port(hosts)
        self.listen = [f"127.0.0.1:{self.port}"] + ([f"[::1]:{self.port}"] if ipv6 else [])
        self.config_path = os.path.join(self.dir, "devoguard.yaml")
        self.log_path = os.path.join(self.dir, "decisions.jsonl")
        self.stderr_path = os.path.join(self.dir, "devoguard.stderr")
        self.config = self.with_defaults(config)
        self.write_config(self.config)
        self.env = dict(os.environ)
        self.env.update(env or {})
        self.probe_source = probe_source  # readiness probes come from here (ACL tests)
        self.wrapper = list(wrapper)  # a command that runs devoguard (setpriv …), or none
        self.binary = binary or BINARY  # a copy with file capabilities, or the one under test
        self.proc = None
        self._stderr = None

    def start(self, timeout=10.0):
        """Starts `devoguard run` and waits until it answers a probe."""
        self._stderr = open(self.stderr_path, "w")
        self.proc = subprocess.Popen([*self.wrapper, self.binary, "run", "-c", self.config_path],
                                     stdout=self._stderr, stderr=self._stderr, env=self.env)
        try:
            wait_for(self._ready, timeout=timeout, message="devoguard to answer a query")
        except BaseException:
            self.kill()
            raise
        return self

    # ---- config ---------------------------------------------------------------------------
    def with_defaults(self, config):
        c = {"listen": self.listen, "threads": 1,
             "clients": {"allow": ["127.0.0.0/8", "::1/128"]}}
        c.update(config)
        c.setdefault("decision_log", {"path": self.log_path})
        return c

    def write_config(self, config=None, text=None):
        """Rewrites the config file (a dict with defaults applied, or raw YAML `text`)."""
        if text is None:
            text = self._yaml.safe_dump(config, sort_keys=False, default_flow_style=None)
        tmp = self.config_path + ".tmp"
        with open(tmp, "w") as f:
            f.write(text)
        os.replace(tmp, self.config_path)

    # ---- process --------------------------------------------------------------------------
    def _ready(self):
        if self.proc.poll() is not None:
            raise AssertionError(
                f"devoguard exited with {self.proc.returncode} before serving:\n{self.stderr()}")
        q = dns.message.make_query(READY_NAME, "A")
        q.set_opcode(dns.opcode.STATUS)
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
            s.settimeout(0.1)
            s.bind((self.probe_source, 0))
            s.sendto(q.to_wire(), (self.host, self.port))
            try:
                data = s.recv(65535)
            except (socket.timeout, ConnectionRefusedError):
                return False
        return len(data) >= 2 and data[:2] == q.to_wire()[:2]

    def alive(self):
        return self.proc.poll() is None

    @property
    def pid(self):
        return self.proc.pid

    def rss_kb(self):
        from .load import rss_kb
        return rss_kb(self.proc.pid)

    def open_fds(self):
        return len(os.listdir(f"/proc/{self.proc.pid}/fd"))

    def sighup(self):
        self.proc.send_signal(signal.SIGHUP)

    def stop(self, sig=signal.SIGTERM, timeout=5.0):
        """Sends `sig` and returns the exit code (fails the test when it takes longer)."""
        self.proc.send_signal(sig)
        try:
            return self.proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            self.kill()
            raise AssertionError(f"devoguard did not exit within {timeout}s of {sig!r}")

    def kill(self):
        if self.proc is not None and self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait(timeout=5)
        if self._stderr is not None and not self._stderr.closed:
            self._stderr.close()

    def stderr(self):
        try:
            with open(self.stderr_path, errors="replace") as f:
                return f.read()
        except FileNotFoundError:
            return ""

    # ---- decision log ---------------------------------------------------------------------
    def decisions(self, include_probes=False):
        """The decision log as a list of dicts (complete lines only). Readiness probes are
        left out unless asked for."""
        try:
            with open(self.log_path, "rb") as f:
                data = f.read()
        except FileNotFoundError:
            return []
        out = []
        for line in data.split(b"\n")[:-1]:  # the last piece is "" or a half-written line
            if not line.strip():
                continue
            d = json.loads(line)
            if not include_probes and str(d.get("qname", "")).startswith(READY_NAME):
                continue
            out.append(d)
        return out

    def wait_decisions(self, count, timeout=5.0, **match):
        """Waits for at least `count` lines whose fields equal `match`; returns them."""
        def enough():
            lines = [d for d in self.decisions() if all(d.get(k) == v for k, v in match.items())]
            return lines if len(lines) >= count else None
        return wait_for(enough, timeout=timeout,
                        message=f"{count} decision line(s) matching {match}")

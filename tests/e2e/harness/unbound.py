"""A real upstream: unbound on loopback, answering only from tests/fixtures/unbound/local-data.conf
(no recursion, no internet), with log-queries on so tests can see which names reached it."""
import os
import re
import subprocess

import dns.message
import dns.query

from .ports import free_port, ipv6_loopback_available
from .wait import wait_for

UNBOUND = "/usr/sbin/unbound"
# "[1700000000] unbound[12:0] info: 127.0.0.1 host1.example.co.jp. A IN"
_QUERY_LINE = re.compile(r"info: (\S+) (\S+) (\S+) (\S+)\s*$")

_CONFIG = """\
server:
  interface: 127.0.0.1@{port}
{ipv6_interface}  port: {port}
  do-ip4: yes
  do-ip6: {do_ip6}
  do-udp: yes
  do-tcp: yes
  do-daemonize: no
  chroot: ""
  username: ""
  directory: "{dir}"
  pidfile: "{dir}/unbound.pid"
  use-syslog: no
  logfile: "{dir}/unbound.log"
  verbosity: 1
  log-queries: yes
  num-threads: 1
  edns-buffer-size: 1232
  max-udp-size: 1232
  so-reuseport: no
  module-config: "iterator"
  access-control: 127.0.0.0/8 allow
  access-control: ::1 allow
  include: "{local_data}"
remote-control:
  control-enable: no
"""


class Unbound:
    """One unbound process. `port` serves UDP and TCP on 127.0.0.1 (and ::1 when `ipv6`)."""

    def __init__(self, workdir, local_data):
        self.dir = str(workdir)
        self.ipv6 = ipv6_loopback_available()
        hosts = ("127.0.0.1", "::1") if self.ipv6 else ("127.0.0.1",)
        self.port = free_port(hosts)
        self.log_path = os.path.join(self.dir, "unbound.log")
        self.config_path = os.path.join(self.dir, "unbound.conf")
        with open(self.config_path, "w") as f:
            f.write(_CONFIG.format(
                port=self.port, dir=self.dir, local_data=local_data,
                do_ip6="yes" if self.ipv6 else "no",
                ipv6_interface=f"  interface: ::1@{self.port}\n" if self.ipv6 else ""))
        self._stderr = open(os.path.join(self.dir, "unbound.stderr"), "w")
        self.proc = subprocess.Popen([UNBOUND, "-d", "-c", self.config_path],
                                     stdout=self._stderr, stderr=subprocess.STDOUT)
        self._mark = 0
        try:
            wait_for(self._answers, timeout=10, message="unbound to answer")
        except BaseException:
            self.stop()
            raise
        self.mark()  # the readiness queries are not part of any test

    def _answers(self):
        if self.proc.poll() is not None:
            raise AssertionError(f"unbound exited with {self.proc.returncode}: {self.stderr()}")
        q = dns.message.make_query("ready.unbound.test.", "A")
        try:
            dns.query.udp(q, "127.0.0.1", port=self.port, timeout=0.2)
            return True
        except (dns.exception.Timeout, OSError):
            return False

    @property
    def server(self):
        """The address to put into a devoguard upstream group."""
        return f"127.0.0.1:{self.port}"

    @property
    def server6(self):
        return f"[::1]:{self.port}"

    def _log_bytes(self):
        try:
            with open(self.log_path, "rb") as f:
                return f.read()
        except FileNotFoundError:
            return b""

    def mark(self):
        """From now on seen() reports only later queries (each test starts with a mark)."""
        self._mark = len(self._log_bytes())

    def seen(self):
        """(qname, qtype) of each query unbound received since the last mark, in order;
        qname as logged (case kept, with the final dot)."""
        text = self._log_bytes()[self._mark:].decode("utf-8", "replace")
        out = []
        for line in text.splitlines():
            m = _QUERY_LINE.search(line)
            if m and m.group(4) == "IN":
                out.append((m.group(2), m.group(3)))
        return out

    def seen_names(self):
        """Lower-case names without the final dot, for membership tests."""
        return [name.lower().rstrip(".") for name, _ in self.seen()]

    def stderr(self):
        with open(os.path.join(self.dir, "unbound.stderr"), errors="replace") as f:
            return f.read()

    def stop(self):
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=5)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(timeout=5)
        self._stderr.close()

"""Produces the README's "Inspecting decisions" example: devoguard in front of a real unbound,
four Windows-like clients that each resolve ten random single labels (suffix first, then the
devolved name) plus real AD names, then `devoguard log --summary` and `--devolved` on the log.
Run from the repository root after building: /usr/bin/python3 scripts/demo_decisions.py"""
import os
import random
import string
import subprocess
import sys
import tempfile
HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, '..', 'tests', 'e2e'))
from harness.unbound import Unbound
from harness.devoguard import Devoguard, group
from harness.client import make_query, udp
import dns.query
tmp = tempfile.mkdtemp()
u = Unbound(tmp, os.path.join(HERE, '..', 'tests', 'fixtures', 'unbound', 'local-data.conf'))
os.makedirs(tmp + '/dg')
d = Devoguard(tmp + '/dg', {
  "domain": {"suffixes": ["example.co.jp"]},
  "upstreams": {"aws": group(u.server), "ad": group(u.server)},
  "rules": [{"name": "ad-zones", "match": {"suffix": ["example.co.jp"]}, "forward": "ad"},
            {"name": "devolved", "match": {"devolved": True}, "answer": "nxdomain"},
            {"name": "default", "forward": "aws"}]}).start()
random.seed(7)
try:
  for i in range(40):
    src = "127.0.0.%d" % (10 + i % 4)
    label = "".join(random.choice(string.ascii_lowercase) for _ in range(random.randint(7, 15)))
    for name in (f"{label}.example.co.jp", f"{label}.co.jp"):
      dns.query.udp(make_query(name, "A"), "127.0.0.1", port=d.port, source=src, timeout=3)
    dns.query.udp(make_query("host1.example.co.jp", "A"), "127.0.0.1", port=d.port, source=src, timeout=3)
    dns.query.udp(make_query("_ldap._tcp.dc._msdcs.example.co.jp", "SRV"), "127.0.0.1", port=d.port, source=src, timeout=3)
  d.stop()
  subprocess.run([os.path.join(HERE, "..", "build", "devoguard"), "log", "--summary", d.log_path])
  subprocess.run([os.path.join(HERE, "..", "build", "devoguard"), "log", "--devolved", d.log_path])
finally:
  d.kill(); u.stop()

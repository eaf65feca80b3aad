"""Fixtures for the end-to-end tests: one unbound for the session, fault upstreams and
devoguard processes per test (always stopped at teardown), and devoguard's stderr attached to
the report of a failed test."""
import os
import sys

import pytest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from harness.devoguard import BINARY, SOURCE_DIR, Devoguard  # noqa: E402
from harness.fault import FaultUpstream  # noqa: E402
from harness.unbound import Unbound  # noqa: E402

FIXTURES = os.path.join(SOURCE_DIR, "tests", "fixtures")


@pytest.fixture(scope="session")
def unbound_server(tmp_path_factory):
    u = Unbound(tmp_path_factory.mktemp("unbound"),
                os.path.join(FIXTURES, "unbound", "local-data.conf"))
    yield u
    u.stop()


@pytest.fixture
def unbound(unbound_server):
    """The session's unbound, with seen() reset to this test's queries."""
    unbound_server.mark()
    assert unbound_server.proc.poll() is None, "unbound died: " + unbound_server.stderr()
    return unbound_server


@pytest.fixture
def fault_upstream():
    """Factory: fault_upstream(answer_ip=…, mode=…, host=…) → a running FaultUpstream."""
    made = []

    def make(**kw):
        f = FaultUpstream(**kw)
        made.append(f)
        return f
    yield make
    for f in made:
        f.close()


@pytest.fixture
def devoguard(tmp_path, request):
    """Factory: devoguard(config_dict, ipv6=False, env=None) → a serving Devoguard. Several may
    run in one test (each in its own directory)."""
    made = []
    request.node._devoguards = made

    def make(config, **kw):
        workdir = tmp_path / f"devoguard{len(made)}"
        workdir.mkdir()
        d = Devoguard(workdir, config, **kw)
        made.append(d)  # before start(): a failed start still shows its stderr
        return d.start()
    yield make
    for d in made:
        d.kill()


@pytest.fixture(scope="session")
def binary():
    assert os.access(BINARY, os.X_OK), f"DEVOGUARD_BIN={BINARY} is not an executable"
    return BINARY


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    rep = outcome.get_result()
    if rep.failed:
        for i, d in enumerate(getattr(item, "_devoguards", [])):
            text = d.stderr()
            rep.sections.append((f"devoguard[{i}] stderr (last 4000 chars)", text[-4000:]))
            rep.sections.append((f"devoguard[{i}] config", open(d.config_path).read()))

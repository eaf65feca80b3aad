"""Privilege and service management: `user:` (bind as root, then run as that user for good),
running unprivileged with only CAP_NET_BIND_SERVICE, systemd readiness over $NOTIFY_SOCKET
(READY=1 once bound, RELOADING=1/READY=1 around SIGHUP, STOPPING=1), and the shipped systemd
unit. These tests start devoguard as root, as the CI does."""
import os
import pwd
import shutil
import socket
import subprocess
import tempfile

import pytest

from harness import client as c
from harness.devoguard import BINARY, SOURCE_DIR, Devoguard, forward_all
from harness.wait import wait_for

ANSWER_IP = "192.0.2.77"
NOBODY = pwd.getpwnam("nobody")
SETPRIV = shutil.which("setpriv")
# Port 53 on a loopback address of its own, so that a resolver on the host does not matter.
PORT53_HOST = "127.53.0.1"


@pytest.fixture
def world_dir():
    """A directory the unprivileged user can read and write (pytest's tmp_path is 0700)."""
    d = tempfile.mkdtemp(prefix="devoguard-priv-")
    os.chmod(d, 0o777)
    made = []
    yield d, made
    for dg in made:
        dg.kill()
    shutil.rmtree(d, ignore_errors=True)


def start(world, config, **kw):
    d, made = world
    workdir = tempfile.mkdtemp(dir=d)
    os.chmod(workdir, 0o777)
    dg = Devoguard(workdir, config, **kw)
    made.append(dg)
    return dg


def ids(pid):
    status = open(f"/proc/{pid}/status").read().splitlines()
    field = {line.split(":")[0]: line.split(":", 1)[1].split() for line in status}
    return field["Uid"], field["Gid"], field["Groups"], field["CapEff"][0]


def test_user_switch_after_binding(fault_upstream, world_dir):
    assert os.geteuid() == 0, "these tests start devoguard as root"
    up = fault_upstream(answer_ip=ANSWER_IP)
    cfg = forward_all(up.server)
    cfg["user"] = "nobody"
    dg = start(world_dir, cfg).start()
    uids, gids, groups, cap_eff = ids(dg.pid)
    assert uids == [str(NOBODY.pw_uid)] * 4, f"Uid: {uids}"
    assert gids == [str(NOBODY.pw_gid)] * 4, f"Gid: {gids}"
    assert groups in ([], [str(NOBODY.pw_gid)]), f"Groups: {groups}"
    assert int(cap_eff, 16) == 0, f"capabilities left: {cap_eff}"
    assert "as user nobody" in dg.stderr()
    assert c.addresses(c.udp(c.make_query("as-nobody.example.com"), dg.port)) == [ANSWER_IP]
    assert c.addresses(c.tcp(c.make_query("as-nobody-tcp.example.com"), dg.port)) == [ANSWER_IP]
    # The decision log was handed over: written now, reopened by the user on SIGHUP.
    dg.wait_decisions(1, qname="as-nobody.example.com")
    assert os.stat(dg.log_path).st_uid == NOBODY.pw_uid
    cfg2 = dict(dg.config, rules=[{"name": "block", "match": {"qname": ["blocked.example.com"]},
                                   "answer": "nxdomain"}] + dg.config["rules"])
    dg.write_config(cfg2)  # 0644: readable by the user
    dg.sighup()
    wait_for(lambda: c.rcode(c.udp(c.make_query("blocked.example.com"), dg.port)) == "NXDOMAIN",
             timeout=5, message="the reload to be applied by the unprivileged process")
    dg.wait_decisions(1, qname="blocked.example.com")
    assert dg.stop() == 0


def test_unknown_user_is_a_config_error(binary, tmp_path):
    path = tmp_path / "c.yaml"
    path.write_text("user: no-such-user-devoguard\n")
    r = subprocess.run([binary, "check", "-c", str(path)], capture_output=True, text=True)
    assert r.returncode == 2
    assert f"{path}:1:7: user: no such user" in r.stderr, r.stderr


def unprivileged(*caps):
    return [SETPRIV, f"--reuid={NOBODY.pw_uid}", f"--regid={NOBODY.pw_gid}", "--clear-groups",
            f"--inh-caps={','.join('+' + c for c in caps) or '-all'}",
            f"--ambient-caps={','.join('+' + c for c in caps) or '-all'}", "--"]


def port53_config(up):
    cfg = forward_all(up.server)
    cfg["listen"] = [f"{PORT53_HOST}:53"]
    cfg["decision_log"] = {"path": "/dev/null"}
    return cfg


def test_unprivileged_with_cap_net_bind_service_serves_port_53(fault_upstream, world_dir):
    assert SETPRIV, "setpriv (util-linux) is needed"
    up = fault_upstream(answer_ip=ANSWER_IP)
    dg = start(world_dir, port53_config(up), wrapper=unprivileged("net_bind_service"))
    dg.host, dg.port = PORT53_HOST, 53
    dg.start()
    uids, _, _, _ = ids(dg.pid)
    assert uids == [str(NOBODY.pw_uid)] * 4
    r = c.udp(c.make_query("port53.example.com"), 53, host=PORT53_HOST)
    assert c.addresses(r) == [ANSWER_IP]
    assert c.addresses(c.tcp(c.make_query("port53-tcp.example.com"), 53, host=PORT53_HOST)) == \
        [ANSWER_IP]
    assert dg.stop() == 0


def test_unprivileged_without_the_capability_cannot_bind_port_53(fault_upstream, world_dir):
    assert SETPRIV, "setpriv (util-linux) is needed"
    up = fault_upstream(answer_ip=ANSWER_IP)
    dg = start(world_dir, port53_config(up))
    r = subprocess.run([*unprivileged(), BINARY, "run", "-c", dg.config_path],
                       capture_output=True, text=True, timeout=20)
    assert r.returncode == 1, r.stderr
    assert (f"cannot bind {PORT53_HOST}:53: needs CAP_NET_BIND_SERVICE or "
            "net.ipv4.ip_unprivileged_port_start ≤ 53\n") in r.stderr, r.stderr
    assert "cannot listen on" not in r.stderr, r.stderr


def binary_with_file_capability(directory, caps):
    """A copy of the binary carrying file capabilities `caps` (setcap syntax), runnable by
    nobody, as the container image installs it."""
    path = os.path.join(directory, "devoguard")
    shutil.copy(BINARY, path)
    os.chmod(path, 0o755)
    subprocess.run(["setcap", caps, path], check=True)
    return path


def test_file_capability_permitted_only_is_raised_to_bind_port_53(fault_upstream, world_dir):
    # The image's `setcap cap_net_bind_service=+p`: permitted, not effective, no ambient
    # capability. devoguard raises it itself (under docker's `cap_drop: ALL` a +ep file would
    # not even exec).
    assert SETPRIV, "setpriv (util-linux) is needed"
    up = fault_upstream(answer_ip=ANSWER_IP)
    binary = binary_with_file_capability(world_dir[0], "cap_net_bind_service=+p")
    dg = start(world_dir, port53_config(up), wrapper=unprivileged(), binary=binary)
    dg.host, dg.port = PORT53_HOST, 53
    dg.start()
    uids, _, _, cap_eff = ids(dg.pid)
    assert uids == [str(NOBODY.pw_uid)] * 4
    assert int(cap_eff, 16) == 1 << 10, f"CapEff {cap_eff}: only CAP_NET_BIND_SERVICE"
    r = c.udp(c.make_query("file-cap.example.com"), 53, host=PORT53_HOST)
    assert c.addresses(r) == [ANSWER_IP]
    assert dg.stop() == 0


class NotifySocket:
    """The receiving end of $NOTIFY_SOCKET, as systemd holds it."""

    def __init__(self, directory, abstract=False):
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
        if abstract:
            name = f"devoguard-test-{os.getpid()}-{id(self)}"
            self.sock.bind("\0" + name)
            self.address = "@" + name
        else:
            self.address = os.path.join(directory, "notify.sock")
            self.sock.bind(self.address)
        self.sock.settimeout(10)

    def next(self):
        data = self.sock.recv(4096).decode()
        return dict(line.split("=", 1) for line in data.splitlines())

    def close(self):
        self.sock.close()


@pytest.mark.parametrize("abstract", [False, True], ids=["path", "abstract"])
def test_sd_notify_readiness_reload_and_stop(fault_upstream, devoguard, tmp_path, abstract):
    up = fault_upstream(answer_ip=ANSWER_IP)
    notify = NotifySocket(str(tmp_path), abstract)
    try:
        dg = devoguard(forward_all(up.server), env={"NOTIFY_SOCKET": notify.address})
        ready = notify.next()
        assert ready.get("READY") == "1", ready
        assert str(dg.port) in ready.get("STATUS", ""), ready
        # Ready means bound: a query straight away is answered.
        assert c.addresses(c.udp(c.make_query("ready.example.com"), dg.port)) == [ANSWER_IP]
        for text in (None, "rules: [broken\n"):  # a good reload, then a rejected one
            if text is None:
                dg.write_config(dg.config)
            else:
                dg.write_config(text=text)
            dg.sighup()
            reloading = notify.next()
            assert reloading.get("RELOADING") == "1", reloading
            assert int(reloading["MONOTONIC_USEC"]) > 0
            again = notify.next()
            assert again.get("READY") == "1", again
        dg.write_config(dg.config)
        assert c.addresses(c.udp(c.make_query("still.example.com"), dg.port)) == [ANSWER_IP]
        dg.proc.send_signal(15)
        assert notify.next().get("STOPPING") == "1"
        assert dg.proc.wait(timeout=10) == 0
    finally:
        notify.close()


def test_without_notify_socket_nothing_is_sent(fault_upstream, devoguard):
    # The default: no $NOTIFY_SOCKET in the environment, and devoguard serves as usual.
    up = fault_upstream(answer_ip=ANSWER_IP)
    env = {k: v for k, v in os.environ.items() if k != "NOTIFY_SOCKET"}
    assert "NOTIFY_SOCKET" not in env
    dg = devoguard(forward_all(up.server))
    assert c.addresses(c.udp(c.make_query("plain.example.com"), dg.port)) == [ANSWER_IP]


def test_systemd_unit_verifies_and_is_sandboxed(tmp_path):
    unit_text = open(os.path.join(SOURCE_DIR, "conf", "devoguard.service")).read()
    for directive in ("Type=notify", "NoNewPrivileges=yes", "ProtectSystem=strict",
                      "AmbientCapabilities=CAP_NET_BIND_SERVICE",
                      "CapabilityBoundingSet=CAP_NET_BIND_SERVICE", "ExecReload=",
                      "LogsDirectory=devoguard", "ReadWritePaths=/var/log/devoguard"):
        assert directive in unit_text, f"{directive} missing from conf/devoguard.service"
    # The unit as installed, pointing at the binary under test.
    unit = tmp_path / "devoguard.service"
    unit.write_text(unit_text.replace("/usr/local/bin/devoguard", BINARY))
    verify = subprocess.run(["systemd-analyze", "verify", str(unit)], capture_output=True,
                            text=True)
    assert verify.returncode == 0, verify.stderr
    assert verify.stderr.strip() == "", verify.stderr
    # systemd's own exposure score (0 best, 10 worst): "OK" is below 2.0.
    security = subprocess.run(["systemd-analyze", "security", "--offline=yes", "--threshold=20",
                               str(unit)], capture_output=True, text=True)
    assert security.returncode == 0, security.stdout[-2000:]

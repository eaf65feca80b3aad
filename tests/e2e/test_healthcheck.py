"""`devoguard healthcheck`: one HTTP/1.0 GET of /healthz (a container HEALTHCHECK has no curl).
Exit 0 only on a 200 from a running devoguard; 1 with one `unhealthy: URL: why` line when
/healthz says 503, when nothing listens, when the listener never answers (bounded by
--timeout), when it answers something that is not HTTP, and when -c names a configuration
without metrics.listen."""
import socket
import threading
import time

from harness import client as c
from harness.devoguard import forward_all, run_command
from harness.metrics import http_get
from harness.ports import free_port
from harness.wait import wait_for


def with_metrics(cfg):
    port = free_port()
    cfg["metrics"] = {"listen": f"127.0.0.1:{port}"}
    return cfg, f"http://127.0.0.1:{port}/healthz"


def healthcheck(*args, timeout=10):
    return run_command(["healthcheck", *args], timeout=timeout)


def test_healthy_devoguard_exits_0_by_url_and_by_config(fault_upstream, devoguard):
    cfg, url = with_metrics(forward_all(fault_upstream().server))
    dg = devoguard(cfg)
    wait_for(lambda: http_get(url)[0] == 200, timeout=5, message="/healthz to answer 200")
    r = healthcheck("--url", url)
    assert r.returncode == 0, r.stderr
    assert r.stdout == f"healthy: {url}: 200 ok\n"
    assert r.stderr == ""
    r = healthcheck("-c", dg.config_path)
    assert r.returncode == 0, r.stderr
    assert r.stdout == f"healthy: {url}: 200 ok\n"


def test_503_when_a_forwarded_group_is_down_exits_1(fault_upstream, devoguard):
    dead = fault_upstream(mode="silent")
    cfg, url = with_metrics(forward_all(dead.server, timeout="200ms", max_failures=1,
                                        probe_interval="10s"))
    dg = devoguard(cfg)
    c.udp(c.make_query("down.example.com"), dg.port, timeout=2)  # times out upstream: down
    wait_for(lambda: http_get(url)[0] == 503, timeout=5, message="/healthz to answer 503")
    r = healthcheck("--url", url)
    assert r.returncode == 1, r.stdout
    assert r.stdout == ""
    line = r.stderr.strip()
    assert line.startswith(f"unhealthy: {url}: 503 "), r.stderr
    assert len(r.stderr.splitlines()) == 1, r.stderr
    # The same verdict through the configuration file.
    r = healthcheck("-c", dg.config_path)
    assert r.returncode == 1 and r.stderr.startswith(f"unhealthy: {url}: 503 "), r.stderr


def test_nothing_listening_exits_1(tmp_path):
    port = free_port()
    url = f"http://127.0.0.1:{port}/healthz"
    r = healthcheck("--url", url)
    assert r.returncode == 1
    assert r.stderr == f"unhealthy: {url}: connect: Connection refused\n"


def test_a_stopped_devoguard_is_unhealthy(fault_upstream, devoguard):
    cfg, url = with_metrics(forward_all(fault_upstream().server))
    dg = devoguard(cfg)
    wait_for(lambda: http_get(url)[0] == 200, timeout=5, message="/healthz to answer 200")
    assert healthcheck("-c", dg.config_path).returncode == 0
    assert dg.stop() == 0
    r = healthcheck("-c", dg.config_path)
    assert r.returncode == 1 and "Connection refused" in r.stderr, r.stderr


def test_a_listener_that_never_answers_is_bounded_by_timeout():
    # Connections complete in the kernel's backlog; nobody ever reads or answers.
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        s.listen(8)
        url = f"http://127.0.0.1:{s.getsockname()[1]}/healthz"
        started = time.monotonic()
        r = healthcheck("--url", url, "--timeout", "300ms")
        took = time.monotonic() - started
    assert r.returncode == 1
    assert r.stderr == f"unhealthy: {url}: no reply within 300ms\n"
    assert 0.3 <= took < 3, took


def test_a_reply_that_is_not_http_is_unhealthy():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        s.listen(1)
        url = f"http://127.0.0.1:{s.getsockname()[1]}/healthz"

        def answer():
            conn, _ = s.accept()
            with conn:
                conn.settimeout(5)
                conn.recv(4096)
                conn.sendall(b"SSH-2.0-OpenSSH_9.2\r\n")
        t = threading.Thread(target=answer, daemon=True)
        t.start()
        r = healthcheck("--url", url)
        t.join(timeout=5)
    assert r.returncode == 1
    assert r.stderr == f'unhealthy: {url}: not an HTTP reply: "SSH-2.0-OpenSSH_9.2"\n'


def test_a_request_is_one_plain_http_1_0_get():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        s.listen(1)
        port = s.getsockname()[1]
        seen = []

        def answer():
            conn, _ = s.accept()
            with conn:
                conn.settimeout(5)
                data = b""
                while b"\r\n\r\n" not in data:
                    data += conn.recv(4096)
                seen.append(data)
                conn.sendall(b"HTTP/1.0 200 OK\r\nContent-Length: 3\r\n\r\nok\n")
        t = threading.Thread(target=answer, daemon=True)
        t.start()
        r = healthcheck("--url", f"http://localhost:{port}")  # no path: /healthz
        t.join(timeout=5)
    assert r.returncode == 0, r.stderr
    assert r.stdout == f"healthy: http://127.0.0.1:{port}/healthz: 200 ok\n"
    assert seen[0].startswith(b"GET /healthz HTTP/1.0\r\nHost: 127.0.0.1:"), seen


def test_config_without_metrics_listen_exits_1(tmp_path):
    path = tmp_path / "c.yaml"
    path.write_text("listen: [\"127.0.0.1:5353\"]\n")
    r = healthcheck("-c", str(path))
    assert r.returncode == 1
    assert r.stderr == (f"unhealthy: {path}: metrics.listen is not set: devoguard serves no "
                        "/healthz\n")


def test_an_invalid_config_or_url_is_unhealthy_and_both_at_once_is_bad_usage(tmp_path):
    path = tmp_path / "c.yaml"
    path.write_text("metrics: {listen: nowhere}\n")
    r = healthcheck("-c", str(path))
    assert r.returncode == 1
    assert r.stderr.startswith(f"unhealthy: {path}:1:19: metrics.listen"), r.stderr
    r = healthcheck("--url", "https://127.0.0.1:9153/healthz")
    assert r.returncode == 1
    assert r.stderr.startswith("unhealthy: --url https://127.0.0.1:9153/healthz: expected "), \
        r.stderr
    r = healthcheck("--url", "http://metrics.example.com:9153/healthz")
    assert r.returncode == 1 and "IP address" in r.stderr, r.stderr
    r = healthcheck("--url", "http://127.0.0.1:9153/healthz", "-c", str(path))
    assert r.returncode == 2, r.stderr


def test_help_names_the_default_url_and_the_exit_codes():
    r = healthcheck("--help")
    assert r.returncode == 0
    for text in ("--url", "-c,--config", "--timeout", "http://127.0.0.1:9153/healthz",
                 "HTTP/1.0 GET", "Exit codes: 0 healthy (200), 1 anything else"):
        assert text in r.stdout, (text, r.stdout)

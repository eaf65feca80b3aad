"""Scraping devoguard's Prometheus endpoint: samples as (name, labels) → value."""
import re
import urllib.request

from harness.ports import free_port

_SAMPLE = re.compile(r"^([a-zA-Z_:][\w:]*)(?:\{(.*)\})?\s+(\S+)$")
_LABEL = re.compile(r'(\w+)="((?:[^"\\]|\\.)*)"')


def http_get(url, timeout=2.0):
    """(status, body) of one GET."""
    try:
        with urllib.request.urlopen(url, timeout=timeout) as r:
            return r.status, r.read().decode()
    except urllib.error.HTTPError as e:
        return e.code, e.read().decode()


def parse(text):
    samples = {}
    for line in text.splitlines():
        if not line or line.startswith("#"):
            continue
        m = _SAMPLE.match(line)
        if m:
            labels = frozenset(_LABEL.findall(m.group(2) or ""))
            samples[(m.group(1), labels)] = float(m.group(3))
    return samples


def value(samples, name, **labels):
    """The sum over the samples of `name` whose labels include `labels` (None when none)."""
    want = set(labels.items())
    found = [v for (n, ls), v in samples.items() if n == name and want <= set(ls)]
    return sum(found) if found else None


def with_metrics(cfg):
    """cfg with a metrics listener on a free loopback port, and the base URL to scrape."""
    port = free_port()
    cfg["metrics"] = {"listen": f"127.0.0.1:{port}"}
    return cfg, f"http://127.0.0.1:{port}"


def scrape(base):
    """The samples of one GET /metrics, which must answer 200."""
    status, body = http_get(base + "/metrics")
    assert status == 200, status
    return parse(body)

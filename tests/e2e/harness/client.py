"""Client-side helpers: build queries, send them over UDP/TCP (dnspython or raw sockets),
read EDE options (RFC 8914)."""
import socket
import struct
import time

import dns.edns
import dns.flags
import dns.message
import dns.query
import dns.rcode

EDE = 15  # EDNS option code of Extended DNS Errors


def make_query(name, rdtype="A", *, edns=False, do=False, options=(), payload=1232, id=None):
    kw = {}
    if edns or do or options:
        kw = dict(use_edns=0, payload=payload, want_dnssec=do, options=list(options))
    q = dns.message.make_query(name, rdtype, **kw)
    if id is not None:
        q.id = id
    return q


def udp(q, port, host="127.0.0.1", timeout=3.0):
    return dns.query.udp(q, host, port=port, timeout=timeout, ignore_unexpected=True)


def tcp(q, port, host="127.0.0.1", timeout=3.0):
    return dns.query.tcp(q, host, port=port, timeout=timeout)


def timed(fn, *args, **kw):
    """(result, seconds) of one call."""
    start = time.monotonic()
    result = fn(*args, **kw)
    return result, time.monotonic() - start


def rcode(resp):
    return dns.rcode.to_text(resp.rcode())


def ede(resp):
    """[(info_code, text)] of the EDE options in a response."""
    out = []
    for o in resp.options:
        if int(o.otype) == EDE:
            data = o.to_wire()
            out.append((struct.unpack("!H", data[:2])[0], data[2:].decode("utf-8", "replace")))
    return out


def addresses(resp):
    return sorted(rd.to_text() for rrset in resp.answer for rd in rrset
                  if rrset.rdtype in (dns.rdatatype.A, dns.rdatatype.AAAA))


def _family(host):
    return socket.AF_INET6 if ":" in host else socket.AF_INET


def raw_udp(wire, port, host="127.0.0.1", timeout=0.5, source=None):
    """Sends raw bytes; returns the first datagram back, or None when nothing came within
    `timeout` (that silence is what 'dropped' looks like)."""
    with socket.socket(_family(host), socket.SOCK_DGRAM) as s:
        if source:
            s.bind((source, 0))
        s.settimeout(timeout)
        s.sendto(wire, (host, port))
        try:
            return s.recv(65535)
        except socket.timeout:
            return None


def udp_collect(q, port, host="127.0.0.1", window=1.0):
    """Sends one query and returns every datagram that came back within `window` seconds,
    parsed where possible (bytes otherwise): shows whether anything extra leaked through."""
    out = []
    with socket.socket(_family(host), socket.SOCK_DGRAM) as s:
        s.sendto(q.to_wire(), (host, port))
        deadline = time.monotonic() + window
        while (left := deadline - time.monotonic()) > 0:
            s.settimeout(left)
            try:
                data = s.recv(65535)
            except socket.timeout:
                break
            try:
                out.append(dns.message.from_wire(data))
            except Exception:  # noqa: BLE001 — keep the raw bytes for the assertion message
                out.append(data)
    return out


def frame(wire):
    return struct.pack("!H", len(wire)) + wire


def tcp_connect(port, host="127.0.0.1", timeout=3.0):
    s = socket.create_connection((host, port), timeout=timeout)
    s.settimeout(timeout)
    return s


def read_frame(sock):
    """One length-prefixed message, or None on EOF."""
    head = _recv_exact(sock, 2)
    if head is None:
        return None
    return _recv_exact(sock, struct.unpack("!H", head)[0])


def _recv_exact(sock, n):
    buf = b""
    while len(buf) < n:
        chunk = sock.recv(n - len(buf))
        if not chunk:
            return None
        buf += chunk
    return buf


def wait_closed(sock, timeout):
    """True when the peer closes (FIN or RST) within `timeout`; data that arrives first is read
    and discarded. False when the connection is still open at the deadline."""
    deadline = time.monotonic() + timeout
    while (left := deadline - time.monotonic()) > 0:
        sock.settimeout(left)
        try:
            if not sock.recv(65535):
                return True
        except socket.timeout:
            return False
        except (ConnectionResetError, BrokenPipeError):
            return True
    return False

"""A fault-injecting upstream on a loopback port (UDP and TCP), switchable at run time.

Modes (attribute `mode`, read when each query arrives):
  normal        NOERROR with `A <answer_ip>` for whatever was asked
  silent        never answers
  delay         answers after `delay_ms`
  spoofed       first a reply with a wrong ID, then replies with a wrong question (name, then
                type), all carrying POISON_IP, then the right reply
  wrong_source  UDP: the right reply, but sent from another socket (another port); then nothing.
                TCP: nothing
  truncate      UDP: TC=1 and no answer; TCP: the full answer
  nxdomain      NXDOMAIN, no answer
  tcp_reset     TCP: the connection is reset (SO_LINGER 0) when a query arrives; UDP: normal
  tcp_flaky     TCP: each connection answers `flaky_after` queries, then is reset at the next
                one (with queries of the client perhaps still in flight); UDP: normal
  malformed     replies with the query's ID that are not valid answers (cut short in the
                header or the question, a name running past the end, a compression loop in
                the question, QR=0, no question), then the right reply
  garbage       only the malformed replies of `malformed`, never the right one
`qname_delay` ({"slow.example.com": ms}) delays answers for single names in any answering mode.
`answer_ttl` is the TTL of the A record (60); `soa_ttl` set puts an SOA (TTL and MINIMUM both
`soa_ttl`, owner the parent of the name) in the authority section of NXDOMAIN answers, which
makes them cacheable (RFC 2308).
Each query is answered on its own thread, so a delayed answer never holds back another one.
Every query received is recorded (see `Received`)."""
import dataclasses
import socket
import struct
import threading

import dns.edns
import dns.exception
import dns.flags
import dns.message
import dns.name
import dns.rcode
import dns.rdatatype
import dns.rrset

from .wait import wait_for

POISON_IP = "203.0.113.66"
MODES = {"normal", "silent", "delay", "spoofed", "wrong_source", "truncate", "nxdomain", "tcp_reset",
         "tcp_flaky", "malformed", "garbage"}


@dataclasses.dataclass
class Received:
    transport: str      # "udp" / "tcp"
    qname: str          # lower case, no final dot
    qtype: str          # mnemonic
    id: int
    edns: int           # EDNS version, -1 without OPT
    payload: int        # EDNS UDP payload size (0 without OPT)
    do: bool
    options: list       # [(code, bytes)] EDNS options
    source: tuple       # (address, port) the query came from
    rd: bool


def _frame(wire):
    return struct.pack("!H", len(wire)) + wire


def _recv_exact(conn, n):
    buf = b""
    while len(buf) < n:
        chunk = conn.recv(n - len(buf))
        if not chunk:
            return None
        buf += chunk
    return buf


class FaultUpstream:
    def __init__(self, host="127.0.0.1", answer_ip="192.0.2.77", mode="normal"):
        from .ports import free_port
        self.host = host
        self.answer_ip = answer_ip
        self.mode = mode
        self.delay_ms = 0
        self.flaky_after = 3
        self.qname_delay = {}
        self.answer_ttl = 60
        self.soa_ttl = None
        self._lock = threading.Lock()
        self._received = []
        self._stop = threading.Event()
        family = socket.AF_INET6 if ":" in host else socket.AF_INET
        self._family = family
        self.port = free_port((host,))
        self._udp = socket.socket(family, socket.SOCK_DGRAM)
        self._udp.bind((host, self.port))
        self._udp.settimeout(0.1)  # lets the loop notice close()
        self._tcp = socket.socket(family, socket.SOCK_STREAM)
        self._tcp.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self._tcp.bind((host, self.port))
        self._tcp.listen(64)
        self._tcp.settimeout(0.1)
        self._conns = []
        self._threads = [threading.Thread(target=self._udp_loop, daemon=True),
                         threading.Thread(target=self._tcp_loop, daemon=True)]
        for t in self._threads:
            t.start()

    # ---- what tests use -------------------------------------------------------------------
    @property
    def server(self):
        return f"[{self.host}]:{self.port}" if ":" in self.host else f"{self.host}:{self.port}"

    def set_mode(self, mode, delay_ms=None):
        assert mode in MODES, mode
        if delay_ms is not None:
            self.delay_ms = delay_ms
        self.mode = mode

    def received(self, qname=None, transport=None):
        with self._lock:
            out = list(self._received)
        if qname is not None:
            out = [r for r in out if r.qname == qname.lower().rstrip(".")]
        if transport is not None:
            out = [r for r in out if r.transport == transport]
        return out

    def wait_received(self, qname=None, count=1, timeout=5.0, transport=None):
        return wait_for(lambda: (lambda r: r if len(r) >= count else None)(
            self.received(qname, transport)), timeout=timeout,
            message=f"{self.server} to receive {count} quer(ies) for {qname} ({transport})")

    def close(self):
        self._stop.set()
        for t in self._threads:
            t.join(timeout=2)
        self._udp.close()
        self._tcp.close()
        with self._lock:
            conns = list(self._conns)
        for c in conns:
            try:
                c.close()
            except OSError:
                pass

    # ---- serving --------------------------------------------------------------------------
    def _record(self, transport, query, source):
        q = query.question[0]
        r = Received(transport=transport, qname=q.name.to_text().lower().rstrip("."),
                     qtype=dns.rdatatype.to_text(q.rdtype), id=query.id, edns=query.edns,
                     payload=query.payload if query.edns >= 0 else 0,
                     do=bool(query.ednsflags & dns.flags.DO),
                     options=[(int(o.otype), o.to_wire()) for o in query.options],
                     source=source[:2], rd=bool(query.flags & dns.flags.RD))
        with self._lock:
            self._received.append(r)
        return r

    def _answer(self, query, rcode=dns.rcode.NOERROR, ip=None, truncated=False):
        resp = dns.message.make_response(query)
        resp.set_rcode(rcode)
        q = resp.question[0]
        if rcode == dns.rcode.NOERROR and not truncated:
            resp.answer.append(dns.rrset.from_text(q.name, self.answer_ttl, "IN", "A",
                                                   ip or self.answer_ip))
        if rcode == dns.rcode.NXDOMAIN and self.soa_ttl is not None:
            resp.authority.append(dns.rrset.from_text(
                q.name.parent(), self.soa_ttl, "IN", "SOA",
                f"ns.invalid. hostmaster.invalid. 1 7200 900 1209600 {self.soa_ttl}"))
        if truncated:
            resp.flags |= dns.flags.TC
        return resp

    def _malformed(self, query):
        """Replies carrying the query's ID that no resolver may accept (raw bytes)."""
        good = self._answer(query).to_wire()
        header = good[:12]
        no_question = header[:4] + b"\x00\x00" + header[6:]
        qr_clear = good[:2] + bytes([good[2] & 0x7F]) + good[3:]
        loop = header[:4] + b"\x00\x01" + b"\x00" * 6 + b"\xc0\x0c\x00\x01\x00\x01"
        overrun = header[:4] + b"\x00\x01" + b"\x00" * 6 + b"\x3fabc"
        return [good[:7], good[:14], no_question, qr_clear, loop, overrun]

    def _replies(self, transport, query):
        """The messages to send, in order, for one query in the current mode (None: none)."""
        mode = self.mode
        if mode == "silent" or (mode == "wrong_source" and transport == "tcp"):
            return []
        if mode in ("malformed", "garbage"):
            bad = self._malformed(query)
            return bad if mode == "garbage" else bad + [self._answer(query)]
        if mode == "nxdomain":
            return [self._answer(query, dns.rcode.NXDOMAIN)]
        if mode == "truncate" and transport == "udp":
            return [self._answer(query, truncated=True)]
        if mode == "spoofed":
            wrong_id = self._answer(query, ip=POISON_IP)
            wrong_id.id = query.id ^ 0x5A5A
            wrong_name = self._answer(query, ip=POISON_IP)
            wrong_name.question[0] = dns.rrset.RRset(
                dns.name.from_text("spoofed.invalid."), wrong_name.question[0].rdclass,
                wrong_name.question[0].rdtype)
            wrong_type = self._answer(query, ip=POISON_IP)
            q = wrong_type.question[0]
            other = dns.rdatatype.MX if q.rdtype != dns.rdatatype.MX else dns.rdatatype.A
            wrong_type.question[0] = dns.rrset.RRset(q.name, q.rdclass, other)
            return [wrong_id, wrong_name, wrong_type, self._answer(query)]
        return [self._answer(query)]

    def _delay(self, rec):
        ms = self.qname_delay.get(rec.qname, 0)
        if self.mode == "delay":
            ms = max(ms, self.delay_ms)
        if ms:
            self._stop.wait(ms / 1000.0)  # the delay IS the behaviour under test

    def _udp_loop(self):
        while not self._stop.is_set():
            try:
                wire, source = self._udp.recvfrom(65535)
            except socket.timeout:
                continue
            except OSError:
                return
            try:
                query = dns.message.from_wire(wire)
            except dns.exception.DNSException:
                continue
            if not query.question:
                continue
            rec = self._record("udp", query, source)
            if self.mode != "delay" and not self.qname_delay.get(rec.qname):
                self._udp_reply(query, rec, source)  # no delay: no thread needed
                continue
            threading.Thread(target=self._udp_reply, args=(query, rec, source),
                             daemon=True).start()

    def _udp_reply(self, query, rec, source):
        mode = self.mode
        replies = self._replies("udp", query)
        if not replies:
            return
        self._delay(rec)
        try:
            if mode == "wrong_source":
                with socket.socket(self._family, socket.SOCK_DGRAM) as other:
                    other.bind((self.host, 0))
                    other.sendto(replies[0].to_wire(), source)
                return
            for r in replies:
                self._udp.sendto(r if isinstance(r, bytes) else r.to_wire(), source)
        except OSError:
            pass

    def _tcp_loop(self):
        while not self._stop.is_set():
            try:
                conn, source = self._tcp.accept()
            except socket.timeout:
                continue
            except OSError:
                return
            with self._lock:
                self._conns.append(conn)
            threading.Thread(target=self._tcp_conn, args=(conn, source), daemon=True).start()

    def _tcp_conn(self, conn, source):
        write_lock = threading.Lock()
        answered = 0
        try:
            while not self._stop.is_set():
                head = _recv_exact(conn, 2)
                if head is None:
                    return
                wire = _recv_exact(conn, struct.unpack("!H", head)[0])
                if wire is None:
                    return
                try:
                    query = dns.message.from_wire(wire)
                except dns.exception.DNSException:
                    continue
                if not query.question:
                    continue
                rec = self._record("tcp", query, source)
                if self.mode == "tcp_reset" or (self.mode == "tcp_flaky" and
                                                answered >= self.flaky_after):
                    conn.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
                    conn.close()
                    return
                answered += 1
                threading.Thread(target=self._tcp_reply, args=(conn, write_lock, query, rec),
                                 daemon=True).start()
        except OSError:
            return

    def _tcp_reply(self, conn, write_lock, query, rec):
        replies = self._replies("tcp", query)
        if not replies:
            return
        self._delay(rec)
        try:
            with write_lock:
                for r in replies:
                    conn.sendall(_frame(r if isinstance(r, bytes) else r.to_wire()))
        except OSError:
            pass

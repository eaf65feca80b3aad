"""Bounded loads on loopback for the fault and abuse tests, and the memory of a process.

`udp_load` and `tcp_load` send one query per name, paced, and record for every query what came
back (rcode, answer addresses) or that nothing came; a query counts as unanswered only after
`settle` seconds without a reply, which is longer than any configured upstream plan in these
tests. `RssSampler` reads VmRSS from /proc/PID/status while a load runs."""
import dataclasses
import selectors
import socket
import struct
import threading
import time


RCODES = {0: "NOERROR", 1: "FORMERR", 2: "SERVFAIL", 3: "NXDOMAIN", 4: "NOTIMP", 5: "REFUSED"}


def query_wire(name, id, qtype=1, edns=False):
    """A query for `name` (RD set) with ID `id`, built by hand: the loads send thousands."""
    head = struct.pack("!HHHHHH", id, 0x0100, 1, 0, 0, 1 if edns else 0)
    qname = b"".join(bytes([len(label)]) + label.encode() for label in name.rstrip(".").split("."))
    wire = head + qname + b"\x00" + struct.pack("!HH", qtype, 1)
    if edns:
        wire += b"\x00\x00\x29\x04\xd0\x00\x00\x00\x00\x00\x00"  # OPT, payload 1232
    return wire


def _skip_name(wire, pos):
    while pos < len(wire):
        n = wire[pos]
        if n == 0:
            return pos + 1
        if n & 0xC0 == 0xC0:
            return pos + 2
        pos += 1 + n
    raise ValueError("name runs past the message")


def answer_addresses(wire):
    """The A records of a reply, as text (enough for the load tests: no dnspython per reply)."""
    qd, an = struct.unpack("!HH", wire[4:8])
    pos = 12
    for _ in range(qd):
        pos = _skip_name(wire, pos) + 4
    out = []
    for _ in range(an):
        pos = _skip_name(wire, pos)
        rtype, _, _, rdlen = struct.unpack("!HHIH", wire[pos:pos + 10])
        pos += 10
        if rtype == 1 and rdlen == 4:
            out.append(socket.inet_ntoa(wire[pos:pos + 4]))
        pos += rdlen
    return out


@dataclasses.dataclass
class Outcome:
    name: str
    sent_at: float
    rcode: str = None          # None: nothing came back
    addresses: list = None
    latency: float = None
    wire: bytes = None


@dataclasses.dataclass
class LoadResult:
    outcomes: list

    @property
    def sent(self):
        return len(self.outcomes)

    @property
    def answered(self):
        return sum(o.rcode is not None for o in self.outcomes)

    def unanswered(self):
        return [o.name for o in self.outcomes if o.rcode is None]

    def rcodes(self):
        counts = {}
        for o in self.outcomes:
            counts[o.rcode] = counts.get(o.rcode, 0) + 1
        return counts

    def summary(self):
        return f"sent {self.sent}, answered {self.answered}, rcodes {self.rcodes()}"


def udp_load(port, names, rate, host="127.0.0.1", settle=3.0, sockets=8, source=None,
             edns=False, on_progress=None):
    """Sends a query for each of `names` at `rate` per second from `sockets` UDP sockets and
    collects the replies. `on_progress(i)` is called after the i-th send (the tests flip
    upstream modes or send signals from it)."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    socks = []
    sel = selectors.DefaultSelector()
    for _ in range(sockets):
        s = socket.socket(family, socket.SOCK_DGRAM)
        s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 1 << 20)
        if source:
            s.bind((source, 0))
        s.setblocking(False)
        sel.register(s, selectors.EVENT_READ, len(socks))
        socks.append(s)
    outcomes = [Outcome(n, 0.0) for n in names]
    pending = {}  # (socket index, id) -> outcome index
    next_id = [0] * sockets

    def drain(timeout):
        for key, _ in sel.select(timeout):
            s = key.fileobj
            while True:
                try:
                    wire = s.recv(65535)
                except BlockingIOError:
                    break
                if len(wire) < 12:
                    continue
                i = pending.pop((key.data, struct.unpack("!H", wire[:2])[0]), None)
                if i is None:
                    continue  # a duplicate or a stray: the test sees it as nothing
                o = outcomes[i]
                o.latency = time.monotonic() - o.sent_at
                o.rcode = RCODES.get(wire[3] & 0x0F, str(wire[3] & 0x0F))
                o.wire = wire
                o.addresses = answer_addresses(wire)

    try:
        start = time.monotonic()
        for i, name in enumerate(names):
            due = start + i / rate
            while (now := time.monotonic()) < due:
                drain(due - now)
            k = i % sockets
            qid = next_id[k]
            next_id[k] = (qid + 1) & 0xFFFF
            assert (k, qid) not in pending, "more queries in flight than IDs per socket"
            outcomes[i].sent_at = time.monotonic()
            pending[(k, qid)] = i
            socks[k].sendto(query_wire(name, qid, edns=edns), (host, port))
            if on_progress:
                on_progress(i)
        deadline = time.monotonic() + settle
        while pending and (left := deadline - time.monotonic()) > 0:
            drain(left)
    finally:
        for s in socks:
            sel.unregister(s)
            s.close()
        sel.close()
    return LoadResult(outcomes)


def tcp_load(port, names, connections=4, host="127.0.0.1", settle=5.0, window=20):
    """Sends the queries over `connections` TCP connections, each keeping up to `window` in
    flight (pipelined, RFC 7766), and collects the replies. A connection the server closes
    leaves its outstanding queries unanswered."""
    outcomes = [Outcome(n, 0.0) for n in names]
    shares = [list(range(k, len(names), connections)) for k in range(connections)]

    def run(share):
        with socket.create_connection((host, port), timeout=settle) as s:
            s.settimeout(settle)
            pending = {}
            todo = list(share)
            buf = b""
            while todo or pending:
                while todo and len(pending) < window:
                    i = todo.pop(0)
                    qid = i & 0xFFFF
                    wire = query_wire(names[i], qid)
                    outcomes[i].sent_at = time.monotonic()
                    pending[qid] = i
                    s.sendall(struct.pack("!H", len(wire)) + wire)
                try:
                    chunk = s.recv(65535)
                except (socket.timeout, ConnectionResetError):
                    return
                if not chunk:
                    return
                buf += chunk
                while len(buf) >= 2 and len(buf) >= 2 + struct.unpack("!H", buf[:2])[0]:
                    n = struct.unpack("!H", buf[:2])[0]
                    wire, buf = buf[2:2 + n], buf[2 + n:]
                    i = pending.pop(struct.unpack("!H", wire[:2])[0], None)
                    if i is None:
                        continue
                    o = outcomes[i]
                    o.latency = time.monotonic() - o.sent_at
                    o.rcode = RCODES.get(wire[3] & 0x0F, str(wire[3] & 0x0F))
                    o.wire = wire
                    o.addresses = answer_addresses(wire)

    threads = [threading.Thread(target=run, args=(share,)) for share in shares]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return LoadResult(outcomes)


def rss_kb(pid):
    """VmRSS of a live process, in KiB."""
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    raise ValueError(f"no VmRSS for {pid}")


def open_fds(pid):
    import os
    return len(os.listdir(f"/proc/{pid}/fd"))


class RssSampler:
    """Samples VmRSS of `pid` every `interval` seconds in a thread while in a `with` block;
    `peak` is the largest sample, `last` the final one (taken when the block ends)."""

    def __init__(self, pid, interval=0.1):
        self.pid = pid
        self.interval = interval
        self.samples = []
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self):
        while True:
            try:
                self.samples.append(rss_kb(self.pid))
            except (OSError, ValueError):
                return
            if self._stop.wait(self.interval):  # the sampling period, not a synchronisation
                return

    def __enter__(self):
        self._thread.start()
        return self

    def __exit__(self, *exc):
        self._stop.set()
        self._thread.join()
        try:
            self.samples.append(rss_kb(self.pid))
        except (OSError, ValueError):
            pass

    @property
    def peak(self):
        return max(self.samples)

    @property
    def last(self):
        return self.samples[-1]

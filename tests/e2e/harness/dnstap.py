"""dnstap for the tests: Debian's fstrm_capture as the reader on a unix socket, dnstap-ldns to
print a capture, and a small Frame Streams + protobuf decoder for what dnstap-ldns does not
print (the Policy message, field 15 of Message, is newer than dnstap-ldns 0.2.1)."""
import os
import signal
import struct
import subprocess

from .wait import wait_for

CONTENT_TYPE = "protobuf:dnstap.Dnstap"
CLIENT_QUERY, CLIENT_RESPONSE, FORWARDER_QUERY, FORWARDER_RESPONSE = 5, 6, 7, 8
POLICY_ACTIONS = {1: "NXDOMAIN", 2: "NODATA", 3: "PASS", 4: "DROP", 5: "TRUNCATE",
                  6: "LOCAL_DATA"}


class Capture:
    """`fstrm_capture -t protobuf:dnstap.Dnstap -u SOCK -w OUT`, ready once SOCK exists."""

    def __init__(self, directory, name="capture"):
        self.socket = os.path.join(str(directory), name + ".sock")
        self.output = os.path.join(str(directory), name + ".fstrm")
        self.log_path = os.path.join(str(directory), name + ".log")
        self.proc = None

    def start(self):
        self._log = open(self.log_path, "w")
        self.proc = subprocess.Popen(["fstrm_capture", "-t", CONTENT_TYPE, "-u", self.socket,
                                      "-w", self.output], stdout=self._log, stderr=self._log)
        wait_for(lambda: os.path.exists(self.socket) or self.proc.poll() is not None,
                 timeout=5, message="fstrm_capture to create its socket")
        assert self.proc.poll() is None, "fstrm_capture exited: " + self.log()
        return self

    def stop(self):
        """SIGINT: fstrm_capture closes its output file properly and exits."""
        if self.proc and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGINT)
            try:
                self.proc.wait(timeout=5)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        if os.path.exists(self.socket):
            os.unlink(self.socket)

    def log(self):
        with open(self.log_path) as f:
            return f.read()


def ldns_yaml(path):
    """`dnstap-ldns -r PATH -y`: one dict per frame (its YAML documents)."""
    import yaml
    out = subprocess.run(["dnstap-ldns", "-r", path, "-y"], capture_output=True, text=True,
                         timeout=20)
    assert out.returncode == 0, out.stderr
    return [d for d in yaml.safe_load_all(out.stdout) if d]


def data_frames(path):
    """The data frames of a Frame Streams file (control frames skipped)."""
    with open(path, "rb") as f:
        data = f.read()
    frames, at = [], 0
    while at + 4 <= len(data):
        (n,) = struct.unpack_from(">I", data, at)
        at += 4
        if n == 0:  # escape: a control frame follows
            (n,) = struct.unpack_from(">I", data, at)
            at += 4 + n
            continue
        frames.append(data[at:at + n])
        at += n
    return frames


def _varint(buf, at):
    value, shift = 0, 0
    while True:
        b = buf[at]
        at += 1
        value |= (b & 0x7F) << shift
        shift += 7
        if not b & 0x80:
            return value, at


def fields(buf):
    """A protobuf message as {field number: [values]} (ints and bytes; no schema needed)."""
    out, at = {}, 0
    while at < len(buf):
        key, at = _varint(buf, at)
        number, wire = key >> 3, key & 7
        if wire == 0:
            v, at = _varint(buf, at)
        elif wire == 2:
            n, at = _varint(buf, at)
            v, at = buf[at:at + n], at + n
        elif wire == 5:
            v, at = struct.unpack_from("<I", buf, at)[0], at + 4
        elif wire == 1:
            v, at = struct.unpack_from("<Q", buf, at)[0], at + 8
        else:
            raise ValueError(f"wire type {wire}")
        out.setdefault(number, []).append(v)
    return out


def messages(path):
    """Each frame's Message as {"type", "policy": {type, rule, action, match, value} or None}."""
    result = []
    for frame in data_frames(path):
        top = fields(frame)
        m = fields(top[14][0])
        policy = None
        if 15 in m:
            p = fields(m[15][0])
            policy = {"type": p.get(1, [b""])[0].decode(), "rule": p.get(2, [b""])[0].decode(),
                      "action": POLICY_ACTIONS.get(p.get(3, [0])[0]), "match": p.get(4, [0])[0],
                      "value": p.get(5, [b""])[0].decode()}
        result.append({"type": m[1][0], "identity": top.get(1, [b""])[0].decode(),
                       "policy": policy})
    return result

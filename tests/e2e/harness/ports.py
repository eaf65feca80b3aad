"""Free loopback ports: one port number bindable for both UDP and TCP on every given address,
because devoguard and unbound serve both transports on the same port."""
import socket

_FAMILY = {True: socket.AF_INET6, False: socket.AF_INET}


def _bind(host, kind, port):
    s = socket.socket(_FAMILY[":" in host], kind)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.bind((host, port))
    return s


def free_port(hosts=("127.0.0.1",), attempts=50):
    """A port that is free for UDP and TCP on each of `hosts` (e.g. ("127.0.0.1", "::1")).

    The sockets are closed before returning: there is a small window in which another
    process could take the port, which is acceptable on a test machine."""
    for _ in range(attempts):
        probe = _bind(hosts[0], socket.SOCK_STREAM, 0)
        port = probe.getsockname()[1]
        held = [probe]
        try:
            for host in hosts:
                for kind in (socket.SOCK_STREAM, socket.SOCK_DGRAM):
                    if host == hosts[0] and kind == socket.SOCK_STREAM:
                        continue
                    held.append(_bind(host, kind, port))
            return port
        except OSError:
            continue
        finally:
            for s in held:
                s.close()
    raise RuntimeError(f"no port free for UDP+TCP on {hosts} after {attempts} attempts")


def ipv6_loopback_available():
    try:
        s = socket.socket(socket.AF_INET6, socket.SOCK_DGRAM)
        s.bind(("::1", 0))
        s.close()
        return True
    except OSError:
        return False

"""Free loopback ports and waiting for a server to listen on one."""

from __future__ import annotations

import socket
import time
from collections.abc import Callable

LOOPBACK = "127.0.0.1"


def free_port(*, tcp: bool = True, udp: bool = True) -> int:
    """A port number that is free on 127.0.0.1 for TCP and/or UDP right now.

    The kernel picks the number; we only check that the other protocol can
    bind it too, because Kamailio listens with both on some ports. Another
    process may still take it before the server binds: that is the accepted
    race of every such helper, and it shows up as a clear start error.
    """
    for _ in range(50):
        first = socket.socket(socket.AF_INET, socket.SOCK_STREAM if tcp else socket.SOCK_DGRAM)
        with first:
            first.bind((LOOPBACK, 0))
            port = int(first.getsockname()[1])
            if tcp and udp:
                other = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
                with other:
                    try:
                        other.bind((LOOPBACK, port))
                    except OSError:
                        continue
            return port
    raise OSError("no free loopback port found")


def port_is_free(port: int, *, tcp: bool, udp: bool) -> bool:
    """True when `port` can be bound again (a stopped server really let go)."""
    kinds = ([socket.SOCK_STREAM] if tcp else []) + ([socket.SOCK_DGRAM] if udp else [])
    for kind in kinds:
        with socket.socket(socket.AF_INET, kind) as s:
            if kind == socket.SOCK_STREAM:
                # Servers set SO_REUSEADDR too, so TIME_WAIT leftovers do not count.
                s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            try:
                s.bind((LOOPBACK, port))
            except OSError:
                return False
    return True


def tcp_accepts(port: int, host: str = LOOPBACK, timeout: float = 0.2) -> bool:
    """True when something accepts TCP connections on host:port."""
    try:
        with socket.create_connection((host, port), timeout=timeout):
            return True
    except OSError:
        return False


def wait_until(predicate: Callable[[], bool], timeout: float, interval: float = 0.02) -> bool:
    """Poll `predicate()` until it is true or `timeout` seconds passed."""
    deadline = time.monotonic() + timeout
    while True:
        if predicate():
            return True
        if time.monotonic() >= deadline:
            return False
        time.sleep(interval)
